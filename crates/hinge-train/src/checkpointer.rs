//! Where burn's Learner keeps each epoch's checkpoint: the files and the format of burn's own
//! `FileCheckpointer`, written the way the run's other per-epoch files are, and after the files
//! a resume reads beside it (`metrics.csv`, `frames.json`), all off the training thread.

use std::sync::Arc;

use burn::train::Interrupter;
use burn::train::checkpoint::{
    Checkpoint, Checkpointer, CheckpointerError, CheckpointingAction, CheckpointingStrategy,
};
use burn::train::metric::store::EventStoreClient;
use hinge_model::StepObserver;

use crate::artifacts::{Durability, EpochMetrics, remove_if_present, replace_file};
use crate::interrupt::{Stop, StopLog};
use crate::ledger::{Ledger, SharedLedger};
use crate::run_dir::RunDir;

/// One part (model, optim or scheduler) of every epoch's checkpoint, as `<part>-<epoch>.bpk`
/// in the run's checkpoint folder, each file burn's burnpack bytes.
///
/// burn's `FileCheckpointer` syncs each file and its folder. Its Learner hands each part to a
/// thread through a channel that holds no message, so deleting the epoch before last waits
/// for that sync. A checkpoint is there to resume from after a stop, which an unsynced file
/// written through a rename survives however the process ends, as `metrics.csv` and
/// `frames.json` do; the finished run's `model.bpk` is synced.
pub(crate) struct EpochCheckpointer {
    run: RunDir,
    part: &'static str,
    /// Written before each of this part's files.
    first: Option<ResumeFiles>,
}

impl EpochCheckpointer {
    /// The checkpointer of `part`; a save makes the checkpoint folder if it is missing.
    pub(crate) fn new(run: &RunDir, part: &'static str) -> Self {
        Self {
            run: run.clone(),
            part,
            first: None,
        }
    }

    /// Writes `files` before each save: a checkpoint is whole only with every part, so one
    /// part's thread is enough.
    pub(crate) fn writing_first(mut self, files: ResumeFiles) -> Self {
        self.first = Some(files);
        self
    }

    fn failed(err: crate::TrainError) -> CheckpointerError {
        CheckpointerError::Unknown(err.to_string())
    }
}

/// What a resume reads beside a checkpoint: `metrics.csv` with every epoch up to the
/// checkpoint's, and what the watch keeps (`frames.json`).
///
/// They are written on the checkpoint's thread, just before its file, so a resume that finds
/// a whole checkpoint finds them too. Before each checkpoint burn's Learner waits for its
/// metric thread to take in the epoch's end, so the ledger holds the epoch by then; written on
/// that thread, `metrics.csv` kept the training thread waiting at every epoch's end.
pub(crate) struct ResumeFiles {
    pub(crate) run: RunDir,
    pub(crate) ledger: SharedLedger,
    pub(crate) watch: Option<Arc<dyn StepObserver>>,
    pub(crate) stops: StopLog,
    pub(crate) interrupter: Interrupter,
}

impl ResumeFiles {
    /// Whether the checkpoint of `epoch` may follow: not when `metrics.csv` could not be
    /// written, which stops the run (the checkpoint before stays the last whole one).
    fn write(&self, epoch: usize) -> bool {
        let rows: Vec<Vec<EpochMetrics>> = Ledger::lock(&self.ledger)
            .epochs()
            .iter()
            .map(|member| {
                let upto = member.partition_point(|row| row.epoch <= epoch);
                member[..upto].to_vec()
            })
            .collect();
        if self
            .run
            .write_metrics_as(&rows, Durability::Unsynced)
            .is_err()
        {
            self.stops.record(Stop::MetricsUnwritable);
            self.interrupter.stop(Some("metrics.csv cannot be written"));
            return false;
        }
        if let Some(watch) = &self.watch {
            watch.before_checkpoint(epoch);
        }
        true
    }
}

