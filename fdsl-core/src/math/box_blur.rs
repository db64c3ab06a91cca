//! SciPy's box filter of a square image, `scipy.signal.convolve2d(x, ones((m, m))/m/m, 'same',
//! boundary='symm')`, truncated to 8 bits.

/// SciPy's `convolve2d(x, ones((m, m))/m/m, 'same', boundary='symm')` truncated to 8 bits: the
/// window of output `i` is `[i − ⌊m/2⌋, i − ⌊m/2⌋ + m)`, indices reflected with the edge repeated.
/// Sums of the 8-bit values are exact, so rows then columns give the window's exact sum, times
/// `(1/m)/m`. `scratch` holds `side²` values.
pub fn box_blur(channel: &mut [f64], scratch: &mut [f64], side: usize, m: usize) {
    let reflect = |t: isize| -> usize {
        let n = side as isize;
        let t = if t < 0 {
            -t - 1
        } else if t >= n {
            2 * n - t - 1
        } else {
            t
        };
        t.clamp(0, n - 1) as usize
    };
    // Running window sums: the sums of 8-bit values (and of such sums) are exact integers, so
    // adding the entering value and subtracting the leaving one gives every window's exact sum.
    let lead = (m / 2) as isize;
    for y in 0..side {
        let row = &channel[y * side..(y + 1) * side];
        let mut sum: f64 = (0..m).map(|o| row[reflect(o as isize - lead)]).sum();
        for x in 0..side {
            scratch[y * side + x] = sum;
            let x = x as isize;
            sum += row[reflect(x - lead + m as isize)] - row[reflect(x - lead)];
        }
    }
    let weight = 1.0 / m as f64 / m as f64;
    let mut sums = [0.0; crate::math::fft::MAX_SIDE];
    let sums = &mut sums[..side];
    for o in 0..m {
        let r = reflect(o as isize - lead);
        for (s, &v) in sums.iter_mut().zip(&scratch[r * side..(r + 1) * side]) {
            *s += v;
        }
    }
    for y in 0..side {
        for (out, &s) in channel[y * side..(y + 1) * side].iter_mut().zip(sums.iter()) {
            *out = ((s * weight) as u8) as f64;
        }
        let (enter, leave) = (reflect(y as isize - lead + m as isize), reflect(y as isize - lead));
        let (enter, leave) =
            (&scratch[enter * side..(enter + 1) * side], &scratch[leave * side..(leave + 1) * side]);
        for ((s, &e), &l) in sums.iter_mut().zip(enter).zip(leave) {
            *s += e - l;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The window sums written out, as SciPy defines them.
    fn naive(channel: &[f64], side: usize, m: usize) -> [f64; 32 * 32] {
        let reflect = |t: isize| -> usize {
            let n = side as isize;
            (if t < 0 {
                -t - 1
            } else if t >= n {
                2 * n - t - 1
            } else {
                t
            }) as usize
        };
        let window = |i: usize| (0..m).map(move |o| reflect(i as isize - (m / 2) as isize + o as isize));
        let mut out = [0.0; 32 * 32];
        for y in 0..side {
            for x in 0..side {
                let sum: f64 = window(y)
                    .flat_map(|r| window(x).map(move |c| (r, c)))
                    .map(|(r, c)| channel[r * side + c])
                    .sum();
                out[y * side + x] = ((sum * (1.0 / m as f64 / m as f64)) as u8) as f64;
            }
        }
        out
    }

    #[test]
    fn running_sums_are_the_window_sums() {
        let side = 32;
        let mut channel = [0.0; 32 * 32];
        for (i, v) in channel.iter_mut().enumerate() {
            *v = ((i * 7919 + i / 5 * 31) % 256) as f64;
        }
        for m in 1..=10 {
            let (mut blurred, mut scratch) = (channel, [0.0; 32 * 32]);
            box_blur(&mut blurred, &mut scratch, side, m);
            assert_eq!(blurred, naive(&channel, side, m), "m = {m}");
        }
    }
}
