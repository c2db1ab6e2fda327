//! The separability sweep: noise x factor x learning rate x penalty x loss x seeds. The
//! tutorial guesses that hinge losses are "relatively sensitive to the separability of your
//! dataset"; this measures test accuracy as the rings blur (noise) and close in on each other
//! (factor), and how often a run succeeds at each learning rate and penalty.

use std::path::Path;

use hinge_data::{DataConfig, DatasetKind};
use hinge_model::LossKind;
use hinge_train::{TrainingConfig, keyed_csv_text, write_atomic};
use serde::{Deserialize, Serialize};

use super::plot::{SweepGrid, accuracy_vs_noise};
use super::plot_heat::accuracy_heatmaps;
use super::plot_rates::success_vs_knob;
use super::rate_grid::RateGrid;
use super::record::{RunRow, write_rows};
pub use super::summary::SweepCell;
use super::{LabSettings, Summary, Trial};
use crate::AppError;

pub use super::record::RUNS_FILE;
pub const CELLS_FILE: &str = "cells.csv";
pub const NOISE_PLOT: &str = "accuracy_vs_noise.png";
pub const HEATMAP_PLOT: &str = "accuracy_heatmap.png";
/// Drawn when the sweep varies the learning rate or a penalty.
pub const KNOB_PLOT: &str = "success_vs_rate.png";
/// What a sweep was: its grid and settings, and which shard of it a folder holds.
pub const PLAN_FILE: &str = "sweep.json";

/// Everything `lab sweep` asks for, parsed.
#[derive(Debug, Clone)]
pub struct SweepRequest {
    /// Shared by every run; its noise, factor, rate, penalties, loss and seed are replaced
    /// by each run's.
    pub config: TrainingConfig,
    pub noises: Vec<f64>,
    pub factors: Vec<f64>,
    pub grid: RateGrid,
    pub batch: LabSettings,
    /// Train only this slice of the run list; `lab merge` combines the slices.
    pub shard: Option<Shard>,
}

/// The `index`-th (from 1) of `count` fixed, contiguous slices of a sweep's run list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// The runs `index` of `count` takes out of `runs`: the slices are as even as can be and
    /// together cover every run once.
    pub fn range(self, runs: usize) -> std::ops::Range<usize> {
        runs * (self.index - 1) / self.count..runs * self.index / self.count
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// `K/N` with 1 <= K <= N, as a job array numbers its tasks from 1.
    fn from_str(text: &str) -> Result<Self, String> {
        let invalid = || {
            format!(
                "shard '{text}' is invalid: expected K/N with 1 <= K <= N, e.g. 2/8 for the second of 8 slices"
            )
        };
        let (index, count) = text.split_once('/').ok_or_else(invalid)?;
        let (index, count): (usize, usize) = (
            index.trim().parse().map_err(|_| invalid())?,
            count.trim().parse().map_err(|_| invalid())?,
        );
        if index == 0 || index > count {
            return Err(invalid());
        }
        Ok(Shard { index, count })
    }
}

/// A sweep's identity as saved beside its runs: two folders hold parts of the same sweep when
/// their plans differ only in the shard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepPlan {
    pub config: TrainingConfig,
    pub noises: Vec<f64>,
    pub factors: Vec<f64>,
    pub grid: RateGrid,
    pub losses: Vec<LossKind>,
    pub seeds: usize,
    pub first_seed: u64,
    pub shard: Option<Shard>,
}

impl SweepPlan {
    fn of(request: &SweepRequest) -> Self {
        Self {
            config: request.config.clone(),
            noises: request.noises.clone(),
            factors: request.factors.clone(),
            grid: request.grid.clone(),
            losses: request.batch.losses.clone(),
            seeds: request.batch.seeds,
            first_seed: request.batch.first_seed,
            shard: request.shard,
        }
    }

    fn save(&self, dir: &Path) -> Result<(), AppError> {
        let json = serde_json::to_string_pretty(self).expect("a plan of numbers and names");
        Ok(write_atomic(&dir.join(PLAN_FILE), json.as_bytes())?)
    }

