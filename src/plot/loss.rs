//! `loss.png`: training and validation loss per epoch on a log scale, as in the tutorial.

use std::path::Path;

use hinge_train::EpochMetrics;
use plotters::prelude::*;

use super::style::{NEGATIVE, PLOT_SIZE, POSITIVE, draw_legend, plot_error, render};
use crate::AppError;

pub fn loss_plot(
    path: &Path,
    loss_title: &str,
    dataset: &str,
    epochs: &[EpochMetrics],
) -> Result<(), AppError> {
    let positive = |v: f64| v.is_finite() && v > 0.0;
    let train: Vec<(usize, f64)> = epochs
        .iter()
        .filter(|e| positive(e.train_loss))
        .map(|e| (e.epoch, e.train_loss))
        .collect();
    let valid: Vec<(usize, f64)> = epochs
        .iter()
        .filter(|e| positive(e.valid_loss))
        .map(|e| (e.epoch, e.valid_loss))
        .collect();
    let values = train.iter().chain(&valid).map(|p| p.1);
    let low = values.clone().fold(f64::INFINITY, f64::min);
    let high = values.fold(0.0, f64::max);
    let (low, high) = if low.is_finite() {
        (low / 1.5, high * 1.5)
    } else {
        (1e-6, 1.0)
    };
    let last_epoch = epochs.iter().map(|e| e.epoch).max().unwrap_or(1).max(2);
    render(path, PLOT_SIZE, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(format!("{loss_title} for {dataset}"), ("sans-serif", 28))
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(80)
            .build_cartesian_2d(1usize..last_epoch, (low..high).log_scale())
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .x_desc("No. epoch")
            .y_desc(format!("{loss_title} value"))
            .y_label_formatter(&|v| format!("{v:.0e}"))
            .axis_desc_style(("sans-serif", 18))
            .draw()
            .map_err(plot_error)?;
        for (series, label, color) in [
            (&train, "training data", NEGATIVE),
            (&valid, "validation data", POSITIVE),
        ] {
            if series.is_empty() {
                continue;
            }
            chart
                .draw_series(LineSeries::new(
                    series.iter().copied(),
                    color.stroke_width(2),
                ))
                .map_err(plot_error)?
                .label(format!("{loss_title} ({label})"))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                });
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight, 16)?;
        Ok(())
    })
}
