//! What a network is besides its weights, as TensorFlow Playground lets one choose it: the
//! inputs it sees, the hidden layers' activation, its output, and the weight penalty its loss
//! carries. The tutorial's network is the default of each.

use burn::tensor::Tensor;
use burn::tensor::activation::{relu, sigmoid};

use hinge_data::named_enum;

named_enum! {
    /// The hidden layers' activation: `relu`, max(0, z), the tutorial's (a unit that is 0 on
    /// every point learns nothing more); `tanh`; `sigmoid`; or `linear`, z itself (the network
    /// stays linear in its inputs, whatever its depth).
    pub enum Activation("activation") { Relu = "relu", Tanh = "tanh", Sigmoid = "sigmoid", Linear = "linear" }
}

named_enum! {
    /// What the output layer applies to its sum: `tanh`, the tutorial's (outputs in (-1, 1), so
    /// the hinge's margin of 1 is never reached exactly), or `linear`, the raw sum (with no
    /// hidden layer and an L2 penalty, hinge loss then trains the soft-margin linear SVM).
    pub enum OutputActivation("output") { Tanh = "tanh", Linear = "linear" }
}

named_enum! {
    /// One input of the network, computed from a point (x, y): Playground's feature list, x,
    /// y, x², y², xy, sin x and sin y.
    pub enum Feature("feature") { X = "x", Y = "y", X2 = "x2", Y2 = "y2", Xy = "xy", SinX = "sinx", SinY = "siny" }
}

impl Activation {
    pub fn apply<const D: usize>(self, z: Tensor<D>) -> Tensor<D> {
        match self {
            Activation::Relu => relu(z),
            Activation::Tanh => tanh(z),
            Activation::Sigmoid => sigmoid(z),
            Activation::Linear => z,
        }
    }

    /// Each unit's largest slope over a set of points, from the layer's outputs `[members,
    /// points, width]` after this activation; `[members, width]`, never negative.
    ///
    /// A unit whose largest slope is 0 is dead: at none of the points does a gradient pass
    /// through it, so training on them cannot move it, and what it passes on is a constant.
    /// One rule for every activation: ReLU's slope is 0 where its output is 0 (the value
    /// stands in for the slope: both are 0 at the same points); tanh's, 1 - a², is 0 where
    /// f32 rounds its output to ±1; sigmoid's, a(1 - a), where it rounds to 0 or 1; a linear
    /// unit always passes its gradient and is never dead.
    pub fn largest_slope(self, outputs: Tensor<3>) -> Tensor<2> {
        let [members, _, width] = outputs.dims();
        let slope = match self {
            Activation::Relu => outputs,
            Activation::Tanh => outputs.clone().mul(outputs).neg().add_scalar(1.0),
            Activation::Sigmoid => outputs.clone().mul(outputs.neg().add_scalar(1.0)),
            Activation::Linear => outputs.ones_like(),
        };
        slope.max_dim(1).reshape([members, width])
    }
}

impl OutputActivation {
    pub fn apply<const D: usize>(self, z: Tensor<D>) -> Tensor<D> {
        match self {
            OutputActivation::Tanh => tanh(z),
            OutputActivation::Linear => z,
        }
    }
}

/// From this many values a training step's tanh computes each value once ([`tanh`]); below
/// it, the three extra operations cost a lone network more than computing tanh twice.
pub(crate) const TANH_ONCE_FROM: usize = 256;

/// tanh, computed once per value in training too.
///
/// burn's autodiff computes a tanh's values again in the backward pass, for its slope
/// 1 - tanh²; on flex that second pass was a seventh of a population's whole run (its libm
/// tanhf, tens of nanoseconds a value). Here the values and the slope are computed outside the
/// graph, from one tanh, and the graph records `z' * slope + tanh(z)`, where `z'` is z minus
/// a constant copy of itself: zero, with z's gradient. The output is tanh(z) and z's gradient
/// is `grad * slope`, each exactly what burn's tanh gives (a test compares the bits; an input
/// of -0 gives +0 where burn gives -0, a difference no loss or class rule sees). Infinite
/// inputs are masked out of `z'`, whose difference would be NaN, and get burn's zero slope.
pub(crate) fn tanh<const D: usize>(z: Tensor<D>) -> Tensor<D> {
    if !z.is_tracked() || z.shape().num_elements() < TANH_ONCE_FROM {
        return z.tanh();
    }
    let plain = z.clone().without_autodiff();
    let values = plain.clone().tanh();
    // burn's backward: (-(tanh²)) + 1, with the same kernels.
    let slope = values.clone().powi_scalar(2).neg().add_scalar(1.0);
    let infinite = plain.clone().is_inf();
    let constant = plain.mask_fill(infinite.clone(), 0.0);
    z.mask_fill(infinite, 0.0)
        .sub(constant)
        .mul(slope)
        .add(values)
}

