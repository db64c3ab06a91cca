//! RCDB, the Radial Contour DataBase (Kataoka et al., CVPR 2022, `rcdb_render/make_rcdb.py`).
//!
//! A category is four numbers ([`RcdbCategory`]); an instance is an ellipse of `V` vertices,
//! `vertex_k = (cos θ_k · r0 · ox, sin θ_k · r0 · oy)` with `θ_k = 2πk / V`, pushed outward `L` times
//! by Perlin noise, each of the `L` contours drawn as a closed 1-px polygon in a random grey on white.

use crate::families::drawn::{Drawn, DrawnCategory};
use crate::family::Parameter;
use crate::math::perlin::pnoise1;
use crate::math::stream::{Namespace, below, uniform_f64, unit_f64};
use crate::raster::canvas::Canvas;
pub use crate::raster::contour::MAX_VERTICES;
use crate::raster::contour::{RadialContour, noise_argument};
use rand_core::Rng;
use rand_pcg::Pcg32;

/// The most contours an image may have (50 times the reference's 200: more is a typo, and an image
/// would take minutes).
pub const MAX_CONTOURS: u32 = 10_000;
/// The largest magnitude of the Perlin coefficient and of the line width (the reference draws them
/// below 4 and 0.1: past this, every contour leaves the canvas at once).
pub const MAX_OFFSET: f64 = 100.0;

/// The parameters of one RCDB category, drawn once per category and kept for all its instances.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RcdbCategory {
    /// `V`, vertices of every contour (3 to [`MAX_VERTICES`]).
    pub vertices: u32,
    /// `L`, contours per image (at least 1).
    pub contours: u32,
    /// `c`, the Perlin noise coefficient: a vertex moves by `pnoise1(·)·2c − c`.
    pub perlin_coefficient: f64,
    /// `lw`, the reference's "line width", really a constant outward offset per contour.
    pub line_width: f64,
}

/// The reference's drawing ranges (the `exe_rcdb_1k.sh` arguments).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RcdbRanges {
    /// Largest `V` (`vertex_num`, 200).
    pub max_vertices: u32,
    /// Largest `L` (200).
    pub max_contours: u32,
    /// Largest `c` (4).
    pub max_perlin_coefficient: f64,
    /// Largest `lw` (`line_width`, 0.1).
    pub max_line_width: f64,
    /// Largest start radius `r0` (100; the smallest is `radius_min`, 0).
    pub max_radius: u32,
    /// Largest oval rate `ox`, `oy` (`oval_rate`, 2; the smallest is 1).
    pub max_oval_rate: f64,
    /// The centre moves by up to this many pixels before halving (`start_pos`, 400).
    pub start_position: u32,
}

/// The ranges of RCDB-1k and RCDB-21k.
pub const REFERENCE_RANGES: RcdbRanges = RcdbRanges {
    max_vertices: 200,
    max_contours: 200,
    max_perlin_coefficient: 4.0,
    max_line_width: 0.1,
    max_radius: 100,
    max_oval_rate: 2.0,
    start_position: 400,
};

/// Why a category cannot be rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RcdbError {
    /// `V` outside 3 to [`MAX_VERTICES`].
    Vertices,
    /// `L` outside 1 to [`MAX_CONTOURS`].
    Contours,
    /// `c` or `lw` is NaN or infinite.
    NotFinite,
    /// `|c|` or `|lw|` exceeds [`MAX_OFFSET`].
    Offset,
}

impl core::fmt::Display for RcdbError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Vertices => "Vertex must be between 3 and 1024",
            Self::Contours => "Line_num must be between 1 and 10000 (the reference draws up to 200)",
            Self::NotFinite => "Perlin_noise and line_width must be finite numbers",
            Self::Offset => {
                "Perlin_noise and line_width must be between -100 and 100 (the reference draws them in [0, 4) and [0, 0.1))"
            }
        })
    }
}

impl core::error::Error for RcdbError {}

/// The starting ellipse of one instance, drawn anew for every instance.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ellipse {
    /// `r0`, uniform integer in `[0, max r]`.
    pub radius: f64,
    /// `(ox, oy)`, each `~ U(1, max oval)`.
    pub oval: (f64, f64),
    /// `((W + U{−s, …, s}) / 2, (H + U{−s, …, s}) / 2)`.
    pub centre: (f64, f64),
}

impl Ellipse {
    /// Draw an instance's ellipse for a `width × height` canvas, in the order r0, ox, oy, cx, cy.
    pub fn sample<R: Rng>(rng: &mut R, ranges: &RcdbRanges, width: usize, height: usize) -> Self {
        let radius = f64::from(below(rng, ranges.max_radius + 1));
        let oval = (uniform_f64(rng, 1.0, ranges.max_oval_rate), uniform_f64(rng, 1.0, ranges.max_oval_rate));
        let s = ranges.start_position;
        let mut centre = |side: usize| (side as f64 + f64::from(below(rng, 2 * s + 1)) - f64::from(s)) / 2.0;
        let centre = (centre(width), centre(height));
        Self { radius, oval, centre }
    }
}

