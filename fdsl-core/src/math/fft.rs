//! The 2-D discrete Fourier transform of square complex images whose side is a power of two, in
//! place, with NumPy's conventions (`numpy.fft.fft2` / `ifft2`): the forward transform is
//! `X[k, l] = Σ x[m, n] · e^(−2πi(km + ln)/N)`, unnormalised; the inverse uses `e^(+2πi…)` and
//! divides by `N²`.
//!
//! The transform is the iterative decimation-in-time Cooley–Tukey algorithm (Cooley and Tukey 1965;
//! the bit-reversed-input form of Press et al., *Numerical Recipes*, §12.2) in radix 8 (Bergland
//! 1969): every row is transformed, then every column, 8 at a time, each 8 copied into a tile that
//! holds them transposed and split into real and imaginary parts, so that every butterfly is one
//! vectorisable loop over 8 lanes with one set of factors, whichever the axis. Twiddle factors
//! `e^(−2πik/N)` are computed with `libm`'s `cos` and `sin` into a [`Twiddles`] table (once per
//! call of [`fft2`], or once for many calls of [`fft2_with`]), laid out stage by stage; butterflies use IEEE
//! additions and multiplications only (never fused), so every machine gives the same bits.
//! NumPy (pocketfft) orders its operations differently: values agree to about `1e−13` relative to the
//! largest coefficient, not bit for bit (`tests/statistical.rs` compares with NumPy's own values).
//! No crate fits: `microfft`, the no_std, allocation-free one, transforms `f32` only; `rustfft`
//! and `realfft` allocate their plans.

/// A complex number of two `f64`s.
#[derive(Clone, Copy, Debug, Default, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub struct Complex {
    /// The real part.
    pub re: f64,
    /// The imaginary part.
    pub im: f64,
}

impl Complex {
    /// The number `re + i·im`.
    pub const fn new(re: f64, im: f64) -> Self {
        Self { re, im }
    }

    /// The product with a real number.
    #[inline(always)]
    pub fn scale(self, s: f64) -> Self {
        Self::new(self.re * s, self.im * s)
    }

    /// The complex conjugate.
    #[inline(always)]
    pub fn conj(self) -> Self {
        Self::new(self.re, -self.im)
    }
}

impl core::ops::Mul for Complex {
    type Output = Self;

    /// The product, `(ac − bd) + i(ad + bc)`, written lane by lane as `(a, b)·(c, c) + (b, a)·(−d, d)`
    /// (`x − y` is `x + (−y)` and `(−d)·b` is `−(d·b)` in IEEE arithmetic, and addition commutes: the
    /// same bits), so that the compiler can use one two-lane vector for the pair.
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        let (c, d) = (o.re, o.im);
        Self::new(self.re * c + self.im * -d, self.im * c + self.re * d)
    }
}

impl core::ops::Add for Complex {
    type Output = Self;

    #[inline(always)]
    fn add(self, o: Self) -> Self {
        Self::new(self.re + o.re, self.im + o.im)
    }
}

impl core::ops::Sub for Complex {
    type Output = Self;

    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        Self::new(self.re - o.re, self.im - o.im)
    }
}

/// The largest side transformed (the twiddle table lives on the stack: `MAX_SIDE / 2` entries).
pub const MAX_SIDE: usize = 1024;

/// Which way to transform.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// `e^(−2πi…)`, unnormalised (`numpy.fft.fft2`).
    Forward,
    /// `e^(+2πi…)`, divided by `N²` (`numpy.fft.ifft2`).
    Inverse,
}

/// Why a transform cannot be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FftError {
    /// The side is not a power of two from 1 to [`MAX_SIDE`].
    Side {
        /// The side asked for.
        side: usize,
    },
    /// The buffer holds fewer than `side²` values.
    Buffer {
        /// Values the transform needs.
        needed: usize,
    },
}

impl core::fmt::Display for FftError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Side { side } => {
                write!(
                    f,
                    "the Fourier transform needs a side that is a power of two up to {MAX_SIDE}, not {side}"
                )
            }
            Self::Buffer { needed } => write!(f, "the Fourier transform's buffer needs {needed} values"),
        }
    }
}

impl core::error::Error for FftError {}

