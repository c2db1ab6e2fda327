//! Repeated stratified K-fold cross-validation, scikit-learn's `RepeatedStratifiedKFold`, as
//! one population step: every loss, repeat, fold and seed is a member. It reports each loss's
//! mean and standard deviation of test accuracy over the folds, beside the rate of always
//! guessing the training fold's majority class.

use hinge_data::{Fold, SplitConfig, stratified_order};
use hinge_model::LossKind;
use hinge_train::{MemoryEstimate, TrainingConfig, ValidTrainingConfig};
use serde::Serialize;

use super::plot::{MARGINS_PLOT, margin_histograms};
use super::record::write_rows;
use super::{LabSettings, Trial};
use crate::AppError;

/// A row per member: which loss, repeat, fold and seed, and how it scored.
pub const CV_RUNS_FILE: &str = "cv_runs.csv";
/// A row per loss: the mean and standard deviation over the folds.
pub const CV_SUMMARY_FILE: &str = "cv_summary.csv";
/// For a table, the rows each fold tests on (0-based, in the file's or the shipped set's
/// order): what `bench/real_data.py` reads to fit scikit-learn on the very same folds.
pub const FOLDS_FILE: &str = "folds.csv";

/// Everything `lab cv` asks for, parsed.
#[derive(Debug, Clone)]
pub struct CvRequest {
    /// Shared by every member; its loss, seed and fold are replaced by each member's.
    pub config: TrainingConfig,
    pub folds: usize,
    pub repeats: usize,
    pub batch: LabSettings,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CvRow {
    pub loss: LossKind,
    pub repeat: u64,
    pub fold: usize,
    pub seed: u64,
    pub test_accuracy: f64,
    pub test_loss: f64,
    pub train_accuracy: f64,
    pub mean_margin: f64,
    pub diverged: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CvSummary {
    pub loss: LossKind,
    pub runs: usize,
    pub accuracy_mean: f64,
    /// numpy's `std` (over n, not n - 1), as scikit-learn's examples report `cross_val_score`.
    pub accuracy_std: f64,
    /// The mean over the folds of the test share of the training fold's majority class.
    pub majority_rate: f64,
    pub mean_margin: f64,
}

pub struct CvOutcome {
    pub rows: Vec<CvRow>,
    pub summaries: Vec<CvSummary>,
}

/// The mean and numpy's standard deviation (over n) of `values`.
pub fn mean_and_std(values: &[f64]) -> (f64, f64) {
    let n = values.len().max(1) as f64;
    let mean = values.iter().sum::<f64>() / n;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    (mean, variance.sqrt())
}

impl CvRequest {
    /// Every member: each (loss, seed) run of [`LabSettings::configs_any_classes`] once per
    /// repeat and fold, checked before anything trains.
    pub fn configs(&self) -> Result<Vec<ValidTrainingConfig>, AppError> {
        check_folds(self.folds, self.repeats)?;
        let members = self.batch.configs_any_classes(&self.config)?;
        let mut configs = Vec::with_capacity(members.len() * self.folds * self.repeats);
        for member in &members {
            for repeat in self.repeat_seeds() {
                for fold in 0..self.folds {
                    let config = member.config().clone();
                    let split = SplitConfig {
                        fold: Some(Fold::new(self.folds, fold, repeat)),
                        ..config.split.clone()
                    };
                    configs.push(config.with_split(split).check()?);
                }
            }
        }
        let at_once = configs
            .len()
            .min(self.batch.jobs.max(1) * self.batch.max_population);
        MemoryEstimate::of(&configs[..at_once]).check_fits()?;
        Ok(configs)
    }

    /// Each repeat's seed, which orders the rows into its folds.
    fn repeat_seeds(&self) -> impl Iterator<Item = u64> + use<> {
        repeat_seeds(self.batch.first_seed, self.repeats)
    }
}

/// At least 2 folds and 1 repeat: one line naming the flag otherwise.
pub(super) fn check_folds(folds: usize, repeats: usize) -> Result<(), AppError> {
    let setting = |flag, value: usize, allowed: &str| AppError::LabSetting {
        flag,
        value: value.to_string(),
        allowed: allowed.to_string(),
    };
    if folds < 2 {
        return Err(setting("--folds", folds, "at least 2 folds"));
    }
    if repeats == 0 {
        return Err(setting("--repeats", repeats, "at least 1 repeat"));
    }
    Ok(())
}

/// The seed of each of `repeats` repeats: `first_seed` and on.
pub(super) fn repeat_seeds(first_seed: u64, repeats: usize) -> impl Iterator<Item = u64> {
    (0..repeats as u64).map(move |r| first_seed.wrapping_add(r))
}

/// Trains every member as one population (or one per fold size), then writes `cv_runs.csv`,
/// `cv_summary.csv`, `margins.png` and, for a table, `folds.csv`.
pub fn run_cv(request: &CvRequest) -> Result<CvOutcome, AppError> {
    let batch = &request.batch;
    let configs = request.configs()?;
    let what = format!(
        "{} folds x {} repeats x {} seeds x {} losses",
        request.folds,
        request.repeats,
        batch.seeds,
        batch.losses.len()
    );
    let plan = serde_json::json!({
        "command": "cv",
        "config": request.config,
        "losses": batch.losses,
        "seeds": batch.seeds,
        "first_seed": batch.first_seed,
        "folds": request.folds,
        "repeats": request.repeats,
    })
    .to_string();
    let trials = batch.train("cv", &what, &configs, &plan)?;
    let rows: Vec<CvRow> = trials.iter().map(CvRow::from).collect();
    let majority = majority_rate(&configs[..request.folds * request.repeats]);
    let summaries = batch
        .losses
        .iter()
        .map(|&loss| CvSummary::of(loss, &rows, majority))
        .collect::<Vec<_>>();
    let dir = &batch.artifacts;
    write_rows(&dir.join(CV_RUNS_FILE), &rows)?;
    write_rows(&dir.join(CV_SUMMARY_FILE), &summaries)?;
    margin_histograms(&dir.join(MARGINS_PLOT), &batch.losses, &trials)?;
    if let Some(folds) = fold_rows(request, &configs[0])? {
        write_rows(&dir.join(FOLDS_FILE), &folds)?;
    }
    Ok(CvOutcome { rows, summaries })
}

impl From<&Trial> for CvRow {
    fn from(trial: &Trial) -> Self {
        let fold = trial
            .fold
            .expect("every cross-validation member has its fold");
        Self {
            loss: trial.loss,
            repeat: fold.repeat,
            fold: fold.fold,
            seed: trial.seed,
            test_accuracy: trial.test_accuracy,
            test_loss: trial.test_loss,
            train_accuracy: trial.train_accuracy,
            mean_margin: trial.margins.margin_summary().0,
            diverged: trial.diverged,
        }
    }
}

impl CvSummary {
    fn of(loss: LossKind, rows: &[CvRow], majority_rate: f64) -> Self {
        let mine: Vec<&CvRow> = rows.iter().filter(|r| r.loss == loss).collect();
        let accuracies: Vec<f64> = mine.iter().map(|r| r.test_accuracy).collect();
        let margins: Vec<f64> = mine.iter().map(|r| r.mean_margin).collect();
        let (accuracy_mean, accuracy_std) = mean_and_std(&accuracies);
        Self {
            loss,
            runs: mine.len(),
            accuracy_mean,
            accuracy_std,
            majority_rate,
            mean_margin: mean_and_std(&margins).0,
        }
    }
}

/// The mean, over the folds of `folds` (one config each), of the test share of the class most
/// common in the fold's training part.
fn majority_rate(folds: &[ValidTrainingConfig]) -> f64 {
    let rates: Vec<f64> = folds
        .iter()
        .map(|config| {
            let classes = config.data().classes();
            let split = config.data_split();
            let train = split.train.class_counts(classes);
            let majority = (0..classes).max_by_key(|&c| train[c]).unwrap_or(0);
            split.test.class_counts(classes)[majority] as f64 / split.test.len().max(1) as f64
        })
        .collect();
    mean_and_std(&rates).0
}

/// One row of `folds.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FoldRow {
    pub repeat: u64,
    pub fold: usize,
    /// The row of the table, from 0.
    pub row: usize,
}

/// For a table, every repeat's fold of every row; `None` for a generated set.
fn fold_rows(
    request: &CvRequest,
    config: &ValidTrainingConfig,
) -> Result<Option<Vec<FoldRow>>, AppError> {
    let Some(table) = config.data().table() else {
        return Ok(None);
    };
    let labels = &table.points.labels;
    let mut rows = Vec::with_capacity(labels.len() * request.repeats);
    for repeat in request.repeat_seeds() {
        let order = stratified_order(labels, repeat);
        let ordered: Vec<u8> = order.iter().map(|&row| labels[row]).collect();
        let dealt = Fold::new(request.folds, 0, repeat).folds_of(&ordered);
        for (&row, &fold) in order.iter().zip(&dealt) {
            rows.push(FoldRow { repeat, fold, row });
        }
    }
    rows.sort_by_key(|r| (r.repeat, r.fold, r.row));
    Ok(Some(rows))
}

/// The lines `lab cv` prints: a line per loss.
pub fn report(request: &CvRequest, summaries: &[CvSummary]) -> String {
    let mut out = String::new();
    for s in summaries {
        out += &format!(
            "{}: test accuracy {:.4} ± {:.4} (std over {} runs: {} folds x {} repeats x {} seeds); majority class {:.4}; mean margin {:.3}\n",
            s.loss,
            s.accuracy_mean,
            s.accuracy_std,
            s.runs,
            request.folds,
            request.repeats,
            request.batch.seeds,
            s.majority_rate,
            s.mean_margin
        );
    }
    out
}
