//! The diamond-square midpoint-displacement field (Anderson & Farrell's backgrounds,
//! catalys1/fractal-pretraining `fractals/diamondsquare.py`), in a caller-owned byte buffer.

use crate::math::stream::{uniform_f64, unit_f64};
use rand_core::Rng;

/// A square grid of `f64` over a caller-owned buffer (row-major): the diamond-square field.
pub struct Field<'a> {
    /// The values.
    pub cells: &'a mut [f64],
    /// Values per row.
    pub side: usize,
}

impl Field<'_> {
    #[inline(always)]
    /// The value at row `r`, column `c`.
    pub fn get(&self, r: usize, c: usize) -> f64 {
        self.cells[r * self.side + c]
    }

    #[inline(always)]
    /// Set the value at row `r`, column `c`.
    pub fn set(&mut self, r: usize, c: usize, v: f64) {
        self.cells[r * self.side + c] = v;
    }
}

/// The diamond-square grid's exponent for an image side: `⌈log2 side⌉` (`colorized_ds`).
pub fn grid_exponent(side: usize) -> u32 {
    side.max(1).next_power_of_two().trailing_zeros()
}

/// Values of the diamond-square field of a `side`-pixel background.
pub fn field_len(side: usize) -> usize {
    let s = (1usize << grid_exponent(side)) + 1;
    s * s
}

/// `diamond_square(n, decay, fixed_corners=False)` on a `(2ⁿ + 1)²` grid in `cells` ([`field_len`]
/// values): random corners `U(0, 1)` (order `[0,0]`, `[0,s−1]`, `[s−1,0]`,
/// `[s−1,s−1]`); for `k = 1..=n`, noise amplitude `m = 0.5·exp(decay·(1 − k))`, the diamond step
/// (centres = mean of 4 corners + `U(−m, m)`) then the square step (edge points = mean of 4
/// neighbours, wrapping at the border as the reference does: above row 0 is row `s − 1 − ss`,
/// below row `s − 1` is row `ss`, the same for columns, + `U(−m, m)`), in the reference's loop order.
pub fn diamond_square<R: Rng>(rng: &mut R, n: u32, decay: f64, field: &mut Field<'_>) {
    let s = (1usize << n) + 1;
    for (r, c) in [(0, 0), (0, s - 1), (s - 1, 0), (s - 1, s - 1)] {
        field.set(r, c, unit_f64(rng));
    }
    let cells = &mut field.cells[..s * s];
    for k in 1..=n {
        let m = 0.5 * libm::exp(decay * (1.0 - f64::from(k)));
        let ss = s >> k;
        let ni = 1usize << k;
        // Diamonds: rows and columns i·ss + ss for even i.
        for r in (ss..s).step_by(2 * ss) {
            let (up, down) = ((r - ss) * s, (r + ss) * s);
            for c in (ss..s).step_by(2 * ss) {
                let (cl, cr) = (c - ss, c + ss);
                let mean = 0.25 * (cells[up + cl] + cells[up + cr] + cells[down + cl] + cells[down + cr]);
                cells[r * s + c] = mean + uniform_f64(rng, -m, m);
            }
        }
        // Squares: row i·ss, columns j·ss for j of the other parity than i.
        for i in 0..=ni {
            let r = i * ss;
            let up = if r > 0 { r - ss } else { s - ss - 1 } * s;
            let down = if r < s - 1 { r + ss } else { ss } * s;
            // The same sums in the same order, the borders apart: the interior without a branch.
            let square = |cells: &mut [f64], c: usize, cl: usize, cr: usize, d: f64| {
                let mean = 0.25 * (cells[up + c] + cells[r * s + cl] + cells[r * s + cr] + cells[down + c]);
                cells[r * s + c] = mean + d;
            };
            let odd = i % 2 == 1;
            if odd {
                square(cells, 0, s - ss - 1, ss, uniform_f64(rng, -m, m));
            }
            let mut c = if odd { 2 * ss } else { ss };
            while c < s - 1 {
                square(cells, c, c - ss, c + ss, uniform_f64(rng, -m, m));
                c += 2 * ss;
            }
            if odd {
                square(cells, s - 1, s - 1 - ss, ss, uniform_f64(rng, -m, m));
            }
        }
    }
}
