//! Training of the tutorial's run on burn's Learner: the checked run configuration, the
//! backend choice, the sign-accuracy metric, the epoch renderer (burn's TUI dashboard or plain
//! lines), evaluation on the test set and the files a run leaves behind.

#[cfg(not(any(
    feature = "flex",
    feature = "ndarray",
    feature = "wgpu",
    feature = "cuda"
)))]
compile_error!("hinge-train needs at least one backend feature: flex, ndarray, wgpu or cuda");

mod artifacts;
mod backend;
mod config;
mod error;
mod evaluate;
mod interrupt;
mod loader;
mod metric;
mod renderer;
mod training;

pub use artifacts::{
    EpochMetrics, TestResult, ensure_writable, load_model, load_run, read_metrics_csv,
    write_atomic, write_metrics_csv,
};
pub use backend::{BackendKind, OpenedDevice};
pub use config::{TrainingConfig, ValidTrainingConfig};
pub use error::TrainError;
pub use evaluate::{evaluate, predict};
pub use interrupt::{CtrlCScope, Stop, StopLog, stop_on_ctrl_c};
pub use metric::{SignAccuracyInput, SignAccuracyMetric, correct_predictions};
pub use renderer::{Dashboard, EpochRecorder};
pub use training::{
    CHECKPOINT_DIR, CONFIG_FILE, METRICS_FILE, MODEL_FILE, RunTimings, TEST_FILE, TrainedRun,
    last_checkpoint, resume, train,
};
