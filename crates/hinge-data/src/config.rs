//! What data a run trains on: a generated 2-D set's parameters, or a table (a real set or a
//! CSV file), checked; and the points they make from a seed.

use std::sync::Arc;

use burn::config::Config;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand_distr::{Distribution, Normal};

use crate::DataError;
use crate::datasets::{self, DatasetKind};
use crate::points::{LabeledPoints, MAX_CLASSES};
use crate::source::{TableSource, stratified_order};
use crate::table::Table;

/// Parameters of [`LabeledPoints::generate`], with the defaults of the tutorial's run.
#[derive(Config, Debug, PartialEq)]
pub struct DataConfig {
    #[config(default = "DatasetKind::Circles")]
    pub dataset: DatasetKind,
    /// Total points: class 0 gets half (rounded down; rounded up for blobs and spirals, as
    /// scikit-learn does), class 1 the rest; xor draws each point's class by its quadrant.
    #[config(default = 1000)]
    pub samples: usize,
    /// circles only: radius of the inner circle relative to the outer one (radius 1).
    #[config(default = 0.1)]
    pub factor: f64,
    /// Standard deviation of the Gaussian noise added to both coordinates, for every set.
    #[config(default = 0.0)]
    pub noise: f64,
    /// blobs only: standard deviation of each blob around its centre, scikit-learn's
    /// `cluster_std`.
    #[config(default = 1.0)]
    pub cluster_std: f64,
    /// blobs only: how many blobs, each its own class; more than 2 needs the categorical
    /// hinge loss.
    #[config(default = 2)]
    pub centers: usize,
    /// A table to train on instead of a generated set: a real set shipped with hinge-lab or
    /// a CSV file. The settings above, but for none, then do not apply.
    #[config(default = "None")]
    pub table: Option<TableSource>,
    /// Whether the features are standardised with the training split's mean and standard
    /// deviation; unset, a table's are and a generated set's are not (the tutorial's run).
    #[config(default = "None")]
    pub scale: Option<bool>,
}

/// A [`DataConfig`] whose values were checked, so generation cannot fail; a table's rows were
/// read (and a file's checksum compared with the one recorded).
#[derive(Debug, Clone, PartialEq)]
pub struct ValidDataConfig {
    config: DataConfig,
    table: Option<Arc<Table>>,
}

impl DataConfig {
    pub fn check(&self) -> Result<ValidDataConfig, DataError> {
        if let Some(source) = &self.table {
            return Ok(ValidDataConfig {
                config: self.clone(),
                table: Some(source.load()?),
            });
        }
        // `!(x > 0 && x < 1)` rather than `x <= 0 || x >= 1`, so NaN is rejected too.
        if !(self.factor > 0.0 && self.factor < 1.0) {
            return Err(DataError::Factor(self.factor));
        }
        if !(self.noise.is_finite() && self.noise >= 0.0) {
            return Err(DataError::Noise(self.noise));
        }
        if !(self.cluster_std.is_finite() && self.cluster_std >= 0.0) {
            return Err(DataError::ClusterStd(self.cluster_std));
        }
        if !(2..=MAX_CLASSES).contains(&self.centers) {
            return Err(DataError::Centers(self.centers));
        }
        if self.samples < self.generated_classes() {
            return Err(DataError::Samples {
                samples: self.samples,
                classes: self.generated_classes(),
            });
        }
        Ok(ValidDataConfig {
            config: self.clone(),
            table: None,
        })
    }
}

impl DataConfig {
    /// The generated set, unless the data is a table.
    pub fn generated(&self) -> Option<DatasetKind> {
        self.table.is_none().then_some(self.dataset)
    }

    /// The set's name: the generated kind, the real set, or the file's name.
    pub fn name(&self) -> String {
        match &self.table {
            Some(source) => source.to_string(),
            None => self.dataset.to_string(),
        }
    }

    /// Classes of a generated set: the blobs' centres, else 2.
    fn generated_classes(&self) -> usize {
        match self.dataset {
            DatasetKind::Blobs => self.centers,
            _ => 2,
        }
    }
}

impl ValidDataConfig {
    pub fn config(&self) -> &DataConfig {
        &self.config
    }

    /// The table, when the set is one.
    pub fn table(&self) -> Option<&Table> {
        self.table.as_deref()
    }

    /// Classes of the set.
    pub fn classes(&self) -> usize {
        match self.table() {
            Some(table) => table.classes(),
            None => self.config.generated_classes(),
        }
    }

