//! The project's own data loader: every member's batch of a population in one tensor, each
//! member shuffled by its own seed. A solo run is a population of one and goes through the same
//! loader, so member i of a population sees exactly the batches its solo run sees.

mod member_points;
mod shuffle;

use std::sync::{Arc, Mutex, MutexGuard};

use burn::data::dataloader::{DataLoader, DataLoaderIterator, Progress};
use burn::data::dataset::DatasetError;
use burn::tensor::Device;
use hinge_data::{Layout, PopulationBatch};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

pub use member_points::MemberPoints;
use member_points::{EpochCopy, batch, positions};
use shuffle::Shuffle;

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
    /// on a thread of its own: a population's step keeps one core busy, and the copy of a large
    /// population is a noticeable share of an epoch (docs/speed.md), so it is made on another
    /// while this epoch trains. `None` for a loader that does not shuffle.
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
                positions(&epoch.inputs, data.features, data, start..end, layout),
                positions(&epoch.targets, data.width, data, start..end, layout),
                [end - start, data.members, data.features, data.width],
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
mod tests;
