//! The lab's figures: margin histograms and boundary radii over seeds, test accuracy against
//! noise with its spread; the heat maps are in `plot_heat`.

use std::path::Path;

use hinge_model::LossKind;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::Trial;
use super::histogram::draw_histogram;
use super::summary::SweepCell;
use crate::AppError;
use crate::plot::{class_colour, draw_legend, plot_error, render};

pub use hinge_train::MARGINS_PLOT;

const PANEL: (u32, u32) = (560, 460);

/// One colour per loss, the same in every lab figure: the palette's colours in the order the
/// losses are listed.
fn loss_colour(loss: LossKind) -> RGBColor {
    let index = LossKind::ALL.iter().position(|&l| l == loss);
    class_colour(index.expect("ALL lists every loss"))
}

/// Panels per row before a figure wraps onto the next row.
const PANELS_PER_ROW: usize = 3;

/// Rows and columns for `count` panels.
fn panel_grid(count: usize) -> (usize, usize) {
    let columns = count.clamp(1, PANELS_PER_ROW);
    (count.max(1).div_ceil(columns), columns)
}

pub(super) fn panels_size(count: usize) -> (u32, u32) {
    let (rows, columns) = panel_grid(count);
    (PANEL.0 * columns as u32, PANEL.1 * rows as u32)
}

pub(super) fn split_into_panels<'a>(root: &Area<'a>, count: usize) -> Vec<Area<'a>> {
    root.split_evenly(panel_grid(count))
}

pub(super) type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

/// One histogram panel of margins: its title, whose colour, and the t * f(x) values.
pub struct MarginPanel {
    pub title: String,
    pub loss: LossKind,
    pub margins: Vec<f64>,
}

/// `margins.png`: per loss, the distribution of t * f(x) over the test points of every seed.
/// Hinge losses stop pushing at t * f(x) = 1; the logistic loss never stops.
pub fn margin_histograms(
    path: &Path,
    losses: &[LossKind],
    trials: &[Trial],
) -> Result<(), AppError> {
    let panels: Vec<MarginPanel> = losses
        .iter()
        .map(|&loss| {
            let mine: Vec<&Trial> = trials.iter().filter(|t| t.loss == loss).collect();
            MarginPanel {
                title: format!("{}: t·f(x), {} runs", loss.title(), mine.len()),
                loss,
                margins: mine
                    .iter()
                    .flat_map(|t| t.margins.margins.iter().copied())
                    .collect(),
            }
        })
        .collect();
    margin_panels(path, &panels)
}

/// A figure of margin histograms, one panel each.
pub fn margin_panels(path: &Path, panels: &[MarginPanel]) -> Result<(), AppError> {
    render(path, panels_size(panels.len()), |root| {
        for (area, panel) in split_into_panels(root, panels.len()).iter().zip(panels) {
            draw_histogram(
                area,
                &panel.title,
                "t · f(x) on the test set",
                &panel.margins,
                (-1.0, 1.0),
                loss_colour(panel.loss),
                &[(0.0, "boundary")],
            )?;
        }
        Ok(())
    })
}

