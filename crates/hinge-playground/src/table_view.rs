//! The page's pictures of data of more than two features, where the plane has no decision
//! surface to shade: each member's margins on its training and test points as histogram counts
//! (the boundary at 0, the hinge's margin at 1), and the inspected member's predicted class of
//! each test point, which the page colours the points by on their principal components.

use burn::tensor::Device;
use hinge_data::{DataSplit, LabeledPoints};
use hinge_model::{Population, margins, predicted_class};
use hinge_train::predict_population;
use serde::Serialize;

/// Bins of a margin histogram, over [`MARGIN_RANGE`]; margins beyond it count in the end bins.
pub const MARGIN_BINS: usize = 40;
pub const MARGIN_RANGE: [f64; 2] = [-2.0, 2.0];

/// One member's margin histogram on its training and its test points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarginCounts {
    pub train: Vec<u32>,
    pub test: Vec<u32>,
}

/// Every member's margin counts (each on its own points), and member `inspected`'s predicted
/// class of each of its test points.
pub fn margin_view(
    model: &Population,
    data: &[DataSplit],
    inspected: usize,
    device: &Device,
) -> Result<(Vec<MarginCounts>, Vec<u8>), String> {
    let outputs = |part: fn(&DataSplit) -> &LabeledPoints| {
        let per_member = data.first().map_or(0, |d| part(d).len());
        let flat: Vec<f32> = data
            .iter()
            .flat_map(|d| part(d).features.iter().map(|&x| x as f32))
            .collect();
        predict_population(model, &flat, per_member, device).map_err(|e| e.to_string())
    };
    let (train, test) = (outputs(|d| &d.train)?, outputs(|d| &d.test)?);
    let width = model.outputs();
    let counts = |outputs: &[f32], set: &LabeledPoints| -> Vec<u32> {
        let mut bins = vec![0u32; MARGIN_BINS];
        let [lo, hi] = MARGIN_RANGE;
        for margin in margins(outputs, &set.labels) {
            let at = ((margin - lo) / (hi - lo) * MARGIN_BINS as f64).floor();
            if at.is_finite() {
                bins[(at.max(0.0) as usize).min(MARGIN_BINS - 1)] += 1;
            }
        }
        bins
    };
    let each = |outputs: &[f32], part: fn(&DataSplit) -> &LabeledPoints| -> Vec<Vec<u32>> {
        let per_member = data.first().map_or(0, |d| part(d).len()) * width;
        outputs
            .chunks(per_member.max(1))
            .zip(data)
            .map(|(mine, d)| counts(mine, part(d)))
            .collect()
    };
    let histograms = each(&train, |d| &d.train)
        .into_iter()
        .zip(each(&test, |d| &d.test))
        .map(|(train, test)| MarginCounts { train, test })
        .collect();
    let per_member = data.first().map_or(0, |d| d.test.len()) * width;
    let predicted = test[inspected * per_member..(inspected + 1) * per_member]
        .chunks(width)
        .map(|out| predicted_class(out) as u8)
        .collect();
    Ok((histograms, predicted))
}
