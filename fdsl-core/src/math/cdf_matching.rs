//! Histogram matching by cumulative distributions, as scikit-image's `match_cumulative_cdf`
//! (`skimage/exposure/histogram_matching.py`, which the statistical models' port copies): every
//! value's empirical quantile is mapped through a template's quantile function.

use crate::math::interp::Interp;
use crate::math::radix_sort::{order_key, radix_sort_high};

/// The most values [`match_cdf`] takes (their index fits the low 20 bits of a sort word).
pub const MAX_VALUES: usize = 1 << 20;

/// The low bits of a sort word that the radix sort leaves alone: the index and the key's low bits.
/// The sort orders the key's 22 high bits (two 11-bit digits: sign, exponent and 10 bits of the
/// mantissa); the short runs of words equal there are then ordered by the whole key.
const UNSORTED_BITS: u32 = 42;

/// Each value becomes `interp(q, quantiles, value)` with `q` = (values at or below it) / count
/// (ties, equal under `==`, share the highest rank, as `np.unique`'s counts give). `work` is scratch
/// of twice as many values: words of each value's `total_cmp` key (its 22 high bits) over its index,
/// sorted ([`radix_sort_high`]), runs of equal high bits put in full key order, then walked once,
/// the `interp` segment moving forward with `q`. Any sort gives the same ranks, so the same values.
/// At most [`MAX_VALUES`] values (more are left as they are).
pub fn match_cdf(values: &mut [f64], work: &mut [f64], quantiles: &[f64], value: impl Fn(usize) -> f64) {
    let n = values.len();
    if n > MAX_VALUES {
        return;
    }
    let (words, temp) = work[..2 * n].split_at_mut(n);
    let high = |v: f64| order_key(v) >> UNSORTED_BITS << UNSORTED_BITS;
    for (i, (w, &v)) in words.iter_mut().zip(values.iter()).enumerate() {
        *w = f64::from_bits(high(v) | i as u64);
    }
    radix_sort_high(words, temp, UNSORTED_BITS);
    let index = |w: f64| (w.to_bits() & (MAX_VALUES as u64 - 1)) as usize;
    let key = |w: &f64| order_key(values[index(*w)]);
    let mut start = 0;
    while start < n {
        let mut end = start + 1;
        while end < n && words[end].to_bits() >> UNSORTED_BITS == words[start].to_bits() >> UNSORTED_BITS {
            end += 1;
        }
        if end - start > 1 {
            words[start..end].sort_unstable_by_key(key);
        }
        start = end;
    }
    // Each value is read once: the first value of the next run ends the current one.
    let (mut start, mut cursor) = (0, Interp::default());
    let mut v = if n > 0 { values[index(words[0])] } else { 0.0 };
    while start < n {
        let mut end = start + 1;
        let mut next = v;
        while end < n {
            next = values[index(words[end])];
            if next != v {
                break;
            }
            end += 1;
        }
        let mapped = cursor.at(end as f64 / n as f64, quantiles, &value);
        for &w in &words[start..end] {
            values[index(w)] = mapped;
        }
        (start, v) = (end, next);
    }
}
