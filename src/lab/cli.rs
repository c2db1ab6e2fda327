//! The command line of the `lab` program.

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};
use hinge_train::{BackendKind, Dashboard, TrainingConfig};

use super::cv::CvRequest;
use super::rate_grid::RateGrid;
use super::search::SearchRequest;
use super::seeds::SeedsRequest;
use super::sweep::{Shard, SweepRequest};
use super::{LabSettings, MAX_POPULATION, default_jobs};
use crate::cli::CommandLine;
use crate::cli::{RateFlags, RunFlags, SpreadFlags, named};
use crate::{AppError, LossChoice};

/// The loss lab: run the tutorial's pipeline many times to measure how the hinge, squared
/// hinge and logistic losses behave, instead of judging from one run.
#[derive(Debug, Parser)]
#[command(name = "lab", version, allow_negative_numbers = true)]
pub struct LabCli {
    #[command(subcommand)]
    pub command: LabCommand,
}

impl CommandLine for LabCli {}

#[derive(Debug, Subcommand)]
pub enum LabCommand {
    /// Train each loss over N seeds: how often it reaches 100% test accuracy, the spread of test
    /// loss and accuracy, the margins t*f(x) and where the boundary lies.
    Seeds(SeedsArgs),
    /// Train every loss over a grid of noise x factor x seeds: test accuracy as the classes
    /// blur and close in, as a CSV, a plot against noise and heatmaps.
    Sweep(SweepArgs),
    /// Repeated stratified K-fold cross-validation, as scikit-learn's RepeatedStratifiedKFold:
    /// every loss, repeat, fold and seed one member of one population; each loss's mean and
    /// standard deviation of test accuracy over the folds, beside the majority class's rate.
    Cv(CvArgs),
    /// scikit-learn's GridSearchCV: a grid of learning rate x L2 (x L1 x loss) over repeated
    /// stratified K folds of the training rows, every grid point x fold one member of one
    /// population; each point's mean and standard deviation of validation accuracy, and the
    /// best point trained on the whole training split and tested.
    Search(SearchArgs),
    /// Measure one saved run (a circles run folder): its margins t*f(x) on the test set, the
    /// distance of the test points to the boundary, and the boundary's radius.
    Margins(MarginsArgs),
    /// Combine the folders of a sweep or search run in shards (`--shard K/N`) into the tables
    /// and figures of the whole sweep or search (a search's best point is trained again).
    Merge(MergeArgs),
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard folders, one per shard of the sweep, in any order.
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// Folder for the whole sweep's or search's tables and figures.
    #[arg(long, default_value = "artifacts/lab/sweep")]
    pub artifacts: PathBuf,
    /// Accepted as every lab command accepts it: a merge trains nothing and is written whole or
    /// not at all, so it is done again.
    #[arg(long)]
    pub resume: bool,
}

#[derive(Debug, Args)]
pub struct MarginsArgs {
    /// The run folder, holding the run's config.json and model.bpk; margins.png is written
    /// into it.
    #[arg(long, default_value = "artifacts/circles/hinge")]
    pub run: PathBuf,
    /// Compute backend. [default: as for circles]
    #[arg(long, value_parser = named::<BackendKind>())]
    pub backend: Option<BackendKind>,
    /// Accepted as every lab command accepts it: the analysis trains nothing and its figures
    /// are written whole or not at all, so it is done again.
    #[arg(long)]
    pub resume: bool,
}

impl MarginsArgs {
    pub fn backend(&self) -> BackendKind {
        BackendKind::chosen(self.backend)
    }
}

/// Flags every lab command shares.
#[derive(Debug, Clone, Args)]
pub struct LabFlags {
    /// Losses to compare.
    #[arg(long, value_parser = named::<LossChoice>(), default_value_t = LossChoice::All)]
    pub loss: LossChoice,
    /// The first seed; runs use seeds first-seed, first-seed + 1, ...
    #[arg(long, default_value_t = 0)]
    pub first_seed: u64,
    /// Compute backend. [default: as for circles]
    #[arg(long, value_parser = named::<BackendKind>())]
    pub backend: Option<BackendKind>,
    /// Runs trained at once. [default: the CPU cores on flex and ndarray, 1 on a GPU]
    #[arg(long)]
    pub jobs: Option<usize>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Most runs trained together in one population.
    #[arg(long, default_value_t = MAX_POPULATION)]
    pub population: usize,
    /// Continue the lab stopped or killed in --artifacts: the runs it finished are kept and the
    /// rest trained; give the same command and flags as the first time. Where no lab was
    /// started it starts, so a scheduler may pass --resume every time.
    #[arg(long)]
    pub resume: bool,
    /// Show each population's training on burn's dashboard (plain epoch lines when stdout is
    /// not a terminal): the members' mean loss and accuracy and how many are at 100%. Needs
    /// --jobs 1.
    #[arg(long)]
    pub dashboard: bool,
}

