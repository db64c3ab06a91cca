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
    let reflect = |i: usize, d: isize| -> usize {
        let j = i as isize + d;
        (if j < 0 {
            1
        } else if j as usize >= side {
            side as isize - 2
        } else {
            j
        }) as usize
    };
    for r in 0..side {
        for x in 0..side {
            let (l, rr) = (reflect(x, -1), reflect(x, 1));
            for ch in 0..3 {
                let at = |c: usize| u32::from(rgb[r * width + c * 3 + ch]);
                rows[r * width + x * 3 + ch] = kernel[0] * at(l) + kernel[1] * at(x) + kernel[2] * at(rr);
            }
        }
    }
    for r in 0..side {
        let (u, d) = (reflect(r, -1), reflect(r, 1));
        for i in 0..width {
            let v = kernel[0] * rows[u * width + i]
                + kernel[1] * rows[r * width + i]
                + kernel[2] * rows[d * width + i];
            rgb[r * width + i] = ((v + (1 << 15)) >> 16).min(255) as u8;
        }
    }
}
