//! The population engine against solo networks: each member computes what its own network
//! would, step by step and over a whole training, and no member's fate touches another's.

use std::sync::Arc;

use burn::data::dataloader::DataLoader;
use burn::optim::GradientsParams;
use burn::tensor::{Device, Tensor};
use hinge_data::{
    DataConfig, DataSplit, Fold, LabeledPoints, RealDataset, SplitConfig, TableSource,
    TargetEncoding,
};
use hinge_model::LossKind;
use hinge_train::{
    Dashboard, MemberPoints, Motion, PopulationLoader, RunDir, StepwiseTrainer, TrainError,
    TrainingConfig, ValidTrainingConfig, population_optimizer, train, train_population,
};

const LOSSES: [LossKind; 3] = [LossKind::Hinge, LossKind::SquaredHinge, LossKind::Logistic];

/// The lab's `seeds` set: 20 seeds x the three two-class losses, at the tutorial's settings.
fn lab_configs(epochs: usize) -> Vec<ValidTrainingConfig> {
    LOSSES
        .iter()
        .flat_map(|&loss| {
            (1..=20).map(move |seed| {
                TrainingConfig::new()
                    .with_epochs(epochs)
                    .with_loss(loss)
                    .with_seed(seed)
                    .check()
                    .unwrap()
            })
        })
        .collect()
}

fn split(config: &ValidTrainingConfig) -> DataSplit {
    config.data_split()
}

/// Cross-validation of breast cancer (30 features, standardised on each training fold): the 9
/// folds of 57 test rows (569 = 9 x 57 + 56) of 2 repeats, x the three two-class losses.
fn fold_configs(epochs: usize) -> Vec<ValidTrainingConfig> {
    let data = DataConfig::new().with_table(Some(TableSource::Real(RealDataset::BreastCancer)));
    let mut configs = Vec::new();
    for loss in LOSSES {
        for repeat in [7, 8] {
            for fold in 0..9 {
                let split = SplitConfig::new().with_fold(Some(Fold::new(10, fold, repeat)));
                let config = TrainingConfig::new()
                    .with_data(data.clone())
                    .with_split(split)
                    .with_epochs(epochs)
                    .with_loss(loss)
                    .with_seed(fold as u64 + 100 * repeat)
                    .check()
                    .unwrap();
                configs.push(config);
            }
        }
    }
    configs
}

fn host(tensor: Tensor<1>) -> Vec<f32> {
    tensor.into_data().try_to_vec::<f32>().unwrap()
}

/// Each member's loss at each of the first `steps` steps, trained with Adam as the Learner
/// trains them, the population in one step per batch.
fn population_losses(configs: &[ValidTrainingConfig], steps: usize) -> Vec<Vec<f32>> {
    let device = Device::flex().autodiff();
    let data: Vec<DataSplit> = configs.iter().map(split).collect();
    let trains: Vec<&LabeledPoints> = data.iter().map(|d| &d.train).collect();
    let points = Arc::new(MemberPoints::new(&trains, TargetEncoding::Signed));
    let seeds = configs.iter().map(|c| c.config().seed).collect();
    let loader = PopulationLoader::shuffled(points, 5, seeds, 0, &device);
    let members: Vec<(LossKind, u64)> = configs
        .iter()
        .map(|c| (c.config().loss, c.config().seed))
        .collect();
    let mut model = configs[0]
        .model()
        .init_population(&members, &device)
        .with_penalties(configs.iter().map(|c| c.model().penalty()).collect());
    let (mut optimizer, rate) = population_optimizer(configs, model.layout(), &device);
    let mut losses = Vec::new();
    for batch in loader.iter().take(steps) {
        let output = model.forward_members(batch.unwrap());
        losses.push(host(output.losses()));
        let grads = GradientsParams::from_grads(output.loss.sum().backward(), &model);
        model = optimizer.step(rate, model, grads);
    }
    losses
}

