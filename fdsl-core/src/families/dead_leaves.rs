//! Dead leaves (Baradad et al., "Learning to See by Looking at Noise", NeurIPS 2021): opaque shapes
//! of uniform random colour and power-law radius painted one on top of another until the image is
//! covered, as mbaradad/learning_with_noise `generate_datasets/dead_leaves/generate_dataset.py`,
//! `dead_leaves(res, sigma=3, shape_mode, max_iters=5000)` paints them (its untextured variants).
//!
//! Per leaf, in the reference's order of draws: the shape (`mixed` only: one of six, uniformly),
//! the colour `int(U(0,1)·255)` per channel, the radius (inverse CDF of [`RadiusLaw`] times the
//! side, truncated, at least 1), the centre `int(U(0, side))` for x then y, then the shape's own
//! draws. Each new leaf is painted on top; painting stops once no pixel is black — a leaf coloured
//! (0, 0, 0) counts as uncovered, as the reference tests `img.sum(-1) == 0` — or after 5,000
//! leaves. Pixels are OpenCV 4.x's ([`crate::raster::opencv_fill`]). The draws come from fdsl's keyed
//! streams, not NumPy's Mersenne Twister: the laws are the reference's, not its images.
//!
//! The source is unlabelled: the family has one class, instance `i` is image `i`.

use rand_core::Rng;

use crate::family::{Family, Filled, Grouping, Parameter, Parts, RenderError, ScratchLen, Workspace, output};
use crate::math::stream::{Namespace, Purpose, StreamKey, below, uniform_f64, unit_f64};
use crate::raster::opencv_fill::{fill_circle, fill_poly};
use core::convert::Infallible;

/// The most leaves one image gets (`max_iters`).
pub const MAX_LEAVES: usize = 5000;
/// Radius bins of the law (`k = 200`).
pub const RADIUS_BINS: usize = 200;
/// Smallest and largest radius, as fractions of the side (`rmin`, `rmax`).
pub const RADIUS_RANGE: (f64, f64) = (0.03, 1.0);
/// The exponent of the radius density `r^−σ − rmax^−σ` (`sigma = 3` in `generate_dataset`).
pub const SIGMA: f64 = 3.0;

/// Which shapes leaves have (the reference's `--shape-model`; in specs `squares`, `oriented`, `mixed`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "lowercase"))]
pub enum ShapeModel {
    /// Axis-aligned squares (`square`).
    Squares,
    /// Squares rotated by a uniform angle (`oriented_square`).
    Oriented,
    /// Each leaf one of six shapes, uniformly (`mixed`).
    Mixed,
}

/// One leaf's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeafShape {
    /// A filled circle (`cv2.circle`).
    Circle,
    /// An axis-aligned square inscribed in the radius.
    Square,
    /// A square rotated by θ ~ U(0, 2π).
    OrientedSquare,
    /// An axis-aligned rectangle inscribed in the radius, corner angle a ~ U(0, π/2).
    Rectangle,
    /// Three sorted angles ~ U(0, 2π) on the radius circle.
    Triangle,
    /// Four sorted angles ~ U(0, 2π) on the radius circle (`quadrilater`).
    Quadrilateral,
}

/// `available_shapes`, in the reference's order (`random.choice` picks an index).
const MIXED: [LeafShape; 6] = [
    LeafShape::Circle,
    LeafShape::Square,
    LeafShape::OrientedSquare,
    LeafShape::Rectangle,
    LeafShape::Triangle,
    LeafShape::Quadrilateral,
];

/// One painted leaf, for statistics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leaf {
    /// Its shape.
    pub shape: LeafShape,
    /// Its radius in pixels.
    pub radius: u32,
    /// Its colour, R, G, B.
    pub color: [u8; 3],
}

/// The radius law on its 200-bin grid: `r_i = 0.03 + i · 0.97/199` (NumPy's `linspace`, the last
/// exactly 1) and the normalised cumulative sum of `r_i^−3 − 1` (`r**sigma` as `pow`).
#[derive(Clone, Debug, PartialEq)]
pub struct RadiusLaw {
    /// The radii, fractions of the side.
    pub radii: [f64; RADIUS_BINS],
    /// The cumulative distribution, its maximum 1.
    pub cdf: [f64; RADIUS_BINS],
}

impl RadiusLaw {
    /// The reference's table.
    pub fn new() -> Self {
        let (start, stop) = RADIUS_RANGE;
        let step = (stop - start) / (RADIUS_BINS - 1) as f64;
        let mut radii: [f64; RADIUS_BINS] = core::array::from_fn(|i| i as f64 * step + start);
        radii[RADIUS_BINS - 1] = stop;
        let tail = 1.0 / libm::pow(stop, SIGMA);
        let (mut cdf, mut sum) = ([0.0; RADIUS_BINS], 0.0);
        for (c, &r) in cdf.iter_mut().zip(&radii) {
            sum += 1.0 / libm::pow(r, SIGMA) - tail;
            *c = sum;
        }
        let max = cdf.iter().copied().fold(f64::MIN, f64::max);
        cdf.iter_mut().for_each(|c| *c /= max);
        Self { radii, cdf }
    }

