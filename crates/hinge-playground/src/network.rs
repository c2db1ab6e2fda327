//! The network view of one member, as TensorFlow Playground draws it: a small map of every
//! hidden unit over the plane, the weights between units (the page draws them as lines by sign
//! and size), and the units that are dead on the member's training points.

use burn::tensor::{Device, Tensor, TensorData};
use hinge_lab::hinge_model::{Mlp, Population};
use serde::Serialize;

/// Cells per side of a unit's map.
pub const UNIT_GRID: usize = 16;

#[derive(Debug, Clone, Serialize)]
pub struct NetworkView {
    /// Which member this is.
    pub member: usize,
    /// The input features' names, then each hidden layer's width, then the outputs.
    pub features: Vec<String>,
    pub widths: Vec<usize>,
    /// Per hidden layer, per unit: its output over the plane, scaled to [-1, 1] by the
    /// layer's largest magnitude, as signed bytes in base64 (the surfaces' encoding).
    pub maps: Vec<Vec<String>>,
    /// Per layer (hidden layers and the output), `[in][out]` weights.
    pub weights: Vec<Vec<Vec<f32>>>,
    /// Per hidden layer, per unit: dead on the training points.
    pub dead: Vec<Vec<bool>>,
}

/// Member `member`'s view: `model` is that member alone, `cells` the plane's grid of
/// [`UNIT_GRID`]² points, `train` its training points.
pub fn view(
    member: usize,
    model: &Mlp,
    cells: &[[f32; 2]],
    train: &[[f64; 2]],
    device: &Device,
    encode: impl Fn(&[f32]) -> String,
) -> Result<NetworkView, String> {
    let design = model.design();
    let alone = Population::stack(std::slice::from_ref(model));
    let points = |set: &[[f32; 2]]| {
        let flat: Vec<f32> = set.iter().flatten().copied().collect();
        Tensor::<3>::from_data(TensorData::new(flat, [1, set.len(), 2]), device)
    };
    let read = |tensor: Tensor<3>| -> Result<Vec<f32>, String> {
        tensor
            .into_data()
            .try_to_vec::<f32>()
            .map_err(|err| format!("reading the unit maps failed: {err:?}"))
    };
    let mut maps = Vec::new();
    for layer in alone.hidden_activations(points(cells)) {
        let [_, n, width] = layer.dims();
        let values = read(layer)?;
        let scale = values
            .iter()
            .fold(0f32, |m, v| if v.is_finite() { m.max(v.abs()) } else { m })
            .max(1e-12);
        maps.push(
            (0..width)
                .map(|unit| {
                    let column: Vec<f32> =
                        (0..n).map(|i| values[i * width + unit] / scale).collect();
                    encode(&column)
                })
                .collect(),
        );
    }
    let train: Vec<[f32; 2]> = train.iter().map(|p| [p[0] as f32, p[1] as f32]).collect();
    let mut dead = Vec::new();
    for layer in alone.hidden_activations(points(&train)) {
        let slopes = design
            .activation
            .largest_slope(layer)
            .into_data()
            .try_to_vec::<f32>()
            .map_err(|err| format!("reading the dead units failed: {err:?}"))?;
        dead.push(slopes.iter().map(|&s| s == 0.0).collect());
    }
    let mut weights = Vec::new();
    let mut widths = Vec::new();
    for linear in model.layers() {
        let [fan_in, fan_out] = linear.weight.dims();
        let values = linear
            .weight
            .val()
            .into_data()
            .try_to_vec::<f32>()
            .map_err(|err| format!("reading the weights failed: {err:?}"))?;
        weights.push(
            (0..fan_in)
                .map(|i| values[i * fan_out..(i + 1) * fan_out].to_vec())
                .collect(),
        );
        widths.push(fan_out);
    }
    Ok(NetworkView {
        member,
        features: design.features.iter().map(|f| f.to_string()).collect(),
        widths,
        maps,
        weights,
        dead,
    })
}
