//! Training many runs as one population: the checks that let them share a step, and starting
//! or resuming the population.

use burn::tensor::Device;
use hinge_data::DataSplit;
use hinge_model::{Layout, Population};

use crate::fit::{Setup, fit};
use crate::ledger::Divergence;
use crate::lock::FolderLock;
use crate::memory::MemoryEstimate;
use crate::resume_point::resume_point;
use crate::run_dir::RunDir;
use crate::training::RunTimings;
use crate::{Dashboard, EpochMetrics, TestResult, TrainError, TrainingConfig, ValidTrainingConfig};

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

/// The layout populations train in: members last, the fastest for many members, and one
/// layout for every size, so that a member's numbers do not depend on its population's.
pub const POPULATION_LAYOUT: Layout = Layout::MembersLast;

/// Trains every config as one member of a population, in one step per batch through burn's
/// Learner, with checkpoints of the whole population in `run`. Members may
/// differ in seed, data and loss; everything else must be shared (see
/// [`TrainError::PopulationMismatch`]). A member whose loss stops being finite is marked
/// diverged and the others train on; only when every member has diverged does the run stop.
/// Members last ([`POPULATION_LAYOUT`]), whatever the population's size, so a member's result
/// does not depend on which population it trained in.
pub fn train_population(
    configs: &[ValidTrainingConfig],
    device: &Device,
    run: &RunDir,
    dashboard: Dashboard,
) -> Result<PopulationRun, TrainError> {
    start_population(configs, device, run, dashboard, true)
}

/// [`train_population`] keeping no files in `run` as it trains: no checkpoints, no
/// `metrics.csv`, so it cannot be resumed. For callers that keep the results themselves, as
/// the lab's journal and the benchmark do: for 1,000 members a `metrics.csv` rewritten every
/// epoch grows to 30,000 rows, formatted and written again each time.
pub fn train_population_unsaved(
    configs: &[ValidTrainingConfig],
    device: &Device,
    run: &RunDir,
    dashboard: Dashboard,
) -> Result<PopulationRun, TrainError> {
    start_population(configs, device, run, dashboard, false)
}

/// A population from its first epoch, keeping its files in `run` when `saved`.
fn start_population(
    configs: &[ValidTrainingConfig],
    device: &Device,
    run: &RunDir,
    dashboard: Dashboard,
    saved: bool,
) -> Result<PopulationRun, TrainError> {
    let _lock = check_and_lock(configs, run)?;
    if saved {
        run.clear_checkpoints()?;
    }
    let setup = Setup {
        layout: POPULATION_LAYOUT,
        dashboard,
        watch: None,
        saved,
    };
    fit(configs, setup, device, run, Vec::new())
}

/// Everything a population is checked for before it trains (a shared step, memory enough), and
/// the lock on its folder, held while it trains.
pub(crate) fn check_and_lock(
    configs: &[ValidTrainingConfig],
    run: &RunDir,
) -> Result<FolderLock, TrainError> {
    check_shared(configs)?;
    MemoryEstimate::of(configs).check_fits()?;
    FolderLock::acquire(run.path())
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

/// Continues the population of `configs` (the configs it started with, in their order) in
/// `run` from its newest usable checkpoint, as [`resume_watched`] continues a solo run: it ends where
/// the uninterrupted population would have.
pub fn resume_population(
    configs: &[ValidTrainingConfig],
    device: &Device,
    run: &RunDir,
    dashboard: Dashboard,
) -> Result<PopulationRun, TrainError> {
    let setup = Setup {
        layout: POPULATION_LAYOUT,
        dashboard,
        watch: None,
        saved: true,
    };
    continue_from_checkpoint(configs, setup, device, run)
}

/// What [`resume_watched`] and [`resume_population`] share: the checks and the lock, the newest usable
/// checkpoint, the epochs `metrics.csv` holds up to it, and training on from there.
pub(crate) fn continue_from_checkpoint(
    configs: &[ValidTrainingConfig],
    setup: Setup,
    device: &Device,
    run: &RunDir,
) -> Result<PopulationRun, TrainError> {
    let _lock = check_and_lock(configs, run)?;
    let point = resume_point(run, configs, setup.layout, device)?;
    let done = run
        .read_metrics(configs.len())?
        .into_iter()
        .map(|rows| {
            rows.into_iter()
                .filter(|row| row.epoch <= point.epoch)
                .collect()
        })
        .collect();
    fit(configs, setup, device, run, done)
}
