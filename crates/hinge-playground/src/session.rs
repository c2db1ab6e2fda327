//! One tab's training: a thread of its own that trains the tab's population step by step on the
//! population engine (every loss and seed in one burn step, Adam as the CLI's runs use it), and
//! hands the page a frame after each epoch: every member's losses, accuracies and decision
//! surface.
//!
//! The loop is written out here rather than run through burn's Learner, which trains a fixed
//! number of epochs to the end: a page pauses, steps one epoch, changes a knob and starts again.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use burn::data::dataloader::DataLoader;
use burn::module::Module;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::Device;
use hinge_lab::hinge_data::{DataSplit, LabeledPoints};
use hinge_lab::hinge_model::{LossKind, Population};
use hinge_lab::hinge_train::{
    MemberPoints, PopulationLoader, TestResult, evaluate_population, predict_population,
};
use hinge_lab::plot::OutputGrid;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde::Serialize;
use tokio::sync::mpsc::Sender;

use crate::export;
use crate::network::{self, NetworkView, UNIT_GRID};
use crate::settings::{Member, Settings};

/// Cells per side of the surface of a member shown large, and of one in a population's grid.
const GRID: usize = 48;
const THUMBNAIL_GRID: usize = 20;
/// Members from which on surfaces are sent as thumbnails.
const THUMBNAILS_FROM: usize = 5;
/// The most epochs one session trains; the page shows when it is reached.
pub const MAX_EPOCHS: usize = 10_000;

/// What the page asks a session to do.
pub enum Command {
    /// Train these members from the start, with these settings (already checked).
    Start(Box<Settings>, Vec<Member>, Option<Arc<LabeledPoints>>),
    Play,
    Pause,
    /// Train one epoch, then pause.
    Step,
    /// Show this member in the network view.
    Inspect(usize),
    /// This member's run folder as a tar archive, answered on the channel.
    Export(usize, tokio::sync::oneshot::Sender<Result<Vec<u8>, String>>),
}

