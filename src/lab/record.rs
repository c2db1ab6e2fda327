//! One row of a lab's `runs.csv`: what the tables and figures of a batch of runs are computed
//! from, so a sweep's shards, written on different machines, merge into the tables an
//! unsharded sweep writes.

use std::path::Path;

use hinge_model::LossKind;
use hinge_train::{csv_text, read_csv, write_atomic};
use serde::{Deserialize, Serialize};

use super::Trial;
use crate::AppError;

/// The name of every lab's run table.
pub const RUNS_FILE: &str = "runs.csv";

/// A finished run reduced to numbers; written and read by the `csv` crate, so the header and
/// the fields cannot drift apart. Floats round-trip exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRow {
    pub loss: LossKind,
    pub seed: u64,
    pub noise: f64,
    pub factor: f64,
    pub test_accuracy: f64,
    pub test_loss: f64,
    /// The last epoch's training accuracy.
    pub train_accuracy: f64,
    pub mean_margin: f64,
    pub min_margin: f64,
    /// Fraction of test points with t * f(x) <= 0.
    pub misclassified: f64,
    /// Mean distance to the boundary from class-0 (outer) and class-1 (inner) test points.
    pub distance_outer: f64,
    pub distance_inner: f64,
    /// Mean and spread over the rays from the origin that cross the boundary, and how many do.
    pub boundary_radius: f64,
    pub boundary_radius_spread: f64,
    pub rays_crossing: usize,
    /// Dead units per hidden layer, input side first, joined by `+` (e.g. `0+1`).
    pub dead_units: String,
    /// Its loss stopped being a number during training.
    pub diverged: bool,
}

impl RunRow {
    pub fn has_dead_units(&self) -> bool {
        self.dead_units
            .split('+')
            .any(|count| count.parse::<usize>().is_ok_and(|n| n > 0))
    }

    pub fn reached_full_accuracy(&self) -> bool {
        self.test_accuracy == 1.0
    }
}

impl From<&Trial> for RunRow {
    fn from(trial: &Trial) -> Self {
        let (mean_margin, min_margin, misclassified) = trial.margins.margin_summary();
        let (boundary_radius, boundary_radius_spread, rays_crossing) = trial.radius_summary();
        RunRow {
            loss: trial.loss,
            seed: trial.seed,
            noise: trial.noise,
            factor: trial.factor,
            test_accuracy: trial.test.accuracy,
            test_loss: trial.test.loss,
            train_accuracy: trial.train_accuracy,
            mean_margin,
            min_margin,
            misclassified,
            distance_outer: trial.margins.mean_distance(0),
            distance_inner: trial.margins.mean_distance(1),
            boundary_radius,
            boundary_radius_spread,
            rays_crossing,
            dead_units: trial
                .dead_units
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join("+"),
            diverged: trial.diverged,
        }
    }
}

/// Writes rows with their header (their type's field names), whole or not at all.
pub fn write_rows<T: Serialize>(path: &Path, rows: &[T]) -> Result<(), AppError> {
    Ok(write_atomic(path, &csv_text(rows))?)
}

