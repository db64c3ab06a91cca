//! Anderson & Farrell, "Improving Fractal Pre-training" (WACV 2022), as its reference generates
//! images for classification (catalys1/fractal-pretraining, `training/config/experiment/frac.yaml`:
//! `IFSGenerator` with its defaults, 224 px, 100,000 points).
//!
//! A category is one system of 2 to 4 affine maps drawn by SVD sampling ([`sample_system`],
//! `fractals/ifs.py` `sample_system`), stored as an [`Ifs2`] whose probabilities are `|det A_i|`
//! normalised. An instance is the generator's per-image randomness (`datasets/generator.py`
//! `IFSGenerator.generate`), drawn here from (seed, class, instance) streams instead of the
//! reference's unseeded numpy / numba generators:
//!
//! 1. jitter: one random map scaled by `U(0.8, 1.1)`, kept if no singular value exceeds 1, else
//!    tried again, 4 tries, then the system unchanged ([`jitter`]);
//! 2. the chaos game from map 0's fixed point, `p_i ∝ |det A_i|` of the jittered maps, as
//!    [`CHAINS`] chains side by side (bytes version 2: the reference runs one), in `f32` lanes,
//!    each 32-bit draw choosing the maps of two steps with 16 bits each (version 3);
//! 3. the window: the bounding box of the first [`PILOT`]th of the points (version 2: the
//!    reference's of all), centre moved by `U(−0.2, 0.2)` of the extent and half-extent
//!    `extent · U(0.5, 2) / 2`, per axis ([`Window`]);
//! 4. graded rendering through one random 3x3 mask per image: hit counts over the max
//!    ([`render_counts`]), a point's pixel its coordinate rounded to the nearest (version 3; the
//!    reference truncates);
//! 5. random transpose, vertical and horizontal flips (p = 0.5 each) ([`Orientation`]);
//! 6. colour: OpenCV 8-bit HSV, hue `x·255 + U(0, 255)` wrapped to a byte, constant saturation and
//!    value ([`FractalColour`], [`hsv_to_rgb`]);
//! 7. a diamond-square background in `f32` from 16-bit draws (bytes version 4:
//!    [`diamond_square16`]), coloured ([`BackgroundColour`]) through a table of [`LEVELS`] levels
//!    ([`background_levels`], [`Levels`], version 3), under the fractal's non-black pixels
//!    ([`composite`]);
//! 8. with p = 0.5, a 3x3 Gaussian blur, `σ ~ U(0.5, 1)`, as OpenCV blurs `uint8` images
//!    ([`gaussian_kernel_3`], [`gaussian_blur_3x3`]).
//!
//! Precision: every step the reference computes in `float64` is `f64` here but the chaos game and
//! its window (`f32` lanes, bytes version 3) and the background's field (`f32`, version 4), the
//! OpenCV steps use OpenCV's own arithmetic (`float32` for HSV, fixed point for the blur). The
//! reference's random draws are numpy's and numba's Mersenne Twisters; ours are PCG streams with the
//! same laws (the background's uniforms with 16 random bits). With one chain and every point stored (`block = 0`),
//! [`render_counts`] is the reference's `iterate` and graded render in `f64`, and [`background`] is
//! its `colorized_ds`, both exact given the reference's draws (the tests replay them).
//! The reference's label bug (`FractalClassDataset.get_label = idx // num_class`, right only when
//! `num_class == per_class`) is not reproduced: the label is the class.

use crate::family::{
    Family, Filled, Grouping, Parameter, Parts, RenderError, ScratchLen, ShortWorkspace, Workspace, output,
};
use crate::math::affine::{Affine2, Map};
use crate::math::frame::Bounds;
use crate::math::ifs::{Ifs2, IfsError, MAX_MAPS};
use crate::math::stream::{Namespace, Purpose, StreamKey, below, uniform_f64, unit_f64};
use crate::raster::blur::{blur_scratch_len, gaussian_blur_3x3, gaussian_kernel_3};
use crate::raster::diamond_square::{diamond_square, diamond_square16, field_len, grid_exponent};
use crate::raster::hsv::hsv_to_rgb;
use rand_core::Rng;
use rand_pcg::Pcg32;

/// The image side of the reference's experiments (`data.size`).
pub const SIDE: usize = 224;
/// Points per chaos game (`niter`).
pub const POINTS: usize = 100_000;
/// The fewest and most maps of a system (`ifs.py --min_n 2 --max_n 4`).
pub const MAPS: (usize, usize) = (2, 4);
/// The jitter's attempts and factor range (`_basic_jitter`, `prange=(0.8, 1.1)`).
pub const JITTER_TRIES: usize = 4;

/// Why a system or a family cannot be rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfError {
    /// The maps' `|det|` sum to zero or to infinity: no selection probabilities.
    Degenerate {
        /// The offending class.
        class: usize,
    },
    /// The image side is 0.
    Side,
    /// No point per chaos game.
    Points,
    /// The maps do not make an [`Ifs2`].
    Ifs(IfsError),
}

impl core::fmt::Display for AfError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Degenerate { class } => {
                write!(f, "class {class}: the maps' |det| sum to zero or infinity")
            }
            Self::Side => f.write_str("the image side must be at least 1"),
            Self::Points => f.write_str("a chaos game needs at least one point"),
            Self::Ifs(e) => write!(f, "{e}"),
        }
    }
}

impl core::error::Error for AfError {}

/// The system with probabilities `|det A_i| / Σ |det A_j|` (the reference's `iterate`, `ps=None`),
/// summed left to right as numpy sums and accumulates up to 7 values.
pub fn with_det_probabilities(maps: &[Affine2]) -> Result<Ifs2, AfError> {
    let sum = maps.iter().fold(0.0, |s, m| s + libm::fabs(m.det()));
    if !(sum > 0.0 && sum.is_finite()) {
        return Err(AfError::Degenerate { class: 0 });
    }
    Ifs2::new(maps.iter().map(|m| (*m, libm::fabs(m.det()) / sum))).map_err(AfError::Ifs)
}

/// `sample_svs(n, α)`: the singular values of `n` maps, pairs `σ1 ≥ σ2` in `[0, 1]` with
/// `Σ (σ1 + 2σ2) = α`, drawn one pair after another. The reference's clamps of `α` are no-ops
/// (`a == 0`), so none is applied. `out` holds at least `n` pairs.
pub fn sample_svs<R: Rng>(rng: &mut R, n: usize, alpha: f64, out: &mut [(f64, f64)]) {
    let mut p = alpha;
    let mut q = alpha - 3.0 * n as f64 + 3.0;
    for pair in out.iter_mut().take(n.saturating_sub(1)) {
        let s1 = uniform_f64(rng, (q / 3.0).max(0.0), p.min(1.0));
        q -= s1;
        p -= s1;
        let s2 = uniform_f64(rng, (q / 2.0).max(0.0), s1.min(p / 2.0));
        q = q - 2.0 * s2 + 3.0;
        p -= 2.0 * s2;
        *pair = (s1, s2);
    }
    if let Some(last) = out.get_mut(n.wrapping_sub(1)) {
        let s2 = uniform_f64(rng, ((p - 1.0) / 2.0).max(0.0), p / 3.0);
        *last = (p - 2.0 * s2, s2);
    }
}

/// `sample_system(n=(2, 5), constrain=True, bval=1)`: `n` uniform in {2, 3, 4}, then
/// [`sample_svd_system`] with the reference's σ-factor range `((5 + n)/2, (6 + n)/2)`.
pub fn sample_system<R: Rng>(rng: &mut R) -> Ifs2 {
    let n = MAPS.0 + below(rng, (MAPS.1 - MAPS.0 + 1) as u32) as usize;
    sample_svd_system(rng, n, ((5.0 + n as f64) / 2.0, (6.0 + n as f64) / 2.0))
        .unwrap_or_else(|_| unreachable!("finite σ-factors in (0, 3n] give finite maps"))
}

