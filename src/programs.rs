//! The entry points of the four programs, shared by `src/bin/` (the binaries, which the
//! tests run) and `examples/` (which the README's `cargo run --example ...` commands build):
//! each of those files sets the allocator and calls one function here.

use hinge_train::{exit_code, stop_on_ctrl_c};

use crate::AppError;
use crate::bench::{BenchCli, run_bench};
use crate::cli::{Cli, PredictCli, end_quietly_on_closed_pipe, one_line, parse_or_exit};
use crate::lab::Summary;
use crate::lab::cli::{LabCli, LabCommand};
use crate::lab::merge::{Merged, merge_any};
use crate::lab::one_run::saved_run_margins;
use crate::lab::seeds::run_seeds;
use crate::lab::sweep::run_sweep;
use crate::predict::predict_points;
use crate::run_circles;

/// The tutorial's run: hinge, then squared hinge loss on make_circles.
///
/// `cargo run --release --example circles -- --help` lists the flags.
pub fn circles() {
    end_quietly_on_closed_pipe();
    let cli: Cli = parse_or_exit();
    let outcome = stop_on_ctrl_c()
        .map_err(Into::into)
        .and_then(|()| cli.to_run())
        .and_then(|run| run_circles(&run));
    if let Err(err) = outcome {
        fail(&err, exit_code());
    }
}

/// The loss lab: `seeds`, `sweep` and `cv`, each writing its tables and figures under
/// `artifacts/lab/`, `merge` of a sharded sweep, and `margins` of a saved run.
///
/// `cargo run --release --example lab -- --help` lists the commands.
pub fn lab() {
    end_quietly_on_closed_pipe();
    let cli: LabCli = parse_or_exit();
    if let Err(err) = stop_on_ctrl_c() {
        fail(&err, 1);
    }
    let outcome = match cli.command {
        LabCommand::Seeds(args) => args.to_request().and_then(|request| {
            let outcome = run_seeds(&request)?;
            print!("{}", Summary::table(&outcome.summaries));
            println!("Written to {}", request.batch.artifacts.display());
            Ok(())
        }),
        LabCommand::Sweep(args) => args.to_request().and_then(|request| {
            let outcome = run_sweep(&request)?;
            match request.shard {
                Some(shard) => print_shard(shard, outcome.trials.len(), &request.batch.artifacts),
                None => {
                    print!("{}", crate::lab::sweep::table(&request, &outcome.cells));
                    println!("Written to {}", request.batch.artifacts.display());
                }
            }
            Ok(())
        }),
        LabCommand::Cv(args) => args.to_request().and_then(|request| {
            let outcome = crate::lab::cv::run_cv(&request)?;
            print!("{}", crate::lab::cv::report(&request, &outcome.summaries));
            println!("Written to {}", request.batch.artifacts.display());
            Ok(())
        }),
        LabCommand::Search(args) => args.to_request().and_then(|request| lab_search(&request)),
        LabCommand::Merge(args) => lab_merge(&args),
        LabCommand::Margins(args) => {
            if args.resume {
                println!("lab margins trains nothing, so nothing is resumed: measuring again");
            }
            args.backend()
                .device()
                .map_err(Into::into)
                .and_then(|device| saved_run_margins(&args.run, &device))
                .map(|measured| print!("{}", measured.report()))
        }
    };
    if let Err(err) = outcome {
        fail(&err, exit_code());
    }
}

/// `lab search`: a shard's line, or the whole search's points and best.
fn lab_search(request: &crate::lab::search::SearchRequest) -> Result<(), AppError> {
    let outcome = crate::lab::search::run_search(request)?;
    match request.shard {
        Some(shard) => print_shard(shard, outcome.rows.len(), &request.batch.artifacts),
        None => {
            print_search(&outcome);
            println!("Written to {}", request.batch.artifacts.display());
        }
    }
    Ok(())
}

/// What a shard of a sweep or search says when it is done.
fn print_shard(shard: crate::lab::sweep::Shard, runs: usize, dir: &std::path::Path) {
    println!(
        "Shard {}/{}: {runs} runs written to {}; combine the shards with `lab merge`",
        shard.index,
        shard.count,
        dir.display()
    );
}

fn print_search(outcome: &crate::lab::search::SearchOutcome) {
    print!("{}", crate::lab::search_table::report(&outcome.points));
    if let Some(best) = &outcome.best {
        print!("{}", best.report());
    }
}

/// `lab merge`: a sharded sweep's tables, or a sharded search's points and best.
fn lab_merge(args: &crate::lab::cli::MergeArgs) -> Result<(), AppError> {
    if args.resume {
        println!("A merge is written whole or not at all: merging again");
    }
    match merge_any(&args.shards, &args.artifacts)? {
        Merged::Sweep(request, cells) => print!("{}", crate::lab::sweep::table(&request, &cells)),
        Merged::Search(_, outcome) => print_search(&outcome),
    }
    println!("Written to {}", args.artifacts.display());
    Ok(())
}

/// Predictions of a trained run: `x,y,output,class` for each point.
///
/// `cargo run --release --example predict -- --run artifacts/circles/hinge 0.05,0 0.9,0.3`, or
/// one point per line on standard input.
pub fn predict() {
    end_quietly_on_closed_pipe();
    refuse_resume("predict reads a saved run and trains nothing");
    let cli: PredictCli = parse_or_exit();
    if let Err(err) = predict_points(&cli, std::io::stdin().lock(), std::io::stdout().lock()) {
        fail(&err, 1);
    }
}

/// The benchmark: the tutorial's run, training throughput at 10k/100k/1M samples and the
/// 500 x 500 decision-boundary grid, on every backend compiled in. Prints a table and writes
/// `artifacts/bench/results.json`.
///
/// `cargo run --release --example bench` (add `--features wgpu` etc. for more backends).
pub fn bench() {
    end_quietly_on_closed_pipe();
    refuse_resume("the benchmark times fresh runs, each from its start");
    let cli: BenchCli = parse_or_exit();
    match run_bench(&cli) {
        Ok(results) if cli.case.is_none() => {
            print!("{}", crate::bench::table(&results));
            println!("written to {}", cli.out.join("results.json").display());
        }
        Ok(_) => {}
        Err(err) => fail(&err, 1),
    }
}

/// `--resume`, which `circles` and every `lab` command take, said to a program that has
/// nothing to resume: one line saying so, rather than the parser's word on an unknown flag (or,
/// for `predict`, on a point that is not one).
fn refuse_resume(why: &str) {
    if std::env::args_os().skip(1).any(|arg| arg == "--resume") {
        fail(
            &format!("{why}, so there is nothing to resume: run it without --resume"),
            2,
        );
    }
}

/// Ends the program as every failure must: one line on stderr, naming what is wrong, and the
/// exit code `code`.
fn fail(err: &dyn std::fmt::Display, code: i32) -> ! {
    eprintln!("error: {}", one_line(&err.to_string()));
    std::process::exit(code);
}
