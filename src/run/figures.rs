//! The figures of one run (`loss.png` and its points in `data.csv`; for 2-D data
//! `data.png`, `decision_boundary.png` and `neurons.png`, for N-D data `margins.png`,
//! `pca.png` and `confusion.png`) and the comparison of several.

use std::path::{Path, PathBuf};

use burn::tensor::Device;
use hinge_data::{DataSplit, LabeledPoints, Pca, TargetEncoding};
use hinge_model::{Feature, LossKind, Mlp, margins, predicted_class};
use hinge_train::{
    BOUNDARY_PLOT, CONFUSION_PLOT, DATA_FILE, DATA_PLOT, LOSS_PLOT, MARGINS_PLOT, NEURONS_PLOT,
    PCA_PLOT, RunDir, TrainedRun, ValidTrainingConfig, predict,
};

use super::RunOutcome;
use crate::AppError;
use crate::lab::plot::split_margin_panels;
use crate::neurons::{neuron_maps, neurons_plot};
use crate::plot::{
    GRID_RESOLUTION, LabelledSet, OutputGrid, comparison_plot, confusion_plot, data_plot,
    decision_boundary_plot, loss_plot, pca_plot,
};

/// With more than one loss, their decision boundaries side by side in `comparison.png`; where
/// it was written.
pub(super) fn compare(
    outcomes: &[RunOutcome],
    grids: &[(LossKind, OutputGrid)],
    artifacts: &Path,
) -> Result<Option<PathBuf>, AppError> {
    if let [first, ..] = outcomes
        && grids.len() > 1
    {
        let test = &first.run.data.test;
        let points: Vec<[f64; 2]> = test.xy().collect();
        let panels: Vec<(&str, &OutputGrid)> = grids
            .iter()
            .map(|(loss, grid)| (loss.title(), grid))
            .collect();
        let path = artifacts.join(COMPARISON_PLOT);
        let legend = legend(&first.run.config);
        comparison_plot(&path, &panels, labelled(test, &points, &legend))?;
        return Ok(Some(path));
    }
    Ok(None)
}