impl LabFlags {
    fn batch(&self, seeds: usize, artifacts: &Path) -> LabSettings {
        let backend = BackendKind::chosen(self.backend);
        LabSettings {
            losses: self.loss.kinds(),
            seeds,
            first_seed: self.first_seed,
            backend,
            jobs: self.jobs.unwrap_or_else(|| default_jobs(backend)),
            artifacts: artifacts.to_path_buf(),
            show_progress: !self.quiet,
            dashboard: if self.dashboard {
                Dashboard::for_stdout(false)
            } else {
                Dashboard::Silent
            },
            max_population: self.population,
            resume: self.resume,
        }
    }
}

#[derive(Debug, Args)]
pub struct SeedsArgs {
    /// Runs per loss, each with its own seed for the data, the weights and the shuffling.
    #[arg(long, default_value_t = 20)]
    pub seeds: usize,
    #[command(flatten)]
    pub flags: OneConfigFlags,
    /// Folder for runs.csv, summary.csv, margins.png and boundary_radius.png.
    #[arg(long, default_value = "artifacts/lab/seeds")]
    pub artifacts: PathBuf,
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Runs per (noise, factor, loss) cell.
    #[arg(long, default_value_t = 20)]
    pub seeds: usize,
    /// Train only the K-th of N equal slices of the run list (K from 1), e.g. one task of a
    /// job array; `lab merge` combines the N folders.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    #[command(flatten)]
    pub lab: LabFlags,
    #[command(flatten)]
    pub run: RunFlags,
    #[command(flatten)]
    pub rates: RateListFlags,
    /// Noise levels, comma-separated, each >= 0.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "0,0.05,0.1,0.15,0.2,0.25,0.3"
    )]
    pub noise: Vec<f64>,
    /// Inner circle radii, comma-separated, each in (0, 1).
    #[arg(long, value_delimiter = ',', default_value = "0.1,0.3,0.5,0.7,0.9")]
    pub factor: Vec<f64>,
    /// Folder for runs.csv, cells.csv, accuracy_vs_noise.png and accuracy_heatmap.png.
    #[arg(long, default_value = "artifacts/lab/sweep")]
    pub artifacts: PathBuf,
}

#[derive(Debug, Args)]
pub struct CvArgs {
    /// Folds K: each fold tests once, trained on the other K - 1.
    #[arg(long, default_value_t = 10)]
    pub folds: usize,
    /// Repeats R, each with its own split of the rows into folds (seeds first-seed ..).
    #[arg(long, default_value_t = 5)]
    pub repeats: usize,
    /// Runs per (loss, repeat, fold), each with its own seed for the weights and shuffling.
    #[arg(long, default_value_t = 1)]
    pub seeds: usize,
    #[command(flatten)]
    pub flags: OneConfigFlags,
    /// Folder for cv_runs.csv, cv_summary.csv, margins.png and, for a table, folds.csv.
    #[arg(long, default_value = "artifacts/lab/cv")]
    pub artifacts: PathBuf,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Adam learning rates, comma-separated, each > 0.
    #[arg(
        long,
        value_delimiter = ',',
        allow_negative_numbers = true,
        default_value = "0.01,0.03,0.1"
    )]
    pub lr: Vec<f64>,
    /// L2 penalties, comma-separated, each >= 0.
    #[arg(
        long,
        value_delimiter = ',',
        allow_negative_numbers = true,
        default_value = "0,0.0001,0.001,0.01"
    )]
    pub l2: Vec<f64>,
    /// L1 penalties, comma-separated, each >= 0.
    #[arg(
        long,
        value_delimiter = ',',
        allow_negative_numbers = true,
        default_value = "0"
    )]
    pub l1: Vec<f64>,
    /// Folds K of the training rows: each fold validates once, trained on the other K - 1.
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// Repeats R, each with its own deal of the training rows into folds.
    #[arg(long, default_value_t = 1)]
    pub repeats: usize,
    /// Runs per (grid point, loss, repeat, fold), each with its own seed for the weights and
    /// shuffling; the data and its test set are drawn from the first seed.
    #[arg(long, default_value_t = 1)]
    pub seeds: usize,
    /// Train only the K-th of N equal slices of the members (K from 1); `lab merge` combines
    /// the N folders, picks the best point and trains it again.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    #[command(flatten)]
    pub lab: LabFlags,
    #[command(flatten)]
    pub run: RunFlags,
    #[command(flatten)]
    pub spread: SpreadFlags,
    /// Folder for search.csv, search_runs.csv, best.json, search_heatmap.png and, for a
    /// table, folds.csv.
    #[arg(long, default_value = "artifacts/lab/search")]
    pub artifacts: PathBuf,
}

