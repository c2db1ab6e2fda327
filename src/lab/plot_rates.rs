//! The lab's figure of a sweep over learning rates or penalties: how often a run reaches 100%
//! test accuracy at each value, with Wilson's 95% band over its seeds.

use std::path::Path;

use plotters::prelude::*;

use super::plot::{BandPoint, LineChart, SweepGrid, draw_band, panels_size, split_into_panels};
use super::plot_heat::centre_label;
use super::rate_grid::{RateGrid, RatePoint};
use super::summary::{SweepCell, wilson_95};
use crate::AppError;
use crate::plot::{class_colour, draw_legend, plot_error, render};

type KnobValue = fn(&RatePoint) -> f64;

/// The three knobs of a rate grid, in its order: the axis's name, the legend's, and the
/// knob's value at a point.
const KNOBS: [(&str, &str, KnobValue); 3] = [
    ("learning rate", "lr", |p| p.learning_rate),
    ("L2 penalty", "L2", |p| p.l2),
    ("L1 penalty", "L1", |p| p.l1),
];

/// The knob along a figure's x axis (an index of [`KNOBS`]): the first of rate, L2 and L1 with
/// more than one value. Its values are spaced evenly, in increasing order, as a grid of them
/// is usually spaced by their logarithm.
struct Knob {
    axis: usize,
    values: Vec<f64>,
}

impl Knob {
    fn of_grid(grid: &RateGrid) -> Self {
        let lists = [&grid.rates, &grid.l2s, &grid.l1s];
        let axis = lists.iter().position(|l| l.len() > 1).unwrap_or(0);
        let mut values = lists[axis].clone();
        values.sort_by(f64::total_cmp);
        values.dedup();
        Knob { axis, values }
    }

    fn name(&self) -> &'static str {
        KNOBS[self.axis].0
    }

    fn of(&self, point: &RatePoint) -> f64 {
        (KNOBS[self.axis].2)(point)
    }

    /// Where `value` lies along the axis: the middle of its slot.
    fn position(&self, value: f64) -> f64 {
        let index = self.values.iter().position(|&v| v == value).unwrap_or(0);
        index as f64 + 0.5
    }

    /// What tells a line of the figure apart, besides the loss: the other knobs' values (a
    /// penalty only where there is one).
    fn others(&self, point: &RatePoint) -> String {
        KNOBS
            .iter()
            .enumerate()
            .filter(|&(index, _)| index != self.axis)
            .filter_map(|(index, (_, short, of))| {
                let value = of(point);
                (index == 0 || value > 0.0).then(|| format!("{short} {value}"))
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `success_vs_rate.png`: one panel per (noise, factor); in each, a line per loss (and per
/// value of the knobs not on the axis) of the share of seeds that reached 100% test accuracy,
/// against the learning rate (or the penalty, if only that varies), in Wilson's 95% band.
pub fn success_vs_knob(
    path: &Path,
    rates: &RateGrid,
    sweep: &SweepGrid<'_>,
    cells: &[SweepCell],
) -> Result<(), AppError> {
    let knob = Knob::of_grid(rates);
    let slots = knob.values.len();
    let panels: Vec<(f64, f64)> = sweep
        .noises
        .iter()
        .flat_map(|&noise| sweep.factors.iter().map(move |&factor| (noise, factor)))
        .collect();
    render(path, panels_size(panels.len()), |root| {
        for (area, &(noise, factor)) in split_into_panels(root, panels.len()).iter().zip(&panels) {
            let mut chart = ChartBuilder::on(area)
                .caption(
                    format!(
                        "noise {noise}, factor {factor}: runs at 100% of {}",
                        sweep.seeds
                    ),
                    ("sans-serif", 18),
                )
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(50)
                .build_cartesian_2d(0.0..slots as f64, 0.0..100.5)
                .map_err(plot_error)?;
            chart
                .configure_mesh()
                .x_labels(slots * 2 + 1)
                .x_label_formatter(&|v| centre_label(*v, &knob.values))
                .x_desc(knob.name())
                .y_desc("runs at 100% test accuracy (%)")
                .axis_desc_style(("sans-serif", 15))
                .draw()
                .map_err(plot_error)?;
            let mine: Vec<&SweepCell> = cells
                .iter()
                .filter(|c| c.noise == noise && c.factor == factor)
                .collect();
            let mut lines: Vec<(String, Vec<&SweepCell>)> = Vec::new();
            for cell in mine {
                let others = knob.others(&cell.point);
                let name = if others.is_empty() {
                    cell.summary.loss.to_string()
                } else {
                    format!("{}, {others}", cell.summary.loss)
                };
                match lines.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, line)) => line.push(cell),
                    None => lines.push((name, vec![cell])),
                }
            }
            for (index, (name, mut line)) in lines.into_iter().enumerate() {
                line.sort_by(|a, b| knob.of(&a.point).total_cmp(&knob.of(&b.point)));
                draw_line(&mut chart, &knob, &name, class_colour(index), &line)?;
            }
            draw_legend(&mut chart, SeriesLabelPosition::LowerLeft, 14)?;
        }
        Ok(())
    })
}

/// One line of success rates and its band.
fn draw_line(
    chart: &mut LineChart<'_, '_>,
    knob: &Knob,
    name: &str,
    colour: RGBColor,
    line: &[&SweepCell],
) -> Result<(), AppError> {
    let points: Vec<(f64, f64, (f64, f64))> = line
        .iter()
        .map(|c| {
            let (runs, full) = (c.summary.runs, c.summary.full_accuracy_runs);
            let rate = full as f64 / runs.max(1) as f64;
            (
                knob.position(knob.of(&c.point)),
                rate,
                wilson_95(full, runs),
            )
        })
        .collect();
    let band: Vec<BandPoint> = points
        .iter()
        .map(|&(x, rate, (low, high))| BandPoint {
            x,
            centre: rate,
            low,
            high,
        })
        .collect();
    draw_band(chart, &band, colour, name)?;
    chart
        .draw_series(
            points
                .iter()
                .map(|&(x, rate, _)| Circle::new((x, rate * 100.0), 3, colour.filled())),
        )
        .map_err(plot_error)?;
    Ok(())
}
