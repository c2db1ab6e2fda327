//! The two-class point sets a run can train on, each generated in order (class 0, then class 1)
//! before [`LabeledPoints::generate`](crate::LabeledPoints::generate) shuffles them and adds
//! noise. Where scikit-learn has the set, these follow its `make_*` function.

use std::f64::consts::{PI, TAU};

use rand::RngExt;
use rand::rngs::StdRng;
use rand_distr::{Distribution, Normal};

crate::named_enum! {
    /// Which point set a run trains on; the names are those of `--dataset` and `config.json`.
    ///
    /// - `circles`: `make_circles`, two concentric rings, the tutorial's data.
    /// - `moons`: `make_moons`, two interleaving half circles.
    /// - `blobs`: `make_blobs`, Gaussian clusters around random centres, one class per centre
    ///   (two by default, more for the categorical hinge).
    /// - `xor`: uniform points in [-1, 1]², class 1 where x·y > 0: no straight line separates
    ///   them.
    /// - `spirals`: two interleaved spirals of one and a half turns each.
    pub enum DatasetKind("dataset") { Circles = "circles", Moons = "moons", Blobs = "blobs", Xor = "xor", Spirals = "spirals" }
}

impl DatasetKind {
    /// What class `label` is, for legends.
    pub fn class_name(self, label: u8) -> String {
        let pair = |names: [&str; 2]| names.get(usize::from(label)).map(|n| n.to_string());
        let named = match self {
            DatasetKind::Circles => pair(["outer circle", "inner circle"]),
            DatasetKind::Moons => pair(["upper moon", "lower moon"]),
            DatasetKind::Blobs => None,
            DatasetKind::Xor => pair(["x·y < 0", "x·y > 0"]),
            DatasetKind::Spirals => pair(["first spiral", "second spiral"]),
        };
        named.unwrap_or_else(|| format!("blob {label}"))
    }
}

/// Points and labels, class 0 first.
pub(crate) type Ordered = (Vec<[f64; 2]>, Vec<u8>);

fn labels(zeros: usize, ones: usize) -> Vec<u8> {
    std::iter::repeat_n(0, zeros)
        .chain(std::iter::repeat_n(1, ones))
        .collect()
}

/// scikit-learn's `make_circles`: `samples / 2` points on the unit circle (label 0), the rest on
/// a circle of radius `factor` (label 1), at evenly spaced angles on [0, 2pi) without the
/// endpoint.
pub(crate) fn circles(samples: usize, factor: f64) -> Ordered {
    let outer = samples / 2;
    let inner = samples - outer;
    let ring = |count: usize, radius: f64| {
        (0..count).map(move |i| {
            let angle = TAU * i as f64 / count as f64;
            [radius * angle.cos(), radius * angle.sin()]
        })
    };
    let points = ring(outer, 1.0).chain(ring(inner, factor)).collect();
    (points, labels(outer, inner))
}

/// `count` evenly spaced values on [0, pi], both ends included, as numpy's `linspace`.
fn half_turn(count: usize) -> impl Iterator<Item = f64> {
    let step = if count > 1 {
        PI / (count - 1) as f64
    } else {
        0.0
    };
    (0..count).map(move |i| i as f64 * step)
}

/// scikit-learn's `make_moons`: the upper half of the unit circle (label 0, `samples / 2`
/// points) and a lower half circle shifted to (1, 0.5) (label 1, the rest).
pub(crate) fn moons(samples: usize) -> Ordered {
    let outer = samples / 2;
    let inner = samples - outer;
    let points = half_turn(outer)
        .map(|a| [a.cos(), a.sin()])
        .chain(half_turn(inner).map(|a| [1.0 - a.cos(), 1.0 - a.sin() - 0.5]))
        .collect();
    (points, labels(outer, inner))
}

/// The box scikit-learn's `make_blobs` draws centres from, on each axis.
pub const BLOB_CENTRE_BOX: (f64, f64) = (-10.0, 10.0);

