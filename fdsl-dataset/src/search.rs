//! The category searches: FractalDB's 2-D IFSs, or the 3-D ones of ExFractalDB, MV-FractalDB and
//! PC-FractalDB, tried in parallel, the result independent of the number of threads.

use crate::categories::{Category, Params};
use anyhow::{Result, bail};
use fdsl_core::cloud::Criteria3;
use fdsl_core::search::Criteria;
use fdsl_core::{Canvas, Ifs2, Ifs3};
use rayon::prelude::*;
use serde::Serialize;

/// A search: what it tries, and how a tried candidate scores.
pub trait Searcher: Sync {
    /// The category parameters it finds.
    type Found: Params;
    /// Per-worker buffers.
    type Scratch: Send;
    /// Fresh buffers.
    fn scratch(&self) -> Self::Scratch;
    /// Candidate `index` of the search with `seed`: its parameters, its score (the filling rate in
    /// 2-D, the smallest axis variance in 3-D), and whether it is accepted.
    fn try_one(&self, seed: u64, index: u64, scratch: &mut Self::Scratch) -> (Self::Found, f64, bool);
}

impl Searcher for Criteria {
    type Found = Ifs2;
    type Scratch = Vec<u8>;

    fn scratch(&self) -> Vec<u8> {
        vec![0; self.grid.width as usize * self.grid.height as usize]
    }

    fn try_one(&self, seed: u64, index: u64, buf: &mut Vec<u8>) -> (Ifs2, f64, bool) {
        let (w, h) = (self.grid.width as usize, self.grid.height as usize);
        let mut canvas = Canvas::new(buf, w, h).expect("sized by scratch()");
        let c = fdsl_core::search::try_candidate(seed, index, self, &mut canvas);
        (c.ifs, c.filling_rate, c.accepted)
    }
}

impl Searcher for Criteria3 {
    type Found = Ifs3;
    type Scratch = Vec<[f32; 3]>;

    fn scratch(&self) -> Vec<[f32; 3]> {
        vec![[0.0; 3]; self.points as usize]
    }

    fn try_one(&self, seed: u64, index: u64, points: &mut Vec<[f32; 3]>) -> (Ifs3, f64, bool) {
        let c = fdsl_core::cloud::try_candidate(seed, index, self, points);
        (c.ifs, c.variances.iter().copied().fold(f64::INFINITY, f64::min), c.accepted)
    }
}

/// An accepted candidate.
#[derive(Clone, Debug, Serialize)]
#[serde(bound(serialize = ""))]
pub struct Found<P> {
    /// Its index in the candidate sequence of the seed.
    pub candidate: u64,
    /// Its score: the point-mode filling rate (2-D) or the smallest axis variance (3-D).
    pub score: f64,
    /// The category file it became.
    pub file: String,
    #[serde(skip)]
    /// The category.
    pub category: Category<P>,
}

/// The largest `--range` of a search's coefficients (the ViT paper tried 0.8 to 1.5; past a few
/// units almost every candidate diverges).
pub const MAX_RANGE: f64 = 100.0;

/// Check 2-D search criteria; messages name the flag.
pub fn check(criteria: &Criteria) -> Result<()> {
    let pixels = f64::from(criteria.grid.width) * f64::from(criteria.grid.height);
    let side = criteria.grid.width;
    if !crate::spec::SIZES.contains(&side) {
        bail!(
            "--size must be between {} and {} pixels, not {side}",
            crate::spec::SIZES.start(),
            crate::spec::SIZES.end()
        );
    }
    check_points_threshold(criteria.points, criteria.threshold, 1.0)?;
    let sampling = criteria.sampling;
    if !(1..=sampling.max_maps).contains(&sampling.min_maps)
        || sampling.max_maps as usize > fdsl_core::ifs::MAX_MAPS
    {
        bail!(
            "--maps must be N or A..B with 1 <= A <= B <= {}, not {}..{}",
            fdsl_core::ifs::MAX_MAPS,
            sampling.min_maps,
            sampling.max_maps
        );
    }
    if !(sampling.range.is_finite() && sampling.range > 0.0 && sampling.range <= MAX_RANGE) {
        bail!("--range must be in (0, {MAX_RANGE}], not {}", sampling.range);
    }
    debug_assert!(sampling.is_valid());
    if f64::from(criteria.points) < criteria.threshold * pixels {
        bail!(
            "--points {} can fill at most {:.1} % of a {side}x{side} canvas, below --threshold {}: no candidate could pass",
            criteria.points,
            100.0 * f64::from(criteria.points) / pixels,
            criteria.threshold
        );
    }
    Ok(())
}

/// Check 3-D search criteria (a variance of a cloud in [−1, 1]³ is at most 1).
pub fn check_3d(criteria: &Criteria3) -> Result<()> {
    check_points_threshold(criteria.points, criteria.threshold, 1.0)
}

fn check_points_threshold(points: u32, threshold: f64, max: f64) -> Result<()> {
    if !crate::spec::POINTS.contains(&points) {
        bail!("--points must be between {} and {}", crate::spec::POINTS.start(), crate::spec::POINTS.end());
    }
    if !(threshold > 0.0 && threshold <= max) {
        bail!("--threshold must be in (0, {max}], not {threshold}");
    }
    Ok(())
}

/// Called with (categories found, categories wanted) as a search goes.
pub type Progress<'a> = &'a dyn Fn(u64, u64);

/// The first `n` accepted candidates, in candidate order, and the number of candidates tried,
/// trying at most `max_candidates`, `batch` at a time: `accepted(range)` gives the accepted candidates
/// of a range (index, parameters, score), in order.
pub fn first_accepted<P: Params>(
    n: usize,
    max_candidates: u64,
    batch: u64,
    progress: Progress,
    mut accepted: impl FnMut(std::ops::Range<u64>) -> Result<Vec<(u64, P, f64)>>,
) -> Result<(Vec<Found<P>>, u64)> {
    let mut found = Vec::with_capacity(n);
    let mut next = 0u64;
    while found.len() < n {
        if next >= max_candidates {
            bail!(
                "only {} of {n} categories passed in {max_candidates} candidates; lower --threshold or raise --max-candidates",
                found.len()
            );
        }
        let end = (next + batch).min(max_candidates);
        for (candidate, params, score) in accepted(next..end)? {
            if found.len() == n {
                break;
            }
            let file = format!("{:05}.csv", found.len());
            found.push(Found { candidate, score, file: file.clone(), category: Category::new(file, params) });
            progress(found.len() as u64, n as u64);
        }
        next = end;
    }
    let tried = found.last().map_or(0, |f| f.candidate + 1);
    Ok((found, tried))
}

/// The first `n` accepted candidates of `searcher` with `seed`, in candidate order, and the number
/// of candidates tried, trying at most `max_candidates`. Candidates are tried in parallel batches;
/// the result does not depend on the number of threads.
pub fn search<S: Searcher>(
    searcher: &S,
    seed: u64,
    n: usize,
    max_candidates: u64,
    progress: Progress,
) -> Result<(Vec<Found<S::Found>>, u64)> {
    let batch = 64 * rayon::current_num_threads() as u64;
    first_accepted(n, max_candidates, batch, progress, |range| {
        Ok(range
            .into_par_iter()
            .map_init(|| searcher.scratch(), |scratch, j| (j, searcher.try_one(seed, j, scratch)))
            .filter(|(_, (_, _, accepted))| *accepted)
            .map(|(j, (params, score, _))| (j, params, score))
            .collect())
    })
}
