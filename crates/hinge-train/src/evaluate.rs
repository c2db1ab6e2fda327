use burn::tensor::{Device, Tensor, TensorData};
use hinge_data::{LabeledPoints, TargetEncoding};
use hinge_model::{Layout, Mlp, Population};

use crate::loader::MemberPoints;
use crate::{TestResult, TrainError};

/// Points per forward pass when predicting, so a large grid or test set needs bounded memory.
const CHUNK: usize = 65_536;

/// Points, over all members, per forward pass of a population: few enough to bound memory
/// (each point's hidden activations live until the pass ends), many enough that burn's fixed
/// cost per operation is small against the arithmetic.
pub(crate) const POPULATION_POINTS: usize = 1 << 20;

/// The raw outputs of `model` for `points` (row-major, [`Mlp::point_width`] values a point), in
/// order: one value per point, or one per class and point (point-major) for a model with
/// several outputs.
pub fn predict(model: &Mlp, points: &[f32], device: &Device) -> Result<Vec<f32>, TrainError> {
    let width = model.point_width();
    let mut outputs = Vec::with_capacity(points.len() / width);
    for chunk in points.chunks(CHUNK * width) {
        let shape = [chunk.len() / width, width];
        let input = Tensor::<2>::from_data(TensorData::new(chunk.to_vec(), shape), device);
        let output = model
            .forward(input)
            .into_data()
            .try_to_vec::<f32>()
            .map_err(|err| TrainError::Read(format!("{err:?}")))?;
        outputs.extend(output);
    }
    Ok(outputs)
}

/// The raw outputs of every member for its own points: `points` holds `per_member` points
/// (row-major, [`Population::point_width`] values a point) of member 0, then of member 1, ...;
/// the result is `[members, per_member, outputs]`, row-major.
/// Chunked over the points so a large population or point set needs bounded memory.
pub fn predict_population(
    model: &Population,
    points: &[f32],
    per_member: usize,
    device: &Device,
) -> Result<Vec<f32>, TrainError> {
    each_members_points(model, points, per_member, device, Population::forward_in)
}

/// [`predict_population`] before the output activation ([`Population::output_sums`]): the
/// same signs, so the same classes, without the activation's cost.
pub fn predict_population_sums(
    model: &Population,
    points: &[f32],
    per_member: usize,
    device: &Device,
) -> Result<Vec<f32>, TrainError> {
    each_members_points(
        model,
        points,
        per_member,
        device,
        Population::output_sums_in,
    )
}

fn each_members_points(
    model: &Population,
    points: &[f32],
    per_member: usize,
    device: &Device,
    forward: impl Fn(&Population, Tensor<3>, Layout) -> Tensor<3>,
) -> Result<Vec<f32>, TrainError> {
    let members = model.len();
    let columns = model.point_width();
    assert_eq!(
        points.len(),
        members * per_member * columns,
        "every member has per_member points"
    );
    let width = model.outputs();
    let (layout, widest) = model.inference_layout();
    // Members last, a layer's products are `widest` values a point before they are summed.
    let chunk = (POPULATION_POINTS / widest / members.max(1)).max(1);
    let mut outputs = vec![0.0; members * per_member * width];
    for start in (0..per_member).step_by(chunk) {
        let end = (start + chunk).min(per_member);
        let size = end - start;
        let mine = |m: usize| {
            &points[(m * per_member + start) * columns..(m * per_member + end) * columns]
        };
        let flat: Vec<f32> = match layout {
            Layout::MembersFirst => (0..members).flat_map(|m| mine(m).iter().copied()).collect(),
            Layout::MembersLast => {
                let mut flat = vec![0.0; columns * size * members];
                for m in 0..members {
                    for (p, point) in mine(m).chunks_exact(columns).enumerate() {
                        for (c, &value) in point.iter().enumerate() {
                            flat[(c * size + p) * members + m] = value;
                        }
                    }
                }
                flat
            }
        };
        let input = Tensor::<3>::from_data(
            TensorData::new(flat, layout.shape(members, size, columns)),
            device,
        );
        let output = forward(model, input, layout)
            .into_data()
            .try_to_vec::<f32>()
            .map_err(|err| TrainError::Read(format!("{err:?}")))?;
        for m in 0..members {
            let at = (m * per_member + start) * width;
            let into = &mut outputs[at..at + size * width];
            match layout {
                Layout::MembersFirst => {
                    into.copy_from_slice(&output[m * size * width..(m + 1) * size * width]);
                }
                Layout::MembersLast => {
                    for (p, values) in into.chunks_exact_mut(width).enumerate() {
                        for (k, value) in values.iter_mut().enumerate() {
                            *value = output[(k * size + p) * members + m];
                        }
                    }
                }
            }
        }
    }
    Ok(outputs)
}

