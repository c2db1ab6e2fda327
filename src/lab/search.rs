//! `lab search`: scikit-learn's `GridSearchCV` for this project. Every point of a grid of
//! learning rate x L2 (x L1 x loss), on every fold of repeated stratified K folds of the
//! training rows, is a member of one population step. The best point by scikit-learn's rule is
//! trained again on the whole training split and tested on the test set, which no fold saw.

use std::path::Path;

use hinge_data::{Fold, SplitConfig, stratified_order};
use hinge_model::LossKind;
use hinge_train::{MemoryEstimate, TrainingConfig, ValidTrainingConfig, write_atomic};
use serde::{Deserialize, Serialize};

use super::cv::{FoldRow, check_folds, repeat_seeds};
use super::rate_grid::{RateGrid, RatePoint};
use super::record::write_rows;
use super::search_table::{SearchBest, SearchPoint, SearchRow, best_point, search_points};
use super::sweep::Shard;
use super::{LabSettings, Trial};
use crate::AppError;

/// A row per member: its grid point, repeat, fold and seed, and its validation accuracy.
pub const SEARCH_RUNS_FILE: &str = "search_runs.csv";
/// A row per grid point: the mean and standard deviation of its validation accuracy.
pub const SEARCH_FILE: &str = "search.csv";
/// The best point, and its test accuracy trained on the whole training split.
pub const BEST_FILE: &str = "best.json";
/// Mean validation accuracy over learning rate x L2, a panel per loss (and L1).
pub const SEARCH_HEATMAP: &str = "search_heatmap.png";
/// What a search was, and which shard of it a folder holds.
pub const SEARCH_PLAN_FILE: &str = "search.json";
/// For a table, the fold of every training row (0-based rows of the table); the rows not
/// listed are the test set. `bench/search.py` fits scikit-learn on these very folds.
pub const SEARCH_FOLDS_FILE: &str = "folds.csv";

/// Everything `lab search` asks for, parsed.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// Shared by every member; its rate, penalties, loss, seed and split are each member's.
    pub config: TrainingConfig,
    pub grid: RateGrid,
    pub folds: usize,
    pub repeats: usize,
    pub batch: LabSettings,
    pub shard: Option<Shard>,
}

/// A search's identity as saved beside its runs: two folders hold parts of one search when
/// their plans differ only in the shard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchPlan {
    pub config: TrainingConfig,
    pub grid: RateGrid,
    pub losses: Vec<LossKind>,
    pub seeds: usize,
    pub first_seed: u64,
    pub folds: usize,
    pub repeats: usize,
    pub shard: Option<Shard>,
}

/// What a search found: the points, the best one and its test; for a shard, its runs only.
pub struct SearchOutcome {
    pub rows: Vec<SearchRow>,
    pub points: Vec<SearchPoint>,
    pub best: Option<SearchBest>,
}

impl SearchPlan {
    pub fn of(request: &SearchRequest) -> Self {
        Self {
            config: request.config.clone(),
            grid: request.grid.clone(),
            losses: request.batch.losses.clone(),
            seeds: request.batch.seeds,
            first_seed: request.batch.first_seed,
            folds: request.folds,
            repeats: request.repeats,
            shard: request.shard,
        }
    }

    /// Members of the whole search.
    pub fn runs(&self) -> usize {
        self.grid.len() * self.losses.len() * self.seeds * self.repeats * self.folds
    }
}

impl SearchRequest {
    /// The split every member and the refit share: the data drawn from the first seed, so
    /// that every member keeps the same test set out.
    fn split(&self) -> SplitConfig {
        SplitConfig {
            data_seed: Some(self.batch.first_seed),
            fold: None,
            ..self.config.split.clone()
        }
    }

    /// Each repeat's seed, which deals the training rows into its folds.
    fn repeat_seeds(&self) -> impl Iterator<Item = u64> + use<> {
        repeat_seeds(self.batch.first_seed, self.repeats)
    }

    /// Every member, grid point by grid point (then loss, seed, repeat and fold), checked
    /// before anything trains.
    pub fn configs(&self) -> Result<Vec<ValidTrainingConfig>, AppError> {
        self.grid.check()?;
        check_folds(self.folds, self.repeats)?;
        let split = self.split();
        let mut configs = Vec::with_capacity(self.grid.len() * self.folds * self.repeats);
        for point in self.grid.points() {
            let base = point.apply(self.config.clone()).with_split(split.clone());
            for member in self.batch.configs_any_classes(&base)? {
                for repeat in self.repeat_seeds() {
                    for fold in 0..self.folds {
                        let fold = Fold {
                            within_training: true,
                            ..Fold::new(self.folds, fold, repeat)
                        };
                        let split = split.clone().with_fold(Some(fold));
                        configs.push(member.config().clone().with_split(split).check()?);
                    }
                }
            }
        }
        self.check_memory(&configs)?;
        Ok(configs)
    }

