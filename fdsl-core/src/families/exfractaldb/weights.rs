//! The 145 instance weights of the 3-D families (`weights_ins145.csv`).

use crate::families::fractaldb::weights::round9;

/// Rows of the 3-D instance weights (`weights_ins145.csv`).
pub const WEIGHT_ROWS_3D: usize = 145;

/// The 145 rows of 12 coefficient multipliers of `weights_ins145.csv`, in its order: for `a`, the
/// factors 0.4, 0.5, …, 1.6 (1 included: the unscaled row is row 6); then for each of `b` … `l`
/// the same factors without 1. The official file has one typo, kept here: the last row for `i`
/// is 0.6 where 1.6 was meant (so `i` never reaches 1.6 and 0.6 appears twice).
pub fn instance_weights_3d() -> [[f64; 12]; WEIGHT_ROWS_3D] {
    let mut rows = [[1.0; 12]; WEIGHT_ROWS_3D];
    let mut slots = rows.iter_mut();
    for coefficient in 0..12 {
        for step in 4..=16 {
            if step == 10 && coefficient > 0 {
                continue;
            }
            let typo = coefficient == 8 && step == 16;
            let factor = if typo { 0.6 } else { round9(f64::from(step) / 10.0) };
            if let Some(row) = slots.next() {
                row[coefficient] = factor;
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_145_rows_follow_the_official_file() {
        let rows = instance_weights_3d();
        assert_eq!(rows[0][0], 0.4);
        assert_eq!(rows[6], [1.0; 12]);
        assert_eq!(rows[12][0], 1.6);
        assert_eq!(rows[13][1], 0.4);
        assert_eq!(rows[24][1], 1.6);
        assert_eq!(rows[144][11], 1.6);
        // The typo: `i` (index 8) ends with 0.6.
        let i_rows: [f64; 12] = core::array::from_fn(|r| rows[13 + 7 * 12 + r][8]);
        assert_eq!(i_rows, [0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.1, 1.2, 1.3, 1.4, 1.5, 0.6]);
        assert!(rows.iter().all(|r| r.iter().filter(|&&f| f != 1.0).count() <= 1));
    }
}
