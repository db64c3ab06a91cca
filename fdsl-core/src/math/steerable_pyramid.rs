//! The real steerable pyramid built in the frequency domain, as pyrtools'
//! `pyramids.SteerablePyramidFreq(image, height, order=3, twidth=1, is_complex=False)` defines it
//! (LabForComputationalVision/pyrtools, `SteerablePyramidFreq.py`: `__init__` and `recon_pyr`; the
//! transform of Simoncelli and Freeman, "The Steerable Pyramid", ICIP 1995), for square images whose
//! side is a power of two.
//!
//! In the centred spectrum `F` of the image (pyrtools works on `fftshift(fft2(image))`; fdsl keeps
//! the unshifted layout and indexes each grid by signed frequencies, which is the same array), with
//! `r = 2|k|/N` and `θ = atan2(k_y, k_x)` on the image's frequency grid:
//! - the highpass residual is `real(ifft2(F · H₀(r)))`, and `L = F · L₀(r)`;
//! - at each level `j = 0..height`, on a grid of side `d = N/2ʲ`, band `b = 0..4` is
//!   `real(ifft2(i · L · A_b(θ) · H_{j+1}(r)))`; then `L` is cut to its central `d/2 × d/2` block of
//!   frequencies (`[d/4, 3d/4)` of the centred grid) and multiplied by `L_{j+1}(r)` there;
//! - the lowpass residual is `real(ifft2(L))` (side `N/2^height`).
//!
//! `H_s` and `L_s` are pyrtools' raised cosines in `log₂ r`: `rcosFn(1, −0.5)`, a 259-entry table
//! of `cos²` over one octave, `H = sqrt(Y)`, `L = sqrt(1 − H²)`, the octave moved down by one per
//! level (`Xrcos −= 1`); `A_b(θ) = sqrt(0.8) · cos(θ − πb/4)³` is a 3,075-entry table (`lutsize`
//! 1024). Both are read by pyrtools' `pointOp`: linear interpolation at `pos = (v − origin) /
//! increment`, the index truncated toward zero and clamped to the table. The centre of the grid
//! takes the radius of its left neighbour (`log_rad[ctr] = log_rad[ctr − 1]`). Reconstruction runs
//! the same masks backwards (bands multiplied by `−i · A_b · H` and summed, `L` masks applied while
//! the grid grows). It is pyrtools' "perfect" reconstruction: exact but for the tables' linear
//! interpolation, whose squared masks tile the spectrum to about 1e−5 (a relative error near 1e−5,
//! the same as pyrtools' own `recon_pyr`).
//!
//! The masks depend only on (side, height): [`SteerablePyramid::fill_masks`] computes them once into
//! a caller buffer. Differences from pyrtools, all at the level of rounding: the masks of
//! reconstruction are those of the build (pyrtools recomputes them with `Xrcos` moved back up), the
//! reconstruction factor is exactly `−i` (pyrtools' `(−1)^0.5` cubed has a real part of `1.8e−16`),
//! and the Fourier transforms are [`crate::math::fft`]'s.

use crate::math::fft::{
    Complex, Direction, FftError, Twiddles, check_side, fft2_with, from_half, half_len, irfft2, rfft2, signed,
};

/// Orientations per level (`order + 1`, order 3).
pub const ORIENTATIONS: usize = 4;
/// Entries of the raised-cosine table (`rcosFn`: `sz = 256`, `X = π·(−257..=1)/512`).
const RCOS_LEN: usize = 259;
/// Entries of the angle table (`Xcosn = π·(−2049..=1025)/1024`).
const ANGLE_LEN: usize = 3075;

/// Why a pyramid cannot be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PyramidError {
    /// The side cannot be Fourier transformed.
    Fft(FftError),
    /// The height is above `log₂(side) − 2` (pyrtools' `max_ht`).
    Height {
        /// The height asked for.
        height: usize,
        /// The most the side allows.
        max: usize,
    },
    /// A buffer is shorter than the pyramid needs.
    Buffer {
        /// Which buffer.
        name: &'static str,
        /// Values it needs.
        needed: usize,
    },
}

