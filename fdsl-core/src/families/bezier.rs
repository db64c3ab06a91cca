//! Bezier curve images, **fdsl's reconstruction** of the Bezier-curve pre-training data of the
//! ACCV 2020 comparison (Kataoka et al., "Pre-training without Natural Images"), whose generator
//! was never published: a category is a random template of curves, an instance that template
//! jittered, moved and drawn with random widths and greys, white-ish on black.
//!
//! - Category, from its own stream ([`crate::families::drawn::category_key`], the dataset seed and the category, as RCDB's):
//!   `K = 1 + U{0, …, 7}` curves; per curve its degree `d = 2 + U{0, 1}` (quadratic or cubic), then its
//!   `d + 1` control points, `x, y ~ U(0, 1)` each, in the unit square.
//! - Instance, from its own stream ([`crate::families::drawn::instance_key`]): the translation `tx, ty ~ U(−0.1, 0.1)`; then
//!   per curve, each control point moved by `U(−0.05, 0.05)` per axis ([`JITTER`]), the line width
//!   `w ~ U(0.005, 0.02) · side` pixels ([`WIDTHS`]) and the grey `128 + U{0, …, 127}`.
//! - Drawing ([`draw_curve`]): control points `P_i = (p_i + t) · side` in pixels; the curve
//!   `B(s) = Σ_i C(d, i) (1 − s)^(d−i) s^i P_i` flattened at `s = k/n`, `k = 0..=n`, with
//!   `n = clamp(⌈L / 2⌉, 1, 512)` for the control polygon's length `L` (an upper bound of the
//!   curve's, so chords are at most 2 px); each chord a capsule of radius `w/2`: pixel `(x, y)` takes
//!   `max(its grey, the curve's)` when its centre `(x + ½, y + ½)` lies within `w/2` of the chord.
//!   Canvas cleared to 0; everything outside it is dropped.

use rand_core::Rng;

use crate::families::drawn::{Drawn, DrawnCategory};
use crate::family::Parameter;
use crate::math::stream::{Namespace, below, uniform_f64};
use crate::raster::canvas::Canvas;
use rand_pcg::Pcg32;

/// The most curves a template has.
pub const MAX_CURVES: usize = 8;
/// The largest magnitude of a control point coordinate in a category file (the drawn ones are in
/// [0, 1)).
pub const MAX_COORDINATE: f64 = 4.0;
/// Half the range of the per-axis jitter of a control point, a fraction of the side.
pub const JITTER: f64 = 0.05;
/// Half the range of the per-axis translation, a fraction of the side.
pub const TRANSLATION: f64 = 0.1;
/// The range of line widths, fractions of the side.
pub const WIDTHS: (f64, f64) = (0.005, 0.02);
/// The most chords a curve is flattened into.
pub const MAX_CHORDS: usize = 512;
/// The largest side.
pub const MAX_SIDE: usize = 1 << 14;

/// One curve of a template: degree 2 (three control points) or 3 (four).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Curve {
    /// 2 or 3.
    pub degree: u8,
    /// The control points, the first `degree + 1` used, in units of the side.
    pub points: [(f64, f64); 4],
}

impl Curve {
    /// The used control points.
    pub fn control(&self) -> &[(f64, f64)] {
        &self.points[..usize::from(self.degree.clamp(2, 3)) + 1]
    }
}

/// A Bezier category: its curves' template.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BezierCategory {
    /// Curves used (1 to [`MAX_CURVES`]).
    pub count: u8,
    /// The curves, the first `count` used.
    pub curves: [Curve; MAX_CURVES],
}

/// Why a Bezier category or family cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BezierError {
    /// No curve, or more than [`MAX_CURVES`].
    Count,
    /// A degree other than 2 or 3.
    Degree,
    /// A control point coordinate not finite or beyond ±[`MAX_COORDINATE`].
    Coordinate,
    /// The side is 0 or above [`MAX_SIDE`].
    Side,
}

