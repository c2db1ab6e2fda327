use burn::data::dataloader::batcher::Batcher;
use burn::tensor::{Device, Tensor, TensorData};

use crate::{PointItem, TargetEncoding};

/// Inputs `[batch, 2]` and targets `[batch, width]`: -1/+1 in one column, or one-hot.
#[derive(Debug, Clone)]
pub struct PointsBatch {
    pub inputs: Tensor<2>,
    pub targets: Tensor<2>,
}

/// Every member's batch at once, each member on its own points: inputs `[members, batch, 2]`,
/// targets `[members, batch, width]`.
#[derive(Debug, Clone)]
pub struct PopulationBatch {
    pub inputs: Tensor<3>,
    pub targets: Tensor<3>,
}

/// Stacks [`PointItem`]s into one [`PointsBatch`] on the device the data loader asks for,
/// encoding the labels as the loss needs them.
#[derive(Debug, Clone, Copy)]
pub struct PointsBatcher {
    encoding: TargetEncoding,
}

impl PointsBatcher {
    /// Items must have been checked against `encoding` (as [`crate::PointsDataset`]'s are).
    pub fn new(encoding: TargetEncoding) -> Self {
        Self { encoding }
    }
}

impl Batcher<PointItem, PointsBatch> for PointsBatcher {
    fn batch(&self, items: Vec<PointItem>, device: &Device) -> PointsBatch {
        let batch = items.len();
        let width = self.encoding.width();
        let points: Vec<f32> = items.iter().flat_map(|item| item.point).collect();
        let mut targets = Vec::with_capacity(batch * width);
        for item in &items {
            self.encoding.extend(item.label, &mut targets);
        }
        PointsBatch {
            inputs: Tensor::from_data(TensorData::new(points, [batch, 2]), device),
            targets: Tensor::from_data(TensorData::new(targets, [batch, width]), device),
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
                label: 0,
            },
            PointItem {
                point: [0.0, 0.1],
                label: 1,
            },
            PointItem {
                point: [-0.1, 0.0],
                label: 1,
            },
        ];
        let batcher = PointsBatcher::new(TargetEncoding::Signed);
        let batch = batcher.batch(items.clone(), &Device::flex());
        assert_eq!(batch.inputs.dims(), [3, 2]);
        assert_eq!(batch.targets.dims(), [3, 1]);
        let inputs = batch.inputs.into_data().try_to_vec::<f32>().unwrap();
        assert_eq!(inputs, vec![1.0, 0.0, 0.0, 0.1, -0.1, 0.0]);
        let targets = batch.targets.into_data().try_to_vec::<f32>().unwrap();
        assert_eq!(targets, vec![-1.0, 1.0, 1.0]);

        let one_hot = PointsBatcher::new(TargetEncoding::OneHot { classes: 2 });
        let batch = one_hot.batch(items, &Device::flex());
        assert_eq!(batch.targets.dims(), [3, 2]);
        let targets = batch.targets.into_data().try_to_vec::<f32>().unwrap();
        assert_eq!(targets, vec![1.0, 0.0, 0.0, 1.0, 0.0, 1.0]);
    }
}