/// What a session sends the page.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// A new start: the members, the region the surfaces cover, the points of the first
    /// member (every member's when they share a seed), and the equivalent command.
    Start {
        members: Vec<MemberInfo>,
        extent: [f64; 4],
        grid: usize,
        train: Vec<[f32; 3]>,
        test: Vec<[f32; 3]>,
        command: String,
    },
    /// The state after an epoch (epoch 0: before training).
    Frame(Frame),
    /// Training stopped by itself: every member diverged, or [`MAX_EPOCHS`] was reached.
    Stopped { reason: String },
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberInfo {
    pub loss: LossKind,
    pub seed: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Frame {
    pub epoch: usize,
    pub playing: bool,
    pub train_loss: Vec<f64>,
    pub test_loss: Vec<f64>,
    pub train_accuracy: Vec<f64>,
    pub test_accuracy: Vec<f64>,
    /// Members at 100% test accuracy.
    pub full: usize,
    /// Each member's outputs over the grid, row-major from the bottom left, each output in
    /// [-1, 1] quantised to a signed byte, base64.
    pub surfaces: Vec<String>,
    /// Milliseconds the epoch's training took.
    pub train_ms: f64,
    /// The inspected member's units and weights.
    pub network: NetworkView,
}

/// A session's population in training: one epoch at a time, and the page's view of it.
pub struct Trainer {
    members: Vec<Member>,
    data: Vec<DataSplit>,
    model: Population,
    optimizer: ModuleOptimizer,
    loader: PopulationLoader,
    lr: f64,
    epoch: usize,
    grid: usize,
    extent: [f64; 4],
    device: Device,
    /// The member the network view shows.
    inspected: usize,
}

impl Trainer {
    pub fn new(members: Vec<Member>, uploaded: Option<&LabeledPoints>, device: &Device) -> Self {
        let first = &members[0].config;
        let data: Vec<DataSplit> = members
            .iter()
            .map(|member| match uploaded {
                Some(points) => member.config.split().apply(&shuffled(points, member.seed)),
                None => member.config.data_split(),
            })
            .collect();
        let trains: Vec<&LabeledPoints> = data.iter().map(|d| &d.train).collect();
        let points = Arc::new(MemberPoints::new(&trains, first.encoding()));
        let autodiff = device.clone().autodiff();
        let seeds = members.iter().map(|m| m.seed).collect();
        let loader =
            PopulationLoader::shuffled(points, first.config().batch_size, seeds, 0, &autodiff);
        let plan: Vec<(LossKind, u64)> = members.iter().map(|m| (m.loss, m.seed)).collect();
        let model = first.model().init_population(&plan, &autodiff);
        let reach = data
            .iter()
            .flat_map(|d| d.train.points.iter().chain(&d.test.points))
            .fold(1.0f64, |r, p| r.max(p[0].abs()).max(p[1].abs()));
        let half = (reach * 1.15 * 10.0).ceil() / 10.0;
        Self {
            grid: if members.len() >= THUMBNAILS_FROM {
                THUMBNAIL_GRID
            } else {
                GRID
            },
            optimizer: first.optimizer(&autodiff),
            lr: first.config().learning_rate,
            members,
            data,
            model,
            loader,
            epoch: 0,
            extent: [-half, half, -half, half],
            device: device.clone(),
            inspected: 0,
        }
    }

    fn start_event(&self, settings: &Settings) -> Event {
        let rows = |set: &LabeledPoints| -> Vec<[f32; 3]> {
            set.points
                .iter()
                .zip(&set.labels)
                .map(|(p, &l)| [p[0] as f32, p[1] as f32, l as f32])
                .collect()
        };
        Event::Start {
            members: self
                .members
                .iter()
                .map(|m| MemberInfo {
                    loss: m.loss,
                    seed: m.seed,
                })
                .collect(),
            extent: self.extent,
            grid: self.grid,
            train: rows(&self.data[0].train),
            test: rows(&self.data[0].test),
            command: settings.command(),
        }
    }

    /// One pass over every member's training points.
    pub fn epoch(&mut self) -> Result<(), String> {
        for batch in self.loader.iter() {
            let batch = batch.map_err(|err| format!("the training batches failed: {err}"))?;
            let output = self.model.forward_members(batch);
            let grads = GradientsParams::from_grads(output.loss.sum().backward(), &self.model);
            self.model = self.optimizer.step(self.lr, self.model.clone(), grads);
        }
        self.epoch += 1;
        Ok(())
    }

    /// The page's view of the population now.
    pub fn frame(&self, playing: bool, train_ms: f64) -> Result<Frame, String> {
        let plain = self.model.valid();
        let inner = self.device.clone().inner();
        let encoding = self.members[0].config.encoding();
        let measure = |part: fn(&DataSplit) -> &LabeledPoints| -> Result<Vec<TestResult>, String> {
            let sets: Vec<&LabeledPoints> = self.data.iter().map(part).collect();
            evaluate_population(&plain, &sets, encoding, &inner).map_err(|e| e.to_string())
        };
        let train = measure(|d| &d.train)?;
        let test = measure(|d| &d.test)?;
        let cells = self.cells(self.grid);
        let members = self.members.len();
        let all: Vec<[f32; 2]> = (0..members).flat_map(|_| cells.iter().copied()).collect();
        let outputs =
            predict_population(&plain, &all, cells.len(), &inner).map_err(|e| e.to_string())?;
        let surfaces = outputs.chunks(cells.len()).map(encode).collect();
        let network = network::view(
            self.inspected,
            &plain.member(self.inspected),
            &self.cells(UNIT_GRID),
            &self.data[self.inspected].train.points,
            &inner,
            encode,
        )?;
        Ok(Frame {
            epoch: self.epoch,
            playing,
            full: test.iter().filter(|t| t.accuracy == 1.0).count(),
            train_loss: train.iter().map(|t| t.loss).collect(),
            test_loss: test.iter().map(|t| t.loss).collect(),
            train_accuracy: train.iter().map(|t| t.accuracy).collect(),
            test_accuracy: test.iter().map(|t| t.accuracy).collect(),
            surfaces,
            train_ms,
            network,
        })
    }

    /// The centres of an `n` x `n` grid over the plane shown, in the order the plots use.
    fn cells(&self, n: usize) -> Vec<[f32; 2]> {
        let [x0, x1, y0, y1] = self.extent;
        OutputGrid::cell_centres((x0, x1), (y0, y1), n)
    }

    /// Member `member`'s run folder, archived.
    fn export(&self, member: usize) -> Result<Vec<u8>, String> {
        let chosen = self
            .members
            .get(member)
            .ok_or_else(|| format!("no member {member}: there are {}", self.members.len()))?;
        let folder = format!("{}-seed-{}", chosen.loss, chosen.seed);
        export::run_folder(&folder, &chosen.config, &self.model.valid().member(member))
    }
}

/// Values in [-1, 1] (clamped; NaN as 0) as signed bytes, base64: the page's encoding of maps.
fn encode(values: &[f32]) -> String {
    let bytes: Vec<u8> = values
        .iter()
        .map(|&y| {
            let clamped = if y.is_nan() { 0.0 } else { y.clamp(-1.0, 1.0) };
            (clamped * 127.0).round() as i8 as u8
        })
        .collect();
    base64(&bytes)
}

/// `points` in an order drawn from `seed`, so the split takes test points from everywhere.
fn shuffled(points: &LabeledPoints, seed: u64) -> LabeledPoints {
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.shuffle(&mut StdRng::seed_from_u64(seed));
    LabeledPoints {
        points: order.iter().map(|&i| points.points[i]).collect(),
        labels: order.iter().map(|&i| points.labels[i]).collect(),
    }
}

/// Standard base64 with padding, as the page's `atob` reads it.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (k, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if k <= chunk.len() {
                text.push(ALPHABET[(n >> shift) as usize & 63] as char);
            } else {
                text.push('=');
            }
        }
    }
    text
}

/// How long a session waits for a command before it checks whether its tab is still there.
const POLL: Duration = Duration::from_millis(50);

