//! Bad input, faults and interruption, through the real binaries (`circles`, `predict`) or the
//! public API: each gets one line naming the value and what is allowed, a non-zero exit, no
//! panic, and nothing already written is lost or left half-written.

mod common;

use std::path::Path;
use std::process::{Output, Stdio};

use burn::tensor::{Device, Tensor, TensorData};
use common::{assert_one_line_error, binary, circles};
use hinge_lab::hinge_model::{HingeLoss, Reduction, SquaredHingeLoss};
use hinge_lab::hinge_train::{BackendKind, EpochMetrics, RunDir, TrainError};

/// The epochs the solo run in `run_dir` lists in its `metrics.csv`.
fn read_metrics(run_dir: &Path) -> Result<Vec<EpochMetrics>, TrainError> {
    RunDir::new(run_dir)
        .read_metrics(1)
        .map(|mut members| members.swap_remove(0))
}

fn run(args: &[&str], artifacts: &Path) -> Output {
    circles(args)
        .arg("--artifacts")
        .arg(artifacts)
        .output()
        .unwrap()
}

/// The `predict` binary on the run in `run`, with `points` as arguments and nothing on stdin.
fn predict(run: &Path, points: &[&str]) -> Output {
    std::process::Command::new(binary("predict"))
        .arg("--run")
        .arg(run)
        .args(points)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// A short run that finishes: 3 epochs of the tutorial's data.
const SHORT: [&str; 4] = ["--loss", "hinge", "--epochs", "3"];

#[test]
fn every_bad_flag_is_one_line_naming_the_value_and_what_is_allowed() {
    // (flags, exit code, words the line must hold)
    let cases: &[(&[&str], i32, &[&str])] = &[
        (&["--factor", "0"], 1, &["factor 0", "between 0 and 1"]),
        (&["--factor", "1"], 1, &["factor 1", "between 0 and 1"]),
        (
            &["--factor", "-0.5"],
            1,
            &["factor -0.5", "between 0 and 1"],
        ),
        (&["--samples", "1"], 1, &["samples 1", "at least 2"]),
        (&["--samples", "0"], 1, &["samples 0", "at least 2"]),
        (
            &["--test-samples", "1000"],
            1,
            &["test samples 1000", "below the 1000 samples"],
        ),
        (
            &["--samples", "100", "--test-samples", "250"],
            1,
            &["test samples 250", "below the 100 samples"],
        ),
        (
            &["--validation-split", "1"],
            1,
            &["validation split 1", "[0, 1)"],
        ),
        (
            &["--validation-split", "-0.1"],
            1,
            &["validation split -0.1", "[0, 1)"],
        ),
        (&["--batch-size", "0"], 1, &["batch size 0", "at least 1"]),
        (
            &["--samples", "20000000000"],
            1,
            &["this needs about", "for the data", "available"],
        ),
        (
            &["--hidden", "100000,100000"],
            1,
            &["this needs about", "for the network", "available"],
        ),
        (
            &["--noise", "1e300"],
            1,
            &["noise 1e300 puts points beyond f32", "smaller noise"],
        ),
        (
            &["--dataset", "blobs", "--cluster-std", "1e100"],
            1,
            &["cluster std 1e100 puts points beyond f32"],
        ),
        (&["--epochs", "0"], 1, &["epochs 0", "at least 1"]),
        (&["--lr", "0"], 1, &["learning rate 0", "finite number > 0"]),
        (
            &["--lr", "-1"],
            1,
            &["learning rate -1", "finite number > 0"],
        ),
        (
            &["--lr", "inf"],
            1,
            &["learning rate inf", "finite number > 0"],
        ),
        (
            &["--lr", "NaN"],
            1,
            &["learning rate NaN", "finite number > 0"],
        ),
        (&["--noise", "-0.1"], 1, &["noise -0.1", ">= 0"]),
        (&["--noise", "nan"], 1, &["noise NaN", ">= 0"]),
        (
            &["--dataset", "blobs", "--cluster-std", "-1"],
            1,
            &["cluster std -1", ">= 0"],
        ),
        (
            &["--dataset", "blobs", "--centers", "1"],
            1,
            &["centers 1", "2 to 255"],
        ),
        (
            &["--dataset", "blobs", "--centers", "3"],
            1,
            &[
                "loss hinge needs two classes",
                "blobs has 3",
                "categorical-hinge",
            ],
        ),
        (
            &["--dataset", "blobs", "--centers", "3", "--samples", "2"],
            1,
            &["samples 2", "at least 3"],
        ),
        (
            &["--hidden", "4,0"],
            1,
            &["hidden layer 1 has width 0", "at least 1"],
        ),
        (
            &["--dataset", "torus"],
            2,
            &["'torus'", "circles, moons, blobs, xor, spirals"],
        ),
        (
            &["--loss", "crossentropy"],
            2,
            &[
                "'crossentropy'",
                "hinge, squared-hinge, logistic, categorical-hinge, both, all",
            ],
        ),
        (
            &["--backend", "tpu"],
            2,
            &["'tpu'", "flex, ndarray, wgpu, cuda"],
        ),
        (&["--epochs", "many"], 2, &["'many'", "--epochs"]),
        (&["--bogus"], 2, &["'--bogus'"]),
        (
            &["--resume", "--epochs", "3"],
            2,
            &["'--resume'", "'--epochs <EPOCHS>'"],
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let artifacts = dir.path().join("run");
    for (args, code, words) in cases {
        let output = run(args, &artifacts);
        let line = assert_one_line_error(&output, *code);
        for word in *words {
            assert!(line.contains(word), "{args:?}: {line}");
        }
        assert!(
            !artifacts.exists(),
            "{args:?} wrote {}",
            artifacts.display()
        );
    }
}

#[test]
fn a_backend_not_compiled_in_names_the_feature_to_enable() {
    let missing: Vec<_> = BackendKind::ALL
        .iter()
        .copied()
        .filter(|b| !b.is_compiled())
        .collect();
    // Built with every backend there is nothing to ask for; CI never builds cuda.
    assert!(!missing.is_empty() || BackendKind::Cuda.is_compiled());
    let dir = tempfile::tempdir().unwrap();
    for backend in missing {
        let output = std::process::Command::new(binary("circles"))
            .args(["--no-tui", "--backend", backend.name(), "--artifacts"])
            .arg(dir.path().join("run"))
            .output()
            .unwrap();
        let line = assert_one_line_error(&output, 1);
        assert!(line.contains(&format!("backend '{backend}'")), "{line}");
        assert!(line.contains(&format!("--features {backend}")), "{line}");
    }
}

#[test]
fn a_saved_config_file_reproduces_its_run_and_bad_ones_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    assert!(run(&SHORT, &first).status.success());
    let saved = first.join("hinge").join("config.json");

    // The run's own config.json, and nothing else, gives the same run.
    let again = dir.path().join("again");
    let output = circles(&["--config", saved.to_str().unwrap(), "--artifacts"])
        .arg(&again)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(
        !again.join("squared-hinge").exists(),
        "the file's loss only"
    );
    let read = |p: &Path| std::fs::read_to_string(p).unwrap();
    assert_eq!(
        read(&first.join("hinge/metrics.csv")),
        read(&again.join("hinge/metrics.csv"))
    );
    assert_eq!(read(&saved), read(&again.join("hinge/config.json")));

    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let edited = read(&saved).replace("\"batch_size\": 5", "\"batch_size\": 0");
    assert_ne!(edited, read(&saved));
    let cases = [
        (dir.path().join("missing.json"), "No such file"),
        (write("broken.json", "{\"epochs\": 3,"), "line 1 column 13"),
        (write("list.json", "[1, 2]"), "expected a JSON object"),
        (
            write("typo.json", "{\"learnin_rate\": 0.1}"),
            "unknown field `learnin_rate`",
        ),
        (
            write("nested.json", "{\"data\": {\"nois\": 0.1}}"),
            "unknown field `data.nois`",
        ),
        (write("type.json", "{\"epochs\": \"ten\"}"), "invalid type"),
        (
            write("range.json", "{\"data\": {\"factor\": 2}}"),
            "factor 2",
        ),
        (write("edited.json", &edited), "batch size 0"),
    ];
    for (path, words) in cases {
        let output = run(&["--config", path.to_str().unwrap()], &dir.path().join("x"));
        let line = assert_one_line_error(&output, 1);
        assert!(line.contains(words), "{}: {line}", path.display());
        if words != "factor 2" && words != "batch size 0" {
            assert!(line.contains(path.to_str().unwrap()), "{line}");
        }
    }
    assert!(!dir.path().join("x").exists());
}

#[test]
fn labels_outside_the_margin_sets_are_refused_by_the_losses() {
    let device = Device::flex();
    let column = |values: &[f32]| {
        Tensor::<2>::from_data(TensorData::new(values.to_vec(), [values.len(), 1]), &device)
    };
    let predictions = column(&[0.5, -0.5, 0.1]);
    for (targets, bad) in [
        ([1.0, -1.0, 2.0], "2"),
        ([1.0, 0.5, 0.0], "0.5"),
        ([1.0, -1.0, 0.0], "0"), // {-1, +1} and {0, 1} mixed
        ([f32::NAN, 1.0, 1.0], "NaN"),
    ] {
        let hinge = HingeLoss::new()
            .forward(predictions.clone(), column(&targets), Reduction::Mean)
            .unwrap_err()
            .to_string();
        let squared = SquaredHingeLoss::new()
            .forward(predictions.clone(), column(&targets), Reduction::Mean)
            .unwrap_err()
            .to_string();
        for message in [hinge, squared] {
            assert!(
                message.starts_with(&format!("target {bad} ")),
                "{targets:?}: {message}"
            );
            assert!(message.contains("{-1, +1}") && message.contains("{0, 1}"));
        }
    }
    for good in [[1.0, -1.0, 1.0], [1.0, 0.0, 0.0]] {
        HingeLoss::new()
            .forward(predictions.clone(), column(&good), Reduction::Mean)
            .unwrap();
    }
}

#[test]
fn an_unwritable_artifacts_folder_fails_before_training() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"kept").unwrap();
    // A folder inside a file cannot be made, whoever runs the test (root included).
    let output = run(&[], &file.join("run"));
    let line = assert_one_line_error(&output, 1);
    assert!(
        line.contains("cannot create the artifacts folder"),
        "{line}"
    );
    assert!(line.contains(file.join("run").to_str().unwrap()), "{line}");
    assert!(!String::from_utf8_lossy(&output.stdout).contains("Epoch"));
    assert_eq!(std::fs::read(&file).unwrap(), b"kept");
}

