//! Every member's points of one split as f32 rows, and the batches cut from them in either
//! layout.

use burn::tensor::{Device, Tensor, TensorData};
use hinge_data::{LabeledPoints, Layout, PopulationBatch, TargetEncoding};

/// One split (training or validation) of every member, as f32 rows, member after member.
/// Batches come in the population's [`Layout`]; [`MemberPoints::laid_out`] turns rows into
/// either.
#[derive(Debug)]
pub struct MemberPoints {
    /// `[members, points, features]`, row-major.
    pub(super) inputs: Vec<f32>,
    /// Features a point.
    pub(super) features: usize,
    /// `[members, points, width]`, row-major.
    pub(super) targets: Vec<f32>,
    pub(super) members: usize,
    pub(super) points: usize,
    pub(super) width: usize,
}

/// The side of the square tiles of members and positions [`MemberPoints::members_last`]
/// copies at a time.
const TILE: usize = 64;

/// One epoch's shuffled copy of every member's points, in the loader's layout, and the orders
/// it was made from. Kept by the loader from one epoch to the next, to be written over: fresh
/// pages cost a page fault each, which made a new copy slower than the shuffle itself
/// (docs/speed.md).
#[derive(Debug, Default)]
pub(super) struct EpochCopy {
    pub(super) orders: Vec<u32>,
    pub(super) inputs: Vec<f32>,
    pub(super) targets: Vec<f32>,
}

impl MemberPoints {
    /// Every member's points must be as many (the configs were checked to share a split).
    pub fn new(sets: &[&LabeledPoints], encoding: TargetEncoding) -> Self {
        let points = sets.first().map_or(0, |set| set.len());
        let features = sets.first().map_or(2, |set| set.width);
        let width = encoding.width();
        let mut inputs = Vec::with_capacity(sets.len() * points * features);
        let mut targets = Vec::with_capacity(sets.len() * points * width);
        for set in sets {
            assert_eq!(set.len(), points, "members share the split sizes");
            assert_eq!(set.width, features, "members share the data's width");
            inputs.extend(set.features.iter().map(|&x| x as f32));
            for &label in &set.labels {
                encoding.extend(label, &mut targets);
            }
        }
        Self {
            inputs,
            features,
            targets,
            members: sets.len(),
            points,
            width,
        }
    }

    pub fn points(&self) -> usize {
        self.points
    }

    pub fn members(&self) -> usize {
        self.members
    }

    /// The points `range` of every member, in order, as a batch.
    pub fn batch_in_order(
        &self,
        range: std::ops::Range<usize>,
        layout: Layout,
        device: &Device,
    ) -> PopulationBatch {
        let size = range.len();
        let (mut inputs, mut targets) = (Vec::new(), Vec::new());
        self.both_laid_out(range, None, layout, &mut inputs, &mut targets);
        batch(
            inputs,
            targets,
            [size, self.members, self.features, self.width],
            layout,
            device,
        )
    }

    /// [`MemberPoints::laid_out`] of the inputs into `inputs` and of the targets into
    /// `targets`.
    pub(super) fn both_laid_out(
        &self,
        range: std::ops::Range<usize>,
        orders: Option<&[u32]>,
        layout: Layout,
        inputs: &mut Vec<f32>,
        targets: &mut Vec<f32>,
    ) {
        self.laid_out(
            &self.inputs,
            self.features,
            range.clone(),
            orders,
            layout,
            inputs,
        );
        self.laid_out(&self.targets, self.width, range, orders, layout, targets);
    }

    /// Positions `range` of every member's rows `values` (`columns` values a row), each
    /// member's row at a position being the one `orders` gives there (member after member,
    /// each a permutation of its rows) or, without orders, the position's own, written into
    /// `out` in `layout`.
    pub(super) fn laid_out(
        &self,
        values: &[f32],
        columns: usize,
        range: std::ops::Range<usize>,
        orders: Option<&[u32]>,
        layout: Layout,
        out: &mut Vec<f32>,
    ) {
        match layout {
            Layout::MembersLast => self.members_last(values, columns, range, orders, out),
            Layout::MembersFirst => {
                let p = self.points;
                out.clear();
                for member in 0..self.members {
                    let rows = &values[member * p * columns..(member + 1) * p * columns];
                    for position in range.clone() {
                        let row = orders.map_or(position, |o| o[member * p + position] as usize);
                        out.extend_from_slice(&rows[row * columns..(row + 1) * columns]);
                    }
                }
            }
        }
    }

