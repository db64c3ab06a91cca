//! NumPy's equal-width histogram, `numpy.histogram(values, bins)` (`numpy/lib/_histograms_impl.py`),
//! as cumulative quantiles and bin centres.

use crate::math::moments::min_max;

/// NumPy's `histogram(values, bins=BINS)` as quantiles `cumsum(counts) / n` and bin centres: bins
/// over [min, max] (widened by ½ each way when equal), edges `linspace`, the index
/// `⌊(v − min)/(max − min) · BINS⌋` corrected against the edges as NumPy does.
pub fn histogram<const BINS: usize>(values: &[f64], quantiles: &mut [f64], centres: &mut [f64]) {
    let (mut first, mut last) = min_max(values);
    if first == last {
        first -= 0.5;
        last += 0.5;
    }
    let bins = BINS;
    let step = (last - first) / bins as f64;
    let edge = |k: usize| if k == bins { last } else { k as f64 * step + first };
    let mut counts = [0usize; BINS];
    for &v in values {
        let mut i = (((v - first) / (last - first)) * bins as f64) as usize;
        if i >= bins {
            i = bins - 1;
        }
        if v < edge(i) && i > 0 {
            i -= 1;
        } else if i != bins - 1 && v >= edge(i + 1) {
            i += 1;
        }
        counts[i] += 1;
    }
    let mut cumulative = 0;
    for (k, (q, c)) in quantiles.iter_mut().zip(centres.iter_mut()).enumerate() {
        cumulative += counts[k];
        *q = cumulative as f64 / values.len() as f64;
        *c = (edge(k + 1) + edge(k)) / 2.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_is_numpys() {
        // numpy.histogram(v, bins=256) of these values: counts at bins 0, 127, 255 (the maximum
        // falls in the last bin), centres (e[k] + e[k+1]) / 2.
        let values = [0.0, 0.5, 1.0, 0.5, -0.0];
        let (mut q, mut c) = ([0.0; 256], [0.0; 256]);
        histogram::<256>(&values, &mut q, &mut c);
        assert_eq!(q[0], 0.4);
        assert_eq!(q[127], 0.4);
        assert_eq!(q[128], 0.8);
        assert_eq!(q[255], 1.0);
        assert_eq!(c[0], 0.001953125);
        assert_eq!(c[255], 0.998046875);
    }
}
