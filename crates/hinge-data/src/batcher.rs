use burn::data::dataloader::batcher::Batcher;
use burn::tensor::{Device, Tensor, TensorData};

use crate::PointItem;

/// Inputs `[batch, 2]` and margin targets `[batch, 1]`.
#[derive(Debug, Clone)]
pub struct PointsBatch {
    pub inputs: Tensor<2>,
    pub targets: Tensor<2>,
}

/// Stacks [`PointItem`]s into one [`PointsBatch`] on the device the data loader asks for.
#[derive(Debug, Clone, Copy, Default)]
pub struct PointsBatcher;

impl Batcher<PointItem, PointsBatch> for PointsBatcher {
    fn batch(&self, items: Vec<PointItem>, device: &Device) -> PointsBatch {
        let batch = items.len();
        let points: Vec<f32> = items.iter().flat_map(|item| item.point).collect();
        let targets: Vec<f32> = items.iter().map(|item| item.target).collect();
        PointsBatch {
            inputs: Tensor::from_data(TensorData::new(points, [batch, 2]), device),
            targets: Tensor::from_data(TensorData::new(targets, [batch, 1]), device),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_are_inputs_by_2_and_targets_by_1() {
        let items = vec![
            PointItem {
                point: [1.0, 0.0],
                target: -1.0,
            },
            PointItem {
                point: [0.0, 0.1],
                target: 1.0,
            },
            PointItem {
                point: [-0.1, 0.0],
                target: 1.0,
            },
        ];
        let batch = PointsBatcher.batch(items, &Device::flex());
        assert_eq!(batch.inputs.dims(), [3, 2]);
        assert_eq!(batch.targets.dims(), [3, 1]);
        let inputs = batch.inputs.into_data().try_to_vec::<f32>().unwrap();
        assert_eq!(inputs, vec![1.0, 0.0, 0.0, 0.1, -0.1, 0.0]);
        let targets = batch.targets.into_data().try_to_vec::<f32>().unwrap();
        assert_eq!(targets, vec![-1.0, 1.0, 1.0]);
    }
}