#[test]
fn predict_says_what_is_wrong_with_a_saved_model_or_a_point() {
    let dir = tempfile::tempdir().unwrap();
    let artifacts = dir.path().join("runs");
    assert!(run(&SHORT, &artifacts).status.success());
    let good = artifacts.join("hinge");
    // A good run: one CSV line per point, the class being the output's sign.
    let output = predict(&good, &["0.05,0", "-0.9,0.3"]);
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<_> = stdout.lines().collect();
    assert_eq!(lines[0], "x,y,output,class");
    assert!(
        lines[1].starts_with("0.05,0,") && lines[1].ends_with(",1"),
        "{stdout}"
    );
    assert!(
        lines[2].starts_with("-0.9,0.3,") && lines[2].ends_with(",-1"),
        "{stdout}"
    );

    let copy = |name: &str, model: Option<Vec<u8>>, config: Option<String>| {
        let run = dir.path().join(name);
        std::fs::create_dir_all(&run).unwrap();
        let config =
            config.unwrap_or_else(|| std::fs::read_to_string(good.join("config.json")).unwrap());
        std::fs::write(run.join("config.json"), config).unwrap();
        if let Some(model) = model {
            std::fs::write(run.join("model.bpk"), model).unwrap();
        }
        run
    };
    let model = std::fs::read(good.join("model.bpk")).unwrap();
    let config = std::fs::read_to_string(good.join("config.json")).unwrap();
    let wider = config.replacen("4,", "8,", 1);
    assert_ne!(wider, config, "the hidden widths are in the config");
    let cases = [
        (copy("missing", None, None), "no saved model at"),
        (
            copy("header", Some(model[..10].to_vec()), None),
            "not a valid saved model",
        ),
        (
            copy("truncated", Some(model[..model.len() / 2].to_vec()), None),
            "truncated",
        ),
        (
            copy("shape", Some(model.clone()), Some(wider)),
            "shape mismatch",
        ),
    ];
    for (run, words) in cases {
        let line = assert_one_line_error(&predict(&run, &["0,0"]), 1);
        assert!(line.contains(words), "{}: {line}", run.display());
        assert!(line.contains(run.to_str().unwrap()), "{line}");
    }
    let line = assert_one_line_error(&predict(&dir.path().join("nowhere"), &["0,0"]), 1);
    assert!(line.contains("config.json"), "{line}");
    for point in ["1", "1,x", "nan,0", "1,2,3"] {
        let line = assert_one_line_error(&predict(&good, &[point]), 1);
        assert!(line.contains(&format!("point '{point}'")), "{line}");
        assert!(line.contains("2 finite numbers"), "{line}");
    }
}

