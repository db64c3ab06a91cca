//! Iterated function systems: affine maps with selection probabilities, in 2-D ([`Ifs2`]) and 3-D
//! ([`Ifs3`]), one generic [`Ifs`] over the [`Map`] trait.

use crate::math::affine::{Affine2, Affine3, Map};
use crate::math::stream::below;
use rand_core::Rng;

/// The most maps an [`Ifs`] holds. FractalDB samples 2 to 7; files may hold up to this many.
pub const MAX_MAPS: usize = 16;

/// The distribution of a search's random IFSs: the number of maps N uniform in
/// {`min_maps`, …, `max_maps`}, every coefficient ~ U(−`range`, `range`). FractalDB's
/// `ifs_search.py` draws N in {2, …, 7} and coefficients in (−1, 1) ([`Sampling::FRACTALDB`]); the
/// ViT paper (Nakashima et al., AAAI 2022) also tried ranges ±0.8 and ±1.5 and fewer maps.
/// `#[repr(C)]`: GPU kernels take it by value inside the search criteria.
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(C)]
pub struct Sampling {
    /// The fewest maps.
    pub min_maps: u32,
    /// The most maps.
    pub max_maps: u32,
    /// The bound of every coefficient's uniform range.
    pub range: f64,
}

impl Sampling {
    /// The reference's: 2 to 7 maps, coefficients in (−1, 1).
    pub const FRACTALDB: Sampling = Sampling { min_maps: 2, max_maps: 7, range: 1.0 };

    /// Whether the values can be sampled: 1 ≤ `min_maps` ≤ `max_maps` ≤ [`MAX_MAPS`], and `range`
    /// finite and positive.
    pub fn is_valid(&self) -> bool {
        1 <= self.min_maps
            && self.min_maps <= self.max_maps
            && self.max_maps as usize <= MAX_MAPS
            && self.range.is_finite()
            && self.range > 0.0
    }
}

/// Why a set of maps is not a usable IFS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IfsError {
    /// No map at all.
    Empty,
    /// More than [`MAX_MAPS`] maps.
    TooManyMaps,
    /// A coefficient or probability of map `map` (0-based) is NaN or infinite.
    NotFinite {
        /// The offending map.
        map: usize,
    },
    /// A probability of map `map` is negative.
    NegativeProbability {
        /// The offending map.
        map: usize,
    },
    /// The probabilities sum to zero (or the sum is not finite).
    ZeroProbability,
}

impl core::fmt::Display for IfsError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Empty => write!(f, "the IFS has no map"),
            Self::TooManyMaps => write!(f, "the IFS has more than {MAX_MAPS} maps"),
            Self::NotFinite { map } => write!(f, "map {} has a NaN or infinite value", map + 1),
            Self::NegativeProbability { map } => {
                write!(f, "map {} has a negative probability", map + 1)
            }
            Self::ZeroProbability => write!(f, "the probabilities do not sum to a positive number"),
        }
    }
}

impl core::error::Error for IfsError {}

/// An IFS: up to [`MAX_MAPS`] affine maps `w_i`, each chosen with probability `p_i`.
///
/// Stored flat and `Copy` (`#[repr(C)]`), so it can be passed by value to a GPU kernel.
/// The cumulative sums `cumsum(p)_i` are precomputed, left to right in `f64`, as the
/// reference's running `temp_proba += proba`.
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(C)]
pub struct Ifs<M> {
    len: usize,
    maps: [M; MAX_MAPS],
    probabilities: [f64; MAX_MAPS],
    cumulative: [f64; MAX_MAPS],
}

/// An IFS of the plane (FractalDB).
pub type Ifs2 = Ifs<Affine2>;
/// An IFS of space (ExFractalDB, PC-FractalDB).
pub type Ifs3 = Ifs<Affine3>;

impl<M: Map> Ifs<M> {
    /// An IFS from `(map, p)` pairs, probabilities as given (not renormalised, as in the reference;
    /// the last map catches any rounding shortfall of the cumulative sum).
    pub fn new(maps: impl IntoIterator<Item = (M, f64)>) -> Result<Self, IfsError> {
        let mut ifs = Self {
            len: 0,
            maps: [M::default(); MAX_MAPS],
            probabilities: [0.0; MAX_MAPS],
            cumulative: [0.0; MAX_MAPS],
        };
        let mut sum = 0.0;
        for (i, (map, p)) in maps.into_iter().enumerate() {
            if i == MAX_MAPS {
                return Err(IfsError::TooManyMaps);
            }
            if !map.is_finite() || !p.is_finite() {
                return Err(IfsError::NotFinite { map: i });
            }
            if p < 0.0 {
                return Err(IfsError::NegativeProbability { map: i });
            }
            sum += p;
            ifs.maps[i] = map;
            ifs.probabilities[i] = p;
            ifs.cumulative[i] = sum;
            ifs.len = i + 1;
        }
        if ifs.len == 0 {
            return Err(IfsError::Empty);
        }
        if !(sum > 0.0 && sum.is_finite()) {
            return Err(IfsError::ZeroProbability);
        }
        Ok(ifs)
    }

