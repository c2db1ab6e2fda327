//! Adam, with burn's arithmetic, in one pass over each parameter where parameters live in host
//! memory.
//!
//! burn's `Adam` updates a parameter with thirteen tensor operations. On a CPU backend each
//! one costs a fixed few hundred nanoseconds before it touches a value, and the tutorial's
//! network has six parameter tensors of at most eight values: the update was a quarter of a
//! lone network's step. Here the same f32 operations run in the same order in one loop over
//! the values, so every weight, moment and checkpoint is bit for bit what burn's `Adam` gives
//! (a test holds it to that); on a GPU, where a read to the host costs more than any kernel,
//! burn's own `Adam` runs.

use burn::optim::{
    AdamConfig, AdamState, AdaptiveMomentumState, LearningRate, ModuleOptimizer, Optimizer,
};
use burn::tensor::{DType, Device, Tensor, TensorData};

/// Keras's Adam as burn computes it, without weight decay or AMSGrad (Keras's defaults).
#[derive(Clone)]
pub(crate) struct Adam {
    beta_1: f32,
    beta_2: f32,
    epsilon: f32,
    /// Update on the host; else through burn's `Adam`, for devices whose memory is not the
    /// host's.
    host: bool,
    /// burn's own, with the same settings.
    tensors: burn::optim::Adam,
}

impl Adam {
    /// The optimizer for parameters on `device` (plain or autodiff).
    pub(crate) fn for_device(beta_1: f32, beta_2: f32, epsilon: f32, device: &Device) -> Self {
        Self {
            beta_1,
            beta_2,
            epsilon,
            host: in_host_memory(device),
            tensors: AdamConfig::new()
                .with_beta_1(beta_1)
                .with_beta_2(beta_2)
                .with_epsilon(epsilon)
                .build(),
        }
    }

    /// As burn's Learner takes an optimizer.
    pub(crate) fn init(self) -> ModuleOptimizer {
        ModuleOptimizer::from(self)
    }
}

impl Optimizer for Adam {
    /// burn's, so the checkpoints' optimizer files are those burn's `Adam` writes and reads.
    type State<const D: usize> = AdamState<D>;

    fn step<const D: usize>(
        &self,
        lr: LearningRate,
        tensor: Tensor<D>,
        grad: Tensor<D>,
        state: Option<Self::State<D>>,
    ) -> (Tensor<D>, Option<Self::State<D>>) {
        let amsgrad = state
            .as_ref()
            .is_some_and(|s| s.momentum.max_moment_2.is_some());
        if !self.host || amsgrad || tensor.dtype() != DType::F32 || grad.dtype() != DType::F32 {
            return self.tensors.step(lr, tensor, grad, state);
        }
        let device = tensor.device();
        let shape = tensor.shape();
        let mut weights = host(tensor);
        let grad = host(grad);
        let (time, mut moment_1, mut moment_2) = match state {
            Some(AdamState { momentum }) => (
                momentum.time + 1,
                host(momentum.moment_1),
                host(momentum.moment_2),
            ),
            None => (1, vec![0.0; grad.len()], vec![0.0; grad.len()]),
        };
        // Each line is one of burn's tensor operations on f32 values, in its order; a scalar
        // reaches a kernel as f32, as burn converts it.
        let (beta_1, beta_2) = (self.beta_1, self.beta_2);
        let (factor_1, factor_2) = (1.0 - beta_1, 1.0 - beta_2);
        let bias_correction2_sqrt = (1.0 - beta_2.powi(time as i32)).sqrt();
        let combined_factor = bias_correction2_sqrt / (1.0 - beta_1.powi(time as i32));
        let epsilon = self.epsilon * bias_correction2_sqrt;
        let lr = lr as f32;
        let first = time == 1;
        for (((w, &g), m1), m2) in weights
            .iter_mut()
            .zip(&grad)
            .zip(&mut moment_1)
            .zip(&mut moment_2)
        {
            // burn starts the moments from the gradient's terms alone: adding a zero moment
            // would turn a -0 into +0.
            if first {
                *m1 = g * factor_1;
                *m2 = (g * g) * factor_2;
            } else {
                *m1 = *m1 * beta_1 + g * factor_1;
                *m2 = *m2 * beta_2 + (g * g) * factor_2;
            }
            let update = (*m1 * combined_factor) / (m2.sqrt() + epsilon);
            *w -= update * lr;
        }
        let tensor =
            |values: Vec<f32>| Tensor::from_data(TensorData::new(values, shape.clone()), &device);
        let momentum = AdaptiveMomentumState::new(time, tensor(moment_1), tensor(moment_2));
        (tensor(weights), Some(AdamState::new(momentum)))
    }

