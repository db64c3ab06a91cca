//! The 2-D discrete Fourier transform of square complex images whose side is a power of two, in
//! place, with NumPy's conventions (`numpy.fft.fft2` / `ifft2`): the forward transform is
//! `X[k, l] = Σ x[m, n] · e^(−2πi(km + ln)/N)`, unnormalised; the inverse uses `e^(+2πi…)` and
//! divides by `N²`.
//!
//! The transform is the iterative radix-2 decimation-in-time Cooley–Tukey algorithm (Cooley and
//! Tukey 1965; the bit-reversed-input form of Press et al., *Numerical Recipes*, §12.2): every row is
//! transformed, then every column, the columns' butterflies running on whole rows. Twiddle factors
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

    /// The product, `(ac − bd) + i(ad + bc)`.
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        Self::new(self.re * o.re - self.im * o.im, self.re * o.im + self.im * o.re)
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

/// [`fft2`] with a table made beforehand for this side or a larger one.
pub fn fft2_with(
    data: &mut [Complex],
    side: usize,
    direction: Direction,
    twiddles: &Twiddles,
) -> Result<(), FftError> {
    check_side(side)?;
    if side > twiddles.side {
        return Err(FftError::Side { side });
    }
    let data = data.get_mut(..side * side).ok_or(FftError::Buffer { needed: side * side })?;
    let table = match direction {
        Direction::Forward => &twiddles.forward,
        Direction::Inverse => &twiddles.inverse,
    };
    // The bit-reversal permutation as its swaps `(i, j)`, `i < j`: fewer than side/2.
    let shift = twiddles.side.trailing_zeros() - side.trailing_zeros();
    let mut swaps = [(0u16, 0u16); MAX_SIDE / 2];
    let mut count = 0;
    for i in 0..side {
        let j = twiddles.reversed[i] >> shift;
        if i < usize::from(j) {
            swaps[count] = (i as u16, j);
            count += 1;
        }
    }
    let swaps = &swaps[..count];
    let twiddles = &table[..side.max(1)];
    for row in data.chunks_exact_mut(side) {
        fft1(row, twiddles, swaps);
    }
    fft_columns(data, side, twiddles, swaps);
    if direction == Direction::Inverse {
        // 1/N² is a power of two: the scaling is exact.
        let s = 1.0 / (side * side) as f64;
        data.iter_mut().for_each(|v| *v = v.scale(s));
    }
    Ok(())
}

/// The butterfly `(a, b) ← (a + w·b, a − w·b)`.
#[inline(always)]
fn butterfly(a: &mut Complex, b: &mut Complex, w: Complex) {
    let t = *b * w;
    let u = *a;
    *a = u + t;
    *b = u - t;
}

/// Two stages at once on four values of a block of `2·len`: `x0, x1` and `x2, x3` (`half = len/2`
/// apart) by stage `len`'s factor `w`, then `x0, x2` and `x1, x3` (`len` apart) by stage `2·len`'s
/// `wa` and `wb`: the same operations on the same values as the two stages one after the other,
/// with half the passes over memory.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn butterfly4(
    x0: &mut Complex,
    x1: &mut Complex,
    x2: &mut Complex,
    x3: &mut Complex,
    w: Complex,
    wa: Complex,
    wb: Complex,
) {
    butterfly(x0, x1, w);
    butterfly(x2, x3, w);
    butterfly(x0, x2, wa);
    butterfly(x1, x3, wb);
}

/// One row: bit-reversal permutation, then `log₂ n` stages of butterflies `(a + w·b, a − w·b)`,
/// stage `len` with the factors `w_j` of `twiddles[len/2 − 1 + j]`: the first alone when their
/// number is odd, then two at a time ([`butterfly4`]).
/// `swaps` is the bit-reversal permutation of `n` as its swaps.
fn fft1(row: &mut [Complex], twiddles: &[Complex], swaps: &[(u16, u16)]) {
    let n = row.len();
    if n < 2 {
        return;
    }
    for &(i, j) in swaps {
        row.swap(usize::from(i), usize::from(j));
    }
    let mut len = 2;
    if n.trailing_zeros() % 2 == 1 {
        for pair in row.chunks_exact_mut(2) {
            let (a, b) = pair.split_at_mut(1);
            butterfly(&mut a[0], &mut b[0], twiddles[0]);
        }
        len = 4;
    }
    while len < n {
        let half = len / 2;
        let (w, w2) = (&twiddles[half - 1..len - 1], &twiddles[len - 1..2 * len - 1]);
        for block in row.chunks_exact_mut(2 * len) {
            let (lo, hi) = block.split_at_mut(len);
            let (q0, q1) = lo.split_at_mut(half);
            let (q2, q3) = hi.split_at_mut(half);
            for j in 0..half {
                butterfly4(&mut q0[j], &mut q1[j], &mut q2[j], &mut q3[j], w[j], w2[j], w2[j + half]);
            }
        }
        len *= 4;
    }
}

