//! Baradad et al.'s statistical image models ("Learning to See by Looking at Noise", NeurIPS 2021),
//! as the Python port defines them: mbaradad/learning_with_noise
//! `generate_datasets/statistical/generate_datasets.py` (cited `G:line`; the spec's reading is
//! `successors-2.md` §3.2).
//!
//! An image is synthesised in a rotated colour space from uniform noise `256·U(0,1)` (3 × side²) by
//! [`Params::iterations`] rounds (10) of, in order and as the model asks:
//! 1. **spectrum** (G:122-140): per channel, keep the mean and standard deviation, take the phase of
//!    `fft2(x − mean)`, give it the magnitude `1 / (1e−16 + |fx/N|^αx + |fy/N|^αy)` (0 at DC), invert,
//!    and restore the mean and deviation; `αx = s + d`, `αy = s − d`, `s ~ U(slope_range)`,
//!    `d ~ N(0, 1) · |range| / 15 / 4` (G:211-232);
//! 2. **WMM**, the wavelet marginal model (G:142-167, 234-281): per channel, build pyrtools' steerable
//!    pyramid ([`crate::math::steerable_pyramid`], height `log₂ side − 4`: 3 at 128, 4 at 256), and give
//!    every band but the lowpass residual the marginal of a generalised Laplacian
//!    `h(x) = exp(−|x/ŝ|^r̂)` on `x = −200, −199.5, …, 200`, `ŝ = 4^(side / band side)`,
//!    `r̂ = 0.4 + 0.4·U(0,1)` per (channel, band): standardise to the law's mean and deviation, match
//!    the cumulative distribution, standardise again; then reconstruct;
//! 3. **colour** (G:169-172): per channel, match the histogram of the colour model's reference image.
//!
//! The colour model (G:45-93, 107-120) is drawn for every model, as `correlate_channels` is on for
//! all four datasets: 3–22 colours with weights `0.001 + U(0,1)`, a multinomial count of pixels per
//! colour painted in row-major runs (horizontal bands), colours `floor(U(0,256))`, a box blur of side
//! `m = ceil(U(0,10))` with symmetric edges truncated to 8 bits, rescaled to `uint8(255·(v − min) /
//! (max − min))` (the port subtracts the minimum, then divides by the new maximum); its 3×3 scatter matrix's eigenvectors `V` (columns) give the rotation `y = V·(x − μ)` (the
//! port's `colorPC @ x`, not the PCA projection `Vᵀ·(x − μ)` the Matlab original uses), the
//! histograms (256 bins over [min, max], NumPy's `histogram`) are taken there, and after the rounds
//! the image returns by `Vᵀ·y + μ`. The output is rescaled twice as the port does (G:283-289):
//! `t = 255·(x − min)/max`, then `uint8((t − min)/(max − min)·255)` (truncated), over all channels.
//!
//! Histogram matching is the port's `match_cumulative_cdf` (G:174-188): each value's quantile is the
//! number of values at or below it over the count (ties share one), mapped through NumPy's `interp`
//! ([`crate::math::interp`]) onto the template ([`crate::math::cdf_matching`]).
//!
//! **Where fdsl departs from the port**, on purpose:
//! - draws come from fdsl's keyed streams ([`instance_key`]), not NumPy's Mersenne Twister, in the
//!   port's order (colour model, spectrum, WMM, start image); the port's draws without effect are not
//!   made: the WMM's throw-away canvas `U(0,1)^(side²)` and the colour model's scalar offset
//!   `+ U(0,10)`, which the following `− min` removes (up to the last bit, which can move a
//!   truncation by one level);
//! - the multinomial counts are drawn pixel by pixel (side² categorical draws): the law of NumPy's
//!   sequential binomials, not its numbers;
//! - the eigenvectors are LAPACK `dgeev`'s, in its order and with its signs, as the port's
//!   `scipy.linalg.eig` returns them with SciPy's bundled OpenBLAS ([`crate::math::eigen3::eig3`]);
//!   the order and signs decide the colour cast (a sorted order with random signs made `stat-spectrum`
//!   and `stat-wmm` 48 and 33 levels less blue than the port). Where `eig3` gives no answer (a
//!   scatter matrix is symmetric, so never in practice), the cyclic Jacobi method's eigenvectors
//!   ([`crate::math::jacobi`], by decreasing eigenvalue) stand in;
//! - a blur side `m = 0` (`U(0,10) = 0` exactly, where SciPy would raise) is taken as 1;
//! - NumPy sums with pairwise summation and its FFT is pocketfft: fdsl sums in order and uses
//!   [`crate::math::fft`]; values agree to rounding, not bit for bit;
//! - work that changes the image by rounding only is not done (bytes version 3, issue 34): the
//!   spectrum alone makes one round ([`rounds`]: the port's further rounds return the same image);
//!   two channels share one complex transform; real images take the half-size real transforms
//!   ([`crate::math::fft::rfft2`], [`crate::math::fft::irfft2`]); with the WMM the spectrum's inverse
//!   transform and the pyramid's forward transform cancel and are skipped (the pyramid takes the
//!   spectrum, standardised through Parseval's `σ² = Σ|Y|²/side⁴`, with `|Y|` the magnitude
//!   imposed); a band is not standardised before its matching, which reads only the order of its
//!   values;
//! - bytes version 4 (issue 34) orders the same arithmetic for speed: sums are NumPy's pairwise
//!   sums ([`crate::math::moments::pairwise_sum`]), a standardisation multiplies by `σ/σ_x` once
//!   divided, each matching's values by rank (interpolated, and for a band standardised) are made
//!   once per image ([`crate::math::cdf_matching::rank_table`]), the pyramid's two masks of an
//!   oriented band are one table, the odd part of `A_b·H` that its real part uses, and the laws'
//!   powers are `exp(r̂·ln|x/ŝ|)`.
//!
//! The Matlab original, which made the released data (`successors-2.md` §3.3), differs more: spatial
//! `sp3Filters` pyramid, per-pixel colour dithering, the proper PCA projection, histogram matching by
//! bins, rounding output; fdsl follows the port.