impl core::fmt::Display for PyramidError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Fft(e) => write!(f, "{e}"),
            Self::Height { height, max } => {
                write!(f, "a steerable pyramid of this side has at most {max} levels, not {height}")
            }
            Self::Buffer { name, needed } => write!(f, "the pyramid's {name} buffer needs {needed} values"),
        }
    }
}

impl core::error::Error for PyramidError {}

impl From<FftError> for PyramidError {
    fn from(e: FftError) -> Self {
        Self::Fft(e)
    }
}

/// Which band of a pyramid, in pyrtools' key order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Band {
    /// `residual_highpass`.
    Highpass,
    /// `(level, orientation)`.
    Oriented(usize, usize),
    /// `residual_lowpass`.
    Lowpass,
}

/// The shape of a steerable pyramid: side (a power of two) and height; every buffer is the caller's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SteerablePyramid {
    side: usize,
    height: usize,
}

/// pyrtools' `pointOp`: linear interpolation in `lut` at `(value − origin) / increment`, the index
/// truncated toward zero (C's `(int)`) and clamped to `[0, len − 2]`.
fn point_op(value: f64, lut: &[f64], origin: f64, increment: f64) -> f64 {
    let pos = (value - origin) / increment;
    let index = (pos as i64).clamp(0, lut.len() as i64 - 2) as usize;
    lut[index] + (lut[index + 1] - lut[index]) * (pos - index as f64)
}

/// The tables of the radial and angular masks.
struct Tables {
    /// `Yrcos = sqrt(cos²(X))`, end values repeated.
    high: [f64; RCOS_LEN],
    /// `YIrcos = sqrt(1 − Yrcos²)`.
    low: [f64; RCOS_LEN],
    /// `Xrcos[0]`, `Xrcos[1]` before any shift.
    rcos_x: (f64, f64),
    /// `Ycosn = sqrt(0.8) · cos(Xcosn)³`.
    angle: [f64; ANGLE_LEN],
    /// `Xcosn[0]` and `Xcosn[1] − Xcosn[0]`.
    angle_x: (f64, f64),
}

impl Tables {
    fn new() -> Self {
        use core::f64::consts::PI;
        let x = |k: i64| PI * k as f64 / 512.0;
        let mut y: [f64; RCOS_LEN] = core::array::from_fn(|t| {
            let c = libm::cos(x(t as i64 - 257));
            c * c
        });
        y[0] = y[1];
        y[RCOS_LEN - 1] = y[RCOS_LEN - 2];
        let high = y.map(libm::sqrt);
        let low = high.map(|h| libm::sqrt(1.0 - h * h));
        let shift = |x: f64| -0.5 + (2.0 / PI) * (x + PI / 4.0);
        let xc = |k: i64| PI * k as f64 / 1024.0;
        let amplitude = libm::sqrt(0.8); // 2^(2·3) · (3!)² / (4 · 6!)
        let angle = core::array::from_fn(|t| amplitude * libm::pow(libm::cos(xc(t as i64 - 2049)), 3.0));
        Self {
            high,
            low,
            rcos_x: (shift(x(-257)), shift(x(-256))),
            angle,
            angle_x: (xc(-2049), xc(-2048) - xc(-2049)),
        }
    }

    /// `(origin, increment)` of the radial tables after `shifts` times `Xrcos −= 1`.
    fn radial(&self, shifts: usize) -> (f64, f64) {
        let (mut a, mut b) = self.rcos_x;
        for _ in 0..shifts {
            a -= 1.0;
            b -= 1.0;
        }
        (a, b - a)
    }
}

/// Calls `f(i, m)` once for every pair of opposite frequencies of the unshifted `d × d` grid
/// (`m` the index of `−k mod d` for `i`'s `k`; `i = m` for the four frequencies that are their own
/// opposites), row by row with the opposite row read backwards: no index arithmetic per value.
#[inline(always)]
pub fn for_each_mirror_pair(d: usize, mut f: impl FnMut(usize, usize)) {
    let h = d / 2;
    // Rows 0 and d/2 are their own mirrors: their columns 0..=d/2 (column x's mirror is d − x).
    for y in [0, h].into_iter().take(if h > 0 { 2 } else { 1 }) {
        for x in 0..=h {
            f(y * d + x, y * d + (d - x) % d);
        }
    }
    for y in 1..h {
        let (row, opposite) = (y * d, (d - y) * d);
        f(row, opposite);
        for x in 1..d {
            f(row + x, opposite + d - x);
        }
    }
}

