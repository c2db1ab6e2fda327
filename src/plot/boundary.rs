//! `decision_boundary.png` and `comparison.png`: the shaded surface, its zero line and the
//! test points, with a magnified inset where one class's points crowd together.

use std::path::Path;

use plotters::chart::SeriesAnno;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{
    COMPARISON_SIZE, MARGIN, PLOT_SIZE, POSITIVE_EDGE, PlaneChart, Region, X_LABEL_AREA,
    Y_LABEL_AREA, class_colour, draw_legend, draw_plane_axes, plot_error, render, shade,
    square_plot_area,
};
use super::surface::OutputGrid;
use crate::AppError;
/// Test points to draw over a decision boundary: coordinates, class labels, and each class's
/// name in the legend (e.g. "-1 (outer circle)").
#[derive(Debug, Clone, Copy)]
pub struct LabelledSet<'a> {
    pub points: &'a [[f64; 2]],
    pub labels: &'a [u8],
    pub legend: &'a [String],
}

fn draw_decision_boundary(
    area: &DrawingArea<BitMapBackend<'_>, Shift>,
    title: &str,
    grid: &OutputGrid,
    test: LabelledSet<'_>,
) -> Result<(), AppError> {
    let body = square_plot_area(area, title, 26)?;
    let mut chart = ChartBuilder::on(&body)
        .margin(MARGIN)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(grid.x.0..grid.x.1, grid.y.0..grid.y.1)
        .map_err(plot_error)?;
    draw_plane_axes(&mut chart, 10, 14)?;
    let everywhere = (grid.x, grid.y);
    draw_surface(&mut chart, grid, everywhere)?
        .label(if grid.width == 1 {
            "f(x) = 0"
        } else {
            "class boundary"
        })
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BLACK.stroke_width(2)));
    for (index, name) in test.legend.iter().enumerate() {
        draw_markers(&mut chart, test, index, 4, everywhere, Some(name))?;
    }
    draw_legend(&mut chart, SeriesLabelPosition::UpperLeft, 15)?;
    if let Some(zoom) = crowded_region(test, grid) {
        draw_inset(&mut chart, grid, test, zoom)?;
    }
    Ok(())
}

/// The grid's shaded cells that meet `region`, and black cells where the class changes.
fn draw_surface<'a, 'b, 'c>(
    chart: &'c mut PlaneChart<'a, 'b>,
    grid: &OutputGrid,
    region: Region,
) -> Result<&'c mut SeriesAnno<'a, BitMapBackend<'b>>, AppError> {
    let ((x0, x1), (y0, y1)) = region;
    let cells: Vec<(usize, usize)> = (0..grid.resolution)
        .flat_map(|row| (0..grid.resolution).map(move |col| (row, col)))
        .filter(|&(row, col)| {
            let ((left, top), (right, bottom)) = grid.cell(row, col);
            right > x0 && left < x1 && top > y0 && bottom < y1
        })
        .collect();
    chart
        .draw_series(cells.iter().map(|&(row, col)| {
            Rectangle::new(
                [grid.cell(row, col).0, grid.cell(row, col).1],
                shade(grid.class_at(row, col), grid.confidence(row, col)).filled(),
            )
        }))
        .map_err(plot_error)?;
    chart
        .draw_series(
            cells
                .iter()
                .filter(|&&(row, col)| grid.on_boundary(row, col))
                .map(|&(row, col)| {
                    let ((left, top), (right, bottom)) = grid.cell(row, col);
                    Rectangle::new([(left, top), (right, bottom)], BLACK.filled())
                }),
        )
        .map_err(plot_error)
}

/// Class `index`'s test points inside `region` as the tutorial marks them: squares for the
/// first class, triangles for the second, circles after; `size` in pixels, and a legend entry
/// when `name` is given.
fn draw_markers(
    chart: &mut PlaneChart<'_, '_>,
    test: LabelledSet<'_>,
    index: usize,
    size: i32,
    region: Region,
    name: Option<&str>,
) -> Result<(), AppError> {
    let colour = class_colour(index);
    let label = u8::try_from(index).unwrap_or(u8::MAX);
    let ((x0, x1), (y0, y1)) = region;
    let points = test
        .points
        .iter()
        .zip(test.labels)
        .filter(move |(p, l)| {
            **l == label && (x0..=x1).contains(&p[0]) && (y0..=y1).contains(&p[1])
        })
        .map(|(p, _)| (p[0], p[1]));
    let edge = if index == 1 { POSITIVE_EDGE } else { BLACK };
    let corner = [(-size, -size), (size, size)];
    let series = match index {
        0 => chart
            .draw_series(points.map(|p| {
                EmptyElement::at(p)
                    + Rectangle::new(corner, colour.filled())
                    + Rectangle::new(corner, edge.stroke_width(1))
            }))
            .map_err(plot_error)?
            .legend(move |(x, y)| {
                Rectangle::new([(x + 3, y - 5), (x + 13, y + 5)], colour.filled())
            }),
        1 => chart
            .draw_series(points.map(|p| {
                EmptyElement::at(p)
                    + TriangleMarker::new((0, 0), size + 1, colour.filled())
                    + TriangleMarker::new((0, 0), size + 1, edge.stroke_width(1))
            }))
            .map_err(plot_error)?
            .legend(move |(x, y)| TriangleMarker::new((x + 8, y), 6, colour.filled())),
        _ => chart
            .draw_series(points.map(|p| {
                EmptyElement::at(p)
                    + Circle::new((0, 0), size, colour.filled())
                    + Circle::new((0, 0), size, edge.stroke_width(1))
            }))
            .map_err(plot_error)?
            .legend(move |(x, y)| Circle::new((x + 8, y), 5, colour.filled())),
    };
    if let Some(name) = name {
        series.label(name);
    }
    Ok(())
}

