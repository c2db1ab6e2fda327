//! The tutorial's network and its losses: a Keras-style Dense stack (ReLU / He-uniform hidden
//! layers, a tanh / Glorot-uniform output) and the hinge and squared hinge losses, with the
//! `TrainStep` / `InferenceStep` that let burn's Learner train it.

mod error;
mod init;
mod loss;
mod model;
mod step;

pub use error::ModelError;
pub use init::{glorot_uniform_bound, he_uniform_bound};
pub use loss::{
    CategoricalHingeLoss, HingeLoss, LogisticLoss, LossKind, PROBABILITY_EPSILON, SquaredHingeLoss,
    signed_targets,
};
pub use model::{Mlp, MlpConfig, ValidMlpConfig};
pub use step::MarginOutput;

/// burn's reduction enum, re-exported because every loss here takes one.
pub use burn::nn::loss::Reduction;
