//! The FractalDB category search (`param_search/ifs_search.py`).
//!
//! Candidates are random IFSs ([`Ifs2::sample`]); a candidate is accepted when its
//! chaos game, drawn in point mode, fills at least `threshold` of the canvas. Candidate `j` of a
//! search with seed `s` is a pure function of `(s, j)`, so candidates can be tried in parallel in
//! any order: the accepted categories are the accepted candidates in candidate order.

use crate::math::frame::{Grid, for_each_pixel};
use crate::math::ifs::{Ifs2, Sampling};
use crate::math::stream::{Namespace, Purpose, StreamKey};
use crate::raster::canvas::Canvas;

/// What a candidate must do to be accepted. `#[repr(C)]`: GPU kernels take it by value.
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(C)]
pub struct Criteria {
    /// The canvas of the point-mode rendering.
    pub grid: Grid,
    /// Points in the chaos game.
    pub points: u32,
    /// The least filling rate accepted.
    pub threshold: f64,
    /// How candidates are drawn.
    pub sampling: Sampling,
}

/// The reference's search: 512x512, pad 6, 100,000 points, filling rate ≥ 0.2, 2 to 7 maps with
/// coefficients in (−1, 1).
pub const REFERENCE: Criteria =
    Criteria { grid: Grid::square(512), points: 100_000, threshold: 0.2, sampling: Sampling::FRACTALDB };

/// One tried candidate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    /// Its IFS.
    pub ifs: Ifs2,
    /// Its filling rate in point mode.
    pub filling_rate: f64,
    /// Whether `filling_rate ≥ threshold`.
    pub accepted: bool,
}

fn key(seed: u64, index: u64, purpose: Purpose) -> StreamKey {
    StreamKey { seed, namespace: Namespace::FractalSearch, category: index, instance: 0, purpose }
}

/// The IFS of candidate `index` of the search with `seed`, drawn as `sampling` says.
pub fn candidate_ifs(seed: u64, index: u64, sampling: &Sampling) -> Ifs2 {
    Ifs2::sample(&mut key(seed, index, Purpose::Parameters).rng(), sampling)
}

/// Try candidate `index` of the search with `seed`, drawing on `canvas` (whose size must be the
/// criteria's grid; it is cleared first).
pub fn try_candidate(seed: u64, index: u64, criteria: &Criteria, canvas: &mut Canvas<'_>) -> Candidate {
    let ifs = candidate_ifs(seed, index, &criteria.sampling);
    let filling_rate = filling_rate(&ifs, &key(seed, index, Purpose::Chain).rng(), criteria, canvas);
    Candidate { ifs, filling_rate, accepted: filling_rate >= criteria.threshold }
}

/// The point-mode filling rate of `ifs` under the chain stream `rng`, drawn on `canvas`.
pub fn filling_rate<R: rand_core::Rng + Clone>(
    ifs: &Ifs2,
    rng: &R,
    criteria: &Criteria,
    canvas: &mut Canvas<'_>,
) -> f64 {
    canvas.clear();
    for_each_pixel(ifs, rng, criteria.points as usize, criteria.grid, |x, y| canvas.point(x, y));
    canvas.filling_rate()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_are_pure_functions_of_seed_and_index() {
        let criteria = Criteria { grid: Grid::square(64), points: 5_000, ..REFERENCE };
        let mut buf = [0u8; 64 * 64];
        let mut canvas = Canvas::new(&mut buf, 64, 64).unwrap();
        let a = try_candidate(1, 17, &criteria, &mut canvas);
        let b = try_candidate(1, 17, &criteria, &mut canvas);
        assert_eq!(a, b);
        assert_ne!(a.ifs, try_candidate(2, 17, &criteria, &mut canvas).ifs);
        assert_ne!(a.ifs, try_candidate(1, 18, &criteria, &mut canvas).ifs);
    }
}
