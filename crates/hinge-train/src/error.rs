use std::path::PathBuf;

use hinge_data::DataError;
use hinge_model::{LossKind, ModelError, OutputActivation};
use thiserror::Error;

/// Everything a run can fail on, each with a message fit to print as it is.
#[derive(Debug, Error)]
pub enum TrainError {
    #[error(transparent)]
    Data(#[from] DataError),
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error("loss {loss} needs two classes, and {dataset} has {classes}")]
    LossNeedsTwoClasses {
        loss: LossKind,
        dataset: String,
        classes: usize,
    },
    #[error(
        "the logistic loss reads a tanh output as a probability, (1 + y) / 2, and output {output} has none: use the tanh output with it"
    )]
    LossNeedsTanhOutput {
        loss: LossKind,
        output: OutputActivation,
    },
    #[error("epochs {0} is out of range: at least 1 epoch is needed")]
    Epochs(usize),
    #[error("batch size {0} is out of range: it must be at least 1")]
    BatchSize(usize),
    #[error("learning rate {0} is invalid: it must be a finite number > 0")]
    LearningRate(f64),
    #[error("{name} {value} is invalid: it must be in [0, 1)")]
    Beta { name: &'static str, value: f64 },
    #[error("epsilon {0} is invalid: it must be a finite number > 0")]
    Epsilon(f64),
    #[error(
        "backend '{name}' is not compiled in: rebuild with `--features {name}` (compiled: {compiled})"
    )]
    BackendNotCompiled { name: String, compiled: String },
    #[error(
        "the wgpu backend found no graphics adapter: it needs a Vulkan driver (Metal on macOS, DX12 on Windows); without a GPU, install Mesa's software Vulkan driver (`apt-get install mesa-vulkan-drivers`), or run on the CPU"
    )]
    NoWgpuAdapter,
    #[error("the wgpu backend could not start: {0}; run on the CPU")]
    WgpuStart(String),
    #[error(
        "the cuda backend found no NVIDIA driver (libcuda.so): it needs an NVIDIA GPU and its driver"
    )]
    NoCudaDriver,
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not a valid {what}: {reason}", path.display())]
    Format {
        what: &'static str,
        path: PathBuf,
        reason: String,
    },
    #[error("training failed: {0}")]
    Training(String),
    #[error(
        "training stopped on request; {}",
        kept_checkpoint(checkpoints, *checkpoint, None)
    )]
    Stopped {
        /// The run's checkpoint folder.
        checkpoints: PathBuf,
        checkpoint: Option<usize>,
    },
    #[error(
        "the {split} loss became {value} at epoch {epoch}, step {step}: learning rate {learning_rate:?} is too large for this run; {}",
        kept_checkpoint(checkpoints, *checkpoint, Some("no later file was written"))
    )]
    NonFiniteLoss {
        value: f64,
        split: &'static str,
        epoch: usize,
        step: usize,
        learning_rate: f64,
        checkpoints: PathBuf,
        checkpoint: Option<usize>,
    },
    #[error(
        "nothing to resume in {}: it has no complete checkpoint",
        .0.display()
    )]
    NothingToResume(PathBuf),
    #[error(
        "no checkpoint in {} can be resumed from: {reasons}",
        dir.display()
    )]
    NoUsableCheckpoint { dir: PathBuf, reasons: String },
    #[error(
        "no saved model at {}: a run writes it when training finishes",
        .0.display()
    )]
    NoModel(PathBuf),
    #[error(
        "member {member} cannot share a training step with member 0: {setting} {value} against {shared}; members may differ only in seed, data and loss"
    )]
    PopulationMismatch {
        member: usize,
        setting: &'static str,
        value: String,
        shared: String,
    },
    #[error(
        "another process is training in {}: one run per folder, so wait for it to end or write elsewhere",
        .0.display()
    )]
    FolderBusy(PathBuf),
    #[error(
        "this needs about {} of memory ({} for the data, {} for the network, {} for activations) and the machine has {} available: use fewer samples, narrower layers or fewer runs at once",
        human_bytes(data + network + activations),
        human_bytes(*data),
        human_bytes(*network),
        human_bytes(*activations),
        human_bytes(*available)
    )]
    TooLarge {
        /// Bytes for the data, the network (with its gradients and Adam's state), and a
        /// step's activations.
        data: u64,
        network: u64,
        activations: u64,
        /// Bytes the machine has available now.
        available: u64,
    },
    #[error("a population needs at least one member")]
    EmptyPopulation,
    #[error("reading results back from the device failed: {0}")]
    Read(String),
}

impl TrainError {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| TrainError::Io {
            action,
            path,
            source,
        }
    }
}

/// What an early stop leaves behind. The library's errors say what happened in data and words;
/// an application adds how to go on with its own flags.
fn kept_checkpoint(
    checkpoints: &std::path::Path,
    checkpoint: Option<usize>,
    then: Option<&str>,
) -> String {
    match checkpoint {
        Some(epoch) => format!(
            "the checkpoint of epoch {epoch}, the last finished, is kept in {}{}",
            checkpoints.display(),
            then.map(|then| format!(": {then}")).unwrap_or_default()
        ),
        None => "no epoch had finished, so there is no checkpoint to resume from".to_string(),
    }
}

/// Bytes in the unit a reader takes in at a glance: `372.5 GiB`, `18.0 MiB`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}
