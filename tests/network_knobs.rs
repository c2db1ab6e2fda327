//! Seeing the network learn, and TensorFlow Playground's knobs, through the real binaries:
//! the animation, the neuron maps, the model summary, and each of `--activation`, `--output`,
//! `--features`, `--hidden none`, `--l1` and `--l2` changing the run as the help says.

mod common;

use std::path::Path;
use std::process::Command;

use common::{assert_one_line_error, binary, circles, succeed};
use hinge_lab::hinge_train::{MIN_FRAMES, RunDir, TestResult, frames_per_epoch};

/// Every frame of an animated PNG, each as its decoded bytes.
fn decode_frames(path: &Path) -> Vec<Vec<u8>> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .unwrap_or_else(|e| panic!("{} is not a PNG: {e}", path.display()));
    let control = reader
        .info()
        .animation_control()
        .unwrap_or_else(|| panic!("{} is not animated", path.display()));
    let count = control.num_frames as usize;
    let mut frames = Vec::with_capacity(count);
    for _ in 0..count {
        let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buffer).unwrap();
        buffer.truncate(info.buffer_size());
        frames.push(buffer);
    }
    frames
}

fn run_ok(args: &[&str]) -> String {
    succeed(&mut circles(args))
}

fn test_result(dir: &Path) -> TestResult {
    RunDir::new(dir).read_test().unwrap()
}

/// A linear model of the squared coordinates with a linear output, trained with hinge loss.
const LINEAR_SVM: [&str; 8] = [
    "--loss",
    "hinge",
    "--features",
    "x2,y2",
    "--hidden",
    "none",
    "--output",
    "linear",
];

/// Steps per epoch of the tutorial's split: 600 training points in batches of 5.
const TUTORIAL_STEPS: usize = 120;

#[test]
fn the_tutorial_run_animates_every_epoch_and_the_comparison() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let stdout = run_ok(&["--artifacts", out]);
    // The model summary, as Keras prints it: 12 + 10 + 3 parameters.
    assert!(stdout.contains("Total params: 25"), "{stdout}");
    assert!(
        stdout.contains("dense_1 (Dense, relu)  (None, 4)"),
        "{stdout}"
    );

    let mut per_loss = Vec::new();
    for loss in ["hinge", "squared-hinge"] {
        let frames = decode_frames(&dir.path().join(loss).join("boundary_animation.png"));
        // The untrained network, then one frame per epoch.
        assert_eq!(frames.len(), 30 + 1, "{loss}");
        assert_ne!(frames[0], frames[30], "{loss}: the surface changes");
        let distinct: std::collections::HashSet<&Vec<u8>> = frames.iter().collect();
        assert!(
            distinct.len() > 20,
            "{loss}: {} distinct frames",
            distinct.len()
        );
        per_loss.push(frames);
    }
    assert_ne!(per_loss[0], per_loss[1], "each loss has its own animation");
    let both = decode_frames(&dir.path().join("comparison_animation.png"));
    assert_eq!(both.len(), 31);
}

#[test]
fn a_short_run_gets_more_frames_per_epoch_and_no_animation_writes_none() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    run_ok(&["--loss", "hinge", "--epochs", "2", "--artifacts", out]);
    let frames = decode_frames(&dir.path().join("hinge/boundary_animation.png"));
    let per_epoch = frames_per_epoch(2, TUTORIAL_STEPS);
    assert!(per_epoch * 2 >= MIN_FRAMES);
    assert_eq!(frames.len(), 1 + 2 * per_epoch);

    let quiet = tempfile::tempdir().unwrap();
    let out = quiet.path().to_str().unwrap();
    run_ok(&["--epochs", "1", "--no-animation", "--artifacts", out]);
    assert!(!quiet.path().join("hinge/boundary_animation.png").exists());
    assert!(!quiet.path().join("comparison_animation.png").exists());
    assert!(quiet.path().join("hinge/decision_boundary.png").is_file());
}

#[test]
fn the_linear_svm_of_squared_features_separates_the_circles() {
    // Playground's trick: with x² and y² as inputs the rings are linearly separable, and a
    // linear model with hinge loss and an L2 penalty is the soft-margin linear SVM.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let mut args = LINEAR_SVM.to_vec();
    args.extend(["--l2", "0.001", "--artifacts", out]);
    let stdout = run_ok(&args);
    assert!(stdout.contains("Total params: 3"), "{stdout}");
    assert!(stdout.contains("Accuracy: 100.0%"), "{stdout}");
    let config = std::fs::read_to_string(dir.path().join("hinge/config.json")).unwrap();
    for field in [
        "\"features\": [\n      \"x2\",\n      \"y2\"\n    ]",
        "\"hidden\": []",
        "\"output\": \"linear\"",
        "\"l2\": 0.001",
    ] {
        assert!(config.contains(field), "{field} in {config}");
    }
    // The linear output is not squashed: far from the rings it passes 1.
    let predicted = common_predict(&dir.path().join("hinge"), "3,3");
    let value: f64 = predicted.split(',').nth(2).unwrap().parse().unwrap();
    assert!(value < -1.0, "{predicted}");

    // Without the squared features, a linear model cannot separate the rings.
    let flat = tempfile::tempdir().unwrap();
    let out = flat.path().to_str().unwrap();
    run_ok(&["--loss", "hinge", "--hidden", "none", "--artifacts", out]);
    let accuracy = test_result(&flat.path().join("hinge")).accuracy;
    assert!(accuracy < 0.8, "a line through the rings: {accuracy}");
}

