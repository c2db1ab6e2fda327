use burn::tensor::{Device, Tensor, TensorData};

/// Where a population's members sit in its tensors: beside each point's coordinates, targets
/// and units (`[members, points, units]`), or after them (`[units, points, members]`). Every
/// tensor of a training step, its parameters included, follows one layout; the points are the
/// middle axis in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// `[members, points, units]`: each layer is burn's batched matmul, the lone network's
    /// arithmetic, and a population of one needs no reshaping at all: the cheapest for one run
    /// (burn's fixed cost per operation is most of its step).
    MembersFirst,
    /// `[units, points, members]`: each layer is a broadcast multiply and a sum over the
    /// leading axis, which burn-flex runs at memory speed; members first, the same broadcast
    /// and sum run 12 to 14 times slower (`docs/flex-report.md`), and a matmul is one small
    /// gemm call per member. The fastest for a population.
    #[default]
    MembersLast,
}

impl Layout {
    /// The axis of the members.
    pub const fn member_axis(self) -> usize {
        match self {
            Layout::MembersFirst => 0,
            Layout::MembersLast => 2,
        }
    }

    /// The axis of a point's coordinates, targets, or a layer's units.
    pub const fn unit_axis(self) -> usize {
        match self {
            Layout::MembersFirst => 2,
            Layout::MembersLast => 0,
        }
    }

    /// `[members, points, units]` in this layout.
    pub fn shape(self, members: usize, points: usize, units: usize) -> [usize; 3] {
        match self {
            Layout::MembersFirst => [members, points, units],
            Layout::MembersLast => [units, points, members],
        }
    }

    /// One value per member, shaped to multiply every tensor of this layout member by member:
    /// `[members, 1, 1]` or `[1, 1, members]`.
    pub fn per_member(self, values: &[f32], device: &Device) -> Tensor<3> {
        let shape = self.shape(values.len(), 1, 1);
        Tensor::from_data(TensorData::new(values.to_vec(), shape), device)
    }
}

/// Every member's batch at once, each member on its own points, in `layout`: inputs with 2
/// coordinates a point, targets with `width` (-1/+1 in one, or one-hot).
#[derive(Debug, Clone)]
pub struct PopulationBatch {
    pub inputs: Tensor<3>,
    pub targets: Tensor<3>,
    pub layout: Layout,
}
