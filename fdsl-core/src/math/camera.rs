//! Perspective projection of 3-D points onto a pixel grid, as the ExFractalDB / MV-FractalDB
//! renderer's OpenGL pipeline does it (`image_render/render.py`): `glm.lookAt` at the origin,
//! `glm.perspective(45°, 1, near 1, far 100)`, 1-px points, white on black.

use crate::math::stream::{uniform_f64, unit_f64};
use crate::raster::canvas::Canvas;
use rand_core::Rng;

type V3 = [f64; 3];

fn sub(a: V3, b: V3) -> V3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

fn dot(a: V3, b: V3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn cross(a: V3, b: V3) -> V3 {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}

fn normalised(a: V3) -> V3 {
    let n = libm::sqrt(dot(a, a));
    [a[0] / n, a[1] / n, a[2] / n]
}

/// The camera's distance from the origin in both references.
pub const DISTANCE: f64 = 4.0;
/// Vertical field of view, degrees.
pub const FIELD_OF_VIEW: f64 = 45.0;
/// Near and far clipping distances.
pub const NEAR_FAR: (f64, f64) = (1.0, 100.0);

/// A pinhole camera looking at the origin.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Camera {
    eye: V3,
    side: V3,
    up: V3,
    forward: V3,
    focal: f64,
}

impl Camera {
    /// `glm.lookAt(eye, origin, up)` with `glm.perspective(45°, 1, 1, 100)`: `forward` from the eye to
    /// the origin, `side = forward × up`, `up' = side × forward` (all unit length).
    pub fn looking_at_origin(eye: V3, up: V3) -> Self {
        let forward = normalised(sub([0.0; 3], eye));
        let side = normalised(cross(forward, up));
        let up = cross(side, forward);
        let focal = 1.0 / libm::tan(FIELD_OF_VIEW.to_radians() / 2.0);
        Self { eye, side, up, forward, focal }
    }

    /// MV-FractalDB's view `k` of `views`: the camera circles the Y axis at distance 4,
    /// `α = 2πk / views + 30° + jitter`, eye `−4·(cos α, 0, −sin α)`, up +Y. The reference's jitter is
    /// `radians(U(−π, π))`, i.e. ±π *degrees*; `jitter_degrees` is that draw.
    pub fn mv_view(k: u32, views: u32, jitter_degrees: f64) -> Self {
        let alpha = 2.0 * core::f64::consts::PI * f64::from(k) / f64::from(views)
            + 30f64.to_radians()
            + jitter_degrees.to_radians();
        let direction = [libm::cos(alpha), 0.0, -libm::sin(alpha)];
        Self::looking_at_origin(direction.map(|d| -d * DISTANCE), [0.0, 1.0, 0.0])
    }

    /// MV-FractalDB's view with its jitter drawn from `rng`: `U(−π, π)` degrees.
    pub fn mv_view_jittered<R: Rng>(k: u32, views: u32, rng: &mut R) -> Self {
        let pi = core::f64::consts::PI;
        Self::mv_view(k, views, uniform_f64(rng, -pi, pi))
    }

    /// ExFractalDB's random viewpoint: the eye uniform on the sphere of radius 4 (`z ~ U(−1, 1)`,
    /// `φ ~ U(0, 2π)`), up +Y, or +Z when the eye is within 2.6° of the Y axis.
    pub fn on_sphere<R: Rng>(rng: &mut R) -> Self {
        let z = uniform_f64(rng, -1.0, 1.0);
        let phi = 2.0 * core::f64::consts::PI * unit_f64(rng);
        let r = libm::sqrt((1.0 - z * z).max(0.0));
        let direction = [r * libm::cos(phi), r * libm::sin(phi), z];
        let up = if libm::fabs(direction[1]) > 0.999 { [0.0, 0.0, 1.0] } else { [0.0, 1.0, 0.0] };
        Self::looking_at_origin(direction.map(|d| d * DISTANCE), up)
    }

