//! `neurons.png`: what every unit of a trained network computes, as TensorFlow Playground draws
//! its network: one small heat map per unit over the input plane, a column per layer (the
//! input features, each hidden layer, the output), joined by lines for the weights. A unit
//! dead on the training points ([`hinge_model::Activation::largest_slope`] is 0: no gradient
//! passes through it at any of them, so it cannot come back) is framed in red.

use std::path::Path;

use burn::tensor::{Device, Tensor, TensorData};
use hinge_model::{Mlp, Population};
use hinge_train::TrainError;
use plotters::prelude::*;

use crate::AppError;
use crate::plot::{OutputGrid, class_colour, plot_error, render, wash};

/// Cells per axis of each unit's map.
const MAP_CELLS: usize = 48;
/// Pixels per map side, and the room a column and a row of maps take.
const MAP_SIDE: i32 = 96;
const COLUMN: i32 = 190;
const ROW: i32 = 124;
const TOP: i32 = 70;

/// One unit: its output at every cell of the map, and whether it is dead.
pub struct Unit {
    /// Row-major, rows from the bottom.
    pub values: Vec<f32>,
    pub dead: bool,
    /// What it is, where the column's name does not say: the feature of an input.
    pub label: String,
}

/// A column of the figure.
pub struct Layer {
    pub name: String,
    pub units: Vec<Unit>,
    /// The weights into this layer, `[inputs][units]`; empty for the features.
    pub weights: Vec<Vec<f32>>,
}

/// What `neurons.png` shows: every layer's units over one square of the input plane.
pub struct NeuronMaps {
    pub region: ((f64, f64), (f64, f64)),
    pub layers: Vec<Layer>,
}

impl NeuronMaps {
    /// How many hidden units are dead, per hidden layer.
    pub fn dead_per_layer(&self) -> Vec<usize> {
        let hidden = self.layers.len().saturating_sub(2);
        self.layers[1..1 + hidden]
            .iter()
            .map(|layer| layer.units.iter().filter(|u| u.dead).count())
            .collect()
    }
}

