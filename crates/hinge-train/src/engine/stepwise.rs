//! A population trained epoch by epoch under its caller's control: played, paused, stepped one
//! epoch, restarted. The playground's page trains this way, since burn's `Learner` trains a
//! fixed number of epochs to the end. Each step is the `Learner`'s own: burn's
//! `Learner::train_step`, its learning-rate step and its optimizer step, on the set-up
//! [`super::setup`] gives the CLI's runs, so a member's weights after an epoch are those of the
//! same epoch through [`crate::train_population`].

use burn::data::dataloader::DataLoader;
use burn::module::Module;
use burn::tensor::Device;
use burn::train::Learner;
use hinge_data::{DataSplit, LabeledPoints};
use hinge_model::Population;

use super::options::POPULATION_LAYOUT;
use super::setup::{check, population, population_optimizer, training_loader};
use crate::artifacts::TestResult;
use crate::config::ValidTrainingConfig;
use crate::error::TrainError;
use crate::evaluate::evaluate_population;
use crate::loader::PopulationLoader;

/// Whether a [`StepwiseTrainer`] trains when asked: held, playing, or one epoch and then held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motion {
    Paused,
    Playing,
    OneEpoch,
}

/// A population in training, one epoch at a time.
pub struct StepwiseTrainer {
    configs: Vec<ValidTrainingConfig>,
    data: Vec<DataSplit>,
    loader: PopulationLoader,
    learner: Learner<Population>,
    epochs: usize,
    motion: Motion,
    device: Device,
}

impl StepwiseTrainer {
    /// The population of `configs` (member i: config i's loss and seed) on `data` (member i's
    /// split), paused before its first epoch. Checked as every population is: members share a
    /// step, and the estimate of its memory fits.
    pub fn new(
        configs: Vec<ValidTrainingConfig>,
        data: Vec<DataSplit>,
        device: &Device,
    ) -> Result<Self, TrainError> {
        check(&configs)?;
        let (loader, learner) = fresh(&configs, &data, device);
        Ok(Self {
            configs,
            data,
            loader,
            learner,
            epochs: 0,
            motion: Motion::Paused,
            device: device.clone(),
        })
    }

    /// Back to the networks and shuffles of epoch 0, paused.
    pub fn restart(&mut self) {
        (self.loader, self.learner) = fresh(&self.configs, &self.data, &self.device);
        self.epochs = 0;
        self.motion = Motion::Paused;
    }

    pub fn play(&mut self) {
        self.motion = Motion::Playing;
    }

    pub fn pause(&mut self) {
        self.motion = Motion::Paused;
    }

    /// Train one more epoch, then hold.
    pub fn step(&mut self) {
        self.motion = Motion::OneEpoch;
    }

    pub fn motion(&self) -> Motion {
        self.motion
    }

    /// One pass over every member's training points, each batch one step of the whole
    /// population; after a [`StepwiseTrainer::step`], the trainer holds again.
    pub fn epoch(&mut self) -> Result<usize, TrainError> {
        for batch in self.loader.iter() {
            let batch = batch.map_err(|err| TrainError::Training(err.to_string()))?;
            let output = self.learner.train_step(batch);
            self.learner.lr_step();
            self.learner.optimizer_step(output.grads);
        }
        self.epochs += 1;
        if self.motion == Motion::OneEpoch {
            self.motion = Motion::Paused;
        }
        Ok(self.epochs)
    }

    /// Epochs trained since the start.
    pub fn epochs(&self) -> usize {
        self.epochs
    }

    /// The population now, off the autodiff graph.
    pub fn model(&self) -> Population {
        self.learner.model().valid()
    }

    pub fn configs(&self) -> &[ValidTrainingConfig] {
        &self.configs
    }

    pub fn data(&self) -> &[DataSplit] {
        &self.data
    }

    /// Each member of `model` (this trainer's, from [`StepwiseTrainer::model`], taken once for
    /// every measure of one epoch) on `part` of its data: its training or test points.
    pub fn evaluate(
        &self,
        model: &Population,
        part: fn(&DataSplit) -> &LabeledPoints,
    ) -> Result<Vec<TestResult>, TrainError> {
        let sets: Vec<&LabeledPoints> = self.data.iter().map(part).collect();
        let encoding = self.configs[0].encoding();
        evaluate_population(model, &sets, encoding, &self.device.clone().inner())
    }
}

/// Epoch 0's loader and learner: the set-up every population trains from.
fn fresh(
    configs: &[ValidTrainingConfig],
    data: &[DataSplit],
    device: &Device,
) -> (PopulationLoader, Learner<Population>) {
    let autodiff = device.clone().autodiff();
    let loader = training_loader(configs, data, 0, POPULATION_LAYOUT, &autodiff);
    let model = population(configs, POPULATION_LAYOUT, None, device);
    let (optimizer, rate) = population_optimizer(configs, POPULATION_LAYOUT, device);
    let learner = Learner::new(model, optimizer, rate);
    (loader, learner)
}
