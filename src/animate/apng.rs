//! The animation's file: an animated PNG whose chunks are laid out here rather than by
//! `png`'s encoder, which feeds its zlib stream a row at a time. flate2 then zeroes its 32 KB
//! output buffer on every call, which was most of the time the tutorial's frames took to write
//! (docs/speed.md); here each frame is compressed in one call, the frames on every core.

use std::path::Path;

use hinge_train::write_atomic;
use rayon::prelude::*;

use super::Frames;
use crate::AppError;
use crate::plot::plot_error;

/// The animation's pace: frames a second, and how long the last frame (the trained network)
/// holds before the loop starts again.
pub(super) const FPS: u16 = 8;
pub(super) const HOLD_LAST_MS: u16 = 1500;

impl Frames {
    /// Writes the frames as an animated PNG, whole or not at all. Viewers without APNG show
    /// the first frame, the untrained network.
    pub fn write(&self, path: &Path) -> Result<(), AppError> {
        let rows = self.height as usize;
        let compressed: Vec<Vec<u8>> = self
            .frames
            .par_iter()
            .map(|frame| {
                // Each row is preceded by its filter type, 0 (none): palette images compress best
                // unfiltered (the PNG spec's advice), and that is also the fastest. Level 1:
                // fdeflate's fast mode made these files ten times larger.
                let mut filtered = Vec::with_capacity(frame.len() + rows);
                for row in frame.chunks_exact(self.width as usize) {
                    filtered.push(0);
                    filtered.extend_from_slice(row);
                }
                miniz_oxide::deflate::compress_to_vec_zlib(&filtered, 1)
            })
            .collect();
        let count = u32::try_from(compressed.len()).map_err(plot_error)?;
        let mut png = PNG_SIGNATURE.to_vec();
        let size = [self.width.to_be_bytes(), self.height.to_be_bytes()].concat();
        // 8-bit palette indices, deflate, no interlacing.
        chunk(&mut png, b"IHDR", &[&size[..], &[8, 3, 0, 0, 0]].concat())?;
        // The frame count, then 0: loop forever.
        chunk(&mut png, b"acTL", &[count.to_be_bytes(), [0; 4]].concat())?;
        chunk(&mut png, b"PLTE", &self.palette.concat())?;
        let mut sequence = 0u32;
        for (index, data) in compressed.iter().enumerate() {
            let (delay, per_second) = if index + 1 == compressed.len() {
                (HOLD_LAST_MS, 1000)
            } else {
                (1, FPS)
            };
            let control = [
                &sequence.to_be_bytes()[..],
                &size,
                &[0; 8], // at the top left corner
                &delay.to_be_bytes(),
                &per_second.to_be_bytes(),
                &[0, 0], // nothing disposed, each frame replaces the canvas
            ]
            .concat();
            chunk(&mut png, b"fcTL", &control)?;
            sequence += 1;
            // The first frame is the image that viewers without APNG show.
            if index == 0 {
                chunk(&mut png, b"IDAT", data)?;
            } else {
                chunk(
                    &mut png,
                    b"fdAT",
                    &[&sequence.to_be_bytes()[..], data].concat(),
                )?;
                sequence += 1;
            }
        }
        chunk(&mut png, b"IEND", &[])?;
        write_atomic(path, &png)?;
        Ok(())
    }
}

const PNG_SIGNATURE: [u8; 8] = [137, 80, 78, 71, 13, 10, 26, 10];

/// Appends one PNG chunk: its length, type, data and the CRC of type and data.
fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) -> Result<(), AppError> {
    let length = u32::try_from(data.len())
        .ok()
        .filter(|&length| length <= i32::MAX as u32)
        .ok_or_else(|| plot_error(format!("a PNG chunk of {} bytes is too long", data.len())))?;
    png.extend_from_slice(&length.to_be_bytes());
    let start = png.len();
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    let crc = crc32fast::hash(&png[start..]);
    png.extend_from_slice(&crc.to_be_bytes());
    Ok(())
}
