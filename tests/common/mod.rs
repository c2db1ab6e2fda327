//! Helpers shared by the integration tests that run the real binaries.
// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// One of the package's binaries (`src/bin/`), which cargo builds for the tests and names.
pub fn binary(name: &str) -> PathBuf {
    PathBuf::from(match name {
        "circles" => env!("CARGO_BIN_EXE_circles"),
        "lab" => env!("CARGO_BIN_EXE_lab"),
        "predict" => env!("CARGO_BIN_EXE_predict"),
        "bench" => env!("CARGO_BIN_EXE_bench"),
        other => panic!("no binary named {other}"),
    })
}

/// A run of an example that failed the way every failure must: exit code `code`, one line on
/// stderr starting `error: `, no panic. Returns that line.
pub fn assert_one_line_error(output: &Output, code: i32) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr.trim_end().to_string()
}

/// The main job with `args` and plain output, on flex unless `args` name a backend.
pub fn circles(args: &[&str]) -> Command {
    let mut command = Command::new(binary("circles"));
    command.arg("--no-tui");
    if !args.contains(&"--backend") {
        command.args(["--backend", "flex"]);
    }
    command.args(args);
    command
}

/// Runs `command`, which must succeed (else its stderr is the failure), and returns its stdout.
pub fn succeed(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Writes breast cancer Wisconsin as a user's CSV file might hold it: a header, the 30 raw
/// features, and the diagnosis as words in the last column.
pub fn write_breast_cancer_csv(path: &std::path::Path) {
    let table = hinge_lab::hinge_data::RealDataset::BreastCancer.load();
    let mut text = table.feature_names.join(",") + ",diagnosis\n";
    for (row, &label) in table.points.points().zip(&table.points.labels) {
        let fields: Vec<String> = row.iter().map(f64::to_string).collect();
        text += &format!(
            "{},{}\n",
            fields.join(","),
            table.class_names[usize::from(label)]
        );
    }
    std::fs::write(path, text).unwrap();
}
