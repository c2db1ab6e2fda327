//! The record of a `circles` command, `run.json` in its artifacts folder: what `--resume`
//! completes.

use std::path::Path;

use hinge_model::LossKind;
use hinge_train::{
    BackendKind, MemoryEstimate, TrainError, TrainingConfig, ValidTrainingConfig, write_atomic,
};

use super::CirclesRun;
use crate::AppError;

/// What a `circles` command does and how far it got, kept in `<artifacts>/run.json` from its
/// start: `--resume` reads it and completes the whole command, not only the loss it was killed
/// in.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(super) struct RunRecord {
    /// In training order.
    pub losses: Vec<LossKind>,
    /// Every loss's configuration but for its `loss`.
    pub config: TrainingConfig,
    pub backend: BackendKind,
    pub animate: bool,
    /// The losses whose files are written, in training order.
    pub finished: Vec<LossKind>,
}

/// The file [`RunRecord`] is kept in, in the artifacts folder.
pub(super) const RECORD_FILE: &str = "run.json";

impl RunRecord {
    pub(super) fn of(request: &CirclesRun) -> Self {
        Self {
            losses: request.losses.kinds(),
            config: request.config.clone(),
            backend: request.backend.unwrap_or_else(BackendKind::preferred),
            animate: request.animate,
            finished: Vec::new(),
        }
    }

    /// The record of the command started in `artifacts`.
    pub(super) fn load(artifacts: &Path) -> Result<Self, AppError> {
        let path = artifacts.join(RECORD_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Err(AppError::NoRunToResume(artifacts.to_path_buf()));
            }
            Err(source) => {
                return Err(TrainError::Io {
                    action: "read",
                    path,
                    source,
                }
                .into());
            }
        };
        serde_json::from_str(&text).map_err(|err| {
            TrainError::Format {
                what: "run record",
                path,
                reason: err.to_string(),
            }
            .into()
        })
    }

    pub(super) fn save(&self, artifacts: &Path) -> Result<(), AppError> {
        let json = serde_json::to_string_pretty(self).expect("a record of numbers and names");
        Ok(write_atomic(&artifacts.join(RECORD_FILE), json.as_bytes())?)
    }

    /// Each loss's configuration, checked, with the memory it needs and its data.
    pub(super) fn checked(&self) -> Result<Vec<(LossKind, ValidTrainingConfig)>, AppError> {
        self.losses
            .iter()
            .map(|&loss| {
                let config = self.config.clone().with_loss(loss).check()?;
                // Before the data is generated: that alone may not fit.
                MemoryEstimate::of(std::slice::from_ref(&config)).check_fits()?;
                config.check_data_fits()?;
                Ok((loss, config))
            })
            .collect()
    }
}