use rand_core::Rng;
use rand_pcg::Pcg32;

use crate::family::{Family, Filled, Grouping, Parameter, Parts, RenderError, ScratchLen, Workspace, output};
use crate::math::box_blur::box_blur;
use crate::math::cdf_matching::{match_cdf, rank_table};
use crate::math::eigen3::eig3;
use crate::math::fft::{Complex, Direction, FftError, Twiddles, fft2_with, rfft2, signed};
use crate::math::histogram::histogram;
use crate::math::jacobi::jacobi_eigen;
use crate::math::moments::{mean_std, min_max, pairwise_sum, standardise};
use crate::math::steerable_pyramid::{PyramidError, SteerablePyramid, for_each_mirror_pair};
use crate::math::stream::{Namespace, Purpose, StreamKey, unit_f64};

/// One of the four models (the reference's dataset names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
pub enum Model {
    /// `stat-spectrum`: the spectrum only.
    Spectrum,
    /// `stat-wmm`: the wavelet marginals only.
    Wmm,
    /// `stat-spectrum_color`: spectrum and colour histograms.
    SpectrumColor,
    /// `stat-spectrum_color_wmm`: spectrum, wavelet marginals and colour histograms.
    SpectrumColorWmm,
}

impl Model {
    /// The four, in the reference's order.
    pub const ALL: [Model; 4] = [Model::Spectrum, Model::Wmm, Model::SpectrumColor, Model::SpectrumColorWmm];

    /// Whether the spectrum is imposed.
    pub fn spectrum(self) -> bool {
        self != Model::Wmm
    }

    /// Whether the wavelet marginals are imposed.
    pub fn wmm(self) -> bool {
        matches!(self, Model::Wmm | Model::SpectrumColorWmm)
    }

    /// Whether the colour histograms are imposed.
    pub fn color(self) -> bool {
        matches!(self, Model::SpectrumColor | Model::SpectrumColorWmm)
    }

    /// The reference's dataset name.
    pub fn name(self) -> &'static str {
        match self {
            Model::Spectrum => "stat-spectrum",
            Model::Wmm => "stat-wmm",
            Model::SpectrumColor => "stat-spectrum_color",
            Model::SpectrumColorWmm => "stat-spectrum_color_wmm",
        }
    }

    /// The category of the model's streams.
    fn category(self) -> u64 {
        self as u64
    }
}

/// The settings of a dataset.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params {
    /// Pixels per side: a power of two from 32 to 1024 (the reference: 128, or 256 at large scale).
    pub side: usize,
    /// Rounds of imposing the models (`Niter`, 10).
    pub iterations: usize,
    /// The range of the spectrum's slope `s` (`slope_range`, [0.5, 3.5]).
    pub slope_range: (f64, f64),
}

/// The reference's small-scale settings: 128 px, 10 rounds, slopes in [0.5, 3.5].
pub const SMALL_SCALE: Params = Params { side: 128, iterations: 10, slope_range: (0.5, 3.5) };

/// The largest number of rounds accepted.
pub const MAX_ITERATIONS: usize = 100;
/// The largest slope accepted (steeper spectra are all DC-free constants to rounding).
pub const MAX_SLOPE: f64 = 10.0;
/// The smallest side (the pyramid needs a level: height `log₂ side − 4 ≥ 1`).
pub const MIN_SIDE: usize = 32;

/// Why a statistical image cannot be made.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StatError {
    /// The side is not a power of two from [`MIN_SIDE`] to [`crate::math::fft::MAX_SIDE`].
    Side {
        /// The side asked for.
        side: usize,
    },
    /// The number of rounds is 0 or above [`MAX_ITERATIONS`].
    Iterations {
        /// The number asked for.
        iterations: usize,
    },
    /// The slope range is not `0 < low ≤ high ≤` [`MAX_SLOPE`] (or not finite).
    Slopes {
        /// The range asked for.
        range: (f64, f64),
    },
    /// A buffer is shorter than [`scratch_len`] or the image.
    Buffer {
        /// Which buffer.
        name: &'static str,
        /// Values it needs.
        needed: usize,
    },
}

