//! Margin losses with Keras's semantics, shaped like burn's own losses: hinge and squared hinge
//! for two classes, the logistic loss they are measured against, and the categorical hinge for
//! more classes.

use burn::nn::loss::Reduction;
use burn::tensor::Tensor;

use hinge_data::TargetEncoding;

use crate::ModelError;

hinge_data::named_enum! {
    /// Which margin loss a run trains with; the names are those of the CLI and `config.json`:
    /// [`HingeLoss`], [`SquaredHingeLoss`], the logistic baseline the tutorial promises
    /// ([`LogisticLoss`]), and Keras's `categorical_hinge` for one-hot targets over any number
    /// of classes ([`CategoricalHingeLoss`]).
    pub enum LossKind("loss") { Hinge = "hinge", SquaredHinge = "squared-hinge", Logistic = "logistic", CategoricalHinge = "categorical-hinge" }
}

impl LossKind {
    /// The losses of two classes: the tutorial's two and the logistic baseline. (Every loss,
    /// the categorical hinge too, is [`hinge_data::Named::ALL`].)
    pub const TWO_CLASS: [LossKind; 3] =
        [LossKind::Hinge, LossKind::SquaredHinge, LossKind::Logistic];
    /// The two losses the tutorial trains, in its order.
    pub const TUTORIAL: [LossKind; 2] = [LossKind::Hinge, LossKind::SquaredHinge];

    /// The name the tutorial's plots use.
    pub fn title(self) -> &'static str {
        match self {
            LossKind::Hinge => "Hinge loss",
            LossKind::SquaredHinge => "Squared hinge loss",
            LossKind::Logistic => "Logistic loss",
            LossKind::CategoricalHinge => "Categorical hinge loss",
        }
    }

    /// How this loss wants class labels: one -1/+1 output for the two-class losses, one-hot
    /// over `classes` outputs for the categorical hinge. `None` when a two-class loss is asked
    /// for more classes.
    pub fn encoding(self, classes: usize) -> Option<TargetEncoding> {
        match self {
            LossKind::CategoricalHinge => Some(TargetEncoding::OneHot { classes }),
            _ if classes == 2 => Some(TargetEncoding::Signed),
            _ => None,
        }
    }

    /// The loss per point for targets already in this loss's encoding (-1/+1, or one-hot for
    /// the categorical hinge, whose result has one column where its inputs have one per class).
    ///
    /// The training step uses this: its targets come from the dataset, which maps labels once,
    /// and checking them again would read them back to the host on every step.
    pub fn forward_encoded<const D: usize>(
        self,
        predictions: Tensor<D>,
        targets: Tensor<D>,
    ) -> Tensor<D> {
        self.forward_encoded_along(predictions, targets, D - 1)
    }

    /// [`LossKind::forward_encoded`] with each point's outputs along `axis` (a population's
    /// training layout puts them first).
    pub fn forward_encoded_along<const D: usize>(
        self,
        predictions: Tensor<D>,
        targets: Tensor<D>,
        axis: usize,
    ) -> Tensor<D> {
        match self {
            LossKind::Hinge => hinge(predictions, targets),
            LossKind::SquaredHinge => hinge(predictions, targets).square(),
            LossKind::Logistic => logistic(predictions, targets),
            LossKind::CategoricalHinge => categorical_hinge(predictions, targets, axis),
        }
    }
}

/// max(0, 1 - t * y), as max(0, 1 + (-t) * y): the same f32 values, and the negation falls on
/// the targets, which carry no gradient, so training records one operation fewer.
fn hinge<const D: usize>(predictions: Tensor<D>, targets: Tensor<D>) -> Tensor<D> {
    predictions
        .mul(targets.neg())
        .add_scalar(1.0)
        .clamp_min(0.0)
}

/// Keras's clipping of probabilities in `binary_crossentropy`: it keeps the loss finite where
/// tanh rounds to exactly -1 or +1 in f32, at the price of no gradient there, as in Keras.
pub const PROBABILITY_EPSILON: f64 = 1e-7;

/// -ln p with p = (1 + t * y) / 2 clipped to [1e-7, 1]: the cross-entropy of the probability
/// the output gives the true class.
fn logistic<const D: usize>(predictions: Tensor<D>, targets: Tensor<D>) -> Tensor<D> {
    predictions
        .mul(targets)
        .add_scalar(1.0)
        .div_scalar(2.0)
        .clamp(PROBABILITY_EPSILON, 1.0)
        .log()
        .neg()
}

/// max(0, 1 + max_(j != t) y_j - y_t) per point (its classes along `axis`), as Keras computes
/// it: `neg` is the largest output times (1 - target), so with tanh outputs a wrong class below
/// 0 counts as 0.
fn categorical_hinge<const D: usize>(
    predictions: Tensor<D>,
    targets: Tensor<D>,
    axis: usize,
) -> Tensor<D> {
    let positive = predictions.clone().mul(targets.clone()).sum_dim(axis);
    let negative = predictions.mul(targets.neg().add_scalar(1.0)).max_dim(axis);
    negative.sub(positive).add_scalar(1.0).clamp_min(0.0)
}

