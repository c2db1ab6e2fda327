use std::collections::HashMap;
use std::io::IsTerminal;

use burn::train::Interrupter;
use burn::train::LearnerSummary;
use burn::train::logger::{EvaluationProgressLogger, TrainingProgressLogger};
use burn::train::metric::{MetricDefinition, MetricId, NumericEntry};
use burn::train::renderer::tui::TuiMetricsRendererWrapper;
use burn::train::renderer::{
    EvaluationName, MetricState, MetricsRenderer, MetricsRendererEvaluation,
    MetricsRendererTraining,
};

use crate::interrupt::{Stop, StopLog};
use crate::ledger::{Ledger, SharedLedger};

/// How a run shows its progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dashboard {
    /// burn's terminal dashboard: live loss and accuracy plots for both splits.
    Tui,
    /// One Keras-like line per epoch, for pipes, logs and CI.
    Plain,
    /// Nothing printed; the epochs are still recorded.
    Silent,
}

impl Dashboard {
    /// The TUI on a terminal unless asked not to, plain lines otherwise.
    pub fn for_stdout(no_tui: bool) -> Self {
        if !no_tui && std::io::stdout().is_terminal() {
            Dashboard::Tui
        } else {
            Dashboard::Plain
        }
    }
}

/// A burn renderer that closes each epoch in the [`Ledger`] the population metrics fill,
/// prints the population's line when asked, and forwards everything to burn's TUI when that is
/// shown.
///
/// It is also where a run whose every member diverged is caught: every step's loss passes
/// through here anyway (the loss metric has already read it back to the host), so checking it
/// costs nothing.
pub struct EpochRecorder {
    inner: Option<TuiMetricsRendererWrapper>,
    print: bool,
    total_epochs: usize,
    names: HashMap<MetricId, String>,
    /// The epoch in progress, from 1.
    epoch: usize,
    /// Training steps seen in the current epoch.
    step: usize,
    ledger: SharedLedger,
    interrupter: Interrupter,
    stops: StopLog,
}

impl EpochRecorder {
    pub fn new(
        dashboard: Dashboard,
        interrupter: Interrupter,
        ledger: SharedLedger,
        stops: StopLog,
    ) -> Self {
        Self {
            inner: (dashboard == Dashboard::Tui)
                .then(|| TuiMetricsRendererWrapper::new(interrupter.clone(), None)),
            print: dashboard == Dashboard::Plain,
            total_epochs: 0,
            names: HashMap::new(),
            epoch: 1,
            step: 0,
            ledger,
            interrupter,
            stops,
        }
    }

    fn record(&mut self, valid: bool, state: &MetricState) {
        let MetricState::Numeric(entry, Some(value)) = state else {
            return;
        };
        let Some(name) = self.names.get(&entry.metric_id) else {
            return;
        };
        let is_loss = name == "Loss";
        let per_step = !matches!(value, NumericEntry::Final(_));
        if is_loss && !valid && per_step {
            self.step += 1;
        }
        let current = match value {
            NumericEntry::Value(v) | NumericEntry::Final(v) => *v,
            NumericEntry::Aggregated {
                aggregated_value, ..
            } => *aggregated_value,
        };
        // Per-step values only: an epoch's final value is NaN also when a split is empty
        // (`--validation-split 0`), and a NaN step has been caught before it anyway.
        if is_loss && per_step && !current.is_finite() && self.stops.first().is_none() {
            self.stops.record(Stop::NonFiniteLoss {
                value: current,
                validation: valid,
                epoch: self.epoch,
                step: self.step,
            });
            self.interrupter.stop(Some("the loss is not finite"));
        }
    }
}

impl MetricsRendererTraining for EpochRecorder {
    fn update_train(&mut self, state: MetricState) {
        self.record(false, &state);
        if let Some(inner) = &mut self.inner {
            inner.update_train(state);
        }
    }

    fn update_valid(&mut self, state: MetricState) {
        self.record(true, &state);
        if let Some(inner) = &mut self.inner {
            inner.update_valid(state);
        }
    }

    fn on_train_end(
        &mut self,
        summary: Option<LearnerSummary>,
    ) -> Result<(), Box<dyn std::error::Error>> {
        // burn's TUI clears the interrupter here, so a stop asked for on the dashboard (its
        // `q` menu) is noted before that.
        if self.interrupter.should_stop() && self.stops.first().is_none() {
            self.stops.record(Stop::User);
        }
        match &mut self.inner {
            Some(inner) => inner.on_train_end(summary),
            None => Ok(()),
        }
    }
}

