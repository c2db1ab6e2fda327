//! Per-member bookkeeping of a population's training: each member's epoch loss and accuracy,
//! and the step where a member diverged, gathered by the metrics as burn's Learner runs and
//! read by the renderer at the end of every epoch.
//!
//! burn's metrics and renderer see one number per metric; a population needs one per member.
//! The metrics below report the population's summary to burn (the dashboard's curves) and write
//! the per-member values into a shared [`Ledger`]. Both run on burn's metric thread, in order,
//! so the ledger is complete when the renderer hears that an epoch ended.

use std::sync::{Arc, Mutex, MutexGuard};

use burn::tensor::{Tensor, TensorReadError};
use burn::train::metric::state::{FormatOptions, NumericMetricState};
use burn::train::metric::{
    Adaptor, Metric, MetricAttributes, MetricMetadata, MetricName, Numeric, NumericAttributes,
    NumericEntry, SerializedEntry,
};
use hinge_model::PopulationOutput;

use crate::EpochMetrics;

/// Where and when a member's loss stopped being a number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Divergence {
    pub epoch: usize,
    /// The step within the epoch, from 1.
    pub step: usize,
    pub validation: bool,
    /// The loss it reported: NaN or an infinity.
    pub value: f64,
}

/// One split's running sums over the current epoch, per member.
#[derive(Debug, Clone, Default)]
struct Tally {
    /// Sum of batch mean loss x batch size.
    loss: Vec<f64>,
    correct: Vec<f64>,
    points: Vec<f64>,
}

impl Tally {
    fn new(members: usize) -> Self {
        Self {
            loss: vec![0.0; members],
            correct: vec![0.0; members],
            points: vec![0.0; members],
        }
    }

    fn mean_loss(&self, member: usize) -> f64 {
        self.loss[member] / self.points[member]
    }

    fn accuracy(&self, member: usize) -> f64 {
        self.correct[member] / self.points[member]
    }
}

/// Every member's figures for the epoch in progress, its finished epochs, and divergences.
#[derive(Debug)]
pub struct Ledger {
    /// The epoch in progress, from 1.
    epoch: usize,
    train: Tally,
    valid: Tally,
    diverged: Vec<Option<Divergence>>,
    /// Per member, its finished epochs.
    epochs: Vec<Vec<EpochMetrics>>,
}

/// The ledger as the metrics and the renderer share it.
pub type SharedLedger = Arc<Mutex<Ledger>>;

impl Ledger {
    /// A ledger for `members` that already holds the epochs of an interrupted run.
    pub fn shared(members: usize, done: Vec<Vec<EpochMetrics>>) -> SharedLedger {
        let epoch = done.first().map_or(0, Vec::len) + 1;
        Arc::new(Mutex::new(Self {
            epoch,
            train: Tally::new(members),
            valid: Tally::new(members),
            diverged: vec![None; members],
            epochs: done,
        }))
    }

    pub fn lock(shared: &SharedLedger) -> MutexGuard<'_, Ledger> {
        // A panic while the lock was held left sums half-added; nothing here can panic.
        shared
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn members(&self) -> usize {
        self.diverged.len()
    }

    fn tally(&mut self, validation: bool) -> &mut Tally {
        if validation {
            &mut self.valid
        } else {
            &mut self.train
        }
    }

    fn live(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.members()).filter(|&m| self.diverged[m].is_none())
    }

    /// Closes the epoch: every member's row, NaN for a member that has diverged.
    pub fn end_epoch(&mut self) {
        let epoch = self.epoch;
        for member in 0..self.members() {
            let (train, valid) = (&self.train, &self.valid);
            let row = if self.diverged[member].is_some() {
                EpochMetrics::empty(epoch)
            } else {
                EpochMetrics {
                    epoch,
                    train_loss: train.mean_loss(member),
                    train_accuracy: train.accuracy(member),
                    valid_loss: valid.mean_loss(member),
                    valid_accuracy: valid.accuracy(member),
                }
            };
            match self.epochs.get_mut(member) {
                Some(rows) => rows.push(row),
                None => self.epochs.push(vec![row]),
            }
        }
        let members = self.members();
        self.train = Tally::new(members);
        self.valid = Tally::new(members);
        self.epoch += 1;
    }

    /// The mean over live members of the last finished epoch, and how many were at 100% on
    /// the training split: the population's line.
    pub fn last_summary(&self) -> Option<(EpochMetrics, usize)> {
        let live: Vec<&EpochMetrics> = self.live().filter_map(|m| self.epochs[m].last()).collect();
        let first = self.epochs.first()?.last()?;
        let mean = |pick: fn(&EpochMetrics) -> f64| {
            live.iter().map(|row| pick(row)).sum::<f64>() / live.len() as f64
        };
        let full = live.iter().filter(|row| row.train_accuracy == 1.0).count();
        Some((
            EpochMetrics {
                epoch: first.epoch,
                train_loss: mean(|r| r.train_loss),
                train_accuracy: mean(|r| r.train_accuracy),
                valid_loss: mean(|r| r.valid_loss),
                valid_accuracy: mean(|r| r.valid_accuracy),
            },
            full,
        ))
    }

    pub fn epochs(&self) -> &[Vec<EpochMetrics>] {
        &self.epochs
    }

    pub fn diverged(&self) -> &[Option<Divergence>] {
        &self.diverged
    }

    pub fn live_members(&self) -> usize {
        self.live().count()
    }
}

/// Reads a `[members]` tensor back to the host.
fn read(tensor: &Tensor<1>) -> Result<Vec<f64>, TensorReadError> {
    tensor.try_to_vec_as::<f64>()
}

