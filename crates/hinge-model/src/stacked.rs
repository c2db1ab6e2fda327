//! One Dense layer of every member of a population, and how it multiplies.
//!
//! The member axis is the last axis of every parameter and of every activation a training step
//! computes (`[features, points, members]`). burn-flex runs an elementwise operation whose
//! broadcast or reduction keeps the last axis whole at memory speed, and one that broadcasts or
//! reduces over the last axis 12 to 14 times slower (`docs/flex-report.md`); with the members
//! last, the sum over a layer's inputs is a sum over the leading axis, and every broadcast
//! repeats whole rows of members.

use burn::module::{Module, Param};
use burn::tensor::{Device, Tensor, TensorData};

/// How a layer multiplies its inputs by its weights in a training step. Both compute the same
/// product; they differ in speed and in rounding, so a run's numbers depend on the choice, and
/// the choice is the caller's, fixed for a whole run, never derived from the population's size
/// (a lab's results must not depend on how its runs are split into populations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Product {
    /// burn's batched matmul, one per member: the lone network's arithmetic, and the faster
    /// for a population of one.
    Matmul,
    /// A broadcast multiply and a sum over the layer's inputs, the leading axis: for the
    /// tutorial's 5 points and inner dimensions of 2 to 4, burn-flex's batched matmul is one
    /// gemm call per member, each allocating scratch memory, several times slower than this.
    #[default]
    Broadcast,
}

/// One Dense layer of every member.
#[derive(Module, Debug)]
pub struct StackedDense {
    /// `[in, out, members]`
    pub(crate) weight: Param<Tensor<3>>,
    /// `[out, 1, members]`
    pub(crate) bias: Param<Tensor<3>>,
}

impl StackedDense {
    /// The training step's product, members last.
    ///
    /// # Shapes
    /// - input: `[in, points, members]`
    /// - output: `[out, points, members]`
    pub(crate) fn forward(&self, input: Tensor<3>, product: Product) -> Tensor<3> {
        let [fan_in, points, members] = input.dims();
        let [_, fan_out, _] = self.weight.dims();
        let product = match product {
            Product::Broadcast => input
                .reshape([fan_in, 1, points, members])
                .mul(self.weight.val().reshape([fan_in, fan_out, 1, members]))
                .sum_dim(0)
                .reshape([fan_out, points, members]),
            Product::Matmul => input
                .permute([2, 1, 0])
                .matmul(self.weight.val().permute([2, 0, 1]))
                .permute([2, 1, 0]),
        };
        product.add(self.bias.val())
    }

    /// Each member on many points, members first: one batched matmul, the fastest way over
    /// hundreds of points per member (the grids and test sets of the plots and the lab).
    ///
    /// # Shapes
    /// - input: `[members, points, in]`
    /// - output: `[members, points, out]`
    pub(crate) fn forward_rows(&self, input: Tensor<3>) -> Tensor<3> {
        input
            .matmul(self.weight.val().permute([2, 0, 1]))
            .add(self.bias.val().permute([2, 1, 0]))
    }

    /// Stacks per-member weights (each `in x out`, input-major) with zero biases.
    pub(crate) fn from_weights(
        members: &[Vec<f32>],
        fan_in: usize,
        fan_out: usize,
        device: &Device,
    ) -> Self {
        let n = members.len();
        let mut flat = vec![0.0; n * fan_in * fan_out];
        for (member, weights) in members.iter().enumerate() {
            for (at, &w) in weights.iter().enumerate() {
                flat[at * n + member] = w;
            }
        }
        let weight = Tensor::<3>::from_data(TensorData::new(flat, [fan_in, fan_out, n]), device);
        Self {
            weight: Param::from_tensor(weight),
            bias: Param::from_tensor(Tensor::zeros([fan_out, 1, n], device)),
        }
    }

    /// Stacks per-member weights `[in, out]` and biases `[out]`.
    pub(crate) fn stack(layers: Vec<(Tensor<2>, Tensor<1>)>) -> Self {
        let (weights, biases): (Vec<Tensor<3>>, Vec<Tensor<3>>) = layers
            .into_iter()
            .map(|(weight, bias)| {
                let [fan_out] = bias.dims();
                (weight.unsqueeze_dim(2), bias.reshape([fan_out, 1, 1]))
            })
            .unzip();
        Self {
            weight: Param::from_tensor(Tensor::cat(weights, 2)),
            bias: Param::from_tensor(Tensor::cat(biases, 2)),
        }
    }

    pub(crate) fn members(&self) -> usize {
        self.weight.dims()[2]
    }

    pub(crate) fn fan_out(&self) -> usize {
        self.weight.dims()[1]
    }

    /// Member `index`'s weight `[in, out]` and bias `[out]`.
    pub(crate) fn member(&self, index: usize) -> (Tensor<2>, Tensor<1>) {
        let [fan_in, fan_out, _] = self.weight.dims();
        let weight = self
            .weight
            .val()
            .narrow(2, index, 1)
            .reshape([fan_in, fan_out]);
        let bias = self.bias.val().narrow(2, index, 1).reshape([fan_out]);
        (weight, bias)
    }
}
