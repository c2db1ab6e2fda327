use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use burn::data::dataloader::DataLoader;
use burn::module::Module;
use burn::optim::OptimizerRecord;
use burn::optim::lr_scheduler::LrSchedulerRecord;
use burn::store::{ModuleRecord, RecordError};
use burn::tensor::{Bytes, Device};
use burn::train::checkpoint::KeepLastNCheckpoints;
use burn::train::logger::InMemoryMetricLogger;
use burn::train::{Interrupter, Learner, SupervisedTraining};
use hinge_data::{DataSplit, LabeledPoints, PopulationBatch};
use hinge_model::{LossKind, Mlp, Population, Product, Watch};

use crate::evaluate::{POPULATION_POINTS, evaluate_population};
use crate::interrupt::{Running, Stop, StopLog};
use crate::ledger::{Divergence, Ledger, MemberAccuracy, MemberLoss, MembersAtFull, SharedLedger};
use crate::loader::{MemberPoints, PopulationLoader};
use crate::lock::FolderLock;
use crate::memory::MemoryEstimate;
use crate::run_dir::RunDir;
use crate::{
    Dashboard, EpochMetrics, EpochRecorder, TestResult, TrainError, TrainingConfig,
    ValidTrainingConfig,
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

/// Trains one run of `config` on `device` through burn's Learner, as a population of one
/// multiplying as a lone network does ([`Product::Matmul`]), evaluates it on the test set and
/// writes `config.json`, `model.bpk`, `metrics.csv` and `test.json` into `dir`, with a
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
    train_watched(config, device, dir, dashboard, None)
}

/// [`train`], with `watch` shown the network as it trains (e.g. [`crate::Snapshots`] for an
/// animation).
pub fn train_watched(
    config: &ValidTrainingConfig,
    device: &Device,
    dir: &Path,
    dashboard: Dashboard,
    watch: Option<Arc<dyn Watch>>,
) -> Result<TrainedRun, TrainError> {
    let configs = std::slice::from_ref(config);
    let _lock = claim(configs, dir)?;
    let run = RunDir::new(dir);
    run.save_config(config)?;
    run.clear_progress()?;
    let setup = Setup {
        product: Product::Matmul,
        dashboard,
        watch,
    };
    let run = fit(configs, setup, device, dir, Vec::new())?;
    solo_run(config.config().clone(), dir, run)
}

/// Continues the run in `dir` from its newest usable checkpoint (see [`resume_point`]), with
/// the configuration it saved, `watch` (if any) shown the network as it trains on. The result
/// is the one the run would have had without the interruption: same data, same weights and
/// optimizer state, same shuffling for the remaining epochs.
pub fn resume_watched(
    dir: &Path,
    device: &Device,
    dashboard: Dashboard,
    watch: Option<Arc<dyn Watch>>,
) -> Result<TrainedRun, TrainError> {
    let config = RunDir::new(dir).load_config()?;
    let configs = std::slice::from_ref(&config);
    let setup = Setup {
        product: Product::Matmul,
        dashboard,
        watch,
    };
    let run = continue_from_checkpoint(configs, setup, device, dir)?;
    solo_run(config.config().clone(), dir, run)
}

/// How a run trains, beside what it trains: how its layers multiply, where its epochs are
/// shown, and who watches the network.
struct Setup {
    product: Product,
    dashboard: Dashboard,
    watch: Option<Arc<dyn Watch>>,
}

/// Where an interrupted run goes on from, and the newer checkpoints passed over.
#[derive(Debug, Clone, PartialEq)]
pub struct ResumePoint {
    /// The epoch of the checkpoint resumed from: the run redoes the epochs after it.
    pub epoch: usize,
    /// Newer checkpoints that could not be used, newest first, each with why (a file torn by
    /// a crash while burn wrote it, or one ahead of `metrics.csv`).
    pub skipped: Vec<(usize, String)>,
}

