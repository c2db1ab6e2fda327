//! Adam, with burn's arithmetic, in one pass over each parameter where parameters live in host
//! memory.
//!
//! burn's `Adam` updates a parameter with thirteen tensor operations. On a CPU backend each
//! one costs a fixed few hundred nanoseconds before it touches a value, and the tutorial's
//! network has six parameter tensors of at most eight values: the update was a quarter of a
//! lone network's step. Here the same f32 operations run in the same order in one loop over
//! the values, so every weight, moment and checkpoint is bit for bit what burn's `Adam` gives
//! (a test holds it to that); on a GPU, where a read to the host costs more than any kernel,
//! burn's own `Adam` runs. The moments stay in host memory between steps, so a step reads
//! the parameter and its gradient and writes the parameter, and nothing else; a checkpoint
//! records them as burn's `AdamState`, so the files are the ones burn's `Adam` writes.
//!
//! A population's members may each have their own learning rate. Adam is elementwise, so
//! member i's values stepped at its own rate are exactly its solo run's, on the host and on a
//! GPU alike.

use burn::optim::{
    AdamConfig, AdamState, AdaptiveMomentumState, LearningRate, ModuleOptimizer, Optimizer,
    RecordState, StateSink, StateSource,
};
use burn::tensor::{DType, Device, Shape, Tensor, TensorData};
use hinge_data::Layout;
use std::sync::Arc;

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
    /// Each member's learning rate, when the members have their own.
    rates: Option<Arc<MemberRates>>,
}

/// One learning rate per member of a population, each a factor of the step's learning rate
/// (the engine steps at 1 and puts each member's whole rate here), and where the members sit
/// in every parameter.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MemberRates {
    pub(crate) rates: Vec<f32>,
    pub(crate) layout: Layout,
}

impl MemberRates {
    /// Every rate times `lr`, each as the f32 a kernel multiplies by.
    fn scaled(&self, lr: LearningRate) -> Vec<f32> {
        let lr = lr as f32;
        self.rates.iter().map(|rate| rate * lr).collect()
    }
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
            rates: None,
        }
    }

    /// The same optimizer stepping member i of a population laid out as `layout` at
    /// `rates[i]` times the step's learning rate.
    pub(crate) fn with_member_rates(self, rates: MemberRates) -> Self {
        Self {
            rates: Some(Arc::new(rates)),
            ..self
        }
    }

    /// As burn's Learner takes an optimizer.
    pub(crate) fn init(self) -> ModuleOptimizer {
        ModuleOptimizer::from(self)
    }
}

/// One parameter's Adam state: host values where the update runs on the host, else burn's
/// (boxed: burn's tensors make it 896 bytes, moved on every step).
#[derive(Clone)]
pub(crate) enum Moments<const D: usize> {
    Host(HostMoments),
    Tensors(Box<AdamState<D>>),
}

/// burn's `AdaptiveMomentumState` with its moments in host memory, and where the parameter
/// lives, to record them as burn does.
#[derive(Clone)]
pub(crate) struct HostMoments {
    time: usize,
    moment_1: Vec<f32>,
    moment_2: Vec<f32>,
    shape: Shape,
    device: Device,
}

impl HostMoments {
    fn tensors<const D: usize>(&self) -> AdamState<D> {
        let tensor = |values: &[f32]| {
            Tensor::from_data(
                TensorData::new(values.to_vec(), self.shape.clone()),
                &self.device,
            )
        };
        AdamState::new(AdaptiveMomentumState::new(
            self.time,
            tensor(&self.moment_1),
            tensor(&self.moment_2),
        ))
    }
}

impl<const D: usize> Moments<D> {
    /// As burn's `AdamState`, for burn's `Adam` and its moves between devices.
    fn into_burns(self) -> AdamState<D> {
        match self {
            Moments::Host(host) => host.tensors(),
            Moments::Tensors(state) => *state,
        }
    }
}

impl<const D: usize> RecordState for Moments<D> {
    /// As burn's `AdamState`, leaf for leaf.
    fn state_flatten(&self, prefix: &str, out: &mut StateSink) {
        match self {
            Moments::Host(host) => host.tensors::<D>().state_flatten(prefix, out),
            Moments::Tensors(state) => state.state_flatten(prefix, out),
        }
    }

