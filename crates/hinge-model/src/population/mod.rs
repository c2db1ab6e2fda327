//! Many independent copies of the tutorial's network in one module, trained in one step: what
//! JAX's `vmap` over parameters or PyTorch's `stack_module_state` give those frameworks, written
//! out for this network in burn, which has no vmap.
//!
//! Every parameter and every activation of a training step gets a member axis, first or last as
//! the population's [`Layout`] says, and every operation keeps members apart: a per-member
//! product and bias, elementwise activations, a per-member mean loss. The
//! training loss is the sum of the members' mean losses, so member i's gradient is exactly the
//! gradient its solo run would get, and Adam, being elementwise, updates each member as its solo
//! run would. One member's NaN stays in that member's slices.

use std::sync::Arc;

use burn::module::{Module, Param};
use burn::tensor::{Device, Tensor};
use hinge_data::Layout;

mod losses;
mod penalties;

use penalties::MemberPenalties;
pub use penalties::Penalty;

use crate::loss_groups::{LossGroup, loss_groups};
use crate::stacked::StackedDense;
use crate::train_step::{Observer, StepObserver};
use crate::{Computation, LossKind, Mlp, ValidMlpConfig};

/// Where a point's coordinates and a layer's units lie when a population is measured on many
/// points: members first ([`Population::forward`]).
const ROWS_UNITS: usize = Layout::MembersFirst.unit_axis();
/// The most weights a member's layer may have for [`Population::inference_layout`] to lay
/// points out members last.
const SMALL_LAYER: usize = 8;

/// The tutorial's network, N times: `features -> Dense(activation)* -> Dense(output)` with a
/// member axis on every weight, each member with its own loss.
#[derive(Module, Debug)]
pub struct Population {
    pub(crate) hidden: Vec<StackedDense>,
    pub(crate) output: StackedDense,
    /// Which loss each member trains with; not a parameter, so not saved with the weights.
    #[module(skip)]
    groups: Vec<LossGroup>,
    /// Where the members sit in the parameters and in every training step's tensors.
    #[module(skip)]
    layout: Layout,
    /// Inputs and activations, shared by every member; its penalty is unused, as each member
    /// has its own in `penalties`.
    #[module(skip)]
    design: Computation,
    /// Each member's weight penalty.
    #[module(skip)]
    penalties: MemberPenalties,
    /// Looks at the population as it trains; see [`StepObserver`].
    #[module(skip)]
    pub(crate) watch: Option<Observer>,
}

impl ValidMlpConfig {
    /// One member per `(loss, seed)`, member i starting from exactly the weights
    /// [`ValidMlpConfig::init`] draws for its seed, in the default [`Layout`] (members last).
    pub fn init_population(&self, members: &[(LossKind, u64)], device: &Device) -> Population {
        self.init_population_in(Layout::default(), members, device)
    }

    /// [`ValidMlpConfig::init_population`] in `layout`.
    pub fn init_population_in(
        &self,
        layout: Layout,
        members: &[(LossKind, u64)],
        device: &Device,
    ) -> Population {
        let widths = self.widths();
        let drawn: Vec<Vec<Vec<f32>>> = members.iter().map(|&(_, seed)| self.draw(seed)).collect();
        let mut layers: Vec<StackedDense> = widths
            .windows(2)
            .enumerate()
            .map(|(layer, pair)| {
                let weights: Vec<Vec<f32>> =
                    drawn.iter().map(|member| member[layer].clone()).collect();
                StackedDense::from_weights(&weights, [pair[0], pair[1]], layout, device)
            })
            .collect();
        let output = layers.pop().expect("there is always an output layer");
        let losses: Vec<LossKind> = members.iter().map(|&(loss, _)| loss).collect();
        Population {
            hidden: layers,
            output,
            groups: loss_groups(&losses),
            layout,
            design: self.config().design(),
            penalties: MemberPenalties(vec![self.penalty(); members.len()]),
            watch: None,
        }
    }
}

