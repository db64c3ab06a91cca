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

/// `cv2.GaussianBlur(img, (3, 3), σ)` of a `side × side × 3` `uint8` image, in place, with
/// `kernel` from [`gaussian_kernel_3`]: rows then columns, each sum exact in integers (8 + 8
/// fractional bits), the result `(v + 2¹⁵) >> 16`; border `BORDER_REFLECT_101` (pixel −1 is
/// pixel 1). `rows` is scratch of at least `side · side · 3` values.
pub fn gaussian_blur_3x3(rgb: &mut [u8], side: usize, kernel: [u32; 3], rows: &mut [u32]) {
    let width = side * 3;
    let len = width * side;
    if side < 2 || rgb.len() < len || rows.len() < len {
        return;
    }
    let [k0, k1, k2] = kernel;
    // Rows: value i of a row is k0·row[i − 3] + k1·row[i] + k2·row[i + 3] (the neighbouring
    // pixels' same channel); the first pixel's left neighbour and the last's right one reflect.
    for (src, dst) in rgb[..len].chunks_exact(width).zip(rows[..len].chunks_exact_mut(width)) {
        let at = |i: usize| u32::from(src[i]);
        for ch in 0..3 {
            dst[ch] = k0 * at(3 + ch) + k1 * at(ch) + k2 * at(3 + ch);
            let last = width - 3 + ch;
            dst[last] = k0 * at(last - 3) + k1 * at(last) + k2 * at(last - 3);
        }
        let (left, mid, right) = (&src[..width - 6], &src[3..width - 3], &src[6..]);
        for (((d, &a), &b), &c) in dst[3..width - 3].iter_mut().zip(left).zip(mid).zip(right) {
            *d = k0 * u32::from(a) + k1 * u32::from(b) + k2 * u32::from(c);
        }
    }
    for r in 0..side {
        let (u, d) = (if r == 0 { 1 } else { r - 1 }, if r + 1 == side { side - 2 } else { r + 1 });
        let (up, mid, down) =
            (&rows[u * width..][..width], &rows[r * width..][..width], &rows[d * width..][..width]);
        for (((out, &a), &b), &c) in rgb[r * width..][..width].iter_mut().zip(up).zip(mid).zip(down) {
            let v = k0 * a + k1 * b + k2 * c;
            *out = ((v + (1 << 15)) >> 16).min(255) as u8;
        }
    }
}
