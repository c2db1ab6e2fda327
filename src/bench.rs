//! The benchmark behind `src/bin/bench.rs`: the tutorial's run, throughput at scale,
//! populations of tutorial runs trained together, and the decision-boundary grid, on every
//! backend compiled in.
//!
//! Each case runs in a child process of the benchmark itself, so that its whole-process time
//! and its peak memory are its own: the parent times the child and reads the child's peak
//! resident memory from `wait4`, and the child reports the times measured inside the run.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use burn::tensor::Device;

use clap::Parser;
use hinge_data::{DataConfig, SplitConfig};
use hinge_model::{LossKind, MlpConfig};
use hinge_train::{
    BackendKind, Dashboard, RunDir, TrainError, TrainingConfig, predict, train,
    train_population_unsaved, write_atomic,
};
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::cli::CommandLine;
use crate::cli::named;

/// Time the tutorial's run, training throughput at scale and grid prediction on every compiled
/// backend; print a table and write `results.json`.
#[derive(Debug, Parser)]
#[command(name = "bench", version)]
pub struct BenchCli {
    /// Where the results and the benchmark's runs go.
    #[arg(long, default_value = "artifacts/bench")]
    pub out: PathBuf,
    /// Only these backends. [default: every one compiled in]
    #[arg(long, value_parser = named::<BackendKind>())]
    pub backend: Vec<BackendKind>,
    /// The sample counts of the scaling runs (one epoch, batch 1024 each).
    #[arg(long, value_delimiter = ',', default_values_t = [10_000, 100_000, 1_000_000])]
    pub scaling: Vec<usize>,
    /// Population sizes: each trains that many tutorial runs (seeds 0, 1, ...) in one step.
    #[arg(long, value_delimiter = ',', default_values_t = [1, 10, 100, 1_000, 10_000])]
    pub population: Vec<usize>,
    /// Population sizes of runs each at its own learning rate (log-spaced from 0.003 to 0.1),
    /// to set against the population of one shared rate.
    #[arg(long, value_delimiter = ',', default_values_t = [1_000])]
    pub rates: Vec<usize>,
    /// Points per side of the decision-boundary grid.
    #[arg(long, default_value_t = 500)]
    pub grid: usize,
    /// Internal: run one case and print its measurements as JSON.
    #[arg(long, hide = true)]
    pub case: Option<String>,
}

impl CommandLine for BenchCli {}

/// One measured case, as `results.json` stores it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaseResult {
    pub case: String,
    pub backend: String,
    pub samples: usize,
    pub batch_size: usize,
    pub epochs: usize,
    /// The Learner's training and validation epochs.
    pub training_s: Option<f64>,
    /// Evaluating the test set.
    pub test_s: Option<f64>,
    /// Training samples per second of the training time (scaling cases).
    pub samples_per_s: Option<f64>,
    /// Predicting the grid, the median of 5 after one warm-up (grid case).
    pub predict_ms: Option<f64>,
    /// Networks trained together (population cases).
    pub members: Option<usize>,
    /// Trained and tested runs per second of the training and test time (population cases).
    pub runs_per_s: Option<f64>,
    /// The child process from start to exit: start-up, data, training, test, files.
    pub process_s: f64,
    pub peak_mib: f64,
}

#[derive(Debug, Serialize)]
struct Results<'a> {
    machine: Machine,
    cases: &'a [CaseResult],
}

#[derive(Debug, Serialize)]
struct Machine {
    cpus: usize,
    os: &'static str,
    arch: &'static str,
}

/// What a child measured inside its run.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Inner {
    training_s: Option<f64>,
    test_s: Option<f64>,
    samples_per_s: Option<f64>,
    predict_ms: Option<f64>,
    members: Option<usize>,
    runs_per_s: Option<f64>,
    samples: usize,
    batch_size: usize,
    epochs: usize,
}

impl Inner {
    /// A case's shape, from the configuration it trained with.
    fn shape_of(config: &TrainingConfig) -> Self {
        Self {
            samples: config.data.samples,
            batch_size: config.batch_size,
            epochs: config.epochs,
            ..Self::default()
        }
    }
}

