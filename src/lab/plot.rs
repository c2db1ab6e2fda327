//! The lab's figures: margin histograms and boundary radii over seeds, test accuracy against
//! noise with its spread, and accuracy heatmaps over noise x factor.

use std::path::Path;

use hinge_model::LossKind;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;

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
                let line: Vec<(f64, f64, f64)> = cells
                    .iter()
                    .filter(|c| c.factor == factor && c.summary.loss == loss)
                    .map(|c| (c.noise, c.summary.accuracy_mean, half_width(c)))
                    .collect();
                let upper = line
                    .iter()
                    .map(|&(x, mean, ci)| (x, ((mean + ci).min(1.0)) * 100.0));
                let lower = line
                    .iter()
                    .rev()
                    .map(|&(x, mean, ci)| (x, ((mean - ci).max(0.0)) * 100.0));
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        upper.chain(lower).collect::<Vec<_>>(),
                        colour.mix(0.2).filled(),
                    )))
                    .map_err(plot_error)?;
                chart
                    .draw_series(LineSeries::new(
                        line.iter().map(|&(x, mean, _)| (x, mean * 100.0)),
                        colour.stroke_width(2),
                    ))
                    .map_err(plot_error)?
                    .label(loss.name())
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
                    });
            }
            draw_legend(&mut chart, SeriesLabelPosition::LowerLeft, 14)?;
        }
        Ok(())
    })
}

/// `accuracy_heatmap.png`: one panel per loss; each cell is a (noise, factor) pair coloured by
/// its mean test accuracy, with the value written in it.
pub fn accuracy_heatmaps(
    path: &Path,
    grid: &SweepGrid<'_>,
    cells: &[SweepCell],
) -> Result<(), AppError> {
    let panels: Vec<HeatPanel> = grid
        .losses
        .iter()
        .map(|&loss| HeatPanel {
            title: format!("{}: mean test accuracy", loss.title()),
            values: grid
                .noises
                .iter()
                .map(|&noise| {
                    grid.factors
                        .iter()
                        .map(|&factor| {
                            cells
                                .iter()
                                .find(|c| {
                                    c.noise == noise && c.factor == factor && c.summary.loss == loss
                                })
                                .map(|c| c.summary.accuracy_mean)
                        })
                        .collect()
                })
                .collect(),
        })
        .collect();
    let x = HeatAxis {
        name: "noise",
        values: grid.noises,
    };
    let y = HeatAxis {
        name: "factor",
        values: grid.factors,
    };
    accuracy_heat_panels(path, x, y, &panels)
}

/// One panel of a heat map of accuracies: its title and a value per column and row
/// (`values[column][row]`), `None` where nothing was measured.
pub struct HeatPanel {
    pub title: String,
    pub values: Vec<Vec<Option<f64>>>,
}

/// An axis of a heat map: its name and the value of each column or row.
pub struct HeatAxis<'a> {
    pub name: &'a str,
    pub values: &'a [f64],
}

/// Heat maps of accuracies, one panel each, every cell coloured on one scale from 50% (a coin
/// flip) to 100% and its value written in it.
pub fn accuracy_heat_panels(
    path: &Path,
    x: HeatAxis<'_>,
    y: HeatAxis<'_>,
    panels: &[HeatPanel],
) -> Result<(), AppError> {
    let (columns, rows) = (x.values.len(), y.values.len());
    render(path, panels_size(panels.len()), |root| {
        let areas = split_into_panels(root, panels.len());
        for (area, panel) in areas.iter().zip(panels) {
            let area = area
                .titled(&panel.title, ("sans-serif", 20))
                .map_err(plot_error)?;
            let mut chart = ChartBuilder::on(&area)
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(60)
                .build_cartesian_2d(0.0..columns as f64, 0.0..rows as f64)
                .map_err(plot_error)?;
            chart
                .configure_mesh()
                .disable_mesh()
                .x_labels(columns * 2 + 1)
                .y_labels(rows * 2 + 1)
                .x_label_formatter(&|v| centre_label(*v, x.values))
                .y_label_formatter(&|v| centre_label(*v, y.values))
                .x_desc(x.name)
                .y_desc(y.name)
                .axis_desc_style(("sans-serif", 15))
                .draw()
                .map_err(plot_error)?;
            for (col, column) in panel.values.iter().enumerate() {
                for (row, value) in column.iter().enumerate() {
                    let Some(accuracy) = *value else {
                        continue;
                    };
                    let colour = ViridisRGB.get_color_normalized(accuracy as f32, 0.5, 1.0);
                    let (x, y) = (col as f64, row as f64);
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(x, y), (x + 1.0, y + 1.0)],
                            colour.filled(),
                        )))
                        .map_err(plot_error)?;
                    let ink = if accuracy > 0.8 { BLACK } else { WHITE };
                    chart
                        .draw_series(std::iter::once(Text::new(
                            format!("{:.1}", accuracy * 100.0),
                            (x + 0.3, y + 0.6),
                            ("sans-serif", 14).into_font().color(&ink),
                        )))
                        .map_err(plot_error)?;
                }
            }
        }
        Ok(())
    })
}

/// The value of the cell whose centre `position` is (a label at i + 0.5 names values[i]);
/// blank elsewhere, so only centres are labelled.
pub(super) fn centre_label(position: f64, values: &[f64]) -> String {
    let index = position - 0.5;
    if (index - index.round()).abs() < 1e-6 && index >= 0.0 {
        values
            .get(index.round() as usize)
            .map(|v| v.to_string())
            .unwrap_or_default()
    } else {
        String::new()
    }
}
