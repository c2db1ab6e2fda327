//! Each member's own weight penalty: Keras's `kernel_regularizer`s, l1 * sum |w| + l2 * sum w^2
//! over every layer's weights, as a term of that member's loss alone. A grid over the L2
//! penalty (the C of a linear SVM) is then one population.

use burn::tensor::Tensor;
use hinge_data::Layout;

use crate::stacked::StackedDense;

/// One member's L1 and L2 penalty weights.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Penalty {
    pub l1: f64,
    pub l2: f64,
}

/// Every member's [`Penalty`], in member order.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct MemberPenalties(pub(crate) Vec<Penalty>);

/// How one penalty weight reaches the members: one number for all (a scalar multiply, which a
/// lone network's step pays least for), or one per member along the member axis.
enum Weight {
    None,
    Shared(f64),
    PerMember(Vec<f32>),
}

impl Weight {
    fn of(values: impl Iterator<Item = f64> + Clone) -> Weight {
        let mut all = values.clone();
        let first = all.next().unwrap_or(0.0);
        if all.all(|value| value == first) {
            if first > 0.0 {
                Weight::Shared(first)
            } else {
                Weight::None
            }
        } else {
            // A kernel takes a scalar as f32, as burn converts it: the same product as the
            // member's solo run.
            Weight::PerMember(values.map(|value| value as f32).collect())
        }
    }

    /// `sums` (one per member, laid out as `layout` says) times this weight.
    fn times(&self, sums: Tensor<3>, layout: Layout) -> Option<Tensor<3>> {
        match self {
            Weight::None => None,
            Weight::Shared(value) => Some(sums.mul_scalar(*value)),
            Weight::PerMember(values) => {
                let device = sums.device();
                Some(sums.mul(layout.per_member(values, &device)))
            }
        }
    }
}

impl MemberPenalties {
    /// Each member's penalty over `layers`' weights, one value per member as the losses are
    /// laid out (`[members, 1, 1]` or `[1, 1, members]`); `None` when no member has one.
    pub(crate) fn of<'a>(
        &self,
        layers: impl Iterator<Item = &'a StackedDense>,
        layout: Layout,
    ) -> Option<Tensor<3>> {
        let l1 = Weight::of(self.0.iter().map(|p| p.l1));
        let l2 = Weight::of(self.0.iter().map(|p| p.l2));
        if matches!((&l1, &l2), (Weight::None, Weight::None)) {
            return None;
        }
        let axes = StackedDense::weight_axes(layout);
        let sum = |t: Tensor<3>| t.sum_dim(axes[0]).sum_dim(axes[1]);
        layers
            .map(|layer| {
                let weight = layer.weight.val();
                let l1 = l1.times(sum(weight.clone().abs()), layout);
                let l2 = l2.times(sum(weight.square()), layout);
                match (l1, l2) {
                    (Some(a), Some(b)) => a.add(b),
                    (Some(a), None) | (None, Some(a)) => a,
                    (None, None) => unreachable!("one of the two weights is set"),
                }
            })
            .reduce(Tensor::add)
    }
}
