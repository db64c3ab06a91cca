//! Work a built family shares among its samples — the textured dead leaves' texture pool — done in
//! pieces, each once, the first time a sample (or [`Prepare::prepare`]) asks for it, and kept: in
//! memory for the dataset's life and, where a cache is set ([`Kept::keep_in`]), on disk across runs
//! ([`crate::cache`]). Which pieces a sample needs is known cheaply before it is rendered
//! ([`Prepare::needs`]), so that a command can say how many pieces its samples still need, and what
//! they cost, before it starts ([`needed`]), and show them made ([`Kept::watch`]). Done ahead or on
//! demand, read back or made anew, the samples' bytes are the same: a piece is a pure function of
//! the dataset.

use crate::cache::{Cache, Read};
use anyhow::{Result, bail};
use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// Shared work in pieces, each done once whichever thread asks first (a sample or [`Prepare::prepare`]).
pub trait Prepare: Send + Sync {
    /// The work, for progress (`making textures`).
    fn what(&self) -> &'static str;
    /// What a piece is, plural, for progress (`textures`).
    fn unit(&self) -> &'static str;
    /// The pieces in all.
    fn pieces(&self) -> u64;
    /// Do piece `index` if it is not done (read it back where it is kept).
    fn prepare(&self, index: u64) -> Result<()>;
    /// Call `visit` with each piece sample (`class`, `instance`) needs (repeats possible): cheaply,
    /// without doing any.
    fn needs(&self, class: usize, instance: u64, visit: &mut dyn FnMut(u64)) -> Result<()>;
    /// Whether piece `index` is done: in memory, or kept in the cache (not read yet).
    fn is_done(&self, index: u64) -> bool;
    /// CPU seconds one piece takes to make, about (measured; for `--dry-run`).
    fn seconds_per_piece(&self) -> f64;
    /// Bytes of memory one piece takes.
    fn bytes_per_piece(&self) -> u64;
    /// Where its pieces are kept, and what it did.
    fn kept(&self) -> &Kept;
}

/// Called once for each piece made (not for pieces read back).
pub type Watcher = Arc<dyn Fn() + Send + Sync>;

/// Where shared work keeps its pieces across runs, who watches them being made, and what was done.
#[derive(Default)]
pub struct Kept {
    cache: RwLock<Option<Cache>>,
    watcher: RwLock<Option<Watcher>>,
    made: AtomicU64,
    read: AtomicU64,
    rejected: AtomicU64,
    unwritten: AtomicU64,
}

/// What shared work did: pieces made, read back from the cache, found corrupt there (and made
/// again), and made but not written to the cache (it could not be written: they are kept in memory
/// only).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Pieces made.
    pub made: u64,
    /// Pieces read back from the cache.
    pub read: u64,
    /// Cached pieces that failed their check (made again).
    pub rejected: u64,
    /// Pieces made that could not be written to the cache.
    pub unwritten: u64,
}

impl Kept {
    /// Keep pieces in `cache` from now on (and read them from there); `None`: in memory only.
    pub fn keep_in(&self, cache: Option<Cache>) {
        *self.cache.write().unwrap_or_else(|p| p.into_inner()) = cache;
    }

    /// The cache pieces are kept in, if any.
    pub fn cache(&self) -> Option<Cache> {
        self.cache.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Call `watcher` for each piece made from now on (`None`: nobody).
    pub fn watch(&self, watcher: Option<Watcher>) {
        *self.watcher.write().unwrap_or_else(|p| p.into_inner()) = watcher;
    }

    /// What was done so far.
    pub fn counts(&self) -> Counts {
        Counts {
            made: self.made.load(Ordering::Relaxed),
            read: self.read.load(Ordering::Relaxed),
            rejected: self.rejected.load(Ordering::Relaxed),
            unwritten: self.unwritten.load(Ordering::Relaxed),
        }
    }

    /// Piece `key`: read back from the cache and `open`ed where it is there, whole and opens, else
    /// `make` its stored form, keep that in the cache, and `open` it.
    pub fn read_or_make<T>(
        &self,
        key: &str,
        make: impl FnOnce() -> Result<Vec<u8>>,
        open: impl Fn(&[u8]) -> Result<T>,
    ) -> Result<T> {
        let cache = self.cache();
        if let Some(cache) = &cache {
            let rejected = match cache.read(key) {
                Read::Hit(stored) => match open(&stored) {
                    Ok(piece) => {
                        self.read.fetch_add(1, Ordering::Relaxed);
                        return Ok(piece);
                    }
                    Err(_) => true,
                },
                Read::Corrupt => true,
                Read::Missing => false,
            };
            if rejected {
                self.rejected.fetch_add(1, Ordering::Relaxed);
            }
        }
        let stored = make()?;
        if let Some(cache) = &cache
            && cache.write(key, &stored).is_err()
        {
            self.unwritten.fetch_add(1, Ordering::Relaxed);
        }
        let piece = open(&stored)?;
        self.made.fetch_add(1, Ordering::Relaxed);
        if let Some(watcher) = self.watcher.read().unwrap_or_else(|p| p.into_inner()).as_ref() {
            watcher();
        }
        Ok(piece)
    }
}

/// Samples planned at once by [`needed`] before it looks whether every piece is needed.
const PLAN_BLOCK: usize = 256;

/// The pieces of `work` that `samples` (class, instance) need, each once, in the order samples first
/// need them, done or not (on the current rayon pool; each sample's needs are cheap, and the planning
/// stops once every piece is needed).
pub fn needed(work: &dyn Prepare, samples: &[(usize, u64)]) -> Result<Vec<u64>> {
    let pieces = work.pieces();
    let Ok(len) = usize::try_from(pieces) else { bail!("{pieces} {} are too many to plan", work.unit()) };
    let mut seen = vec![false; len];
    let mut order = Vec::new();
    for block in samples.chunks(PLAN_BLOCK) {
        let lists: Vec<Vec<u64>> = block
            .par_iter()
            .map(|s| {
                let mut list = Vec::new();
                work.needs(s.0, s.1, &mut |piece| list.push(piece))?;
                Ok(list)
            })
            .collect::<Result<_>>()?;
        for piece in lists.into_iter().flatten() {
            if let Some(slot) = seen.get_mut(piece as usize).filter(|seen| !**seen) {
                *slot = true;
                order.push(piece);
            }
        }
        if order.len() == len {
            break;
        }
    }
    Ok(order)
}
