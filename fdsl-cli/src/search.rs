//! `fdsl search`: the library's category searches (or the 2-D one on a GPU), written as category
//! files and `search.json`.

use crate::output::{is_empty_dir, write_atomic};
use anyhow::{Result, bail};
use fdsl_core::Ifs2;
use fdsl_core::search::Criteria;
use fdsl_dataset::categories::Params;
use fdsl_dataset::search::{Found, Progress, first_accepted};
use serde::Serialize;
use std::path::Path;

/// The same search as [`fdsl_dataset::search::search`] for 2-D criteria, the candidates tried on `gpu` in batches (their
/// filling rates there, their IFSs re-derived here: pure functions of seed and index).
pub fn search_gpu(
    gpu: &fdsl_cuda::Gpu,
    criteria: &Criteria,
    seed: u64,
    n: usize,
    max_candidates: u64,
    progress: Progress,
) -> Result<(Vec<Found<Ifs2>>, u64)> {
    first_accepted(n, max_candidates, 16_384, progress, |range| {
        let rates =
            gpu.search_filling_rates(seed, range.start, (range.end - range.start) as usize, criteria)?;
        Ok(range
            .zip(rates)
            .filter(|&(_, score)| score >= criteria.threshold)
            .map(|(j, score)| (j, fdsl_core::search::candidate_ifs(seed, j, &criteria.sampling), score))
            .collect())
    })
}

/// What `search.json` records.
#[derive(Serialize)]
#[serde(bound(serialize = ""))]
struct Record<'a, P> {
    tool: &'a str,
    kind: &'a str,
    seed: u64,
    criteria: serde_json::Value,
    candidates_tried: u64,
    categories: &'a [Found<P>],
}

/// Check `fdsl search`'s request before searching: at least one category, an output folder that is
/// new or empty.
pub fn check_request(n: usize, out: &Path) -> Result<()> {
    if n == 0 {
        bail!("--categories must be at least 1");
    }
    if out.exists() && !is_empty_dir(out)? {
        bail!("{} is not empty; choose a new or empty folder for the category files", out.display());
    }
    Ok(())
}

/// Write what a search found into `out`: the category files and `search.json` (with `criteria`).
pub fn write<P: Params>(
    out: &Path,
    kind: &str,
    criteria: serde_json::Value,
    seed: u64,
    found: &[Found<P>],
    tried: u64,
) -> Result<()> {
    for f in found {
        write_atomic(out, &f.file, f.category.text.as_bytes())?;
    }
    let record =
        Record { tool: fdsl_dataset::TOOL, kind, seed, criteria, candidates_tried: tried, categories: found };
    write_atomic(out, "search.json", serde_json::to_string_pretty(&record)?.as_bytes())
}
