//! Affine maps of the plane.

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

    /// Apply the map. Evaluated as the reference does, `(x·a + y·b) + e` and `(x·c + y·d) + f`,
    /// with separately rounded multiplications and additions (never fused).
    #[inline(always)]
    pub fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        (x * self.a + y * self.b + self.e, x * self.c + y * self.d + self.f)
    }

    /// The determinant `a·d − b·c` of the linear part.
    pub fn det(&self) -> f64 {
        self.a * self.d - self.b * self.c
    }

    /// Each coefficient multiplied by its factor (FractalDB's instance weights).
    pub fn scaled(&self, factors: &[f64; 6]) -> Self {
        let mut k = self.coefficients();
        for (k, m) in k.iter_mut().zip(factors) {
            *k *= m;
        }
        Self::from_coefficients(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apply_det_scale() {
        let w = Affine2::from_coefficients([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(w.apply(1.0, -1.0), (4.0, 5.0));
        assert_eq!(w.det(), -2.0);
        let s = w.scaled(&[2.0, 1.0, 1.0, 1.0, 1.0, 0.5]);
        assert_eq!(s.coefficients(), [2.0, 2.0, 3.0, 4.0, 5.0, 3.0]);
    }
}
