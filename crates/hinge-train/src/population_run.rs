//! Training many runs as one population in a run folder: checked, locked, started or resumed.

use burn::tensor::Device;

use crate::config::ValidTrainingConfig;
use crate::engine::{LearnerOptions, POPULATION_LAYOUT, PopulationRun, check, fit};
use crate::error::TrainError;
use crate::lock::FolderLock;
use crate::renderer::Dashboard;
use crate::resume_point::resume_point;
use crate::run_dir::RunDir;

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
    let options = LearnerOptions {
        layout: POPULATION_LAYOUT,
        dashboard,
        watch: None,
        saved,
    };
    fit(configs, options, device, run, Vec::new())
}

/// Everything a population is checked for before it trains (a shared step, memory enough), and
/// the lock on its folder, held while it trains.
pub(crate) fn check_and_lock(
    configs: &[ValidTrainingConfig],
    run: &RunDir,
) -> Result<FolderLock, TrainError> {
    check(configs)?;
    FolderLock::acquire(run.path())
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
    let options = LearnerOptions {
        layout: POPULATION_LAYOUT,
        dashboard,
        watch: None,
        saved: true,
    };
    continue_from_checkpoint(configs, options, device, run)
}

/// What [`resume_watched`] and [`resume_population`] share: the checks and the lock, the newest usable
/// checkpoint, the epochs `metrics.csv` holds up to it, and training on from there.
pub(crate) fn continue_from_checkpoint(
    configs: &[ValidTrainingConfig],
    options: LearnerOptions,
    device: &Device,
    run: &RunDir,
) -> Result<PopulationRun, TrainError> {
    let _lock = check_and_lock(configs, run)?;
    let point = resume_point(run, configs, options.layout, device)?;
    let done = run
        .read_metrics(configs.len())?
        .into_iter()
        .map(|rows| {
            rows.into_iter()
                .filter(|row| row.epoch <= point.epoch)
                .collect()
        })
        .collect();
    fit(configs, options, device, run, done)
}
