//! What the page is sent of a session's population: at a start, the members, the plane the
//! surfaces cover and the points; after each epoch, every member's losses, accuracies and
//! decision surface, each loss's count at 100%, and the inspected member's network. Points of
//! many features are drawn on their principal components, with margin histograms in place of
//! surfaces ([`crate::table_view`]).

use burn::tensor::Device;
use hinge_data::{DataSplit, LabeledPoints, Pca, cell_centres};
use hinge_model::{LossKind, Population};
use hinge_train::{StepwiseTrainer, TestResult, predict_population};
use serde::Serialize;

use crate::encode::signed_bytes;
use crate::network::{self, NetworkView, UNIT_GRID};
use crate::table_view::{MARGIN_RANGE, MarginCounts, margin_view};

/// Cells per side of the surface of a member shown large, and of one in a population's grid.
const GRID: usize = 48;
const THUMBNAIL_GRID: usize = 20;
/// Members from which on surfaces are sent as thumbnails.
const THUMBNAILS_FROM: usize = 5;

/// What a session sends the page.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// A new start: the members, the region the surfaces cover, the points of the first
    /// member (every member's when they share a seed), and the equivalent command.
    Start {
        members: Vec<MemberInfo>,
        /// Whether the points lie in the plane (2 features); if not, `train` and `test` are
        /// their first two principal components, and each frame carries margin histograms
        /// instead of surfaces.
        plane: bool,
        extent: [f64; 4],
        grid: usize,
        train: Vec<[f32; 3]>,
        test: Vec<[f32; 3]>,
        /// The span of the margin histograms' bins.
        margin_range: [f64; 2],
        command: String,
    },
    /// The state after an epoch (epoch 0: before training).
    #[serde(rename = "frame")]
    Epoch(EpochView),
    /// Training stopped by itself: every member diverged, or the most epochs were reached.
    Stopped { reason: String },
}

/// What tells a member from the others: its loss, its grid point and its seed; and its cell,
/// the index of its loss and grid point among the population's, in the members' order.
#[derive(Debug, Clone, Serialize)]
pub struct MemberInfo {
    pub loss: LossKind,
    pub learning_rate: f64,
    pub l2: f64,
    pub seed: u64,
    pub cell: usize,
}

/// One cell's members (a loss at a learning rate and L2), and how many of them are at 100%
/// test accuracy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellCount {
    pub loss: LossKind,
    pub learning_rate: f64,
    pub l2: f64,
    pub full: usize,
    pub members: usize,
}

/// The population after an epoch, as the page draws it.
#[derive(Debug, Clone, Serialize)]
pub struct EpochView {
    pub epoch: usize,
    pub playing: bool,
    pub train_loss: Vec<f64>,
    pub test_loss: Vec<f64>,
    pub train_accuracy: Vec<f64>,
    pub test_accuracy: Vec<f64>,
    /// Members at 100% test accuracy, per cell (loss, learning rate, L2) in the members'
    /// order.
    pub full: Vec<CellCount>,
    /// Each member's outputs over the grid, row-major from the bottom left, in the page's
    /// encoding ([`signed_bytes`]).
    pub surfaces: Vec<String>,
    /// Milliseconds the epoch's training took.
    pub train_ms: f64,
    /// The member the network view (or, off the plane, the projection) shows.
    pub inspected: usize,
    /// The inspected member's units and weights, over the plane.
    pub network: Option<NetworkView>,
    /// Off the plane: each member's margin histograms, and the inspected member's predicted
    /// class of each test point.
    pub margins: Vec<MarginCounts>,
    pub predicted: Vec<u8>,
}

/// How a session's population is shown: the plane its surfaces cover, at what resolution, and
/// which member the network view shows.
pub struct Viewer {
    pub grid: usize,
    pub extent: [f64; 4],
    pub inspected: usize,
    /// Off the plane, the plane the points are drawn in.
    projection: Option<Pca>,
    device: Device,
}

impl Viewer {
    /// The view of `data`'s members: a square covering every point (of many features: its
    /// principal components), with a margin.
    pub fn new(data: &[DataSplit], device: &Device) -> Self {
        let projection = (data[0].train.width != 2).then(|| Pca::fit(&data[0].train, 2));
        let shown: Vec<[f64; 2]> = match &projection {
            Some(projection) => [&data[0].train, &data[0].test]
                .into_iter()
                .flat_map(|set| projection.plane(set))
                .collect(),
            None => data
                .iter()
                .flat_map(|d| d.train.xy().chain(d.test.xy()))
                .collect(),
        };
        let reach = shown
            .iter()
            .fold(1.0f64, |r, p| r.max(p[0].abs()).max(p[1].abs()));
        let half = (reach * 1.15 * 10.0).ceil() / 10.0;
        Self {
            grid: if data.len() >= THUMBNAILS_FROM {
                THUMBNAIL_GRID
            } else {
                GRID
            },
            extent: [-half, half, -half, half],
            inspected: 0,
            projection,
            device: device.clone(),
        }
    }

