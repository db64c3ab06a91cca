//! PNG encoding of canvases.

use crate::spec::PngCompression;
use anyhow::{Result, ensure};

/// PNG's filter type 2, "Up": each byte minus the byte above it (the row above the first is zeros).
const UP: u8 = 2;

/// An 8-bit greyscale PNG of a square `side × side` image, compressed as `compression` says by the
/// `png` crate's settings of the same names. Deterministic for a given `png`, `fdeflate` and zlib
/// backend (pinned in Cargo.lock), which the golden hashes of the tests rely on.
pub fn encode_grey_png(pixels: &[u8], side: u32, compression: PngCompression) -> Result<Vec<u8>> {
    let width = side as usize;
    ensure!(pixels.len() == width * width, "{} pixels for a {side}x{side} image", pixels.len());
    let level = match compression {
        PngCompression::Fastest => return fastest(pixels, side),
        PngCompression::Fast => png::Compression::Fast,
        PngCompression::Balanced => png::Compression::Balanced,
        PngCompression::High => png::Compression::High,
    };
    let mut out = Vec::with_capacity(pixels.len() / 4);
    let mut encoder = grey_encoder(&mut out, side);
    encoder.set_compression(level);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(pixels)?;
    writer.finish()?;
    Ok(out)
}

/// The `png` crate's encoder of an 8-bit greyscale `side × side` image into `out`.
fn grey_encoder(out: &mut Vec<u8>, side: u32) -> png::Encoder<'_, &mut Vec<u8>> {
    let mut encoder = png::Encoder::new(out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder
}

/// `Compression::Fastest`, every row Up-filtered and compressed by fdeflate — the same bytes as the
/// `png` crate's (tested below), with the zlib stream written here so that fdeflate writes into a
/// `Vec` and the rows are filtered without copies: 21 % faster than the `png` crate's own path on
/// RCDB images.
fn fastest(pixels: &[u8], side: u32) -> Result<Vec<u8>> {
    let width = side as usize;
    let mut deflate = fdeflate::Compressor::new(Vec::with_capacity(pixels.len() / 3))?;
    up_filtered_rows(pixels, width, |row| deflate.write_data(row))?;
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
    let mut writer = grey_encoder(&mut out, side).write_header()?;
    writer.write_chunk(png::chunk::IDAT, &zlib)?;
    writer.finish()?;
    Ok(out)
}

/// Each row of a `width`-pixel-wide greyscale image as PNG stores it with the Up filter: the filter
/// type byte 2, then each pixel minus the one above it (modulo 256; the row above the first is
/// zeros), given to `row` in one reused buffer.
pub fn up_filtered_rows<E>(
    pixels: &[u8],
    width: usize,
    mut row: impl FnMut(&[u8]) -> Result<(), E>,
) -> Result<(), E> {
    let mut filtered = vec![0; width + 1];
    filtered[0] = UP;
    let zeros = vec![0; width];
    let mut above = zeros.as_slice();
    for line in pixels.chunks_exact(width.max(1)) {
        for ((out, &v), &up) in filtered[1..].iter_mut().zip(line).zip(above) {
            *out = v.wrapping_sub(up);
        }
        row(&filtered)?;
        above = line;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `png` crate's own encoding with `Compression::Fastest`.
    fn png_crate(pixels: &[u8], side: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = grey_encoder(&mut out, side);
        encoder.set_compression(png::Compression::Fastest);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(pixels).unwrap();
        writer.finish().unwrap();
        out
    }

    /// The pixels of a greyscale PNG.
    fn decode(png: &[u8]) -> Vec<u8> {
        let mut reader = png::Decoder::new(std::io::Cursor::new(png)).read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut pixels).unwrap();
        pixels
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
                assert_eq!(fastest(&pixels, side).unwrap(), png_crate(&pixels, side), "side {side}");
            }
        }
    }

    /// A 128 px test image with runs, sparse pixels and all grey levels, and its PNG at every level
    /// from fastest to high.
    fn at_every_level() -> (Vec<u8>, [Vec<u8>; 4]) {
        let side = 128;
        let pixels: Vec<u8> =
            (0..side * side).map(|i| if i % 7 == 0 || i % 131 < 9 { (i % 251) as u8 } else { 255 }).collect();
        let pngs =
            [PngCompression::Fastest, PngCompression::Fast, PngCompression::Balanced, PngCompression::High]
                .map(|level| encode_grey_png(&pixels, side as u32, level).unwrap());
        (pixels, pngs)
    }

    #[test]
    fn every_level_keeps_the_pixels_and_higher_levels_are_smaller() {
        let (pixels, pngs) = at_every_level();
        for png in &pngs {
            assert_eq!(decode(png), pixels);
        }
        let sizes = pngs.map(|png| png.len());
        assert!(sizes[2] < sizes[1] && sizes[1] < sizes[0] && sizes[3] <= sizes[2], "{sizes:?}");
        assert!(encode_grey_png(&[0; 5], 2, PngCompression::Fastest).is_err());
    }

    /// Every level's bytes are pinned: they change only with the encoders in Cargo.lock, or with the
    /// zlib backend flate2 is built with (a dependency asking flate2 for `zlib-rs` switches the
    /// png crate's balanced and high levels from miniz_oxide to it, wherever Cargo unifies features).
    #[test]
    fn every_level_gives_the_pinned_bytes() {
        use sha2::Digest;
        let hashes = at_every_level()
            .1
            .map(|png| sha2::Sha256::digest(png).iter().map(|b| format!("{b:02x}")).collect::<String>());
        assert_eq!(
            hashes,
            [
                "23cd72c6d6c5bdfaecf6d892059e2b2b7e41e7a0160557584e602dc8a811c603",
                "662c4fd94b11f314fbdaa27a9aaa931803d8dd57d6c0d9c7715aa6139caf819c",
                "bdd0110355534a73f8ab88e9dc2faf0dd4012a0e44e37368ad7fc06f092f4a69",
                "9ee384d6b9d82eeaa4f5422154d72aac9d65f4cef5c5666a4947be128c5362d4",
            ]
        );
    }
}