impl core::fmt::Display for StatError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Side { side } => write!(
                f,
                "statistical images need a side that is a power of two from {MIN_SIDE} to {}, not {side}",
                crate::math::fft::MAX_SIDE
            ),
            Self::Iterations { iterations } => {
                write!(f, "statistical images need 1 to {MAX_ITERATIONS} rounds, not {iterations}")
            }
            Self::Slopes { range } => write!(
                f,
                "the spectrum's slope range must satisfy 0 < low <= high <= {MAX_SLOPE}, not [{}, {}]",
                range.0, range.1
            ),
            Self::Buffer { name, needed } => {
                write!(f, "the statistical image's {name} buffer needs {needed} values")
            }
        }
    }
}

impl core::error::Error for StatError {}

impl From<FftError> for StatError {
    fn from(e: FftError) -> Self {
        match e {
            FftError::Side { side } => Self::Side { side },
            FftError::Buffer { needed } => Self::Buffer { name: "complex", needed },
        }
    }
}

impl From<PyramidError> for StatError {
    fn from(e: PyramidError) -> Self {
        match e {
            PyramidError::Fft(e) => e.into(),
            // Not produced: `Params::check` bounds the side before any pyramid is made.
            PyramidError::Height { .. } => Self::Side { side: 0 },
            PyramidError::Buffer { name, needed } => Self::Buffer { name, needed },
        }
    }
}

impl Params {
    /// Check the settings.
    pub fn check(&self) -> Result<(), StatError> {
        let side = self.side;
        if !side.is_power_of_two() || !(MIN_SIDE..=crate::math::fft::MAX_SIDE).contains(&side) {
            return Err(StatError::Side { side });
        }
        if !(1..=MAX_ITERATIONS).contains(&self.iterations) {
            return Err(StatError::Iterations { iterations: self.iterations });
        }
        let (lo, hi) = self.slope_range;
        if !(lo > 0.0 && lo <= hi && hi <= MAX_SLOPE) {
            return Err(StatError::Slopes { range: self.slope_range });
        }
        Ok(())
    }

    /// The pyramid of the WMM: height `log₂ side − 4` (the port's `Nscales`, 3 at 128, 4 at 256).
    pub fn pyramid(&self) -> Result<SteerablePyramid, StatError> {
        self.check()?;
        SteerablePyramid::new(self.side, self.side.trailing_zeros() as usize - 4)
            .map_err(|_| StatError::Side { side: self.side })
    }
}

/// Points of the WMM's law (`np.mgrid[−200:200.5:0.5]`).
pub const LAW_POINTS: usize = 801;
/// Bins of the colour histograms.
pub const COLOR_BINS: usize = 256;
/// The most colours of the colour model (`3 + floor(U(0,20))`).
const MAX_COLORS: usize = 22;

/// Where each piece lies in the real buffer.
struct Layout {
    pyramid: SteerablePyramid,
    image: core::ops::Range<usize>,
    /// The colour model's blur rows.
    blur: core::ops::Range<usize>,
    magnitude: core::ops::Range<usize>,
    masks: core::ops::Range<usize>,
    bands: core::ops::Range<usize>,
    /// Per (channel, band): mean, deviation, then the law's 801 quantiles.
    laws: core::ops::Range<usize>,
    /// Per channel: 256 quantiles, then 256 bin centres.
    colors: core::ops::Range<usize>,
    /// Per channel, the matchings' tables of values by rank ([`rank_table`]): each band but the
    /// lowpass (standardised to its law), then the colour histogram's.
    ranks: core::ops::Range<usize>,
    /// The histogram matching's sort words (two per pixel).
    sort: core::ops::Range<usize>,
    complex: usize,
}

impl Layout {
    fn new(params: &Params) -> Result<Self, StatError> {
        let pyramid = params.pyramid()?;
        let n2 = params.side * params.side;
        let mut at = 0;
        let mut take = |len: usize| {
            at += len;
            at - len..at
        };
        let image = take(3 * n2);
        let blur = take(n2);
        let magnitude = take(n2);
        let masks = take(pyramid.masks_len());
        let bands = take(pyramid.bands_len());
        let laws = take(3 * (pyramid.band_count() - 1) * (2 + LAW_POINTS));
        let colors = take(3 * 2 * COLOR_BINS);
        let ranks = take(3 * (matched_len(&pyramid) + n2));
        let sort = take(2 * n2);
        Ok(Self {
            pyramid,
            image,
            blur,
            magnitude,
            masks,
            bands,
            laws,
            colors,
            ranks,
            sort,
            complex: pyramid.work_len(),
        })
    }
}

/// Values of the bands the WMM matches (all but the lowpass residual, which comes last).
fn matched_len(pyramid: &SteerablePyramid) -> usize {
    pyramid.band_range(pyramid.band_count() - 1).0.start
}

/// The lengths of the buffers [`render`] needs ([`scratch_len`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Buffers {
    /// `f64` values: `real`.
    pub reals: usize,
    /// [`Complex`] values: `complex`.
    pub complex: usize,
}

/// The buffers [`render`] needs for `params`.
pub fn scratch_len(params: &Params) -> Result<Buffers, StatError> {
    let layout = Layout::new(params)?;
    Ok(Buffers { reals: layout.sort.end, complex: layout.complex })
}