/// `sample_system(n, constrain=True, bval=1, beta=alpha)` for a given `n` (at most [`MAPS`]`.1`;
/// callers check): per map `A = U·diag(σ)·V` with `U = R(θ)·D`, `V = R(φ)·D′`, `θ, φ ~ U(−π, π)`,
/// `D, D′` diagonal random signs (`sign(U(0, 1) − 0.5)`; an exact 0.5 counts as +1 here, where
/// numpy's sign would give 0); the sigma-factor `α ~ U(alpha.0, alpha.1)`, singular values
/// [`sample_svs`]; translation `U(−1, 1)²`. Draw order as the reference: signs, angles, α, singular
/// values, translations. 1p-frac's base fractal is this with `n = 2` and `α ∈ [σ − 0.1, σ + 0.1]`
/// (`1p-frac_generater/src/utils.py`, a copy of the same sampler). A σ-factor range outside
/// `(0, 3n]` breaks the sampler's guarantees; non-finite maps are an error.
pub fn sample_svd_system<R: Rng>(rng: &mut R, n: usize, alpha: (f64, f64)) -> Result<Ifs2, IfsError> {
    let n = n.clamp(1, MAPS.1);
    let mut signs = [[1.0; 2]; 2 * MAPS.1];
    for s in signs.iter_mut().take(2 * n).flatten() {
        *s = if unit_f64(rng) - 0.5 < 0.0 { -1.0 } else { 1.0 };
    }
    let mut rotations = [[[0.0; 2]; 2]; 2 * MAPS.1];
    for (r, d) in rotations.iter_mut().zip(&signs).take(2 * n) {
        let angle = uniform_f64(rng, -core::f64::consts::PI, core::f64::consts::PI);
        let (s, c) = (libm::sin(angle), libm::cos(angle));
        // R(θ)·diag(d): [[c·d0, −s·d1], [s·d0, c·d1]].
        *r = [[c * d[0], -s * d[1]], [s * d[0], c * d[1]]];
    }
    let alpha = uniform_f64(rng, alpha.0, alpha.1);
    let mut svs = [(0.0, 0.0); MAPS.1];
    sample_svs(rng, n, alpha, &mut svs);
    let mut maps = [Affine2::default(); MAPS.1];
    for (i, map) in maps.iter_mut().enumerate().take(n) {
        let (u, v, (s1, s2)) = (rotations[i], rotations[n + i], svs[i]);
        // (u · σ[None, :]) @ v.
        let us = [[u[0][0] * s1, u[0][1] * s2], [u[1][0] * s1, u[1][1] * s2]];
        let m = |r: usize, c: usize| us[r][0] * v[0][c] + us[r][1] * v[1][c];
        *map = Affine2::from_coefficients([m(0, 0), m(0, 1), m(1, 0), m(1, 1), 0.0, 0.0]);
    }
    for map in maps.iter_mut().take(n) {
        map.e = uniform_f64(rng, -1.0, 1.0);
        map.f = uniform_f64(rng, -1.0, 1.0);
    }
    // SVD maps with σ ≤ 1 and σ1 + 2σ2 summing to α > 0: |det| = σ1·σ2 sums to a positive number
    // unless every σ2 is 0 (never drawn); that case falls back to equal probabilities.
    match with_det_probabilities(&maps[..n]) {
        Ok(ifs) => Ok(ifs),
        Err(_) => Ifs2::new(maps[..n].iter().map(|m| (*m, 1.0 / n as f64))),
    }
}

/// The largest singular value of a map's linear part, `√((T + √(T² − 4·det²)) / 2)` with
/// `T = a² + b² + c² + d²` (the reference asks `np.linalg.svd`; the two agree to rounding).
pub fn max_singular_value(m: &Affine2) -> f64 {
    let t = m.a * m.a + m.b * m.b + m.c * m.c + m.d * m.d;
    let det = m.det();
    let disc = (t * t - 4.0 * det * det).max(0.0);
    libm::sqrt((t + libm::sqrt(disc)) / 2.0)
}

/// `_GeneratorBase.jitter` with `_basic_jitter`: up to [`JITTER_TRIES`] times, multiply all six
/// coefficients of map `k ~ U{0, …, n − 1}` (its translation too) by `U(0.8, 1.1)`; keep the first
/// try whose maps all have singular values ≤ 1, else the maps unchanged. Writes into `out`.
pub fn jitter<R: Rng>(rng: &mut R, maps: &[Affine2], out: &mut [Affine2; MAX_MAPS]) {
    let n = maps.len().min(MAX_MAPS);
    out[..n].copy_from_slice(&maps[..n]);
    if n == 0 {
        return;
    }
    for _ in 0..JITTER_TRIES {
        let k = below(rng, n as u32) as usize;
        let factor = uniform_f64(rng, 0.8, 1.1);
        let mut tried = *out;
        tried[k] = maps[k].scaled(&[factor; 6]);
        if tried[..n].iter().all(|m| max_singular_value(m) <= 1.0) {
            *out = tried;
            return;
        }
    }
}

/// Map 0's fixed point `(I − A)⁻¹ b`, as the reference writes it:
/// `s = 1 / (1 + det − a − d)`, `x = s·((1 − d)·e + b·f)`, `y = s·((1 − a)·f + c·e)`.
pub fn fixed_point(m: &Affine2) -> (f64, f64) {
    let s = 1.0 / (1.0 + m.det() - m.a - m.d);
    (s * ((1.0 - m.d) * m.e + m.b * m.f), s * ((1.0 - m.a) * m.f + m.c * m.e))
}

/// The rendering window of `IFSGenerator.render` and the pixel mapping of `_render_graded_patch`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    /// The region's smallest x and y.
    pub min: (f64, f64),
    /// `(side − 1) / span` per axis (`_extent`: a span that is not positive counts as 1).
    pub scale: (f64, f64),
}

impl Window {
    /// The window of `bounds` moved and scaled by the instance's draws: `centre += extent ·
    /// U(−0.2, 0.2)` (x then y), then `extent *= U(0.5, 2) / 2` (x then y); the region is
    /// `centre ± extent`.
    pub fn sample<R: Rng>(rng: &mut R, bounds: &Bounds, side: usize) -> Self {
        let extent = (bounds.max_x - bounds.min_x, bounds.max_y - bounds.min_y);
        let mut centre = ((bounds.max_x + bounds.min_x) / 2.0, (bounds.max_y + bounds.min_y) / 2.0);
        centre.0 += extent.0 * uniform_f64(rng, -0.2, 0.2);
        centre.1 += extent.1 * uniform_f64(rng, -0.2, 0.2);
        let half =
            (extent.0 * (uniform_f64(rng, 0.5, 2.0) / 2.0), extent.1 * (uniform_f64(rng, 0.5, 2.0) / 2.0));
        let (x1, y1, x2, y2) = (centre.0 - half.0, centre.1 - half.1, centre.0 + half.0, centre.1 + half.1);
        let span = |s: f64| if s > 0.0 { s } else { 1.0 };
        let pixels = side.saturating_sub(1) as f64;
        Self { min: (x1, y1), scale: (pixels / span(x2 - x1), pixels / span(y2 - y1)) }
    }

    /// The point's cell in the `side × side` grid widened by two on every side: its `(row,
    /// column)` is `int((x − min x)·scale x)`, `int((y − min y)·scale y)`, truncated toward zero as
    /// numba's `int()` does (so −0.5 lands on 0), row from x (the reference's `imgf[r, c]` with `r`
    /// from x), each clamped into `[−2, side + 1]` first (NaN to −2). The cells whose 3x3 patch can
    /// reach the image are those in `[−1, side]`, where a point lands exactly when `−2 < v <
    /// side + 1`: the clamped ones count nowhere, without a branch. Returns
    /// `(row + 2)·(side + 4) + column + 2`.
    #[inline(always)]
    pub fn widened_cell(&self, (x, y): (f64, f64), side: usize) -> usize {
        let (u, v) = ((x - self.min.0) * self.scale.0, (y - self.min.1) * self.scale.1);
        let index = |t: f64| (t.max(-2.0).min(side as f64 + 1.0) as i64 + 2) as usize;
        index(u) * (side + 4) + index(v)
    }
}

/// The cells `(row, column)` of a 3x3 mask (bit `k` of `mask`, `k = 3·row + column`, for
/// `np.random.randint(0, 2, 9)`'s entry `k`), in increasing `k`; returns how many.
/// The reference's mask may be all zeros (1 image in 512): no cell, a blank fractal on its
/// background. Kept.
pub fn mask_cells(mask: u16, out: &mut [(i64, i64); 9]) -> usize {
    let mut n = 0;
    for k in 0..9 {
        if mask >> k & 1 == 1 {
            out[n] = (k / 3, k % 3);
            n += 1;
        }
    }
    n
}

/// Chains per chaos game: the `points` are cut into this many blocks, each the chaos game from
/// map 0's fixed point ([`chains`]), so that the chains' dependent steps overlap (bytes
/// version 2; version 1 ran one chain on 32-bit variates). The start is on the attractor, so each
/// block's points have the law of the single chain's.
pub const CHAINS: usize = 4;

/// The window comes from the bounds of the first `points / PILOT` points (bytes version 2; version
/// 1 took all), so that the rest are counted as they are drawn, never stored.
pub const PILOT: usize = 4;

/// The `Chain` stream cut into [`CHAINS`] generators for `points` points: generator `j` is the
/// stream advanced by `j·⌊points / CHAINS⌋` draws, so that the chains together use the stream's
/// first `points` draws, each once, as version 1's single chain did.
pub fn chains(key: StreamKey, points: usize) -> [Pcg32; CHAINS] {
    let rng = key.rng();
    let block = (points / CHAINS) as u64;
    core::array::from_fn(|j| {
        let mut r = rng.clone();
        r.advance(j as u64 * block);
        r
    })
}

