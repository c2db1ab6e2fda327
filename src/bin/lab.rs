//! The loss lab: `seeds` and `sweep`, each writing its tables and figures under
//! `artifacts/lab/`, `merge` of a sharded sweep, and `margins` of a saved run.
//!
//! `cargo run --release --example lab -- --help` lists the commands.

hinge_lab::use_mimalloc!();

fn main() {
    hinge_lab::programs::lab();
}