/// The stream of image `instance` of `model` in the dataset with `seed`.
pub fn instance_key(seed: u64, model: Model, instance: u64) -> StreamKey {
    StreamKey {
        seed,
        namespace: Namespace::Statistical,
        category: model.category(),
        instance,
        purpose: Purpose::Shape,
    }
}

/// The colour rotation of an image: `V` (eigenvectors in columns) and the mean colour `μ`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ColorRotation {
    /// `V[row][column]`.
    pub v: [[f64; 3]; 3],
    /// The mean colour of the reference image.
    pub mean: [f64; 3],
}

/// Render image `instance` of `model` (dataset `seed`, settings `params`) into `out`
/// (`side² · 3` bytes, R G B, row-major), with `real` and `complex` buffers of [`scratch_len`].
pub fn render(
    model: Model,
    seed: u64,
    instance: u64,
    params: &Params,
    real: &mut [f64],
    complex: &mut [Complex],
    out: &mut [u8],
) -> Result<(), StatError> {
    let layout = Layout::new(params)?;
    let side = params.side;
    let n2 = side * side;
    let out = out.get_mut(..3 * n2).ok_or(StatError::Buffer { name: "output", needed: 3 * n2 })?;
    let real =
        real.get_mut(..layout.sort.end).ok_or(StatError::Buffer { name: "real", needed: layout.sort.end })?;
    let complex = complex
        .get_mut(..layout.complex)
        .ok_or(StatError::Buffer { name: "complex", needed: layout.complex })?;
    let mut rng = instance_key(seed, model, instance).rng();

    // 1. The colour model (drawn for every model: `correlate_channels`).
    let rotation = color_model(&mut rng, side, model.color(), &layout, real);
    // 2. The spectrum.
    if model.spectrum() {
        let (lo, hi) = params.slope_range;
        let s = lo + (hi - lo) * unit_f64(&mut rng);
        let d = normal(&mut rng) * libm::fabs(hi - lo) / 15.0 / 4.0;
        spectrum_magnitude(side, s + d, s - d, &mut real[layout.magnitude.clone()]);
    }
    // 3. The wavelet marginals.
    if model.wmm() {
        layout.pyramid.fill_masks(&mut real[layout.masks.clone()])?;
        let bands = layout.pyramid.band_count() - 1;
        let (grid_side, laws) = (side as f64, &mut real[layout.laws.clone()]);
        for (k, law) in laws.chunks_exact_mut(2 + LAW_POINTS).enumerate() {
            let (_, band_side) = layout.pyramid.band_range(k % bands);
            let shat = libm::pow(4.0, grid_side / band_side as f64);
            let rhat = 0.4 + 0.4 * unit_f64(&mut rng);
            laplacian_law(shat, rhat, law);
        }
    }
    fill_rank_tables(model, &layout, real);
    // 4. The start image, `256·U(0,1)` in (channel, row, column) order.
    let image = &mut real[layout.image.clone()];
    for v in image.iter_mut() {
        *v = 256.0 * unit_f64(&mut rng);
    }

    let twiddles = Twiddles::new(side)?;
    for _ in 0..rounds(model, params) {
        match (model.spectrum(), model.wmm()) {
            (true, true) => impose_spectrum_wmm(&layout, real, complex, &twiddles)?,
            (true, false) => impose_spectrum(side, &layout, real, complex, &twiddles)?,
            (false, true) => impose_wmm(&layout, real, complex, &twiddles)?,
            (false, false) => {}
        }
        if model.color() {
            impose_color(side, &layout, real);
        }
    }

    // Back to RGB, `Vᵀ·y + μ`, then the port's two rescalings.
    let image = &mut real[layout.image.clone()];
    let (c0, rest) = image.split_at_mut(n2);
    let (c1, c2) = rest.split_at_mut(n2);
    let v = rotation.v;
    for ((a, b), c) in c0.iter_mut().zip(c1.iter_mut()).zip(c2.iter_mut()) {
        let y = [*a, *b, *c];
        let rgb: [f64; 3] = core::array::from_fn(|ch| {
            v[0][ch] * y[0] + v[1][ch] * y[1] + v[2][ch] * y[2] + rotation.mean[ch]
        });
        (*a, *b, *c) = (rgb[0], rgb[1], rgb[2]);
    }
    let (min, max) = min_max(image);
    image.iter_mut().for_each(|x| *x = 255.0 * (*x - min) / max);
    let (min, max) = min_max(image);
    for (p, pixel) in out.chunks_exact_mut(3).enumerate() {
        for (ch, byte) in pixel.iter_mut().enumerate() {
            *byte = ((image[ch * n2 + p] - min) / (max - min) * 255.0) as u8;
        }
    }
    Ok(())
}

/// The rounds that change the image: [`Params::iterations`], but one for the spectrum alone. After
/// one round a channel is `y = ifft2(m·e^(iφ))` standardised, and a second round gives it back: the
/// standardisation is affine (`a·y + b`, `a > 0`), so `fft2(x − x̄) = a·fft2(y)` keeps the phase
/// `φ`, the same magnitude gives the same `y`, and the same standardisation the same image. The
/// port's nine further rounds change its images by rounding only.
pub fn rounds(model: Model, params: &Params) -> usize {
    if model == Model::Spectrum { 1 } else { params.iterations }
}