/// The newest checkpoint in `dir` whose model, optimizer and scheduler files all load (read
/// through burn's record API, which returns errors where `load_checkpoint` panics) and whose
/// epochs `metrics.csv` lists. burn writes each checkpoint file through a temporary file and a
/// rename, but a machine that crashes or a damaged disk can still leave one torn; the one
/// before it, which burn keeps, is then the place to go on from.
pub fn resume_point(
    dir: &Path,
    configs: &[ValidTrainingConfig],
    device: &Device,
) -> Result<ResumePoint, TrainError> {
    let run = RunDir::new(dir);
    let mut epochs = run.complete_checkpoints();
    if epochs.is_empty() {
        return Err(TrainError::NothingToResume(dir.to_path_buf()));
    }
    epochs.sort_unstable_by(|a, b| b.cmp(a));
    let listed = run
        .read_metrics(configs.len())
        .map(|members| members.iter().map(Vec::len).min().unwrap_or(0))
        .unwrap_or(0);
    let mut skipped = Vec::new();
    for epoch in epochs {
        let usable = if epoch > listed {
            Err(format!("metrics.csv lists only {listed} epochs"))
        } else {
            verify_checkpoint(&run, epoch, configs, device)
        };
        match usable {
            Ok(()) => return Ok(ResumePoint { epoch, skipped }),
            Err(reason) => skipped.push((epoch, reason)),
        }
    }
    Err(TrainError::NoUsableCheckpoint {
        dir: run.checkpoints(),
        reasons: skipped
            .iter()
            .map(|(epoch, reason)| format!("epoch {epoch}: {reason}"))
            .collect::<Vec<_>>()
            .join("; "),
    })
}

/// Reads the three files of checkpoint `epoch` and loads the model's into a network of the
/// run's shape; the first thing wrong, in words.
fn verify_checkpoint(
    run: &RunDir,
    epoch: usize,
    configs: &[ValidTrainingConfig],
    device: &Device,
) -> Result<(), String> {
    let read = |part: &str| {
        let path = run.checkpoint_file(part, epoch);
        std::fs::read(&path)
            .map(Bytes::from_bytes_vec)
            .map_err(|err| format!("{}: {err}", path.display()))
    };
    fn damaged(part: &'static str, epoch: usize) -> impl Fn(RecordError) -> String {
        move |err| format!("{part}-{epoch}.bpk is damaged ({err})")
    }
    let record = ModuleRecord::from_bytes(read("model")?).map_err(damaged("model", epoch))?;
    let members: Vec<(LossKind, u64)> = configs
        .iter()
        .map(|c| (c.config().loss, c.config().seed))
        .collect();
    let template = configs[0].model().init_population(&members, device);
    template
        .try_load_record(record)
        .map_err(|err| format!("model-{epoch}.bpk does not fit the run's network ({err})"))?;
    OptimizerRecord::from_bytes(read("optim")?).map_err(damaged("optim", epoch))?;
    LrSchedulerRecord::from_bytes(read("scheduler")?).map_err(damaged("scheduler", epoch))?;
    Ok(())
}

/// Everything a population run hands back, member by member in the order of its configs.
pub struct PopulationRun {
    pub configs: Vec<TrainingConfig>,
    pub model: Population,
    pub data: Vec<DataSplit>,
    pub epochs: Vec<Vec<EpochMetrics>>,
    /// Each member on its test set; a diverged member's loss is NaN.
    pub tests: Vec<TestResult>,
    /// Where each member diverged, if it did; it trained no further there.
    pub diverged: Vec<Option<Divergence>>,
    pub timings: RunTimings,
}

/// Trains every config as one member of a population, in one step per batch through burn's
/// Learner, with checkpoints of the whole population under `dir/checkpoint/`. Members may
/// differ in seed, data and loss; everything else must be shared (see
/// [`TrainError::PopulationMismatch`]). A member whose loss stops being finite is marked
/// diverged and the others train on; only when every member has diverged does the run stop.
/// Layers multiply as [`Product::Broadcast`] says, whatever the population's size, so a
/// member's result does not depend on which population it trained in.
pub fn train_population(
    configs: &[ValidTrainingConfig],
    device: &Device,
    dir: &Path,
    dashboard: Dashboard,
) -> Result<PopulationRun, TrainError> {
    let _lock = claim(configs, dir)?;
    RunDir::new(dir).clear_checkpoints()?;
    let setup = Setup {
        product: Product::Broadcast,
        dashboard,
        watch: None,
    };
    fit(configs, setup, device, dir, Vec::new())
}

