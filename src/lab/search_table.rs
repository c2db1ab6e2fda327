//! The tables of `lab search`: a row per member, a row per grid point, the best point by
//! scikit-learn's rule, and the heat map of the grid.

use std::path::Path;

use hinge_model::LossKind;
use serde::{Deserialize, Serialize};

use super::Trial;
use super::cv::mean_and_std;
use super::plot_heat::{HeatAxis, HeatPanel, accuracy_heat_panels};
use super::rate_grid::{RateGrid, RatePoint};
use crate::AppError;

/// One member of a search: its grid point, seed, repeat and fold, and how it scored on the
/// fold it did not train on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchRow {
    pub loss: LossKind,
    pub learning_rate: f64,
    pub l2: f64,
    pub l1: f64,
    pub seed: u64,
    pub repeat: u64,
    pub fold: usize,
    pub validation_accuracy: f64,
    pub validation_loss: f64,
    pub train_accuracy: f64,
    pub diverged: bool,
}

impl From<&Trial> for SearchRow {
    fn from(trial: &Trial) -> Self {
        let fold = trial.fold.expect("every member of a search has its fold");
        Self {
            loss: trial.loss,
            learning_rate: trial.learning_rate,
            l2: trial.l2,
            l1: trial.l1,
            seed: trial.seed,
            repeat: fold.repeat,
            fold: fold.fold,
            validation_accuracy: trial.test_accuracy,
            validation_loss: trial.test_loss,
            train_accuracy: trial.train_accuracy,
            diverged: trial.diverged,
        }
    }
}

/// One grid point over its folds, repeats and seeds: a row of `search.csv`, as
/// `GridSearchCV`'s `cv_results_` has it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchPoint {
    pub loss: LossKind,
    pub learning_rate: f64,
    pub l2: f64,
    pub l1: f64,
    pub runs: usize,
    /// Over the members' validation folds.
    pub mean_accuracy: f64,
    /// numpy's `std` (over n), as `std_test_score`.
    pub std_accuracy: f64,
    /// Of the mean: the sample standard deviation over sqrt(n).
    pub standard_error: f64,
    /// 1 for the highest mean; equal means share a rank, as `rank_test_score`.
    pub rank: usize,
    pub diverged: usize,
}

impl SearchPoint {
    pub fn point(&self) -> RatePoint {
        RatePoint {
            learning_rate: self.learning_rate,
            l2: self.l2,
            l1: self.l1,
        }
    }
}

/// Every grid point (loss, then rate, L2 and L1 in the grid's order), summarised and ranked.
pub fn search_points(grid: &RateGrid, losses: &[LossKind], rows: &[SearchRow]) -> Vec<SearchPoint> {
    let mut points: Vec<SearchPoint> = Vec::new();
    for &loss in losses {
        for point in grid.points() {
            let mine: Vec<&SearchRow> = rows
                .iter()
                .filter(|r| {
                    r.loss == loss
                        && r.learning_rate == point.learning_rate
                        && r.l2 == point.l2
                        && r.l1 == point.l1
                })
                .collect();
            let accuracies: Vec<f64> = mine.iter().map(|r| r.validation_accuracy).collect();
            let (mean, std) = mean_and_std(&accuracies);
            let n = accuracies.len() as f64;
            let sample_std = if n > 1.0 {
                std * (n / (n - 1.0)).sqrt()
            } else {
                f64::NAN
            };
            points.push(SearchPoint {
                loss,
                learning_rate: point.learning_rate,
                l2: point.l2,
                l1: point.l1,
                runs: mine.len(),
                mean_accuracy: mean,
                std_accuracy: std,
                standard_error: sample_std / n.sqrt(),
                rank: 0,
                diverged: mine.iter().filter(|r| r.diverged).count(),
            });
        }
    }
    let means: Vec<f64> = points.iter().map(|p| p.mean_accuracy).collect();
    for point in &mut points {
        point.rank = 1 + means.iter().filter(|&&m| m > point.mean_accuracy).count();
    }
    points
}