/// Check that `side` can be transformed.
pub fn check_side(side: usize) -> Result<(), FftError> {
    if side.is_power_of_two() && side <= MAX_SIDE { Ok(()) } else { Err(FftError::Side { side }) }
}

/// The factors `e^(±2πij/len)` of every stage `len` of a transform of side up to `side`, stage
/// `len` at `[len/2 − 1, len − 1)`. Each depends only on `(len, j)`: its angle is
/// `2π·(j·side/len)/side`, and a power-of-two side scales numerator and denominator alike, exactly,
/// so one table serves every smaller side with the same bits. Compute it once, transform many times.
#[derive(Clone, Debug)]
pub struct Twiddles {
    /// `e^(−2πij/len)`.
    forward: [Complex; MAX_SIDE],
    /// `e^(+2πij/len)`.
    inverse: [Complex; MAX_SIDE],
    /// Index `i` with its `log₂ side` bits reversed (for a smaller side `d`, shifted right by
    /// `log₂(side/d)`).
    reversed: [u16; MAX_SIDE],
    side: usize,
}

impl Twiddles {
    /// The table for transforms of side up to `side` (a power of two up to [`MAX_SIDE`]), with
    /// `libm`'s `cos` and `sin` of `2π·k/side`.
    pub fn new(side: usize) -> Result<Self, FftError> {
        check_side(side)?;
        let mut t = Self {
            forward: [Complex::default(); MAX_SIDE],
            inverse: [Complex::default(); MAX_SIDE],
            reversed: [0; MAX_SIDE],
            side,
        };
        let bits = side.trailing_zeros();
        for (i, r) in t.reversed[..side].iter_mut().enumerate() {
            *r = if bits == 0 { 0 } else { (i.reverse_bits() >> (usize::BITS - bits)) as u16 };
        }
        let mut half = 1;
        while half < side {
            for j in 0..half {
                let angle = 2.0 * core::f64::consts::PI * (j * (side / (2 * half))) as f64 / side as f64;
                let (c, s) = (libm::cos(angle), libm::sin(angle));
                t.forward[half - 1 + j] = Complex::new(c, -s);
                t.inverse[half - 1 + j] = Complex::new(c, s);
            }
            half *= 2;
        }
        Ok(t)
    }

    /// The largest side the table serves.
    pub fn side(&self) -> usize {
        self.side
    }
}

/// Transform the `side × side` image in `data[..side²]` (row-major) in place.
pub fn fft2(data: &mut [Complex], side: usize, direction: Direction) -> Result<(), FftError> {
    fft2_with(data, side, direction, &Twiddles::new(side)?)
}

/// [`fft2`] with a table made beforehand for this side or a larger one: the rows 8 at a time
/// through a tile, then the columns.
pub fn fft2_with(
    data: &mut [Complex],
    side: usize,
    direction: Direction,
    twiddles: &Twiddles,
) -> Result<(), FftError> {
    let plan = Plan::new(side, direction, twiddles)?;
    let data = data.get_mut(..side * side).ok_or(FftError::Buffer { needed: side * side })?;
    // 1/N² is a power of two: the scaling is exact.
    let scale = if direction == Direction::Inverse { 1.0 / (side * side) as f64 } else { 1.0 };
    with_tile(side, |tile| {
        for rows in data.chunks_mut(LANES * side) {
            let lanes: [&[Complex]; LANES] =
                core::array::from_fn(|b| rows.get(b * side..(b + 1) * side).unwrap_or(&[]));
            for c in 0..side {
                let t = &mut tile[plan.reversed(c)];
                for (b, lane) in lanes.iter().enumerate() {
                    if let Some(&v) = lane.get(c) {
                        set(t, b, v);
                    }
                }
            }
            plan.transform(tile);
            for (b, row) in (0..LANES).zip(rows.chunks_exact_mut(side)) {
                for (v, t) in row.iter_mut().zip(tile.iter()) {
                    *v = get(t, b);
                }
            }
        }
        plan.columns(data, side, tile, scale);
    });
    Ok(())
}

/// Values of the half spectrum of a real `side × side` image: `side` rows of `side/2 + 1`
/// frequencies `l = 0..=side/2` (the others are `X[k, l] = X*[−k, −l]`).
pub fn half_len(side: usize) -> usize {
    side * (side / 2 + 1)
}

