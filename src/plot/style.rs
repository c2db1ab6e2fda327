//! How every figure looks: the embedded font, the canvas and its PNG encoding, the class
//! palette, legends, axes and the square plot area. The run's plots, the animations, the neuron
//! maps and the lab's figures all draw through here, so they look like one family.

use std::path::Path;
use std::sync::Once;

use hinge_train::write_atomic;
use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use crate::AppError;

pub(super) const FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

pub const PLOT_SIZE: (u32, u32) = (800, 600);
pub const COMPARISON_SIZE: (u32, u32) = (1600, 650);

/// The colour of class -1 (outer circle) and of class +1 (inner circle).
pub(super) const NEGATIVE: RGBColor = RGBColor(31, 119, 180);
pub(super) const POSITIVE: RGBColor = RGBColor(255, 127, 14);
/// Class colours for more classes, matplotlib's "tab10" after the first two.
pub(super) const CLASS_COLOURS: [RGBColor; 10] = [
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
pub(super) const POSITIVE_EDGE: RGBColor = RGBColor(140, 60, 0);

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
pub(super) type Region = ((f64, f64), (f64, f64));

/// The same region widened on its narrower axis to a square about the same centre.
pub(super) fn square((x, y): ((f64, f64), (f64, f64))) -> ((f64, f64), (f64, f64)) {
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
pub(super) const MARGIN: u32 = 15;
pub(super) const X_LABEL_AREA: u32 = 45;
pub(super) const Y_LABEL_AREA: u32 = 55;

/// `area` with `title` drawn at its top, and the rest padded so that a chart built on it with
/// [`MARGIN`] and the label areas has a square plotting area: with a square region, both axes
/// get one scale and circles are drawn round.
pub(super) fn square_plot_area<'a>(
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
pub(super) fn bounds(points: &[[f64; 2]], margin: f64) -> ((f64, f64), (f64, f64)) {
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
