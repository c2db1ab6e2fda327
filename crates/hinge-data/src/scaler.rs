//! Standardisation as scikit-learn's `StandardScaler` does it: each feature's mean and standard
//! deviation (over n, not n - 1) on the rows it is fitted on, the training split's only, then
//! `(x - mean) / scale` for any row, the test split's and `predict`'s raw rows included. A
//! feature constant on the fitted rows keeps scale 1, by scikit-learn's rule
//! (`_is_constant_feature`: a variance within rounding of 0).

use serde::{Deserialize, Serialize};

use crate::{DataSplit, LabeledPoints};

/// Each feature's mean and scale, as fitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scaler {
    pub mean: Vec<f64>,
    pub scale: Vec<f64>,
}

impl Scaler {
    /// Fitted on every point of `data`. The variance is scikit-learn's: the sum of squared
    /// deviations less the square of their sum over n (a correction for the mean's rounding),
    /// over n, with the rows summed in order as numpy sums along the rows.
    pub fn fit(data: &LabeledPoints) -> Self {
        let n = data.len() as f64;
        let width = data.width;
        let mut sum = vec![0.0; width];
        for row in data.points() {
            for (s, v) in sum.iter_mut().zip(row) {
                *s += v;
            }
        }
        let mean: Vec<f64> = sum.iter().map(|s| s / n).collect();
        let (mut deviations, mut squares) = (vec![0.0; width], vec![0.0; width]);
        for row in data.points() {
            for (k, v) in row.iter().enumerate() {
                let d = v - mean[k];
                deviations[k] += d;
                squares[k] += d * d;
            }
        }
        let scale = (0..width)
            .map(|k| {
                let variance = (squares[k] - deviations[k] * deviations[k] / n) / n;
                let bound = n * f64::EPSILON * variance + (n * mean[k] * f64::EPSILON).powi(2);
                if variance <= bound {
                    1.0
                } else {
                    variance.sqrt()
                }
            })
            .collect();
        Self { mean, scale }
    }

    /// `row`, standardised in place.
    pub fn transform(&self, row: &mut [f64]) {
        for ((v, mean), scale) in row.iter_mut().zip(&self.mean).zip(&self.scale) {
            *v = (*v - mean) / scale;
        }
    }

    /// Every point of `data`, standardised in place.
    pub fn transform_all(&self, data: &mut LabeledPoints) {
        for row in data.features.chunks_exact_mut(self.mean.len().max(1)) {
            self.transform(row);
        }
    }
}

impl DataSplit {
    /// The split with every part standardised by a scaler fitted on its training part alone,
    /// as a `Pipeline` of `StandardScaler` and a model fits it; and that scaler.
    pub fn standardised(mut self) -> (Self, Scaler) {
        let scaler = Scaler::fit(&self.train);
        for part in [&mut self.train, &mut self.valid, &mut self.test] {
            scaler.transform_all(part);
        }
        (self, scaler)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RealDataset;

    /// scikit-learn 1.9.1's `StandardScaler` fitted on breast cancer's rows whose index is not a
    /// multiple of 5, written by `bench/scaler_fixture.py`.
    const FIXTURE: &str = include_str!("../tests/fixtures/breast_cancer_scaler.json");

    #[test]
    fn fitted_as_scikit_learns_standard_scaler_to_1e_12() {
        let table = RealDataset::BreastCancer.load();
        let rows: Vec<usize> = (0..table.rows()).filter(|i| i % 5 != 0).collect();
        let ours = Scaler::fit(&table.points.select(&rows));
        let theirs: Scaler = serde_json::from_str(FIXTURE).unwrap();
        for (name, a, b) in [
            ("mean", &ours.mean, &theirs.mean),
            ("scale", &ours.scale, &theirs.scale),
        ] {
            for (k, (x, y)) in a.iter().zip(b.iter()).enumerate() {
                assert!(((x - y) / y).abs() <= 1e-12, "{name} {k}: {x} against {y}");
            }
        }
        let mut row = table.row(3).to_vec();
        ours.transform(&mut row);
        assert!(((row[0] - (table.row(3)[0] - ours.mean[0]) / ours.scale[0]).abs()) < 1e-15);
    }

    #[test]
    fn a_constant_feature_keeps_scale_one() {
        let points = LabeledPoints::new(2, vec![2.0, 1.0, 2.0, 3.0], vec![0, 1]);
        let scaler = Scaler::fit(&points);
        assert_eq!(scaler.mean, [2.0, 2.0]);
        assert_eq!(scaler.scale, [1.0, 1.0]);
    }
}