impl SearchArgs {
    pub fn to_request(&self) -> Result<SearchRequest, AppError> {
        let base = self.run.config()?;
        Ok(SearchRequest {
            config: base.clone().with_data(self.spread.apply(base.data)),
            grid: RateGrid {
                rates: self.lr.clone(),
                l2s: self.l2.clone(),
                l1s: self.l1.clone(),
            },
            folds: self.folds,
            repeats: self.repeats,
            batch: self.lab.batch(self.seeds, &self.artifacts),
            shard: self.shard,
        })
    }
}

/// The flags of a lab command that trains one configuration many times (over seeds, or over
/// folds): the lab's, the run's, and one noise and factor.
#[derive(Debug, Args)]
pub struct OneConfigFlags {
    #[command(flatten)]
    pub lab: LabFlags,
    #[command(flatten)]
    pub run: RunFlags,
    #[command(flatten)]
    pub rates: RateFlags,
    #[command(flatten)]
    pub spread: SpreadFlags,
}

impl OneConfigFlags {
    /// The config of the run's flags with the noise, factor, rate and penalties given.
    fn config(&self) -> Result<TrainingConfig, AppError> {
        let base = self.rates.apply(self.run.config()?);
        Ok(base.clone().with_data(self.spread.apply(base.data)))
    }
}

/// Learning rates and penalties as lists: every combination trains, each run a member of the
/// same population as the others.
#[derive(Debug, Args)]
pub struct RateListFlags {
    /// Adam learning rates, comma-separated, each > 0. [default: the run's, 0.03]
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    pub lr: Option<Vec<f64>>,
    /// L2 penalties on the weights, comma-separated, each >= 0. [default: the run's, 0]
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    pub l2: Option<Vec<f64>>,
    /// L1 penalties on the weights, comma-separated, each >= 0. [default: the run's, 0]
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    pub l1: Option<Vec<f64>>,
}

impl RateListFlags {
    /// The lists given, each defaulting to `base`'s one value.
    fn grid(&self, base: &TrainingConfig) -> RateGrid {
        let single = RateGrid::single(base);
        RateGrid {
            rates: self.lr.clone().unwrap_or(single.rates),
            l2s: self.l2.clone().unwrap_or(single.l2s),
            l1s: self.l1.clone().unwrap_or(single.l1s),
        }
    }
}

impl CvArgs {
    pub fn to_request(&self) -> Result<CvRequest, AppError> {
        Ok(CvRequest {
            config: self.flags.config()?,
            folds: self.folds,
            repeats: self.repeats,
            batch: self.flags.lab.batch(self.seeds, &self.artifacts),
        })
    }
}

impl SeedsArgs {
    pub fn to_request(&self) -> Result<SeedsRequest, AppError> {
        Ok(SeedsRequest {
            config: self.flags.config()?,
            batch: self.flags.lab.batch(self.seeds, &self.artifacts),
        })
    }
}

impl SweepArgs {
    pub fn to_request(&self) -> Result<SweepRequest, AppError> {
        let config = self.run.config()?;
        Ok(SweepRequest {
            grid: self.rates.grid(&config),
            config,
            noises: self.noise.clone(),
            factors: self.factor.clone(),
            batch: self.lab.batch(self.seeds, &self.artifacts),
            shard: self.shard,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hinge_model::LossKind;

    #[test]
    fn seeds_defaults_are_twenty_seeds_of_every_loss_on_the_tutorials_run() {
        let LabCommand::Seeds(args) = LabCli::parse_from(["lab", "seeds"]).command else {
            panic!("seeds parses as seeds");
        };
        let request = args.to_request().unwrap();
        assert_eq!(request.batch.seeds, 20);
        assert_eq!(request.batch.losses, LossKind::TWO_CLASS.to_vec());
        assert_eq!(request.config, hinge_train::TrainingConfig::new());
        assert!(request.batch.jobs >= 1);
    }

    #[test]
    fn sweep_takes_comma_separated_grids() {
        let cli = LabCli::parse_from([
            "lab", "sweep", "--noise", "0,0.2", "--factor", "0.5", "--loss", "hinge", "--seeds",
            "3", "--epochs", "4", "--jobs", "2",
        ]);
        let LabCommand::Sweep(args) = cli.command else {
            panic!("sweep parses as sweep");
        };
        let request = args.to_request().unwrap();
        assert_eq!(request.noises, vec![0.0, 0.2]);
        assert_eq!(request.factors, vec![0.5]);
        assert_eq!(request.batch.losses, vec![LossKind::Hinge]);
        assert_eq!(
            (
                request.batch.seeds,
                request.batch.jobs,
                request.config.epochs
            ),
            (3, 2, 4)
        );
    }
}
