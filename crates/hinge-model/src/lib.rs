//! Margin losses for burn, which has none, and the small networks they train: the tutorial's
//! Dense stack and a population of such networks trained in one step.
//!
//! # The losses
//!
//! For a network output y and a target t in {-1, +1} (targets in {0, 1} are mapped to them, as
//! Keras does), averaged over the points like Keras's losses of the same names:
//!
//! | loss | per point | |
//! |---|---|---|
//! | [`HingeLoss`] | max(0, 1 - t·y) | zero once a point is past the margin t·y ≥ 1 |
//! | [`SquaredHingeLoss`] | max(0, 1 - t·y)² | smooth at the margin; large errors weigh more |
//! | [`LogisticLoss`] | -ln((1 + t·y) / 2) | cross-entropy of a tanh output read as a probability |
//! | [`CategoricalHingeLoss`] | max(0, 1 + max_{j≠c} y_j - y_c) | one output per class, c the true one |
//!
//! ```
//! use burn::tensor::{Device, Tensor, TensorData};
//! use hinge_model::{HingeLoss, Reduction, SquaredHingeLoss};
//!
//! let device = Device::flex();
//! let column = |values: &[f32]| {
//!     Tensor::<2>::from_data(TensorData::new(values.to_vec(), [values.len(), 1]), &device)
//! };
//! let outputs = column(&[0.8, -0.3, 2.0]);
//! let targets = column(&[1.0, 1.0, -1.0]);
//! // Per point: max(0, 1 - 0.8) = 0.2, max(0, 1 + 0.3) = 1.3, max(0, 1 + 2) = 3.
//! let hinge = HingeLoss::new().forward(outputs.clone(), targets.clone(), Reduction::Mean)?;
//! let squared = SquaredHingeLoss::new().forward(outputs, targets, Reduction::Mean)?;
//! let (hinge, squared) = (hinge.into_scalar::<f32>(), squared.into_scalar::<f32>());
//! assert!((hinge - 1.5).abs() < 1e-6);
//! assert!((squared - (0.04 + 1.69 + 9.0) / 3.0).abs() < 1e-5);
//! println!("hinge {hinge:.4}, squared hinge {squared:.4}");
//! # Ok::<(), hinge_model::ModelError>(())
//! ```
//!
//! prints `hinge 1.5000, squared hinge 3.5767`.
//!
//! # The networks
//!
//! [`MlpConfig`] is TensorFlow Playground's network in Keras's terms: input features of a point
//! (x, y, x², y², xy, sin x, sin y), hidden Dense layers with an activation, and a tanh or
//! linear output, with Keras's initialisers drawn on the host from a seed (so a seed means the
//! same network on every backend) and an optional L1/L2 weight penalty in the loss. A
//! [`Population`] is many such networks with a member axis on every weight; the sum of the
//! members' mean losses gives each member exactly its own gradient, so one step trains them all.
//!
//! ```
//! use burn::tensor::{Device, Tensor, TensorData};
//! use hinge_model::{LossKind, MlpConfig};
//!
//! let config = MlpConfig::new().check()?; // the tutorial's 2-4-2-1 network
//! let total: usize = config.summary().iter().map(|layer| layer.parameters).sum();
//! assert_eq!(total, 25);
//! let network = config.init(LossKind::Hinge, 42, &Device::flex());
//! let points = Tensor::<2>::from_data(TensorData::new(vec![0.0f32, 0.0, 1.0, 0.0], [2, 2]), &Device::flex());
//! let outputs: Vec<f32> = network.forward(points).into_data().to_vec().unwrap();
//! assert!(outputs.iter().all(|y| y.abs() < 1.0)); // tanh
//! # Ok::<(), hinge_model::ModelError>(())
//! ```

mod class;
mod computation;
mod error;
mod init;
mod loss;
mod loss_choice;
mod loss_groups;
mod model;
mod population;
mod stacked;
mod train_step;

pub use class::{hits, margin, margins, predicted_class, predicts_positive, signed_class};
pub use computation::{Activation, Computation, Feature, OutputActivation};
pub use error::ModelError;
pub use hinge_data::Layout;
pub use hinge_data::Named;
pub use init::{glorot_uniform_bound, he_uniform_bound};
pub use loss::{
    CategoricalHingeLoss, HingeLoss, LogisticLoss, LossKind, PROBABILITY_EPSILON, SquaredHingeLoss,
    signed_targets,
};
pub use loss_choice::LossChoice;
pub use loss_groups::{LossGroup, loss_groups};
pub use model::{LayerKind, LayerSummary, Mlp, MlpConfig, ValidMlpConfig};
pub use population::{Penalty, Population};
pub use stacked::StackedDense;
pub use train_step::{PopulationOutput, StepObserver};

/// burn's reduction enum, re-exported because every loss here takes one.
pub use burn::nn::loss::Reduction;
