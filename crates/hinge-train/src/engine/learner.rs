//! One population through burn's Learner: its metrics, checkpoints and renderer, the launch,
//! and what a stop leaves behind. Every CLI run trains here, a solo run as a population of one.

use std::sync::Arc;
use std::time::Instant;

use burn::data::dataloader::DataLoader;
use burn::tensor::Device;
use burn::train::logger::InMemoryMetricLogger;
use burn::train::{Interrupter, Learner, LearningResult, SupervisedTraining};
use hinge_data::{DataSplit, LabeledPoints, PopulationBatch};
use hinge_model::Population;

use super::options::LearnerOptions;
use super::outcome::{PopulationRun, RunTimings};
use super::setup::{
    member_data, population, population_optimizer, training_loader, validation_loader,
};
use crate::artifacts::EpochMetrics;
use crate::checkpointer::{DeleteThenSave, EpochCheckpointer, ResumeFiles};
use crate::config::ValidTrainingConfig;
use crate::error::TrainError;
use crate::evaluate::evaluate_population;
use crate::interrupt::{Running, Stop, StopLog};
use crate::ledger::{Ledger, MemberAccuracy, MemberLoss, MembersAtFull, SharedLedger};
use crate::renderer::EpochRecorder;
use crate::run_dir::{CHECKPOINT_PARTS, RunDir};

type Loader = Arc<dyn DataLoader<PopulationBatch>>;

/// What a launch shares with the code that reads its result: the epochs' ledger and the
/// stops recorded while it ran.
struct Watchers {
    ledger: SharedLedger,
    stops: StopLog,
    interrupter: Interrupter,
}

/// Trains from the end of `done` (each member's epochs of an earlier, interrupted run) to the
/// configured number of epochs, then evaluates every member on its test set.
pub(crate) fn fit(
    configs: &[ValidTrainingConfig],
    options: LearnerOptions,
    device: &Device,
    run: &RunDir,
    done: Vec<Vec<EpochMetrics>>,
) -> Result<PopulationRun, TrainError> {
    let data = member_data(configs);
    let start = done.first().map_or(0, Vec::len);
    let watchers = Watchers {
        ledger: Ledger::shared(configs.len(), done),
        stops: StopLog::default(),
        interrupter: Interrupter::new(),
    };
    let training = configured(configs, &data, start, &options, device, run, &watchers);
    let first = &configs[0];
    let model = population(configs, options.layout, options.watch.clone(), device);
    let ctrl_c = Running::register(watchers.interrupter.clone(), watchers.stops.clone());
    let started = Instant::now();
    let (optimizer, rate) = population_optimizer(configs, options.layout, device);
    let result = training.launch(Learner::new(model, optimizer, rate));
    let learning_rate = first.config().learning_rate;
    let training_time = started.elapsed();
    drop(ctrl_c);
    let model = finished(result, &watchers, run, options.saved, learning_rate)?;
    let (epochs, diverged) = {
        let ledger = Ledger::lock(&watchers.ledger);
        (ledger.epochs().to_vec(), ledger.diverged().to_vec())
    };
    let started = Instant::now();
    let tests: Vec<&LabeledPoints> = data.iter().map(|d| &d.test).collect();
    let tests = evaluate_population(&model, &tests, first.encoding(), &device.clone().inner())?;
    Ok(PopulationRun {
        configs: configs.iter().map(|c| c.config().clone()).collect(),
        model,
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

/// burn's supervised training of `configs`, from epoch `start`, with our metrics, renderer,
/// files and interrupter.
fn configured(
    configs: &[ValidTrainingConfig],
    data: &[DataSplit],
    start: usize,
    options: &LearnerOptions,
    device: &Device,
    run: &RunDir,
    watchers: &Watchers,
) -> SupervisedTraining<Population> {
    let train: Loader = Arc::new(training_loader(
        configs,
        data,
        start,
        options.layout,
        device,
    ));
    let valid: Loader = Arc::new(validation_loader(configs, data, options.layout, device));
    let renderer = EpochRecorder::new(
        options.dashboard,
        watchers.interrupter.clone(),
        watchers.ledger.clone(),
        watchers.stops.clone(),
    );
    let mut training = SupervisedTraining::new(run.path(), train, valid);
    training = with_member_metrics(training, &watchers.ledger)
        .num_epochs(configs[0].config().epochs)
        .with_interrupter(watchers.interrupter.clone())
        .renderer(Box::new(renderer));
    let resume_files = options.saved.then(|| ResumeFiles {
        run: run.clone(),
        ledger: watchers.ledger.clone(),
        watch: options.watch.clone(),
        stops: watchers.stops.clone(),
        interrupter: watchers.interrupter.clone(),
    });
    training = with_our_files(training, run, resume_files);
    if start > 0 {
        training = training.checkpoint(start);
    }
    training
}

/// The trained population, or why training did not finish: an error of burn's, or a stop
/// (with what the checkpoints back kept in `run`).
fn finished(
    result: LearningResult<Population>,
    watchers: &Watchers,
    run: &RunDir,
    saved: bool,
    learning_rate: f64,
) -> Result<Population, TrainError> {
    if let Some(error) = result.error {
        return Err(TrainError::Training(error.to_string()));
    }
    // The renderer shows the last frame and restores the terminal when dropped, before any
    // message is printed.
    drop(result.renderer);
    let stop = watchers
        .stops
        .first()
        .or_else(|| result.interrupted.map(|_| Stop::User));
    if let Some(stop) = stop {
        let epochs = Ledger::lock(&watchers.ledger).epochs().to_vec();
        return Err(stopped(stop, run, saved, &epochs, learning_rate));
    }
    Ok(result.model)
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
        // burn's default file logger formats and writes every step's metrics to disk, which
        // is a large share of a small run's time (docs/speed.md).
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
            checkpoints: run.checkpoints(),
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
            checkpoints: run.checkpoints(),
            checkpoint,
        },
    }
}