/// The maps of a system and its map choice on a 32-bit draw `r` (one chain, `block = 0`: the
/// reference's `f64` path), the integer form of
/// [`Ifs2::select`] on `r·2⁻³²`: `r·2⁻³² > c ⇔ r > ⌊c·2³²⌋` (the scaling is exact), so map `i`
/// is the count of cumulative sums `c` below the variate. `T` thresholds are compared; the unused
/// ones are `u64::MAX` (never exceeded).
struct Stepper<const T: usize> {
    maps: [Affine2; MAX_MAPS],
    above: [u64; T],
}

impl<const T: usize> Stepper<T> {
    fn new(ifs: &Ifs2) -> Self {
        let mut above = [u64::MAX; T];
        let mut sum = 0.0;
        let n = ifs.len();
        for (t, &p) in above.iter_mut().zip(ifs.probabilities()).take(n - 1) {
            sum += p; // the cumulative sums as `Ifs2::new` adds them
            *t = (sum * 4_294_967_296.0) as u64;
        }
        let mut maps = [Affine2::default(); MAX_MAPS];
        maps[..n].copy_from_slice(ifs.maps());
        Self { maps, above }
    }

    #[inline(always)]
    fn step(&self, r: u32, p: (f64, f64)) -> (f64, f64) {
        let r = u64::from(r);
        let i = self.above.iter().map(|&t| usize::from(r > t)).sum::<usize>();
        // An opaque index: left visible, the optimiser turns the choice into one conditional move
        // per coefficient address (measured: twice the instructions).
        self.maps[core::hint::black_box(i)].apply(p)
    }
}

/// Four chaos games of `ifs` from its map 0's fixed point ([`crate::math::chaos_game`]'s steps),
/// chain `j` drawing from `rngs[j]`, run side by side for `block` steps each; then the last chain
/// runs on alone for the rest of the points. `block = 0` is one chain, the reference's `iterate`.
/// The start itself is not kept (`iterate` records each new point). The
/// points come in that order, the chains interleaved step by step (the order matters to neither
/// their bounds nor their counts).
struct Chains<'a, R, const T: usize> {
    stepper: &'a Stepper<T>,
    rngs: [R; CHAINS],
    p: [(f64, f64); CHAINS],
}

impl<R: Rng, const T: usize> Chains<'_, R, T> {
    /// One step of every chain.
    #[inline(always)]
    fn step4(&mut self) -> [(f64, f64); CHAINS] {
        let [r0, r1, r2, r3] = &mut self.rngs;
        let [p0, p1, p2, p3] = self.p;
        let s = self.stepper;
        self.p = [
            s.step(r0.next_u32(), p0),
            s.step(r1.next_u32(), p1),
            s.step(r2.next_u32(), p2),
            s.step(r3.next_u32(), p3),
        ];
        self.p
    }

    /// One step of the last chain.
    #[inline(always)]
    fn step_last(&mut self) -> (f64, f64) {
        let r = self.rngs[CHAINS - 1].next_u32();
        self.p[CHAINS - 1] = self.stepper.step(r, self.p[CHAINS - 1]);
        self.p[CHAINS - 1]
    }
}

/// Where the points of a chaos game go.
enum Sink<'a> {
    /// Kept as `x, y` pairs.
    Trace(&'a mut [f64]),
    /// Counted once in the cell of the window they fall in ([`Window::widened_cell`]).
    Hits(&'a mut [u32], Window, usize),
}

impl Sink<'_> {
    #[inline(always)]
    fn put(&mut self, at: usize, p: (f64, f64)) {
        match self {
            Self::Trace(t) => t[2 * at..2 * at + 2].copy_from_slice(&[p.0, p.1]),
            Self::Hits(hits, window, side) => {
                // Non-finite points (a chain that left the finite numbers, which it never comes
                // back to) fail every comparison: they count nothing, as the reference's `break`.
                hits[window.widened_cell(p, *side)] += 1;
            }
        }
    }
}

impl<R: Rng, const T: usize> Chains<'_, R, T> {
    /// The points `from..to` of the run of `block` side-by-side steps then the last chain alone,
    /// into `sink` (at index `i − from` for a trace).
    #[inline(always)]
    fn run(&mut self, block: usize, from: usize, to: usize, sink: &mut Sink<'_>) {
        let lock = CHAINS * block;
        let mut i = from;
        while i < to.min(lock) {
            let q = self.step4();
            for (k, &p) in q.iter().enumerate() {
                sink.put(i - from + k, p);
            }
            i += CHAINS;
        }
        while i < to {
            let p = self.step_last();
            sink.put(i - from, p);
            i += 1;
        }
    }
}

/// The finite points of `trace` (`x, y` pairs, `points` of them, from [`Chains::run`] with
/// `block`) packed in order, keeping each chain's points before its first non-finite one (the
/// reference `break`s there); how many are kept.
fn keep_finite(trace: &mut [f64], points: usize, block: usize) -> usize {
    let finite = |q: &[f64]| q[0].is_finite() && q[1].is_finite();
    if trace[..2 * points].chunks_exact(2).all(finite) {
        return points;
    }
    let mut alive = [true; CHAINS];
    let mut kept = 0;
    for i in 0..points {
        let j = if i < CHAINS * block { i % CHAINS } else { CHAINS - 1 };
        alive[j] &= finite(&trace[2 * i..2 * i + 2]);
        if alive[j] {
            trace.copy_within(2 * i..2 * i + 2, 2 * kept);
            kept += 1;
        }
    }
    kept
}

/// The bounds of finite `x, y` pairs, [`Bounds::of`] without its NaN care (one `minsd`/`maxsd`
/// each) and with two pairs at a time, so that the comparisons overlap.
fn bounds_of(pairs: &[f64]) -> Bounds {
    #[inline(always)]
    fn widen(b: &mut Bounds, q: &[f64]) {
        let (x, y) = (q[0], q[1]);
        b.min_x = if x < b.min_x { x } else { b.min_x };
        b.max_x = if x > b.max_x { x } else { b.max_x };
        b.min_y = if y < b.min_y { y } else { b.min_y };
        b.max_y = if y > b.max_y { y } else { b.max_y };
    }
    let (mut b0, mut b1) = (Bounds::EMPTY, Bounds::EMPTY);
    let mut quads = pairs.chunks_exact(4);
    for q in &mut quads {
        widen(&mut b0, &q[..2]);
        widen(&mut b1, &q[2..]);
    }
    if let [x, y] = *quads.remainder() {
        widen(&mut b0, &[x, y]);
    }
    Bounds {
        min_x: b0.min_x.min(b1.min_x),
        max_x: b0.max_x.max(b1.max_x),
        min_y: b0.min_y.min(b1.min_y),
        max_y: b0.max_y.max(b1.max_y),
    }
}

/// Values of [`render_counts`]'s `hits` for a `side`-pixel image: one per cell of the grid
/// widened by two on every side (the outer ring holds the points whose patch cannot reach the
/// image).
pub fn hits_len(side: usize) -> usize {
    (side + 4) * (side + 4)
}

/// `_render_graded_patch` before its division: for every point, every cell of `mask` at
/// `(row + r − 1, column + c − 1)` inside the `side × side` grid counts one hit in `counts`
/// (row-major). The chains (`chains` and `block` as [`CHAINS`] says) run once, the first `stored`
/// points kept in `trace` (at least `2·stored` values) for their bounds, the window from them,
/// then every point counted. With `block = 0` (one chain) every step is `f64` and a point's cell
/// its coordinates truncated, the reference's; with `block > 0` the chains run in `f32` lanes
/// (bytes version 3: `Lanes`, `Window32`). Each point counts once in `hits` ([`hits_len`]
/// values: the grid with a border of two, the inner ring the only cells outside the image whose
/// patch can reach it, the outer one where the points beyond are clamped), and every mask cell
/// adds the hits shifted by its offset:
/// the same integer sums as patch by patch. Returns the largest count (0: nothing drawn).
#[allow(clippy::too_many_arguments)]
pub fn render_counts<R: Rng>(
    ifs: &Ifs2,
    chains: [R; CHAINS],
    block: usize,
    stored: usize,
    points: usize,
    window_rng: &mut impl Rng,
    mask: u16,
    side: usize,
    counts: &mut [u32],
    hits: &mut [u32],
    trace: &mut [f64],
) -> u32 {
    let counts = &mut counts[..side * side];
    let block = block.min(points / CHAINS);
    let stored = if stored < CHAINS * block { stored / CHAINS * CHAINS } else { stored.min(points) };
    let wide = side + 4;
    let hits = &mut hits[..hits_len(side)];
    hits.fill(0);
    let start = fixed_point(&ifs.maps()[0]);
    let start32 = (start.0 as f32, start.1 as f32);
    macro_rules! lanes {
        ($t:expr) => {{
            let lanes = Lanes::<{ $t }>::new(ifs);
            let (x, y) = ([start32.0; CHAINS], [start32.1; CHAINS]);
            LaneChains { lanes: &lanes, rngs: chains, x, y }
                .count_hits(block, stored, points, window_rng, side, hits, trace)
        }};
    }
    let drawn = if block > 0 {
        match ifs.len() {
            0..=2 => lanes!(1),
            3 => lanes!(2),
            4 => lanes!(3),
            _ => lanes!(MAX_MAPS - 1),
        }
    } else if ifs.len() <= 4 {
        let stepper = Stepper::<3>::new(ifs);
        let mut chains = Chains { stepper: &stepper, rngs: chains, p: [start; CHAINS] };
        count_hits(&mut chains, block, stored, points, window_rng, side, hits, trace)
    } else {
        let stepper = Stepper::<{ MAX_MAPS - 1 }>::new(ifs);
        let mut chains = Chains { stepper: &stepper, rngs: chains, p: [start; CHAINS] };
        count_hits(&mut chains, block, stored, points, window_rng, side, hits, trace)
    };
    if !drawn {
        counts.fill(0);
        return 0;
    }
    let mut cells = [(0, 0); 9];
    let used = mask_cells(mask, &mut cells);
    // A point at (r', c') reaches (r, c) through cell (pr, pc) when r = r' + pr − 1: counts(r, c)
    // sums hits(r − pr + 1, c − pc + 1), at (r − pr + 3, c − pc + 3) in the widened grid. Row by
    // row, all cells at once, so that each row of counts is written once.
    let mut max = 0;
    for (r, row) in counts.chunks_exact_mut(side).enumerate() {
        let from =
            |&(pr, pc): &(i64, i64)| &hits[(r + (3 - pr) as usize) * wide + (3 - pc) as usize..][..side];
        match cells[..used].split_first() {
            None => row.fill(0),
            Some((first, rest)) => {
                row.copy_from_slice(from(first));
                for cell in rest {
                    row.iter_mut().zip(from(cell)).for_each(|(c, &h)| *c += h);
                }
            }
        }
        max = row.iter().fold(max, |m, &c| m.max(c));
    }
    max
}

