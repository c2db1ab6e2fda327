//! Training a lab's runs: as populations, several at a time, each measured as it finishes.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use burn::tensor::Device;
use hinge_train::{
    BackendKind, CtrlCScope, Dashboard, RunDir, TrainError, ValidTrainingConfig,
    train_population_unsaved,
};

use super::{Measurements, Progress, Trial};
use crate::AppError;

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
    let (populations, order) = populations_of(configs, jobs, schedule.max_population);
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
                    let trials = run_population(&populations[index], device, dashboard);
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
    let trained = results
        .into_iter()
        .flat_map(|trials| trials.expect("every population was sent once without error"));
    Ok(in_configs_order(trained, &order))
}

/// `trained` (population after population) put back where each config stands: `order[i]` is
/// the place of the i-th trained member.
fn in_configs_order(trained: impl Iterator<Item = Trial>, order: &[usize]) -> Vec<Trial> {
    let mut placed: Vec<Option<Trial>> = vec![None; order.len()];
    for (trial, &at) in trained.zip(order) {
        placed[at] = Some(trial);
    }
    placed
        .into_iter()
        .map(|trial| trial.expect("every config was trained once"))
        .collect()
}

/// `configs` cut into populations whose members share their split sizes (the folds of a
/// cross-validation differ by a row where the rows do not divide evenly), each population's
/// configs in order; and where each member, population after population, stands in
/// `configs`. Each group of one size gets its share of the `jobs` threads, at least one
/// population and populations of at most `max_population`, cut evenly: a step costs burn
/// about as much for a few members as for a hundred, so a small leftover population would
/// cost nearly as much as a full one.
fn populations_of(
    configs: &[ValidTrainingConfig],
    jobs: usize,
    max_population: usize,
) -> (Vec<Vec<ValidTrainingConfig>>, Vec<usize>) {
    let mut groups: Vec<((usize, usize, usize), Vec<usize>)> = Vec::new();
    for (at, config) in configs.iter().enumerate() {
        let sizes = config.split().sizes();
        match groups.iter_mut().find(|(key, _)| *key == sizes) {
            Some((_, members)) => members.push(at),
            None => groups.push((sizes, vec![at])),
        }
    }
    let mut populations = Vec::new();
    let mut order = Vec::with_capacity(configs.len());
    let total = configs.len().max(1);
    for (_, members) in groups {
        // The group's share of the threads, rounded: two groups of 126 and 84 runs on 2
        // threads are one population each, not 105, 21 and 84.
        let share = ((jobs * members.len() + total / 2) / total).min(jobs);
        let count = members
            .len()
            .div_ceil(max_population.max(1))
            .max(share)
            .max(1);
        for chunk in members.chunks(members.len().div_ceil(count).max(1)) {
            populations.push(chunk.iter().map(|&at| configs[at].clone()).collect());
            order.extend_from_slice(chunk);
        }
    }
    (populations, order)
}

/// The default for the most members one population trains: past this, a population's step is
/// big enough that burn's fixed cost per operation no longer matters, and more members only
/// cost memory, a coarser progress bar and more to redo after a kill.
pub const MAX_POPULATION: usize = 1024;

/// Trains `configs` as one population and measures every member, all members at once.
fn run_population(
    configs: &[ValidTrainingConfig],
    device: &Device,
    dashboard: Dashboard,
) -> Result<Vec<Trial>, AppError> {
    let folder = tempfile::tempdir().map_err(AppError::TempFolder)?;
    let run = train_population_unsaved(configs, device, &RunDir::new(folder.path()), dashboard)?;
    let dataset = configs[0].config().data.generated();
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
                learning_rate: settings.learning_rate,
                l1: settings.model.l1,
                l2: settings.model.l2,
                test_loss: run.tests[member].loss,
                test_accuracy: run.tests[member].accuracy,
                test_samples: run.tests[member].samples,
                train_accuracy: run.epochs[member]
                    .last()
                    .map_or(f64::NAN, |e| e.train_accuracy),
                margins: measured.margins,
                radii: measured.radii,
                dead_units: measured.dead_units,
                diverged: run.diverged[member].is_some(),
                fold: settings.split.fold,
            }
        })
        .collect())
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
