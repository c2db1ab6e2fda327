//! `data.png`: the training points, as the tutorial's `plt.scatter` shows them.

use std::path::Path;

use plotters::prelude::*;

use super::style::{
    MARGIN, NEGATIVE, PLOT_SIZE, X_LABEL_AREA, Y_LABEL_AREA, bounds, plot_error, render, square,
    square_plot_area, tick,
};
use crate::AppError;

pub fn data_plot(path: &Path, points: &[[f64; 2]]) -> Result<(), AppError> {
    let (x_range, y_range) = square(bounds(points, 0.1));
    render(path, PLOT_SIZE, |root| {
        let area = square_plot_area(root, "Nonlinear data", 28)?;
        let mut chart = ChartBuilder::on(&area)
            .margin(MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA)
            .build_cartesian_2d(x_range.0..x_range.1, y_range.0..y_range.1)
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .x_desc("x")
            .y_desc("y")
            .x_label_formatter(&tick)
            .y_label_formatter(&tick)
            .axis_desc_style(("sans-serif", 16))
            .draw()
            .map_err(plot_error)?;
        chart
            .draw_series(
                points
                    .iter()
                    .map(|p| Circle::new((p[0], p[1]), 3, NEGATIVE.filled())),
            )
            .map_err(plot_error)?;
        Ok(())
    })
}