impl<R: Checkpoint> Checkpointer<R> for EpochCheckpointer {
    fn save(&self, epoch: usize, record: R) -> Result<(), CheckpointerError> {
        if let Some(first) = &self.first
            && !first.write(epoch)
        {
            return Ok(());
        }
        let bytes = record
            .checkpoint_into_bytes()
            .map_err(CheckpointerError::Record)?;
        let folder = self.run.checkpoints();
        std::fs::create_dir_all(&folder).map_err(CheckpointerError::IOError)?;
        let path = self.run.checkpoint_file(self.part, epoch);
        replace_file(&path, &bytes, Durability::Unsynced).map_err(Self::failed)
    }

    fn restore(&self, epoch: usize) -> Result<R, CheckpointerError> {
        R::load(self.run.checkpoint_file(self.part, epoch))
    }

    fn delete(&self, epoch: usize) -> Result<(), CheckpointerError> {
        let path = self.run.checkpoint_file(self.part, epoch);
        remove_if_present(&path, "delete an old checkpoint").map_err(Self::failed)
    }
}

/// Every epoch's checkpoint, deleting the one three epochs back before saving the new one.
///
/// burn's `KeepLastNCheckpoints` saves first and deletes after, and its Learner hands each
/// part to that part's thread through a channel that holds no message: the delete waits until
/// the save just handed over is written, on every epoch. Deleted first, it waits for the
/// previous epoch's save, written long since.
///
/// Three epochs are kept so that a whole checkpoint is on disk at every moment: while epoch e
/// deletes the parts of e - 3, the parts of e - 1 may still be in writing, but each part of
/// e - 2 was written before that part's delete at epoch e - 1 could be handed over (the
/// channel again).
pub(crate) struct DeleteThenSave;

/// How many epochs back [`DeleteThenSave`] deletes.
const KEPT: usize = 3;

impl DeleteThenSave {
    fn actions(epoch: usize) -> Vec<CheckpointingAction> {
        match epoch.checked_sub(KEPT) {
            Some(old) if old > 0 => {
                vec![CheckpointingAction::Delete(old), CheckpointingAction::Save]
            }
            _ => vec![CheckpointingAction::Save],
        }
    }
}

