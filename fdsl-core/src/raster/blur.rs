//! OpenCV's 3x3 Gaussian blur of 8-bit RGB images, bit-exact (its fixed-point kernel and sums).

/// OpenCV's 3-tap Gaussian kernel for `uint8` images in 8-bit fixed point
/// (`imgproc/src/smooth.dispatch.cpp`: `getGaussianKernelBitExact` then
/// `getGaussianKernelFixedPoint_ED`): `e = exp(−0.5/σ²)`, `k = [e, 1, e] / ((e + 1) + e)`,
/// outer taps `round_half_even(k0·256)`, centre `256 − 2·outer`. OpenCV computes `exp` in
/// software doubles; `libm::exp` agrees except within an ulp of a rounding boundary.
pub fn gaussian_kernel_3(sigma: f64) -> [u32; 3] {
    let e = libm::exp(4.0 * (-0.125 / (sigma * sigma)));
    let k0 = e * (1.0 / ((e + 1.0) + e));
    let outer = libm::rint(k0 * 256.0).clamp(0.0, 128.0) as u32;
    [outer, 256 - 2 * outer, outer]
}

/// Values of [`gaussian_blur_3x3`]'s scratch for a `side`-pixel image: the row sums of three rows.
pub fn blur_scratch_len(side: usize) -> usize {
    3 * 3 * side
}

/// `cv2.GaussianBlur(img, (3, 3), σ)` of a `side × side × 3` `uint8` image, in place, with
/// `kernel` from [`gaussian_kernel_3`] (taps summing to 256; any other kernel leaves the image as it
/// is): rows then columns, each sum exact in integers (8 + 8
/// fractional bits), the result `(v + 2¹⁵) >> 16`; border `BORDER_REFLECT_101` (pixel −1 is
/// pixel 1). `rows` is scratch of at least [`blur_scratch_len`] values: the row sums of the rows
/// above, at and below the one written, in turn (so that they stay in the first-level cache).
///
/// All in 16-bit integers (eight to a baseline SIMD register): a row sum `k0·a + k1·b + k2·c` of
/// bytes is at most `256·255`; a column sum `v` of row sums `A = 256·Aₕ + Aₗ` is `256·H + L` with
/// `H = Σ k·Aₕ` and `L = Σ k·Aₗ` (each at most `256·255`), and `(v + 2¹⁵) >> 16` is
/// `(H + 128 + (L >> 8)) >> 8`, whose sum stays below 2¹⁶ and whose value below 256.
pub fn gaussian_blur_3x3(rgb: &mut [u8], side: usize, kernel: [u32; 3], rows: &mut [u16]) {
    let width = side * 3;
    let len = width * side;
    if side < 2 || rgb.len() < len || rows.len() < blur_scratch_len(side) || kernel.iter().sum::<u32>() != 256
    {
        return;
    }
    let [k0, k1, k2] = kernel.map(|k| k as u16);
    // Row `r`'s sums: value i is k0·row[i − 3] + k1·row[i] + k2·row[i + 3] (the neighbouring
    // pixels' same channel); the first pixel's left neighbour and the last's right one reflect.
    let sums = |src: &[u8], dst: &mut [u16]| {
        let at = |i: usize| u16::from(src[i]);
        for ch in 0..3 {
            dst[ch] = k0 * at(3 + ch) + k1 * at(ch) + k2 * at(3 + ch);
            let last = width - 3 + ch;
            dst[last] = k0 * at(last - 3) + k1 * at(last) + k2 * at(last - 3);
        }
        let (left, mid, right) = (&src[..width - 6], &src[3..width - 3], &src[6..width]);
        for (((d, &a), &b), &c) in dst[3..width - 3].iter_mut().zip(left).zip(mid).zip(right) {
            *d = k0 * u16::from(a) + k1 * u16::from(b) + k2 * u16::from(c);
        }
    };
    // Row `r`'s sums live in slot `r mod 3`; row `r + 1`'s are made before row `r` is written over.
    let ring = &mut rows[..3 * width];
    for r in 0..2 {
        sums(&rgb[r * width..][..width], &mut ring[r * width..][..width]);
    }
    for r in 0..side {
        if r >= 1 && r + 1 < side {
            sums(&rgb[(r + 1) * width..][..width], &mut ring[(r + 1) % 3 * width..][..width]);
        }
        let (u, d) = (if r == 0 { 1 } else { r - 1 }, if r + 1 == side { side - 2 } else { r + 1 });
        let slot = |k: usize| &ring[k % 3 * width..][..width];
        let (up, mid, down) = (slot(u), slot(r), slot(d));
        for (((out, &a), &b), &c) in rgb[r * width..][..width].iter_mut().zip(up).zip(mid).zip(down) {
            let high = k0 * (a >> 8) + k1 * (b >> 8) + k2 * (c >> 8);
            let low = k0 * (a & 0xff) + k1 * (b & 0xff) + k2 * (c & 0xff);
            *out = ((high + 128 + (low >> 8)) >> 8) as u8;
        }
    }
}
