//! The command line of the `circles` program.

use std::path::PathBuf;

use clap::{Args, Parser};
use hinge_data::{CsvFile, DataConfig, SplitConfig, TableSource};
use hinge_model::{Activation, Feature, MlpConfig, OutputActivation};
use hinge_train::{BackendKind, Dashboard, TrainError, TrainingConfig};

use crate::{AppError, CirclesRun, LossChoice};

pub use hinge_cli::{
    CommandLine, DatasetChoice, dataset_choice, named, one_line, parse_or_exit, try_parse_from,
};

/// Train the tutorial's network on make_circles (or another point set, `--dataset`) with hinge
/// and squared hinge loss (or the logistic baseline), print the test results, and write the run
/// files and plots.
///
/// Values not given come from `--config`, else the tutorial's (shown as defaults).
#[derive(Debug, Parser)]
#[command(name = "circles", version, allow_negative_numbers = true)]
pub struct Cli {
    /// Which loss to train with; `both` trains the tutorial's two and compares them, `all` adds
    /// the logistic baseline. [default: the config file's loss, else both]
    #[arg(long, value_parser = named::<LossChoice>())]
    pub loss: Option<LossChoice>,
    /// Compute backend; each needs its cargo feature. [default: a GPU backend if one was
    /// compiled in, else flex]
    #[arg(long, value_parser = named::<BackendKind>())]
    pub backend: Option<BackendKind>,
    #[command(flatten)]
    pub run: RunFlags,
    #[command(flatten)]
    pub rates: RateFlags,
    /// Complete the command started in --artifacts, as it was given: finished losses are
    /// kept, an interrupted one continues from its last checkpoint, the rest train, and every
    /// figure is drawn.
    #[arg(long)]
    pub resume: bool,
    #[command(flatten)]
    pub spread: SpreadFlags,
    /// Seeds the data, the initial weights and the shuffling.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Folder the runs write to: one subfolder per loss, plus comparison.png.
    #[arg(long, default_value = "artifacts/circles")]
    pub artifacts: PathBuf,
    /// Print one line per epoch instead of burn's dashboard, even on a terminal.
    #[arg(long)]
    pub no_tui: bool,
    /// Skip the animations of the decision surface forming (boundary_animation.png and
    /// comparison_animation.png).
    #[arg(long)]
    pub no_animation: bool,
}

/// How far apart and how blurred the classes are, for one run; a sweep takes lists instead.
#[derive(Debug, Clone, Args)]
pub struct SpreadFlags {
    /// Inner circle radius relative to the outer one, in (0, 1).
    #[arg(long)]
    pub factor: Option<f64>,
    /// Standard deviation of Gaussian noise on the points, >= 0.
    #[arg(long)]
    pub noise: Option<f64>,
}

impl SpreadFlags {
    /// `data` with the values given here.
    pub fn apply(&self, data: DataConfig) -> DataConfig {
        DataConfig {
            factor: self.factor.unwrap_or(data.factor),
            noise: self.noise.unwrap_or(data.noise),
            ..data
        }
    }
}

/// The learning rate and the weight penalties of one run; the lab's sweeps take lists of them.
#[derive(Debug, Clone, Args)]
pub struct RateFlags {
    /// Adam learning rate.
    #[arg(long)]
    pub lr: Option<f64>,
    /// L1 penalty on the weights, added to the loss as Keras's kernel_regularizer does, >= 0.
    #[arg(long)]
    pub l1: Option<f64>,
    /// L2 penalty on the weights, added to the loss as Keras's kernel_regularizer does, >= 0.
    #[arg(long)]
    pub l2: Option<f64>,
}

impl RateFlags {
    /// `config` with the values given here.
    pub fn apply(&self, mut config: TrainingConfig) -> TrainingConfig {
        config.learning_rate = self.lr.unwrap_or(config.learning_rate);
        config.model.l1 = self.l1.unwrap_or(config.model.l1);
        config.model.l2 = self.l2.unwrap_or(config.model.l2);
        config
    }
}