    /// A checkpoint's moments come back as burn's tensors; the next host step reads them.
    fn state_unflatten(prefix: &str, src: &mut StateSource, device: &Device) -> Option<Self> {
        AdamState::state_unflatten(prefix, src, device)
            .map(|state| Moments::Tensors(Box::new(state)))
    }
}

impl Adam {
    /// The rates of a parameter of `values` values, in runs whose rate is known up front, so
    /// each inner loop of the host step is as plain as the shared one: the rates, the run's
    /// length, and whether a run holds one value per member (members last: member i's rate
    /// is the i-th) or one member's block at one rate (members first, or one shared rate).
    fn rate_runs(&self, lr: LearningRate, values: usize) -> (Vec<f32>, usize, bool) {
        let Some(rates) = &self.rates else {
            return (vec![lr as f32], values.max(1), false);
        };
        let scaled = rates.scaled(lr);
        let members = scaled.len();
        assert_eq!(
            values % members,
            0,
            "every member has a share of each parameter"
        );
        match rates.layout {
            Layout::MembersLast => (scaled, members, true),
            Layout::MembersFirst => (scaled, values / members, false),
        }
    }

    /// burn's `Adam` step, operation for operation, with each member's update times its own
    /// rate: for devices whose memory is not the host's.
    fn tensor_step<const D: usize>(
        &self,
        rates: &MemberRates,
        lr: LearningRate,
        tensor: Tensor<D>,
        grad: Tensor<D>,
        state: Option<AdamState<D>>,
    ) -> (Tensor<D>, Option<AdamState<D>>) {
        let (beta_1, beta_2) = (self.beta_1, self.beta_2);
        let (time, moment_1, moment_2) = match state {
            Some(AdamState { momentum }) => (
                momentum.time + 1,
                momentum
                    .moment_1
                    .mul_scalar(beta_1)
                    .add(grad.clone().mul_scalar(1.0 - beta_1)),
                momentum
                    .moment_2
                    .mul_scalar(beta_2)
                    .add(grad.square().mul_scalar(1.0 - beta_2)),
            ),
            None => (
                1,
                grad.clone().mul_scalar(1.0 - beta_1),
                grad.square().mul_scalar(1.0 - beta_2),
            ),
        };
        let bias_correction2_sqrt = (1.0 - beta_2.powi(time as i32)).sqrt();
        let combined_factor = bias_correction2_sqrt / (1.0 - beta_1.powi(time as i32));
        let update = moment_1.clone().mul_scalar(combined_factor).div(
            moment_2
                .clone()
                .sqrt()
                .add_scalar(self.epsilon * bias_correction2_sqrt),
        );
        let mut shape = [1; D];
        shape[rates.layout.member_axis()] = rates.rates.len();
        let device = tensor.device();
        let rates = Tensor::<D>::from_data(TensorData::new(rates.scaled(lr), shape), &device);
        let state = AdaptiveMomentumState::new(time, moment_1, moment_2);
        (tensor - update.mul(rates), Some(AdamState::new(state)))
    }
}

impl Optimizer for Adam {
    /// Recorded as burn's `AdamState`, so the checkpoints' optimizer files are those burn's
    /// `Adam` writes and reads.
    type State<const D: usize> = Moments<D>;

