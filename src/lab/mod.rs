//! The loss lab: the tutorial's pipeline run many times, over seeds and over the data's
//! separability, to measure what the tutorial could only guess from one run of each loss.
//!
//! - [`seeds`]: one configuration over N seeds, per loss: how often it reaches 100%, the spread
//!   of test loss and accuracy, and where each loss puts its boundary.
//! - [`sweep`]: noise x factor x loss x seeds, as a CSV, a plot and heatmaps.
//! - [`cv`]: repeated stratified K-fold cross-validation of each loss, one population step.
//! - [`search`]: `GridSearchCV` over learning rate x L2 x loss on folds of the training rows,
//!   one population step, and the best point trained again and tested.
//! - [`saved`]: the same margin analysis of one saved run.
//! - [`cli`]: the command line of the `lab` program; [`plot`]: the lab's figures.

pub mod cli;
pub mod cv;
mod histogram;
pub mod merge;
pub mod one_run;
pub mod plot;
mod plot_heat;
mod plot_rates;
mod progress;
pub mod rate_grid;
pub mod record;
mod runner;
pub mod search;
pub mod search_table;
pub mod seeds;
mod summary;
pub mod sweep;
mod trial;

use std::path::PathBuf;

use hinge_model::{LossKind, Named};
use hinge_train::{
    BackendKind, Dashboard, MemoryEstimate, OpenedDevice, TrainingConfig, ValidTrainingConfig,
    ensure_writable, remove_if_present, write_atomic,
};

use crate::{AppError, LossChoice};
pub use progress::Progress;
use record::{PROGRESS_FILE, PROGRESS_PLAN, append_progress, read_progress};
pub use runner::{MAX_POPULATION, Schedule, default_jobs, run_trials};
pub use summary::Summary;
pub use trial::{Measurements, Trial};
use trial::{RunKey, run_key};

/// What every batch of lab runs shares, whatever it varies: the losses, the seeds, where and
/// how fast it trains, and where it writes.
#[derive(Debug, Clone)]
pub struct LabSettings {
    pub losses: Vec<LossKind>,
    /// Runs per configuration and loss, seeds `first_seed ..`.
    pub seeds: usize,
    pub first_seed: u64,
    pub backend: BackendKind,
    /// Runs trained at once.
    pub jobs: usize,
    pub artifacts: PathBuf,
    pub show_progress: bool,
    /// How each population shows its epochs: silent, or burn's dashboard (plain lines when
    /// stdout is not a terminal), one population at a time.
    pub dashboard: Dashboard,
    /// Most members one population trains.
    pub max_population: usize,
    /// Continue the stopped or killed lab in `artifacts` instead of starting afresh (where
    /// none was started, start it).
    pub resume: bool,
}

impl LabSettings {
    /// Every (loss, seed) run of `config`, checked before anything trains; the lab's
    /// measures of margins and boundaries are of two-class losses.
    pub fn configs(&self, config: &TrainingConfig) -> Result<Vec<ValidTrainingConfig>, AppError> {
        if let Some(loss) = self
            .losses
            .iter()
            .find(|loss| !LossKind::TWO_CLASS.contains(loss))
        {
            let two_class: Vec<&str> = LossChoice::ALL
                .iter()
                .filter(|choice| choice.two_class())
                .map(|choice| choice.name())
                .collect();
            return Err(AppError::LabSetting {
                flag: "--loss",
                value: loss.to_string(),
                allowed: format!(
                    "the lab measures two-class margins: use {}",
                    two_class.join(", ")
                ),
            });
        }
        self.configs_any_classes(config)
    }

    /// [`LabSettings::configs`], the categorical hinge allowed.
    pub fn configs_any_classes(
        &self,
        config: &TrainingConfig,
    ) -> Result<Vec<ValidTrainingConfig>, AppError> {
        if self.seeds == 0 {
            return Err(AppError::LabSetting {
                flag: "--seeds",
                value: self.seeds.to_string(),
                allowed: "at least 1 seed is needed".into(),
            });
        }
        if self.first_seed.checked_add(self.seeds as u64 - 1).is_none() {
            return Err(AppError::LabSetting {
                flag: "--first-seed",
                value: self.first_seed.to_string(),
                allowed: "the last seed, first seed + seeds - 1, must fit in 64 bits".into(),
            });
        }
        // Before any data is generated: the runs trained at once must fit, all of them.
        if let Some(&loss) = self.losses.first() {
            let one = config.clone().with_loss(loss).check()?;
            let runs = self.losses.len() * self.seeds;
            let at_once = runs.min(self.jobs.max(1) * self.max_population.max(1));
            MemoryEstimate::of(std::slice::from_ref(&one))
                .times(at_once)
                .check_fits()?;
        }
        let mut configs = Vec::with_capacity(self.losses.len() * self.seeds);
        for &loss in &self.losses {
            for seed in self.first_seed..self.first_seed + self.seeds as u64 {
                let config = config.clone().with_loss(loss).with_seed(seed).check()?;
                config.check_data_fits()?;
                configs.push(config);
            }
        }
        Ok(configs)
    }