impl MetricsRendererEvaluation for EpochRecorder {
    fn update_test(&mut self, name: EvaluationName, state: MetricState) {
        if let Some(inner) = &mut self.inner {
            inner.update_test(name, state);
        }
    }

    fn on_test_end(
        &mut self,
        summary: Option<LearnerSummary>,
    ) -> Result<(), Box<dyn std::error::Error>> {
        match &mut self.inner {
            Some(inner) => inner.on_test_end(summary),
            None => Ok(()),
        }
    }
}

impl MetricsRenderer for EpochRecorder {
    fn manual_close(&mut self) {
        if let Some(inner) = &mut self.inner {
            inner.manual_close();
        }
    }

    fn register_metric(&mut self, definition: MetricDefinition) {
        self.names
            .insert(definition.metric_id.clone(), definition.name.to_string());
        if let Some(inner) = &mut self.inner {
            inner.register_metric(definition);
        }
    }
}

impl TrainingProgressLogger for EpochRecorder {
    fn start(
        &mut self,
        total_epochs: usize,
        starting_epoch: usize,
        total_items: Option<usize>,
        label: Option<&str>,
    ) {
        self.total_epochs = total_epochs;
        self.epoch = starting_epoch;
        if let Some(inner) = &mut self.inner {
            inner.start(total_epochs, starting_epoch, total_items, label);
            // The dashboard puts the terminal in raw mode, where Ctrl-C is a key press burn
            // ignores; give it back its signal so Ctrl-C stops the run as it does elsewhere.
            crate::interrupt::keep_ctrl_c_a_signal();
        }
    }

    /// Called once both splits of `epoch` have ended.
    fn update_epoch(&mut self, epoch: usize) {
        self.epoch = epoch + 1;
        self.step = 0;
        let mut ledger = Ledger::lock(&self.ledger);
        ledger.end_epoch();
        if self.print
            && let Some((mean, full)) = ledger.last_summary()
        {
            let members = ledger.epochs().len();
            let mut line = format!(
                "Epoch {epoch}/{} - {}",
                self.total_epochs,
                mean.keras_line()
            );
            if members > 1 {
                line += &format!(
                    " - members at 100%: {full}/{members} ({} diverged)",
                    members - ledger.live_members()
                );
            }
            println!("{line}");
        }
        if let Some(inner) = &mut self.inner {
            inner.update_epoch(epoch);
        }
    }

    fn start_split(&mut self, split: &str, total_items: usize) {
        if let Some(inner) = &mut self.inner {
            inner.start_split(split, total_items);
            // The dashboard's thread may switch to raw mode after `start`; once a split is
            // enough to catch it.
            crate::interrupt::keep_ctrl_c_a_signal();
        }
    }

    fn update_split(&mut self, items_processed: usize) {
        if let Some(inner) = &mut self.inner {
            inner.update_split(items_processed);
        }
    }

    fn end_split(&mut self) {
        if let Some(inner) = &mut self.inner {
            inner.end_split();
        }
    }

    fn end(&mut self) {
        if let Some(inner) = &mut self.inner {
            TrainingProgressLogger::end(inner);
        }
    }

    fn log_event_training(&mut self, event: String) {
        if let Some(inner) = &mut self.inner {
            inner.log_event_training(event);
        }
    }
}

impl EvaluationProgressLogger for EpochRecorder {
    fn start_global_progress(&mut self, total_tests: usize) {
        if let Some(inner) = &mut self.inner {
            inner.start_global_progress(total_tests);
        }
    }

    fn start_test(&mut self, name: &str, total_items: usize) {
        if let Some(inner) = &mut self.inner {
            inner.start_test(name, total_items);
        }
    }

    fn update_test_progress(&mut self, items_processed: usize) {
        if let Some(inner) = &mut self.inner {
            inner.update_test_progress(items_processed);
        }
    }

    fn end_test(&mut self) {
        if let Some(inner) = &mut self.inner {
            inner.end_test();
        }
    }

    fn end_global_progress(&mut self) {
        if let Some(inner) = &mut self.inner {
            inner.end_global_progress();
        }
    }

    fn log_event_evaluation(&mut self, event: String) {
        if let Some(inner) = &mut self.inner {
            inner.log_event_evaluation(event);
        }
    }
}
