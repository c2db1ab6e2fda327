//! The tutorial's network and its losses: a Keras-style Dense stack (ReLU / He-uniform hidden
//! layers, a tanh / Glorot-uniform output), the hinge and squared hinge losses, and the
//! population of such networks with the `TrainStep` / `InferenceStep` that let burn's Learner
//! train many of them in one step.

mod class;
mod design;
mod error;
mod init;
mod loss;
mod model;
mod population;

pub use class::{hits, predicted_class, predicts_positive, signed_class};
pub use design::{Activation, Design, Feature, OutputActivation};
pub use error::ModelError;
pub use hinge_data::Named;
pub use init::{glorot_uniform_bound, he_uniform_bound};
pub use loss::{
    CategoricalHingeLoss, HingeLoss, LogisticLoss, LossKind, PROBABILITY_EPSILON, SquaredHingeLoss,
    signed_targets,
};
pub use model::{INPUTS, LayerKind, LayerSummary, Mlp, MlpConfig, ValidMlpConfig};
pub use population::{
    LossGroup, Population, PopulationOutput, Product, StackedDense, Watch, loss_groups,
};

/// burn's reduction enum, re-exported because every loss here takes one.
pub use burn::nn::loss::Reduction;
