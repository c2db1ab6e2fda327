//! The loss lab end to end: seeds and sweep produce their tables and figures, parallel runs give
//! the same results as one at a time, and bad settings fail on one line.

mod common;

use std::io::Read;
use std::path::Path;
use std::process::Command;

use common::{assert_one_line_error, binary, succeed};
use hinge_lab::hinge_model::LossKind;
use hinge_lab::hinge_train::{BackendKind, Dashboard, TrainingConfig};
use hinge_lab::lab::LabSettings;
use hinge_lab::lab::merge::merge_shards;
use hinge_lab::lab::rate_grid::RateGrid;
use hinge_lab::lab::seeds::run_seeds;
use hinge_lab::lab::seeds::{BOUNDARY_PLOT, MARGINS_PLOT, RUNS_FILE, SUMMARY_FILE, SeedsRequest};
use hinge_lab::lab::sweep::{CELLS_FILE, HEATMAP_PLOT, NOISE_PLOT, SweepRequest, run_sweep};
use hinge_lab::margins::RAYS;

/// A short run: 3 epochs on 200 points, so a batch of runs takes seconds.
fn small_config() -> TrainingConfig {
    let mut config = TrainingConfig::new().with_epochs(3);
    config.data.samples = 200;
    config.split.test_samples = 50;
    config
}

fn batch(
    losses: &[LossKind],
    seeds: usize,
    first_seed: u64,
    jobs: usize,
    dir: &Path,
) -> LabSettings {
    LabSettings {
        losses: losses.to_vec(),
        seeds,
        first_seed,
        backend: BackendKind::Flex,
        jobs,
        artifacts: dir.to_path_buf(),
        show_progress: false,
        dashboard: Dashboard::Silent,
        max_population: hinge_lab::lab::MAX_POPULATION,
        resume: false,
    }
}

fn seeds_request(dir: &Path, jobs: usize) -> SeedsRequest {
    SeedsRequest {
        config: small_config(),
        batch: batch(&LossKind::TWO_CLASS, 2, 7, jobs, dir),
    }
}

fn assert_png(path: &Path) {
    let bytes = std::fs::read(path).unwrap_or_else(|_| panic!("{} is missing", path.display()));
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let reader = decoder.read_info().expect("a valid PNG");
    assert!(reader.info().width >= 500, "{}", path.display());
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| line.split(',').map(str::to_string).collect())
        .collect()
}

#[test]
fn seeds_measures_every_loss_and_parallel_runs_match_sequential_ones() {
    let parallel_dir = tempfile::tempdir().unwrap();
    let parallel = run_seeds(&seeds_request(parallel_dir.path(), 2)).unwrap();
    // Loss by loss, seed by seed, whatever order the runs finished in.
    let order: Vec<(LossKind, u64)> = parallel.trials.iter().map(|t| (t.loss, t.seed)).collect();
    let expected: Vec<(LossKind, u64)> = LossKind::TWO_CLASS
        .iter()
        .flat_map(|&loss| [(loss, 7), (loss, 8)])
        .collect();
    assert_eq!(order, expected);
    for trial in &parallel.trials {
        assert_eq!(trial.margins.margins.len(), 50);
        assert!((0.0..=1.0).contains(&trial.test_accuracy));
        assert!(trial.margins.margins.iter().all(|m| m.abs() <= 1.0));
        assert_eq!(trial.radii.len(), RAYS);
    }
    // Same seed, same run: a run's result does not depend on what trained beside it.
    let sequential_dir = tempfile::tempdir().unwrap();
    let sequential = run_seeds(&seeds_request(sequential_dir.path(), 1)).unwrap();
    for (a, b) in parallel.trials.iter().zip(&sequential.trials) {
        assert_eq!(
            (a.test_loss, a.test_accuracy),
            (b.test_loss, b.test_accuracy)
        );
        assert_eq!(a.margins, b.margins);
    }

    assert_eq!(parallel.summaries.len(), 3);
    for summary in &parallel.summaries {
        assert_eq!(summary.runs, 2);
        assert!(summary.full_accuracy_runs <= 2);
    }
    let runs = csv_rows(&parallel_dir.path().join(RUNS_FILE));
    assert_eq!(runs.len(), 1 + 6);
    assert_eq!(runs[0][0], "loss");
    assert!(runs.iter().all(|row| row.len() == runs[0].len()));
    assert_eq!(runs[1][0], "hinge");
    assert_eq!(runs[6][0], "logistic");
    let summary = csv_rows(&parallel_dir.path().join(SUMMARY_FILE));
    assert_eq!(summary.len(), 1 + 3);
    assert!(summary.iter().all(|row| row.len() == summary[0].len()));
    assert_png(&parallel_dir.path().join(MARGINS_PLOT));
    assert_png(&parallel_dir.path().join(BOUNDARY_PLOT));
}

