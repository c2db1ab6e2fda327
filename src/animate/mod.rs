//! `boundary.png`: the decision surface forming, one frame per snapshot, as an animated PNG.
//!
//! Frames are drawn straight into 8-bit palette images instead of through plotters: the axes
//! and labels are drawn once with plotters and mapped onto the palette, and each frame only
//! repaints the surface, the points and its title. A truecolour frame through plotters cost
//! several times more, and an animation must not make the tutorial's run much slower.

mod apng;
mod palette;

use hinge_model::predicted_class;
use hinge_train::Snapshot;
use plotters::prelude::*;

use crate::AppError;
use crate::plot::{OutputGrid, confidence_of_outputs, draw_plane_axes, plot_error};
use palette::{BLACK_INDEX, SHADES, class_index, draw_indexed, palette};
use rayon::prelude::*;

/// One panel: the title strip above, the square plot, the tick labels left and below.
const PANEL: (u32, u32) = (420, 450);
const TITLE_HEIGHT: u32 = 34;
/// Snapshot grid cells per axis; pixels between cell centres are interpolated.
pub const FRAME_GRID: usize = 120;
/// What one panel shows, besides its snapshots; owned, so it can be drawn on another thread
/// while the next run trains.
pub struct Panel {
    /// E.g. "Hinge loss"; each frame adds its epoch.
    pub title: String,
    /// The square region the snapshots cover, and the grid's cells per axis.
    pub grid: OutputGrid,
    /// The training points and their labels.
    pub points: Vec<[f64; 2]>,
    pub labels: Vec<u8>,
    pub classes: usize,
    /// Every epoch's training loss, epoch 1 first, for the titles of epoch-end frames.
    pub losses: Vec<f64>,
    pub epochs: usize,
}

/// Palette-indexed frames of one panel, ready to be written or put side by side.
pub struct Frames {
    width: u32,
    height: u32,
    frames: Vec<Vec<u8>>,
    palette: Vec<[u8; 3]>,
}

impl Frames {
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Panels of the same frame count and palette side by side, left to right.
    pub fn side_by_side(panels: &[Frames]) -> Option<Frames> {
        let first = panels.first()?;
        if panels
            .iter()
            .any(|p| p.len() != first.len() || p.height != first.height)
        {
            return None;
        }
        let width: u32 = panels.iter().map(|p| p.width).sum();
        let frames = (0..first.len())
            .map(|index| {
                let mut frame = Vec::with_capacity((width * first.height) as usize);
                for row in 0..first.height as usize {
                    for panel in panels {
                        let w = panel.width as usize;
                        frame.extend_from_slice(&panel.frames[index][row * w..(row + 1) * w]);
                    }
                }
                frame
            })
            .collect();
        Some(Frames {
            width,
            height: first.height,
            frames,
            palette: first.palette.clone(),
        })
    }
}

/// The pixel rectangle of the plot inside a panel: left, top, side.
struct PlotRect {
    left: usize,
    top: usize,
    side: usize,
}

/// Renders one panel's frames from its snapshots (each the outputs of one member at the
/// grid's cell centres).
pub fn render_frames(spec: &Panel, snapshots: &[Snapshot]) -> Result<Frames, AppError> {
    let palette = palette(spec.classes);
    let grid = &spec.grid;
    let mut rect = PlotRect {
        left: 0,
        top: 0,
        side: 0,
    };
    // Axes, ticks and labels: the same for every frame. The first pass measures the plot
    // area; the second pads its longer side so that it is square, both axes at one scale.
    let mut pad = (0u32, 0u32);
    let mut background = Vec::new();
    for _pass in 0..2 {
        background = draw_indexed(PANEL, &palette, |root| {
            let mut chart = ChartBuilder::on(root)
                .margin_top(TITLE_HEIGHT + 6 + pad.1)
                .margin_right(14 + pad.0)
                .margin_left(6)
                .margin_bottom(4)
                .x_label_area_size(38)
                .y_label_area_size(44)
                .build_cartesian_2d(grid.x.0..grid.x.1, grid.y.0..grid.y.1)
                .map_err(plot_error)?;
            draw_plane_axes(&mut chart, 5, 13)?;
            let (xs, ys) = chart.plotting_area().get_pixel_range();
            let (w, h) = ((xs.end - xs.start).max(1), (ys.end - ys.start).max(1));
            if pad == (0, 0) {
                pad = ((w - w.min(h)) as u32, (h - w.min(h)) as u32);
            }
            rect = PlotRect {
                left: xs.start as usize,
                top: ys.start as usize,
                side: w.min(h) as usize,
            };
            Ok(())
        })?;
        if pad == (0, 0) {
            break;
        }
    }
    let frame = |snapshot: &Snapshot| {
        let mut frame = background.clone();
        paint_surface(&mut frame, &rect, grid, &snapshot.outputs);
        paint_points(&mut frame, &rect, grid, spec);
        let title = frame_title(spec, snapshot.epoch);
        let strip = draw_indexed((PANEL.0, TITLE_HEIGHT), &palette, |root| {
            root.draw(&Text::new(
                title,
                (12, 8),
                ("sans-serif", 17).into_font().color(&BLACK),
            ))
            .map_err(plot_error)
        })?;
        frame[..strip.len()].copy_from_slice(&strip);
        Ok(frame)
    };
    // Frames are independent: draw them on every core (the next loss may be training
    // meanwhile; the frames are short work beside it).
    let frames = snapshots
        .par_iter()
        .map(frame)
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(Frames {
        width: PANEL.0,
        height: PANEL.1,
        frames,
        palette,
    })
}

