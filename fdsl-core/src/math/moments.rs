//! Moments of a run of values, summed in order (NumPy sums pairwise, so its values agree to
//! rounding, not bit for bit): extremes, mean and standard deviation, and the affine map that gives
//! values a target mean and deviation.

/// The smallest and largest value (`(inf, −inf)` when empty).
pub fn min_max(values: &[f64]) -> (f64, f64) {
    values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)))
}

/// Mean and standard deviation (`ddof = 0`: NumPy's `mean` and `std`).
pub fn mean_std(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|&v| (v - mean) * (v - mean)).sum::<f64>() / n;
    (mean, libm::sqrt(var))
}

/// `x ← (x − mean)/std · target_std + target_mean`, with the values' own mean and deviation.
pub fn standardise(values: &mut [f64], target_mean: f64, target_std: f64) {
    let (mean, std) = mean_std(values);
    values.iter_mut().for_each(|v| *v = (*v - mean) / std * target_std + target_mean);
}
