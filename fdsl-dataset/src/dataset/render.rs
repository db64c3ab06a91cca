//! Rendering: one sample into the caller's buffers, or many, grouped by the family's units of shared
//! work, in parallel, the bytes independent of the order and the number of threads.

use super::index::Sample;
use super::new::Dataset;
use crate::memory::try_grow;
use crate::offload::Canvases;
use crate::registry::Registry;
use crate::spec::Encoding;
use anyhow::{Context, Result, bail, ensure};
use fdsl_core::family::{Element, Filled, Held, Role, Workspace};
use rayon::prelude::*;
use std::borrow::Cow;

/// Per-worker buffers, reused across samples of one dataset (give each dataset its own).
#[derive(Default)]
pub struct Scratch {
    /// The family's workspace arena ([`Family::scratch_len`](fdsl_core::Family::scratch_len)),
    /// grown to it at the first sample.
    arena: Vec<u64>,
    /// What the arena holds.
    held: Held,
    /// One sample's parts, for callers that take them by reference.
    out: Vec<Vec<u8>>,
    /// FractalDB canvases rendered elsewhere, used instead of tracing and painting.
    precomputed: Option<Canvases>,
}

impl Scratch {
    /// Buffers that take FractalDB canvases from `canvases` where it has them.
    pub fn with_canvases(canvases: Canvases) -> Self {
        Self { precomputed: Some(canvases), ..Self::default() }
    }
}

impl<R: Registry> Dataset<R> {
    /// Render sample `index`, part `i` into `out[i]` (at least [`Part::max_len`](fdsl_core::family::Part::max_len) bytes each), as a
    /// reader of its files sees it (a JPEG spec's images decoded: [`Dataset::as_read`]); returns the
    /// bytes written into each part (a bounded part's actual entries).
    pub fn render_parts(&self, index: u64, out: &mut [&mut [u8]]) -> Result<Vec<usize>> {
        self.check_buffers(out, 1)?;
        let filled = self.render_into(self.sample(index)?, &mut Scratch::default(), out, true)?;
        Ok(self.lens(filled))
    }

    /// Render sample `index` into `out` (at least its one part's [`Part::max_len`](fdsl_core::family::Part::max_len) bytes), for samples
    /// of one part; returns the bytes written.
    pub fn render(&self, index: u64, out: &mut [u8]) -> Result<usize> {
        self.render_parts(index, &mut [out]).map(|lens| lens[0])
    }

    /// The bytes written into each part.
    pub(super) fn lens(&self, filled: Filled) -> Vec<usize> {
        (0..self.parts.len()).map(|i| filled.bytes(i)).collect()
    }

    /// Check that `out` has one buffer per part, each room for `samples` samples of its part (the
    /// messages about a sample's buffers, for every caller).
    pub fn check_buffers(&self, out: &[&mut [u8]], samples: usize) -> Result<()> {
        let names = || self.parts.iter().map(|p| p.name).collect::<Vec<_>>().join(", ");
        ensure!(
            out.len() == self.parts.len(),
            "{} output buffers for samples of {} parts ({}): give one per part",
            out.len(),
            self.parts.len(),
            names()
        );
        for (part, buffer) in self.parts.iter().zip(out) {
            // No more than memory can hold: n * 8 bytes of indices fit in an isize.
            let needed = part.max_len().checked_mul(samples).filter(|_| samples <= isize::MAX as usize / 8);
            ensure!(
                needed.is_some_and(|needed| buffer.len() >= needed),
                "the {} buffer holds {} bytes; {samples} sample(s) need {}",
                part.name,
                buffer.len(),
                needed.map_or_else(|| String::from("more than memory can hold"), |n| n.to_string())
            );
        }
        Ok(())
    }