/// [`render_counts`]'s hits: the first `stored` points kept in `trace`, the window from their
/// bounds, then they and the rest counted in `hits`. Returns false when no point is finite.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn count_hits<R: Rng, const T: usize>(
    chains: &mut Chains<'_, R, T>,
    block: usize,
    stored: usize,
    points: usize,
    window_rng: &mut impl Rng,
    side: usize,
    hits: &mut [u32],
    trace: &mut [f64],
) -> bool {
    chains.run(block, 0, stored, &mut Sink::Trace(&mut trace[..2 * stored]));
    let n = keep_finite(trace, stored, block);
    let bounds = bounds_of(&trace[..2 * n]);
    let window = Window::sample(window_rng, &bounds, side);
    if bounds.min_x > bounds.max_x {
        return false;
    }
    for p in trace[..2 * n].chunks_exact(2) {
        hits[window.widened_cell((p[0], p[1]), side)] += 1;
    }
    chains.run(block, stored, points, &mut Sink::Hits(hits, window, side));
    true
}

/// Four lanes of a value, one per chain.
type L4<T> = [T; CHAINS];
/// Four `f32` lanes.
type F4 = L4<f32>;

/// Lane-wise operations written element by element, the shape the optimiser's SLP vectoriser
/// turns into one SIMD instruction of the baseline instruction set (SSE2 on x86-64) each. The
/// map choice's masks come from arithmetic shifts, not comparisons, so that nothing turns into a
/// branch.
mod lane {
    use super::{F4, L4};

    #[inline(always)]
    pub fn splat<T: Copy>(v: T) -> L4<T> {
        [v; 4]
    }
    #[inline(always)]
    pub fn and(a: L4<i32>, b: L4<i32>) -> L4<i32> {
        [a[0] & b[0], a[1] & b[1], a[2] & b[2], a[3] & b[3]]
    }
    #[inline(always)]
    pub fn xor(a: L4<i32>, b: L4<i32>) -> L4<i32> {
        [a[0] ^ b[0], a[1] ^ b[1], a[2] ^ b[2], a[3] ^ b[3]]
    }
    /// `a − b` (wrapping).
    #[inline(always)]
    pub fn isub(a: L4<i32>, b: L4<i32>) -> L4<i32> {
        [a[0].wrapping_sub(b[0]), a[1].wrapping_sub(b[1]), a[2].wrapping_sub(b[2]), a[3].wrapping_sub(b[3])]
    }
    /// The sign bit spread over the word: all ones for a negative value, else 0.
    #[inline(always)]
    pub fn sign(a: L4<i32>) -> L4<i32> {
        [a[0] >> 31, a[1] >> 31, a[2] >> 31, a[3] >> 31]
    }
    #[inline(always)]
    pub fn bits(a: L4<i32>) -> F4 {
        [
            f32::from_bits(a[0] as u32),
            f32::from_bits(a[1] as u32),
            f32::from_bits(a[2] as u32),
            f32::from_bits(a[3] as u32),
        ]
    }
    #[inline(always)]
    pub fn add(a: F4, b: F4) -> F4 {
        [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]]
    }
    #[inline(always)]
    pub fn sub(a: F4, b: F4) -> F4 {
        [a[0] - b[0], a[1] - b[1], a[2] - b[2], a[3] - b[3]]
    }
    #[inline(always)]
    pub fn neg(a: F4) -> F4 {
        [-a[0], -a[1], -a[2], -a[3]]
    }
    #[inline(always)]
    pub fn mul(a: F4, b: F4) -> F4 {
        [a[0] * b[0], a[1] * b[1], a[2] * b[2], a[3] * b[3]]
    }
    /// `a` where `a > b`, else `b` (also for NaN): one `maxps`.
    #[inline(always)]
    pub fn max(a: F4, b: F4) -> F4 {
        let m = |a: f32, b: f32| if a > b { a } else { b };
        [m(a[0], b[0]), m(a[1], b[1]), m(a[2], b[2]), m(a[3], b[3])]
    }
    /// `a` where `a < b`, else `b` (also for NaN): one `minps`.
    #[inline(always)]
    pub fn min(a: F4, b: F4) -> F4 {
        let m = |a: f32, b: f32| if a < b { a } else { b };
        [m(a[0], b[0]), m(a[1], b[1]), m(a[2], b[2]), m(a[3], b[3])]
    }
}

/// The maps of a system in `f32` lanes (bytes version 3): the chaos game of [`CHAINS`] chains
/// side by side as four-wide arrays ([`lane`]). Map `i` is chosen without a branch: the
/// coefficients of map 0, and for each threshold `t` the bitwise XOR of map `t + 1`'s coefficients
/// with map `t`'s, applied where the draw exceeds `t` (the thresholds grow, so the XORs telescope
/// to map `i`'s bits). The draw is 16 bits, `r` (half of a 32-bit draw), compared with
/// `⌊c·2¹⁶⌋` by the sign of their difference. Every operation is an IEEE basic operation on `f32`
/// in a fixed order: the same bits on every CPU. The constants are kept in all four lanes, ready
/// as memory operands.
struct Lanes<const T: usize> {
    base: [L4<i32>; 6],
    delta: [[L4<i32>; 6]; T],
    above: [L4<i32>; T],
}

impl<const T: usize> Lanes<T> {
    /// `T` thresholds: at least `ifs.len() − 1`.
    fn new(ifs: &Ifs2) -> Self {
        let n = ifs.len();
        let bits = |m: &Affine2| m.coefficients().map(|k| (k as f32).to_bits() as i32);
        let maps = ifs.maps();
        let base = bits(&maps[0]).map(lane::splat);
        let mut delta = [[lane::splat(0); 6]; T];
        let mut above = [lane::splat(i32::MAX); T];
        let mut sum = 0.0;
        for t in 0..n - 1 {
            sum += ifs.probabilities()[t]; // the cumulative sums as `Ifs2::new` adds them
            // `r > ⌊c·2¹⁶⌋`; a threshold of 2¹⁶ − 1 or more is never exceeded.
            above[t] = lane::splat((sum * 65_536.0).min(65_535.0) as i32);
            let (now, next) = (bits(&maps[t]), bits(&maps[t + 1]));
            delta[t] = core::array::from_fn(|k| lane::splat(now[k] ^ next[k]));
        }
        Self { base, delta, above }
    }

    /// One step of every lane: lane `j` maps `(x, y)` by the map its draw `r[j]` selects,
    /// `x ← (a·x + b·y) + e`, `y ← (c·x + d·y) + f`.
    #[inline(always)]
    fn step(&self, r: L4<i32>, x: F4, y: F4) -> (F4, F4) {
        // `t − r < 0` exactly when `r > t` (`r` below 2¹⁶, `t` at most `i32::MAX`).
        let over: [L4<i32>; T] = core::array::from_fn(|t| lane::sign(lane::isub(self.above[t], r)));
        let coefficient = |k: usize| {
            let mut c = self.base[k];
            for (&o, d) in over.iter().zip(&self.delta) {
                c = lane::xor(c, lane::and(o, d[k]));
            }
            lane::bits(c)
        };
        let (a, b, c, d) = (coefficient(0), coefficient(1), coefficient(2), coefficient(3));
        let (e, f) = (coefficient(4), coefficient(5));
        let nx = lane::add(lane::add(lane::mul(a, x), lane::mul(b, y)), e);
        let ny = lane::add(lane::add(lane::mul(c, x), lane::mul(d, y)), f);
        (nx, ny)
    }
}

