use burn::tensor::Tensor;
use hinge_data::{LabeledPoints, TargetEncoding};

use super::*;

fn points(n: usize, offset: f64) -> LabeledPoints {
    let xy: Vec<[f64; 2]> = (0..n).map(|i| [i as f64 + offset, -(i as f64)]).collect();
    LabeledPoints::from_xy(&xy, (0..n).map(|i| (i % 2) as u8).collect())
}

fn epoch_inputs(loader: &PopulationLoader) -> Vec<Vec<f32>> {
    loader
        .iter()
        .map(|batch| {
            batch
                .unwrap()
                .inputs
                .into_data()
                .try_to_vec::<f32>()
                .unwrap()
        })
        .collect()
}

#[test]
fn each_member_is_shuffled_by_its_own_seed_and_alone_sees_the_same_batches() {
    let device = Device::flex();
    let (a, b) = (points(12, 0.0), points(12, 100.0));
    let both = Arc::new(MemberPoints::new(&[&a, &b], TargetEncoding::Signed));
    let loader = PopulationLoader::shuffled(both, 5, vec![7, 8], 0, &device);
    let alone = Arc::new(MemberPoints::new(&[&b], TargetEncoding::Signed));
    let solo = PopulationLoader::shuffled(alone, 5, vec![8], 0, &device);
    for _ in 0..3 {
        let together = epoch_inputs(&loader);
        let apart = epoch_inputs(&solo);
        // Batches of 5, 5 and 2 points per member.
        assert_eq!(
            together.iter().map(Vec::len).collect::<Vec<_>>(),
            vec![20, 20, 8]
        );
        // Members last: member 1's values are every second one.
        for (joint, single) in together.iter().zip(&apart) {
            let second: Vec<f32> = joint.iter().skip(1).step_by(2).copied().collect();
            assert_eq!(&second, single);
        }
    }
    // Every point once per epoch, in a different order each epoch.
    let first: Vec<f32> = epoch_inputs(&solo).concat();
    let second: Vec<f32> = epoch_inputs(&solo).concat();
    assert_ne!(first, second);
    let mut sorted = first.clone();
    sorted.sort_by(f32::total_cmp);
    let mut expected: Vec<f32> = b.features.iter().map(|&x| x as f32).collect();
    expected.sort_by(f32::total_cmp);
    assert_eq!(sorted, expected);
}

#[test]
fn every_batch_keeps_each_points_target_beside_it() {
    let device = Device::flex();
    let sets = [points(12, 0.0), points(12, 100.0), points(12, 200.0)];
    let refs: Vec<&LabeledPoints> = sets.iter().collect();
    let data = Arc::new(MemberPoints::new(&refs, TargetEncoding::Signed));
    let loader = PopulationLoader::shuffled(data, 5, vec![1, 2, 3], 0, &device);
    for batch in loader.iter().chain(loader.iter()) {
        let batch = batch.unwrap();
        let [_, size, members] = batch.inputs.dims();
        assert_eq!(batch.targets.dims(), [1, size, 3]);
        let inputs = batch.inputs.into_data().try_to_vec::<f32>().unwrap();
        let targets = batch.targets.into_data().try_to_vec::<f32>().unwrap();
        for k in 0..size {
            for member in 0..members {
                // Point i of member m is (i + 100 m, -i), labelled i % 2.
                let x = inputs[k * members + member];
                let y = inputs[(size + k) * members + member];
                let row = x as usize - 100 * member;
                assert_eq!(y, -(row as f32));
                let signed = if row % 2 == 1 { 1.0 } else { -1.0 };
                assert_eq!(targets[k * members + member], signed);
            }
        }
    }
}

#[test]
fn both_layouts_serve_the_same_batches() {
    let device = Device::flex();
    let sets = [points(12, 0.0), points(12, 100.0), points(12, 200.0)];
    let refs: Vec<&LabeledPoints> = sets.iter().collect();
    let data = Arc::new(MemberPoints::new(&refs, TargetEncoding::Signed));
    let loader = |layout| {
        PopulationLoader::shuffled(data.clone(), 5, vec![1, 2, 3], 0, &device).in_layout(layout)
    };
    let (first, last) = (loader(Layout::MembersFirst), loader(Layout::MembersLast));
    for _ in 0..2 {
        for (a, b) in first.iter().zip(last.iter()) {
            let (a, b) = (a.unwrap(), b.unwrap());
            assert_eq!(
                (a.layout, b.layout),
                (Layout::MembersFirst, Layout::MembersLast)
            );
            let host = |t: Tensor<3>| t.into_data().try_to_vec::<f32>().unwrap();
            assert_eq!(host(a.inputs), host(b.inputs.permute([2, 1, 0])));
            assert_eq!(host(a.targets), host(b.targets.permute([2, 1, 0])));
        }
    }
}

#[test]
fn a_loader_started_at_epoch_k_serves_the_uninterrupted_orders() {
    let device = Device::flex();
    let data = Arc::new(MemberPoints::new(
        &[&points(9, 0.0)],
        TargetEncoding::Signed,
    ));
    let whole = PopulationLoader::shuffled(data.clone(), 4, vec![3], 0, &device);
    let orders: Vec<_> = (0..4).map(|_| epoch_inputs(&whole)).collect();
    let resumed = PopulationLoader::shuffled(data, 4, vec![3], 2, &device).to_device(&device);
    let later: Vec<_> = (0..2)
        .map(|_| {
            resumed
                .iter()
                .map(|b| b.unwrap().inputs.into_data().try_to_vec::<f32>().unwrap())
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(later, orders[2..]);
}
