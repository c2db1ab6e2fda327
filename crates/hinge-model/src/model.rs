use burn::config::Config;
use burn::module::Module;
use burn::nn::Linear;
use burn::tensor::{Device, Tensor};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::init::{dense, draw_weights, layer_bounds};
use crate::{Activation, Computation, Feature, LossKind, ModelError, OutputActivation, Penalty};

/// The tutorial's network by default: the point's two coordinates in, ReLU hidden layers of 4
/// and 2, tanh outputs (one, or one per class), no weight penalty.
#[derive(Config, Debug, PartialEq)]
pub struct MlpConfig {
    /// Widths of the hidden Dense layers, input side first; none at all for a linear model.
    #[config(default = "vec![4, 2]")]
    pub hidden: Vec<usize>,
    /// The network's inputs, computed from each point.
    #[config(default = "Feature::COORDINATES.to_vec()")]
    pub features: Vec<Feature>,
    /// The hidden layers' activation.
    #[config(default = "Activation::Relu")]
    pub activation: Activation,
    /// The output layer's activation.
    #[config(default = "OutputActivation::Tanh")]
    pub output: OutputActivation,
    /// L1 penalty on every layer's weights, >= 0.
    #[config(default = 0.0)]
    pub l1: f64,
    /// L2 penalty on every layer's weights, >= 0.
    #[config(default = 0.0)]
    pub l2: f64,
}

/// An [`MlpConfig`] whose widths were checked, with the number of outputs the loss needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidMlpConfig {
    config: MlpConfig,
    inputs: usize,
    outputs: usize,
}

impl MlpConfig {
    /// The checked network, with the tutorial's single output.
    pub fn check(&self) -> Result<ValidMlpConfig, ModelError> {
        if let Some(index) = self.hidden.iter().position(|&width| width == 0) {
            return Err(ModelError::HiddenWidth { index });
        }
        if self.features.is_empty() {
            return Err(ModelError::NoFeatures);
        }
        if let Some((index, feature)) = self
            .features
            .iter()
            .enumerate()
            .find(|(index, f)| self.features[..*index].contains(f))
        {
            return Err(ModelError::RepeatedFeature {
                feature: feature.name(),
                index,
            });
        }
        for (name, value) in [("l1", self.l1), ("l2", self.l2)] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(ModelError::Penalty { name, value });
            }
        }
        Ok(ValidMlpConfig {
            config: self.clone(),
            inputs: Feature::COORDINATES.len(),
            outputs: 1,
        })
    }

    /// The network's non-weight choices, as the models carry them.
    pub fn design(&self) -> Computation {
        Computation {
            features: self.features.clone(),
            activation: self.activation,
            output: self.output,
            l1: self.l1,
            l2: self.l2,
        }
    }
}

impl ValidMlpConfig {
    pub fn config(&self) -> &MlpConfig {
        &self.config
    }

    /// The same network with `outputs` output units (one per class for the categorical
    /// hinge); at least 1.
    pub fn with_outputs(self, outputs: usize) -> Self {
        Self {
            outputs: outputs.max(1),
            ..self
        }
    }

    /// The same network for points of `width` features (2, the plane's x and y, unless
    /// set). Playground's computed features (x², sin x, ...) are of the plane: asked of
    /// points of another width, they are an error.
    pub fn with_inputs(self, width: usize) -> Result<Self, ModelError> {
        if width != Feature::COORDINATES.len() && self.config.features != Feature::COORDINATES {
            return Err(ModelError::FeaturesNeedThePlane {
                features: self.config.features.iter().map(|f| f.name()).collect(),
                width,
            });
        }
        Ok(Self {
            inputs: width,
            ..self
        })
    }

    pub fn outputs(&self) -> usize {
        self.outputs
    }

    /// The weight penalty its loss carries.
    pub fn penalty(&self) -> Penalty {
        Penalty {
            l1: self.config.l1,
            l2: self.config.l2,
        }
    }

    /// Features a point has: the width of the data the network reads.
    pub fn point_width(&self) -> usize {
        self.inputs
    }

    /// The width of every layer's input and of the last output: `[inputs, hidden...,
    /// outputs]`, the inputs being the point's features as they are, or the computed ones.
    pub fn widths(&self) -> Vec<usize> {
        let inputs = if self.config.features == Feature::COORDINATES {
            self.inputs
        } else {
            self.config.features.len()
        };
        let mut widths = vec![inputs];
        widths.extend(&self.config.hidden);
        widths.push(self.outputs);
        widths
    }

    /// Each layer's initial weights (input-major), drawn on the host from `seed` with Keras's
    /// initialisers; the biases start at zero.
    pub(crate) fn draw(&self, seed: u64) -> Vec<Vec<f32>> {
        let mut rng = StdRng::seed_from_u64(seed);
        let widths = self.widths();
        widths
            .windows(2)
            .zip(layer_bounds(&widths, self.config.activation))
            .map(|(pair, bound)| draw_weights(pair[0], pair[1], bound, &mut rng))
            .collect()
    }

