//! The project's own data loader: every member's batch of a population in one tensor, each
//! member shuffled by its own seed. A solo run is a population of one and goes through the same
//! loader, so member i of a population sees exactly the batches its solo run sees.

use std::sync::{Arc, Mutex, MutexGuard};

use burn::data::dataloader::{DataLoader, DataLoaderIterator, Progress};
use burn::data::dataset::DatasetError;
use burn::tensor::{Device, Tensor, TensorData};
use hinge_data::{LabeledPoints, Layout, PopulationBatch, TargetEncoding};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

/// One split (training or validation) of every member, as f32 rows, member after member.
/// Batches come in the population's [`Layout`]; [`MemberPoints::laid_out`] turns rows into
/// either.
#[derive(Debug)]
pub struct MemberPoints {
    /// `[members, points, 2]`, row-major.
    inputs: Vec<f32>,
    /// `[members, points, width]`, row-major.
    targets: Vec<f32>,
    members: usize,
    points: usize,
    width: usize,
}

/// The side of the square tiles of members and positions [`MemberPoints::members_last`]
/// copies at a time.
const TILE: usize = 64;

/// One epoch's shuffled copy of every member's points, in the loader's layout, and the orders
/// it was made from. Kept by the loader from one epoch to the next: fresh pages cost a page fault
/// each, and on these machines that made a new copy of 1,000 members' points (7 MB) take
/// longer than shuffling them.
#[derive(Debug, Default)]
struct EpochCopy {
    orders: Vec<u32>,
    inputs: Vec<f32>,
    targets: Vec<f32>,
}

impl MemberPoints {
    /// Every member's points must be as many (the configs were checked to share a split).
    pub fn new(sets: &[&LabeledPoints], encoding: TargetEncoding) -> Self {
        let points = sets.first().map_or(0, |set| set.len());
        let width = encoding.width();
        let mut inputs = Vec::with_capacity(sets.len() * points * 2);
        let mut targets = Vec::with_capacity(sets.len() * points * width);
        for set in sets {
            assert_eq!(set.len(), points, "members share the split sizes");
            for (point, &label) in set.points.iter().zip(&set.labels) {
                inputs.extend([point[0] as f32, point[1] as f32]);
                encoding.extend(label, &mut targets);
            }
        }
        Self {
            inputs,
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
            [size, self.members, self.width],
            layout,
            device,
        )
    }

    /// [`MemberPoints::laid_out`] of the inputs into `inputs` and of the targets into
    /// `targets`.
    fn both_laid_out(
        &self,
        range: std::ops::Range<usize>,
        orders: Option<&[u32]>,
        layout: Layout,
        inputs: &mut Vec<f32>,
        targets: &mut Vec<f32>,
    ) {
        self.laid_out(&self.inputs, 2, range.clone(), orders, layout, inputs);
        self.laid_out(&self.targets, self.width, range, orders, layout, targets);
    }

