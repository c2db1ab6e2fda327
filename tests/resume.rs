//! A command killed at any moment and run again with `--resume` ends as if it had never
//! stopped: the whole command the user typed (every loss, every figure), not only the loss it
//! was killed in. Through the real binaries, killed with SIGKILL.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

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

/// What `predict` is asked of each loss: [`POINTS`] of the plane, or a table's rows.
fn predictions(run: &Path, asked: &[&str]) -> String {
    succeed(
        Command::new(binary("predict"))
            .arg("--run")
            .arg(run)
            .args(asked)
            .stdin(Stdio::null()),
    )
}

/// The names of the pictures in `folder`.
fn figures(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".png"))
        .collect();
    names.sort();
    names
}

/// A two-epoch run of `loss` without animations, in a temporary folder (kept as long as the
/// handle): its artifacts folder.
fn short_run(loss: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let artifacts = dir.path().join("runs");
    succeed(
        circles(&["--loss", loss, "--epochs", "2", "--no-animation"])
            .arg("--artifacts")
            .arg(&artifacts),
    );
    (dir, artifacts)
}

/// `circles` with `args` into `artifacts`, uninterrupted.
fn whole_run(args: &[&str], artifacts: &Path) {
    succeed(circles(args).arg("--artifacts").arg(artifacts));
}

/// A moment of a command's life: `delay` after the `nth` line it prints that starts with
/// `line` (an epoch's line comes once its checkpoint and `metrics.csv` are being written, a
/// test result once the loss's files are written and its figures begin).
#[derive(Debug, Clone, Copy)]
struct Moment {
    line: &'static str,
    nth: usize,
    delay: Duration,
}

impl Moment {
    const fn new(line: &'static str, nth: usize, delay_ms: u64) -> Self {
        Self {
            line,
            nth,
            delay: Duration::from_millis(delay_ms),
        }
    }
}

impl std::fmt::Display for Moment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ms after \"{}\" #{}",
            self.delay.as_millis(),
            self.line,
            self.nth
        )
    }
}

/// Moments spread over the whole of a command that trains `losses` losses of 30 epochs: its
/// start, eight in each loss (early, middle and late epochs, the last epoch's checkpoint and
/// evaluation, and its figures), and three more in the final figures (the comparison and the
/// animations).
fn moments(losses: usize) -> Vec<Moment> {
    let mut all = vec![Moment::new("Backend:", 1, 0)];
    for nth in 1..=losses {
        all.extend([
            Moment::new("Epoch 1/30", nth, 0),
            Moment::new("Epoch 5/30", nth, 11),
            Moment::new("Epoch 10/30", nth, 5),
            Moment::new("Epoch 20/30", nth, 9),
            Moment::new("Epoch 25/30", nth, 7),
            Moment::new("Epoch 30/30", nth, 3),
            Moment::new("Test results", nth, 0),
            Moment::new("Test results", nth, 60),
        ]);
    }
    all.extend([100, 150, 200].map(|ms| Moment::new("Test results", losses, ms)));
    all
}

/// Starts `command`, kills it with SIGKILL at `moment`, and says whether it had finished by
/// then.
fn kill_at(command: &mut Command, moment: Moment) -> bool {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = 0;
    let found = lines.any(|line| {
        seen += usize::from(line.is_ok_and(|l| l.starts_with(moment.line)));
        seen == moment.nth
    });
    assert!(found, "the command ended before {moment}");
    std::thread::sleep(moment.delay);
    let _ = child.kill();
    // Drained, so the command is never blocked on a full pipe before the kill lands.
    lines.for_each(drop);
    child.wait().unwrap().success()
}

/// The files of `killed` after its resume against the uninterrupted run's in `whole`, each
/// loss's network asked `asked` by `predict`.
fn assert_same_run(killed: &Path, whole: &Path, losses: &[&str], asked: &[&str], moment: &str) {
    for loss in losses {
        let (got, want) = (killed.join(loss), whole.join(loss));
        for file in RUN_FILES {
            let same = std::fs::read(got.join(file)).ok() == std::fs::read(want.join(file)).ok();
            assert!(
                same,
                "{moment}: {loss}/{file} differs from the uninterrupted run's"
            );
        }
        assert_eq!(figures(&got), figures(&want), "{moment}: {loss}'s figures");
        assert!(figures(&want).contains(&"loss.png".to_string()));
        assert_eq!(
            predictions(&got, asked),
            predictions(&want, asked),
            "{moment}: {loss}"
        );
    }
    for file in ["comparison.png", "comparison_animation.png"] {
        let wanted = std::fs::read(whole.join(file)).ok();
        let got = std::fs::read(killed.join(file)).ok();
        assert_eq!(got.is_some(), wanted.is_some(), "{moment}: {file}");
    }
    assert_eq!(
        std::fs::read(killed.join("comparison_animation.png")).ok(),
        std::fs::read(whole.join("comparison_animation.png")).ok(),
        "{moment}: comparison_animation.png"
    );
}

