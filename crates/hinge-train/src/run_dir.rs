//! A run's folder: every file name in it and every way to read or write one, in one place.
//!
//! ```text
//! <run>/config.json             the TrainingConfig it trained with
//! <run>/model.bpk               the trained weights (burn record)
//! <run>/metrics.csv             one row per finished epoch (a `member` column first for populations)
//! <run>/test.json               the test-set result
//! <run>/frames.json             the network's parameters at every frame of its animation so far
//! <run>/.lock                   held while a process trains here
//! <run>/checkpoint/             burn's model-, optim- and scheduler-<epoch>.bpk of the last epochs
//! <run>/scaler.json             the standardisation fitted on the training split, if the data scales
//! <run>/table.json              a table's feature and class names, so its model loads without the file
//! <run>/data.csv                the run's points: split, each feature, label
//! <run>/data.png                the training points (2-D data)
//! <run>/decision_boundary.png   the decision surface and the test points (2-D data)
//! <run>/loss.png                the loss per epoch
//! <run>/neurons.png             every unit's map over the input plane (2-D data)
//! <run>/boundary_animation.png  the decision surface forming (animated PNG, 2-D data)
//! <run>/margins.png             the margins t·f(x), train and test (N-D data; 2-D: `lab margins`)
//! <run>/pca.png                 the test points on their first two principal components (N-D)
//! <run>/confusion.png           the test set's confusion matrix (N-D data, 3 classes or more)
//! ```
//!
//! The names of the files the application draws live here too, so that this is the one place a
//! reader finds what a run folder holds ([`RUN_FILES`]).

use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::tensor::Device;
use hinge_data::{DataSplit, Scaler};
use hinge_model::Mlp;

use crate::artifacts::{Durability, read_member_metrics, write_member_metrics};
use crate::artifacts::{EpochMetrics, TestResult, write_atomic};
use crate::artifacts::{load_model, remove_if_present};
use crate::config::{TrainingConfig, ValidTrainingConfig};
use crate::error::TrainError;

pub const CONFIG_FILE: &str = "config.json";
pub const MODEL_FILE: &str = "model.bpk";
pub const METRICS_FILE: &str = "metrics.csv";
pub const TEST_FILE: &str = "test.json";
/// The parameters at each frame of the run's animation (see [`crate::Snapshots`]).
pub const FRAMES_FILE: &str = "frames.json";
/// The folder, under a run's folder, where burn's checkpointer keeps the model, optimizer and
/// scheduler state of the last epochs (`model-<epoch>.bpk`, ...).
pub const CHECKPOINT_DIR: &str = "checkpoint";
/// The standardisation `predict` applies to raw rows, fitted on the training split.
pub const SCALER_FILE: &str = "scaler.json";
/// A table's feature and class names ([`TableNames`]): with them `predict` loads the model
/// and names the classes without the table's file, which may have moved since.
pub const TABLE_FILE: &str = "table.json";
/// The run's points, as `split,<features>,label` rows (standardised where the data scales),
/// for other tools to use the very same data.
pub const DATA_FILE: &str = "data.csv";
pub const DATA_PLOT: &str = "data.png";
pub const BOUNDARY_PLOT: &str = "decision_boundary.png";
pub const LOSS_PLOT: &str = "loss.png";
pub const NEURONS_PLOT: &str = "neurons.png";
/// The animation of the run's decision surface, drawn from [`FRAMES_FILE`].
pub const BOUNDARY_ANIMATION: &str = "boundary_animation.png";
/// The margin histogram of a run on N-D data, or the one `lab margins` draws of a saved run.
pub const MARGINS_PLOT: &str = "margins.png";
/// The test points of N-D data on their first two principal components.
pub const PCA_PLOT: &str = "pca.png";
/// The confusion matrix of N-D data of three classes or more.
pub const CONFUSION_PLOT: &str = "confusion.png";
pub use crate::lock::LOCK_FILE;

/// Every name a run folder may hold, the checkpoint folder included.
pub const RUN_FILES: [&str; 18] = [
    CONFIG_FILE,
    SCALER_FILE,
    TABLE_FILE,
    MODEL_FILE,
    METRICS_FILE,
    TEST_FILE,
    FRAMES_FILE,
    LOCK_FILE,
    CHECKPOINT_DIR,
    DATA_FILE,
    DATA_PLOT,
    BOUNDARY_PLOT,
    LOSS_PLOT,
    NEURONS_PLOT,
    BOUNDARY_ANIMATION,
    MARGINS_PLOT,
    PCA_PLOT,
    CONFUSION_PLOT,
];

