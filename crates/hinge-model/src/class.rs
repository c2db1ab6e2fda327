//! The class rule, in one place: with one output its sign is the class (+1 above 0, -1 below,
//! and an output of exactly 0 has no sign and is never right); with one output per class the
//! largest output is the class.

use burn::tensor::Tensor;

/// Whether one output predicts the class of target +1 (label 1): it is above 0.
pub fn predicts_positive(output: f32) -> bool {
    output > 0.0
}

/// The target, -1 or +1, that one output predicts.
pub fn signed_class(output: f32) -> i8 {
    if predicts_positive(output) { 1 } else { -1 }
}

/// The class (label) one point's outputs predict: with one output 1 where it is above 0, else
/// 0; with several, the index of the largest. [`hits`] is the same rule on the device.
#[inline]
pub fn predicted_class(outputs: &[f32]) -> usize {
    match outputs {
        [single] => usize::from(predicts_positive(*single)),
        _ => outputs
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map_or(0, |(class, _)| class),
    }
}

/// The margin of one point's outputs for its class `label`: with one output t·f(x) (t = -1
/// for label 0, +1 for label 1), what the hinge pushes above 1; with one output per class the
/// class's own output less the largest other, what the categorical hinge pushes above 1.
/// Positive where the point is classified right.
pub fn margin(outputs: &[f32], label: u8) -> f64 {
    match outputs {
        [single] => f64::from(*single) * if label == 0 { -1.0 } else { 1.0 },
        _ => {
            let own = usize::from(label);
            let other = outputs
                .iter()
                .enumerate()
                .filter(|&(class, _)| class != own)
                .map(|(_, &value)| value)
                .fold(f32::NEG_INFINITY, f32::max);
            f64::from(outputs[own]) - f64::from(other)
        }
    }
}

/// Each point's [`margin`], from `outputs` (the model's, point after point, the same number a
/// point) and the points' `labels`.
pub fn margins<'a>(outputs: &'a [f32], labels: &'a [u8]) -> impl Iterator<Item = f64> + 'a {
    let each = outputs.len() / labels.len().max(1);
    outputs
        .chunks(each.max(1))
        .zip(labels)
        .map(|(out, &label)| margin(out, label))
}

/// 1 where a point is classified right, 0 where not.
///
/// # Shapes
/// - outputs, targets: `[..., points, outputs]`, targets -1/+1 in one column or one-hot
/// - result: `[..., points, 1]`
pub fn hits<const D: usize>(outputs: Tensor<D>, targets: Tensor<D>) -> Tensor<D> {
    hits_along(outputs, targets, D - 1)
}

/// [`hits`] with each point's outputs along `axis` (a population's training layout puts them
/// first); the result has 1 there.
pub(crate) fn hits_along<const D: usize>(
    outputs: Tensor<D>,
    targets: Tensor<D>,
    axis: usize,
) -> Tensor<D> {
    let width = outputs.dims()[axis];
    if width == 1 {
        outputs.mul(targets).greater_elem(0.0).float()
    } else {
        outputs.argmax(axis).equal(targets.argmax(axis)).float()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::{Device, TensorData};

    fn rows(values: &[f32], width: usize) -> Tensor<2> {
        Tensor::from_data(
            TensorData::new(values.to_vec(), [values.len() / width, width]),
            &Device::flex(),
        )
    }

    fn host(tensor: Tensor<2>) -> Vec<f32> {
        tensor.into_data().try_to_vec::<f32>().unwrap()
    }

    #[test]
    fn one_output_is_right_when_it_has_the_targets_sign() {
        // 0.4 -> +1 right, -0.2 -> -1 right, 0.9 vs -1 wrong, 0.0 has no sign.
        let outputs = rows(&[0.4, -0.2, 0.9, 0.0], 1);
        let targets = rows(&[1.0, -1.0, -1.0, 1.0], 1);
        assert_eq!(host(hits(outputs, targets)), vec![1.0, 1.0, 0.0, 0.0]);
    }

    #[test]
    fn the_host_rule_is_the_device_rule() {
        assert_eq!(predicted_class(&[0.4]), 1);
        assert_eq!(predicted_class(&[0.0]), 0);
        assert_eq!(predicted_class(&[-0.2, 0.7, 0.1]), 1);
        assert_eq!(
            (signed_class(0.4), signed_class(-0.2), signed_class(0.0)),
            (1, -1, -1)
        );
        let outputs = [-0.2, 0.7, 0.1, 0.5, -0.9, 0.4];
        let targets = [0.0, 1.0, 0.0, 0.0, 0.0, 1.0];
        let device_hits = host(hits(rows(&outputs, 3), rows(&targets, 3)));
        let host_hits: Vec<f32> = outputs
            .chunks(3)
            .zip(targets.chunks(3))
            .map(|(o, t)| f32::from(u8::from(predicted_class(o) == predicted_class(t))))
            .collect();
        assert_eq!(device_hits, host_hits);
    }

    #[test]
    fn several_outputs_are_right_when_the_largest_is_the_one_hot_class() {
        // Largest outputs: class 1 (right), class 0 (wrong, target 2).
        let outputs = rows(&[-0.2, 0.7, 0.1, 0.5, -0.9, 0.4], 3);
        let targets = rows(&[0.0, 1.0, 0.0, 0.0, 0.0, 1.0], 3);
        assert_eq!(host(hits(outputs, targets)), vec![1.0, 0.0]);
    }
}
