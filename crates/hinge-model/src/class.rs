//! The class rule, in one place: with one output its sign is the class (+1 above 0, -1 below,
//! and an output of exactly 0 has no sign and is never right); with one output per class the
//! largest output is the class.

use burn::tensor::Tensor;

/// 1 where a point is classified right, 0 where not.
///
/// # Shapes
/// - outputs, targets: `[..., points, outputs]`, targets -1/+1 in one column or one-hot
/// - result: `[..., points, 1]`
pub fn hits<const D: usize>(outputs: Tensor<D>, targets: Tensor<D>) -> Tensor<D> {
    let width = outputs.dims()[D - 1];
    if width == 1 {
        outputs.mul(targets).greater_elem(0.0).float()
    } else {
        outputs.argmax(D - 1).equal(targets.argmax(D - 1)).float()
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
    fn several_outputs_are_right_when_the_largest_is_the_one_hot_class() {
        // Largest outputs: class 1 (right), class 0 (wrong, target 2).
        let outputs = rows(&[-0.2, 0.7, 0.1, 0.5, -0.9, 0.4], 3);
        let targets = rows(&[0.0, 1.0, 0.0, 0.0, 0.0, 1.0], 3);
        assert_eq!(host(hits(outputs, targets)), vec![1.0, 0.0]);
    }
}