impl CheckpointingStrategy for DeleteThenSave {
    fn checkpointing(&mut self, epoch: usize, _: &EventStoreClient) -> Vec<CheckpointingAction> {
        Self::actions(epoch)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use burn::module::Module;
    use burn::store::ModuleRecord;
    use burn::tensor::Device;
    use hinge_model::{LossKind, Population};

    use super::*;

    #[test]
    fn the_oldest_of_three_is_deleted_before_the_new_one_is_saved() {
        for epoch in 1..=3 {
            assert_eq!(
                DeleteThenSave::actions(epoch),
                vec![CheckpointingAction::Save]
            );
        }
        for epoch in 4..=30 {
            assert_eq!(
                DeleteThenSave::actions(epoch),
                vec![
                    CheckpointingAction::Delete(epoch - 3),
                    CheckpointingAction::Save
                ]
            );
        }
    }

    /// Notes, for each checkpoint it is told of, whether the model file was there already and
    /// what `metrics.csv` held.
    struct Told {
        run: RunDir,
        calls: Mutex<Vec<(usize, bool, String)>>,
    }

    impl StepObserver for Told {
        fn before_step(&self, _: &Population) {}
        fn before_validation(&self, _: &Population) {}
        fn before_checkpoint(&self, epoch: usize) {
            let there = self.run.checkpoint_file("model", epoch).exists();
            let metrics = std::fs::read_to_string(self.run.file(crate::run_dir::METRICS_FILE));
            self.calls
                .lock()
                .unwrap()
                .push((epoch, there, metrics.unwrap_or_default()));
        }
    }

    /// The tutorial's network from `seed`, as a population of one.
    fn network(seed: u64) -> Population {
        let config = crate::TrainingConfig::new().check().unwrap();
        config
            .model()
            .init_population(&[(LossKind::Hinge, seed)], &Device::flex())
    }

    fn row(epoch: usize) -> EpochMetrics {
        EpochMetrics {
            epoch,
            train_loss: 0.5 / epoch as f64,
            train_accuracy: 0.75,
            valid_loss: 0.25,
            valid_accuracy: 1.0,
        }
    }

    #[test]
    fn a_checkpoint_is_burns_file_written_after_the_files_a_resume_reads() {
        let dir = tempfile::tempdir().unwrap();
        let run = RunDir::new(dir.path().join("hinge"));
        std::fs::create_dir_all(run.path()).unwrap();
        let told = Arc::new(Told {
            run: run.clone(),
            calls: Mutex::new(Vec::new()),
        });
        // The ledger is an epoch ahead of the checkpoint, as when its thread lags.
        let ledger = Ledger::shared(1, vec![(1..=6).map(row).collect()]);
        let checkpointer = EpochCheckpointer::new(&run, "model").writing_first(ResumeFiles {
            run: run.clone(),
            ledger,
            watch: Some(told.clone() as Arc<dyn StepObserver>),
            stops: StopLog::default(),
            interrupter: Interrupter::new(),
        });
        let trained = network(7);
        Checkpointer::<ModuleRecord>::save(&checkpointer, 5, trained.clone().into_record())
            .unwrap();
        let calls = told.calls.lock().unwrap().clone();
        assert_eq!(calls.len(), 1);
        let (epoch, there, metrics) = &calls[0];
        assert_eq!((*epoch, *there), (5, false));
        // metrics.csv was written before the watch was told, up to the checkpoint's epoch.
        let written = run.read_metrics(1).unwrap();
        let epochs: Vec<usize> = written[0].iter().map(|r| r.epoch).collect();
        assert_eq!(epochs, vec![1, 2, 3, 4, 5]);
        let file = std::fs::read_to_string(run.file(crate::run_dir::METRICS_FILE)).unwrap();
        assert_eq!(metrics, &file);
        // burn's own reader takes the file, and it holds the trained parameters.
        let file = run.checkpoint_file("model", 5);
        let record = ModuleRecord::load(&file).unwrap();
        let other = network(8);
        let loaded = other.clone().try_load_record(record).unwrap();
        let values = |p: &Population| crate::snapshots::parameters(p).unwrap();
        assert_eq!(values(&loaded), values(&trained));
        // No temporary file is left beside it.
        let names: Vec<String> = std::fs::read_dir(run.checkpoints())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["model-5.bpk".to_string()]);
        assert!(
            !std::fs::read_dir(run.path()).unwrap().any(|e| e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp"))
        );
        let restored: ModuleRecord = checkpointer.restore(5).unwrap();
        assert_eq!(
            values(&other.try_load_record(restored).unwrap()),
            values(&trained)
        );
        Checkpointer::<ModuleRecord>::delete(&checkpointer, 5).unwrap();
        assert!(!file.exists());
        // Deleting what is gone already is what was asked for.
        Checkpointer::<ModuleRecord>::delete(&checkpointer, 5).unwrap();
    }

    #[test]
    fn no_checkpoint_follows_a_metrics_file_that_cannot_be_written() {
        let dir = tempfile::tempdir().unwrap();
        let run = RunDir::new(dir.path());
        // A folder where metrics.csv goes: the rename over it fails.
        std::fs::create_dir_all(run.file(crate::run_dir::METRICS_FILE).join("x")).unwrap();
        let (stops, interrupter) = (StopLog::default(), Interrupter::new());
        let checkpointer = EpochCheckpointer::new(&run, "model").writing_first(ResumeFiles {
            run: run.clone(),
            ledger: Ledger::shared(1, vec![vec![row(1)]]),
            watch: None,
            stops: stops.clone(),
            interrupter: interrupter.clone(),
        });
        Checkpointer::<ModuleRecord>::save(&checkpointer, 1, network(7).into_record()).unwrap();
        assert!(!run.checkpoint_file("model", 1).exists());
        assert!(matches!(stops.first(), Some(Stop::MetricsUnwritable)));
        assert!(interrupter.should_stop());
    }
}