/// Reads the rows [`write_rows`] wrote; a missing file, a missing column or a bad field is an
/// error naming the file and the line.
pub fn read_rows<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Vec<T>, AppError> {
    Ok(read_csv(path, "lab table")?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_exactly_nan_included() {
        let row = RunRow {
            loss: LossKind::SquaredHinge,
            seed: 7,
            noise: 0.15,
            factor: 0.1,
            test_accuracy: 0.9959999999999999,
            test_loss: 1.0 / 3.0,
            train_accuracy: 1.0,
            mean_margin: 0.987654321,
            min_margin: -0.25,
            misclassified: 0.004,
            distance_outer: 0.5,
            distance_inner: f64::NAN,
            boundary_radius: 0.44,
            boundary_radius_spread: 0.01,
            rays_crossing: 360,
            dead_units: "0+1".into(),
            diverged: false,
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(RUNS_FILE);
        write_rows(&path, &[row.clone(), row.clone()]).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("loss,seed,noise,factor,test_accuracy"),
            "{text}"
        );
        let back: Vec<RunRow> = read_rows(&path).unwrap();
        assert_eq!(back.len(), 2);
        assert!(back[0].distance_inner.is_nan());
        assert_eq!(back[0].test_accuracy.to_bits(), row.test_accuracy.to_bits());
        assert_eq!(back[0].loss, LossKind::SquaredHinge);
        assert!(back[0].has_dead_units());
        std::fs::write(&path, "loss,seed\nhinge,x\n").unwrap();
        let err = read_rows::<RunRow>(&path).unwrap_err().to_string();
        assert!(err.contains(RUNS_FILE), "{err}");
    }
}

/// The lab's progress while it runs: each finished population's trials, a JSON line per trial,
/// appended as the population finishes, so a stopped or killed lab can `--resume`.
pub const PROGRESS_FILE: &str = "progress.jsonl";
/// The plan the progress belongs to; `--resume` must be asked for the same plan.
pub const PROGRESS_PLAN: &str = "progress.json";

/// A [`Trial`] as one line of [`PROGRESS_FILE`]. Floats are written as text (`NaN` included,
/// which JSON numbers cannot hold) and read back bit for bit, so a resumed lab ends with the
/// tables and figures of an uninterrupted one.
#[derive(Debug, Serialize, Deserialize)]
struct TrialLine {
    loss: LossKind,
    seed: u64,
    noise: String,
    factor: String,
    test_loss: String,
    test_accuracy: String,
    test_samples: usize,
    train_accuracy: String,
    margins: Vec<String>,
    distances: Vec<Option<String>>,
    labels: Vec<u8>,
    radii: Vec<Option<String>>,
    dead_units: Vec<usize>,
    diverged: bool,
}

fn text(value: f64) -> String {
    value.to_string()
}

fn number(text: &str) -> Result<f64, String> {
    text.parse()
        .map_err(|_| format!("'{text}' is not a number"))
}

impl From<&Trial> for TrialLine {
    fn from(trial: &Trial) -> Self {
        Self {
            loss: trial.loss,
            seed: trial.seed,
            noise: text(trial.noise),
            factor: text(trial.factor),
            test_loss: text(trial.test.loss),
            test_accuracy: text(trial.test.accuracy),
            test_samples: trial.test.samples,
            train_accuracy: text(trial.train_accuracy),
            margins: trial.margins.margins.iter().copied().map(text).collect(),
            distances: trial
                .margins
                .distances
                .iter()
                .map(|d| d.map(text))
                .collect(),
            labels: trial.margins.labels.clone(),
            radii: trial.radii.iter().map(|r| r.map(text)).collect(),
            dead_units: trial.dead_units.clone(),
            diverged: trial.diverged,
        }
    }
}

impl TrialLine {
    fn trial(self) -> Result<Trial, String> {
        let optional = |values: Vec<Option<String>>| {
            values
                .into_iter()
                .map(|v| v.as_deref().map(number).transpose())
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Trial {
            loss: self.loss,
            seed: self.seed,
            noise: number(&self.noise)?,
            factor: number(&self.factor)?,
            test: hinge_train::TestResult {
                loss: number(&self.test_loss)?,
                accuracy: number(&self.test_accuracy)?,
                samples: self.test_samples,
            },
            train_accuracy: number(&self.train_accuracy)?,
            margins: crate::margins::MarginAnalysis {
                margins: self
                    .margins
                    .iter()
                    .map(|m| number(m))
                    .collect::<Result<_, _>>()?,
                distances: optional(self.distances)?,
                labels: self.labels,
            },
            radii: optional(self.radii)?,
            dead_units: self.dead_units,
            diverged: self.diverged,
        })
    }
}

/// Appends `trials` to the progress file in `dir`, a line each, and flushes them to the disk.
pub fn append_progress(dir: &Path, trials: &[Trial]) -> Result<(), AppError> {
    use std::io::Write;
    let path = dir.join(PROGRESS_FILE);
    let mut lines = String::new();
    for trial in trials {
        lines += &serde_json::to_string(&TrialLine::from(trial)).expect("text and integers");
        lines.push('\n');
    }
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| {
            file.write_all(lines.as_bytes())?;
            file.sync_data()
        });
    written.map_err(|source| {
        AppError::Train(hinge_train::TrainError::Io {
            action: "write",
            path,
            source,
        })
    })
}

/// The trials in the progress file in `dir`. A last line cut short by a kill is dropped (its
/// population is trained again); any other line that does not parse is an error.
pub fn read_progress(dir: &Path) -> Result<Vec<Trial>, AppError> {
    let path = dir.join(PROGRESS_FILE);
    let text = std::fs::read_to_string(&path).map_err(|err| AppError::LabFile {
        path: path.clone(),
        reason: err.to_string(),
    })?;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut trials = Vec::with_capacity(lines.len());
    for (index, line) in lines.iter().enumerate() {
        let whole = line.ends_with('\n');
        let parsed = serde_json::from_str::<TrialLine>(line.trim_end())
            .map_err(|err| err.to_string())
            .and_then(TrialLine::trial);
        match parsed {
            Ok(trial) if whole => trials.push(trial),
            _ if index + 1 == lines.len() => {}
            Ok(_) => unreachable!("only the last line can lack its newline"),
            Err(reason) => {
                return Err(AppError::LabFile {
                    path,
                    reason: format!("line {}: {reason}", index + 1),
                });
            }
        }
    }
    Ok(trials)
}