#[test]
fn a_loss_that_blows_up_stops_training_and_keeps_the_last_good_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let artifacts = dir.path().join("runs");
    // One step per epoch with a learning rate near f32's limit: the first epoch finishes, and
    // the weights overflow to inf and NaN a few steps later.
    let args = [
        "--loss",
        "squared-hinge",
        "--lr",
        "3e37",
        "--batch-size",
        "600",
    ];
    let output = run(&args, &artifacts);
    let line = assert_one_line_error(&output, 1);
    let run_dir = artifacts.join("squared-hinge");
    assert!(line.contains("loss became NaN at epoch "), "{line}");
    assert!(line.contains(", step "), "{line}");
    assert!(line.contains("learning rate 3e37"), "{line}");
    let epoch: usize = line
        .split("at epoch ")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no epoch in {line}"));
    assert!(epoch >= 2, "{line}");
    let kept = epoch - 1;
    assert!(
        line.contains(&format!(
            "the checkpoint of epoch {kept}, the last finished, is kept"
        )),
        "{line}"
    );
    for part in ["model", "optim", "scheduler"] {
        let file = run_dir.join(format!("checkpoint/{part}-{kept}.bpk"));
        assert!(file.is_file(), "{}", file.display());
    }
    // No model of NaNs is saved; the metrics are those of the good epochs.
    assert!(!run_dir.join("model.bpk").exists());
    assert!(!run_dir.join("test.json").exists());
    let epochs = read_metrics(&run_dir).unwrap();
    assert_eq!(epochs.len(), kept);
    assert!(epochs.iter().all(|e| e.train_loss.is_finite()));
}