/// Every unit of `model` over the square covering `points` (as the decision boundary plot
/// covers them), with units dead on `train` marked.
pub fn neuron_maps(
    model: &Mlp,
    points: &[[f64; 2]],
    train: &[[f64; 2]],
    device: &Device,
) -> Result<NeuronMaps, AppError> {
    let (x, y) = OutputGrid::covering(points);
    let centres = OutputGrid::cell_centres(x, y, MAP_CELLS);
    let population = Population::stack(std::slice::from_ref(model));
    let tensor = |points: Vec<[f32; 2]>| {
        let n = points.len();
        let flat: Vec<f32> = points.into_iter().flatten().collect();
        Tensor::<3>::from_data(TensorData::new(flat, [1, n, 2]), device)
    };
    let read = |t: Tensor<3>| {
        t.into_data()
            .try_to_vec::<f32>()
            .map_err(|err| TrainError::Read(format!("{err:?}")))
    };
    let on_grid = population.hidden_activations(tensor(centres.clone()));
    let train32: Vec<[f32; 2]> = train.iter().map(|p| [p[0] as f32, p[1] as f32]).collect();
    let on_train = population.hidden_activations(tensor(train32));
    let output = read(population.forward(tensor(centres.clone())))?;

    let design = model.design();
    let features = Layer {
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
    };
    let mut layers = vec![features];
    let linears = model.layers();
    let mut activations = on_grid
        .into_iter()
        .zip(on_train)
        .map(Some)
        .collect::<Vec<_>>();
    activations.push(None);
    for (index, (linear, activation)) in linears.zip(activations).enumerate() {
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
        layers.push(Layer {
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
    Ok(NeuronMaps {
        region: (x, y),
        layers,
    })
}

/// Draws the maps into `path`: `title` above, then a column per layer.
pub fn neurons_plot(path: &Path, title: &str, maps: &NeuronMaps) -> Result<(), AppError> {
    let columns = maps.layers.len() as i32;
    let rows = maps.layers.iter().map(|l| l.units.len()).max().unwrap_or(1) as i32;
    let size = (
        (columns * COLUMN).max(420) as u32,
        (TOP + rows * ROW + 10) as u32,
    );
    // Each unit's top-left corner, column by column.
    let corner = |layer: usize, unit: usize| {
        let count = maps.layers[layer].units.len() as i32;
        let left = layer as i32 * COLUMN + (COLUMN - MAP_SIDE) / 2;
        let top = TOP + (rows - count) * ROW / 2 + unit as i32 * ROW + 18;
        (left, top)
    };
    render(path, size, |root| {
        root.draw(&Text::new(
            title.to_string(),
            (12, 10),
            ("sans-serif", 20).into_font(),
        ))
        .map_err(plot_error)?;
        // The weights first, so the maps cover the line ends.
        for (index, layer) in maps.layers.iter().enumerate().skip(1) {
            let largest = layer
                .weights
                .iter()
                .flatten()
                .fold(0f32, |m, w| m.max(w.abs()))
                .max(f32::MIN_POSITIVE);
            for (from, row) in layer.weights.iter().enumerate() {
                for (to, &weight) in row.iter().enumerate() {
                    let (x0, y0) = corner(index - 1, from);
                    let (x1, y1) = corner(index, to);
                    let colour = class_colour(usize::from(weight > 0.0));
                    let width = 1 + (4.0 * weight.abs() / largest).round() as u32;
                    root.draw(&PathElement::new(
                        vec![(x0 + MAP_SIDE, y0 + MAP_SIDE / 2), (x1, y1 + MAP_SIDE / 2)],
                        colour.mix(0.7).stroke_width(width),
                    ))
                    .map_err(plot_error)?;
                }
            }
        }
        for (index, layer) in maps.layers.iter().enumerate() {
            let (left, _) = corner(index, 0);
            root.draw(&Text::new(
                layer.name.clone(),
                (left - 30, TOP - 22),
                ("sans-serif", 15).into_font(),
            ))
            .map_err(plot_error)?;
            for (unit_index, unit) in layer.units.iter().enumerate() {
                let (x, y) = corner(index, unit_index);
                draw_map(root, (x, y), unit)?;
                let label = if unit.dead {
                    "dead".to_string()
                } else {
                    unit.label.clone()
                };
                let style = if unit.dead {
                    ("sans-serif", 14).into_font().color(&RED)
                } else {
                    ("sans-serif", 13).into_font().color(&BLACK)
                };
                root.draw(&Text::new(label, (x, y - 16), style))
                    .map_err(plot_error)?;
            }
        }
        Ok(())
    })
}

/// One unit's map: blue below 0, orange above, white at 0, each unit scaled to its own
/// largest value; a dead unit is framed in red.
fn draw_map(
    root: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
    (left, top): (i32, i32),
    unit: &Unit,
) -> Result<(), AppError> {
    let largest = unit
        .values
        .iter()
        .fold(0f32, |m, v| m.max(v.abs()))
        .max(f32::MIN_POSITIVE);
    let cell = MAP_SIDE as f64 / MAP_CELLS as f64;
    for py in 0..MAP_SIDE {
        let row = MAP_CELLS - 1 - ((py as f64 / cell) as usize).min(MAP_CELLS - 1);
        for px in 0..MAP_SIDE {
            let col = ((px as f64 / cell) as usize).min(MAP_CELLS - 1);
            let value = unit.values[row * MAP_CELLS + col] / largest;
            let base = class_colour(usize::from(value > 0.0));
            let colour = wash(base, value.abs().clamp(0.0, 1.0) as f64 * 0.85);
            root.draw_pixel((left + px, top + py), &colour)
                .map_err(plot_error)?;
        }
    }
    let frame = if unit.dead {
        RED.stroke_width(3)
    } else {
        BLACK.stroke_width(1)
    };
    root.draw(&Rectangle::new(
        [(left, top), (left + MAP_SIDE, top + MAP_SIDE)],
        frame,
    ))
    .map_err(plot_error)
}
