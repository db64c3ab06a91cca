//! FractalDB's painting resolved latest point first, on bit planes: the exact scheme a GPU block
//! runs on chip, as plain code over slices.
//!
//! [`crate::families::fractaldb::paint`] pastes 3x3 patches in point order, so a pixel ends up with the cell of
//! the *last* point whose patch covers it (0 if none does). The same bytes come from visiting the
//! points from the last to the first and letting the first decision per pixel stand: a *decided*
//! bit plane records which pixels some later point already covers, a *value* bit plane their cell
//! (1 = [`INK`]). A patch only writes the cells it covers that are not yet decided, then marks all
//! of them decided. Point mode is the special case of one always-inked cell.
//!
//! Random access to the patch masks: mask `i` is the `i`-th *accepted* draw of the patch stream
//! ([`random_mask`] draws again when the top 9 bits of a draw are zero), so its draw index is `i`
//! plus the number of rejected draws before it. [`rejections`] lists the rejected draw indices of a
//! stream (about one in 512 draws) in one forward pass; [`mask_draw`] turns a mask index into its
//! draw index with a binary search of that list, and [`masks_from`] jumps there with PCG's
//! `advance` (O(log delta), Brown 1994, "Random number generation with arbitrary strides", as
//! `rand_pcg::Lcg64Xsh32::advance` implements it).
//!
//! Independent workers, combined exactly:
//! - *Tiles* (row bands, [`Tile::band`]): a pixel's value depends only on the points covering it, so
//!   workers that own disjoint rows never conflict; each visits every point and writes only its
//!   rows. This is how the GPU kernel splits a canvas between the threads of a block.
//! - *Chunks* of points: a worker paints a contiguous range of points latest-first onto its own
//!   planes; the planes of a later range are laid [`Planes::over`] those of an earlier one (a
//!   pixel decided by the later range keeps the later value, the others take the earlier range's),
//!   an associative combination, so any grouping of the ranges gives the sequential result.
//!   [`paint_patches`] itself visits its points chunk by chunk from the last one, drawing each
//!   chunk's masks forward into a small buffer.

use crate::raster::canvas::{INK, mask_of_draw, random_mask};
use rand_pcg::Pcg32;

/// Bits per plane word.
const WORD: usize = 32;

/// Rows `top .. top + rows` of a `width × height` canvas: the part of a canvas a worker owns.
/// `#[repr(C)]`: GPU kernels may take it by value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct Tile {
    /// Canvas columns.
    pub width: u32,
    /// Canvas rows.
    pub height: u32,
    /// First row of the tile.
    pub top: u32,
    /// Rows in the tile.
    pub rows: u32,
}

impl Tile {
    /// The whole canvas.
    pub const fn canvas(width: u32, height: u32) -> Self {
        Self { width, height, top: 0, rows: height }
    }

    /// Band `k` of `bands` horizontal bands of a `width × height` canvas: rows
    /// `⌊k·height/bands⌋ .. ⌊(k+1)·height/bands⌋` (empty past the last band or for 0 bands).
    pub const fn band(width: u32, height: u32, k: u32, bands: u32) -> Self {
        if bands == 0 || k >= bands {
            return Self { width, height, top: height, rows: 0 };
        }
        let top = (k as u64 * height as u64 / bands as u64) as u32;
        let bottom = ((k as u64 + 1) * height as u64 / bands as u64) as u32;
        Self { width, height, top, rows: bottom - top }
    }

    /// Plane words per row: `⌈width / 32⌉`.
    pub const fn words_per_row(&self) -> usize {
        (self.width as usize).div_ceil(WORD)
    }

    /// Words of one plane of the tile.
    pub const fn plane_len(&self) -> usize {
        self.words_per_row() * self.rows as usize
    }

    /// Bytes of the tile's pixels.
    pub const fn byte_len(&self) -> usize {
        self.width as usize * self.rows as usize
    }
}

/// Why buffers cannot be planes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaneError {
    /// The tile's rows are not inside its canvas.
    Tile,
    /// A plane or output buffer has the wrong length (the length it needs).
    Size(usize),
    /// Two planes of different tiles were combined.
    Mismatch,
}

impl core::fmt::Display for PlaneError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Tile => f.write_str("the tile's rows lie outside its canvas"),
            Self::Size(n) => write!(f, "a plane or output buffer must hold {n} entries"),
            Self::Mismatch => f.write_str("only planes of the same tile combine"),
        }
    }
}

