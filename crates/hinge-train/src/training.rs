use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use burn::data::dataloader::DataLoaderBuilder;
use burn::tensor::Device;
use burn::train::checkpoint::KeepLastNCheckpoints;
use burn::train::logger::InMemoryMetricLogger;
use burn::train::metric::LossMetric;
use burn::train::{Interrupter, Learner, SupervisedTraining};
use hinge_data::{DataSplit, LabeledPoints, PointsBatcher};
use hinge_model::Mlp;

use crate::artifacts::save_model;
use crate::interrupt::{Running, Stop, StopLog};
use crate::loader::SkipEpochs;
use crate::{
    Dashboard, EpochMetrics, EpochRecorder, SignAccuracyMetric, TestResult, TrainError,
    TrainingConfig, ValidTrainingConfig, evaluate, read_metrics_csv, write_metrics_csv,
};

/// What a finished run hands back; the same is on disk in its folder.
pub struct TrainedRun {
    /// The configuration it trained with, as saved in `config.json`.
    pub config: TrainingConfig,
    pub model: Mlp,
    pub data: DataSplit,
    pub epochs: Vec<EpochMetrics>,
    pub test: TestResult,
    pub dir: PathBuf,
    pub timings: RunTimings,
}

/// Where a run's time went, for the benchmark; files and plots are not included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunTimings {
    /// burn's Learner from launch to return: every epoch's training and validation.
    pub training: Duration,
    /// Evaluating the test set.
    pub test: Duration,
}

/// The files of a run folder.
pub const CONFIG_FILE: &str = "config.json";
pub const MODEL_FILE: &str = "model.bpk";
pub const METRICS_FILE: &str = "metrics.csv";
pub const TEST_FILE: &str = "test.json";

/// The folder, under a run's folder, where burn's checkpointer keeps the model, optimizer and
/// scheduler state of the last epochs (`model-<epoch>.bpk`, ...).
pub const CHECKPOINT_DIR: &str = "checkpoint";

/// Trains one run of `config` on `device` through burn's Learner, evaluates it on the test
/// set and writes `config.json`, `model.bpk`, `metrics.csv` and `test.json` into `dir`, with a
/// checkpoint after every epoch under `checkpoint/`.
///
/// The folder is created and written to before training starts, so a path that cannot be
/// written fails at once rather than after the work.
pub fn train(
    config: &ValidTrainingConfig,
    device: &Device,
    dir: &Path,
    dashboard: Dashboard,
) -> Result<TrainedRun, TrainError> {
    std::fs::create_dir_all(dir).map_err(TrainError::io("create the run folder", dir))?;
    config.save(&dir.join(CONFIG_FILE))?;
    // Checkpoints of an earlier run in this folder would be taken for this run's on resume.
    let checkpoints = dir.join(CHECKPOINT_DIR);
    if checkpoints.exists() {
        std::fs::remove_dir_all(&checkpoints)
            .map_err(TrainError::io("clear the old checkpoints in", &checkpoints))?;
    }
    fit(config, device, dir, dashboard, Vec::new())
}

/// Continues the run in `dir` from its last checkpoint, with the configuration it saved. The
/// result is the one the run would have had without the interruption: same data, same weights
/// and optimizer state, same shuffling for the remaining epochs.
pub fn resume(dir: &Path, device: &Device, dashboard: Dashboard) -> Result<TrainedRun, TrainError> {
    let config = TrainingConfig::from_file(&dir.join(CONFIG_FILE))?.check()?;
    let Some(epoch) = last_checkpoint(dir) else {
        return Err(TrainError::NothingToResume(dir.to_path_buf()));
    };
    let done = read_metrics_csv(&dir.join(METRICS_FILE))?
        .into_iter()
        .filter(|row| row.epoch <= epoch)
        .collect::<Vec<_>>();
    if done.len() != epoch {
        return Err(TrainError::Format {
            what: "metrics file to resume",
            path: dir.join(METRICS_FILE),
            reason: format!("it should list epochs 1 to {epoch}, the last checkpoint"),
        });
    }
    fit(&config, device, dir, dashboard, done)
}

/// The newest epoch whose model, optimizer and scheduler were all checkpointed in `dir`.
pub fn last_checkpoint(dir: &Path) -> Option<usize> {
    let checkpoints = dir.join(CHECKPOINT_DIR);
    let complete = |epoch: usize| {
        ["model", "optim", "scheduler"]
            .iter()
            .all(|part| checkpoints.join(format!("{part}-{epoch}.bpk")).is_file())
    };
    std::fs::read_dir(&checkpoints)
        .ok()?
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            name.strip_prefix("model-")?
                .strip_suffix(".bpk")?
                .parse::<usize>()
                .ok()
        })
        .filter(|&epoch| complete(epoch))
        .max()
}