impl Feature {
    /// The tutorial's inputs: the point's coordinates.
    pub const COORDINATES: [Feature; 2] = [Feature::X, Feature::Y];

    /// This feature of points `[..., 2]`, as `[..., 1]`.
    fn of<const D: usize>(self, x: &Tensor<D>, y: &Tensor<D>) -> Tensor<D> {
        match self {
            Feature::X => x.clone(),
            Feature::Y => y.clone(),
            Feature::X2 => x.clone().square(),
            Feature::Y2 => y.clone().square(),
            Feature::Xy => x.clone().mul(y.clone()),
            Feature::SinX => x.clone().sin(),
            Feature::SinY => y.clone().sin(),
        }
    }

    /// The same feature of one point, on the host.
    pub fn value(self, [x, y]: [f64; 2]) -> f64 {
        match self {
            Feature::X => x,
            Feature::Y => y,
            Feature::X2 => x * x,
            Feature::Y2 => y * y,
            Feature::Xy => x * y,
            Feature::SinX => x.sin(),
            Feature::SinY => y.sin(),
        }
    }
}

/// Everything about a network that is not a weight; carried by [`crate::Mlp`] and
/// [`crate::Population`] beside their parameters and set from the run's config.
#[derive(Debug, Clone, PartialEq)]
pub struct Computation {
    pub features: Vec<Feature>,
    pub activation: Activation,
    pub output: OutputActivation,
    /// Keras's `kernel_regularizer`s: l1 * sum |w| + l2 * sum w^2 over every layer's weights
    /// (not its biases), added to the loss.
    pub l1: f64,
    pub l2: f64,
}

impl Default for Computation {
    /// The tutorial's network's, as [`crate::MlpConfig::new`] sets them.
    fn default() -> Self {
        crate::MlpConfig::new().design()
    }
}

impl Computation {
    /// The network's inputs for points whose coordinates lie along `axis` (2 there): the same
    /// tensor with `features` along it. The tutorial's inputs are the points themselves,
    /// passed on as they are.
    pub fn inputs<const D: usize>(&self, points: Tensor<D>, axis: usize) -> Tensor<D> {
        if self.features == Feature::COORDINATES {
            return points;
        }
        let x = points.clone().narrow(axis, 0, 1);
        let y = points.narrow(axis, 1, 1);
        let columns: Vec<Tensor<D>> = self.features.iter().map(|f| f.of(&x, &y)).collect();
        Tensor::cat(columns, axis)
    }

    /// Features a point has, for a first layer of `fan_in` inputs: the point's own when the
    /// inputs are its features as they are, else the plane's 2 that the features are
    /// computed from.
    pub fn point_width(&self, fan_in: usize) -> usize {
        if self.features == Feature::COORDINATES {
            fan_in
        } else {
            Feature::COORDINATES.len()
        }
    }

    /// The network's one forward pass, for a lone network (points `[batch, 2]`, burn's
    /// `Linear`) and a population (stacked layers, in its [`crate::Layout`]) alike: `dense`
    /// applies one layer, and `axis` is where the coordinates and each layer's units lie.
    pub(crate) fn forward<const D: usize, L>(
        &self,
        points: Tensor<D>,
        axis: usize,
        hidden: &[L],
        output: &L,
        dense: impl Fn(&L, Tensor<D>) -> Tensor<D>,
    ) -> Tensor<D> {
        self.output
            .apply(self.output_sums(points, axis, hidden, output, dense))
    }

    /// [`Computation::forward`] without the output's activation: the output layer's sums.
    pub(crate) fn output_sums<const D: usize, L>(
        &self,
        points: Tensor<D>,
        axis: usize,
        hidden: &[L],
        output: &L,
        dense: impl Fn(&L, Tensor<D>) -> Tensor<D>,
    ) -> Tensor<D> {
        let last_hidden = self.hidden_forward(points, axis, hidden, &dense, |_| {});
        dense(output, last_hidden)
    }