/// `data.csv`: a row per point, `split,<each feature>,label` (the features as the network
/// read them, standardised where the data scales); the class 0, 1, ...; with two classes 0 is
/// the target -1.
fn data_rows(data: &DataSplit, feature_names: &[String]) -> Result<Vec<u8>, AppError> {
    let failed = |err: csv::Error| AppError::Input(format!("writing data.csv failed: {err}"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = std::iter::once("split")
        .chain(feature_names.iter().map(String::as_str))
        .chain(["label"]);
    writer.write_record(header).map_err(failed)?;
    for (split, set) in [
        ("train", &data.train),
        ("valid", &data.valid),
        ("test", &data.test),
    ] {
        for (point, label) in set.points().zip(&set.labels) {
            let fields = std::iter::once(split.to_string())
                .chain(point.iter().map(f64::to_string))
                .chain([label.to_string()]);
            writer.write_record(fields).map_err(failed)?;
        }
    }
    writer
        .into_inner()
        .map_err(|err| AppError::Input(format!("writing data.csv failed: {err}")))
}

/// The names of the run's features, as `data.csv` heads its columns.
fn feature_names(config: &ValidTrainingConfig) -> Vec<String> {
    match config.data().table() {
        Some(table) => table.feature_names.clone(),
        None => Feature::COORDINATES.map(|f| f.name().to_string()).to_vec(),
    }
}

/// The runs' decision boundaries side by side, when a command trains several losses.
pub(super) const COMPARISON_PLOT: &str = "comparison.png";

/// Writes `data.csv` and `loss.png` for one run, and its pictures: of the plane for 2-D data
/// (`data.png`, `decision_boundary.png`, `neurons.png`; the output grid is returned for the
/// comparison), else of the margins, the principal components and, with three classes or
/// more, the confusion matrix.
pub(super) fn plot_run(
    run: &TrainedRun,
    loss: LossKind,
    device: &Device,
    dir: &RunDir,
) -> Result<Option<OutputGrid>, AppError> {
    let rows = data_rows(&run.data, &feature_names(&run.config))?;
    hinge_train::write_atomic(&dir.file(DATA_FILE), &rows)?;
    loss_plot(
        &dir.file(LOSS_PLOT),
        loss.title(),
        &run.config.data().name(),
        &run.epochs,
    )?;
    if run.config.data().width() != 2 {
        table_figures(run, loss, device, dir)?;
        return Ok(None);
    }
    let train: Vec<[f64; 2]> = run.data.train.xy().collect();
    let test_points: Vec<[f64; 2]> = run.data.test.xy().collect();
    data_plot(&dir.file(DATA_PLOT), &train)?;
    let test = &run.data.test;
    let grid = output_grid(&run.model, &test_points, device)?;
    let title = format!("Decision boundary ({})", loss.title().to_lowercase());
    let legend = legend(&run.config);
    decision_boundary_plot(
        &dir.file(BOUNDARY_PLOT),
        &title,
        &grid,
        labelled(test, &test_points, &legend),
    )?;
    let maps = neuron_maps(&run.model, &test_points, &train, device)?;
    neurons_plot(
        &dir.file(NEURONS_PLOT),
        &format!("{}: every unit over the input plane", loss.title()),
        &maps,
    )?;
    Ok(Some(grid))
}

/// The pictures of a run on data of more (or fewer) than two features: `margins.png`,
/// `pca.png`, and `confusion.png` for three classes or more.
fn table_figures(
    run: &TrainedRun,
    loss: LossKind,
    device: &Device,
    dir: &RunDir,
) -> Result<(), AppError> {
    let plain = device.clone().inner();
    let outputs = |set: &LabeledPoints| -> Result<Vec<f32>, AppError> {
        let rows: Vec<f32> = set.features.iter().map(|&x| x as f32).collect();
        Ok(predict(&run.model, &rows, &plain)?)
    };
    let (train, test) = (outputs(&run.data.train)?, outputs(&run.data.test)?);
    let title = format!("{} on {}", loss.title(), run.config.data().name());
    split_margin_panels(
        &dir.file(MARGINS_PLOT),
        &title,
        loss,
        &margins(&train, &run.data.train.labels).collect::<Vec<_>>(),
        &margins(&test, &run.data.test.labels).collect::<Vec<_>>(),
    )?;
    let classes = run.config.data().classes();
    let outputs_each = test.len() / run.data.test.len().max(1);
    let predicted: Vec<usize> = test
        .chunks(outputs_each.max(1))
        .map(predicted_class)
        .collect();
    let names: Vec<String> = (0..classes)
        .map(|c| run.config.data().class_name(c as u8))
        .collect();
    let pca = Pca::fit(&run.data.train, 2);
    pca_plot(
        &dir.file(PCA_PLOT),
        &format!("{title}: test points, first two principal components"),
        &pca.plane(&run.data.test),
        &run.data.test.labels,
        &predicted,
        &names,
    )?;
    if classes > 2 {
        confusion_plot(
            &dir.file(CONFUSION_PLOT),
            &format!("{title}: test confusion matrix"),
            &run.data.test.labels,
            &predicted,
            &names,
        )?;
    }
    Ok(())
}

/// A 2-D set's points (`points`, its (x, y)) with their labels and legend.
pub(super) fn labelled<'a>(
    set: &'a LabeledPoints,
    points: &'a [[f64; 2]],
    legend: &'a [String],
) -> LabelledSet<'a> {
    LabelledSet {
        points,
        labels: &set.labels,
        legend,
    }
}

/// Each class's legend entry: its target and name for the two-class losses ("-1 (outer
/// circle)"), its name alone for the categorical hinge.
pub(super) fn legend(config: &ValidTrainingConfig) -> Vec<String> {
    let classes = config.data().classes();
    (0..classes)
        .map(|class| {
            let label = u8::try_from(class).expect("classes were checked to fit a label");
            let name = config.data().class_name(label);
            match config.encoding() {
                TargetEncoding::Signed => {
                    format!("{} ({name})", if label == 0 { "-1" } else { "+1" })
                }
                _ => name,
            }
        })
        .collect()
}

/// The model's outputs over the area mlxtend's `plot_decision_regions` would cover.
pub(super) fn output_grid(
    model: &Mlp,
    points: &[[f64; 2]],
    device: &Device,
) -> Result<OutputGrid, AppError> {
    let (x, y) = OutputGrid::covering(points);
    let centres = hinge_data::cell_centres(x, y, GRID_RESOLUTION);
    let outputs = predict(model, centres.as_flattened(), &device.clone().inner())?;
    Ok(OutputGrid {
        x,
        y,
        resolution: GRID_RESOLUTION,
        width: outputs.len() / centres.len().max(1),
        outputs,
    })
}
