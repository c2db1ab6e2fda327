use hinge_train::TrainError;
use thiserror::Error;

/// Everything the application can fail on; `main` prints it on one line.
#[derive(Debug, Error)]
pub enum AppError {
    /// The library's words, and this command line's advice where a flag fixes it.
    #[error("{}{}", .0, advice(.0))]
    Train(#[from] TrainError),
    #[error("drawing a plot failed: {0}")]
    Plot(String),
    #[error("point '{text}' is invalid: {}", point_format(*.width))]
    Point { text: String, width: usize },
    #[error("reading or writing points failed: {0}")]
    Input(String),
    #[error("benchmark: {0}")]
    Bench(String),
    /// A lab setting out of range: the flag, the value given and what is allowed.
    #[error("{flag} {value}: {allowed}")]
    LabSetting {
        flag: &'static str,
        value: String,
        allowed: String,
    },
    #[error("{} is not a lab table this version reads: {reason}", path.display())]
    LabFile {
        path: std::path::PathBuf,
        reason: String,
    },
    #[error("cannot resume the lab in {}: {reason}", dir.display())]
    Resume {
        dir: std::path::PathBuf,
        reason: String,
    },
    /// Shard folders that do not make up one whole sweep.
    #[error("cannot merge {}: {reason}", path.display())]
    Merge {
        path: std::path::PathBuf,
        reason: String,
    },
    #[error(
        "nothing to resume in {}: no circles run was started there (it has no run.json); start the run without --resume",
        .0.display()
    )]
    NoRunToResume(std::path::PathBuf),
    #[error("cannot create a temporary run folder: {0}")]
    TempFolder(std::io::Error),
    #[error(
        "stopped by {reason} after {done} of {total} runs: the finished runs are kept; run the same command with --resume to go on (the lab writes its tables and figures once every run is done)"
    )]
    LabStopped {
        reason: &'static str,
        done: usize,
        total: usize,
    },
}

/// What a point of `width` features looks like on the command line.
fn point_format(width: usize) -> String {
    match width {
        2 => "expected x,y with 2 finite numbers, e.g. 0.5,-0.25".to_string(),
        _ => format!("expected {width} finite numbers, comma-separated, one per feature"),
    }
}

/// What the command line adds to a library error: the flags that fix it. The libraries speak
/// in data and in words any caller can act on; only the binaries know their flags.
fn advice(err: &TrainError) -> &'static str {
    match err {
        TrainError::LossNeedsTwoClasses { dataset, .. } if dataset == "blobs" => {
            ": use --loss categorical-hinge, or 2 centers"
        }
        TrainError::LossNeedsTwoClasses { .. } => ": use --loss categorical-hinge",
        TrainError::NoWgpuAdapter | TrainError::WgpuStart(_) => " with `--backend flex`",
        TrainError::NoCudaDriver => "; run elsewhere with `--backend wgpu` or `--backend flex`",
        TrainError::Stopped {
            checkpoint: Some(_),
            ..
        } => ": continue it with --resume and the same --artifacts",
        TrainError::Stopped {
            checkpoint: None, ..
        } => "; --resume with the same --artifacts trains it from the start",
        TrainError::NonFiniteLoss { .. } => "; try a smaller --lr",
        TrainError::NothingToResume(_) => " (start the run without --resume)",
        TrainError::NoUsableCheckpoint { .. } => "; start the run again without --resume",
        _ => "",
    }
}
