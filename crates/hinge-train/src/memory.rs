//! How much memory a run will take, estimated from its configuration before anything is
//! allocated, so a run that cannot fit is refused in milliseconds instead of swapping for
//! minutes or being killed by the kernel half-way.

use hinge_data::available_memory;

use crate::{TrainError, ValidTrainingConfig};

/// Bytes per f32.
const F32: u64 = 4;
/// Copies of every parameter while training: the weights, their gradients, Adam's two moments,
/// the checkpointed record, and one spare for the optimizer's update.
const PARAMETER_COPIES: u64 = 6;
/// Copies of each layer's activations a step keeps: forward outputs, the autodiff graph's
/// saved inputs, and their gradients.
const ACTIVATION_COPIES: u64 = 3;

/// An estimate of a run's (or a population's) peak memory, by what holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MemoryEstimate {
    /// The generated points: f64 coordinates and labels, the split's copies, and the loader's
    /// f32 rows with their per-epoch shuffled copy.
    pub data: u64,
    /// Parameters, gradients, Adam's state and the checkpoint.
    pub network: u64,
    /// One training step's and one evaluation pass's activations.
    pub activations: u64,
}

impl MemoryEstimate {
    /// The estimate for training `configs` together as one population (one config: a solo run).
    pub fn of(configs: &[ValidTrainingConfig]) -> Self {
        configs
            .iter()
            .map(Self::of_one)
            .fold(Self::default(), |a, b| Self {
                data: a.data.saturating_add(b.data),
                network: a.network.saturating_add(b.network),
                activations: a.activations.saturating_add(b.activations),
            })
    }

    fn of_one(config: &ValidTrainingConfig) -> Self {
        let settings = config.config();
        let samples = config.data().samples() as u64;
        let width = config.data().width() as u64;
        let widths: Vec<u64> = config.model().widths().iter().map(|&w| w as u64).collect();
        let outputs = *widths.last().expect("a network has an output");
        // f64 features and a label byte, generated then copied into the split; f32 features
        // and the targets in the loader, twice (the rows and an epoch's shuffled copy).
        let data = samples
            .saturating_mul(2 * (8 * width + 1))
            .saturating_add(samples.saturating_mul(2 * F32 * (width + outputs)));
        let parameters: u64 = widths
            .windows(2)
            .map(|pair| pair[0].saturating_mul(pair[1]).saturating_add(pair[1]))
            .sum();
        let network = parameters.saturating_mul(PARAMETER_COPIES * F32);
        // The widest pass: a training batch, or an evaluation chunk (the validation or test
        // set, or a decision-grid chunk of up to 65,536 points).
        let (_, valid, test) = config.split().sizes();
        let pass = (settings.batch_size.max(valid).max(test).min(1 << 16)) as u64;
        let units: u64 = widths.iter().sum();
        let activations = pass
            .saturating_mul(units)
            .saturating_mul(ACTIVATION_COPIES * F32);
        Self {
            data,
            network,
            activations,
        }
    }

    pub fn total(&self) -> u64 {
        self.data
            .saturating_add(self.network)
            .saturating_add(self.activations)
    }

    /// `times` such runs at once.
    pub fn times(self, times: usize) -> Self {
        let times = times as u64;
        Self {
            data: self.data.saturating_mul(times),
            network: self.network.saturating_mul(times),
            activations: self.activations.saturating_mul(times),
        }
    }

    /// Refuses the run when the estimate exceeds the memory the machine has available now;
    /// where that cannot be read (no `/proc/meminfo`), nothing is refused.
    pub fn check_fits(&self) -> Result<(), TrainError> {
        match available_memory() {
            Some(available) if self.total() > available => Err(TrainError::TooLarge {
                data: self.data,
                network: self.network,
                activations: self.activations,
                available,
            }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TrainingConfig;
    use crate::error::human_bytes;
    use hinge_data::DataConfig;
    use hinge_model::MlpConfig;

    #[test]
    fn the_tutorial_run_is_small_and_huge_runs_are_estimated_huge() {
        let tutorial = TrainingConfig::new().check().unwrap();
        let small = MemoryEstimate::of(std::slice::from_ref(&tutorial));
        assert!(small.total() < 1 << 20, "{small:?}");
        // 10^10 weights between two hidden layers of 100,000.
        let wide = TrainingConfig::new()
            .with_model(MlpConfig::new().with_hidden(vec![100_000, 100_000]))
            .check()
            .unwrap();
        let wide = MemoryEstimate::of(std::slice::from_ref(&wide));
        assert!(wide.network > 200 << 30, "{}", human_bytes(wide.network));
        let many = TrainingConfig::new()
            .with_data(DataConfig::new().with_samples(20_000_000_000))
            .check()
            .unwrap();
        let many = MemoryEstimate::of(std::slice::from_ref(&many));
        assert!(many.data > 1 << 40, "{}", human_bytes(many.data));
        // A population adds up its members.
        assert_eq!(
            MemoryEstimate::of(&[tutorial.clone(), tutorial.clone()]),
            small.times(2)
        );
        assert_eq!(human_bytes(3 << 29), "1.5 GiB");
    }
}