/// The same for one network on its own, written with the solo model (2-D tensors, burn's
/// `Linear`, one mean loss): an implementation that shares nothing with the population's but
/// the loss functions and the loader's batches.
fn solo_losses(config: &ValidTrainingConfig, steps: usize) -> Vec<f32> {
    let device = Device::flex().autodiff();
    let data = split(config);
    let points = Arc::new(MemberPoints::new(&[&data.train], TargetEncoding::Signed));
    let loader = PopulationLoader::shuffled(points, 5, vec![config.config().seed], 0, &device);
    let loss = config.config().loss;
    let mut model = config.model().init(loss, config.config().seed, &device);
    let mut optimizer = config.optimizer(&device);
    let mut losses = Vec::new();
    for batch in loader.iter().take(steps) {
        let batch = batch.unwrap();
        // The batch puts the member axis last: `[features, size, 1]`, one point per column.
        let [features, size, _] = batch.inputs.dims();
        let output = model.forward(batch.inputs.reshape([features, size]).transpose());
        let penalty = config.model().penalty();
        let value = model
            .layers()
            .map(|layer| {
                let w = layer.weight.val();
                w.clone().abs().sum().mul_scalar(penalty.l1)
                    + w.square().sum().mul_scalar(penalty.l2)
            })
            .fold(
                loss.forward_encoded(output, batch.targets.reshape([size, 1]))
                    .mean(),
                |total, term| total + term,
            );
        losses.push(host(value.clone())[0]);
        let grads = GradientsParams::from_grads(value.backward(), &model);
        model = optimizer.step(config.config().learning_rate, model, grads);
    }
    losses
}

#[test]
fn for_ten_steps_every_member_matches_its_solo_network() {
    assert_members_match_solo_networks(&lab_configs(30));
}

#[test]
fn for_ten_steps_every_fold_of_a_cross_validation_matches_its_solo_network() {
    let configs = fold_configs(30);
    // Folds of one repeat test on different rows; the same fold of two repeats too.
    assert_ne!(split(&configs[0]).test, split(&configs[1]).test);
    assert_ne!(split(&configs[0]).test, split(&configs[9]).test);
    assert_eq!(split(&configs[0]).train.width, 30);
    assert_members_match_solo_networks(&configs);
}

/// Each member's loss over its first ten steps in the population equals its solo network's
/// to 1e-5 relative.
fn assert_members_match_solo_networks(configs: &[ValidTrainingConfig]) {
    let population = population_losses(configs, 10);
    for (member, config) in configs.iter().enumerate() {
        let solo = solo_losses(config, 10);
        for (step, (together, alone)) in population.iter().zip(&solo).enumerate() {
            let together = together[member];
            let scale = alone.abs().max(f32::MIN_POSITIVE);
            assert!(
                (together - alone).abs() <= 1e-5 * scale,
                "member {member} ({} seed {}), step {}: {together} in the population, {alone} alone",
                config.config().loss,
                config.config().seed,
                step + 1
            );
        }
    }
}

/// The tutorial's run (seed 42, hinge) at 4 learning rates x 3 L2 penalties.
fn rate_and_penalty_configs() -> Vec<ValidTrainingConfig> {
    let mut configs = Vec::new();
    for rate in [0.003, 0.01, 0.03, 0.1] {
        for l2 in [0.0, 1e-4, 1e-2] {
            let mut config = TrainingConfig::new().with_learning_rate(rate);
            config.model.l2 = l2;
            configs.push(config.check().unwrap());
        }
    }
    configs
}

#[test]
fn for_ten_steps_members_of_their_own_rate_and_penalty_match_their_solo_networks() {
    let configs = rate_and_penalty_configs();
    assert_members_match_solo_networks(&configs);
    // Each member's rate and penalty are its own: their losses part at the second step.
    let losses = population_losses(&configs, 2);
    assert_eq!(
        losses[0][0], losses[0][3],
        "the same start at rates 0.003 and 0.01"
    );
    assert_ne!(losses[1][0], losses[1][3]);
    assert_ne!(losses[0][0], losses[0][2], "L2 1e-2 adds to the first loss");
}

