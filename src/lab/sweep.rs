//! The separability sweep: noise x factor x loss x seeds. The tutorial guesses that hinge
//! losses are "relatively sensitive to the separability of your dataset"; this measures test
//! accuracy as the rings blur (noise) and close in on each other (factor).

use hinge_data::{DataConfig, DatasetKind};
use hinge_train::{TrainingConfig, write_atomic};

use super::plot::{accuracy_heatmaps, accuracy_vs_noise};
use super::{Batch, Summary, Trial, write_trials_csv};
use crate::AppError;

pub const RUNS_FILE: &str = "runs.csv";
pub const CELLS_FILE: &str = "cells.csv";
pub const NOISE_PLOT: &str = "accuracy_vs_noise.png";
pub const HEATMAP_PLOT: &str = "accuracy_heatmap.png";

/// Everything `lab sweep` asks for, parsed.
#[derive(Debug, Clone)]
pub struct SweepRequest {
    /// Shared by every run; its noise, factor, loss and seed are replaced by each run's.
    pub config: TrainingConfig,
    pub noises: Vec<f64>,
    pub factors: Vec<f64>,
    pub batch: Batch,
}

/// One (noise, factor, loss) cell of the sweep, summarised over its seeds.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepCell {
    pub noise: f64,
    pub factor: f64,
    pub summary: Summary,
}

pub struct SweepOutcome {
    pub trials: Vec<Trial>,
    /// Noise-major, then factor, then loss, as the runs were ordered.
    pub cells: Vec<SweepCell>,
}

/// Trains the whole grid, then writes `runs.csv`, `cells.csv`, the accuracy-against-noise plot
/// and the heatmaps.
pub fn run_sweep(request: &SweepRequest) -> Result<SweepOutcome, AppError> {
    for (flag, values) in [("--noise", &request.noises), ("--factor", &request.factors)] {
        if values.is_empty() {
            return Err(AppError::LabSetting {
                flag,
                value: "(none)".into(),
                allowed: "give at least one value, e.g. 0,0.1,0.2",
            });
        }
    }
    let batch = &request.batch;
    let dataset = request.config.data.dataset;
    if dataset != DatasetKind::Circles {
        return Err(AppError::LabSetting {
            flag: "--dataset",
            value: dataset.to_string(),
            allowed: "the sweep varies make_circles's noise and factor: use circles",
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
            configs.extend(batch.configs(&request.config.clone().with_data(data))?);
        }
    }
    let what = format!(
        "{} noise x {} factor x {} losses x {} seeds",
        request.noises.len(),
        request.factors.len(),
        batch.losses.len(),
        batch.seeds
    );
    let trials = batch.train("sweep", &what, &configs)?;
    let cells = cells(request, &trials);

    let dir = &batch.artifacts;
    write_trials_csv(&dir.join(RUNS_FILE), &trials)?;
    let mut csv = format!("noise,factor,{}\n", Summary::CSV_HEADER);
    for cell in &cells {
        csv += &format!(
            "{},{},{}\n",
            cell.noise,
            cell.factor,
            cell.summary.csv_row()
        );
    }
    write_atomic(&dir.join(CELLS_FILE), csv.as_bytes())?;
    accuracy_vs_noise(&dir.join(NOISE_PLOT), request, &cells)?;
    accuracy_heatmaps(&dir.join(HEATMAP_PLOT), request, &cells)?;
    Ok(SweepOutcome { trials, cells })
}

fn cells(request: &SweepRequest, trials: &[Trial]) -> Vec<SweepCell> {
    let mut cells = Vec::new();
    for &noise in &request.noises {
        for &factor in &request.factors {
            for &loss in &request.batch.losses {
                let mine: Vec<&Trial> = trials
                    .iter()
                    .filter(|t| t.noise == noise && t.factor == factor && t.loss == loss)
                    .collect();
                cells.push(SweepCell {
                    noise,
                    factor,
                    summary: Summary::of(loss, &mine),
                });
            }
        }
    }
    cells
}

/// Per loss, mean test accuracy (%) with noise down and factor across, and how many runs of
/// each cell reached 100%.
pub fn table(request: &SweepRequest, cells: &[SweepCell]) -> String {
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
                out += &format!(
                    " {:>12}",
                    format!(
                        "{:.1} ({})",
                        cell.summary.accuracy.0 * 100.0,
                        cell.summary.full_accuracy
                    )
                );
            }
            out.push('\n');
        }
    }
    out
}
