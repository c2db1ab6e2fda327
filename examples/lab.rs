//! The loss lab: `seeds` and `sweep`, each writing its tables and figures under
//! `artifacts/lab/`, `merge` of a sharded sweep, and `margins` of a saved run.
//!
//! `cargo run --release --example lab -- --help` lists the commands.
//!
//! The same program as `src/bin/lab.rs`, built by `cargo run --example lab`.

hinge_lab::use_mimalloc!();

fn main() {
    hinge_lab::programs::lab();
}
