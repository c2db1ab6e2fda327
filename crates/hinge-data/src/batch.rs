use burn::tensor::Tensor;

/// Every member's batch at once, each member on its own points, the member axis last (where
/// burn-flex broadcasts and reduces fast): inputs `[2, batch, members]`, targets `[width, batch,
/// members]` (-1/+1 in one row, or one-hot).
#[derive(Debug, Clone)]
pub struct PopulationBatch {
    pub inputs: Tensor<3>,
    pub targets: Tensor<3>,
}