/// The value at `(k, l)` (row, column, unshifted, any `l < side`) of the full spectrum whose half
/// (from [`rfft2`]) is `half`.
#[inline(always)]
pub fn from_half(half: &[Complex], side: usize, k: usize, l: usize) -> Complex {
    let w = side / 2 + 1;
    if l < w { half[k * w + l] } else { half[((side - k) % side) * w + (side - l)].conj() }
}

/// The half spectrum (`numpy.fft.rfft2`'s values, [`half_len`] of them, rows of `side/2 + 1`) of the
/// real `side × side` image `input`: rows `2r` and `2r + 1` go through one complex transform as
/// `z = x₂ᵣ + i·x₂ᵣ₊₁` and come apart as `(Z[l] + Z*[−l])/2` and `(Z[l] − Z*[−l])/2i`, then the
/// `side/2 + 1` columns are transformed: about half the work of [`fft2`] on the complex image. The
/// same butterflies as [`fft2_with`], so the same accuracy, not the same bits.
pub fn rfft2(input: &[f64], out: &mut [Complex], side: usize, twiddles: &Twiddles) -> Result<(), FftError> {
    let plan = Plan::new(side, Direction::Forward, twiddles)?;
    let input = input.get(..side * side).ok_or(FftError::Buffer { needed: side * side })?;
    let out = out.get_mut(..half_len(side)).ok_or(FftError::Buffer { needed: half_len(side) })?;
    if side == 1 {
        out[0] = Complex::new(input[0], 0.0);
        return Ok(());
    }
    let w = side / 2 + 1;
    with_tile(side, |tile| {
        for (pairs, halves) in input.chunks(2 * LANES * side).zip(out.chunks_mut(2 * LANES * w)) {
            let lanes: [&[f64]; LANES] =
                core::array::from_fn(|b| pairs.get(2 * b * side..2 * (b + 1) * side).unwrap_or(&[]));
            for c in 0..side {
                let t = &mut tile[plan.reversed(c)];
                for (b, lane) in lanes.iter().enumerate() {
                    if let (Some(&x), Some(&y)) = (lane.get(c), lane.get(side + c)) {
                        set(t, b, Complex::new(x, y));
                    }
                }
            }
            plan.transform(tile);
            for (b, halves) in (0..LANES).zip(halves.chunks_exact_mut(2 * w)) {
                let (ha, hb) = halves.split_at_mut(w);
                for (l, (ha, hb)) in ha.iter_mut().zip(hb.iter_mut()).enumerate() {
                    let (z, zm) = (get(&tile[l], b), get(&tile[(side - l) % side], b).conj());
                    let (sum, diff) = ((z + zm).scale(0.5), (z - zm).scale(0.5));
                    *ha = sum;
                    *hb = Complex::new(diff.im, -diff.re);
                }
            }
        }
        plan.columns(out, w, tile, 1.0);
    });
    Ok(())
}

