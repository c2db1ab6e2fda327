//! The lab's histogram panel: the fraction of values in each bin, on a log scale, with
//! vertical markers (the boundary, the hinge's margin).

use plotters::prelude::*;

use super::plot::Area;
use crate::AppError;
use crate::plot::plot_error;

const HISTOGRAM_BINS: usize = 40;

/// Bars of the fraction of `values` in each of `bins` equal bins over `range`.
pub(super) fn draw_histogram(
    area: &Area<'_>,
    title: &str,
    x_desc: &str,
    values: &[f64],
    range: (f64, f64),
    colour: RGBColor,
    markers: &[(f64, &str)],
) -> Result<(), AppError> {
    let width = (range.1 - range.0) / HISTOGRAM_BINS as f64;
    let mut counts = vec![0usize; HISTOGRAM_BINS];
    for &v in values {
        let bin = ((v - range.0) / width).floor();
        if bin.is_finite() {
            counts[(bin.max(0.0) as usize).min(HISTOGRAM_BINS - 1)] += 1;
        }
    }
    let total = values.len().max(1) as f64;
    // A log scale: margins pile up at the saturated end, and the few points that matter (the
    // misclassified, the ones inside the margin) would not show on a linear one.
    let floor = 0.5 / total;
    let highest = 1.5;
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(range.0..range.1, (floor..highest).log_scale())
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc("fraction of points (log)")
        .y_label_formatter(&|v| format!("{v:.0e}"))
        .axis_desc_style(("sans-serif", 15))
        .draw()
        .map_err(plot_error)?;
    chart
        .draw_series(
            counts
                .iter()
                .enumerate()
                .filter(|(_, count)| **count > 0)
                .map(|(i, &count)| {
                    let left = range.0 + i as f64 * width;
                    Rectangle::new(
                        [(left, floor), (left + width, count as f64 / total)],
                        colour.mix(0.8).filled(),
                    )
                }),
        )
        .map_err(plot_error)?;
    for &(x, label) in markers {
        chart
            .draw_series(LineSeries::new(
                [(x, floor), (x, 1.0)],
                BLACK.stroke_width(1),
            ))
            .map_err(plot_error)?;
        chart
            .draw_series(std::iter::once(Text::new(
                label.to_string(),
                (x, 1.2),
                ("sans-serif", 13),
            )))
            .map_err(plot_error)?;
    }
    Ok(())
}
