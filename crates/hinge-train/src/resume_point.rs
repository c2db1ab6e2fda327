//! Where an interrupted run goes on from: its newest checkpoint whose files all load.

use burn::module::Module;
use burn::optim::OptimizerRecord;
use burn::optim::lr_scheduler::LrSchedulerRecord;
use burn::store::{ModuleRecord, RecordError};
use burn::tensor::{Bytes, Device};
use hinge_model::Layout;

use crate::engine::networks;
use crate::run_dir::RunDir;
use crate::{TrainError, ValidTrainingConfig};

/// Where an interrupted run goes on from, and the newer checkpoints passed over.
#[derive(Debug, Clone, PartialEq)]
pub struct ResumePoint {
    /// The epoch of the checkpoint resumed from: the run redoes the epochs after it.
    pub epoch: usize,
    /// Newer checkpoints that could not be used, newest first, each with why (a file torn by
    /// a crash while burn wrote it, or one ahead of `metrics.csv`).
    pub skipped: Vec<(usize, String)>,
}

/// The newest checkpoint in `run` whose model, optimizer and scheduler files all load (read
/// through burn's record API, which returns errors where `load_checkpoint` panics) and whose
/// epochs `metrics.csv` lists. burn writes each checkpoint file through a temporary file and a
/// rename, but a machine that crashes or a damaged disk can still leave one torn; the one
/// before it, which burn keeps, is then the place to go on from.
pub fn resume_point(
    run: &RunDir,
    configs: &[ValidTrainingConfig],
    layout: Layout,
    device: &Device,
) -> Result<ResumePoint, TrainError> {
    let mut epochs = run.complete_checkpoints();
    if epochs.is_empty() {
        return Err(TrainError::NothingToResume(run.path().to_path_buf()));
    }
    epochs.sort_unstable_by(|a, b| b.cmp(a));
    let listed = run
        .read_metrics(configs.len())
        .map(|members| members.iter().map(Vec::len).min().unwrap_or(0))
        .unwrap_or(0);
    let mut skipped = Vec::new();
    for epoch in epochs {
        let usable = if epoch > listed {
            Err(format!("metrics.csv lists only {listed} epochs"))
        } else {
            verify_checkpoint(run, epoch, configs, layout, device)
        };
        match usable {
            Ok(()) => return Ok(ResumePoint { epoch, skipped }),
            Err(reason) => skipped.push((epoch, reason)),
        }
    }
    Err(TrainError::NoUsableCheckpoint {
        dir: run.checkpoints(),
        reasons: skipped
            .iter()
            .map(|(epoch, reason)| format!("epoch {epoch}: {reason}"))
            .collect::<Vec<_>>()
            .join("; "),
    })
}

/// Reads the three files of checkpoint `epoch` and loads the model's into a network of the
/// run's shape; the first thing wrong, in words.
fn verify_checkpoint(
    run: &RunDir,
    epoch: usize,
    configs: &[ValidTrainingConfig],
    layout: Layout,
    device: &Device,
) -> Result<(), String> {
    let read = |part: &str| {
        let path = run.checkpoint_file(part, epoch);
        std::fs::read(&path)
            .map(Bytes::from_bytes_vec)
            .map_err(|err| format!("{}: {err}", path.display()))
    };
    fn damaged(part: &'static str, epoch: usize) -> impl Fn(RecordError) -> String {
        move |err| format!("{part}-{epoch}.bpk is damaged ({err})")
    }
    let record = ModuleRecord::from_bytes(read("model")?).map_err(damaged("model", epoch))?;
    networks(configs, layout, device)
        .try_load_record(record)
        .map_err(|err| format!("model-{epoch}.bpk does not fit the run's network ({err})"))?;
    OptimizerRecord::from_bytes(read("optim")?).map_err(damaged("optim", epoch))?;
    LrSchedulerRecord::from_bytes(read("scheduler")?).map_err(damaged("scheduler", epoch))?;
    Ok(())
}
