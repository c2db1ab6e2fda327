//! burn's side of training a population: the steps its Learner calls, what they hand to the
//! metrics, and the watch that looks at the population from inside them (the Learner gives no
//! hook with the model in it).

use std::sync::Arc;

use burn::tensor::Tensor;
use burn::train::metric::{Adaptor, ItemLazy, LossInput};
use burn::train::{InferenceStep, TrainOutput, TrainStep};
use hinge_data::{Layout, PopulationBatch};

use crate::Population;
use crate::class::hits_along;

/// Something that looks at a population while burn's Learner trains it, e.g. to draw its
/// decision surface as it forms. The Learner gives no hook with the model in it, so the
/// population calls these from its own steps.
pub trait StepObserver: Send + Sync {
    /// Before each training step, with the weights that step starts from.
    fn before_step(&self, population: &Population);
    /// Before each validation batch, with the weights at the end of the epoch's training.
    fn before_validation(&self, population: &Population);
    /// Before the checkpoint of `epoch` is written, on the thread writing it: what the watcher
    /// keeps for a run resumed from that checkpoint is written here, off the training thread
    /// and ahead of the checkpoint, so a resume that finds the checkpoint finds it too.
    fn before_checkpoint(&self, _epoch: usize) {}
}

/// A [`StepObserver`] as a module field: cloned with the module, never saved.
#[derive(Clone)]
pub(crate) struct Observer(pub(crate) Arc<dyn StepObserver>);

impl std::fmt::Debug for Observer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Observer")
    }
}

/// What one step hands to the metrics, per member.
#[derive(Debug, Clone)]
pub struct PopulationOutput {
    /// Each member's mean loss on its batch, along the member axis of `layout`: `[members, 1,
    /// 1]` or `[1, 1, members]` ([`PopulationOutput::losses`] gives `[members]`).
    pub loss: Tensor<3>,
    /// The network's outputs (in (-1, 1) under the tanh output, any value under the linear
    /// one), `[members, batch, outputs]` or `[outputs, batch, members]` as `layout` says.
    pub output: Tensor<3>,
    /// Laid out as `output`: -1 or +1 in one unit, or one-hot.
    pub targets: Tensor<3>,
    pub layout: Layout,
}

impl PopulationOutput {
    /// `[members]`: each member's mean loss on its batch.
    pub fn losses(&self) -> Tensor<1> {
        let members = self.loss.dims()[self.layout.member_axis()];
        self.loss.clone().reshape([members])
    }

    /// `[members]`: how many of each member's batch points it classifies right.
    pub fn correct(&self) -> Tensor<1> {
        let members = self.output.dims()[self.layout.member_axis()];
        hits_along(
            self.output.clone(),
            self.targets.clone(),
            self.layout.unit_axis(),
        )
        .sum_dim(1)
        .reshape([members])
    }
}

impl TrainStep for Population {
    type Input = PopulationBatch;
    type Output = PopulationOutput;

    fn step(&self, batch: PopulationBatch) -> TrainOutput<PopulationOutput> {
        if let Some(Observer(watch)) = &self.watch {
            watch.before_step(self);
        }
        let item = self.forward_members(batch);
        // The sum of the members' means: d(sum)/d(member i's weights) is member i's own
        // gradient, whatever the other members' losses are, NaN included. A lone network's
        // loss is that sum already, and backward starts from ones either way.
        let loss = item.loss.clone();
        let grads = if self.len() == 1 {
            loss.backward()
        } else {
            loss.sum().backward()
        };
        TrainOutput::new(self, grads, item)
    }
}

impl InferenceStep for Population {
    type Input = PopulationBatch;
    type Output = PopulationOutput;

    fn step(&self, batch: PopulationBatch) -> PopulationOutput {
        if let Some(Observer(watch)) = &self.watch {
            watch.before_validation(self);
        }
        self.forward_members(batch)
    }
}

impl Adaptor<LossInput> for PopulationOutput {
    fn adapt(&self) -> LossInput {
        LossInput::new(self.losses())
    }
}

impl ItemLazy for PopulationOutput {
    /// Hands the metric thread plain tensors, as burn's `RegressionOutput` does, so it neither
    /// keeps the autodiff graph alive nor reads anything back here.
    fn sync(self) -> Result<Self, burn::tensor::ExecutionError> {
        self.loss.device().flush()?;
        Ok(PopulationOutput {
            loss: self.loss.without_autodiff(),
            output: self.output.without_autodiff(),
            targets: self.targets.without_autodiff(),
            layout: self.layout,
        })
    }
}
