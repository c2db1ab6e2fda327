//! The animation of each loss's decision surface forming, drawn on a thread of its own while
//! the next loss trains, and the animations side by side.

use std::path::Path;
use std::sync::Arc;

use burn::tensor::Device;
use hinge_model::LossKind;
use hinge_train::{
    BOUNDARY_ANIMATION, Frame, RunDir, Snapshots, TrainedRun, ValidTrainingConfig, surfaces,
};

use crate::AppError;
use crate::animate::{FRAME_GRID, Frames, Panel, render_frames};
use crate::plot::OutputGrid;

/// The runs' animations side by side, when a command trains several losses.
pub(super) const COMPARISON_ANIMATION: &str = "comparison_animation.png";

/// The animation of one loss: the region its decision boundary plot covers, the frames its
/// training takes there, and drawing them.
pub(super) struct Animation {
    region: Option<OutputGrid>,
}

impl Animation {
    pub(super) fn new(config: &ValidTrainingConfig, animate: bool) -> Self {
        // Only points in the plane have a decision surface to watch.
        let region = (animate && config.data().width() == 2).then(|| {
            let data = config.data_split();
            let (x, y) = OutputGrid::covering(&data.test.xy().collect::<Vec<_>>());
            OutputGrid {
                x,
                y,
                resolution: FRAME_GRID,
                width: config.model().outputs(),
                outputs: Vec::new(),
            }
        });
        Self { region }
    }

    /// Whether this loss is animated: asked for, and of 2-D data.
    pub(super) fn is_on(&self) -> bool {
        self.region.is_some()
    }

    /// The watch to train with, from the end of `start_epoch`, keeping the frames `run`
    /// holds up to there.
    pub(super) fn snapshots(
        &self,
        config: &ValidTrainingConfig,
        run: &RunDir,
        start_epoch: usize,
    ) -> Option<Arc<Snapshots>> {
        self.region.as_ref()?;
        Some(Snapshots::new(config, run, start_epoch))
    }

    /// Starts computing the surfaces of `frames` and writing `boundary_animation.png` into
    /// `dir` on a thread of its own, so the plots are drawn and the next loss trains
    /// meanwhile; the thread hands back the frames for the side-by-side animation.
    pub(super) fn animate(
        self,
        frames: Option<Vec<Frame>>,
        config: &ValidTrainingConfig,
        run: &TrainedRun,
        loss: LossKind,
        dir: &RunDir,
        device: &Device,
    ) -> Result<Option<Animating>, AppError> {
        let (Some(grid), Some(frames)) = (self.region, frames) else {
            return Ok(None);
        };
        let plain = device.clone().inner();
        let settings = config.config();
        let template = config
            .model()
            .init_population(&[(settings.loss, settings.seed)], &plain);
        let centres = hinge_data::cell_centres(grid.x, grid.y, grid.resolution);
        let panel = Panel {
            title: loss.title().to_string(),
            grid,
            points: run.data.train.xy().collect(),
            labels: run.data.train.labels.clone(),
            classes: run.config.data().classes(),
            losses: run.epochs.iter().map(|e| e.train_loss).collect(),
            epochs: settings.epochs,
        };
        let path = dir.file(BOUNDARY_ANIMATION);
        Ok(Some(std::thread::spawn(move || {
            let taken = surfaces(&frames, &template, &centres, &plain)?;
            let frames = render_frames(&panel, &taken)?;
            frames.write(&path)?;
            Ok(frames)
        })))
    }
}

/// An animation being drawn and written.
pub(super) type Animating = std::thread::JoinHandle<Result<Frames, AppError>>;

/// Waits for the animations and writes them side by side when there are several.
pub(super) fn finish_animations(
    animating: Vec<Animating>,
    artifacts: &Path,
) -> Result<(), AppError> {
    let frames = animating
        .into_iter()
        .map(|thread| thread.join().expect("drawing an animation does not panic"))
        .collect::<Result<Vec<_>, AppError>>()?;
    if frames.len() > 1
        && let Some(side_by_side) = Frames::side_by_side(&frames)
    {
        side_by_side.write(&artifacts.join(COMPARISON_ANIMATION))?;
    }
    Ok(())
}