    /// The forward pass through the hidden layers, showing `each` every layer's output after
    /// its activation; the last one's is returned.
    pub(crate) fn hidden_forward<const D: usize, L>(
        &self,
        points: Tensor<D>,
        axis: usize,
        hidden: &[L],
        dense: impl Fn(&L, Tensor<D>) -> Tensor<D>,
        mut each: impl FnMut(&Tensor<D>),
    ) -> Tensor<D> {
        hidden.iter().fold(self.inputs(points, axis), |x, layer| {
            let activated = self.activation.apply(dense(layer, x));
            each(&activated);
            activated
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::{Device, TensorData};

    #[test]
    fn a_unit_is_dead_where_no_gradient_passes_whatever_its_activation() {
        let device = Device::flex();
        // Three units over three points: silent (z = -5), saturated (z = 30), and live.
        let z = Tensor::<3>::from_data(
            TensorData::new(
                vec![-5.0f32, 30.0, -1.0, -6.0, 40.0, 0.5, -7.0, 50.0, 2.0],
                [1, 3, 3],
            ),
            &device,
        );
        let dead = |activation: Activation| -> Vec<bool> {
            let outputs = activation.apply(z.clone());
            let largest = activation.largest_slope(outputs).into_data();
            largest
                .try_to_vec::<f32>()
                .unwrap()
                .into_iter()
                .map(|slope| slope == 0.0)
                .collect()
        };
        // ReLU: 0 on every point is dead; a saturated ReLU is not (its slope is 1).
        assert_eq!(dead(Activation::Relu), [true, false, false]);
        // tanh and sigmoid: the unit f32 rounds to ±1 (or 0 and 1) everywhere is dead.
        assert_eq!(dead(Activation::Tanh), [false, true, false]);
        assert_eq!(dead(Activation::Sigmoid), [false, true, false]);
        assert_eq!(dead(Activation::Linear), [false, false, false]);
    }

    /// burn's tanh and ours, forward and backward, on 1,024 values: ordinary ones, the
    /// saturated, the tiny, infinities and NaN.
    #[test]
    fn tanh_computed_once_gives_burns_values_and_gradients() {
        let device = Device::flex().autodiff();
        let mut values: Vec<f32> = (0..1000).map(|i| (i as f32 - 500.0) * 0.023).collect();
        values.extend([
            0.0,
            9.01,
            -9.5,
            20.0,
            1e-30,
            -1e-39,
            f32::MAX,
            f32::MIN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
        ]);
        values.resize(1024, 0.37);
        let n = values.len();
        let upstream: Vec<f32> = (0..n).map(|i| ((i * 37) % 11) as f32 - 5.5).collect();
        let run = |ours: bool| {
            let z = Tensor::<2>::from_data(TensorData::new(values.clone(), [4, n / 4]), &device)
                .require_grad();
            assert!(z.is_tracked());
            let out = if ours {
                tanh(z.clone())
            } else {
                z.clone().tanh()
            };
            let weights =
                Tensor::<2>::from_data(TensorData::new(upstream.clone(), [4, n / 4]), &device);
            let grads = out.clone().mul(weights).sum().backward();
            let grad = z
                .grad(&grads)
                .unwrap()
                .into_data()
                .try_to_vec::<f32>()
                .unwrap();
            let out = out.into_data().try_to_vec::<f32>().unwrap();
            (out, grad)
        };
        let (ours, burns) = (run(true), run(false));
        let same = |a: f32, b: f32| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
        for (i, z) in values.iter().enumerate() {
            let (value, burns_value) = (ours.0[i], burns.0[i]);
            assert!(
                same(value, burns_value),
                "tanh({z}): {value} vs {burns_value}"
            );
            let (slope, burns_slope) = (ours.1[i], burns.1[i]);
            assert!(
                same(slope, burns_slope),
                "slope at {z}: {slope} vs {burns_slope}"
            );
        }
    }

    #[test]
    fn names_round_trip_and_unknown_ones_list_the_choices() {
        for &feature in Feature::ALL {
            assert_eq!(feature.name().parse::<Feature>(), Ok(feature));
            let json = serde_json::to_string(&feature).unwrap();
            assert_eq!(serde_json::from_str::<Feature>(&json).unwrap(), feature);
        }
        let err = "softplus".parse::<Activation>().unwrap_err();
        assert_eq!(
            err,
            "unknown activation 'softplus': expected one of relu, tanh, sigmoid, linear"
        );
    }

    #[test]
    fn features_are_computed_per_point_as_on_the_host() {
        let device = Device::flex();
        let design = Computation {
            features: Feature::ALL.to_vec(),
            ..Computation::default()
        };
        let points = [[0.5, -2.0], [1.5, 0.25]];
        let flat: Vec<f32> = points.iter().flatten().map(|&v| v as f32).collect();
        let tensor = Tensor::<2>::from_data(TensorData::new(flat, [2, 2]), &device);
        let got = design
            .inputs(tensor, 1)
            .into_data()
            .try_to_vec::<f32>()
            .unwrap();
        let expected: Vec<f32> = points
            .iter()
            .flat_map(|&p| Feature::ALL.iter().map(move |f| f.value(p) as f32))
            .collect();
        for (a, b) in got.iter().zip(&expected) {
            assert!((a - b).abs() < 1e-6, "{got:?} vs {expected:?}");
        }
    }
}