    /// [`MemberPoints::laid_out`] members last: `[columns, range, members]`, row-major.
    ///
    /// Copied in square tiles of members and positions, so the members' rows and the output
    /// rows being written both stay in the cache: gathering straight down the members took 12
    /// ns a value at 1,000 members, a cache miss each.
    pub(super) fn members_last(
        &self,
        values: &[f32],
        columns: usize,
        range: std::ops::Range<usize>,
        orders: Option<&[u32]>,
        out: &mut Vec<f32>,
    ) {
        let (n, p, size) = (self.members, self.points, range.len());
        out.clear();
        out.resize(columns * size * n, 0.0);
        for first_member in (0..n).step_by(TILE) {
            for first in (0..size).step_by(TILE) {
                for member in first_member..(first_member + TILE).min(n) {
                    let rows = &values[member * p * columns..(member + 1) * p * columns];
                    let order = orders.map(|o| &o[member * p..(member + 1) * p]);
                    for at in first..(first + TILE).min(size) {
                        let position = range.start + at;
                        let row = order.map_or(position, |o| o[position] as usize);
                        for column in 0..columns {
                            out[(column * size + at) * n + member] = rows[row * columns + column];
                        }
                    }
                }
            }
        }
    }

    /// Every member's points in the order `orders` gives, in `layout`, into `epoch`: one
    /// epoch's shuffled copy, from which each batch is a contiguous slice per member (members
    /// first) or per coordinate and target column (members last).
    pub(super) fn permuted(&self, orders: &[u32], layout: Layout, epoch: &mut EpochCopy) {
        let (inputs, targets) = (&mut epoch.inputs, &mut epoch.targets);
        self.both_laid_out(0..self.points, Some(orders), layout, inputs, targets);
    }

    pub(super) fn slice(&self, start: usize, end: usize) -> Self {
        // Rows are kept member after member, which is the members-first layout.
        let (mut inputs, mut targets) = (Vec::new(), Vec::new());
        let rows = Layout::MembersFirst;
        self.both_laid_out(start..end, None, rows, &mut inputs, &mut targets);
        Self {
            inputs,
            features: self.features,
            targets,
            members: self.members,
            points: end - start,
            width: self.width,
        }
    }
}

/// A batch of `size` points of `members` members, `features` and `width` targets a point,
/// from its values in `layout`.
pub(super) fn batch(
    inputs: Vec<f32>,
    targets: Vec<f32>,
    [size, members, features, width]: [usize; 4],
    layout: Layout,
    device: &Device,
) -> PopulationBatch {
    let tensor = |values, units| {
        Tensor::from_data(
            TensorData::new(values, layout.shape(members, size, units)),
            device,
        )
    };
    PopulationBatch {
        inputs: tensor(inputs, features),
        targets: tensor(targets, width),
        layout,
    }
}

/// The positions `range` of every member out of an epoch's copy in `layout` (`columns` values
/// a point), in the same layout.
pub(super) fn positions(
    values: &[f32],
    columns: usize,
    data: &MemberPoints,
    range: std::ops::Range<usize>,
    layout: Layout,
) -> Vec<f32> {
    let (n, p) = (data.members, data.points);
    let mut out = Vec::with_capacity(columns * range.len() * n);
    match layout {
        Layout::MembersLast => {
            for column in 0..columns {
                let base = column * p;
                out.extend_from_slice(&values[(base + range.start) * n..(base + range.end) * n]);
            }
        }
        Layout::MembersFirst => {
            for member in 0..n {
                let base = member * p;
                out.extend_from_slice(
                    &values[(base + range.start) * columns..(base + range.end) * columns],
                );
            }
        }
    }
    out
}