/// One standard normal variate (Box–Muller: `sqrt(−2 ln u₁) · cos(2π u₂)`, `u₁ ∈ (0, 1]`).
fn normal<R: Rng>(rng: &mut R) -> f64 {
    let u1 = 1.0 - unit_f64(rng);
    let u2 = unit_f64(rng);
    libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * core::f64::consts::PI * u2)
}

/// The spectrum's magnitude on the unshifted grid: `1 / (1e−16 + |kx/N|^αx + |ky/N|^αy)`, 0 at DC
/// (the port's `1 / fftshift(fr)`: `fftshift` puts the signed frequency `k` at index `k mod N`).
pub fn spectrum_magnitude(side: usize, alpha_x: f64, alpha_y: f64, out: &mut [f64]) {
    let n = side as f64;
    // `|k/N|^α` depends on `|k|` alone (`k/N` is exact): one `pow` per frequency and axis.
    let mut powers = [[0.0; 2]; crate::math::fft::MAX_SIDE / 2 + 1];
    for (k, p) in powers[..=side / 2].iter_mut().enumerate() {
        let f = libm::fabs(k as f64 / n);
        *p = [libm::pow(f, alpha_x), libm::pow(f, alpha_y)];
    }
    let power = |i: usize| powers[signed(i, side).unsigned_abs()];
    for (i, m) in out[..side * side].iter_mut().enumerate() {
        let fr = 1e-16 + power(i % side)[0] + power(i / side)[1];
        *m = 1.0 / fr;
    }
    out[0] = 0.0;
}

/// The generalised Laplacian law of a band (G:252-267): `h = exp(−|x/ŝ|^r̂)` on the 801 points;
/// writes its mean, deviation and cumulative quantiles `cumsum(h) / Σh` into `law`.
fn laplacian_law(shat: f64, rhat: f64, law: &mut [f64]) {
    let (head, quantiles) = law.split_at_mut(2);
    // `|x|` is symmetric about the middle point (0): one value per pair of points, `|x/ŝ|^r̂` as
    // `exp(r̂·ln|x/ŝ|)` (`exp(−∞) = 0` at `x = 0`).
    let middle = LAW_POINTS / 2;
    for i in 0..=middle {
        let h = libm::exp(-libm::exp(rhat * libm::log(libm::fabs(law_point(i) / shat))));
        (quantiles[i], quantiles[LAW_POINTS - 1 - i]) = (h, h);
    }
    let total = quantiles.iter().sum::<f64>();
    let mean = quantiles.iter().enumerate().map(|(i, &h)| law_point(i) * h).sum::<f64>() / total;
    let var = quantiles
        .iter()
        .enumerate()
        .map(|(i, &h)| (law_point(i) - mean) * (law_point(i) - mean) * h)
        .sum::<f64>()
        / total;
    let mut cumulative = 0.0;
    for q in quantiles.iter_mut() {
        cumulative += *q;
        *q = cumulative / total;
    }
    head.copy_from_slice(&[mean, libm::sqrt(var)]);
}

/// `m · e^(i·angle(w))` (`angle(0) = 0`): the port's `magnitude * exp(1j * angle(fft))`, as
/// `w · (m/|w|)` (one division).
#[inline(always)]
fn with_magnitude(w: Complex, m: f64) -> Complex {
    let r = libm::sqrt(w.re * w.re + w.im * w.im);
    if r > 0.0 { w.scale(m / r) } else { Complex::new(m, 0.0) }
}

/// One round of the spectrum (G:122-140). Channels are real, so two go through one complex
/// transform: `z = (a − ā) + i·(b − b̄)`, `A[k] = (Z[k] + Z*[−k])/2`, `B[k] = (Z[k] − Z*[−k])/2i`;
/// each gets the magnitude, and `A' + i·B'` (both Hermitian) goes back in one inverse transform, `a`
/// its real part and `b` its imaginary part. Channels 0 and 1 pair, channel 2 goes alone (`b = 0`).
fn impose_spectrum(
    side: usize,
    layout: &Layout,
    real: &mut [f64],
    complex: &mut [Complex],
    twiddles: &Twiddles,
) -> Result<(), StatError> {
    let n2 = side * side;
    let (image, rest) = real.split_at_mut(layout.image.end);
    let magnitude = &rest[layout.magnitude.start - layout.image.end..][..n2];
    let work = &mut complex[..n2];
    let (c0, rest) = image.split_at_mut(n2);
    let (c1, c2) = rest.split_at_mut(n2);
    spectrum_pair(side, c0, Some(c1), magnitude, work, twiddles)?;
    spectrum_pair(side, c2, None, magnitude, work, twiddles)
}

