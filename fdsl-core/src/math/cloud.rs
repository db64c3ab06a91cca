//! 3-D fractal point clouds (ExFractalDB, MV-FractalDB, PC-FractalDB; `IteratedFunctionSystem.py`,
//! `instance.py`, `category_search.py` of the references).
//!
//! The chaos game of an [`Ifs3`] from the origin, the origin itself not kept; one global min–max
//! over all three axes together onto `[−1, 1]`; then the centroid subtracted. Points are stored as
//! `[f32; 3]` (what PLY files and renderers take); the arithmetic is `f64`.

use crate::math::chaos_game::ChaosGame;
use crate::math::ifs::Ifs3;
use rand_core::Rng;

/// Fill `points` with the chaos game of `ifs` under `rng`, without the origin: `points[k] = p_{k+1}`.
/// Returns how many leading points are finite (in `f32`); a non-finite point stays non-finite under
/// any affine map, so the rest are dropped (the reference discards such a model).
pub fn chaos_game<R: Rng>(ifs: &Ifs3, rng: R, points: &mut [[f32; 3]]) -> usize {
    for (k, (slot, p)) in points.iter_mut().zip(ChaosGame::new(ifs, rng).skip(1)).enumerate() {
        // Finite in f32: a coordinate beyond f32's range counts as divergent too.
        let q = p.map(|v| v as f32);
        if !q.iter().all(|v| v.is_finite()) {
            return k;
        }
        *slot = q;
    }
    points.len()
}

/// Map all coordinates together onto `[−1, 1]`, `v ↦ 2(v − min) / (max − min) − 1` with one min and
/// max over every axis (numpy's `axis=None`), then subtract the centroid (the mean of each axis). A
/// zero extent maps everything to −1 before centring.
pub fn normalise(points: &mut [[f32; 3]]) {
    if points.is_empty() {
        return;
    }
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in points.iter().flatten() {
        lo = lo.min(f64::from(*v));
        hi = hi.max(f64::from(*v));
    }
    // In halves, so that no difference overflows (scaling by 1/2 is exact): `(v/2 − min/2) ·
    // (2 / (max/2 − min/2))`, the same value as `(v − min) · 2 / (max − min)`. One division in all.
    let half_extent = hi * 0.5 - lo * 0.5;
    let scale = if half_extent > 0.0 { 2.0 / half_extent } else { 0.0 };
    let mut sum = [0.0f64; 3];
    for p in points.iter_mut() {
        for (v, s) in p.iter_mut().zip(&mut sum) {
            *v = ((f64::from(*v) * 0.5 - lo * 0.5) * scale - 1.0) as f32;
            *s += f64::from(*v);
        }
    }
    let n = points.len() as f64;
    let centroid = sum.map(|s| s / n);
    for p in points.iter_mut() {
        for (v, c) in p.iter_mut().zip(centroid) {
            *v = (f64::from(*v) - c) as f32;
        }
    }
}

/// The population variance of each axis (numpy's `np.var(point, axis=1)`); zeros for no point.
pub fn variances(points: &[[f32; 3]]) -> [f64; 3] {
    if points.is_empty() {
        return [0.0; 3];
    }
    let n = points.len() as f64;
    let mut sum = [0.0f64; 3];
    for p in points {
        for (s, v) in sum.iter_mut().zip(p) {
            *s += f64::from(*v);
        }
    }
    let mean = sum.map(|s| s / n);
    let mut squares = [0.0f64; 3];
    for p in points {
        for ((s, v), m) in squares.iter_mut().zip(p).zip(mean) {
            let d = f64::from(*v) - m;
            *s += d * d;
        }
    }
    squares.map(|s| s / n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::affine::Affine3;
    use crate::math::stream::{Namespace, Purpose, StreamKey};

    #[test]
    fn normalised_clouds_are_centred_inside_the_unit_cube() {
        let mut pts = [[0.0f32, 10.0, 5.0], [2.0, 4.0, 6.0], [1.0, 7.0, 9.0], [3.0, 3.0, 3.0]];
        normalise(&mut pts);
        let v = variances(&pts);
        for axis in 0..3 {
            let mean: f64 = pts.iter().map(|p| f64::from(p[axis])).sum::<f64>() / 4.0;
            assert!(mean.abs() < 1e-6);
            assert!(v[axis] > 0.0);
        }
        assert!(pts.iter().flatten().all(|&x| (-2.0..=2.0).contains(&x)));
        let mut flat = [[1.0f32; 3]; 3];
        normalise(&mut flat);
        assert_eq!(flat, [[0.0; 3]; 3]);
        assert_eq!(variances(&[]), [0.0; 3]);
    }

    #[test]
    fn divergent_chains_stop_at_the_first_non_finite_point() {
        let mut k = [0.0; 12];
        (k[0], k[4], k[8]) = (1e200, 1e200, 1e200);
        let ifs = Ifs3::new([(Affine3::from_coefficients(k), 1.0)]).unwrap();
        let key = StreamKey {
            seed: 0,
            namespace: Namespace::FractalSearch3d,
            category: 0,
            instance: 0,
            purpose: Purpose::Chain,
        };
        let mut pts = [[0.0f32; 3]; 10];
        // Origin-fixed map: every point stays at the origin, all finite.
        assert_eq!(chaos_game(&ifs, key.rng(), &mut pts), 10);
        k[9] = 1.0;
        let ifs = Ifs3::new([(Affine3::from_coefficients(k), 1.0)]).unwrap();
        assert!(chaos_game(&ifs, key.rng(), &mut pts) < 10);
    }
}
