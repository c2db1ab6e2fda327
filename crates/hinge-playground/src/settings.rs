//! What the page asks for, and the checks it passes before anything trains: the CLI's own
//! ([`TrainingConfig::check`], the same messages), then the page's limits.

use hinge_cli::DatasetChoice;
use hinge_data::{DataConfig, SplitConfig};
use hinge_model::{Activation, Feature, LossKind, MlpConfig, OutputActivation};
use hinge_train::{TrainingConfig, ValidTrainingConfig};
use serde::{Deserialize, Serialize};

/// The most hidden layers and units per layer, as TensorFlow Playground allows.
pub const MAX_LAYERS: usize = 6;
pub const MAX_UNITS: usize = 8;
/// The most seeds a population trains per loss and grid point.
pub const MAX_SEEDS: usize = 100;
/// The most members of one population: every two-class loss at the most seeds, the largest
/// population the page trained before it could spread over rates and penalties.
pub const MAX_MEMBERS: usize = LossKind::TWO_CLASS.len() * MAX_SEEDS;
/// The most points a data set may have, generated or uploaded.
pub const MAX_POINTS: usize = 5_000;
/// The page's pace, in epochs a second.
pub const PACE_RANGE: (f64, f64) = (0.5, 1000.0);

/// The page's knobs, as its URL and its requests carry them. Every field is required, and an
/// unknown one is an error, so a typo is never silently a default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// A generated point set, or a real table.
    pub dataset: DatasetChoice,
    /// Train on the points the page uploaded instead of `dataset`.
    pub uploaded: bool,
    pub samples: usize,
    pub noise: f64,
    pub factor: f64,
    /// The fraction of the points held out as the test set, in (0, 1).
    pub test_ratio: f64,
    pub batch_size: usize,
    pub seed: u64,
    pub features: Vec<Feature>,
    pub hidden: Vec<usize>,
    pub activation: Activation,
    pub output: OutputActivation,
    pub l1: f64,
    /// L2 penalties, each trained: more than one spreads the population over them. A single
    /// number is taken as a list of one.
    #[serde(deserialize_with = "one_or_many")]
    pub l2: Vec<f64>,
    /// Trained side by side in lockstep, in this order.
    pub losses: Vec<LossKind>,
    /// Seeds per loss and grid point: 1 compares the losses, more trains a population.
    pub seeds: usize,
    /// Adam's learning rates, each trained: more than one spreads the population over them. A
    /// single number is taken as a list of one.
    #[serde(deserialize_with = "one_or_many")]
    pub lr: Vec<f64>,
    /// The page's pace: at most this many epochs a second, so a fast run can be watched.
    pub epochs_per_second: f64,
}

impl Default for Settings {
    /// The tutorial's run, as the CLI's defaults are.
    fn default() -> Self {
        let config = TrainingConfig::new();
        Self {
            dataset: DatasetChoice::Points(config.data.dataset),
            uploaded: false,
            samples: config.data.samples,
            noise: config.data.noise,
            factor: config.data.factor,
            test_ratio: config.split.test_samples as f64 / config.data.samples as f64,
            batch_size: config.batch_size,
            seed: config.seed,
            features: config.model.features,
            hidden: config.model.hidden,
            activation: config.model.activation,
            output: config.model.output,
            l1: config.model.l1,
            l2: vec![config.model.l2],
            losses: LossKind::TUTORIAL.to_vec(),
            seeds: 1,
            lr: vec![config.learning_rate],
            epochs_per_second: 20.0,
        }
    }
}

/// One member of the trained population: its loss and its seed, with its checked config.
#[derive(Debug, Clone)]
pub struct Member {
    pub loss: LossKind,
    pub seed: u64,
    pub config: ValidTrainingConfig,
}

impl Settings {
    /// The members to train, every one checked as the CLI checks a run; `points`, the rows and
    /// the width of the uploaded data when it is used. The first problem found, in one line.
    pub fn members(&self, points: Option<(usize, usize)>) -> Result<Vec<Member>, String> {
        self.check_choices()?;
        self.check_limits()?;
        let samples = self.rows(points)?;
        if samples > MAX_POINTS {
            return Err(format!(
                "{samples} points is too many: at most {MAX_POINTS}"
            ));
        }
        let base = self.config(samples);
        let mut members = Vec::with_capacity(self.population());
        for &loss in &self.losses {
            for point in self.grid() {
                for offset in 0..self.seeds as u64 {
                    let seed = self.seed.checked_add(offset).ok_or_else(|| {
                        format!(
                            "seed {} + {} seeds does not fit in 64 bits",
                            self.seed, self.seeds
                        )
                    })?;
                    let config = point.apply(base.clone()).with_loss(loss).with_seed(seed);
                    members.push(Member {
                        loss,
                        seed,
                        config: self.checked(config, points)?,
                    });
                }
            }
        }
        Ok(members)
    }

