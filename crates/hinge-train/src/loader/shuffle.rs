//! Each member's shuffle, drawn as burn's own shuffling loader draws it.

use std::sync::Mutex;

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::member_points::EpochCopy;

/// Each member's shuffling generator as burn's own shuffling loader keeps it, positioned at
/// the start of `epoch` (0-based).
///
/// burn's `DataLoaderBuilder::shuffle(seed)` seeds a `StdRng` with the seed, forks it once
/// when the Learner moves the loader to its device, and forks that once per epoch to shuffle
/// the indices `0..n`. Doing the same here keeps every seed's batches those the tutorial's run
/// had on burn's loader, and fast-forwarding by whole epochs is what a resumed run needs.
pub(super) fn epoch_generators(seeds: &[u64], epoch: usize) -> Vec<StdRng> {
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
pub(super) struct Shuffle {
    pub(super) seeds: Vec<u64>,
    /// The epoch (0-based) the generators are positioned at: one past the epoch being
    /// prepared, when one is.
    pub(super) epoch: usize,
    pub(super) generators: Vec<StdRng>,
    /// The next epoch's copy, being made on a thread of its own while this one trains.
    pub(super) prepared: Option<std::thread::JoinHandle<EpochCopy>>,
}

impl Shuffle {
    pub(super) fn at(seeds: Vec<u64>, epoch: usize) -> Mutex<Self> {
        Mutex::new(Self {
            generators: epoch_generators(&seeds, epoch),
            seeds,
            epoch,
            prepared: None,
        })
    }
}
