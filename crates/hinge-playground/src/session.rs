//! One tab's session: a thread of its own that trains the tab's population on hinge-train's
//! stepwise trainer (the engine the CLI's runs use, every loss and seed in one step) as the tab
//! plays, pauses and steps it, and sends the page a view of it after each epoch.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::time::{Duration, Instant};

use burn::tensor::Device;
use hinge_data::{DataSplit, LabeledPoints, stratified_order};
use hinge_train::{Motion, StepwiseTrainer, ValidTrainingConfig, member_data};
use tokio::sync::mpsc::Sender;

use crate::export;
use crate::settings::{Member, Settings};
use crate::view::{Event, Viewer};

/// The most epochs one session trains; the page shows when it is reached.
pub const MAX_EPOCHS: usize = 10_000;
/// How long a session waits for a command before it checks whether its tab is still there.
const POLL: Duration = Duration::from_millis(50);

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

/// The tab is gone: its event stream was dropped.
struct Gone;

/// Each member's data: its config's own points (as the CLI's runs have them), or the uploaded
/// ones in an order drawn from its seed, cut as its config cuts them. Uploaded points of the
/// plane keep their coordinates, so the page draws them as given; wider ones are split in
/// stratified order and standardised on the training part, as the CLI's `--data` does.
pub fn split_data(
    configs: &[ValidTrainingConfig],
    uploaded: Option<&LabeledPoints>,
) -> Vec<DataSplit> {
    match uploaded {
        None => member_data(configs),
        Some(points) => configs
            .iter()
            .map(|c| {
                let seed = c.config().seed;
                if points.width == 2 {
                    c.split().apply(&points.shuffled(seed))
                } else {
                    let order = stratified_order(&points.labels, seed);
                    c.split().apply(&points.select(&order)).standardised().0
                }
            })
            .collect(),
    }
}

/// A session's state between commands.
struct Session {
    training: Option<(StepwiseTrainer, Viewer)>,
    /// At most this many epochs a second while playing.
    pace: f64,
    /// When the last epoch started: the pace counts from one start to the next.
    last_start: Instant,
    last_command: Instant,
    events: Sender<Event>,
    device: Device,
}

/// Runs one session until its tab is gone (`alive` false), its commands end, or it has been
/// idle for `idle`.
pub fn run(
    commands: Receiver<Command>,
    events: Sender<Event>,
    alive: Arc<AtomicBool>,
    device: Device,
    idle: Duration,
) {
    let mut session = Session {
        training: None,
        pace: Settings::default().epochs_per_second,
        last_start: Instant::now(),
        last_command: Instant::now(),
        events,
        device,
    };
    while alive.load(Ordering::Relaxed) {
        let command = if session.busy() {
            commands.try_recv().map_err(|err| match err {
                TryRecvError::Empty => RecvTimeoutError::Timeout,
                TryRecvError::Disconnected => RecvTimeoutError::Disconnected,
            })
        } else {
            commands.recv_timeout(POLL)
        };
        let done = match command {
            Ok(command) => session.obey(command),
            Err(RecvTimeoutError::Disconnected) => return,
            Err(RecvTimeoutError::Timeout) if session.busy() => session.train_when_due(),
            Err(RecvTimeoutError::Timeout) => Ok(()),
        };
        if done.is_err() || (!session.busy() && session.last_command.elapsed() > idle) {
            return;
        }
    }
}

impl Session {
    fn send(&self, event: Event) -> Result<(), Gone> {
        self.events.blocking_send(event).map_err(|_| Gone)
    }

    /// Whether an epoch is wanted: a population is playing or stepping.
    fn busy(&self) -> bool {
        self.training
            .as_ref()
            .is_some_and(|(trainer, _)| trainer.motion() != Motion::Paused)
    }

    fn playing(&self) -> bool {
        self.training
            .as_ref()
            .is_some_and(|(trainer, _)| trainer.motion() == Motion::Playing)
    }

    fn obey(&mut self, command: Command) -> Result<(), Gone> {
        self.last_command = Instant::now();
        match command {
            Command::Start(settings, members, uploaded) => {
                self.start(&settings, members, uploaded.as_deref())?
            }
            Command::Play => self.with_trainer(StepwiseTrainer::play),
            Command::Pause => self.with_trainer(StepwiseTrainer::pause),
            Command::Step => self.with_trainer(StepwiseTrainer::step),
            Command::Inspect(member) => self.inspect(member)?,
            Command::Export(member, reply) => {
                let archive = match &self.training {
                    Some((trainer, _)) => export::member(trainer, member),
                    None => Err("nothing is trained: press play first".into()),
                };
                let _ = reply.send(archive);
            }
        }
        Ok(())
    }

