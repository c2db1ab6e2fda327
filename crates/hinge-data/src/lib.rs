//! The data of the hinge-lab runs: scikit-learn's `make_circles` (the tutorial's), `make_moons`
//! and `make_blobs`, XOR and two spirals; the tutorial's test / train / validation split; a burn
//! `Dataset` and `Batcher` of single points; and the batch of a population, every member's points
//! in one tensor, which `hinge-train`'s loader builds.

mod batcher;
mod datasets;
mod error;
pub mod named;
mod points;
mod split;

pub use batcher::{PointsBatch, PointsBatcher, PopulationBatch};
pub use datasets::{BLOB_CENTRE_BOX, DatasetKind};
pub use error::DataError;
pub use named::Named;
pub use points::{
    DataConfig, LabeledPoints, MAX_CLASSES, PointItem, PointsDataset, TargetEncoding,
    ValidDataConfig, signed_target,
};
pub use split::{DataSplit, SplitConfig, ValidSplit};
