//! Where a trained model puts its decision boundary, measured rather than eyeballed: the
//! functional margins t * f(x) of labelled points, the distance from each point to the boundary,
//! and, for data around the origin such as make_circles, the boundary's radius in every
//! direction. The tutorial guesses from its plots that the squared hinge boundary is "tighter";
//! these are the numbers that answer it.

use burn::tensor::{Device, Tensor, TensorData};
use hinge_data::{LabeledPoints, signed_target};
use hinge_model::{Mlp, Population, predicts_positive};
use hinge_train::{TrainError, predict_population};

use crate::AppError;

/// Halvings of a segment when locating a sign change: 2^-30 of its length is far below any
/// distance worth reporting.
const BISECTIONS: usize = 30;

/// Rays from the origin along which [`boundary_radii`] looks for the boundary.
pub const RAYS: usize = 360;
/// Steps along each ray before bisecting: the scan only has to land past the first crossing,
/// which bisection then locates to 2^-30 of a step. A step of 1/60 of the reach (0.025 for
/// the lab's 1.5) misses only a sliver of the other class narrower than that along the ray;
/// the boundaries of the tutorial's data lie between the rings, 0.1 and 1 from the origin.
/// It was 200 steps before the lab measured whole populations, where this scan was most of
/// the measuring time; the lab's tables came out the same to the printed digits.
const RAY_STEPS: usize = 60;
/// Points, over all members, scanned per pass along the rays.
const SCAN_POINTS: usize = 1 << 18;

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
        let set = LabeledPoints {
            points: points.to_vec(),
            labels: labels.to_vec(),
        };
        let population = Population::stack(std::slice::from_ref(model));
        Ok(Self::measure_all(&population, &[&set], device)?.remove(0))
    }

    /// Measures every member of `model` on its own set (all sets of one size), all members in
    /// each forward pass.
    pub fn measure_all(
        model: &Population,
        sets: &[&LabeledPoints],
        device: &Device,
    ) -> Result<Vec<Self>, AppError> {
        let per_member = sets.first().map_or(0, |set| set.len());
        let inputs: Vec<[f32; 2]> = sets
            .iter()
            .flat_map(|set| set.points.iter().map(|p| [p[0] as f32, p[1] as f32]))
            .collect();
        let outputs = predict_population(model, &inputs, per_member, device)?;
        let distances = distances_to_boundary(model, sets, &outputs, device)?;
        sets.iter()
            .zip(outputs.chunks(per_member.max(1)))
            .zip(distances)
            .map(|((set, outputs), distances)| {
                let margins = outputs
                    .iter()
                    .zip(&set.labels)
                    .map(|(&y, &label)| {
                        Ok(f64::from(y)
                            * f64::from(signed_target(label).map_err(TrainError::from)?))
                    })
                    .collect::<Result<Vec<_>, AppError>>()?;
                Ok(Self {
                    margins,
                    distances,
                    labels: set.labels.clone(),
                })
            })
            .collect()
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
fn partners(points: &[[f64; 2]], positive: &[bool]) -> Vec<Option<usize>> {
    (0..points.len())
        .map(|i| {
            (0..points.len())
                .filter(|&j| positive[j] != positive[i])
                .min_by(|&a, &b| {
                    squared_distance(points[i], points[a])
                        .total_cmp(&squared_distance(points[i], points[b]))
                })
        })
        .collect()
}

/// Runs `work` on every member index, spread over the machine's cores, results in order.
fn per_member<T: Send>(members: usize, work: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = members.div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..members)
            .step_by(chunk)
            .map(|start| {
                let work = &work;
                scope.spawn(move || {
                    (start..(start + chunk).min(members))
                        .map(work)
                        .collect::<Vec<T>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().expect("the measurement threads do not panic"))
            .collect()
    })
}

/// For each point, bisects the segment to the nearest point with the other predicted class
/// until the sign change is located: every point of every member at once, so each halving is
/// one forward pass of the population.
fn distances_to_boundary(
    model: &Population,
    sets: &[&LabeledPoints],
    outputs: &[f32],
    device: &Device,
) -> Result<Vec<Vec<Option<f64>>>, AppError> {
    let n = sets.first().map_or(0, |set| set.len());
    let positive: Vec<bool> = outputs.iter().map(|&y| predicts_positive(y)).collect();
    let partner: Vec<Vec<Option<usize>>> = per_member(sets.len(), |m| {
        partners(&sets[m].points, &positive[m * n..(m + 1) * n])
    });
    // Point i of member m lies on the boundary's side `positive`; the boundary is at a
    // fraction in (lo, hi) of the way to its partner. Points without a partner bisect a
    // zero-length segment, to keep one shape for all members, and are dropped at the end.
    let ends = |m: usize, i: usize| {
        let a = sets[m].points[i];
        (a, partner[m][i].map_or(a, |j| sets[m].points[j]))
    };
    let mut lo = vec![0.0f64; sets.len() * n];
    let mut hi = vec![1.0f64; sets.len() * n];
    for _ in 0..BISECTIONS {
        let midpoints: Vec<[f32; 2]> = (0..sets.len() * n)
            .map(|k| {
                let (a, b) = ends(k / n, k % n);
                lerp(a, b, (lo[k] + hi[k]) / 2.0)
            })
            .collect();
        let mid_outputs = predict_population(model, &midpoints, n, device)?;
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

/// The distance from the origin to the decision boundary along [`RAYS`] evenly spaced
/// directions, looking out to `reach`: the first place the output changes sign from its sign
/// at the origin. `None` for a direction where it never does.
pub fn boundary_radii(
    model: &Mlp,
    reach: f64,
    device: &Device,
) -> Result<Vec<Option<f64>>, AppError> {
    let population = Population::stack(std::slice::from_ref(model));
    Ok(boundary_radii_all(&population, reach, device)?.remove(0))
}

/// [`boundary_radii`] of every member, all members in each forward pass.
pub fn boundary_radii_all(
    model: &Population,
    reach: f64,
    device: &Device,
) -> Result<Vec<Vec<Option<f64>>>, AppError> {
    let members = model.len();
    let direction = |ray: usize| {
        let angle = std::f64::consts::TAU * ray as f64 / RAYS as f64;
        (angle.cos(), angle.sin())
    };
    let at = |ray: usize, radius: f64| {
        let (c, s) = direction(ray);
        [(radius * c) as f32, (radius * s) as f32]
    };
    let same_for_all = |points: &[[f32; 2]]| -> Vec<[f32; 2]> {
        (0..members).flat_map(|_| points.iter().copied()).collect()
    };
    let origin = predict_population(model, &same_for_all(&[[0.0, 0.0]]), 1, device)?;
    let origin_positive: Vec<bool> = origin.iter().map(|&y| predicts_positive(y)).collect();
    let step = reach / RAY_STEPS as f64;
    // Per member and ray, the step interval holding the first crossing; a ray that never
    // crosses bisects nothing and is dropped at the end. The scan goes a few rays at a time,
    // so its points and outputs stay within one pass's memory for any population.
    let mut brackets: Vec<(Option<usize>, f64, f64)> = vec![(None, 0.0, 0.0); members * RAYS];
    let rays_per_pass = (SCAN_POINTS / (members.max(1) * RAY_STEPS)).clamp(1, RAYS);
    for first in (0..RAYS).step_by(rays_per_pass) {
        let rays = first..(first + rays_per_pass).min(RAYS);
        let scan: Vec<[f32; 2]> = rays
            .clone()
            .flat_map(|ray| (1..=RAY_STEPS).map(move |k| at(ray, k as f64 * step)))
            .collect();
        let scanned = predict_population(model, &same_for_all(&scan), scan.len(), device)?;
        for (m, outputs) in scanned.chunks(scan.len()).enumerate() {
            for (ray, along) in rays.clone().zip(outputs.chunks(RAY_STEPS)) {
                if let Some(j) = along
                    .iter()
                    .position(|&y| predicts_positive(y) != origin_positive[m])
                {
                    brackets[m * RAYS + ray] = (Some(ray), j as f64 * step, (j + 1) as f64 * step);
                }
            }
        }
    }
    for _ in 0..BISECTIONS {
        let midpoints: Vec<[f32; 2]> = brackets
            .iter()
            .enumerate()
            .map(|(k, &(_, lo, hi))| at(k % RAYS, (lo + hi) / 2.0))
            .collect();
        let outputs = predict_population(model, &midpoints, RAYS, device)?;
        for (k, (bracket, y)) in brackets.iter_mut().zip(outputs).enumerate() {
            let mid = (bracket.1 + bracket.2) / 2.0;
            if predicts_positive(y) == origin_positive[k / RAYS] {
                bracket.1 = mid;
            } else {
                bracket.2 = mid;
            }
        }
    }
    Ok(brackets
        .chunks(RAYS)
        .map(|rays| {
            rays.iter()
                .map(|&(ray, lo, hi)| ray.map(|_| (lo + hi) / 2.0))
                .collect()
        })
        .collect())
}

/// Per hidden layer, the units dead on `points` (see [`hinge_model::Activation::largest_slope`]):
/// no gradient passes through them there, so training cannot bring them back. The tutorial's
/// 4-2 ReLU stack has few units to lose, and a run that loses one of the two in its second
/// layer often cannot separate the rings.
pub fn dead_units(
    model: &Mlp,
    points: &[[f64; 2]],
    device: &Device,
) -> Result<Vec<usize>, AppError> {
    let set = LabeledPoints {
        points: points.to_vec(),
        labels: vec![0; points.len()],
    };
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
        .flat_map(|set| set.points.iter().flat_map(|p| [p[0] as f32, p[1] as f32]))
        .collect();
    let input = Tensor::<3>::from_data(TensorData::new(flat, [members, n, 2]), device);
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
        let model =
            MlpConfig::new()
                .with_hidden(vec![])
                .check()
                .unwrap()
                .init(LossKind::Hinge, 0, device);
        model.with_layer(
            0,
            Linear {
                weight: Param::from_tensor(Tensor::from_data(
                    TensorData::new(vec![10.0f32, 0.0], [2, 1]),
                    device,
                )),
                bias: Some(Param::from_tensor(Tensor::from_data(
                    TensorData::new(vec![-3.0f32], [1]),
                    device,
                ))),
            },
        )
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
        let model = MlpConfig::new().with_hidden(vec![2]).check().unwrap().init(
            LossKind::Hinge,
            0,
            &device,
        );
        // Unit 0 is x, alive for x > 0; unit 1 is -x - 5, below zero everywhere near the data.
        let model = model.with_layer(
            0,
            Linear {
                weight: Param::from_tensor(Tensor::from_data(
                    TensorData::new(vec![1.0f32, -1.0, 0.0, 0.0], [2, 2]),
                    &device,
                )),
                bias: Some(Param::from_tensor(Tensor::from_data(
                    TensorData::new(vec![0.0f32, -5.0], [2]),
                    &device,
                ))),
            },
        );
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
