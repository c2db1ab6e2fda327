//! The `circles` command: the tutorial's story from its record to its figures. Starting or
//! resuming it is here; what it records, draws and animates is in the files beside this one.

mod animation;
mod figures;
mod record;
mod summary;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use burn::tensor::Device;
use hinge_data::TargetEncoding;
use hinge_model::{LossChoice, LossKind, StepObserver};
use hinge_train::{
    BackendKind, Dashboard, FolderLock, OpenedDevice, ResumePoint, RunDir, SOLO_LAYOUT, Snapshots,
    TrainedRun, TrainingConfig, ValidTrainingConfig, ensure_writable, remove_if_present,
    resume_point, resume_watched, saved_frames, train_watched,
};

use crate::AppError;
use animation::{Animation, finish_animations};
use figures::{compare, plot_run};
use record::{RECORD_FILE, RunRecord};
use summary::model_summary;

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

/// The tutorial's story: train each loss, print its test result, plot it, and compare the
/// decision boundaries when more than one loss ran. With `resume`, the command started in the
/// artifacts folder is completed: finished losses are kept, an interrupted one goes on from its
/// checkpoint, the others train from the start, and every figure is drawn.
pub fn run_circles(request: &CirclesRun) -> Result<Vec<RunOutcome>, AppError> {
    let Prepared {
        mut record,
        opened,
        _lock,
        steps,
    } = prepare(request)?;
    let device = opened.device.clone();
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
        if let Some(line) = classes_line(config) {
            say(&line);
        }
    }

    let mut outcomes = Vec::new();
    let mut grids = Vec::new();
    let mut animations = Vec::new();
    for (loss, config, step) in steps {
        let dir = request.artifacts.join(loss.name());
        let files = RunDir::new(&dir);
        let watched = Animation::new(&config, record.animate);
        let context = LossContext {
            files: &files,
            device: &device,
            dashboard: request.dashboard,
            quiet: complete,
        };
        let (run, frames) = run_loss(step, loss, &config, &watched, &context)?;
        say(&run.test.tutorial_line());
        if !record.finished.contains(&loss) {
            record.finished.push(loss);
            record.save(&request.artifacts)?;
        }
        let frames = match frames {
            Some(snapshots) => Some(snapshots.frames()?),
            None if watched.is_on() => Some(saved_frames(&files)?),
            None => None,
        };
        // The animation draws on its own thread, beside the plots and the next loss.
        animations.extend(watched.animate(frames, &config, &run, loss, &files, &device)?);
        if let Some(grid) = plot_run(&run, loss, &device, &files)? {
            grids.push((loss, grid));
        }
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

/// For a table, which class is which target (two classes) or output (more): the labels
/// sorted, as `config.json`'s data records them.
fn classes_line(config: &ValidTrainingConfig) -> Option<String> {
    let data = config.data();
    data.table()?;
    let names: Vec<String> = match config.encoding() {
        TargetEncoding::Signed => vec![
            format!("-1 = {}", data.class_name(0)),
            format!("+1 = {}", data.class_name(1)),
        ],
        TargetEncoding::OneHot { classes } => (0..classes)
            .map(|c| format!("output {c} = {}", data.class_name(c as u8)))
            .collect(),
    };
    let scaled = if data.scales() {
        ", features standardised on the training split"
    } else {
        ""
    };
    Some(format!(
        "Data: {}, {} rows of {} features; {}{scaled}",
        data.name(),
        data.samples(),
        data.width(),
        names.join(", ")
    ))
}

/// A command checked and ready to train: its record, its device, the lock on its folder, and
/// what each loss does now.
struct Prepared {
    record: RunRecord,
    opened: OpenedDevice,
    _lock: FolderLock,
    steps: Vec<(LossKind, ValidTrainingConfig, Step)>,
}

/// Everything that can be checked is checked before anything trains, so a bad value or an
/// unwritable folder fails in milliseconds and leaves nothing behind.
fn prepare(request: &CirclesRun) -> Result<Prepared, AppError> {
    let record = if request.resume {
        RunRecord::load(&request.artifacts)?
    } else {
        RunRecord::of(request)
    };
    let configs = record.checked()?;
    let opened = request.backend.unwrap_or(record.backend).open()?;
    ensure_writable(&request.artifacts)?;
    // One command per artifacts folder: its record and its losses' folders are this one's.
    let lock = FolderLock::acquire(&request.artifacts)?;
    let steps = if request.resume {
        resume_steps(&record, configs, &request.artifacts, &opened.device)?
    } else {
        start(&record, &request.artifacts)?;
        configs
            .into_iter()
            .map(|(loss, config)| (loss, config, Step::Fresh))
            .collect()
    };
    Ok(Prepared {
        record,
        opened,
        _lock: lock,
        steps,
    })
}

/// Where and how one loss of a command trains.
struct LossContext<'a> {
    files: &'a RunDir,
    device: &'a Device,
    dashboard: Dashboard,
    /// Nothing is left to train: the kept runs are not announced.
    quiet: bool,
}

/// Trains, resumes or keeps one loss's run, as `step` says, with the snapshots of its frames
/// when it trained.
fn run_loss(
    step: Step,
    loss: LossKind,
    config: &ValidTrainingConfig,
    watched: &Animation,
    context: &LossContext,
) -> Result<(TrainedRun, Option<Arc<Snapshots>>), AppError> {
    let dir = context.files.path();
    Ok(match step {
        Step::Fresh => {
            println!("Training with {loss} loss, writing to {}", dir.display());
            let watch = watched.snapshots(config, context.files, 0);
            let run = train_watched(
                config,
                context.device,
                context.files,
                context.dashboard,
                watching(&watch),
            )?;
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
            let watch = watched.snapshots(config, context.files, point.epoch);
            let run = resume_watched(
                context.files,
                context.device,
                context.dashboard,
                watching(&watch),
            )?;
            (run, watch)
        }
        Step::Finished => {
            if !context.quiet {
                println!("Keeping the finished {loss} loss run in {}", dir.display());
            }
            (TrainedRun::load(context.files, context.device)?, None)
        }
    })
}

/// The watch a training takes from the snapshots that keep its frames.
fn watching(snapshots: &Option<Arc<Snapshots>>) -> Option<Arc<dyn StepObserver>> {
    snapshots.clone().map(|s| s as Arc<dyn StepObserver>)
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
            let run = RunDir::new(artifacts.join(loss.name()));
            let step = if record.finished.contains(&loss) {
                Step::Finished
            } else if run.last_checkpoint().is_some() {
                Step::Resume(resume_point(
                    &run,
                    std::slice::from_ref(&config),
                    SOLO_LAYOUT,
                    device,
                )?)
            } else {
                Step::Fresh
            };
            Ok((loss, config, step))
        })
        .collect()
}
