//! The tutorial's run: hinge, then squared hinge loss on make_circles.
//!
//! `cargo run --release --example circles -- --help` lists the flags.

hinge_lab::use_mimalloc!();

fn main() {
    hinge_lab::programs::circles();
}