/// `2²³`: `f + 2²³ − 2²³` is `f` rounded to the nearest integer (ties to even) for `|f| < 2²²`,
/// and the bits of `n + 2²³` past those of `2²³` are the integer `n` for `0 ≤ n < 2²³`.
const MAGIC: f32 = 8_388_608.0;

/// The rendering window in `f32` (bytes version 3): [`Window`]'s `min` and `scale` rounded to
/// `f32`; a point's pixel is `round((x − min)·scale)` (ties to even; version 2: truncated, the
/// reference's `int()`), computed without a conversion or a branch, in loops over batches of
/// points that the optimiser vectorises.
#[derive(Clone, Copy)]
struct Window32 {
    min: (f32, f32),
    scale: (f32, f32),
    high: f32,
    wide: f32,
}

impl Window32 {
    fn new(w: &Window, side: usize) -> Self {
        let s = side as f32;
        Self {
            min: (w.min.0 as f32, w.min.1 as f32),
            scale: (w.scale.0 as f32, w.scale.1 as f32),
            high: s + 1.0,
            wide: s + 4.0,
        }
    }

    /// `t` clamped into `[−2, side + 1]` (NaN to `side + 1`) and rounded to an integer.
    #[inline(always)]
    fn round(&self, t: f32) -> f32 {
        let t = if t < self.high { t } else { self.high };
        let t = if t > -2.0 { t } else { -2.0 };
        (t + MAGIC) - MAGIC
    }

    /// The cell of a point in the grid widened by two on every side (`(row + 2)·(side + 4) +
    /// column + 2`, row from x), as [`Window::widened_cell`]: the points clamped onto the outer
    /// ring reach no pixel of the image.
    #[inline(always)]
    fn cell(&self, x: f32, y: f32) -> u32 {
        let ru = self.round((x - self.min.0) * self.scale.0);
        let rv = self.round((y - self.min.1) * self.scale.1);
        // An exact integer in [0, 2²³).
        let cell = ((ru + 2.0) * self.wide + rv) + (2.0 + MAGIC);
        cell.to_bits().wrapping_sub(MAGIC.to_bits())
    }

    /// Every point of `xs`, `ys` counted once in its cell of `hits` (`cells`: scratch).
    #[inline(always)]
    fn count(&self, xs: &[f32], ys: &[f32], cells: &mut [u32; BATCH], hits: &mut [u32]) {
        for (xs, ys) in xs.chunks(BATCH).zip(ys.chunks(BATCH)) {
            for ((c, &x), &y) in cells.iter_mut().zip(xs).zip(ys) {
                *c = self.cell(x, y);
            }
            for &c in &cells[..xs.len()] {
                hits[c as usize] += 1;
            }
        }
    }
}

/// Points per batch of the lanes: `BATCH / CHAINS` steps of the four chains, kept as `x` and `y`
/// runs for the loops that use them.
const BATCH: usize = 256;

/// The chaos game in [`Lanes`]: chain `j` draws from `rngs[j]`, its point `(x[j], y[j])`.
struct LaneChains<'a, R, const T: usize> {
    lanes: &'a Lanes<T>,
    rngs: [R; CHAINS],
    x: F4,
    y: F4,
}

impl<R: Rng, const T: usize> LaneChains<'_, R, T> {
    /// `xs.len() / CHAINS` steps of the four chains side by side, their points in `xs`, `ys`
    /// (chain `j`'s at `j`, `j + 4`, …); `xs.len()` is a multiple of [`CHAINS`].
    #[inline(always)]
    fn steps(&mut self, xs: &mut [f32], ys: &mut [f32]) {
        // Each 32-bit draw serves two steps: its high half, then its low half.
        let mut r = [0; CHAINS];
        for (k, (xq, yq)) in xs.chunks_exact_mut(CHAINS).zip(ys.chunks_exact_mut(CHAINS)).enumerate() {
            let half = if k % 2 == 0 {
                let [r0, r1, r2, r3] = &mut self.rngs;
                r = [r0.next_u32(), r1.next_u32(), r2.next_u32(), r3.next_u32()];
                r.map(|r| (r >> 16) as i32)
            } else {
                r.map(|r| (r & 0xffff) as i32)
            };
            (self.x, self.y) = self.lanes.step(half, self.x, self.y);
            xq.copy_from_slice(&self.x);
            yq.copy_from_slice(&self.y);
        }
    }

    /// One step of the last chain alone (the other lanes keep their points).
    #[inline(always)]
    fn step_last(&mut self) -> (f32, f32) {
        let mut r = [0; CHAINS];
        r[CHAINS - 1] = (self.rngs[CHAINS - 1].next_u32() >> 16) as i32;
        let (x, y) = self.lanes.step(r, self.x, self.y);
        self.x[CHAINS - 1] = x[CHAINS - 1];
        self.y[CHAINS - 1] = y[CHAINS - 1];
        (x[CHAINS - 1], y[CHAINS - 1])
    }

    /// The points `from..to` of the chains (side by side for `block` steps each, then the last
    /// alone), in batches of at most [`BATCH`] into `put(i − from, xs, ys)`.
    #[inline(always)]
    fn run(&mut self, block: usize, from: usize, to: usize, mut put: impl FnMut(usize, &[f32], &[f32])) {
        let (mut xs, mut ys) = ([0f32; BATCH], [0f32; BATCH]);
        let lock = (CHAINS * block).min(to);
        let mut i = from;
        while i < lock {
            let n = (lock - i).min(BATCH);
            self.steps(&mut xs[..n], &mut ys[..n]);
            put(i - from, &xs[..n], &ys[..n]);
            i += n;
        }
        while i < to {
            let (x, y) = self.step_last();
            put(i - from, &[x], &[y]);
            i += 1;
        }
    }

    /// [`count_hits`] in `f32` lanes: the first `stored` points kept in `trace` (`x`s then `y`s,
    /// as `f64`, exact), the window from their bounds, then they and the rest counted in `hits`.
    ///
    /// Never inlined: inlined into [`render_counts`] with its four instantiations, LLVM compiled
    /// the chains 1.4x longer in the binaries that link the whole library (the CLI, the Python
    /// module, `fdsl-bench`; not in `af_stats`), which cost 10 % of an image (BENCHMARKS.md).
    #[allow(clippy::too_many_arguments)]
    #[inline(never)]
    fn count_hits(
        &mut self,
        block: usize,
        stored: usize,
        points: usize,
        window_rng: &mut impl Rng,
        side: usize,
        hits: &mut [u32],
        trace: &mut [f64],
    ) -> bool {
        let (xt, yt) = trace[..2 * stored].split_at_mut(stored);
        // The bounds as the points come (lane by lane), and `Σ (x − x) + (y − y)`: 0 when every
        // point is finite, else NaN.
        let inf = lane::splat(f32::INFINITY);
        let (mut low, mut high) = ((inf, inf), (lane::neg(inf), lane::neg(inf)));
        let mut finite = lane::splat(0.0f32);
        self.run(block, 0, stored, |i, xs, ys| {
            for (t, &x) in xt[i..i + xs.len()].iter_mut().zip(xs) {
                *t = f64::from(x);
            }
            for (t, &y) in yt[i..i + ys.len()].iter_mut().zip(ys) {
                *t = f64::from(y);
            }
            if xs.len() % CHAINS != 0 {
                finite = lane::splat(f32::NAN); // the last chain alone: the general path decides
                return;
            }
            for (xq, yq) in xs.chunks_exact(CHAINS).zip(ys.chunks_exact(CHAINS)) {
                let (x, y) = ([xq[0], xq[1], xq[2], xq[3]], [yq[0], yq[1], yq[2], yq[3]]);
                low = (lane::min(x, low.0), lane::min(y, low.1));
                high = (lane::max(x, high.0), lane::max(y, high.1));
                finite = lane::add(finite, lane::add(lane::sub(x, x), lane::sub(y, y)));
            }
        });
        let (n, bounds) = if finite == [0.0; CHAINS] {
            let min = |v: F4| f64::from(v[0].min(v[1]).min(v[2].min(v[3])));
            let max = |v: F4| f64::from(v[0].max(v[1]).max(v[2].max(v[3])));
            (stored, Bounds { min_x: min(low.0), max_x: max(high.0), min_y: min(low.1), max_y: max(high.1) })
        } else {
            let n = keep_finite_split(xt, yt, stored, block);
            (n, bounds_of_split(&xt[..n], &yt[..n]))
        };
        let window = Window::sample(window_rng, &bounds, side);
        if bounds.min_x > bounds.max_x {
            return false;
        }
        let w = Window32::new(&window, side);
        let hits = &mut hits[..hits_len(side)];
        let (mut xs, mut ys, mut cells) = ([0f32; BATCH], [0f32; BATCH], [0u32; BATCH]);
        for (xb, yb) in xt[..n].chunks(BATCH).zip(yt[..n].chunks(BATCH)) {
            for ((x, y), (&xd, &yd)) in xs.iter_mut().zip(ys.iter_mut()).zip(xb.iter().zip(yb)) {
                (*x, *y) = (xd as f32, yd as f32);
            }
            w.count(&xs[..xb.len()], &ys[..xb.len()], &mut cells, hits);
        }
        self.run(block, stored, points, |_, xs, ys| w.count(xs, ys, &mut cells, hits));
        true
    }
}