/// Kills the command of `args` (which trains `losses`) at every moment of [`moments`],
/// resumes each, and requires the uninterrupted run's files and predictions of `asked`.
fn kill_and_resume_everywhere(args: &[&str], losses: &[&str], asked: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    whole_run(args, &whole);
    let all = moments(losses.len());
    let mut finished_first = 0;
    for (index, moment) in all.iter().enumerate() {
        let killed = dir.path().join(format!("killed-{index}"));
        let mut command = circles(args);
        command.arg("--artifacts").arg(&killed);
        finished_first += usize::from(kill_at(&mut command, *moment));
        let output = circles(&["--resume", "--artifacts"])
            .arg(&killed)
            .output()
            .unwrap();
        let label = format!("kill {moment}");
        assert!(output.status.success(), "{label}: {output:?}");
        assert_same_run(&killed, &whole, losses, asked, &label);
    }
    eprintln!(
        "circles {}: {} kills, every resume ended as the uninterrupted run ({finished_first} had finished before the kill)",
        args.join(" "),
        all.len()
    );
}

#[cfg(unix)]
#[test]
fn the_default_command_killed_at_any_moment_resumes_to_the_uninterrupted_run() {
    kill_and_resume_everywhere(&[], &["hinge", "squared-hinge"], &POINTS);
}

/// The same for a run on the user's own CSV file: its rows are read, checked against the
/// checksum the run recorded, split and standardised again on every resume.
#[cfg(unix)]
#[test]
fn a_csv_run_killed_at_any_moment_resumes_to_the_uninterrupted_run() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("cancer.csv");
    common::write_breast_cancer_csv(&csv);
    let path = csv.to_str().unwrap();
    kill_and_resume_everywhere(
        &["--data", path],
        &["hinge", "squared-hinge"],
        &["--data", path],
    );
}

#[cfg(unix)]
#[test]
fn all_three_losses_killed_at_any_moment_resume_to_the_uninterrupted_run() {
    kill_and_resume_everywhere(
        &["--loss", "all"],
        &["hinge", "squared-hinge", "logistic"],
        &POINTS,
    );
}

/// A resume killed in its turn, at moments spread over its own life, and resumed again.
#[cfg(unix)]
#[test]
fn a_resume_killed_in_its_turn_resumes_to_the_uninterrupted_run() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    whole_run(&[], &whole);
    // The resume prints the hinge run's remaining epochs (21 to 30), its test result, then
    // the squared hinge's epochs and test result.
    let second_kills = [
        Moment::new("Resuming hinge", 1, 0),
        Moment::new("Epoch 25/30", 1, 4),
        Moment::new("Test results", 1, 30),
        Moment::new("Epoch 3/30", 1, 2),
        Moment::new("Epoch 30/30", 2, 1),
        Moment::new("Test results", 2, 80),
    ];
    for (index, moment) in second_kills.into_iter().enumerate() {
        let killed = dir.path().join(format!("killed-{index}"));
        let mut first = circles(&[]);
        first.arg("--artifacts").arg(&killed);
        kill_at(&mut first, Moment::new("Epoch 20/30", 1, 0));
        let mut resume = circles(&["--resume", "--artifacts"]);
        resume.arg(&killed);
        kill_at(&mut resume, moment);
        succeed(circles(&["--resume", "--artifacts"]).arg(&killed));
        assert_same_run(
            &killed,
            &whole,
            &["hinge", "squared-hinge"],
            &POINTS,
            &format!("resume killed {moment}"),
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
    let (_dir, artifacts) = short_run("logistic");
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

#[test]
fn every_program_takes_resume_or_says_in_one_line_why_it_cannot() {
    let (_dir, artifacts) = short_run("hinge");
    let run = artifacts.join("hinge");
    // lab margins and lab merge train nothing: with --resume they are done again.
    let stdout = succeed(
        Command::new(binary("lab"))
            .args(["margins", "--resume", "--backend", "flex", "--run"])
            .arg(&run),
    );
    assert!(
        stdout.contains("nothing is resumed: measuring again"),
        "{stdout}"
    );
    assert!(run.join("margins.png").is_file());
    // predict and the benchmark have nothing to resume, and say so.
    for (program, args) in [
        ("predict", &["--resume", "0.1,0.2"][..]),
        ("bench", &["--resume"]),
    ] {
        let output = Command::new(binary(program))
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let line = common::assert_one_line_error(&output, 2);
        assert!(line.contains("nothing to resume"), "{program}: {line}");
    }
}
