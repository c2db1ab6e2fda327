use burn::config::Config;

use crate::{DataError, LabeledPoints};

/// How a generated set is cut, as in the tutorial: the first `test_samples` are the test set,
/// the rest is for training, and Keras's `validation_split` takes the last fraction of that.
#[derive(Config, Debug, PartialEq)]
pub struct SplitConfig {
    #[config(default = 250)]
    pub test_samples: usize,
    #[config(default = 0.2)]
    pub validation_split: f64,
}

/// A [`SplitConfig`] checked against the number of samples it will cut.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidSplit {
    test: usize,
    train: usize,
    valid: usize,
}

impl SplitConfig {
    pub fn check(&self, samples: usize) -> Result<ValidSplit, DataError> {
        if self.test_samples == 0 || self.test_samples >= samples {
            return Err(DataError::TestSamples {
                test: self.test_samples,
                samples,
            });
        }
        if !(self.validation_split >= 0.0 && self.validation_split < 1.0) {
            return Err(DataError::ValidationSplit(self.validation_split));
        }
        let train_and_valid = samples - self.test_samples;
        // Keras: split_at = int(len * (1 - validation_split)), training keeps the first part.
        let train = (train_and_valid as f64 * (1.0 - self.validation_split)) as usize;
        if train == 0 {
            return Err(DataError::EmptyTraining {
                train_and_valid,
                validation_split: self.validation_split,
            });
        }
        Ok(ValidSplit {
            test: self.test_samples,
            train,
            valid: train_and_valid - train,
        })
    }
}

impl ValidSplit {
    pub fn sizes(&self) -> (usize, usize, usize) {
        (self.train, self.valid, self.test)
    }

    /// Cuts `data` in order, before any shuffling, as the tutorial and Keras do.
    pub fn apply(&self, data: &LabeledPoints) -> DataSplit {
        assert_eq!(
            data.len(),
            self.test + self.train + self.valid,
            "the split was checked against another number of samples"
        );
        let train_end = self.test + self.train;
        DataSplit {
            test: data.slice(0..self.test),
            train: data.slice(self.test..train_end),
            valid: data.slice(train_end..data.len()),
        }
    }
}

/// The three disjoint parts of one generated set.
#[derive(Debug, Clone, PartialEq)]
pub struct DataSplit {
    pub train: LabeledPoints,
    pub valid: LabeledPoints,
    pub test: LabeledPoints,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DataConfig;

    #[test]
    fn tutorial_split_is_600_150_250_in_order() {
        let data = LabeledPoints::generate(&DataConfig::new().check().unwrap(), 42);
        let split = SplitConfig::new().check(data.len()).unwrap();
        assert_eq!(split.sizes(), (600, 150, 250));
        let parts = split.apply(&data);
        assert_eq!(parts.test, data.slice(0..250));
        assert_eq!(parts.train, data.slice(250..850));
        assert_eq!(parts.valid, data.slice(850..1000));
    }

    #[test]
    fn keras_rounds_the_training_part_down() {
        // 10 samples after the test set with split 0.25: int(10 * 0.75) = 7 train, 3 valid.
        let split = SplitConfig::new()
            .with_test_samples(2)
            .with_validation_split(0.25)
            .check(12)
            .unwrap();
        assert_eq!(split.sizes(), (7, 3, 2));
        let no_validation = SplitConfig::new().with_validation_split(0.0).check(1000);
        assert_eq!(no_validation.unwrap().sizes(), (750, 0, 250));
    }

    #[test]
    fn invalid_splits_are_rejected() {
        let err = SplitConfig::new()
            .with_test_samples(1000)
            .check(1000)
            .unwrap_err();
        assert_eq!(
            err,
            DataError::TestSamples {
                test: 1000,
                samples: 1000
            }
        );
        assert!(err.to_string().contains("1000"));
        for bad in [1.0, -0.1, 1.5, f64::NAN] {
            let err = SplitConfig::new()
                .with_validation_split(bad)
                .check(1000)
                .unwrap_err();
            assert!(matches!(err, DataError::ValidationSplit(_)), "{bad}: {err}");
        }
        let err = SplitConfig::new()
            .with_test_samples(8)
            .with_validation_split(0.9)
            .check(9)
            .unwrap_err();
        assert!(matches!(err, DataError::EmptyTraining { .. }), "{err}");
    }
}
