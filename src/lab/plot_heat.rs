//! Heat maps of accuracies over two knobs: the sweep's noise x factor and the search's
//! learning rate x L2.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;

use super::plot::{SweepGrid, panels_size, split_into_panels};
use super::summary::SweepCell;
use crate::AppError;
use crate::plot::{plot_error, render};

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
        .map(|&loss| {
            let title = format!("{}: mean test accuracy", loss.title());
            HeatPanel::over(title, grid.noises, grid.factors, |noise, factor| {
                cells
                    .iter()
                    .find(|c| c.noise == noise && c.factor == factor && c.summary.loss == loss)
                    .map(|c| c.summary.accuracy_mean)
            })
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

impl HeatPanel {
    /// The panel titled `title` whose cell at column value `x` and row value `y` holds
    /// `value(x, y)`.
    pub fn over(
        title: String,
        columns: &[f64],
        rows: &[f64],
        value: impl Fn(f64, f64) -> Option<f64>,
    ) -> Self {
        let values = columns
            .iter()
            .map(|&x| rows.iter().map(|&y| value(x, y)).collect())
            .collect();
        Self { title, values }
    }
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
                .y_label_area_size(75)
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