/// `margins.png` of one run on N-D data: its training and its test margins side by side,
/// with the boundary (0) and the hinge's margin (1) marked: the hinge losses stop pushing a
/// point once its margin passes 1, the logistic loss never stops.
pub fn split_margin_panels(
    path: &Path,
    title: &str,
    loss: LossKind,
    train: &[f64],
    test: &[f64],
) -> Result<(), AppError> {
    let spread = train.iter().chain(test).copied().filter(|v| v.is_finite());
    let (lo, hi) = spread.fold((-1.0f64, 1.25f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    // Far outliers would squeeze the margin of 1 into one bin: they pile up at the edges.
    let range = (lo.max(-4.0), hi.min(4.0) + 1e-9);
    render(path, panels_size(2), |root| {
        let panels = split_into_panels(root, 2);
        for (area, (split, margins)) in panels.iter().zip([("training", train), ("test", test)]) {
            draw_histogram(
                area,
                &format!("{title}: {split} set"),
                &format!("margin t · f(x) on the {split} set"),
                margins,
                range,
                loss_colour(loss),
                &[(0.0, "boundary"), (1.0, "margin 1")],
            )?;
        }
        Ok(())
    })
}

/// `boundary_radius.png`: per loss, the distance from the origin to the decision boundary over
/// every direction and seed, with both rings and the midway radius marked: a boundary that
/// hugs the inner ring is "tighter".
pub fn boundary_radius_plot(
    path: &Path,
    losses: &[LossKind],
    trials: &[Trial],
    factor: f64,
) -> Result<(), AppError> {
    let midway = (1.0 + factor) / 2.0;
    render(path, panels_size(losses.len()), |root| {
        let areas = split_into_panels(root, losses.len());
        for (area, &loss) in areas.iter().zip(losses) {
            let radii: Vec<f64> = trials
                .iter()
                .filter(|t| t.loss == loss)
                .flat_map(|t| t.radii.iter().flatten().copied())
                .collect();
            draw_histogram(
                area,
                &format!("{}: boundary radius", loss.title()),
                "distance from the origin to the boundary",
                &radii,
                (0.0, 1.2),
                loss_colour(loss),
                &[(factor, "inner"), (midway, "midway"), (1.0, "outer")],
            )?;
        }
        Ok(())
    })
}

/// `accuracy_vs_noise.png`: one panel per factor; per loss, the mean test accuracy over seeds
/// against noise, in its 95% confidence band (Student's t over the seeds): where two losses'
/// bands do not overlap, their means differ beyond the seed-to-seed noise.
/// What a sweep varied, for its figures: the axes, the losses and the runs per cell.
#[derive(Debug, Clone, Copy)]
pub struct SweepGrid<'a> {
    pub noises: &'a [f64],
    pub factors: &'a [f64],
    pub losses: &'a [LossKind],
    pub seeds: usize,
}

pub fn accuracy_vs_noise(
    path: &Path,
    grid: &SweepGrid<'_>,
    cells: &[SweepCell],
) -> Result<(), AppError> {
    let noise_max = grid.noises.iter().copied().fold(0.0, f64::max);
    let noise_min = grid.noises.iter().copied().fold(f64::INFINITY, f64::min);
    let x_range = if noise_max > noise_min {
        noise_min..noise_max
    } else {
        noise_min - 0.05..noise_min + 0.05
    };
    // A cell of one run has no interval: its band is its mean.
    let half_width = |c: &SweepCell| {
        let ci = c.summary.accuracy_ci95;
        if ci.is_nan() { 0.0 } else { ci }
    };
    let lowest = cells
        .iter()
        .map(|c| c.summary.accuracy_mean - half_width(c))
        .fold(1.0, f64::min);
    let y_low = ((lowest * 100.0 / 10.0).floor() * 10.0).clamp(0.0, 90.0);
    render(path, panels_size(grid.factors.len()), |root| {
        let areas = split_into_panels(root, grid.factors.len());
        for (area, &factor) in areas.iter().zip(grid.factors) {
            let mut chart = ChartBuilder::on(area)
                .caption(
                    format!("factor {factor}: mean and 95% CI over {} seeds", grid.seeds),
                    ("sans-serif", 18),
                )
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(50)
                .build_cartesian_2d(x_range.clone(), y_low..100.5)
                .map_err(plot_error)?;
            chart
                .configure_mesh()
                .x_desc("noise (std. dev.)")
                .y_desc("test accuracy (%)")
                .axis_desc_style(("sans-serif", 15))
                .draw()
                .map_err(plot_error)?;
            for &loss in grid.losses {
                let colour = loss_colour(loss);
                let line: Vec<BandPoint> = cells
                    .iter()
                    .filter(|c| c.factor == factor && c.summary.loss == loss)
                    .map(|c| {
                        let (mean, ci) = (c.summary.accuracy_mean, half_width(c));
                        BandPoint {
                            x: c.noise,
                            centre: mean,
                            low: (mean - ci).max(0.0),
                            high: (mean + ci).min(1.0),
                        }
                    })
                    .collect();
                draw_band(&mut chart, &line, colour, loss.name())?;
            }
            draw_legend(&mut chart, SeriesLabelPosition::LowerLeft, 14)?;
        }
        Ok(())
    })
}

/// A point of a line in its band, as fractions (drawn as %).
pub(super) struct BandPoint {
    pub x: f64,
    pub centre: f64,
    pub low: f64,
    pub high: f64,
}

pub(super) type LineChart<'a, 'b> = ChartContext<
    'a,
    BitMapBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// A line through the points' centres in a pale band from their lows to their highs, named
/// `label` in the legend.
pub(super) fn draw_band(
    chart: &mut LineChart<'_, '_>,
    line: &[BandPoint],
    colour: RGBColor,
    label: &str,
) -> Result<(), AppError> {
    let upper = line.iter().map(|p| (p.x, p.high * 100.0));
    let lower = line.iter().rev().map(|p| (p.x, p.low * 100.0));
    chart
        .draw_series(std::iter::once(Polygon::new(
            upper.chain(lower).collect::<Vec<_>>(),
            colour.mix(0.2).filled(),
        )))
        .map_err(plot_error)?;
    chart
        .draw_series(LineSeries::new(
            line.iter().map(|p| (p.x, p.centre * 100.0)),
            colour.stroke_width(2),
        ))
        .map_err(plot_error)?
        .label(label)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2)));
    Ok(())
}