    /// Render the samples `indices` on `threads` threads (0: one per core, the current rayon pool's;
    /// 1: this thread; past [`crate::memory::MAX_THREADS`] refused): part `i` of each into `out[i]`,
    /// one after another, [`Part::max_len`](fdsl_core::family::Part::max_len) bytes each. Samples sharing work (a unit) are rendered
    /// together, once each, as [`Dataset::render_parts`] gives them; the bytes do not depend on
    /// `threads`. Bounded parts (a scene's) vary in
    /// size: render them one at a time.
    pub fn render_batch(&self, indices: &[u64], out: &mut [&mut [u8]], threads: usize) -> Result<()> {
        crate::memory::check_threads(threads)?;
        if let Some(part) = self.parts.iter().find(|p| p.dims.is_bounded()) {
            bail!(
                "the {} part varies in size from sample to sample; render such samples one at a time, not in batches",
                part.name
            );
        }
        self.check_buffers(out, indices.len())?;
        let samples: Vec<Sample> = indices.iter().map(|&i| self.sample(i)).collect::<Result<_>>()?;
        // Sample k's slots: part i's k-th stretch of its buffer.
        let mut slots: Vec<Vec<&mut [u8]>> = samples.iter().map(|_| Vec::new()).collect();
        for (part, buffer) in self.parts.iter().zip(out.iter_mut()) {
            for (slot, piece) in slots.iter_mut().zip(buffer.chunks_exact_mut(part.max_len().max(1))) {
                slot.push(piece);
            }
        }
        let items: Vec<(Sample, Vec<&mut [u8]>)> = samples.into_iter().zip(slots).collect();
        let render = |scratch: &mut Scratch, sample, mut slot: Vec<&mut [u8]>| {
            self.render_into(sample, scratch, &mut slot, true).map(|_| ())
        };
        match threads {
            0 => self.for_each_unit(items, true, render),
            1 => self.for_each_unit(items, false, render),
            n => rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .context("cannot start worker threads")?
                .install(|| self.for_each_unit(items, true, render)),
        }
    }

    /// Render `items`' samples, grouped by unit of shared work, the groups in parallel (the current
    /// rayon pool), and hand each sample's bytes to `each` with its item: as rendered, before the
    /// spec's image encoding (what files are encoded from; [`Dataset::as_read`] gives what their
    /// readers see).
    pub fn render_grouped<T: Send>(
        &self,
        items: Vec<(Sample, T)>,
        each: impl Fn(&[&[u8]], T) -> Result<()> + Sync,
    ) -> Result<()> {
        self.for_each_unit(items, true, |scratch, sample, item| {
            self.with_out(scratch, |scratch, out| {
                let filled = self.render_into(sample, scratch, out, false)?;
                each(&written(out, filled), item)
            })
        })
    }

    /// Render `samples` in order with `scratch`, handing each one's parts (the bytes written into
    /// each, as rendered: see [`Dataset::render_grouped`]) to `emit`. Consecutive samples of one unit
    /// share its work.
    pub fn render_samples(
        &self,
        samples: impl IntoIterator<Item = Sample>,
        scratch: &mut Scratch,
        mut emit: impl FnMut(Sample, &[&[u8]]) -> Result<()>,
    ) -> Result<()> {
        self.with_out(scratch, |scratch, out| {
            samples.into_iter().try_for_each(|sample| {
                let filled = self.render_into(sample, scratch, out, false)?;
                emit(sample, &written(out, filled))
            })
        })
    }

    /// Call `f` with `scratch` and its one-sample output buffers (one per part), sized for this
    /// dataset, lent apart.
    pub(super) fn with_out<T>(
        &self,
        scratch: &mut Scratch,
        f: impl FnOnce(&mut Scratch, &mut [&mut [u8]]) -> Result<T>,
    ) -> Result<T> {
        let mut out = std::mem::take(&mut scratch.out);
        out.resize_with(self.parts.len(), Vec::new);
        let what = || format!("one sample of {}", self.spec.preset);
        for (buffer, part) in out.iter_mut().zip(&self.parts) {
            try_grow(buffer, part.max_len(), 0, what, "use a smaller size")?;
        }
        let mut views: Vec<&mut [u8]> = out.iter_mut().map(Vec::as_mut_slice).collect();
        let done = f(scratch, &mut views);
        scratch.out = out;
        done
    }

