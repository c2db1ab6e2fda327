//! The loss lab: the tutorial's pipeline run many times, over seeds and over the data's
//! separability, to measure what the tutorial could only guess from one run of each loss.
//!
//! - [`seeds`]: one configuration over N seeds, per loss: how often it reaches 100%, the spread
//!   of test loss and accuracy, and where each loss puts its boundary.
//! - [`sweep`]: noise x factor x loss x seeds, as a CSV, a plot and heatmaps.
//! - [`saved`]: the same margin analysis of one saved run.
//! - [`cli`]: the command line of the `lab` program; [`plot`]: the lab's figures.

pub mod cli;
pub mod plot;
mod progress;
pub mod record;

pub mod saved;
pub mod seeds;
mod summary;
pub mod sweep;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use burn::tensor::Device;
use hinge_data::{DataSplit, DatasetKind, LabeledPoints};
use hinge_model::{LossKind, Mlp, Population};
use hinge_train::{
    BackendKind, CtrlCScope, Dashboard, MemoryEstimate, TestResult, TrainError, TrainingConfig,
    ValidTrainingConfig, ensure_writable, train_population, write_atomic,
};

use crate::AppError;
use crate::margins::{MarginAnalysis, boundary_radii_all, dead_units_all, mean_and_spread};
pub use progress::Progress;
use record::{PROGRESS_FILE, PROGRESS_PLAN, append_progress, read_progress};
pub use summary::Summary;

/// How far from the origin [`boundary_radii`] looks: past the outer ring (radius 1) with room
/// for noisy points, so a boundary drawn around everything is still found.
const RAY_REACH: f64 = 1.5;

/// One finished run of the lab, reduced to what the tables and plots need.
#[derive(Debug, Clone, PartialEq)]
pub struct Trial {
    pub loss: LossKind,
    pub seed: u64,
    pub noise: f64,
    pub factor: f64,
    pub test: TestResult,
    /// The last epoch's training accuracy.
    pub train_accuracy: f64,
    pub margins: MarginAnalysis,
    /// The boundary's distance from the origin along each ray (see [`crate::margins::boundary_radii`]); empty
    /// for data sets other than circles.
    pub radii: Vec<Option<f64>>,
    /// Per hidden layer, the units that output 0 on every training point.
    pub dead_units: Vec<usize>,
    /// Its loss stopped being a number; it trained no further and its figures are those of
    /// a broken network.
    pub diverged: bool,
}

/// What tells a lab's runs apart: loss, seed, noise and factor (as bits, so a key is exact).
type RunKey = (LossKind, u64, u64, u64);

fn run_key(config: &ValidTrainingConfig) -> RunKey {
    let c = config.config();
    (
        c.loss,
        c.seed,
        c.data.noise.to_bits(),
        c.data.factor.to_bits(),
    )
}

impl Trial {
    fn key(&self) -> RunKey {
        (
            self.loss,
            self.seed,
            self.noise.to_bits(),
            self.factor.to_bits(),
        )
    }

    /// Mean and spread over the rays that cross the boundary, and how many do.
    pub fn radius_summary(&self) -> (f64, f64, usize) {
        let found: Vec<f64> = self.radii.iter().flatten().copied().collect();
        let (mean, spread) = mean_and_spread(&found);
        (mean, spread, found.len())
    }
}

/// What every batch of lab runs shares, whatever it varies: the losses, the seeds, where and
/// how fast it trains, and where it writes.
#[derive(Debug, Clone)]
pub struct Batch {
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
    /// Continue the stopped or killed lab in `artifacts` instead of starting afresh.
    pub resume: bool,
}

