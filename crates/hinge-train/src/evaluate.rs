use burn::tensor::{Device, Tensor, TensorData};
use hinge_data::PointsDataset;
use hinge_model::Mlp;

use crate::{TestResult, TrainError};

/// Points per forward pass when predicting, so a large grid or test set needs bounded memory.
const CHUNK: usize = 65_536;

/// The raw outputs of `model` for `points`, in order.
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

/// The mean loss and sign accuracy of `model` on `dataset`, as Keras's `evaluate` reports them.
pub fn evaluate(
    model: &Mlp,
    dataset: &PointsDataset,
    device: &Device,
) -> Result<TestResult, TrainError> {
    let items = dataset.items();
    let points: Vec<[f32; 2]> = items.iter().map(|item| item.point).collect();
    let outputs = predict(model, &points, device)?;
    let targets: Vec<f32> = items.iter().map(|item| item.target).collect();
    let n = items.len();
    let output = Tensor::<1>::from_data(TensorData::new(outputs.clone(), [n]), device);
    let target = Tensor::<1>::from_data(TensorData::new(targets.clone(), [n]), device);
    let loss = model
        .loss
        .forward_signed(output, target)
        .mean()
        .try_into_scalar::<f64>()
        .map_err(|err| TrainError::Read(format!("{err:?}")))?;
    let correct = outputs
        .iter()
        .zip(&targets)
        .filter(|(y, t)| *y * *t > 0.0)
        .count();
    Ok(TestResult {
        loss,
        accuracy: correct as f64 / n as f64,
        samples: n,
    })
}