    /// How many runs the whole sweep has.
    pub(super) fn runs(&self) -> usize {
        self.noises.len() * self.factors.len() * self.grid.len() * self.losses.len() * self.seeds
    }
}

/// One (noise, factor, loss) cell of the sweep, summarised over its seeds.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepOutcome {
    /// The runs trained here: all of them, or the shard's.
    pub trials: Vec<Trial>,
    /// Noise-major, then factor, then loss, as the runs were ordered; empty for a shard,
    /// whose cells are summarised when the shards are merged.
    pub cells: Vec<SweepCell>,
}

/// Trains the whole grid, or the shard's slice of it, then writes `runs.csv` and `sweep.json`,
/// and for a whole sweep `cells.csv`, the accuracy-against-noise plot and the heatmaps.
pub fn run_sweep(request: &SweepRequest) -> Result<SweepOutcome, AppError> {
    for (flag, values) in [("--noise", &request.noises), ("--factor", &request.factors)] {
        if values.is_empty() {
            return Err(AppError::LabSetting {
                flag,
                value: "(none)".into(),
                allowed: "give at least one value, e.g. 0,0.1,0.2".into(),
            });
        }
    }
    request.grid.check()?;
    let batch = &request.batch;
    if request.config.data.generated() != Some(DatasetKind::Circles) {
        return Err(AppError::LabSetting {
            flag: "--dataset",
            value: request.config.data.name(),
            allowed: format!(
                "the sweep varies make_circles's noise and factor: use {}",
                DatasetKind::Circles
            ),
        });
    }
    let mut configs = Vec::new();
    for &noise in &request.noises {
        for &factor in &request.factors {
            let data = DataConfig {
                noise,
                factor,
                ..request.config.data.clone()
            };
            for point in request.grid.points() {
                let config = point.apply(request.config.clone().with_data(data.clone()));
                configs.extend(batch.configs(&config)?);
            }
        }
    }
    let mut what = format!(
        "{} noise x {} factor x {}{} losses x {} seeds",
        request.noises.len(),
        request.factors.len(),
        request
            .grid
            .describe()
            .iter()
            .map(|knob| format!("{knob} x "))
            .collect::<String>(),
        batch.losses.len(),
        batch.seeds
    );
    let slice = match request.shard {
        Some(shard) => {
            let range = shard.range(configs.len());
            what += &format!(
                ", shard {}/{}: runs {} to {} of {}",
                shard.index,
                shard.count,
                range.start + 1,
                range.end,
                configs.len()
            );
            &configs[range]
        }
        None => &configs[..],
    };
    let plan = serde_json::to_string(&SweepPlan::of(request)).expect("a plan of numbers and names");
    let trials = batch.train("sweep", &what, slice, &plan)?;
    let rows: Vec<RunRow> = trials.iter().map(RunRow::from).collect();
    let cells = match request.shard {
        Some(_) => {
            write_rows(&batch.artifacts.join(RUNS_FILE), &rows)?;
            SweepPlan::of(request).save(&batch.artifacts)?;
            Vec::new()
        }
        None => write_results(request, &rows)?,
    };
    Ok(SweepOutcome { trials, cells })
}