impl core::fmt::Display for BezierError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Count => write!(f, "a Bezier category needs 1 to {MAX_CURVES} curves"),
            Self::Degree => f.write_str("a Bezier curve has degree 2 or 3 (3 or 4 control points)"),
            Self::Coordinate => write!(
                f,
                "control points must be finite and between -{MAX_COORDINATE} and {MAX_COORDINATE} (the drawn ones are in [0, 1))"
            ),
            Self::Side => write!(f, "Bezier images need a side from 1 to {MAX_SIDE} pixels"),
        }
    }
}

impl core::error::Error for BezierError {}

impl BezierCategory {
    /// The used curves.
    pub fn used(&self) -> &[Curve] {
        &self.curves[..usize::from(self.count).min(MAX_CURVES)]
    }

    /// Draw a template (see the module docs): the count, then per curve its degree and points.
    pub fn sample<R: Rng>(rng: &mut R) -> Self {
        let mut category = Self { count: 1 + below(rng, MAX_CURVES as u32) as u8, ..Self::default() };
        for curve in category.curves.iter_mut().take(usize::from(category.count)) {
            curve.degree = 2 + below(rng, 2) as u8;
            for p in curve.points.iter_mut().take(usize::from(curve.degree) + 1) {
                *p = (uniform_f64(rng, 0.0, 1.0), uniform_f64(rng, 0.0, 1.0));
            }
        }
        category
    }

    /// Check the values (categories read from files may hold anything).
    pub fn check(&self) -> Result<(), BezierError> {
        if !(1..=MAX_CURVES).contains(&usize::from(self.count)) {
            return Err(BezierError::Count);
        }
        for curve in self.used() {
            if !(2..=3).contains(&curve.degree) {
                return Err(BezierError::Degree);
            }
            let fine = |v: f64| (-MAX_COORDINATE..=MAX_COORDINATE).contains(&v);
            if !curve.control().iter().all(|&(x, y)| fine(x) && fine(y)) {
                return Err(BezierError::Coordinate);
            }
        }
        Ok(())
    }

    /// Draw one instance onto `out` (`side²` bytes, cleared to 0 first; panics when shorter) with the
    /// instance's stream (see the module docs for the draws and their order).
    pub fn draw<R: Rng>(&self, rng: &mut R, side: usize, out: &mut [u8]) -> Result<(), BezierError> {
        self.check()?;
        self.paint(rng, side, out);
        Ok(())
    }

    /// [`BezierCategory::draw`] of a checked category.
    fn paint<R: Rng>(&self, rng: &mut R, side: usize, out: &mut [u8]) {
        let out = &mut out[..side * side];
        out.fill(0);
        let s = side as f64;
        let t = (uniform_f64(rng, -TRANSLATION, TRANSLATION), uniform_f64(rng, -TRANSLATION, TRANSLATION));
        for curve in self.used() {
            let mut points = [(0.0, 0.0); 4];
            let n = curve.control().len();
            for (p, &(x, y)) in points.iter_mut().zip(curve.control()) {
                let (jx, jy) = (uniform_f64(rng, -JITTER, JITTER), uniform_f64(rng, -JITTER, JITTER));
                *p = ((x + jx + t.0) * s, (y + jy + t.1) * s);
            }
            let width = uniform_f64(rng, WIDTHS.0, WIDTHS.1) * s;
            let grey = 128 + below(rng, 128) as u8;
            draw_curve(&points[..n], width, grey, side, out);
        }
    }
}

/// The point at `s` of the Bezier curve of `control` (3 or 4 points; de Casteljau's repeated
/// interpolation, which is the Bernstein sum).
fn bezier_point(control: &[(f64, f64)], s: f64) -> (f64, f64) {
    let mut p = [(0.0, 0.0); 4];
    let n = control.len().min(4);
    p[..n].copy_from_slice(&control[..n]);
    for level in (1..n).rev() {
        for i in 0..level {
            p[i] = (p[i].0 + s * (p[i + 1].0 - p[i].0), p[i].1 + s * (p[i + 1].1 - p[i].1));
        }
    }
    p[0]
}

