use std::path::{Path, PathBuf};
use std::sync::Arc;

use burn::tensor::Device;
use hinge_data::{DataSplit, LabeledPoints, TargetEncoding};
use hinge_model::{LayerKind, LossKind, Mlp, ValidMlpConfig, Watch};
use hinge_train::{
    BOUNDARY_ANIMATION, BOUNDARY_PLOT, BackendKind, DATA_FILE, DATA_PLOT, Dashboard, FolderLock,
    Frame, LOSS_PLOT, MemoryEstimate, NEURONS_PLOT, ResumePoint, RunDir, Snapshots, TrainError,
    TrainedRun, TrainingConfig, ValidTrainingConfig, ensure_writable, predict, remove_if_present,
    resume_point, resume_watched, saved_frames, surfaces, train_watched, write_atomic,
};

use crate::AppError;
use crate::animate::{FRAME_GRID, Frames, Panel, render_frames};
use crate::lab::record::write_rows;
use crate::neurons::{neuron_maps, neurons_plot};
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
    /// `None`: the backend a resumed run started on, else the preferred one compiled in.
    pub backend: Option<BackendKind>,
    /// Each loss writes to `<artifacts>/<loss name>/`.
    pub artifacts: PathBuf,
    pub dashboard: Dashboard,
    /// Complete the command started in `artifacts` (as its `run.json` records it) instead of
    /// starting one.
    pub resume: bool,
    /// Write each run's decision surface as it forms, as an animated PNG.
    pub animate: bool,
}

/// One finished loss: its run and where its files are.
pub struct RunOutcome {
    pub run: TrainedRun,
    pub loss: LossKind,
}

/// What a `circles` command does and how far it got, kept in `<artifacts>/run.json` from its
/// start: `--resume` reads it and completes the whole command, not only the loss it was killed
/// in.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RunRecord {
    /// In training order.
    pub losses: Vec<LossKind>,
    /// Every loss's configuration but for its `loss`.
    pub config: TrainingConfig,
    pub backend: BackendKind,
    pub animate: bool,
    /// The losses whose files are written, in training order.
    pub finished: Vec<LossKind>,
}

/// The file [`RunRecord`] is kept in, in the artifacts folder.
pub const RECORD_FILE: &str = "run.json";

impl RunRecord {
    fn of(request: &CirclesRun) -> Self {
        Self {
            losses: request.losses.kinds(),
            config: request.config.clone(),
            backend: request.backend.unwrap_or_else(BackendKind::preferred),
            animate: request.animate,
            finished: Vec::new(),
        }
    }

    /// The record of the command started in `artifacts`.
    fn load(artifacts: &Path) -> Result<Self, AppError> {
        let path = artifacts.join(RECORD_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Err(AppError::NoRunToResume(artifacts.to_path_buf()));
            }
            Err(source) => {
                return Err(TrainError::Io {
                    action: "read",
                    path,
                    source,
                }
                .into());
            }
        };
        serde_json::from_str(&text).map_err(|err| {
            TrainError::Format {
                what: "run record",
                path,
                reason: err.to_string(),
            }
            .into()
        })
    }

    fn save(&self, artifacts: &Path) -> Result<(), AppError> {
        let json = serde_json::to_string_pretty(self).expect("a record of numbers and names");
        Ok(write_atomic(&artifacts.join(RECORD_FILE), json.as_bytes())?)
    }

    /// Each loss's configuration, checked, with the memory it needs and its data.
    fn checked(&self) -> Result<Vec<(LossKind, ValidTrainingConfig)>, AppError> {
        self.losses
            .iter()
            .map(|&loss| {
                let config = self.config.clone().with_loss(loss).check()?;
                // Before the data is generated: that alone may not fit.
                MemoryEstimate::of(std::slice::from_ref(&config)).check_fits()?;
                config.check_data_fits()?;
                Ok((loss, config))
            })
            .collect()
    }
}

