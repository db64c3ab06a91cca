//! `fdsl search`: find FractalDB categories, in parallel, deterministically.

use crate::categories::Category;
use crate::output::{is_empty_dir, write_atomic};
use crate::progress;
use anyhow::{Result, bail};
use fdsl_core::search::{Criteria, try_candidate};
use fdsl_core::{Canvas, Ifs2};
use indicatif::ProgressBar;
use rayon::prelude::*;
use serde::Serialize;
use std::path::Path;

/// An accepted candidate.
#[derive(Clone, Debug, Serialize)]
pub struct Found {
    /// Its index in the candidate sequence of the seed.
    pub candidate: u64,
    /// Its point-mode filling rate.
    pub filling_rate: f64,
    /// The category file it became.
    pub file: String,
    #[serde(skip)]
    /// The category.
    pub category: Category<Ifs2>,
}

/// Check search criteria; messages name the flag.
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
    if !crate::spec::POINTS.contains(&criteria.points) {
        bail!("--points must be between {} and {}", crate::spec::POINTS.start(), crate::spec::POINTS.end());
    }
    if !(criteria.threshold > 0.0 && criteria.threshold <= 1.0) {
        bail!("--threshold must be in (0, 1], not {}", criteria.threshold);
    }
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

/// The first `n` accepted candidates of the search with `seed`, in candidate order, and the number
/// of candidates tried, trying at most `max_candidates`. Candidates are tried in parallel batches;
/// the result does not depend on the number of threads.
pub fn search(
    seed: u64,
    criteria: &Criteria,
    n: usize,
    max_candidates: u64,
    bar: &ProgressBar,
) -> Result<(Vec<Found>, u64)> {
    let side = criteria.grid.width as usize;
    let batch = 64 * rayon::current_num_threads() as u64;
    let mut found = Vec::with_capacity(n);
    let mut next = 0u64;
    while found.len() < n {
        if next >= max_candidates {
            bail!(
                "only {} of {n} categories passed in {max_candidates} candidates; lower --threshold or raise --max-candidates",
                found.len()
            );
        }
        let accepted: Vec<_> = (next..(next + batch).min(max_candidates))
            .into_par_iter()
            .map_init(
                || vec![0u8; side * side],
                |buf, j| {
                    let mut canvas = Canvas::new(buf, side, side).expect("sized above");
                    (j, try_candidate(seed, j, criteria, &mut canvas))
                },
            )
            .filter(|(_, c)| c.accepted)
            .collect();
        for (j, c) in accepted {
            if found.len() == n {
                break;
            }
            let file = format!("{:05}.csv", found.len());
            let category = Category::new(file.clone(), c.ifs);
            found.push(Found { candidate: j, filling_rate: c.filling_rate, file, category });
            bar.inc(1);
        }
        next += batch;
    }
    let tried = found.last().map_or(0, |f| f.candidate + 1);
    Ok((found, tried))
}

/// What `search.json` records.
#[derive(Serialize)]
struct Record<'a> {
    tool: &'a str,
    seed: u64,
    size: u32,
    points: u32,
    threshold: f64,
    candidates_tried: u64,
    categories: &'a [Found],
}

/// `fdsl search`: write `n` category files and `search.json` into `out`, which must be new or empty.
pub fn run(
    seed: u64,
    criteria: &Criteria,
    n: usize,
    max_candidates: u64,
    out: &Path,
) -> Result<(usize, u64)> {
    check(criteria)?;
    if n == 0 {
        bail!("--categories must be at least 1");
    }
    if out.exists() && !is_empty_dir(out)? {
        bail!("{} is not empty; choose a new or empty folder for the category files", out.display());
    }
    let bar = progress::bar(n as u64, "searching", "categories");
    let (found, tried) = search(seed, criteria, n, max_candidates, &bar)?;
    bar.finish_and_clear();
    for f in &found {
        write_atomic(out, &f.file, f.category.text.as_bytes())?;
    }
    let record = Record {
        tool: concat!("fdsl ", env!("CARGO_PKG_VERSION")),
        seed,
        size: criteria.grid.width,
        points: criteria.points,
        threshold: criteria.threshold,
        candidates_tried: tried,
        categories: &found,
    };
    write_atomic(out, "search.json", serde_json::to_string_pretty(&record)?.as_bytes())?;
    Ok((found.len(), tried))
}
