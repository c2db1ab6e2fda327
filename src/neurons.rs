//! `neurons.png`: what every unit of a trained network computes, as TensorFlow Playground draws
//! its network: one small heat map per unit over the input plane, a column per layer (the
//! input features, each hidden layer, the output), joined by lines for the weights. A unit
//! dead on the training points (see [`hinge_train::unit_maps`]) is framed in red.

use std::path::Path;

use burn::tensor::Device;
use hinge_model::Mlp;
use hinge_train::{Unit, UnitLayer, unit_maps};
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

/// What `neurons.png` shows: every layer's units over one square of the input plane.
pub struct NeuronMaps {
    pub region: ((f64, f64), (f64, f64)),
    pub layers: Vec<UnitLayer>,
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
    let centres = hinge_data::cell_centres(x, y, MAP_CELLS);
    let maps = unit_maps(model, &centres, train, device)?;
    Ok(NeuronMaps {
        region: (x, y),
        layers: maps.layers,
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
