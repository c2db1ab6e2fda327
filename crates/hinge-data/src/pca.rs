//! Principal components, to draw points of many features in the plane: the directions of
//! largest variance of a fitted set, found by power iteration on its covariance matrix with
//! deflation (exact enough for a picture; the sign of each axis is fixed so its largest
//! coordinate is positive, as scikit-learn's `svd_flip` does).

use crate::LabeledPoints;

/// Iterations of the power method per component: ample for the 64 features of digits.
const ITERATIONS: usize = 500;

/// The mean of the fitted points and their first principal axes, each of unit length.
#[derive(Debug, Clone, PartialEq)]
pub struct Pca {
    pub mean: Vec<f64>,
    pub axes: Vec<Vec<f64>>,
    /// The variance along each axis.
    pub variances: Vec<f64>,
}

impl Pca {
    /// The first `components` axes of `data` (fewer when it has fewer features).
    pub fn fit(data: &LabeledPoints, components: usize) -> Self {
        let (n, w) = (data.len().max(1) as f64, data.width);
        let mut mean = vec![0.0; w];
        for row in data.points() {
            for (m, v) in mean.iter_mut().zip(row) {
                *m += v / n;
            }
        }
        let mut covariance = vec![vec![0.0; w]; w];
        for row in data.points() {
            for i in 0..w {
                let di = row[i] - mean[i];
                for j in 0..w {
                    covariance[i][j] += di * (row[j] - mean[j]) / n;
                }
            }
        }
        let (mut axes, mut variances) = (Vec::new(), Vec::new());
        for component in 0..components.min(w) {
            let mut v: Vec<f64> = (0..w)
                .map(|i| 1.0 + (i + component) as f64 * 0.01)
                .collect();
            let mut variance = 0.0;
            for _ in 0..ITERATIONS {
                let next: Vec<f64> = (0..w)
                    .map(|i| (0..w).map(|j| covariance[i][j] * v[j]).sum())
                    .collect();
                variance = next.iter().map(|x| x * x).sum::<f64>().sqrt();
                if variance == 0.0 {
                    break;
                }
                v = next.iter().map(|x| x / variance).collect();
            }
            let largest = v.iter().copied().max_by(|a, b| a.abs().total_cmp(&b.abs()));
            if largest.is_some_and(|x| x < 0.0) {
                v.iter_mut().for_each(|x| *x = -*x);
            }
            for i in 0..w {
                for j in 0..w {
                    covariance[i][j] -= variance * v[i] * v[j];
                }
            }
            axes.push(v);
            variances.push(variance);
        }
        Self {
            mean,
            axes,
            variances,
        }
    }

    /// Each point of `data` on the first two axes (0 along an axis the fit has not: data of
    /// one feature), where the pictures draw points of many features.
    pub fn plane(&self, data: &LabeledPoints) -> Vec<[f64; 2]> {
        data.points()
            .map(|row| {
                let p = self.project(row);
                [p[0], p.get(1).copied().unwrap_or(0.0)]
            })
            .collect()
    }

    /// `row`'s coordinates along each axis.
    pub fn project(&self, row: &[f64]) -> Vec<f64> {
        self.axes
            .iter()
            .map(|axis| {
                axis.iter()
                    .zip(row.iter().zip(&self.mean))
                    .map(|(a, (x, m))| a * (x - m))
                    .sum()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axes_follow_the_spread_largest_first() {
        // Points along (1, 1) with a little spread along (1, -1), in 3-D with a constant z.
        let mut features = Vec::new();
        for i in 0..100 {
            let t = i as f64 / 10.0 - 5.0;
            features.extend([t + 0.1, t - 0.1, 7.0, t - 0.1, t + 0.1, 7.0]);
        }
        let data = LabeledPoints::new(3, features, vec![0; 200]);
        let pca = Pca::fit(&data, 2);
        let h = std::f64::consts::FRAC_1_SQRT_2;
        for (got, want) in pca.axes[0].iter().zip([h, h, 0.0]) {
            assert!((got - want).abs() < 1e-9, "{:?}", pca.axes[0]);
        }
        for (got, want) in pca.axes[1].iter().zip([h, -h, 0.0]) {
            assert!((got.abs() - want.abs()).abs() < 1e-6, "{:?}", pca.axes[1]);
        }
        assert!(pca.variances[0] > 100.0 * pca.variances[1]);
        let projected = pca.project(data.point(0));
        let expected = ((-4.9 - pca.mean[0]) + (-5.1 - pca.mean[1])) * h;
        assert!((projected[0] - expected).abs() < 1e-9, "{projected:?}");
    }
}