    /// Call `f` on every item, grouped by unit (in instance order within one), the groups in
    /// parallel on the current rayon pool (`parallel`) or in turn on this thread, each worker with
    /// its own scratch.
    pub(super) fn for_each_unit<T: Send>(
        &self,
        items: Vec<(Sample, T)>,
        parallel: bool,
        f: impl Fn(&mut Scratch, Sample, T) -> Result<()> + Sync,
    ) -> Result<()> {
        let mut keyed: Vec<((usize, u64, usize), Sample, T)> =
            items.into_iter().map(|(s, item)| (self.unit_order(&s), s, item)).collect();
        keyed.sort_by_key(|(key, ..)| *key);
        let mut groups: Vec<Vec<(Sample, T)>> = Vec::new();
        let mut last = None;
        for ((class, unit, _), sample, item) in keyed {
            if last != Some((class, unit)) {
                groups.push(Vec::new());
                last = Some((class, unit));
            }
            groups.last_mut().expect("pushed above").push((sample, item));
        }
        let run = |scratch: &mut Scratch, group: Vec<(Sample, T)>| {
            group.into_iter().try_for_each(|(sample, item)| f(scratch, sample, item))
        };
        if parallel {
            groups.into_par_iter().try_for_each_init(Scratch::default, run)
        } else {
            let mut scratch = Scratch::default();
            groups.into_iter().try_for_each(|group| run(&mut scratch, group))
        }
    }

    /// Render one sample's parts into `out` (one buffer per part) with `scratch`; `read_back`: as a
    /// reader of the files sees them ([`Dataset::as_read`]), else as rendered.
    pub(super) fn render_into(
        &self,
        sample: Sample,
        scratch: &mut Scratch,
        out: &mut [&mut [u8]],
        read_back: bool,
    ) -> Result<Filled> {
        let family = self.family();
        let Scratch { arena, held, precomputed, .. } = scratch;
        let what = || format!("the working buffers of one thread ({})", self.spec.preset);
        let fix = "use fewer threads or a smaller size";
        try_grow(arena, family.scratch_len().words(), 0, what, fix)?;
        let mut ws = Workspace::new(arena, held);
        let (class, instance) = (sample.class, sample.instance as u64);
        let failed = |e: &dyn std::fmt::Display| {
            anyhow::anyhow!("sample {} (class {class}, instance {instance}): {e}", self.index_of(sample))
        };
        if let (Some(canvases), Some(offload)) = (precomputed, &self.offload) {
            offload.adopt(class, instance, canvases, &mut ws).map_err(|e| failed(&e))?;
        }
        let filled = family.render_parts(class, instance, &mut ws, out).map_err(|e| failed(&e))?;
        if read_back {
            for (i, buffer) in out.iter_mut().enumerate() {
                let len = filled.bytes(i);
                if let Cow::Owned(decoded) = self.as_read(i, &buffer[..len]).map_err(|e| failed(&e))? {
                    buffer[..len].copy_from_slice(&decoded);
                }
            }
        }
        Ok(filled)
    }

