//! The tutorial's run: hinge, then squared hinge loss on make_circles.
//!
//! `cargo run --release --example circles -- --help` lists the flags.

use clap::Parser;
use hinge_lab::cli::Cli;
use hinge_lab::run_circles;

fn main() {
    let cli = Cli::parse();
    if let Err(err) = run_circles(&cli.to_run()) {
        eprintln!("error: {err}");
        std::process::exit(1);
    }
}
