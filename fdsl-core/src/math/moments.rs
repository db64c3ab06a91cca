//! Moments of a run of values, summed as NumPy sums (pairwise, eight accumulators per block, so its
//! values agree to rounding): extremes, mean and standard deviation, and the affine map that gives
//! values a target mean and deviation.

/// The smallest and largest value (`(inf, −inf)` when empty; NaNs are passed over), over four
/// lanes (value `i` in lane `i mod 4`) that the compiler can keep in vector registers.
pub fn min_max(values: &[f64]) -> (f64, f64) {
    let (mut lo, mut hi) = ([f64::INFINITY; 4], [f64::NEG_INFINITY; 4]);
    let (quads, rest) = values.split_at(values.len() - values.len() % 4);
    for quad in quads.chunks_exact(4) {
        for ((lo, hi), &v) in lo.iter_mut().zip(hi.iter_mut()).zip(quad) {
            *lo = if v < *lo { v } else { *lo };
            *hi = if v > *hi { v } else { *hi };
        }
    }
    let fold = |(lo, hi): (f64, f64), v: f64| (if v < lo { v } else { lo }, if v > hi { v } else { hi });
    let lanes = lo
        .iter()
        .zip(&hi)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |m, (&l, &h)| (fold(m, l).0, fold(m, h).1));
    rest.iter().fold(lanes, |m, &v| fold(m, v))
}

/// Values per block of [`pairwise_sum`] (NumPy's `PW_BLOCKSIZE`).
const BLOCK: usize = 128;

/// `Σ f(v)` over `values` by NumPy's pairwise summation (`pairwise_sum` in
/// `numpy/_core/src/umath/loops_utils.h.src`): fewer than 8 values in order from −0; blocks of up
/// to 128 (`BLOCK`) with eight accumulators (value `i` into `r[i mod 8]`), combined as
/// `((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))`, then the rest in order; longer runs split
/// at half their length rounded down to a multiple of 8, and the halves' sums added. The error
/// grows as `log n`, not `n`, and the eight chains run side by side.
pub fn pairwise_sum(values: &[f64], f: impl Fn(f64) -> f64 + Copy) -> f64 {
    let n = values.len();
    if n < 8 {
        values.iter().fold(-0.0, |s, &v| s + f(v))
    } else if n <= BLOCK {
        let (blocks, rest) = values.split_at(n - n % 8);
        let mut r: [f64; 8] = core::array::from_fn(|i| f(blocks[i]));
        for block in blocks[8..].chunks_exact(8) {
            for (r, &v) in r.iter_mut().zip(block) {
                *r += f(v);
            }
        }
        let sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        rest.iter().fold(sum, |s, &v| s + f(v))
    } else {
        let half = n / 2 - n / 2 % 8;
        pairwise_sum(&values[..half], f) + pairwise_sum(&values[half..], f)
    }
}

/// Mean and standard deviation (`ddof = 0`: NumPy's `mean` and `std`, `Σ(v − mean)²/n`).
pub fn mean_std(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = pairwise_sum(values, |v| v) / n;
    let var = pairwise_sum(values, |v| (v - mean) * (v - mean)) / n;
    (mean, libm::sqrt(var))
}

/// `x ← (x − mean) · (target_std / std) + target_mean`, with the values' own mean and deviation
/// (the port's `(x − mean)/std · target_std + target_mean`, one division for all values).
pub fn standardise(values: &mut [f64], target_mean: f64, target_std: f64) {
    let (mean, std) = mean_std(values);
    let factor = target_std / std;
    values.iter_mut().for_each(|v| *v = (*v - mean) * factor + target_mean);
}