impl RcdbCategory {
    /// Draw a category as the reference does: `V = ⌊Exponential(mean 100)⌋` drawn again until
    /// `2 < V ≤ max_vertices`; `L` uniform in `[1, max_contours]`; `c ~ U(0, max c)`; `lw ~ U(0, max lw)`.
    pub fn sample<R: Rng>(rng: &mut R, ranges: &RcdbRanges) -> Self {
        let vertices = loop {
            // Inverse CDF of the exponential law: −100 · ln(1 − u), u in [0, 1).
            let v = libm::floor(-100.0 * libm::log(1.0 - unit_f64(rng)));
            if v > 2.0 && v <= f64::from(ranges.max_vertices) {
                break v as u32;
            }
        };
        Self {
            vertices,
            contours: 1 + below(rng, ranges.max_contours),
            perlin_coefficient: uniform_f64(rng, 0.0, ranges.max_perlin_coefficient),
            line_width: uniform_f64(rng, 0.0, ranges.max_line_width),
        }
    }

    /// Check the values (categories read from files may hold anything).
    pub fn check(&self) -> Result<(), RcdbError> {
        if !(3..=MAX_VERTICES).contains(&self.vertices) {
            return Err(RcdbError::Vertices);
        }
        if !(1..=MAX_CONTOURS).contains(&self.contours) {
            return Err(RcdbError::Contours);
        }
        if !(self.perlin_coefficient.is_finite() && self.line_width.is_finite()) {
            return Err(RcdbError::NotFinite);
        }
        if self.perlin_coefficient.abs() > MAX_OFFSET || self.line_width.abs() > MAX_OFFSET {
            return Err(RcdbError::Offset);
        }
        Ok(())
    }

    /// Draw one instance onto `canvas` (cleared to white first) with the instance's own stream:
    /// `r0` uniform integer in `[0, max r]`, `ox, oy ~ U(1, max oval)`, centre
    /// `(W + U{−s, …, s}) / 2` per axis; then for each contour a grey `min(U{0, …, 256}, 255)` and, per
    /// vertex, `n_x = pnoise1(U(0, 10⁴))·2c − c` (the argument from 32 random bits) and `n_y` likewise, moving the vertex by
    /// `x −= cos θ·(n_x − lw)`, `y −= sin θ·(n_y − lw)` before the contour is drawn.
    pub fn draw<R: Rng>(
        &self,
        rng: &mut R,
        ranges: &RcdbRanges,
        canvas: &mut Canvas<'_>,
    ) -> Result<(), RcdbError> {
        self.check()?;
        canvas.fill(255);
        let (w, h) = (canvas.width(), canvas.height());
        let Ellipse { radius: r0, oval: (ox, oy), centre: (cx, cy) } = Ellipse::sample(rng, ranges, w, h);
        let mut contour = RadialContour::ellipse(self.vertices as usize, r0, (ox, oy));
        let c = self.perlin_coefficient;
        for _ in 0..self.contours {
            let grey = below(rng, 257).min(255) as u8;
            contour.push(|_| {
                let nx = pnoise1(noise_argument(rng)) * 2.0 * c - c;
                let ny = pnoise1(noise_argument(rng)) * 2.0 * c - c;
                (nx - self.line_width, ny - self.line_width)
            });
            contour.draw((cx, cy), grey, canvas);
        }
        Ok(())
    }
}

/// The RCDB family: categories drawn at the reference's ranges ([`REFERENCE_RANGES`]) on `side × side`
/// canvases, each instance from the stream of (seed, class, instance)
/// ([`crate::families::drawn::instance_key`]).
pub type Rcdb<C> = Drawn<RcdbCategory, C>;

impl DrawnCategory for RcdbCategory {
    const NAMESPACE: Namespace = Namespace::Rcdb;
    type Error = RcdbError;

    fn check(&self) -> Result<(), RcdbError> {
        RcdbCategory::check(self)
    }

    /// [`RcdbCategory::draw`] at [`REFERENCE_RANGES`].
    fn draw_instance(&self, rng: &mut Pcg32, canvas: &mut Canvas<'_>, _: &mut [u8]) -> Result<(), RcdbError> {
        self.draw(rng, &REFERENCE_RANGES, canvas)
    }