/// Runs one session until its tab is gone (`alive` false), its commands end, or it has been
/// idle for `idle`.
pub fn run(
    commands: Receiver<Command>,
    events: Sender<Event>,
    alive: Arc<AtomicBool>,
    device: Device,
    idle: Duration,
) {
    let mut trainer: Option<Trainer> = None;
    let mut settings: Option<Box<Settings>> = None;
    let mut playing = false;
    let mut step_once = false;
    let mut last_command = Instant::now();
    // When the last epoch started: the pace counts from one start to the next.
    let mut last_start = Instant::now();
    let send = |event: Event| events.blocking_send(event).is_ok();
    while alive.load(Ordering::Relaxed) {
        let busy = trainer.is_some() && (playing || step_once);
        let command = if busy {
            commands.try_recv().map_err(|err| match err {
                std::sync::mpsc::TryRecvError::Empty => RecvTimeoutError::Timeout,
                std::sync::mpsc::TryRecvError::Disconnected => RecvTimeoutError::Disconnected,
            })
        } else {
            commands.recv_timeout(POLL)
        };
        match command {
            Ok(command) => {
                last_command = Instant::now();
                match command {
                    Command::Start(new_settings, members, uploaded) => {
                        let fresh = Trainer::new(members, uploaded.as_deref(), &device);
                        if !send(fresh.start_event(&new_settings)) {
                            return;
                        }
                        match fresh.frame(playing, 0.0) {
                            Ok(frame) => {
                                if !send(Event::Frame(frame)) {
                                    return;
                                }
                            }
                            Err(reason) => {
                                send(Event::Stopped { reason });
                            }
                        }
                        trainer = Some(fresh);
                        settings = Some(new_settings);
                    }
                    Command::Play => playing = true,
                    Command::Pause => playing = false,
                    Command::Step => {
                        playing = false;
                        step_once = true;
                    }
                    Command::Inspect(member) => {
                        if let Some(training) = trainer.as_mut()
                            && member < training.members.len()
                        {
                            training.inspected = member;
                            if !playing
                                && let Ok(frame) = training.frame(false, 0.0)
                                && !send(Event::Frame(frame))
                            {
                                return;
                            }
                        }
                    }
                    Command::Export(member, reply) => {
                        let archive = match trainer.as_ref() {
                            Some(training) => training.export(member),
                            None => Err("nothing is trained: press play first".into()),
                        };
                        let _ = reply.send(archive);
                    }
                }
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => return,
            Err(RecvTimeoutError::Timeout) => {}
        }
        let Some(training) = trainer.as_mut() else {
            if last_command.elapsed() > idle {
                return;
            }
            continue;
        };
        if !(playing || step_once) {
            if last_command.elapsed() > idle {
                return;
            }
            continue;
        }
        // The page's pace: no faster than its epochs per second.
        let pace = settings.as_ref().map_or(20.0, |s| s.epochs_per_second);
        let wait = Duration::from_secs_f64(1.0 / pace).saturating_sub(last_start.elapsed());
        if playing && !wait.is_zero() {
            std::thread::sleep(wait.min(POLL));
            continue;
        }
        last_command = Instant::now();
        let started = Instant::now();
        last_start = started;
        if let Err(reason) = training.epoch() {
            playing = false;
            trainer = None;
            if !send(Event::Stopped { reason }) {
                return;
            }
            continue;
        }
        let train_ms = started.elapsed().as_secs_f64() * 1e3;
        step_once = false;
        let frame = match training.frame(playing, train_ms) {
            Ok(frame) => frame,
            Err(reason) => {
                playing = false;
                if !send(Event::Stopped { reason }) {
                    return;
                }
                continue;
            }
        };
        let diverged = frame.train_loss.iter().all(|l| !l.is_finite());
        let epoch = frame.epoch;
        if !send(Event::Frame(frame)) {
            return;
        }
        let reason = if diverged {
            Some("every member's loss stopped being a number: try a smaller learning rate".into())
        } else if epoch >= MAX_EPOCHS {
            Some(format!(
                "{MAX_EPOCHS} epochs is as far as the playground trains"
            ))
        } else {
            None
        };
        if let Some(reason) = reason {
            playing = false;
            trainer = None;
            if !send(Event::Stopped { reason }) {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(&[0xff, 0x80, 0x01]), "/4AB");
    }

    #[test]
    fn the_tutorials_run_reaches_full_accuracy_in_its_thirty_epochs() {
        let settings = Settings {
            losses: vec![LossKind::Hinge],
            ..Settings::default()
        };
        let members = settings.members(None).unwrap();
        let mut trainer = Trainer::new(members, None, &Device::flex());
        for _ in 0..30 {
            trainer.epoch().unwrap();
        }
        let frame = trainer.frame(false, 0.0).unwrap();
        assert_eq!(frame.epoch, 30);
        assert_eq!(frame.test_accuracy, vec![1.0], "{frame:?}");
        assert_eq!(frame.surfaces.len(), 1);
    }
}
