use burn::tensor::{ExecutionError, Tensor};
use burn::train::metric::{Adaptor, ItemLazy, LossInput};
use burn::train::{InferenceStep, TrainOutput, TrainStep};
use hinge_data::PointsBatch;

use crate::Mlp;

/// What one step hands to the metrics: the batch's mean loss, raw outputs and targets.
#[derive(Debug, Clone)]
pub struct MarginOutput {
    pub loss: Tensor<1>,
    /// `[batch, outputs]`, in (-1, 1).
    pub output: Tensor<2>,
    /// `[batch, outputs]`: -1 or +1 in one column, or one-hot.
    pub targets: Tensor<2>,
}

impl Mlp {
    pub fn forward_margin(&self, batch: PointsBatch) -> MarginOutput {
        let output = self.forward(batch.inputs);
        let loss = self
            .loss
            .forward_signed(output.clone(), batch.targets.clone())
            .mean();
        MarginOutput {
            loss,
            output,
            targets: batch.targets,
        }
    }
}

impl TrainStep for Mlp {
    type Input = PointsBatch;
    type Output = MarginOutput;

    fn step(&self, batch: PointsBatch) -> TrainOutput<MarginOutput> {
        let item = self.forward_margin(batch);
        TrainOutput::new(self, item.loss.backward(), item)
    }
}

impl InferenceStep for Mlp {
    type Input = PointsBatch;
    type Output = MarginOutput;

    fn step(&self, batch: PointsBatch) -> MarginOutput {
        self.forward_margin(batch)
    }
}

impl Adaptor<LossInput> for MarginOutput {
    fn adapt(&self) -> LossInput {
        LossInput::new(self.loss.clone())
    }
}

impl ItemLazy for MarginOutput {
    /// Hands the metric thread plain tensors, as burn's `RegressionOutput` does, so it neither
    /// keeps the autodiff graph alive nor reads anything back here.
    fn sync(self) -> Result<Self, ExecutionError> {
        self.loss.device().flush()?;
        Ok(MarginOutput {
            loss: self.loss.without_autodiff(),
            output: self.output.without_autodiff(),
            targets: self.targets.without_autodiff(),
        })
    }
}
