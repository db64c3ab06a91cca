//! Radial contours, the drawing RCDB ([`crate::families::rcdb`]) and VisualAtom ([`crate::families::visual_atom`]) share:
//! a closed polygon of `V` vertices, vertex `k` on the ray of angle `θ_k = 2πk / V` from a centre,
//! starting on an ellipse and pushed along its ray before each contour is drawn as a closed 1-px
//! polyline (PIL's `ImageDraw.line(width=1)`, [`crate::raster::pil_line::line_pixels`]).

use crate::math::stream::unit_f64_from_u32;
use crate::raster::canvas::Canvas;
use crate::raster::pil_line::line_pixels;
use rand_core::Rng;

/// The most vertices a contour may have.
pub const MAX_VERTICES: u32 = 1024;

/// A noise argument `U(0, 10⁴)` from one 32-bit draw: the references' `random.uniform(0, 10000)`
/// for `pnoise1` (which they pass as a C `float`, so 32 bits are more than it resolves).
#[inline(always)]
pub fn noise_argument<R: Rng>(rng: &mut R) -> f64 {
    unit_f64_from_u32(rng) * 10_000.0
}

/// `θ_k = 2πk / V`, the angle of vertex `k`'s ray.
#[inline(always)]
pub fn angle(k: usize, vertices: usize) -> f64 {
    2.0 * core::f64::consts::PI * k as f64 / vertices as f64
}

/// A radial contour: per vertex its ray direction `(cos θ_k, sin θ_k)` and its position relative
/// to the centre.
#[derive(Clone)]
pub struct RadialContour {
    vertices: usize,
    directions: [(f64, f64); MAX_VERTICES as usize],
    points: [(f64, f64); MAX_VERTICES as usize],
}

impl RadialContour {
    /// The ellipse `(cos θ_k · r · ox, sin θ_k · r · oy)`, `θ_k = 2πk / V`, of `vertices` vertices
    /// (at most [`MAX_VERTICES`]; callers check).
    pub fn ellipse(vertices: usize, radius: f64, oval: (f64, f64)) -> Self {
        Self::ellipse_at(vertices, radius, oval, (0.0, 0.0), |k| angle(k, vertices))
    }

    /// The ellipse `(cos θ_k · r · ox + cx, sin θ_k · r · oy + cy)` with the rays `θ_k = theta(k)`,
    /// in that order of operations (SegRCDB's reference places its vertices at the centre at once;
    /// a centre of 0 adds nothing: `v + 0.0 = v`).
    pub fn ellipse_at(
        vertices: usize,
        radius: f64,
        (ox, oy): (f64, f64),
        (cx, cy): (f64, f64),
        theta: impl Fn(usize) -> f64,
    ) -> Self {
        let vertices = vertices.min(MAX_VERTICES as usize);
        let mut contour = Self {
            vertices,
            directions: [(0.0, 0.0); MAX_VERTICES as usize],
            points: [(0.0, 0.0); MAX_VERTICES as usize],
        };
        for (k, (d, p)) in
            contour.directions.iter_mut().zip(contour.points.iter_mut()).take(vertices).enumerate()
        {
            let theta = theta(k);
            *d = (libm::cos(theta), libm::sin(theta));
            *p = (d.0 * radius * ox + cx, d.1 * radius * oy + cy);
        }
        contour
    }

    /// The vertices, relative to the centre given at drawing.
    pub fn points(&self) -> &[(f64, f64)] {
        &self.points[..self.vertices]
    }

    /// The number of vertices.
    pub fn vertices(&self) -> usize {
        self.vertices
    }

    /// Move each vertex `k` against its ray by `offset(k) = (s_x, s_y)`, in vertex order:
    /// `x_k −= cos θ_k · s_x`, `y_k −= sin θ_k · s_y`.
    #[inline]
    pub fn push(&mut self, mut offset: impl FnMut(usize) -> (f64, f64)) {
        let n = self.vertices;
        for (k, (d, p)) in self.directions.iter().zip(self.points.iter_mut()).take(n).enumerate() {
            let (sx, sy) = offset(k);
            p.0 -= d.0 * sx;
            p.1 -= d.1 * sy;
        }
    }

    /// Draw the closed polyline through the vertices, translated by `centre`, in `grey`: the
    /// segments from vertex `V − 1` to 0, then 0 to 1, …, each PIL's 1-px line.
    #[inline]
    pub fn draw(&self, (cx, cy): (f64, f64), grey: u8, canvas: &mut Canvas<'_>) {
        let Some(last) = self.vertices.checked_sub(1) else { return };
        let (w, h) = (canvas.width(), canvas.height());
        let pixels = canvas.pixels_mut();
        let mut from = (self.points[last].0 + cx, self.points[last].1 + cy);
        for p in &self.points[..self.vertices] {
            let to = (p.0 + cx, p.1 + cy);
            line_pixels(from, to, w, h, |i| pixels[i] = grey);
            from = to;
        }
    }
}