/// [`keep_finite`] for points kept as separate `x` and `y` runs.
fn keep_finite_split(xs: &mut [f64], ys: &mut [f64], points: usize, block: usize) -> usize {
    let mut alive = [true; CHAINS];
    let mut kept = 0;
    for i in 0..points {
        let j = if i < CHAINS * block { i % CHAINS } else { CHAINS - 1 };
        alive[j] &= xs[i].is_finite() && ys[i].is_finite();
        if alive[j] {
            (xs[kept], ys[kept]) = (xs[i], ys[i]);
            kept += 1;
        }
    }
    kept
}

/// The bounds of finite points kept as separate `x` and `y` runs.
fn bounds_of_split(xs: &[f64], ys: &[f64]) -> Bounds {
    let mut b = Bounds::EMPTY;
    for (&x, &y) in xs.iter().zip(ys) {
        b.min_x = b.min_x.min(x);
        b.max_x = b.max_x.max(x);
        b.min_y = b.min_y.min(y);
        b.max_y = b.max_y.max(y);
    }
    b
}

/// `random_flips`: transpose, then reverse the rows, then the columns, each if `U(0, 1) > 0.5`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Orientation {
    /// `img.transpose(1, 0)`.
    pub transpose: bool,
    /// `img[::-1]`.
    pub rows_reversed: bool,
    /// `img[:, ::-1]`.
    pub columns_reversed: bool,
}

impl Orientation {
    /// Three draws, in that order.
    pub fn sample<R: Rng>(rng: &mut R) -> Self {
        let mut coin = || unit_f64(rng) > 0.5;
        Self { transpose: coin(), rows_reversed: coin(), columns_reversed: coin() }
    }

    /// The index in the flipped `side × side` image of pixel `(row, column)` of the unflipped one
    /// (the inverse of [`Self::source`]).
    #[inline(always)]
    pub fn target(&self, row: usize, column: usize, side: usize) -> usize {
        let (r, c) = if self.transpose { (column, row) } else { (row, column) };
        let r = if self.rows_reversed { side - 1 - r } else { r };
        let c = if self.columns_reversed { side - 1 - c } else { c };
        r * side + c
    }

    /// [`Self::target`] of `(row, 0)` and the step (wrapping) to the next column's: the target of
    /// `(row, c)` is `first + c·step`.
    pub fn target_row(&self, row: usize, side: usize) -> (usize, usize) {
        let first = self.target(row, 0, side);
        (first, self.target(row, side.min(2) - 1, side).wrapping_sub(first))
    }

    /// The index in the unflipped `side × side` image of pixel `(row, column)` of the flipped one.
    #[inline(always)]
    pub fn source(&self, row: usize, column: usize, side: usize) -> usize {
        let r = if self.rows_reversed { side - 1 - row } else { row };
        let c = if self.columns_reversed { side - 1 - column } else { column };
        if self.transpose { c * side + r } else { r * side + c }
    }
}

/// numba's `np.uint8(v)` of a float: truncated toward zero, then the low byte (mod 256, so −3.7
/// gives 253 and 300.7 gives 44), as measured on the reference's numba.
#[inline(always)]
pub fn wrap_u8(v: f64) -> u8 {
    v as i64 as u8
}

/// [`wrap_u8`] of a finite `v` with `|v| < 2⁵¹`, without a conversion (whose saturation the
/// baseline instruction set cannot do two at a time), the same byte: `|v|` rounded to an integer
/// by adding and taking away `1.5·2⁵²`, less one where that rounded up, signed back (truncation
/// toward zero); the low byte of `t + 1.5·2⁵²`'s bits is `t mod 256`.
#[inline(always)]
pub fn wrap_small(v: f64) -> u8 {
    const M: f64 = 6_755_399_441_055_744.0;
    let a = v.abs();
    let near = (a + M) - M;
    let floor = if near > a { near - 1.0 } else { near };
    let t = if v < 0.0 { -floor } else { floor };
    (t + M).to_bits() as u8
}

/// `_hsv_colorize`'s per-image colour: `hue_shift = U(0, 1)·255`, `sat = uint8(U(0.3, 1)·255)`,
/// `val = uint8(U(0.5, 1)·255)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FractalColour {
    /// Added to `x·255` before the wrap to a byte.
    pub hue_shift: f64,
    /// OpenCV saturation, 0–255.
    pub saturation: u8,
    /// OpenCV value, 0–255.
    pub value: u8,
}

impl FractalColour {
    /// Three draws, in that order.
    pub fn sample<R: Rng>(rng: &mut R) -> Self {
        let hue_shift = unit_f64(rng) * 255.0;
        let saturation = wrap_u8(uniform_f64(rng, 0.3, 1.0) * 255.0);
        let value = wrap_u8(uniform_f64(rng, 0.5, 1.0) * 255.0);
        Self { hue_shift, saturation, value }
    }

    /// The HSV of a pixel of grade `x ∈ (0, 1]`: `H = uint8(x·255 + hue_shift)` (wrapped mod 256:
    /// values 180–255 are past OpenCV's 0–179 hue circle and wrap around it again in
    /// [`hsv_to_rgb`], the reference's quirk, kept), `S`, `V`. Grade 0 is black `(0, 0, 0)`.
    #[inline(always)]
    pub fn hsv(&self, x: f64) -> [u8; 3] {
        if x > 0.0 { [wrap_u8(x * 255.0 + self.hue_shift), self.saturation, self.value] } else { [0, 0, 0] }
    }
}

/// `diamondsquare._colorize`'s per-image colour: six draws, in this order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BackgroundColour {
    /// `U(0.25, 1)·255`.
    pub hue_scale: f64,
    /// `U(0, 1)·255`.
    pub hue_shift: f64,
    /// `U(0.1, 0.3)·255`.
    pub sat_scale: f64,
    /// `U(0.4, 0.6)·255`.
    pub sat_shift: f64,
    /// `U(0.3, 0.6)·255`.
    pub val_scale: f64,
    /// `U(0.4, 0.6)·255`.
    pub val_shift: f64,
}

impl BackgroundColour {
    /// Six draws, in field order.
    pub fn sample<R: Rng>(rng: &mut R) -> Self {
        Self::of(core::array::from_fn(|_| unit_f64(rng)))
    }

    /// The colour of six `U(0, 1)` variates `u`, in field order: `lo + (hi − lo)·u`, times 255.
    pub fn of(u: [f64; 6]) -> Self {
        let v = |k: usize, lo: f64, hi: f64| (lo + (hi - lo) * u[k]) * 255.0;
        Self {
            hue_scale: v(0, 0.25, 1.0),
            hue_shift: v(1, 0.0, 1.0),
            sat_scale: v(2, 0.1, 0.3),
            sat_shift: v(3, 0.4, 0.6),
            val_scale: v(4, 0.3, 0.6),
            val_shift: v(5, 0.4, 0.6),
        }
    }

    /// The HSV of field value `x`: `H = uint8(x·hue_scale + hue_shift)` (wrapped, negatives too),
    /// `S = uint8(min(x·sat_scale + sat_shift, 255))`, `V` likewise.
    /// The field is bounded (`|x| < 3`: corners in `[0, 1)`, displacements summing to less than
    /// `0.5 / (1 − e^−0.4)`), so every value here is far inside [`wrap_small`]'s range, which
    /// gives [`wrap_u8`]'s byte with operations the optimiser vectorises.
    #[inline(always)]
    pub fn hsv(&self, x: f64) -> [u8; 3] {
        let clamp = |v: f64| if v < 255.0 { v } else { 255.0 };
        [
            wrap_small(x * self.hue_scale + self.hue_shift),
            wrap_small(clamp(x * self.sat_scale + self.sat_shift)),
            wrap_small(clamp(x * self.val_scale + self.val_shift)),
        ]
    }
}