/// [`impose_spectrum`] on channel `a` and, if given, channel `b`, through one forward and one
/// inverse transform.
fn spectrum_pair(
    side: usize,
    a: &mut [f64],
    b: Option<&mut [f64]>,
    magnitude: &[f64],
    work: &mut [Complex],
    twiddles: &Twiddles,
) -> Result<(), StatError> {
    let (mean_a, std_a) = mean_std(a);
    let (mean_b, std_b) = b.as_deref().map_or((0.0, 0.0), mean_std);
    match b.as_deref() {
        Some(b) => {
            for ((w, &x), &y) in work.iter_mut().zip(a.iter()).zip(b) {
                *w = Complex::new(x - mean_a, y - mean_b);
            }
        }
        None => {
            for (w, &x) in work.iter_mut().zip(a.iter()) {
                *w = Complex::new(x - mean_a, 0.0);
            }
        }
    }
    fft2_with(work, side, Direction::Forward, twiddles)?;
    for_each_mirror_pair(side, |i, j| {
        let (z, zm) = (work[i], work[j].conj());
        let sum = z + zm;
        let diff = z - zm;
        // A = (z + z̄ₘ)/2, B = (z − z̄ₘ)/2i; the factor ½ does not change the phase.
        let ya = with_magnitude(sum, magnitude[i]);
        let yb = with_magnitude(Complex::new(diff.im, -diff.re), magnitude[i]);
        work[i] = Complex::new(ya.re - yb.im, ya.im + yb.re);
        // A'[−k] = conj(A'[k]), B'[−k] = conj(B'[k]) (the magnitude is even); at `j = i` the same
        // value.
        work[j] = Complex::new(ya.re + yb.im, yb.re - ya.im);
    });
    fft2_with(work, side, Direction::Inverse, twiddles)?;
    for (x, w) in a.iter_mut().zip(work.iter()) {
        *x = w.re;
    }
    standardise(a, mean_a, std_a);
    if let Some(b) = b {
        for (y, w) in b.iter_mut().zip(work.iter()) {
            *y = w.im;
        }
        standardise(b, mean_b, std_b);
    }
    Ok(())
}

/// One round of the spectrum followed by the wavelet marginals (G:122-167), channel by channel,
/// with the spectrum's image never formed: the pyramid takes its spectrum. The standardisation
/// `x ← (y − ȳ)/σ_y · σ + μ` of `y = ifft2(Y)` is, in the frequency domain, `Y · σ/σ_y` with
/// `μ·side²` at DC, where `ȳ = Y[0]/side² = 0` and `σ_y² = Σ|Y|²/side⁴` (Parseval), and
/// `|Y| = m`, the magnitude imposed: the port's inverse and the pyramid's forward transform are the
/// identity to rounding and are skipped, and `σ/σ_y` is known before `Y` is formed.
fn impose_spectrum_wmm(
    layout: &Layout,
    real: &mut [f64],
    complex: &mut [Complex],
    twiddles: &Twiddles,
) -> Result<(), StatError> {
    let pyramid = &layout.pyramid;
    let side = pyramid.side();
    let n2 = side * side;
    let magnitude = &real[layout.magnitude.clone()];
    let power = pairwise_sum(magnitude, |m| m * m);
    for c in 0..3 {
        let (image, rest) = real.split_at_mut(layout.image.end);
        let channel = &image[c * n2..][..n2];
        let (mean, std) = mean_std(channel);
        let scale = std / (libm::sqrt(power) / n2 as f64);
        let (centred, rest) = rest[layout.blur.start - layout.image.end..].split_at_mut(n2);
        let magnitude = &rest[layout.magnitude.start - layout.blur.end..][..n2];
        // The centred channel's half spectrum (`rfft2`), given the magnitude over the full grid.
        let (work, half) = complex[..2 * n2].split_at_mut(n2);
        for (h, &x) in centred.iter_mut().zip(channel) {
            *h = x - mean;
        }
        rfft2(centred, half, side, twiddles)?;
        // The new spectrum is Hermitian (the magnitude is even, `with_magnitude(z̄) = conj`): its
        // half columns from `half`, the others their mirrors' conjugates.
        let w = side / 2 + 1;
        for (k, (row, magnitude)) in work.chunks_exact_mut(side).zip(magnitude.chunks_exact(side)).enumerate()
        {
            for ((w, &m), &z) in row[..w].iter_mut().zip(magnitude).zip(&half[k * w..(k + 1) * w]) {
                *w = with_magnitude(z, m * scale);
            }
        }
        for k in 0..side {
            let mirror = (side - k) % side * side;
            for l in w..side {
                work[k * side + l] = work[mirror + side - l].conj();
            }
        }
        work[0] = Complex::new(mean * n2 as f64, 0.0);
        wmm_channel(layout, real, complex, twiddles, c, true)?;
    }
    Ok(())
}

/// One round of the wavelet marginals (G:142-167), channel by channel.
fn impose_wmm(
    layout: &Layout,
    real: &mut [f64],
    complex: &mut [Complex],
    twiddles: &Twiddles,
) -> Result<(), StatError> {
    for c in 0..3 {
        wmm_channel(layout, real, complex, twiddles, c, false)?;
    }
    Ok(())
}

