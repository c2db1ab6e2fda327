//! What hinge-lab's programs (`circles`, `lab`, `predict`, `bench`, `playground`) share on
//! their command lines: clap's derive with the tutorial's values shown as defaults, names of
//! [`hinge_model::Named`] enums as choices, a mistake reported in one line, the table of a
//! run's flags ([`run_flags`]), and the allocator every program sets.

mod dataset;
mod flags;
mod parse;

pub use dataset::{DatasetChoice, dataset_choice};
pub use flags::{changed_flags, run_flags};
pub use parse::{CommandLine, command, named, one_line, parse_or_exit, try_parse_from};

/// The allocator the programs use, for `use_mimalloc!`.
#[doc(hidden)]
pub use mimalloc;

/// Makes mimalloc the global allocator of the binary that calls it: each training step
/// allocates and frees dozens of small tensors, and mimalloc's thread-local free lists make
/// that cheaper than glibc's malloc (figures: docs/speed.md). Set by each binary rather than
/// by a library, so a program that links the libraries keeps its own.
#[macro_export]
macro_rules! use_mimalloc {
    () => {
        #[global_allocator]
        static GLOBAL: $crate::mimalloc::MiMalloc = $crate::mimalloc::MiMalloc;
    };
}
