//! Perlin gradient noise as the `noise` package (Casey Duncan, 1.2.2, `_perlin.c`) computes it:
//! one-dimensional, as RCDB's reference uses it (`noise.pnoise1`: one octave, repeat 1024, base 0),
//! and two-dimensional fractal sums ([`pnoise2`], [`Noise2`]: `noise.pnoise2` with its octaves,
//! persistence and lacunarity, repeat 1024, base 0), the package's algorithm re-derived in `f64`.
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

/// Perlin's fade `6t⁵ − 15t⁴ + 10t³` of a cell fraction `t` (as `t·t·t·(t·(6t − 15) + 10)`, the
/// `noise` package's order of operations).
#[inline(always)]
fn fade(t: f64) -> f64 {
    t * t * t * (t * (t * 6.0 - 15.0) + 10.0)
}

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
    let (a, b) = (GRADIENTS[i] * t, GRADIENTS[ii] * (t - 1.0));
    (a + fade(t) * (b - a)) * 0.4
}

/// `pnoise1(x)` in the package's own `float32` arithmetic (`_perlin.c` `noise1`, its argument parsed
/// with format `"f"`): `x` rounded to `f32`, then `i = ⌊x⌋ mod 256`, `t = x − ⌊x⌋`, the fade, the
/// gradients and `lerp(fade, g(P[i])·t, g(P[i+1])·(t − 1)) · 0.4`, each operation rounded to `f32`
/// (x86-64 evaluates C `float` expressions in `float`, without contraction). What SegRCDB's
/// reference computes, to the bit; [`pnoise1`] is the same formula in `f64`. 0 at non-finite `x`.
#[inline]
pub fn pnoise1_f32(x: f64) -> f64 {
    let x = x as f32;
    if !x.is_finite() {
        return 0.0;
    }
    let floor = libm::floorf(x);
    // `(int)floorf(x) % 1024` then `& 255`: the low 8 bits of ⌊x⌋ (two's complement) for any
    // `⌊x⌋` an `i32` holds; `as` saturates beyond, where C is undefined.
    let cell = floor as i32;
    let i = cell % 1024;
    let (i, ii) = ((i & 255) as usize, (((i + 1) % 1024) & 255) as usize);
    let t = x - floor;
    let fade = t * t * t * (t * (t * 6.0f32 - 15.0f32) + 10.0f32);
    let (a, b) = (GRADIENTS[i] as f32 * t, GRADIENTS[ii] as f32 * (t - 1.0f32));
    f64::from((a + fade * (b - a)) * 0.4f32)
}

/// The `(x, y)` parts of the package's `GRAD3[h & 15]`, the gradient of a 2-D lattice corner.
const GRAD2: [(f64, f64); 16] = [
    (1.0, 1.0),
    (-1.0, 1.0),
    (1.0, -1.0),
    (-1.0, -1.0),
    (1.0, 0.0),
    (-1.0, 0.0),
    (1.0, 0.0),
    (-1.0, 0.0),
    (0.0, 1.0),
    (0.0, -1.0),
    (0.0, 1.0),
    (0.0, -1.0),
    (1.0, 0.0),
    (-1.0, 0.0),
    (0.0, -1.0),
    (0.0, 1.0),
];

/// The package's `repeatx = repeaty = 1024` of the first octave (each octave scales it by its frequency).
pub const REPEAT: f64 = 1024.0;