/// Runs the benchmark (or, with `--case`, one case of it).
pub fn run_bench(cli: &BenchCli) -> Result<Vec<CaseResult>, AppError> {
    let backends: Vec<BackendKind> = if cli.backend.is_empty() {
        BackendKind::compiled()
    } else {
        cli.backend.clone()
    };
    if let Some(case) = &cli.case {
        let inner = run_case(case, backends[0], cli)?;
        println!(
            "{}",
            serde_json::to_string(&inner).expect("numbers serialise")
        );
        return Ok(Vec::new());
    }
    for &samples in &cli.scaling {
        if samples < 2_000 {
            return Err(AppError::Bench(format!(
                "scaling size {samples} is too small: at least 2000 samples (1000 are the test set)"
            )));
        }
    }
    if let Some(&zero) = cli.population.iter().chain(&cli.rates).find(|&&n| n == 0) {
        return Err(AppError::Bench(format!(
            "population {zero} is too small: at least 1 network"
        )));
    }
    if cli.grid == 0 {
        return Err(AppError::Bench(
            "grid 0 is too small: at least 1 point per side".into(),
        ));
    }
    hinge_train::ensure_writable(&cli.out)?;
    let mut cases = vec!["tutorial".to_string()];
    cases.extend(cli.scaling.iter().map(|n| format!("scaling-{n}")));
    cases.extend(cli.population.iter().map(|n| format!("population-{n}")));
    cases.extend(cli.rates.iter().map(|n| format!("rates-{n}")));
    cases.push("grid".to_string());

    let mut results = Vec::new();
    for backend in backends {
        backend.open()?;
        for case in &cases {
            eprintln!("running {case} on {backend}");
            results.push(measure(case, backend, cli)?);
        }
    }
    let json = serde_json::to_string_pretty(&Results {
        machine: Machine {
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            os: std::env::consts::OS,
            arch: std::env::consts::ARCH,
        },
        cases: &results,
    })
    .expect("numbers serialise");
    write_atomic(&cli.out.join("results.json"), json.as_bytes())?;
    Ok(results)
}

/// The results as a table, one row per case.
pub fn table(results: &[CaseResult]) -> String {
    let mut out = format!(
        "{:<16} {:<8} {:>9} {:>6} {:>7} {:>11} {:>8} {:>13} {:>11} {:>10} {:>10} {:>9}\n",
        "case",
        "backend",
        "samples",
        "batch",
        "epochs",
        "training s",
        "test s",
        "samples/s",
        "predict ms",
        "runs/s",
        "process s",
        "peak MiB"
    );
    let opt =
        |v: Option<f64>, digits: usize| v.map_or("-".to_string(), |v| format!("{v:.digits$}"));
    for r in results {
        out.push_str(&format!(
            "{:<16} {:<8} {:>9} {:>6} {:>7} {:>11} {:>8} {:>13} {:>11} {:>10} {:>10.3} {:>9.1}\n",
            r.case,
            r.backend,
            r.samples,
            r.batch_size,
            r.epochs,
            opt(r.training_s, 3),
            opt(r.test_s, 4),
            opt(r.samples_per_s, 0),
            opt(r.predict_ms, 1),
            opt(r.runs_per_s, 1),
            r.process_s,
            r.peak_mib
        ));
    }
    out
}

/// Runs `case` in a child process and adds the parent's view: wall time and peak memory.
fn measure(case: &str, backend: BackendKind, cli: &BenchCli) -> Result<CaseResult, AppError> {
    let exe = std::env::current_exe().map_err(|e| AppError::Bench(e.to_string()))?;
    let started = Instant::now();
    let mut child = Command::new(exe)
        .args(["--case", case, "--backend", backend.name(), "--grid"])
        .arg(cli.grid.to_string())
        .arg("--out")
        .arg(&cli.out)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| AppError::Bench(format!("cannot start the {case} case: {e}")))?;
    let mut stdout = String::new();
    std::io::Read::read_to_string(child.stdout.as_mut().expect("piped"), &mut stdout)
        .map_err(|e| AppError::Bench(e.to_string()))?;
    let (status, peak_kib) = wait_with_peak(child)?;
    let process_s = started.elapsed().as_secs_f64();
    if !status {
        return Err(AppError::Bench(format!(
            "the {case} case on {backend} failed"
        )));
    }
    let inner: Inner = serde_json::from_str(stdout.trim())
        .map_err(|e| AppError::Bench(format!("the {case} case printed no result: {e}")))?;
    Ok(CaseResult {
        case: case.to_string(),
        backend: backend.name().to_string(),
        samples: inner.samples,
        batch_size: inner.batch_size,
        epochs: inner.epochs,
        training_s: inner.training_s,
        test_s: inner.test_s,
        samples_per_s: inner.samples_per_s,
        predict_ms: inner.predict_ms,
        members: inner.members,
        runs_per_s: inner.runs_per_s,
        process_s,
        peak_mib: peak_kib as f64 / 1024.0,
    })
}

