use burn::tensor::{Tensor, TensorReadError};
use burn::train::metric::state::{FormatOptions, NumericMetricState};
use burn::train::metric::{
    Adaptor, Metric, MetricAttributes, MetricMetadata, MetricName, Numeric, NumericAttributes,
    NumericEntry, SerializedEntry,
};
use hinge_model::MarginOutput;

/// The share of samples classified right: with one output, whose output has the target's sign
/// (sign(y) == t for t in {-1, +1}); with one output per class, whose largest output is the
/// target's class.
///
/// The tutorial's "accuracy" came from old Keras, which rounded outputs; tf.keras's default
/// accuracy thresholds at 0.5 and so is wrong for -1/+1 targets. An output of exactly 0 has no
/// sign and counts as wrong.
#[derive(Clone)]
pub struct SignAccuracyMetric {
    name: MetricName,
    state: NumericMetricState,
}

/// Raw outputs and targets, both `[batch, 1]` (-1/+1) or both `[batch, classes]` (one-hot).
pub struct SignAccuracyInput {
    outputs: Tensor<2>,
    targets: Tensor<2>,
}

impl SignAccuracyInput {
    pub fn new(outputs: Tensor<2>, targets: Tensor<2>) -> Self {
        Self { outputs, targets }
    }
}

impl Default for SignAccuracyMetric {
    fn default() -> Self {
        Self::new()
    }
}

impl SignAccuracyMetric {
    pub fn new() -> Self {
        Self {
            name: MetricName::new("Accuracy".to_string()),
            state: NumericMetricState::default(),
        }
    }
}

impl Metric for SignAccuracyMetric {
    type Input = SignAccuracyInput;

    fn name(&self) -> MetricName {
        self.name.clone()
    }

    fn update(
        &mut self,
        input: &SignAccuracyInput,
        _metadata: &MetricMetadata,
    ) -> Result<SerializedEntry, TensorReadError> {
        let [batch, _] = input.outputs.dims();
        let correct = correct_predictions(input.outputs.clone(), input.targets.clone())
            .try_into_scalar::<f64>()?;
        self.state.update(100.0 * correct / batch as f64, batch);
        Ok(self.state.compute_update(self.format()))
    }

    fn compute(&mut self) -> Result<SerializedEntry, TensorReadError> {
        Ok(self.state.compute_final(self.format()))
    }

    fn clear(&mut self) {
        self.state.reset()
    }

    fn attributes(&self) -> MetricAttributes {
        NumericAttributes {
            unit: Some("%".to_string()),
            higher_is_better: true,
        }
        .into()
    }
}

/// How many rows of `outputs` the [`SignAccuracyMetric`] rule counts as right, as a one-element
/// tensor (read back by the caller, once).
pub fn correct_predictions(outputs: Tensor<2>, targets: Tensor<2>) -> Tensor<1> {
    let [_, width] = outputs.dims();
    if width == 1 {
        outputs.mul(targets).greater_elem(0.0).float().sum()
    } else {
        outputs.argmax(1).equal(targets.argmax(1)).float().sum()
    }
}

impl SignAccuracyMetric {
    fn format(&self) -> FormatOptions {
        FormatOptions::new(self.name()).unit("%").precision(2)
    }
}

impl Numeric for SignAccuracyMetric {
    fn value(&self) -> Option<NumericEntry> {
        Some(self.state.current_value())
    }

    fn running_value(&self) -> Option<NumericEntry> {
        Some(self.state.running_value())
    }

    fn final_value(&self) -> NumericEntry {
        self.state.final_value()
    }
}

impl Adaptor<SignAccuracyInput> for MarginOutput {
    fn adapt(&self) -> SignAccuracyInput {
        SignAccuracyInput::new(self.output.clone(), self.targets.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::data::dataloader::Progress;
    use burn::tensor::{Device, TensorData};

    fn column(values: &[f32]) -> Tensor<2> {
        Tensor::from_data(
            TensorData::new(values.to_vec(), [values.len(), 1]),
            &Device::flex(),
        )
    }

    fn metadata() -> MetricMetadata {
        MetricMetadata {
            progress: Progress::new(1, 1, None),
            iteration: Some(1),
            lr: None,
        }
    }

    #[test]
    fn counts_outputs_with_the_targets_sign_weighted_by_batch() {
        let mut metric = SignAccuracyMetric::new();
        // 0.4 -> +1 right, -0.2 -> -1 right, 0.9 vs -1 wrong, 0.0 has no sign: 2 of 4.
        let first = SignAccuracyInput::new(
            column(&[0.4, -0.2, 0.9, 0.0]),
            column(&[1.0, -1.0, -1.0, 1.0]),
        );
        metric.update(&first, &metadata()).unwrap();
        assert_eq!(metric.value().unwrap().current(), 50.0);
        // A second batch of 1, right: 3 of 5 over the epoch.
        let second = SignAccuracyInput::new(column(&[-0.7]), column(&[-1.0]));
        metric.update(&second, &metadata()).unwrap();
        metric.compute().unwrap();
        assert!((metric.final_value().current() - 60.0).abs() < 1e-9);
        metric.clear();
        let third = SignAccuracyInput::new(column(&[0.1]), column(&[1.0]));
        metric.update(&third, &metadata()).unwrap();
        assert_eq!(metric.final_value().current(), 100.0);
    }

    #[test]
    fn several_outputs_count_the_largest_against_the_one_hot_class() {
        let rows = |values: &[f32]| {
            Tensor::<2>::from_data(
                TensorData::new(values.to_vec(), [values.len() / 3, 3]),
                &Device::flex(),
            )
        };
        // Largest outputs: class 1 (right), class 0 (wrong, target 2).
        let outputs = rows(&[-0.2, 0.7, 0.1, 0.5, -0.9, 0.4]);
        let targets = rows(&[0.0, 1.0, 0.0, 0.0, 0.0, 1.0]);
        let mut metric = SignAccuracyMetric::new();
        metric
            .update(&SignAccuracyInput::new(outputs, targets), &metadata())
            .unwrap();
        assert_eq!(metric.value().unwrap().current(), 50.0);
    }
}