/// "Hinge loss, epoch 12/30, loss 0.0213"; between epoch ends the epoch is fractional and the
/// loss is not known yet.
fn frame_title(spec: &Panel, epoch: f64) -> String {
    let whole = epoch.fract() == 0.0;
    let loss = match (whole, epoch as usize) {
        (true, e) if e >= 1 => spec
            .losses
            .get(e - 1)
            .map(|&l| format!(", loss {}", short(l))),
        _ => None,
    };
    let epoch_text = if whole {
        format!("{epoch:.0}")
    } else {
        format!("{epoch:.2}")
    };
    format!(
        "{}, epoch {epoch_text}/{}{}",
        spec.title,
        spec.epochs,
        loss.unwrap_or_default()
    )
}

/// A loss in few characters: 0.0213, or 4.58e-6 once it is that small.
fn short(value: f64) -> String {
    if value.abs() >= 0.01 || value == 0.0 {
        format!("{value:.4}")
    } else {
        format!("{value:.2e}")
    }
}

/// The surface: each pixel shaded by the class and confidence of the outputs interpolated
/// between the four nearest cell centres; pixels where the class changes are the boundary.
fn paint_surface(frame: &mut [u8], rect: &PlotRect, grid: &OutputGrid, outputs: &[f32]) {
    let side = rect.side;
    // The interpolation is separable: each pixel column's (and row's) two cells and weight
    // are the same in every frame and row.
    let axis = |flip: bool| -> Vec<(usize, usize, f32)> {
        let n = grid.resolution;
        (0..side)
            .map(|p| {
                let p = if flip { side - 1 - p } else { p };
                let g =
                    ((p as f64 + 0.5) / side as f64 * n as f64 - 0.5).clamp(0.0, (n - 1) as f64);
                let lo = g.floor() as usize;
                (lo, (lo + 1).min(n - 1), (g - lo as f64) as f32)
            })
            .collect()
    };
    let (columns, rows) = (axis(false), axis(true));
    let n = grid.resolution;
    let width = grid.width;
    // Each grid row interpolated along x to every pixel column, once: a grid row serves
    // several pixel rows, as the lower row and as the upper.
    let along_x: Vec<Vec<f32>> = (0..n)
        .map(|row| {
            let cells = &outputs[row * n * width..(row + 1) * n * width];
            let mut line = vec![0.0; side * width];
            for (pixel, &(x0, x1, tx)) in line.chunks_exact_mut(width).zip(&columns) {
                for (k, value) in pixel.iter_mut().enumerate() {
                    let (a, b) = (cells[x0 * width + k], cells[x1 * width + k]);
                    *value = a + (b - a) * tx;
                }
            }
            line
        })
        .collect();
    // A pixel's class and palette entry from its interpolated outputs.
    let shade = |values: &[f32]| {
        let class = predicted_class(values);
        // Through u8: a confidence in [0, 1] gives 0 to 15 either way, and f32 to u8 is one
        // instruction where f32 to usize is a branchy sequence per pixel.
        let level = (confidence_of_outputs(values) * (SHADES - 1) as f32 + 0.5) as u8;
        let level = usize::from(level).min(SHADES - 1);
        (class as u8, class_index(class, 2 + level))
    };
    let mut classes = vec![0u8; side * side];
    let mut values = vec![0f32; width];
    let stride = PANEL.0 as usize;
    for ((&(y0, y1, ty), class_row), py) in rows.iter().zip(classes.chunks_exact_mut(side)).zip(0..)
    {
        let line = &mut frame[(rect.top + py) * stride + rect.left..][..side];
        let (bottoms, tops) = (&along_x[y0], &along_x[y1]);
        let pixels = line.iter_mut().zip(class_row);
        if width == 1 {
            // One output, the two-class losses: the same arithmetic on a value the compiler
            // can keep in a register.
            for ((pixel, class_of), (&bottom, &top)) in pixels.zip(bottoms.iter().zip(tops)) {
                (*class_of, *pixel) = shade(&[bottom + (top - bottom) * ty]);
            }
            continue;
        }
        let cells = bottoms.chunks_exact(width).zip(tops.chunks_exact(width));
        for ((pixel, class_of), (bottom, top)) in pixels.zip(cells) {
            for ((value, &bottom), &top) in values.iter_mut().zip(bottom).zip(top) {
                *value = bottom + (top - bottom) * ty;
            }
            (*class_of, *pixel) = shade(&values);
        }
    }
    for py in 0..side {
        let here = &classes[py * side..][..side];
        let below = classes.get((py + 1) * side..(py + 2) * side);
        let line = &mut frame[(rect.top + py) * stride + rect.left..][..side];
        for px in 0..side {
            let right = px + 1 < side && here[px + 1] != here[px];
            let down = below.is_some_and(|below| below[px] != here[px]);
            if right || down {
                line[px] = BLACK_INDEX;
            }
        }
    }
}