/// Writes a whole sweep's `runs.csv`, `sweep.json`, `cells.csv` and figures from its rows, in
/// run order; returns its cells.
pub(super) fn write_results(
    request: &SweepRequest,
    rows: &[RunRow],
) -> Result<Vec<SweepCell>, AppError> {
    let cells = cells(request, rows);
    let dir = &request.batch.artifacts;
    write_rows(&dir.join(RUNS_FILE), rows)?;
    SweepPlan::of(request).save(dir)?;
    let csv = keyed_csv_text(
        &["noise", "factor", "learning_rate", "l2", "l1"],
        cells.iter().map(|cell| {
            let p = cell.point;
            (
                (cell.noise, cell.factor, p.learning_rate, p.l2, p.l1),
                cell.summary.clone(),
            )
        }),
    );
    write_atomic(&dir.join(CELLS_FILE), &csv)?;
    let grid = SweepGrid {
        noises: &request.noises,
        factors: &request.factors,
        losses: &request.batch.losses,
        seeds: request.batch.seeds,
    };
    // Over noise and factor at one rate and penalty; a sweep over those draws its runs'
    // success against them instead.
    if request.grid.len() == 1 {
        accuracy_vs_noise(&dir.join(NOISE_PLOT), &grid, &cells)?;
        accuracy_heatmaps(&dir.join(HEATMAP_PLOT), &grid, &cells)?;
    } else {
        success_vs_knob(&dir.join(KNOB_PLOT), &request.grid, &grid, &cells)?;
    }
    Ok(cells)
}

fn cells(request: &SweepRequest, trials: &[RunRow]) -> Vec<SweepCell> {
    let mut cells = Vec::new();
    for &noise in &request.noises {
        for &factor in &request.factors {
            for point in request.grid.points() {
                for &loss in &request.batch.losses {
                    let mine: Vec<&RunRow> = trials
                        .iter()
                        .filter(|t| {
                            t.noise == noise
                                && t.factor == factor
                                && t.point() == point
                                && t.loss == loss
                        })
                        .collect();
                    cells.push(SweepCell {
                        noise,
                        factor,
                        point,
                        summary: Summary::of(loss, &mine),
                    });
                }
            }
        }
    }
    cells
}

/// Per loss, mean test accuracy (%) with noise down and factor across, and how many runs of
/// each cell reached 100%; a sweep over rates or penalties gets [`knob_table`] instead.
pub fn table(request: &SweepRequest, cells: &[SweepCell]) -> String {
    if request.grid.len() > 1 {
        return knob_table(request, cells);
    }
    let mut out = String::new();
    for &loss in &request.batch.losses {
        out += &format!(
            "{} (mean test accuracy %, runs at 100% of {}):\n{:>8}",
            loss.title(),
            request.batch.seeds,
            "noise"
        );
        for factor in &request.factors {
            out += &format!(" {:>12}", format!("factor {factor}"));
        }
        out.push('\n');
        for &noise in &request.noises {
            out += &format!("{noise:>8}");
            for &factor in &request.factors {
                let cell = cells
                    .iter()
                    .find(|c| c.noise == noise && c.factor == factor && c.summary.loss == loss)
                    .expect("every cell was summarised");
                out += &format!(" {:>12}", cell_text(cell));
            }
            out.push('\n');
        }
    }
    out
}

/// A sweep over rates or penalties: per noise and factor, a row per learning rate, L2 and L1,
/// a column per loss.
fn knob_table(request: &SweepRequest, cells: &[SweepCell]) -> String {
    let mut out = String::new();
    for &noise in &request.noises {
        for &factor in &request.factors {
            out += &format!(
                "noise {noise}, factor {factor} (mean test accuracy %, runs at 100% of {}):\n{:>14} {:>10} {:>10}",
                request.batch.seeds, "learning rate", "L2", "L1"
            );
            for loss in &request.batch.losses {
                out += &format!(" {:>14}", loss.to_string());
            }
            out.push('\n');
            for point in request.grid.points() {
                out += &format!(
                    "{:>14} {:>10} {:>10}",
                    point.learning_rate, point.l2, point.l1
                );
                for &loss in &request.batch.losses {
                    let cell = cells
                        .iter()
                        .find(|c| {
                            c.noise == noise
                                && c.factor == factor
                                && c.point == point
                                && c.summary.loss == loss
                        })
                        .expect("every cell was summarised");
                    out += &format!(" {:>14}", cell_text(cell));
                }
                out.push('\n');
            }
        }
    }
    out
}

fn cell_text(cell: &SweepCell) -> String {
    format!(
        "{:.1} ({})",
        cell.summary.accuracy_mean * 100.0,
        cell.summary.full_accuracy_runs
    )
}
