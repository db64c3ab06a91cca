//! FractalDB's instance weights: 25 coefficient multipliers per category.
//!
//! The weight file with step `w` (`weights_{w}.csv` of the reference) has 25 rows of six
//! multipliers for (a, b, c, d, e, f). Row order: for `a`, the factors
//! `1 − 2w, 1 − w, 1, 1 + w, 1 + 2w`; then for each of `b, c, d, e, f` in turn the factors
//! `1 − 2w, 1 − w, 1 + w, 1 + 2w`; all other multipliers of a row are 1. Row 2 is all ones.
//! A multiplier scales that coefficient in every map; probabilities are not recomputed.

/// Rows in a weight file: weights per category.
pub const WEIGHT_ROWS: usize = 25;

/// `x` rounded to 9 decimals, `round(x · 10⁹) / 10⁹`: the `f64` that parsing its short decimal text
/// gives.
pub fn round9(x: f64) -> f64 {
    libm::round(x * 1e9) / 1e9
}

/// The smallest multiplier (the official `weights_0.5.csv` uses it for `1 − 2·0.5`).
pub const MIN_FACTOR: f64 = 0.01;

/// The 25 multiplier rows for step `w`.
///
/// Each factor is rounded to 9 decimals, `round((1 + k·w) · 10⁹) / 10⁹`, so that it is the very
/// `f64` that parsing the decimal text of the official files gives (`1 − 2·0.4` is
/// 0.19999999999999996 in binary, the file says `0.2`), and is at least 0.01: the official file for
/// `w = 0.5` has 0.01 where `1 − 2w` would zero the coefficient.
pub fn instance_weights(w: f64) -> [[f64; 6]; WEIGHT_ROWS] {
    let factor = |k: f64| libm::fmax(round9(1.0 + k * w), MIN_FACTOR);
    let mut rows = [[1.0; 6]; WEIGHT_ROWS];
    let mut slots = rows.iter_mut();
    for coefficient in 0..6 {
        let ks: &[f64] =
            if coefficient == 0 { &[-2.0, -1.0, 0.0, 1.0, 2.0] } else { &[-2.0, -1.0, 1.0, 2.0] };
        for (&k, row) in ks.iter().zip(&mut slots) {
            row[coefficient] = factor(k);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_zero_is_all_ones_and_row_two_is_unscaled() {
        assert!(instance_weights(0.0).iter().flatten().all(|&m| m == 1.0));
        assert_eq!(instance_weights(0.4)[2], [1.0; 6]);
        assert_eq!(instance_weights(0.4)[0], [0.2, 1.0, 1.0, 1.0, 1.0, 1.0]);
        assert_eq!(instance_weights(0.4)[24], [1.0, 1.0, 1.0, 1.0, 1.0, 1.8]);
        assert_eq!(instance_weights(0.5)[5], [1.0, 0.01, 1.0, 1.0, 1.0, 1.0]);
    }
}