/// One point through the `predict` binary: its CSV line.
fn common_predict(run: &Path, point: &str) -> String {
    let stdout = succeed(Command::new(binary("predict")).args([
        "--backend",
        "flex",
        "--run",
        run.to_str().unwrap(),
        point,
    ]));
    stdout.lines().last().unwrap().to_string()
}

#[test]
fn activation_and_penalties_change_the_run_as_documented() {
    let run = |extra: &[&str]| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().to_str().unwrap().to_string();
        let mut args = vec!["--loss", "hinge", "--epochs", "3", "--artifacts", &out];
        args.extend_from_slice(extra);
        let stdout = run_ok(&args);
        let model = std::fs::read(dir.path().join("hinge/model.bpk")).unwrap();
        (stdout, test_result(&dir.path().join("hinge")), model, dir)
    };
    let (_, plain, plain_model, _) = run(&[]);
    for activation in ["tanh", "sigmoid", "linear"] {
        let (stdout, result, model, _) = run(&["--activation", activation]);
        assert!(
            stdout.contains(&format!("(Dense, {activation})")),
            "{stdout}"
        );
        assert_ne!(model, plain_model, "{activation} trains other weights");
        assert!(result.loss.is_finite(), "{activation}: {result:?}");
    }
    // A stack of linear layers is a linear model: it cannot separate the rings.
    let (_, linear, _, _) = run(&["--activation", "linear"]);
    assert!(linear.accuracy < 0.8, "{linear:?}");

    // The penalty is part of the loss Keras reports, so the same run with an L2 or L1 term
    // reports a larger test loss, and its weights differ.
    for penalty in ["--l2", "--l1"] {
        let (_, penalised, model, _) = run(&[penalty, "0.01"]);
        assert!(
            penalised.loss > plain.loss,
            "{penalty}: {penalised:?} vs {plain:?}"
        );
        assert_ne!(model, plain_model, "{penalty}");
    }
}

#[test]
fn the_lab_trains_populations_with_the_knobs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let stdout = succeed(
        Command::new(binary("lab"))
            .args(["seeds", "--backend", "flex", "--quiet", "--seeds", "4"])
            .args(LINEAR_SVM)
            .args(["--artifacts", out]),
    );
    // Every one of the 4 seeds separates the rings with the linear SVM.
    assert!(stdout.contains("4/4"), "{stdout}");
}

#[test]
fn neuron_maps_are_drawn_for_runs_and_saved_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    run_ok(&[
        "--loss",
        "hinge",
        "--epochs",
        "1",
        "--no-animation",
        "--artifacts",
        out,
    ]);
    let run = dir.path().join("hinge");
    let neurons = run.join("neurons.png");
    assert!(neurons.is_file());
    std::fs::remove_file(&neurons).unwrap();
    let output = std::process::Command::new(binary("lab"))
        .args([
            "margins",
            "--backend",
            "flex",
            "--run",
            run.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("neuron maps:"), "{stdout}");
    let file = std::fs::File::open(&neurons).unwrap();
    png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .unwrap();
}

#[test]
fn bad_knob_values_fail_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let cases: [(&[&str], &str); 7] = [
        (&["--activation", "softplus"], "softplus"),
        (&["--features", "x,z"], "'z'"),
        (&["--features", "x,x"], "feature x is given twice"),
        (&["--hidden", "4,x"], "'x' is not a layer width"),
        (&["--l2", "-1"], "l2 -1 is not a penalty"),
        (&["--l1", "NaN"], "l1 NaN is not a penalty"),
        (
            &["--output", "linear", "--loss", "logistic"],
            "output linear",
        ),
    ];
    for (args, expected) in cases {
        let mut all = args.to_vec();
        all.extend(["--artifacts", out]);
        let output = circles(&all).output().unwrap();
        let code = if expected.starts_with('\'') || expected == "softplus" {
            2
        } else {
            1
        };
        let line = assert_one_line_error(&output, code);
        assert!(line.contains(expected), "{args:?}: {line}");
    }
    // A config file with an unknown activation names it and the choices.
    let config = dir.path().join("config.json");
    std::fs::write(&config, r#"{"model": {"activation": "softplus"}}"#).unwrap();
    let output = circles(&["--config", config.to_str().unwrap(), "--artifacts", out])
        .output()
        .unwrap();
    let line = assert_one_line_error(&output, 1);
    assert!(
        line.contains("unknown activation 'softplus'") && line.contains("relu, tanh"),
        "{line}"
    );
}
