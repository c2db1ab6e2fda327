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
mod cores;
mod error;
pub mod lab;
pub mod mains;
pub mod margins;
pub mod neurons;
pub mod plot;
pub mod predict;
mod run;

pub use error::AppError;
pub use run::{CirclesRun, LossChoice, RunOutcome, run_circles};

pub use hinge_data;
pub use hinge_model;
pub use hinge_train;

/// The allocator the programs use, for `use_mimalloc!`.
#[doc(hidden)]
pub use mimalloc;

/// Makes mimalloc the global allocator of the binary that calls it: each training step
/// allocates and frees dozens of small tensors, and mimalloc's thread-local free lists make
/// that cheaper than glibc's malloc (wall time x 0.81, see docs/speed.md). Set by
/// each binary rather than by this library, so a program that links the library keeps its own.
#[macro_export]
macro_rules! use_mimalloc {
    () => {
        #[global_allocator]
        static GLOBAL: $crate::mimalloc::MiMalloc = $crate::mimalloc::MiMalloc;
    };
}
