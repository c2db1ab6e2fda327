//! The data of the hinge-lab runs: scikit-learn's `make_circles`, the tutorial's
//! test / train / validation split, and the burn `Dataset` and `Batcher` that feed the Learner.

mod batcher;
mod circles;
mod error;
mod split;

pub use batcher::{CirclesBatch, CirclesBatcher};
pub use circles::{
    Circles, CirclesConfig, CirclesDataset, CirclesItem, ValidCircles, signed_target,
};
pub use error::DataError;
pub use split::{CirclesSplit, SplitConfig, ValidSplit};