#[test]
fn sweep_summarises_each_cell_and_draws_the_figures() {
    let dir = tempfile::tempdir().unwrap();
    let request = SweepRequest {
        config: small_config(),
        noises: vec![0.0, 0.2],
        factors: vec![0.3, 0.6],
        grid: RateGrid::single(&small_config()),
        batch: batch(&[LossKind::Hinge, LossKind::Logistic], 2, 0, 2, dir.path()),
        shard: None,
    };
    let outcome = run_sweep(&request).unwrap();
    assert_eq!(outcome.trials.len(), 2 * 2 * 2 * 2);
    assert_eq!(outcome.cells.len(), 2 * 2 * 2);
    for cell in &outcome.cells {
        assert_eq!(cell.summary.runs, 2);
        let runs: Vec<_> = outcome
            .trials
            .iter()
            .filter(|t| t.noise == cell.noise && t.factor == cell.factor)
            .filter(|t| t.loss == cell.summary.loss)
            .collect();
        let mean = runs.iter().map(|t| t.test_accuracy).sum::<f64>() / 2.0;
        assert!((cell.summary.accuracy_mean - mean).abs() < 1e-12);
        // Each run really had its cell's data.
        assert!(runs.iter().all(|t| t.noise == cell.noise));
    }
    let cells = csv_rows(&dir.path().join(CELLS_FILE));
    assert_eq!(cells.len(), 1 + 8);
    assert_eq!(
        &cells[0][..6],
        ["noise", "factor", "learning_rate", "l2", "l1", "loss"]
    );
    assert_png(&dir.path().join(NOISE_PLOT));
    assert_png(&dir.path().join(HEATMAP_PLOT));
}

fn lab(args: &[&str]) -> Command {
    let mut command = Command::new(binary("lab"));
    command.args(args).args(["--backend", "flex", "--quiet"]);
    command
}

#[test]
fn bad_lab_settings_fail_on_one_line_before_training() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    let cases: [(&[&str], i32, &str); 9] = [
        (&["seeds", "--seeds", "0"], 1, "--seeds 0"),
        (&["cv", "--folds", "1"], 1, "--folds 1"),
        (&["cv", "--repeats", "0"], 1, "--repeats 0"),
        (
            &["cv", "--dataset", "breast-cancer", "--folds", "600"],
            1,
            "fold 0 of 600",
        ),
        (&["sweep", "--dataset", "wine"], 1, "--dataset wine"),
        (&["seeds", "--jobs", "0"], 1, "--jobs 0"),
        (&["sweep", "--noise", "0,-0.1"], 1, "-0.1"),
        (&["sweep", "--factor", "0.5,1.5"], 1, "1.5"),
        (&["sweep", "--noise", "0,lots"], 2, "lots"),
    ];
    for (args, code, named) in cases {
        let output = lab(args).args(["--artifacts", out]).output().unwrap();
        let line = assert_one_line_error(&output, code);
        assert!(line.contains(named), "{args:?}: {line}");
        assert!(!Path::new(out).exists(), "{args:?} wrote {out}");
    }
}

