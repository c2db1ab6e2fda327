use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use burn::data::dataloader::DataLoaderBuilder;
use burn::tensor::Device;
use burn::train::metric::LossMetric;
use burn::train::{Interrupter, Learner, SupervisedTraining};
use hinge_data::{Circles, CirclesBatcher, CirclesSplit};
use hinge_model::Mlp;

use crate::artifacts::save_model;
use crate::{
    Dashboard, EpochMetrics, EpochRecorder, SignAccuracyMetric, TestResult, TrainError,
    ValidTrainingConfig, evaluate, write_metrics_csv,
};

/// What a finished run hands back; the same is on disk in its folder.
pub struct TrainedRun {
    pub model: Mlp,
    pub data: CirclesSplit,
    pub epochs: Vec<EpochMetrics>,
    pub test: TestResult,
    pub dir: PathBuf,
}

/// The files of a run folder.
pub const CONFIG_FILE: &str = "config.json";
pub const MODEL_FILE: &str = "model.bpk";
pub const METRICS_FILE: &str = "metrics.csv";
pub const TEST_FILE: &str = "test.json";

/// Trains one run of `config` on `device` through burn's Learner, evaluates it on the test
/// set and writes `config.json`, `model.bpk`, `metrics.csv` and `test.json` into `dir`.
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

    let settings = config.config();
    let data = Circles::generate(config.circles(), settings.seed);
    let split = config.split().apply(&data);
    let train_loader = DataLoaderBuilder::new(CirclesBatcher)
        .batch_size(settings.batch_size)
        .shuffle(settings.seed)
        .build(split.train.dataset()?);
    let valid_loader = DataLoaderBuilder::new(CirclesBatcher)
        .batch_size(settings.batch_size)
        .build(split.valid.dataset()?);

    device.seed(settings.seed);
    // Parameters made on a plain device are not tracked, and forking them to the Learner's
    // autodiff device keeps them untracked: build them on the autodiff device directly.
    let model = config
        .model()
        .init(settings.loss, settings.seed, &device.clone().autodiff());
    let epochs = Arc::new(Mutex::new(Vec::new()));
    let interrupter = Interrupter::new();
    let renderer = EpochRecorder::new(dashboard, interrupter.clone(), epochs.clone());

    let result = SupervisedTraining::new(dir, train_loader, valid_loader)
        .metrics((LossMetric::new(), SignAccuracyMetric::new()))
        .num_epochs(settings.epochs)
        .with_interrupter(interrupter)
        // burn's file logger installs a process-wide subscriber once, so a second run would log
        // into the first run's folder; the per-step lines it keeps are not worth that.
        .with_application_logger(None)
        .renderer(Box::new(renderer))
        .launch(Learner::new(
            model,
            config.optimizer().init(),
            settings.learning_rate,
        ));
    if let Some(error) = result.error {
        return Err(TrainError::Training(error.to_string()));
    }
    if let Some(interruption) = result.interrupted {
        let reason = interruption.reason.unwrap_or_else(|| "stopped".to_string());
        return Err(TrainError::Interrupted(reason));
    }
    // The renderer shows the last frame and restores the terminal when dropped.
    drop(result.renderer);

    let model = result.model;
    let epochs = epochs
        .lock()
        .expect("the renderer is gone, nothing else holds the lock")
        .clone();
    let test = evaluate(&model, &split.test.dataset()?, &device.clone().inner())?;

    save_model(&model, &dir.join(MODEL_FILE))?;
    write_metrics_csv(&dir.join(METRICS_FILE), &epochs)?;
    test.save(&dir.join(TEST_FILE))?;
    Ok(TrainedRun {
        model,
        data: split,
        epochs,
        test,
        dir: dir.to_path_buf(),
    })
}