/// The real `side × side` image (into `out`) whose half spectrum is `half` ([`half_len`] values,
/// rows of `side/2 + 1`, overwritten): `numpy.fft.irfft2`, the inverse of [`rfft2`]. The columns
/// are transformed back, then rows `2r` and `2r + 1` in one complex transform of `A + i·B` (both
/// Hermitian: the real and imaginary parts come out as the two rows). The imaginary parts of the
/// values at `l = 0` and `l = side/2`, zero for a real image's spectrum, are taken as zero.
pub fn irfft2(
    half: &mut [Complex],
    out: &mut [f64],
    side: usize,
    twiddles: &Twiddles,
) -> Result<(), FftError> {
    let plan = Plan::new(side, Direction::Inverse, twiddles)?;
    let half = half.get_mut(..half_len(side)).ok_or(FftError::Buffer { needed: half_len(side) })?;
    let out = out.get_mut(..side * side).ok_or(FftError::Buffer { needed: side * side })?;
    if side == 1 {
        out[0] = half[0].re;
        return Ok(());
    }
    let w = side / 2 + 1;
    // 1/N² is a power of two: the scaling is exact.
    let s = 1.0 / (side * side) as f64;
    with_tile(side, |tile| {
        plan.columns(half, w, tile, 1.0);
        for (halves, pairs) in half.chunks(2 * LANES * w).zip(out.chunks_mut(2 * LANES * side)) {
            let lanes: [&[Complex]; LANES] =
                core::array::from_fn(|b| halves.get(2 * b * w..2 * (b + 1) * w).unwrap_or(&[]));
            for l in 0..w {
                let edge = l == 0 || l == side / 2;
                let (k, km) = (plan.reversed(l), plan.reversed((side - l) % side));
                for (b, lane) in lanes.iter().enumerate() {
                    if let (Some(&a), Some(&bl)) = (lane.get(l), lane.get(w + l)) {
                        let (a, bl) =
                            if edge { (Complex::new(a.re, 0.0), Complex::new(bl.re, 0.0)) } else { (a, bl) };
                        set(&mut tile[k], b, Complex::new(a.re - bl.im, a.im + bl.re));
                        if !edge {
                            set(&mut tile[km], b, Complex::new(a.re + bl.im, bl.re - a.im));
                        }
                    }
                }
            }
            plan.transform(tile);
            for (b, pair) in (0..LANES).zip(pairs.chunks_exact_mut(2 * side)) {
                let (x, y) = pair.split_at_mut(side);
                for ((x, y), t) in x.iter_mut().zip(y.iter_mut()).zip(tile.iter()) {
                    let z = get(t, b);
                    (*x, *y) = (z.re * s, z.im * s);
                }
            }
        }
    });
    Ok(())
}

/// How many sequences a tile transforms side by side: the lanes of its rows, over which the
/// compiler runs each butterfly on whole vectors.
const LANES: usize = 8;

/// One value of each of the [`LANES`] sequences of a tile.
type Lanes = [f64; LANES];

/// A row of a tile: [`LANES`] complex sequences of one length are stored transposed and split, row
/// `i` holding the `i`-th values of every sequence, real parts first, then imaginary parts. The rows
/// and the columns of an image are copied into a tile (in bit-reversed order) and out of it, so
/// that every butterfly of [`Plan::transform`] is one loop over the lanes of a few rows, with one
/// set of factors for all of them, whichever axis is transformed (the image's rows, transformed in
/// place, ran short loops with a factor each).
type Row = [Lanes; 2];

/// Store `v` in lane `b` of `row`.
#[inline(always)]
fn set(row: &mut Row, b: usize, v: Complex) {
    (row[0][b], row[1][b]) = (v.re, v.im);
}

/// Lane `b` of `row`.
#[inline(always)]
fn get(row: &Row, b: usize) -> Complex {
    Complex::new(row[0][b], row[1][b])
}

/// Run `f` on a zeroed tile of `side` rows, on the stack (its array sized to the side, from 16 to
/// 256 rows, else [`MAX_SIDE`], so that small transforms do not clear a large one).
fn with_tile<R>(side: usize, f: impl FnOnce(&mut [Row]) -> R) -> R {
    fn run<const ROWS: usize, R>(side: usize, f: impl FnOnce(&mut [Row]) -> R) -> R {
        f(&mut [[[0.0; LANES]; 2]; ROWS][..side])
    }
    match side {
        0..=16 => run::<16, R>(side, f),
        17..=32 => run::<32, R>(side, f),
        33..=64 => run::<64, R>(side, f),
        65..=128 => run::<128, R>(side, f),
        129..=256 => run::<256, R>(side, f),
        _ => run::<MAX_SIDE, R>(side, f),
    }
}

/// A checked side with its direction's factors and bit-reversal permutation.
#[derive(Clone, Copy)]
struct Plan<'a> {
    /// The factors of every stage, as in [`Twiddles`].
    table: &'a [Complex; MAX_SIDE],
    /// The table's bit reversals and the shift that makes them this side's.
    reversed: &'a [u16; MAX_SIDE],
    shift: u32,
    inverse: bool,
}

impl<'a> Plan<'a> {
    fn new(side: usize, direction: Direction, twiddles: &'a Twiddles) -> Result<Self, FftError> {
        check_side(side)?;
        if side > twiddles.side {
            return Err(FftError::Side { side });
        }
        let inverse = direction == Direction::Inverse;
        Ok(Self {
            table: if inverse { &twiddles.inverse } else { &twiddles.forward },
            reversed: &twiddles.reversed,
            shift: twiddles.side.trailing_zeros() - side.trailing_zeros(),
            inverse,
        })
    }