/// scikit-learn's choice: the highest mean validation accuracy; among equal means the simpler
/// model, the larger L2 then the larger L1 penalty; then the first in the grid's order.
pub fn best_point(points: &[SearchPoint]) -> &SearchPoint {
    points
        .iter()
        .reduce(|best, p| {
            let better = p
                .mean_accuracy
                .total_cmp(&best.mean_accuracy)
                .then(p.l2.total_cmp(&best.l2))
                .then(p.l1.total_cmp(&best.l1));
            if better.is_gt() { p } else { best }
        })
        .expect("a search has at least one grid point")
}

/// The best point, and its runs trained on the whole training split and tested.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchBest {
    pub loss: LossKind,
    pub learning_rate: f64,
    pub l2: f64,
    pub l1: f64,
    pub mean_validation_accuracy: f64,
    pub std_validation_accuracy: f64,
    /// One per seed.
    pub test_accuracies: Vec<f64>,
    pub test_accuracy: f64,
    pub test_samples: usize,
}

impl SearchBest {
    pub fn of(best: &SearchPoint, tests: &[Trial]) -> Self {
        let accuracies: Vec<f64> = tests.iter().map(|t| t.test_accuracy).collect();
        Self {
            loss: best.loss,
            learning_rate: best.learning_rate,
            l2: best.l2,
            l1: best.l1,
            mean_validation_accuracy: best.mean_accuracy,
            std_validation_accuracy: best.std_accuracy,
            test_accuracy: mean_and_std(&accuracies).0,
            test_accuracies: accuracies,
            test_samples: tests.first().map_or(0, |t| t.test_samples),
        }
    }

    /// The lines `lab search` prints about it.
    pub fn report(&self) -> String {
        format!(
            "Best: {} at learning rate {}, L2 {}, L1 {}: validation accuracy {:.4} ± {:.4}; trained on the whole training split, test accuracy {:.4} on {} test rows\n",
            self.loss,
            self.learning_rate,
            self.l2,
            self.l1,
            self.mean_validation_accuracy,
            self.std_validation_accuracy,
            self.test_accuracy,
            self.test_samples
        )
    }
}

/// `search_heatmap.png`: mean validation accuracy over learning rate x L2, a panel per loss
/// (and L1 value, where the grid has several).
pub fn heatmap(path: &Path, grid: &RateGrid, points: &[SearchPoint]) -> Result<(), AppError> {
    let mut panels = Vec::new();
    let mut losses: Vec<LossKind> = points.iter().map(|p| p.loss).collect();
    losses.dedup();
    for loss in losses {
        for &l1 in &grid.l1s {
            let title = if grid.l1s.len() > 1 {
                format!("{}, L1 {l1}: mean validation accuracy", loss.title())
            } else {
                format!("{}: mean validation accuracy", loss.title())
            };
            panels.push(HeatPanel::over(
                title,
                &grid.rates,
                &grid.l2s,
                |rate, l2| {
                    points
                        .iter()
                        .find(|p| {
                            p.loss == loss && p.learning_rate == rate && p.l2 == l2 && p.l1 == l1
                        })
                        .map(|p| p.mean_accuracy)
                },
            ));
        }
    }
    let x = HeatAxis {
        name: "learning rate",
        values: &grid.rates,
    };
    let y = HeatAxis {
        name: "L2 penalty",
        values: &grid.l2s,
    };
    accuracy_heat_panels(path, x, y, &panels)
}

/// The lines `lab search` prints: a line per grid point, best first.
pub fn report(points: &[SearchPoint]) -> String {
    let mut ranked: Vec<&SearchPoint> = points.iter().collect();
    ranked.sort_by_key(|p| p.rank);
    let mut out = String::new();
    for p in ranked {
        out += &format!(
            "{:>3}. {} learning rate {} L2 {} L1 {}: validation accuracy {:.4} ± {:.4} ({} runs{})\n",
            p.rank,
            p.loss,
            p.learning_rate,
            p.l2,
            p.l1,
            p.mean_accuracy,
            p.std_accuracy,
            p.runs,
            if p.diverged > 0 {
                format!(", {} diverged", p.diverged)
            } else {
                String::new()
            }
        );
    }
    out
}