/// Calls `f(new, old)` for each run of the `e × e` grid's values (`new`, a range of its indices) that
/// lie together on the larger `d × d` grid (from index `old`), every index of both unshifted grids
/// holding the same signed frequency: the central block of frequencies `[−e/2, e/2)²` of the larger
/// grid, two runs a row (non-negative and negative columns). The old index is never below the new.
fn for_each_central_run(e: usize, d: usize, mut f: impl FnMut(core::ops::Range<usize>, usize)) {
    let h = e / 2;
    for y in 0..e {
        let old_row = if y < h { y } else { y + d - e } * d;
        f(y * e..y * e + h, old_row);
        f(y * e + h..(y + 1) * e, old_row + d - h);
    }
}

impl SteerablePyramid {
    /// The pyramid of `height` levels on `side × side` images.
    pub fn new(side: usize, height: usize) -> Result<Self, PyramidError> {
        check_side(side)?;
        let max = (side.trailing_zeros() as usize).saturating_sub(2);
        if height > max {
            return Err(PyramidError::Height { height, max });
        }
        Ok(Self { side, height })
    }

    /// The side of the images.
    pub fn side(&self) -> usize {
        self.side
    }

    /// The number of levels.
    pub fn height(&self) -> usize {
        self.height
    }

    /// The side of level `j`'s grid (`j = height` is the lowpass residual's).
    fn level_side(&self, j: usize) -> usize {
        self.side >> j
    }

    /// Number of bands: highpass, `4 · height` oriented bands, lowpass.
    pub fn band_count(&self) -> usize {
        2 + ORIENTATIONS * self.height
    }

    /// Band `k` in pyrtools' key order.
    pub fn band(&self, k: usize) -> Band {
        match k {
            0 => Band::Highpass,
            k if k <= ORIENTATIONS * self.height => {
                Band::Oriented((k - 1) / ORIENTATIONS, (k - 1) % ORIENTATIONS)
            }
            _ => Band::Lowpass,
        }
    }

    /// Where band `k` lies in the bands buffer, and its side.
    pub fn band_range(&self, k: usize) -> (core::ops::Range<usize>, usize) {
        let n2 = self.side * self.side;
        let mut start = n2;
        let side = match self.band(k) {
            Band::Highpass => return (0..n2, self.side),
            Band::Oriented(j, b) => {
                for level in 0..j {
                    start += ORIENTATIONS * self.level_side(level).pow(2);
                }
                let d = self.level_side(j);
                start += b * d * d;
                d
            }
            Band::Lowpass => {
                for level in 0..self.height {
                    start += ORIENTATIONS * self.level_side(level).pow(2);
                }
                self.level_side(self.height)
            }
        };
        (start..start + side * side, side)
    }

    /// Values of the bands buffer.
    pub fn bands_len(&self) -> usize {
        self.band_range(self.band_count() - 1).0.end
    }

    /// Complex values of the work buffer of [`Self::build`] and [`Self::reconstruct`]: `2 · side²`.
    pub fn work_len(&self) -> usize {
        2 * self.side * self.side
    }

    /// Values of the masks buffer: `H₀`, `L₀` (side²), and per level the four products
    /// `Q_b = ½·(A_b(k) − A_b(−k))·H_{j+1}` (its side² each) and the next `L` (the next side²).
    pub fn masks_len(&self) -> usize {
        let n2 = self.side * self.side;
        2 * n2
            + (0..self.height)
                .map(|j| ORIENTATIONS * self.level_side(j).pow(2) + self.level_side(j + 1).pow(2))
                .sum::<usize>()
    }

    /// Offsets in the masks buffer: (first `Q_b`, `L_{j+1}`) of level `j`.
    fn level_masks(&self, j: usize) -> (usize, usize) {
        let mut start = 2 * self.side * self.side;
        for level in 0..j {
            start += ORIENTATIONS * self.level_side(level).pow(2) + self.level_side(level + 1).pow(2);
        }
        (start, start + ORIENTATIONS * self.level_side(j).pow(2))
    }

