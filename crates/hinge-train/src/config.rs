use std::path::Path;

use burn::config::Config;
use burn::optim::ModuleOptimizer;
use burn::tensor::Device;
use hinge_data::{
    DataConfig, DataSplit, LabeledPoints, Scaler, SplitConfig, TargetEncoding, ValidDataConfig,
    ValidSplit,
};
use hinge_model::{LossKind, MlpConfig, OutputActivation, ValidMlpConfig};

use crate::TrainError;
use crate::adam::Adam;

/// One run, with the tutorial's values as defaults; saved as the run's `config.json`.
#[derive(Config, Debug, PartialEq)]
pub struct TrainingConfig {
    #[config(default = "DataConfig::new()")]
    pub data: DataConfig,
    #[config(default = "SplitConfig::new()")]
    pub split: SplitConfig,
    #[config(default = "MlpConfig::new()")]
    pub model: MlpConfig,
    #[config(default = "LossKind::Hinge")]
    pub loss: LossKind,
    #[config(default = 30)]
    pub epochs: usize,
    #[config(default = 5)]
    pub batch_size: usize,
    #[config(default = 0.03)]
    pub learning_rate: f64,
    #[config(default = 0.9)]
    pub beta_1: f64,
    #[config(default = 0.999)]
    pub beta_2: f64,
    /// Keras's Adam default; burn's is 1e-5.
    #[config(default = 1e-7)]
    pub epsilon: f64,
    /// Seeds the data, the initial weights and the shuffling.
    #[config(default = 42)]
    pub seed: u64,
}

/// A [`TrainingConfig`] whose every value was checked: training from it cannot fail on a
/// parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidTrainingConfig {
    config: TrainingConfig,
    data: ValidDataConfig,
    split: ValidSplit,
    model: ValidMlpConfig,
    encoding: TargetEncoding,
}

impl TrainingConfig {
    /// Reads a `config.json` a run saved, or one a user wrote or edited. Fields left out take
    /// their defaults; a field this version does not know is an error rather than silently
    /// ignored, since it is most likely a typo of one that would then keep its default.
    pub fn from_file(path: &Path) -> Result<TrainingConfig, TrainError> {
        let text =
            std::fs::read_to_string(path).map_err(TrainError::io("read the config file", path))?;
        let invalid = |reason: String| TrainError::Format {
            what: "training config",
            path: path.to_path_buf(),
            reason,
        };
        let given: serde_json::Value =
            serde_json::from_str(&text).map_err(|err| invalid(err.to_string()))?;
        if !given.is_object() {
            return Err(invalid("expected a JSON object of settings".to_string()));
        }
        let mut merged =
            serde_json::to_value(TrainingConfig::new()).expect("a config always serialises");
        if let Some(field) = unknown_field(&given, &merged) {
            return Err(invalid(format!("unknown field `{field}`")));
        }
        merge(&mut merged, given);
        serde_json::from_value(merged).map_err(|err| invalid(err.to_string()))
    }

    pub fn check(&self) -> Result<ValidTrainingConfig, TrainError> {
        let data = self.data.check()?;
        let split = self.split.check(data.samples())?;
        let (model, encoding) = self.network(data.width(), data.classes())?;
        if self.loss == LossKind::Logistic && self.model.output != OutputActivation::Tanh {
            return Err(TrainError::LossNeedsTanhOutput {
                loss: self.loss,
                output: self.model.output,
            });
        }
        if self.epochs == 0 {
            return Err(TrainError::Epochs(self.epochs));
        }
        if self.batch_size == 0 {
            return Err(TrainError::BatchSize(self.batch_size));
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(TrainError::LearningRate(self.learning_rate));
        }
        for (name, value) in [("beta_1", self.beta_1), ("beta_2", self.beta_2)] {
            if !(0.0..1.0).contains(&value) {
                return Err(TrainError::Beta { name, value });
            }
        }
        if !(self.epsilon.is_finite() && self.epsilon > 0.0) {
            return Err(TrainError::Epsilon(self.epsilon));
        }
        Ok(ValidTrainingConfig {
            config: self.clone(),
            data,
            split,
            model,
            encoding,
        })
    }
}

impl TrainingConfig {
    /// The network for data of `width` features and `classes` classes, with how its loss
    /// wants the labels: what [`TrainingConfig::check`] builds, and what a saved run's model is
    /// loaded into without its data at hand.
    pub fn network(
        &self,
        width: usize,
        classes: usize,
    ) -> Result<(ValidMlpConfig, TargetEncoding), TrainError> {
        let encoding = self
            .loss
            .encoding(classes)
            .ok_or(TrainError::LossNeedsTwoClasses {
                loss: self.loss,
                dataset: self.data.name(),
                classes,
            })?;
        let model = self
            .model
            .check()?
            .with_inputs(width)?
            .with_outputs(encoding.width());
        Ok((model, encoding))
    }
}

impl ValidTrainingConfig {
    pub fn config(&self) -> &TrainingConfig {
        &self.config
    }

    pub fn data(&self) -> &ValidDataConfig {
        &self.data
    }

    pub fn split(&self) -> &ValidSplit {
        &self.split
    }

    /// The network, with as many outputs as the loss needs.
    pub fn model(&self) -> &ValidMlpConfig {
        &self.model
    }

    /// The same run for points of `width` features that its caller supplies instead of the
    /// data config's (the page's uploads): the network reads that many inputs.
    pub fn with_point_width(mut self, width: usize) -> Result<Self, TrainError> {
        self.model = self.model.with_inputs(width)?;
        Ok(self)
    }

    /// How the loss wants the labels.
    pub fn encoding(&self) -> TargetEncoding {
        self.encoding
    }