    /// Points of the set, test set included.
    pub fn samples(&self) -> usize {
        self.table().map_or(self.config.samples, Table::rows)
    }

    /// Features a point: 2 for a generated set.
    pub fn width(&self) -> usize {
        self.table().map_or(2, |t| t.points.width)
    }

    /// Whether the features are standardised on the training split.
    pub fn scales(&self) -> bool {
        self.config.scale.unwrap_or(self.table.is_some())
    }

    /// What class `label` is, for legends and reports.
    pub fn class_name(&self, label: u8) -> String {
        match self.table() {
            Some(table) => table.class_names[usize::from(label)].clone(),
            None => self.config.dataset.class_name(label),
        }
    }

    /// The set's name in titles: the generated kind, the real set, or the file's name.
    pub fn name(&self) -> String {
        self.config.name()
    }
}

impl LabeledPoints {
    /// The configured set: generated as scikit-learn's `make_*(n_samples, shuffle=True, noise,
    /// ...)` builds it, or a table's rows in the stratified order of [`stratified_order`],
    /// both from `seed`.
    pub fn generate(config: &ValidDataConfig, seed: u64) -> Self {
        match config.table() {
            Some(table) => {
                let order = stratified_order(&table.points.labels, seed);
                table.points.select(&order)
            }
            None => Self::generate_points(config.config(), seed),
        }
    }

    /// A generated set: made in class order, shuffled, then noise added, in that order, all
    /// from one generator seeded with `seed`.
    fn generate_points(config: &DataConfig, seed: u64) -> Self {
        let DataConfig {
            dataset,
            samples,
            factor,
            noise,
            cluster_std,
            centers,
            ..
        } = *config;
        let mut rng = StdRng::seed_from_u64(seed);
        let (points, labels) = match dataset {
            DatasetKind::Circles => datasets::circles(samples, factor),
            DatasetKind::Moons => datasets::moons(samples),
            DatasetKind::Blobs => datasets::blobs(samples, centers, cluster_std, &mut rng),
            DatasetKind::Xor => datasets::xor(samples, &mut rng),
            DatasetKind::Spirals => datasets::spirals(samples),
        };

        let mut order: Vec<usize> = (0..samples).collect();
        order.shuffle(&mut rng);
        let mut points: Vec<[f64; 2]> = order.iter().map(|&i| points[i]).collect();
        let labels: Vec<u8> = order.iter().map(|&i| labels[i]).collect();

        if noise > 0.0 {
            let gaussian =
                Normal::new(0.0, noise).expect("noise was checked to be finite and >= 0");
            for point in &mut points {
                point[0] += gaussian.sample(&mut rng);
                point[1] += gaussian.sample(&mut rng);
            }
        }
        Self::from_xy(&points, labels)
    }

