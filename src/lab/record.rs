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
    pub learning_rate: f64,
    pub l1: f64,
    pub l2: f64,
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
    /// The learning rate and penalties it trained at.
    pub fn point(&self) -> super::rate_grid::RatePoint {
        super::rate_grid::RatePoint {
            learning_rate: self.learning_rate,
            l2: self.l2,
            l1: self.l1,
        }
    }

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
            learning_rate: trial.learning_rate,
            l1: trial.l1,
            l2: trial.l2,
            test_accuracy: trial.test_accuracy,
            test_loss: trial.test_loss,
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

/// The lab's progress while it runs: each finished population's trials, a JSON line per trial,
/// appended as the population finishes, so a stopped or killed lab can `--resume`.
pub const PROGRESS_FILE: &str = "progress.jsonl";
/// The plan the progress belongs to; `--resume` must be asked for the same plan.
pub const PROGRESS_PLAN: &str = "progress.json";

/// Appends `trials` to the progress file in `dir`, a line each, and flushes them to the disk.
pub fn append_progress(dir: &Path, trials: &[Trial]) -> Result<(), AppError> {
    use std::io::Write;
    let path = dir.join(PROGRESS_FILE);
    let mut lines = String::new();
    for trial in trials {
        lines += &serde_json::to_string(trial).expect("text and integers");
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
/// population is trained again); anything else that does not parse is an error naming its line.
pub fn read_progress(dir: &Path) -> Result<Vec<Trial>, AppError> {
    let path = dir.join(PROGRESS_FILE);
    let text = std::fs::read_to_string(&path).map_err(|err| AppError::LabFile {
        path: path.clone(),
        reason: err.to_string(),
    })?;
    let mut trials = Vec::new();
    for parsed in serde_json::Deserializer::from_str(&text).into_iter::<Trial>() {
        match parsed {
            Ok(trial) => trials.push(trial),
            // Only the end of the file can be cut short.
            Err(err) if err.is_eof() => break,
            Err(err) => {
                return Err(AppError::LabFile {
                    path,
                    reason: err.to_string(),
                });
            }
        }
    }
    Ok(trials)
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
            learning_rate: 0.003,
            l1: 0.0,
            l2: 1e-4,
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
            text.starts_with("loss,seed,noise,factor,learning_rate,l1,l2,test_accuracy"),
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

    fn trial(seed: u64) -> Trial {
        Trial {
            loss: LossKind::Logistic,
            seed,
            noise: 0.1,
            factor: 1.0 / 3.0,
            learning_rate: 0.03,
            l1: 0.0,
            l2: 1e-4 / 3.0,
            test_loss: f64::NAN,
            test_accuracy: 0.9959999999999999,
            test_samples: 250,
            train_accuracy: 1.0,
            margins: crate::margins::MarginAnalysis {
                margins: vec![0.1 + 0.2, -0.0, f64::INFINITY],
                distances: vec![Some(1e-300), None, Some(0.5)],
                labels: vec![0, 1, 1],
            },
            radii: vec![None, Some(0.7)],
            dead_units: vec![0, 1],
            diverged: true,
            // A cross-validation member's fold reads back too; a run of another command has
            // none.
            fold: (seed == 2).then(|| hinge_data::Fold::new(10, 3, 7)),
        }
    }

    #[test]
    fn the_journal_reads_back_exactly_and_drops_a_cut_last_line() {
        let dir = tempfile::tempdir().unwrap();
        append_progress(dir.path(), &[trial(1), trial(2)]).unwrap();
        let back = read_progress(dir.path()).unwrap();
        assert_eq!(back.len(), 2);
        assert!(back[0].test_loss.is_nan());
        let same = |a: &Trial, b: &Trial| format!("{a:?}") == format!("{b:?}");
        assert!(same(&back[1], &trial(2)), "{:?}", back[1]);
        // A kill in the middle of the last line: that trial is trained again.
        let path = dir.path().join(PROGRESS_FILE);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, &text[..text.len() - 40]).unwrap();
        assert_eq!(read_progress(dir.path()).unwrap().len(), 1);
        // A damaged line before the end is an error naming the line.
        let lines: Vec<&str> = text.lines().collect();
        std::fs::write(
            &path,
            format!("{}\n{{\"loss\":\"hinge\"}}\n{}\n", lines[0], lines[1]),
        )
        .unwrap();
        let err = read_progress(dir.path()).unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
    }
}
