//! A reader finds every file a run writes named in one place: `RunDir`'s `RUN_FILES`.

mod common;

use std::process::Command;

use common::{binary, circles, succeed};
use hinge_lab::hinge_train::{CHECKPOINT_DIR, RUN_FILES};

#[test]
fn every_file_in_a_run_folder_is_named_by_run_dir() {
    let dir = tempfile::tempdir().unwrap();
    let artifacts = dir.path().join("runs");
    succeed(
        circles(&["--epochs", "2"])
            .arg("--artifacts")
            .arg(&artifacts),
    );
    let hinge = artifacts.join("hinge");
    succeed(
        Command::new(binary("lab"))
            .args(["margins", "--backend", "flex", "--run"])
            .arg(&hinge),
    );
    for loss in ["hinge", "squared-hinge"] {
        let folder = artifacts.join(loss);
        let mut names: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        for name in &names {
            assert!(
                RUN_FILES.contains(&name.as_str()),
                "{loss}/{name} is not named in RunDir's RUN_FILES"
            );
        }
        // What every finished run has, whichever program drew what.
        let expected = RUN_FILES.len() - usize::from(loss != "hinge");
        assert_eq!(names.len(), expected, "{loss}: {names:?}");
        assert!(folder.join(CHECKPOINT_DIR).is_dir());
    }
}
