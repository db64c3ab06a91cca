//! The diamond-square midpoint-displacement field (Anderson & Farrell's backgrounds,
//! catalys1/fractal-pretraining `fractals/diamondsquare.py`), in a caller-owned buffer of `f64`
//! (the reference's precision) or `f32`, its random values from a generator or drawn beforehand.

use crate::math::stream::{uniform_f64, unit_f64};
use core::ops::{Add, Mul};
use rand_core::Rng;

/// A field value: `f64`, or `f32` (half the memory, Anderson & Farrell's backgrounds since their
/// bytes version 4). Only IEEE basic operations are used on it.
pub trait Real: Copy + Add<Output = Self> + Mul<Output = Self> {
    /// `x` rounded to this type.
    fn of(x: f64) -> Self;
}

impl Real for f64 {
    #[inline(always)]
    fn of(x: f64) -> Self {
        x
    }
}

impl Real for f32 {
    #[inline(always)]
    fn of(x: f64) -> Self {
        x as f32
    }
}

/// The field's random values, in the reference's draw order: the four corners, then one noise
/// value per new cell.
pub trait Draws<T> {
    /// `U(0, 1)`.
    fn corner(&mut self) -> T;
    /// `U(−m, m)`.
    fn noise(&mut self, m: T) -> T;
}

/// The reference's draws: `np.random.rand()` and `np.random.uniform(−m, m)` ([`unit_f64`],
/// [`uniform_f64`]: 53 random bits each).
impl<R: Rng> Draws<f64> for R {
    #[inline(always)]
    fn corner(&mut self) -> f64 {
        unit_f64(self)
    }
    #[inline(always)]
    fn noise(&mut self, m: f64) -> f64 {
        uniform_f64(self, -m, m)
    }
}

/// Draws of 16 random bits each, made beforehand (`bits`, in draw order): `u = k·2⁻¹⁶` for a
/// corner, `−m + (2m·2⁻¹⁶)·k` in `f32` for the noise (`lo + (hi − lo)·u` with the scaling by
/// `2⁻¹⁶` moved onto the exact `2m`). A field of exponent `n` takes `(2ⁿ + 1)²` of them.
pub struct Bits16<'a> {
    bits: core::slice::Iter<'a, u16>,
}

impl<'a> Bits16<'a> {
    /// The draws `bits`, first to last.
    pub fn new(bits: &'a [u16]) -> Self {
        Self { bits: bits.iter() }
    }

    #[inline(always)]
    fn next(&mut self) -> f32 {
        f32::from(self.bits.next().copied().unwrap_or(0))
    }
}

/// `2⁻¹⁶`.
const TWO_POW_M16: f32 = 1.0 / 65_536.0;

/// `U(−m, m)` of a 16-bit draw `k`: `(2m·2⁻¹⁶)·k − m` in `f32`.
#[inline(always)]
fn noise16(k: u16, m: f32) -> f32 {
    f32::from(k) * ((m + m) * TWO_POW_M16) - m
}

