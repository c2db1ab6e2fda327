//! Setting a population up, for both ways of training it: the checks that let members share a
//! step, every member's data, its training batches, and its networks on the autodiff device.

use std::sync::Arc;

use burn::optim::ModuleOptimizer;
use burn::tensor::Device;
use hinge_data::{DataSplit, LabeledPoints};
use hinge_model::{Layout, LossKind, Population, StepObserver};

use crate::adam::MemberRates;
use crate::config::ValidTrainingConfig;
use crate::error::TrainError;
use crate::evaluate::POPULATION_POINTS;
use crate::loader::{MemberPoints, PopulationLoader};
use crate::memory::MemoryEstimate;

/// Each member's data as its config generates it: the points its solo run trains on.
pub fn member_data(configs: &[ValidTrainingConfig]) -> Vec<DataSplit> {
    configs
        .iter()
        .map(ValidTrainingConfig::data_split)
        .collect()
}

/// Everything a population is checked for before it is set up: a shared step, and memory
/// enough by the estimate.
pub(crate) fn check(configs: &[ValidTrainingConfig]) -> Result<(), TrainError> {
    check_shared(configs)?;
    MemoryEstimate::of(configs).check_fits()
}

/// The first setting in which a member differs from member 0 that a shared step cannot allow.
fn check_shared(configs: &[ValidTrainingConfig]) -> Result<(), TrainError> {
    let Some(first) = configs.first() else {
        return Err(TrainError::EmptyPopulation);
    };
    let expected = shared_settings(first);
    for (member, config) in configs.iter().enumerate().skip(1) {
        for ((setting, value), (_, shared)) in shared_settings(config).into_iter().zip(&expected) {
            if &value != shared {
                return Err(TrainError::PopulationMismatch {
                    member,
                    setting,
                    value,
                    shared: shared.clone(),
                });
            }
        }
    }
    Ok(())
}

/// What every member of a population must share, each named as its error says it.
fn shared_settings(config: &ValidTrainingConfig) -> [(&'static str, String); 7] {
    let c = config.config();
    let m = &c.model;
    let features: Vec<&str> = m.features.iter().map(|f| f.name()).collect();
    [
        ("layer widths", format!("{:?}", config.model().widths())),
        // One design for every member: the population is built from member 0's. The
        // learning rate and the penalty are each member's own.
        (
            "network (features, activation, output)",
            format!("{}, {}, {}", features.join("+"), m.activation, m.output),
        ),
        (
            "split sizes (train, validation, test)",
            format!("{:?}", config.split().sizes()),
        ),
        ("epochs", c.epochs.to_string()),
        ("batch size", c.batch_size.to_string()),
        (
            "Adam settings (beta_1, beta_2, epsilon)",
            format!("{}, {}, {}", c.beta_1, c.beta_2, c.epsilon),
        ),
        ("target encoding", format!("{:?}", config.encoding())),
    ]
}

/// One split of every member (`part` of each member's data) as the loaders read it.
pub(crate) fn member_points(
    configs: &[ValidTrainingConfig],
    data: &[DataSplit],
    part: fn(&DataSplit) -> &LabeledPoints,
) -> Arc<MemberPoints> {
    let sets: Vec<&LabeledPoints> = data.iter().map(part).collect();
    Arc::new(MemberPoints::new(&sets, configs[0].encoding()))
}

/// The training batches: each member's own shuffle, fast-forwarded past `start` epochs.
pub(crate) fn training_loader(
    configs: &[ValidTrainingConfig],
    data: &[DataSplit],
    start: usize,
    layout: Layout,
    device: &Device,
) -> PopulationLoader {
    let points = member_points(configs, data, |d| &d.train);
    let seeds = configs.iter().map(|c| c.config().seed).collect();
    let batch_size = configs[0].config().batch_size;
    PopulationLoader::shuffled(points, batch_size, seeds, start, device).in_layout(layout)
}

/// The validation batches, in order, in as few batches as memory allows: all of a member's
/// points when they fit in [`POPULATION_POINTS`], never fewer than a training batch. The
/// metrics weight each batch by its size, so the epoch's figures do not depend on this.
pub(crate) fn validation_loader(
    configs: &[ValidTrainingConfig],
    data: &[DataSplit],
    layout: Layout,
    device: &Device,
) -> PopulationLoader {
    let points = member_points(configs, data, |d| &d.valid);
    let batch = (POPULATION_POINTS / configs.len().max(1))
        .min(points.points())
        .max(configs[0].config().batch_size);
    PopulationLoader::in_order(points, batch, device).in_layout(layout)
}

/// The population to train: member i from config i's loss and seed, on the autodiff device.
pub(crate) fn population(
    configs: &[ValidTrainingConfig],
    layout: Layout,
    watch: Option<Arc<dyn StepObserver>>,
    device: &Device,
) -> Population {
    // Parameters made on a plain device are not tracked, and forking them to the Learner's
    // autodiff device keeps them untracked: build them on the autodiff device directly.
    let model = networks(configs, layout, &device.clone().autodiff());
    match watch {
        Some(watch) => model.watched_by(watch),
        None => model,
    }
}

/// Member i's network from config i's loss and seed, laid out as `layout`, on `device`.
pub(crate) fn networks(
    configs: &[ValidTrainingConfig],
    layout: Layout,
    device: &Device,
) -> Population {
    let members: Vec<(LossKind, u64)> = configs
        .iter()
        .map(|c| (c.config().loss, c.config().seed))
        .collect();
    configs[0]
        .model()
        .init_population_in(layout, &members, device)
        .with_penalties(configs.iter().map(|c| c.model().penalty()).collect())
}

/// The optimizer of `configs` laid out as `layout`, and the learning rate to step it at: the
/// members' rate when they share one, else 1 with each member's own rate in the optimizer, so
/// that each member's update is multiplied by its rate alone, as in its solo run.
pub fn population_optimizer(
    configs: &[ValidTrainingConfig],
    layout: Layout,
    device: &Device,
) -> (ModuleOptimizer, f64) {
    let adam = configs[0].adam(device);
    let first = configs[0].config().learning_rate;
    if configs.iter().all(|c| c.config().learning_rate == first) {
        return (adam.init(), first);
    }
    let rates = MemberRates {
        rates: configs
            .iter()
            .map(|c| c.config().learning_rate as f32)
            .collect(),
        layout,
    };
    (adam.with_member_rates(rates).init(), 1.0)
}
