//! Category searches: random candidates tried in parallel, the first accepted ones kept in candidate
//! order, the result independent of the number of threads. The families that search (FractalDB's
//! 2-D IFSs, the 3-D ones) implement [`Searcher`] in their files.

use crate::categories::{Categories, Category, Params};
use anyhow::{Result, bail};
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

/// Check a search's points and acceptance threshold (in (0, `max`]); messages name the flags.
pub fn check_points_threshold(points: u32, threshold: f64, max: f64) -> Result<()> {
    if !crate::flags::POINT_RANGE.contains(&points) {
        bail!(
            "--points must be between {} and {}",
            crate::flags::POINT_RANGE.start(),
            crate::flags::POINT_RANGE.end()
        );
    }
    if !(threshold > 0.0 && threshold <= max) {
        bail!("--threshold must be in (0, {max}], not {threshold}");
    }
    Ok(())
}

/// What `fdsl search` asks of a search: the settings every kind reads (each takes those it has and
/// refuses those it has not).
#[derive(Clone, Debug)]
pub struct SearchRequest {
    /// Seed of the search (candidate j is a function of the seed and j).
    pub seed: u64,
    /// Categories to find.
    pub categories: usize,
    /// Side of a 2-D test rendering, pixels.
    pub size: u32,
    /// Points of the test chaos game [default: the kind's].
    pub points: Option<u32>,
    /// The acceptance threshold [default: the kind's].
    pub threshold: Option<f64>,
    /// Maps per candidate, `(A, B)` [default: the kind's].
    pub maps: Option<(u32, u32)>,
    /// Every coefficient uniform in (-R, R) [default: the kind's].
    pub range: Option<f64>,
    /// Give up after this many candidates.
    pub max_candidates: u64,
}

/// One accepted candidate, as `search.json` lists it.
#[derive(Clone, Debug, Serialize)]
pub struct Listed {
    /// Its index in the candidate sequence of the seed.
    pub candidate: u64,
    /// Its score.
    pub score: f64,
    /// Its category file.
    pub file: String,
}

/// What a search found: its category files `(name, text)`, the criteria and candidates
/// `search.json` records, and how many candidates it tried.
#[derive(Debug)]
pub struct Searched {
    /// The category files, in order.
    pub files: Vec<(String, String)>,
    /// The criteria, as `search.json` records them.
    pub criteria: serde_json::Value,
    /// The accepted candidates.
    pub listed: Vec<Listed>,
    /// Candidates tried.
    pub tried: u64,
}

impl Searched {
    /// What `found` holds, after `tried` candidates, under `criteria`.
    pub fn new<P: Params>(found: Vec<Found<P>>, tried: u64, criteria: serde_json::Value) -> Self {
        let files = found.iter().map(|f| (f.file.clone(), f.category.text.clone())).collect();
        let listed = found
            .into_iter()
            .map(|f| Listed { candidate: f.candidate, score: f.score, file: f.file })
            .collect();
        Self { files, criteria, listed, tried }
    }
}

/// A category search `fdsl search` runs (`--kind NAME`), declared in its family's file and listed by
/// the registration ([`crate::registry::Registry::SEARCHES`]).
#[derive(Debug)]
pub struct SearchKind {
    /// Its name.
    pub name: &'static str,
    /// What it finds, for `--help`.
    pub about: &'static str,
    /// Whether it can try candidates on a GPU.
    pub gpu: bool,
    /// Run it (on `gpu` where given), reporting to `progress`.
    pub run: fn(&SearchRequest, Option<&fdsl_cuda::Gpu>, Progress) -> Result<Searched>,
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

/// The first `n` categories `searcher` accepts with `seed` (a preset's categories from a search).
pub fn categories<S: Searcher>(
    searcher: &S,
    seed: u64,
    n: usize,
    progress: Progress,
) -> Result<Categories<S::Found>> {
    let (found, _) = search(searcher, seed, n, u64::MAX, progress)?;
    Ok(Categories::new(found.into_iter().map(|f| f.category).collect()))
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
