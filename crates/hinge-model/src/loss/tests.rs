use super::*;
use burn::tensor::{Device, TensorData};

fn column(values: &[f32], device: &Device) -> Tensor<2> {
    Tensor::from_data(TensorData::new(values.to_vec(), [values.len(), 1]), device)
}

fn values<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
    tensor.into_data().try_to_vec::<f32>().unwrap()
}

fn assert_close(got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() < 1e-6, "got {got:?}, want {want:?}");
    }
}

// The tutorial's worked cases: (t, y) -> hinge, squared hinge.
const TARGETS: [f32; 4] = [1.0, 1.0, 1.0, -1.0];
const PREDICTIONS: [f32; 4] = [1.0, -1.0, 0.9, 0.5];
const HINGE: [f32; 4] = [0.0, 2.0, 0.1, 1.5];
const SQUARED: [f32; 4] = [0.0, 4.0, 0.01, 2.25];

#[test]
fn hinge_matches_the_worked_cases_with_each_reduction() {
    let device = Device::flex();
    let (y, t) = (column(&PREDICTIONS, &device), column(&TARGETS, &device));
    let loss = HingeLoss::new();
    let none = loss.forward_no_reduction(y.clone(), t.clone()).unwrap();
    assert_close(&values(none), &HINGE);
    let mean = loss.forward(y.clone(), t.clone(), Reduction::Mean).unwrap();
    assert_close(&values(mean), &[3.6 / 4.0]);
    let auto = loss.forward(y.clone(), t.clone(), Reduction::Auto).unwrap();
    assert_close(&values(auto), &[3.6 / 4.0]);
    let sum = loss.forward(y.clone(), t.clone(), Reduction::Sum).unwrap();
    assert_close(&values(sum), &[3.6]);
    let batch_mean = loss.forward(y, t, Reduction::BatchMean).unwrap();
    assert_close(&values(batch_mean), &[3.6 / 4.0]);
}

#[test]
fn squared_hinge_matches_the_worked_cases_with_each_reduction() {
    let device = Device::flex();
    let (y, t) = (column(&PREDICTIONS, &device), column(&TARGETS, &device));
    let loss = SquaredHingeLoss::new();
    let none = loss.forward_no_reduction(y.clone(), t.clone()).unwrap();
    assert_close(&values(none), &SQUARED);
    let mean = loss.forward(y.clone(), t.clone(), Reduction::Mean).unwrap();
    assert_close(&values(mean), &[6.26 / 4.0]);
    let sum = loss.forward(y, t, Reduction::Sum).unwrap();
    assert_close(&values(sum), &[6.26]);
}

#[test]
fn logistic_is_the_cross_entropy_of_the_true_class() {
    let device = Device::flex();
    let (y, t) = (column(&PREDICTIONS, &device), column(&TARGETS, &device));
    let loss = LogisticLoss::new();
    let none = values(loss.forward_no_reduction(y.clone(), t.clone()).unwrap());
    // p(true class) = 1, 0 (clipped to 1e-7), 0.95, 0.25.
    let want = [0.0, -(1e-7f64.ln()), -(0.95f64.ln()), -(0.25f64.ln())].map(|v| v as f32);
    for (g, w) in none.iter().zip(want) {
        assert!(
            (g - w).abs() < 1e-5 * w.max(1.0),
            "got {none:?}, want {want:?}"
        );
    }
    let mean = values(loss.forward(y, t, Reduction::Mean).unwrap())[0];
    assert!(
        (mean - want.iter().sum::<f32>() / 4.0).abs() < 1e-4,
        "{mean}"
    );
}

