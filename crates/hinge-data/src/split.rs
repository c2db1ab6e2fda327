use burn::config::Config;

use crate::points::count_labels;
use crate::{DataError, LabeledPoints};

/// How a set is cut, as in the tutorial: the first `test_samples` are the test set, the rest
/// is for training, and Keras's `validation_split` takes the last fraction of that. With a
/// `fold`, the test set is that fold of cross-validation instead.
#[derive(Config, Debug, PartialEq)]
pub struct SplitConfig {
    #[config(default = 250)]
    pub test_samples: usize,
    #[config(default = 0.2)]
    pub validation_split: f64,
    /// One fold of repeated stratified K-fold cross-validation; `test_samples` then does not
    /// apply, unless the fold is within the training rows.
    #[config(default = "None")]
    pub fold: Option<Fold>,
    /// Draws (or orders) the data instead of the run's seed, so runs of other seeds share one
    /// data set and test set.
    #[config(default = "None")]
    pub data_seed: Option<u64>,
}

/// Fold `fold` (from 0) of `folds`, in repeat `repeat`: scikit-learn's
/// `RepeatedStratifiedKFold`. Each class's rows, shuffled from the repeat's seed, are dealt to
/// the folds in turn, class after class, so the folds of a repeat partition the rows, differ
/// in size by one row at most, and hold each class in its share to within a row.
#[derive(Config, Debug, PartialEq, Eq, Copy)]
pub struct Fold {
    pub folds: usize,
    pub fold: usize,
    /// Seeds the repeat's order of the rows (and a generated set's points): the same for
    /// every fold of the repeat.
    pub repeat: u64,
    /// Folds of the training rows alone, as scikit-learn's `GridSearchCV` makes them: the
    /// test set (`test_samples`) is kept out, and the repeat orders the rows left and deals
    /// them into folds. Otherwise the folds are of every row.
    #[config(default = false)]
    pub within_training: bool,
}

impl Fold {
    /// Rows of `samples` this fold tests on.
    pub fn test_rows(&self, samples: usize) -> usize {
        samples / self.folds + usize::from(self.fold < samples % self.folds)
    }

    /// `data` (in the stratified order of [`crate::stratified_order`], which keeps each
    /// class's shuffled order) with this fold's rows first, then the others, each in their
    /// order: what [`ValidSplit::apply`] cuts into test, training and validation.
    pub fn arrange(&self, data: &LabeledPoints) -> LabeledPoints {
        let folds = self.folds_of(&data.labels);
        let rows = (0..data.len()).filter(|&row| folds[row] == self.fold);
        let rest = (0..data.len()).filter(|&row| folds[row] != self.fold);
        data.select(&rows.chain(rest).collect::<Vec<_>>())
    }

    /// The training rows of a fold [`Fold::within_training`] in the repeat's order: where
    /// each of them stands among `labels`, the labels of the rows left after the test set.
    pub fn training_order(&self, labels: &[u8]) -> Vec<usize> {
        crate::stratified_order(labels, self.repeat)
    }

    /// The fold (of `folds`) each row of `labels`, in stratified order, is dealt to.
    pub fn folds_of(&self, labels: &[u8]) -> Vec<usize> {
        let counts = count_labels(labels, 0);
        // Where each class starts when the classes' rows are laid end to end.
        let starts: Vec<usize> = counts
            .iter()
            .scan(0, |start, &count| {
                let this = *start;
                *start += count;
                Some(this)
            })
            .collect();
        let mut seen = vec![0; counts.len()];
        labels
            .iter()
            .map(|&label| {
                let class = usize::from(label);
                let dealt = starts[class] + seen[class];
                seen[class] += 1;
                dealt % self.folds
            })
            .collect()
    }
}

/// A [`SplitConfig`] checked against the number of samples it will cut.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidSplit {
    /// Rows kept out before a fold within the training rows is cut; 0 otherwise.
    held_out: usize,
    test: usize,
    train: usize,
    valid: usize,
    fold: Option<Fold>,
}

impl SplitConfig {
    pub fn check(&self, samples: usize) -> Result<ValidSplit, DataError> {
        if let Some(fold) = self.fold
            && !(fold.folds >= 2 && fold.folds <= samples && fold.fold < fold.folds)
        {
            return Err(DataError::Fold {
                fold: fold.fold,
                folds: fold.folds,
                samples,
            });
        }
        let held_out = match self.fold {
            Some(Fold {
                within_training: true,
                ..
            }) => self.test_samples,
            _ => 0,
        };
        if held_out >= samples {
            return Err(DataError::TestSamples {
                test: held_out,
                samples,
            });
        }
        let samples = samples - held_out;
        let test = match self.fold {
            Some(fold) => fold.test_rows(samples),
            None => self.test_samples,
        };
        if test == 0 || test >= samples {
            return Err(DataError::TestSamples { test, samples });
        }
        if !(self.validation_split >= 0.0 && self.validation_split < 1.0) {
            return Err(DataError::ValidationSplit(self.validation_split));
        }
        let train_and_valid = samples - test;
        // Keras: split_at = int(len * (1 - validation_split)), training keeps the first part.
        let train = (train_and_valid as f64 * (1.0 - self.validation_split)) as usize;
        if train == 0 {
            return Err(DataError::EmptyTraining {
                train_and_valid,
                validation_split: self.validation_split,
            });
        }
        Ok(ValidSplit {
            held_out,
            test,
            train,
            valid: train_and_valid - train,
            fold: self.fold,
        })
    }
}

