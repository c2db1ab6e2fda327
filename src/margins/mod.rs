//! Where a trained model puts its decision boundary, measured rather than eyeballed: the
//! functional margins t * f(x) of labelled points, the distance from each point to the boundary,
//! and, for data around the origin such as make_circles, the boundary's radius in every
//! direction. The tutorial guesses from its plots that the squared hinge boundary is "tighter";
//! these are the numbers that answer it.

use burn::tensor::Device;
use hinge_data::LabeledPoints;
use hinge_model::{Mlp, Population, margins, predicts_positive};
use hinge_train::{predict_population, predict_population_sums};

use crate::AppError;
use rayon::prelude::*;

mod dead;
mod radii;

pub use dead::{dead_units, dead_units_all};
pub use radii::{RAYS, boundary_radii, boundary_radii_all};

/// Halvings of a segment when locating a sign change: 2^-30 of its length is far below any
/// distance worth reporting.
pub(crate) const BISECTIONS: usize = 30;

/// A trained model's margins on a labelled set of points; its floats are kept exactly when it
/// is written (see [`hinge_train::exact_floats`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MarginAnalysis {
    /// t * f(x) per point, in the points' order: positive when the point is classified right,
    /// close to 1 when it is well outside the margin.
    #[serde(with = "hinge_train::exact_floats")]
    pub margins: Vec<f64>,
    /// Per point, the distance to the decision boundary along the segment to the nearest point
    /// the model puts in the other class (an upper bound of the Euclidean distance, exact when
    /// that segment crosses the boundary at a right angle); `None` when the model puts every
    /// point in one class.
    #[serde(with = "hinge_train::exact_floats")]
    pub distances: Vec<Option<f64>>,
    /// The labels, 0 or 1, in the points' order.
    pub labels: Vec<u8>,
}

impl MarginAnalysis {
    /// Measures `model` on `points`, labelled 0 / 1 as the data sets are.
    pub fn measure(
        model: &Mlp,
        points: &[[f64; 2]],
        labels: &[u8],
        device: &Device,
    ) -> Result<Self, AppError> {
        let set = LabeledPoints::from_xy(points, labels.to_vec());
        let population = Population::stack(std::slice::from_ref(model));
        Ok(Self::measure_all(&population, &[&set], device)?.remove(0))
    }

    /// Measures every member of `model` on its own set (all sets of one size), all members in
    /// each forward pass. With one output per class the margins are the categorical hinge's
    /// ([`margin`]), and the distances are not measured (a boundary between two of several
    /// classes is not one sign change).
    pub fn measure_all(
        model: &Population,
        sets: &[&LabeledPoints],
        device: &Device,
    ) -> Result<Vec<Self>, AppError> {
        let per_member = sets.first().map_or(0, |set| set.len());
        let inputs: Vec<f32> = sets
            .iter()
            .flat_map(|set| set.features.iter().map(|&x| x as f32))
            .collect();
        let outputs = predict_population(model, &inputs, per_member, device)?;
        let width = model.outputs();
        let distances = if width == 1 {
            distances_to_boundary(model, sets, &outputs, device)?
        } else {
            vec![vec![None; per_member]; sets.len()]
        };
        Ok(sets
            .iter()
            .zip(outputs.chunks((per_member * width).max(1)))
            .zip(distances)
            .map(|((set, outputs), distances)| Self {
                margins: margins(outputs, &set.labels).collect(),
                distances,
                labels: set.labels.clone(),
            })
            .collect())
    }

    /// The mean margin, the smallest one, and the fraction of points classified wrong.
    pub fn margin_summary(&self) -> (f64, f64, f64) {
        let n = self.margins.len().max(1) as f64;
        let mean = self.margins.iter().sum::<f64>() / n;
        let min = self.margins.iter().copied().fold(f64::INFINITY, f64::min);
        let wrong = self.margins.iter().filter(|&&m| m <= 0.0).count() as f64 / n;
        (mean, min, wrong)
    }

    /// The mean distance to the boundary of the points labelled `label`, NaN when none has one.
    pub fn mean_distance(&self, label: u8) -> f64 {
        let found: Vec<f64> = self
            .distances
            .iter()
            .zip(&self.labels)
            .filter(|(_, l)| **l == label)
            .filter_map(|(d, _)| *d)
            .collect();
        if found.is_empty() {
            f64::NAN
        } else {
            found.iter().sum::<f64>() / found.len() as f64
        }
    }
}

/// For each point, the nearest point the model puts in the other class, if any: O(n²) per
/// member, the members spread over the cores.
fn partners(set: &LabeledPoints, positive: &[bool]) -> Vec<Option<usize>> {
    (0..set.len())
        .map(|i| {
            (0..set.len())
                .filter(|&j| positive[j] != positive[i])
                .min_by(|&a, &b| {
                    squared_distance(set.point(i), set.point(a))
                        .total_cmp(&squared_distance(set.point(i), set.point(b)))
                })
        })
        .collect()
}

/// For each point, bisects the segment to the nearest point with the other predicted class
/// until the sign change is located: every point of every member at once, so each halving is
/// one forward pass of the population. Points of any width: the segment lies in their space.
fn distances_to_boundary(
    model: &Population,
    sets: &[&LabeledPoints],
    outputs: &[f32],
    device: &Device,
) -> Result<Vec<Vec<Option<f64>>>, AppError> {
    let n = sets.first().map_or(0, |set| set.len());
    let positive: Vec<bool> = outputs.iter().map(|&y| predicts_positive(y)).collect();
    let partner: Vec<Vec<Option<usize>>> = (0..sets.len())
        .into_par_iter()
        .map(|m| partners(sets[m], &positive[m * n..(m + 1) * n]))
        .collect();
    // Point i of member m lies on the boundary's side `positive`; the boundary is at a
    // fraction in (lo, hi) of the way to its partner. Points without a partner bisect a
    // zero-length segment, to keep one shape for all members, and are dropped at the end.
    let ends = |m: usize, i: usize| {
        let a = sets[m].point(i);
        (a, partner[m][i].map_or(a, |j| sets[m].point(j)))
    };
    let mut lo = vec![0.0f64; sets.len() * n];
    let mut hi = vec![1.0f64; sets.len() * n];
    let mut midpoints = Vec::new();
    for _ in 0..BISECTIONS {
        midpoints.clear();
        for k in 0..sets.len() * n {
            let (a, b) = ends(k / n, k % n);
            let s = (lo[k] + hi[k]) / 2.0;
            midpoints.extend(a.iter().zip(b).map(|(a, b)| (a + s * (b - a)) as f32));
        }
        // Only the side matters: the output layer's sums have the output's sign without the
        // activation's cost (as the radii read them).
        let mid_outputs = predict_population_sums(model, &midpoints, n, device)?;
        for k in 0..sets.len() * n {
            let s = (lo[k] + hi[k]) / 2.0;
            if predicts_positive(mid_outputs[k]) == positive[k] {
                lo[k] = s;
            } else {
                hi[k] = s;
            }
        }
    }
    Ok((0..sets.len())
        .map(|m| {
            (0..n)
                .map(|i| {
                    let k = m * n + i;
                    partner[m][i].map(|_| {
                        let (a, b) = ends(m, i);
                        (lo[k] + hi[k]) / 2.0 * squared_distance(a, b).sqrt()
                    })
                })
                .collect()
        })
        .collect())
}

fn squared_distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(a, b)| (a - b).powi(2)).sum()
}

#[cfg(test)]
mod tests;
