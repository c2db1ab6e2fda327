use super::radii::RAY_STEPS;
use super::*;
use burn::module::Param;
use burn::nn::Linear;
use burn::tensor::{Tensor, TensorData};
use hinge_model::{LossKind, MlpConfig};

/// f(x, y) = tanh(10 x - 3): the boundary is the line x = 0.3, class +1 to its right.
fn vertical_boundary(device: &Device) -> Mlp {
    let model =
        MlpConfig::new()
            .with_hidden(vec![])
            .check()
            .unwrap()
            .init(LossKind::Hinge, 0, device);
    model.with_layer(
        0,
        Linear {
            weight: Param::from_tensor(Tensor::from_data(
                TensorData::new(vec![10.0f32, 0.0], [2, 1]),
                device,
            )),
            bias: Some(Param::from_tensor(Tensor::from_data(
                TensorData::new(vec![-3.0f32], [1]),
                device,
            ))),
        },
    )
}

#[test]
fn distances_and_margins_of_a_known_boundary() {
    let device = Device::flex();
    let model = vertical_boundary(&device);
    let points = [[1.0, 0.0], [0.5, 0.4], [0.0, 0.0], [-0.2, 0.5], [0.4, -1.0]];
    // The third point is labelled +1 but lies left of the line: classified wrong.
    let labels = [1, 1, 1, 0, 1];
    let analysis = MarginAnalysis::measure(&model, &points, &labels, &device).unwrap();
    let want = [0.7, 0.2, 0.3, 0.5, 0.1];
    for (got, want) in analysis.distances.iter().zip(want) {
        // A segment to the nearest other-class point may cross the line at a slant: never
        // shorter than the true distance.
        let got = got.expect("both classes are predicted");
        assert!(got >= want - 1e-6, "{got} vs {want}");
    }
    // [1, 0]'s nearest other-class point is [0, 0]: straight across, exact.
    assert!((analysis.distances[0].unwrap() - 0.7).abs() < 1e-6);
    let (mean, min, wrong) = analysis.margin_summary();
    let margins: Vec<f64> = [7.0f64, 2.0, -3.0, 5.0, 1.0]
        .iter()
        .map(|z| z.tanh())
        .collect();
    for (got, want) in analysis.margins.iter().zip(&margins) {
        assert!((got - want).abs() < 1e-6, "{got} vs {want}");
    }
    assert!((mean - margins.iter().sum::<f64>() / 5.0).abs() < 1e-6);
    assert!((min - (-3.0f64).tanh()).abs() < 1e-6);
    assert_eq!(wrong, 0.2);
    // [-0.2, 0.5] to [0.5, 0.4] crosses x = 0.3 at 5/7 of the way.
    let slanted = 5.0 / 7.0 * (0.7f64.powi(2) + 0.1f64.powi(2)).sqrt();
    assert!((analysis.mean_distance(0) - slanted).abs() < 1e-6);
}

#[test]
fn one_predicted_class_has_no_distances() {
    let device = Device::flex();
    let model = vertical_boundary(&device);
    let points = [[0.5, 0.0], [0.9, 0.9]];
    let analysis = MarginAnalysis::measure(&model, &points, &[1, 1], &device).unwrap();
    assert_eq!(analysis.distances, vec![None, None]);
    assert!(analysis.mean_distance(1).is_nan());
}

#[test]
fn rays_find_the_line_where_it_is_within_reach() {
    let device = Device::flex();
    let model = vertical_boundary(&device);
    let radii = boundary_radii(&model, 1.0, &device).unwrap();
    assert_eq!(radii.len(), RAYS);
    for (ray, radius) in radii.iter().enumerate() {
        let angle = std::f64::consts::TAU * ray as f64 / RAYS as f64;
        let expected = 0.3 / angle.cos();
        if angle.cos() > 0.0 && expected < 1.0 - 1.0 / RAY_STEPS as f64 {
            let radius = radius.unwrap_or_else(|| panic!("ray {ray} misses the line"));
            assert!((radius - expected).abs() < 1e-5, "ray {ray}: {radius}");
        } else if angle.cos() <= 0.0 {
            assert_eq!(*radius, None, "ray {ray} points away from the line");
        }
    }
}

#[test]
fn a_unit_silent_on_every_point_is_dead() {
    let device = Device::flex();
    let model =
        MlpConfig::new()
            .with_hidden(vec![2])
            .check()
            .unwrap()
            .init(LossKind::Hinge, 0, &device);
    // Unit 0 is x, alive for x > 0; unit 1 is -x - 5, below zero everywhere near the data.
    let model = model.with_layer(
        0,
        Linear {
            weight: Param::from_tensor(Tensor::from_data(
                TensorData::new(vec![1.0f32, -1.0, 0.0, 0.0], [2, 2]),
                &device,
            )),
            bias: Some(Param::from_tensor(Tensor::from_data(
                TensorData::new(vec![0.0f32, -5.0], [2]),
                &device,
            ))),
        },
    );
    let points = [[0.5, 0.0], [-1.0, 1.0], [1.0, -1.0]];
    assert_eq!(dead_units(&model, &points, &device).unwrap(), vec![1]);
    // On points where x <= 0 everywhere, unit 0 is dead too.
    assert_eq!(
        dead_units(&model, &[[-0.5, 0.3], [0.0, 1.0]], &device).unwrap(),
        vec![2]
    );
}
