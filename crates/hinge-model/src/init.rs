//! Keras's initialisers, drawn on the host from a seeded generator.
//!
//! burn's own initialisers draw lazily from a per-backend device generator, so the same seed
//! gives different weights on flex, ndarray and wgpu, and the order of first use matters.
//! Drawing here makes a seed mean the same network on every backend.

use burn::module::Param;
use burn::nn::Linear;
use burn::tensor::{Device, Tensor, TensorData};
use rand::RngExt;
use rand::rngs::StdRng;

use crate::Activation;

/// `he_uniform`: U(-b, b) with b = sqrt(6 / fan_in), suited to ReLU layers.
pub fn he_uniform_bound(fan_in: usize) -> f64 {
    (6.0 / fan_in as f64).sqrt()
}

/// `glorot_uniform`: U(-b, b) with b = sqrt(6 / (fan_in + fan_out)), Keras's default.
pub fn glorot_uniform_bound(fan_in: usize, fan_out: usize) -> f64 {
    (6.0 / (fan_in + fan_out) as f64).sqrt()
}

/// One Dense layer's initial weights as Keras draws them: `fan_in x fan_out` values of
/// U(-bound, bound), row-major (input-major), taken from `rng` in that order. The solo network
/// and every member of a population draw through here, so a seed means the same weights in both.
pub(crate) fn draw_weights(
    fan_in: usize,
    fan_out: usize,
    bound: f64,
    rng: &mut StdRng,
) -> Vec<f32> {
    let bound = bound as f32;
    (0..fan_in * fan_out)
        .map(|_| rng.random_range(-bound..bound))
        .collect()
}

/// The bound of each layer's initialiser, input side first: He-uniform for ReLU hidden layers,
/// as the tutorial sets them, and Glorot-uniform (Keras's default) for the output and for
/// hidden layers of any other activation.
pub(crate) fn layer_bounds(widths: &[usize], activation: Activation) -> Vec<f64> {
    let last = widths.len() - 2;
    widths
        .windows(2)
        .enumerate()
        .map(|(layer, pair)| {
            if layer == last || activation != Activation::Relu {
                glorot_uniform_bound(pair[0], pair[1])
            } else {
                he_uniform_bound(pair[0])
            }
        })
        .collect()
}

/// A Dense layer as Keras builds it: `weights` from [`draw_weights`] and zero biases (burn's
/// `LinearConfig` would draw the biases from the weight initialiser).
pub(crate) fn dense(fan_in: usize, fan_out: usize, weights: Vec<f32>, device: &Device) -> Linear {
    let weight = Tensor::<2>::from_data(TensorData::new(weights, [fan_in, fan_out]), device);
    let bias = Tensor::<1>::zeros([fan_out], device);
    Linear {
        weight: Param::from_tensor(weight),
        bias: Some(Param::from_tensor(bias)),
    }
}