/// The parts burn's checkpointer writes for each epoch, as `<part>-<epoch>.bpk`.
pub(crate) const CHECKPOINT_PARTS: [&str; 3] = ["model", "optim", "scheduler"];

/// A run's folder. It need not exist yet: training creates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunDir {
    path: PathBuf,
}

impl RunDir {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    pub fn checkpoints(&self) -> PathBuf {
        self.path.join(CHECKPOINT_DIR)
    }

    /// The file of checkpoint `epoch`'s `part` (model, optim or scheduler).
    pub(crate) fn checkpoint_file(&self, part: &str, epoch: usize) -> PathBuf {
        self.checkpoints().join(format!("{part}-{epoch}.bpk"))
    }

    /// The run's `config.json`, read and checked.
    pub fn load_config(&self) -> Result<ValidTrainingConfig, TrainError> {
        TrainingConfig::from_file(&self.file(CONFIG_FILE))?.check()
    }

    /// Writes `config.json`, with `scaler.json` when the data scales and `table.json` when it
    /// is a table (removing an earlier run's where this one has none).
    pub fn save_config(&self, config: &ValidTrainingConfig) -> Result<(), TrainError> {
        for (name, bytes) in config_files(config) {
            let path = self.file(name);
            match bytes {
                Some(bytes) => write_atomic(&path, &bytes)?,
                None => remove_if_present(&path, "remove the earlier run's file")?,
            }
        }
        Ok(())
    }

    /// A table's names from `table.json`, if the run was on one.
    pub fn load_table_names(&self) -> Result<Option<TableNames>, TrainError> {
        self.read_optional(TABLE_FILE, "table names")
    }