    /// How many members these settings train.
    pub fn population(&self) -> usize {
        self.losses.len() * self.lr.len() * self.l2.len() * self.seeds
    }

    /// `config` checked as the CLI checks a run, and fitted to the uploaded points.
    fn checked(
        &self,
        config: TrainingConfig,
        points: Option<(usize, usize)>,
    ) -> Result<ValidTrainingConfig, String> {
        let mut config = config.check().map_err(|err| err.to_string())?;
        if let (true, Some((_, width))) = (self.uploaded, points) {
            config = config
                .with_point_width(width)
                .map_err(|err| err.to_string())?;
        }
        if !self.uploaded {
            config.check_data_fits().map_err(|err| err.to_string())?;
        }
        Ok(config)
    }

    /// The points the data has: the upload's (`points`), a real table's rows, or the
    /// generated set's size.
    pub fn rows(&self, points: Option<(usize, usize)>) -> Result<usize, String> {
        Ok(match (self.uploaded, points, self.dataset) {
            (true, Some((rows, _)), _) => rows,
            (true, None, _) => return Err("no data was uploaded: upload a CSV first".into()),
            (false, _, DatasetChoice::Real(set)) => set.shared().rows(),
            (false, _, DatasetChoice::Points(_)) => self.samples,
        })
    }

    /// The losses: at least one, each a two-class one, none twice.
    fn check_choices(&self) -> Result<(), String> {
        for (what, empty) in [
            ("loss", self.losses.is_empty()),
            ("learning rate", self.lr.is_empty()),
            ("L2", self.l2.is_empty()),
        ] {
            if empty {
                return Err(format!("choose at least one {what}"));
            }
        }
        if let Some(loss) = self
            .losses
            .iter()
            .find(|l| !LossKind::TWO_CLASS.contains(l))
        {
            let names: Vec<String> = LossKind::TWO_CLASS.iter().map(|l| l.to_string()).collect();
            return Err(format!(
                "loss {loss} needs one output per class; the playground trains the two-class losses: {}",
                names.join(", ")
            ));
        }
        once_each("loss", &self.losses)?;
        once_each("learning rate", &self.lr)?;
        once_each("L2", &self.l2)
    }

    /// The page's own limits, beyond the CLI's checks.
    fn check_limits(&self) -> Result<(), String> {
        if !(1..=MAX_SEEDS).contains(&self.seeds) {
            return Err(format!(
                "seeds {} is out of range: 1 to {MAX_SEEDS}",
                self.seeds
            ));
        }
        if self.population() > MAX_MEMBERS {
            return Err(format!(
                "{} losses x {} learning rates x {} L2 x {} seeds is {} members, too many: at most {MAX_MEMBERS}",
                self.losses.len(),
                self.lr.len(),
                self.l2.len(),
                self.seeds,
                self.population()
            ));
        }
        if self.hidden.len() > MAX_LAYERS {
            return Err(format!(
                "{} hidden layers is too many: at most {MAX_LAYERS}",
                self.hidden.len()
            ));
        }
        if let Some(&units) = self.hidden.iter().find(|&&u| u > MAX_UNITS) {
            return Err(format!(
                "a layer of {units} units is too wide: at most {MAX_UNITS}"
            ));
        }
        let (slowest, fastest) = PACE_RANGE;
        if !(self.epochs_per_second.is_finite()
            && (slowest..=fastest).contains(&self.epochs_per_second))
        {
            return Err(format!(
                "epochs per second {} is out of range: {slowest} to {fastest}",
                self.epochs_per_second
            ));
        }
        if !(self.test_ratio.is_finite() && self.test_ratio > 0.0 && self.test_ratio < 1.0) {
            return Err(format!(
                "test ratio {} is out of range: more than 0 and less than 1",
                self.test_ratio
            ));
        }
        Ok(())
    }

    /// The data: the chosen set, or for an upload (whose points the session hands each member)
    /// a generated set of its size, so the split is checked against its rows.
    fn data_config(&self, samples: usize) -> DataConfig {
        let generated = DataConfig {
            samples,
            noise: self.noise,
            factor: self.factor,
            ..DataConfig::new()
        };
        match self.dataset {
            _ if self.uploaded => generated,
            choice => choice.apply(generated),
        }
    }