    /// The bin of `u`: `argmin |cdf − u|`, the first of equals (NumPy's `argmin`), found by
    /// bisection (the CDF does not decrease).
    pub fn bin(&self, u: f64) -> usize {
        let k = self.cdf.partition_point(|&c| c < u).min(RADIUS_BINS - 1);
        let mut best =
            if k > 0 && (u - self.cdf[k - 1]).abs() <= (self.cdf[k] - u).abs() { k - 1 } else { k };
        while best > 0 && self.cdf[best - 1] == self.cdf[best] {
            best -= 1;
        }
        best
    }

    /// The radius in pixels of `u` on a `side`-pixel image: `max(int(r · side), 1)`.
    pub fn radius(&self, u: f64, side: usize) -> u32 {
        ((self.radii[self.bin(u)] * side as f64) as u32).max(1)
    }
}

impl Default for RadiusLaw {
    fn default() -> Self {
        Self::new()
    }
}

/// Paint one dead-leaves image into `out` (`side × side × 3` bytes, R G B), its leaves drawn from
/// `rng`; `visit` sees each leaf. Returns the number of leaves painted.
pub fn paint<R: Rng>(
    model: ShapeModel,
    law: &RadiusLaw,
    side: usize,
    rng: &mut R,
    out: &mut [u8],
    mut visit: impl FnMut(&Leaf),
) -> usize {
    let out = &mut out[..side * side * 3];
    out.fill(0);
    let mut uncovered = side * side;
    for painted in 1..=MAX_LEAVES {
        let shape = match model {
            ShapeModel::Squares => LeafShape::Square,
            ShapeModel::Oriented => LeafShape::OrientedSquare,
            ShapeModel::Mixed => MIXED[below(rng, 6) as usize],
        };
        let color: [u8; 3] = core::array::from_fn(|_| (unit_f64(rng) * 255.0) as u8);
        let radius = law.radius(unit_f64(rng), side);
        let center = (uniform_f64(rng, 0.0, side as f64) as i32, uniform_f64(rng, 0.0, side as f64) as i32);
        let black = color == [0; 3];
        let mut run = |y: usize, x0: usize, x1: usize| {
            for pixel in out[(y * side + x0) * 3..(y * side + x1 + 1) * 3].chunks_exact_mut(3) {
                let was_black = pixel == [0; 3];
                pixel.copy_from_slice(&color);
                uncovered = uncovered + usize::from(black) - usize::from(was_black);
            }
        };
        match leaf_corners(shape, radius, center, rng) {
            Corners::Circle => fill_circle(center, radius, side, side, &mut run),
            Corners::Three(v) => fill_poly(&v, side, side, &mut run),
            Corners::Four(v) => fill_poly(&v, side, side, &mut run),
        }
        visit(&Leaf { shape, radius, color });
        if uncovered == 0 {
            return painted;
        }
    }
    MAX_LEAVES
}

/// A leaf's outline: a circle, or a polygon's integer vertices.
enum Corners {
    Circle,
    Three([(i32, i32); 3]),
    Four([(i32, i32); 4]),
}

/// The vertices the reference hands `cv2.fillPoly` (NumPy's `int32` casts truncate toward zero),
/// drawing the shape's own variates from `rng`.
fn leaf_corners<R: Rng>(shape: LeafShape, radius: u32, center: (i32, i32), rng: &mut R) -> Corners {
    let r = f64::from(radius);
    let shifted = |(x, y): (i32, i32)| (center.0 + x, center.1 + y);
    let offset = |(x, y): (f64, f64)| ((f64::from(center.0) + x) as i32, (f64::from(center.1) + y) as i32);
    match shape {
        LeafShape::Circle => Corners::Circle,
        LeafShape::Square | LeafShape::OrientedSquare => {
            // corners (±side/2, ±side/2), side = r·√2, cast to int32 before any rotation.
            let h = (r * libm::sqrt(2.0) / 2.0) as i32;
            let square = [(-h, -h), (h, -h), (h, h), (-h, h)];
            if shape == LeafShape::Square {
                return Corners::Four(square.map(shifted));
            }
            let theta = uniform_f64(rng, 0.0, 2.0 * core::f64::consts::PI);
            let (c, s) = (libm::cos(theta), libm::sin(theta));
            Corners::Four(square.map(|(x, y)| {
                let (x, y) = (f64::from(x), f64::from(y));
                offset((c * x - s * y, s * x + c * y))
            }))
        }
        LeafShape::Rectangle => {
            let a = uniform_f64(rng, 0.0, 0.5 * core::f64::consts::PI);
            let (x, y) = ((r * libm::cos(a)) as i32, (r * libm::sin(a)) as i32);
            Corners::Four([(x, y), (x, -y), (-x, -y), (-x, y)].map(shifted))
        }
        LeafShape::Triangle => Corners::Three(on_circle(r, rng).map(offset)),
        LeafShape::Quadrilateral => Corners::Four(on_circle(r, rng).map(offset)),
    }
}

