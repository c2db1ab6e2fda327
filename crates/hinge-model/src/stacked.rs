//! One Dense layer of every member of a population, in the population's [`Layout`].

use burn::module::{Module, Param};
use burn::tensor::{Device, Tensor, TensorData};
use hinge_data::Layout;

/// One Dense layer of every member.
#[derive(Module, Debug)]
pub struct StackedDense {
    /// `[members, in, out]` members first, `[in, out, members]` members last.
    pub(crate) weight: Param<Tensor<3>>,
    /// `[members, 1, out]` members first, `[out, 1, members]` members last.
    pub(crate) bias: Param<Tensor<3>>,
}

impl StackedDense {
    /// The training step's product, in `layout`.
    ///
    /// # Shapes
    /// - input: `[members, points, in]` or `[in, points, members]`
    /// - output: `[members, points, out]` or `[out, points, members]`
    pub(crate) fn forward(&self, input: Tensor<3>, layout: Layout) -> Tensor<3> {
        match layout {
            Layout::MembersFirst => input.matmul(self.weight.val()).add(self.bias.val()),
            Layout::MembersLast => {
                let [fan_in, points, members] = input.dims();
                let fan_out = self.fan_out(layout);
                input
                    .reshape([fan_in, 1, points, members])
                    .mul(self.weight.val().reshape([fan_in, fan_out, 1, members]))
                    .sum_dim(0)
                    .reshape([fan_out, points, members])
                    .add(self.bias.val())
            }
        }
    }

    /// Each member on many points, members first whatever the layout: one batched matmul, the
    /// fastest way over hundreds of points per member (the grids and test sets of the plots
    /// and the lab).
    ///
    /// # Shapes
    /// - input: `[members, points, in]`
    /// - output: `[members, points, out]`
    pub(crate) fn forward_rows(&self, input: Tensor<3>, layout: Layout) -> Tensor<3> {
        match layout {
            Layout::MembersFirst => self.forward(input, layout),
            Layout::MembersLast => {
                let [fan_out, _, members] = self.bias.dims();
                // burn-flex adds a contiguous `[members, 1, out]` bias 2.7 times faster than
                // the permuted view of the stored `[out, 1, members]` (same sums); the
                // reshape through `[members, out]` copies its few values once.
                let bias = self
                    .bias
                    .val()
                    .permute([2, 1, 0])
                    .reshape([members, fan_out])
                    .reshape([members, 1, fan_out]);
                input.matmul(self.weight.val().permute([2, 0, 1])).add(bias)
            }
        }
    }

    /// Stacks per-member weights (each `in x out`, input-major) with zero biases.
    pub(crate) fn from_weights(
        members: &[Vec<f32>],
        [fan_in, fan_out]: [usize; 2],
        layout: Layout,
        device: &Device,
    ) -> Self {
        let n = members.len();
        let (flat, shape): (Vec<f32>, _) = match layout {
            Layout::MembersFirst => (
                members.iter().flatten().copied().collect(),
                [n, fan_in, fan_out],
            ),
            Layout::MembersLast => {
                let mut flat = vec![0.0; n * fan_in * fan_out];
                for (member, weights) in members.iter().enumerate() {
                    for (at, &w) in weights.iter().enumerate() {
                        flat[at * n + member] = w;
                    }
                }
                (flat, [fan_in, fan_out, n])
            }
        };
        Self {
            weight: Param::from_tensor(Tensor::from_data(TensorData::new(flat, shape), device)),
            bias: Param::from_tensor(Tensor::zeros(layout.shape(n, 1, fan_out), device)),
        }
    }

    /// Stacks per-member weights `[in, out]` and biases `[out]`.
    pub(crate) fn stack(layers: Vec<(Tensor<2>, Tensor<1>)>, layout: Layout) -> Self {
        let axis = layout.member_axis();
        let (weights, biases): (Vec<Tensor<3>>, Vec<Tensor<3>>) = layers
            .into_iter()
            .map(|(weight, bias)| {
                let [fan_out] = bias.dims();
                (
                    weight.unsqueeze_dim(axis),
                    bias.reshape(layout.shape(1, 1, fan_out)),
                )
            })
            .unzip();
        Self {
            weight: Param::from_tensor(Tensor::cat(weights, axis)),
            bias: Param::from_tensor(Tensor::cat(biases, axis)),
        }
    }

    pub(crate) fn members(&self, layout: Layout) -> usize {
        self.weight.dims()[layout.member_axis()]
    }

    pub(crate) fn fan_in(&self, layout: Layout) -> usize {
        self.weight.dims()[Self::weight_axes(layout)[0]]
    }

    pub(crate) fn fan_out(&self, layout: Layout) -> usize {
        self.bias.dims()[layout.unit_axis()]
    }

    /// The weights a member's layer has: inputs times outputs.
    pub(crate) fn weights_per_member(&self, layout: Layout) -> usize {
        let [a, b] = Self::weight_axes(layout);
        self.weight.dims()[a] * self.weight.dims()[b]
    }

    /// The axes of the weight's inputs and outputs.
    pub(crate) fn weight_axes(layout: Layout) -> [usize; 2] {
        match layout {
            Layout::MembersFirst => [1, 2],
            Layout::MembersLast => [0, 1],
        }
    }

    /// Member `index`'s weight `[in, out]` and bias `[out]`.
    pub(crate) fn member(&self, index: usize, layout: Layout) -> (Tensor<2>, Tensor<1>) {
        let axis = layout.member_axis();
        let [a, b] = Self::weight_axes(layout);
        let dims = self.weight.dims();
        let weight = self
            .weight
            .val()
            .narrow(axis, index, 1)
            .reshape([dims[a], dims[b]]);
        let fan_out = self.fan_out(layout);
        let bias = self.bias.val().narrow(axis, index, 1).reshape([fan_out]);
        (weight, bias)
    }
}
