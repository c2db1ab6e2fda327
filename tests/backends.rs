//! Backend parity: the same network and the same batch give the same outputs, losses and
//! gradients on flex, ndarray and wgpu, and a short training run on wgpu learns.
//!
//! Built only with `--features wgpu,ndarray` (see `required-features` in Cargo.toml). wgpu
//! needs an adapter; on a machine without a GPU, Mesa's software Vulkan driver
//! (`mesa-vulkan-drivers`) is one, and CI installs it.

mod common;

use burn::tensor::{Tensor, TensorData};
use hinge_lab::hinge_data::{DataConfig, LabeledPoints, SplitConfig};
use hinge_lab::hinge_model::{LossKind, MlpConfig, signed_targets};
use hinge_lab::hinge_train::{
    BackendKind, Dashboard, RunDir, TrainingConfig, train, train_population,
};
use hinge_lab::{CirclesRun, LossChoice, run_circles};

const BACKENDS: [BackendKind; 3] = [BackendKind::Flex, BackendKind::Ndarray, BackendKind::Wgpu];
const TOLERANCE: f32 = 1e-5;
const SEED: u64 = 42;

/// What one forward and backward pass produced, read back to the host.
#[derive(Debug)]
struct Pass {
    output: Vec<f32>,
    loss: f32,
    /// Every parameter's gradient, weights and biases, layer by layer.
    gradients: Vec<Vec<f32>>,
}

fn host(tensor: Tensor<2>) -> Vec<f32> {
    tensor.into_data().try_to_vec::<f32>().unwrap()
}

/// 64 noisy circle points: with noise some points sit inside the margin and some outside,
/// so both sides of the hinge's kink feed the gradients.
fn batch() -> (Vec<f32>, Vec<f32>) {
    let circles = DataConfig::new()
        .with_samples(64)
        .with_noise(0.1)
        .check()
        .unwrap();
    let data = LabeledPoints::generate(&circles, 7);
    let points = data.features.iter().map(|&x| x as f32).collect();
    let targets = data.labels.iter().map(|&l| f32::from(l)).collect();
    (points, targets)
}

fn pass(backend: BackendKind, loss: LossKind) -> Pass {
    let device = backend
        .device()
        .unwrap_or_else(|err| panic!("{backend}: {err}"))
        .autodiff();
    let model = MlpConfig::new().check().unwrap().init(loss, SEED, &device);
    let (points, labels) = batch();
    let n = labels.len();
    let inputs = Tensor::<2>::from_data(TensorData::new(points, [n, 2]), &device);
    let labels = Tensor::<2>::from_data(TensorData::new(labels, [n, 1]), &device);
    // Labels go in as {0, 1}: the conversion to {-1, +1} is part of what must agree.
    let targets = signed_targets(labels).unwrap();

    let output = model.forward(inputs);
    let value = loss.forward_encoded(output.clone(), targets).mean();
    let grads = value.backward();

    let mut gradients = Vec::new();
    for layer in model.layers() {
        let weight = layer
            .weight
            .val()
            .grad(&grads)
            .expect("weights are trained");
        gradients.push(weight.into_data().try_to_vec::<f32>().unwrap());
        let bias = layer.bias.as_ref().expect("Dense layers have a bias");
        let bias = bias.val().grad(&grads).expect("biases are trained");
        gradients.push(bias.into_data().try_to_vec::<f32>().unwrap());
    }
    Pass {
        output: host(output),
        loss: value.try_into_scalar::<f32>().unwrap(),
        gradients,
    }
}

fn assert_close(what: &str, backend: BackendKind, got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len(), "{what} on {backend}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= TOLERANCE,
            "{what}[{i}] on {backend}: {g}, on flex: {w}"
        );
    }
}

#[test]
fn forward_loss_and_gradients_agree_across_backends() {
    for loss in LossKind::TWO_CLASS {
        let reference = pass(BackendKind::Flex, loss);
        // A pass with no gradient at all would agree everywhere and prove nothing.
        assert!(
            reference.gradients.iter().flatten().any(|g| g.abs() > 1e-3),
            "{loss}: every gradient is zero"
        );
        for backend in &BACKENDS[1..] {
            let other = pass(*backend, loss);
            assert_close("output", *backend, &other.output, &reference.output);
            assert_close(
                &format!("{loss} loss"),
                *backend,
                &[other.loss],
                &[reference.loss],
            );
            assert_eq!(other.gradients.len(), reference.gradients.len());
            for (i, (got, want)) in other.gradients.iter().zip(&reference.gradients).enumerate() {
                assert_close(&format!("{loss} gradient {i}"), *backend, got, want);
            }
        }
    }
}