#[test]
fn files_are_written_whole_and_a_new_run_keeps_nothing_stale() {
    let dir = tempfile::tempdir().unwrap();
    let artifacts = dir.path().join("runs");
    assert!(run(&SHORT, &artifacts).status.success());
    let run_dir = artifacts.join("hinge");
    let names = |dir: &Path| -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect()
    };
    // write_atomic's temporaries are renamed away or removed.
    for name in names(&run_dir).iter().chain(&names(&artifacts)) {
        assert!(!name.contains(".tmp"), "left behind: {name}");
    }
    assert_eq!(
        hinge_lab::hinge_train::RunDir::new(&run_dir).last_checkpoint(),
        Some(3),
        "a checkpoint per epoch, the last kept"
    );
    // A fresh, shorter run into the same folder does not inherit the old checkpoints, which a
    // resume would otherwise take for its own.
    assert!(
        run(&["--loss", "hinge", "--epochs", "1"], &artifacts)
            .status
            .success()
    );
    assert_eq!(
        hinge_lab::hinge_train::RunDir::new(&run_dir).last_checkpoint(),
        Some(1)
    );
}

#[test]
fn a_fresh_run_clears_only_the_files_of_earlier_runs() {
    let dir = tempfile::tempdir().unwrap();
    let artifacts = dir.path().join("runs");
    let checkpoints = artifacts.join("hinge").join("checkpoint");
    std::fs::create_dir_all(&checkpoints).unwrap();
    // A user's file, and an earlier run's checkpoint of an epoch this run never reaches.
    std::fs::write(checkpoints.join("thesis.tex"), "\\section{Margins}").unwrap();
    std::fs::write(artifacts.join("hinge").join("notes.txt"), "keep me").unwrap();
    std::fs::write(checkpoints.join("model-7.bpk"), "old").unwrap();
    assert!(
        run(&["--loss", "hinge", "--epochs", "1"], &artifacts)
            .status
            .success()
    );
    assert_eq!(
        std::fs::read_to_string(checkpoints.join("thesis.tex")).unwrap(),
        "\\section{Margins}"
    );
    assert!(artifacts.join("hinge").join("notes.txt").is_file());
    assert!(!checkpoints.join("model-7.bpk").exists());
    assert_eq!(
        hinge_lab::hinge_train::RunDir::new(artifacts.join("hinge")).last_checkpoint(),
        Some(1)
    );
}

