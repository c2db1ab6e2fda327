//! The engine: one place where a population is set up and trained, through burn's `Learner`
//! (the CLI's runs, with checkpoints, metrics and the dashboard) or epoch by epoch (the
//! playground's page, which pauses, steps and restarts). Both take the same set-up
//! ([`setup`]) and the same step: burn's `Learner::train_step`, then its optimizer step.

mod learner;
mod options;
mod outcome;
mod setup;
mod stepwise;

pub(crate) use learner::fit;
pub use options::{LearnerOptions, POPULATION_LAYOUT, SOLO_LAYOUT};
pub use outcome::{PopulationRun, RunTimings};
pub(crate) use setup::{check, networks};
pub use setup::{member_data, population_optimizer};
pub use stepwise::{Motion, StepwiseTrainer};