    /// Part `i`'s bytes `rendered` as a reader of its file sees them: an image of a JPEG spec through
    /// the JPEG encoder and decoder ([`crate::jpeg`]: its file's pixels, which `render`, Python, C
    /// and npy arrays give), any other part as rendered.
    pub fn as_read<'b>(&self, i: usize, rendered: &'b [u8]) -> Result<Cow<'b, [u8]>> {
        let (Encoding::Jpeg(settings), Some(part)) = (self.spec.encoding, self.parts.get(i)) else {
            return Ok(Cow::Borrowed(rendered));
        };
        if part.role != Role::Image {
            return Ok(Cow::Borrowed(rendered));
        }
        let (height, width, channels) = crate::jpeg::shape(part)?;
        let file = crate::jpeg::encode(rendered, width, height, channels, settings)?;
        let mut decoded = vec![0; rendered.len()];
        crate::jpeg::decode_into(&file, &mut decoded)?;
        Ok(Cow::Owned(decoded))
    }

    /// The classes whose first sample draws almost nothing: its first part, 8-bit (an image), with
    /// under `share` of its values unlike its background (its most common value), or of other values
    /// (a point cloud), its entries all alike (collapsed to one point).
    /// Renders one sample per class (on the current rayon pool): for categories read from files,
    /// before rendering a million samples of them.
    pub fn nearly_empty_classes(&self, share: f64) -> Result<Vec<usize>> {
        if !self.family().labelled() {
            return Ok(Vec::new());
        }
        let firsts: Vec<(Sample, usize)> =
            (0..self.class_count()).map(|c| (Sample { class: c, instance: 0 }, c)).collect();
        let first = self.parts[0];
        let empty = std::sync::Mutex::new(Vec::new());
        self.render_grouped(firsts, |parts, class| {
            let bytes = parts[0];
            let nearly_empty = match first.element {
                Element::U8 => {
                    let mut counts = [0usize; 256];
                    bytes.iter().for_each(|&v| counts[usize::from(v)] += 1);
                    let background = counts.iter().max().copied().unwrap_or(0);
                    ((bytes.len() - background) as f64) < share * bytes.len() as f64
                }
                _ => {
                    let record = first.record_len().max(1);
                    bytes.chunks_exact(record).all(|p| p == &bytes[..record])
                }
            };
            if nearly_empty {
                empty.lock().unwrap_or_else(|p| p.into_inner()).push(class);
            }
            Ok(())
        })?;
        let mut empty = empty.into_inner().unwrap_or_else(|p| p.into_inner());
        empty.sort_unstable();
        Ok(empty)
    }

    /// The work the family shares among its samples, if any (the textured dead leaves' texture
    /// pool): which pieces samples need, where they are kept, what was done ([`crate::prepare`]).
    pub fn shared_work(&self) -> Option<&dyn crate::prepare::Prepare> {
        self.prepare.as_deref()
    }

    /// The shared work the family can do ahead of its samples, as (pieces, the work, what a piece
    /// is), if any (the textured dead leaves' pool: `(10000, "making textures", "textures")`).
    pub fn preparation(&self) -> Option<(u64, &'static str, &'static str)> {
        self.prepare.as_ref().map(|p| (p.pieces(), p.what(), p.unit()))
    }

    /// Do the family's shared work now ([`Dataset::preparation`]; nothing for most families) on
    /// `threads` threads (0: the current rayon pool, one per core unless set), calling
    /// `progress(done, total)` after each piece. Samples rendered after take it as made; the bytes
    /// are the same either way.
    pub fn prepare(&self, threads: usize, progress: &(dyn Fn(u64, u64) + Sync)) -> Result<()> {
        crate::memory::check_threads(threads)?;
        let Some(work) = &self.prepare else { return Ok(()) };
        let (total, done) = (work.pieces(), std::sync::atomic::AtomicU64::new(0));
        let run = || {
            (0..total).into_par_iter().try_for_each(|i| {
                work.prepare(i)?;
                progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, total);
                Ok(())
            })
        };
        match threads {
            0 => run(),
            n => rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .context("cannot start worker threads")?
                .install(run),
        }
    }
}

/// The bytes [`Family::render_parts`](fdsl_core::Family::render_parts) wrote into each of `out`'s buffers.
fn written<'a>(out: &'a [&mut [u8]], filled: Filled) -> Vec<&'a [u8]> {
    out.iter().enumerate().map(|(i, buffer)| &buffer[..filled.bytes(i)]).collect()
}
