//! 8-bit greyscale images in caller-owned buffers: points, 3x3 patches, flips, filling rate.

use rand_core::Rng;

/// The grey level FractalDB draws with, on a black (0) background.
pub const INK: u8 = 127;

/// Why a buffer cannot be a canvas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SizeMismatch {
    /// `width · height`.
    pub expected: usize,
    /// The buffer's length.
    pub actual: usize,
}

impl core::fmt::Display for SizeMismatch {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "the buffer holds {} bytes, the canvas needs {}", self.actual, self.expected)
    }
}

impl core::error::Error for SizeMismatch {}

/// A `width × height` 8-bit image, row-major, over a caller-owned buffer (like
/// `embedded-graphics`' draw targets). Row 0 is the first row in memory.
#[derive(Debug)]
pub struct Canvas<'a> {
    pixels: &'a mut [u8],
    width: usize,
    height: usize,
}

impl<'a> Canvas<'a> {
    /// A canvas over `pixels`, which must hold exactly `width · height` bytes.
    pub fn new(pixels: &'a mut [u8], width: usize, height: usize) -> Result<Self, SizeMismatch> {
        let expected = width.saturating_mul(height);
        if pixels.len() != expected {
            return Err(SizeMismatch { expected, actual: pixels.len() });
        }
        Ok(Self { pixels, width, height })
    }

    /// The pixels, row-major.
    pub fn pixels(&self) -> &[u8] {
        self.pixels
    }

    /// The pixels, row-major, to draw into.
    pub fn pixels_mut(&mut self) -> &mut [u8] {
        self.pixels
    }

    /// Columns.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Rows.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Set every pixel to 0.
    pub fn clear(&mut self) {
        self.pixels.fill(0);
    }

    /// Set every pixel to `value`.
    pub fn fill(&mut self, value: u8) {
        self.pixels.fill(value);
    }

    /// Set pixel `(x, y)` to `value`; nothing outside the canvas.
    #[inline(always)]
    pub fn set(&mut self, x: usize, y: usize, value: u8) {
        if x < self.width && y < self.height {
            self.pixels[y * self.width + x] = value;
        }
    }

    /// Set pixel `(x, y)` to [`INK`] (FractalDB's point mode); nothing outside the canvas.
    #[inline(always)]
    pub fn point(&mut self, x: u32, y: u32) {
        let (x, y) = (x as usize, y as usize);
        if x < self.width && y < self.height {
            self.pixels[y * self.width + x] = INK;
        }
    }

    /// Paste the 3x3 patch of `mask` opaquely with its top-left cell at `(x + 1, y + 1)`, clipped
    /// at the border (FractalDB's patch mode, PIL's `paste(patch, (x + 1, y + 1))`). Bit `8 − (3r + c)`
    /// of the 9-bit mask (most significant first, row by row) sets cell `(r, c)` to [`INK`] if 1,
    /// to 0 if 0: zero cells erase what was drawn before.
    #[inline(always)]
    pub fn patch(&mut self, x: u32, y: u32, mask: u16) {
        self.paste_patch(x, y, mask, &INK_ROWS, 0xff);
    }

    /// [`Canvas::patch`] with the set cells at `ink` instead of [`INK`]. [`INK`] itself pastes from
    /// [`Canvas::patch`]'s constant table: inlined with a constant `ink` (grey painting), the test
    /// folds away, and the grey path pays no AND per cell (it cost 16 % of FractalDB's rasters).
    #[inline(always)]
    pub fn patch_ink(&mut self, x: u32, y: u32, mask: u16, ink: u8) {
        if ink == INK {
            self.patch(x, y, mask);
        } else {
            self.paste_patch(x, y, mask, &ONE_ROWS, ink);
        }
    }

    /// Paste the patch of `mask`: each row the entry of `rows` its 3 bits select, each byte ANDed
    /// with `keep` (a constant table and `keep` = 0xff let the compiler drop the AND).
    #[inline(always)]
    fn paste_patch(&mut self, x: u32, y: u32, mask: u16, rows: &[[u8; 3]; 8], keep: u8) {
        let (left, top) = (x as usize + 1, y as usize + 1);
        if left + 3 <= self.width && top + 3 <= self.height {
            for r in 0..3 {
                let start = (top + r) * self.width + left;
                let [a, b, c] = rows[usize::from(mask >> (6 - 3 * r) & 7)];
                self.pixels[start..start + 3].copy_from_slice(&[a & keep, b & keep, c & keep]);
            }
        } else {
            let set = rows[7][0] & keep;
            for r in 0..3 {
                for c in 0..3 {
                    let (px, py) = (left + c, top + r);
                    if px < self.width && py < self.height {
                        let on = mask >> (8 - (3 * r + c)) & 1;
                        self.pixels[py * self.width + px] = if on == 1 { set } else { 0 };
                    }
                }
            }
        }
    }

