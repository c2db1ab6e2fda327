//! Predictions of a trained run: `x,y,output,class` for each point.
//!
//! `cargo run --release --example predict -- --run artifacts/circles/hinge 0.05,0 0.9,0.3`, or
//! one point per line on standard input.

use hinge_lab::cli::{PredictCli, end_quietly_on_closed_pipe, one_line, parse_or_exit};
use hinge_lab::predict::predict_points;

fn main() {
    end_quietly_on_closed_pipe();
    let cli: PredictCli = parse_or_exit();
    if let Err(err) = predict_points(&cli, std::io::stdin().lock(), std::io::stdout().lock()) {
        eprintln!("error: {}", one_line(&err.to_string()));
        std::process::exit(1);
    }
}