    fn to_device<const D: usize>(state: Self::State<D>, device: &Device) -> Self::State<D> {
        burn::optim::Adam::to_device(state, device)
    }
}

/// A tensor's values, read to the host.
fn host<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
    tensor
        .into_data()
        .try_into_vec::<f32>()
        .expect("an f32 tensor reads as f32 values")
}

/// Whether `device`'s tensors live in host memory, where reading them costs a copy at most.
fn in_host_memory(device: &Device) -> bool {
    let plain = device.clone().inner();
    #[cfg(feature = "flex")]
    if plain == Device::flex() {
        return true;
    }
    #[cfg(feature = "ndarray")]
    #[allow(deprecated)]
    if plain == Device::ndarray() {
        return true;
    }
    let _ = plain;
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::Distribution;

    /// Steps burn's Adam and ours side by side on the same gradients, which include zeros,
    /// tiny and huge values, NaN and an infinity, and checks every weight and moment bit for
    /// bit.
    #[test]
    fn every_step_is_bit_for_bit_burns_adam() {
        let device = Device::flex();
        let (beta_1, beta_2, epsilon) = (0.9, 0.999, 1e-7);
        let ours = Adam::for_device(beta_1, beta_2, epsilon, &device);
        assert!(ours.host, "flex's tensors are in host memory");
        let burns = AdamConfig::new()
            .with_beta_1(beta_1)
            .with_beta_2(beta_2)
            .with_epsilon(epsilon)
            .build();
        let shape = [3, 4, 5];
        let start = Tensor::<3>::random(shape, Distribution::Normal(0.0, 1.0), &device);
        let (mut a, mut b) = (start.clone(), start);
        let (mut state_a, mut state_b) = (None, None);
        for step in 0..25 {
            let mut grad: Vec<f32> =
                Tensor::<3>::random(shape, Distribution::Normal(0.0, 1.0), &device)
                    .into_data()
                    .try_into_vec()
                    .unwrap();
            grad[step % 60] = 0.0;
            grad[(step * 7 + 1) % 60] = 1e-30;
            grad[(step * 11 + 2) % 60] = 3e15;
            // A diverging network's gradients: one NaN and one infinity, late in the run.
            if step == 20 {
                grad[5] = f32::NAN;
                grad[6] = f32::NEG_INFINITY;
            }
            let grad = Tensor::<3>::from_data(TensorData::new(grad, shape), &device);
            (a, state_a) = Optimizer::step(&ours, 0.03, a, grad.clone(), state_a);
            (b, state_b) = Optimizer::step(&burns, 0.03, b, grad, state_b);
            let bits = |t: &Tensor<3>| -> Vec<u32> {
                host(t.clone()).into_iter().map(f32::to_bits).collect()
            };
            assert_eq!(bits(&a), bits(&b), "weights after step {step}");
            let (ma, mb) = (
                &state_a.as_ref().unwrap().momentum,
                &state_b.as_ref().unwrap().momentum,
            );
            assert_eq!(ma.time, mb.time);
            assert_eq!(
                bits(&ma.moment_1),
                bits(&mb.moment_1),
                "first moment, step {step}"
            );
            assert_eq!(
                bits(&ma.moment_2),
                bits(&mb.moment_2),
                "second moment, step {step}"
            );
        }
    }
}