#[test]
fn a_second_run_on_the_same_folder_is_refused_while_the_first_trains() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let artifacts = dir.path().join("runs");
    let long = LONG_RUN;
    let mut first = circles(&long)
        .arg("--artifacts")
        .arg(&artifacts)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(first.stdout.take().unwrap()).lines();
    assert!(lines.any(|line| line.unwrap().starts_with("Epoch 1/30")));
    let second = run(&["--loss", "hinge", "--epochs", "1"], &artifacts);
    first.kill().unwrap();
    first.wait().unwrap();
    let line = assert_one_line_error(&second, 1);
    assert!(line.contains("another process is training in"), "{line}");
    // The whole command's folder: its record and every loss's folder are the first's.
    assert!(line.contains(&artifacts.display().to_string()), "{line}");
    // The lock goes with the process that held it, however it ended.
    assert!(
        run(&["--loss", "hinge", "--epochs", "1"], &artifacts)
            .status
            .success()
    );
}

/// Four times the tutorial's data, so an epoch takes long enough to be interrupted in.
const LONG_RUN: [&str; 6] = [
    "--loss",
    "hinge",
    "--samples",
    "4000",
    "--test-samples",
    "1000",
];

/// Starts the main job, sends it `signal` (SIGINT for Ctrl-C) once it printed `after_line`, and
/// returns what it printed on stderr and its exit code.
#[cfg(unix)]
fn interrupt_after(
    args: &[&str],
    artifacts: &Path,
    after_line: &str,
    signal: libc::c_int,
) -> (String, Option<i32>) {
    use std::io::{BufRead, BufReader, Read};
    let mut child = circles(args)
        .arg("--artifacts")
        .arg(artifacts)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut sent = false;
    for line in stdout.lines() {
        if !sent && line.unwrap().starts_with(after_line) {
            // SAFETY: kill(2) on our own child's pid.
            unsafe { libc::kill(child.id() as libc::pid_t, signal) };
            sent = true;
        }
    }
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(sent, "the run never printed {after_line}");
    (stderr, status.code())
}