impl ValidSplit {
    pub fn sizes(&self) -> (usize, usize, usize) {
        (self.train, self.valid, self.test)
    }

    /// The cross-validation fold, if the split is one.
    pub fn fold(&self) -> Option<Fold> {
        self.fold
    }

    /// Cuts `data` in order, before any shuffling, as the tutorial and Keras do; a fold's
    /// rows are first moved to the front. A fold within the training rows tests on its fold
    /// of them, the data's test set left out.
    pub fn apply(&self, data: &LabeledPoints) -> DataSplit {
        let arranged;
        let data = match self.fold {
            Some(fold) => {
                let training = data.slice(self.held_out..data.len());
                arranged = if fold.within_training {
                    fold.arrange(&training.select(&fold.training_order(&training.labels)))
                } else {
                    fold.arrange(&training)
                };
                &arranged
            }
            None => data,
        };
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

    /// GridSearchCV's folds: of the training rows alone, partitioning them, the test set
    /// left out of every one; the repeats deal them differently.
    #[test]
    fn folds_within_the_training_rows_partition_them_and_leave_the_test_set_out() {
        use crate::{RealDataset, stratified_order};
        let table = RealDataset::BreastCancer.load();
        let ordered = table
            .points
            .select(&stratified_order(&table.points.labels, 5));
        let n = ordered.len();
        let plain = SplitConfig::new()
            .with_test_samples(143)
            .with_validation_split(0.0);
        let outer = plain.check(n).unwrap().apply(&ordered);
        let rows = |points: &LabeledPoints| -> Vec<Vec<u64>> {
            let mut rows: Vec<Vec<u64>> = points
                .points()
                .map(|p| p.iter().map(|v| v.to_bits()).collect())
                .collect();
            rows.sort();
            rows
        };
        let fold_tests = |repeat: u64| -> Vec<Vec<Vec<u64>>> {
            (0..10)
                .map(|fold| {
                    let within = Fold {
                        within_training: true,
                        ..Fold::new(10, fold, repeat)
                    };
                    let split = plain.clone().with_fold(Some(within)).check(n).unwrap();
                    let (train, valid, test) = split.sizes();
                    assert_eq!(train + valid + test, n - 143);
                    let parts = split.apply(&ordered);
                    let mut all = rows(&parts.test);
                    all.extend(rows(&parts.train));
                    all.sort();
                    assert_eq!(all, rows(&outer.train), "fold {fold}: the training rows");
                    rows(&parts.test)
                })
                .collect()
        };
        let tests = fold_tests(1);
        let mut dealt: Vec<Vec<u64>> = tests.iter().flatten().cloned().collect();
        dealt.sort();
        assert_eq!(
            dealt,
            rows(&outer.train),
            "the folds partition the training rows"
        );
        assert_ne!(tests, fold_tests(2));
    }

    #[test]
    fn the_folds_of_a_repeat_partition_the_rows_each_class_within_a_row_of_its_share() {
        use crate::{RealDataset, stratified_order};
        let table = RealDataset::BreastCancer.load();
        let ordered = table
            .points
            .select(&stratified_order(&table.points.labels, 3));
        let counts = table.class_counts();
        let n = ordered.len();
        let mut tested = Vec::new();
        for fold in 0..10 {
            let split = SplitConfig::new()
                .with_fold(Some(Fold::new(10, fold, 3)))
                .with_validation_split(0.0)
                .check(n)
                .unwrap();
            let parts = split.apply(&ordered);
            assert_eq!(parts.test.len() + parts.train.len(), n);
            let test_counts = parts.test.class_counts(2);
            for (class, &count) in counts.iter().enumerate() {
                let share = count as f64 * parts.test.len() as f64 / n as f64;
                assert!(
                    (test_counts[class] as f64 - share).abs() <= 1.0,
                    "fold {fold} class {class}: {} against {share}",
                    test_counts[class]
                );
            }
            tested.extend(parts.test.features.chunks(30).map(|row| row.to_vec()));
        }
        // Every row is tested exactly once over the ten folds.
        let mut all: Vec<Vec<f64>> = ordered.points().map(|r| r.to_vec()).collect();
        let key = |r: &Vec<f64>| r.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        all.sort_by_key(key);
        tested.sort_by_key(key);
        assert_eq!(tested, all);
        let bad = SplitConfig::new().with_fold(Some(Fold::new(10, 10, 0)));
        assert!(
            bad.check(n)
                .unwrap_err()
                .to_string()
                .contains("fold 10 of 10")
        );
        let one = SplitConfig::new().with_fold(Some(Fold::new(1, 0, 0)));
        assert!(one.check(n).is_err());
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
