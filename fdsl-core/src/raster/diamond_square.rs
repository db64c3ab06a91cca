//! The diamond-square midpoint-displacement field (Anderson & Farrell's backgrounds,
//! catalys1/fractal-pretraining `fractals/diamondsquare.py`), in a caller-owned byte buffer.

use crate::math::stream::{uniform_f64, unit_f64};
use rand_core::Rng;

/// A square grid of `f64` over caller-owned bytes (little-endian, row-major): the diamond-square
/// field in the workspace's byte buffer.
pub struct Field<'a> {
    /// The values, 8 bytes each.
    pub cells: &'a mut [u8],
    /// Values per row.
    pub side: usize,
}

impl Field<'_> {
    #[inline(always)]
    /// The value at row `r`, column `c`.
    pub fn get(&self, r: usize, c: usize) -> f64 {
        let i = 8 * (r * self.side + c);
        f64::from_le_bytes(self.cells[i..i + 8].try_into().unwrap_or([0; 8]))
    }

    #[inline(always)]
    /// Set the value at row `r`, column `c`.
    pub fn set(&mut self, r: usize, c: usize, v: f64) {
        let i = 8 * (r * self.side + c);
        self.cells[i..i + 8].copy_from_slice(&v.to_le_bytes());
    }
}

/// The diamond-square grid's exponent for an image side: `⌈log2 side⌉` (`colorized_ds`).
pub fn grid_exponent(side: usize) -> u32 {
    side.max(1).next_power_of_two().trailing_zeros()
}

/// Bytes of the diamond-square field of a `side`-pixel background.
pub fn field_len(side: usize) -> usize {
    let s = (1usize << grid_exponent(side)) + 1;
    8 * s * s
}

/// `diamond_square(n, decay, fixed_corners=False)` on a `(2ⁿ + 1)²` grid in `cells` (8 bytes per
/// value, [`field_len`]): random corners `U(0, 1)` (order `[0,0]`, `[0,s−1]`, `[s−1,0]`,
/// `[s−1,s−1]`); for `k = 1..=n`, noise amplitude `m = 0.5·exp(decay·(1 − k))`, the diamond step
/// (centres = mean of 4 corners + `U(−m, m)`) then the square step (edge points = mean of 4
/// neighbours, wrapping at the border as the reference does: above row 0 is row `s − 1 − ss`,
/// below row `s − 1` is row `ss`, the same for columns, + `U(−m, m)`), in the reference's loop order.
pub fn diamond_square<R: Rng>(rng: &mut R, n: u32, decay: f64, field: &mut Field<'_>) {
    let s = (1usize << n) + 1;
    for (r, c) in [(0, 0), (0, s - 1), (s - 1, 0), (s - 1, s - 1)] {
        field.set(r, c, unit_f64(rng));
    }
    for k in 1..=n {
        let m = 0.5 * libm::exp(decay * (1.0 - f64::from(k)));
        let ss = s >> k;
        let ni = 1usize << k;
        for i in (0..ni).step_by(2) {
            let (ru, r) = (i * ss, i * ss + ss);
            let rd = r + ss;
            for j in (0..ni).step_by(2) {
                let (cl, c) = (j * ss, j * ss + ss);
                let cr = c + ss;
                let mean =
                    0.25 * (field.get(ru, cl) + field.get(ru, cr) + field.get(rd, cl) + field.get(rd, cr));
                field.set(r, c, mean + uniform_f64(rng, -m, m));
            }
        }
        for i in 0..=ni {
            let r = i * ss;
            let ru = if r > 0 { r - ss } else { s - ss - 1 };
            let rd = if r < s - 1 { r + ss } else { ss };
            for j in ((i + 1) % 2..=ni).step_by(2) {
                let c = j * ss;
                let cl = if c > 0 { c - ss } else { s - ss - 1 };
                let cr = if c < s - 1 { c + ss } else { ss };
                let mean = 0.25 * (field.get(ru, c) + field.get(r, cl) + field.get(r, cr) + field.get(rd, c));
                field.set(r, c, mean + uniform_f64(rng, -m, m));
            }
        }
    }
}
