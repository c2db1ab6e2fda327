//! One configuration over many seeds, per loss: how reliably each loss reaches the tutorial's
//! 100%, and where it puts the boundary.

use hinge_data::DatasetKind;
use hinge_train::TrainingConfig;

pub use super::plot::MARGINS_PLOT;
use super::plot::{boundary_radius_plot, margin_histograms};
pub use super::record::RUNS_FILE;
use super::record::{RunRow, write_rows};
use super::{LabSettings, Summary, Trial};
use crate::AppError;

pub const SUMMARY_FILE: &str = "summary.csv";
pub const BOUNDARY_PLOT: &str = "boundary_radius.png";

/// Everything `lab seeds` asks for, parsed.
#[derive(Debug, Clone)]
pub struct SeedsRequest {
    /// Shared by every run; its loss and seed are replaced by each run's.
    pub config: TrainingConfig,
    pub batch: LabSettings,
}

pub struct SeedsOutcome {
    /// Loss by loss, seed by seed.
    pub trials: Vec<Trial>,
    pub summaries: Vec<Summary>,
}

/// Trains every loss with seeds `first_seed ..`, then writes `runs.csv` (a row per run),
/// `summary.csv` (a row per loss), the margin histograms and, for circles, the boundary radii.
pub fn run_seeds(request: &SeedsRequest) -> Result<SeedsOutcome, AppError> {
    let batch = &request.batch;
    let configs = batch.configs(&request.config)?;
    let what = format!("{} seeds x {} losses", batch.seeds, batch.losses.len());
    let plan = serde_json::json!({
        "command": "seeds",
        "config": request.config,
        "losses": batch.losses,
        "seeds": batch.seeds,
        "first_seed": batch.first_seed,
    })
    .to_string();
    let trials = batch.train("seeds", &what, &configs, &plan)?;
    let rows: Vec<RunRow> = trials.iter().map(RunRow::from).collect();
    let summaries = Summary::per_loss(&batch.losses, &rows);

    let dir = &batch.artifacts;
    write_rows(&dir.join(RUNS_FILE), &rows)?;
    write_rows(&dir.join(SUMMARY_FILE), &summaries)?;
    margin_histograms(&dir.join(MARGINS_PLOT), &batch.losses, &trials)?;
    if request.config.data.generated() == Some(DatasetKind::Circles) {
        boundary_radius_plot(
            &dir.join(BOUNDARY_PLOT),
            &batch.losses,
            &trials,
            request.config.data.factor,
        )?;
    }
    Ok(SeedsOutcome { trials, summaries })
}