#[cfg(unix)]
#[test]
fn ctrl_c_keeps_the_last_checkpoint_and_resume_ends_as_an_uninterrupted_run() {
    let dir = tempfile::tempdir().unwrap();
    let args = LONG_RUN;
    let whole = dir.path().join("whole");
    assert!(run(&args, &whole).status.success());

    let stopped = dir.path().join("stopped");
    let (stderr, code) = interrupt_after(&args, &stopped, "Epoch 3/30", libc::SIGINT);
    // The shell's code for a stop by SIGINT: 128 + 2.
    assert_eq!(code, Some(130), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("training stopped on request"), "{stderr}");
    assert!(stderr.contains("--resume"), "{stderr}");
    let run_dir = stopped.join("hinge");
    let kept = hinge_lab::hinge_train::RunDir::new(&run_dir)
        .last_checkpoint()
        .expect("a checkpoint is kept");
    // Epoch 3 was printed; burn skips its checkpoint when the stop comes between the printing
    // and the saving, so the checkpoint kept is epoch 2 or later.
    assert!((2..30).contains(&kept), "stopped after epoch {kept}");
    assert!(
        stderr.contains(&format!("checkpoint of epoch {kept}")),
        "{stderr}"
    );
    assert!(!run_dir.join("model.bpk").exists());
    assert_eq!(read_metrics(&run_dir).unwrap().len(), kept);

    let output = circles(&["--resume", "--artifacts"])
        .arg(&stopped)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!("Resuming hinge loss after epoch {kept}")),
        "{stdout}"
    );
    let read = |p: &Path| std::fs::read_to_string(p).unwrap();
    for file in ["metrics.csv", "test.json", "config.json"] {
        assert_eq!(
            read(&run_dir.join(file)),
            read(&whole.join("hinge").join(file)),
            "{file}"
        );
    }
    // The resumed model predicts as the uninterrupted one does.
    let points = ["0.3,0.2", "-0.7,0.1", "0.05,-0.6"];
    assert_eq!(
        predict(&run_dir, &points).stdout,
        predict(&whole.join("hinge"), &points).stdout
    );
}

#[cfg(unix)]
#[test]
fn sigterm_and_sighup_stop_like_ctrl_c_and_the_run_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let args = LONG_RUN;
    for (signal, code) in [(libc::SIGTERM, 143), (libc::SIGHUP, 129)] {
        let stopped = dir.path().join(format!("stopped-{signal}"));
        let (stderr, exit) = interrupt_after(&args, &stopped, "Epoch 2/30", signal);
        assert_eq!(exit, Some(code), "{stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(stderr.contains("training stopped on request"), "{stderr}");
        assert!(stderr.contains("--resume"), "{stderr}");
        let kept = hinge_lab::hinge_train::RunDir::new(stopped.join("hinge")).last_checkpoint();
        assert!(kept.is_some(), "signal {signal}: no checkpoint kept");
        let output = circles(&["--resume", "--epochs", "5", "--artifacts"])
            .arg(&stopped)
            .output();
        // --resume takes the saved config: a run flag beside it is refused by the parser.
        assert_eq!(output.unwrap().status.code(), Some(2));
        let output = circles(&["--resume", "--artifacts"])
            .arg(&stopped)
            .output()
            .unwrap();
        assert!(output.status.success(), "signal {signal}: {output:?}");
    }
}

