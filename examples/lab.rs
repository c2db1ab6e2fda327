//! The loss lab: `seeds` and `sweep`, each writing its tables and figures under
//! `artifacts/lab/`, `merge` of a sharded sweep, and `margins` of a saved run.
//!
//! `cargo run --release --example lab -- --help` lists the commands.

use hinge_lab::cli::{end_quietly_on_closed_pipe, one_line, parse_or_exit};
use hinge_lab::hinge_train::{exit_code, stop_on_ctrl_c};
use hinge_lab::lab::Summary;
use hinge_lab::lab::cli::{LabCli, LabCommand};
use hinge_lab::lab::saved::saved_run_margins;
use hinge_lab::lab::seeds::run_seeds;
use hinge_lab::lab::sweep::{merge_shards, run_sweep, table};

fn main() {
    end_quietly_on_closed_pipe();
    let cli: LabCli = parse_or_exit();
    if let Err(err) = stop_on_ctrl_c() {
        eprintln!("error: {}", one_line(&err.to_string()));
        std::process::exit(1);
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
                Some(shard) => println!(
                    "Shard {}/{}: {} runs written to {}; combine the shards with `lab merge`",
                    shard.index,
                    shard.count,
                    outcome.trials.len(),
                    request.batch.artifacts.display()
                ),
                None => {
                    print!("{}", table(&request, &outcome.cells));
                    println!("Written to {}", request.batch.artifacts.display());
                }
            }
            Ok(())
        }),
        LabCommand::Merge(args) => {
            merge_shards(&args.shards, &args.artifacts).map(|(request, cells)| {
                print!("{}", table(&request, &cells));
                println!("Written to {}", args.artifacts.display());
            })
        }
        LabCommand::Margins(args) => args
            .backend()
            .device()
            .map_err(Into::into)
            .and_then(|device| saved_run_margins(&args.run, &device))
            .map(|measured| print!("{}", measured.report())),
    };
    if let Err(err) = outcome {
        eprintln!("error: {}", one_line(&err.to_string()));
        std::process::exit(exit_code());
    }
}
