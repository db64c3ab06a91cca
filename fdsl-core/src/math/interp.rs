//! NumPy's piecewise-linear interpolation, `numpy.interp(x, xp, fp)`.

/// NumPy's `interp(x, xp, fp)` (`numpy/_core/src/multiarray/compiled_base.c`) along increasing `x`:
/// the segment walks forward and its slope is computed once per segment (the same division, so the
/// same value, as per call).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Interp {
    /// A `j` known to satisfy `xp[j] ≤ x` for the next `x`, or 0.
    j: usize,
    /// The slope of segment `j`, when computed.
    slope: Option<f64>,
}

impl Interp {
    /// `interp(x, xp, fp)`: `fp[0]` left of `xp[0]`, `fp[−1]` right of `xp[−1]`, else along the
    /// segment from the last `j` with `xp[j] ≤ x` (so plateaus of `xp` are crossed, never divided
    /// by), `fp[j]` exactly when `xp[j] = x`. Calls must come with non-decreasing `x` (a fresh
    /// [`Interp`] for any other).
    pub fn at(&mut self, x: f64, xp: &[f64], fp: impl Fn(usize) -> f64) -> f64 {
        let last = xp.len() - 1;
        if x < xp[0] {
            return fp(0);
        }
        if x > xp[last] {
            return fp(last);
        }
        while self.j < last && xp[self.j + 1] <= x {
            self.j += 1;
            self.slope = None;
        }
        let j = self.j;
        if j == last || xp[j] == x {
            return fp(j);
        }
        let slope = *self.slope.get_or_insert_with(|| (fp(j + 1) - fp(j)) / (xp[j + 1] - xp[j]));
        slope * (x - xp[j]) + fp(j)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interp_is_numpys() {
        let xp = [0.1, 0.2, 0.2, 0.5, 1.0];
        let fp = |i: usize| [10.0, 20.0, 30.0, 40.0, 50.0][i];
        // Values of numpy.interp(x, xp, fp).
        let mut walk = Interp::default();
        for (x, want) in
            [(0.0, 10.0), (0.1, 10.0), (0.15, 15.0), (0.2, 30.0), (0.35, 35.0), (1.0, 50.0), (2.0, 50.0)]
        {
            assert_eq!(Interp::default().at(x, &xp, fp), want, "{x}");
            assert_eq!(walk.at(x, &xp, fp), want, "{x}");
        }
    }
}
