//! Units that no longer learn: per hidden layer, how many pass no gradient at any point.

use burn::tensor::{Device, Tensor, TensorData};
use hinge_data::LabeledPoints;
use hinge_model::{Mlp, Population};
use hinge_train::TrainError;

use crate::AppError;

/// Per hidden layer, the units dead on `points` (see [`hinge_model::Activation::largest_slope`]):
/// no gradient passes through them there, so training cannot bring them back. The tutorial's
/// 4-2 ReLU stack has few units to lose, and a run that loses one of the two in its second
/// layer often cannot separate the rings.
pub fn dead_units(
    model: &Mlp,
    points: &[[f64; 2]],
    device: &Device,
) -> Result<Vec<usize>, AppError> {
    let set = LabeledPoints::from_xy(points, vec![0; points.len()]);
    let population = Population::stack(std::slice::from_ref(model));
    Ok(dead_units_all(&population, &[&set], device)?.remove(0))
}

/// [`dead_units`] of every member on its own points (all sets of one size).
pub fn dead_units_all(
    model: &Population,
    sets: &[&LabeledPoints],
    device: &Device,
) -> Result<Vec<Vec<usize>>, AppError> {
    let members = sets.len();
    let n = sets.first().map_or(0, |set| set.len());
    let flat: Vec<f32> = sets
        .iter()
        .flat_map(|set| set.features.iter().map(|&x| x as f32))
        .collect();
    let width = sets.first().map_or(2, |set| set.width);
    let input = Tensor::<3>::from_data(TensorData::new(flat, [members, n, width]), device);
    let activation = model.design().activation;
    model
        .hidden_activations(input)
        .into_iter()
        .map(|layer| {
            let [_, _, width] = layer.dims();
            let largest = activation
                .largest_slope(layer)
                .into_data()
                .try_to_vec::<f32>()
                .map_err(|err| TrainError::Read(format!("{err:?}")))?;
            Ok(largest
                .chunks(width)
                .map(|units| units.iter().filter(|&&y| y == 0.0).count())
                .collect::<Vec<usize>>())
        })
        .collect::<Result<Vec<Vec<usize>>, AppError>>()
        .map(|layers| {
            (0..members)
                .map(|m| layers.iter().map(|layer| layer[m]).collect())
                .collect()
        })
}