    /// Positions `range` of every member's rows `values` (`columns` values a row), each
    /// member's row at a position being the one `orders` gives there (member after member,
    /// each a permutation of its rows) or, without orders, the position's own, written into
    /// `out` in `layout`.
    fn laid_out(
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
    fn members_last(
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
    fn permuted(&self, orders: &[u32], layout: Layout, epoch: &mut EpochCopy) {
        let (inputs, targets) = (&mut epoch.inputs, &mut epoch.targets);
        self.both_laid_out(0..self.points, Some(orders), layout, inputs, targets);
    }

    fn slice(&self, start: usize, end: usize) -> Self {
        // Rows are kept member after member, which is the members-first layout.
        let (mut inputs, mut targets) = (Vec::new(), Vec::new());
        let rows = Layout::MembersFirst;
        self.both_laid_out(start..end, None, rows, &mut inputs, &mut targets);
        Self {
            inputs,
            targets,
            members: self.members,
            points: end - start,
            width: self.width,
        }
    }
}

/// A batch of `size` points of `members` members from its values in `layout`.
fn batch(
    inputs: Vec<f32>,
    targets: Vec<f32>,
    [size, members, width]: [usize; 3],
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
        inputs: tensor(inputs, 2),
        targets: tensor(targets, width),
        layout,
    }
}

/// The positions `range` of every member out of an epoch's copy in `layout` (`columns` values
/// a point), in the same layout.
fn positions(
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

/// Each member's shuffling generator as burn's own shuffling loader keeps it, positioned at
/// the start of `epoch` (0-based).
///
/// burn's `DataLoaderBuilder::shuffle(seed)` seeds a `StdRng` with the seed, forks it once
/// when the Learner moves the loader to its device, and forks that once per epoch to shuffle
/// the indices `0..n`. Doing the same here keeps every seed's batches those the tutorial's run
/// had on burn's loader, and fast-forwarding by whole epochs is what a resumed run needs.
fn epoch_generators(seeds: &[u64], epoch: usize) -> Vec<StdRng> {
    seeds
        .iter()
        .map(|&seed| {
            let mut generator = StdRng::seed_from_u64(seed).fork();
            for _ in 0..epoch {
                generator.fork();
            }
            generator
        })
        .collect()
}

/// The members' shuffling state between epochs.
struct Shuffle {
    seeds: Vec<u64>,
    /// The epoch (0-based) the generators are positioned at: one past the epoch being
    /// prepared, when one is.
    epoch: usize,
    generators: Vec<StdRng>,
    /// The next epoch's copy, being made on a thread of its own while this one trains.
    prepared: Option<std::thread::JoinHandle<EpochCopy>>,
}

impl Shuffle {
    fn at(seeds: Vec<u64>, epoch: usize) -> Mutex<Self> {
        Mutex::new(Self {
            generators: epoch_generators(&seeds, epoch),
            seeds,
            epoch,
            prepared: None,
        })
    }
}

/// Yields batches over one split of every member, members last unless told otherwise
/// ([`PopulationLoader::in_layout`]): shuffled per member and epoch for training, in order for
/// validation.
pub struct PopulationLoader {
    data: Arc<MemberPoints>,
    batch_size: usize,
    layout: Layout,
    /// Each member's generator at the start of the next epoch, when the loader shuffles.
    shuffle: Option<Mutex<Shuffle>>,
    /// The last epoch's copy, handed back when its batches are done, to be written over.
    spare: Mutex<EpochCopy>,
    device: Device,
}

impl PopulationLoader {
    /// A shuffling loader whose first `iter` serves epoch `first_epoch` (0-based), so a resumed
    /// run continues with the orders of the uninterrupted one. Burn's Learner moves it to its
    /// device before the first epoch; the copy carries on from the same generators.
    pub fn shuffled(
        data: Arc<MemberPoints>,
        batch_size: usize,
        seeds: Vec<u64>,
        first_epoch: usize,
        device: &Device,
    ) -> Self {
        Self {
            data,
            batch_size,
            layout: Layout::default(),
            shuffle: Some(Shuffle::at(seeds, first_epoch)),
            spare: Mutex::default(),
            device: device.clone(),
        }
    }

    pub fn in_order(data: Arc<MemberPoints>, batch_size: usize, device: &Device) -> Self {
        Self {
            data,
            batch_size,
            layout: Layout::default(),
            shuffle: None,
            spare: Mutex::default(),
            device: device.clone(),
        }
    }

    /// The same loader, serving batches in `layout` (the population's).
    pub fn in_layout(self, layout: Layout) -> Self {
        Self { layout, ..self }
    }

    /// The next epoch's shuffled copy of every member's points, and the one after it started
    /// on a thread of its own: at 1,000 members a copy takes a sixth of an epoch's training
    /// on this project's 2-core machines, where a population's step keeps one core busy and
    /// leaves the other nearly idle. `None` for a loader that does not shuffle.
    fn next_epoch(&self) -> Option<EpochCopy> {
        let mut shuffle = self.shuffle_state()?;
        let making = match shuffle.prepared.take() {
            Some(thread) => thread,
            None => self.start_epoch(&mut shuffle),
        };
        // The copy only shuffles and copies numbers; a panic there is a bug, passed on as is.
        let epoch = making
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        shuffle.prepared = Some(self.start_epoch(&mut shuffle));
        Some(epoch)
    }

    /// Advances every member's generator by one epoch, as burn's shuffling loader does, and
    /// starts making that epoch's copy, into the spare copy's memory when there is one.
    fn start_epoch(&self, shuffle: &mut Shuffle) -> std::thread::JoinHandle<EpochCopy> {
        shuffle.epoch += 1;
        let generators: Vec<StdRng> = shuffle.generators.iter_mut().map(StdRng::fork).collect();
        let mut epoch = std::mem::take(&mut *lock(&self.spare));
        let (data, layout) = (self.data.clone(), self.layout);
        std::thread::spawn(move || {
            let points = data.points;
            epoch.orders.clear();
            for mut generator in generators {
                let start = epoch.orders.len();
                epoch.orders.extend(0..points as u32);
                epoch.orders[start..].shuffle(&mut generator);
            }
            let orders = std::mem::take(&mut epoch.orders);
            data.permuted(&orders, layout, &mut epoch);
            epoch.orders = orders;
            epoch
        })
    }

    fn shuffle_state(&self) -> Option<MutexGuard<'_, Shuffle>> {
        Some(lock(self.shuffle.as_ref()?))
    }

    fn with_data(&self, data: Arc<MemberPoints>, device: &Device) -> Self {
        Self {
            data,
            batch_size: self.batch_size,
            layout: self.layout,
            // At the epoch this loader serves next, not the one it may be preparing.
            shuffle: self.shuffle_state().map(|state| {
                let ahead = usize::from(state.prepared.is_some());
                Shuffle::at(state.seeds.clone(), state.epoch - ahead)
            }),
            spare: Mutex::default(),
            device: device.clone(),
        }
    }
}

/// Shuffling and copying cannot panic half-way through: a poisoned lock still holds a whole
/// state.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

struct Batches<'a> {
    loader: &'a PopulationLoader,
    /// This epoch's shuffled copy, when the loader shuffles.
    shuffled: Option<EpochCopy>,
    /// Points per member served so far.
    served: usize,
}

