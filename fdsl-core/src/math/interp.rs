//! NumPy's piecewise-linear interpolation, `numpy.interp(x, xp, fp)`.

/// NumPy's `interp(x, xp, fp)` (`numpy/_core/src/multiarray/compiled_base.c`): `fp[0]` left of
/// `xp[0]`, `fp[−1]` right of `xp[−1]`, else along the segment from the last `j` with `xp[j] ≤ x`
/// (so plateaus of `xp` are crossed, never divided by), `fp[j]` exactly when `xp[j] = x`. `cursor`
/// is a `j` known to satisfy `xp[j] ≤ x` or 0 (calls with increasing `x` walk it forward).
pub fn interp(x: f64, xp: &[f64], fp: impl Fn(usize) -> f64, cursor: &mut usize) -> f64 {
    let last = xp.len() - 1;
    if x < xp[0] {
        return fp(0);
    }
    if x > xp[last] {
        return fp(last);
    }
    let mut j = *cursor;
    while j < last && xp[j + 1] <= x {
        j += 1;
    }
    *cursor = j;
    if j == last || xp[j] == x {
        return fp(j);
    }
    let slope = (fp(j + 1) - fp(j)) / (xp[j + 1] - xp[j]);
    slope * (x - xp[j]) + fp(j)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interp_is_numpys() {
        let xp = [0.1, 0.2, 0.2, 0.5, 1.0];
        let fp = |i: usize| [10.0, 20.0, 30.0, 40.0, 50.0][i];
        // Values of numpy.interp(x, xp, fp).
        let mut walk = 0;
        for (x, want) in
            [(0.0, 10.0), (0.1, 10.0), (0.15, 15.0), (0.2, 30.0), (0.35, 35.0), (1.0, 50.0), (2.0, 50.0)]
        {
            assert_eq!(interp(x, &xp, fp, &mut 0), want, "{x}");
            assert_eq!(interp(x, &xp, fp, &mut walk), want, "{x}");
        }
    }
}