    /// The pixel `(column, row)` of `p` on a `width × height` grid, `None` when it is clipped
    /// (outside the view or the near/far range, or not finite). As the reference saves OpenGL's
    /// framebuffer without flipping it, row 0 is the bottom of the view.
    pub fn pixel(&self, p: [f32; 3], width: usize, height: usize) -> Option<(usize, usize)> {
        let d = sub(p.map(f64::from), self.eye);
        let depth = dot(d, self.forward);
        if !(depth >= NEAR_FAR.0 && depth <= NEAR_FAR.1) {
            return None;
        }
        let x = self.focal * dot(d, self.side) / depth;
        let y = self.focal * dot(d, self.up) / depth;
        let column = (x + 1.0) / 2.0 * width as f64;
        let row = (y + 1.0) / 2.0 * height as f64;
        if !(column >= 0.0 && column < width as f64 && row >= 0.0 && row < height as f64) {
            return None;
        }
        Some((column as usize, row as usize))
    }

    /// Draw `points` as white (255) pixels on `canvas` (not cleared). All points have one colour, so
    /// the reference's depth test changes nothing and is not needed.
    pub fn draw(&self, points: &[[f32; 3]], canvas: &mut Canvas<'_>) {
        let (w, h) = (canvas.width(), canvas.height());
        for &p in points {
            if let Some((x, y)) = self.pixel(p, w, h) {
                canvas.set(x, y, 255);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_origin_projects_to_the_centre_and_offsets_go_the_right_way() {
        let cam = Camera::mv_view(0, 12, -30.0); // α = 0: eye at (−4, 0, 0), looking along +x
        assert_eq!(cam.pixel([0.0; 3], 224, 224), Some((112, 112)));
        let (_, up_row) = cam.pixel([0.0, 0.5, 0.0], 224, 224).unwrap();
        assert!(up_row > 112, "row 0 is the bottom: +Y goes to higher rows");
        // The edge of the field of view at the origin's depth: tan(22.5°)·4 ≈ 1.657.
        assert!(cam.pixel([0.0, 1.6, 0.0], 224, 224).is_some());
        assert!(cam.pixel([0.0, 1.7, 0.0], 224, 224).is_none());
        // Behind the near plane, or not finite.
        assert!(cam.pixel([-3.5, 0.0, 0.0], 224, 224).is_none());
        assert!(cam.pixel([f32::NAN, 0.0, 0.0], 224, 224).is_none());
    }

    #[test]
    fn views_circle_the_y_axis_and_sphere_views_cover_the_sphere() {
        for k in 0..12 {
            let cam = Camera::mv_view(k, 12, 0.0);
            assert!((libm::sqrt(dot(cam.eye, cam.eye)) - 4.0).abs() < 1e-12 && cam.eye[1] == 0.0);
            assert!((dot(cam.up, [0.0, 1.0, 0.0]) - 1.0).abs() < 1e-12);
        }
        let mut rng = crate::math::stream::StreamKey {
            seed: 0,
            namespace: crate::math::stream::Namespace::ExFractalDb,
            category: 0,
            instance: 0,
            purpose: crate::math::stream::Purpose::Shape,
        }
        .rng();
        let mut octants = [0u32; 8];
        for _ in 0..8000 {
            let cam = Camera::on_sphere(&mut rng);
            assert!((libm::sqrt(dot(cam.eye, cam.eye)) - 4.0).abs() < 1e-9);
            let (x, y) = cam.pixel([0.0; 3], 100, 100).unwrap();
            assert!((49..=50).contains(&x) && (49..=50).contains(&y), "{x} {y}");
            let o = usize::from(cam.eye[0] > 0.0)
                | usize::from(cam.eye[1] > 0.0) << 1
                | usize::from(cam.eye[2] > 0.0) << 2;
            octants[o] += 1;
        }
        assert!(octants.iter().all(|&n| (850..1150).contains(&n)), "{octants:?}");
    }
}