#[test]
fn the_lab_binary_prints_the_summary_table() {
    let dir = tempfile::tempdir().unwrap();
    let stdout = succeed(
        lab(&[
            "seeds",
            "--seeds",
            "2",
            "--epochs",
            "2",
            "--samples",
            "200",
            "--test-samples",
            "50",
            "--loss",
            "both",
        ])
        .args(["--artifacts", dir.path().to_str().unwrap()]),
    );
    assert!(stdout.contains("100% runs"), "{stdout}");
    assert!(stdout.lines().any(|l| l.starts_with("hinge ")), "{stdout}");
    assert!(
        stdout.lines().any(|l| l.starts_with("squared-hinge ")),
        "{stdout}"
    );
    assert!(
        !stdout.lines().any(|l| l.starts_with("logistic ")),
        "{stdout}"
    );
    assert!(dir.path().join(RUNS_FILE).is_file());
}

#[test]
fn margins_measures_a_saved_run_and_draws_its_histogram() {
    let dir = tempfile::tempdir().unwrap();
    let artifacts = dir.path().join("runs");
    let trained = common::circles(&["--loss", "hinge", "--epochs", "5"])
        .args(["--artifacts", artifacts.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(trained.status.success(), "{trained:?}");
    let run = artifacts.join("hinge");
    let margins = |run: &Path| {
        Command::new(binary("lab"))
            .args(["margins", "--backend", "flex", "--run"])
            .arg(run)
            .output()
            .unwrap()
    };
    let output = margins(&run);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.starts_with("hinge loss, 250 test points: mean t*f(x) "),
        "{stdout}"
    );
    assert!(stdout.contains("over the "), "{stdout}");
    assert_png(&run.join("margins.png"));
    // The same numbers as measuring the model in-process.
    let device = BackendKind::Flex.device().unwrap();
    let measured = hinge_lab::lab::one_run::saved_run_margins(&run, &device).unwrap();
    assert!(stdout.starts_with(&measured.report()[..40]));
    assert_eq!(measured.analysis.margins.len(), 250);

    let line = assert_one_line_error(&margins(&dir.path().join("none")), 1);
    assert!(line.contains("none"), "{line}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_every_run_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    // Long enough to be caught mid-way: 4000 runs of the tutorial's 30 epochs, trained as 4
    // populations of 1000 one after the other; the progress line comes after the first.
    let mut child = Command::new(binary("lab"))
        .args([
            "sweep",
            "--backend",
            "flex",
            "--jobs",
            "1",
            "--seeds",
            "2000",
        ])
        .args(["--noise", "0", "--factor", "0.1", "--loss", "both"])
        .arg("--artifacts")
        .arg(&out)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the first population's runs, then press Ctrl-C.
    let mut stderr = child.stderr.take().unwrap();
    first_population_done(&mut stderr, "sweep");
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    // The shell's code for a stop by SIGINT: 128 + 2.
    assert_eq!(status.code(), Some(130), "{rest}");
    let last = rest
        .trim_end()
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();
    assert!(
        last.starts_with("error: stopped by Ctrl-C after "),
        "{rest}"
    );
    assert!(
        last.contains("of 4000 runs: the finished runs are kept"),
        "{last}"
    );
    assert!(!rest.contains("panicked"), "{rest}");
    assert!(!out.join(hinge_lab::lab::sweep::RUNS_FILE).exists());
    assert!(!out.join(hinge_lab::lab::sweep::CELLS_FILE).exists());
}

/// Reads a lab's stderr up to its first progress line, written once its first population is
/// trained and journaled; `what` names the lab if it ends first.
fn first_population_done(stderr: &mut impl Read, what: &str) {
    let (mut seen, mut byte) = (Vec::new(), [0u8; 1]);
    while !String::from_utf8_lossy(&seen).contains("runs,") {
        assert_eq!(stderr.read(&mut byte).unwrap(), 1, "the {what} ended early");
        seen.push(byte[0]);
    }
}

/// Starts `lab args --artifacts folder` and kills it (SIGKILL) once its first population is
/// done.
fn kill_after_first_population(args: &[&str], folder: &Path, what: &str) {
    let mut child = Command::new(binary("lab"))
        .args(args)
        .arg("--artifacts")
        .arg(folder)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    first_population_done(child.stderr.as_mut().unwrap(), what);
    child.kill().unwrap();
    child.wait().unwrap();
}

fn sweep_request(dir: &Path, jobs: usize, shard: Option<&str>) -> SweepRequest {
    SweepRequest {
        config: small_config(),
        noises: vec![0.0, 0.2],
        factors: vec![0.3, 0.6],
        grid: RateGrid::single(&small_config()),
        batch: batch(&[LossKind::Hinge], 3, 0, jobs, dir),
        shard: shard.map(|s| s.parse().unwrap()),
    }
}

#[test]
fn a_sweep_in_three_shards_merges_into_the_unsharded_sweep() {
    let whole = tempfile::tempdir().unwrap();
    run_sweep(&sweep_request(whole.path(), 2, None)).unwrap();
    let parts = tempfile::tempdir().unwrap();
    let shard_dirs: Vec<_> = (1..=3)
        .map(|k| parts.path().join(format!("shard-{k}")))
        .collect();
    for (k, dir) in shard_dirs.iter().enumerate() {
        let outcome = run_sweep(&sweep_request(dir, 1, Some(&format!("{}/3", k + 1)))).unwrap();
        // 12 runs in three slices of 4; a shard summarises nothing on its own.
        assert_eq!(outcome.trials.len(), 4);
        assert!(outcome.cells.is_empty());
        assert!(!dir.join(CELLS_FILE).exists());
    }
    // Any order of folders; the merge writes what the unsharded sweep wrote.
    let merged = parts.path().join("merged");
    let order = [&shard_dirs[2], &shard_dirs[0], &shard_dirs[1]].map(|d| d.to_path_buf());
    let (_, cells) = merge_shards(&order, &merged).unwrap();
    assert_eq!(cells.len(), 4);
    for file in [RUNS_FILE, CELLS_FILE] {
        assert_eq!(
            std::fs::read_to_string(merged.join(file)).unwrap(),
            std::fs::read_to_string(whole.path().join(file)).unwrap(),
            "{file}"
        );
    }
    assert_png(&merged.join(NOISE_PLOT));
    assert_png(&merged.join(HEATMAP_PLOT));

    // A missing shard, a shard twice, or a shard of another sweep: one line each, nothing
    // written.
    let refused = parts.path().join("refused");
    let err = merge_shards(&shard_dirs[..2], &refused)
        .unwrap_err()
        .to_string();
    assert!(err.contains("shard 3/3 is missing"), "{err}");
    let twice = [&shard_dirs[0], &shard_dirs[1], &shard_dirs[1]].map(|d| d.to_path_buf());
    let err = merge_shards(&twice, &refused).unwrap_err().to_string();
    assert!(err.contains("holds shard 2/3"), "{err}");
    let other = parts.path().join("other");
    let mut request = sweep_request(&other, 1, Some("3/3"));
    request.batch.seeds = 4;
    run_sweep(&request).unwrap();
    let mixed = [&shard_dirs[0], &shard_dirs[1], &other].map(|d| d.to_path_buf());
    let err = merge_shards(&mixed, &refused).unwrap_err().to_string();
    assert!(err.contains("not a shard of the same sweep"), "{err}");
    assert!(!refused.exists());

    // The same through the binary: a bad shard and a bad merge are one line each.
    let line = assert_one_line_error(&lab(&["sweep", "--shard", "4/3"]).output().unwrap(), 2);
    assert!(line.contains("shard '4/3' is invalid"), "{line}");
    let mut merge = Command::new(binary("lab"));
    merge
        .arg("merge")
        .args(&shard_dirs[..2])
        .arg("--artifacts")
        .arg(&refused);
    let line = assert_one_line_error(&merge.output().unwrap(), 1);
    assert!(line.contains("shard 3/3 is missing"), "{line}");
}

#[cfg(unix)]
#[test]
fn a_sweep_killed_half_way_resumes_to_the_uninterrupted_tables() {
    let dir = tempfile::tempdir().unwrap();
    // 160 short runs in 8 populations of 20, one after the other.
    let args = [
        "sweep",
        "--jobs",
        "1",
        "--population",
        "20",
        "--seeds",
        "40",
        "--noise",
        "0,0.1",
        "--factor",
        "0.3",
        "--loss",
        "both",
        "--epochs",
        "3",
        "--samples",
        "200",
        "--test-samples",
        "50",
        "--backend",
        "flex",
    ];
    let whole = dir.path().join("whole");
    let output = Command::new(binary("lab"))
        .args(args)
        .arg("--quiet")
        .arg("--artifacts")
        .arg(&whole)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");

    let killed = dir.path().join("killed");
    kill_after_first_population(&args, &killed, "sweep");
    assert!(!killed.join(RUNS_FILE).exists());

    // Other settings are refused; the same command with --resume goes on and ends as the
    // uninterrupted sweep.
    let mut other = Command::new(binary("lab"));
    other
        .args(args)
        .args(["--first-seed", "5", "--resume", "--artifacts"])
        .arg(&killed);
    let line = assert_one_line_error(&other.output().unwrap(), 1);
    assert!(line.contains("other settings"), "{line}");
    let resume_in = |folder: &Path| {
        let mut command = Command::new(binary("lab"));
        command
            .args(args)
            .args(["--quiet", "--resume", "--artifacts"])
            .arg(folder);
        succeed(&mut command)
    };
    let same_tables = |folder: &Path| {
        for file in [RUNS_FILE, CELLS_FILE] {
            assert_eq!(
                std::fs::read_to_string(folder.join(file)).unwrap(),
                std::fs::read_to_string(whole.join(file)).unwrap(),
                "{file}"
            );
        }
    };
    let stdout = resume_in(&killed);
    let before: usize = stdout
        .split(" done before")
        .next()
        .and_then(|head| head.rsplit('(').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!((20..160).contains(&before), "{stdout}");
    same_tables(&killed);
    // Done: a resume trains nothing, says so, and writes the same tables again.
    let stdout = resume_in(&killed);
    assert!(
        stdout.contains("is complete: nothing was left to train"),
        "{stdout}"
    );
    same_tables(&killed);
    // A scheduler passes --resume every time: where no lab was started, it starts one.
    let fresh = dir.path().join("fresh");
    let stdout = resume_in(&fresh);
    assert!(stdout.contains("No lab was started in"), "{stdout}");
    same_tables(&fresh);
}

/// `lab cv` of iris, 3 folds x 2 repeats of 3 epochs.
const IRIS_CV: [&str; 11] = [
    "cv",
    "--dataset",
    "iris",
    "--loss",
    "categorical-hinge",
    "--folds",
    "3",
    "--repeats",
    "2",
    "--epochs",
    "3",
];

/// Cross-validation of iris through the binary: every repeat's folds partition the rows, each
/// member is a row of `cv_runs.csv`, and the summary has a row per loss.
#[test]
fn cv_deals_every_row_to_one_fold_per_repeat_and_summarises_each_loss() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cv");
    let printed = succeed(lab(&IRIS_CV).arg("--artifacts").arg(&out));
    assert!(
        printed.contains("categorical-hinge: test accuracy"),
        "{printed}"
    );
    // Three classes of 50: whichever the training folds favour has about a third of a test fold.
    assert!(printed.contains("majority class 0.3"), "{printed}");
    let folds = csv_rows(&out.join("folds.csv"));
    assert_eq!(folds[0], ["repeat", "fold", "row"]);
    let folds = &folds[1..];
    assert_eq!(folds.len(), 2 * 150);
    for repeat in ["0", "1"] {
        let mut rows: Vec<usize> = folds
            .iter()
            .filter(|r| r[0] == repeat)
            .map(|r| r[2].parse().unwrap())
            .collect();
        rows.sort_unstable();
        assert_eq!(rows, (0..150).collect::<Vec<_>>(), "repeat {repeat}");
        for fold in ["0", "1", "2"] {
            let size = folds
                .iter()
                .filter(|r| r[0] == repeat && r[1] == fold)
                .count();
            assert_eq!(size, 50, "repeat {repeat} fold {fold}");
        }
    }
    // A header, then a row per member and a row per loss.
    assert_eq!(csv_rows(&out.join("cv_runs.csv")).len(), 1 + 6);
    assert_eq!(csv_rows(&out.join("cv_summary.csv")).len(), 1 + 1);
    assert_png(&out.join("margins.png"));
    // Asked again with --resume, the finished lab trains nothing.
    let again = succeed(lab(&IRIS_CV).args(["--resume", "--artifacts"]).arg(&out));
    assert!(again.contains("is complete"), "{again}");
}

/// A sweep over learning rates and L2 penalties: every run trained at its own rate and
/// penalty in one population is the run of a sweep at that one rate and penalty, and the
/// sweep in three shards merges into the same tables.
#[test]
fn a_sweep_over_rates_and_penalties_trains_each_point_as_its_own_sweep() {
    let grid = RateGrid {
        rates: vec![0.01, 0.1],
        l2s: vec![0.0, 1e-3],
        l1s: vec![0.0],
    };
    let request = |dir: &Path, grid: RateGrid, shard: Option<&str>| SweepRequest {
        config: small_config(),
        noises: vec![0.1],
        factors: vec![0.5],
        grid,
        batch: batch(&[LossKind::Hinge], 3, 0, 1, dir),
        shard: shard.map(|s| s.parse().unwrap()),
    };
    let whole = tempfile::tempdir().unwrap();
    let outcome = run_sweep(&request(whole.path(), grid.clone(), None)).unwrap();
    assert_eq!(outcome.trials.len(), 4 * 3);
    assert_eq!(outcome.cells.len(), 4);
    assert_png(&whole.path().join(hinge_lab::lab::sweep::KNOB_PLOT));
    for point in grid.points() {
        let alone = tempfile::tempdir().unwrap();
        let single = RateGrid {
            rates: vec![point.learning_rate],
            l2s: vec![point.l2],
            l1s: vec![point.l1],
        };
        let own = run_sweep(&request(alone.path(), single, None)).unwrap();
        let mixed: Vec<_> = outcome
            .trials
            .iter()
            .filter(|t| t.learning_rate == point.learning_rate && t.l2 == point.l2)
            .cloned()
            .collect();
        assert_eq!(mixed, own.trials, "{point:?}");
    }
    let parts = tempfile::tempdir().unwrap();
    let dirs: Vec<_> = (1..=3).map(|k| parts.path().join(format!("{k}"))).collect();
    for (k, dir) in dirs.iter().enumerate() {
        run_sweep(&request(dir, grid.clone(), Some(&format!("{}/3", k + 1)))).unwrap();
    }
    let merged = parts.path().join("merged");
    merge_shards(&dirs, &merged).unwrap();
    for file in [RUNS_FILE, CELLS_FILE] {
        assert_eq!(
            std::fs::read_to_string(merged.join(file)).unwrap(),
            std::fs::read_to_string(whole.path().join(file)).unwrap(),
            "{file}"
        );
    }
    // Bad lists: one line each, naming the value.
    for (flag, value, says) in [
        ("--lr", "0.01,0", "--lr 0"),
        ("--lr", "-1", "--lr -1"),
        ("--l2", "0.1,-0.5", "--l2 -0.5"),
        ("--l1", "NaN", "--l1 NaN"),
    ] {
        let line = assert_one_line_error(&lab(&["sweep", flag, value]).output().unwrap(), 1);
        assert!(line.contains(says), "{line}");
    }
}

/// `lab search`: every grid point x fold trained, each point summarised and ranked, the best
/// trained again on the whole training split; in three shards merged, the same files.
#[test]
fn a_search_in_three_shards_merges_into_the_unsharded_search() {
    use hinge_lab::lab::merge::merge_search_shards;
    use hinge_lab::lab::search::{
        BEST_FILE, SEARCH_FILE, SEARCH_HEATMAP, SEARCH_RUNS_FILE, SearchRequest, run_search,
    };
    let request = |dir: &Path, shard: Option<&str>| SearchRequest {
        config: small_config(),
        grid: RateGrid {
            rates: vec![0.01, 0.1],
            l2s: vec![0.0, 1e-3],
            l1s: vec![0.0],
        },
        folds: 3,
        repeats: 1,
        batch: batch(&[LossKind::Hinge], 1, 4, 1, dir),
        shard: shard.map(|s| s.parse().unwrap()),
    };
    let whole = tempfile::tempdir().unwrap();
    let outcome = run_search(&request(whole.path(), None)).unwrap();
    assert_eq!(outcome.rows.len(), 4 * 3);
    assert_eq!(outcome.points.len(), 4);
    // Each fold validates on its third of the 150 training rows; the test set stays out.
    assert!(outcome.rows.iter().all(|r| r.fold < 3));
    let best = outcome.best.as_ref().unwrap();
    let top = outcome
        .points
        .iter()
        .map(|p| p.mean_accuracy)
        .fold(0.0, f64::max);
    assert_eq!(best.mean_validation_accuracy, top);
    assert_eq!(best.test_samples, 50);
    assert!(outcome.points.iter().any(|p| p.rank == 1));
    assert_png(&whole.path().join(SEARCH_HEATMAP));

    let parts = tempfile::tempdir().unwrap();
    let dirs: Vec<_> = (1..=3).map(|k| parts.path().join(format!("{k}"))).collect();
    for (k, dir) in dirs.iter().enumerate() {
        let shard = run_search(&request(dir, Some(&format!("{}/3", k + 1)))).unwrap();
        assert_eq!(shard.rows.len(), 4);
        assert!(shard.best.is_none() && !dir.join(SEARCH_FILE).exists());
    }
    let merged = parts.path().join("merged");
    let order = [&dirs[1], &dirs[2], &dirs[0]].map(|d| d.to_path_buf());
    let (_, again) = merge_search_shards(&order, &merged).unwrap();
    assert_eq!(again.best, outcome.best);
    for file in [SEARCH_FILE, SEARCH_RUNS_FILE, BEST_FILE] {
        assert_eq!(
            std::fs::read_to_string(merged.join(file)).unwrap(),
            std::fs::read_to_string(whole.path().join(file)).unwrap(),
            "{file}"
        );
    }
    // Through the binary, merge tells a search from a sweep by its folders.
    let mut merge = Command::new(binary("lab"));
    merge
        .arg("merge")
        .args(&dirs[..2])
        .arg("--artifacts")
        .arg(parts.path().join("refused"));
    let line = assert_one_line_error(&merge.output().unwrap(), 1);
    assert!(line.contains("shard 3/3 is missing"), "{line}");
    for (args, says) in [
        (&["search", "--folds", "1"][..], "--folds 1"),
        (&["search", "--lr", "0.1,0"][..], "--lr 0"),
        (&["search", "--l2", "-1"][..], "--l2 -1"),
    ] {
        let line = assert_one_line_error(&lab(args).output().unwrap(), 1);
        assert!(line.contains(says), "{line}");
    }
}

/// `lab search` with its default grid, losses and folds, killed once its first population is
/// journaled, resumes to the uninterrupted search's tables and best point.
#[cfg(unix)]
#[test]
fn a_search_killed_half_way_resumes_to_the_uninterrupted_search() {
    use hinge_lab::lab::search::{BEST_FILE, SEARCH_FILE, SEARCH_RUNS_FILE};
    let dir = tempfile::tempdir().unwrap();
    // 12 grid points x 3 losses x 5 folds = 180 short runs in 6 populations of 30.
    let args = [
        "search",
        "--jobs",
        "1",
        "--population",
        "30",
        "--epochs",
        "3",
        "--samples",
        "200",
        "--test-samples",
        "50",
        "--backend",
        "flex",
    ];
    let whole = dir.path().join("whole");
    let mut command = Command::new(binary("lab"));
    command
        .args(args)
        .arg("--quiet")
        .arg("--artifacts")
        .arg(&whole);
    let stdout = succeed(&mut command);
    assert!(stdout.contains("Best: "), "{stdout}");

    let killed = dir.path().join("killed");
    kill_after_first_population(&args, &killed, "search");
    assert!(!killed.join(SEARCH_FILE).exists());

    let mut resume = Command::new(binary("lab"));
    resume
        .args(args)
        .args(["--quiet", "--resume", "--artifacts"])
        .arg(&killed);
    let stdout = succeed(&mut resume);
    assert!(stdout.contains("done before"), "{stdout}");
    for file in [SEARCH_FILE, SEARCH_RUNS_FILE, BEST_FILE] {
        assert_eq!(
            std::fs::read_to_string(killed.join(file)).unwrap(),
            std::fs::read_to_string(whole.join(file)).unwrap(),
            "{file}"
        );
    }
}