    /// The random IFS of the FractalDB searches (`ifs_search.py`, and the 3-D search of ExFractalDB
    /// and PC-FractalDB) under `sampling` (the reference's: [`Sampling::FRACTALDB`]): N uniform in
    /// {min, …, max}; for each map every coefficient ~ U(−range, range) independently
    /// ([`Map::random`]); p_i = |det A_i| / Σ_j |det A_j|. No contractivity check. Values outside
    /// [`Sampling::is_valid`] are clamped into it (check them first to report them).
    pub fn sample<R: Rng>(rng: &mut R, sampling: &Sampling) -> Self {
        let min = sampling.min_maps.clamp(1, MAX_MAPS as u32);
        let max = sampling.max_maps.clamp(min, MAX_MAPS as u32);
        let range = if sampling.range.is_finite() && sampling.range > 0.0 { sampling.range } else { 1.0 };
        let n = (min + below(rng, max - min + 1)) as usize;
        let mut maps = [M::default(); MAX_MAPS];
        let mut dets = [0.0; MAX_MAPS];
        let mut sum = 0.0;
        for (map, det) in maps.iter_mut().zip(&mut dets).take(n) {
            *map = M::random(rng, range);
            *det = libm::fabs(map.det());
            sum += *det;
        }
        // Every |det| is finite and bounded, and their sum is positive with probability 1; an
        // all-zero draw (never seen) falls back to equal probabilities rather than failing.
        let p = |i: usize| {
            if sum > 0.0 { dets[i] / sum } else { 1.0 / n as f64 }
        };
        Self::new((0..n).map(|i| (maps[i], p(i)))).unwrap_or_else(|_| unreachable!("finite maps"))
    }

    /// The number of maps.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always false: an `Ifs2` has at least one map.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The maps.
    pub fn maps(&self) -> &[M] {
        &self.maps[..self.len]
    }

    /// The selection probabilities, as given.
    pub fn probabilities(&self) -> &[f64] {
        &self.probabilities[..self.len]
    }

    /// The same IFS with every map's coefficients multiplied by `factors` (in coefficient order);
    /// probabilities unchanged, as in the reference's `set_param(..., weight_a=...)`.
    pub fn scaled(&self, factors: &M::Factors) -> Self {
        let mut out = *self;
        for m in &mut out.maps[..self.len] {
            *m = m.scaled(factors);
        }
        out
    }

    /// The map chosen by the uniform variate `u ∈ [0, 1)`: the first `i` with `u ≤ cumsum(p)_i`,
    /// the last map if none (a cumulative sum short of 1 by rounding). Branch-free: the index is the
    /// number of the first `len − 1` cumulative sums that are `< u`.
    #[inline(always)]
    pub fn select(&self, u: f64) -> &M {
        let mut i = 0;
        for &c in &self.cumulative[..self.len - 1] {
            i += usize::from(u > c);
        }
        &self.maps[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::stream::{Namespace, Purpose, StreamKey};

    fn unit(k: f64) -> Affine2 {
        Affine2::from_coefficients([k, 0.0, 0.0, k, 0.0, 0.0])
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(Ifs2::new([]), Err(IfsError::Empty));
        assert_eq!(Ifs2::new([(unit(f64::NAN), 1.0)]), Err(IfsError::NotFinite { map: 0 }));
        assert_eq!(
            Ifs2::new([(unit(0.5), 1.0), (unit(0.5), f64::INFINITY)]),
            Err(IfsError::NotFinite { map: 1 })
        );
        assert_eq!(
            Ifs2::new([(unit(0.5), 1.0), (unit(0.5), -0.1)]),
            Err(IfsError::NegativeProbability { map: 1 })
        );
        assert_eq!(Ifs2::new([(unit(0.5), 0.0)]), Err(IfsError::ZeroProbability));
        assert_eq!(Ifs2::new([(unit(0.5), 1.0); MAX_MAPS + 1]), Err(IfsError::TooManyMaps));
        assert!(Ifs2::new([(unit(0.5), 1.0); MAX_MAPS]).is_ok());
    }

    #[test]
    fn select_is_first_cumulative_at_or_above() {
        let ifs = Ifs2::new([(unit(1.0), 0.25), (unit(2.0), 0.25), (unit(3.0), 0.5)]).unwrap();
        let pick = |u| ifs.select(u).a;
        assert_eq!(pick(0.0), 1.0);
        assert_eq!(pick(0.25), 1.0);
        assert_eq!(pick(0.250001), 2.0);
        assert_eq!(pick(0.5), 2.0);
        assert_eq!(pick(0.75), 3.0);
        assert_eq!(pick(0.999999), 3.0);
        // Probabilities that sum to less than one: the last map takes the rest.
        let short = Ifs2::new([(unit(1.0), 0.1), (unit(2.0), 0.1)]).unwrap();
        assert_eq!(short.select(0.9).a, 2.0);
    }

    #[test]
    fn sampling_follows_the_reference_distribution() {
        let mut counts = [0usize; MAX_MAPS + 1];
        for c in 0..3000 {
            let key = StreamKey {
                seed: 5,
                namespace: Namespace::FractalSearch,
                category: c,
                instance: 0,
                purpose: Purpose::Parameters,
            };
            let ifs = Ifs2::sample(&mut key.rng(), &Sampling::FRACTALDB);
            let ifs3 = Ifs3::sample(&mut key.rng(), &Sampling::FRACTALDB);
            assert!((2..=7).contains(&ifs3.len()));
            counts[ifs.len()] += 1;
            let sum: f64 = ifs.probabilities().iter().sum();
            assert!((sum - 1.0).abs() < 1e-12);
            for (m, p) in ifs.maps().iter().zip(ifs.probabilities()) {
                assert!(m.coefficients().iter().all(|k| (-1.0..1.0).contains(k)));
                assert!(
                    (p - m.det().abs() / ifs.maps().iter().map(|m| m.det().abs()).sum::<f64>()).abs() < 1e-12
                );
            }
        }
        assert_eq!(counts[..2], [0, 0]);
        assert!(counts[2..8].iter().all(|&n| (420..580).contains(&n)), "{counts:?}");
        assert_eq!(counts[8..].iter().sum::<usize>(), 0);
    }
}
