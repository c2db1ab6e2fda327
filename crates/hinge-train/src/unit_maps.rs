//! What every unit of a network computes over a grid of the input plane, as TensorFlow
//! Playground's network view shows it: the input features, each hidden unit and the output,
//! the weights between layers, and the units dead on the training points
//! ([`hinge_model::Activation::largest_slope`] is 0 at every one: no gradient passes through
//! them, so they cannot come back). `neurons.png` and the playground's network view both draw
//! from this.

use burn::tensor::{Device, Tensor, TensorData};
use hinge_model::{Computation, Mlp, Population};

use crate::error::TrainError;

/// One unit: its output at every cell of the grid, and whether it is dead.
pub struct Unit {
    /// In the grid's order (row-major, rows from the bottom).
    pub values: Vec<f32>,
    pub dead: bool,
    /// What it is, where the layer's name does not say: the feature of an input.
    pub label: String,
}

/// A layer of units: the input features, a hidden layer, or the output.
pub struct UnitLayer {
    pub name: String,
    pub units: Vec<Unit>,
    /// The weights into this layer, `[inputs][units]`; empty for the features.
    pub weights: Vec<Vec<f32>>,
}

/// Every layer's units over one grid of the input plane.
pub struct UnitMaps {
    pub layers: Vec<UnitLayer>,
}

impl UnitMaps {
    /// How many hidden units are dead, per hidden layer.
    pub fn dead_per_layer(&self) -> Vec<usize> {
        let hidden = self.layers.len().saturating_sub(2);
        self.layers[1..1 + hidden]
            .iter()
            .map(|layer| layer.units.iter().filter(|u| u.dead).count())
            .collect()
    }
}

/// `[1, n, 2]` on `device`: `points` as one member's input.
fn as_input(points: &[[f32; 2]], device: &Device) -> Tensor<3> {
    let flat: Vec<f32> = points.iter().flatten().copied().collect();
    Tensor::<3>::from_data(TensorData::new(flat, [1, points.len(), 2]), device)
}

fn read(tensor: Tensor<3>) -> Result<Vec<f32>, TrainError> {
    tensor
        .into_data()
        .try_to_vec::<f32>()
        .map_err(|err| TrainError::Read(format!("{err:?}")))
}

/// Every unit of `model` at the grid points `centres`, with units dead on `train` marked.
pub fn unit_maps(
    model: &Mlp,
    centres: &[[f32; 2]],
    train: &[[f64; 2]],
    device: &Device,
) -> Result<UnitMaps, TrainError> {
    let population = Population::stack(std::slice::from_ref(model));
    let on_grid = population.hidden_activations(as_input(centres, device));
    let train32: Vec<[f32; 2]> = train.iter().map(|p| [p[0] as f32, p[1] as f32]).collect();
    let on_train = population.hidden_activations(as_input(&train32, device));
    let output = read(population.forward(as_input(centres, device)))?;
    let design = model.design();
    let mut layers = vec![feature_layer(design, centres)];
    let mut activations: Vec<_> = on_grid.into_iter().zip(on_train).map(Some).collect();
    activations.push(None);
    for (index, (linear, activation)) in model.layers().zip(activations).enumerate() {
        let [fan_in, fan_out] = linear.weight.dims();
        let flat = read(linear.weight.val().unsqueeze_dim(0))?;
        let weights = (0..fan_in)
            .map(|i| flat[i * fan_out..(i + 1) * fan_out].to_vec())
            .collect();
        let (values, dead) = match activation {
            Some((grid, train)) => {
                let grid = read(grid)?;
                let largest = read(design.activation.largest_slope(train).unsqueeze_dim(0))?;
                (grid, largest.iter().map(|&m| m == 0.0).collect())
            }
            None => (output.clone(), vec![false; fan_out]),
        };
        let is_output = index == model.hidden_layers().len();
        layers.push(UnitLayer {
            name: if is_output {
                format!("output ({})", design.output)
            } else {
                format!("hidden {} ({})", index + 1, design.activation)
            },
            units: (0..fan_out)
                .map(|unit| Unit {
                    values: values.iter().skip(unit).step_by(fan_out).copied().collect(),
                    dead: dead[unit],
                    label: String::new(),
                })
                .collect(),
            weights,
        });
    }
    Ok(UnitMaps { layers })
}

/// The input column: each feature's value at the grid points.
fn feature_layer(design: &Computation, centres: &[[f32; 2]]) -> UnitLayer {
    UnitLayer {
        name: "inputs".to_string(),
        units: design
            .features
            .iter()
            .map(|&feature| Unit {
                values: centres
                    .iter()
                    .map(|c| feature.value([c[0] as f64, c[1] as f64]) as f32)
                    .collect(),
                dead: false,
                label: feature.name().to_string(),
            })
            .collect(),
        weights: Vec::new(),
    }
}
