//! What a trained population hands back.

use std::time::Duration;

use hinge_data::DataSplit;
use hinge_model::Population;

use crate::artifacts::{EpochMetrics, TestResult};
use crate::config::TrainingConfig;
use crate::ledger::Divergence;

/// Everything a population run hands back, member by member in the order of its configs.
pub struct PopulationRun {
    pub configs: Vec<TrainingConfig>,
    pub model: Population,
    pub data: Vec<DataSplit>,
    pub epochs: Vec<Vec<EpochMetrics>>,
    /// Each member on its test set; a diverged member's loss is NaN.
    pub tests: Vec<TestResult>,
    /// Where each member diverged, if it did; it trained no further there.
    pub diverged: Vec<Option<Divergence>>,
    pub timings: RunTimings,
}

/// Where a run's time went, for the benchmark; files and plots are not included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunTimings {
    /// burn's Learner from launch to return: every epoch's training and validation.
    pub training: Duration,
    /// Evaluating the test set.
    pub test: Duration,
}
