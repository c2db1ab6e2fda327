//! The files a run leaves: each written whole or not at all.

use std::io::Write;
use std::path::Path;

use burn::module::Module;
use burn::store::ModuleRecord;
use burn::tensor::Bytes;
use hinge_model::Mlp;
use serde::{Deserialize, Serialize};

use crate::TrainError;
use crate::csv_rows::{csv_text, keyed_csv_text, read_csv, read_keyed_csv};

/// The environment variable that slows every per-epoch write by that many milliseconds, between
/// the written temporary file and its rename: for fault-injection tests, so that a kill can be
/// made to land while `metrics.csv` is being replaced. Only with the `fault-injection` feature,
/// which only tests turn on.
#[cfg(feature = "fault-injection")]
pub const SLOW_WRITES_VARIABLE: &str = "HINGE_LAB_SLOW_WRITES_MS";

#[cfg(feature = "fault-injection")]
fn pause_for_fault_injection() {
    if let Some(ms) = std::env::var(SLOW_WRITES_VARIABLE)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

#[cfg(not(feature = "fault-injection"))]
fn pause_for_fault_injection() {}

/// Writes `bytes` to a temporary file beside `path`, syncs it, then renames it over `path`,
/// so a crash or a full disk leaves the old file or the new one, never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), TrainError> {
    replace_file(path, bytes, Durability::Synced)
}

/// Removes `path` if it is there: a file already gone is what was asked for.
pub fn remove_if_present(path: &Path, action: &'static str) -> Result<(), TrainError> {
    match std::fs::remove_file(path) {
        Err(source) if source.kind() != std::io::ErrorKind::NotFound => Err(TrainError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }),
        _ => Ok(()),
    }
}

/// How far a replaced file is guaranteed to survive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Durability {
    /// Synced to the disk before the rename: whole after a power cut too.
    Synced,
    /// Renamed without a sync: whole after the process is killed, however it is killed (the
    /// operating system keeps the written pages), but a power cut may lose the newest version.
    /// For files rewritten every epoch, where a sync each time cost a quarter of the tutorial
    /// run's time.
    Unsynced,
}

/// Replaces `path` with `bytes` through a temporary file beside it (tempfile's, removed if
/// anything fails) and a rename, syncing the file and then the folder's entry as `durability`
/// says.
pub(crate) fn replace_file(
    path: &Path,
    bytes: &[u8],
    durability: Durability,
) -> Result<(), TrainError> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let result = (|| {
        let mut file = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .tempfile_in(dir)?;
        file.write_all(bytes)?;
        if durability == Durability::Synced {
            file.as_file().sync_all()?;
        } else {
            pause_for_fault_injection();
        }
        file.persist(path).map_err(|err| err.error)?;
        if durability == Durability::Synced {
            // The rename is an entry in the folder: without this a power cut may undo it.
            std::fs::File::open(dir)?.sync_all()?;
        }
        Ok(())
    })();
    result.map_err(|source| TrainError::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    })
}

/// One epoch's final values, as Keras's `history` holds them; accuracies are fractions. A row
/// of `metrics.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct EpochMetrics {
    pub epoch: usize,
    pub train_loss: f64,
    pub train_accuracy: f64,
    /// NaN when the run has no validation split.
    pub valid_loss: f64,
    pub valid_accuracy: f64,
}

impl EpochMetrics {
    pub(crate) fn empty(epoch: usize) -> Self {
        Self {
            epoch,
            train_loss: f64::NAN,
            train_accuracy: f64::NAN,
            valid_loss: f64::NAN,
            valid_accuracy: f64::NAN,
        }
    }

    /// `loss: 0.4317 - accuracy: 0.6083 - val_loss: 0.0584 - val_accuracy: 1.0000`
    pub fn keras_line(&self) -> String {
        let mut line = format!(
            "loss: {} - accuracy: {:.4}",
            keras_number(self.train_loss),
            self.train_accuracy
        );
        if !self.valid_loss.is_nan() {
            line += &format!(
                " - val_loss: {} - val_accuracy: {:.4}",
                keras_number(self.valid_loss),
                self.valid_accuracy
            );
        }
        line
    }
}

/// Keras's way: 4 decimals, scientific below 1e-3.
fn keras_number(value: f64) -> String {
    if value != 0.0 && value.abs() < 1e-3 {
        format!("{value:.4e}")
    } else {
        format!("{value:.4}")
    }
}

#[cfg(test)]
fn write_metrics_csv(path: &Path, epochs: &[EpochMetrics]) -> Result<(), TrainError> {
    replace_file(path, &csv_text(epochs), Durability::Synced)
}

/// The key column of a population's `metrics.csv`.
const MEMBER: [&str; 1] = ["member"];

/// `metrics.csv` of a population: the solo format for one member, a `member` column first for
/// more.
pub(crate) fn write_member_metrics(
    path: &Path,
    epochs: &[Vec<EpochMetrics>],
    durability: Durability,
) -> Result<(), TrainError> {
    let csv = match epochs {
        [solo] => csv_text(solo),
        _ => keyed_csv_text(
            &MEMBER,
            epochs
                .iter()
                .enumerate()
                .flat_map(|(member, rows)| rows.iter().map(move |e| (member, *e))),
        ),
    };
    replace_file(path, &csv, durability)
}