    /// The members trained at once must fit in the memory available: one line naming the
    /// grid's size and the limit if they do not.
    fn check_memory(&self, configs: &[ValidTrainingConfig]) -> Result<(), AppError> {
        let at_once = configs
            .len()
            .min(self.batch.jobs.max(1) * self.batch.max_population);
        match MemoryEstimate::of(&configs[..at_once]).check_fits() {
            Ok(()) => Ok(()),
            Err(err) => Err(AppError::LabSetting {
                flag: "--lr/--l2 grid",
                value: format!(
                    "{} points x {} folds x {} repeats x {} seeds x {} losses = {} members",
                    self.grid.len(),
                    self.folds,
                    self.repeats,
                    self.batch.seeds,
                    self.batch.losses.len(),
                    configs.len()
                ),
                allowed: format!("{at_once} trained at once do not fit: {err}"),
            }),
        }
    }

    /// The best point's runs on the whole training split, one per seed, tested on the test
    /// set.
    fn refit_configs(
        &self,
        best: RatePoint,
        loss: LossKind,
    ) -> Result<Vec<ValidTrainingConfig>, AppError> {
        let config = best
            .apply(self.config.clone())
            .with_split(self.split())
            .with_loss(loss);
        let one_loss = LabSettings {
            losses: vec![loss],
            ..self.batch.clone()
        };
        one_loss.configs_any_classes(&config)
    }
}

/// Trains every member (or the shard's slice), then writes `search_runs.csv` and
/// `search.json`, and for a whole search `search.csv`, the heat map, the best point refitted
/// (`best.json`) and, for a table, `folds.csv`.
pub fn run_search(request: &SearchRequest) -> Result<SearchOutcome, AppError> {
    let configs = request.configs()?;
    let batch = &request.batch;
    let mut what = format!(
        "{} grid points x {} folds x {} repeats x {} seeds x {} losses",
        request.grid.len(),
        request.folds,
        request.repeats,
        batch.seeds,
        batch.losses.len()
    );
    let slice = match request.shard {
        Some(shard) => {
            let range = shard.range(configs.len());
            what += &format!(", shard {}/{}", shard.index, shard.count);
            &configs[range]
        }
        None => &configs[..],
    };
    let plan = SearchPlan::of(request);
    let plan_text = serde_json::to_string(&plan).expect("a plan of numbers and names");
    let trials = batch.train("search", &what, slice, &plan_text)?;
    let rows: Vec<SearchRow> = trials.iter().map(SearchRow::from).collect();
    let dir = &batch.artifacts;
    if request.shard.is_some() {
        write_rows(&dir.join(SEARCH_RUNS_FILE), &rows)?;
        save_plan(&plan, dir)?;
        return Ok(SearchOutcome {
            rows,
            points: Vec::new(),
            best: None,
        });
    }
    write_results(request, rows)
}

/// A whole search's tables and figures from its rows, in member order, and its best point
/// trained again and tested.
pub(super) fn write_results(
    request: &SearchRequest,
    rows: Vec<SearchRow>,
) -> Result<SearchOutcome, AppError> {
    let dir = &request.batch.artifacts;
    let points = search_points(&request.grid, &request.batch.losses, &rows);
    let chosen = best_point(&points);
    let refits = request.refit_configs(chosen.point(), chosen.loss)?;
    let tests: Vec<Trial> = request.batch.train_unjournaled(&refits)?;
    let best = SearchBest::of(chosen, &tests);
    write_rows(&dir.join(SEARCH_RUNS_FILE), &rows)?;
    save_plan(&SearchPlan::of(request), dir)?;
    write_rows(&dir.join(SEARCH_FILE), &points)?;
    let json = serde_json::to_string_pretty(&best).expect("numbers and names");
    write_atomic(&dir.join(BEST_FILE), json.as_bytes())?;
    super::search_table::heatmap(&dir.join(SEARCH_HEATMAP), &request.grid, &points)?;
    if let Some(folds) = fold_rows(request)? {
        write_rows(&dir.join(SEARCH_FOLDS_FILE), &folds)?;
    }
    Ok(SearchOutcome {
        rows,
        points,
        best: Some(best),
    })
}

fn save_plan(plan: &SearchPlan, dir: &Path) -> Result<(), AppError> {
    let json = serde_json::to_string_pretty(plan).expect("a plan of numbers and names");
    Ok(write_atomic(&dir.join(SEARCH_PLAN_FILE), json.as_bytes())?)
}

/// For a table, the fold of each training row in each repeat; `None` for a generated set.
fn fold_rows(request: &SearchRequest) -> Result<Option<Vec<FoldRow>>, AppError> {
    let config = request.config.clone().with_split(request.split()).check()?;
    let Some(table) = config.data().table() else {
        return Ok(None);
    };
    let labels = &table.points.labels;
    let order = stratified_order(labels, request.batch.first_seed);
    let (_, _, test) = config.split().sizes();
    let training = &order[test..];
    let training_labels: Vec<u8> = training.iter().map(|&row| labels[row]).collect();
    let mut rows = Vec::with_capacity(training.len() * request.repeats);
    for repeat in request.repeat_seeds() {
        let fold = Fold {
            within_training: true,
            ..Fold::new(request.folds, 0, repeat)
        };
        let inner = fold.training_order(&training_labels);
        let ordered: Vec<u8> = inner.iter().map(|&at| training_labels[at]).collect();
        for (&at, &dealt) in inner.iter().zip(&fold.folds_of(&ordered)) {
            rows.push(FoldRow {
                repeat,
                fold: dealt,
                row: training[at],
            });
        }
    }
    rows.sort_by_key(|r| (r.repeat, r.fold, r.row));
    Ok(Some(rows))
}
