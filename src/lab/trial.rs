//! One finished run of the lab, and what is measured of it.

use burn::tensor::Device;
use hinge_data::{DataSplit, DatasetKind, Fold, LabeledPoints};
use hinge_model::{LossKind, Mlp, Population};
use hinge_train::{ValidTrainingConfig, exact_floats};
use serde::{Deserialize, Serialize};

use super::summary::mean_and_spread;
use crate::AppError;
use crate::margins::{MarginAnalysis, boundary_radii_all, dead_units_all};

/// How far from the origin [`crate::margins::boundary_radii`] looks: past the outer ring
/// (radius 1) with room for noisy points, so a boundary drawn around everything is still found.
const RAY_REACH: f64 = 1.5;

/// One finished run of the lab, reduced to what the tables and plots need: the one record of
/// a run, journaled as it is (a line of `progress.jsonl`, floats exact) and summed up in a row
/// of `runs.csv` ([`super::record::RunRow`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trial {
    pub loss: LossKind,
    pub seed: u64,
    #[serde(with = "exact_floats")]
    pub noise: f64,
    #[serde(with = "exact_floats")]
    pub factor: f64,
    /// Its Adam learning rate and weight penalties.
    #[serde(with = "exact_floats")]
    pub learning_rate: f64,
    #[serde(with = "exact_floats")]
    pub l1: f64,
    #[serde(with = "exact_floats")]
    pub l2: f64,
    /// On the test set, as `test.json` holds it.
    #[serde(with = "exact_floats")]
    pub test_loss: f64,
    #[serde(with = "exact_floats")]
    pub test_accuracy: f64,
    pub test_samples: usize,
    /// The last epoch's training accuracy.
    #[serde(with = "exact_floats")]
    pub train_accuracy: f64,
    #[serde(flatten)]
    pub margins: MarginAnalysis,
    /// The boundary's distance from the origin along each ray (see
    /// [`crate::margins::boundary_radii`]); empty for data sets other than circles.
    #[serde(with = "exact_floats")]
    pub radii: Vec<Option<f64>>,
    /// Per hidden layer, the units that output 0 on every training point.
    pub dead_units: Vec<usize>,
    /// Its loss stopped being a number; it trained no further and its figures are those of
    /// a broken network.
    pub diverged: bool,
    /// The cross-validation fold it tested on, if it was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fold: Option<Fold>,
}

/// What tells a lab's runs apart: loss, seed, noise, factor, learning rate, L1 and L2 (as
/// bits, so a key is exact), and the cross-validation fold (folds, fold, repeat), if any.
pub(crate) type RunKey = (LossKind, u64, [u64; 5], Option<(usize, usize, u64)>);

fn key(loss: LossKind, seed: u64, knobs: [f64; 5], fold: Option<Fold>) -> RunKey {
    let fold = fold.map(|f| (f.folds, f.fold, f.repeat));
    (loss, seed, knobs.map(f64::to_bits), fold)
}

/// The key of the run `config` describes.
pub(crate) fn run_key(config: &ValidTrainingConfig) -> RunKey {
    let c = config.config();
    let knobs = [
        c.data.noise,
        c.data.factor,
        c.learning_rate,
        c.model.l1,
        c.model.l2,
    ];
    key(c.loss, c.seed, knobs, c.split.fold)
}

impl Trial {
    pub(crate) fn key(&self) -> RunKey {
        let knobs = [
            self.noise,
            self.factor,
            self.learning_rate,
            self.l1,
            self.l2,
        ];
        key(self.loss, self.seed, knobs, self.fold)
    }

    /// Mean and spread over the rays that cross the boundary, and how many do.
    pub fn radius_summary(&self) -> (f64, f64, usize) {
        let found: Vec<f64> = self.radii.iter().flatten().copied().collect();
        let (mean, spread) = mean_and_spread(&found);
        (mean, spread, found.len())
    }
}

/// What the lab measures of a trained two-class model.
pub struct Measurements {
    /// On the test set.
    pub margins: MarginAnalysis,
    /// Along rays from the origin, for generated circles (`dataset`, `None` for a table);
    /// empty for other data.
    pub radii: Vec<Option<f64>>,
    /// Per hidden layer, on the training set.
    pub dead_units: Vec<usize>,
}

impl Measurements {
    /// The measurements of one trained network.
    pub fn of(
        model: &Mlp,
        dataset: Option<DatasetKind>,
        data: &DataSplit,
        device: &Device,
    ) -> Result<Self, AppError> {
        let population = Population::stack(std::slice::from_ref(model));
        Ok(Self::of_all(&population, dataset, std::slice::from_ref(data), device)?.remove(0))
    }

    /// The measurements of every member, each on its own data, all members in each pass.
    pub fn of_all(
        model: &Population,
        dataset: Option<DatasetKind>,
        data: &[DataSplit],
        device: &Device,
    ) -> Result<Vec<Self>, AppError> {
        let tests: Vec<&LabeledPoints> = data.iter().map(|d| &d.test).collect();
        let trains: Vec<&LabeledPoints> = data.iter().map(|d| &d.train).collect();
        // Rays from the origin only mean something for rings around it.
        let radii = if dataset == Some(DatasetKind::Circles) {
            boundary_radii_all(model, RAY_REACH, device)?
        } else {
            vec![Vec::new(); data.len()]
        };
        let margins = MarginAnalysis::measure_all(model, &tests, device)?;
        let dead = dead_units_all(model, &trains, device)?;
        Ok(margins
            .into_iter()
            .zip(radii)
            .zip(dead)
            .map(|((margins, radii), dead_units)| Self {
                margins,
                radii,
                dead_units,
            })
            .collect())
    }
}
