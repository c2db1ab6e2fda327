use burn::tensor::Tensor;

/// Every member's batch at once, each member on its own points: inputs `[members, batch, 2]`,
/// targets `[members, batch, width]` (-1/+1 in one column, or one-hot).
#[derive(Debug, Clone)]
pub struct PopulationBatch {
    pub inputs: Tensor<3>,
    pub targets: Tensor<3>,
}