    /// Whether every coordinate stays finite in f32, the precision the network computes in; if
    /// not, an error naming the setting that spread the points that far (the noise, or for
    /// blobs the larger of the noise and the cluster spread).
    pub fn check_fits_f32(&self, config: &ValidDataConfig) -> Result<(), DataError> {
        let fits = self.features.iter().all(|&x| (x as f32).is_finite());
        if fits {
            return Ok(());
        }
        let config = config.config();
        let (setting, value) = match config.dataset {
            DatasetKind::Blobs if config.cluster_std > config.noise => {
                ("cluster std", config.cluster_std)
            }
            _ => ("noise", config.noise),
        };
        Err(DataError::BeyondF32 { setting, value })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn circles(samples: usize, factor: f64, noise: f64, seed: u64) -> LabeledPoints {
        let config = DataConfig::new()
            .with_samples(samples)
            .with_factor(factor)
            .with_noise(noise);
        LabeledPoints::generate(&config.check().unwrap(), seed)
    }

    #[test]
    fn points_beyond_f32_name_the_setting_that_put_them_there() {
        let fits = DataConfig::new().with_noise(1e30).check().unwrap();
        assert_eq!(
            LabeledPoints::generate(&fits, 1).check_fits_f32(&fits),
            Ok(())
        );
        let beyond = DataConfig::new().with_noise(1e300).check().unwrap();
        let err = LabeledPoints::generate(&beyond, 1)
            .check_fits_f32(&beyond)
            .unwrap_err();
        assert_eq!(
            err,
            DataError::BeyondF32 {
                setting: "noise",
                value: 1e300
            }
        );
        assert!(
            err.to_string()
                .starts_with("noise 1e300 puts points beyond f32"),
            "{err}"
        );
        let blobs = DataConfig::new()
            .with_dataset(DatasetKind::Blobs)
            .with_cluster_std(1e200)
            .check()
            .unwrap();
        let err = LabeledPoints::generate(&blobs, 1)
            .check_fits_f32(&blobs)
            .unwrap_err();
        assert!(err.to_string().starts_with("cluster std 1e200"), "{err}");
    }

    #[test]
    fn outer_gets_half_rounded_down_and_inner_the_rest() {
        let data = circles(7, 0.5, 0.0, 1);
        assert_eq!(data.len(), 7);
        assert_eq!(data.labels.iter().filter(|&&l| l == 0).count(), 3);
        assert_eq!(data.labels.iter().filter(|&&l| l == 1).count(), 4);
    }

    #[test]
    fn noiseless_points_lie_on_their_circle() {
        let data = circles(1000, 0.1, 0.0, 42);
        for (point, label) in data.xy().zip(&data.labels) {
            let radius = point[0].hypot(point[1]);
            let expected = if *label == 0 { 1.0 } else { 0.1 };
            assert!(
                (radius - expected).abs() < 1e-12,
                "radius {radius} for label {label}"
            );
        }
    }

    #[test]
    fn angles_are_evenly_spaced_without_the_endpoint() {
        // 4 outer points: angles 0, pi/2, pi, 3pi/2, so one of them is (1, 0) and none repeats it.
        let data = circles(8, 0.5, 0.0, 3);
        let mut outer: Vec<[f64; 2]> = data
            .xy()
            .zip(&data.labels)
            .filter(|(_, l)| **l == 0)
            .map(|(p, _)| p)
            .collect();
        outer.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let expected = [[-1.0, 0.0], [0.0, -1.0], [0.0, 1.0], [1.0, 0.0]];
        for (got, want) in outer.iter().zip(expected) {
            assert!((got[0] - want[0]).abs() < 1e-12 && (got[1] - want[1]).abs() < 1e-12);
        }
    }

    #[test]
    fn same_seed_same_data_bit_for_bit_and_other_seed_other_order() {
        let a = circles(300, 0.3, 0.1, 7);
        let b = circles(300, 0.3, 0.1, 7);
        let c = circles(300, 0.3, 0.1, 8);
        let bits = |d: &LabeledPoints| -> Vec<u64> {
            d.xy()
                .flat_map(|p| [p[0].to_bits(), p[1].to_bits()])
                .collect()
        };
        assert_eq!(bits(&a), bits(&b));
        assert_eq!(a.labels, b.labels);
        assert_ne!(bits(&a), bits(&c));
    }

    #[test]
    fn noise_has_the_requested_spread() {
        let data = circles(20_000, 0.5, 0.05, 11);
        let deviations: Vec<f64> = data
            .xy()
            .zip(&data.labels)
            .map(|(p, l)| p[0].hypot(p[1]) - if *l == 0 { 1.0 } else { 0.5 })
            .collect();
        let mean = deviations.iter().sum::<f64>() / deviations.len() as f64;
        let std = (deviations.iter().map(|d| (d - mean).powi(2)).sum::<f64>()
            / deviations.len() as f64)
            .sqrt();
        assert!((std - 0.05).abs() < 0.005, "radial spread {std}");
    }

    #[test]
    fn invalid_parameters_are_rejected_naming_the_value() {
        let base = DataConfig::new();
        for factor in [0.0, 1.0, -0.5, 1.5, f64::NAN] {
            let err = base.clone().with_factor(factor).check().unwrap_err();
            assert!(err.to_string().contains(&factor.to_string()), "{err}");
        }
        assert_eq!(
            base.clone().with_samples(1).check(),
            Err(DataError::Samples {
                samples: 1,
                classes: 2
            })
        );
        assert!(matches!(
            base.clone().with_noise(-0.1).check(),
            Err(DataError::Noise(_))
        ));
        assert!(matches!(
            base.clone().with_noise(f64::NAN).check(),
            Err(DataError::Noise(_))
        ));
        assert!(matches!(
            base.clone().with_noise(f64::INFINITY).check(),
            Err(DataError::Noise(_))
        ));
        assert!(base.with_samples(2).check().is_ok());
    }
}