/// The two lattice cells along one axis, `(i, ii)`, each in `0..256`: the package's
/// `i = (int)floor(fmod(v, r))`, `ii = (int)fmod(i + 1, r)`, both `& 255`. When `r` is a multiple of
/// 256 (every octave of lacunarity 2) they are `⌊v⌋ mod 256` and `(⌊v⌋ + 1) mod 256`; `floor` is `⌊v⌋`.
#[inline(always)]
fn cells(v: f64, floor: f64, r: f64) -> (usize, usize) {
    let q = r / 256.0; // exact: a power-of-two scaling
    if libm::trunc(q) == q {
        let i = floor as i64; // saturating beyond ±2⁶³
        return ((i & 255) as usize, (i.wrapping_add(1) & 255) as usize);
    }
    let i = libm::floor(libm::fmod(v, r)) as i64; // saturating (C's `(int)floorf` is undefined there)
    let ii = libm::fmod(i as f64 + 1.0, r) as i64; // `as` truncates, as C's `(int)`
    ((i & 255) as usize, (ii & 255) as usize)
}

/// Two-dimensional Perlin noise over a permutation of 0..=255: the package's reference table
/// ([`Noise2::REFERENCE`], whose noise is [`pnoise2`]) or any other, so that images differ by
/// their table (fdsl's Perlin family shuffles one per instance).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Noise2 {
    permutation: [u8; 256],
}

impl Noise2 {
    /// Ken Perlin's table, the package's `PERM`.
    pub const REFERENCE: Noise2 = Noise2 { permutation: PERMUTATION };

    /// The noise of `permutation` (any bytes: a permutation of 0..=255 is what Perlin's noise
    /// means, but every table gives finite values).
    pub fn new(permutation: [u8; 256]) -> Self {
        Self { permutation }
    }

    /// The table.
    pub fn permutation(&self) -> &[u8; 256] {
        &self.permutation
    }

    #[inline(always)]
    fn p(&self, k: usize) -> usize {
        usize::from(self.permutation[k & 255])
    }

    /// One octave, the package's `noise2(x, y, rx, ry, base = 0)`: cells `i = ⌊fmod(x, rx)⌋`,
    /// `ii = trunc(fmod(i + 1, rx))`, both `& 255` (`⌊x⌋ mod 256` and `(⌊x⌋ + 1) mod 256` when `rx` is a
    /// multiple of 256), and `(j, jj)` of `y` and `ry` likewise, fractions `u = x − ⌊x⌋`, `v = y − ⌊y⌋`, fades
    /// `f(t) = 6t⁵ − 15t⁴ + 10t³`, corner hashes `h = P[P[P[i] + j]]` (indices mod 256, as the
    /// package's doubled table), corner values `g(h)·(u − dx, v − dy)` with `g` the `(x, y)` of the package's `GRAD3[h & 15]`,
    /// and `lerp(f(v), lerp(f(u), n00, n10), lerp(f(u), n01, n11))`.
    #[inline]
    pub fn octave(&self, x: f64, y: f64, rx: f64, ry: f64) -> f64 {
        if !(x.is_finite() && y.is_finite()) {
            return 0.0;
        }
        let (floor_x, floor_y) = (libm::floor(x), libm::floor(y));
        let ((i, ii), (j, jj)) = (cells(x, floor_x, rx), cells(y, floor_y, ry));
        let (u, v) = (x - floor_x, y - floor_y);
        let (fu, fv) = (fade(u), fade(v));
        let (a, b) = (self.p(i), self.p(ii));
        let (aa, ab, ba, bb) = (self.p(a + j), self.p(a + jj), self.p(b + j), self.p(b + jj));
        let grad = |h: usize, x: f64, y: f64| {
            let (gx, gy) = GRAD2[h & 15];
            x * gx + y * gy
        };
        let lerp = |t: f64, a: f64, b: f64| a + t * (b - a);
        lerp(
            fv,
            lerp(fu, grad(self.p(aa), u, v), grad(self.p(ba), u - 1.0, v)),
            lerp(fu, grad(self.p(ab), u, v - 1.0), grad(self.p(bb), u - 1.0, v - 1.0)),
        )
    }