    fn read_optional<T: serde::de::DeserializeOwned>(
        &self,
        name: &str,
        what: &'static str,
    ) -> Result<Option<T>, TrainError> {
        let path = self.file(name);
        if !path.is_file() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&path).map_err(TrainError::io("read", &path))?;
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|err| TrainError::Format {
                what,
                path,
                reason: err.to_string(),
            })
    }

    /// The standardisation the run's data had, if any, from `scaler.json`.
    pub fn load_scaler(&self) -> Result<Option<Scaler>, TrainError> {
        self.read_optional(SCALER_FILE, "scaler")
    }

    /// The trained network, built from `config.json` and loaded from `model.bpk`, on `device`.
    pub fn load_model(&self, device: &Device) -> Result<Mlp, TrainError> {
        // A table's run is built from its recorded names, without reading the table's file.
        let model = match self.load_table_names()? {
            Some(names) => {
                let settings = TrainingConfig::from_file(&self.file(CONFIG_FILE))?;
                let (width, classes) = (names.feature_names.len(), names.class_names.len());
                let (network, _) = settings.network(width, classes)?;
                network.init(settings.loss, settings.seed, device)
            }
            None => {
                let config = self.load_config()?;
                let settings = config.config();
                config.model().init(settings.loss, settings.seed, device)
            }
        };
        load_model(model, &self.file(MODEL_FILE))
    }

    pub fn save_model(&self, model: &Mlp) -> Result<(), TrainError> {
        let bytes = model
            .clone()
            .into_record()
            .into_bytes()
            .map_err(|err| TrainError::Read(err.to_string()))?;
        write_atomic(&self.file(MODEL_FILE), &bytes)
    }

    /// The run's data, regenerated from its config: the same points it trained on.
    pub fn data_split(&self) -> Result<DataSplit, TrainError> {
        Ok(self.load_config()?.data_split())
    }

    /// Each member's finished epochs from `metrics.csv` (a solo run is one member).
    pub fn read_metrics(&self, members: usize) -> Result<Vec<Vec<EpochMetrics>>, TrainError> {
        read_member_metrics(&self.file(METRICS_FILE), members)
    }

    /// Replaces `metrics.csv` with every member's epochs, synced to the disk.
    pub fn write_metrics(&self, epochs: &[Vec<EpochMetrics>]) -> Result<(), TrainError> {
        self.write_metrics_as(epochs, Durability::Synced)
    }

    pub(crate) fn write_metrics_as(
        &self,
        epochs: &[Vec<EpochMetrics>],
        durability: Durability,
    ) -> Result<(), TrainError> {
        write_member_metrics(&self.file(METRICS_FILE), epochs, durability)
    }

    pub fn read_test(&self) -> Result<TestResult, TrainError> {
        let path = self.file(TEST_FILE);
        let text = std::fs::read_to_string(&path).map_err(TrainError::io("read", &path))?;
        serde_json::from_str(&text).map_err(|err| TrainError::Format {
            what: "test result",
            path,
            reason: err.to_string(),
        })
    }

    pub fn write_test(&self, test: &TestResult) -> Result<(), TrainError> {
        test.save(&self.file(TEST_FILE))
    }

    /// The epochs whose model, optimizer and scheduler files are all in the checkpoints,
    /// oldest first, whether or not their files load (see [`crate::resume_point`]).
    pub fn complete_checkpoints(&self) -> Vec<usize> {
        let complete = |epoch: &usize| {
            CHECKPOINT_PARTS
                .iter()
                .all(|part| self.checkpoint_file(part, *epoch).is_file())
        };
        let Ok(entries) = std::fs::read_dir(self.checkpoints()) else {
            return Vec::new();
        };
        let mut epochs: Vec<usize> = entries
            .filter_map(|entry| checkpoint_epoch(entry.ok()?.file_name().to_str()?))
            .filter(complete)
            .collect();
        epochs.sort_unstable();
        epochs.dedup();
        epochs
    }

    /// The newest epoch whose model, optimizer and scheduler were all checkpointed.
    pub fn last_checkpoint(&self) -> Option<usize> {
        self.complete_checkpoints().last().copied()
    }

    /// Removes what an earlier run left here to be resumed from (its checkpoints and frames),
    /// which a resume of the run starting now would otherwise take for its own; its results
    /// stay until this run replaces them.
    pub fn clear_progress(&self) -> Result<(), TrainError> {
        self.clear_checkpoints()?;
        remove_if_present(&self.file(FRAMES_FILE), "remove the earlier run's file")
    }

    /// Removes the checkpoint files of an earlier run in this folder, which would be taken for
    /// this run's on resume, and nothing else: a file a user keeps there is not ours to delete.
    pub(crate) fn clear_checkpoints(&self) -> Result<(), TrainError> {
        let Ok(entries) = std::fs::read_dir(self.checkpoints()) else {
            return Ok(());
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            if name.to_str().and_then(checkpoint_epoch).is_some() {
                let path = entry.path();
                std::fs::remove_file(&path)
                    .map_err(TrainError::io("remove the old checkpoint", &path))?;
            }
        }
        Ok(())
    }
}

/// The files that describe a run before it trains, each with its bytes, or `None` where this
/// run has no such file: `config.json`, `scaler.json` and `table.json`. What a run folder is
/// written with, and what a copy of it (the page's download) carries.
pub fn config_files(config: &ValidTrainingConfig) -> [(&'static str, Option<Vec<u8>>); 3] {
    let names = config.data().table().map(|table| TableNames {
        feature_names: table.feature_names.clone(),
        class_names: table.class_names.clone(),
    });
    [
        (CONFIG_FILE, Some(pretty(config.config()))),
        (SCALER_FILE, config.scaled_split().1.map(|s| pretty(&s))),
        (TABLE_FILE, names.map(|n| pretty(&n))),
    ]
}

fn pretty(value: &impl serde::Serialize) -> Vec<u8> {
    serde_json::to_vec_pretty(value).expect("a record of names and numbers serialises")
}

/// A table's names, as a run on it records them in `table.json`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TableNames {
    pub feature_names: Vec<String>,
    pub class_names: Vec<String>,
}

/// The epoch of a checkpoint file name of ours (`model-12.bpk`), or `None` for any other name.
fn checkpoint_epoch(name: &str) -> Option<usize> {
    CHECKPOINT_PARTS.iter().find_map(|part| {
        name.strip_prefix(part)?
            .strip_prefix('-')?
            .strip_suffix(".bpk")?
            .parse()
            .ok()
    })
}