/// Over 30 epochs each member is, bit for bit, its run as a population of one (the same
/// layout, so the same sums): every epoch's metrics and the test. Against the solo runs,
/// whose layers sum members first as one matmul, the runs at rates up to the tutorial's 0.03
/// end with the same test accuracy; at 0.1 Adam amplifies the last bit of a sum into a few
/// test points either way (as it does for a population of one rate).
#[test]
fn after_thirty_epochs_members_of_their_own_rate_and_penalty_end_as_their_solo_runs() {
    let configs = rate_and_penalty_configs();
    let (population, solo) = population_and_solo_runs(&configs);
    let device = Device::flex();
    for (member, config) in configs.iter().enumerate() {
        let folder = tempfile::tempdir().unwrap();
        let alone = train_population(
            std::slice::from_ref(config),
            &device,
            &RunDir::new(folder.path()),
            Dashboard::Silent,
        )
        .unwrap();
        assert_eq!(
            population.epochs[member], alone.epochs[0],
            "member {member}"
        );
        assert_eq!(population.tests[member], alone.tests[0], "member {member}");
    }
    let together: Vec<f64> = population.tests.iter().map(|t| t.accuracy).collect();
    eprintln!("test accuracies: {together:?} in the population, {solo:?} alone");
    for (member, config) in configs.iter().enumerate() {
        if config.config().learning_rate <= 0.03 {
            assert_eq!(together[member], solo[member], "member {member}");
        }
    }
}

#[test]
fn after_thirty_epochs_members_end_where_their_solo_runs_do() {
    let configs = lab_configs(30);
    let (population, solo) = population_and_solo_runs(&configs);
    let same = population
        .tests
        .iter()
        .zip(&solo)
        .filter(|(member, solo)| member.accuracy == **solo)
        .count();
    eprintln!("{same} of 60 members end with their solo run's test accuracy");
    assert!(same >= 57, "only {same} of 60 members match their solo run");
    let full = |accuracies: &mut dyn Iterator<Item = f64>| accuracies.filter(|&a| a == 1.0).count();
    let (together, alone) = (
        full(&mut population.tests.iter().map(|t| t.accuracy)),
        full(&mut solo.iter().copied()),
    );
    assert!(
        together.abs_diff(alone) <= 1,
        "{together} members at 100% against {alone} solo runs"
    );
    // Each member's epochs are its own: they differ between members.
    assert_ne!(population.epochs[0], population.epochs[1]);
}

/// Over 30 epochs (3,000 steps) a fold drifts from its solo run: the population sums each
/// unit's 30 inputs in another order than the solo run's matmul, and these nets on real data are
/// chaotic enough (ReLU units dying, Adam at 0.03) to turn rounding into a test point or a few
/// either way. What must hold is that no fold is carried off and that the population's
/// cross-validation estimate is the solo runs' one.
#[test]
fn after_thirty_epochs_the_folds_end_where_their_solo_runs_do() {
    let configs = fold_configs(30);
    let (population, solo) = population_and_solo_runs(&configs);
    let rows = 57.0;
    let mut differences: Vec<f64> = population
        .tests
        .iter()
        .zip(&solo)
        .map(|(member, alone)| ((member.accuracy - alone) * rows).round())
        .collect();
    let same = differences.iter().filter(|&&d| d == 0.0).count();
    eprintln!(
        "{same} of {} folds end with their solo run's test accuracy; test rows apart: {differences:?}",
        solo.len()
    );
    differences.sort_by(f64::total_cmp);
    assert!(differences[0] >= -6.0 && differences[solo.len() - 1] <= 6.0);
    let mean = |values: &mut dyn Iterator<Item = f64>| values.sum::<f64>() / solo.len() as f64;
    let together = mean(&mut population.tests.iter().map(|t| t.accuracy));
    let alone = mean(&mut solo.iter().copied());
    assert!(
        (together - alone).abs() < 0.005,
        "{together} against {alone}"
    );
}

