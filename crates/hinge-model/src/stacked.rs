//! One Dense layer of every member of a population, and how it multiplies.

use burn::module::{Module, Param};
use burn::tensor::{Device, Tensor, TensorData};

/// How a layer multiplies its inputs by its weights on a small batch. Both compute the same
/// product; they differ in speed and in rounding, so a run's numbers depend on the choice, and
/// the choice is the caller's, fixed for a whole run, never derived from the population's size
/// (a lab's results must not depend on how its runs are split into populations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Product {
    /// burn's batched matmul: the lone network's arithmetic, and the faster for a population
    /// of one (the broadcast made the tutorial's run about 10% slower).
    Matmul,
    /// A broadcast multiply and a sum over the inner dimension. burn-flex runs a batched matmul
    /// as one gemm call per member, each allocating zeroed scratch memory; for a training batch
    /// of a large population (the tutorial's 5 points, inner dimensions of 2 to 4) that was
    /// most of the step, and the broadcast trained a population of 1000 about 8% faster.
    #[default]
    Broadcast,
}

/// Most points per member for which [`Product::Broadcast`] is used: over many points per member
/// (prediction, the lab's measurements) the matmul was faster, 0.8 s against 1.4 s to scan 525
/// members' boundaries.
const BROADCAST_MAX_POINTS: usize = 32;

/// One Dense layer of every member.
#[derive(Module, Debug)]
pub struct StackedDense {
    /// `[members, in, out]`
    pub(crate) weight: Param<Tensor<3>>,
    /// `[members, 1, out]`
    pub(crate) bias: Param<Tensor<3>>,
}

impl StackedDense {
    /// # Shapes
    /// - input: `[members, points, in]`
    /// - output: `[members, points, out]`
    pub(crate) fn forward(&self, input: Tensor<3>, product: Product) -> Tensor<3> {
        let [members, points, fan_in] = input.dims();
        if product == Product::Matmul || points > BROADCAST_MAX_POINTS {
            return input.matmul(self.weight.val()).add(self.bias.val());
        }
        let [_, _, fan_out] = self.weight.dims();
        input
            .reshape([members, points, fan_in, 1])
            .mul(self.weight.val().reshape([members, 1, fan_in, fan_out]))
            .sum_dim(2)
            .reshape([members, points, fan_out])
            .add(self.bias.val())
    }

    /// Stacks per-member weights (each `in x out`, input-major) with zero biases.
    pub(crate) fn from_weights(
        members: &[Vec<f32>],
        fan_in: usize,
        fan_out: usize,
        device: &Device,
    ) -> Self {
        let n = members.len();
        let flat: Vec<f32> = members.iter().flatten().copied().collect();
        let weight = Tensor::<3>::from_data(TensorData::new(flat, [n, fan_in, fan_out]), device);
        Self {
            weight: Param::from_tensor(weight),
            bias: Param::from_tensor(Tensor::zeros([n, 1, fan_out], device)),
        }
    }

    /// Member `index`'s weight `[in, out]` and bias `[out]`.
    pub(crate) fn member(&self, index: usize) -> (Tensor<2>, Tensor<1>) {
        let [_, fan_in, fan_out] = self.weight.dims();
        let weight = self
            .weight
            .val()
            .narrow(0, index, 1)
            .reshape([fan_in, fan_out]);
        let bias = self.bias.val().narrow(0, index, 1).reshape([fan_out]);
        (weight, bias)
    }
}