/// The tutorial's story: train each loss, print its test result, plot it, and compare the
/// decision boundaries when more than one loss ran. With `resume`, the command started in the
/// artifacts folder is completed: finished losses are kept, an interrupted one goes on from its
/// checkpoint, the others train from the start, and every figure is drawn.
pub fn run_circles(request: &CirclesRun) -> Result<Vec<RunOutcome>, AppError> {
    // Everything that can be checked is checked before anything trains, so a bad value or an
    // unwritable folder fails in milliseconds and leaves nothing behind.
    let mut record = if request.resume {
        RunRecord::load(&request.artifacts)?
    } else {
        RunRecord::of(request)
    };
    let configs = record.checked()?;
    let opened = request.backend.unwrap_or(record.backend).open()?;
    ensure_writable(&request.artifacts)?;
    // One command per artifacts folder: its record and its losses' folders are this one's.
    let _lock = FolderLock::acquire(&request.artifacts)?;
    let device = opened.device.clone();
    let steps = if request.resume {
        resume_steps(&record, configs, &request.artifacts, &device)?
    } else {
        start(&record, &request.artifacts)?;
        configs
            .into_iter()
            .map(|(loss, config)| (loss, config, Step::Fresh))
            .collect()
    };
    // A run with nothing left to train says so in one line; its figures are drawn all the
    // same, as a kill while they were drawn may have left some missing.
    let complete = steps
        .iter()
        .all(|(_, _, step)| matches!(step, Step::Finished));
    let say = |line: &str| {
        if !complete {
            println!("{line}");
        }
    };
    say(&format!("Backend: {opened}"));
    // Every loss of a run trains the same network (the categorical hinge runs alone).
    if let Some((_, config, _)) = steps.first() {
        say(model_summary(config.model()).trim_end());
    }

    let mut outcomes = Vec::new();
    let mut grids = Vec::new();
    let mut animations = Vec::new();
    for (loss, config, step) in steps {
        let dir = request.artifacts.join(loss.name());
        let files = RunDir::new(&dir);
        let watched = Watched::new(&config, record.animate);
        let (run, frames) = match step {
            Step::Fresh => {
                println!("Training with {loss} loss, writing to {}", dir.display());
                let watch = watched.snapshots(&config, &files, 0);
                let run =
                    train_watched(&config, &device, &dir, request.dashboard, watching(&watch))?;
                (run, watch)
            }
            Step::Resume(point) => {
                for (epoch, reason) in &point.skipped {
                    println!("Passing over the checkpoint of epoch {epoch}: {reason}");
                }
                println!(
                    "Resuming {loss} loss after epoch {}, writing to {}",
                    point.epoch,
                    dir.display()
                );
                let watch = watched.snapshots(&config, &files, point.epoch);
                let run = resume_watched(&dir, &device, request.dashboard, watching(&watch))?;
                (run, watch)
            }
            Step::Finished => {
                say(&format!(
                    "Keeping the finished {loss} loss run in {}",
                    dir.display()
                ));
                (files.finished_run(&device)?, None)
            }
        };
        say(&run.test.tutorial_line());
        if !record.finished.contains(&loss) {
            record.finished.push(loss);
            record.save(&request.artifacts)?;
        }
        let frames = match frames {
            Some(snapshots) => Some(snapshots.frames()?),
            None if record.animate => Some(saved_frames(&files)?),
            None => None,
        };
        // The animation draws on its own thread, beside the plots and the next loss.
        animations.extend(watched.animate(frames, &config, &run, loss, &files, &device)?);
        let grid = plot_run(&run, loss, &device, &files)?;
        grids.push((loss, grid));
        outcomes.push(RunOutcome { run, loss });
    }
    finish_animations(animations, &request.artifacts)?;
    if let Some(path) = compare(&outcomes, &grids, &request.artifacts)? {
        say(&format!(
            "Comparison of the decision boundaries: {}",
            path.display()
        ));
    }
    if complete {
        println!(
            "The run in {} is complete: nothing was left to train; its figures are drawn",
            request.artifacts.display()
        );
    }
    Ok(outcomes)
}

/// The watch a training takes from the snapshots that keep its frames.
fn watching(snapshots: &Option<Arc<Snapshots>>) -> Option<Arc<dyn Watch>> {
    snapshots.clone().map(|s| s as Arc<dyn Watch>)
}