/// The square around the class whose test points lie closest together, when they span less
/// than a tenth of the plot, as the tutorial's inner ring at factor 0.1 does: its markers
/// would merge into one blot.
fn crowded_region(test: LabelledSet<'_>, grid: &OutputGrid) -> Option<Region> {
    let span = grid.x.1 - grid.x.0;
    (0..test.legend.len())
        .filter_map(|class| {
            let label = u8::try_from(class).ok()?;
            let points: Vec<[f64; 2]> = test
                .points
                .iter()
                .zip(test.labels)
                .filter(|(_, l)| **l == label)
                .map(|(p, _)| *p)
                .collect();
            if points.is_empty() {
                return None;
            }
            let n = points.len() as f64;
            let cx = points.iter().map(|p| p[0]).sum::<f64>() / n;
            let cy = points.iter().map(|p| p[1]).sum::<f64>() / n;
            let radius = points
                .iter()
                .map(|p| (p[0] - cx).hypot(p[1] - cy))
                .fold(0.0, f64::max);
            Some((radius, cx, cy))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .filter(|&(radius, _, _)| radius > 0.0 && 2.0 * radius < 0.1 * span)
        .map(|(radius, cx, cy)| {
            let half = radius * 1.6;
            ((cx - half, cx + half), (cy - half, cy + half))
        })
}

/// A magnified view of `zoom` in the plot's lower right corner, and a frame around `zoom` on
/// the plot itself.
fn draw_inset(
    chart: &mut PlaneChart<'_, '_>,
    grid: &OutputGrid,
    test: LabelledSet<'_>,
    zoom: Region,
) -> Result<(), AppError> {
    let ((x0, x1), (y0, y1)) = zoom;
    chart
        .draw_series([Rectangle::new([(x0, y1), (x1, y0)], BLACK.stroke_width(1))])
        .map_err(plot_error)?;
    let plot = chart.plotting_area().strip_coord_spec();
    let (w, h) = plot.dim_in_pixel();
    let side = (w.min(h) as f64 * 0.3) as u32;
    let left = w.saturating_sub(side + 10);
    let top = h.saturating_sub(side + 10);
    let inset = plot.shrink((left, top), (side, side));
    inset.fill(&WHITE).map_err(plot_error)?;
    let mut zoomed = ChartBuilder::on(&inset)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(plot_error)?;
    draw_surface(&mut zoomed, grid, zoom)?;
    for index in 0..test.legend.len() {
        draw_markers(&mut zoomed, test, index, 2, zoom, None)?;
    }
    inset
        .draw(&Rectangle::new(
            [(0, 0), (side as i32 - 1, side as i32 - 1)],
            BLACK.stroke_width(1),
        ))
        .map_err(plot_error)?;
    inset
        .draw(&Text::new(
            format!("x{:.0}", (grid.x.1 - grid.x.0) / (x1 - x0)),
            (6, 4),
            ("sans-serif", 13),
        ))
        .map_err(plot_error)?;
    Ok(())
}

/// `decision_boundary.png`: shaded outputs, the zero contour and the test points.
pub fn decision_boundary_plot(
    path: &Path,
    title: &str,
    grid: &OutputGrid,
    test: LabelledSet<'_>,
) -> Result<(), AppError> {
    render(path, PLOT_SIZE, |root| {
        draw_decision_boundary(root, title, grid, test)
    })
}

/// `comparison.png`: decision boundaries side by side, one panel per loss.
pub fn comparison_plot(
    path: &Path,
    panels: &[(&str, &OutputGrid)],
    test: LabelledSet<'_>,
) -> Result<(), AppError> {
    render(path, COMPARISON_SIZE, |root| {
        let areas = root.split_evenly((1, panels.len().max(1)));
        for (area, (title, grid)) in areas.iter().zip(panels) {
            draw_decision_boundary(area, title, grid, test)?;
        }
        Ok(())
    })
}
