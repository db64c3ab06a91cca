//! Histogram matching by cumulative distributions, as scikit-image's `match_cumulative_cdf`
//! (`skimage/exposure/histogram_matching.py`, which the statistical models' port copies): every
//! value's empirical quantile is mapped through a template's quantile function.

use crate::math::interp::interp_ranks;
use crate::math::moments::min_max;
use crate::math::radix_sort::{SORTED_BITS, order_key, radix_sort_top};

/// Bits of a sort word that hold the value's index (its lowest bits).
const INDEX_BITS: u32 = 20;
/// The most values [`match_cdf`] takes (their index fits the low [`INDEX_BITS`] of a sort word).
pub const MAX_VALUES: usize = 1 << INDEX_BITS;
/// Bits of a value's key (a sort word's highest bits): a 32-bit integer conversion's range.
const KEY_BITS: u32 = 31;
/// The largest key.
const KEY_MAX: u64 = (1 << KEY_BITS) - 1;
/// `2⁵²`: `x + 2⁵²` holds `x` rounded to an integer in its mantissa's low bits (`0 ≤ x < 2⁵²`).
const ROUNDER: f64 = 4_503_599_627_370_496.0;

/// Each value becomes `interp(q, quantiles, value)` with `q` = (values at or below it) / count
/// (ties, equal under `==`, share the highest rank, as `np.unique`'s counts give). `work` is scratch
/// of twice as many values.
///
/// The ranks: each value's key, `(v − min) · (2³¹ − 1)/(max − min)` rounded to an integer
/// (non-decreasing in `v`, as IEEE subtraction, multiplication and rounding are monotonic; NaNs at their `total_cmp` end)
/// above its index makes a 64-bit word; the words are sorted by their top [`SORTED_BITS`] bits
/// ([`radix_sort_top`]), the rare runs equal there by the whole word, and the rarer runs of equal
/// keys by value (`total_cmp`), where ties are found. Distinct keys are distinct values, so the
/// `r`-th word has rank `r + 1` unless it ties, and takes `interp((r + 1)/n)` ([`interp_ranks`],
/// filled once for all ranks; a tie's ranks take the highest one's value). Any sort gives the same
/// ranks, so the same values; the keys only decide the speed (one run, sorted by value, when
/// `max − min` is not finite). At most [`MAX_VALUES`] values (more are left as they are).
pub fn match_cdf(values: &mut [f64], work: &mut [f64], quantiles: &[f64], value: impl Fn(usize) -> f64) {
    let n = values.len();
    if n > MAX_VALUES || n == 0 {
        return;
    }
    let (words, table) = work[..2 * n].split_at_mut(n);
    let words: &mut [u64] = bytemuck::cast_slice_mut(words);
    let (lo, hi) = min_max(values);
    let span = hi - lo;
    let scale = if span > 0.0 && span.is_finite() { KEY_MAX as f64 / span } else { 0.0 };
    for (i, (w, &v)) in words.iter_mut().zip(values.iter()).enumerate() {
        // `x = (v − lo) · scale` is in [0, 2³¹ − 1] (or the NaN of ∞ · 0): adding 2⁵² rounds it to
        // an integer in the low mantissa bits, without a conversion instruction.
        let key = (((v - lo) * scale + ROUNDER).to_bits()) & KEY_MAX;
        let nan_key = if v.is_sign_negative() { 0 } else { KEY_MAX };
        let key = if v.is_nan() { nan_key } else { key };
        *w = key << (64 - KEY_BITS) | i as u64;
    }
    radix_sort_top(words, bytemuck::cast_slice_mut(table));
    interp_ranks(quantiles, value, table);
    let index = |w: u64| (w & (MAX_VALUES as u64 - 1)) as usize;
    let top = |w: u64| w >> (64 - SORTED_BITS);
    // Runs equal in the sorted bits: ordered by key, then by value where keys are equal; ties
    // share the highest rank's value in the table.
    let mut from = 0;
    while let Some(k) = words[from..].windows(2).position(|w| top(w[0] ^ w[1]) == 0) {
        let start = from + k;
        let mut p = start + 2;
        while p < n && top(words[p] ^ words[start]) == 0 {
            p += 1;
        }
        from = p;
        let run = &mut words[start..p];
        run.sort_unstable();
        let mut a = 0;
        while a < run.len() {
            let mut b = a + 1;
            while b < run.len() && run[b] >> (64 - KEY_BITS) == run[a] >> (64 - KEY_BITS) {
                b += 1;
            }
            let equal_keys = &mut run[a..b];
            if equal_keys.len() > 1 {
                equal_keys.sort_unstable_by_key(|&w| order_key(values[index(w)]));
                let mut g = 0;
                while g < equal_keys.len() {
                    let v = values[index(equal_keys[g])];
                    let mut h = g + 1;
                    while h < equal_keys.len() && values[index(equal_keys[h])] == v {
                        h += 1;
                    }
                    let at = start + a;
                    let highest = table[at + h - 1];
                    table[at + g..at + h].fill(highest);
                    g = h;
                }
            }
            a = b;
        }
    }
    for (&w, &t) in words.iter().zip(table.iter()) {
        values[index(w)] = t;
    }
}
