use std::path::{Path, PathBuf};
use std::sync::Arc;

use burn::tensor::Device;
use hinge_data::{DataSplit, LabeledPoints, TargetEncoding};
use hinge_model::{LayerKind, LossKind, Mlp, ValidMlpConfig, Watch};
use hinge_train::{
    BackendKind, Dashboard, MemoryEstimate, RunDir, Snapshots, TrainError, TrainedRun,
    TrainingConfig, ValidTrainingConfig, ensure_writable, predict, resume_point, resume_watched,
    train_watched,
};

use crate::AppError;
use crate::animate::{FRAME_GRID, Frames, Panel, render_frames};
use crate::lab::record::write_rows;
use crate::neurons::{NEURONS_PLOT, neuron_maps, neurons_plot};
use crate::plot::{
    GRID_RESOLUTION, LabelledSet, OutputGrid, comparison_plot, data_plot, decision_boundary_plot,
    loss_plot,
};

/// Which losses a run trains, in the tutorial's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LossChoice {
    One(LossKind),
    /// The tutorial's two: hinge, then squared hinge.
    Both,
    /// The tutorial's two, then the logistic baseline.
    All,
}

impl LossChoice {
    pub fn kinds(self) -> Vec<LossKind> {
        match self {
            LossChoice::One(loss) => vec![loss],
            LossChoice::Both => LossKind::TUTORIAL.to_vec(),
            LossChoice::All => LossKind::TWO_CLASS.to_vec(),
        }
    }
}

/// Everything the `circles` program asks for, already parsed.
#[derive(Debug, Clone)]
pub struct CirclesRun {
    /// Shared by every loss; its `loss` field is replaced by each one in turn.
    pub config: TrainingConfig,
    pub losses: LossChoice,
    pub backend: BackendKind,
    /// Each loss writes to `<artifacts>/<loss name>/`.
    pub artifacts: PathBuf,
    pub dashboard: Dashboard,
    /// Continue the runs in `artifacts` from their checkpoints instead of starting them.
    pub resume: bool,
    /// Write each run's decision surface as it forms, as an animated PNG.
    pub animate: bool,
}

/// One finished loss: its run and where its files are.
pub struct RunOutcome {
    pub run: TrainedRun,
    pub loss: LossKind,
}

/// The tutorial's story: train each loss, print its test result, plot it, and compare the
/// decision boundaries when more than one loss ran.
pub fn run_circles(request: &CirclesRun) -> Result<Vec<RunOutcome>, AppError> {
    // Everything that can be checked is checked before anything trains, so a bad value or an
    // unwritable folder fails in milliseconds and leaves nothing behind.
    let plans = if request.resume {
        resumable(request)?
    } else {
        request
            .losses
            .kinds()
            .into_iter()
            .map(|loss| {
                let config = request.config.clone().with_loss(loss).check()?;
                // Before the data is generated: that alone may not fit.
                MemoryEstimate::of(std::slice::from_ref(&config)).check_fits()?;
                config.check_data_fits()?;
                Ok(Plan::Fresh(loss, Box::new(config)))
            })
            .collect::<Result<Vec<_>, AppError>>()?
    };
    let opened = request.backend.open()?;
    ensure_writable(&request.artifacts)?;
    println!("Backend: {opened}");
    // Every loss of a run trains the same network (the categorical hinge runs alone).
    if let Some(Plan::Fresh(_, config) | Plan::Resume(_, config)) = plans.first() {
        print!("{}", model_summary(config.model()));
    }
    let device = opened.device;

    let mut outcomes = Vec::new();
    let mut grids = Vec::new();
    let mut animations = Vec::new();
    for plan in plans {
        let (Plan::Fresh(loss, ref config) | Plan::Resume(loss, ref config)) = plan;
        let dir = request.artifacts.join(loss.name());
        let mut watched = Watched::new(config, request.animate);
        let run = match plan {
            Plan::Fresh(_, ref config) => {
                println!("Training with {loss} loss, writing to {}", dir.display());
                let watch = watched.snapshots(config, 0);
                train_watched(config, &device, &dir, request.dashboard, watch)?
            }
            Plan::Resume(_, ref config) => {
                let point = resume_point(&dir, std::slice::from_ref(&**config), &device)?;
                for (epoch, reason) in &point.skipped {
                    println!("Passing over the checkpoint of epoch {epoch}: {reason}");
                }
                println!(
                    "Resuming {loss} loss after epoch {}, writing to {}",
                    point.epoch,
                    dir.display()
                );
                let watch = watched.snapshots(config, point.epoch);
                resume_watched(&dir, &device, request.dashboard, watch)?
            }
        };
        println!("{}", run.test.tutorial_line());
        // The animation draws on its own thread, beside the plots and the next loss.
        animations.extend(watched.animate(&run, loss, &dir)?);
        let grid = plot_run(&run, loss, &device, &dir)?;
        grids.push((loss, grid));
        outcomes.push(RunOutcome { run, loss });
    }
    finish_animations(animations, &request.artifacts)?;
    if let [first, ..] = outcomes.as_slice()
        && grids.len() > 1
    {
        let test = &first.run.data.test;
        let panels: Vec<(&str, &OutputGrid)> = grids
            .iter()
            .map(|(loss, grid)| (loss.title(), grid))
            .collect();
        let path = request.artifacts.join("comparison.png");
        let legend = legend(&first.run.config);
        comparison_plot(&path, &panels, labelled(test, &legend))?;
        println!("Comparison of the decision boundaries: {}", path.display());
    }
    Ok(outcomes)
}