/// Everything a population is checked for before it trains (a shared step, memory enough), and
/// the lock on its folder, held while it trains.
fn claim(configs: &[ValidTrainingConfig], dir: &Path) -> Result<FolderLock, TrainError> {
    check_shared(configs)?;
    MemoryEstimate::of(configs).check_fits()?;
    FolderLock::acquire(dir)
}

/// The first setting in which a member differs from member 0 that a shared step cannot allow.
fn check_shared(configs: &[ValidTrainingConfig]) -> Result<(), TrainError> {
    let Some(first) = configs.first() else {
        return Err(TrainError::EmptyPopulation);
    };
    let describe = |config: &ValidTrainingConfig| -> [(&'static str, String); 7] {
        let c = config.config();
        [
            ("layer widths", format!("{:?}", config.model().widths())),
            (
                "split sizes (train, validation, test)",
                format!("{:?}", config.split().sizes()),
            ),
            ("epochs", c.epochs.to_string()),
            ("batch size", c.batch_size.to_string()),
            ("learning rate", c.learning_rate.to_string()),
            (
                "Adam settings (beta_1, beta_2, epsilon)",
                format!("{}, {}, {}", c.beta_1, c.beta_2, c.epsilon),
            ),
            ("target encoding", format!("{:?}", config.encoding())),
        ]
    };
    let expected = describe(first);
    for (member, config) in configs.iter().enumerate().skip(1) {
        for ((setting, value), (_, shared)) in describe(config).into_iter().zip(&expected) {
            if &value != shared {
                return Err(TrainError::PopulationMismatch {
                    member,
                    setting,
                    value,
                    shared: shared.clone(),
                });
            }
        }
    }
    Ok(())
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
fn fit(
    configs: &[ValidTrainingConfig],
    setup: Setup,
    device: &Device,
    dir: &Path,
    done: Vec<Vec<EpochMetrics>>,
) -> Result<PopulationRun, TrainError> {
    let first = &configs[0];
    let settings = first.config();
    let data: Vec<DataSplit> = configs
        .iter()
        .map(ValidTrainingConfig::data_split)
        .collect();
    let start = done.first().map_or(0, Vec::len);
    let (train_loader, valid_loader) = loaders(configs, &data, start, device);
    let model = population(configs, setup.product, setup.watch, device);
    let ledger = Ledger::shared(configs.len(), done);
    let interrupter = Interrupter::new();
    let stops = StopLog::default();
    let renderer = EpochRecorder::new(
        setup.dashboard,
        interrupter.clone(),
        ledger.clone(),
        stops.clone(),
    )
    .keeping_metrics_in(RunDir::new(dir));
    let ctrl_c = Running::register(interrupter.clone(), stops.clone());
    let mut training = SupervisedTraining::new(dir, train_loader, valid_loader);
    training = with_member_metrics(training, &ledger)
        .num_epochs(settings.epochs)
        .with_interrupter(interrupter)
        .renderer(Box::new(renderer));
    training = with_our_files(training);
    if start > 0 {
        training = training.checkpoint(start);
    }

    let started = Instant::now();
    let result = training.launch(Learner::new(
        model,
        first.optimizer().init(),
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
        return Err(stopped(stop, dir, &epochs, settings.learning_rate));
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
    let train: Loader = Arc::new(PopulationLoader::shuffled(
        train, batch_size, seeds, start, device,
    ));
    let valid: Loader = Arc::new(PopulationLoader::in_order(valid, valid_batch, device));
    (train, valid)
}

/// The population to train: member i from config i's loss and seed, on the autodiff device.
fn population(
    configs: &[ValidTrainingConfig],
    product: Product,
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
        .init_population(&members, &device.clone().autodiff())
        .with_product(product);
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

/// burn's checkpoints of the last two epochs, and no per-step files: `metrics.csv` keeps the
/// per-epoch values.
fn with_our_files(training: SupervisedTraining<Population>) -> SupervisedTraining<Population> {
    training
        .with_default_checkpointers()
        .with_checkpointing_strategy(KeepLastNCheckpoints::new(2))
        // burn's default file logger formats and writes every step's metrics to disk, about a
        // sixth of the tutorial run's time.
        .with_metric_logger(InMemoryMetricLogger::new())
        // burn's file logger installs a process-wide subscriber once, so a second run would log
        // into the first run's folder; the per-step lines it keeps are not worth that.
        .with_application_logger(None)
}

/// Continues the population of `configs` (the configs it started with, in their order) in
/// `dir` from its newest usable checkpoint, as [`resume_watched`] continues a solo run: it ends where
/// the uninterrupted population would have.
pub fn resume_population(
    configs: &[ValidTrainingConfig],
    device: &Device,
    dir: &Path,
    dashboard: Dashboard,
) -> Result<PopulationRun, TrainError> {
    let setup = Setup {
        product: Product::Broadcast,
        dashboard,
        watch: None,
    };
    continue_from_checkpoint(configs, setup, device, dir)
}

/// What [`resume_watched`] and [`resume_population`] share: the checks and the lock, the newest usable
/// checkpoint, the epochs `metrics.csv` holds up to it, and training on from there.
fn continue_from_checkpoint(
    configs: &[ValidTrainingConfig],
    setup: Setup,
    device: &Device,
    dir: &Path,
) -> Result<PopulationRun, TrainError> {
    let _lock = claim(configs, dir)?;
    let point = resume_point(dir, configs, device)?;
    let done = RunDir::new(dir)
        .read_metrics(configs.len())?
        .into_iter()
        .map(|rows| {
            rows.into_iter()
                .filter(|row| row.epoch <= point.epoch)
                .collect()
        })
        .collect();
    fit(configs, setup, device, dir, done)
}

/// Keeps what the checkpoints back (the epochs after the last one are redone on resume) and
/// says why training stopped.
fn stopped(stop: Stop, dir: &Path, epochs: &[Vec<EpochMetrics>], learning_rate: f64) -> TrainError {
    let run = RunDir::new(dir);
    let checkpoint = run.last_checkpoint();
    let kept: Vec<Vec<EpochMetrics>> = epochs
        .iter()
        .map(|rows| {
            rows.iter()
                .filter(|row| Some(row.epoch) <= checkpoint)
                .copied()
                .collect()
        })
        .collect();
    if let Err(err) = run.write_metrics(&kept) {
        return err;
    }
    match stop {
        // Writing metrics.csv failed at the end of an epoch and again just now, which
        // returned that error above; if it worked this time, the run is resumable as after a
        // stop.
        Stop::User | Stop::MetricsUnwritable => TrainError::Stopped {
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
            learning_rate,
            dir: dir.to_path_buf(),
            checkpoint,
        },
    }
}

/// The population's fit for one config, as the solo API hands it back, after writing the solo
/// run's files.
fn solo_run(
    config: TrainingConfig,
    dir: &Path,
    mut run: PopulationRun,
) -> Result<TrainedRun, TrainError> {
    let model = run.model.member(0);
    let epochs = run.epochs.swap_remove(0);
    let test = run.tests.swap_remove(0);
    let files = RunDir::new(dir);
    files.save_model(&model)?;
    files.write_metrics(std::slice::from_ref(&epochs))?;
    files.write_test(&test)?;
    Ok(TrainedRun {
        config,
        model,
        data: run.data.swap_remove(0),
        epochs,
        test,
        dir: dir.to_path_buf(),
        timings: run.timings,
    })
}
