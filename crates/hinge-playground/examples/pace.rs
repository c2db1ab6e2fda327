//! How fast the playground's engine trains a population, epochs a second, with the page's frame
//! (every member's losses, accuracies and surface) after each epoch, as a session does:
//! `cargo run --release -p hinge-playground --example pace -- [SEEDS] [EPOCHS]`
//! (default 100 seeds of hinge and squared hinge, 20 epochs).

use std::time::Instant;

use burn::tensor::Device;
use hinge_playground::session::split_data;
use hinge_playground::settings::Settings;
use hinge_playground::view::Viewer;
use hinge_train::StepwiseTrainer;

hinge_cli::use_mimalloc!();

fn main() {
    let mut args = std::env::args().skip(1);
    let seeds: usize = args
        .next()
        .map_or(100, |a| a.parse().expect("SEEDS is a number"));
    let epochs: usize = args
        .next()
        .map_or(20, |a| a.parse().expect("EPOCHS is a number"));
    let settings = Settings {
        seeds,
        ..Settings::default()
    };
    let members = settings.members(None).unwrap_or_else(|err| panic!("{err}"));
    let count = members.len();
    let device = Device::flex();
    let started = Instant::now();
    let configs: Vec<_> = members.into_iter().map(|m| m.config).collect();
    let data = split_data(&configs, None);
    let mut trainer = StepwiseTrainer::new(configs, data, &device).expect("a population");
    let viewer = Viewer::new(trainer.data(), &device);
    let set_up = started.elapsed();
    let started = Instant::now();
    let mut frame = viewer.epoch(&trainer, true, 0.0).expect("a view");
    for _ in 0..epochs {
        trainer.epoch().expect("an epoch");
        frame = viewer.epoch(&trainer, true, 0.0).expect("a view");
    }
    let full: usize = frame.full.iter().map(|count| count.full).sum();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{count} members: set-up {:.0} ms, {epochs} epochs with a frame each in {seconds:.2} s: \
         {:.1} epochs/s; {} at 100% test accuracy after epoch {}",
        set_up.as_secs_f64() * 1e3,
        epochs as f64 / seconds,
        full,
        frame.epoch
    );
}
