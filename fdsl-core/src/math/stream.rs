//! Keyed random streams.
//!
//! Every random draw of a dataset comes from a PCG32 generator (`rand_pcg::Pcg32`,
//! O'Neill 2014: 64-bit LCG state, XSH-RR output) whose state and stream selector are a
//! hash of a [`StreamKey`]: (dataset seed, namespace, category, instance, purpose).
//! Two different keys give independent-looking sequences; the same key gives the same
//! sequence everywhere. Nothing is shared between samples, so samples are random access.

use rand_core::Rng;
use rand_pcg::Pcg32;

/// The namespace of a stream: which family (or search) it belongs to, part of the key, so that no two
/// families ever share draws. The numbers are part of every dataset's bytes: never reuse or change one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum Namespace {
    /// FractalDB rendering (2-D IFS images).
    FractalDb = 1,
    /// The FractalDB category search.
    FractalSearch = 2,
    /// RCDB (radial contours).
    Rcdb = 3,
    /// The 3-D IFS category search (ExFractalDB, MV-FractalDB, PC-FractalDB).
    FractalSearch3d = 4,
    /// ExFractalDB and MV-FractalDB rendering (3-D IFS images).
    ExFractalDb = 5,
    /// PC-FractalDB point clouds and scenes.
    PcFractalDb = 6,
    /// Anderson & Farrell's fractals (systems and images).
    AndersonFarrell = 7,
    /// Dead leaves images (Baradad et al. 2021).
    DeadLeaves = 9,
    /// VisualAtom images (Takashima et al. 2023).
    VisualAtom = 10,
    /// Perlin noise images (fdsl's reconstruction of the ACCV 2020 comparison's).
    Perlin = 11,
    /// Bezier curve images (fdsl's reconstruction of the ACCV 2020 comparison's).
    Bezier = 12,
    /// 1p-frac: one fractal and its perturbations (Nakamura et al. 2024).
    OnePointFrac = 13,
    /// SegRCDB: radial contours with segmentation masks (Shinoda et al. 2023).
    SegRcdb = 14,
    /// Baradad et al.'s statistical image models (the category is the model, [`crate::families::statistical::Model`]).
    Statistical = 15,
    /// Textured dead leaves (Baradad et al. 2021).
    DeadLeavesTextured = 16,
    /// PrimGeoSeg volumes and voxel labels (Tadokoro et al. 2023).
    PrimGeoSeg = 17,
}

impl Namespace {
    /// The namespace of the order of samples in shards, whatever the dataset (FractalDB's, as fdsl
    /// 0.1 drew it: shards keep their bytes).
    pub const SHARD_ORDER: Namespace = Namespace::FractalDb;
}

/// What a stream is used for, within one (namespace, category, instance).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum Purpose {
    /// Sampling the parameters of a category.
    Parameters = 1,
    /// The map choices of a chaos game.
    Chain = 2,
    /// The 3x3 patch masks of patch-mode rendering.
    Patches = 3,
    /// The order of samples in an exported dataset.
    Order = 4,
    /// The draws that shape one instance (RCDB's ellipse, centre and contour noise).
    Shape = 5,
    /// The textures an instance's regions take (textured dead leaves).
    Texture = 6,
}

/// The identity of one random stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StreamKey {
    /// The dataset seed chosen by the user.
    pub seed: u64,
    /// The family (or search) the stream belongs to.
    pub namespace: Namespace,
    /// The category (class) index, or the candidate index during a search.
    pub category: u64,
    /// The instance within the category (its meaning is the family's).
    pub instance: u64,
    /// What the draws are for.
    pub purpose: Purpose,
}

/// SplitMix64's finaliser (Steele, Lea, Flood 2014; constants of Stafford's "Mix13"):
/// a bijection of `u64` with full avalanche.
const fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The golden-ratio increment of SplitMix64, added between absorbed words.
const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

impl StreamKey {
    /// The key's hash: each field is absorbed in turn, `h = mix64(h + GAMMA ^ field)`.
    pub const fn hash(&self) -> u64 {
        let fields = [self.seed, self.namespace as u64, self.category, self.instance, self.purpose as u64];
        let mut h: u64 = 0x6664_736c_2d76_3031; // "fdsl-v01"
        let mut i = 0;
        while i < fields.len() {
            h = mix64(h.wrapping_add(GAMMA) ^ fields[i]);
            i += 1;
        }
        h
    }

    /// The PCG32 generator of this key: state = hash, stream selector = mix64(hash + GAMMA).
    pub fn rng(&self) -> Pcg32 {
        let h = self.hash();
        Pcg32::new(h, mix64(h.wrapping_add(GAMMA)))
    }
}