    pub fn start(&self, trainer: &StepwiseTrainer, command: String) -> Event {
        let rows = |set: &LabeledPoints| -> Vec<[f32; 3]> {
            let shown = match &self.projection {
                Some(projection) => projection.plane(set),
                None => set.xy().collect(),
            };
            shown
                .iter()
                .zip(&set.labels)
                .map(|(p, &l)| [p[0] as f32, p[1] as f32, l as f32])
                .collect()
        };
        let data = &trainer.data()[0];
        Event::Start {
            members: members(trainer),
            plane: self.projection.is_none(),
            extent: self.extent,
            grid: self.grid,
            train: rows(&data.train),
            test: rows(&data.test),
            margin_range: MARGIN_RANGE,
            command,
        }
    }

    /// The page's view of the population now.
    pub fn epoch(
        &self,
        trainer: &StepwiseTrainer,
        playing: bool,
        train_ms: f64,
    ) -> Result<EpochView, String> {
        let model = trainer.model();
        let train = trainer
            .evaluate(&model, |d| &d.train)
            .map_err(|e| e.to_string())?;
        let test = trainer
            .evaluate(&model, |d| &d.test)
            .map_err(|e| e.to_string())?;
        let (surfaces, network, margins, predicted) = match &self.projection {
            None => {
                let (surfaces, network) = self.plane_view(trainer, &model)?;
                (surfaces, Some(network), Vec::new(), Vec::new())
            }
            Some(_) => {
                let (margins, predicted) =
                    margin_view(&model, trainer.data(), self.inspected, &self.device)?;
                (Vec::new(), None, margins, predicted)
            }
        };
        let values = |results: &[TestResult], pick: fn(&TestResult) -> f64| -> Vec<f64> {
            results.iter().map(pick).collect()
        };
        Ok(EpochView {
            epoch: trainer.epochs(),
            playing,
            full: counts(&members(trainer), &test),
            train_loss: values(&train, |t| t.loss),
            test_loss: values(&test, |t| t.loss),
            train_accuracy: values(&train, |t| t.accuracy),
            test_accuracy: values(&test, |t| t.accuracy),
            surfaces,
            train_ms,
            inspected: self.inspected,
            network,
            margins,
            predicted,
        })
    }

    /// Each member's decision surface, and the inspected member's network, over the plane.
    fn plane_view(
        &self,
        trainer: &StepwiseTrainer,
        model: &Population,
    ) -> Result<(Vec<String>, NetworkView), String> {
        let cells = self.cells(self.grid);
        let all: Vec<f32> = (0..model.len())
            .flat_map(|_| cells.as_flattened().iter().copied())
            .collect();
        let outputs = predict_population(model, &all, cells.len(), &self.device)
            .map_err(|e| e.to_string())?;
        let network = network::view(
            self.inspected,
            &model.member(self.inspected),
            &self.cells(UNIT_GRID),
            &trainer.data()[self.inspected]
                .train
                .xy()
                .collect::<Vec<_>>(),
            &self.device,
        )?;
        let surfaces = outputs.chunks(cells.len()).map(signed_bytes).collect();
        Ok((surfaces, network))
    }

    /// The centres of an `n` x `n` grid over the plane shown, in the order the plots use.
    fn cells(&self, n: usize) -> Vec<[f32; 2]> {
        let [x0, x1, y0, y1] = self.extent;
        cell_centres((x0, x1), (y0, y1), n)
    }
}

fn members(trainer: &StepwiseTrainer) -> Vec<MemberInfo> {
    let mut cells = Vec::new();
    trainer
        .configs()
        .iter()
        .map(|c| {
            let (loss, learning_rate) = (c.config().loss, c.config().learning_rate);
            let l2 = c.model().config().l2;
            let cell = cells
                .iter()
                .position(|&known| known == (loss, learning_rate, l2))
                .unwrap_or_else(|| {
                    cells.push((loss, learning_rate, l2));
                    cells.len() - 1
                });
            MemberInfo {
                loss,
                learning_rate,
                l2,
                seed: c.config().seed,
                cell,
            }
        })
        .collect()
}

/// Each cell's count of members at 100% test accuracy, in the cells' order.
fn counts(members: &[MemberInfo], test: &[TestResult]) -> Vec<CellCount> {
    let mut counts: Vec<CellCount> = Vec::new();
    for (member, result) in members.iter().zip(test) {
        // Cells are numbered as they first appear, so a new one is the next.
        if member.cell == counts.len() {
            counts.push(CellCount {
                loss: member.loss,
                learning_rate: member.learning_rate,
                l2: member.l2,
                full: 0,
                members: 0,
            });
        }
        counts[member.cell].members += 1;
        counts[member.cell].full += usize::from(result.accuracy == 1.0);
    }
    counts
}