    /// The filling rate: the share of non-zero pixels (the FractalDB search criterion).
    pub fn filling_rate(&self) -> f64 {
        filling_rate(self.pixels)
    }

    /// Write this canvas as seen through `flip` into `out` (same size; nothing if the size differs).
    pub fn write_flipped(&self, flip: Flip, out: &mut [u8]) -> Result<(), SizeMismatch> {
        if out.len() != self.pixels.len() {
            return Err(SizeMismatch { expected: self.pixels.len(), actual: out.len() });
        }
        let (rows_reversed, cols_reversed) = flip.axes();
        let w = self.width;
        for (r, dst) in out.chunks_exact_mut(w.max(1)).enumerate() {
            let src_row = if rows_reversed { self.height - 1 - r } else { r };
            let src = &self.pixels[src_row * w..src_row * w + w];
            dst.copy_from_slice(src);
            if cols_reversed {
                dst.reverse();
            }
        }
        Ok(())
    }

    /// Write this canvas as seen through `flip` into `out` as RGB, each pixel `v` as `palette[v]`
    /// (`out` holds 3 bytes per pixel; nothing if its size differs).
    pub fn write_flipped_rgb(
        &self,
        flip: Flip,
        palette: &[[u8; 3]; 256],
        out: &mut [u8],
    ) -> Result<(), SizeMismatch> {
        let expected = self.pixels.len() * 3;
        if out.len() != expected {
            return Err(SizeMismatch { expected, actual: out.len() });
        }
        let (rows_reversed, cols_reversed) = flip.axes();
        let w = self.width;
        for (r, dst) in out.chunks_exact_mut(3 * w.max(1)).enumerate() {
            let src_row = if rows_reversed { self.height - 1 - r } else { r };
            let src = &self.pixels[src_row * w..src_row * w + w];
            for (c, rgb) in dst.chunks_exact_mut(3).enumerate() {
                let v = if cols_reversed { src[w - 1 - c] } else { src[c] };
                rgb.copy_from_slice(&palette[usize::from(v)]);
            }
        }
        Ok(())
    }
}

/// [`patch_rows`] of [`INK`], and of all ones.
const INK_ROWS: [[u8; 3]; 8] = patch_rows(INK);
const ONE_ROWS: [[u8; 3]; 8] = patch_rows(0xff);

/// The three cells of each patch row, from its 3 mask bits (most significant first): `ink` where
/// set, 0 where not.
const fn patch_rows(ink: u8) -> [[u8; 3]; 8] {
    let mut rows = [[0; 3]; 8];
    let mut b = 0;
    while b < 8 {
        let bits = b as u8;
        rows[b] = [ink * (bits >> 2 & 1), ink * (bits >> 1 & 1), ink * (bits & 1)];
        b += 1;
    }
    rows
}

/// The share of non-zero bytes in `pixels` (0 for an empty slice).
pub fn filling_rate(pixels: &[u8]) -> f64 {
    if pixels.is_empty() {
        return 0.0;
    }
    let filled = pixels.iter().filter(|&&p| p != 0).count();
    filled as f64 / pixels.len() as f64
}

/// A uniform 9-bit patch mask in {1, …, 511} (the reference's `randrange(1, 512)`): the top 9 bits
/// of one 32-bit draw ([`mask_of_draw`]), drawn again when they are all zero.
#[inline(always)]
pub fn random_mask<R: Rng>(rng: &mut R) -> u16 {
    loop {
        let m = mask_of_draw(rng.next_u32());
        if m != 0 {
            return m;
        }
    }
}

/// The patch mask one 32-bit draw gives: its top 9 bits; 0 means the draw is rejected.
#[inline(always)]
pub const fn mask_of_draw(draw: u32) -> u16 {
    (draw >> 23) as u16
}

/// The four orientations FractalDB saves of each rendered image.
///
/// The reference draws with row = y, flips the array top to bottom once, then saves
/// `flip0` as is, `flip1` top-bottom, `flip2` left-right, `flip3` both. Relative to the drawn
/// canvas (row = y) that is: `Flip0` rows reversed, `Flip1` unchanged, `Flip2` both reversed
/// (180°), `Flip3` columns reversed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flip {
    /// `…_flip0.png`
    Flip0 = 0,
    /// `…_flip1.png`
    Flip1 = 1,
    /// `…_flip2.png`
    Flip2 = 2,
    /// `…_flip3.png`
    Flip3 = 3,
}

impl Flip {
    /// All four, in file order.
    pub const ALL: [Flip; 4] = [Flip::Flip0, Flip::Flip1, Flip::Flip2, Flip::Flip3];

