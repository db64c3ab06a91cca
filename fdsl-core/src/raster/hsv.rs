//! OpenCV's 8-bit HSV to RGB conversion, as its vectorised path computes it (Anderson & Farrell's
//! colours go through it).

/// OpenCV's `cvtColor(·, COLOR_HSV2RGB)` of one 8-bit pixel (H 0–179 for the full circle, S and V
/// 0–255), as its vectorised `HSV2RGB_b` computes it (`imgproc/src/color_hsv.simd.hpp`,
/// `HSV2RGB_simd`), which is what OpenCV 5.0 (`opencv-python-headless` 5.0.0.93, x86-64 with
/// AVX2) runs on every pixel of a 224-px image:
/// `float32` throughout, `h·(6/180)`, sector `⌊h⌋ mod 6` (so H ≥ 180 wraps), `f = h − ⌊h⌋`,
/// `tab = [v, v·(1 − s), v·(1 − s·f), v·(1 − s·(1 − f))]` where `1 − s·f` and `1 − s·(1 − f)` are
/// fused multiply-adds (GCC contracts the intrinsics with FMA3; computed exactly here), and each channel `trunc(x·255)`,
/// not rounded (OpenCV's scalar tail rounds; no pixel of a 224-px image goes there). Equal to
/// OpenCV on all 2²⁴ triples (`tests/data/opencv_hsv2rgb.json`).
pub fn hsv_to_rgb([h, s, v]: [u8; 3]) -> [u8; 3] {
    let s = f32::from(s) * (1.0f32 / 255.0);
    let v = f32::from(v) * (1.0f32 / 255.0);
    let h = f32::from(h) * (6.0f32 / 180.0);
    // `h ∈ [0, 8.5]`: truncation through an integer is exact.
    let pre = (h as u32) as f32;
    let f = h - pre;
    // A fused `1 − s·x` rounded once: `s·x` of two `f32`s is exact in `f64`, and `1 − s·x` rounded
    // to `f64` then to `f32` equals the single rounding for every input here (all 2²⁴ triples are
    // checked against OpenCV), at a fraction of a software `fmaf`'s cost.
    let fused = |x: f32| (1.0 - f64::from(s) * f64::from(x)) as f32;
    let tab = [v, v * (1.0 - s), v * fused(f), v * fused(1.0 - f)];
    let sector = (pre - ((pre * (1.0f32 / 6.0)) as u32) as f32 * 6.0) as usize;
    /// `(b, g, r)` entries of `tab` by sector (OpenCV's `sector_data`).
    const SECTORS: [[usize; 3]; 6] = [[1, 3, 0], [1, 0, 2], [3, 0, 1], [0, 2, 1], [0, 1, 3], [2, 1, 0]];
    let [b, g, r] = SECTORS[sector.min(5)];
    let byte = |x: f32| (x * 255.0) as u8;
    [byte(tab[r]), byte(tab[g]), byte(tab[b])]
}