/// `configs` trained as one population, and each alone (two at a time): the population, and
/// each solo run's test accuracy.
fn population_and_solo_runs(
    configs: &[ValidTrainingConfig],
) -> (hinge_train::PopulationRun, Vec<f64>) {
    let folder = tempfile::tempdir().unwrap();
    let device = Device::flex();
    let population = train_population(
        configs,
        &device,
        &RunDir::new(folder.path()),
        Dashboard::Silent,
    )
    .unwrap();
    assert_eq!(population.tests.len(), configs.len());
    assert!(population.diverged.iter().all(Option::is_none));
    assert!(population.epochs.iter().all(|rows| rows.len() == 30));
    let solo: Vec<f64> = std::thread::scope(|scope| {
        let halves: Vec<_> = configs
            .chunks(configs.len().div_ceil(2))
            .map(|half| {
                let device = device.clone();
                scope.spawn(move || {
                    half.iter()
                        .map(|config| {
                            let dir = tempfile::tempdir().unwrap();
                            train(config, &device, &RunDir::new(dir.path()), Dashboard::Silent)
                                .unwrap()
                                .test
                                .accuracy
                        })
                        .collect::<Vec<f64>>()
                })
            })
            .collect();
        halves.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    (population, solo)
}

fn short(seed: u64, noise: f64) -> ValidTrainingConfig {
    TrainingConfig::new()
        .with_epochs(3)
        .with_seed(seed)
        .with_data(DataConfig::new().with_samples(300).with_noise(noise))
        .with_split(hinge_data::SplitConfig::new().with_test_samples(60))
        .check()
        .unwrap()
}

#[test]
fn a_diverging_member_is_marked_and_leaves_the_others_unchanged() {
    let device = Device::flex();
    // Noise of 1e300 makes the points infinite in f32: that member's loss is NaN at once.
    let with = [short(1, 0.05), short(2, 1e300), short(3, 0.05)];
    let without = [short(1, 0.05), short(3, 0.05)];
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let run = train_population(&with, &device, &RunDir::new(a.path()), Dashboard::Silent).unwrap();
    let clean =
        train_population(&without, &device, &RunDir::new(b.path()), Dashboard::Silent).unwrap();

    let diverged = run.diverged[1].expect("member 1 diverged");
    assert_eq!((diverged.epoch, diverged.step), (1, 1));
    assert!(!diverged.value.is_finite());
    assert!(run.diverged[0].is_none() && run.diverged[2].is_none());
    assert!(run.epochs[1].iter().all(|row| row.train_loss.is_nan()));
    assert!(run.tests[1].loss.is_nan());
    for (member, other) in [(0, 0), (2, 1)] {
        assert_eq!(
            run.epochs[member], clean.epochs[other],
            "member {member}'s epochs"
        );
        assert_eq!(
            run.tests[member], clean.tests[other],
            "member {member}'s test"
        );
    }
}

#[test]
fn members_that_cannot_share_a_step_are_refused_on_one_line() {
    let device = Device::flex();
    let other_batch = TrainingConfig::new()
        .with_epochs(3)
        .with_seed(2)
        .with_batch_size(10)
        .with_data(DataConfig::new().with_samples(300))
        .with_split(hinge_data::SplitConfig::new().with_test_samples(60))
        .check()
        .unwrap();
    let folder = tempfile::tempdir().unwrap();
    let err = train_population(
        &[short(1, 0.0), other_batch],
        &device,
        &RunDir::new(folder.path()),
        Dashboard::Silent,
    )
    .err()
    .expect("batch sizes 5 and 10 cannot share a step");
    assert!(matches!(
        err,
        TrainError::PopulationMismatch { member: 1, .. }
    ));
    let message = err.to_string();
    assert!(message.contains("batch size 10 against 5"), "{message}");
    assert!(!message.contains('\n'));
    // The population is built with one design: a member's own activation is refused, not
    // silently replaced by member 0's.
    let mut other = short(2, 0.0).config().clone();
    other.model.activation = hinge_model::Activation::Tanh;
    let err = train_population(
        &[short(1, 0.0), other.check().unwrap()],
        &device,
        &RunDir::new(folder.path()),
        Dashboard::Silent,
    )
    .err()
    .expect("tanh and relu cannot share a step");
    let message = err.to_string();
    assert!(
        message.contains("x+y, tanh, tanh against x+y, relu, tanh"),
        "{message}"
    );
    let empty = train_population(&[], &device, &RunDir::new(folder.path()), Dashboard::Silent);
    assert!(matches!(empty, Err(TrainError::EmptyPopulation)));
}

#[test]
fn a_population_resumed_from_a_checkpoint_ends_as_the_uninterrupted_one() {
    let device = Device::flex();
    let configs = [short(1, 0.05), short(2, 0.1), short(3, 0.0)];
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let whole =
        train_population(&configs, &device, &RunDir::new(a.path()), Dashboard::Silent).unwrap();
    train_population(&configs, &device, &RunDir::new(b.path()), Dashboard::Silent).unwrap();
    // The folder as a kill right after epoch 2's checkpoint leaves it: no checkpoint of epoch
    // 3, and metrics.csv up to epoch 2.
    let checkpoints = b.path().join(hinge_train::CHECKPOINT_DIR);
    for part in ["model", "optim", "scheduler"] {
        std::fs::remove_file(checkpoints.join(format!("{part}-3.bpk"))).unwrap();
    }
    let metrics = b.path().join(hinge_train::METRICS_FILE);
    let text = std::fs::read_to_string(&metrics).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|line| line.split(',').nth(1) != Some("3"))
        .collect();
    assert_eq!(kept.len(), 1 + 3 * 2, "{text}");
    std::fs::write(&metrics, kept.join("\n") + "\n").unwrap();

    let resumed = hinge_train::resume_population(
        &configs,
        &device,
        &RunDir::new(b.path()),
        Dashboard::Silent,
    )
    .unwrap();
    assert_eq!(resumed.epochs, whole.epochs);
    assert_eq!(resumed.tests, whole.tests);
}

#[test]
fn an_unsaved_population_writes_no_checkpoint_or_metrics_and_ends_the_same() {
    let device = Device::flex();
    let configs = [short(1, 0.05), short(2, 0.1)];
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let saved =
        train_population(&configs, &device, &RunDir::new(a.path()), Dashboard::Silent).unwrap();
    let unsaved = hinge_train::train_population_unsaved(
        &configs,
        &device,
        &RunDir::new(b.path()),
        Dashboard::Silent,
    )
    .unwrap();
    assert_eq!(unsaved.epochs, saved.epochs);
    assert_eq!(unsaved.tests, saved.tests);
    assert!(a.path().join(hinge_train::CHECKPOINT_DIR).exists());
    let left: Vec<String> = std::fs::read_dir(b.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != hinge_train::LOCK_FILE)
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// Every parameter of every member, as host values.
fn parameters(model: &hinge_model::Population) -> Vec<f32> {
    (0..model.len())
        .flat_map(|member| {
            model
                .member(member)
                .layers()
                .flat_map(|layer| {
                    let weight = layer.weight.val().into_data().try_to_vec::<f32>().unwrap();
                    let bias = layer.bias.as_ref().unwrap().val().into_data();
                    weight.into_iter().chain(bias.try_to_vec::<f32>().unwrap())
                })
                .collect::<Vec<f32>>()
        })
        .collect()
}

#[test]
fn the_stepwise_trainer_ends_each_epoch_where_the_learner_does() {
    let device = Device::flex();
    let configs: Vec<ValidTrainingConfig> = [(LossKind::Hinge, 1), (LossKind::Logistic, 2)]
        .into_iter()
        .map(|(loss, seed)| {
            TrainingConfig::new()
                .with_epochs(3)
                .with_loss(loss)
                .with_seed(seed)
                .check()
                .unwrap()
        })
        .collect();
    let folder = tempfile::tempdir().unwrap();
    let learned = hinge_train::train_population_unsaved(
        &configs,
        &device,
        &RunDir::new(folder.path()),
        Dashboard::Silent,
    )
    .unwrap();
    let data = hinge_train::member_data(&configs);
    let mut stepwise = StepwiseTrainer::new(configs.clone(), data, &device).unwrap();
    stepwise.step();
    assert_eq!(stepwise.motion(), Motion::OneEpoch);
    stepwise.epoch().unwrap();
    assert_eq!(stepwise.motion(), Motion::Paused);
    let after_one = parameters(&stepwise.model());
    stepwise.epoch().unwrap();
    stepwise.epoch().unwrap();
    assert_eq!(stepwise.epochs(), 3);
    assert_eq!(parameters(&stepwise.model()), parameters(&learned.model));
    let model = stepwise.model();
    assert_eq!(
        stepwise.evaluate(&model, |d| &d.test).unwrap(),
        learned.tests
    );
    // A restart is epoch 0 again: its first epoch is the first one's, bit for bit.
    stepwise.restart();
    assert_eq!(stepwise.epochs(), 0);
    stepwise.epoch().unwrap();
    assert_eq!(parameters(&stepwise.model()), after_one);
}
