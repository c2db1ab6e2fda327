//! A command killed at any moment and run again with `--resume` ends as if it had never
//! stopped: the whole command the user typed (every loss, every figure), not only the loss it
//! was killed in. Through the real binaries, killed with SIGKILL.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{binary, circles, succeed};

/// Points the resumed and the uninterrupted networks must predict alike.
const POINTS: [&str; 4] = ["0.3,0.2", "-0.7,0.1", "0.05,-0.6", "0.9,0.9"];

/// Each loss's files that must be byte for byte the uninterrupted run's.
const RUN_FILES: [&str; 5] = [
    "metrics.csv",
    "test.json",
    "config.json",
    "boundary_animation.png",
    "data.csv",
];

/// Each loss's figures, which must be there.
const FIGURES: [&str; 4] = [
    "data.png",
    "decision_boundary.png",
    "loss.png",
    "neurons.png",
];

fn predictions(run: &Path) -> String {
    succeed(
        Command::new(binary("predict"))
            .arg("--run")
            .arg(run)
            .args(POINTS)
            .stdin(Stdio::null()),
    )
}

/// `circles` with `args` into `artifacts`, timed.
fn whole_run(args: &[&str], artifacts: &Path) -> Duration {
    let started = Instant::now();
    succeed(circles(args).arg("--artifacts").arg(artifacts));
    started.elapsed()
}

/// Starts `command`, kills it with SIGKILL `after` its start (or lets it finish first), and
/// returns the last line it printed: where in the command the kill landed.
fn kill_after(command: &mut Command, after: Duration) -> String {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut last = String::from("(nothing printed)");
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if !line.trim().is_empty() {
                last = line;
            }
        }
        last
    });
    std::thread::sleep(after);
    let _ = child.kill();
    let status = child.wait().unwrap();
    let last = reader.join().unwrap();
    if status.success() {
        format!("(finished) {last}")
    } else {
        last
    }
}

/// The files of `killed` after its resume against the uninterrupted run's in `whole`.
fn assert_same_run(killed: &Path, whole: &Path, losses: &[&str], moment: &str) {
    for loss in losses {
        let (got, want) = (killed.join(loss), whole.join(loss));
        for file in RUN_FILES {
            let same = std::fs::read(got.join(file)).ok() == std::fs::read(want.join(file)).ok();
            assert!(
                same,
                "{moment}: {loss}/{file} differs from the uninterrupted run's"
            );
        }
        for figure in FIGURES {
            assert!(got.join(figure).is_file(), "{moment}: no {loss}/{figure}");
        }
        assert_eq!(predictions(&got), predictions(&want), "{moment}: {loss}");
    }
    for file in ["comparison.png", "comparison_animation.png"] {
        assert!(killed.join(file).is_file(), "{moment}: no {file}");
    }
    assert_eq!(
        std::fs::read(killed.join("comparison_animation.png")).unwrap(),
        std::fs::read(whole.join("comparison_animation.png")).unwrap(),
        "{moment}: comparison_animation.png"
    );
}

/// Kills the command of `args` at `moments` times spread evenly over the uninterrupted run's
/// length (start-up, every loss's training, the figures), resumes each, and requires the
/// uninterrupted run's files. Returns (moment, where the kill landed) for the report.
fn kill_and_resume_everywhere(args: &[&str], losses: &[&str], moments: u32) {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    let length = whole_run(args, &whole);
    let mut landed = Vec::new();
    for moment in 0..moments {
        let at = length.mul_f64((f64::from(moment) + 0.5) / f64::from(moments));
        let killed = dir.path().join(format!("killed-{moment}"));
        let mut command = circles(args);
        command.arg("--artifacts").arg(&killed);
        let last = kill_after(&mut command, at);
        let output = circles(&["--resume", "--artifacts"])
            .arg(&killed)
            .output()
            .unwrap();
        let label = format!("kill at {} ms ({last})", at.as_millis());
        // Killed before the command recorded what it does, there is nothing to resume: the
        // command is then run again as the user would.
        let never_started = !killed.join("run.json").exists();
        if never_started {
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(stderr.contains("nothing to resume"), "{label}: {stderr}");
            succeed(circles(args).arg("--artifacts").arg(&killed));
        } else {
            assert!(output.status.success(), "{label}: {output:?}");
        }
        assert_same_run(&killed, &whole, losses, &label);
        landed.push(label);
    }
    eprintln!(
        "{} (uninterrupted: {} ms), every resume ended as the uninterrupted run:\n{}",
        args.join(" "),
        length.as_millis(),
        landed.join("\n")
    );
}