/// `colorized_ds(side)`: decay `U(0.4, 0.8)`, `diamond_square` in `field` (at least
/// [`field_len`] values), its top-left `side × side` coloured ([`BackgroundColour`]) and converted
/// ([`hsv_to_rgb`]) into `rgb` (`side · side · 3` bytes).
pub fn background<R: Rng>(rng: &mut R, side: usize, field: &mut [f64], rgb: &mut [u8]) {
    let decay = uniform_f64(rng, 0.4, 0.8);
    let n = grid_exponent(side);
    let s = (1usize << n) + 1;
    let field = &mut field[..s * s];
    diamond_square(rng, n, decay, field);
    let colour = BackgroundColour::sample(rng);
    // The HSV triple is a function of the field's value, which varies smoothly: an image holds a
    // few hundred triples, each converted once into a direct-mapped cache of the last ones seen.
    // The triples of a run of pixels first (a loop without a branch), then their colours.
    let mut cache = [(u32::MAX, [0u8; 3]); 1024];
    let mut keys = [0u32; 64];
    for (row, pixels) in rgb.chunks_exact_mut(3 * side).take(side).enumerate() {
        let values = &field[row * s..][..side];
        for (run, xs) in pixels.chunks_mut(3 * keys.len()).zip(values.chunks(keys.len())) {
            for (key, &x) in keys.iter_mut().zip(xs) {
                let [h, s, v] = colour.hsv(x);
                *key = u32::from_le_bytes([h, s, v, 0]);
            }
            for (px, &key) in run.chunks_exact_mut(3).zip(&keys) {
                let slot = &mut cache[(key.wrapping_mul(0x9e37_79b1) >> 22) as usize];
                if slot.0 != key {
                    let [h, s, v, _] = key.to_le_bytes();
                    *slot = (key, hsv_to_rgb([h, s, v]));
                }
                px.copy_from_slice(&slot.1);
            }
        }
    }
}

/// Levels of [`background_levels`]' colour table.
pub const LEVELS: usize = 4096;

/// 16-bit draws of [`background_levels`] for a `side`-pixel background: the decay, the field's
/// [`field_len`], the colour's six, rounded up to a multiple of eight (whole 32-bit draws of
/// `BITS_STREAMS` generators).
pub fn background_bits_len(side: usize) -> usize {
    (1 + field_len(side) + 6).next_multiple_of(2 * BITS_STREAMS)
}

/// Generators that make [`halves`]' draws side by side.
const BITS_STREAMS: usize = 4;

/// The next `out.len() / 2` 32-bit draws of `rng` (a multiple of [`BITS_STREAMS`]), each cut
/// into its high then its low 16 bits, in order (bytes version 4; version 3 drew them one after
/// another). The draws are made by [`BITS_STREAMS`] copies of the stream advanced to the starts of
/// equal blocks (as [`chains`] cuts the chaos game's), so that their steps overlap: the same
/// values in the same order.
fn halves(rng: &mut Pcg32, out: &mut [u16]) {
    let block = out.len() / (2 * BITS_STREAMS);
    let mut streams: [Pcg32; BITS_STREAMS] = core::array::from_fn(|j| {
        let mut r = rng.clone();
        r.advance((j * block) as u64);
        r
    });
    rng.advance((BITS_STREAMS * block) as u64);
    let [q0, q1, q2, q3] = &mut streams;
    let mut parts = out.chunks_exact_mut(2 * block);
    let (Some(o0), Some(o1), Some(o2), Some(o3)) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return;
    };
    let split = |r: u32| [(r >> 16) as u16, r as u16];
    for (((a, b), c), d) in o0
        .chunks_exact_mut(2)
        .zip(o1.chunks_exact_mut(2))
        .zip(o2.chunks_exact_mut(2))
        .zip(o3.chunks_exact_mut(2))
    {
        a.copy_from_slice(&split(q0.next_u32()));
        b.copy_from_slice(&split(q1.next_u32()));
        c.copy_from_slice(&split(q2.next_u32()));
        d.copy_from_slice(&split(q3.next_u32()));
    }
}

/// [`background`] in `f32` from 16-bit draws, its colours through a table (bytes version 4):
/// `rng`'s next [`background_bits_len`] 16-bit draws (`halves`, into `bits`) are the decay
/// (`U(0.4, 0.8)`, 16 random bits), the field's ([`diamond_square16`]: [`diamond_square`] in
/// `f32`, into the first [`field_len`] values of `field`, the next as many its scratch) and the
/// colour's ([`BackgroundColour::of`]); returns the field's [`Levels`] over the image's
/// `side × side` values.
pub fn background_levels(rng: &mut Pcg32, side: usize, bits: &mut [u16], field: &mut [f32]) -> Levels {
    let n = grid_exponent(side);
    let s = (1usize << n) + 1;
    let bits = &mut bits[..background_bits_len(side)];
    halves(rng, bits);
    let unit = |k: u16| f64::from(k) * (1.0 / 65_536.0);
    let decay = 0.4 + 0.4 * unit(bits[0]);
    let (field_bits, colour_bits) = bits[1..].split_at(s * s);
    let (field, scratch) = field[..2 * s * s].split_at_mut(s * s);
    diamond_square16(field_bits, n, decay, field, scratch);
    let colour = BackgroundColour::of(core::array::from_fn(|k| unit(colour_bits[k])));
    Levels::new(field.chunks_exact(s).take(side).map(|r| &r[..side]), &colour)
}

/// A background's colours by level (bytes version 3): the field's values over the image,
/// `[lo, hi]`, cut into [`LEVELS`] − 1 equal steps, the colour of each level
/// `lo + k·(hi − lo)/(LEVELS − 1)` computed once ([`BackgroundColour::hsv`], [`hsv_to_rgb`], in
/// `f64`); a pixel takes the colour of the level nearest its value (the exact colour but for values
/// within a step of a byte's edge: a neighbouring hue, saturation or value byte).
pub struct Levels {
    lo: f32,
    scale: f32,
    /// RGB and a spare byte, so that a pixel is one 4-byte store.
    colours: [[u8; 4]; LEVELS],
}

impl Levels {
    /// The levels of the values in `rows`, coloured by `colour`.
    pub fn new<'a>(rows: impl Iterator<Item = &'a [f32]> + Clone, colour: &BackgroundColour) -> Self {
        let (mut lo, mut hi) = ([f32::INFINITY; 8], [f32::NEG_INFINITY; 8]);
        for row in rows {
            let mut eights = row.chunks_exact(8);
            for q in &mut eights {
                for k in 0..8 {
                    lo[k] = if q[k] < lo[k] { q[k] } else { lo[k] };
                    hi[k] = if q[k] > hi[k] { q[k] } else { hi[k] };
                }
            }
            for (k, &x) in eights.remainder().iter().enumerate() {
                lo[k] = if x < lo[k] { x } else { lo[k] };
                hi[k] = if x > hi[k] { x } else { hi[k] };
            }
        }
        let lo = lo.iter().fold(f32::INFINITY, |a, &b| a.min(b));
        let hi = hi.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b));
        let step = (f64::from(hi) - f64::from(lo)) / (LEVELS - 1) as f64;
        let mut colours = [[0u8; 4]; LEVELS];
        let mut last = (u32::MAX, [0u8; 3]);
        for (k, c) in colours.iter_mut().enumerate() {
            let [h, sat, v] = colour.hsv(f64::from(lo) + k as f64 * step);
            let key = u32::from_le_bytes([h, sat, v, 0]);
            if key != last.0 {
                last = (key, hsv_to_rgb([h, sat, v]));
            }
            let [r, g, b] = last.1;
            *c = [r, g, b, 0];
        }
        // A flat field (or none) is level 0.
        let scale = if step > 0.0 { (1.0 / step) as f32 } else { 0.0 };
        Self { lo: if lo.is_finite() { lo } else { 0.0 }, scale, colours }
    }

    /// The level nearest `x`: `(x − lo)·scale`, at most `LEVELS − 1`, rounded by adding `1.5·2²³`
    /// (the low bits of the sum are the integer).
    #[inline(always)]
    pub fn level(&self, x: f32) -> u32 {
        const M: f32 = 12_582_912.0;
        let t = (x - self.lo) * self.scale;
        let t = if t < (LEVELS - 1) as f32 { t } else { (LEVELS - 1) as f32 };
        (t + M).to_bits() % LEVELS as u32
    }

    /// The colours of the values of `rows` into `rgb`, row after row (`3·len` bytes each).
    /// The levels of a run of values first (a loop without a branch), then their colours, four
    /// bytes a pixel (the fourth is the next pixel's first, written after it) but the run's last.
    pub fn paint<'a>(&self, rows: impl Iterator<Item = &'a [f32]>, rgb: &mut [u8]) {
        let mut levels = [0u32; 64];
        let mut rest = rgb;
        for row in rows {
            let len = (3 * row.len()).min(rest.len());
            let (pixels, next) = core::mem::take(&mut rest).split_at_mut(len);
            rest = next;
            for (run, xs) in pixels.chunks_mut(3 * levels.len()).zip(row.chunks(levels.len())) {
                for (l, &x) in levels.iter_mut().zip(xs) {
                    *l = self.level(x);
                }
                let n = xs.len().min(run.len() / 3);
                if n == 0 {
                    continue;
                }
                for (j, &l) in levels[..n - 1].iter().enumerate() {
                    run[3 * j..3 * j + 4].copy_from_slice(&self.colours[l as usize % LEVELS]);
                }
                run[3 * n - 3..3 * n].copy_from_slice(&self.colours[levels[n - 1] as usize % LEVELS][..3]);
            }
        }
    }
}

