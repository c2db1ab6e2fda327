//! Why a run stopped early, and Ctrl-C as a way to stop it cleanly.
//!
//! burn's [`Interrupter`] stops the Learner at the end of the current step, but keeps only a
//! free-text reason and is cleared by the dashboard when training ends. The run needs to know
//! exactly why it stopped (the user, or a loss that blew up at a given step) to say what to do
//! next, so that goes into a [`StopLog`] beside it.

use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use burn::train::Interrupter;

use crate::TrainError;

/// Why training stopped before its last epoch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stop {
    /// Ctrl-C, or the dashboard's stop menu.
    User,
    /// `metrics.csv` could not be written at the end of an epoch (a full disk, say): a run
    /// that went on could not be resumed from its checkpoints.
    MetricsUnwritable,
    /// A step's loss was NaN or infinite; the weights after it are garbage.
    NonFiniteLoss {
        value: f64,
        validation: bool,
        epoch: usize,
        step: usize,
    },
}

/// The first reason a run stopped, shared by whoever notices it.
#[derive(Debug, Clone, Default)]
pub struct StopLog(Arc<Mutex<Option<Stop>>>);

impl StopLog {
    /// Keeps the first reason only: after a NaN, the stop it causes is not news.
    pub fn record(&self, stop: Stop) {
        let mut first = self.0.lock().expect("held only to read or set");
        first.get_or_insert(stop);
    }

    pub fn first(&self) -> Option<Stop> {
        *self.0.lock().expect("held only to read or set")
    }
}

/// The runs Ctrl-C stops: every one training in the process (the lab trains several at once),
/// each under the id its [`Running`] guard holds.
static RUNNING: Mutex<Vec<(u64, Interrupter, StopLog)>> = Mutex::new(Vec::new());
static NEXT_RUN: AtomicU64 = AtomicU64::new(0);
static HANDLER: OnceLock<Result<(), String>> = OnceLock::new();
static CTRL_C_SEEN: AtomicBool = AtomicBool::new(false);
/// The first stop signal this process received, 0 for none.
static FIRST_SIGNAL: AtomicI32 = AtomicI32::new(0);

/// The signals that stop training gently: Ctrl-C (SIGINT), and SIGTERM and SIGHUP, which
/// schedulers (Slurm, Kubernetes, systemd, `docker stop`) and a closing terminal send before
/// they kill.
const STOP_SIGNALS: [i32; 3] = [
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
];

/// Makes Ctrl-C, SIGTERM and SIGHUP stop every running training at the end of its step, so the
/// checkpoint of the last finished epoch stays usable and the terminal is restored. A second
/// signal, or one while nothing trains, ends the process at once with the shell's exit code
/// (128 + the signal), as the default handler would. Installed once per process; later calls
/// do nothing.
pub fn stop_on_ctrl_c() -> Result<(), TrainError> {
    HANDLER
        .get_or_init(|| {
            let mut signals =
                signal_hook::iterator::Signals::new(STOP_SIGNALS).map_err(|err| err.to_string())?;
            std::thread::Builder::new()
                .name("ctrl-c".into())
                .spawn(move || {
                    for signal in signals.forever() {
                        let _ = FIRST_SIGNAL.compare_exchange(
                            0,
                            signal,
                            Ordering::SeqCst,
                            Ordering::SeqCst,
                        );
                        if CTRL_C_SEEN.swap(true, Ordering::SeqCst) {
                            restore_terminal();
                            std::process::exit(128 + signal);
                        }
                        let running = RUNNING.lock().expect("held only to change or read");
                        if running.is_empty() {
                            restore_terminal();
                            std::process::exit(128 + signal);
                        }
                        for (_, interrupter, stops) in running.iter() {
                            stops.record(Stop::User);
                            interrupter.stop(Some("stop signal"));
                        }
                    }
                })
                .map(|_| ())
                .map_err(|err| err.to_string())
        })
        .clone()
        .map_err(|reason| TrainError::Training(format!("cannot catch Ctrl-C: {reason}")))
}

/// The exit code for a command that ends on `error`'s account: the shell's 128 + signal when a
/// stop signal ended the work (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP), so a scheduler
/// or script can tell a stop from a failure; 1 otherwise.
pub fn exit_code() -> i32 {
    match FIRST_SIGNAL.load(Ordering::SeqCst) {
        0 => 1,
        signal => 128 + signal,
    }
}

/// What stopped the work, for a message: the first stop signal's name, or "a stop request"
/// (the dashboard's stop menu) when no signal came.
pub fn stop_reason() -> &'static str {
    match FIRST_SIGNAL.load(Ordering::SeqCst) {
        signal_hook::consts::SIGINT => "Ctrl-C",
        signal_hook::consts::SIGTERM => "SIGTERM",
        signal_hook::consts::SIGHUP => "SIGHUP",
        _ => "a stop request",
    }
}

/// Keeps Ctrl-C a gentle stop for as long as it lives, between trainings too, so a caller that
/// runs many of them (the lab) can finish cleanly: it checks [`CtrlCScope::pressed`] before
/// starting the next. Without it, Ctrl-C in the moment between two runs would end the process.
pub struct CtrlCScope {
    interrupter: Interrupter,
    _running: Running,
}

impl CtrlCScope {
    pub fn hold() -> Self {
        let interrupter = Interrupter::new();
        let running = Running::register(interrupter.clone(), StopLog::default());
        Self {
            interrupter,
            _running: running,
        }
    }

    pub fn pressed(&self) -> bool {
        self.interrupter.should_stop()
    }
}

/// Registers a training for Ctrl-C to stop, for as long as the guard lives.
pub(crate) struct Running(u64);

impl Running {
    pub(crate) fn register(interrupter: Interrupter, stops: StopLog) -> Self {
        let id = NEXT_RUN.fetch_add(1, Ordering::SeqCst);
        let mut running = RUNNING.lock().expect("held only to change or read");
        if running.is_empty() {
            // A new batch of work: the next Ctrl-C stops it gently again.
            CTRL_C_SEEN.store(false, Ordering::SeqCst);
        }
        running.push((id, interrupter, stops));
        Running(id)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(mut running) = RUNNING.lock() {
            running.retain(|(id, _, _)| *id != self.0);
        }
    }
}

/// Turns the terminal's signal keys back on after burn's dashboard switched to raw mode, which
/// turns them off; raw mode is otherwise kept. Nothing happens off a terminal.
pub(crate) fn keep_ctrl_c_a_signal() {
    #[cfg(unix)]
    turn_on_local_modes(libc::ISIG);
}

/// Sets `modes` in stdin's terminal local flags, where any is off.
#[cfg(unix)]
fn turn_on_local_modes(modes: libc::tcflag_t) {
    // SAFETY: tcgetattr/tcsetattr on stdin with a termios that tcgetattr filled in.
    unsafe {
        let mut termios = std::mem::MaybeUninit::<libc::termios>::uninit();
        if libc::tcgetattr(libc::STDIN_FILENO, termios.as_mut_ptr()) != 0 {
            return;
        }
        let mut termios = termios.assume_init();
        if termios.c_lflag & modes != modes {
            termios.c_lflag |= modes;
            libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &termios);
        }
    }
}

/// On a second Ctrl-C the dashboard gets no chance to clean up: leave raw mode and the
/// alternate screen by hand so the shell is usable.
fn restore_terminal() {
    #[cfg(unix)]
    turn_on_local_modes(libc::ICANON | libc::ECHO | libc::ISIG);
    if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        // Leave the alternate screen, show the cursor.
        print!("\x1b[?1049l\x1b[?25h");
    }
}
