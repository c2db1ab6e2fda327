//! The frames' palette: white, black, greys for the axes and text, and per class its colour,
//! a dark edge and shades of its confidence; and plotters' RGB drawing mapped onto it.

use plotters::prelude::*;

use crate::AppError;
use crate::plot::{class_colour, plot_error, register_embedded_font, shade};

/// Shades of each class from the palest (no confidence) to the fullest.
pub(super) const SHADES: usize = 16;
const GREYS: usize = 8;
/// Palette layout: white (0), black, greys, then per class its full colour, its edge colour, and
/// its shades.
pub(super) const BLACK_INDEX: u8 = 1;
const GREY_START: usize = 2;
const CLASS_START: usize = GREY_START + GREYS;
const PER_CLASS: usize = 2 + SHADES;
pub(super) const MAX_CLASSES: usize = (256 - CLASS_START) / PER_CLASS;

/// The palette every frame uses.
pub(super) fn palette(classes: usize) -> Vec<[u8; 3]> {
    let mut colours = vec![[255, 255, 255], [0, 0, 0]];
    for grey in 0..GREYS {
        let level = (255.0 * (grey + 1) as f64 / (GREYS + 1) as f64).round() as u8;
        colours.push([level; 3]);
    }
    for class in 0..classes.min(MAX_CLASSES) {
        let full = class_colour(class);
        colours.push([full.0, full.1, full.2]);
        let dark = |c: u8| (c as f64 * 0.45).round() as u8;
        colours.push([dark(full.0), dark(full.1), dark(full.2)]);
        for level in 0..SHADES {
            let s = shade(class, level as f32 / (SHADES - 1) as f32);
            colours.push([s.0, s.1, s.2]);
        }
    }
    colours
}

pub(super) fn class_index(class: usize, part: usize) -> u8 {
    (CLASS_START + (class % MAX_CLASSES) * PER_CLASS + part) as u8
}

/// The palette entry nearest to an RGB colour.
pub(super) fn nearest(palette: &[[u8; 3]], rgb: [u8; 3]) -> u8 {
    let distance = |c: &[u8; 3]| {
        c.iter()
            .zip(rgb)
            .map(|(&a, b)| (a as i32 - b as i32).pow(2))
            .sum::<i32>()
    };
    (0..palette.len())
        .min_by_key(|&i| distance(&palette[i]))
        .unwrap_or(0) as u8
}

/// Draws with plotters on a white RGB canvas and maps it onto the palette.
pub(super) fn draw_indexed(
    size: (u32, u32),
    palette: &[[u8; 3]],
    draw: impl FnOnce(&DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>) -> Result<(), AppError>,
) -> Result<Vec<u8>, AppError> {
    register_embedded_font();
    let mut rgb = vec![255u8; (size.0 * size.1 * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, size).into_drawing_area();
        draw(&root)?;
        root.present().map_err(plot_error)?;
    }
    let mut indices = PaletteIndices::new(palette);
    Ok(rgb
        .chunks_exact(3)
        .map(|px| indices.of([px[0], px[1], px[2]]))
        .collect())
}

/// Palette indices of the colours seen so far. A canvas has a few hundred distinct colours
/// (antialiased text makes most of them) in hundreds of thousands of pixels, and [`nearest`]
/// scans the whole palette; a `HashMap` with its default hasher was most of an animation's
/// drawing time. A direct-mapped table of packed colours costs a multiply per pixel.
pub(super) struct PaletteIndices<'a> {
    palette: &'a [[u8; 3]],
    /// Per slot the colour packed as `0x01RRGGBB` (0: empty) and its index.
    slots: Vec<(u32, u8)>,
}

impl<'a> PaletteIndices<'a> {
    const SLOT_BITS: u32 = 12;

    pub(super) fn new(palette: &'a [[u8; 3]]) -> Self {
        Self {
            palette,
            slots: vec![(0, 0); 1 << Self::SLOT_BITS],
        }
    }

    pub(super) fn of(&mut self, rgb: [u8; 3]) -> u8 {
        let packed = 1 << 24 | u32::from(rgb[0]) << 16 | u32::from(rgb[1]) << 8 | u32::from(rgb[2]);
        let slot = (packed.wrapping_mul(0x9E37_79B1) >> (32 - Self::SLOT_BITS)) as usize;
        let (seen, index) = self.slots[slot];
        if seen == packed {
            return index;
        }
        let index = nearest(self.palette, rgb);
        self.slots[slot] = (packed, index);
        index
    }
}
