//! The tutorial's run: hinge, then squared hinge loss on make_circles.
//!
//! `cargo run --release --example circles -- --help` lists the flags.

use hinge_lab::cli::{Cli, end_quietly_on_closed_pipe, one_line, parse_or_exit};
use hinge_lab::hinge_train::{exit_code, stop_on_ctrl_c};
use hinge_lab::run_circles;

fn main() {
    end_quietly_on_closed_pipe();
    let cli: Cli = parse_or_exit();
    let outcome = stop_on_ctrl_c()
        .map_err(Into::into)
        .and_then(|()| cli.to_run())
        .and_then(|run| run_circles(&run));
    if let Err(err) = outcome {
        eprintln!("error: {}", one_line(&err.to_string()));
        std::process::exit(exit_code());
    }
}
