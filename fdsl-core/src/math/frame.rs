//! The reference's normalisation of a chaos-game point set onto the pixel grid.
//!
//! `ifs_function.__rescale` of FractalDB: over all kept points (the origin and the transient
//! included) each axis alone is shifted to start at 0 and scaled to the canvas minus a padding,
//! `px = trunc((x − min x) / (max x − min x) · (W − 2·pad) + pad)`, the same for y with H.
//! The aspect ratio is not kept.
//!
//! Divergent systems: the reference drops the first NaN point, every point after it, and the 100
//! points before it. We do the same with the first non-finite (NaN or infinite) point, since a
//! non-finite coordinate stays non-finite under any affine map. A point whose pixel is not inside
//! the canvas (possible only when the extent itself overflows) is not drawn.

use crate::math::chaos_game::ChaosGame;
use crate::math::ifs::Ifs2;
use rand_core::Rng;

/// The padding of the reference renderer, in pixels, on every side.
pub const REFERENCE_PAD: u32 = 6;

/// How many points before a divergence the reference also drops.
pub const DIVERGENCE_MARGIN: usize = 100;

/// Axis-aligned bounds of a point set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    /// Smallest x.
    pub min_x: f64,
    /// Largest x.
    pub max_x: f64,
    /// Smallest y.
    pub min_y: f64,
    /// Largest y.
    pub max_y: f64,
}

impl Bounds {
    /// No point yet: every minimum `+∞`, every maximum `−∞`.
    pub const EMPTY: Self = Self {
        min_x: f64::INFINITY,
        max_x: f64::NEG_INFINITY,
        min_y: f64::INFINITY,
        max_y: f64::NEG_INFINITY,
    };

    /// Widen the bounds to hold `(x, y)`.
    #[inline(always)]
    pub fn include(&mut self, (x, y): (f64, f64)) {
        self.min_x = self.min_x.min(x);
        self.max_x = self.max_x.max(x);
        self.min_y = self.min_y.min(y);
        self.max_y = self.max_y.max(y);
    }

    /// The bounds of `points`.
    pub fn of(points: impl IntoIterator<Item = (f64, f64)>) -> Self {
        let mut b = Self::EMPTY;
        points.into_iter().for_each(|p| b.include(p));
        b
    }
}

/// The points of a chaos game that the reference keeps, and their bounds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scan {
    /// The first `kept` points of the sequence are kept (all finite).
    pub kept: usize,
    /// Their bounds (meaningless when `kept == 0`).
    pub bounds: Bounds,
}

impl Scan {
    /// Scan the first `points` points of the chaos game of `ifs` under `rng`: find the first
    /// non-finite point `k`; keep `points` points if there is none, else `max(k − 100, 0)`.
    /// A divergent chain is run a second time to bound only what is kept.
    pub fn chaos_game<R: Rng + Clone>(ifs: &Ifs2, rng: &R, points: usize) -> Self {
        let mut bounds = Bounds::EMPTY;
        let mut kept = points;
        for (k, p) in ChaosGame::new(ifs, rng.clone()).take(points).enumerate() {
            if !(p.0.is_finite() && p.1.is_finite()) {
                kept = k.saturating_sub(DIVERGENCE_MARGIN);
                break;
            }
            bounds.include(p);
        }
        if kept < points {
            bounds = Bounds::of(ChaosGame::new(ifs, rng.clone()).take(kept));
        }
        Self { kept, bounds }
    }
}

/// One axis of the normalisation: `v ↦ trunc((v − min) / extent · span + pad)`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Axis {
    min: f64,
    extent: f64,
    span: f64,
    pad: f64,
    pixels: u32,
}

impl Axis {
    fn new(min: f64, max: f64, pixels: u32, pad: u32) -> Self {
        Self {
            min,
            extent: max - min,
            span: f64::from(pixels) - 2.0 * f64::from(pad),
            pad: f64::from(pad),
            pixels,
        }
    }

    /// The pixel of `v`, or `None` outside the canvas. A zero extent (every point on one line)
    /// puts every point at `pad`, where the reference's 0/0 would be undefined.
    #[inline(always)]
    fn pixel(&self, v: f64) -> Option<u32> {
        let shifted = v - self.min;
        let t = if self.extent == 0.0 { 0.0 } else { shifted / self.extent };
        let p = t * self.span + self.pad;
        // `p` is NaN, negative or too large only for overflowing extents; `!(..)` catches NaN.
        if !(p >= 0.0 && p < f64::from(self.pixels)) {
            return None;
        }
        Some(p as u32) // truncation toward zero, as numpy's uint16 cast of a non-negative value
    }
}

/// The pixel grid points are normalised onto: `width × height` pixels with `pad` pixels of margin
/// on every side. Valid when `2·pad < width` and `2·pad < height`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct Grid {
    /// Columns.
    pub width: u32,
    /// Rows.
    pub height: u32,
    /// Margin on every side.
    pub pad: u32,
}

impl Grid {
    /// A square grid with the reference padding.
    pub const fn square(size: u32) -> Self {
        Self { width: size, height: size, pad: REFERENCE_PAD }
    }
}