    /// Index `i < side` with its `log₂ side` bits reversed.
    #[inline(always)]
    fn reversed(&self, i: usize) -> usize {
        usize::from(self.reversed[i] >> self.shift)
    }

    /// `W^k` (`W = e^(∓2πi/len)`, `k < len`): the table holds stage `len`'s `W^k` for `k < len/2`,
    /// and `W^(k + len/2) = −W^k` (exactly).
    #[inline(always)]
    fn power(&self, len: usize, k: usize) -> Complex {
        let stage = &self.table[len / 2 - 1..len - 1];
        match stage.get(k) {
            Some(&w) => w,
            None => {
                let w = stage[k - len / 2];
                Complex::new(-w.re, -w.im)
            }
        }
    }

    /// Transform the [`LANES`] sequences of `tile`, whose rows are in bit-reversed order, into
    /// their spectra in natural order.
    fn transform(&self, tile: &mut [Row]) {
        if self.inverse { self.stages::<true>(tile) } else { self.stages::<false>(tile) }
    }

    /// [`Self::transform`] in one direction: the iterative decimation-in-time Cooley–Tukey
    /// algorithm (Cooley and Tukey 1965) in radix 8 (as Bergland 1969, *A radix-eight fast Fourier
    /// transform subroutine for real-valued series*): one radix-2 or radix-4 stage first when
    /// `log₂ side` is not a multiple of 3 (factors all 1), then stages of length `len = 8m` that
    /// combine eight transforms `A₀..A₇` of length `m` (block `q` of `m` rows holding `A_s`, `s` the
    /// 3-bit reversal of `q`) into `Y[j + pm] = Σ_s W^(sj)·A_s[j]·e^(∓2πi·sp/8)`: [`radix8`]. Factors
    /// with `j = 0` are 1 and not multiplied by.
    fn stages<const INVERSE: bool>(&self, tile: &mut [Row]) {
        let n = tile.len();
        let mut m = 1;
        match n.trailing_zeros() % 3 {
            1 => {
                for pair in tile.chunks_exact_mut(2) {
                    if let [r0, r1] = pair {
                        for b in 0..LANES {
                            let (u, v) = (get(r0, b), get(r1, b));
                            set(r0, b, u + v);
                            set(r1, b, u - v);
                        }
                    }
                }
                m = 2;
            }
            2 => {
                for quad in tile.chunks_exact_mut(4) {
                    if let [r0, r1, r2, r3] = quad {
                        for b in 0..LANES {
                            let y = dft4::<INVERSE>([get(r0, b), get(r2, b), get(r1, b), get(r3, b)]);
                            set(r0, b, y[0]);
                            set(r1, b, y[1]);
                            set(r2, b, y[2]);
                            set(r3, b, y[3]);
                        }
                    }
                }
                m = 4;
            }
            _ => {}
        }
        while m < n {
            let len = 8 * m;
            for j in 0..m {
                let w: Option<[Complex; 7]> =
                    (j > 0).then(|| core::array::from_fn(|s| self.power(len, (s + 1) * j)));
                for block in tile[j..].chunks_mut(len) {
                    let (r0, rest) = block.split_at_mut(m);
                    let (r1, rest) = rest.split_at_mut(m);
                    let (r2, rest) = rest.split_at_mut(m);
                    let (r3, rest) = rest.split_at_mut(m);
                    let (r4, rest) = rest.split_at_mut(m);
                    let (r5, rest) = rest.split_at_mut(m);
                    let (r6, r7) = rest.split_at_mut(m);
                    let (lo, hi) = (
                        [&mut r0[0], &mut r1[0], &mut r2[0], &mut r3[0]],
                        [&mut r4[0], &mut r5[0], &mut r6[0], &mut r7[0]],
                    );
                    // Two loops, so that neither tests `w` for every lane.
                    match &w {
                        Some(w) => radix8::<INVERSE>(lo, hi, Some(w)),
                        None => radix8::<INVERSE>(lo, hi, None),
                    }
                }
            }
            m = len;
        }
    }

