//! Where burn's Learner keeps each epoch's checkpoint: the files and the format of burn's own
//! `FileCheckpointer`, written the way the run's other per-epoch files are.

use std::sync::Arc;

use burn::train::checkpoint::{
    Checkpoint, Checkpointer, CheckpointerError, CheckpointingAction, CheckpointingStrategy,
};
use burn::train::metric::store::EventStoreClient;
use hinge_model::Watch;

use crate::artifacts::{Durability, remove_if_present, replace_file};
use crate::run_dir::RunDir;

/// One part (model, optim or scheduler) of every epoch's checkpoint, as `<part>-<epoch>.bpk`
/// in the run's checkpoint folder, each file burn's burnpack bytes.
///
/// burn's `FileCheckpointer` syncs each file and its folder. Its Learner hands each part to a
/// thread through a channel that holds no message, so deleting the epoch before last waits
/// for that sync: about a seventh of the tutorial run's time on these machines. A checkpoint is
/// there to resume from after a stop, which an unsynced file written through a rename survives
/// however the process ends, as `metrics.csv` and `frames.json` do; the finished run's
/// `model.bpk` is synced.
pub(crate) struct EpochCheckpointer {
    run: RunDir,
    part: &'static str,
    /// Told of each checkpoint before this part of it is written.
    watch: Option<Arc<dyn Watch>>,
}

impl EpochCheckpointer {
    /// The checkpointer of `part`; its first save makes the checkpoint folder.
    pub(crate) fn new(run: &RunDir, part: &'static str) -> Self {
        Self {
            run: run.clone(),
            part,
            watch: None,
        }
    }

    /// Calls `watch`'s [`Watch::before_checkpoint`] before each save: a checkpoint is whole
    /// only with every part, so one part's thread is enough.
    pub(crate) fn telling(mut self, watch: Option<Arc<dyn Watch>>) -> Self {
        self.watch = watch;
        self
    }

    fn failed(err: crate::TrainError) -> CheckpointerError {
        CheckpointerError::Unknown(err.to_string())
    }
}

impl<R: Checkpoint> Checkpointer<R> for EpochCheckpointer {
    fn save(&self, epoch: usize, record: R) -> Result<(), CheckpointerError> {
        if let Some(watch) = &self.watch {
            watch.before_checkpoint(epoch);
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
/// Three epochs are kept so that a whole checkpoint is on disk at every moment: when epoch e
/// deletes epoch e - 3, each part's thread has finished e - 1 (the channel again), and e - 2
/// was finished before epoch e - 1's deletes went through.
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

    /// Notes, for each checkpoint it is told of, whether the model file was there already.
    struct Told {
        run: RunDir,
        calls: Mutex<Vec<(usize, bool)>>,
    }

    impl Watch for Told {
        fn before_step(&self, _: &Population) {}
        fn before_validation(&self, _: &Population) {}
        fn before_checkpoint(&self, epoch: usize) {
            let there = self.run.checkpoint_file("model", epoch).exists();
            self.calls.lock().unwrap().push((epoch, there));
        }
    }

    #[test]
    fn a_checkpoint_is_burns_file_written_after_the_watch_is_told() {
        let dir = tempfile::tempdir().unwrap();
        let run = RunDir::new(dir.path().join("hinge"));
        let told = Arc::new(Told {
            run: run.clone(),
            calls: Mutex::new(Vec::new()),
        });
        let checkpointer =
            EpochCheckpointer::new(&run, "model").telling(Some(told.clone() as Arc<dyn Watch>));
        let device = Device::flex();
        let config = crate::TrainingConfig::new().check().unwrap();
        let trained = config
            .model()
            .init_population(&[(LossKind::Hinge, 7)], &device);
        Checkpointer::<ModuleRecord>::save(&checkpointer, 5, trained.clone().into_record())
            .unwrap();
        assert_eq!(*told.calls.lock().unwrap(), vec![(5, false)]);
        // burn's own reader takes the file, and it holds the trained parameters.
        let file = run.checkpoint_file("model", 5);
        let record = ModuleRecord::load(&file).unwrap();
        let other = config
            .model()
            .init_population(&[(LossKind::Hinge, 8)], &device);
        let loaded = other.clone().try_load_record(record).unwrap();
        let values = |p: &Population| crate::snapshots::parameters(p).unwrap();
        assert_eq!(values(&loaded), values(&trained));
        // No temporary file is left beside it.
        let names: Vec<String> = std::fs::read_dir(run.checkpoints())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["model-5.bpk".to_string()]);
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
}
