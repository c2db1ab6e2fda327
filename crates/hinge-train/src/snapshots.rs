//! The network's outputs over a fixed set of points, taken while it trains: the frames of the
//! decision surface forming, as TensorFlow Playground shows it.

use std::sync::{Arc, Mutex};

use burn::module::Module;
use burn::tensor::{Tensor, TensorData};
use hinge_model::{Population, Watch};

use crate::ValidTrainingConfig;

/// A run of few epochs still gets at least this many frames: each epoch is then cut into
/// several, at whole training steps.
pub const MIN_FRAMES: usize = 24;

/// One moment of training: every member's outputs at the watched points.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// Epochs trained so far; fractional between epoch ends (1.5 is half-way through the
    /// second epoch).
    pub epoch: f64,
    /// `[members, points, outputs]`, row-major.
    pub outputs: Vec<f32>,
}

/// Takes a [`Snapshot`] before the first step, at every epoch's end, and, for runs of few
/// epochs, at evenly spaced steps within each epoch. Shared with the population it watches,
/// which calls it from its own training and validation steps.
pub struct Snapshots {
    points: Vec<f32>,
    steps_per_epoch: usize,
    frames_per_epoch: usize,
    start_epoch: usize,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Training steps seen.
    steps: usize,
    /// A training step ran since the last validation batch: the next one starts the epoch's
    /// validation, with the epoch's final weights.
    epoch_open: bool,
    taken: Vec<Snapshot>,
    /// The first failure to read the outputs back, reported when the frames are asked for.
    error: Option<String>,
}

impl Snapshots {
    /// Watches `points` while the run of `config` trains from the end of epoch `start_epoch`
    /// (0 for a fresh run).
    pub fn new(config: &ValidTrainingConfig, points: &[[f32; 2]], start_epoch: usize) -> Arc<Self> {
        let (train, _, _) = config.split().sizes();
        let settings = config.config();
        let steps_per_epoch = train.div_ceil(settings.batch_size).max(1);
        Arc::new(Self {
            points: points.iter().flatten().copied().collect(),
            steps_per_epoch,
            frames_per_epoch: frames_per_epoch(settings.epochs, steps_per_epoch),
            start_epoch,
            state: Mutex::new(State::default()),
        })
    }

    /// How many snapshots a run that trains `epochs` epochs takes: one before the first step,
    /// then [`frames_per_epoch`] for each epoch.
    pub fn expected(&self, epochs: usize) -> usize {
        1 + epochs * self.frames_per_epoch
    }

    /// The snapshots taken, in order.
    pub fn taken(&self) -> Result<Vec<Snapshot>, String> {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match &state.error {
            Some(err) => Err(err.clone()),
            None => Ok(state.taken.clone()),
        }
    }

    fn take(&self, population: &Population, state: &mut State, epoch: f64) {
        if state.error.is_some() {
            return;
        }
        // The validation copy of the weights: no autodiff graph is built for the snapshot.
        let plain = population.valid();
        let members = plain.len();
        let count = self.points.len() / 2;
        let device = plain_device(&plain);
        let one =
            Tensor::<3>::from_data(TensorData::new(self.points.clone(), [1, count, 2]), &device);
        let input = if members == 1 {
            one
        } else {
            one.repeat_dim(0, members)
        };
        match plain.forward(input).into_data().try_to_vec::<f32>() {
            Ok(outputs) => state.taken.push(Snapshot { epoch, outputs }),
            Err(err) => state.error = Some(format!("{err:?}")),
        }
    }
}

/// The device the population's plain weights live on.
fn plain_device(population: &Population) -> burn::tensor::Device {
    population
        .devices()
        .into_iter()
        .next()
        .expect("a population has weights on a device")
}

/// Frames per epoch: one, or for runs of fewer than [`MIN_FRAMES`] epochs enough to reach
/// it, never more than the epoch has steps.
pub fn frames_per_epoch(epochs: usize, steps_per_epoch: usize) -> usize {
    MIN_FRAMES
        .div_ceil(epochs.max(1))
        .clamp(1, steps_per_epoch.max(1))
}

impl Watch for Snapshots {
    fn before_step(&self, population: &Population) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let step = state.steps;
        let within = step % self.steps_per_epoch;
        let epoch = self.start_epoch + step / self.steps_per_epoch;
        if step == 0 {
            self.take(population, &mut state, epoch as f64);
        } else if within > 0 && self.frames_per_epoch > 1 {
            // Steps k * steps / frames for k = 1 .. frames - 1: the epoch's inner frames.
            let frames = self.frames_per_epoch;
            let k = within * frames / self.steps_per_epoch;
            if k > 0 && within == (k * self.steps_per_epoch).div_ceil(frames) {
                let at = epoch as f64 + within as f64 / self.steps_per_epoch as f64;
                self.take(population, &mut state, at);
            }
        }
        state.steps += 1;
        state.epoch_open = true;
    }

    fn before_validation(&self, population: &Population) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if std::mem::take(&mut state.epoch_open) {
            let epoch = self.start_epoch + state.steps.div_ceil(self.steps_per_epoch);
            self.take(population, &mut state, epoch as f64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_epoch_gets_a_frame_and_short_runs_get_more() {
        assert_eq!(frames_per_epoch(30, 120), 1);
        assert_eq!(frames_per_epoch(24, 120), 1);
        assert_eq!(frames_per_epoch(2, 120), 12);
        assert_eq!(frames_per_epoch(1, 3), 3);
    }

    #[test]
    fn inner_frames_fall_on_distinct_steps() {
        // For every (steps, frames) the inner frames of an epoch are frames - 1 distinct steps.
        for steps in 1..40usize {
            for frames in 1..=steps {
                let inner = (1..steps)
                    .filter(|&within| {
                        let k = within * frames / steps;
                        k > 0 && within == (k * steps).div_ceil(frames)
                    })
                    .count();
                assert_eq!(inner, frames - 1, "steps {steps}, frames {frames}");
            }
        }
    }
}
