//! One-dimensional Perlin gradient noise, as RCDB's reference uses it (`noise.pnoise1` of the
//! `noise` package: one octave, repeat 1024, base 0).
//!
//! Ken Perlin's improved noise in 1-D: the lattice cell `i = ⌊x⌋ mod 1024 mod 256`, the fade
//! `6t⁵ − 15t⁴ + 10t³` of the fraction `t = x − ⌊x⌋`, gradients `g(h) = (h & 7) + 1`, or −1 when
//! `h & 8`, from Perlin's permutation table, and `noise = lerp(fade, g(P[i])·t, g(P[i+1])·(t − 1)) · 0.4`.
//! At uniform random arguments its values have mean ≈ 0, standard deviation ≈ 0.33 and lie within
//! about ±0.95 (tested below).

/// Ken Perlin's reference permutation of 0..=255 ("Improving Noise", SIGGRAPH 2002).
const PERMUTATION: [u8; 256] = [
    151, 160, 137, 91, 90, 15, 131, 13, 201, 95, 96, 53, 194, 233, 7, 225, 140, 36, 103, 30, 69, 142, 8, 99,
    37, 240, 21, 10, 23, 190, 6, 148, 247, 120, 234, 75, 0, 26, 197, 62, 94, 252, 219, 203, 117, 35, 11, 32,
    57, 177, 33, 88, 237, 149, 56, 87, 174, 20, 125, 136, 171, 168, 68, 175, 74, 165, 71, 134, 139, 48, 27,
    166, 77, 146, 158, 231, 83, 111, 229, 122, 60, 211, 133, 230, 220, 105, 92, 41, 55, 46, 245, 40, 244,
    102, 143, 54, 65, 25, 63, 161, 1, 216, 80, 73, 209, 76, 132, 187, 208, 89, 18, 169, 200, 196, 135, 130,
    116, 188, 159, 86, 164, 100, 109, 198, 173, 186, 3, 64, 52, 217, 226, 250, 124, 123, 5, 202, 38, 147,
    118, 126, 255, 82, 85, 212, 207, 206, 59, 227, 47, 16, 58, 17, 182, 189, 28, 42, 223, 183, 170, 213, 119,
    248, 152, 2, 44, 154, 163, 70, 221, 153, 101, 155, 167, 43, 172, 9, 129, 22, 39, 253, 19, 98, 108, 110,
    79, 113, 224, 232, 178, 185, 112, 104, 218, 246, 97, 228, 251, 34, 242, 193, 238, 210, 144, 12, 191, 179,
    162, 241, 81, 51, 145, 235, 249, 14, 239, 107, 49, 192, 214, 31, 181, 199, 106, 157, 184, 84, 204, 176,
    115, 121, 50, 45, 127, 4, 150, 254, 138, 236, 205, 93, 222, 114, 67, 29, 24, 72, 243, 141, 128, 195, 78,
    66, 215, 61, 156, 180,
];

/// The gradient `g(h) = (h & 7) + 1`, or `−1` when `h & 8`, of each lattice cell `i`, `h = P[i]`.
const GRADIENTS: [f64; 256] = {
    let mut gradients = [0.0; 256];
    let mut i = 0;
    while i < 256 {
        let h = PERMUTATION[i];
        gradients[i] = if h & 8 != 0 { -1.0 } else { (h & 7) as f64 + 1.0 };
        i += 1;
    }
    gradients
};

/// Beyond this magnitude every `f64` is an integer, where the noise is 0.
const INTEGRAL: f64 = 9_007_199_254_740_992.0; // 2^53

/// `pnoise1(x)`: 1-D Perlin noise at `x` (0 at non-finite `x`).
#[inline]
pub fn pnoise1(x: f64) -> f64 {
    // On the lattice (every |x| ≥ 2^53 is on it) the noise is 0; NaN and infinities give 0 too.
    if x.is_nan() || libm::fabs(x) >= INTEGRAL {
        return 0.0;
    }
    // ⌊x⌋: the truncation, less one for a negative non-integer (exact below 2^53).
    let truncated = x as i64;
    let floor = truncated - i64::from((truncated as f64) > x);
    // The package's cell `⌊x⌋ mod 1024 mod 256` (its `repeat` is 1024) is `⌊x⌋ mod 256`.
    let (i, ii) = ((floor & 255) as usize, ((floor + 1) & 255) as usize);
    let t = x - floor as f64;
    let fade = t * t * t * (t * (t * 6.0 - 15.0) + 10.0);
    let (a, b) = (GRADIENTS[i] * t, GRADIENTS[ii] * (t - 1.0));
    (a + fade * (b - a)) * 0.4
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::{Generator, Purpose, StreamKey, uniform_f64};

    #[test]
    fn moments_at_random_arguments_match_the_reference() {
        let mut rng = StreamKey {
            seed: 1,
            generator: Generator::Rcdb,
            category: 0,
            instance: 0,
            purpose: Purpose::Shape,
        }
        .rng();
        let n = 200_000;
        let (mut sum, mut sq, mut lo, mut hi) = (0.0, 0.0, f64::MAX, f64::MIN);
        for _ in 0..n {
            let v = pnoise1(uniform_f64(&mut rng, 0.0, 10_000.0));
            sum += v;
            sq += v * v;
            lo = lo.min(v);
            hi = hi.max(v);
        }
        let mean = sum / n as f64;
        let sd = libm::sqrt(sq / n as f64 - mean * mean);
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((sd - 0.33).abs() < 0.02, "sd {sd}");
        assert!(lo > -1.0 && hi < 1.0 && lo < -0.85 && hi > 0.85, "range {lo} {hi}");
    }

    #[test]
    fn agrees_with_the_noise_package() {
        // `noise.pnoise1(x)` of the `noise` package 1.2.2, which computes in C `float`; the
        // arguments are exact in `float`, so only its arithmetic differs.
        let reference = [
            (0.3125, 0.7704923152923584),
            (1.75, 0.12070312350988388),
            (255.5, -0.30000001192092896),
            (1023.875, -0.365487664937973),
            (5000.125, 0.321908563375473),
            (9999.9921875, 0.0031287192832678556),
            (-3.3125, 0.49851247668266296),
        ];
        for (x, expected) in reference {
            assert!((pnoise1(x) - expected).abs() < 1e-6, "pnoise1({x}) = {} vs {expected}", pnoise1(x));
        }
    }

    #[test]
    fn zero_on_the_lattice_continuous_between() {
        for k in [0.0, 1.0, 17.0, 1023.0, 1024.0, 5000.0, -3.0] {
            assert_eq!(pnoise1(k), 0.0);
        }
        let (a, b) = (pnoise1(41.999_999), pnoise1(42.000_001));
        assert!((a - b).abs() < 1e-4);
        assert_eq!(pnoise1(3.25), pnoise1(3.25 + 1024.0));
        assert_eq!(pnoise1(f64::NAN), 0.0);
        assert_eq!(pnoise1(f64::INFINITY), 0.0);
        assert!(pnoise1(1e300).is_finite());
    }
}
