//! Histogram matching by cumulative distributions, as scikit-image's `match_cumulative_cdf`
//! (`skimage/exposure/histogram_matching.py`, which the statistical models' port copies): every
//! value's empirical quantile is mapped through a template's quantile function.

use crate::math::interp::interp_ranks;
use crate::math::moments::min_max;
use crate::math::radix_sort::{SORTED_BITS, order_key, radix_sort_top};

/// Bits of a sort word that hold the value's index (its lowest bits).
const INDEX_BITS: u32 = 20;
/// The most values [`match_cdf`] takes (their index fits the low 20 bits of a sort word).
pub const MAX_VALUES: usize = 1 << INDEX_BITS;
/// Bits of a value's key (a sort word's highest bits): a 32-bit integer conversion's range.
const KEY_BITS: u32 = 31;
/// The largest key.
const KEY_MAX: u64 = (1 << KEY_BITS) - 1;
/// `2⁵²`: `x + 2⁵²` holds `x` rounded to an integer in its mantissa's low bits (`0 ≤ x < 2⁵²`).
const ROUNDER: f64 = 4_503_599_627_370_496.0;

/// The matched values by rank of `table.len()` values that do not tie: `finish` applied to
/// `interp((r + 1)/n, quantiles, value)` for every rank `r + 1` ([`interp_ranks`]). The same for
/// every matching of as many values to the same template: [`match_cdf`] takes it made once.
pub fn rank_table(
    quantiles: &[f64],
    value: impl Fn(usize) -> f64,
    finish: impl FnOnce(&mut [f64]),
    table: &mut [f64],
) {
    interp_ranks(quantiles, value, table);
    finish(table);
}

/// Each value becomes `interp(q, quantiles, value)` with `q` = (values at or below it) / count
/// (ties, equal under `==`, share the highest rank, as `np.unique`'s counts give), then `finish`
/// maps the matched values as a whole (the WMM standardises them). `work` is scratch of twice as
/// many values; `table`, if given, is [`rank_table`] of this template and `finish` for this many
/// values: without ties it is all the interpolation needed; with ties (or no table) the table is
/// made in `work`, its tied ranks given the highest one's value, before `finish`.
///
/// The ranks: each value's key, `(v − min) · (2³¹ − 1)/(max − min)` rounded to an integer
/// (non-decreasing in `v`, as IEEE subtraction, multiplication and rounding are monotonic; NaNs
/// at their `total_cmp` end) above its index makes a 64-bit word; the words are sorted by their
/// top [`SORTED_BITS`] bits ([`radix_sort_top`]), the rare runs equal there by the whole word, and
/// the rarer runs of equal keys by value (`total_cmp`), where ties are found. Distinct keys are
/// distinct values, so the `r`-th word has rank `r + 1` unless it ties, and takes the table's
/// `r`-th value. Any sort gives the same ranks, so the same values; the keys only decide the speed
/// (one run, sorted by value, when `max − min` is not finite). At most [`MAX_VALUES`] values (more
/// are left as they are).
pub fn match_cdf(
    values: &mut [f64],
    work: &mut [f64],
    quantiles: &[f64],
    value: impl Fn(usize) -> f64,
    finish: impl FnOnce(&mut [f64]),
    table: Option<&[f64]>,
) {
    let n = values.len();
    if n > MAX_VALUES || n == 0 {
        return;
    }
    let (words, made) = work[..2 * n].split_at_mut(n);
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
    radix_sort_top(words, bytemuck::cast_slice_mut(made));
    let index = |w: u64| (w & (MAX_VALUES as u64 - 1)) as usize;
    let top = |w: u64| w >> (64 - SORTED_BITS);
    let key = |w: u64| w >> (64 - KEY_BITS);
    // Runs equal in the sorted bits: ordered by key, then by value where keys are equal.
    let mut ties = false;
    let mut from = 0;
    while let Some(k) = words[from..].windows(2).position(|w| top(w[0] ^ w[1]) == 0) {
        let start = from + k;
        let mut end = start + 2;
        while end < n && top(words[end] ^ words[start]) == 0 {
            end += 1;
        }
        from = end;
        let run = &mut words[start..end];
        run.sort_unstable();
        for equal_keys in run.chunk_by_mut(|a, b| key(*a) == key(*b)).filter(|run| run.len() > 1) {
            equal_keys.sort_unstable_by_key(|&w| order_key(values[index(w)]));
            ties |= equal_keys.windows(2).any(|w| values[index(w[0])] == values[index(w[1])]);
        }
    }
    let table = match table {
        Some(table) if !ties => table,
        _ => {
            interp_ranks(quantiles, value, made);
            if ties {
                // Equal values lie together (equal keys, in value order): the highest rank's value.
                let mut start = 0;
                while start < n {
                    let v = values[index(words[start])];
                    let mut end = start + 1;
                    while end < n && key(words[end]) == key(words[start]) && values[index(words[end])] == v {
                        end += 1;
                    }
                    let highest = made[end - 1];
                    made[start..end].fill(highest);
                    start = end;
                }
            }
            finish(made);
            made
        }
    };
    for (&w, &t) in words.iter().zip(table.iter()) {
        values[index(w)] = t;
    }
}
