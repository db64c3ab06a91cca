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
    let window = |i: usize| (0..m).map(move |o| i as isize - (m / 2) as isize + o as isize);
    for y in 0..side {
        for x in 0..side {
            scratch[y * side + x] = window(x).map(|t| channel[y * side + reflect(t)]).sum();
        }
    }
    let weight = 1.0 / m as f64 / m as f64;
    for y in 0..side {
        for x in 0..side {
            let sum: f64 = window(y).map(|t| scratch[reflect(t) * side + x]).sum();
            channel[y * side + x] = ((sum * weight) as u8) as f64;
        }
    }
}