    /// Compute the masks into `masks` ([`Self::masks_len`] values), each on its grid's unshifted
    /// layout. An oriented band's two masks are one table, the odd part of `A_b·H_{j+1}`,
    /// `Q_b = ½·(A_b(k) − A_b(−k))·H_{j+1}`: the real part of a band of a real image, `real(ifft2(S))`
    /// with `S = i·L·A_b·H`, is `ifft2` of `S`'s Hermitian part `(S(k) + conj S(−k))/2`, which is
    /// `i·L·Q_b` (`L(−k) = conj L(k)`). `log₂ r` and `θ` depend only on the signed frequency, which
    /// every level's grid shares with the image's: `libm` computes them once per frequency of the
    /// image's grid (held in the `H₀` and `L₀` slots until those are made).
    pub fn fill_masks(&self, masks: &mut [f64]) -> Result<(), PyramidError> {
        let needed = self.masks_len();
        let masks = masks.get_mut(..needed).ok_or(PyramidError::Buffer { name: "masks", needed })?;
        let tables = Tables::new();
        let n = self.side;
        let (polar, levels) = masks.split_at_mut(2 * n * n);
        let (log_rad, angle) = polar.split_at_mut(n * n);
        // pyrtools' ramps are `linspace(−1, 1, N + 1)[:−1]`, i.e. exactly 2k/N; the centre takes
        // (0, −1)'s radius.
        for (i, (r, a)) in log_rad.iter_mut().zip(angle.iter_mut()).enumerate() {
            let (ky, kx) = (signed(i / n, n), signed(i % n, n));
            let (x, y) = (2.0 * kx as f64 / n as f64, 2.0 * ky as f64 / n as f64);
            let (rx, ry) = if kx == 0 && ky == 0 { (-2.0 / n as f64, 0.0) } else { (x, y) };
            *r = libm::log2(libm::sqrt(rx * rx + ry * ry));
            *a = libm::atan2(y, x);
        }
        let mut offset = 0;
        for j in 0..self.height {
            let (d, e) = (self.level_side(j), self.level_side(j + 1));
            let (bands, rest) = levels[offset..].split_at_mut(ORIENTATIONS * d * d);
            // The radial tables' octave moved down by j + 1.
            let (radial_origin, radial_increment) = tables.radial(j + 1);
            for (b, band) in bands.chunks_exact_mut(d * d).enumerate() {
                let origin = tables.angle_x.0 + core::f64::consts::PI * b as f64 / ORIENTATIONS as f64;
                // Each run of the level's grid lies together on the image's grid.
                for_each_central_run(d, n, |new, old| {
                    for (m, (&a, &r)) in band[new].iter_mut().zip(angle[old..].iter().zip(&log_rad[old..])) {
                        let a = point_op(a, &tables.angle, origin, tables.angle_x.1);
                        *m = a * point_op(r, &tables.high, radial_origin, radial_increment);
                    }
                });
                // The odd part: `H(−k) = H(k)`, so `Q_b(k) = ½·(A_b·H(k) − A_b·H(−k))`, and
                // `Q_b(−k) = −Q_b(k)` exactly.
                for_each_mirror_pair(d, |i, m| {
                    let q = (band[i] - band[m]) * 0.5;
                    (band[i], band[m]) = (q, -q);
                });
            }
            for_each_central_run(e, n, |new, old| {
                for (m, &r) in rest[new].iter_mut().zip(&log_rad[old..]) {
                    *m = point_op(r, &tables.low, radial_origin, radial_increment);
                }
            });
            offset += ORIENTATIONS * d * d + e * e;
        }
        let (origin, increment) = tables.radial(0);
        for (h, l) in log_rad.iter_mut().zip(angle.iter_mut()) {
            let r = *h;
            (*h, *l) =
                (point_op(r, &tables.high, origin, increment), point_op(r, &tables.low, origin, increment));
        }
        Ok(())
    }

    fn check(&self, masks: &[f64], bands: usize, work: usize, image: usize) -> Result<(), PyramidError> {
        let checks = [
            ("masks", masks.len(), self.masks_len()),
            ("bands", bands, self.bands_len()),
            ("work", work, self.work_len()),
            ("image", image, self.side * self.side),
        ];
        for (name, have, needed) in checks {
            if have < needed {
                return Err(PyramidError::Buffer { name, needed });
            }
        }
        Ok(())
    }

