//! The prediction grid behind every decision-surface figure: the cells a plot covers, the
//! model's outputs there, the class and confidence of each cell, and where the class changes.

use hinge_model::predicted_class;

use super::style::{bounds, square};

/// Grid cells per axis of the decision-boundary shading.
pub const GRID_RESOLUTION: usize = 300;

/// The model's raw outputs over a grid that covers some points with a margin.
#[derive(Debug, Clone)]
pub struct OutputGrid {
    pub x: (f64, f64),
    pub y: (f64, f64),
    pub resolution: usize,
    /// Outputs per cell: 1, or one per class.
    pub width: usize,
    /// Row-major, `y` rows from the bottom, `x` columns from the left, `width` per cell.
    pub outputs: Vec<f32>,
}

impl OutputGrid {
    /// The area mlxtend's `plot_decision_regions` covers, the points' range plus 1 each side,
    /// widened on its narrower axis to a square, so a square plot draws both axes to one scale
    /// and circles stay round.
    pub fn covering(points: &[[f64; 2]]) -> ((f64, f64), (f64, f64)) {
        square(bounds(points, 1.0))
    }

    pub(super) fn outputs_at(&self, row: usize, col: usize) -> &[f32] {
        let start = (row * self.resolution + col) * self.width;
        &self.outputs[start..start + self.width]
    }

    /// The class the model predicts in a cell: by the sign of a single output, else the
    /// largest output.
    pub(super) fn class_at(&self, row: usize, col: usize) -> usize {
        predicted_class(self.outputs_at(row, col))
    }

    /// How sure the model is in a cell, in [0, 1]: |f(x)| for one output, the lead of the
    /// largest output over the next for several (1 or more is outside the categorical margin).
    pub(super) fn confidence(&self, row: usize, col: usize) -> f32 {
        confidence_of_outputs(self.outputs_at(row, col))
    }

    pub(super) fn cell(&self, row: usize, col: usize) -> ((f64, f64), (f64, f64)) {
        let (x0, x1) = self.x;
        let (y0, y1) = self.y;
        let n = self.resolution as f64;
        let dx = (x1 - x0) / n;
        let dy = (y1 - y0) / n;
        let left = x0 + col as f64 * dx;
        let bottom = y0 + row as f64 * dy;
        ((left, bottom + dy), (left + dx, bottom))
    }

    /// Whether the predicted class changes between this cell and the next one up or right.
    pub(super) fn on_boundary(&self, row: usize, col: usize) -> bool {
        let here = self.class_at(row, col);
        let right = col + 1 < self.resolution && self.class_at(row, col + 1) != here;
        let up = row + 1 < self.resolution && self.class_at(row + 1, col) != here;
        right || up
    }
}

/// How sure a model's outputs for one point are, in [0, 1]: |f(x)| for one output, the lead of
/// the largest output over the next for several (1 or more is outside the categorical margin).
pub fn confidence_of_outputs(outputs: &[f32]) -> f32 {
    if let [single] = outputs {
        return single.abs().min(1.0);
    }
    let mut sorted = outputs.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    (sorted[0] - sorted[1]).clamp(0.0, 1.0)
}