    /// Transform the `width` columns of `data` (`side` rows of `width` values), [`LANES`] at a time
    /// through `tile`, multiplying the results by `scale` (a power of two, or 1: exact).
    fn columns(&self, data: &mut [Complex], width: usize, tile: &mut [Row], scale: f64) {
        for c0 in (0..width).step_by(LANES) {
            let cols = c0..width.min(c0 + LANES);
            for (m, row) in data.chunks_exact(width).enumerate() {
                let t = &mut tile[self.reversed(m)];
                for (b, &v) in (0..LANES).zip(&row[cols.clone()]) {
                    set(t, b, v);
                }
            }
            self.transform(tile);
            for (row, t) in data.chunks_exact_mut(width).zip(tile.iter()) {
                for (b, v) in (0..LANES).zip(&mut row[cols.clone()]) {
                    *v = get(t, b).scale(scale);
                }
            }
        }
    }
}

/// `z·(∓i)` (upper sign forward): `e^(∓2πi/4)`.
#[inline(always)]
fn quarter<const INVERSE: bool>(z: Complex) -> Complex {
    if INVERSE { Complex::new(-z.im, z.re) } else { Complex::new(z.im, -z.re) }
}

/// `z·e^(∓2πi/8) = (z + z·(∓i))/√2`.
#[inline(always)]
fn eighth<const INVERSE: bool>(z: Complex) -> Complex {
    (z + quarter::<INVERSE>(z)).scale(core::f64::consts::FRAC_1_SQRT_2)
}

/// The 4-point transform: with `t₀ = x₀ + x₂`, `t₁ = x₀ − x₂`, `t₂ = x₁ + x₃`, `t₃ = x₁ − x₃`,
/// `(t₀ + t₂, t₁ + t₃·(∓i), t₀ − t₂, t₁ − t₃·(∓i))`.
#[inline(always)]
fn dft4<const INVERSE: bool>([x0, x1, x2, x3]: [Complex; 4]) -> [Complex; 4] {
    let (t0, t1, t2, t3) = (x0 + x2, x0 - x2, x1 + x3, quarter::<INVERSE>(x1 - x3));
    [t0 + t2, t1 + t3, t0 - t2, t1 - t3]
}

/// The radix-8 butterfly of [`Plan::stages`] on rows `j` of the eight blocks (`lo`, then `hi`):
/// with `b_s = W^(sj)·A_s[j]` (`w`: `W^j..W^7j`, `None`: all 1), the transforms `E` of
/// `b₀, b₂, b₄, b₆` and `O` of `b₁, b₃, b₅, b₇` ([`dft4`]) give `Y[j + pm] = E[p] + e^(∓2πi·p/8)·O[p]`
/// and `Y[j + (p + 4)m] = E[p] − e^(∓2πi·p/8)·O[p]`. The rows come as separate references so that
/// the compiler knows they do not overlap, and vectorises the loop over the lanes.
#[inline(always)]
fn radix8<const INVERSE: bool>(lo: [&mut Row; 4], hi: [&mut Row; 4], w: Option<&[Complex; 7]>) {
    let ([r0, r1, r2, r3], [r4, r5, r6, r7]) = (lo, hi);
    lanes8::<INVERSE>(r0, r1, r2, r3, r4, r5, r6, r7, w);
}

/// [`radix8`] on eight distinct rows.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn lanes8<const INVERSE: bool>(
    r0: &mut Row,
    r1: &mut Row,
    r2: &mut Row,
    r3: &mut Row,
    r4: &mut Row,
    r5: &mut Row,
    r6: &mut Row,
    r7: &mut Row,
    w: Option<&[Complex; 7]>,
) {
    for b in 0..LANES {
        // Block q holds A_s, s the 3-bit reversal of q.
        let a =
            [get(r0, b), get(r4, b), get(r2, b), get(r6, b), get(r1, b), get(r5, b), get(r3, b), get(r7, b)];
        let a = match w {
            None => a,
            Some(w) => core::array::from_fn(|s| if s == 0 { a[0] } else { a[s] * w[s - 1] }),
        };
        let e = dft4::<INVERSE>([a[0], a[2], a[4], a[6]]);
        let o = dft4::<INVERSE>([a[1], a[3], a[5], a[7]]);
        let o = [
            o[0],
            eighth::<INVERSE>(o[1]),
            quarter::<INVERSE>(o[2]),
            quarter::<INVERSE>(eighth::<INVERSE>(o[3])),
        ];
        set(r0, b, e[0] + o[0]);
        set(r1, b, e[1] + o[1]);
        set(r2, b, e[2] + o[2]);
        set(r3, b, e[3] + o[3]);
        set(r4, b, e[0] - o[0]);
        set(r5, b, e[1] - o[1]);
        set(r6, b, e[2] - o[2]);
        set(r7, b, e[3] - o[3]);
    }
}