/// scikit-learn's `make_blobs(centers=k)`: k centres uniform in [-10, 10]^2, then
/// `samples / k` points around each (the first `samples % k` get one more), Gaussian with
/// `cluster_std`, labelled by centre.
pub(crate) fn blobs(samples: usize, centres: usize, cluster_std: f64, rng: &mut StdRng) -> Ordered {
    let centre_points: Vec<[f64; 2]> = (0..centres)
        .map(|_| std::array::from_fn(|_| rng.random_range(BLOB_CENTRE_BOX.0..BLOB_CENTRE_BOX.1)))
        .collect();
    let spread = Normal::new(0.0, cluster_std).expect("cluster_std was checked to be >= 0");
    let mut points = Vec::with_capacity(samples);
    let mut labels = Vec::with_capacity(samples);
    for (index, centre) in centre_points.iter().enumerate() {
        let count = samples / centres + usize::from(index < samples % centres);
        for _ in 0..count {
            points.push([
                centre[0] + spread.sample(rng),
                centre[1] + spread.sample(rng),
            ]);
            labels.push(u8::try_from(index).expect("centres was checked to fit a label"));
        }
    }
    (points, labels)
}

/// Uniform points in [-1, 1]^2 labelled 1 where x * y > 0 (first and third quadrants), then put
/// in class order.
pub(crate) fn xor(samples: usize, rng: &mut StdRng) -> Ordered {
    let mut drawn: Vec<([f64; 2], u8)> = (0..samples)
        .map(|_| {
            let p = [rng.random_range(-1.0..1.0), rng.random_range(-1.0..1.0)];
            (p, u8::from(p[0] * p[1] > 0.0))
        })
        .collect();
    drawn.sort_by_key(|(_, label)| *label);
    drawn.into_iter().unzip()
}

