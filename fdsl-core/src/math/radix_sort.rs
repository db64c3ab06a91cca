//! A stable least-significant-digit radix sort (Knuth, *The Art of Computer Programming* vol. 3,
//! §5.2.5) of 64-bit words by their high bits, and the order of `f64::total_cmp` as such words.
//!
//! The words live in a caller's `f64` buffer as bit patterns (`f64::from_bits` / `to_bits` are
//! exact and the sort only moves them), so that the statistical images' real scratch serves.

/// The bits of `v` as an unsigned key in the order of `f64::total_cmp` (sign bit flipped for
/// positives, all bits for negatives).
pub fn order_key(v: f64) -> u64 {
    let b = v.to_bits();
    if b >> 63 == 1 { !b } else { b | 1 << 63 }
}

/// Bits per digit: four digits sort the 44 bits above a 20-bit index.
const DIGIT: u32 = 11;

/// Sort `words` (64-bit patterns in `f64` slots) by their bits `low..64`, stably (words equal there
/// keep their order), through `temp` (as long): one counting pass for every digit of `DIGIT`
/// bits, then one scatter pass per digit, skipped when all words share it.
pub fn radix_sort_high(words: &mut [f64], temp: &mut [f64], low: u32) {
    const MASK: u64 = (1 << DIGIT) - 1;
    let digits = (64 - low).div_ceil(DIGIT) as usize;
    let mut counts = [[0u32; 1 << DIGIT]; 64usize.div_ceil(DIGIT as usize)];
    if let [c0, c1, c2, ..] = &mut counts
        && digits == 3
    {
        for &w in words.iter() {
            let b = w.to_bits() >> low;
            c0[(b & MASK) as usize] += 1;
            c1[((b >> DIGIT) & MASK) as usize] += 1;
            c2[((b >> (2 * DIGIT)) & MASK) as usize] += 1;
        }
    } else if let [c0, c1, ..] = &mut counts
        && digits == 2
    {
        for &w in words.iter() {
            let b = w.to_bits() >> low;
            c0[(b & MASK) as usize] += 1;
            c1[((b >> DIGIT) & MASK) as usize] += 1;
        }
    } else {
        for &w in words.iter() {
            let b = w.to_bits() >> low;
            for (d, c) in counts[..digits].iter_mut().enumerate() {
                c[((b >> (d as u32 * DIGIT)) & MASK) as usize] += 1;
            }
        }
    }
    let (mut src, mut dst) = (words, &mut temp[..]);
    let mut in_temp = false;
    for (d, c) in counts[..digits].iter_mut().enumerate() {
        if c.contains(&(src.len() as u32)) {
            continue;
        }
        let mut sum = 0;
        for c in c.iter_mut() {
            (*c, sum) = (sum, sum + *c);
        }
        let shift = low + d as u32 * DIGIT;
        for &w in src.iter() {
            let k = ((w.to_bits() >> shift) & MASK) as usize;
            let at = c[k] as usize;
            c[k] += 1;
            if let Some(slot) = dst.get_mut(at) {
                *slot = w;
            }
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
    fn sorts_by_high_bits_stably() {
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
        // Each word: the key's high 44 bits over a 20-bit index.
        let mut words: [f64; 300] =
            core::array::from_fn(|i| f64::from_bits(order_key(values[i]) >> 20 << 20 | i as u64));
        let mut temp = [0.0; 300];
        radix_sort_high(&mut words, &mut temp, 20);
        let order: [u64; 300] = core::array::from_fn(|i| words[i].to_bits());
        // Non-decreasing high bits, and the index order among equal ones (stable).
        assert!(
            order.windows(2).all(|w| w[0] >> 20 < w[1] >> 20 || (w[0] >> 20 == w[1] >> 20 && w[0] < w[1]))
        );
        let mut sorted = values;
        sorted.sort_unstable_by(f64::total_cmp);
        for (w, v) in order.iter().zip(&sorted) {
            assert_eq!(order_key(values[(w & 0xf_ffff) as usize]) >> 20, order_key(*v) >> 20);
        }
    }
}
