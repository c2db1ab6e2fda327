//! The whole tutorial run on the default CPU backend: both losses, their files and plots.

use std::path::Path;

use burn::config::Config;
use hinge_lab::hinge_data::DatasetKind;
use hinge_lab::hinge_model::LossKind;
use hinge_lab::hinge_model::predicted_class;
use hinge_lab::hinge_train::{
    BackendKind, CONFIG_FILE, Dashboard, MODEL_FILE, RunDir, TEST_FILE, TestResult, TrainingConfig,
    predict,
};
use hinge_lab::plot::{COMPARISON_SIZE, PLOT_SIZE};
use hinge_lab::{CirclesRun, LossChoice, run_circles};

fn decode_png(path: &Path) -> (u32, u32, Vec<u8>) {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .unwrap_or_else(|e| panic!("{} is not a PNG: {e}", path.display()));
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    pixels.truncate(info.buffer_size());
    (info.width, info.height, pixels)
}

/// A valid PNG of `size` whose pixels are not all one colour, with enough colours to be a plot.
fn assert_plot(path: &Path, size: (u32, u32)) {
    let (width, height, pixels) = decode_png(path);
    assert_eq!((width, height), size, "{}", path.display());
    let colours: std::collections::HashSet<&[u8]> = pixels.chunks(3).collect();
    assert!(
        colours.len() > 20,
        "{} has only {} colours: blank?",
        path.display(),
        colours.len()
    );
}

/// A silent run on flex writing into `artifacts`.
fn request(config: TrainingConfig, losses: LossChoice, artifacts: &Path) -> CirclesRun {
    CirclesRun {
        config,
        losses,
        backend: Some(BackendKind::Flex),
        artifacts: artifacts.to_path_buf(),
        dashboard: Dashboard::Silent,
        resume: false,
        animate: true,
    }
}

#[test]
fn default_run_reaches_full_test_accuracy_with_both_losses_and_writes_everything() {
    let artifacts = tempfile::tempdir().unwrap();
    let request = request(TrainingConfig::new(), LossChoice::Both, artifacts.path());
    let outcomes = run_circles(&request).unwrap();
    assert_eq!(
        outcomes.iter().map(|o| o.loss).collect::<Vec<_>>(),
        LossKind::TUTORIAL.to_vec()
    );

    for outcome in &outcomes {
        let run = &outcome.run;
        let dir = artifacts.path().join(outcome.loss.name());
        assert_eq!(run.dir, dir);
        assert_eq!(run.test.samples, 250);
        assert_eq!(run.test.accuracy, 1.0, "{} test accuracy", outcome.loss);
        assert!(
            run.test.loss < 0.01,
            "{} test loss {}",
            outcome.loss,
            run.test.loss
        );

        // 30 epochs, losses falling overall and validation reaching 100% as in the tutorial.
        assert_eq!(run.epochs.len(), 30);
        assert_eq!(
            run.epochs.iter().map(|e| e.epoch).collect::<Vec<_>>(),
            (1..=30).collect::<Vec<_>>()
        );
        let (first, last) = (run.epochs[0], run.epochs[29]);
        assert!(last.train_loss < first.train_loss / 100.0);
        assert_eq!(last.valid_accuracy, 1.0);
        assert_eq!(last.train_accuracy, 1.0);

        // The files agree with what the run returned.
        let files = RunDir::new(&dir);
        assert_eq!(files.read_metrics(1).unwrap(), vec![run.epochs.clone()]);
        let test: TestResult =
            serde_json::from_str(&std::fs::read_to_string(dir.join(TEST_FILE)).unwrap()).unwrap();
        assert_eq!(test, run.test);
        let config = TrainingConfig::load(dir.join(CONFIG_FILE)).unwrap();
        assert_eq!(config, TrainingConfig::new().with_loss(outcome.loss));

        // The saved model loads and predicts what the trained one does.
        let device = BackendKind::Flex.device().unwrap();
        let loaded = files.load_model(&device).unwrap();
        let points = [[0.0f32, 0.0], [1.0, 0.0], [0.05, -0.05], [0.0, -1.0]];
        let expected = predict(&run.model, points.as_flattened(), &device).unwrap();
        assert_eq!(
            predict(&loaded, points.as_flattened(), &device).unwrap(),
            expected
        );
        assert!(
            expected[0] > 0.0 && expected[2] > 0.0,
            "inner points are +1: {expected:?}"
        );
        assert!(
            expected[1] < 0.0 && expected[3] < 0.0,
            "outer points are -1: {expected:?}"
        );

        for plot in ["data.png", "decision_boundary.png", "loss.png"] {
            assert_plot(&dir.join(plot), PLOT_SIZE);
        }
    }
    assert_plot(&artifacts.path().join("comparison.png"), COMPARISON_SIZE);
}