/// The points a run trained, validated and was tested on, for other tools (e.g.
/// `bench/linear_svc.py`) to use the very same data.
pub const DATA_FILE: &str = "data.csv";

/// One line of `data.csv`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PointRow {
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

/// The animation of one run's decision surface, from snapshots taken while it trains.
pub const BOUNDARY_ANIMATION: &str = "boundary_animation.png";
/// The runs' animations side by side, when a run trains several losses.
pub const COMPARISON_ANIMATION: &str = "comparison_animation.png";

/// The snapshots one loss's training takes for its animation, over the region its decision
/// boundary plot covers.
struct Watched {
    region: Option<OutputGrid>,
    snapshots: Option<Arc<Snapshots>>,
}

impl Watched {
    fn new(config: &ValidTrainingConfig, animate: bool) -> Self {
        let region = animate.then(|| {
            let data = config.data_split();
            let (x, y) = OutputGrid::covering(&data.test.points);
            OutputGrid {
                x,
                y,
                resolution: FRAME_GRID,
                width: config.model().outputs(),
                outputs: Vec::new(),
            }
        });
        Self {
            region,
            snapshots: None,
        }
    }

    /// The watch to train with, from the end of `start_epoch`.
    fn snapshots(
        &mut self,
        config: &ValidTrainingConfig,
        start_epoch: usize,
    ) -> Option<Arc<dyn Watch>> {
        let region = self.region.as_ref()?;
        let centres = OutputGrid::cell_centres(region.x, region.y, region.resolution);
        let snapshots = Snapshots::new(config, &centres, start_epoch);
        self.snapshots = Some(snapshots.clone());
        Some(snapshots)
    }

    /// Starts writing `boundary_animation.png` into `dir` on a thread of its own, so the next
    /// loss trains meanwhile; the thread hands back the frames for the side-by-side animation.
    fn animate(
        self,
        run: &TrainedRun,
        loss: LossKind,
        dir: &Path,
    ) -> Result<Option<Animating>, AppError> {
        let (Some(grid), Some(snapshots)) = (self.region, self.snapshots) else {
            return Ok(None);
        };
        let taken = snapshots.taken().map_err(TrainError::Read)?;
        let panel = Panel {
            title: loss.title().to_string(),
            grid,
            points: run.data.train.points.clone(),
            labels: run.data.train.labels.clone(),
            classes: run.config.data.classes(),
            losses: run.epochs.iter().map(|e| e.train_loss).collect(),
            epochs: run.config.epochs,
        };
        let path = dir.join(BOUNDARY_ANIMATION);
        Ok(Some(std::thread::spawn(move || {
            let frames = render_frames(&panel, &taken)?;
            frames.write(&path)?;
            Ok(frames)
        })))
    }
}

/// An animation being drawn and written.
type Animating = std::thread::JoinHandle<Result<Frames, AppError>>;

/// Waits for the animations and writes them side by side when there are several.
fn finish_animations(animating: Vec<Animating>, artifacts: &Path) -> Result<(), AppError> {
    let frames = animating
        .into_iter()
        .map(|thread| thread.join().expect("drawing an animation does not panic"))
        .collect::<Result<Vec<_>, AppError>>()?;
    if frames.len() > 1
        && let Some(side_by_side) = Frames::side_by_side(&frames)
    {
        side_by_side.write(&artifacts.join(COMPARISON_ANIMATION))?;
    }
    Ok(())
}

