//! One configuration over many seeds, per loss: how reliably each loss reaches the tutorial's
//! 100%, and where it puts the boundary.

use std::path::PathBuf;

use hinge_data::DatasetKind;
use hinge_model::LossKind;
use hinge_train::{
    BackendKind, TrainingConfig, ValidTrainingConfig, ensure_writable, write_atomic,
};

use super::plot::{boundary_radius_plot, margin_histograms};
use super::{Progress, Summary, Trial, run_trials, write_trials_csv};
use crate::AppError;

pub const RUNS_FILE: &str = "runs.csv";
pub const SUMMARY_FILE: &str = "summary.csv";
pub const MARGINS_PLOT: &str = "margins.png";
pub const BOUNDARY_PLOT: &str = "boundary_radius.png";

/// Everything `lab seeds` asks for, parsed.
#[derive(Debug, Clone)]
pub struct SeedsRequest {
    /// Shared by every run; its loss and seed are replaced by each run's.
    pub config: TrainingConfig,
    pub losses: Vec<LossKind>,
    pub seeds: usize,
    pub first_seed: u64,
    pub backend: BackendKind,
    pub jobs: usize,
    pub artifacts: PathBuf,
    pub show_progress: bool,
}

pub struct SeedsOutcome {
    /// Loss by loss, seed by seed.
    pub trials: Vec<Trial>,
    pub summaries: Vec<Summary>,
}

/// Trains every loss with seeds `first_seed ..`, then writes `runs.csv` (a row per run),
/// `summary.csv` (a row per loss), the margin histograms and, for circles, the boundary radii.
pub fn run_seeds(request: &SeedsRequest) -> Result<SeedsOutcome, AppError> {
    let configs = seed_configs(
        &request.config,
        &request.losses,
        request.seeds,
        request.first_seed,
    )?;
    check_jobs(request.jobs)?;
    let opened = request.backend.open()?;
    ensure_writable(&request.artifacts)?;
    println!("Backend: {opened}");
    println!(
        "Training {} runs: {} seeds x {} losses, {} at a time",
        configs.len(),
        request.seeds,
        request.losses.len(),
        request.jobs
    );
    let mut progress = if request.show_progress {
        Progress::new("seeds", configs.len())
    } else {
        Progress::hidden(configs.len())
    };
    let trials = run_trials(&configs, &opened.device, request.jobs, &mut progress)?;
    let summaries = Summary::per_loss(&request.losses, &trials);

    let dir = &request.artifacts;
    write_trials_csv(&dir.join(RUNS_FILE), &trials)?;
    let mut summary_csv = String::from(Summary::CSV_HEADER) + "\n";
    for summary in &summaries {
        summary_csv += &(summary.csv_row() + "\n");
    }
    write_atomic(&dir.join(SUMMARY_FILE), summary_csv.as_bytes())?;
    margin_histograms(&dir.join(MARGINS_PLOT), &request.losses, &trials)?;
    if request.config.data.dataset == DatasetKind::Circles {
        boundary_radius_plot(
            &dir.join(BOUNDARY_PLOT),
            &request.losses,
            &trials,
            request.config.data.factor,
        )?;
    }
    Ok(SeedsOutcome { trials, summaries })
}

/// Every (loss, seed) configuration, checked before anything trains.
pub fn seed_configs(
    config: &TrainingConfig,
    losses: &[LossKind],
    seeds: usize,
    first_seed: u64,
) -> Result<Vec<ValidTrainingConfig>, AppError> {
    if seeds == 0 {
        return Err(AppError::LabSetting {
            flag: "--seeds",
            value: seeds.to_string(),
            allowed: "at least 1 seed is needed",
        });
    }
    if first_seed.checked_add(seeds as u64 - 1).is_none() {
        return Err(AppError::LabSetting {
            flag: "--first-seed",
            value: first_seed.to_string(),
            allowed: "the last seed, first seed + seeds - 1, must fit in 64 bits",
        });
    }
    if losses.contains(&LossKind::CategoricalHinge) {
        return Err(AppError::LabSetting {
            flag: "--loss",
            value: LossKind::CategoricalHinge.to_string(),
            allowed: "the lab measures two-class margins: use hinge, squared-hinge, logistic, both or all",
        });
    }
    let mut configs = Vec::with_capacity(losses.len() * seeds);
    for &loss in losses {
        for seed in first_seed..first_seed + seeds as u64 {
            configs.push(config.clone().with_loss(loss).with_seed(seed).check()?);
        }
    }
    Ok(configs)
}

pub(crate) fn check_jobs(jobs: usize) -> Result<(), AppError> {
    if jobs == 0 {
        return Err(AppError::LabSetting {
            flag: "--jobs",
            value: jobs.to_string(),
            allowed: "at least 1 run at a time",
        });
    }
    Ok(())
}