    /// The run these settings describe, on `samples` points (loss and seed aside, and the
    /// first rate and penalty): the configuration each member's is made from, and the one the
    /// shell command writes.
    pub fn config(&self, samples: usize) -> TrainingConfig {
        // Rounded up, as scikit-learn's `train_test_split` and the CLI's tables round it.
        let test_samples = ((samples as f64) * self.test_ratio).ceil() as usize;
        // An empty list (which `members` refuses) falls back to the tutorial's value, so the
        // command of any settings can be written.
        let defaults = TrainingConfig::new();
        TrainingConfig::new()
            .with_data(self.data_config(samples))
            .with_split(
                SplitConfig::new()
                    .with_test_samples(test_samples.max(1))
                    .with_validation_split(0.0),
            )
            .with_model(MlpConfig {
                hidden: self.hidden.clone(),
                features: self.features.clone(),
                activation: self.activation,
                output: self.output,
                l1: self.l1,
                l2: self.l2.first().copied().unwrap_or(defaults.model.l2),
            })
            .with_batch_size(self.batch_size)
            .with_learning_rate(self.lr.first().copied().unwrap_or(defaults.learning_rate))
    }
}

/// The first value of `values` chosen twice, named as `what`.
fn once_each<T: PartialEq + std::fmt::Display>(what: &str, values: &[T]) -> Result<(), String> {
    match (1..values.len()).find(|&i| values[..i].contains(&values[i])) {
        Some(i) => Err(format!("{what} {} is chosen twice", values[i])),
        None => Ok(()),
    }
}

/// A list, or one value as a list of one: a link or a request written before the page could
/// spread over rates still reads.
fn one_or_many<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<f64>, D::Error> {
    struct Numbers;
    impl<'de> serde::de::Visitor<'de> for Numbers {
        type Value = Vec<f64>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a number or a list of numbers")
        }
        fn visit_f64<E>(self, value: f64) -> Result<Vec<f64>, E> {
            Ok(vec![value])
        }
        fn visit_i64<E>(self, value: i64) -> Result<Vec<f64>, E> {
            Ok(vec![value as f64])
        }
        fn visit_u64<E>(self, value: u64) -> Result<Vec<f64>, E> {
            Ok(vec![value as f64])
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<f64>, A::Error> {
            let mut values = Vec::new();
            while let Some(value) = seq.next_element()? {
                values.push(value);
            }
            Ok(values)
        }
    }
    deserializer.deserialize_any(Numbers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_the_tutorials_run_and_its_command_is_plain_circles() {
        let settings = Settings::default();
        let members = settings.members(None).unwrap();
        assert_eq!(members.len(), 2);
        assert_eq!(members[0].config.config().learning_rate, 0.03);
        assert_eq!(settings.command(), "circles --validation-split 0");
    }

    #[test]
    fn bad_values_get_the_clis_messages_and_the_pages_limits() {
        let bad = |change: &dyn Fn(&mut Settings)| {
            let mut settings = Settings::default();
            change(&mut settings);
            settings.members(None).unwrap_err()
        };
        assert!(bad(&|s| s.lr = vec![-1.0]).contains("-1"));
        assert!(bad(&|s| s.noise = f64::NAN).contains("NaN"));
        assert!(bad(&|s| s.seeds = 101).contains("1 to 100"));
        assert!(bad(&|s| s.hidden = vec![9]).contains("at most 8"));
        assert!(bad(&|s| s.losses.clear()).contains("at least one loss"));
        assert!(bad(&|s| s.uploaded = true).contains("upload"));
    }

    #[test]
    fn a_population_is_a_lab_command() {
        let settings = Settings {
            seeds: 20,
            losses: vec![LossKind::Hinge],
            ..Settings::default()
        };
        assert_eq!(settings.members(None).unwrap().len(), 20);
        assert_eq!(
            settings.command(),
            "lab seeds --seeds 20 --first-seed 42 --loss hinge --validation-split 0"
        );
    }

    #[test]
    fn losses_no_flag_names_together_are_one_command_each() {
        let settings = Settings {
            losses: vec![LossKind::Hinge, LossKind::Logistic],
            ..Settings::default()
        };
        assert_eq!(
            settings.command(),
            "circles --loss hinge --validation-split 0 && circles --loss logistic --validation-split 0"
        );
    }
}