    /// The flip with this file index (0 to 3).
    pub const fn from_index(i: usize) -> Option<Flip> {
        match i {
            0..4 => Some(Self::ALL[i]),
            _ => None,
        }
    }

    /// `(rows reversed, columns reversed)` relative to the drawn canvas.
    pub const fn axes(self) -> (bool, bool) {
        match self {
            Flip::Flip0 => (true, false),
            Flip::Flip1 => (false, false),
            Flip::Flip2 => (true, true),
            Flip::Flip3 => (false, true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canvas_checks_its_buffer() {
        let mut buf = [0u8; 12];
        assert_eq!(Canvas::new(&mut buf, 5, 2).unwrap_err(), SizeMismatch { expected: 10, actual: 12 });
        assert!(Canvas::new(&mut buf, usize::MAX, 2).is_err());
        assert!(Canvas::new(&mut buf, 4, 3).is_ok());
    }

    #[test]
    fn patch_bits_row_by_row_msb_first_at_offset_one() {
        let mut buf = [9u8; 36];
        let mut c = Canvas::new(&mut buf, 6, 6).unwrap();
        c.patch(0, 0, 0b100_010_001);
        #[rustfmt::skip]
        let expected = [
            9, 9,   9,   9,   9, 9,
            9, 127, 0,   0,   9, 9,
            9, 0,   127, 0,   9, 9,
            9, 0,   0,   127, 9, 9,
            9, 9,   9,   9,   9, 9,
            9, 9,   9,   9,   9, 9,
        ];
        assert_eq!(c.pixels(), &expected);
    }

    #[test]
    fn clipped_patch_equals_the_inside_of_an_unclipped_one() {
        for mask in 1..512u16 {
            for (x, y) in [(3, 3), (4, 2), (2, 4), (4, 4), (5, 5), (7, 0), (0, 9)] {
                let mut small = [0u8; 36];
                let mut c = Canvas::new(&mut small, 6, 6).unwrap();
                c.patch(x, y, mask);
                let mut big = [0u8; 100];
                let mut b = Canvas::new(&mut big, 10, 10).unwrap();
                b.patch(x, y, mask);
                for r in 0..6 {
                    assert_eq!(small[r * 6..r * 6 + 6], big[r * 10..r * 10 + 6], "{mask} {x} {y}");
                }
            }
        }
    }

    #[test]
    fn last_patch_wins() {
        let mut buf = [0u8; 25];
        let mut c = Canvas::new(&mut buf, 5, 5).unwrap();
        c.patch(0, 0, 0b111_111_111);
        c.patch(1, 1, 0b000_000_001);
        assert_eq!(c.pixels()[6..9], [127, 127, 127]);
        assert_eq!(c.pixels()[12..15], [0, 0, 0]);
        assert_eq!(c.pixels()[16..19], [127, 0, 0]);
        assert_eq!(c.pixels()[22..25], [0, 0, 127]);
        assert_eq!(c.filling_rate(), 6.0 / 25.0);
    }

    #[test]
    fn flips() {
        let mut buf = [1, 2, 3, 4, 5, 6];
        let c = Canvas::new(&mut buf, 3, 2).unwrap();
        let mut out = [0u8; 6];
        let mut seen = [[0u8; 6]; 4];
        for f in Flip::ALL {
            c.write_flipped(f, &mut out).unwrap();
            seen[f as usize] = out;
        }
        assert_eq!(seen, [[4, 5, 6, 1, 2, 3], [1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1], [3, 2, 1, 6, 5, 4]]);
        assert!(c.write_flipped(Flip::Flip0, &mut [0u8; 5]).is_err());
        let palette = core::array::from_fn(|v| [v as u8, (10 * v) as u8, 255 - v as u8]);
        let mut rgb = [0u8; 18];
        for f in Flip::ALL {
            c.write_flipped_rgb(f, &palette, &mut rgb).unwrap();
            for (got, &v) in rgb.chunks_exact(3).zip(&seen[f as usize]) {
                assert_eq!(got, palette[usize::from(v)]);
            }
        }
        assert!(c.write_flipped_rgb(Flip::Flip0, &palette, &mut [0u8; 6]).is_err());
        assert_eq!(Flip::from_index(3), Some(Flip::Flip3));
        assert_eq!(Flip::from_index(4), None);
    }

    #[test]
    fn masks_cover_1_to_511() {
        let mut rng = crate::StreamKey {
            seed: 3,
            namespace: crate::Namespace::FractalDb,
            category: 0,
            instance: 0,
            purpose: crate::Purpose::Patches,
        }
        .rng();
        let mut seen = [0u32; 512];
        for _ in 0..200_000 {
            seen[usize::from(random_mask(&mut rng))] += 1;
        }
        assert_eq!(seen[0], 0);
        assert!(seen[1..].iter().all(|&n| (280..520).contains(&n)));
    }
}
