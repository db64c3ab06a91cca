//! NumPy's piecewise-linear interpolation, `numpy.interp(x, xp, fp)`, at the quantiles of ranks.

/// `out[r] = interp((r + 1) / n, xp, fp)` for every `r < n = out.len()`, as NumPy's `interp`
/// (`numpy/_core/src/multiarray/compiled_base.c`) gives it: `fp[0]` left of `xp[0]`, `fp[−1]`
/// right of `xp[−1]`, else along the segment from the last `j` with `xp[j] ≤ x` (so plateaus of
/// `xp` are crossed, never divided by), `fp[j]` exactly when `xp[j] = x`. The `x` increase, so the
/// segments are walked forward, each slope one division, each `x` computed once.
pub fn interp_ranks(xp: &[f64], fp: impl Fn(usize) -> f64, out: &mut [f64]) {
    let len = out.len();
    let n = len as f64;
    // `(r + 1)/n`; for a power-of-two `n` the product with `1/n`, which is the same number.
    let inverse = if len.is_power_of_two() { 1.0 / n } else { 0.0 };
    let x = |r: usize| {
        let r = (r as i64 + 1) as f64;
        if inverse > 0.0 { r * inverse } else { r / n }
    };
    let last = xp.len() - 1;
    let (mut r, mut j) = (0, 0);
    while r < len {
        let xr = x(r);
        if xr < xp[0] {
            out[r] = fp(0);
            r += 1;
            continue;
        }
        if xr > xp[last] {
            // Every later `x` is right of `xp[−1]` too.
            out[r..].fill(fp(last));
            return;
        }
        while j < last && xp[j + 1] <= xr {
            j += 1;
        }
        if j == last || xp[j] == xr {
            out[r] = fp(j);
            r += 1;
            continue;
        }
        // Segment j, for this and every further `x` below `xp[j + 1]`.
        let (x0, x1, f0) = (xp[j], xp[j + 1], fp(j));
        let slope = (fp(j + 1) - f0) / (x1 - x0);
        out[r] = slope * (xr - x0) + f0;
        r += 1;
        while r < len {
            let xr = x(r);
            if xr >= x1 {
                break;
            }
            out[r] = slope * (xr - x0) + f0;
            r += 1;
        }
    }
}
