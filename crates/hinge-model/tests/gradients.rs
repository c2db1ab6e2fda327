//! The losses' gradients through burn's autodiff against the analytic derivative, on both sides
//! of the hinge's kink at t * y = 1, and of the logistic loss's clipping there.

use burn::tensor::{Device, Tensor, TensorData};
use hinge_model::{CategoricalHingeLoss, HingeLoss, LogisticLoss, Reduction, SquaredHingeLoss};

// t * y ranges over 0.25 .. 1.75, never exactly 1 where the derivative is undefined.
const TARGETS: [f32; 6] = [1.0, 1.0, 1.0, -1.0, -1.0, -1.0];
const PREDICTIONS: [f32; 6] = [0.25, 0.9, 1.75, -0.25, -0.95, -1.5];

fn analytic_hinge(t: f32, y: f32) -> f32 {
    if t * y < 1.0 { -t } else { 0.0 }
}

fn analytic_squared_hinge(t: f32, y: f32) -> f32 {
    2.0 * (1.0 - t * y).max(0.0) * -t
}

/// d/dy of -ln((1 + t y) / 2); zero where the probability is clipped at 1 (t * y >= 1).
fn analytic_logistic(t: f32, y: f32) -> f32 {
    if t * y < 1.0 { -t / (1.0 + t * y) } else { 0.0 }
}

fn gradients(loss: impl Fn(Tensor<2>, Tensor<2>) -> Tensor<1>) -> Vec<f32> {
    let device = Device::flex().autodiff();
    let n = PREDICTIONS.len();
    let predictions =
        Tensor::<2>::from_data(TensorData::new(PREDICTIONS.to_vec(), [n, 1]), &device)
            .require_grad();
    let targets = Tensor::<2>::from_data(TensorData::new(TARGETS.to_vec(), [n, 1]), &device);
    let grads = loss(predictions.clone(), targets).backward();
    predictions
        .grad(&grads)
        .expect("predictions take part in the loss")
        .into_data()
        .try_to_vec::<f32>()
        .unwrap()
}

fn assert_matches(got: &[f32], analytic: impl Fn(f32, f32) -> f32, scale: f32) {
    for ((g, &t), &y) in got.iter().zip(&TARGETS).zip(&PREDICTIONS) {
        let want = analytic(t, y) * scale;
        assert!(
            (g - want).abs() < 1e-6,
            "t={t} y={y}: autodiff {g}, analytic {want}"
        );
    }
}

#[test]
fn hinge_gradient_is_minus_t_inside_the_margin_and_zero_outside() {
    let sum = gradients(|y, t| HingeLoss::new().forward(y, t, Reduction::Sum).unwrap());
    assert_matches(&sum, analytic_hinge, 1.0);
    // Both sides of the kink are present, so the test would catch a constant gradient.
    assert!(sum.contains(&0.0) && sum.iter().any(|g| *g != 0.0));
    let mean = gradients(|y, t| HingeLoss::new().forward(y, t, Reduction::Mean).unwrap());
    assert_matches(&mean, analytic_hinge, 1.0 / TARGETS.len() as f32);
}

#[test]
fn squared_hinge_gradient_is_linear_inside_the_margin_and_zero_outside() {
    let sum = gradients(|y, t| {
        SquaredHingeLoss::new()
            .forward(y, t, Reduction::Sum)
            .unwrap()
    });
    assert_matches(&sum, analytic_squared_hinge, 1.0);
    assert!(sum.contains(&0.0) && sum.iter().any(|g| *g != 0.0));
    let mean = gradients(|y, t| {
        SquaredHingeLoss::new()
            .forward(y, t, Reduction::Mean)
            .unwrap()
    });
    assert_matches(&mean, analytic_squared_hinge, 1.0 / TARGETS.len() as f32);
}

#[test]
fn logistic_gradient_shrinks_with_the_margin_and_is_zero_where_clipped() {
    let sum = gradients(|y, t| LogisticLoss::new().forward(y, t, Reduction::Sum).unwrap());
    assert_matches(&sum, analytic_logistic, 1.0);
    assert!(sum.contains(&0.0) && sum.iter().any(|g| *g != 0.0));
    // Unlike the hinge, a correct point inside the margin still pulls less the surer it is.
    assert!(sum[0].abs() > sum[1].abs());
}

#[test]
fn categorical_hinge_gradient_pulls_the_true_class_up_and_the_best_other_down() {
    let device = Device::flex().autodiff();
    // Row 0, true class 0 (loss 1 + 0.2 - 0.9 = 0.3): -1 on class 0, +1 on the best other, 1.
    // Row 1, true class 2 (loss 1 + 0.2 - 0.9 = 0.3): +1 on class 1, -1 on class 2.
    // Row 2, true class 0: Keras's `neg` is max(0 * 0.95, -0.5, -0.6) = 0, the true class's
    // own zeroed entry, so the loss is 1 - 0.95 = 0.05 and only the true class gets -1.
    let outputs = vec![0.9f32, 0.2, -0.1, -0.3, 0.2, 0.9, 0.95, -0.5, -0.6];
    let targets = vec![1.0f32, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0];
    let predictions =
        Tensor::<2>::from_data(TensorData::new(outputs, [3, 3]), &device).require_grad();
    let targets = Tensor::<2>::from_data(TensorData::new(targets, [3, 3]), &device);
    let grads = CategoricalHingeLoss::new()
        .forward(predictions.clone(), targets, Reduction::Sum)
        .unwrap()
        .backward();
    let got = predictions
        .grad(&grads)
        .unwrap()
        .into_data()
        .try_to_vec::<f32>()
        .unwrap();
    let want = [-1.0, 1.0, 0.0, 0.0, 1.0, -1.0, -1.0, 0.0, 0.0];
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() < 1e-6, "autodiff {got:?}, analytic {want:?}");
    }
}