/// Two spirals, point for point opposite each other: angle pi/2 to 3.5pi (one and a half
/// turns) with radius growing in proportion, class 0 at (r cos a, r sin a), class 1 at
/// (-r cos a, -r sin a), so the two interleave at a spacing of about 0.29.
pub(crate) fn spirals(samples: usize) -> Ordered {
    let first = samples - samples / 2;
    let second = samples / 2;
    let arm = |count: usize, sign: f64| {
        (0..count).map(move |i| {
            let angle = PI / 2.0 + 3.0 * PI * i as f64 / count.max(1) as f64;
            let radius = angle / (3.5 * PI);
            [sign * radius * angle.cos(), sign * radius * angle.sin()]
        })
    };
    let points = arm(first, 1.0).chain(arm(second, -1.0)).collect();
    (points, labels(first, second))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DataConfig, LabeledPoints};
    use rand::SeedableRng;

    fn generate(dataset: DatasetKind, samples: usize, seed: u64) -> LabeledPoints {
        let config = DataConfig::new()
            .with_dataset(dataset)
            .with_samples(samples)
            .check()
            .unwrap();
        LabeledPoints::generate(&config, seed)
    }

    fn class(data: &LabeledPoints, label: u8) -> Vec<[f64; 2]> {
        data.xy()
            .zip(&data.labels)
            .filter(|(_, l)| **l == label)
            .map(|(p, _)| p)
            .collect()
    }

    #[test]
    fn moons_lie_on_their_half_circles_like_scikit_learn() {
        let data = generate(DatasetKind::Moons, 101, 3);
        let (upper, lower) = (class(&data, 0), class(&data, 1));
        assert_eq!((upper.len(), lower.len()), (50, 51));
        for p in &upper {
            assert!(
                (p[0].hypot(p[1]) - 1.0).abs() < 1e-12 && p[1] >= -1e-12,
                "{p:?}"
            );
        }
        for p in &lower {
            assert!(
                ((p[0] - 1.0).hypot(p[1] - 0.5) - 1.0).abs() < 1e-12,
                "{p:?}"
            );
            assert!(p[1] <= 0.5 + 1e-12, "{p:?}");
        }
        // linspace includes both ends: (1, 0) and (-1, 0) are on the upper moon.
        assert!(upper.iter().any(|p| (p[0] - 1.0).abs() < 1e-12));
        assert!(upper.iter().any(|p| (p[0] + 1.0).abs() < 1e-12));
    }

    #[test]
    fn blobs_scatter_around_two_centres_in_the_box() {
        let config = DataConfig::new()
            .with_dataset(DatasetKind::Blobs)
            .with_samples(20_001)
            .with_cluster_std(0.5)
            .check()
            .unwrap();
        let data = LabeledPoints::generate(&config, 5);
        let mut rng = StdRng::seed_from_u64(5);
        let (ordered, _) = blobs(20_001, 2, 0.5, &mut rng);
        for label in [0u8, 1] {
            let points = class(&data, label);
            assert_eq!(points.len(), if label == 0 { 10_001 } else { 10_000 });
            let n = points.len() as f64;
            let mean = [0, 1].map(|i| points.iter().map(|p| p[i]).sum::<f64>() / n);
            assert!(mean.iter().all(|m| m.abs() < 10.0), "{mean:?}");
            let spread = (points.iter().map(|p| (p[0] - mean[0]).powi(2)).sum::<f64>() / n).sqrt();
            assert!((spread - 0.5).abs() < 0.02, "{spread}");
            // The shuffled set holds exactly the points generated in order.
            assert!(ordered.iter().any(|q| q == &points[0]));
        }
    }

    #[test]
    fn blobs_give_one_class_per_centre() {
        let config = DataConfig::new()
            .with_dataset(DatasetKind::Blobs)
            .with_centers(3)
            .with_samples(100)
            .check()
            .unwrap();
        assert_eq!(config.classes(), 3);
        let data = LabeledPoints::generate(&config, 2);
        let count = |label: u8| data.labels.iter().filter(|&&l| l == label).count();
        assert_eq!((count(0), count(1), count(2)), (34, 33, 33));
        assert_eq!(DatasetKind::Blobs.class_name(2), "blob 2");
        assert_eq!(DatasetKind::Circles.class_name(1), "inner circle");
    }

    #[test]
    fn xor_labels_follow_the_quadrants() {
        let data = generate(DatasetKind::Xor, 2000, 9);
        for (p, l) in data.xy().zip(&data.labels) {
            assert!(p[0].abs() <= 1.0 && p[1].abs() <= 1.0);
            assert_eq!(*l, u8::from(p[0] * p[1] > 0.0), "{p:?}");
        }
        let ones = data.labels.iter().filter(|&&l| l == 1).count();
        assert!((800..1200).contains(&ones), "{ones} of 2000 in class 1");
    }

    #[test]
    fn spirals_are_point_reflections_of_each_other() {
        let data = generate(DatasetKind::Spirals, 400, 1);
        let (first, second) = (class(&data, 0), class(&data, 1));
        assert_eq!((first.len(), second.len()), (200, 200));
        for p in &first {
            assert!(
                second
                    .iter()
                    .any(|q| (q[0] + p[0]).abs() < 1e-12 && (q[1] + p[1]).abs() < 1e-12),
                "{p:?} has no mirror"
            );
            let r = p[0].hypot(p[1]);
            assert!((1.0 / 7.0 - 1e-12..1.0).contains(&r), "radius {r}");
        }
    }

    #[test]
    fn every_set_is_deterministic_per_seed_and_names_round_trip() {
        for &dataset in DatasetKind::ALL {
            let a = generate(dataset, 300, 4);
            assert_eq!(a, generate(dataset, 300, 4), "{dataset}");
            assert_ne!(a, generate(dataset, 300, 5), "{dataset}");
            assert_eq!(a.len(), 300);
            let json = serde_json::to_string(&dataset).unwrap();
            assert_eq!(json, format!("\"{}\"", dataset.name()));
        }
    }
}
