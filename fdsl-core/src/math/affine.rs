//! Affine maps of the plane ([`Affine2`]) and of space ([`Affine3`]), and what an IFS needs of them
//! ([`Map`]).

use crate::math::stream::uniform_f64;
use rand_core::Rng;

/// An affine map as an iterated function system uses it.
pub trait Map: Copy + Default + PartialEq + core::fmt::Debug {
    /// A point of the space it maps.
    type Point: Copy + PartialEq + core::fmt::Debug;
    /// One multiplier per coefficient.
    type Factors;
    /// The origin, where the chaos game starts.
    const ORIGIN: Self::Point;
    /// Apply the map (basic IEEE operations only, never fused).
    fn apply(&self, p: Self::Point) -> Self::Point;
    /// The determinant of the linear part.
    fn det(&self) -> f64;
    /// Whether every coefficient is finite.
    fn is_finite(&self) -> bool;
    /// Each coefficient multiplied by its factor.
    fn scaled(&self, factors: &Self::Factors) -> Self;
    /// Every coefficient ~ U(−range, range), independently, in coefficient order.
    fn random<R: Rng>(rng: &mut R, range: f64) -> Self;
}

/// The affine map `w(x, y) = (a·x + b·y + e, c·x + d·y + f)`, the FractalDB convention
/// (CSV columns `a,b,c,d,e,f`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[repr(C)]
pub struct Affine2 {
    /// x ← a·x
    pub a: f64,
    /// x ← b·y
    pub b: f64,
    /// y ← c·x
    pub c: f64,
    /// y ← d·y
    pub d: f64,
    /// x translation
    pub e: f64,
    /// y translation
    pub f: f64,
}

impl Affine2 {
    /// The map from its six coefficients in CSV order.
    pub const fn from_coefficients([a, b, c, d, e, f]: [f64; 6]) -> Self {
        Self { a, b, c, d, e, f }
    }

    /// The six coefficients in CSV order.
    pub const fn coefficients(&self) -> [f64; 6] {
        [self.a, self.b, self.c, self.d, self.e, self.f]
    }
}

impl Map for Affine2 {
    type Point = (f64, f64);
    type Factors = [f64; 6];
    const ORIGIN: (f64, f64) = (0.0, 0.0);

    /// Evaluated as the reference does, `(x·a + y·b) + e` and `(x·c + y·d) + f`.
    #[inline(always)]
    fn apply(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (x * self.a + y * self.b + self.e, x * self.c + y * self.d + self.f)
    }

    /// `a·d − b·c`.
    fn det(&self) -> f64 {
        self.a * self.d - self.b * self.c
    }

    fn is_finite(&self) -> bool {
        self.coefficients().iter().all(|k| k.is_finite())
    }

    fn scaled(&self, factors: &[f64; 6]) -> Self {
        Self::from_coefficients(scale(self.coefficients(), factors))
    }

    fn random<R: Rng>(rng: &mut R, range: f64) -> Self {
        Self::from_coefficients(core::array::from_fn(|_| uniform_f64(rng, -range, range)))
    }
}

/// `k_i · m_i` for every coefficient.
fn scale<const N: usize>(mut k: [f64; N], factors: &[f64; N]) -> [f64; N] {
    for (k, m) in k.iter_mut().zip(factors) {
        *k *= m;
    }
    k
}

/// The affine map of space `w(p) = A·p + t` with `A = [[a, b, c], [d, e, f], [g, h, i]]` and
/// `t = (j, k, l)`: the 12 coefficients of a 3-D IFS file row, in that order.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[repr(C)]
pub struct Affine3 {
    /// The coefficients a, b, c, d, e, f, g, h, i, j, k, l.
    pub k: [f64; 12],
}

impl Affine3 {
    /// The map from its 12 coefficients in file order.
    pub const fn from_coefficients(k: [f64; 12]) -> Self {
        Self { k }
    }
}

impl Map for Affine3 {
    type Point = [f64; 3];
    type Factors = [f64; 12];
    const ORIGIN: [f64; 3] = [0.0; 3];

    /// Row by row, `((a·x + b·y) + c·z) + j`, and so on.
    #[inline(always)]
    fn apply(&self, [x, y, z]: [f64; 3]) -> [f64; 3] {
        let k = &self.k;
        [
            x * k[0] + y * k[1] + z * k[2] + k[9],
            x * k[3] + y * k[4] + z * k[5] + k[10],
            x * k[6] + y * k[7] + z * k[8] + k[11],
        ]
    }

    /// `a(ei − fh) − b(di − fg) + c(dh − eg)`.
    fn det(&self) -> f64 {
        let k = &self.k;
        k[0] * (k[4] * k[8] - k[5] * k[7]) - k[1] * (k[3] * k[8] - k[5] * k[6])
            + k[2] * (k[3] * k[7] - k[4] * k[6])
    }

    fn is_finite(&self) -> bool {
        self.k.iter().all(|k| k.is_finite())
    }

    fn scaled(&self, factors: &[f64; 12]) -> Self {
        Self { k: scale(self.k, factors) }
    }

    fn random<R: Rng>(rng: &mut R, range: f64) -> Self {
        Self { k: core::array::from_fn(|_| uniform_f64(rng, -range, range)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apply_det_scale() {
        let w = Affine2::from_coefficients([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(w.apply((1.0, -1.0)), (4.0, 5.0));
        assert_eq!(w.det(), -2.0);
        let s = w.scaled(&[2.0, 1.0, 1.0, 1.0, 1.0, 0.5]);
        assert_eq!(s.coefficients(), [2.0, 2.0, 3.0, 4.0, 5.0, 3.0]);
    }

    #[test]
    fn affine3_apply_det_scale() {
        let mut k = [0.0; 12];
        k[0] = 2.0;
        k[4] = 3.0;
        k[8] = 4.0;
        k[9] = 1.0;
        k[11] = -1.0;
        let w = Affine3::from_coefficients(k);
        assert_eq!(w.apply([1.0, 1.0, 1.0]), [3.0, 3.0, 3.0]);
        assert_eq!(w.det(), 24.0);
        let mut rot = [0.0; 12];
        (rot[1], rot[3], rot[8]) = (-1.0, 1.0, 1.0); // a quarter turn about z
        assert_eq!(Affine3::from_coefficients(rot).det(), 1.0);
        assert_eq!(w.scaled(&[0.5; 12]).k[0], 1.0);
        assert!(!Affine3::from_coefficients([f64::NAN; 12]).is_finite());
    }
}
