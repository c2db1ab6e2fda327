use super::*;

#[test]
fn every_epoch_gets_a_frame_and_short_runs_get_more() {
    assert_eq!(frames_per_epoch(30, 120), 1);
    assert_eq!(frames_per_epoch(24, 120), 1);
    assert_eq!(frames_per_epoch(2, 120), 12);
    assert_eq!(frames_per_epoch(1, 3), 3);
}

#[test]
fn inner_frames_fall_on_distinct_steps() {
    // For every (steps, frames) the inner frames of an epoch are frames - 1 distinct steps.
    for steps in 1..40usize {
        for frames in 1..=steps {
            let inner = (1..steps)
                .filter(|&within| {
                    let k = within * frames / steps;
                    k > 0 && within == (k * steps).div_ceil(frames)
                })
                .count();
            assert_eq!(inner, frames - 1, "steps {steps}, frames {frames}");
        }
    }
}

#[test]
fn frames_read_back_bit_for_bit() {
    // Values across f32's range, with long decimal expansions.
    let mut x = 0.1f32;
    let parameters: Vec<f32> = (0..2000)
        .map(|i| {
            x = f32::from_bits(x.to_bits().wrapping_mul(2_654_435_761).rotate_left(7))
                .clamp(-3e38, 3e38);
            if x.is_finite() { x } else { i as f32 / 7.0 }
        })
        .collect();
    let frames = vec![Frame {
        epoch: 1.0 / 3.0,
        parameters,
    }];
    let json = serde_json::to_vec(&FramesFile {
        frames: Cow::Borrowed(&frames),
    })
    .unwrap();
    let back = serde_json::from_slice::<FramesFile>(&json)
        .unwrap()
        .frames
        .into_owned();
    let bits = |f: &[Frame]| -> Vec<u32> { f[0].parameters.iter().map(|p| p.to_bits()).collect() };
    assert_eq!(bits(&back), bits(&frames));
    assert_eq!(back[0].epoch.to_bits(), frames[0].epoch.to_bits());
}

#[test]
fn parameters_go_back_where_they_came_from() {
    let config = crate::TrainingConfig::new().check().unwrap();
    let device = Device::flex();
    let a = config
        .model()
        .init_population(&[(hinge_model::LossKind::Hinge, 1)], &device);
    let b = config
        .model()
        .init_population(&[(hinge_model::LossKind::Hinge, 2)], &device);
    let values = parameters(&a).unwrap();
    assert_eq!(values.len(), 25);
    assert_eq!(parameter_count(&b), 25);
    assert_ne!(parameters(&b).unwrap(), values);
    let filled = b.map(&mut Fill {
        values: &values,
        at: 0,
    });
    assert_eq!(parameters(&filled).unwrap(), values);
}

#[test]
fn a_checkpoint_keeps_the_frames_up_to_its_epoch() {
    let dir = tempfile::tempdir().unwrap();
    let run = RunDir::new(dir.path());
    let config = crate::TrainingConfig::new().check().unwrap();
    let snapshots = Snapshots::new(&config, &run, 0);
    let at = |epoch: f64| Frame {
        epoch,
        parameters: vec![epoch as f32; 25],
    };
    snapshots.state.lock().unwrap().frames = vec![at(0.0), at(0.5), at(1.0), at(1.5)];
    snapshots.before_checkpoint(1);
    let epochs: Vec<f64> = saved_frames(&run)
        .unwrap()
        .iter()
        .map(|f| f.epoch)
        .collect();
    assert_eq!(epochs, vec![0.0, 0.5, 1.0]);
    snapshots.before_checkpoint(2);
    assert_eq!(saved_frames(&run).unwrap().len(), 4);
}