/// The training points as small discs in their class colour with a dark rim.
fn paint_points(frame: &mut [u8], rect: &PlotRect, grid: &OutputGrid, spec: &Panel) {
    let side = rect.side as f64;
    let to_px = |p: &[f64; 2]| {
        let fx = (p[0] - grid.x.0) / (grid.x.1 - grid.x.0);
        let fy = (grid.y.1 - p[1]) / (grid.y.1 - grid.y.0);
        ((fx * side) as i64, (fy * side) as i64)
    };
    for (point, &label) in spec.points.iter().zip(&spec.labels) {
        let (cx, cy) = to_px(point);
        for dy in -2i64..=2 {
            for dx in -2i64..=2 {
                let d2 = dx * dx + dy * dy;
                if d2 > 5 {
                    continue;
                }
                let (x, y) = (cx + dx, cy + dy);
                if x < 0 || y < 0 || x >= rect.side as i64 || y >= rect.side as i64 {
                    continue;
                }
                let part = if d2 >= 4 { 1 } else { 0 };
                let at = (rect.top + y as usize) * PANEL.0 as usize + rect.left + x as usize;
                frame[at] = class_index(label as usize, part);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::apng::{FPS, HOLD_LAST_MS};
    use super::palette::{PaletteIndices, nearest};
    use super::*;

    /// Three 3x2 frames of a four-colour palette.
    fn frames() -> Frames {
        Frames {
            width: 3,
            height: 2,
            frames: vec![
                vec![0, 1, 2, 3, 0, 1],
                vec![3, 3, 3, 0, 0, 0],
                vec![1, 2, 1, 2, 1, 2],
            ],
            palette: vec![[255, 255, 255], [0, 0, 0], [200, 10, 10], [10, 10, 200]],
        }
    }

    #[test]
    fn the_animation_decodes_to_its_frames_palette_and_delays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.png");
        let written = frames();
        written.write(&path).unwrap();
        let file = std::io::BufReader::new(std::fs::File::open(&path).unwrap());
        let mut reader = png::Decoder::new(file).read_info().unwrap();
        let info = reader.info();
        assert_eq!((info.width, info.height), (3, 2));
        assert_eq!(info.color_type, png::ColorType::Indexed);
        assert_eq!(info.palette.as_deref(), Some(&written.palette.concat()[..]));
        let control = info.animation_control().unwrap();
        assert_eq!((control.num_frames, control.num_plays), (3, 0));
        for (index, expected) in written.frames.iter().enumerate() {
            let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
            let frame = reader.next_frame(&mut buffer).unwrap();
            assert_eq!(
                &buffer[..frame.buffer_size()],
                &expected[..],
                "frame {index}"
            );
            let control = reader.info().frame_control().unwrap();
            let delay = (control.delay_num, control.delay_den);
            let wanted = if index == 2 {
                (HOLD_LAST_MS, 1000)
            } else {
                (1, FPS)
            };
            assert_eq!(delay, wanted, "frame {index}");
        }
    }

    #[test]
    fn canvas_colours_map_to_the_nearest_palette_entry() {
        let palette = palette(2);
        let mut indices = PaletteIndices::new(&palette);
        // Every colour twice: the second answer comes from the table and must be the first.
        for rgb in [
            [255, 255, 255],
            [0, 0, 0],
            [250, 250, 250],
            [3, 2, 1],
            [128, 30, 200],
        ] {
            let first = indices.of(rgb);
            assert_eq!(first, nearest(&palette, rgb));
            assert_eq!(indices.of(rgb), first);
        }
        assert_eq!(indices.of([255, 255, 255]), 0);
        assert_eq!(indices.of([0, 0, 0]), BLACK_INDEX);
    }
}