/// What one loss of a run does now.
enum Step {
    /// Train from the start.
    Fresh,
    /// Continue from this checkpoint.
    Resume(ResumePoint),
    /// Its files are written: keep them and draw its figures.
    Finished,
}

/// Starts the command of `record`: forgets the earlier command's record and what its losses'
/// folders hold to be resumed from, then records this one. In that order, so that a kill at
/// any moment leaves either no record (nothing to resume) or this command's.
fn start(record: &RunRecord, artifacts: &Path) -> Result<(), AppError> {
    remove_if_present(
        &artifacts.join(RECORD_FILE),
        "remove the earlier run record",
    )?;
    for loss in &record.losses {
        RunDir::new(artifacts.join(loss.name())).clear_progress()?;
    }
    record.save(artifacts)
}

/// What each loss of the recorded command does on `--resume`: kept when finished, continued
/// from its newest usable checkpoint when it has one, else trained from the start.
fn resume_steps(
    record: &RunRecord,
    configs: Vec<(LossKind, ValidTrainingConfig)>,
    artifacts: &Path,
    device: &Device,
) -> Result<Vec<(LossKind, ValidTrainingConfig, Step)>, AppError> {
    configs
        .into_iter()
        .map(|(loss, config)| {
            let dir = artifacts.join(loss.name());
            let step = if record.finished.contains(&loss) {
                Step::Finished
            } else if RunDir::new(&dir).last_checkpoint().is_some() {
                Step::Resume(resume_point(&dir, std::slice::from_ref(&config), device)?)
            } else {
                Step::Fresh
            };
            Ok((loss, config, step))
        })
        .collect()
}

/// With more than one loss, their decision boundaries side by side in `comparison.png`; where
/// it was written.
fn compare(
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

/// The runs' decision boundaries side by side, when a command trains several losses.
pub const COMPARISON_PLOT: &str = "comparison.png";
/// The runs' animations side by side, when a command trains several losses.
pub const COMPARISON_ANIMATION: &str = "comparison_animation.png";

/// The animation of one loss: the region its decision boundary plot covers, the frames its
/// training takes there, and drawing them.
struct Watched {
    region: Option<OutputGrid>,
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
        Self { region }
    }

    /// The watch to train with, from the end of `start_epoch`, keeping the frames `run`
    /// holds up to there.
    fn snapshots(
        &self,
        config: &ValidTrainingConfig,
        run: &RunDir,
        start_epoch: usize,
    ) -> Option<Arc<Snapshots>> {
        self.region.as_ref()?;
        Some(Snapshots::new(config, run, start_epoch))
    }

    /// Computes the surfaces of `frames` and starts writing `boundary_animation.png` into
    /// `dir` on a thread of its own, so the next loss trains meanwhile; the thread hands back
    /// the frames for the side-by-side animation.
    fn animate(
        self,
        frames: Option<Vec<Frame>>,
        config: &ValidTrainingConfig,
        run: &TrainedRun,
        loss: LossKind,
        dir: &RunDir,
        device: &Device,
    ) -> Result<Option<Animating>, AppError> {
        let (Some(grid), Some(frames)) = (self.region, frames) else {
            return Ok(None);
        };
        let plain = device.clone().inner();
        let settings = config.config();
        let template = config
            .model()
            .init_population(&[(settings.loss, settings.seed)], &plain);
        let centres = OutputGrid::cell_centres(grid.x, grid.y, grid.resolution);
        let taken = surfaces(&frames, &template, &centres, &plain)?;
        let panel = Panel {
            title: loss.title().to_string(),
            grid,
            points: run.data.train.points.clone(),
            labels: run.data.train.labels.clone(),
            classes: run.config.data.classes(),
            losses: run.epochs.iter().map(|e| e.train_loss).collect(),
            epochs: run.config.epochs,
        };
        let path = dir.file(BOUNDARY_ANIMATION);
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

/// Writes `data.png`, `decision_boundary.png` and `loss.png` for one run; returns the output
/// grid so the comparison can reuse it.
fn plot_run(
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