    /// `vertex_number`, `contour_number`, `perlin_coefficient`, `line_width`.
    fn parameters(&self, visit: &mut dyn FnMut(&'static str, Parameter<'_>)) {
        visit("vertex_number", Parameter::Int(u64::from(self.vertices)));
        visit("contour_number", Parameter::Int(u64::from(self.contours)));
        visit("perlin_coefficient", Parameter::Float(self.perlin_coefficient));
        visit("line_width", Parameter::Float(self.line_width));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::stream::{Namespace, Purpose, StreamKey};

    fn rng(category: u64, instance: u64, purpose: Purpose) -> rand_pcg::Pcg32 {
        StreamKey { seed: 0, namespace: Namespace::Rcdb, category, instance, purpose }.rng()
    }

    #[test]
    fn category_draws_follow_the_reference_laws() {
        let n = 20_000;
        let cats: [RcdbCategory; 20_000] = core::array::from_fn(|c| {
            RcdbCategory::sample(&mut rng(c as u64, 0, Purpose::Parameters), &REFERENCE_RANGES)
        });
        let mean = |f: &dyn Fn(&RcdbCategory) -> f64| cats.iter().map(f).sum::<f64>() / n as f64;
        assert!(cats.iter().all(|c| (3..=200).contains(&c.vertices) && (1..=200).contains(&c.contours)));
        assert!(
            cats.iter()
                .all(|c| (0.0..4.0).contains(&c.perlin_coefficient) && (0.0..0.1).contains(&c.line_width))
        );
        // ⌊Exp(mean 100)⌋ restricted to 3..=200: P(V = v) ∝ e^{−v/100} − e^{−(v+1)/100}.
        let (mut num, mut den) = (0.0, 0.0);
        for v in 3..=200 {
            let p = libm::exp(-f64::from(v) / 100.0) - libm::exp(-f64::from(v + 1) / 100.0);
            num += f64::from(v) * p;
            den += p;
        }
        let expected = num / den;
        let got = mean(&|c| f64::from(c.vertices));
        assert!((got - expected).abs() < 1.0, "mean V {got}, expected {expected}");
        assert!((mean(&|c| f64::from(c.contours)) - 100.5).abs() < 1.5);
        assert!((mean(&|c| c.perlin_coefficient) - 2.0).abs() < 0.03);
        assert!((mean(&|c| c.line_width) - 0.05).abs() < 0.001);
        assert!(cats.iter().any(|c| c.vertices == 3) && cats.iter().any(|c| c.vertices == 200));
    }

    #[test]
    fn instance_ellipses_follow_the_reference_laws() {
        let n = 20_000;
        let mut rng = rng(5, 0, Purpose::Shape);
        let (mut radius, mut ox, mut cx, mut radii) = (0.0, 0.0, 0.0, [0u32; 101]);
        let (mut lo, mut hi) = (f64::MAX, f64::MIN);
        for _ in 0..n {
            let e = Ellipse::sample(&mut rng, &REFERENCE_RANGES, 512, 512);
            radii[e.radius as usize] += 1;
            radius += e.radius / n as f64;
            ox += e.oval.0 / n as f64;
            cx += e.centre.0 / n as f64;
            assert!((1.0..2.0).contains(&e.oval.0) && (1.0..2.0).contains(&e.oval.1));
            lo = lo.min(e.centre.1);
            hi = hi.max(e.centre.1);
        }
        assert!((radius - 50.0).abs() < 0.6 && (ox - 1.5).abs() < 0.01 && (cx - 256.0).abs() < 2.5);
        assert!(radii.iter().all(|&c| (130..270).contains(&c)), "r0 uniform on 0..=100");
        assert_eq!((lo, hi), (56.0, 456.0), "centre (512 ± 400) / 2");
    }

    #[test]
    fn instances_draw_grey_contours_on_white() {
        let cat = RcdbCategory { vertices: 50, contours: 20, perlin_coefficient: 2.0, line_width: 0.05 };
        let mut a = [0u8; 128 * 128];
        let mut canvas = Canvas::new(&mut a, 128, 128).unwrap();
        let ranges = RcdbRanges { max_radius: 20, start_position: 40, ..REFERENCE_RANGES };
        cat.draw(&mut rng(1, 7, Purpose::Shape), &ranges, &mut canvas).unwrap();
        let drawn = canvas.pixels().iter().filter(|&&v| v != 255).count();
        assert!(drawn > 200, "{drawn}");
        let mut b = [0u8; 128 * 128];
        cat.draw(&mut rng(1, 7, Purpose::Shape), &ranges, &mut Canvas::new(&mut b, 128, 128).unwrap())
            .unwrap();
        assert_eq!(a, b);
        let bad = RcdbCategory { vertices: 2, ..cat };
        assert_eq!(
            bad.draw(&mut rng(1, 7, Purpose::Shape), &ranges, &mut Canvas::new(&mut b, 128, 128).unwrap()),
            Err(RcdbError::Vertices)
        );
        let nan = RcdbCategory { perlin_coefficient: f64::NAN, ..cat };
        assert_eq!(nan.check(), Err(RcdbError::NotFinite));
        assert_eq!(RcdbCategory { contours: 10_001, ..cat }.check(), Err(RcdbError::Contours));
        assert_eq!(RcdbCategory { line_width: -100.5, ..cat }.check(), Err(RcdbError::Offset));
        assert_eq!(RcdbCategory { perlin_coefficient: 100.0, contours: 10_000, ..cat }.check(), Ok(()));
    }
}