#[test]
fn a_torn_checkpoint_falls_back_to_the_one_before_it_and_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--loss", "hinge", "--epochs", "4"];
    let whole = dir.path().join("whole");
    assert!(run(&args, &whole).status.success());
    let expected = std::fs::read_to_string(whole.join("hinge").join("metrics.csv")).unwrap();
    // The constant learning rate's scheduler record is a header and padding, so half of it
    // is still whole; a cut into its header is torn.
    let cases = [
        ("model", "empty"),
        ("model", "header"),
        ("model", "half"),
        ("optim", "empty"),
        ("optim", "half"),
        ("scheduler", "empty"),
        ("scheduler", "header"),
    ];
    for (part, cut) in cases {
        let torn = dir.path().join(format!("torn-{part}-{cut}"));
        assert!(run(&args, &torn).status.success());
        let checkpoints = torn.join("hinge").join("checkpoint");
        // A crash while burn wrote epoch 4's file: cut short, or not yet filled.
        let file = checkpoints.join(format!("{part}-4.bpk"));
        let bytes = std::fs::read(&file).unwrap();
        let length = match cut {
            "empty" => 0,
            "header" => 10,
            _ => bytes.len() / 2,
        };
        std::fs::write(&file, &bytes[..length]).unwrap();
        // ... and before the run could finish.
        unfinish(&torn);
        let output = circles(&["--resume", "--artifacts"])
            .arg(&torn)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{part} {cut}: {output:?}");
        assert!(
            stdout.contains("Passing over the checkpoint of epoch 4:")
                && stdout.contains(&format!("{part}-4.bpk")),
            "{part} {cut}: {stdout}"
        );
        assert!(
            stdout.contains("Resuming hinge loss after epoch 3"),
            "{stdout}"
        );
        assert_eq!(
            std::fs::read_to_string(torn.join("hinge").join("metrics.csv")).unwrap(),
            expected,
            "{part} {cut}"
        );
        // With every checkpoint torn there is nothing to go on from: one line, no panic. The
        // run keeps its last three epochs.
        for epoch in [2, 3, 4] {
            std::fs::write(checkpoints.join(format!("{part}-{epoch}.bpk")), b"").unwrap();
        }
        unfinish(&torn);
        let output = circles(&["--resume", "--artifacts"])
            .arg(&torn)
            .output()
            .unwrap();
        let line = assert_one_line_error(&output, 1);
        assert!(line.contains("no checkpoint in"), "{line}");
        assert!(
            line.contains("epoch 4:") && line.contains("epoch 3:") && line.contains("epoch 2:"),
            "{line}"
        );
        assert!(line.contains("without --resume"), "{line}");
    }
}

/// Makes the command recorded in `artifacts` unfinished, as a crash before its end leaves it:
/// its record lists no loss as finished.
fn unfinish(artifacts: &Path) {
    let record = artifacts.join("run.json");
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
    value["finished"] = serde_json::json!([]);
    std::fs::write(&record, value.to_string()).unwrap();
}

/// kill -9 at 20 moments over a run's life, some right after an epoch's line (while the
/// epoch's metrics.csv, frames.json and checkpoint are written), some later in an epoch: every
/// `--resume` ends with the files and predictions of the uninterrupted run.
#[cfg(unix)]
#[test]
fn a_run_killed_at_any_moment_resumes_to_the_uninterrupted_result() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let args = LONG_RUN;
    let whole = dir.path().join("whole");
    assert!(run(&args, &whole).status.success());
    let read = |p: &Path| std::fs::read_to_string(p).unwrap();
    let points = ["0.3,0.2", "-0.7,0.1", "0.05,-0.6"];
    let expected_predictions = predict(&whole.join("hinge"), &points).stdout;
    let (mut fell_back, mut landed_in_a_write) = (0, 0);
    for moment in 0..20u64 {
        // After the line of epoch 2 to 28, then 0 to 19 ms later; the odd moments with every
        // unsynced write (metrics.csv, frames.json, each checkpoint file) slowed by 40 ms, so
        // that kills land inside the writes that follow the epoch's line.
        let epoch = 2 + moment * 26 / 19;
        let slow = moment % 2 == 1;
        let delay =
            std::time::Duration::from_millis(moment % 5 * 5 + moment / 5 + 40 * slow as u64);
        let killed = dir.path().join(format!("killed-{moment}"));
        let mut command = circles(&args);
        if slow {
            command.env(hinge_lab::hinge_train::SLOW_WRITES_VARIABLE, "40");
        }
        let mut child = command
            .arg("--artifacts")
            .arg(&killed)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let line = format!("Epoch {epoch}/30");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        assert!(lines.any(|l| l.unwrap().starts_with(&line)), "no {line}");
        std::thread::sleep(delay);
        child.kill().unwrap();
        child.wait().unwrap();
        // A kill inside a metrics.csv or frames.json write leaves its temporary file behind.
        let mid_write = std::fs::read_dir(killed.join("hinge"))
            .unwrap()
            .any(|e| e.unwrap().file_name().to_string_lossy().ends_with(".tmp"));
        landed_in_a_write += usize::from(mid_write);

        let output = circles(&["--resume", "--artifacts"])
            .arg(&killed)
            .output()
            .unwrap();
        assert!(output.status.success(), "moment {moment}: {output:?}");
        if String::from_utf8_lossy(&output.stdout).contains("Passing over") {
            fell_back += 1;
        }
        let run_dir = killed.join("hinge");
        for file in ["metrics.csv", "test.json", "config.json"] {
            assert_eq!(
                read(&run_dir.join(file)),
                read(&whole.join("hinge").join(file)),
                "moment {moment}: {file}"
            );
        }
        assert_eq!(
            predict(&run_dir, &points).stdout,
            expected_predictions,
            "moment {moment}"
        );
    }
    eprintln!(
        "{landed_in_a_write} of 20 kills landed in a metrics.csv or frames.json write; \
         {fell_back} resumes passed over a torn or unlisted checkpoint"
    );
}

