//! A reader finds every file a run writes named in one place: `RunDir`'s `RUN_FILES`.

mod common;

use std::process::Command;

use common::{binary, circles, succeed};
use hinge_lab::hinge_train::{
    BOUNDARY_ANIMATION, BOUNDARY_PLOT, CHECKPOINT_DIR, CONFUSION_PLOT, DATA_PLOT, MARGINS_PLOT,
    NEURONS_PLOT, PCA_PLOT, RUN_FILES, SCALER_FILE, TABLE_FILE,
};

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
    // A run on a table of three classes writes the pictures of N dimensions instead of the
    // plane's, and its scaler.
    let wine = dir.path().join("wine");
    succeed(
        circles(&[
            "--epochs",
            "2",
            "--dataset",
            "wine",
            "--loss",
            "categorical-hinge",
        ])
        .arg("--artifacts")
        .arg(&wine),
    );
    let mut seen = std::collections::BTreeSet::new();
    let folders = [
        artifacts.join("hinge"),
        artifacts.join("squared-hinge"),
        wine.join("categorical-hinge"),
    ];
    for folder in &folders {
        let names: Vec<String> = std::fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        for name in &names {
            assert!(
                RUN_FILES.contains(&name.as_str()),
                "{}/{name} is not named in RunDir's RUN_FILES",
                folder.display()
            );
        }
        assert!(folder.join(CHECKPOINT_DIR).is_dir());
        seen.extend(names);
    }
    let named: std::collections::BTreeSet<String> =
        RUN_FILES.iter().map(|n| n.to_string()).collect();
    // Every name is one some run writes: none is left over from an older layout.
    assert_eq!(seen, named);
    for picture in [
        SCALER_FILE,
        TABLE_FILE,
        MARGINS_PLOT,
        PCA_PLOT,
        CONFUSION_PLOT,
    ] {
        assert!(
            wine.join("categorical-hinge").join(picture).is_file(),
            "{picture}"
        );
    }
    for plane in [DATA_PLOT, BOUNDARY_PLOT, NEURONS_PLOT, BOUNDARY_ANIMATION] {
        assert!(
            !wine.join("categorical-hinge").join(plane).exists(),
            "{plane}"
        );
    }
}