/// The wavelet marginals of channel `c`: its pyramid (from the channel, or with `from_spectrum`
/// from its spectrum in `complex[..side²]`), every band but the lowpass matched to its law, and the
/// channel reconstructed.
fn wmm_channel(
    layout: &Layout,
    real: &mut [f64],
    complex: &mut [Complex],
    twiddles: &Twiddles,
    c: usize,
    from_spectrum: bool,
) -> Result<(), StatError> {
    let pyramid = &layout.pyramid;
    let n2 = pyramid.side() * pyramid.side();
    let bands_per_channel = pyramid.band_count() - 1;
    let (image, rest) = real.split_at_mut(layout.image.end);
    let at = |r: &core::ops::Range<usize>| r.start - layout.image.end..r.end - layout.image.end;
    let (_, rest) = rest.split_at_mut(at(&layout.masks).start);
    let (masks, rest) = rest.split_at_mut(layout.masks.len());
    let (bands, rest) = rest.split_at_mut(layout.bands.len());
    let (laws, rest) = rest.split_at_mut(layout.laws.len());
    let (ranks, rest) = rest[layout.ranks.start - layout.laws.end..].split_at_mut(layout.ranks.len());
    let sort = &mut rest[layout.sort.start - layout.ranks.end..][..layout.sort.len()];
    let ranks = &ranks[c * layout.ranks.len() / 3..];
    let channel = &mut image[c * n2..][..n2];
    if from_spectrum {
        pyramid.build_from_spectrum(masks, bands, complex, twiddles)?;
    } else {
        pyramid.build(masks, channel, bands, complex, twiddles)?;
    }
    for k in 0..bands_per_channel {
        let (mean, std, quantiles) = band_law(laws, bands_per_channel, c, k);
        let range = pyramid.band_range(k).0;
        let table = &ranks[range.clone()];
        // The port standardises the band before matching too; the matching reads only the values'
        // order, which an increasing affine map keeps (up to ties made by rounding), so that
        // standardisation is skipped.
        match_cdf(&mut bands[range], sort, quantiles, law_point, |t| standardise(t, mean, std), Some(table));
    }
    pyramid.reconstruct(masks, bands, channel, complex, twiddles)?;
    Ok(())
}

/// One round of the colour histograms (G:169-172).
fn impose_color(side: usize, layout: &Layout, real: &mut [f64]) {
    let n2 = side * side;
    let (image, rest) = real.split_at_mut(layout.image.end);
    let (colors, rest) = rest[layout.colors.start - layout.image.end..].split_at_mut(layout.colors.len());
    let (ranks, rest) = rest[layout.ranks.start - layout.colors.end..].split_at_mut(layout.ranks.len());
    let sort = &mut rest[layout.sort.start - layout.ranks.end..][..layout.sort.len()];
    let tables = ranks.chunks_exact(ranks.len() / 3).map(|r| &r[matched_len(&layout.pyramid)..]);
    for ((channel, hist), table) in
        image.chunks_exact_mut(n2).zip(colors.chunks_exact(2 * COLOR_BINS)).zip(tables)
    {
        let (quantiles, centres) = hist.split_at(COLOR_BINS);
        match_cdf(channel, sort, quantiles, |i| centres[i], |_| {}, Some(table));
    }
}

/// Band `k` of channel `c`'s law, as [`laplacian_law`] wrote it into `laws`: its mean, deviation
/// and cumulative quantiles.
fn band_law(laws: &[f64], bands_per_channel: usize, c: usize, k: usize) -> (f64, f64, &[f64]) {
    let law = &laws[(c * bands_per_channel + k) * (2 + LAW_POINTS)..][..2 + LAW_POINTS];
    (law[0], law[1], &law[2..])
}

/// The WMM law's point `i`, `−200 + 0.5·i` (G:252).
fn law_point(i: usize) -> f64 {
    -200.0 + 0.5 * i as f64
}

/// The matchings' tables by rank ([`rank_table`]), the same in every round: per channel, each
/// band's law (standardised to the law's mean and deviation) if the model has the WMM, then the
/// colour histogram if it has colour.
fn fill_rank_tables(model: Model, layout: &Layout, real: &mut [f64]) {
    let pyramid = &layout.pyramid;
    let bands_per_channel = pyramid.band_count() - 1;
    let n2 = pyramid.side() * pyramid.side();
    let (head, ranks) = real.split_at_mut(layout.ranks.start);
    let (laws, colors) = (&head[layout.laws.clone()], &head[layout.colors.clone()]);
    let per_channel = layout.ranks.len() / 3;
    for (c, tables) in ranks[..layout.ranks.len()].chunks_exact_mut(per_channel).enumerate() {
        let (bands, color) = tables.split_at_mut(matched_len(pyramid));
        if model.wmm() {
            for k in 0..bands_per_channel {
                let (mean, std, quantiles) = band_law(laws, bands_per_channel, c, k);
                let finish = |t: &mut [f64]| standardise(t, mean, std);
                rank_table(quantiles, law_point, finish, &mut bands[pyramid.band_range(k).0]);
            }
        }
        if model.color() {
            let (quantiles, centres) = colors[c * 2 * COLOR_BINS..][..2 * COLOR_BINS].split_at(COLOR_BINS);
            rank_table(quantiles, |i| centres[i], |_| {}, &mut color[..n2]);
        }
    }
}