/// The flags of a run's configuration shared by every command that trains; the data's own
/// flags (factor, noise, seed) differ between commands, a sweep taking lists of them.
#[derive(Debug, Clone, Args)]
pub struct RunFlags {
    /// Start from a saved run configuration (a run's `config.json`); flags override it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Passes over the training data.
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Samples per optimizer step.
    #[arg(long)]
    pub batch_size: Option<usize>,
    /// The data: a generated 2-D point set, or a real table shipped with hinge-lab
    /// (standardised on its training split).
    #[arg(long, value_parser = dataset_choice(), conflicts_with = "data")]
    pub dataset: Option<DatasetChoice>,
    /// Train on your own CSV file: numeric feature columns and a label column, with or without
    /// a header; two distinct labels map to -1 and +1 in sorted order, more are classes.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// The label column of --data: its header name or 0-based index. [default: the last]
    #[arg(long, value_name = "NAME_OR_INDEX", requires = "data")]
    pub label: Option<String>,
    /// Leave a table's features as they are instead of standardising them with the training
    /// split's mean and standard deviation.
    #[arg(long)]
    pub no_scale: bool,
    /// Points generated, test set included.
    #[arg(long)]
    pub samples: Option<usize>,
    /// blobs only: standard deviation of each blob around its centre, >= 0.
    #[arg(long)]
    pub cluster_std: Option<f64>,
    /// blobs only: how many blobs, each a class, 2 to 255; more than 2 needs the categorical
    /// hinge loss.
    #[arg(long)]
    pub centers: Option<usize>,
    /// Widths of the hidden layers, comma-separated, e.g. 16,16; `none` for no hidden layer (a
    /// linear model of the features).
    #[arg(long, value_parser = parse_widths)]
    pub hidden: Option<Widths>,
    /// The hidden layers' activation; ReLU layers start He-uniform, the others
    /// Glorot-uniform.
    #[arg(long, value_parser = named::<Activation>())]
    pub activation: Option<Activation>,
    /// The output's activation; `linear` with --hidden none and --l2 trains a linear SVM.
    #[arg(long, value_parser = named::<OutputActivation>())]
    pub output: Option<OutputActivation>,
    /// The network's inputs, comma-separated, each computed from the point (x, y): x2 is x²,
    /// sinx is sin x.
    #[arg(long, value_delimiter = ',', value_parser = named::<Feature>())]
    pub features: Option<Vec<Feature>>,
    /// The first N points form the test set.
    #[arg(long)]
    pub test_samples: Option<usize>,
    /// Fraction of the training points held out for validation, in [0, 1).
    #[arg(long)]
    pub validation_split: Option<f64>,
}

impl RunFlags {
    /// The config file, or the tutorial's defaults, with these flags applied.
    pub fn config(&self) -> Result<TrainingConfig, AppError> {
        let base = match &self.config {
            Some(path) => TrainingConfig::from_file(path)?,
            None => TrainingConfig::new(),
        };
        let data = self.data_config(&base.data)?;
        // A table the flags choose is split as scikit-learn's `train_test_split` splits by
        // default: a quarter of its rows, rounded up, to test.
        let table_test = match (&data.table, self.dataset.is_some() || self.data.is_some()) {
            (Some(source), true) => {
                Some(source.load().map_err(TrainError::from)?.rows().div_ceil(4))
            }
            _ => None,
        };
        Ok(TrainingConfig {
            data,
            model: MlpConfig {
                hidden: self
                    .hidden
                    .clone()
                    .map_or(base.model.hidden.clone(), |w| w.0),
                features: self.features.clone().unwrap_or(base.model.features.clone()),
                activation: self.activation.unwrap_or(base.model.activation),
                output: self.output.unwrap_or(base.model.output),
                ..base.model.clone()
            },
            split: SplitConfig {
                test_samples: self
                    .test_samples
                    .or(table_test)
                    .unwrap_or(base.split.test_samples),
                validation_split: self.validation_split.unwrap_or(base.split.validation_split),
                ..base.split.clone()
            },
            epochs: self.epochs.unwrap_or(base.epochs),
            batch_size: self.batch_size.unwrap_or(base.batch_size),
            ..base
        })
    }