impl core::error::Error for PlaneError {}

/// The decided and value bit planes of one tile, over caller-owned words (shared memory on a
/// GPU). Bit `c % 32` of word `r · words_per_row + c / 32` is the pixel at column `c` of the tile's
/// row `r`.
#[derive(Debug)]
pub struct Planes<'a> {
    tile: Tile,
    words: usize,
    decided: &'a mut [u32],
    value: &'a mut [u32],
}

/// The 3 cells of patch row `r` of `mask` as column bits: bit `c` for the cell at column offset `c`
/// (the mask's bit `8 − (3r + c)`, as [`crate::Canvas::patch`] reads it).
#[inline(always)]
fn patch_row(mask: u16, r: u32) -> u32 {
    let b = u32::from(mask) >> (6 - 3 * r) & 7;
    (b >> 2 & 1) | (b & 2) | (b & 1) << 2
}

impl<'a> Planes<'a> {
    /// The planes of `tile` over `decided` and `value`, each [`Tile::plane_len`] words (not cleared).
    pub fn new(tile: Tile, decided: &'a mut [u32], value: &'a mut [u32]) -> Result<Self, PlaneError> {
        if u64::from(tile.top) + u64::from(tile.rows) > u64::from(tile.height) {
            return Err(PlaneError::Tile);
        }
        let len = tile.plane_len();
        if decided.len() != len || value.len() != len {
            return Err(PlaneError::Size(len));
        }
        Ok(Self { tile, words: tile.words_per_row(), decided, value })
    }

    /// Nothing decided, nothing inked.
    pub fn clear(&mut self) {
        self.decided.fill(0);
        self.value.fill(0);
    }

    /// Decide the undecided pixels among the cells `cover` (bit `c`: column `left + c`) of canvas
    /// row `row`, inking those of `ink`; cells outside the tile are left alone.
    #[inline(always)]
    fn claim(&mut self, row: u64, left: u64, cover: u32, ink: u32) {
        let (top, width) = (u64::from(self.tile.top), u64::from(self.tile.width));
        if row < top || row >= top + u64::from(self.tile.rows) || left >= width {
            return;
        }
        let inside = (1u32 << (width - left).min(3)) - 1;
        let shift = left as usize % WORD;
        let cover = u64::from(cover & inside) << shift;
        let ink = u64::from(ink) << shift;
        let first = (row - top) as usize * self.words + left as usize / WORD;
        for (k, (cover, ink)) in
            [(cover as u32, ink as u32), ((cover >> 32) as u32, (ink >> 32) as u32)].into_iter().enumerate()
        {
            if cover != 0 {
                let i = first + k;
                let fresh = cover & !self.decided[i];
                self.value[i] |= fresh & ink;
                self.decided[i] |= cover;
            }
        }
    }

    /// The patch of `mask` at `(x, y)` (cells from `(x + 1, y + 1)`, clipped, as
    /// [`crate::Canvas::patch`]), painted *under* everything already decided.
    #[inline(always)]
    pub fn patch_under(&mut self, x: u32, y: u32, mask: u16) {
        let (left, top) = (u64::from(x) + 1, u64::from(y) + 1);
        let first_row = u64::from(self.tile.top);
        if top + 3 <= first_row || top >= first_row + u64::from(self.tile.rows) {
            return; // no row of the patch in the tile: the common case for a band of a GPU block
        }
        for r in 0..3 {
            let cells = patch_row(mask, r);
            self.claim(top + u64::from(r), left, 0b111, cells);
        }
    }

    /// The point `(x, y)` (one [`INK`] pixel, as [`crate::Canvas::point`]) under everything decided.
    #[inline(always)]
    pub fn point_under(&mut self, x: u32, y: u32) {
        self.claim(u64::from(y), u64::from(x), 1, 1);
    }

    /// Lay `later` (the planes of later points, same tile) over these: pixels `later` decided take
    /// its value, the others keep this one's; decided is the union.
    pub fn over(&mut self, later: &Planes<'_>) -> Result<(), PlaneError> {
        if later.tile != self.tile {
            return Err(PlaneError::Mismatch);
        }
        for (((d, v), &ld), &lv) in self
            .decided
            .iter_mut()
            .zip(self.value.iter_mut())
            .zip(later.decided.iter())
            .zip(later.value.iter())
        {
            *v = lv | (*v & !ld);
            *d |= ld;
        }
        Ok(())
    }

