//! Training of hinge-lab's networks on burn's `Learner`, one network or a population of them
//! in one step: the checked run configuration, the backend choice, the per-member metrics and
//! the epoch renderer (burn's TUI dashboard or plain lines), evaluation on the test set,
//! checkpoints and resuming, and the folder a run leaves behind ([`RunDir`]). A solo run is a
//! population of one.
//!
//! Training minimises each member's mean loss (plus its weight penalty) with Adam, Keras's
//! defaults (beta_1 0.9, beta_2 0.999, epsilon 1e-7), over shuffled batches drawn from the run's
//! seed exactly as burn's `DataLoaderBuilder::shuffle` draws them; the population's loss is the
//! sum of the members' means, so each member gets exactly the gradient of its solo run.
//!
//! ```no_run
//! use hinge_train::{BackendKind, Dashboard, RunDir, TrainingConfig, train};
//!
//! // The tutorial's run: make_circles, the 4-2 network, hinge loss, 30 epochs of batch 5.
//! let config = TrainingConfig::new().check()?;
//! let device = BackendKind::Flex.device()?;
//! let run = train(&config, &device, &RunDir::new("artifacts/hinge"), Dashboard::Plain)?;
//! println!("{}", run.test.tutorial_line());
//! // The folder holds config.json, model.bpk, metrics.csv and test.json.
//! let again = RunDir::new("artifacts/hinge").load_model(&device)?;
//! # Ok::<(), hinge_train::TrainError>(())
//! ```
//!
//! prints one line per epoch, then `Test results - Loss: 0.000004577398158289725 - Accuracy:
//! 100.0%`.

#[cfg(not(any(
    feature = "flex",
    feature = "ndarray",
    feature = "wgpu",
    feature = "cuda"
)))]
compile_error!("hinge-train needs at least one backend feature: flex, ndarray, wgpu or cuda");

// Bottom up: errors and files, then the parts (loader, metrics, checkpoints), then the engine,
// populations in a run folder, and the one-network API on top. No module imports one above
// it (tests/layers.rs checks).
mod adam;
mod artifacts;
mod backend;
mod checkpointer;
mod config;
mod csv_rows;
mod engine;
mod error;
mod evaluate;
pub mod exact_floats;
mod interrupt;
mod ledger;
mod loader;
mod lock;
mod memory;
mod population_run;
mod renderer;
mod resume_point;
mod run_dir;
mod snapshots;
mod training;
mod unit_maps;

#[cfg(feature = "fault-injection")]
pub use artifacts::SLOW_WRITES_VARIABLE;
pub use artifacts::{EpochMetrics, TestResult, ensure_writable, remove_if_present, write_atomic};
pub use backend::{BackendKind, OpenedDevice};
pub use config::{TrainingConfig, ValidTrainingConfig};
pub use csv_rows::{csv_text, keyed_csv_text, read_csv};
pub use engine::{
    Motion, POPULATION_LAYOUT, PopulationRun, RunTimings, SOLO_LAYOUT, StepwiseTrainer,
    member_data, population_optimizer,
};
pub use error::TrainError;
pub use evaluate::{evaluate_population, predict, predict_population, predict_population_sums};
pub use interrupt::{CtrlCScope, exit_code, stop_on_ctrl_c, stop_reason};
pub use ledger::Divergence;
pub use loader::{MemberPoints, PopulationLoader};
pub use lock::FolderLock;
pub use memory::MemoryEstimate;
pub use population_run::{resume_population, train_population, train_population_unsaved};
pub use renderer::Dashboard;
pub use resume_point::{ResumePoint, resume_point};
pub use run_dir::{
    BOUNDARY_ANIMATION, BOUNDARY_PLOT, CHECKPOINT_DIR, CONFIG_FILE, CONFUSION_PLOT, DATA_FILE,
    DATA_PLOT, FRAMES_FILE, LOCK_FILE, LOSS_PLOT, MARGINS_PLOT, METRICS_FILE, MODEL_FILE,
    NEURONS_PLOT, PCA_PLOT, RUN_FILES, RunDir, SCALER_FILE, TABLE_FILE, TEST_FILE, TableNames,
    config_files,
};
pub use snapshots::{
    Frame, MIN_FRAMES, Snapshot, Snapshots, frames_per_epoch, saved_frames, surfaces,
};
pub use training::{TrainedRun, resume_watched, train, train_watched};
pub use unit_maps::{Unit, UnitLayer, UnitMaps, unit_maps};
