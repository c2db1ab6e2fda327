//! One run per folder: an advisory lock on the run folder, held while a run trains and writes,
//! so a second process pointed at the same folder is refused instead of interleaving its files
//! with the first's.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

use crate::TrainError;

/// The lock file a run keeps in its folder; the operating system releases the lock when the
/// process ends, however it ends, so a killed run never leaves its folder locked.
pub const LOCK_FILE: &str = ".lock";

/// Held for as long as a run uses its folder.
#[derive(Debug)]
pub struct FolderLock {
    _file: File,
}

impl FolderLock {
    /// Locks `dir` (created if missing) for this process, or says which folder is busy.
    pub fn acquire(dir: &Path) -> Result<Self, TrainError> {
        std::fs::create_dir_all(dir).map_err(TrainError::io("create the run folder", dir))?;
        let path = dir.join(LOCK_FILE);
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(TrainError::io("open the lock file", &path))?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(TryLockError::WouldBlock) => Err(TrainError::FolderBusy(PathBuf::from(dir))),
            Err(TryLockError::Error(source)) => Err(TrainError::Io {
                action: "lock",
                path,
                source,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_a_folder_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let first = FolderLock::acquire(dir.path()).unwrap();
        let err = FolderLock::acquire(dir.path()).unwrap_err();
        assert!(matches!(err, TrainError::FolderBusy(_)), "{err}");
        drop(first);
        FolderLock::acquire(dir.path()).unwrap();
    }
}