/// Trains from the end of `done` (the epochs an earlier, interrupted run finished) to the
/// configured number of epochs.
fn fit(
    config: &ValidTrainingConfig,
    device: &Device,
    dir: &Path,
    dashboard: Dashboard,
    done: Vec<EpochMetrics>,
) -> Result<TrainedRun, TrainError> {
    let settings = config.config();
    let data = LabeledPoints::generate(config.data(), settings.seed);
    let split = config.split().apply(&data);
    let start = done.len();
    let encoding = config.encoding();
    let train_loader = SkipEpochs::wrap(
        DataLoaderBuilder::new(PointsBatcher::new(encoding))
            .batch_size(settings.batch_size)
            .shuffle(settings.seed)
            .build(split.train.dataset(encoding)?),
        start,
    );
    let valid_loader = DataLoaderBuilder::new(PointsBatcher::new(encoding))
        .batch_size(settings.batch_size)
        .build(split.valid.dataset(encoding)?);

    device.seed(settings.seed);
    // Parameters made on a plain device are not tracked, and forking them to the Learner's
    // autodiff device keeps them untracked: build them on the autodiff device directly.
    let model = config
        .model()
        .init(settings.loss, settings.seed, &device.clone().autodiff());
    let epochs = Arc::new(Mutex::new(done));
    let interrupter = Interrupter::new();
    let stops = StopLog::default();
    let renderer = EpochRecorder::new(
        dashboard,
        interrupter.clone(),
        epochs.clone(),
        stops.clone(),
    );
    let ctrl_c = Running::register(interrupter.clone(), stops.clone());

    let mut training = SupervisedTraining::new(dir, train_loader, valid_loader)
        .metrics((LossMetric::new(), SignAccuracyMetric::new()))
        .num_epochs(settings.epochs)
        .with_interrupter(interrupter.clone())
        .with_default_checkpointers()
        .with_checkpointing_strategy(KeepLastNCheckpoints::new(2))
        // burn's default file logger formats and writes every step's metrics to disk, about a
        // sixth of the tutorial run's time; `metrics.csv` keeps the per-epoch values instead.
        .with_metric_logger(InMemoryMetricLogger::new())
        // burn's file logger installs a process-wide subscriber once, so a second run would log
        // into the first run's folder; the per-step lines it keeps are not worth that.
        .with_application_logger(None)
        .renderer(Box::new(renderer));
    if start > 0 {
        training = training.checkpoint(start);
    }
    let started = Instant::now();
    let result = training.launch(Learner::new(
        model,
        config.optimizer().init(),
        settings.learning_rate,
    ));
    let training_time = started.elapsed();
    drop(ctrl_c);
    if let Some(error) = result.error {
        return Err(TrainError::Training(error.to_string()));
    }
    // The renderer shows the last frame and restores the terminal when dropped, before any
    // message is printed.
    drop(result.renderer);

    let epochs = epochs
        .lock()
        .expect("the renderer is gone, nothing else holds the lock")
        .clone();
    let stop = stops
        .first()
        .or_else(|| result.interrupted.map(|_| Stop::User));
    if let Some(stop) = stop {
        // Keep what the checkpoints back: the epochs after the last one are redone on resume.
        let checkpoint = last_checkpoint(dir);
        let kept: Vec<_> = epochs
            .into_iter()
            .filter(|row| Some(row.epoch) <= checkpoint)
            .collect();
        write_metrics_csv(&dir.join(METRICS_FILE), &kept)?;
        return Err(match stop {
            Stop::User => TrainError::Stopped {
                dir: dir.to_path_buf(),
                checkpoint,
            },
            Stop::NonFiniteLoss {
                value,
                validation,
                epoch,
                step,
            } => TrainError::NonFiniteLoss {
                value,
                split: if validation { "validation" } else { "training" },
                epoch,
                step,
                learning_rate: settings.learning_rate,
                dir: dir.to_path_buf(),
                checkpoint,
            },
        });
    }

    let model = result.model;
    let started = Instant::now();
    let test = evaluate(
        &model,
        &split.test.dataset(encoding)?,
        &device.clone().inner(),
    )?;
    let timings = RunTimings {
        training: training_time,
        test: started.elapsed(),
    };
    save_model(&model, &dir.join(MODEL_FILE))?;
    write_metrics_csv(&dir.join(METRICS_FILE), &epochs)?;
    test.save(&dir.join(TEST_FILE))?;
    Ok(TrainedRun {
        config: settings.clone(),
        model,
        data: split,
        epochs,
        test,
        dir: dir.to_path_buf(),
        timings,
    })
}