    /// Decompose `image` (`side²` values, row-major) into `bands` ([`Self::bands_len`] values, laid
    /// out by [`Self::band_range`]), with `masks` from [`Self::fill_masks`], `work`
    /// ([`Self::work_len`] values) and `twiddles` for this side or a larger one.
    pub fn build(
        &self,
        masks: &[f64],
        image: &[f64],
        bands: &mut [f64],
        work: &mut [Complex],
        twiddles: &Twiddles,
    ) -> Result<(), PyramidError> {
        self.check(masks, bands.len(), work.len(), image.len())?;
        let (n, n2) = (self.side, self.side * self.side);
        let (f, t) = work[..2 * n2].split_at_mut(n2);
        rfft2(image, t, n, twiddles)?;
        for (k, row) in f.chunks_exact_mut(n).enumerate() {
            for (l, f) in row.iter_mut().enumerate() {
                *f = from_half(t, n, k, l);
            }
        }
        self.build_from_spectrum(masks, bands, work, twiddles)
    }

    /// [`Self::build`] from the image's spectrum (`fft2` of the image, unshifted) in `work[..side²]`,
    /// which it overwrites: callers that hold the spectrum already save a forward transform.
    pub fn build_from_spectrum(
        &self,
        masks: &[f64],
        bands: &mut [f64],
        work: &mut [Complex],
        twiddles: &Twiddles,
    ) -> Result<(), PyramidError> {
        let n2 = self.side * self.side;
        self.check(masks, bands.len(), work.len(), n2)?;
        let (f, t) = work[..2 * n2].split_at_mut(n2);
        // The highpass band is real: its half spectrum, then `irfft2`.
        let (n, w) = (self.side, self.side / 2 + 1);
        for (k, row) in t[..half_len(n)].chunks_exact_mut(w).enumerate() {
            for (l, t) in row.iter_mut().enumerate() {
                *t = f[k * n + l].scale(masks[k * n + l]);
            }
        }
        irfft2(t, &mut bands[..n2], n, twiddles)?;
        for (v, &m) in f.iter_mut().zip(&masks[n2..2 * n2]) {
            *v = v.scale(m);
        }
        for j in 0..self.height {
            let (d, e) = (self.level_side(j), self.level_side(j + 1));
            let (a, l) = self.level_masks(j);
            // Two bands per transform: band b is ifft2(i·L·Q_b) ([`Self::fill_masks`]), real as
            // i·L·Q_b is Hermitian, so ifft2(i·L·Q_b + i·(i·L·Q_{b+1})) = ifft2(L·(i·Q_b − Q_{b+1}))
            // holds band b in its real part and band b + 1 in its imaginary part.
            for b in (0..ORIENTATIONS).step_by(2) {
                let (q0, q1) = (&masks[a + b * d * d..][..d * d], &masks[a + (b + 1) * d * d..][..d * d]);
                for (((t, &v), &q0), &q1) in t[..d * d].iter_mut().zip(&f[..d * d]).zip(q0).zip(q1) {
                    *t = v * Complex::new(-q1, q0);
                }
                fft2_with(&mut t[..d * d], d, Direction::Inverse, twiddles)?;
                let (first, _) = self.band_range(1 + j * ORIENTATIONS + b);
                let (second, _) = self.band_range(2 + j * ORIENTATIONS + b);
                let (lo, hi) = bands.split_at_mut(second.start);
                for ((x, y), v) in lo[first].iter_mut().zip(hi[..d * d].iter_mut()).zip(t.iter()) {
                    (*x, *y) = (v.re, v.im);
                }
            }
            // Keep the central block, read from the old grid at or after the new index, so the
            // forward pass is safe in place.
            for_each_central_run(e, d, |new, old| f.copy_within(old..old + new.len(), new.start));
            for (v, &m) in f[..e * e].iter_mut().zip(&masks[l..l + e * e]) {
                *v = v.scale(m);
            }
        }
        let (range, e) = self.band_range(self.band_count() - 1);
        t[..e * e].copy_from_slice(&f[..e * e]);
        Self::real_inverse(&mut t[..e * e], e, &mut bands[range], twiddles)
    }

