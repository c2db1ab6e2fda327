//! The network as it trains, kept frame by frame: the frames of the decision surface forming, as
//! TensorFlow Playground shows it.
//!
//! A frame keeps the network's parameters, not its outputs: the tutorial's network has 25, so a
//! whole run's frames fit in a few kilobytes, and they are written into the run folder with
//! every epoch's checkpoint, just before it, on the thread writing it. A run resumed from epoch
//! `e` keeps the frames up to `e` and takes the rest, so its animation is the uninterrupted
//! run's. The surfaces are computed from the parameters when the animation is drawn, the same
//! way for every frame, however the run was interrupted.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::tensor::{Device, Tensor, TensorData};
use hinge_model::{Population, StepObserver};
use serde::{Deserialize, Serialize};

use crate::artifacts::{Durability, replace_file};
use crate::run_dir::{FRAMES_FILE, RunDir};
use crate::{TrainError, ValidTrainingConfig};

/// A run of few epochs still gets at least this many frames: each epoch is then cut into
/// several, at whole training steps.
pub const MIN_FRAMES: usize = 24;

/// One moment of training: every parameter of the network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    /// Epochs trained so far; fractional between epoch ends (1.5 is half-way through the
    /// second epoch).
    #[serde(with = "crate::exact_floats")]
    pub epoch: f64,
    /// Every member's parameters, in the order burn visits the population's.
    #[serde(with = "crate::exact_floats")]
    pub parameters: Vec<f32>,
}

/// One moment of training as the animation draws it: every member's outputs at the points.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub epoch: f64,
    /// `[members, points, outputs]`, row-major.
    pub outputs: Vec<f32>,
}

/// `frames.json`: a run's frames so far, each parameter written exactly (see [`crate::exact_floats`]),
/// so a resumed run's early frames are the uninterrupted run's, bit for bit.
#[derive(Serialize, Deserialize)]
struct FramesFile<'a> {
    frames: Cow<'a, [Frame]>,
}

/// Takes a [`Frame`] before the first step, at every epoch's end, and, for runs of few epochs,
/// at evenly spaced steps within each epoch. Shared with the population it watches, which calls
/// it from its own training and validation steps.
pub struct Snapshots {
    steps_per_epoch: usize,
    frames_per_epoch: usize,
    start_epoch: usize,
    /// Rewritten with every frame so far at each epoch's end.
    file: PathBuf,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Training steps seen.
    steps: usize,
    /// A training step ran since the last validation batch: the next one starts the epoch's
    /// validation, with the epoch's final weights.
    epoch_open: bool,
    /// The frames of the epochs before `start_epoch`, then those taken.
    frames: Vec<Frame>,
    /// The first failure to read the parameters or write the frames, reported when the frames
    /// are asked for.
    error: Option<String>,
}

impl Snapshots {
    /// Watches the run of `config` in `run` as it trains from the end of epoch `start_epoch`
    /// (0 for a fresh run), keeping the frames that run's folder holds up to that epoch.
    pub fn new(config: &ValidTrainingConfig, run: &RunDir, start_epoch: usize) -> Arc<Self> {
        let (train, _, _) = config.split().sizes();
        let settings = config.config();
        let steps_per_epoch = train.div_ceil(settings.batch_size).max(1);
        let file = run.file(FRAMES_FILE);
        let frames = if start_epoch == 0 {
            Vec::new()
        } else {
            // A missing or unreadable file keeps no frames: the animation then starts where
            // the run resumes, as the step-0 frame below is taken.
            saved_frames(run)
                .unwrap_or_default()
                .into_iter()
                .filter(|frame| frame.epoch <= start_epoch as f64)
                .collect()
        };
        Arc::new(Self {
            steps_per_epoch,
            frames_per_epoch: frames_per_epoch(settings.epochs, steps_per_epoch),
            start_epoch,
            file,
            state: Mutex::new(State {
                frames,
                ..State::default()
            }),
        })
    }

    /// Every frame of the run, those kept from before a resume first.
    pub fn frames(&self) -> Result<Vec<Frame>, TrainError> {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match &state.error {
            Some(err) => Err(TrainError::Read(err.clone())),
            None => Ok(state.frames.clone()),
        }
    }

    fn take(&self, population: &Population, state: &mut State, epoch: f64) {
        if state.error.is_some() {
            return;
        }
        // The validation copy of the weights: no autodiff graph is built for the snapshot.
        match parameters(&population.valid()) {
            Ok(parameters) => state.frames.push(Frame { epoch, parameters }),
            Err(err) => state.error = Some(err),
        }
    }
}

/// The frames kept in a finished run's folder, for drawing its animation again.
pub fn saved_frames(run: &RunDir) -> Result<Vec<Frame>, TrainError> {
    let path = run.file(FRAMES_FILE);
    let text = std::fs::read(&path).map_err(TrainError::io("read", &path))?;
    serde_json::from_slice::<FramesFile>(&text)
        .map(|file| file.frames.into_owned())
        .map_err(|err| TrainError::Format {
            what: "animation frames",
            path,
            reason: err.to_string(),
        })
}

