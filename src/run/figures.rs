//! The figures of one run (`data.png`, `decision_boundary.png`, `neurons.png`, `loss.png`,
//! and its points in `data.csv`) and the comparison of several.

use std::path::{Path, PathBuf};

use burn::tensor::Device;
use hinge_data::{DataSplit, LabeledPoints, TargetEncoding};
use hinge_model::{LossKind, Mlp};
use hinge_train::{
    BOUNDARY_PLOT, DATA_FILE, DATA_PLOT, LOSS_PLOT, NEURONS_PLOT, RunDir, TrainedRun,
    TrainingConfig, predict,
};

use super::RunOutcome;
use crate::AppError;
use crate::lab::record::write_rows;
use crate::neurons::{neuron_maps, neurons_plot};
use crate::plot::{
    GRID_RESOLUTION, LabelledSet, OutputGrid, comparison_plot, data_plot, decision_boundary_plot,
    loss_plot,
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
        let panels: Vec<(&str, &OutputGrid)> = grids
            .iter()
            .map(|(loss, grid)| (loss.title(), grid))
            .collect();
        let path = artifacts.join(COMPARISON_PLOT);
        let legend = legend(&first.run.config);
        comparison_plot(&path, &panels, labelled(test, &legend))?;
        return Ok(Some(path));
    }
    Ok(None)
}

/// One line of `data.csv`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(super) struct PointRow {
    /// `train`, `valid` or `test`.
    pub split: String,
    pub x: f64,
    pub y: f64,
    /// The class: 0, 1, ...; with two classes 0 is the target -1.
    pub label: u8,
}

impl PointRow {
    fn of_split(data: &DataSplit) -> Vec<PointRow> {
        [
            ("train", &data.train),
            ("valid", &data.valid),
            ("test", &data.test),
        ]
        .into_iter()
        .flat_map(|(split, set)| {
            set.points
                .iter()
                .zip(&set.labels)
                .map(move |(p, &label)| PointRow {
                    split: split.to_string(),
                    x: p[0],
                    y: p[1],
                    label,
                })
        })
        .collect()
    }
}

/// The runs' decision boundaries side by side, when a command trains several losses.
pub(super) const COMPARISON_PLOT: &str = "comparison.png";

/// Writes `data.png`, `decision_boundary.png` and `loss.png` for one run; returns the output
/// grid so the comparison can reuse it.
pub(super) fn plot_run(
    run: &TrainedRun,
    loss: LossKind,
    device: &Device,
    dir: &RunDir,
) -> Result<OutputGrid, AppError> {
    data_plot(&dir.file(DATA_PLOT), &run.data.train.points)?;
    write_rows(&dir.file(DATA_FILE), &PointRow::of_split(&run.data))?;
    let test = &run.data.test;
    let grid = output_grid(&run.model, &test.points, device)?;
    let title = format!("Decision boundary ({})", loss.title().to_lowercase());
    decision_boundary_plot(
        &dir.file(BOUNDARY_PLOT),
        &title,
        &grid,
        labelled(test, &legend(&run.config)),
    )?;
    let maps = neuron_maps(&run.model, &test.points, &run.data.train.points, device)?;
    neurons_plot(
        &dir.file(NEURONS_PLOT),
        &format!("{}: every unit over the input plane", loss.title()),
        &maps,
    )?;
    loss_plot(
        &dir.file(LOSS_PLOT),
        loss.title(),
        run.config.data.dataset.name(),
        &run.epochs,
    )?;
    Ok(grid)
}

pub(super) fn labelled<'a>(set: &'a LabeledPoints, legend: &'a [String]) -> LabelledSet<'a> {
    LabelledSet {
        points: &set.points,
        labels: &set.labels,
        legend,
    }
}

/// Each class's legend entry: its target and name for the two-class losses ("-1 (outer
/// circle)"), its name alone for the categorical hinge.
pub(super) fn legend(config: &TrainingConfig) -> Vec<String> {
    let dataset = config.data.dataset;
    let classes = config.data.classes();
    (0..classes)
        .map(|class| {
            let label = u8::try_from(class).expect("classes were checked to fit a label");
            let name = dataset.class_name(label);
            match config.loss.encoding(classes) {
                Some(TargetEncoding::Signed) => {
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
    let outputs = predict(model, &centres, &device.clone().inner())?;
    Ok(OutputGrid {
        x,
        y,
        resolution: GRID_RESOLUTION,
        width: outputs.len() / centres.len().max(1),
        outputs,
    })
}