    /// `base` with the data flags applied; a `--data` file is read and checked here, and its
    /// checksum recorded.
    fn data_config(&self, base: &DataConfig) -> Result<DataConfig, AppError> {
        let mut data = DataConfig {
            samples: self.samples.unwrap_or(base.samples),
            cluster_std: self.cluster_std.unwrap_or(base.cluster_std),
            centers: self.centers.unwrap_or(base.centers),
            ..base.clone()
        };
        if let Some(choice) = self.dataset {
            data = choice.apply(data);
        }
        if let Some(path) = &self.data {
            // Recorded absolute, so `predict` and `--resume` find it from any folder.
            let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            let file = CsvFile::open(&path, self.label.clone()).map_err(TrainError::from)?;
            data.table = Some(TableSource::Csv(file));
        }
        if self.no_scale {
            data.scale = Some(false);
        }
        Ok(data)
    }
}

/// Flags that say how or where a `circles` command runs, not what it trains: the only ones
/// `--resume` takes beside it, every other flag coming from the run's record.
const RESUMABLE_WITH: [&str; 5] = ["resume", "backend", "artifacts", "no_tui", "help"];

impl CommandLine for Cli {
    /// Every run-setting flag is refused beside `--resume`: the rule is stated by exception,
    /// so a flag added later is refused too.
    fn rules(command: clap::Command) -> clap::Command {
        let settings: Vec<clap::Id> = command
            .get_arguments()
            .map(|arg| arg.get_id().clone())
            .filter(|id| !RESUMABLE_WITH.contains(&id.as_str()) && id != "version")
            .collect();
        command.mut_arg("resume", |arg| arg.conflicts_with_all(settings))
    }
}

impl CommandLine for PredictCli {}

/// Hidden layer widths as `--hidden` takes them.
#[derive(Debug, Clone, PartialEq)]
pub struct Widths(pub Vec<usize>);

fn parse_widths(given: &str) -> Result<Widths, String> {
    if given == "none" {
        return Ok(Widths(Vec::new()));
    }
    given
        .split(',')
        .map(|width| {
            width.trim().parse::<usize>().map_err(|_| {
                format!("'{width}' is not a layer width: give widths such as 16,16, or none")
            })
        })
        .collect::<Result<_, _>>()
        .map(Widths)
}

impl Cli {
    /// The run the flags describe. Values are checked when the run starts; only the config
    /// file is read here.
    pub fn to_run(&self) -> Result<CirclesRun, AppError> {
        let base = self.rates.apply(self.run.config()?);
        let losses = match (self.loss, &self.run.config) {
            (Some(choice), _) => choice,
            (None, None) => LossChoice::Both,
            (None, Some(_)) => LossChoice::One(base.loss),
        };
        let config = TrainingConfig {
            data: self.spread.apply(base.data.clone()),
            seed: self.seed.unwrap_or(base.seed),
            ..base
        };
        Ok(CirclesRun {
            config,
            losses,
            backend: self.backend,
            artifacts: self.artifacts.clone(),
            dashboard: Dashboard::for_stdout(self.no_tui),
            resume: self.resume,
            animate: !self.no_animation,
        })
    }
}

/// Predict with a trained run: for each point, the network's output and its class (+1 inner
/// circle, -1 outer), as CSV.
#[derive(Debug, Parser)]
#[command(name = "predict", version)]
pub struct PredictCli {
    /// The run folder, holding the run's config.json and model.bpk.
    #[arg(long, default_value = "artifacts/circles/hinge")]
    pub run: PathBuf,
    /// Compute backend. [default: as for circles]
    #[arg(long, value_parser = named::<BackendKind>())]
    pub backend: Option<BackendKind>,
    /// A CSV file of raw rows to predict (the run's features, with or without its label
    /// column), instead of points on the command line or stdin.
    #[arg(long, value_name = "FILE", conflicts_with = "points")]
    pub data: Option<PathBuf>,
    /// Points as comma-separated features: x,y (e.g. 0.5,-0.25) for a run on 2-D data. With
    /// none and no --data, one point per line is read from stdin.
    #[arg(allow_hyphen_values = true)]
    pub points: Vec<String>,
}

/// Rust ignores SIGPIPE, so printing into a pipe the reader closed (`circles | head -1`)
/// panics, and a panic on burn's metric thread hangs training. The default action ends the
/// process quietly, as other command-line tools do; files are written atomically, so ending at
/// any point leaves no half file.
pub fn end_quietly_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: resetting a signal to its default action, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(test)]
mod tests;