/// Every column at once: the butterflies of [`fft1`] applied to whole rows (the same operations on
/// each column as a column-by-column transform, in an order that reads memory row by row).
fn fft_columns(data: &mut [Complex], side: usize, twiddles: &[Complex], swaps: &[(u16, u16)]) {
    if side < 2 {
        return;
    }
    for &(i, j) in swaps {
        let (i, j) = (usize::from(i), usize::from(j));
        let (head, tail) = data.split_at_mut(j * side);
        head[i * side..(i + 1) * side].swap_with_slice(&mut tail[..side]);
    }
    let mut len = 2;
    if side.trailing_zeros() % 2 == 1 {
        for pair in data.chunks_exact_mut(2 * side) {
            let (a_row, b_row) = pair.split_at_mut(side);
            for (a, b) in a_row.iter_mut().zip(b_row.iter_mut()) {
                butterfly(a, b, twiddles[0]);
            }
        }
        len = 4;
    }
    while len < side {
        let half = len / 2;
        for block in data.chunks_exact_mut(2 * len * side) {
            let (lo, hi) = block.split_at_mut(len * side);
            let (q0, q1) = lo.split_at_mut(half * side);
            let (q2, q3) = hi.split_at_mut(half * side);
            let rows = q0.chunks_exact_mut(side).zip(q1.chunks_exact_mut(side));
            let rows = rows.zip(q2.chunks_exact_mut(side)).zip(q3.chunks_exact_mut(side));
            for (j, (((r0, r1), r2), r3)) in rows.enumerate() {
                let (w, wa, wb) =
                    (twiddles[half - 1 + j], twiddles[len - 1 + j], twiddles[len - 1 + j + half]);
                for (((x0, x1), x2), x3) in
                    r0.iter_mut().zip(r1.iter_mut()).zip(r2.iter_mut()).zip(r3.iter_mut())
                {
                    butterfly4(x0, x1, x2, x3, w, wa, wb);
                }
            }
        }
        len *= 4;
    }
}

/// The index of frequency `k` (any integer, taken modulo `side`) on an unshifted axis of `side`.
#[inline(always)]
pub fn wrap(k: isize, side: usize) -> usize {
    k.rem_euclid(side as isize) as usize
}

/// The signed frequency of index `i` on an axis of `side` (`i` for `i < side/2`, else `i − side`):
/// NumPy's `fftshift` puts index `i` at `signed + side/2`.
#[inline(always)]
pub fn signed(i: usize, side: usize) -> isize {
    if i < side / 2 { i as isize } else { i as isize - side as isize }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn bad_sides_and_buffers_are_refused() {
        let mut data = [Complex::default(); 16];
        assert_eq!(fft2(&mut data, 0, Direction::Forward), Err(FftError::Side { side: 0 }));
        assert_eq!(fft2(&mut data, 3, Direction::Forward), Err(FftError::Side { side: 3 }));
        assert_eq!(fft2(&mut data, 2048, Direction::Forward), Err(FftError::Side { side: 2048 }));
        assert_eq!(fft2(&mut data, 8, Direction::Forward), Err(FftError::Buffer { needed: 64 }));
        assert_eq!(fft2(&mut data, 4, Direction::Forward), Ok(()));
    }

    #[test]
    fn signed_and_wrap_are_fftshift() {
        assert_eq!(core::array::from_fn::<_, 8, _>(|i| signed(i, 8)), [0, 1, 2, 3, -4, -3, -2, -1]);
        assert_eq!(wrap(-4, 8), 4);
        assert_eq!(wrap(-1, 8), 7);
        assert_eq!(wrap(3, 8), 3);
    }
}