    /// Opens the backend and the artifacts folder, then trains `configs`, announced as `what`
    /// (e.g. "20 seeds x 3 losses") under a progress bar named `label`. Each population's
    /// trials are appended to the progress file as it finishes; with `resume`, the runs the
    /// progress file already holds (for the same `plan`) are not trained again.
    pub fn train(
        &self,
        label: &str,
        what: &str,
        configs: &[ValidTrainingConfig],
        plan: &str,
    ) -> Result<Vec<Trial>, AppError> {
        self.check_schedule()?;
        // A lab resumes from its journal: the plan it was started with and the runs finished.
        // With none yet (killed before it began, or a scheduler that always passes --resume)
        // there is nothing to keep, and the lab starts.
        let resuming = self.resume && self.artifacts.join(PROGRESS_PLAN).exists();
        let mut finished = if resuming {
            self.progress_so_far(plan)?
        } else {
            Vec::new()
        };
        let opened = self.backend.open()?;
        ensure_writable(&self.artifacts)?;
        if !resuming {
            self.start_journal(plan)?;
        }
        let done: std::collections::HashSet<RunKey> = finished.iter().map(Trial::key).collect();
        let todo: Vec<ValidTrainingConfig> = configs
            .iter()
            .filter(|c| !done.contains(&run_key(c)))
            .cloned()
            .collect();
        self.announce(&opened, what, resuming, todo.len(), configs.len());
        let mut progress = if self.show_progress {
            Progress::new(label, todo.len())
        } else {
            Progress::hidden(todo.len())
        };
        let artifacts = self.artifacts.clone();
        let trained = run_trials(
            &todo,
            &opened.device,
            Schedule {
                jobs: self.jobs,
                max_population: self.max_population,
                dashboard: self.dashboard,
            },
            &mut progress,
            &mut |trials| append_progress(&artifacts, trials),
        )?;
        finished.extend(trained);
        // In the plan's order, whichever run finished when.
        let mut by_key: std::collections::HashMap<RunKey, Trial> =
            finished.into_iter().map(|t| (t.key(), t)).collect();
        Ok(configs
            .iter()
            .map(|c| {
                by_key
                    .remove(&run_key(c))
                    .expect("every run of the plan was trained now or before")
            })
            .collect())
    }

    /// Trains `configs` on the lab's backend without a journal: a few runs that a resumed lab
    /// trains again (a search's refit of its best point).
    pub fn train_unjournaled(
        &self,
        configs: &[ValidTrainingConfig],
    ) -> Result<Vec<Trial>, AppError> {
        self.check_schedule()?;
        let opened = self.backend.open()?;
        run_trials(
            configs,
            &opened.device,
            Schedule {
                jobs: self.jobs,
                max_population: self.max_population,
                dashboard: Dashboard::Silent,
            },
            &mut Progress::hidden(configs.len()),
            &mut |_| Ok(()),
        )
    }

    /// The schedule's flags: at least one job and one member, and one job with a dashboard.
    fn check_schedule(&self) -> Result<(), AppError> {
        for (flag, value) in [("--jobs", self.jobs), ("--population", self.max_population)] {
            if value == 0 {
                return Err(AppError::LabSetting {
                    flag,
                    value: value.to_string(),
                    allowed: "at least 1".into(),
                });
            }
        }
        if self.dashboard != Dashboard::Silent && self.jobs > 1 {
            return Err(AppError::LabSetting {
                flag: "--jobs",
                value: self.jobs.to_string(),
                allowed: "the dashboard shows one population at a time: add --jobs 1".into(),
            });
        }
        Ok(())
    }

    /// A new journal for `plan`, in the order that a kill at any moment leaves no journal, or
    /// this one whole.
    fn start_journal(&self, plan: &str) -> Result<(), AppError> {
        // The earlier lab's plan first: a kill from here on leaves no journal, or this one.
        remove_if_present(
            &self.artifacts.join(PROGRESS_PLAN),
            "remove the earlier lab's plan",
        )?;
        write_atomic(&self.artifacts.join(PROGRESS_FILE), b"")?;
        // The plan last: a journal with a plan is one whose progress file belongs to it.
        write_atomic(&self.artifacts.join(PROGRESS_PLAN), plan.as_bytes())?;
        Ok(())
    }

    /// What the lab is about to do: start, train `todo` of `total` runs, or nothing.
    fn announce(
        &self,
        opened: &OpenedDevice,
        what: &str,
        resuming: bool,
        todo: usize,
        total: usize,
    ) {
        if self.resume && !resuming {
            println!(
                "No lab was started in {}: starting it",
                self.artifacts.display()
            );
        }
        if resuming && todo == 0 {
            println!(
                "The lab in {} is complete: nothing was left to train ({total} runs done before); its tables and figures are written",
                self.artifacts.display(),
            );
        } else {
            println!("Backend: {opened}");
            let before = if resuming {
                format!(" ({} done before)", total - todo)
            } else {
                String::new()
            };
            println!(
                "Training {todo} runs: {what}, {} at a time{before}",
                self.jobs,
            );
        }
    }

    /// The trials of the lab in `artifacts`, which must have been started with `plan`.
    fn progress_so_far(&self, plan: &str) -> Result<Vec<Trial>, AppError> {
        let path = self.artifacts.join(PROGRESS_PLAN);
        let saved = std::fs::read_to_string(&path).map_err(|err| AppError::LabFile {
            path,
            reason: err.to_string(),
        })?;
        if saved != plan {
            return Err(AppError::Resume {
                dir: self.artifacts.clone(),
                reason: "its lab was started with other settings: give the same command and flags, with --resume".into(),
            });
        }
        read_progress(&self.artifacts)
    }
}
