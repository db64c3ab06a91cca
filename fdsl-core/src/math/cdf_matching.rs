//! Histogram matching by cumulative distributions, as scikit-image's `match_cumulative_cdf`
//! (`skimage/exposure/histogram_matching.py`, which the statistical models' port copies): every
//! value's empirical quantile is mapped through a template's quantile function.

use crate::math::fft::Complex;
use crate::math::interp::interp;
use crate::math::radix_sort::radix_sort;

/// Each value becomes `interp(q, quantiles, value)` with `q` = (values at or below it) / count
/// (ties, equal under `==`, share the highest rank, as `np.unique`'s counts give). `work` is scratch
/// of twice as many values: (value, index) pairs sorted by value ([`radix_sort`]), then walked once,
/// the `interp` segment moving forward with `q`.
pub fn match_cdf(values: &mut [f64], work: &mut [Complex], quantiles: &[f64], value: impl Fn(usize) -> f64) {
    let (pairs, temp) = work[..2 * values.len()].split_at_mut(values.len());
    for (i, (pair, &v)) in pairs.iter_mut().zip(values.iter()).enumerate() {
        *pair = Complex::new(v, i as f64);
    }
    radix_sort(pairs, temp);
    let n = values.len() as f64;
    let (mut start, mut cursor) = (0, 0);
    while start < pairs.len() {
        let mut end = start + 1;
        while end < pairs.len() && pairs[end].re == pairs[start].re {
            end += 1;
        }
        let mapped = interp(end as f64 / n, quantiles, &value, &mut cursor);
        for pair in &pairs[start..end] {
            values[pair.im as usize] = mapped;
        }
        start = end;
    }
}