/// Draw the Bezier curve of `control` (pixel coordinates) `width` pixels wide in `grey` onto the
/// row-major `side × side` image `out` (panics when shorter than `side²`): flattened into chords,
/// each a capsule (see the module docs).
/// Nothing is drawn for non-finite points or width.
pub fn draw_curve(control: &[(f64, f64)], width: f64, grey: u8, side: usize, out: &mut [u8]) {
    if !(width.is_finite() && control.iter().all(|p| p.0.is_finite() && p.1.is_finite())) {
        return;
    }
    let length: f64 = control.windows(2).map(|w| libm::hypot(w[1].0 - w[0].0, w[1].1 - w[0].1)).sum();
    // `as` saturates; the clamp keeps 1..=512 chords.
    let chords = (libm::ceil(length / 2.0) as usize).clamp(1, MAX_CHORDS);
    let mut from = bezier_point(control, 0.0);
    for k in 1..=chords {
        let to = bezier_point(control, k as f64 / chords as f64);
        capsule(from, to, width / 2.0, grey, side, out);
        from = to;
    }
}

/// Pixels whose centres lie within `r` of the segment `a → b` take `max(pixel, grey)`.
fn capsule(a: (f64, f64), b: (f64, f64), r: f64, grey: u8, side: usize, out: &mut [u8]) {
    let s = side as f64;
    // The pixels of the capsule's bounding box, `first..end`, clamped to the canvas before the casts.
    let span = |lo: f64, hi: f64| {
        let first = libm::floor(lo - r - 0.5).clamp(0.0, s) as usize;
        let end = (libm::ceil(hi + r - 0.5) + 1.0).clamp(0.0, s) as usize;
        first..end
    };
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let columns = span(a.0.min(b.0), a.0.max(b.0));
    for y in span(a.1.min(b.1), a.1.max(b.1)) {
        let py = y as f64 + 0.5;
        for x in columns.clone() {
            let px = x as f64 + 0.5;
            // The nearest point of the segment: u = clamp((p − a)·(b − a) / |b − a|², 0, 1).
            let u =
                if len2 > 0.0 { (((px - a.0) * dx + (py - a.1) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
            let (ex, ey) = (px - a.0 - u * dx, py - a.1 - u * dy);
            if ex * ex + ey * ey <= r * r {
                let pixel = &mut out[y * side + x];
                *pixel = (*pixel).max(grey);
            }
        }
    }
}

/// The Bezier family: templates on `side × side` grey images, each instance from the stream of
/// (seed, class, instance) ([`crate::families::drawn::instance_key`]): its translation, jitters, widths, greys.
pub type Bezier<C> = Drawn<BezierCategory, C>;

impl DrawnCategory for BezierCategory {
    const NAMESPACE: Namespace = Namespace::Bezier;
    type Error = BezierError;

    fn check(&self) -> Result<(), BezierError> {
        BezierCategory::check(self)
    }

    fn check_side(side: usize) -> Result<(), BezierError> {
        if side == 0 || side > MAX_SIDE { Err(BezierError::Side) } else { Ok(()) }
    }

    /// [`BezierCategory::draw`].
    fn draw_instance(
        &self,
        rng: &mut Pcg32,
        canvas: &mut Canvas<'_>,
        _: &mut [u8],
    ) -> Result<(), BezierError> {
        let side = canvas.width();
        Self::check_side(side)?;
        self.draw(rng, side, canvas.pixels_mut())
    }

    /// The template's `curves` and its `control_points`, x then y of each point of each curve.
    fn parameters(&self, visit: &mut dyn FnMut(&'static str, Parameter<'_>)) {
        let c = self;
        visit("curves", Parameter::Int(u64::from(c.count)));
        let mut flat = [0.0; MAX_CURVES * 8];
        let mut n = 0;
        for &(x, y) in c.used().iter().flat_map(Curve::control) {
            flat[n] = x;
            flat[n + 1] = y;
            n += 2;
        }
        visit("control_points", Parameter::Floats(&flat[..n]));
    }
}