#[cfg(unix)]
#[test]
fn the_default_command_killed_at_any_moment_resumes_to_the_uninterrupted_run() {
    kill_and_resume_everywhere(&[], &["hinge", "squared-hinge"], 20);
}

#[cfg(unix)]
#[test]
fn all_three_losses_killed_at_any_moment_resume_to_the_uninterrupted_run() {
    kill_and_resume_everywhere(
        &["--loss", "all"],
        &["hinge", "squared-hinge", "logistic"],
        20,
    );
}

/// A resume killed in its turn, at moments spread over its own length, and resumed again.
#[cfg(unix)]
#[test]
fn a_resume_killed_in_its_turn_resumes_to_the_uninterrupted_run() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    let length = whole_run(&[], &whole);
    for moment in 0..6u32 {
        let killed = dir.path().join(format!("killed-{moment}"));
        // The first kill in the hinge run's training, the second spread over the resume.
        let mut first = circles(&[]);
        first.arg("--artifacts").arg(&killed);
        kill_after(&mut first, length.mul_f64(0.3));
        let mut resume = circles(&["--resume", "--artifacts"]);
        resume.arg(&killed);
        let second = kill_after(&mut resume, length.mul_f64(0.1 + 0.15 * f64::from(moment)));
        succeed(circles(&["--resume", "--artifacts"]).arg(&killed));
        assert_same_run(
            &killed,
            &whole,
            &["hinge", "squared-hinge"],
            &format!("resume killed after {second}"),
        );
    }
}

#[test]
fn resuming_a_finished_run_says_it_is_complete_and_redraws_missing_figures() {
    let dir = tempfile::tempdir().unwrap();
    let artifacts = dir.path().join("runs");
    let args = ["--epochs", "3"];
    succeed(circles(&args).arg("--artifacts").arg(&artifacts));
    let metrics = std::fs::read(artifacts.join("hinge/metrics.csv")).unwrap();
    let animation = std::fs::read(artifacts.join("comparison_animation.png")).unwrap();
    for figure in [
        "comparison.png",
        "comparison_animation.png",
        "hinge/decision_boundary.png",
        "squared-hinge/boundary_animation.png",
    ] {
        std::fs::remove_file(artifacts.join(figure)).unwrap();
    }
    let stdout = succeed(circles(&["--resume", "--artifacts"]).arg(&artifacts));
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.contains("is complete: nothing was left to train"),
        "{stdout}"
    );
    assert!(artifacts.join("comparison.png").is_file());
    assert!(artifacts.join("hinge/decision_boundary.png").is_file());
    assert!(
        artifacts
            .join("squared-hinge/boundary_animation.png")
            .is_file()
    );
    assert_eq!(
        std::fs::read(artifacts.join("comparison_animation.png")).unwrap(),
        animation
    );
    assert_eq!(
        std::fs::read(artifacts.join("hinge/metrics.csv")).unwrap(),
        metrics
    );
}

#[test]
fn resume_takes_what_the_command_was_from_its_record() {
    let dir = tempfile::tempdir().unwrap();
    let artifacts = dir.path().join("runs");
    succeed(
        circles(&["--loss", "logistic", "--epochs", "2", "--no-animation"])
            .arg("--artifacts")
            .arg(&artifacts),
    );
    // What the command does is recorded; a flag that would change it is refused beside
    // --resume, in one line.
    for flag in [
        &["--loss", "hinge"][..],
        &["--no-animation"],
        &["--epochs", "4"],
    ] {
        let mut command = circles(flag);
        command.args(["--resume", "--artifacts"]).arg(&artifacts);
        let output = command.output().unwrap();
        common::assert_one_line_error(&output, 2);
    }
    let stdout = succeed(circles(&["--resume", "--artifacts"]).arg(&artifacts));
    assert!(stdout.contains("is complete"), "{stdout}");
    assert!(!artifacts.join("hinge").exists());
    assert!(!artifacts.join("logistic/boundary_animation.png").exists());
}