impl Population {
    /// A population of trained solo networks of one shape, e.g. to measure saved runs together.
    pub fn stack(networks: &[Mlp]) -> Population {
        let layout = Layout::default();
        let layer = |pick: &dyn Fn(&Mlp) -> &burn::nn::Linear| {
            StackedDense::stack(
                networks
                    .iter()
                    .map(|net| {
                        let linear = pick(net);
                        let [_, fan_out] = linear.weight.dims();
                        let bias = match &linear.bias {
                            Some(bias) => bias.val(),
                            None => Tensor::zeros([fan_out], &linear.weight.device()),
                        };
                        (linear.weight.val(), bias)
                    })
                    .collect(),
                layout,
            )
        };
        let depth = networks.first().map_or(0, |net| net.hidden.len());
        let losses: Vec<LossKind> = networks.iter().map(|net| net.loss).collect();
        Population {
            hidden: (0..depth)
                .map(|index| layer(&|net: &Mlp| &net.hidden[index]))
                .collect(),
            output: layer(&|net: &Mlp| &net.output),
            groups: loss_groups(&losses),
            layout,
            design: networks
                .first()
                .map_or_else(Computation::default, |net| net.design.clone()),
            penalties: MemberPenalties(
                networks
                    .iter()
                    .map(|net| Penalty {
                        l1: net.design.l1,
                        l2: net.design.l2,
                    })
                    .collect(),
            ),
            watch: None,
        }
    }

    /// The same population, shown to `watch` as it trains.
    pub fn watched_by(self, watch: Arc<dyn StepObserver>) -> Self {
        Self {
            watch: Some(Observer(watch)),
            ..self
        }
    }

    /// The same population with member i penalised by `penalties[i]`, e.g. a grid over L2
    /// in one step.
    ///
    /// # Panics
    /// When there is not one penalty per member.
    pub fn with_penalties(self, penalties: Vec<Penalty>) -> Self {
        assert_eq!(penalties.len(), self.len(), "one penalty per member");
        Self {
            penalties: MemberPenalties(penalties),
            ..self
        }
    }

    /// Each member's weight penalty, in member order.
    pub fn penalties(&self) -> &[Penalty] {
        &self.penalties.0
    }

    /// The members' inputs and activations (each member's penalty is in
    /// [`Population::penalties`]).
    pub fn design(&self) -> &Computation {
        &self.design
    }

    pub fn layout(&self) -> Layout {
        self.layout
    }

    pub fn len(&self) -> usize {
        self.output.members(self.layout)
    }