impl Batch {
    /// Every (loss, seed) run of `config`, checked before anything trains.
    pub fn configs(&self, config: &TrainingConfig) -> Result<Vec<ValidTrainingConfig>, AppError> {
        if self.seeds == 0 {
            return Err(AppError::LabSetting {
                flag: "--seeds",
                value: self.seeds.to_string(),
                allowed: "at least 1 seed is needed",
            });
        }
        if self.first_seed.checked_add(self.seeds as u64 - 1).is_none() {
            return Err(AppError::LabSetting {
                flag: "--first-seed",
                value: self.first_seed.to_string(),
                allowed: "the last seed, first seed + seeds - 1, must fit in 64 bits",
            });
        }
        if self.losses.contains(&LossKind::CategoricalHinge) {
            return Err(AppError::LabSetting {
                flag: "--loss",
                value: LossKind::CategoricalHinge.to_string(),
                allowed: "the lab measures two-class margins: use hinge, squared-hinge, logistic, both or all",
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
        for (flag, value) in [("--jobs", self.jobs), ("--population", self.max_population)] {
            if value == 0 {
                return Err(AppError::LabSetting {
                    flag,
                    value: value.to_string(),
                    allowed: "at least 1",
                });
            }
        }
        if self.dashboard != Dashboard::Silent && self.jobs > 1 {
            return Err(AppError::LabSetting {
                flag: "--jobs",
                value: self.jobs.to_string(),
                allowed: "the dashboard shows one population at a time: add --jobs 1",
            });
        }
        let mut finished = if self.resume {
            self.progress_so_far(plan)?
        } else {
            Vec::new()
        };
        let opened = self.backend.open()?;
        ensure_writable(&self.artifacts)?;
        if !self.resume {
            write_atomic(&self.artifacts.join(PROGRESS_PLAN), plan.as_bytes())?;
            write_atomic(&self.artifacts.join(PROGRESS_FILE), b"")?;
        }
        let key = |t: &Trial| (t.loss, t.seed, t.noise.to_bits(), t.factor.to_bits());
        let done: std::collections::HashSet<_> = finished.iter().map(key).collect();
        let todo: Vec<ValidTrainingConfig> = configs
            .iter()
            .filter(|c| {
                let s = c.config();
                !done.contains(&(
                    s.loss,
                    s.seed,
                    s.data.noise.to_bits(),
                    s.data.factor.to_bits(),
                ))
            })
            .cloned()
            .collect();
        println!("Backend: {opened}");
        println!(
            "Training {} runs: {what}, {} at a time{}",
            todo.len(),
            self.jobs,
            if self.resume {
                format!(" ({} done before)", configs.len() - todo.len())
            } else {
                String::new()
            }
        );
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

    /// The trials of the stopped lab in `artifacts`, which must have been started with `plan`.
    fn progress_so_far(&self, plan: &str) -> Result<Vec<Trial>, AppError> {
        let saved = std::fs::read_to_string(self.artifacts.join(PROGRESS_PLAN)).map_err(|_| {
            AppError::Resume {
                dir: self.artifacts.clone(),
                reason: "it holds no stopped lab (no progress.json): start without --resume".into(),
            }
        })?;
        if saved != plan {
            return Err(AppError::Resume {
                dir: self.artifacts.clone(),
                reason: "its lab was started with other settings: give the same command and flags, with --resume".into(),
            });
        }
        read_progress(&self.artifacts)
    }

    /// Removes the progress files once the lab's tables are written: nothing is left to resume.
    pub fn clear_progress(&self) {
        for file in [PROGRESS_FILE, PROGRESS_PLAN] {
            let _ = std::fs::remove_file(self.artifacts.join(file));
        }
    }
}

/// How a batch of runs is spread over populations and threads.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    /// Populations trained at once.
    pub jobs: usize,
    /// Most members in one population.
    pub max_population: usize,
    pub dashboard: Dashboard,
}

/// Trains every configuration as a member of a population, `jobs` populations at a time, and
/// measures each trained member; results come back in the order of `configs` whatever order the
/// populations finish in. Each population trains in a temporary folder that is removed
/// afterwards: the lab keeps its tables, not its checkpoints. The first failure stops the
/// populations not yet started and is returned; Ctrl-C (with
/// [`hinge_train::stop_on_ctrl_c`] installed) stops the ones in flight too.
pub fn run_trials(
    configs: &[ValidTrainingConfig],
    device: &Device,
    schedule: Schedule,
    progress: &mut Progress,
    finished: &mut dyn FnMut(&[Trial]) -> Result<(), AppError>,
) -> Result<Vec<Trial>, AppError> {
    let ctrl_c = CtrlCScope::hold();
    let jobs = schedule.jobs.clamp(1, configs.len().max(1));
    let dashboard = schedule.dashboard;
    let size = population_size(configs.len(), jobs, schedule.max_population);
    let populations: Vec<&[ValidTrainingConfig]> = configs.chunks(size.max(1)).collect();
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let (sender, receiver) = mpsc::channel();
    let mut results: Vec<Option<Vec<Trial>>> = vec![None; populations.len()];
    let mut first_error = None;
    let mut stopped = false;
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(populations.len()) {
            let sender = sender.clone();
            let (next, failed, ctrl_c, populations) = (&next, &failed, &ctrl_c, &populations);
            scope.spawn(move || {
                loop {
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    if index >= populations.len()
                        || failed.load(Ordering::SeqCst)
                        || ctrl_c.pressed()
                    {
                        break;
                    }
                    let trials = run_population(populations[index], device, dashboard);
                    if trials.is_err() {
                        // A failure or a stop signal: start no more populations.
                        failed.store(true, Ordering::SeqCst);
                    }
                    if sender.send((index, trials)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        for (index, trials) in receiver {
            match trials.and_then(|trials| finished(&trials).map(|()| trials)) {
                Ok(trials) => {
                    progress.advance_by(trials.len());
                    results[index] = Some(trials);
                }
                Err(AppError::Train(TrainError::Stopped { .. })) => {
                    // The populations that were training report the same stop; their
                    // checkpoints are in temporary folders, already gone.
                    stopped = true;
                }
                Err(err) => {
                    first_error.get_or_insert(err);
                }
            }
        }
    });
    progress.finish();
    if let Some(err) = first_error {
        return Err(err);
    }
    if stopped || ctrl_c.pressed() {
        return Err(AppError::LabStopped {
            reason: hinge_train::stop_reason(),
            done: progress.done(),
            total: configs.len(),
        });
    }
    Ok(results
        .into_iter()
        .flat_map(|trials| trials.expect("every population was sent once without error"))
        .collect())
}

/// The default for the most members one population trains: past this, a population's step is
/// big enough that burn's fixed cost per operation no longer matters, and more members only
/// cost memory, a coarser progress bar and more to redo after a kill.
pub const MAX_POPULATION: usize = 1024;

/// Members per population: the runs split evenly over the `jobs` threads, so each core trains
/// one population, in populations of at most `max_population`.
fn population_size(runs: usize, jobs: usize, max_population: usize) -> usize {
    let populations = runs.div_ceil(max_population.max(1)).max(jobs).max(1);
    runs.div_ceil(populations)
}

/// Trains `configs` as one population and measures every member, all members at once.
fn run_population(
    configs: &[ValidTrainingConfig],
    device: &Device,
    dashboard: Dashboard,
) -> Result<Vec<Trial>, AppError> {
    let folder = tempfile::tempdir().map_err(AppError::TempFolder)?;
    let run = train_population(configs, device, folder.path(), dashboard)?;
    let dataset = configs[0].config().data.dataset;
    let measured = Measurements::of_all(&run.model, dataset, &run.data, &device.clone().inner())?;
    Ok(configs
        .iter()
        .zip(measured)
        .enumerate()
        .map(|(member, (config, measured))| {
            let settings = config.config();
            Trial {
                loss: settings.loss,
                seed: settings.seed,
                noise: settings.data.noise,
                factor: settings.data.factor,
                test: run.tests[member],
                train_accuracy: run.epochs[member]
                    .last()
                    .map_or(f64::NAN, |e| e.train_accuracy),
                margins: measured.margins,
                radii: measured.radii,
                dead_units: measured.dead_units,
                diverged: run.diverged[member].is_some(),
            }
        })
        .collect())
}

/// What the lab measures of a trained two-class model.
pub struct Measurements {
    /// On the test set.
    pub margins: MarginAnalysis,
    /// Along rays from the origin, for circles; empty for other data.
    pub radii: Vec<Option<f64>>,
    /// Per hidden layer, on the training set.
    pub dead_units: Vec<usize>,
}

impl Measurements {
    /// The measurements of one trained network.
    pub fn of(
        model: &Mlp,
        dataset: DatasetKind,
        data: &DataSplit,
        device: &Device,
    ) -> Result<Self, AppError> {
        let population = Population::stack(std::slice::from_ref(model));
        Ok(Self::of_all(&population, dataset, std::slice::from_ref(data), device)?.remove(0))
    }

    /// The measurements of every member, each on its own data, all members in each pass.
    pub fn of_all(
        model: &Population,
        dataset: DatasetKind,
        data: &[DataSplit],
        device: &Device,
    ) -> Result<Vec<Self>, AppError> {
        let tests: Vec<&LabeledPoints> = data.iter().map(|d| &d.test).collect();
        let trains: Vec<&LabeledPoints> = data.iter().map(|d| &d.train).collect();
        // Rays from the origin only mean something for rings around it.
        let radii = if dataset == DatasetKind::Circles {
            boundary_radii_all(model, RAY_REACH, device)?
        } else {
            vec![Vec::new(); data.len()]
        };
        let margins = MarginAnalysis::measure_all(model, &tests, device)?;
        let dead = dead_units_all(model, &trains, device)?;
        Ok(margins
            .into_iter()
            .zip(radii)
            .zip(dead)
            .map(|((margins, radii), dead_units)| Self {
                margins,
                radii,
                dead_units,
            })
            .collect())
    }
}

/// Parallel runs by default where the backend computes on the CPU cores; one at a time on a
/// GPU, where runs would queue on the same device.
pub fn default_jobs(backend: BackendKind) -> usize {
    match backend {
        BackendKind::Flex | BackendKind::Ndarray => {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        }
        BackendKind::Wgpu | BackendKind::Cuda => 1,
    }
}
