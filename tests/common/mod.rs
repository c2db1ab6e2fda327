//! Helpers shared by the integration tests that run the real binaries.
// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// An example binary, built by `cargo test` beside the test's own binary.
pub fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/<test>-<hash> -> target/<profile>/examples/<name>
    let profile = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let path = profile
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(path.is_file(), "{} is not built", path.display());
    path
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
    let mut command = Command::new(example("circles"));
    command.arg("--no-tui");
    if !args.contains(&"--backend") {
        command.args(["--backend", "flex"]);
    }
    command.args(args);
    command
}
