//! Predictions of a trained run: `x,y,output,class` for each point.
//!
//! `cargo run --release --example predict -- --run artifacts/circles/hinge 0.05,0 0.9,0.3`, or
//! one point per line on standard input.
//!
//! The same program as `src/bin/predict.rs`, built by `cargo run --example predict`.

hinge_lab::use_mimalloc!();

fn main() {
    hinge_lab::programs::predict();
}