/// A disk that fills up mid-run (here a file size limit, `ulimit -f`): one line naming the file
/// that could not be written, and the earlier run's files in the folder stay whole.
#[cfg(unix)]
#[test]
fn a_full_disk_is_one_line_naming_the_file_and_earlier_files_stay_whole() {
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().unwrap();
    let artifacts = dir.path().join("runs");
    assert!(
        run(&["--loss", "hinge", "--epochs", "2"], &artifacts)
            .status
            .success()
    );
    let run_dir = artifacts.join("hinge");
    let model = std::fs::read(run_dir.join("model.bpk")).unwrap();
    let test = std::fs::read(run_dir.join("test.json")).unwrap();
    let mut command = circles(&["--loss", "hinge", "--epochs", "3", "--artifacts"]);
    command.arg(&artifacts);
    // SAFETY: between fork and exec, only async-signal-safe calls: setrlimit and signal.
    unsafe {
        command.pre_exec(|| {
            // Files of at most 4 KiB: the optimizer's checkpoint (about 5 KiB) cannot be written.
            let limit = libc::rlimit {
                rlim_cur: 4096,
                rlim_max: 4096,
            };
            libc::setrlimit(libc::RLIMIT_FSIZE, &limit);
            // Without this the kernel ends the process (SIGXFSZ) instead of failing the write.
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            Ok(())
        });
    }
    let line = assert_one_line_error(&command.output().unwrap(), 1);
    assert!(line.contains("File too large"), "{line}");
    assert!(line.contains("optim-1.bpk"), "{line}");
    assert_eq!(std::fs::read(run_dir.join("model.bpk")).unwrap(), model);
    assert_eq!(std::fs::read(run_dir.join("test.json")).unwrap(), test);
    // Every file left in the folder is whole: the config and metrics parse.
    assert!(read_metrics(&run_dir).is_ok());
    let config = std::fs::read_to_string(run_dir.join("config.json")).unwrap();
    assert!(serde_json::from_str::<serde_json::Value>(&config).is_ok());
}

#[test]
fn resume_needs_a_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(&["--resume"], &dir.path().join("empty"));
    let line = assert_one_line_error(&output, 1);
    assert!(line.contains("nothing to resume in"), "{line}");
    assert!(line.contains("without --resume"), "{line}");
}

#[cfg(unix)]
#[test]
fn a_reader_that_goes_away_ends_the_run_quietly() {
    use std::io::{BufRead, BufReader, Read};
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    // `circles | head -1`: the reader takes one line and closes the pipe.
    let mut child = circles(&SHORT)
        .arg("--artifacts")
        .arg(dir.path().join("runs"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.starts_with("Backend: flex"), "{first}");
    drop(stdout);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the run hung after its reader went away");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(status.signal(), Some(libc::SIGPIPE), "{status:?} {stderr}");
}