/// Counts whose hue [`composite`] looks up in a table.
const HUES: usize = 4096;

/// `composite(background, random_flips(fractal))` over `rgb` (`side² · 3` bytes), which holds
/// the background: every pixel whose count is not 0 (grade `count / max`, coloured by `colour`)
/// replaces the background's, in the flipped place ([`Orientation::target`]). Its value is at
/// least 127 as [`FractalColour::sample`] draws it, so no such pixel is black (the reference keeps
/// the background under black fractal pixels only, those of grade 0). Returns how many pixels it covers. The counts are read in
/// order, eight at a time, skipping the runs of zeros.
pub fn composite(
    counts: &[u32],
    max: u32,
    orientation: Orientation,
    colour: &FractalColour,
    side: usize,
    rgb: &mut [u8],
) -> usize {
    // S and V are constant over the image: the RGB of each of the 256 hues, once.
    let rgb_of_hue: [[u8; 3]; 256] =
        core::array::from_fn(|h| hsv_to_rgb([h as u8, colour.saturation, colour.value]));
    // The hue of each count up to [`HUES`] (and `max`), once: most pixels' counts are small.
    let hue = |g: u32| colour.hsv(f64::from(g) / f64::from(max))[0];
    let mut table = [0u8; HUES];
    let hue_of_count = &mut table[..(max as usize).saturating_add(1).min(HUES)];
    for (g, h) in hue_of_count.iter_mut().enumerate() {
        *h = hue(g as u32);
    }
    let hue_of_count = &*hue_of_count;
    let mut fractal = 0;
    for (r, row) in counts.chunks_exact(side).take(side).enumerate() {
        let (first, step) = orientation.target_row(r, side);
        let mut put = |c: usize, g: u32| {
            let at = first.wrapping_add(c.wrapping_mul(step));
            let hue = hue_of_count.get(g as usize).copied().unwrap_or_else(|| hue(g));
            rgb[3 * at..3 * at + 3].copy_from_slice(&rgb_of_hue[usize::from(hue)]);
            fractal += 1;
        };
        let mut eights = row.chunks_exact(8);
        for (k, eight) in (&mut eights).enumerate() {
            if eight.iter().fold(0, |a, &g| a | g) != 0 {
                eight.iter().enumerate().filter(|(_, g)| **g > 0).for_each(|(j, &g)| put(8 * k + j, g));
            }
        }
        let rest = eights.remainder();
        rest.iter().enumerate().filter(|(_, g)| **g > 0).for_each(|(j, &g)| put(side - rest.len() + j, g));
    }
    fractal
}

/// The stream of category `category`'s system in the dataset with `seed` ([`sample_system`]).
pub fn category_key(seed: u64, category: u64) -> StreamKey {
    StreamKey {
        seed,
        namespace: Namespace::AndersonFarrell,
        category,
        instance: 0,
        purpose: Purpose::Parameters,
    }
}

/// An instance's stream for `purpose`: `Chain` (the chaos game), `Patches` (the 3x3 mask) or
/// `Shape` (jitter, window, flips, colour, background, blur, in that order).
pub fn instance_key(seed: u64, category: u64, instance: u64, purpose: Purpose) -> StreamKey {
    StreamKey { seed, namespace: Namespace::AndersonFarrell, category, instance, purpose }
}

/// Anderson & Farrell's images: RGB `side × side`, `points` points per chaos game, one system per
/// class. Instances share no work (each is its own unit); any number of instances per class.
#[derive(Clone, Debug)]
pub struct AndersonFarrell<C> {
    systems: C,
    side: usize,
    points: usize,
    seed: u64,
}

impl<C: AsRef<[Ifs2]>> AndersonFarrell<C> {
    /// The family of `systems` (each must have `|det|` summing to a positive finite number).
    pub fn new(systems: C, side: usize, points: usize, seed: u64) -> Result<Self, AfError> {
        if side == 0 {
            return Err(AfError::Side);
        }
        if points == 0 {
            return Err(AfError::Points);
        }
        for (class, ifs) in systems.as_ref().iter().enumerate() {
            with_det_probabilities(ifs.maps()).map_err(|_| AfError::Degenerate { class })?;
        }
        Ok(Self { systems, side, points, seed })
    }

    /// Render instance `instance` of `system` (class `class`) into `rgb` (`side² · 3` bytes) with
    /// the buffers of `ws` ([`Family::scratch_len`]). Returns the share of pixels the fractal covers
    /// (before the background goes under it).
    pub fn draw(
        &self,
        system: &Ifs2,
        class: usize,
        instance: u64,
        ws: &mut Workspace<'_>,
        rgb: &mut [u8],
    ) -> Result<f64, ShortWorkspace> {
        let side = self.side;
        let mut arena = ws.carve();
        let (counts, hits, rows) = (
            arena.take::<u32>(side * side)?,
            arena.take::<u32>(hits_len(side))?,
            arena.take::<u16>(blur_scratch_len(side))?,
        );
        let (trace, field, bits) = (
            arena.take::<f64>(2 * (self.points / PILOT))?,
            arena.take::<f32>(2 * field_len(side))?,
            arena.take::<u16>(background_bits_len(side))?,
        );
        let key = |p| instance_key(self.seed, class as u64, instance, p);
        let mut shape = key(Purpose::Shape).rng();
        let mut maps = [Affine2::default(); MAX_MAPS];
        jitter(&mut shape, system.maps(), &mut maps);
        let jittered = with_det_probabilities(&maps[..system.len()]).unwrap_or(*system);
        let mask = (key(Purpose::Patches).rng().next_u32() >> 23) as u16;
        let chains = chains(key(Purpose::Chain), self.points);
        let block = self.points / CHAINS;
        let stored = self.points / PILOT;
        let max = render_counts(
            &jittered,
            chains,
            block,
            stored,
            self.points,
            &mut shape,
            mask,
            side,
            counts,
            hits,
            trace,
        );
        let orientation = Orientation::sample(&mut shape);
        let colour = FractalColour::sample(&mut shape);
        let levels = background_levels(&mut shape, side, bits, field);
        let s = (1 << grid_exponent(side)) + 1;
        levels.paint(field.chunks_exact(s).take(side).map(|r| &r[..side]), rgb);
        let fractal = if max > 0 { composite(counts, max, orientation, &colour, side, rgb) } else { 0 };
        if unit_f64(&mut shape) > 0.5 {
            let kernel = gaussian_kernel_3(uniform_f64(&mut shape, 0.5, 1.0));
            gaussian_blur_3x3(rgb, side, kernel, rows);
        }
        Ok(fractal as f64 / (side * side) as f64)
    }
}

impl<C: AsRef<[Ifs2]>> Family for AndersonFarrell<C> {
    type Error = core::convert::Infallible;

    fn parts(&self) -> Parts {
        Parts::image(self.side, 3)
    }

    /// [`AndersonFarrell::draw`]'s working memory, in the order it takes it from a workspace: the
    /// hit counts (`side²`), the hits per cell ([`hits_len`]), the blur's row sums
    /// ([`blur_scratch_len`]), the pilot's points (`2·⌊points / PILOT⌋`), the diamond-square field
    /// and its scratch (twice [`field_len`], `f32`) and the background's draws
    /// ([`background_bits_len`]).
    fn scratch_len(&self) -> ScratchLen {
        let side = self.side;
        ScratchLen::NONE
            .and::<u32>(side * side)
            .and::<u32>(hits_len(side))
            .and::<u16>(blur_scratch_len(side))
            .and::<f64>(2 * (self.points / PILOT))
            .and::<f32>(2 * field_len(side))
            .and::<u16>(background_bits_len(side))
    }

    fn classes(&self) -> usize {
        self.systems.as_ref().len()
    }

    fn grouping(&self) -> Grouping {
        Grouping::LABELLED
    }

    /// [`AndersonFarrell::draw`] with the instance's streams.
    fn render_parts(
        &self,
        class: usize,
        instance: u64,
        ws: &mut Workspace<'_>,
        out: &mut [&mut [u8]],
    ) -> Result<Filled, RenderError<Self::Error>> {
        let system = self.systems.as_ref().get(class).ok_or(RenderError::Class)?;
        let len = self.side * self.side * 3;
        ws.held.trace = None;
        self.draw(system, class, instance, ws, output(out, 0, len)?)?;
        Ok(Filled::one(len))
    }

    /// `{class:05}_{instance:04}` (the reference renders on the fly and names no file).
    fn write_name(&self, class: usize, instance: u64, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        write!(out, "{class:05}_{instance:04}")
    }

    /// The class's number of maps.
    fn parameters(&self, class: usize, _instance: u64, visit: &mut dyn FnMut(&'static str, Parameter<'_>)) {
        if let Some(s) = self.systems.as_ref().get(class) {
            visit("maps", Parameter::Int(s.len() as u64));
        }
    }
}