    /// Features a point has: the width of the points [`Population::forward`] takes.
    pub fn point_width(&self) -> usize {
        let first = self.hidden.first().unwrap_or(&self.output);
        self.design.point_width(first.fan_in(self.layout))
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Outputs per member.
    pub fn outputs(&self) -> usize {
        self.output.fan_out(self.layout)
    }

    /// The loss of each member, in member order.
    pub fn losses(&self) -> Vec<LossKind> {
        self.groups
            .iter()
            .flat_map(|group| group.members.clone().map(move |_| group.loss))
            .collect()
    }

    /// Member `index` as a solo network, for saving, plotting and predicting.
    pub fn member(&self, index: usize) -> Mlp {
        let linear = |layer: &StackedDense| {
            let (weight, bias) = layer.member(index, self.layout);
            burn::nn::Linear {
                weight: Param::from_tensor(weight),
                bias: Some(Param::from_tensor(bias)),
            }
        };
        let Penalty { l1, l2 } = self.penalties.0[index];
        Mlp {
            hidden: self.hidden.iter().map(linear).collect(),
            output: linear(&self.output),
            loss: self.losses()[index],
            design: Computation {
                l1,
                l2,
                ..self.design.clone()
            },
        }
    }

    /// Raw outputs, in (-1, 1) under a tanh output, each member on its own points, members
    /// first: for measuring a population on many points (grids, test sets). Training steps
    /// go through [`Population::forward_members`].
    ///
    /// # Shapes
    /// - points: `[members, points, point width]`
    /// - output: `[members, points, outputs]`
    pub fn forward(&self, points: Tensor<3>) -> Tensor<3> {
        self.design.output.apply(self.output_sums(points))
    }

    /// The output layer's sums before its activation, members first: the same sign as
    /// [`Population::forward`]'s outputs everywhere (tanh is odd and keeps the sign of every
    /// f32, zero and NaN included), so the class each point gets, without the activation:
    /// over many points burn-flex's `tanh` is the costliest kernel of the pass
    /// (`docs/flex-report.md`).
    ///
    /// # Shapes
    /// - points: `[members, points, point width]`
    /// - output: `[members, points, outputs]`
    pub fn output_sums(&self, points: Tensor<3>) -> Tensor<3> {
        self.design.output_sums(
            points,
            ROWS_UNITS,
            &self.hidden,
            &self.output,
            |layer, x| layer.forward_rows(x, self.layout),
        )
    }

    /// The layout in which a population measures many points fastest, with the most values a
    /// point holds there between a layer's multiply and its sum (1 members first).
    ///
    /// Members last, burn-flex multiplies and sums a small layer 2 to 2.6 times faster than one
    /// batched matmul per member (the tutorial's network, 263 members on 960 points each); at
    /// 16 weights a member the two are even, and at 64 the matmul is 16 times faster. A
    /// population stored members first is measured members first.
    pub fn inference_layout(&self) -> (Layout, usize) {
        let widest = self
            .hidden
            .iter()
            .chain(std::iter::once(&self.output))
            .map(|layer| layer.weights_per_member(self.layout))
            .max()
            .unwrap_or(1);
        if self.layout == Layout::MembersLast && widest <= SMALL_LAYER {
            (Layout::MembersLast, widest)
        } else {
            (Layout::MembersFirst, 1)
        }
    }

    /// [`Population::output_sums`] with points and sums in `layout` (see
    /// [`Population::inference_layout`]).
    ///
    /// # Shapes
    /// - points: `[members, points, point width]` or `[2, points, members]`
    /// - output: `[members, points, outputs]` or `[outputs, points, members]`
    pub fn output_sums_in(&self, points: Tensor<3>, layout: Layout) -> Tensor<3> {
        if layout == self.layout {
            return self.output_sums_in_layout(points);
        }
        assert_eq!(
            layout,
            Layout::MembersFirst,
            "a population stored members first is measured members first"
        );
        self.output_sums(points)
    }

    /// [`Population::forward`] with points and outputs in `layout`.
    pub fn forward_in(&self, points: Tensor<3>, layout: Layout) -> Tensor<3> {
        self.design
            .output
            .apply(self.output_sums_in(points, layout))
    }

    /// The output of every hidden layer (after its activation), input side first, e.g. to
    /// find dead units.
    ///
    /// # Shapes
    /// - points: `[members, points, point width]`
    /// - each output: `[members, points, width]`
    pub fn hidden_activations(&self, points: Tensor<3>) -> Vec<Tensor<3>> {
        let mut outputs = Vec::with_capacity(self.hidden.len());
        self.design.hidden_forward(
            points,
            ROWS_UNITS,
            &self.hidden,
            |layer, x| layer.forward_rows(x, self.layout),
            |activated| outputs.push(activated.clone()),
        );
        outputs
    }

    /// The training step's forward pass: raw outputs, in the population's [`Layout`].
    ///
    /// # Shapes
    /// - points: `[members, points, point width]` or `[2, points, members]`
    /// - output: `[members, points, outputs]` or `[outputs, points, members]`
    pub fn forward_in_layout(&self, points: Tensor<3>) -> Tensor<3> {
        self.design.output.apply(self.output_sums_in_layout(points))
    }

    /// [`Population::forward_in_layout`] before the output activation: the pass a training
    /// step takes, and the one [`Population::output_sums_in`] measures in.
    fn output_sums_in_layout(&self, points: Tensor<3>) -> Tensor<3> {
        let layout = self.layout;
        self.design.output_sums(
            points,
            layout.unit_axis(),
            &self.hidden,
            &self.output,
            |layer, x| layer.forward(x, layout),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MlpConfig;
    use burn::tensor::TensorData;
    use hinge_data::PopulationBatch;

    fn values<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
        tensor.into_data().try_to_vec::<f32>().unwrap()
    }

    #[test]
    fn members_start_as_their_solo_runs_and_compute_the_same() {
        let device = Device::flex();
        let config = MlpConfig::new().check().unwrap();
        let members = [
            (LossKind::Hinge, 3),
            (LossKind::Hinge, 8),
            (LossKind::Logistic, 3),
        ];
        let population = config.init_population(&members, &device);
        assert_eq!(population.len(), 3);
        assert_eq!(
            population.losses(),
            vec![LossKind::Hinge, LossKind::Hinge, LossKind::Logistic]
        );
        let points: Vec<f32> = (0..40).map(|i| (i as f32 / 13.0).sin()).collect();
        let solo_input = Tensor::<2>::from_data(TensorData::new(points.clone(), [20, 2]), &device);
        let stacked: Vec<f32> = (0..3).flat_map(|_| points.clone()).collect();
        let input = Tensor::<3>::from_data(TensorData::new(stacked, [3, 20, 2]), &device);
        let outputs = values(population.forward(input));
        for (index, &(loss, seed)) in members.iter().enumerate() {
            let solo = config.init(loss, seed, &device);
            let expected = values(solo.forward(solo_input.clone()));
            let got = &outputs[index * 20..(index + 1) * 20];
            for (a, b) in got.iter().zip(&expected) {
                assert!((a - b).abs() < 1e-6, "member {index}: {a} vs {b}");
            }
            // And back out as a solo network with the same weights.
            let member = population.member(index);
            assert_eq!(member.loss, loss);
            assert_eq!(
                values(member.hidden[0].weight.val()),
                values(solo.hidden[0].weight.val())
            );
        }
        // Stacking the solo networks gives the same population.
        let solos: Vec<Mlp> = members
            .iter()
            .map(|&(loss, seed)| config.init(loss, seed, &device))
            .collect();
        let restacked = Population::stack(&solos);
        assert_eq!(
            values(restacked.output.weight.val()),
            values(population.output.weight.val())
        );
        assert_eq!(restacked.losses(), population.losses());
    }

    #[test]
    fn both_layouts_hold_the_same_members_and_compute_the_same() {
        let device = Device::flex();
        let config = MlpConfig::new().with_l2(0.01).check().unwrap();
        let members = [
            (LossKind::Hinge, 3),
            (LossKind::SquaredHinge, 8),
            (LossKind::Hinge, 5),
        ];
        let first = config.init_population_in(Layout::MembersFirst, &members, &device);
        let last = config.init_population_in(Layout::MembersLast, &members, &device);
        assert_eq!((first.len(), last.len()), (3, 3));
        for index in 0..3 {
            let (a, b) = (first.member(index), last.member(index));
            assert_eq!(a.loss, b.loss);
            for (x, y) in a.layers().zip(b.layers()) {
                assert_eq!(values(x.weight.val()), values(y.weight.val()));
            }
        }
        // Each member on its own 4 points, targets +1 and -1 alternating.
        let points: Vec<f32> = (0..24).map(|i| (i as f32 / 5.0).cos()).collect();
        let targets: Vec<f32> = (0..12)
            .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        let rows = |values: &[f32], units: usize| {
            Tensor::<3>::from_data(TensorData::new(values.to_vec(), [3, 4, units]), &device)
        };
        let batch_first = PopulationBatch {
            inputs: rows(&points, 2),
            targets: rows(&targets, 1),
            layout: Layout::MembersFirst,
        };
        let batch_last = PopulationBatch {
            inputs: rows(&points, 2).permute([2, 1, 0]),
            targets: rows(&targets, 1).permute([2, 1, 0]),
            layout: Layout::MembersLast,
        };
        let (a, b) = (
            first.forward_members(batch_first),
            last.forward_members(batch_last),
        );
        for (x, y) in values(a.loss.clone()).iter().zip(values(b.loss.clone())) {
            assert!((x - y).abs() < 1e-6, "{x} vs {y}");
        }
        assert_eq!(values(a.correct()), values(b.correct()));
        let outputs_last = values(b.output.permute([2, 1, 0]));
        for (x, y) in values(a.output).iter().zip(outputs_last) {
            assert!((x - y).abs() < 1e-6, "{x} vs {y}");
        }
    }

    #[test]
    fn a_record_of_one_layout_does_not_load_into_the_other() {
        // What a resume relies on to refuse a checkpoint of another layout on one line
        // ("does not fit the run's network") instead of failing in the first step.
        let device = Device::flex();
        let config = MlpConfig::new().check().unwrap();
        let members = [(LossKind::Hinge, 1), (LossKind::Hinge, 2)];
        let first = config.init_population_in(Layout::MembersFirst, &members, &device);
        let last = config.init_population_in(Layout::MembersLast, &members, &device);
        assert!(last.try_load_record(first.clone().into_record()).is_err());
        let same = config.init_population_in(Layout::MembersFirst, &members, &device);
        assert!(same.try_load_record(first.into_record()).is_ok());
    }

    #[test]
    fn each_member_gets_its_own_mean_loss() {
        let device = Device::flex();
        let config = MlpConfig::new().check().unwrap();
        let members = [(LossKind::Hinge, 1), (LossKind::SquaredHinge, 2)];
        let population = config.init_population(&members, &device);
        // Outputs 0.5 and -0.5 against targets +1: hinge 0.5 and 1.5, mean 1; squared 0.25 and
        // 2.25, mean 1.25.
        let output = Tensor::<3>::from_data(
            TensorData::new(vec![0.5, 0.5, -0.5, -0.5], [1, 2, 2]),
            &device,
        );
        let targets = Tensor::<3>::ones([1, 2, 2], &device);
        let losses = values(population.member_losses(output, targets, Layout::MembersLast));
        assert_eq!(losses, vec![1.0, 1.25]);
    }

    #[test]
    fn the_penalty_is_added_to_each_members_own_loss() {
        let device = Device::flex();
        let config = MlpConfig::new().with_l1(0.5).with_l2(0.25).check().unwrap();
        let members = [
            (LossKind::Hinge, 1),
            (LossKind::Hinge, 2),
            (LossKind::Hinge, 3),
        ];
        // The config's penalty for all, then one of each member's own (none for the last).
        let own = [(0.5, 0.25), (0.0, 0.1), (0.0, 0.0)];
        let shared = config.init_population(&members, &device);
        let mixed = config
            .init_population(&members, &device)
            .with_penalties(own.iter().map(|&(l1, l2)| Penalty { l1, l2 }).collect());
        let output = Tensor::<3>::zeros([1, 3, 3], &device);
        let targets = Tensor::<3>::ones([1, 3, 3], &device);
        let losses = |population: &Population| {
            values(population.member_losses(output.clone(), targets.clone(), Layout::MembersLast))
        };
        for (population, penalties) in [(&shared, [(0.5, 0.25); 3]), (&mixed, own)] {
            let losses = losses(population);
            for (index, &(loss, seed)) in members.iter().enumerate() {
                let solo = config.init(loss, seed, &device);
                let weights: Vec<f32> = solo
                    .hidden
                    .iter()
                    .chain([&solo.output])
                    .flat_map(|layer| values(layer.weight.val()))
                    .collect();
                let l1: f32 = weights.iter().map(|w| w.abs()).sum();
                let l2: f32 = weights.iter().map(|w| w * w).sum();
                // Hinge of 0 against +1 is 1; then l1 * sum|w| + l2 * sum w^2 over all weights.
                let (a, b) = penalties[index];
                let expected = 1.0 + a as f32 * l1 + b as f32 * l2;
                assert!(
                    (losses[index] - expected).abs() < 1e-5,
                    "member {index}: {} vs {expected}",
                    losses[index]
                );
                let member = population.member(index).design().clone();
                assert_eq!((member.l1, member.l2), (a, b));
            }
        }
    }
}