/// Draw the colour model (G:45-93) and return its rotation; with `histograms`, store the rotated
/// reference image's histograms (G:107-120) in the layout's colour tables.
fn color_model(
    rng: &mut Pcg32,
    side: usize,
    histograms: bool,
    layout: &Layout,
    real: &mut [f64],
) -> ColorRotation {
    let n2 = side * side;
    let colors = 3 + (20.0 * unit_f64(rng)) as usize;
    let mut cumulative = [0.0; MAX_COLORS];
    let mut total = 0.0;
    for c in cumulative[..colors].iter_mut() {
        total += 0.001 + unit_f64(rng);
        *c = total;
    }
    let mut counts = [0usize; MAX_COLORS];
    for _ in 0..n2 {
        let u = unit_f64(rng) * total;
        counts[cumulative[..colors].partition_point(|&c| c <= u).min(colors - 1)] += 1;
    }
    let palette: [[f64; 3]; MAX_COLORS] = core::array::from_fn(|i| {
        if i < colors { core::array::from_fn(|_| (256.0 * unit_f64(rng)) as u8 as f64) } else { [0.0; 3] }
    });
    let m = (libm::ceil(10.0 * unit_f64(rng)) as usize).max(1);

    let (image, rest) = real.split_at_mut(layout.image.end);
    let scratch = &mut rest[layout.blur.start - layout.image.end..][..n2];
    // The index image: colour i on the next counts[i] pixels, row-major.
    let mut p = 0;
    for (i, &count) in counts[..colors].iter().enumerate() {
        for px in p..p + count {
            for ch in 0..3 {
                image[ch * n2 + px] = palette[i][ch];
            }
        }
        p += count;
    }
    for channel in image.chunks_exact_mut(n2) {
        box_blur(channel, scratch, side, m);
    }
    let (min, max) = min_max(image);
    image.iter_mut().for_each(|v| *v = ((255.0 * (*v - min) / (max - min)) as u8) as f64);

    // The rotation: eigenvectors of the scatter matrix, `y = V·(x − μ)`.
    let mut mean = [0.0; 3];
    for (ch, channel) in image.chunks_exact(n2).enumerate() {
        mean[ch] = channel.iter().sum::<f64>() / n2 as f64;
    }
    let mut scatter = [[0.0; 3]; 3];
    for p in 0..n2 {
        let d: [f64; 3] = core::array::from_fn(|ch| image[ch * n2 + p] - mean[ch]);
        for a in 0..3 {
            for b in 0..3 {
                scatter[a][b] += d[a] * d[b];
            }
        }
    }
    let v = eig3(scatter).map_or_else(|_| jacobi_eigen(scatter), |e| e.vectors);
    let rotation = ColorRotation { v, mean };
    if histograms {
        for p in 0..n2 {
            let d: [f64; 3] = core::array::from_fn(|ch| image[ch * n2 + p] - mean[ch]);
            for ch in 0..3 {
                image[ch * n2 + p] = v[ch][0] * d[0] + v[ch][1] * d[1] + v[ch][2] * d[2];
            }
        }
        let tables = &mut rest[layout.colors.start - layout.image.end..][..layout.colors.len()];
        for (channel, table) in image.chunks_exact(n2).zip(tables.chunks_exact_mut(2 * COLOR_BINS)) {
            let (quantiles, centres) = table.split_at_mut(COLOR_BINS);
            histogram::<COLOR_BINS>(channel, quantiles, centres);
        }
    }
    rotation
}

/// One of the four models as a dataset family: one unlabelled class of `side × side` RGB images,
/// image `instance` being [`render`]`(model, seed, instance, params)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StatisticalImages {
    model: Model,
    params: Params,
    seed: u64,
    scratch: Buffers,
}

impl StatisticalImages {
    /// The family of `model` images with `params` (checked), seeded by `seed`.
    pub fn new(model: Model, params: Params, seed: u64) -> Result<Self, StatError> {
        let scratch = scratch_len(&params)?;
        Ok(Self { model, params, seed, scratch })
    }
}

impl Family for StatisticalImages {
    type Error = StatError;

    fn parts(&self) -> Parts {
        Parts::image(self.params.side, 3)
    }

    /// [`scratch_len`]: its reals, then its complex values.
    fn scratch_len(&self) -> ScratchLen {
        ScratchLen::NONE.and::<f64>(self.scratch.reals).and::<Complex>(self.scratch.complex)
    }

    fn classes(&self) -> usize {
        1
    }

    fn grouping(&self) -> Grouping {
        Grouping::LABELLED
    }

    /// [`render`] of `instance` (class 0 only).
    fn render_parts(
        &self,
        class: usize,
        instance: u64,
        ws: &mut Workspace<'_>,
        out: &mut [&mut [u8]],
    ) -> Result<Filled, RenderError<StatError>> {
        if class != 0 {
            return Err(RenderError::Class);
        }
        let need = self.params.side * self.params.side * 3;
        let out = output(out, 0, need)?;
        let mut arena = ws.carve();
        let (reals, complex) = (arena.take(self.scratch.reals)?, arena.take(self.scratch.complex)?);
        render(self.model, self.seed, instance, &self.params, reals, complex, out)
            .map_err(RenderError::Family)?;
        Ok(Filled::one(need))
    }

    /// The reference's file stem: the index, zero-padded to 8 (`f'{i:08d}'`).
    fn write_name(&self, _class: usize, instance: u64, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        write!(out, "{instance:08}")
    }

    /// Nothing beyond the instance: every image has the family's settings.
    fn parameters(&self, _class: usize, _instance: u64, _visit: &mut dyn FnMut(&'static str, Parameter<'_>)) {
    }
}