/// Waits for `child` and returns whether it succeeded and its peak resident memory in KiB.
fn wait_with_peak(child: std::process::Child) -> Result<(bool, i64), AppError> {
    #[cfg(unix)]
    {
        let pid = child.id() as libc::pid_t;
        let mut status = 0;
        // SAFETY: wait4 on our own child, with out-pointers to locals.
        let mut usage = unsafe { std::mem::zeroed::<libc::rusage>() };
        let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if waited != pid {
            return Err(AppError::Bench("waiting for a case failed".into()));
        }
        let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
        // Linux reports ru_maxrss in KiB.
        Ok((ok, usage.ru_maxrss))
    }
    #[cfg(not(unix))]
    {
        let output = child
            .wait_with_output()
            .map_err(|e| AppError::Bench(e.to_string()))?;
        Ok((output.status.success(), 0))
    }
}

/// The child's side: one case, measured from inside.
fn run_case(case: &str, backend: BackendKind, cli: &BenchCli) -> Result<Inner, AppError> {
    let device = backend.device()?;
    let dir = cli.out.join("runs").join(format!("{case}-{backend}"));
    if case == "tutorial" {
        let config = TrainingConfig::new().check()?;
        let run = train(&config, &device, &RunDir::new(&dir), Dashboard::Silent)?;
        return Ok(Inner {
            training_s: Some(run.timings.training.as_secs_f64()),
            test_s: Some(run.timings.test.as_secs_f64()),
            ..Inner::shape_of(run.config.config())
        });
    }
    if let Some(samples) = case.strip_prefix("scaling-") {
        let samples: usize = samples
            .parse()
            .map_err(|_| AppError::Bench(format!("unknown case '{case}'")))?;
        let config = TrainingConfig::new()
            .with_data(DataConfig::new().with_samples(samples))
            .with_split(
                SplitConfig::new()
                    .with_test_samples(1000)
                    .with_validation_split(0.0),
            )
            .with_epochs(1)
            .with_batch_size(1024)
            .check()?;
        let run = train(&config, &device, &RunDir::new(&dir), Dashboard::Silent)?;
        let trained = run.data.train.len() as f64;
        return Ok(Inner {
            training_s: Some(run.timings.training.as_secs_f64()),
            test_s: Some(run.timings.test.as_secs_f64()),
            samples_per_s: Some(trained / run.timings.training.as_secs_f64()),
            ..Inner::shape_of(run.config.config())
        });
    }
    let population = case
        .strip_prefix("population-")
        .map(|n| (n, false))
        .or_else(|| case.strip_prefix("rates-").map(|n| (n, true)));
    if let Some((members, own_rates)) = population {
        let members: usize = members
            .parse()
            .map_err(|_| AppError::Bench(format!("unknown case '{case}'")))?;
        let rate = |i: u64| {
            let at = i as f64 / (members.max(2) - 1) as f64;
            if own_rates {
                0.003 * (0.1f64 / 0.003).powf(at)
            } else {
                0.03
            }
        };
        let configs = (0..members as u64)
            .map(|seed| {
                TrainingConfig::new()
                    .with_seed(seed)
                    .with_learning_rate(rate(seed))
                    .check()
            })
            .collect::<Result<Vec<_>, _>>()?;
        let run =
            train_population_unsaved(&configs, &device, &RunDir::new(&dir), Dashboard::Silent)?;
        let seconds = run.timings.training.as_secs_f64() + run.timings.test.as_secs_f64();
        return Ok(Inner {
            training_s: Some(run.timings.training.as_secs_f64()),
            test_s: Some(run.timings.test.as_secs_f64()),
            members: Some(members),
            runs_per_s: Some(members as f64 / seconds),
            ..Inner::shape_of(&run.configs[0])
        });
    }
    if case == "grid" {
        return grid_case(&device, cli.grid);
    }
    Err(AppError::Bench(format!("unknown case '{case}'")))
}

/// The grid case: the median of five predictions over an `n` x `n` grid.
fn grid_case(device: &Device, n: usize) -> Result<Inner, AppError> {
    // The time to predict does not depend on the weights, so an untrained network serves.
    let model =
        MlpConfig::new()
            .check()
            .map_err(TrainError::from)?
            .init(LossKind::Hinge, 42, device);
    let points: Vec<[f32; 2]> = (0..n * n)
        .map(|i| {
            let (x, y) = (i % n, i / n);
            [
                x as f32 / n as f32 * 3.0 - 1.5,
                y as f32 / n as f32 * 3.0 - 1.5,
            ]
        })
        .collect();
    predict(&model, points.as_flattened(), device)?;
    let mut times: Vec<Duration> = (0..5)
        .map(|_| {
            let started = Instant::now();
            predict(&model, points.as_flattened(), device).map(|_| started.elapsed())
        })
        .collect::<Result<_, _>>()?;
    times.sort();
    Ok(Inner {
        predict_ms: Some(times[2].as_secs_f64() * 1000.0),
        samples: n * n,
        ..Inner::default()
    })
}