    /// Builds the network with Keras's initialisers, drawn from `seed`: the same seed gives
    /// the same weights on every backend.
    pub fn init(&self, loss: LossKind, seed: u64, device: &Device) -> Mlp {
        let widths = self.widths();
        let mut layers: Vec<Linear> = widths
            .windows(2)
            .zip(self.draw(seed))
            .map(|(pair, weights)| dense(pair[0], pair[1], weights, device))
            .collect();
        let output = layers.pop().expect("there is always an output layer");
        Mlp {
            hidden: layers,
            output,
            loss,
            design: self.config.design(),
        }
    }

    /// Each layer as Keras's `model.summary()` lists it, inputs first.
    pub fn summary(&self) -> Vec<LayerSummary> {
        let design = self.config.design();
        let widths = self.widths();
        let inputs = LayerSummary {
            kind: LayerKind::Inputs(design.features.clone()),
            width: widths[0],
            parameters: 0,
        };
        let last = widths.len() - 2;
        let dense = widths
            .windows(2)
            .enumerate()
            .map(|(index, pair)| LayerSummary {
                kind: if index == last {
                    LayerKind::Output(design.output)
                } else {
                    LayerKind::Hidden(design.activation)
                },
                width: pair[1],
                parameters: pair[0] * pair[1] + pair[1],
            });
        std::iter::once(inputs).chain(dense).collect()
    }
}

/// One row of a model summary.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerSummary {
    pub kind: LayerKind,
    /// Units per point.
    pub width: usize,
    /// Weights and biases.
    pub parameters: usize,
}

/// What a layer of the summary is.
#[derive(Debug, Clone, PartialEq)]
pub enum LayerKind {
    /// The features computed from each point.
    Inputs(Vec<Feature>),
    Hidden(Activation),
    Output(OutputActivation),
}

/// features(point) -> Dense(activation)* -> Dense(outputs, output activation); the hidden
/// layers start He-uniform under ReLU and Glorot-uniform otherwise, the output Glorot-uniform,
/// all biases at zero, as Keras sets them.
#[derive(Module, Debug)]
pub struct Mlp {
    pub(crate) hidden: Vec<Linear>,
    pub(crate) output: Linear,
    /// The loss its training step minimises; not a parameter, so not saved with the weights.
    #[module(skip)]
    pub(crate) loss: LossKind,
    /// Inputs, activations and penalty, from the config: not saved with the weights either.
    #[module(skip)]
    pub(crate) design: Computation,
}

impl Mlp {
    /// The hidden layers, input side first.
    pub fn hidden_layers(&self) -> &[Linear] {
        &self.hidden
    }

    pub fn output_layer(&self) -> &Linear {
        &self.output
    }

    /// Every Dense layer, input side first, the output last.
    pub fn layers(&self) -> impl Iterator<Item = &Linear> {
        self.hidden.iter().chain([&self.output])
    }

    /// The same network with layer `index` (counted as [`Mlp::layers`] does) replaced, e.g. to
    /// set weights by hand.
    ///
    /// # Panics
    /// When there is no layer `index`, or the new layer's shape differs.
    pub fn with_layer(mut self, index: usize, layer: Linear) -> Self {
        let slot = if index == self.hidden.len() {
            &mut self.output
        } else {
            &mut self.hidden[index]
        };
        assert_eq!(
            layer.weight.dims(),
            slot.weight.dims(),
            "layer {index} keeps its shape"
        );
        *slot = layer;
        self
    }

    /// The loss it trains with.
    pub fn loss(&self) -> LossKind {
        self.loss
    }

    /// Its inputs, activations and penalty.
    pub fn design(&self) -> &Computation {
        &self.design
    }

    /// Features a point has: the width of the points [`Mlp::forward`] takes.
    pub fn point_width(&self) -> usize {
        let first = self.layers().next().expect("a network has an output layer");
        self.design.point_width(first.weight.dims()[0])
    }

