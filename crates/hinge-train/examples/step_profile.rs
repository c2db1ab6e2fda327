//! Where a training step's time goes, for a population of N tutorial runs (hinge, seeds 0..N):
//! the loader's batches, the forward pass with the loss, the backward pass, Adam, each timed
//! alone in a hand-written loop; then the same epochs through burn's Learner
//! (`train_population`), whose extra time is the metrics, validation, checkpoints, files and
//! the renderer. Times are per training step, averaged over whole epochs.
//!
//! `cargo run --release -p hinge-train --example step_profile -- [N ...]` (default 1 1000).

use std::sync::Arc;
use std::time::{Duration, Instant};

use burn::data::dataloader::DataLoader;
use burn::optim::GradientsParams;
use burn::tensor::Device;
use hinge_data::LabeledPoints;
use hinge_model::LossKind;
use hinge_train::{
    Dashboard, MemberPoints, PopulationLoader, RunDir, TrainingConfig, ValidTrainingConfig,
    train_population,
};

const EPOCHS: usize = 3;

/// The allocator the programs use (`hinge_lab::use_mimalloc!`): fresh pages from the system
/// allocator cost a page fault each, which would show here and not in the programs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("N is a number"))
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1, 1000]
    } else {
        sizes
    };
    for members in sizes {
        profile(members);
    }
}

fn profile(members: usize) {
    let configs: Vec<ValidTrainingConfig> = (0..members as u64)
        .map(|seed| {
            TrainingConfig::new()
                .with_seed(seed)
                .with_epochs(EPOCHS)
                .check()
                .expect("the tutorial's config")
        })
        .collect();
    let device = Device::flex().autodiff();
    let data: Vec<_> = configs
        .iter()
        .map(ValidTrainingConfig::data_split)
        .collect();
    let trains: Vec<&LabeledPoints> = data.iter().map(|d| &d.train).collect();
    let points = Arc::new(MemberPoints::new(&trains, configs[0].encoding()));
    let seeds = configs.iter().map(|c| c.config().seed).collect();
    let loader = PopulationLoader::shuffled(points, 5, seeds, 0, &device);
    let plan: Vec<(LossKind, u64)> = configs
        .iter()
        .map(|c| (c.config().loss, c.config().seed))
        .collect();
    let mut model = configs[0].model().init_population(&plan, &device);
    let mut optimizer = configs[0].optimizer(&device);
    let (mut load, mut forward, mut backward, mut adam) = (
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
    );
    let mut steps = 0;
    for _ in 0..EPOCHS {
        // The loader shuffles each epoch's copy when the epoch's iterator is made.
        let started = Instant::now();
        let mut batches = loader.iter();
        load += started.elapsed();
        loop {
            let started = Instant::now();
            let Some(batch) = batches.next() else { break };
            let batch = batch.expect("a batch");
            load += started.elapsed();
            let started = Instant::now();
            let output = model.forward_members(batch);
            let total = output.loss.sum();
            // Reading one value waits for the lazy work queued so far.
            let _ = total.clone().into_scalar::<f32>();
            forward += started.elapsed();
            let started = Instant::now();
            let grads = GradientsParams::from_grads(total.backward(), &model);
            backward += started.elapsed();
            let started = Instant::now();
            model = optimizer.step(0.03, model, grads);
            adam += started.elapsed();
            steps += 1;
        }
    }
    let per = |d: Duration| d.as_secs_f64() * 1e6 / steps as f64;
    let manual = per(load + forward + backward + adam);
    let folder = tempfile::tempdir().expect("a temporary folder");
    let started = Instant::now();
    let run = train_population(
        &configs,
        &Device::flex(),
        &RunDir::new(folder.path()),
        Dashboard::Silent,
    )
    .expect("the population trains");
    let whole = started.elapsed();
    let learner = per(run.timings.training);
    println!(
        "N = {members}: per step {:.0} us by hand = loader {:.0} + forward and loss {:.0} + backward {:.0} + Adam {:.0}; \
         through the Learner {learner:.0} us (metrics, validation, checkpoints, files, renderer: {:.0} us); \
         whole train_population {:.2} s, test {:.1} ms",
        manual,
        per(load),
        per(forward),
        per(backward),
        per(adam),
        learner - manual,
        whole.as_secs_f64(),
        run.timings.test.as_secs_f64() * 1e3
    );
}
