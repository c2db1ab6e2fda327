//! The benchmark: the tutorial's run, training throughput at 10k/100k/1M samples and the
//! 500 x 500 decision-boundary grid, on every backend compiled in. Prints a table and writes
//! `artifacts/bench/results.json`.
//!
//! `cargo run --release --example bench` (add `--features wgpu` etc. for more backends).

use hinge_lab::bench::{BenchCli, run_bench, table};
use hinge_lab::cli::{end_quietly_on_closed_pipe, one_line, parse_or_exit};

fn main() {
    end_quietly_on_closed_pipe();
    let cli: BenchCli = parse_or_exit();
    match run_bench(&cli) {
        Ok(results) if cli.case.is_none() => {
            print!("{}", table(&results));
            println!("written to {}", cli.out.join("results.json").display());
        }
        Ok(_) => {}
        Err(err) => {
            eprintln!("error: {}", one_line(&err.to_string()));
            std::process::exit(1);
        }
    }
}