    fn step<const D: usize>(
        &self,
        lr: LearningRate,
        tensor: Tensor<D>,
        grad: Tensor<D>,
        state: Option<Self::State<D>>,
    ) -> (Tensor<D>, Option<Self::State<D>>) {
        let amsgrad =
            matches!(&state, Some(Moments::Tensors(s)) if s.momentum.max_moment_2.is_some());
        if !self.host || amsgrad || tensor.dtype() != DType::F32 || grad.dtype() != DType::F32 {
            let state = state.map(Moments::into_burns);
            let (tensor, state) = match &self.rates {
                Some(rates) => self.tensor_step(rates, lr, tensor, grad, state),
                None => self.tensors.step(lr, tensor, grad, state),
            };
            return (tensor, state.map(|state| Moments::Tensors(Box::new(state))));
        }
        let device = tensor.device();
        let shape = tensor.shape();
        let mut weights = host(tensor);
        let grad = host(grad);
        let (time, mut moment_1, mut moment_2) = match state {
            Some(Moments::Host(host)) => (host.time + 1, host.moment_1, host.moment_2),
            Some(Moments::Tensors(state)) => {
                let AdamState { momentum } = *state;
                (
                    momentum.time + 1,
                    host(momentum.moment_1),
                    host(momentum.moment_2),
                )
            }
            None => (1, vec![0.0; grad.len()], vec![0.0; grad.len()]),
        };
        // Each line is one of burn's tensor operations on f32 values, in its order; a scalar
        // reaches a kernel as f32, as burn converts it.
        let (beta_1, beta_2) = (self.beta_1, self.beta_2);
        let (factor_1, factor_2) = (1.0 - beta_1, 1.0 - beta_2);
        let bias_correction2_sqrt = (1.0 - beta_2.powi(time as i32)).sqrt();
        let combined_factor = bias_correction2_sqrt / (1.0 - beta_1.powi(time as i32));
        let epsilon = self.epsilon * bias_correction2_sqrt;
        let first = time == 1;
        let step = |((w, &g), (m1, m2)): ((&mut f32, &f32), (&mut f32, &mut f32)), rate: f32| {
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
            *w -= update * rate;
        };
        let (rates, block, per_value) = self.rate_runs(lr, grad.len());
        let chunks = weights
            .chunks_mut(block)
            .zip(grad.chunks(block))
            .zip(moment_1.chunks_mut(block).zip(moment_2.chunks_mut(block)));
        for (index, ((w, g), (m1, m2))) in chunks.enumerate() {
            let values = w.iter_mut().zip(g).zip(m1.iter_mut().zip(m2.iter_mut()));
            if per_value {
                values
                    .zip(&rates)
                    .for_each(|(value, &rate)| step(value, rate));
            } else {
                let rate = rates[index % rates.len()];
                values.for_each(|value| step(value, rate));
            }
        }
        let updated = Tensor::from_data(TensorData::new(weights, shape.clone()), &device);
        let moments = HostMoments {
            time,
            moment_1,
            moment_2,
            shape,
            device,
        };
        (updated, Some(Moments::Host(moments)))
    }