impl Draws<f32> for Bits16<'_> {
    #[inline(always)]
    fn corner(&mut self) -> f32 {
        self.next() * TWO_POW_M16
    }
    #[inline(always)]
    fn noise(&mut self, m: f32) -> f32 {
        noise16(self.bits.next().copied().unwrap_or(0), m)
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

/// Rows `r` (writable), `up` and `down` (each another row; they may be the same) of a row-major
/// grid of rows of `s` values.
#[inline(always)]
fn rows<T>(cells: &mut [T], s: usize, r: usize, up: usize, down: usize) -> (&[T], &mut [T], &[T]) {
    let (before, rest) = cells.split_at_mut(r * s);
    let (row, after) = rest.split_at_mut(s);
    let (before, after) = (&*before, &*after);
    let at = |k: usize| if k < r { &before[k * s..][..s] } else { &after[(k - r - 1) * s..][..s] };
    (at(up), row, at(down))
}

/// `diamond_square(n, decay, fixed_corners=False)` on a `(2ⁿ + 1)²` grid in `cells` ([`field_len`]
/// values, row-major): random corners `U(0, 1)` (order `[0,0]`, `[0,s−1]`, `[s−1,0]`,
/// `[s−1,s−1]`); for `k = 1..=n`, noise amplitude `m = 0.5·exp(decay·(1 − k))`, the diamond step
/// (centres = `0.25·(((ul + ur) + dl) + dr)` + `U(−m, m)`) then the square step (edge points =
/// `0.25·(((up + left) + right) + down)` + `U(−m, m)`, wrapping at the border as the reference
/// does: above row 0 is row `s − 1 − ss`, below row `s − 1` is row `ss`, the same for columns), in
/// the reference's loop order and its order of sums, in `T`.
pub fn diamond_square<T: Real>(draws: &mut impl Draws<T>, n: u32, decay: f64, cells: &mut [T]) {
    let s = (1usize << n) + 1;
    let cells = &mut cells[..s * s];
    for (r, c) in [(0, 0), (0, s - 1), (s - 1, 0), (s - 1, s - 1)] {
        cells[r * s + c] = draws.corner();
    }
    let quarter = T::of(0.25);
    for k in 1..=n {
        let m = T::of(0.5 * libm::exp(decay * (1.0 - f64::from(k))));
        let ss = s >> k;
        // Diamonds: rows and columns i·ss + ss for even i.
        for r in (ss..s).step_by(2 * ss) {
            let (up, row, down) = rows(cells, s, r, r - ss, r + ss);
            for c in (ss..s).step_by(2 * ss) {
                let mean = quarter * (((up[c - ss] + up[c + ss]) + down[c - ss]) + down[c + ss]);
                row[c] = mean + draws.noise(m);
            }
        }
        // Squares: row i·ss, columns j·ss for j of the other parity than i.
        for i in 0..=1usize << k {
            let r = i * ss;
            let (u, d) = (if r > 0 { r - ss } else { s - ss - 1 }, if r < s - 1 { r + ss } else { ss });
            let (up, row, down) = rows(cells, s, r, u, d);
            // The same sums in the same order, the borders apart: the interior without a branch.
            let mut square = |c: usize, cl: usize, cr: usize, d: T| {
                row[c] = quarter * (((up[c] + row[cl]) + row[cr]) + down[c]) + d;
            };
            let odd = i % 2 == 1;
            if odd {
                square(0, s - ss - 1, ss, draws.noise(m));
            }
            let mut c = if odd { 2 * ss } else { ss };
            while c < s - 1 {
                square(c, c - ss, c + ss, draws.noise(m));
                c += 2 * ss;
            }
            if odd {
                square(s - 1, s - 1 - ss, ss, draws.noise(m));
            }
        }
    }
}

/// [`diamond_square`] in `f32` of 16-bit draws `bits` (in draw order, `(2ⁿ + 1)²` of them, as
/// [`Bits16`] takes them), the same values, computed level by level from the last: the cells of
/// even row and column are the field of exponent `n − 1` (the same loops visit them in the same
/// order, so they take the first `(2ⁿ⁻¹ + 1)²` draws), made first, recursively, in `scratch`; the
/// last level's diamonds (odd row, odd column), then its edges of even rows and of odd rows, are
/// computed from it as whole rows of contiguous values (loops the optimiser vectorises), and the
/// rows interleaved into `cells` (row-major, `(2ⁿ + 1)²` values). `scratch` holds at least as many
/// values as `cells`.
pub fn diamond_square16(bits: &[u16], n: u32, decay: f64, cells: &mut [f32], scratch: &mut [f32]) {
    let s = (1usize << n) + 1;
    if n <= 2 {
        diamond_square(&mut Bits16::new(bits), n, decay, cells);
        return;
    }
    // The coarser field `g` (h × h) and the last level's diamonds `d` (w × w).
    let (w, h) = (1usize << (n - 1), (1usize << (n - 1)) + 1);
    let (g, rest) = scratch.split_at_mut(h * h);
    let (d, rest) = rest.split_at_mut(w * w);
    diamond_square16(&bits[..h * h], n - 1, decay, g, rest);
    let (g, d) = (&*g, d);
    let m = (0.5 * libm::exp(decay * (1.0 - f64::from(n)))) as f32;
    let (diamond_bits, edge_bits) = bits[h * h..s * s].split_at(w * w);
    let row = |k: usize| &g[k * h..][..h];
    // Diamonds: (2i + 1, 2j + 1) from g's (i, j), (i, j + 1), (i + 1, j), (i + 1, j + 1).
    for (i, (out, k)) in d.chunks_exact_mut(w).zip(diamond_bits.chunks_exact(w)).enumerate() {
        let (up, down) = (row(i), row(i + 1));
        for ((((o, &k), (&ul, &ur)), &dl), &dr) in
            out.iter_mut().zip(k).zip(up.iter().zip(&up[1..])).zip(down).zip(&down[1..])
        {
            *o = 0.25 * (((ul + ur) + dl) + dr) + noise16(k, m);
        }
    }
    let d = &*d;
    let diamonds = |k: usize| &d[k * w..][..w];
    let (line, _) = rest.split_at_mut(h);
    let cells = &mut cells[..s * s];
    let edge = |up: f32, left: f32, right: f32, down: f32, k: u16| {
        0.25 * (((up + left) + right) + down) + noise16(k, m)
    };
    for i in 0..h {
        // Row 2i: the edges (2i, 2j + 1) between g's (i, j) and (i, j + 1), below the diamonds of
        // row 2i − 1 (wrapping: row s − 2) and above those of row 2i + 1 (wrapping: row 1).
        let bits = &edge_bits[(2 * w + 1) * i..][..w];
        let (up, down) = (diamonds(if i > 0 { i - 1 } else { w - 1 }), diamonds(if i < w { i } else { 0 }));
        let across = row(i);
        for ((((o, &k), &u), &dn), (&l, &r)) in
            line.iter_mut().zip(bits).zip(up).zip(down).zip(across.iter().zip(&across[1..]))
        {
            *o = edge(u, l, r, dn, k);
        }
        interleave(across, &line[..w], &mut cells[2 * i * s..][..s]);
        if i == w {
            break;
        }
        // Row 2i + 1: the edges (2i + 1, 2j) between the diamonds (wrapping: columns s − 2 and
        // 1 at the ends) below g's (i, j) and above (i + 1, j).
        let bits = &edge_bits[(2 * w + 1) * i + w..][..h];
        let (up, down, across) = (row(i), row(i + 1), diamonds(i));
        line[0] = edge(up[0], across[w - 1], across[0], down[0], bits[0]);
        for (((((o, &k), &u), &dn), &l), &r) in
            line[1..w].iter_mut().zip(&bits[1..]).zip(&up[1..]).zip(&down[1..]).zip(across).zip(&across[1..])
        {
            *o = edge(u, l, r, dn, k);
        }
        line[w] = edge(up[w], across[w - 1], across[0], down[w], bits[w]);
        interleave(&line[..h], across, &mut cells[(2 * i + 1) * s..][..s]);
    }
}

/// `out[2j] = even[j]`, `out[2j + 1] = odd[j]` (`out` has `even.len() + odd.len()` values, `even`
/// one more than `odd`).
#[inline(always)]
fn interleave(even: &[f32], odd: &[f32], out: &mut [f32]) {
    for (pair, (&e, &o)) in out.chunks_exact_mut(2).zip(even.iter().zip(odd)) {
        pair[0] = e;
        pair[1] = o;
    }
    if let (Some(last), Some(&e)) = (out.last_mut(), even.last()) {
        *last = e;
    }
}
