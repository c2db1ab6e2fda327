//! The command line of the `circles` program.

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser};
use hinge_data::{DataConfig, DatasetKind, SplitConfig};
use hinge_model::{Activation, Feature, MlpConfig, Named, OutputActivation};
use hinge_train::{BackendKind, Dashboard, TrainingConfig};

use crate::{AppError, CirclesRun, LossChoice};

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
    /// Adam learning rate.
    #[arg(long)]
    pub lr: Option<f64>,
    /// The point set.
    #[arg(long, value_parser = named::<DatasetKind>())]
    pub dataset: Option<DatasetKind>,
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
    /// L1 penalty on the weights, added to the loss as Keras's kernel_regularizer does, >= 0.
    #[arg(long)]
    pub l1: Option<f64>,
    /// L2 penalty on the weights, added to the loss as Keras's kernel_regularizer does, >= 0.
    #[arg(long)]
    pub l2: Option<f64>,
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
        Ok(TrainingConfig {
            data: DataConfig {
                dataset: self.dataset.unwrap_or(base.data.dataset),
                samples: self.samples.unwrap_or(base.data.samples),
                cluster_std: self.cluster_std.unwrap_or(base.data.cluster_std),
                centers: self.centers.unwrap_or(base.data.centers),
                ..base.data.clone()
            },
            model: MlpConfig {
                hidden: self
                    .hidden
                    .clone()
                    .map_or(base.model.hidden.clone(), |w| w.0),
                features: self.features.clone().unwrap_or(base.model.features.clone()),
                activation: self.activation.unwrap_or(base.model.activation),
                output: self.output.unwrap_or(base.model.output),
                l1: self.l1.unwrap_or(base.model.l1),
                l2: self.l2.unwrap_or(base.model.l2),
            },
            split: SplitConfig {
                test_samples: self.test_samples.unwrap_or(base.split.test_samples),
                validation_split: self.validation_split.unwrap_or(base.split.validation_split),
            },
            epochs: self.epochs.unwrap_or(base.epochs),
            batch_size: self.batch_size.unwrap_or(base.batch_size),
            learning_rate: self.lr.unwrap_or(base.learning_rate),
            ..base
        })
    }
}

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

/// Parses one of a [`Named`] enum's names; help and errors list them all.
pub fn named<T>() -> impl clap::builder::TypedValueParser<Value = T>
where
    T: Named + std::str::FromStr + Clone + Send + Sync,
{
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(T::names()).map(|name| {
        T::from_str(&name)
            .ok()
            .expect("the parser lets through only the listed names")
    })
}