#[test]
fn same_seed_same_run() {
    let run = |dir: &Path| {
        let request = request(
            TrainingConfig::new().with_epochs(2),
            LossChoice::One(LossKind::SquaredHinge),
            dir,
        );
        run_circles(&request).unwrap().remove(0).run
    };
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (first, second) = (run(a.path()), run(b.path()));
    assert_eq!(first.epochs, second.epochs);
    assert_eq!(first.test, second.test);
    // Saved files carry random parameter ids, so compare what the weights compute, bit for bit.
    let device = BackendKind::Flex.device().unwrap();
    let points: Vec<[f32; 2]> = (0..100).map(|i| [i as f32 / 50.0 - 1.0, 0.3]).collect();
    let bits = |model| -> Vec<u32> {
        predict(model, points.as_flattened(), &device)
            .unwrap()
            .iter()
            .map(|y| y.to_bits())
            .collect()
    };
    assert_eq!(bits(&first.model), bits(&second.model));
}

#[test]
fn a_single_loss_writes_no_comparison() {
    let artifacts = tempfile::tempdir().unwrap();
    let request = request(
        TrainingConfig::new().with_epochs(1),
        LossChoice::One(LossKind::Hinge),
        artifacts.path(),
    );
    run_circles(&request).unwrap();
    assert!(artifacts.path().join("hinge").join(MODEL_FILE).exists());
    assert!(!artifacts.path().join("squared-hinge").exists());
    assert!(!artifacts.path().join("comparison.png").exists());
}

#[test]
fn invalid_config_fails_before_anything_is_written() {
    let artifacts = tempfile::tempdir().unwrap();
    let request = request(
        TrainingConfig::new().with_batch_size(0),
        LossChoice::Both,
        &artifacts.path().join("runs"),
    );
    let err = run_circles(&request)
        .err()
        .expect("batch size 0 is rejected");
    assert!(err.to_string().contains("batch size 0"), "{err}");
    assert!(!artifacts.path().join("runs").exists());
}

#[test]
fn all_adds_the_logistic_baseline_trained_and_plotted_the_same_way() {
    let artifacts = tempfile::tempdir().unwrap();
    let request = request(TrainingConfig::new(), LossChoice::All, artifacts.path());
    let outcomes = run_circles(&request).unwrap();
    assert_eq!(
        outcomes.iter().map(|o| o.loss).collect::<Vec<_>>(),
        LossKind::TWO_CLASS.to_vec()
    );
    let logistic = &outcomes[2].run;
    assert_eq!(logistic.test.accuracy, 1.0);
    // Cross-entropy keeps shrinking where the hinge stops at the margin: small, never 0.
    assert!(
        logistic.test.loss > 0.0 && logistic.test.loss < 0.01,
        "{}",
        logistic.test.loss
    );
    let dir = artifacts.path().join("logistic");
    for plot in ["data.png", "decision_boundary.png", "loss.png"] {
        assert_plot(&dir.join(plot), PLOT_SIZE);
    }
    let config = TrainingConfig::load(dir.join(CONFIG_FILE)).unwrap();
    assert_eq!(config.loss, LossKind::Logistic);
    assert_plot(&artifacts.path().join("comparison.png"), COMPARISON_SIZE);
}

#[test]
fn three_blobs_train_with_the_categorical_hinge_and_one_output_per_class() {
    let artifacts = tempfile::tempdir().unwrap();
    let mut config = TrainingConfig::new().with_seed(1);
    config.data.dataset = DatasetKind::Blobs;
    config.data.centers = 3;
    let request = request(
        config,
        LossChoice::One(LossKind::CategoricalHinge),
        artifacts.path(),
    );
    let run = run_circles(&request).unwrap().remove(0).run;
    assert_eq!(run.model.output_layer().weight.dims(), [2, 3]);
    assert_eq!(run.test.accuracy, 1.0, "seed 1 separates the three blobs");
    assert!(run.test.loss < 0.01, "{}", run.test.loss);
    // Every test point's largest output is its own blob.
    let device = BackendKind::Flex.device().unwrap();
    let test = &run.data.test;
    let points: Vec<f32> = test.features.iter().map(|&x| x as f32).collect();
    let outputs = predict(&run.model, &points, &device).unwrap();
    assert_eq!(outputs.len(), 3 * test.len());
    for (row, label) in outputs.chunks(3).zip(&test.labels) {
        assert_eq!(predicted_class(row), usize::from(*label), "{row:?}");
    }
    let dir = artifacts.path().join("categorical-hinge");
    for plot in ["data.png", "decision_boundary.png", "loss.png"] {
        assert_plot(&dir.join(plot), PLOT_SIZE);
    }
}
