//! One population through burn's Learner: its loaders, metrics, checkpoints and renderer, the
//! launch, and what a stop leaves behind. Every run trains here, a solo run as a population of
//! one.

use std::sync::Arc;
use std::time::Instant;

use burn::data::dataloader::DataLoader;
use burn::train::logger::InMemoryMetricLogger;
use burn::train::{Interrupter, Learner, SupervisedTraining};
use hinge_data::{DataSplit, LabeledPoints, PopulationBatch};
use hinge_model::{Layout, LossKind, Population, Watch};

use crate::checkpointer::{DeleteThenSave, EpochCheckpointer, ResumeFiles};
use crate::evaluate::{POPULATION_POINTS, evaluate_population};
use crate::interrupt::{Running, Stop, StopLog};
use crate::ledger::{Ledger, MemberAccuracy, MemberLoss, MembersAtFull, SharedLedger};
use crate::loader::{MemberPoints, PopulationLoader};
use crate::population_run::PopulationRun;
use crate::renderer::EpochRecorder;
use crate::run_dir::{CHECKPOINT_PARTS, RunDir};
use crate::training::RunTimings;
use crate::{Dashboard, EpochMetrics, TrainError, ValidTrainingConfig};
use burn::tensor::Device;

/// How a run trains, beside what it trains: how its layers multiply, where its epochs are
/// shown, and who watches the network.
pub(crate) struct Setup {
    pub(crate) layout: Layout,
    pub(crate) dashboard: Dashboard,
    pub(crate) watch: Option<Arc<dyn Watch>>,
    /// Keep the run folder's files as training goes (checkpoints, `metrics.csv`), so the run
    /// can be resumed; off for callers that keep the results themselves.
    pub(crate) saved: bool,
}

/// Validation points per member and step: all of them when they fit in
/// [`POPULATION_POINTS`], never fewer than a training batch. The metrics weight each batch by
/// its size, so the epoch's figures do not depend on this.
fn validation_batch(members: usize, points: usize, batch_size: usize) -> usize {
    (POPULATION_POINTS / members.max(1))
        .min(points)
        .max(batch_size)
}

