//! The data of hinge-lab. The point sets, with scikit-learn's semantics: `make_circles` (the
//! tutorial's data), `make_moons` and `make_blobs`, plus XOR and two spirals; and tables of any
//! width: the real sets scikit-learn ships, or a CSV file, scaled on the training split. The
//! tutorial's test / train / validation split and cross-validation's folds; the encoding of
//! labels as a loss's targets; and the batch of a population (every member's points in one
//! tensor).
//!
//! `make_circles(n, factor)` puts n / 2 points evenly on the unit circle (label 0) and the rest
//! on a circle of radius `factor` (label 1), then adds Gaussian noise of standard deviation
//! `noise` to both coordinates; the points are shuffled from the seed. The first
//! `test_samples` points are the test set, and the last `validation_split` of the rest
//! validates, as Keras's `validation_split` takes the tail.
//!
//! ```
//! use hinge_data::{DataConfig, LabeledPoints, SplitConfig};
//!
//! let config = DataConfig::new().check()?; // 1000 points, factor 0.1, no noise
//! let points = LabeledPoints::generate(&config, 42);
//! let split = SplitConfig::new().check(1000)?.apply(&points);
//! assert_eq!((split.train.len(), split.valid.len(), split.test.len()), (600, 150, 250));
//! // Without noise every point lies on one of the two circles.
//! let radius = |p: &[f64]| p[0].hypot(p[1]);
//! assert!(points.points().all(|p| {
//!     (radius(p) - 1.0).abs() < 1e-12 || (radius(p) - 0.1).abs() < 1e-12
//! }));
//! println!("{} training points, {} of the inner circle", split.train.len(),
//!     split.train.labels.iter().filter(|&&l| l == 1).count());
//! # Ok::<(), hinge_data::DataError>(())
//! ```

mod batch;
mod bundled;
mod config;
mod csv_table;
mod datasets;
mod error;
mod grid;
pub mod named;
mod pca;
mod points;
mod scaler;
mod source;
mod split;
mod table;

pub use batch::{Layout, PopulationBatch};
pub use bundled::RealDataset;
pub use config::{DataConfig, ValidDataConfig};
pub use csv_table::{Header, LabelColumn, read_features, read_table};
pub use datasets::{BLOB_CENTRE_BOX, DatasetKind};
pub use error::DataError;
pub use grid::cell_centres;
pub use named::Named;
pub use pca::Pca;
pub use points::{LabeledPoints, MAX_CLASSES, TargetEncoding, signed_target};
pub use scaler::Scaler;
pub use source::{CsvFile, TableSource, available_memory, stratified_order};
pub use split::{DataSplit, Fold, SplitConfig, ValidSplit};
pub use table::Table;