fn reduce<const D: usize>(loss: Tensor<D>, reduction: Reduction) -> Tensor<1> {
    match reduction {
        Reduction::Mean | Reduction::Auto => loss.mean(),
        Reduction::Sum => loss.sum(),
        Reduction::BatchMean => {
            let batch = loss.dims()[0].max(1);
            loss.sum().div_scalar(batch as f64)
        }
    }
}

/// Checks margin targets the way Keras reads them: all in {-1, +1} are used as they are, all
/// in {0, 1} are mapped to {-1, +1}; anything else is an error naming the first bad value.
///
/// Reads the targets back to the host once.
pub fn signed_targets<const D: usize>(targets: Tensor<D>) -> Result<Tensor<D>, ModelError> {
    let values = targets
        .to_data()
        .convert::<f32>()
        .try_to_vec::<f32>()
        .map_err(|err| ModelError::Read(format!("{err:?}")))?;
    if values.iter().all(|&t| t == -1.0 || t == 1.0) {
        return Ok(targets);
    }
    if values.iter().all(|&t| t == 0.0 || t == 1.0) {
        return Ok(targets.mul_scalar(2.0).sub_scalar(1.0));
    }
    let bad = values
        .into_iter()
        .find(|&t| !(t == -1.0 || t == 0.0 || t == 1.0))
        // Only a mix of -1 and 0 is left: 0 is then the value that does not fit.
        .unwrap_or(0.0);
    Err(ModelError::Target(bad))
}

/// Declares a two-class loss's public type, shaped like burn's losses: `new()`,
/// `forward(predictions, targets, reduction)` and `forward_no_reduction`, with targets in
/// {-1, +1} or {0, 1} checked and mapped by [`signed_targets`].
macro_rules! two_class_loss {
    ($(#[$doc:meta])* $name:ident => $kind:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        impl $name {
            pub fn new() -> Self {
                Self
            }

            /// # Shapes
            /// - predictions, targets: `[...dims]`, targets in {-1, +1} or {0, 1}
            /// - output: `[1]`
            pub fn forward<const D: usize>(
                &self,
                predictions: Tensor<D>,
                targets: Tensor<D>,
                reduction: Reduction,
            ) -> Result<Tensor<1>, ModelError> {
                Ok(reduce(
                    self.forward_no_reduction(predictions, targets)?,
                    reduction,
                ))
            }

            /// The per-element loss, `[...dims]`.
            pub fn forward_no_reduction<const D: usize>(
                &self,
                predictions: Tensor<D>,
                targets: Tensor<D>,
            ) -> Result<Tensor<D>, ModelError> {
                Ok($kind.forward_encoded(predictions, signed_targets(targets)?))
            }
        }
    };
}

two_class_loss!(
    /// Hinge loss, `max(0, 1 - t * y)`, averaged like Keras's `hinge`.
    HingeLoss => LossKind::Hinge
);

two_class_loss!(
    /// Squared hinge loss, `max(0, 1 - t * y)^2`, averaged like Keras's `squared_hinge`.
    SquaredHingeLoss => LossKind::SquaredHinge
);

two_class_loss!(
    /// Binary cross-entropy on the network's tanh output, read as a probability of the +1
    /// class: p = (1 + y) / 2. Since (1 + tanh z) / 2 = sigmoid(2z), this is exactly Keras's
    /// `binary_crossentropy` on a sigmoid output (whose pre-activation is the same Dense layer
    /// scaled by 2), so the model, its plots and its accuracy stay those of the hinge runs and
    /// only the loss differs. Per element: -ln((1 + t * y) / 2), i.e. ln(1 + exp(-2 t z)), with
    /// p clipped to [1e-7, 1] as Keras does.
    LogisticLoss => LossKind::Logistic
);

/// Keras's `categorical_hinge`: max(0, 1 + max_(j != t) y_j - y_t) for one-hot targets, the
/// multi-class margin of Crammer and Singer on the network's outputs.
#[derive(Debug, Clone, Copy, Default)]
pub struct CategoricalHingeLoss;

impl CategoricalHingeLoss {
    pub fn new() -> Self {
        Self
    }

    /// # Shapes
    /// - predictions, targets: `[batch, classes]`, targets one-hot
    /// - output: `[1]`
    pub fn forward(
        &self,
        predictions: Tensor<2>,
        targets: Tensor<2>,
        reduction: Reduction,
    ) -> Result<Tensor<1>, ModelError> {
        Ok(reduce(
            self.forward_no_reduction(predictions, targets)?,
            reduction,
        ))
    }

    /// The loss per row, `[batch, 1]`.
    pub fn forward_no_reduction(
        &self,
        predictions: Tensor<2>,
        targets: Tensor<2>,
    ) -> Result<Tensor<2>, ModelError> {
        let values = targets
            .to_data()
            .convert::<f32>()
            .try_to_vec::<f32>()
            .map_err(|err| ModelError::Read(format!("{err:?}")))?;
        let [_, classes] = targets.dims();
        for row in values.chunks(classes.max(1)) {
            if let Some(&bad) = row.iter().find(|&&t| t != 0.0 && t != 1.0) {
                return Err(ModelError::Target(bad));
            }
            if row.iter().sum::<f32>() != 1.0 {
                return Err(ModelError::NotOneHot(row.to_vec()));
            }
        }
        Ok(LossKind::CategoricalHinge.forward_encoded(predictions, targets))
    }
}

#[cfg(test)]
mod tests;
