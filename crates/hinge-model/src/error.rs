use thiserror::Error;

/// Everything the model crate can refuse.
#[derive(Debug, Error, PartialEq)]
pub enum ModelError {
    #[error(
        "target {0} is not a label: margin targets must all be in {{-1, +1}} or all in {{0, 1}}, one-hot targets in {{0, 1}}"
    )]
    Target(f32),
    #[error("target row {0:?} is not one-hot: exactly one 1 per row is needed")]
    NotOneHot(Vec<f32>),
    #[error("hidden layer {index} has width 0: every hidden width must be at least 1")]
    HiddenWidth { index: usize },
    #[error("the network has no input features: give at least one")]
    NoFeatures,
    #[error(
        "feature {feature} is given twice (again at position {index}): each feature at most once"
    )]
    RepeatedFeature { feature: &'static str, index: usize },
    #[error("{name} {value} is not a penalty: it must be a finite number >= 0")]
    Penalty { name: &'static str, value: f64 },
    #[error(
        "features {} are computed from a point's x and y, but the data has {width} features a point: computed features need 2-D data",
        features.join(",")
    )]
    FeaturesNeedThePlane {
        features: Vec<&'static str>,
        width: usize,
    },
    #[error("the targets could not be read back from the device: {0}")]
    Read(String),
}
