//! The margin analysis of one saved run (a `circles` run folder): where its boundary lies and
//! how far its test points are from it, without training anything.

use std::path::{Path, PathBuf};

use burn::tensor::Device;
use hinge_model::LossKind;
use hinge_train::{NEURONS_PLOT, RunDir};

use super::Measurements;
use super::plot::{MarginPanel, margin_panels};
use super::summary::mean_and_spread;
use crate::AppError;
use crate::margins::MarginAnalysis;
use crate::neurons::{neuron_maps, neurons_plot};

pub use super::plot::MARGINS_PLOT;

/// What `lab margins` measured of a saved run.
pub struct SavedRunMargins {
    pub loss: LossKind,
    pub analysis: MarginAnalysis,
    /// Along each ray from the origin, for circles; empty otherwise.
    pub radii: Vec<Option<f64>>,
    pub dead_units: Vec<usize>,
    /// Where the histogram was written.
    pub plot: PathBuf,
    /// Where the neuron maps were written.
    pub neurons: PathBuf,
}

/// Loads the run in `dir`, rebuilds its test set from its saved configuration (same seed, same
/// points), measures the model on it and writes `margins.png` into the run folder.
pub fn saved_run_margins(dir: &Path, device: &Device) -> Result<SavedRunMargins, AppError> {
    let run = RunDir::new(dir);
    let config = run.load_config()?;
    let settings = config.config();
    if !LossKind::TWO_CLASS.contains(&settings.loss) {
        return Err(AppError::LabSetting {
            flag: "--run",
            value: dir.display().to_string(),
            allowed: format!(
                "the margin analysis is of two-class runs; this one is {}",
                settings.loss
            ),
        });
    }
    if config.data().width() != 2 {
        return Err(AppError::LabSetting {
            flag: "--run",
            value: dir.display().to_string(),
            allowed: format!(
                "the margin analysis draws the plane of 2-D runs, and this one has {} features: its margins.png was drawn when it trained",
                config.data().width()
            ),
        });
    }
    let model = run.load_model(device)?;
    let split = config.data_split();
    let measured = Measurements::of(&model, settings.data.generated(), &split, device)?;
    let plot = run.file(MARGINS_PLOT);
    margin_panels(
        &plot,
        &[MarginPanel {
            title: format!("{}: t·f(x), {}", settings.loss.title(), dir.display()),
            loss: settings.loss,
            margins: measured.margins.margins.clone(),
        }],
    )?;
    let (test, train): (Vec<_>, Vec<_>) = (split.test.xy().collect(), split.train.xy().collect());
    let maps = neuron_maps(&model, &test, &train, device)?;
    let neurons = run.file(NEURONS_PLOT);
    neurons_plot(
        &neurons,
        &format!("{}: every unit, {}", settings.loss.title(), dir.display()),
        &maps,
    )?;
    Ok(SavedRunMargins {
        loss: settings.loss,
        analysis: measured.margins,
        radii: measured.radii,
        dead_units: measured.dead_units,
        plot,
        neurons,
    })
}

impl SavedRunMargins {
    /// A few lines for the terminal.
    pub fn report(&self) -> String {
        let (mean, min, wrong) = self.analysis.margin_summary();
        let mut out = format!(
            "{} loss, {} test points: mean t*f(x) {mean:.4}, smallest {min:.4}, classified wrong {:.1}%\n",
            self.loss,
            self.analysis.margins.len(),
            wrong * 100.0
        );
        out += &format!(
            "distance to the boundary: {:.3} from class 0 (outer) points, {:.3} from class 1 (inner) points on average\n",
            self.analysis.mean_distance(0),
            self.analysis.mean_distance(1)
        );
        let found: Vec<f64> = self.radii.iter().flatten().copied().collect();
        if !self.radii.is_empty() {
            let (radius, spread) = mean_and_spread(&found);
            out += &format!(
                "boundary radius: {radius:.3} ± {spread:.3} over the {} of {} directions that cross it\n",
                found.len(),
                self.radii.len()
            );
        }
        let dead: Vec<String> = self.dead_units.iter().map(usize::to_string).collect();
        out += &format!(
            "dead hidden units per layer: {}\nhistogram: {}\nneuron maps: {}\n",
            dead.join(" + "),
            self.plot.display(),
            self.neurons.display()
        );
        out
    }
}