/// The map from plane coordinates to pixels of a `width × height` canvas.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    x: Axis,
    y: Axis,
}

impl Frame {
    /// The reference normalisation of points with these bounds onto `grid`.
    pub fn new(bounds: &Bounds, grid: Grid) -> Self {
        Self {
            x: Axis::new(bounds.min_x, bounds.max_x, grid.width, grid.pad),
            y: Axis::new(bounds.min_y, bounds.max_y, grid.height, grid.pad),
        }
    }

    /// The pixel `(column, row)` of a point, or `None` when it falls outside the canvas.
    #[inline(always)]
    pub fn pixel(&self, (x, y): (f64, f64)) -> Option<(u32, u32)> {
        Some((self.x.pixel(x)?, self.y.pixel(y)?))
    }
}

/// Run the first `points` points of the chaos game of `ifs` under `rng`, normalise them as the
/// reference does onto `grid`, and hand each kept point's pixel
/// `(column, row)` to `visit`, in point order. Returns the number of points visited.
/// Two passes over the chain (bounds, then pixels): no point buffer is needed.
pub fn for_each_pixel<R: Rng + Clone>(
    ifs: &Ifs2,
    rng: &R,
    points: usize,
    grid: Grid,
    mut visit: impl FnMut(u32, u32),
) -> usize {
    let scan = Scan::chaos_game(ifs, rng, points);
    let frame = Frame::new(&scan.bounds, grid);
    let mut visited = 0;
    for p in ChaosGame::new(ifs, rng.clone()).take(scan.kept) {
        if let Some((px, py)) = frame.pixel(p) {
            visit(px, py);
            visited += 1;
        }
    }
    visited
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::affine::Affine2;
    use crate::math::stream::{Namespace, Purpose, StreamKey};

    fn rng() -> rand_pcg::Pcg32 {
        StreamKey {
            seed: 0,
            namespace: Namespace::FractalDb,
            category: 0,
            instance: 0,
            purpose: Purpose::Chain,
        }
        .rng()
    }

    #[test]
    fn extremes_map_to_pad_and_far_edge() {
        let b = Bounds { min_x: -2.0, max_x: 2.0, min_y: 0.0, max_y: 1.0 };
        let f = Frame::new(&b, Grid { width: 100, height: 50, pad: 6 });
        assert_eq!(f.pixel((-2.0, 0.0)), Some((6, 6)));
        assert_eq!(f.pixel((2.0, 1.0)), Some((94, 44)));
        assert_eq!(f.pixel((0.0, 0.5)), Some((50, 25)));
        assert_eq!(f.pixel((f64::NAN, 0.5)), None);
        assert_eq!(f.pixel((9.0, 0.5)), None);
    }

    #[test]
    fn zero_extent_sits_at_pad() {
        let f = Frame::new(&Bounds { min_x: 1.0, max_x: 1.0, min_y: 0.0, max_y: 0.0 }, Grid::square(20));
        assert_eq!(f.pixel((1.0, 0.0)), Some((6, 6)));
    }

    #[test]
    fn divergent_chain_drops_the_tail_and_a_margin() {
        // x doubles every step: 2^k overflows to infinity at k = 1024 (plus the +1 offsets).
        let grow = Affine2::from_coefficients([2.0, 0.0, 0.0, 1.0, 1.0, 0.0]);
        let ifs = Ifs2::new([(grow, 1.0)]).unwrap();
        let scan = Scan::chaos_game(&ifs, &rng(), 5000);
        let first_inf = ChaosGame::new(&ifs, rng()).position(|p| !p.0.is_finite()).unwrap();
        assert_eq!(scan.kept, first_inf - DIVERGENCE_MARGIN);
        assert!(scan.bounds.max_x.is_finite() && scan.bounds.min_x == 0.0);
        // Divergence within the first 100 points keeps nothing.
        let blow = Affine2::from_coefficients([1e300, 0.0, 0.0, 1.0, 1e300, 0.0]);
        let ifs = Ifs2::new([(blow, 1.0)]).unwrap();
        assert_eq!(Scan::chaos_game(&ifs, &rng(), 5000).kept, 0);
        assert_eq!(for_each_pixel(&ifs, &rng(), 5000, Grid::square(64), |_, _| panic!()), 0);
    }

    #[test]
    fn visits_every_convergent_point_inside_the_padded_canvas() {
        let half = |e, f| (Affine2::from_coefficients([0.5, 0.0, 0.0, 0.5, e, f]), 1.0 / 3.0);
        let ifs = Ifs2::new([half(0.0, 0.0), half(0.5, 0.0), half(0.0, 0.5)]).unwrap();
        let mut max = (0, 0);
        let n = for_each_pixel(&ifs, &rng(), 10_000, Grid { width: 64, height: 48, pad: 6 }, |x, y| {
            assert!((6..=58).contains(&x) && (6..=42).contains(&y));
            max = (max.0.max(x), max.1.max(y));
        });
        assert_eq!(n, 10_000);
        assert!(max.0 >= 56 && max.1 >= 40, "{max:?}");
    }
}