/// The surfaces of `frames`: the outputs at `points` of the population `template` (its shape
/// and design) with each frame's parameters, every member at the same points.
pub fn surfaces(
    frames: &[Frame],
    template: &Population,
    points: &[[f32; 2]],
    device: &Device,
) -> Result<Vec<Snapshot>, TrainError> {
    let count = points.len();
    let flat: Vec<f32> = points.iter().flatten().copied().collect();
    let one = Tensor::<3>::from_data(TensorData::new(flat, [1, count, 2]), device);
    let members = template.len();
    let input = if members == 1 {
        one
    } else {
        one.repeat_dim(0, members)
    };
    let expected = parameter_count(template);
    frames
        .iter()
        .map(|frame| {
            if frame.parameters.len() != expected {
                return Err(TrainError::Read(format!(
                    "a frame of epoch {} holds {} parameters where the network has {expected}",
                    frame.epoch,
                    frame.parameters.len()
                )));
            }
            let network = template.clone().map(&mut Fill {
                values: &frame.parameters,
                at: 0,
            });
            let outputs = network
                .forward(input.clone())
                .into_data()
                .try_to_vec::<f32>()
                .map_err(|err| TrainError::Read(format!("{err:?}")))?;
            Ok(Snapshot {
                epoch: frame.epoch,
                outputs,
            })
        })
        .collect()
}

/// Every parameter of `module`, in burn's visiting order.
pub(crate) fn parameters<M: Module>(module: &M) -> Result<Vec<f32>, String> {
    struct Collect {
        values: Vec<f32>,
        error: Option<String>,
    }
    impl ModuleVisitor for Collect {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            match param.val().into_data().try_to_vec::<f32>() {
                Ok(values) => self.values.extend(values),
                Err(err) => {
                    self.error.get_or_insert(format!("{err:?}"));
                }
            }
        }
    }
    let mut collect = Collect {
        values: Vec::new(),
        error: None,
    };
    module.visit(&mut collect);
    match collect.error {
        Some(err) => Err(err),
        None => Ok(collect.values),
    }
}

/// How many parameters `module` has.
fn parameter_count<M: Module>(module: &M) -> usize {
    struct Count(usize);
    impl ModuleVisitor for Count {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            self.0 += param.val().dims().iter().product::<usize>();
        }
    }
    let mut count = Count(0);
    module.visit(&mut count);
    count.0
}

/// Sets a module's parameters from one flat list, in burn's visiting order (the order
/// [`parameters`] lists them in).
struct Fill<'a> {
    values: &'a [f32],
    at: usize,
}

impl ModuleMapper for Fill<'_> {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        param.map(|tensor| {
            let dims = tensor.dims();
            let n: usize = dims.iter().product();
            let values = self.values[self.at..self.at + n].to_vec();
            self.at += n;
            Tensor::from_data(TensorData::new(values, dims), &tensor.device())
        })
    }
}

/// Frames per epoch: one, or for runs of fewer than [`MIN_FRAMES`] epochs enough to reach
/// it, never more than the epoch has steps.
pub fn frames_per_epoch(epochs: usize, steps_per_epoch: usize) -> usize {
    MIN_FRAMES
        .div_ceil(epochs.max(1))
        .clamp(1, steps_per_epoch.max(1))
}

impl StepObserver for Snapshots {
    fn before_step(&self, population: &Population) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let step = state.steps;
        let within = step % self.steps_per_epoch;
        let epoch = self.start_epoch + step / self.steps_per_epoch;
        if step == 0 {
            // A resumed run has the frame of the epoch it resumes after already.
            let kept = state.frames.last().map(|f| f.epoch) == Some(epoch as f64);
            if !kept {
                self.take(population, &mut state, epoch as f64);
            }
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

    /// Writes the frames up to the end of `epoch`, as that epoch's checkpoint is about to be:
    /// a resume from it finds them. Called on the thread writing the checkpoint, so the lock
    /// the training steps take is held only while the frames are put into words.
    fn before_checkpoint(&self, epoch: usize) {
        let json = {
            let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            if state.error.is_some() {
                return;
            }
            let upto = state.frames.partition_point(|f| f.epoch <= epoch as f64);
            serde_json::to_vec(&FramesFile {
                frames: Cow::Borrowed(&state.frames[..upto]),
            })
            .expect("frames are numbers")
        };
        // Unsynced as metrics.csv is: it survives a kill, and costs no sync per epoch.
        if let Err(err) = replace_file(&self.file, &json, Durability::Unsynced) {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state.error.get_or_insert(err.to_string());
        }
    }
}

#[cfg(test)]
mod tests;
