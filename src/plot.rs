//! The run's figures, drawn with plotters into memory and written as PNG files.
//!
//! Text uses a font compiled into the binary (DejaVu Sans, through ab_glyph), so the plots
//! render the same on a machine with no fonts and no fontconfig.

use std::path::Path;
use std::sync::Once;

use hinge_model::predicted_class;
use hinge_train::{EpochMetrics, write_atomic};
use plotters::chart::SeriesAnno;
use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use crate::AppError;

const FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

pub const PLOT_SIZE: (u32, u32) = (800, 600);
pub const COMPARISON_SIZE: (u32, u32) = (1600, 650);
/// Grid cells per axis of the decision-boundary shading.
pub const GRID_RESOLUTION: usize = 300;

/// The colour of class -1 (outer circle) and of class +1 (inner circle).
const NEGATIVE: RGBColor = RGBColor(31, 119, 180);
const POSITIVE: RGBColor = RGBColor(255, 127, 14);
/// Class colours for more classes, matplotlib's "tab10" after the first two.
const CLASS_COLOURS: [RGBColor; 10] = [
    NEGATIVE,
    POSITIVE,
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

pub(crate) fn class_colour(class: usize) -> RGBColor {
    CLASS_COLOURS[class % CLASS_COLOURS.len()]
}
/// Marker edges: black for the spread-out outer points, dark orange for the dense inner ring,
/// which black edges would turn into a black blot (the inset shows its points one by one).
const POSITIVE_EDGE: RGBColor = RGBColor(140, 60, 0);

pub(crate) fn register_embedded_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for style in [FontStyle::Normal, FontStyle::Bold] {
            let registered = register_font("sans-serif", style, FONT);
            assert!(registered.is_ok(), "the embedded font is a valid TTF");
        }
    });
}

pub(crate) fn plot_error(err: impl std::fmt::Display) -> AppError {
    AppError::Plot(err.to_string())
}

/// The legend box every plot uses: the labelled series on a pale background, framed.
pub(crate) fn draw_legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
    font_size: u32,
) -> Result<(), AppError> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", font_size))
        .draw()
        .map_err(plot_error)
}

/// Draws with `draw` on a white canvas of `size` and writes it to `path` as a PNG.
pub(crate) fn render(
    path: &Path,
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<BitMapBackend<'_>, Shift>) -> Result<(), AppError>,
) -> Result<(), AppError> {
    register_embedded_font();
    let (width, height) = size;
    let mut rgb = vec![255u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, size).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        draw(&root)?;
        root.present().map_err(plot_error)?;
    }
    let mut png_bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png_bytes, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        // The default deflate level took a quarter of a short run's time; level 1 is several
        // times faster and keeps flat plot colours almost as small.
        encoder.set_deflate_compression(png::DeflateCompression::Level(1));
        let mut writer = encoder.write_header().map_err(plot_error)?;
        writer.write_image_data(&rgb).map_err(plot_error)?;
    }
    write_atomic(path, &png_bytes)?;
    Ok(())
}

/// `data.png`: the training points, as the tutorial's `plt.scatter` shows them.
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

/// The model's raw outputs over a grid that covers some points with a margin.
#[derive(Debug, Clone)]
pub struct OutputGrid {
    pub x: (f64, f64),
    pub y: (f64, f64),
    pub resolution: usize,
    /// Outputs per cell: 1, or one per class.
    pub width: usize,
    /// Row-major, `y` rows from the bottom, `x` columns from the left, `width` per cell.
    pub outputs: Vec<f32>,
}

impl OutputGrid {
    /// The cell centres to predict, in the order `outputs` must follow.
    pub fn cell_centres(x: (f64, f64), y: (f64, f64), resolution: usize) -> Vec<[f32; 2]> {
        let step =
            |(lo, hi): (f64, f64), i: usize| lo + (i as f64 + 0.5) * (hi - lo) / resolution as f64;
        (0..resolution)
            .flat_map(|row| {
                (0..resolution).map(move |col| [step(x, col) as f32, step(y, row) as f32])
            })
            .collect()
    }

    /// The area mlxtend's `plot_decision_regions` covers, the points' range plus 1 each side,
    /// widened on its narrower axis to a square, so a square plot draws both axes to one scale
    /// and circles stay round.
    pub fn covering(points: &[[f64; 2]]) -> ((f64, f64), (f64, f64)) {
        square(bounds(points, 1.0))
    }

    fn outputs_at(&self, row: usize, col: usize) -> &[f32] {
        let start = (row * self.resolution + col) * self.width;
        &self.outputs[start..start + self.width]
    }

    /// The class the model predicts in a cell: by the sign of a single output, else the
    /// largest output.
    fn class_at(&self, row: usize, col: usize) -> usize {
        predicted_class(self.outputs_at(row, col))
    }

    /// How sure the model is in a cell, in [0, 1]: |f(x)| for one output, the lead of the
    /// largest output over the next for several (1 or more is outside the categorical margin).
    fn confidence(&self, row: usize, col: usize) -> f32 {
        confidence_of_outputs(self.outputs_at(row, col))
    }

