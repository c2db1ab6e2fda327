use burn::data::dataloader::batcher::Batcher;
use burn::tensor::{Device, Tensor, TensorData};
use hinge_data::{PointsBatcher, PointsDataset};
use hinge_model::Mlp;

use crate::{TestResult, TrainError, correct_predictions};

/// Points per forward pass when predicting, so a large grid or test set needs bounded memory.
const CHUNK: usize = 65_536;

/// The raw outputs of `model` for `points`, in order: one value per point, or one per class
/// and point (point-major) for a model with several outputs.
pub fn predict(model: &Mlp, points: &[[f32; 2]], device: &Device) -> Result<Vec<f32>, TrainError> {
    let mut outputs = Vec::with_capacity(points.len());
    for chunk in points.chunks(CHUNK) {
        let flat: Vec<f32> = chunk.iter().flatten().copied().collect();
        let input = Tensor::<2>::from_data(TensorData::new(flat, [chunk.len(), 2]), device);
        let output = model
            .forward(input)
            .into_data()
            .try_to_vec::<f32>()
            .map_err(|err| TrainError::Read(format!("{err:?}")))?;
        outputs.extend(output);
    }
    Ok(outputs)
}

/// The mean loss and accuracy of `model` on `dataset`, as Keras's `evaluate` reports them.
pub fn evaluate(
    model: &Mlp,
    dataset: &PointsDataset,
    device: &Device,
) -> Result<TestResult, TrainError> {
    let n = dataset.items().len();
    let mut loss = 0.0;
    let mut correct = 0.0;
    for chunk in dataset.items().chunks(CHUNK) {
        let batch = PointsBatcher::new(dataset.encoding()).batch(chunk.to_vec(), device);
        let output = model.forward(batch.inputs);
        let read = |err| TrainError::Read(format!("{err:?}"));
        // Each chunk's mean, weighted by its share: one chunk (any test set up to 65k points)
        // gives exactly the device's mean, as Keras reports it.
        let share = chunk.len() as f64 / n as f64;
        loss += share
            * model
                .loss
                .forward_signed(output.clone(), batch.targets.clone())
                .mean()
                .try_into_scalar::<f64>()
                .map_err(read)?;
        correct += correct_predictions(output, batch.targets)
            .try_into_scalar::<f64>()
            .map_err(read)?;
    }
    Ok(TestResult {
        loss,
        accuracy: correct / n as f64,
        samples: n,
    })
}