#[test]
fn categorical_hinge_is_keras_on_worked_rows() {
    let device = Device::flex();
    let rows = |values: &[f32]| {
        Tensor::<2>::from_data(
            TensorData::new(values.to_vec(), [values.len() / 3, 3]),
            &device,
        )
    };
    // Row 1: true class 0 at 0.9, best other 0.2 -> max(0, 1 + 0.2 - 0.9) = 0.3.
    // Row 2: true class 2 at -0.5, best other 0.6 -> 2.1.
    // Row 3: true class 1 at 0.8, others negative -> Keras's neg is max(0 * 0.8, -0.3, -0.9)
    //        = 0 (the true class's own product), so 1 + 0 - 0.8 = 0.2.
    let y = rows(&[0.9, 0.2, -0.1, 0.6, 0.1, -0.5, -0.3, 0.8, -0.9]);
    let t = rows(&[1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0]);
    let loss = CategoricalHingeLoss::new();
    let none = values(loss.forward_no_reduction(y.clone(), t.clone()).unwrap());
    assert_close(&none, &[0.3, 2.1, 0.2]);
    let mean = values(loss.forward(y.clone(), t, Reduction::Mean).unwrap());
    assert_close(&mean, &[2.6 / 3.0]);
    let err = loss
        .forward(
            y.clone(),
            rows(&[1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0]),
            Reduction::Mean,
        )
        .unwrap_err();
    assert_eq!(err, ModelError::NotOneHot(vec![1.0, 1.0, 0.0]));
    let err = loss
        .forward(
            y,
            rows(&[2.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0]),
            Reduction::Mean,
        )
        .unwrap_err();
    assert_eq!(err, ModelError::Target(2.0));
}

#[test]
fn two_class_losses_need_two_classes() {
    assert_eq!(LossKind::Hinge.encoding(2), Some(TargetEncoding::Signed));
    assert_eq!(LossKind::Logistic.encoding(3), None);
    assert_eq!(
        LossKind::CategoricalHinge.encoding(3),
        Some(TargetEncoding::OneHot { classes: 3 })
    );
}

#[test]
fn zero_one_targets_are_converted_like_keras() {
    let device = Device::flex();
    let y = column(&PREDICTIONS, &device);
    let zero_one = column(&[1.0, 1.0, 1.0, 0.0], &device);
    let none = HingeLoss::new().forward_no_reduction(y, zero_one).unwrap();
    assert_close(&values(none), &HINGE);
    let converted = signed_targets(column(&[0.0, 1.0, 0.0], &device)).unwrap();
    assert_close(&values(converted), &[-1.0, 1.0, -1.0]);
    let kept = signed_targets(column(&[-1.0, 1.0], &device)).unwrap();
    assert_close(&values(kept), &[-1.0, 1.0]);
}

#[test]
fn other_targets_are_rejected_naming_the_value() {
    let device = Device::flex();
    let y = column(&[0.5, 0.5, 0.5], &device);
    let err = HingeLoss::new()
        .forward(
            y.clone(),
            column(&[1.0, 2.0, -1.0], &device),
            Reduction::Mean,
        )
        .unwrap_err();
    assert_eq!(err, ModelError::Target(2.0));
    assert!(err.to_string().contains("target 2 "), "{err}");
    let err = SquaredHingeLoss::new()
        .forward(y.clone(), column(&[0.5, 1.0, 1.0], &device), Reduction::Sum)
        .unwrap_err();
    assert_eq!(err, ModelError::Target(0.5));
    // -1 and 0 together fit neither convention.
    let err = signed_targets(column(&[-1.0, 0.0, 1.0], &device)).unwrap_err();
    assert_eq!(err, ModelError::Target(0.0));
}

#[test]
fn loss_names_round_trip() {
    for kind in LossKind::TWO_CLASS {
        assert_eq!(kind.name().parse::<LossKind>(), Ok(kind));
    }
    assert_eq!(
        "categorical-hinge".parse::<LossKind>(),
        Ok(LossKind::CategoricalHinge)
    );
    let err = "crossentropy".parse::<LossKind>().unwrap_err();
    assert!(err.contains("crossentropy") && err.contains("logistic"));
}
