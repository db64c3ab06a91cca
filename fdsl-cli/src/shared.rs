//! The family's shared work during a command (the textured dead leaves' texture pool): kept in a
//! cache across runs (`OUT/.fdsl-cache` for `render` and `verify`, the user's cache folder for
//! `preview`), planned for the samples the command makes ([`fdsl_dataset::prepare::needed`]), then
//! made by the samples themselves, as they need it, on every thread, with its own progress line
//! (done / total, rate, ETA), and summed up at the end: `textures: 1187 made, 13 read back from …`.

use crate::progress::Progress;
use anyhow::Result;
use fdsl_dataset::cache::Cache;
use fdsl_dataset::prepare::{Counts, Prepare, needed};
use fdsl_dataset::{Dataset, Sample};
use std::sync::Arc;

/// Shared work being watched during a command.
pub struct Tracked<'a> {
    work: &'a dyn Prepare,
    bar: Arc<Progress>,
    before: Counts,
}

/// The shared work `samples` need: pieces in all, needed, and missing (neither in memory nor kept).
#[derive(Clone, Copy, Debug)]
pub struct Need {
    /// Pieces in all (the pool).
    pub pieces: u64,
    /// Pieces the samples need.
    pub needed: u64,
    /// Of those, the pieces to make.
    pub missing: u64,
}

/// Keep `dataset`'s shared work in `cache` (none: in memory only) and plan it for `samples`. `None`
/// for a family without shared work.
pub fn need<'a>(
    dataset: &'a Dataset,
    samples: &[Sample],
    cache: Option<Cache>,
) -> Result<Option<(&'a dyn Prepare, Need)>> {
    let Some(work) = dataset.shared_work() else { return Ok(None) };
    work.kept().keep_in(cache);
    let samples: Vec<(usize, u64)> = samples.iter().map(|s| (s.class, s.instance as u64)).collect();
    let needed = needed(work, &samples)?;
    let missing = needed.iter().filter(|&&piece| !work.is_done(piece)).count() as u64;
    Ok(Some((work, Need { pieces: work.pieces(), needed: needed.len() as u64, missing })))
}

/// `dataset`'s shared work for `samples`, kept in `cache`, watched: a line saying what is missing
/// and what it costs, then a progress line of the pieces made. `None` for a family without any.
pub fn track<'a>(
    dataset: &'a Dataset,
    samples: &[Sample],
    cache: Option<Cache>,
) -> Result<Option<Tracked<'a>>> {
    let Some((work, need)) = need(dataset, samples, cache)? else { return Ok(None) };
    if need.missing > 0 {
        eprintln!(
            "fdsl: these {} use {} of the {} {}, {} to make: about {}; kept in {}",
            dataset.noun(),
            need.needed,
            need.pieces,
            work.unit(),
            need.missing,
            cost(work, need.missing),
            work.kept()
                .cache()
                .map_or_else(|| String::from("memory only"), |c| c.root().display().to_string())
        );
    }
    let bar = Arc::new(Progress::new(need.missing, work.what(), work.unit()));
    let watching = Arc::clone(&bar);
    work.kept().watch(Some(Arc::new(move || watching.inc(1))));
    Ok(Some(Tracked { work, bar, before: work.kept().counts() }))
}

/// `N CPU-s (M on T threads)` for `pieces` pieces of `work` on the current rayon pool.
pub fn cost(work: &dyn Prepare, pieces: u64) -> String {
    let cpu = pieces as f64 * work.seconds_per_piece();
    let threads = rayon::current_num_threads();
    let wall = cpu / threads.min(pieces.max(1) as usize) as f64;
    format!(
        "{cpu:.0} CPU-s ({} on {threads} thread{})",
        indicatif::HumanDuration(std::time::Duration::from_secs_f64(wall)),
        if threads == 1 { "" } else { "s" }
    )
}

impl Tracked<'_> {
    /// Stop watching; say what was made and read back (on standard error).
    pub fn finish(self) {
        self.work.kept().watch(None);
        self.bar.finish();
        let now = self.work.kept().counts();
        let read = now.read - self.before.read;
        let made = now.made - self.before.made;
        if made + read == 0 {
            return;
        }
        let mut line = format!("{}: {made} made, {read} read back", self.work.unit());
        if let Some(cache) = self.work.kept().cache() {
            line += &format!(" (kept in {})", cache.root().display());
        }
        let rejected = now.rejected - self.before.rejected;
        if rejected > 0 {
            line += &format!("; {rejected} kept one(s) failed their check and were made again");
        }
        let unwritten = now.unwritten - self.before.unwritten;
        if unwritten > 0 {
            line += &format!("; {unwritten} could not be written to the cache (kept in memory only)");
        }
        eprintln!("{line}");
    }
}