    /// `out = real(ifft2(spectrum))` on a `d × d` grid.
    fn real_inverse(
        spectrum: &mut [Complex],
        d: usize,
        out: &mut [f64],
        twiddles: &Twiddles,
    ) -> Result<(), PyramidError> {
        fft2_with(spectrum, d, Direction::Inverse, twiddles)?;
        for (o, v) in out.iter_mut().zip(spectrum.iter()) {
            *o = v.re;
        }
        Ok(())
    }

    /// `out = fft2(values)` of real values on a `d × d` grid.
    fn real_forward(
        values: &[f64],
        d: usize,
        out: &mut [Complex],
        twiddles: &Twiddles,
    ) -> Result<(), PyramidError> {
        for (o, &v) in out[..d * d].iter_mut().zip(values) {
            *o = Complex::new(v, 0.0);
        }
        Ok(fft2_with(out, d, Direction::Forward, twiddles)?)
    }

    /// Rebuild the image from `bands` (pyrtools' `recon_pyr()`: every band, both residuals) into
    /// `image` (`side²` values); buffers as for [`Self::build`].
    pub fn reconstruct(
        &self,
        masks: &[f64],
        bands: &[f64],
        image: &mut [f64],
        work: &mut [Complex],
        twiddles: &Twiddles,
    ) -> Result<(), PyramidError> {
        self.check(masks, bands.len(), work.len(), image.len())?;
        let n2 = self.side * self.side;
        let (r, t) = work[..2 * n2].split_at_mut(n2);
        let (range, e) = self.band_range(self.band_count() - 1);
        Self::real_forward(&bands[range], e, r, twiddles)?;
        for j in (0..self.height).rev() {
            let (d, e) = (self.level_side(j), self.level_side(j + 1));
            let (a, l) = self.level_masks(j);
            for ((t, &v), &m) in t.iter_mut().zip(&r[..e * e]).zip(&masks[l..l + e * e]) {
                *t = v.scale(m);
            }
            r[..d * d].fill(Complex::default());
            for_each_central_run(e, d, |new, old| r[old..old + new.len()].copy_from_slice(&t[new]));
            // Two bands per transform: Z = fft2(x + i·y) = X + i·Y (X, Y Hermitian: spectra of
            // real bands) adds −i·X·Q_b − i·Y·Q_{b+1}, the Hermitian part of Z·(−i·Q_b − Q_{b+1}) (Q
            // odd): the sum takes Z·(−Q_{b+1} − i·Q_b), and its Hermitian part is taken once, at the
            // end (the masks between are even and real).
            for b in (0..ORIENTATIONS).step_by(2) {
                let (first, _) = self.band_range(1 + j * ORIENTATIONS + b);
                let (second, _) = self.band_range(2 + j * ORIENTATIONS + b);
                for ((t, &x), &y) in t[..d * d].iter_mut().zip(&bands[first]).zip(&bands[second]) {
                    *t = Complex::new(x, y);
                }
                fft2_with(&mut t[..d * d], d, Direction::Forward, twiddles)?;
                let (q0, q1) = (&masks[a + b * d * d..][..d * d], &masks[a + (b + 1) * d * d..][..d * d]);
                for (((r, &z), &q0), &q1) in r[..d * d].iter_mut().zip(&t[..d * d]).zip(q0).zip(q1) {
                    *r = *r + z * Complex::new(-q1, -q0);
                }
            }
        }
        // The highpass band and the image are real: half spectra through `rfft2` and `irfft2`, the
        // sum `Herm(R)·L₀ + Highpass·H₀` formed on the half, `Herm(R)(k) = (R(k) + conj R(−k))/2`.
        let (n, w) = (self.side, self.side / 2 + 1);
        rfft2(&bands[..n2], t, n, twiddles)?;
        let (low, high) = (&masks[n2..2 * n2], &masks[..n2]);
        for (k, row) in t[..half_len(n)].chunks_exact_mut(w).enumerate() {
            let (at, opposite) = (k * n, (n - k) % n * n);
            for (l, t) in row.iter_mut().enumerate() {
                let hermitian = (r[at + l] + r[opposite + (n - l) % n].conj()).scale(0.5);
                *t = hermitian.scale(low[at + l]) + t.scale(high[at + l]);
            }
        }
        Ok(irfft2(t, image, n, twiddles)?)
    }
}
