//! A stable least-significant-digit radix sort (Knuth, *The Art of Computer Programming* vol. 3,
//! §5.2.5) of 64-bit words by their top bits, and the order of `f64::total_cmp` as such words.

/// The bits of `v` as an unsigned key in the order of `f64::total_cmp` (sign bit flipped for
/// positives, all bits for negatives).
pub fn order_key(v: f64) -> u64 {
    let b = v.to_bits();
    if b >> 63 == 1 { !b } else { b | 1 << 63 }
}

/// Bits per digit.
const DIGIT: u32 = 11;
/// The bits [`radix_sort_top`] orders: the words' top two digits.
pub const SORTED_BITS: u32 = 2 * DIGIT;

/// Sort `words` by their top [`SORTED_BITS`] bits, stably (words equal there keep their order),
/// through `temp` (at least as long): one counting pass for both digits, then one scatter pass per
/// digit, skipped when all words share it; the words end in `words`.
pub fn radix_sort_top(words: &mut [u64], temp: &mut [u64]) {
    const MASK: u64 = (1 << DIGIT) - 1;
    let n = words.len();
    let digit = |w: u64, d: u32| ((w >> (64 - SORTED_BITS + d * DIGIT)) & MASK) as usize;
    let mut counts = [[0u32; 1 << DIGIT]; 2];
    for &w in words.iter() {
        counts[0][digit(w, 0)] += 1;
        counts[1][digit(w, 1)] += 1;
    }
    let (mut src, mut dst) = (words, &mut temp[..n]);
    let mut in_temp = false;
    for (d, c) in counts.iter_mut().enumerate() {
        let d = d as u32;
        if src.first().is_none_or(|&w| c[digit(w, d)] as usize == n) {
            continue;
        }
        let mut sum = 0;
        for c in c.iter_mut() {
            (*c, sum) = (sum, sum + *c);
        }
        for &w in src.iter() {
            let k = digit(w, d);
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
