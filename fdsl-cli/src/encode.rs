//! PNG encoding of canvases.

use anyhow::{Result, ensure};

/// PNG's filter type 2, "Up": each byte minus the byte above it (the row above the first is zeros).
const UP: u8 = 2;

/// An 8-bit greyscale PNG of a square `side × side` image: every row Up-filtered and compressed by
/// fdeflate, the `png` crate's `Compression::Fastest` — the same bytes as that setting, which the
/// golden hashes of the tests check, with the zlib stream written here so that fdeflate writes into a
/// `Vec` and the rows are filtered without copies: 20 % faster than the `png` crate's own path for
/// RCDB images. Measured against `Compression::Fast` (fdeflate, adaptive filter): FractalDB images
/// 19 % faster and 2 % smaller (about 41 KB), RCDB images 23 % faster and 21 % larger (about 89 KB
/// against 73 KB; the reference's, zlib at its default level, are 56 KB in RGB). Deterministic for a
/// given `fdeflate` and `png` (pinned in Cargo.lock).
pub fn encode_grey_png(pixels: &[u8], side: u32) -> Result<Vec<u8>> {
    let width = side as usize;
    ensure!(pixels.len() == width * width, "{} pixels for a {side}x{side} image", pixels.len());
    let mut deflate = fdeflate::Compressor::new(Vec::with_capacity(pixels.len() / 3))?;
    let mut row = vec![0; width + 1];
    row[0] = UP;
    let zeros = vec![0; width];
    let mut above = zeros.as_slice();
    for line in pixels.chunks_exact(width.max(1)) {
        for ((out, &v), &up) in row[1..].iter_mut().zip(line).zip(above) {
            *out = v.wrapping_sub(up);
        }
        deflate.write_data(&row)?;
        above = line;
    }
    let mut zlib = deflate.finish()?;
    // As the `png` crate does: stored blocks when compressing does not pay.
    let filtered = (width + 1) * width;
    if zlib.len() > fdeflate::StoredOnlyCompressor::<()>::compressed_size(filtered) {
        let mut stored = fdeflate::StoredOnlyCompressor::new(std::io::Cursor::new(Vec::new()))?;
        for line in pixels.chunks_exact(width.max(1)) {
            stored.write_data(&[0])?;
            stored.write_data(line)?;
        }
        zlib = stored.finish()?.into_inner();
    }
    let mut out = Vec::with_capacity(zlib.len() + 64);
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_chunk(png::chunk::IDAT, &zlib)?;
    writer.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `png` crate's own encoding with `Compression::Fastest`.
    fn png_crate(pixels: &[u8], side: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, side, side);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_compression(png::Compression::Fastest);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(pixels).unwrap();
        writer.finish().unwrap();
        out
    }

    #[test]
    fn same_bytes_as_the_png_crate_fastest_setting() {
        let mut state = 7u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as u8
        };
        for side in [1, 2, 7, 64, 362] {
            let n = (side * side) as usize;
            let white = vec![255; n];
            let sparse: Vec<u8> = (0..n).map(|_| if next() < 16 { next() } else { 255 }).collect();
            // Incompressible: the stored-blocks fallback.
            let noise: Vec<u8> = (0..n).map(|_| next()).collect();
            for pixels in [white, sparse, noise] {
                assert_eq!(encode_grey_png(&pixels, side).unwrap(), png_crate(&pixels, side), "side {side}");
            }
        }
        assert!(encode_grey_png(&[0; 5], 2).is_err());
    }
}
