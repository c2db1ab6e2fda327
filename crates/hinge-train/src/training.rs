//! One run of the tutorial: train it, or resume it, and write its files. It trains as a
//! population of one, multiplying as a lone network does.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use burn::tensor::Device;
use hinge_data::DataSplit;
use hinge_model::{Mlp, StepObserver};

use crate::artifacts::{EpochMetrics, TestResult};
use crate::config::ValidTrainingConfig;
use crate::engine::{LearnerOptions, PopulationRun, RunTimings, SOLO_LAYOUT, fit};
use crate::error::TrainError;
use crate::population_run::{check_and_lock, continue_from_checkpoint};
use crate::renderer::Dashboard;
use crate::run_dir::RunDir;

/// What a finished run hands back; the same is on disk in its folder.
pub struct TrainedRun {
    /// The configuration it trained with, as saved in `config.json`, checked (its data's
    /// table read).
    pub config: ValidTrainingConfig,
    pub model: Mlp,
    pub data: DataSplit,
    pub epochs: Vec<EpochMetrics>,
    pub test: TestResult,
    pub dir: PathBuf,
    pub timings: RunTimings,
}

/// Trains one run of `config` on `device` through burn's Learner, as a population of one
/// laid out as [`SOLO_LAYOUT`], evaluates it on the test set and
/// writes `config.json`, `model.bpk`, `metrics.csv` and `test.json` into `run`, with a
/// checkpoint after every epoch under `checkpoint/`.
///
/// The folder is created and written to before training starts, so a path that cannot be
/// written fails at once rather than after the work.
pub fn train(
    config: &ValidTrainingConfig,
    device: &Device,
    run: &RunDir,
    dashboard: Dashboard,
) -> Result<TrainedRun, TrainError> {
    train_watched(config, device, run, dashboard, None)
}

/// [`train`], with `watch` shown the network as it trains (e.g. [`crate::Snapshots`] for an
/// animation).
pub fn train_watched(
    config: &ValidTrainingConfig,
    device: &Device,
    run: &RunDir,
    dashboard: Dashboard,
    watch: Option<Arc<dyn StepObserver>>,
) -> Result<TrainedRun, TrainError> {
    let configs = std::slice::from_ref(config);
    let _lock = check_and_lock(configs, run)?;
    run.save_config(config)?;
    run.clear_progress()?;
    let options = LearnerOptions {
        layout: SOLO_LAYOUT,
        dashboard,
        watch,
        saved: true,
    };
    let fitted = fit(configs, options, device, run, Vec::new())?;
    solo_run(config.clone(), run, fitted)
}

/// Continues the run in `run` from its newest usable checkpoint (see [`resume_point`]), with
/// the configuration it saved, `watch` (if any) shown the network as it trains on. The result
/// is the one the run would have had without the interruption: same data, same weights and
/// optimizer state, same shuffling for the remaining epochs.
pub fn resume_watched(
    run: &RunDir,
    device: &Device,
    dashboard: Dashboard,
    watch: Option<Arc<dyn StepObserver>>,
) -> Result<TrainedRun, TrainError> {
    let config = run.load_config()?;
    let configs = std::slice::from_ref(&config);
    let options = LearnerOptions {
        layout: SOLO_LAYOUT,
        dashboard,
        watch,
        saved: true,
    };
    let fitted = continue_from_checkpoint(configs, options, device, run)?;
    solo_run(config.clone(), run, fitted)
}

/// The population's fit for one config, as the solo API hands it back, after writing the solo
/// run's files.
fn solo_run(
    config: ValidTrainingConfig,
    files: &RunDir,
    mut run: PopulationRun,
) -> Result<TrainedRun, TrainError> {
    let model = run.model.member(0);
    let epochs = run.epochs.swap_remove(0);
    let test = run.tests.swap_remove(0);
    files.save_model(&model)?;
    files.write_metrics(std::slice::from_ref(&epochs))?;
    files.write_test(&test)?;
    Ok(TrainedRun {
        config,
        model,
        data: run.data.swap_remove(0),
        epochs,
        test,
        dir: files.path().to_path_buf(),
        timings: run.timings,
    })
}

impl TrainedRun {
    /// A finished run as training handed it back: its config, model, data, epochs and test
    /// result, read from its folder (no timings: it trained earlier).
    pub fn load(files: &RunDir, device: &Device) -> Result<TrainedRun, TrainError> {
        let config = files.load_config()?;
        let mut epochs = files.read_metrics(1)?;
        Ok(TrainedRun {
            model: files.load_model(device)?,
            data: config.data_split(),
            epochs: epochs.swap_remove(0),
            test: files.read_test()?,
            dir: files.path().to_path_buf(),
            config,
            timings: RunTimings {
                training: Duration::ZERO,
                test: Duration::ZERO,
            },
        })
    }
}
