//! The project's own data loader: every member's batch of a population in one tensor, each
//! member shuffled by its own seed. A solo run is a population of one and goes through the same
//! loader, so member i of a population sees exactly the batches its solo run sees.

use std::sync::{Arc, Mutex, MutexGuard};

use burn::data::dataloader::{DataLoader, DataLoaderIterator, Progress};
use burn::data::dataset::DatasetError;
use burn::tensor::{Device, Tensor, TensorData};
use hinge_data::{LabeledPoints, PopulationBatch, TargetEncoding};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

/// One split (training or validation) of every member, as f32 rows ready to batch.
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

    /// The points `range` of every member, as a batch.
    pub fn batch_in_order(
        &self,
        range: std::ops::Range<usize>,
        device: &Device,
    ) -> PopulationBatch {
        batch_of(&self.inputs, &self.targets, self, range, device)
    }

    /// Every member's points in the order `orders` gives (member after member, each a
    /// permutation of its rows): one epoch's shuffled copy, from which each batch is a
    /// contiguous slice per member.
    fn permuted(&self, orders: &[u32]) -> (Vec<f32>, Vec<f32>) {
        let (p, w) = (self.points, self.width);
        let mut inputs = vec![0.0; self.inputs.len()];
        let mut targets = vec![0.0; self.targets.len()];
        for (k, &row) in orders.iter().enumerate() {
            let at = (k / p) * p + row as usize;
            inputs[k * 2..k * 2 + 2].copy_from_slice(&self.inputs[at * 2..at * 2 + 2]);
            targets[k * w..k * w + w].copy_from_slice(&self.targets[at * w..at * w + w]);
        }
        (inputs, targets)
    }

    fn slice(&self, start: usize, end: usize) -> Self {
        let (n, w, p) = (self.members, self.width, self.points);
        let pick = |values: &[f32], per: usize| -> Vec<f32> {
            (0..n)
                .flat_map(|m| {
                    values[(m * p + start) * per..(m * p + end) * per]
                        .iter()
                        .copied()
                })
                .collect()
        };
        Self {
            inputs: pick(&self.inputs, 2),
            targets: pick(&self.targets, w),
            members: n,
            points: end - start,
            width: w,
        }
    }
}

/// The points `range` of every member out of `inputs` and `targets`, laid out as `data`'s.
fn batch_of(
    inputs: &[f32],
    targets: &[f32],
    data: &MemberPoints,
    range: std::ops::Range<usize>,
    device: &Device,
) -> PopulationBatch {
    let (n, p, w) = (data.members, data.points, data.width);
    let size = range.len();
    let mut batch_inputs = Vec::with_capacity(n * size * 2);
    let mut batch_targets = Vec::with_capacity(n * size * w);
    for member in 0..n {
        let (start, end) = (member * p + range.start, member * p + range.end);
        batch_inputs.extend_from_slice(&inputs[start * 2..end * 2]);
        batch_targets.extend_from_slice(&targets[start * w..end * w]);
    }
    PopulationBatch {
        inputs: Tensor::from_data(TensorData::new(batch_inputs, [n, size, 2]), device),
        targets: Tensor::from_data(TensorData::new(batch_targets, [n, size, w]), device),
    }
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
    /// The epoch (0-based) the generators are positioned at.
    epoch: usize,
    generators: Vec<StdRng>,
}

impl Shuffle {
    fn at(seeds: Vec<u64>, epoch: usize) -> Mutex<Self> {
        Mutex::new(Self {
            generators: epoch_generators(&seeds, epoch),
            seeds,
            epoch,
        })
    }
}

/// Yields `[members, batch, 2]` batches over one split of every member: shuffled per member and
/// epoch for training, in order for validation.
pub struct PopulationLoader {
    data: Arc<MemberPoints>,
    batch_size: usize,
    /// Each member's generator at the start of the next epoch, when the loader shuffles.
    shuffle: Option<Mutex<Shuffle>>,
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
            shuffle: Some(Shuffle::at(seeds, first_epoch)),
            device: device.clone(),
        }
    }

    pub fn in_order(data: Arc<MemberPoints>, batch_size: usize, device: &Device) -> Self {
        Self {
            data,
            batch_size,
            shuffle: None,
            device: device.clone(),
        }
    }

    /// Each member's row order for the next epoch, member after member; advances every
    /// member's generator by one epoch.
    fn next_orders(&self) -> Option<Vec<u32>> {
        let mut shuffle = self.shuffle_state()?;
        shuffle.epoch += 1;
        let points = self.data.points;
        let mut orders = Vec::with_capacity(shuffle.seeds.len() * points);
        for generator in shuffle.generators.iter_mut() {
            let start = orders.len();
            orders.extend(0..points as u32);
            orders[start..].shuffle(&mut generator.fork());
        }
        Some(orders)
    }

    fn shuffle_state(&self) -> Option<MutexGuard<'_, Shuffle>> {
        let shuffle = self.shuffle.as_ref()?;
        // Shuffling cannot panic half-way through; a poisoned lock still holds whole states.
        Some(
            shuffle
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }

    fn with_data(&self, data: Arc<MemberPoints>, device: &Device) -> Self {
        Self {
            data,
            batch_size: self.batch_size,
            shuffle: self
                .shuffle_state()
                .map(|state| Shuffle::at(state.seeds.clone(), state.epoch)),
            device: device.clone(),
        }
    }
}

struct Batches<'a> {
    loader: &'a PopulationLoader,
    /// This epoch's shuffled inputs and targets, when the loader shuffles.
    shuffled: Option<(Vec<f32>, Vec<f32>)>,
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
        let device = &self.loader.device;
        Some(Ok(match &self.shuffled {
            Some((inputs, targets)) => batch_of(inputs, targets, data, start..end, device),
            None => data.batch_in_order(start..end, device),
        }))
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
            shuffled: self.next_orders().map(|orders| self.data.permuted(&orders)),
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
            for (joint, single) in together.iter().zip(&apart) {
                assert_eq!(&joint[joint.len() / 2..], &single[..]);
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