fn numeric_attributes(unit: Option<&str>, higher_is_better: bool) -> MetricAttributes {
    NumericAttributes {
        unit: unit.map(str::to_string),
        higher_is_better,
    }
    .into()
}

/// Declares a population metric: its name, its unit, its input from the step output, and the
/// per-step update that writes the ledger and returns the value burn shows.
macro_rules! population_metric {
    ($(#[$doc:meta])* $name:ident, $label:expr, $unit:expr, $higher:expr, $precision:expr, $latest:expr) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name {
            name: MetricName,
            state: NumericMetricState,
            ledger: SharedLedger,
            validation: bool,
        }

        impl $name {
            pub fn new(ledger: SharedLedger, validation: bool) -> Self {
                Self {
                    name: MetricName::new($label.to_string()),
                    state: NumericMetricState::default(),
                    ledger,
                    validation,
                }
            }

            fn format(&self) -> FormatOptions {
                let format = FormatOptions::new(self.name.clone()).precision($precision);
                match $unit {
                    Some(unit) => format.unit(unit),
                    None => format,
                }
            }
        }

        impl Metric for $name {
            type Input = MemberStep;

            fn name(&self) -> MetricName {
                self.name.clone()
            }

            fn update(
                &mut self,
                input: &MemberStep,
                metadata: &MetricMetadata,
            ) -> Result<SerializedEntry, TensorReadError> {
                let input = &input.0;
                let [_, batch, _] = input.output.dims();
                let step = metadata.iteration.unwrap_or(0);
                let value = self.measure(input, batch, step)?;
                if $latest {
                    // A count so far in the epoch: the epoch's value is its last, not a mean.
                    self.state.reset();
                }
                self.state.update(value, batch);
                Ok(self.state.compute_update(self.format()))
            }

            fn compute(&mut self) -> Result<SerializedEntry, TensorReadError> {
                Ok(self.state.compute_final(self.format()))
            }

            fn clear(&mut self) {
                self.state.reset()
            }

            fn attributes(&self) -> MetricAttributes {
                numeric_attributes($unit, $higher)
            }
        }

        impl Numeric for $name {
            fn value(&self) -> Option<NumericEntry> {
                Some(self.state.current_value())
            }

            fn running_value(&self) -> Option<NumericEntry> {
                Some(self.state.running_value())
            }

            fn final_value(&self) -> NumericEntry {
                self.state.final_value()
            }
        }
    };
}

population_metric!(
    /// The mean loss of the members still training; every member's own loss goes to the
    /// ledger, and a member whose loss is not finite is marked diverged there. The value is
    /// NaN only when every member has diverged, which stops the run as it stops a solo one.
    MemberLoss,
    "Loss",
    None,
    false,
    4,
    false
);

population_metric!(
    /// The mean accuracy (%) of the members still training, with each member's count of right
    /// points in the ledger. Registered after [`MemberLoss`], which counts the points.
    MemberAccuracy,
    "Accuracy",
    Some("%"),
    true,
    2,
    false
);

population_metric!(
    /// How many members still training have classified every point of the epoch so far right.
    /// Registered after [`MemberAccuracy`].
    MembersAtFull,
    "Members at 100%",
    None,
    true,
    0,
    true
);

impl MemberLoss {
    fn measure(
        &mut self,
        input: &PopulationOutput,
        batch: usize,
        step: usize,
    ) -> Result<f64, TensorReadError> {
        let losses = read(&input.losses())?;
        let mut ledger = Ledger::lock(&self.ledger);
        let epoch = ledger.epoch;
        for (member, &loss) in losses.iter().enumerate() {
            if ledger.diverged[member].is_some() {
                continue;
            }
            if !loss.is_finite() {
                ledger.diverged[member] = Some(Divergence {
                    epoch,
                    step,
                    validation: self.validation,
                    value: loss,
                });
                continue;
            }
            let tally = ledger.tally(self.validation);
            tally.loss[member] += loss * batch as f64;
            tally.points[member] += batch as f64;
        }
        let live: Vec<f64> = ledger.live().map(|m| losses[m]).collect();
        Ok(match live.len() {
            // Every member diverged: report the first's value, which the renderer stops on.
            0 => losses
                .iter()
                .copied()
                .find(|l| !l.is_finite())
                .unwrap_or(f64::NAN),
            n => live.iter().sum::<f64>() / n as f64,
        })
    }
}

impl MemberAccuracy {
    fn measure(
        &mut self,
        input: &PopulationOutput,
        batch: usize,
        _step: usize,
    ) -> Result<f64, TensorReadError> {
        let correct = read(&input.correct())?;
        let mut ledger = Ledger::lock(&self.ledger);
        let live: Vec<usize> = ledger.live().collect();
        let tally = ledger.tally(self.validation);
        for &member in &live {
            tally.correct[member] += correct[member];
        }
        let total: f64 = live.iter().map(|&m| correct[m]).sum();
        Ok(100.0 * total / (batch * live.len().max(1)) as f64)
    }
}

impl MembersAtFull {
    fn measure(
        &mut self,
        _input: &PopulationOutput,
        _batch: usize,
        _step: usize,
    ) -> Result<f64, TensorReadError> {
        let ledger = Ledger::lock(&self.ledger);
        let tally = if self.validation {
            &ledger.valid
        } else {
            &ledger.train
        };
        Ok(ledger
            .live()
            .filter(|&m| tally.points[m] > 0.0 && tally.correct[m] == tally.points[m])
            .count() as f64)
    }
}

/// What the population metrics read of a step: the step's output as it is.
pub struct MemberStep(PopulationOutput);

impl Adaptor<MemberStep> for PopulationOutput {
    fn adapt(&self) -> MemberStep {
        MemberStep(self.clone())
    }
}