/// The signed frequency of index `i` on an axis of `side` (`i` for `i < side/2`, else `i − side`):
/// NumPy's `fftshift` puts index `i` at `signed + side/2`.
#[inline(always)]
pub fn signed(i: usize, side: usize) -> isize {
    if i < side / 2 { i as isize } else { i as isize - side as isize }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use std::vec::Vec;

    /// Every side that [`check_side`] accepts.
    fn sides() -> impl Iterator<Item = usize> {
        (0..=MAX_SIDE.trailing_zeros()).map(|p| 1 << p)
    }

    /// A deterministic test image of `side²` values.
    fn image(side: usize) -> Vec<Complex> {
        (0..side * side)
            .map(|i| Complex::new(libm::sin(i as f64 * 1.7) * 3.0, libm::cos(i as f64 * 0.3) - 0.5))
            .collect()
    }

    #[test]
    fn every_side_matches_the_naive_transform_and_inverts() {
        let twiddles = Twiddles::new(MAX_SIDE).unwrap();
        for side in sides() {
            let input = image(side);
            let mut data = input.clone();
            fft2_with(&mut data, side, Direction::Forward, &twiddles).unwrap();
            // `e^(−2πit/side)`, then whole naive sums at some frequencies (all of them up to 16).
            let roots: Vec<Complex> = (0..side)
                .map(|t| {
                    let angle = -2.0 * core::f64::consts::PI * t as f64 / side as f64;
                    Complex::new(libm::cos(angle), libm::sin(angle))
                })
                .collect();
            let frequencies: Vec<(usize, usize)> = if side <= 16 {
                (0..side * side).map(|i| (i / side, i % side)).collect()
            } else {
                [
                    (0, 0),
                    (1, 0),
                    (0, 1),
                    (1, 1),
                    (side / 2, side / 2),
                    (side - 1, 3),
                    (5, side - 7),
                    (side / 3, side / 5),
                ]
                .into()
            };
            let tolerance = 1e-13 * (side * side) as f64;
            for (k, l) in frequencies {
                let mut sum = Complex::default();
                for (m, row) in input.chunks_exact(side).enumerate() {
                    for (n, &x) in row.iter().enumerate() {
                        sum = sum + x * roots[(k * m + l * n) % side];
                    }
                }
                let got = data[k * side + l];
                assert!(
                    (got.re - sum.re).abs() < tolerance && (got.im - sum.im).abs() < tolerance,
                    "{side} {k} {l}: {got:?} {sum:?}"
                );
            }
            fft2_with(&mut data, side, Direction::Inverse, &twiddles).unwrap();
            for (a, b) in data.iter().zip(&input) {
                assert!((a.re - b.re).abs() < 1e-13 && (a.im - b.im).abs() < 1e-13, "{side}: {a:?} {b:?}");
            }
        }
    }

    #[test]
    fn every_side_of_the_real_transforms_matches_the_complex_one_and_inverts() {
        let twiddles = Twiddles::new(MAX_SIDE).unwrap();
        for side in sides() {
            let input: Vec<f64> = image(side).iter().map(|v| v.re + v.im).collect();
            let mut full: Vec<Complex> = input.iter().map(|&v| Complex::new(v, 0.0)).collect();
            fft2_with(&mut full, side, Direction::Forward, &twiddles).unwrap();
            let mut half = std::vec![Complex::default(); half_len(side)];
            rfft2(&input, &mut half, side, &twiddles).unwrap();
            let tolerance = 1e-14 * (side * side) as f64;
            for k in 0..side {
                for l in 0..side {
                    let (a, b) = (from_half(&half, side, k, l), full[k * side + l]);
                    assert!(
                        (a.re - b.re).abs() < tolerance && (a.im - b.im).abs() < tolerance,
                        "{side} {k} {l}"
                    );
                }
            }
            let mut back = std::vec![0.0; side * side];
            irfft2(&mut half, &mut back, side, &twiddles).unwrap();
            for (a, b) in back.iter().zip(&input) {
                assert!((a - b).abs() < 1e-13, "{side}: {a} {b}");
            }
        }
    }

    fn naive(input: &[Complex], side: usize, sign: f64) -> [Complex; 64] {
        let mut out = [Complex::default(); 64];
        for k in 0..side {
            for l in 0..side {
                let mut acc = Complex::default();
                for m in 0..side {
                    for n in 0..side {
                        let angle = sign * 2.0 * core::f64::consts::PI * ((k * m + l * n) % side) as f64
                            / side as f64;
                        acc = acc + input[m * side + n] * Complex::new(libm::cos(angle), libm::sin(angle));
                    }
                }
                out[k * side + l] = acc;
            }
        }
        out
    }

    #[test]
    fn matches_the_naive_transform_and_inverts() {
        for side in [1, 2, 4, 8] {
            let mut data = [Complex::default(); 64];
            for (i, v) in data[..side * side].iter_mut().enumerate() {
                *v = Complex::new(libm::sin(i as f64 * 1.7) * 3.0, libm::cos(i as f64 * 0.3) - 0.5);
            }
            let input = data;
            let expected = naive(&input, side, -1.0);
            fft2(&mut data, side, Direction::Forward).unwrap();
            for (a, b) in data[..side * side].iter().zip(&expected) {
                assert!((a.re - b.re).abs() < 1e-12 && (a.im - b.im).abs() < 1e-12, "{a:?} {b:?}");
            }
            fft2(&mut data, side, Direction::Inverse).unwrap();
            for (a, b) in data[..side * side].iter().zip(&input) {
                assert!((a.re - b.re).abs() < 1e-14 && (a.im - b.im).abs() < 1e-14, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn real_transforms_match_the_complex_one_and_invert() {
        for side in [1, 2, 4, 8] {
            let mut input = [0.0; 64];
            for (i, v) in input[..side * side].iter_mut().enumerate() {
                *v = libm::sin(i as f64 * 1.3) * 5.0 + libm::cos(i as f64 * 0.7);
            }
            let mut full = [Complex::default(); 64];
            for (c, &v) in full.iter_mut().zip(&input) {
                *c = Complex::new(v, 0.0);
            }
            fft2(&mut full, side, Direction::Forward).unwrap();
            let twiddles = Twiddles::new(8).unwrap();
            let mut half = [Complex::default(); 40];
            rfft2(&input, &mut half, side, &twiddles).unwrap();
            for k in 0..side {
                for l in 0..side {
                    let (a, b) = (from_half(&half, side, k, l), full[k * side + l]);
                    assert!((a.re - b.re).abs() < 1e-12 && (a.im - b.im).abs() < 1e-12, "{side} {k} {l}");
                }
            }
            let mut back = [0.0; 64];
            irfft2(&mut half, &mut back, side, &twiddles).unwrap();
            for (a, b) in back[..side * side].iter().zip(&input) {
                assert!((a - b).abs() < 1e-13, "{a} {b}");
            }
        }
    }

    #[test]
    fn bad_sides_and_buffers_are_refused() {
        let mut data = [Complex::default(); 16];
        assert_eq!(fft2(&mut data, 0, Direction::Forward), Err(FftError::Side { side: 0 }));
        assert_eq!(fft2(&mut data, 3, Direction::Forward), Err(FftError::Side { side: 3 }));
        assert_eq!(fft2(&mut data, 2048, Direction::Forward), Err(FftError::Side { side: 2048 }));
        assert_eq!(fft2(&mut data, 8, Direction::Forward), Err(FftError::Buffer { needed: 64 }));
        assert_eq!(fft2(&mut data, 4, Direction::Forward), Ok(()));
    }

    #[test]
    fn signed_is_fftshift() {
        assert_eq!(core::array::from_fn::<_, 8, _>(|i| signed(i, 8)), [0, 1, 2, 3, -4, -3, -2, -1]);
    }
}
