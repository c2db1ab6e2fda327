//! The benchmark: the tutorial's run, training throughput at 10k/100k/1M samples and the
//! 500 x 500 decision-boundary grid, on every backend compiled in. Prints a table and writes
//! `artifacts/bench/results.json`.
//!
//! `cargo run --release --example bench` (add `--features wgpu` etc. for more backends).
//!
//! The same program as `src/bin/bench.rs`, built by `cargo run --example bench`.

hinge_lab::use_mimalloc!();

fn main() {
    hinge_lab::programs::bench();
}
