//! A stable least-significant-digit radix sort of `f64` keys (Knuth, *The Art of Computer
//! Programming* vol. 3, §5.2.5), in the order of `f64::total_cmp`.

use crate::math::fft::Complex;

/// The bits of `v` as an unsigned key in the order of `f64::total_cmp` (sign bit flipped for
/// positives, all bits for negatives).
pub fn order_key(v: f64) -> u64 {
    let b = v.to_bits();
    if b >> 63 == 1 { !b } else { b | 1 << 63 }
}

/// Sort `pairs` by their real parts in `total_cmp` order, stably (the imaginary part rides along,
/// e.g. an index): 8 passes of 8 bits, a pass skipped when all keys share its digit, through
/// `temp`, as long.
pub fn radix_sort(pairs: &mut [Complex], temp: &mut [Complex]) {
    let (mut src, mut dst) = (pairs, &mut temp[..]);
    let mut in_temp = false;
    for shift in (0..64).step_by(8) {
        let digit = |p: &Complex| (order_key(p.re) >> shift) as usize & 0xff;
        let mut counts = [0usize; 256];
        for p in src.iter() {
            counts[digit(p)] += 1;
        }
        if counts.contains(&src.len()) {
            continue;
        }
        let mut sum = 0;
        for c in counts.iter_mut() {
            (*c, sum) = (sum, sum + *c);
        }
        for p in src.iter() {
            let d = digit(p);
            dst[counts[d]] = *p;
            counts[d] += 1;
        }
        core::mem::swap(&mut src, &mut dst);
        in_temp = !in_temp;
    }
    if in_temp {
        dst.copy_from_slice(src);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::stream::{Namespace, Purpose, StreamKey, unit_f64};

    #[test]
    fn radix_sort_is_total_order() {
        let key = StreamKey {
            seed: 0,
            namespace: Namespace::Statistical,
            category: 1,
            instance: 0,
            purpose: Purpose::Shape,
        };
        let mut rng = key.rng();
        let mut values = [0.0; 300];
        for (i, v) in values.iter_mut().enumerate() {
            *v = match i % 10 {
                0 => -0.0,
                1 => 0.0,
                2 => f64::INFINITY,
                3 => f64::NEG_INFINITY,
                4 => -1e-300,
                _ => (unit_f64(&mut rng) - 0.5) * 1e3,
            };
        }
        let mut pairs: [Complex; 300] = core::array::from_fn(|i| Complex::new(values[i], i as f64));
        let mut temp = [Complex::default(); 300];
        radix_sort(&mut pairs, &mut temp);
        values.sort_unstable_by(f64::total_cmp);
        for (p, v) in pairs.iter().zip(&values) {
            assert_eq!(p.re.to_bits(), v.to_bits());
        }
        // Stable: equal keys keep their order.
        assert!(pairs.windows(2).all(|w| w[0].re.to_bits() != w[1].re.to_bits() || w[0].im < w[1].im));
    }
}