/// A uniform `f64` in `[0, 1)` from one 32-bit draw: `r · 2⁻³²` (exact, 2³² equally spaced values).
/// This is the chaos game's map-selection variate.
#[inline(always)]
pub fn unit_f64_from_u32<R: Rng>(rng: &mut R) -> f64 {
    rng.next_u32() as f64 * (1.0 / 4_294_967_296.0)
}

/// A uniform `f64` in `[0, 1)` with 53 random bits: `(r >> 11) · 2⁻⁵³`.
#[inline]
pub fn unit_f64<R: Rng>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
}

/// A uniform `f64` in `[lo, hi)`: `lo + (hi − lo) · u` with `u` from [`unit_f64`].
#[inline]
pub fn uniform_f64<R: Rng>(rng: &mut R, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * unit_f64(rng)
}

/// A uniform integer in `[0, n)` without bias (Lemire 2019, "Fast random integer generation in
/// an interval": multiply-shift with rejection of the short first interval). `n` must be non-zero.
pub fn below<R: Rng>(rng: &mut R, n: u32) -> u32 {
    debug_assert!(n > 0);
    let threshold = n.wrapping_neg() % n;
    loop {
        let m = u64::from(rng.next_u32()) * u64::from(n);
        if (m as u32) >= threshold {
            return (m >> 32) as u32;
        }
    }
}

/// Shuffle `items` uniformly (Durstenfeld's Fisher–Yates: for `i` from the end, swap `items[i]` with
/// `items[below(i + 1)]`). At most `u32::MAX` items are shuffled; the rest stay in place.
pub fn shuffle<T, R: Rng>(rng: &mut R, items: &mut [T]) {
    let n = items.len().min(u32::MAX as usize);
    for i in (1..n).rev() {
        let j = below(rng, i as u32 + 1) as usize;
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u64, category: u64, instance: u64, purpose: Purpose) -> StreamKey {
        StreamKey { seed, namespace: Namespace::FractalDb, category, instance, purpose }
    }

    #[test]
    fn same_key_same_sequence_and_fields_matter() {
        let k = key(7, 3, 2, Purpose::Chain);
        let (mut a, mut b) = (k.rng(), k.rng());
        for _ in 0..100 {
            assert_eq!(a.next_u32(), b.next_u32());
        }
        let variants = [
            key(8, 3, 2, Purpose::Chain),
            key(7, 4, 2, Purpose::Chain),
            key(7, 3, 3, Purpose::Chain),
            key(7, 3, 2, Purpose::Patches),
            StreamKey { namespace: Namespace::FractalSearch, ..k },
        ];
        for v in variants {
            assert_ne!(v.hash(), k.hash(), "{v:?}");
            assert_ne!(v.rng().next_u64(), k.rng().next_u64(), "{v:?}");
        }
    }

    #[test]
    fn hash_is_pinned() {
        // A change here changes every dataset: it is a format-version change.
        assert_eq!(key(0, 0, 0, Purpose::Parameters).hash(), 0x1260_30b4_cb8d_31ce);
        assert_eq!(key(0, 0, 0, Purpose::Parameters).rng().next_u32(), 767_868_888);
    }

    #[test]
    fn below_is_in_range_and_covers_it() {
        let mut rng = key(1, 0, 0, Purpose::Parameters).rng();
        let mut seen = [0u32; 6];
        for _ in 0..6000 {
            seen[below(&mut rng, 6) as usize] += 1;
        }
        assert!(seen.iter().all(|&c| (850..1150).contains(&c)), "{seen:?}");
    }

    #[test]
    fn shuffle_is_a_uniform_permutation() {
        let mut rng = key(4, 0, 0, Purpose::Order).rng();
        let mut first = [0u32; 4];
        for _ in 0..8000 {
            let mut v = [0, 1, 2, 3];
            shuffle(&mut rng, &mut v);
            let mut sorted = v;
            sorted.sort();
            assert_eq!(sorted, [0, 1, 2, 3]);
            first[v[0]] += 1;
        }
        assert!(first.iter().all(|&n| (1800..2200).contains(&n)), "{first:?}");
        shuffle(&mut rng, &mut [0u8; 0]);
    }

    #[test]
    fn unit_draws_are_in_range() {
        let mut rng = key(2, 0, 0, Purpose::Parameters).rng();
        for _ in 0..10_000 {
            let u = unit_f64(&mut rng);
            let v = unit_f64_from_u32(&mut rng);
            let w = uniform_f64(&mut rng, -1.0, 1.0);
            assert!((0.0..1.0).contains(&u) && (0.0..1.0).contains(&v) && (-1.0..1.0).contains(&w));
        }
    }
}