/// `N` sorted angles ~ U(0, 2π) as points on the circle of radius `r`.
fn on_circle<const N: usize, R: Rng>(r: f64, rng: &mut R) -> [(f64, f64); N] {
    let mut angles: [f64; N] = core::array::from_fn(|_| uniform_f64(rng, 0.0, 2.0 * core::f64::consts::PI));
    angles.sort_unstable_by(f64::total_cmp);
    angles.map(|a| (r * libm::cos(a), r * libm::sin(a)))
}

/// The stream of image `instance`.
pub fn instance_key(seed: u64, instance: u64) -> StreamKey {
    StreamKey { seed, namespace: Namespace::DeadLeaves, category: 0, instance, purpose: Purpose::Shape }
}

/// Why a dead-leaves family cannot be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeadLeavesError {
    /// The side is 0 or above [`MAX_SIDE`].
    Side,
}

impl core::fmt::Display for DeadLeavesError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "dead leaves images need a side from 1 to {MAX_SIDE} pixels")
    }
}

impl core::error::Error for DeadLeavesError {}

/// The largest side: OpenCV's coordinates stay far inside 32 bits.
pub const MAX_SIDE: usize = 1 << 16;

/// The dead-leaves family: one unlabelled class of `side × side` RGB images, image `i` from the
/// stream `(seed, 0, i)` ([`instance_key`]). Images share no work.
#[derive(Clone, Debug)]
pub struct DeadLeaves {
    model: ShapeModel,
    side: usize,
    seed: u64,
    law: RadiusLaw,
}

impl DeadLeaves {
    /// The family of `model` leaves on `side × side` images, seeded by `seed`.
    pub fn new(model: ShapeModel, side: usize, seed: u64) -> Result<Self, DeadLeavesError> {
        if side == 0 || side > MAX_SIDE {
            return Err(DeadLeavesError::Side);
        }
        Ok(Self { model, side, seed, law: RadiusLaw::new() })
    }

    /// Paint image `instance` into `out` (at least `side² · 3` bytes), `visit` seeing each leaf;
    /// returns the number of leaves painted (at most [`MAX_LEAVES`]).
    pub fn paint_image(
        &self,
        instance: u64,
        out: &mut [u8],
        visit: impl FnMut(&Leaf),
    ) -> Result<usize, RenderError<Infallible>> {
        let need = self.side * self.side * 3;
        let out = out.get_mut(..need).ok_or(RenderError::Output { part: 0, needed: need })?;
        let mut rng = instance_key(self.seed, instance).rng();
        Ok(paint(self.model, &self.law, self.side, &mut rng, out, visit))
    }
}

impl Family for DeadLeaves {
    type Error = Infallible;

    fn parts(&self) -> Parts {
        Parts::image(self.side, 3)
    }

    fn scratch_len(&self) -> ScratchLen {
        ScratchLen::NONE
    }

    fn classes(&self) -> usize {
        1
    }

    fn grouping(&self) -> Grouping {
        Grouping::LABELLED
    }

    /// [`DeadLeaves::paint_image`] of `instance` (class 0 only).
    fn render_parts(
        &self,
        class: usize,
        instance: u64,
        _: &mut Workspace<'_>,
        out: &mut [&mut [u8]],
    ) -> Result<Filled, RenderError<Self::Error>> {
        if class != 0 {
            return Err(RenderError::Class);
        }
        let need = self.side * self.side * 3;
        self.paint_image(instance, output(out, 0, need)?, |_| ())?;
        Ok(Filled::one(need))
    }

    /// The reference's file stem: the index, zero-padded to 10.
    fn write_name(&self, _class: usize, instance: u64, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        write!(out, "{instance:010}")
    }

    /// Nothing beyond the instance: every image has the family's settings.
    fn parameters(&self, _class: usize, _instance: u64, _visit: &mut dyn FnMut(&'static str, Parameter<'_>)) {
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_radius_table_is_numpys() {
        // Values of NumPy 2.4's `linspace(0.03, 1, 200)` and normalised `cumsum(1/r**3 - 1)` (the
        // whole tables: `tests/dead_leaves.rs`), and the tie at the top.
        let law = RadiusLaw::new();
        assert_eq!(law.radii[1], 0.03487437185929648);
        assert_eq!(law.cdf[0], 0.2770442061704163);
        assert_eq!(law.cdf[197], 0.9999998895382016);
        assert_eq!((law.cdf[198], law.cdf[199]), (1.0, 1.0));
    }

    #[test]
    fn bins_are_the_first_argmin() {
        let law = RadiusLaw::new();
        let mut rng = instance_key(1, 2).rng();
        for k in 0..20_000 {
            let u = if k < 200 { law.cdf[k % 200] } else { unit_f64(&mut rng) };
            let mut best = 0;
            for i in 1..RADIUS_BINS {
                if (law.cdf[i] - u).abs() < (law.cdf[best] - u).abs() {
                    best = i;
                }
            }
            assert_eq!(law.bin(u), best, "u = {u}");
        }
        assert_eq!(law.bin(0.999_999_99), 198); // the top tie goes to the first: radius 0.995, not 1
    }
}