impl Cli {
    /// The run the flags describe. Values are checked when the run starts; only the config
    /// file is read here.
    pub fn to_run(&self) -> Result<CirclesRun, AppError> {
        let base = self.run.config()?;
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
    /// Points as x,y (e.g. 0.5,-0.25). With none, one x,y per line is read from stdin.
    #[arg(allow_hyphen_values = true)]
    pub points: Vec<String>,
}

/// The backend a `--backend` flag names, or with none the preferred one compiled in.
pub fn chosen_backend(given: Option<BackendKind>) -> BackendKind {
    given.unwrap_or_else(BackendKind::preferred)
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

/// Each run-setting flag's value in `config`, as the flag takes it: what help shows as the
/// default, read from the tutorial's configuration rather than restated in the help texts.
fn shown_values(config: &TrainingConfig) -> Vec<(&'static str, String)> {
    let list = |names: Vec<String>| names.join(",");
    let hidden = match config.model.hidden.as_slice() {
        [] => "none".to_string(),
        widths => list(widths.iter().map(usize::to_string).collect()),
    };
    vec![
        ("seed", config.seed.to_string()),
        ("factor", config.data.factor.to_string()),
        ("noise", config.data.noise.to_string()),
        ("epochs", config.epochs.to_string()),
        ("batch_size", config.batch_size.to_string()),
        ("lr", config.learning_rate.to_string()),
        ("dataset", config.data.dataset.to_string()),
        ("samples", config.data.samples.to_string()),
        ("cluster_std", config.data.cluster_std.to_string()),
        ("centers", config.data.centers.to_string()),
        ("hidden", hidden),
        ("activation", config.model.activation.to_string()),
        ("output", config.model.output.to_string()),
        (
            "features",
            list(
                config
                    .model
                    .features
                    .iter()
                    .map(|f| f.to_string())
                    .collect(),
            ),
        ),
        ("l1", config.model.l1.to_string()),
        ("l2", config.model.l2.to_string()),
        ("test_samples", config.split.test_samples.to_string()),
        (
            "validation_split",
            config.split.validation_split.to_string(),
        ),
    ]
}

/// Flags that say how or where a `circles` command runs, not what it trains: the only ones
/// `--resume` takes beside it, every other flag coming from the run's record.
const RESUMABLE_WITH: [&str; 5] = ["resume", "backend", "artifacts", "no_tui", "help"];

/// The command line as parsed: clap's from the derive, with the tutorial's defaults shown in
/// help where a flag has one, and, for `circles`, every run-setting flag refused beside
/// `--resume`.
fn command<P: CommandFactory>() -> clap::Command {
    let defaults = shown_values(&TrainingConfig::new());
    let mut command = P::command();
    for (id, value) in defaults {
        // A flag with a default of its own (a sweep's list of noises) shows that one.
        if command
            .get_arguments()
            .any(|arg| arg.get_id() == id && arg.get_default_values().is_empty())
        {
            command = command.mut_arg(id, |arg| {
                let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
                arg.help(format!("{help} [default: {value}]"))
            });
        }
    }
    if command.get_arguments().any(|arg| arg.get_id() == "resume")
        && command.get_name() == "circles"
    {
        let settings: Vec<clap::Id> = command
            .get_arguments()
            .map(|arg| arg.get_id().clone())
            .filter(|id| !RESUMABLE_WITH.contains(&id.as_str()) && id != "version")
            .collect();
        command = command.mut_arg("resume", |arg| arg.conflicts_with_all(settings));
    }
    command
}

/// Parses `args` as the command line of `P` (see [`command`]).
pub fn try_parse_from<P, I, T>(args: I) -> Result<P, clap::Error>
where
    P: Parser,
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let matches = command::<P>().try_get_matches_from(args)?;
    P::from_arg_matches(&matches)
}

/// Parses the command line or exits: help and version print as clap prints them, and a
/// mistake prints one line (clap's own messages span several) and exits with code 2.
pub fn parse_or_exit<P: Parser>() -> P {
    match try_parse_from::<P, _, _>(std::env::args_os()) {
        Ok(parsed) => parsed,
        Err(err) if !err.use_stderr() => err.exit(),
        Err(err) => {
            eprintln!("error: {}", one_line(&err.render().to_string()));
            std::process::exit(2);
        }
    }
}

/// A multi-line message as one line: its lines joined, without clap's usage and help hints.
pub fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|line| {
            !line.is_empty()
                && !line.starts_with("Usage:")
                && !line.starts_with("For more information")
        })
        .map(|line| line.strip_prefix("error: ").unwrap_or(line))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use hinge_model::LossKind;

    #[test]
    fn help_shows_the_tutorials_values_as_defaults() {
        let help = command::<Cli>().render_long_help().to_string();
        for text in [
            "[default: 30]",
            "[default: 0.03]",
            "[default: 4,2]",
            "[default: x,y]",
            "[default: circles]",
            "[default: 42]",
        ] {
            assert!(help.contains(text), "{text} is missing from:\n{help}");
        }
        // Each shown value is one a flag of circles takes, named by its id.
        let ids: Vec<String> = command::<Cli>()
            .get_arguments()
            .map(|arg| arg.get_id().to_string())
            .collect();
        for (id, _) in shown_values(&TrainingConfig::new()) {
            assert!(ids.iter().any(|known| known == id), "no flag {id}");
        }
    }

    #[test]
    fn resume_refuses_every_flag_that_sets_the_run() {
        let command = command::<Cli>();
        for arg in command.get_arguments() {
            let id = arg.get_id().as_str();
            let Some(long) = arg.get_long() else { continue };
            if RESUMABLE_WITH.contains(&id) || id == "version" {
                continue;
            }
            let mut args = vec![
                "circles".to_string(),
                "--resume".to_string(),
                format!("--{long}"),
            ];
            if arg.get_action().takes_values() {
                let value = arg
                    .get_possible_values()
                    .first()
                    .map_or("1".to_string(), |v| v.get_name().to_string());
                args.push(value);
            }
            let err = try_parse_from::<Cli, _, _>(&args).unwrap_err();
            assert_eq!(
                err.kind(),
                clap::error::ErrorKind::ArgumentConflict,
                "{args:?}: {err}"
            );
        }
        let fine = [
            "circles",
            "--resume",
            "--backend",
            "flex",
            "--no-tui",
            "--artifacts",
            "a",
        ];
        assert!(try_parse_from::<Cli, _, _>(fine).is_ok());
    }

    #[test]
    fn every_loss_choice_reads_back_from_its_name() {
        for &choice in LossChoice::ALL {
            assert_eq!(choice.name().parse::<LossChoice>(), Ok(choice));
        }
        assert_eq!(LossChoice::ALL.len(), LossKind::ALL.len() + 2);
    }

    #[test]
    fn no_flags_is_the_tutorials_run() {
        let run = Cli::parse_from(["circles"]).to_run().unwrap();
        assert_eq!(run.config, TrainingConfig::new());
        assert_eq!(run.losses, LossChoice::Both);
        assert_eq!(run.artifacts, PathBuf::from("artifacts/circles"));
    }

    #[test]
    fn flags_reach_the_config() {
        let cli = Cli::parse_from([
            "circles",
            "--loss",
            "squared-hinge",
            "--epochs",
            "3",
            "--batch-size",
            "8",
            "--lr",
            "0.01",
            "--samples",
            "400",
            "--test-samples",
            "100",
            "--validation-split",
            "0.5",
            "--factor",
            "0.4",
            "--noise",
            "0.05",
            "--seed",
            "9",
            "--backend",
            "flex",
            "--artifacts",
            "out",
            "--no-tui",
        ]);
        let run = cli.to_run().unwrap();
        let c = &run.config;
        assert_eq!(run.losses, LossChoice::One(LossKind::SquaredHinge));
        assert_eq!(
            (c.epochs, c.batch_size, c.learning_rate, c.seed),
            (3, 8, 0.01, 9)
        );
        assert_eq!(
            (c.data.samples, c.data.factor, c.data.noise),
            (400, 0.4, 0.05)
        );
        assert_eq!((c.split.test_samples, c.split.validation_split), (100, 0.5));
        assert_eq!(run.backend, Some(BackendKind::Flex));
        assert_eq!(run.dashboard, Dashboard::Plain);
        assert_eq!(run.artifacts, PathBuf::from("out"));
    }

    #[test]
    fn unknown_names_are_rejected_by_the_parser() {
        let err = Cli::try_parse_from(["circles", "--loss", "crossentropy"]).unwrap_err();
        assert!(err.to_string().contains("crossentropy"), "{err}");
        let err = Cli::try_parse_from(["circles", "--backend", "tpu"]).unwrap_err();
        assert!(err.to_string().contains("tpu"), "{err}");
    }
}