    fn with_trainer(&mut self, change: fn(&mut StepwiseTrainer)) {
        if let Some((trainer, _)) = self.training.as_mut() {
            change(trainer);
        }
    }

    /// A new population, playing if the last one was, and its view before training.
    fn start(
        &mut self,
        settings: &Settings,
        members: Vec<Member>,
        uploaded: Option<&LabeledPoints>,
    ) -> Result<(), Gone> {
        let playing = self.playing();
        let configs: Vec<ValidTrainingConfig> = members.into_iter().map(|m| m.config).collect();
        let data = split_data(&configs, uploaded);
        self.pace = settings.epochs_per_second;
        let mut trainer = match StepwiseTrainer::new(configs, data, &self.device) {
            Ok(trainer) => trainer,
            Err(err) => {
                self.training = None;
                return self.send(Event::Stopped {
                    reason: err.to_string(),
                });
            }
        };
        if playing {
            trainer.play();
        }
        let viewer = Viewer::new(trainer.data(), &self.device);
        self.send(viewer.start(&trainer, settings.command()))?;
        let view = viewer.epoch(&trainer, playing, 0.0);
        self.training = Some((trainer, viewer));
        match view {
            Ok(view) => self.send(Event::Epoch(view)),
            Err(reason) => self.send(Event::Stopped { reason }),
        }
    }

    /// Shows `member` in the network view; at once when paused.
    fn inspect(&mut self, member: usize) -> Result<(), Gone> {
        let Some((trainer, viewer)) = self.training.as_mut() else {
            return Ok(());
        };
        if member >= trainer.configs().len() {
            return Ok(());
        }
        viewer.inspected = member;
        if trainer.motion() == Motion::Paused
            && let Ok(view) = viewer.epoch(trainer, false, 0.0)
        {
            return self.send(Event::Epoch(view));
        }
        Ok(())
    }

    /// Trains the next epoch when the pace allows, and sends its view; stops a population
    /// that diverged or reached [`MAX_EPOCHS`].
    fn train_when_due(&mut self) -> Result<(), Gone> {
        let wait =
            Duration::from_secs_f64(1.0 / self.pace).saturating_sub(self.last_start.elapsed());
        if self.playing() && !wait.is_zero() {
            std::thread::sleep(wait.min(POLL));
            return Ok(());
        }
        let Some((trainer, viewer)) = self.training.as_mut() else {
            return Ok(());
        };
        self.last_command = Instant::now();
        let started = Instant::now();
        self.last_start = started;
        let view = trainer
            .epoch()
            .map_err(|err| format!("the training batches failed: {err}"))
            .and_then(|_| {
                let train_ms = started.elapsed().as_secs_f64() * 1e3;
                viewer.epoch(trainer, trainer.motion() == Motion::Playing, train_ms)
            });
        let view = match view {
            Ok(view) => view,
            Err(reason) => return self.stop(reason),
        };
        let diverged = view.train_loss.iter().all(|l| !l.is_finite());
        let epoch = view.epoch;
        self.send(Event::Epoch(view))?;
        if diverged {
            self.stop(
                "every member's loss stopped being a number: try a smaller learning rate".into(),
            )
        } else if epoch >= MAX_EPOCHS {
            self.stop(format!(
                "{MAX_EPOCHS} epochs is as far as the playground trains"
            ))
        } else {
            Ok(())
        }
    }

    /// Ends the population's training, saying why.
    fn stop(&mut self, reason: String) -> Result<(), Gone> {
        self.training = None;
        self.send(Event::Stopped { reason })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hinge_model::LossKind;

    #[test]
    fn the_tutorials_run_reaches_full_accuracy_in_its_thirty_epochs() {
        let settings = Settings {
            losses: vec![LossKind::Hinge],
            ..Settings::default()
        };
        let members = settings.members(None).unwrap();
        let configs: Vec<ValidTrainingConfig> = members.into_iter().map(|m| m.config).collect();
        let data = split_data(&configs, None);
        let device = Device::flex();
        let mut trainer = StepwiseTrainer::new(configs, data, &device).unwrap();
        for _ in 0..30 {
            trainer.epoch().unwrap();
        }
        let viewer = Viewer::new(trainer.data(), &device);
        let view = viewer.epoch(&trainer, false, 0.0).unwrap();
        assert_eq!(view.epoch, 30);
        assert_eq!(view.test_accuracy, vec![1.0], "{view:?}");
        assert_eq!(view.surfaces.len(), 1);
        assert_eq!(view.full[0].full, 1);
    }
}