pub(crate) fn read_metrics_csv(path: &Path) -> Result<Vec<EpochMetrics>, TrainError> {
    read_csv(path, "metrics file")
}

/// The epochs of a population of `members` from its `metrics.csv`, member by member, in
/// the format [`write_member_metrics`] wrote.
pub(crate) fn read_member_metrics(
    path: &Path,
    members: usize,
) -> Result<Vec<Vec<EpochMetrics>>, TrainError> {
    if members == 1 {
        return Ok(vec![read_metrics_csv(path)?]);
    }
    let what = "population's metrics file";
    let rows: Vec<(usize, EpochMetrics)> = read_keyed_csv(path, &MEMBER, what)?;
    let mut epochs = vec![Vec::new(); members];
    for (index, (member, epoch)) in rows.into_iter().enumerate() {
        let slot = epochs.get_mut(member).ok_or_else(|| TrainError::Format {
            what,
            path: path.to_path_buf(),
            reason: format!("line {}: no member {member} of {members}", index + 2),
        })?;
        slot.push(epoch);
    }
    Ok(epochs)
}

/// The test-set evaluation, saved as `test.json`; `accuracy` is a fraction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TestResult {
    pub loss: f64,
    pub accuracy: f64,
    pub samples: usize,
}

impl TestResult {
    /// The tutorial's line: `Test results - Loss: <loss> - Accuracy: <pct>%`, the percentage
    /// with at most two decimals (Python's plain `acc * 100` would print 95.19999999999999).
    pub fn tutorial_line(&self) -> String {
        format!(
            "Test results - Loss: {} - Accuracy: {}%",
            self.loss,
            percent(self.accuracy)
        )
    }

    pub(crate) fn save(&self, path: &Path) -> Result<(), TrainError> {
        let json = serde_json::to_string_pretty(self).expect("numbers always serialise");
        write_atomic(path, json.as_bytes())
    }
}

/// A fraction as a percentage with at most two decimals and at least one, as the tutorial
/// prints a whole one: 0.952 as `95.2`, 1 as `100.0`, 0.123456 as `12.35`.
pub fn percent(fraction: f64) -> String {
    let text = format!("{:.2}", fraction * 100.0);
    match text.strip_suffix('0') {
        Some(shorter) if !shorter.ends_with('.') => shorter.to_string(),
        _ => text,
    }
}

/// Creates `dir` and proves a file can be written there, so a run that could not save its
/// results fails before training rather than after.
pub fn ensure_writable(dir: &Path) -> Result<(), TrainError> {
    std::fs::create_dir_all(dir).map_err(TrainError::io("create the artifacts folder", dir))?;
    let probe = dir.join(".hinge-lab-write-test");
    write_atomic(&probe, b"")?;
    std::fs::remove_file(&probe).map_err(TrainError::io("remove", &probe))
}

/// Loads weights saved by a run into `model`, which must have the same shape.
pub(crate) fn load_model(model: Mlp, path: &Path) -> Result<Mlp, TrainError> {
    let bytes = std::fs::read(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => TrainError::NoModel(path.to_path_buf()),
        _ => TrainError::io("read", path)(source),
    })?;
    let invalid = |reason: String| TrainError::Format {
        what: "saved model",
        path: path.to_path_buf(),
        reason,
    };
    let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(bytes))
        .map_err(|err| invalid(err.to_string()))?;
    model
        .try_load_record(record)
        .map_err(|err| invalid(err.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_have_one_or_two_decimals() {
        assert_eq!(percent(0.952), "95.2");
        assert_eq!(percent(0.9519999999999999), "95.2");
        assert_eq!(percent(1.0), "100.0");
        assert_eq!(percent(0.123456), "12.35");
        assert_eq!(percent(0.0), "0.0");
        assert_eq!(
            TestResult {
                loss: 0.5,
                accuracy: 0.952,
                samples: 250
            }
            .tutorial_line(),
            "Test results - Loss: 0.5 - Accuracy: 95.2%"
        );
    }

    #[test]
    fn atomic_write_replaces_whole_files_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
        let err = write_atomic(&dir.path().join("missing/out.txt"), b"x").unwrap_err();
        assert!(err.to_string().contains("missing/out.txt"), "{err}");
    }

    #[test]
    fn metrics_csv_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("metrics.csv");
        let epochs = vec![
            EpochMetrics {
                epoch: 1,
                train_loss: 0.4317,
                train_accuracy: 0.6083,
                valid_loss: 0.0584,
                valid_accuracy: 1.0,
            },
            EpochMetrics {
                epoch: 2,
                train_loss: 1.1379e-4,
                train_accuracy: 1.0,
                valid_loss: 9.8244e-5,
                valid_accuracy: 1.0,
            },
        ];
        write_metrics_csv(&path, &epochs).unwrap();
        assert_eq!(read_metrics_csv(&path).unwrap(), epochs);
        assert_eq!(
            epochs[1].keras_line(),
            "loss: 1.1379e-4 - accuracy: 1.0000 - val_loss: 9.8244e-5 - val_accuracy: 1.0000"
        );
    }
}