/// Each member's mean loss and accuracy on its own test set, as Keras's `evaluate` reports
/// them, all members in each forward pass.
pub fn evaluate_population(
    model: &Population,
    tests: &[&LabeledPoints],
    encoding: TargetEncoding,
    device: &Device,
) -> Result<Vec<TestResult>, TrainError> {
    let data = MemberPoints::new(tests, encoding);
    let (members, n) = (data.members(), data.points());
    let chunk = (POPULATION_POINTS / members.max(1)).max(1);
    let mut loss = vec![0.0; members];
    let mut correct = vec![0.0; members];
    let read = |tensor: Tensor<1>| {
        tensor
            .try_to_vec_as::<f64>()
            .map_err(|err| TrainError::Read(format!("{err:?}")))
    };
    for start in (0..n).step_by(chunk) {
        let end = (start + chunk).min(n);
        // Members first, whatever the population's layout: each member's test pass is then
        // the arithmetic of its solo run's (`inference_layout`'s faster members-last sums
        // round differently), and a test set is a small share of the points a population is
        // measured on.
        let batch = data.batch_in_order(start..end, Layout::MembersFirst, device);
        let output = model.forward(batch.inputs);
        // Each chunk's mean, weighted by its share: one chunk (any test set of a small
        // population) gives exactly the device's mean, as Keras reports it.
        let share = (end - start) as f64 / n as f64;
        let measured = model.outcome(output, batch.targets, batch.layout);
        let losses = read(measured.losses())?;
        let hits = read(measured.correct())?;
        for member in 0..members {
            loss[member] += share * losses[member];
            correct[member] += hits[member];
        }
    }
    Ok((0..members)
        .map(|member| TestResult {
            loss: loss[member],
            accuracy: correct[member] / n as f64,
            samples: n,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::module::{Module, ModuleMapper, Param};
    use burn::tensor::Distribution;
    use hinge_model::{LossKind, MlpConfig};

    /// Random biases where there were zeros, so that a bias out of place shows.
    struct RandomBiases;

    impl ModuleMapper for RandomBiases {
        fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
            param.map(|tensor| match D {
                1 => Tensor::random(
                    tensor.dims(),
                    Distribution::Normal(0.0, 0.5),
                    &tensor.device(),
                ),
                _ => tensor,
            })
        }
    }

    /// Three networks of `hidden` on points of `width` features, each with its own weights and
    /// biases.
    fn networks(hidden: Vec<usize>, width: usize, device: &Device) -> Vec<Mlp> {
        let config = MlpConfig::new().with_hidden(hidden).check().unwrap();
        let config = config.with_inputs(width).unwrap();
        (0..3)
            .map(|seed| {
                config
                    .init(LossKind::Hinge, seed, device)
                    .map(&mut RandomBiases)
            })
            .collect()
    }

    #[test]
    fn every_member_predicts_its_own_points_as_its_solo_network_in_either_layout() {
        let device = Device::flex();
        // Layers of at most 8 weights are measured members last (the tutorial's, or one unit
        // on 5 features); 8 x 8, or 4 units on 5 features, are not.
        for (hidden, width, layout) in [
            (vec![4, 2], 2, Layout::MembersLast),
            (vec![1], 5, Layout::MembersLast),
            (vec![8, 8], 2, Layout::MembersFirst),
            (vec![8, 8], 7, Layout::MembersFirst),
        ] {
            let solos = networks(hidden.clone(), width, &device);
            let population = Population::stack(&solos);
            assert_eq!(population.inference_layout().0, layout, "{hidden:?}");
            assert_eq!(population.point_width(), width);
            let per_member = 37;
            let points: Vec<f32> = (0..3 * per_member * width)
                .map(|i| {
                    let t = i as f32 * 0.37;
                    t.sin() * 1.3 + (t * 1.7).cos()
                })
                .collect();
            let outputs = predict_population(&population, &points, per_member, &device).unwrap();
            let sums = predict_population_sums(&population, &points, per_member, &device).unwrap();
            for (m, solo) in solos.iter().enumerate() {
                let mine = m * per_member..(m + 1) * per_member;
                let rows = mine.start * width..mine.end * width;
                let expected = predict(solo, &points[rows], &device).unwrap();
                for ((&got, &sum), &want) in
                    outputs[mine.clone()].iter().zip(&sums[mine]).zip(&expected)
                {
                    assert!(
                        (got - want).abs() <= 1e-5,
                        "{hidden:?} member {m}: {got} vs {want}"
                    );
                    assert_eq!(
                        sum > 0.0,
                        want > 0.0,
                        "{hidden:?} member {m}: the sum's sign"
                    );
                }
            }
        }
    }
}
