//! Where a trained model puts its decision boundary, measured rather than eyeballed: the
//! functional margins t * f(x) of labelled points, the distance from each point to the boundary,
//! and, for data around the origin such as make_circles, the boundary's radius in every
//! direction. The tutorial guesses from its plots that the squared hinge boundary is "tighter";
//! these are the numbers that answer it.

use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor, TensorData};
use hinge_data::signed_target;
use hinge_model::Mlp;
use hinge_train::{TrainError, predict};

use crate::AppError;

/// Halvings of a segment when locating a sign change: 2^-30 of its length is far below any
/// distance worth reporting.
const BISECTIONS: usize = 30;

/// Rays from the origin along which [`boundary_radii`] looks for the boundary.
pub const RAYS: usize = 360;
/// Steps along each ray before bisecting; the boundary of the tutorial's data lies between the
/// rings, 0.1 and 1 from the origin, so 1/200 of the ray length finds its first crossing.
const RAY_STEPS: usize = 200;

/// A trained model's margins on a labelled set of points.
#[derive(Debug, Clone, PartialEq)]
pub struct MarginAnalysis {
    /// t * f(x) per point, in the points' order: positive when the point is classified right,
    /// close to 1 when it is well outside the margin.
    pub margins: Vec<f64>,
    /// Per point, the distance to the decision boundary along the segment to the nearest point
    /// the model puts in the other class (an upper bound of the Euclidean distance, exact when
    /// that segment crosses the boundary at a right angle); `None` when the model puts every
    /// point in one class.
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
        let inputs: Vec<[f32; 2]> = points.iter().map(|p| [p[0] as f32, p[1] as f32]).collect();
        let outputs = predict(model, &inputs, device)?;
        let margins = outputs
            .iter()
            .zip(labels)
            .map(|(&y, &label)| {
                Ok(f64::from(y) * f64::from(signed_target(label).map_err(TrainError::from)?))
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        let distances = distances_to_boundary(model, points, &outputs, device)?;
        Ok(Self {
            margins,
            distances,
            labels: labels.to_vec(),
        })
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

/// For each point, bisects the segment to the nearest point with the other predicted class
/// until the sign change is located, all points at once so each halving is one forward pass.
fn distances_to_boundary(
    model: &Mlp,
    points: &[[f64; 2]],
    outputs: &[f32],
    device: &Device,
) -> Result<Vec<Option<f64>>, AppError> {
    let positive: Vec<bool> = outputs.iter().map(|&y| y > 0.0).collect();
    let partner: Vec<Option<usize>> = (0..points.len())
        .map(|i| {
            (0..points.len())
                .filter(|&j| positive[j] != positive[i])
                .min_by(|&a, &b| {
                    squared_distance(points[i], points[a])
                        .total_cmp(&squared_distance(points[i], points[b]))
                })
        })
        .collect();
    let pairs: Vec<(usize, usize)> = partner
        .iter()
        .enumerate()
        .filter_map(|(i, j)| j.map(|j| (i, j)))
        .collect();
    // The boundary lies at a fraction in (lo, hi) of the way from point i to its partner.
    let mut lo = vec![0.0f64; pairs.len()];
    let mut hi = vec![1.0f64; pairs.len()];
    for _ in 0..BISECTIONS {
        let midpoints: Vec<[f32; 2]> = pairs
            .iter()
            .enumerate()
            .map(|(k, &(i, j))| {
                let s = (lo[k] + hi[k]) / 2.0;
                lerp(points[i], points[j], s)
            })
            .collect();
        let mid_outputs = predict(model, &midpoints, device)?;
        for (k, &(i, _)) in pairs.iter().enumerate() {
            let s = (lo[k] + hi[k]) / 2.0;
            if (mid_outputs[k] > 0.0) == positive[i] {
                lo[k] = s;
            } else {
                hi[k] = s;
            }
        }
    }
    let mut distances = vec![None; points.len()];
    for (k, &(i, j)) in pairs.iter().enumerate() {
        let s = (lo[k] + hi[k]) / 2.0;
        distances[i] = Some(s * squared_distance(points[i], points[j]).sqrt());
    }
    Ok(distances)
}

/// The distance from the origin to the decision boundary along [`RAYS`] evenly spaced
/// directions, looking out to `reach`: the first place the output changes sign from its sign
/// at the origin. `None` for a direction where it never does.
pub fn boundary_radii(
    model: &Mlp,
    reach: f64,
    device: &Device,
) -> Result<Vec<Option<f64>>, AppError> {
    let direction = |ray: usize| {
        let angle = std::f64::consts::TAU * ray as f64 / RAYS as f64;
        (angle.cos(), angle.sin())
    };
    let at = |ray: usize, radius: f64| {
        let (c, s) = direction(ray);
        [(radius * c) as f32, (radius * s) as f32]
    };
    let origin_positive = predict(model, &[[0.0, 0.0]], device)?[0] > 0.0;
    let step = reach / RAY_STEPS as f64;
    let scan: Vec<[f32; 2]> = (0..RAYS)
        .flat_map(|ray| (1..=RAY_STEPS).map(move |k| at(ray, k as f64 * step)))
        .collect();
    let scanned = predict(model, &scan, device)?;
    // Per ray, the step interval holding the first crossing.
    let mut brackets: Vec<(usize, f64, f64)> = (0..RAYS)
        .filter_map(|ray| {
            let outputs = &scanned[ray * RAY_STEPS..(ray + 1) * RAY_STEPS];
            let k = outputs.iter().position(|&y| (y > 0.0) != origin_positive)?;
            Some((ray, k as f64 * step, (k + 1) as f64 * step))
        })
        .collect();
    for _ in 0..BISECTIONS {
        let midpoints: Vec<[f32; 2]> = brackets
            .iter()
            .map(|&(ray, lo, hi)| at(ray, (lo + hi) / 2.0))
            .collect();
        let outputs = predict(model, &midpoints, device)?;
        for (bracket, y) in brackets.iter_mut().zip(outputs) {
            let mid = (bracket.1 + bracket.2) / 2.0;
            if (y > 0.0) == origin_positive {
                bracket.1 = mid;
            } else {
                bracket.2 = mid;
            }
        }
    }
    let mut radii = vec![None; RAYS];
    for (ray, lo, hi) in brackets {
        radii[ray] = Some((lo + hi) / 2.0);
    }
    Ok(radii)
}

/// Per hidden layer, the ReLU units that output 0 for every one of `points`. Such a unit passes
/// no signal and gets no gradient from these points, so training cannot bring it back; the
/// tutorial's 4-2 stack has few units to lose, and a run that loses one of the two in its
/// second layer often cannot separate the rings.
pub fn dead_units(
    model: &Mlp,
    points: &[[f64; 2]],
    device: &Device,
) -> Result<Vec<usize>, AppError> {
    let flat: Vec<f32> = points
        .iter()
        .flat_map(|p| [p[0] as f32, p[1] as f32])
        .collect();
    let mut x = Tensor::<2>::from_data(TensorData::new(flat, [points.len(), 2]), device);
    let mut dead = Vec::with_capacity(model.hidden.len());
    for layer in &model.hidden {
        x = relu(layer.forward(x));
        let [rows, width] = x.dims();
        let values = x
            .to_data()
            .try_to_vec::<f32>()
            .map_err(|err| TrainError::Read(format!("{err:?}")))?;
        dead.push(
            (0..width)
                .filter(|&unit| (0..rows).all(|row| values[row * width + unit] == 0.0))
                .count(),
        );
    }
    Ok(dead)
}

fn squared_distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)
}

fn lerp(a: [f64; 2], b: [f64; 2], s: f64) -> [f32; 2] {
    [
        (a[0] + s * (b[0] - a[0])) as f32,
        (a[1] + s * (b[1] - a[1])) as f32,
    ]
}

/// Mean and sample standard deviation; NaN for an empty list, a spread of 0 for one value.
pub fn mean_and_spread(values: &[f64]) -> (f64, f64) {
    if values.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if values.len() == 1 {
        return (mean, 0.0);
    }
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, variance.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::module::Param;
    use burn::nn::Linear;
    use hinge_model::{LossKind, MlpConfig};

    /// f(x, y) = tanh(10 x - 3): the boundary is the line x = 0.3, class +1 to its right.
    fn vertical_boundary(device: &Device) -> Mlp {
        let mut model =
            MlpConfig::new()
                .with_hidden(vec![])
                .check()
                .unwrap()
                .init(LossKind::Hinge, 0, device);
        model.output = Linear {
            weight: Param::from_tensor(Tensor::from_data(
                TensorData::new(vec![10.0f32, 0.0], [2, 1]),
                device,
            )),
            bias: Some(Param::from_tensor(Tensor::from_data(
                TensorData::new(vec![-3.0f32], [1]),
                device,
            ))),
        };
        model
    }

    #[test]
    fn distances_and_margins_of_a_known_boundary() {
        let device = Device::flex();
        let model = vertical_boundary(&device);
        let points = [[1.0, 0.0], [0.5, 0.4], [0.0, 0.0], [-0.2, 0.5], [0.4, -1.0]];
        // The third point is labelled +1 but lies left of the line: classified wrong.
        let labels = [1, 1, 1, 0, 1];
        let analysis = MarginAnalysis::measure(&model, &points, &labels, &device).unwrap();
        let want = [0.7, 0.2, 0.3, 0.5, 0.1];
        for (got, want) in analysis.distances.iter().zip(want) {
            // A segment to the nearest other-class point may cross the line at a slant: never
            // shorter than the true distance.
            let got = got.expect("both classes are predicted");
            assert!(got >= want - 1e-6, "{got} vs {want}");
        }
        // [1, 0]'s nearest other-class point is [0, 0]: straight across, exact.
        assert!((analysis.distances[0].unwrap() - 0.7).abs() < 1e-6);
        let (mean, min, wrong) = analysis.margin_summary();
        let margins: Vec<f64> = [7.0f64, 2.0, -3.0, 5.0, 1.0]
            .iter()
            .map(|z| z.tanh())
            .collect();
        for (got, want) in analysis.margins.iter().zip(&margins) {
            assert!((got - want).abs() < 1e-6, "{got} vs {want}");
        }
        assert!((mean - margins.iter().sum::<f64>() / 5.0).abs() < 1e-6);
        assert!((min - (-3.0f64).tanh()).abs() < 1e-6);
        assert_eq!(wrong, 0.2);
        // [-0.2, 0.5] to [0.5, 0.4] crosses x = 0.3 at 5/7 of the way.
        let slanted = 5.0 / 7.0 * (0.7f64.powi(2) + 0.1f64.powi(2)).sqrt();
        assert!((analysis.mean_distance(0) - slanted).abs() < 1e-6);
    }

    #[test]
    fn one_predicted_class_has_no_distances() {
        let device = Device::flex();
        let model = vertical_boundary(&device);
        let points = [[0.5, 0.0], [0.9, 0.9]];
        let analysis = MarginAnalysis::measure(&model, &points, &[1, 1], &device).unwrap();
        assert_eq!(analysis.distances, vec![None, None]);
        assert!(analysis.mean_distance(1).is_nan());
    }

    #[test]
    fn rays_find_the_line_where_it_is_within_reach() {
        let device = Device::flex();
        let model = vertical_boundary(&device);
        let radii = boundary_radii(&model, 1.0, &device).unwrap();
        assert_eq!(radii.len(), RAYS);
        for (ray, radius) in radii.iter().enumerate() {
            let angle = std::f64::consts::TAU * ray as f64 / RAYS as f64;
            let expected = 0.3 / angle.cos();
            if angle.cos() > 0.0 && expected < 1.0 - 1.0 / RAY_STEPS as f64 {
                let radius = radius.unwrap_or_else(|| panic!("ray {ray} misses the line"));
                assert!((radius - expected).abs() < 1e-5, "ray {ray}: {radius}");
            } else if angle.cos() <= 0.0 {
                assert_eq!(*radius, None, "ray {ray} points away from the line");
            }
        }
    }

    #[test]
    fn a_unit_silent_on_every_point_is_dead() {
        let device = Device::flex();
        let mut model = MlpConfig::new().with_hidden(vec![2]).check().unwrap().init(
            LossKind::Hinge,
            0,
            &device,
        );
        // Unit 0 is x, alive for x > 0; unit 1 is -x - 5, below zero everywhere near the data.
        model.hidden[0] = Linear {
            weight: Param::from_tensor(Tensor::from_data(
                TensorData::new(vec![1.0f32, -1.0, 0.0, 0.0], [2, 2]),
                &device,
            )),
            bias: Some(Param::from_tensor(Tensor::from_data(
                TensorData::new(vec![0.0f32, -5.0], [2]),
                &device,
            ))),
        };
        let points = [[0.5, 0.0], [-1.0, 1.0], [1.0, -1.0]];
        assert_eq!(dead_units(&model, &points, &device).unwrap(), vec![1]);
        // On points where x <= 0 everywhere, unit 0 is dead too.
        assert_eq!(
            dead_units(&model, &[[-0.5, 0.3], [0.0, 1.0]], &device).unwrap(),
            vec![2]
        );
    }

    #[test]
    fn spread_is_the_sample_standard_deviation() {
        assert_eq!(
            mean_and_spread(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).0,
            5.0
        );
        let (_, sd) = mean_and_spread(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert!((sd - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
        assert_eq!(mean_and_spread(&[3.0]), (3.0, 0.0));
        assert!(mean_and_spread(&[]).0.is_nan());
    }
}