impl Iterator for Batches<'_> {
    type Item = Result<PopulationBatch, DatasetError>;

    fn next(&mut self) -> Option<Self::Item> {
        let data = &self.loader.data;
        let start = self.served;
        if start >= data.points {
            return None;
        }
        let end = (start + self.loader.batch_size).min(data.points);
        self.served = end;
        let (device, layout) = (&self.loader.device, self.loader.layout);
        Some(Ok(match &self.shuffled {
            Some(epoch) => batch(
                positions(&epoch.inputs, 2, data, start..end, layout),
                positions(&epoch.targets, data.width, data, start..end, layout),
                [end - start, data.members, data.width],
                layout,
                device,
            ),
            None => data.batch_in_order(start..end, layout, device),
        }))
    }
}

impl Drop for Batches<'_> {
    fn drop(&mut self) {
        if let Some(epoch) = self.shuffled.take() {
            *lock(&self.loader.spare) = epoch;
        }
    }
}

impl DataLoaderIterator<PopulationBatch> for Batches<'_> {
    fn progress(&self) -> Progress {
        Progress::new(self.served, self.loader.data.points, None)
    }
}

impl DataLoader<PopulationBatch> for PopulationLoader {
    fn iter<'a>(&'a self) -> Box<dyn DataLoaderIterator<PopulationBatch> + 'a> {
        Box::new(Batches {
            loader: self,
            shuffled: self.next_epoch(),
            served: 0,
        })
    }

    /// Points per member: what one member sees in an epoch.
    fn num_items(&self) -> usize {
        self.data.points
    }

    fn to_device(&self, device: &Device) -> Arc<dyn DataLoader<PopulationBatch>> {
        Arc::new(self.with_data(self.data.clone(), device))
    }

    fn slice(&self, start: usize, end: usize) -> Arc<dyn DataLoader<PopulationBatch>> {
        let data = self.data.slice(start, end.min(self.data.points));
        Arc::new(self.with_data(Arc::new(data), &self.device))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(n: usize, offset: f64) -> LabeledPoints {
        LabeledPoints {
            points: (0..n).map(|i| [i as f64 + offset, -(i as f64)]).collect(),
            labels: (0..n).map(|i| (i % 2) as u8).collect(),
        }
    }

    fn epoch_inputs(loader: &PopulationLoader) -> Vec<Vec<f32>> {
        loader
            .iter()
            .map(|batch| {
                batch
                    .unwrap()
                    .inputs
                    .into_data()
                    .try_to_vec::<f32>()
                    .unwrap()
            })
            .collect()
    }

    #[test]
    fn each_member_is_shuffled_by_its_own_seed_and_alone_sees_the_same_batches() {
        let device = Device::flex();
        let (a, b) = (points(12, 0.0), points(12, 100.0));
        let both = Arc::new(MemberPoints::new(&[&a, &b], TargetEncoding::Signed));
        let loader = PopulationLoader::shuffled(both, 5, vec![7, 8], 0, &device);
        let alone = Arc::new(MemberPoints::new(&[&b], TargetEncoding::Signed));
        let solo = PopulationLoader::shuffled(alone, 5, vec![8], 0, &device);
        for _ in 0..3 {
            let together = epoch_inputs(&loader);
            let apart = epoch_inputs(&solo);
            // Batches of 5, 5 and 2 points per member.
            assert_eq!(
                together.iter().map(Vec::len).collect::<Vec<_>>(),
                vec![20, 20, 8]
            );
            // Members last: member 1's values are every second one.
            for (joint, single) in together.iter().zip(&apart) {
                let second: Vec<f32> = joint.iter().skip(1).step_by(2).copied().collect();
                assert_eq!(&second, single);
            }
        }
        // Every point once per epoch, in a different order each epoch.
        let first: Vec<f32> = epoch_inputs(&solo).concat();
        let second: Vec<f32> = epoch_inputs(&solo).concat();
        assert_ne!(first, second);
        let mut sorted = first.clone();
        sorted.sort_by(f32::total_cmp);
        let mut expected: Vec<f32> = b
            .points
            .iter()
            .flat_map(|p| [p[0] as f32, p[1] as f32])
            .collect();
        expected.sort_by(f32::total_cmp);
        assert_eq!(sorted, expected);
    }

    #[test]
    fn every_batch_keeps_each_points_target_beside_it() {
        let device = Device::flex();
        let sets = [points(12, 0.0), points(12, 100.0), points(12, 200.0)];
        let refs: Vec<&LabeledPoints> = sets.iter().collect();
        let data = Arc::new(MemberPoints::new(&refs, TargetEncoding::Signed));
        let loader = PopulationLoader::shuffled(data, 5, vec![1, 2, 3], 0, &device);
        for batch in loader.iter().chain(loader.iter()) {
            let batch = batch.unwrap();
            let [_, size, members] = batch.inputs.dims();
            assert_eq!(batch.targets.dims(), [1, size, 3]);
            let inputs = batch.inputs.into_data().try_to_vec::<f32>().unwrap();
            let targets = batch.targets.into_data().try_to_vec::<f32>().unwrap();
            for k in 0..size {
                for member in 0..members {
                    // Point i of member m is (i + 100 m, -i), labelled i % 2.
                    let x = inputs[k * members + member];
                    let y = inputs[(size + k) * members + member];
                    let row = x as usize - 100 * member;
                    assert_eq!(y, -(row as f32));
                    let signed = if row % 2 == 1 { 1.0 } else { -1.0 };
                    assert_eq!(targets[k * members + member], signed);
                }
            }
        }
    }

    #[test]
    fn both_layouts_serve_the_same_batches() {
        let device = Device::flex();
        let sets = [points(12, 0.0), points(12, 100.0), points(12, 200.0)];
        let refs: Vec<&LabeledPoints> = sets.iter().collect();
        let data = Arc::new(MemberPoints::new(&refs, TargetEncoding::Signed));
        let loader = |layout| {
            PopulationLoader::shuffled(data.clone(), 5, vec![1, 2, 3], 0, &device).in_layout(layout)
        };
        let (first, last) = (loader(Layout::MembersFirst), loader(Layout::MembersLast));
        for _ in 0..2 {
            for (a, b) in first.iter().zip(last.iter()) {
                let (a, b) = (a.unwrap(), b.unwrap());
                assert_eq!(
                    (a.layout, b.layout),
                    (Layout::MembersFirst, Layout::MembersLast)
                );
                let host = |t: Tensor<3>| t.into_data().try_to_vec::<f32>().unwrap();
                assert_eq!(host(a.inputs), host(b.inputs.permute([2, 1, 0])));
                assert_eq!(host(a.targets), host(b.targets.permute([2, 1, 0])));
            }
        }
    }

    #[test]
    fn a_loader_started_at_epoch_k_serves_the_uninterrupted_orders() {
        let device = Device::flex();
        let data = Arc::new(MemberPoints::new(
            &[&points(9, 0.0)],
            TargetEncoding::Signed,
        ));
        let whole = PopulationLoader::shuffled(data.clone(), 4, vec![3], 0, &device);
        let orders: Vec<_> = (0..4).map(|_| epoch_inputs(&whole)).collect();
        let resumed = PopulationLoader::shuffled(data, 4, vec![3], 2, &device).to_device(&device);
        let later: Vec<_> = (0..2)
            .map(|_| {
                resumed
                    .iter()
                    .map(|b| b.unwrap().inputs.into_data().try_to_vec::<f32>().unwrap())
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(later, orders[2..]);
    }
}