    /// The run's Adam, for parameters on `device`.
    pub fn optimizer(&self, device: &Device) -> ModuleOptimizer {
        self.adam(device).init()
    }

    pub(crate) fn adam(&self, device: &Device) -> Adam {
        Adam::for_device(
            self.config.beta_1 as f32,
            self.config.beta_2 as f32,
            self.config.epsilon as f32,
            device,
        )
    }

    /// The run's data, generated (or a table's rows ordered) from its data seed, cut into test,
    /// training and validation, and standardised on the training part where the data scales.
    pub fn data_split(&self) -> DataSplit {
        self.scaled_split().0
    }

    /// [`ValidTrainingConfig::data_split`], and the scaler that standardised it, if any: the
    /// one `predict` applies to raw rows.
    pub fn scaled_split(&self) -> (DataSplit, Option<Scaler>) {
        let split = self
            .split
            .apply(&LabeledPoints::generate(&self.data, self.data_seed()));
        if self.data.scales() {
            let (split, scaler) = split.standardised();
            (split, Some(scaler))
        } else {
            (split, None)
        }
    }

    /// The seed of the data: the split's own if it has one, else in cross-validation the
    /// repeat's, which every fold of the repeat shares, else the run's (the weights and the
    /// shuffling keep the run's seed).
    pub fn data_seed(&self) -> u64 {
        match (self.config.split.data_seed, self.split.fold()) {
            (Some(seed), _) => seed,
            (None, Some(fold)) if !fold.within_training => fold.repeat,
            _ => self.config.seed,
        }
    }

    /// Generates the run's points and checks that they fit in f32, where the network computes:
    /// a run on points beyond it would only fail later, blaming its learning rate. Training
    /// itself does not refuse such points (a member of a population with them diverges alone),
    /// so callers check before anything trains.
    pub fn check_data_fits(&self) -> Result<(), TrainError> {
        let data = LabeledPoints::generate(&self.data, self.data_seed());
        Ok(data.check_fits_f32(&self.data)?)
    }
}

/// The first key of `given`, as a dotted path, that `known` (the same config written back) lacks.
fn unknown_field(given: &serde_json::Value, known: &serde_json::Value) -> Option<String> {
    let (serde_json::Value::Object(given), serde_json::Value::Object(known)) = (given, known)
    else {
        return None;
    };
    given.iter().find_map(|(key, value)| match known.get(key) {
        None => Some(key.clone()),
        Some(known) => unknown_field(value, known).map(|inner| format!("{key}.{inner}")),
    })
}

/// Lays `given` over `defaults`, object by object, so a partial file keeps the other defaults.
fn merge(defaults: &mut serde_json::Value, given: serde_json::Value) {
    match (defaults, given) {
        (serde_json::Value::Object(defaults), serde_json::Value::Object(given)) => {
            for (key, value) in given {
                match defaults.get_mut(&key) {
                    Some(slot) => merge(slot, value),
                    None => {
                        defaults.insert(key, value);
                    }
                }
            }
        }
        (slot, given) => *slot = given,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_tutorials() {
        let config = TrainingConfig::new();
        assert_eq!(config.data.samples, 1000);
        assert_eq!(config.data.factor, 0.1);
        assert_eq!(config.data.noise, 0.0);
        assert_eq!(config.split.test_samples, 250);
        assert_eq!(config.split.validation_split, 0.2);
        assert_eq!(config.model.hidden, vec![4, 2]);
        assert_eq!(config.loss, LossKind::Hinge);
        assert_eq!((config.epochs, config.batch_size), (30, 5));
        assert_eq!(config.learning_rate, 0.03);
        assert_eq!(
            (config.beta_1, config.beta_2, config.epsilon),
            (0.9, 0.999, 1e-7)
        );
        assert_eq!(config.seed, 42);
        assert_eq!(config.check().unwrap().split().sizes(), (600, 150, 250));
    }

    #[test]
    fn out_of_range_values_are_rejected_naming_the_value() {
        let cases: Vec<(TrainingConfig, &str)> = vec![
            (TrainingConfig::new().with_epochs(0), "epochs 0"),
            (TrainingConfig::new().with_batch_size(0), "batch size 0"),
            (
                TrainingConfig::new().with_learning_rate(0.0),
                "learning rate 0",
            ),
            (
                TrainingConfig::new().with_learning_rate(-1.0),
                "learning rate -1",
            ),
            (
                TrainingConfig::new().with_learning_rate(f64::NAN),
                "learning rate NaN",
            ),
            (
                TrainingConfig::new().with_learning_rate(f64::INFINITY),
                "learning rate inf",
            ),
            (TrainingConfig::new().with_beta_1(1.0), "beta_1 1"),
            (TrainingConfig::new().with_beta_2(-0.5), "beta_2 -0.5"),
            (TrainingConfig::new().with_epsilon(0.0), "epsilon 0"),
            (
                TrainingConfig::new().with_data(DataConfig::new().with_factor(1.0)),
                "factor 1",
            ),
            (
                TrainingConfig::new().with_split(SplitConfig::new().with_test_samples(1000)),
                "test samples 1000",
            ),
        ];
        for (config, expected) in cases {
            let err = config.check().unwrap_err().to_string();
            assert!(
                err.contains(expected),
                "'{err}' should contain '{expected}'"
            );
        }
    }

    #[test]
    fn saved_config_loads_back_equal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        let config = TrainingConfig::new()
            .with_loss(LossKind::SquaredHinge)
            .with_seed(7);
        crate::RunDir::new(dir.path())
            .save_config(&config.check().unwrap())
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"squared-hinge\""), "{text}");
        assert_eq!(TrainingConfig::load(&path).unwrap(), config);
    }
}