    fn cell(&self, row: usize, col: usize) -> ((f64, f64), (f64, f64)) {
        let (x0, x1) = self.x;
        let (y0, y1) = self.y;
        let n = self.resolution as f64;
        let dx = (x1 - x0) / n;
        let dy = (y1 - y0) / n;
        let left = x0 + col as f64 * dx;
        let bottom = y0 + row as f64 * dy;
        ((left, bottom + dy), (left + dx, bottom))
    }

    /// Whether the predicted class changes between this cell and the next one up or right.
    fn on_boundary(&self, row: usize, col: usize) -> bool {
        let here = self.class_at(row, col);
        let right = col + 1 < self.resolution && self.class_at(row, col + 1) != here;
        let up = row + 1 < self.resolution && self.class_at(row + 1, col) != here;
        right || up
    }
}

/// How sure a model's outputs for one point are, in [0, 1]: |f(x)| for one output, the lead of
/// the largest output over the next for several (1 or more is outside the categorical margin).
pub fn confidence_of_outputs(outputs: &[f32]) -> f32 {
    if let [single] = outputs {
        return single.abs().min(1.0);
    }
    let mut sorted = outputs.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    (sorted[0] - sorted[1]).clamp(0.0, 1.0)
}

/// The class colour, washed out towards white as the model's confidence falls, so the margin
/// band (-1 < f(x) < 1 for one output) shows as a pale stripe around the boundary.
pub(crate) fn shade(class: usize, confidence: f32) -> RGBColor {
    wash(
        class_colour(class),
        0.15 + 0.55 * confidence.clamp(0.0, 1.0) as f64,
    )
}

/// `colour` at `strength` in [0, 1] over white: 0 is white, 1 the colour itself.
pub(crate) fn wash(colour: RGBColor, strength: f64) -> RGBColor {
    let mix = |c: u8| (255.0 - (255.0 - c as f64) * strength).round() as u8;
    RGBColor(mix(colour.0), mix(colour.1), mix(colour.2))
}

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

/// The axes of a plane plot: about `ticks` ticks a side with one decimal, x and y named, no
/// grid lines over the surface; tick labels of `text` pixels, axis names a little larger.
pub(crate) fn draw_plane_axes(
    chart: &mut PlaneChart<'_, '_>,
    ticks: usize,
    text: u32,
) -> Result<(), AppError> {
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(ticks)
        .y_labels(ticks)
        .x_desc("x")
        .y_desc("y")
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .label_style(("sans-serif", text))
        .axis_desc_style(("sans-serif", text + 2))
        .draw()
        .map_err(plot_error)
}

pub(crate) type PlaneChart<'a, 'b> = ChartContext<
    'a,
    BitMapBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;
type Region = ((f64, f64), (f64, f64));

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

/// `loss.png`: training and validation loss per epoch on a log scale, as in the tutorial.
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

/// The same region widened on its narrower axis to a square about the same centre.
fn square((x, y): ((f64, f64), (f64, f64))) -> ((f64, f64), (f64, f64)) {
    let half = (x.1 - x.0).max(y.1 - y.0) / 2.0;
    let centre = |(lo, hi): (f64, f64)| (lo + hi) / 2.0;
    let (cx, cy) = (centre(x), centre(y));
    ((cx - half, cx + half), (cy - half, cy + half))
}

/// A tick label of a plane plot: one decimal, and 0 without the sign a rounding left on it.
pub(crate) fn tick(value: &f64) -> String {
    format!("{:.1}", value + 0.0)
}

/// Space around a plane plot's chart, and for its tick labels and axis names.
const MARGIN: u32 = 15;
const X_LABEL_AREA: u32 = 45;
const Y_LABEL_AREA: u32 = 55;

/// `area` with `title` drawn at its top, and the rest padded so that a chart built on it with
/// [`MARGIN`] and the label areas has a square plotting area: with a square region, both axes
/// get one scale and circles are drawn round.
fn square_plot_area<'a>(
    area: &DrawingArea<BitMapBackend<'a>, Shift>,
    title: &str,
    title_size: u32,
) -> Result<DrawingArea<BitMapBackend<'a>, Shift>, AppError> {
    let body = area
        .titled(title, ("sans-serif", title_size))
        .map_err(plot_error)?;
    let (w, h) = body.dim_in_pixel();
    let plot_w = w.saturating_sub(Y_LABEL_AREA + 2 * MARGIN);
    let plot_h = h.saturating_sub(X_LABEL_AREA + 2 * MARGIN);
    let side = plot_w.min(plot_h);
    let (pad_x, pad_y) = (plot_w - side, plot_h - side);
    Ok(body.margin(0, pad_y, pad_x / 2, pad_x - pad_x / 2))
}

/// The points' range on each axis, widened by `margin` each side.
fn bounds(points: &[[f64; 2]], margin: f64) -> ((f64, f64), (f64, f64)) {
    let axis = |i: usize| {
        let lo = points.iter().map(|p| p[i]).fold(f64::INFINITY, f64::min);
        let hi = points
            .iter()
            .map(|p| p[i])
            .fold(f64::NEG_INFINITY, f64::max);
        if lo.is_finite() {
            (lo - margin, hi + margin)
        } else {
            (-1.0 - margin, 1.0 + margin)
        }
    };
    (axis(0), axis(1))
}