/// Trains from the end of `done` (each member's epochs of an earlier, interrupted run) to the
/// configured number of epochs, then evaluates every member on its test set.
pub(crate) fn fit(
    configs: &[ValidTrainingConfig],
    setup: Setup,
    device: &Device,
    run: &RunDir,
    done: Vec<Vec<EpochMetrics>>,
) -> Result<PopulationRun, TrainError> {
    let first = &configs[0];
    let settings = first.config();
    let data: Vec<DataSplit> = configs
        .iter()
        .map(ValidTrainingConfig::data_split)
        .collect();
    let start = done.first().map_or(0, Vec::len);
    let (train_loader, valid_loader) = loaders(configs, &data, start, setup.layout, device);
    let model = population(configs, setup.layout, setup.watch.clone(), device);
    let ledger = Ledger::shared(configs.len(), done);
    let interrupter = Interrupter::new();
    let stops = StopLog::default();
    let renderer = EpochRecorder::new(
        setup.dashboard,
        interrupter.clone(),
        ledger.clone(),
        stops.clone(),
    );
    let ctrl_c = Running::register(interrupter.clone(), stops.clone());
    let mut training = SupervisedTraining::new(run.path(), train_loader, valid_loader);
    training = with_member_metrics(training, &ledger)
        .num_epochs(settings.epochs)
        .with_interrupter(interrupter.clone())
        .renderer(Box::new(renderer));
    let resume_files = setup.saved.then(|| ResumeFiles {
        run: run.clone(),
        ledger: ledger.clone(),
        watch: setup.watch.clone(),
        stops: stops.clone(),
        interrupter: interrupter.clone(),
    });
    training = with_our_files(training, run, resume_files);
    if start > 0 {
        training = training.checkpoint(start);
    }

    let started = Instant::now();
    let result = training.launch(Learner::new(
        model,
        first.optimizer(device),
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
    let (epochs, diverged) = {
        let ledger = Ledger::lock(&ledger);
        (ledger.epochs().to_vec(), ledger.diverged().to_vec())
    };
    let stop = stops
        .first()
        .or_else(|| result.interrupted.map(|_| Stop::User));
    if let Some(stop) = stop {
        return Err(stopped(
            stop,
            run,
            setup.saved,
            &epochs,
            settings.learning_rate,
        ));
    }

    let started = Instant::now();
    let tests: Vec<&LabeledPoints> = data.iter().map(|d| &d.test).collect();
    let tests = evaluate_population(
        &result.model,
        &tests,
        first.encoding(),
        &device.clone().inner(),
    )?;
    Ok(PopulationRun {
        configs: configs.iter().map(|c| c.config().clone()).collect(),
        model: result.model,
        data,
        epochs,
        tests,
        diverged,
        timings: RunTimings {
            training: training_time,
            test: started.elapsed(),
        },
    })
}

type Loader = Arc<dyn DataLoader<PopulationBatch>>;

/// The training loader (each member's own shuffle, fast-forwarded past `start` epochs) and the
/// validation loader (in order, in as few batches as memory allows).
fn loaders(
    configs: &[ValidTrainingConfig],
    data: &[DataSplit],
    start: usize,
    layout: Layout,
    device: &Device,
) -> (Loader, Loader) {
    let first = &configs[0];
    let batch_size = first.config().batch_size;
    let points = |part: fn(&DataSplit) -> &LabeledPoints| {
        let sets: Vec<&LabeledPoints> = data.iter().map(part).collect();
        Arc::new(MemberPoints::new(&sets, first.encoding()))
    };
    let (train, valid) = (points(|d| &d.train), points(|d| &d.valid));
    let valid_batch = validation_batch(configs.len(), valid.points(), batch_size);
    let seeds = configs.iter().map(|c| c.config().seed).collect();
    let train: Loader = Arc::new(
        PopulationLoader::shuffled(train, batch_size, seeds, start, device).in_layout(layout),
    );
    let valid: Loader =
        Arc::new(PopulationLoader::in_order(valid, valid_batch, device).in_layout(layout));
    (train, valid)
}

/// The population to train: member i from config i's loss and seed, on the autodiff device.
fn population(
    configs: &[ValidTrainingConfig],
    layout: Layout,
    watch: Option<Arc<dyn Watch>>,
    device: &Device,
) -> Population {
    let members: Vec<(LossKind, u64)> = configs
        .iter()
        .map(|c| (c.config().loss, c.config().seed))
        .collect();
    // Parameters made on a plain device are not tracked, and forking them to the Learner's
    // autodiff device keeps them untracked: build them on the autodiff device directly.
    let model = configs[0]
        .model()
        .init_population_in(layout, &members, &device.clone().autodiff());
    match watch {
        Some(watch) => model.watched_by(watch),
        None => model,
    }
}

/// The per-member metrics of both splits, in this order: each reads what the one before it
/// wrote into the ledger.
fn with_member_metrics(
    training: SupervisedTraining<Population>,
    ledger: &SharedLedger,
) -> SupervisedTraining<Population> {
    training
        .metric_train_numeric(MemberLoss::new(ledger.clone(), false))
        .metric_train_numeric(MemberAccuracy::new(ledger.clone(), false))
        .metric_train_numeric(MembersAtFull::new(ledger.clone(), false))
        .metric_valid_numeric(MemberLoss::new(ledger.clone(), true))
        .metric_valid_numeric(MemberAccuracy::new(ledger.clone(), true))
        .metric_valid_numeric(MembersAtFull::new(ledger.clone(), true))
}

/// Each epoch's checkpoint, with `resume_files` written before it, when the run is saved (the
/// last three kept), and no per-step files: `metrics.csv` keeps the per-epoch values.
fn with_our_files(
    training: SupervisedTraining<Population>,
    run: &RunDir,
    resume_files: Option<ResumeFiles>,
) -> SupervisedTraining<Population> {
    let training = if let Some(files) = resume_files {
        let [model, optim, scheduler] =
            CHECKPOINT_PARTS.map(|part| EpochCheckpointer::new(run, part));
        training
            .with_custom_checkpointers(model.writing_first(files), optim, scheduler)
            .with_checkpointing_strategy(DeleteThenSave)
    } else {
        training
    };
    training
        // burn's default file logger formats and writes every step's metrics to disk, about a
        // sixth of the tutorial run's time.
        .with_metric_logger(InMemoryMetricLogger::new())
        // burn's file logger installs a process-wide subscriber once, so a second run would log
        // into the first run's folder; the per-step lines it keeps are not worth that.
        .with_application_logger(None)
}

/// Keeps what the checkpoints back (the epochs after the last one are redone on resume) and
/// says why training stopped.
fn stopped(
    stop: Stop,
    run: &RunDir,
    saved: bool,
    epochs: &[Vec<EpochMetrics>],
    learning_rate: f64,
) -> TrainError {
    let checkpoint = if saved { run.last_checkpoint() } else { None };
    let kept: Vec<Vec<EpochMetrics>> = epochs
        .iter()
        .map(|rows| {
            rows.iter()
                .filter(|row| Some(row.epoch) <= checkpoint)
                .copied()
                .collect()
        })
        .collect();
    if saved && let Err(err) = run.write_metrics(&kept) {
        return err;
    }
    match stop {
        // Writing metrics.csv failed at the end of an epoch and again just now, which
        // returned that error above; if it worked this time, the run is resumable as after a
        // stop.
        Stop::User | Stop::MetricsUnwritable => TrainError::Stopped {
            dir: run.path().to_path_buf(),
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
            learning_rate,
            dir: run.path().to_path_buf(),
            checkpoint,
        },
    }
}