    /// The package's fractal sum: `Σₖ aₖ · octave(x·fₖ, y·fₖ, 1024·fₖ, 1024·fₖ) / Σₖ aₖ` over
    /// `k < octaves`, `fₖ = lacunarityᵏ`, `aₖ = persistenceᵏ` (0 for 0 octaves, where the
    /// package raises an error; a non-positive or non-finite lacunarity gives meaningless values,
    /// never undefined behaviour).
    #[inline]
    pub fn fractal(&self, x: f64, y: f64, octaves: u32, persistence: f64, lacunarity: f64) -> f64 {
        let (mut freq, mut amp, mut max, mut total) = (1.0, 1.0, 0.0, 0.0);
        for _ in 0..octaves {
            total += self.octave(x * freq, y * freq, REPEAT * freq, REPEAT * freq) * amp;
            max += amp;
            freq *= lacunarity;
            amp *= persistence;
        }
        if max == 0.0 { 0.0 } else { total / max }
    }
}

/// `pnoise2(x, y, octaves, persistence, lacunarity)` of the `noise` package (repeat 1024, base 0):
/// [`Noise2::fractal`] of Perlin's table.
#[inline]
pub fn pnoise2(x: f64, y: f64, octaves: u32, persistence: f64, lacunarity: f64) -> f64 {
    Noise2::REFERENCE.fractal(x, y, octaves, persistence, lacunarity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::stream::{Namespace, Purpose, StreamKey, uniform_f64};

    #[test]
    fn moments_at_random_arguments_match_the_reference() {
        let mut rng = StreamKey {
            seed: 1,
            namespace: Namespace::Rcdb,
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

    #[test]
    fn pnoise2_agrees_with_the_noise_package() {
        // `noise.pnoise2(x, y, octaves, persistence, lacunarity)` of the `noise` package 1.2.2
        // (`scripts/pnoise2_values.py`), which computes in C `float`; the arguments and their
        // octave multiples are exact in `float`, so only its arithmetic differs.
        let reference = [
            (0.3125, 0.6875, 1, 0.5, 2.0, 0.08636777102947235),
            (1.75, 2.25, 1, 0.5, 2.0, 0.054436683654785156),
            (3.5, -0.75, 1, 0.5, 2.0, 0.0),
            (-3.3125, -7.875, 1, 0.5, 2.0, -0.03959362581372261),
            (-0.5, 0.5, 1, 0.5, 2.0, -0.5),
            (17.125, 200.5625, 1, 0.5, 2.0, -0.2211870551109314),
            (255.5, 255.25, 1, 0.5, 2.0, 0.012939453125),
            (1023.875, 511.125, 1, 0.5, 2.0, 0.10545004159212112),
            (5000.125, 3000.375, 1, 0.5, 2.0, 0.06161075830459595),
            (-4096.75, 9999.9921875, 1, 0.5, 2.0, 0.23192644119262695),
            (123.4375, -987.65625, 1, 0.5, 2.0, 0.3838421404361725),
            (1500.5, -1200.25, 1, 0.5, 2.0, -0.288818359375),
            (-2000.25, 1100.5, 1, 0.5, 2.0, -0.3232421875),
            (0.3125, 0.6875, 4, 0.5, 2.0, 0.08425335586071014),
            (1.75, 2.25, 4, 0.5, 2.0, -0.03763376921415329),
            (3.5, -0.75, 4, 0.5, 2.0, -0.06666667014360428),
            (-3.3125, -7.875, 4, 0.5, 2.0, -0.09218950569629669),
            (-0.5, 0.5, 4, 0.5, 2.0, -0.2666666805744171),
            (17.125, 200.5625, 4, 0.5, 2.0, -0.17396822571754456),
            (255.5, 255.25, 4, 0.5, 2.0, -0.05976562574505806),
            (1023.875, 511.125, 4, 0.5, 2.0, -0.06614869087934494),
            (5000.125, 3000.375, 4, 0.5, 2.0, -0.10783993452787399),
            (-4096.75, 9999.9921875, 4, 0.5, 2.0, 0.1174168810248375),
            (123.4375, -987.65625, 4, 0.5, 2.0, 0.23310664296150208),
            (1500.5, -1200.25, 4, 0.5, 2.0, -0.15403646230697632),
            (-2000.25, 1100.5, 4, 0.5, 2.0, -0.10572917014360428),
            (0.3125, 0.6875, 4, 0.25, 2.0, 0.08912807703018188),
            (1.75, 2.25, 4, 0.25, 2.0, -0.006071202922612429),
            (3.5, -0.75, 4, 0.25, 2.0, -0.0470588244497776),
            (-3.3125, -7.875, 4, 0.25, 2.0, -0.07632728666067123),
            (-0.5, 0.5, 4, 0.25, 2.0, -0.3764705955982208),
            (17.125, 200.5625, 4, 0.25, 2.0, -0.17726866900920868),
            (255.5, 255.25, 4, 0.25, 2.0, -0.037316177040338516),
            (1023.875, 511.125, 4, 0.25, 2.0, 0.016535058617591858),
            (5000.125, 3000.375, 4, 0.25, 2.0, -0.035280607640743256),
            (-4096.75, 9999.9921875, 4, 0.25, 2.0, 0.17388039827346802),
            (123.4375, -987.65625, 4, 0.25, 2.0, 0.30727672576904297),
            (1500.5, -1200.25, 4, 0.25, 2.0, -0.21746324002742767),
            (-2000.25, 1100.5, 4, 0.25, 2.0, -0.19632352888584137),
            (0.3125, 0.6875, 6, 0.85, 2.0, 0.04909694567322731),
            (1.75, 2.25, 6, 0.85, 2.0, -0.038066115230321884),
            (3.5, -0.75, 6, 0.85, 2.0, -0.051176007837057114),
            (-3.3125, -7.875, 6, 0.85, 2.0, -0.06965605914592743),
            (-0.5, 0.5, 6, 0.85, 2.0, -0.1204141303896904),
            (17.125, 200.5625, 6, 0.85, 2.0, -0.1616031676530838),
            (255.5, 255.25, 6, 0.85, 2.0, -0.048059821128845215),
            (1023.875, 511.125, 6, 0.85, 2.0, -0.104378342628479),
            (5000.125, 3000.375, 6, 0.85, 2.0, -0.12003599107265472),
            (-4096.75, 9999.9921875, 6, 0.85, 2.0, -0.003195573342964053),
            (123.4375, -987.65625, 6, 0.85, 2.0, 0.16281569004058838),
            (1500.5, -1200.25, 6, 0.85, 2.0, -0.0695556253194809),
            (-2000.25, 1100.5, 6, 0.85, 2.0, -0.02666984684765339),
            (0.3125, 0.6875, 3, 0.5, 3.0, 0.02494766004383564),
            (1.75, 2.25, 3, 0.5, 3.0, 0.02220439910888672),
            (3.5, -0.75, 3, 0.5, 3.0, 0.15087890625),
            (-3.3125, -7.875, 3, 0.5, 3.0, 0.0715721845626831),
            (-0.5, 0.5, 3, 0.5, 3.0, -0.3928571343421936),
            (17.125, 200.5625, 3, 0.5, 3.0, 0.004506128374487162),
            (255.5, 255.25, 3, 0.5, 3.0, 0.02340262196958065),
            (1023.875, 511.125, 3, 0.5, 3.0, 0.060756467282772064),
            (5000.125, 3000.375, 3, 0.5, 3.0, 0.0033922898583114147),
            (-4096.75, 9999.9921875, 3, 0.5, 3.0, 0.15672563016414642),
            (123.4375, -987.65625, 3, 0.5, 3.0, 0.0983828455209732),
            (1500.5, -1200.25, 3, 0.5, 3.0, -0.2820521891117096),
            (-2000.25, 1100.5, 3, 0.5, 3.0, -0.2327357679605484),
            (0.3125, 0.6875, 2, 0.7, 1.5, 0.0677146315574646),
            (1.75, 2.25, 2, 0.7, 1.5, -0.06858634203672409),
            (3.5, -0.75, 2, 0.7, 1.5, -0.12069176882505417),
            (-3.3125, -7.875, 2, 0.7, 1.5, -0.08053483068943024),
            (-0.5, 0.5, 2, 0.7, 1.5, -0.4374767541885376),
            (17.125, 200.5625, 2, 0.7, 1.5, -0.18917758762836456),
            (255.5, 255.25, 2, 0.7, 1.5, -0.09255314618349075),
            (1023.875, 511.125, 2, 0.7, 1.5, 0.0931662917137146),
            (5000.125, 3000.375, 2, 0.7, 1.5, -0.12249965220689774),
            (-4096.75, 9999.9921875, 2, 0.7, 1.5, 0.09156789630651474),
            (123.4375, -987.65625, 2, 0.7, 1.5, 0.09513959288597107),
            (1500.5, -1200.25, 2, 0.7, 1.5, -0.04655246064066887),
            (-2000.25, 1100.5, 2, 0.7, 1.5, -0.22152310609817505),
            (0.3125, 0.6875, 3, 0.5, 1.125, 0.07438250631093979),
            (1.75, 2.25, 3, 0.5, 1.125, -0.020661337301135063),
            (3.5, -0.75, 3, 0.5, 1.125, -0.024871433153748512),
            (-3.3125, -7.875, 3, 0.5, 1.125, 0.02220355160534382),
            (-0.5, 0.5, 3, 0.5, 1.125, -0.5026370286941528),
            (17.125, 200.5625, 3, 0.5, 1.125, -0.3304050862789154),
            (255.5, 255.25, 3, 0.5, 1.125, -0.11194630712270737),
            (1023.875, 511.125, 3, 0.5, 1.125, 0.13390813767910004),
            (5000.125, 3000.375, 3, 0.5, 1.125, 0.06364838778972626),
            (123.4375, -987.65625, 3, 0.5, 1.125, 0.18683215975761414),
            (1500.5, -1200.25, 3, 0.5, 1.125, -0.22145308554172516),
            (-2000.25, 1100.5, 3, 0.5, 1.125, -0.208180770277977),
        ];
        for (x, y, octaves, persistence, lacunarity, expected) in reference {
            let got = pnoise2(x, y, octaves, persistence, lacunarity);
            assert!(
                (got - expected).abs() < 2e-6,
                "pnoise2({x}, {y}, {octaves}, {persistence}, {lacunarity}) = {got} vs {expected}"
            );
        }
    }

    #[test]
    fn pnoise2_is_bounded_periodic_and_zero_on_the_lattice() {
        assert_eq!(pnoise2(3.0, -7.0, 1, 0.5, 2.0), 0.0);
        assert_eq!(pnoise2(2.25, 7.5, 4, 0.5, 2.0), pnoise2(2.25 + 1024.0, 7.5 - 2048.0, 4, 0.5, 2.0));
        assert_eq!(pnoise2(f64::NAN, 1.5, 3, 0.5, 2.0), 0.0);
        assert_eq!(pnoise2(1.5, 1.5, 0, 0.5, 2.0), 0.0);
        assert!(pnoise2(1e300, -1e300, 4, 0.5, 2.0).is_finite());
        let mut rng = StreamKey {
            seed: 2,
            namespace: Namespace::Perlin,
            category: 0,
            instance: 0,
            purpose: Purpose::Shape,
        }
        .rng();
        for _ in 0..50_000 {
            let (x, y) = (uniform_f64(&mut rng, -3000.0, 3000.0), uniform_f64(&mut rng, -3000.0, 3000.0));
            let v = pnoise2(x, y, 1, 0.5, 2.0);
            assert!(v.abs() <= 1.0, "{v}");
            let ones = Noise2::new([1; 256]).fractal(x, y, 4, 0.5, 2.0);
            assert!(ones.is_finite());
        }
    }
}