/// The network's layers as Keras's `model.summary()` prints them: each layer, its output shape
/// and its parameter count, then the total (25 for the tutorial's network).
pub fn model_summary(model: &ValidMlpConfig) -> String {
    let layers = model.summary();
    let rows: Vec<[String; 3]> = layers
        .iter()
        .enumerate()
        .map(|(index, layer)| {
            let name = match &layer.kind {
                LayerKind::Inputs(features) => format!(
                    "inputs ({})",
                    features
                        .iter()
                        .map(|f| f.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                LayerKind::Hidden(activation) => format!("dense_{index} (Dense, {activation})"),
                LayerKind::Output(output) => format!("dense_{index} (Dense, {output})"),
            };
            [
                name,
                format!("(None, {})", layer.width),
                layer.parameters.to_string(),
            ]
        })
        .collect();
    let header = [
        "Layer (type)".to_string(),
        "Output Shape".to_string(),
        "Param #".to_string(),
    ];
    let widths: Vec<usize> = (0..3)
        .map(|column| {
            rows.iter()
                .chain([&header])
                .map(|row| row[column].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |row: &[String; 3]| {
        format!(
            " {:<a$}  {:<b$}  {:>c$}\n",
            row[0],
            row[1],
            row[2],
            a = widths[0],
            b = widths[1],
            c = widths[2]
        )
    };
    let rule = format!(" {}\n", "-".repeat(widths.iter().sum::<usize>() + 4));
    let total: usize = layers.iter().map(|layer| layer.parameters).sum();
    let mut text = String::from("Model:\n");
    text += &line(&header);
    text += &rule;
    for row in &rows {
        text += &line(row);
    }
    text += &rule;
    text += &format!(" Total params: {total}\n");
    text
}

/// What one loss of a run will do.
enum Plan {
    Fresh(LossKind, Box<ValidTrainingConfig>),
    /// Continue from the run folder's newest usable checkpoint, with its saved config.
    Resume(LossKind, Box<ValidTrainingConfig>),
}

/// The losses to resume: those asked for, or with `both`, every loss folder that has a
/// checkpoint. Each must have one, and a config that still passes the checks.
fn resumable(request: &CirclesRun) -> Result<Vec<Plan>, AppError> {
    let wanted = request.losses.kinds();
    let mut plans = Vec::new();
    for loss in &wanted {
        let dir = request.artifacts.join(loss.name());
        let run = RunDir::new(&dir);
        match run.last_checkpoint() {
            Some(_) => {
                let config = run.load_config()?;
                plans.push(Plan::Resume(*loss, Box::new(config)));
            }
            // `both` is the default: resume what is there.
            None if !matches!(request.losses, LossChoice::One(_)) => {}
            None => return Err(TrainError::NothingToResume(dir).into()),
        }
    }
    if plans.is_empty() {
        return Err(TrainError::NothingToResume(request.artifacts.clone()).into());
    }
    Ok(plans)
}

/// Writes `data.png`, `decision_boundary.png` and `loss.png` for one run; returns the output
/// grid so the comparison can reuse it.
fn plot_run(
    run: &TrainedRun,
    loss: LossKind,
    device: &Device,
    dir: &Path,
) -> Result<OutputGrid, AppError> {
    data_plot(&dir.join("data.png"), &run.data.train.points)?;
    write_rows(&dir.join(DATA_FILE), &PointRow::of_split(&run.data))?;
    let test = &run.data.test;
    let grid = output_grid(&run.model, &test.points, device)?;
    let title = format!("Decision boundary ({})", loss.title().to_lowercase());
    decision_boundary_plot(
        &dir.join("decision_boundary.png"),
        &title,
        &grid,
        labelled(test, &legend(&run.config)),
    )?;
    let maps = neuron_maps(&run.model, &test.points, &run.data.train.points, device)?;
    neurons_plot(
        &dir.join(NEURONS_PLOT),
        &format!("{}: every unit over the input plane", loss.title()),
        &maps,
    )?;
    loss_plot(
        &dir.join("loss.png"),
        loss.title(),
        run.config.data.dataset.name(),
        &run.epochs,
    )?;
    Ok(grid)
}

fn labelled<'a>(set: &'a LabeledPoints, legend: &'a [String]) -> LabelledSet<'a> {
    LabelledSet {
        points: &set.points,
        labels: &set.labels,
        legend,
    }
}

/// Each class's legend entry: its target and name for the two-class losses ("-1 (outer
/// circle)"), its name alone for the categorical hinge.
fn legend(config: &TrainingConfig) -> Vec<String> {
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
pub fn output_grid(
    model: &Mlp,
    points: &[[f64; 2]],
    device: &Device,
) -> Result<OutputGrid, AppError> {
    let (x, y) = OutputGrid::covering(points);
    let centres = OutputGrid::cell_centres(x, y, GRID_RESOLUTION);
    let outputs = predict(model, &centres, &device.clone().inner())?;
    Ok(OutputGrid {
        x,
        y,
        resolution: GRID_RESOLUTION,
        width: outputs.len() / centres.len().max(1),
        outputs,
    })
}