#[test]
fn short_training_on_wgpu_lowers_the_loss() {
    let dir = tempfile::tempdir().unwrap();
    let config = TrainingConfig::new().with_epochs(3).check().unwrap();
    let device = BackendKind::Wgpu.device().unwrap();
    let run = train(
        &config,
        &device,
        &RunDir::new(dir.path()),
        Dashboard::Silent,
    )
    .unwrap();

    let epochs = &run.epochs;
    assert_eq!(epochs.len(), 3);
    let (first, last) = (&epochs[0], &epochs[2]);
    assert!(
        last.train_loss < first.train_loss && last.valid_loss < first.valid_loss,
        "loss did not go down on wgpu: {epochs:?}"
    );
    assert!(run.test.loss.is_finite());
    assert!(run.test.accuracy > 0.5, "{:?}", run.test);
}

#[test]
fn the_whole_run_prints_the_same_epochs_on_wgpu_as_on_flex() {
    // Same seed, same host-drawn weights, same shuffling: the first epoch's figures agree to
    // the four decimals the dashboard prints, whichever backend computes them.
    let epoch_one = |backend: BackendKind| {
        let dir = tempfile::tempdir().unwrap();
        let request = CirclesRun {
            config: TrainingConfig::new().with_epochs(1),
            losses: LossChoice::One(LossKind::Hinge),
            backend: Some(backend),
            artifacts: dir.path().to_path_buf(),
            dashboard: Dashboard::Silent,
            resume: false,
            animate: true,
        };
        let outcomes = run_circles(&request).unwrap();
        outcomes[0].run.epochs[0].keras_line()
    };
    assert_eq!(epoch_one(BackendKind::Wgpu), epoch_one(BackendKind::Flex));
}

#[test]
fn a_population_trains_the_same_on_wgpu_as_on_flex() {
    // Six members, each loss twice with its own seed and noise: one epoch each on flex and
    // on wgpu gives the same member losses, to rounding.
    let configs: Vec<_> = LossKind::TWO_CLASS
        .iter()
        .flat_map(|&loss| {
            [(1, 0.0), (2, 0.1)].map(|(seed, noise)| {
                TrainingConfig::new()
                    .with_epochs(1)
                    .with_loss(loss)
                    .with_seed(seed)
                    .with_data(DataConfig::new().with_samples(400).with_noise(noise))
                    .with_split(SplitConfig::new().with_test_samples(100))
                    .check()
                    .unwrap()
            })
        })
        .collect();
    let first_epoch = |backend: BackendKind| {
        let dir = tempfile::tempdir().unwrap();
        let device = backend.device().unwrap();
        let run = train_population(
            &configs,
            &device,
            &RunDir::new(dir.path()),
            Dashboard::Silent,
        )
        .unwrap();
        run.epochs
            .iter()
            .map(|rows| (rows[0].train_loss, rows[0].valid_loss))
            .collect::<Vec<_>>()
    };
    let (flex, wgpu) = (
        first_epoch(BackendKind::Flex),
        first_epoch(BackendKind::Wgpu),
    );
    for (member, (a, b)) in flex.iter().zip(&wgpu).enumerate() {
        for (what, x, y) in [("training", a.0, b.0), ("validation", a.1, b.1)] {
            assert!(
                (x - y).abs() <= 1e-4 * x.abs().max(1.0),
                "member {member}'s {what} loss: {x} on flex, {y} on wgpu"
            );
        }
    }
    // The members really differ, so agreeing member by member means something.
    assert_ne!(flex[0], flex[1]);
}

#[test]
fn wgpu_names_its_adapter_and_graphics_api() {
    let opened = BackendKind::Wgpu.open().unwrap();
    let shown = opened.to_string();
    assert!(shown.starts_with("wgpu ("), "{shown}");
    assert!(shown.contains("adapter: "), "{shown}");
    assert!(shown.contains("graphics API: "), "{shown}");
}

#[test]
fn no_graphics_driver_is_a_one_line_error_naming_the_vulkan_driver() {
    let dir = tempfile::tempdir().unwrap();
    let artifacts = dir.path().join("run");
    // Point the Vulkan loader and libglvnd's EGL at driver lists that do not exist: wgpu then
    // sees the machine as one with no graphics driver at all.
    let output = std::process::Command::new(common::binary("circles"))
        .args([
            "--no-tui",
            "--backend",
            "wgpu",
            "--epochs",
            "1",
            "--artifacts",
        ])
        .arg(&artifacts)
        .env("VK_ICD_FILENAMES", dir.path().join("none.json"))
        .env("VK_DRIVER_FILES", dir.path().join("none.json"))
        .env(
            "__EGL_VENDOR_LIBRARY_FILENAMES",
            dir.path().join("none.json"),
        )
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    let stderr = common::assert_one_line_error(&output, 1);
    assert!(
        stderr.starts_with("error: the wgpu backend found no graphics adapter:"),
        "{stderr}"
    );
    assert!(stderr.contains("mesa-vulkan-drivers"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        !artifacts.exists(),
        "nothing is written before the device is up"
    );
}
