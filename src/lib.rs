//! hinge-lab: the hinge and squared hinge loss tutorial (Keras, `make_circles`) rebuilt on
//! burn. This crate is the application around the three library crates: the command line,
//! the figures, and the run that ties data, training and plots together.
//!
//! - [`hinge_data`]: `make_circles` and the other point sets, the split, population batches.
//! - [`hinge_model`]: the Dense stack and the hinge losses.
//! - [`hinge_train`]: the Learner run, metrics, dashboard and run files.

pub mod animate;
pub mod bench;
pub mod cli;
mod error;
pub mod lab;
pub mod margins;
pub mod neurons;
pub mod plot;
pub mod predict;
pub mod programs;
mod run;

pub use error::AppError;
pub use hinge_model::LossChoice;
pub use run::{CirclesRun, RunOutcome, run_circles};

pub use hinge_cli::use_mimalloc;
pub use hinge_data;
pub use hinge_model;
pub use hinge_train;
