//! How the page receives maps: values in [-1, 1] as signed bytes, base64, which the page's
//! `atob` reads; a 48 x 48 surface is 3 KB of text instead of 20 KB of JSON numbers.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// Values in [-1, 1] (clamped; NaN as 0) as signed bytes, base64 with padding.
pub fn signed_bytes(values: &[f32]) -> String {
    let bytes: Vec<u8> = values
        .iter()
        .map(|&y| {
            let clamped = if y.is_nan() { 0.0 } else { y.clamp(-1.0, 1.0) };
            (clamped * 127.0).round() as i8 as u8
        })
        .collect();
    STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_signed_bytes_in_standard_base64() {
        assert_eq!(signed_bytes(&[]), "");
        // 1 -> 127 (0x7f), -1 -> -127 (0x81), 0 and NaN -> 0.
        assert_eq!(signed_bytes(&[1.0, -1.0, 0.0]), "f4EA");
        assert_eq!(signed_bytes(&[f32::NAN, 5.0]), "AH8=");
    }
}