    /// The tile's pixels, row-major (`width · rows` bytes): [`INK`] where the value bit is set, else 0.
    pub fn write_bytes(&self, out: &mut [u8]) -> Result<(), PlaneError> {
        let width = self.tile.width as usize;
        if out.len() != self.tile.byte_len() {
            return Err(PlaneError::Size(self.tile.byte_len()));
        }
        for (row, words) in out.chunks_exact_mut(width.max(1)).zip(self.value.chunks_exact(self.words.max(1)))
        {
            for (c, byte) in row.iter_mut().enumerate() {
                *byte = INK * (words[c / WORD] >> (c % WORD) & 1) as u8;
            }
        }
        Ok(())
    }
}

/// Why a mask stream cannot be indexed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooManyRejections {
    /// The buffer's length, all used before the last mask was reached.
    pub capacity: usize,
}

impl core::fmt::Display for TooManyRejections {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "the mask stream rejects more than {} draws before its last mask", self.capacity)
    }
}

impl core::error::Error for TooManyRejections {}

/// The indices, in draw order, of the rejected draws of `stream` (a patch stream at its start)
/// before its `masks`-th mask, written to the front of `out`; returns how many. About `masks / 511`
/// are expected; more than `out.len()` is an error.
pub fn rejections(stream: &Pcg32, masks: u64, out: &mut [u64]) -> Result<usize, TooManyRejections> {
    let capacity = out.len();
    let mut rng = stream.clone();
    let (mut accepted, mut draw, mut found) = (0u64, 0u64, 0usize);
    while accepted < masks {
        if mask_of_draw(rand_core::Rng::next_u32(&mut rng)) == 0 {
            *out.get_mut(found).ok_or(TooManyRejections { capacity })? = draw;
            found += 1;
        } else {
            accepted += 1;
        }
        draw += 1;
    }
    Ok(found)
}

/// The draw index of mask `i` of a stream whose rejected draws are `rejected` ([`rejections`],
/// complete up to mask `i` at least): `i + j`, `j` the number of rejected draws before it, i.e. of
/// the `k` with `rejected[k] − k ≤ i` (the accepted draws before rejected draw `k`; non-decreasing
/// in `k`, so a binary search finds them).
pub fn mask_draw(i: u64, rejected: &[u64]) -> u64 {
    let (mut lo, mut hi) = (0usize, rejected.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if rejected[mid] - mid as u64 <= i {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    i + lo as u64
}

/// `stream` (at its start) moved to mask `i`: [`random_mask`] on the result gives masks `i`, `i + 1`, …
pub fn masks_from(stream: &Pcg32, i: u64, rejected: &[u64]) -> Pcg32 {
    let mut rng = stream.clone();
    rng.advance(mask_draw(i, rejected));
    rng
}

/// Paint the patches of points `first .. first + positions.len()` (packed `y << 16 | x`, as
/// [`crate::families::fractaldb::trace`] stores them) under `planes`, latest first, their masks from `stream`
/// (the patch stream at its start, with its `rejected` draws): chunk by chunk from the last one,
/// each chunk's masks drawn forward into `chunk` (its length is the chunk size; empty paints
/// nothing).
pub fn paint_patches(
    planes: &mut Planes<'_>,
    positions: &[u32],
    first: u64,
    stream: &Pcg32,
    rejected: &[u64],
    chunk: &mut [u16],
) {
    if chunk.is_empty() {
        return;
    }
    let size = chunk.len();
    for start in (0..positions.len().div_ceil(size)).rev().map(|c| c * size) {
        let points = &positions[start..positions.len().min(start + size)];
        let masks = &mut chunk[..points.len()];
        let mut rng = masks_from(stream, first + start as u64, rejected);
        masks.iter_mut().for_each(|m| *m = random_mask(&mut rng));
        for (&p, &mask) in points.iter().zip(masks.iter()).rev() {
            planes.patch_under(p & 0xffff, p >> 16, mask);
        }
    }
}

/// Paint the points `positions` (packed `y << 16 | x`) under `planes` (point mode: any hit inks, so
/// order does not matter).
pub fn paint_points(planes: &mut Planes<'_>, positions: &[u32]) {
    for &p in positions {
        planes.point_under(p & 0xffff, p >> 16);
    }
}
