//! The network view of one member, as TensorFlow Playground draws it: a small map of every
//! hidden unit over the plane, the weights between units (the page draws them as lines by sign
//! and size), and the units that are dead on the member's training points. The maps are
//! hinge-train's ([`hinge_train::unit_maps`], as `neurons.png` draws them); this is the page's
//! encoding of them.

use burn::tensor::Device;
use hinge_model::Mlp;
use hinge_train::unit_maps;
use serde::Serialize;

use crate::encode::signed_bytes;

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
) -> Result<NetworkView, String> {
    let maps = unit_maps(model, cells, train, device).map_err(|err| err.to_string())?;
    let (inputs, layers) = maps.layers.split_first().ok_or("a network has inputs")?;
    let hidden = &layers[..layers.len() - 1];
    Ok(NetworkView {
        member,
        features: inputs.units.iter().map(|u| u.label.clone()).collect(),
        widths: layers.iter().map(|layer| layer.units.len()).collect(),
        maps: hidden
            .iter()
            .map(|layer| {
                let scale = layer
                    .units
                    .iter()
                    .flat_map(|u| &u.values)
                    .fold(0f32, |m, v| if v.is_finite() { m.max(v.abs()) } else { m })
                    .max(1e-12);
                let scaled =
                    |values: &[f32]| -> Vec<f32> { values.iter().map(|v| v / scale).collect() };
                layer
                    .units
                    .iter()
                    .map(|u| signed_bytes(&scaled(&u.values)))
                    .collect()
            })
            .collect(),
        weights: layers.iter().map(|layer| layer.weights.clone()).collect(),
        dead: hidden
            .iter()
            .map(|layer| layer.units.iter().map(|u| u.dead).collect())
            .collect(),
    })
}