    fn to_device<const D: usize>(state: Self::State<D>, device: &Device) -> Self::State<D> {
        if let Moments::Host(host) = &state
            && host.device == *device
        {
            return state;
        }
        let moved = burn::optim::Adam::to_device(state.into_burns(), device);
        Moments::Tensors(Box::new(moved))
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
            let Some(Moments::Host(host_moments)) = &state_a else {
                panic!("on flex the moments stay on the host");
            };
            let (ma, mb) = (
                &host_moments.tensors::<3>().momentum,
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

    /// Each member's values, stepped at the member's own rate, are bit for bit what a plain
    /// step at that rate gives them, in either layout, on the host and through tensors.
    #[test]
    fn each_member_steps_at_its_own_rate_as_it_would_alone() {
        let device = Device::flex();
        let rates = vec![0.003f32, 0.03, 0.1];
        for (layout, shape) in [
            (Layout::MembersLast, [2, 4, 3]),
            (Layout::MembersFirst, [3, 2, 4]),
        ] {
            let plain = Adam::for_device(0.9, 0.999, 1e-7, &device);
            let mixed = plain.clone().with_member_rates(MemberRates {
                rates: rates.clone(),
                layout,
            });
            let through_tensors = Adam {
                host: false,
                ..mixed.clone()
            };
            let start = Tensor::<3>::random(shape, Distribution::Normal(0.0, 1.0), &device);
            let (mut a, mut b) = (start.clone(), start.clone());
            let mut alone: Vec<Tensor<3>> = vec![start; 3];
            let (mut state_a, mut state_b) = (None, None);
            let mut states_alone = vec![None; 3];
            let member = |t: &Tensor<3>, m: usize| {
                host(t.clone().narrow(layout.member_axis(), m, 1))
                    .into_iter()
                    .map(f32::to_bits)
                    .collect::<Vec<u32>>()
            };
            for _ in 0..5 {
                let grad = Tensor::<3>::random(shape, Distribution::Normal(0.0, 1.0), &device);
                (a, state_a) = Optimizer::step(&mixed, 1.0, a, grad.clone(), state_a);
                (b, state_b) = Optimizer::step(&through_tensors, 1.0, b, grad.clone(), state_b);
                for (m, &rate) in rates.iter().enumerate() {
                    let (t, s) = Optimizer::step(
                        &plain,
                        rate as f64,
                        alone[m].clone(),
                        grad.clone(),
                        states_alone[m].take(),
                    );
                    (alone[m], states_alone[m]) = (t, s);
                    assert_eq!(member(&a, m), member(&alone[m], m), "{layout:?} {m}");
                    assert_eq!(member(&b, m), member(&alone[m], m), "{layout:?} {m}");
                }
            }
            assert!(matches!(state_b, Some(Moments::Tensors(_))));
        }
    }

    /// The moments a checkpoint records are burn's `AdamState`'s, leaf for leaf, and a run
    /// resumed from them steps on exactly as one that never stopped.
    #[test]
    fn host_moments_are_recorded_and_resumed_as_burns() {
        let device = Device::flex();
        let ours = Adam::for_device(0.9, 0.999, 1e-7, &device);
        let shape = [2, 3];
        let grad = |seed: f32| {
            let values: Vec<f32> = (0..6).map(|i| ((i as f32 + seed) * 1.7).sin()).collect();
            Tensor::<2>::from_data(TensorData::new(values, shape), &device)
        };
        let start = Tensor::<2>::random(shape, Distribution::Normal(0.0, 1.0), &device);
        let (mut weights, mut state) = (start, None);
        for step in 0..3 {
            (weights, state) = Optimizer::step(&ours, 0.03, weights, grad(step as f32), state);
        }
        let Some(Moments::Host(host_moments)) = &state else {
            panic!("on flex the moments stay on the host");
        };
        let leaves = |state: &dyn Fn(&mut StateSink)| {
            let mut sink = StateSink::default();
            state(&mut sink);
            let tensors: Vec<(String, Vec<u8>)> = sink
                .tensors
                .into_iter()
                .map(|(name, data)| (name, data.as_bytes().to_vec()))
                .collect();
            let scalars: Vec<String> = sink
                .scalars
                .iter()
                .map(|(name, value)| format!("{name}={value:?}"))
                .collect();
            (tensors, scalars)
        };
        // burn's optimizer hands every step's state to the parameter's autodiff device first.
        let moved = Adam::to_device(state.clone().unwrap(), &device.clone().autodiff());
        assert!(
            matches!(moved, Moments::Host(_)),
            "flex's moments stay on the host"
        );
        let burns = host_moments.tensors::<2>();
        let recorded = leaves(&|sink| state.as_ref().unwrap().state_flatten("p", sink));
        assert_eq!(recorded, leaves(&|sink| burns.state_flatten("p", sink)));
        assert!(
            recorded.0.len() == 2 && recorded.1.len() == 1,
            "{recorded:?}"
        );

        // Resume: the recorded leaves, read back, then two more steps either way.
        let mut sink = StateSink::default();
        state.as_ref().unwrap().state_flatten("p", &mut sink);
        let mut source = StateSource::new(sink.scalars.into_iter().collect());
        for (name, data) in sink.tensors {
            source.insert_tensor(name, data);
        }
        let mut resumed = Moments::<2>::state_unflatten("p", &mut source, &device);
        assert!(matches!(resumed, Some(Moments::Tensors(_))));
        let mut resumed_weights = weights.clone();
        for step in 3..5 {
            (weights, state) = Optimizer::step(&ours, 0.03, weights, grad(step as f32), state);
            (resumed_weights, resumed) =
                Optimizer::step(&ours, 0.03, resumed_weights, grad(step as f32), resumed);
        }
        let bits = |t: Tensor<2>| -> Vec<u32> { host(t).into_iter().map(f32::to_bits).collect() };
        assert_eq!(bits(weights), bits(resumed_weights));
    }
}
