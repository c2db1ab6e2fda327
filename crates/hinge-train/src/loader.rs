//! The training data loader, made resumable.

use std::sync::Arc;

use burn::data::dataloader::{DataLoader, DataLoaderIterator};
use burn::tensor::Device;

/// burn's shuffling loader draws each epoch's order from one generator that advances once per
/// epoch, and the Learner forks a fresh copy of it when it moves the loader to its device. A run
/// resumed after epoch k must see the orders of epochs k+1, k+2, ... of the uninterrupted run,
/// so this wrapper lets the forked copy draw (and throw away) the first k orders first.
pub(crate) struct SkipEpochs<O> {
    inner: Arc<dyn DataLoader<O>>,
    epochs_done: usize,
}

impl<O: 'static> SkipEpochs<O> {
    pub(crate) fn wrap(
        inner: Arc<dyn DataLoader<O>>,
        epochs_done: usize,
    ) -> Arc<dyn DataLoader<O>> {
        Arc::new(Self { inner, epochs_done })
    }
}

impl<O: 'static> DataLoader<O> for SkipEpochs<O> {
    fn iter<'a>(&'a self) -> Box<dyn DataLoaderIterator<O> + 'a> {
        self.inner.iter()
    }

    fn num_items(&self) -> usize {
        self.inner.num_items()
    }

    fn to_device(&self, device: &Device) -> Arc<dyn DataLoader<O>> {
        let moved = self.inner.to_device(device);
        for _ in 0..self.epochs_done {
            // Creating the iterator draws the epoch's order; nothing is loaded.
            drop(moved.iter());
        }
        moved
    }

    fn slice(&self, start: usize, end: usize) -> Arc<dyn DataLoader<O>> {
        Self::wrap(self.inner.slice(start, end), self.epochs_done)
    }
}