    /// Raw outputs, in (-1, 1) under a tanh output. With one output the sign is the class and
    /// the size the confidence; with one per class the largest is the class.
    ///
    /// # Shapes
    /// - points: `[batch, point width]`
    /// - output: `[batch, outputs]`
    pub fn forward(&self, points: Tensor<2>) -> Tensor<2> {
        self.design
            .forward(points, 1, &self.hidden, &self.output, |layer, x| {
                layer.forward(x)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::init::{glorot_uniform_bound, he_uniform_bound};
    use burn::tensor::TensorData;

    fn values<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
        tensor.into_data().try_to_vec::<f32>().unwrap()
    }

    #[test]
    fn weights_lie_within_keras_bounds_and_biases_are_zero() {
        let device = Device::flex();
        let config = MlpConfig::new().check().unwrap();
        for seed in 0..20 {
            let model = config.init(LossKind::Hinge, seed, &device);
            let widths: Vec<[usize; 2]> = model.hidden.iter().map(|l| l.weight.dims()).collect();
            assert_eq!(widths, vec![[2, 4], [4, 2]]);
            assert_eq!(model.output.weight.dims(), [2, 1]);
            for (layer, fan_in) in model.hidden.iter().zip([2, 4]) {
                let bound = he_uniform_bound(fan_in) as f32;
                assert!(values(layer.weight.val()).iter().all(|w| w.abs() < bound));
                let bias = layer.bias.as_ref().unwrap().val();
                assert!(values(bias).iter().all(|&b| b == 0.0));
            }
            let bound = glorot_uniform_bound(2, 1) as f32;
            assert!(
                values(model.output.weight.val())
                    .iter()
                    .all(|w| w.abs() < bound)
            );
            let bias = model.output.bias.as_ref().unwrap().val();
            assert_eq!(values(bias), vec![0.0]);
        }
        assert!((he_uniform_bound(2) - 3f64.sqrt()).abs() < 1e-12);
        assert!((glorot_uniform_bound(2, 1) - 2f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn weights_fill_their_range_rather_than_a_corner_of_it() {
        // 2000 draws of U(-b, b) have a spread near b / sqrt(3) and a max near b.
        let device = Device::flex();
        let config = MlpConfig::new().with_hidden(vec![1000]).check().unwrap();
        let model = config.init(LossKind::Hinge, 5, &device);
        let weights = values(model.hidden[0].weight.val());
        let bound = he_uniform_bound(2) as f32;
        let max = weights.iter().fold(0f32, |m, w| m.max(w.abs()));
        let mean = weights.iter().sum::<f32>() / weights.len() as f32;
        assert!(
            max > 0.99 * bound && mean.abs() < 0.1,
            "max {max}, mean {mean}"
        );
    }

    #[test]
    fn same_seed_same_weights() {
        let device = Device::flex();
        let config = MlpConfig::new().check().unwrap();
        let a = config.init(LossKind::Hinge, 9, &device);
        let b = config.init(LossKind::Hinge, 9, &device);
        let c = config.init(LossKind::Hinge, 10, &device);
        assert_eq!(
            values(a.hidden[0].weight.val()),
            values(b.hidden[0].weight.val())
        );
        assert_ne!(
            values(a.hidden[0].weight.val()),
            values(c.hidden[0].weight.val())
        );
    }

    #[test]
    fn output_lies_in_the_open_interval() {
        let device = Device::flex();
        let model = MlpConfig::new()
            .check()
            .unwrap()
            .init(LossKind::Hinge, 1, &device);
        let output = |scale: f32| {
            let points: Vec<f32> = (0..200).map(|i| (i as f32 / 100.0 - 1.0) * scale).collect();
            let input = Tensor::<2>::from_data(TensorData::new(points, [100, 2]), &device);
            let output = model.forward(input);
            assert_eq!(output.dims(), [100, 1]);
            values(output)
        };
        // Over the data's range, tanh stays strictly inside (-1, 1).
        assert!(output(1.5).iter().all(|y| y.abs() < 1.0));
        // Far outside it, f32 tanh rounds to +-1 but never beyond.
        assert!(output(1e4).iter().all(|y| y.abs() <= 1.0));
    }

    #[test]
    fn the_summary_counts_keras_parameters() {
        let summary = MlpConfig::new().check().unwrap().summary();
        let counts: Vec<(usize, usize)> = summary.iter().map(|l| (l.width, l.parameters)).collect();
        assert_eq!(counts, vec![(2, 0), (4, 12), (2, 10), (1, 3)]);
        let linear = MlpConfig::new()
            .with_hidden(vec![])
            .with_features(vec![Feature::X2, Feature::Y2, Feature::Xy])
            .check()
            .unwrap()
            .summary();
        assert_eq!(linear.len(), 2);
        assert_eq!(linear[1].parameters, 4);
        assert_eq!(linear[1].kind, LayerKind::Output(OutputActivation::Tanh));
    }

    #[test]
    fn other_activations_start_glorot_uniform() {
        let device = Device::flex();
        let config = MlpConfig::new()
            .with_activation(Activation::Tanh)
            .check()
            .unwrap();
        let model = config.init(LossKind::Hinge, 3, &device);
        let bound = glorot_uniform_bound(2, 4) as f32;
        let first = values(model.hidden[0].weight.val());
        assert!(first.iter().all(|w| w.abs() < bound), "{first:?}");
        // He-uniform's bound for fan-in 2 is wider (1.73 against 1.22): some draw passes it.
        let relu = MlpConfig::new()
            .check()
            .unwrap()
            .init(LossKind::Hinge, 3, &device);
        let he = values(relu.hidden[0].weight.val());
        assert!(he.iter().any(|w| w.abs() >= bound), "{he:?}");
    }

    #[test]
    fn zero_width_is_rejected() {
        let err = MlpConfig::new()
            .with_hidden(vec![4, 0])
            .check()
            .unwrap_err();
        assert_eq!(err, ModelError::HiddenWidth { index: 1 });
    }
}
