//! The chaos game: the point sequence of an IFS.
//!
//! Barnsley's random iteration as FractalDB's reference runs it (`ifs_function.calculate`):
//! the sequence starts with the origin itself, then each step draws `u ~ U[0, 1)`, picks the map
//! with [`Ifs::select`] and applies it to the previous point. No burn-in: the transient is kept.

use crate::math::affine::Map;
use crate::math::ifs::Ifs;
use crate::math::stream::unit_f64_from_u32;
use rand_core::Rng;

/// The endless point sequence `p_0 = origin`, `p_{k+1} = w_{i_k}(p_k)`; take as many as needed
/// (the 3-D references drop the origin: `.skip(1)`).
#[derive(Clone, Debug)]
pub struct ChaosGame<'a, M: Map, R> {
    ifs: &'a Ifs<M>,
    rng: R,
    point: M::Point,
    started: bool,
}

impl<'a, M: Map, R: Rng> ChaosGame<'a, M, R> {
    /// The chaos game of `ifs`, its map choices drawn from `rng`.
    pub fn new(ifs: &'a Ifs<M>, rng: R) -> Self {
        Self::starting_at(ifs, rng, M::ORIGIN)
    }

    /// The chaos game of `ifs` from `start` instead of the origin (`start` is the first point).
    pub fn starting_at(ifs: &'a Ifs<M>, rng: R, start: M::Point) -> Self {
        Self { ifs, rng, point: start, started: false }
    }
}

impl<M: Map, R: Rng> Iterator for ChaosGame<'_, M, R> {
    type Item = M::Point;

    #[inline(always)]
    fn next(&mut self) -> Option<M::Point> {
        if self.started {
            let u = unit_f64_from_u32(&mut self.rng);
            self.point = self.ifs.select(u).apply(self.point);
        }
        self.started = true;
        Some(self.point)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::affine::Affine2;
    use crate::math::ifs::Ifs2;
    use crate::math::stream::{Namespace, Purpose, StreamKey};

    #[test]
    fn starts_at_origin_and_stays_on_the_sierpinski_triangle() {
        let half = |e, f| (Affine2::from_coefficients([0.5, 0.0, 0.0, 0.5, e, f]), 1.0 / 3.0);
        let ifs = Ifs2::new([half(0.0, 0.0), half(0.5, 0.0), half(0.0, 0.5)]).unwrap();
        let key = StreamKey {
            seed: 0,
            namespace: Namespace::FractalDb,
            category: 0,
            instance: 0,
            purpose: Purpose::Chain,
        };
        let points: [(f64, f64); 64] = {
            let mut it = ChaosGame::new(&ifs, key.rng());
            core::array::from_fn(|_| it.next().unwrap())
        };
        assert_eq!(points[0], (0.0, 0.0));
        for &(x, y) in &points {
            assert!(x >= 0.0 && y >= 0.0 && x + y <= 1.0);
        }
        // Same key, same points.
        assert!(ChaosGame::new(&ifs, key.rng()).take(64).eq(points.iter().copied()));
    }
}
