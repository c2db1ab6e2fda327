use hinge_train::TrainError;
use thiserror::Error;

/// Everything the application can fail on; `main` prints it on one line.
#[derive(Debug, Error)]
pub enum AppError {
    #[error(transparent)]
    Train(#[from] TrainError),
    #[error("drawing a plot failed: {0}")]
    Plot(String),
}
