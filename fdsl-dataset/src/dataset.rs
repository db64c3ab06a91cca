//! A dataset: its spec, its categories, its family, and every sample by index.
//!
//! Samples are indexed globally: `index = class · instances + instance` (`instances` per class, as
//! the spec says), and a sample's label is its class: a number per sample, not one of its parts. A
//! family whose samples have no class (unlabelled) numbers them in one group: sample `s` is index `s`
//! and its label is −1. The first `instances − val_per_class` instances of every class are in the
//! `train` split, the rest in `val`.
//!
//! What a sample *is* lives in the family ([`fdsl_core::family`]): its parts ([`Part`]: an image, a
//! mask, points, a layout, …), each rendered into its own buffer. This layer holds the categories
//! and the family built from the spec, renders samples alone or in batches (grouped by the family's
//! units of shared work, in parallel, the bytes independent of the order and the number of threads),
//! and names them.

use crate::categories::Categories;
use crate::family::BoxError;
use crate::memory::try_grow;
use crate::offload::Offload;
use crate::prepare::Prepare;
use crate::search::Progress;
use crate::spec::{Codec, Encoding, FIRST_BYTES_VERSION, Naming, Spec};
use crate::{MANIFEST, MANIFEST_FORMAT, Request};
use anyhow::{Context, Result, bail, ensure};
use fdsl_core::family::{Element, Family, Filled, Held, Parameter, Part, Role, Workspace};
use fdsl_core::math::fft::Complex;
use fdsl_core::math::scene::SceneObject;
use fdsl_core::{CanvasJob, CanvasKey, CanvasRecipe};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

/// Instances per chunk: the files of a chunk of a class are made together, and sharded formats
/// shuffle whole chunks. 40 is FractalDB's weight row (its 10 counts x 4 flips share a chaos game);
/// for the other families it only groups work (kept at 40 so that their shards keep their order).
pub const CHUNK_LEN: usize = 40;

/// A split of the samples.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    /// The first instances of every class.
    Train,
    /// The last `val_per_class` instances of every class.
    Val,
}

impl Split {
    /// `"train"` or `"val"`.
    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Val => "val",
        }
    }
}

/// One sample: instance `instance` of class `class` (scenes: scene `instance` of group 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sample {
    /// Class index (0 for scenes).
    pub class: usize,
    /// Instance index within the class.
    pub instance: usize,
}

impl Sample {
    /// The chunk it is made in.
    pub fn chunk(&self) -> Chunk {
        Chunk { class: self.class, index: self.instance / CHUNK_LEN }
    }
}

/// [`CHUNK_LEN`] consecutive instances of one class: `index · 40 ..`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Chunk {
    /// Class index (written `category` where a chunk is serialised, as 0.2.0 wrote it).
    #[serde(rename = "category")]
    pub class: usize,
    /// Which 40 instances (FractalDB: the weight row).
    pub index: usize,
}

/// An image part's (height, width, channels) as JPEG takes it: 8-bit, grey or RGB.
fn jpeg_shape(part: &Part) -> Result<(usize, usize, usize)> {
    match (part.element, part.dims.sizes()) {
        (Element::U8, &[height, width]) => Ok((height, width, 1)),
        (Element::U8, &[height, width, channels @ (1 | 3)]) => Ok((height, width, channels)),
        _ => bail!("--encoding jpeg: the {} part is not an 8-bit grey or RGB image", part.name),
    }
}

/// Unflipped canvases by key, rendered elsewhere (a GPU).
pub type Canvases = Arc<std::collections::HashMap<CanvasKey, Vec<u8>>>;

/// Per-worker buffers, reused across samples of one dataset (give each dataset its own).
#[derive(Default)]
pub struct Scratch {
    positions: Vec<u32>,
    canvas: Vec<u8>,
    points: Vec<[f32; 3]>,
    objects: Vec<SceneObject>,
    reals: Vec<f64>,
    complex: Vec<Complex>,
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

/// A dataset ready to render: its spec, categories and family.
pub struct Dataset {
    /// The specification.
    pub spec: Spec,
    texts: Vec<String>,
    family: Box<dyn Family<Error = BoxError> + Send + Sync>,
    parts: Vec<Part>,
    offload: Option<Arc<dyn Offload>>,
    prepare: Option<Arc<dyn Prepare>>,
}

impl std::fmt::Debug for Dataset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dataset").field("spec", &self.spec).finish_non_exhaustive()
    }
}

impl Dataset {
    /// A dataset from a spec and its categories (of the spec's family); both are checked (the
    /// messages name the spec's fields: a spec from flags was checked by [`Spec::check`] before).
    pub fn new(spec: Spec, categories: Categories) -> Result<Self> {
        spec.check_named(Naming::Fields)?;
        if categories.len() != spec.categories || categories.sha256() != spec.categories_sha256 {
            bail!("the categories are not those the spec names (count or SHA-256 differ)");
        }
        let built = spec.family.family().build(&spec, &categories)?;
        let texts = categories.texts().into_iter().map(str::to_owned).collect();
        let parts: Vec<Part> = built.family.parts().iter().copied().collect();
        if spec.encoding.codec() == Codec::Jpeg {
            parts.iter().filter(|p| p.role == Role::Image).try_for_each(|p| jpeg_shape(p).map(|_| ()))?;
        }
        let dataset =
            Self { spec, texts, family: built.family, parts, offload: built.offload, prepare: built.prepare };
        dataset.check_val_split()?;
        Ok(dataset)
    }

    /// Validation without leakage: no unit of shared work (a chaos game, a canvas, a 3-D model) may
    /// have instances in both splits, else a val image would be a flip, a patch draw or another view
    /// of a train image's very points.
    fn check_val_split(&self) -> Result<()> {
        let (n, k) = (self.spec.instances, self.spec.val_per_class);
        if k == 0 || k >= n {
            return Ok(()); // Spec::check names a val split that leaves no training image
        }
        let valid = self.val_sizes();
        if valid[k] {
            return Ok(());
        }
        let below = (0..k).rev().find(|&v| valid[v]).unwrap_or(0);
        let above = (k + 1..n).find(|&v| valid[v]);
        let family = self.family();
        match (below, above) {
            (0, None) => bail!(
                "--val-per-class {k}: in {} {}, so any val split of the {n} instances per class would share \
                 work with training images; validate on other categories instead",
                self.spec.preset,
                family.shared_work()
            ),
            _ => bail!(
                "--val-per-class {k} would split shared work between train and val ({}: {}), so val images \
                 would repeat training images' points; take {}",
                self.spec.preset,
                family.shared_work(),
                match (below, above) {
                    (0, Some(a)) => format!("{a} (or 0: no val split)"),
                    (b, Some(a)) => format!("{b} or {a}"),
                    (b, None) => format!("{b}"),
                }
            ),
        }
    }

    /// `valid[k]`: whether the last `k` instances of a class share no unit with the others.
    fn val_sizes(&self) -> Vec<bool> {
        let n = self.spec.instances;
        let mut spans: std::collections::HashMap<u64, (usize, usize)> = std::collections::HashMap::new();
        for i in 0..n {
            let span = spans.entry(self.family().unit_of(i as u64)).or_insert((i, i));
            span.1 = i;
        }
        // The train/val boundary b = n − k is invalid inside any unit's span: min < b <= max.
        let mut crossing = vec![0i64; n + 2];
        for (lo, hi) in spans.into_values().filter(|(lo, hi)| lo < hi) {
            crossing[lo + 1] += 1;
            crossing[hi + 1] -= 1;
        }
        let mut inside = vec![false; n + 1];
        let mut depth = 0;
        for (b, slot) in inside.iter_mut().enumerate() {
            depth += crossing[b];
            *slot = depth > 0;
        }
        (0..=n).map(|k| !inside[n - k]).collect()
    }

    fn family(&self) -> &(dyn Family<Error = BoxError> + Send + Sync) {
        self.family.as_ref()
    }

    /// What every sample is: its parts, in order, each rendered into its own buffer (an image; an
    /// image and its mask; a point cloud; a scene's points and layout).
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// Render sample `index`, part `i` into `out[i]` (at least [`Part::max_len`] bytes each), as a
    /// reader of its files sees it (a JPEG spec's images decoded: [`Dataset::as_read`]); returns the
    /// bytes written into each part (a bounded part's actual entries).
    pub fn render_parts(&self, index: u64, out: &mut [&mut [u8]]) -> Result<Vec<usize>> {
        self.check_buffers(out, 1)?;
        let filled = self.render_into(self.sample(index)?, &mut Scratch::default(), out, true)?;
        Ok(self.lens(filled))
    }

    /// Render sample `index` into `out` (at least its one part's [`Part::max_len`] bytes), for samples
    /// of one part; returns the bytes written.
    pub fn render(&self, index: u64, out: &mut [u8]) -> Result<usize> {
        self.render_parts(index, &mut [out]).map(|lens| lens[0])
    }

    /// The bytes written into each part.
    fn lens(&self, filled: Filled) -> Vec<usize> {
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

    /// What to call samples in messages: `images`, `point clouds`, `scenes`, ….
    pub fn noun(&self) -> &'static str {
        self.spec.samples().noun()
    }

    /// Whether samples belong to the classes (else, as scenes and SegRCDB's images, they are
    /// numbered in one group and labelled −1).
    pub fn labelled(&self) -> bool {
        self.family().labelled()
    }

    /// Groups of samples: the classes, or one group of scenes.
    fn sample_groups(&self) -> usize {
        if self.labelled() { self.class_count() } else { 1 }
    }

    /// Number of classes: one per category file, but for 1p-frac, whose one category (its base
    /// fractal) makes every class.
    pub fn class_count(&self) -> usize {
        self.family().classes()
    }

    /// Total number of samples.
    pub fn len(&self) -> u64 {
        (self.sample_groups() * self.spec.instances) as u64
    }

    /// Whether there is no sample (never, for a checked spec).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The sample of global index `index` (class · instances + instance).
    pub fn sample(&self, index: u64) -> Result<Sample> {
        ensure!(
            index < self.len(),
            "sample index {index} is past the end (the dataset has {} samples)",
            self.len()
        );
        let instances = self.spec.instances as u64;
        Ok(Sample { class: (index / instances) as usize, instance: (index % instances) as usize })
    }

    /// The global index of a sample.
    pub fn index_of(&self, sample: Sample) -> u64 {
        (sample.class * self.spec.instances + sample.instance) as u64
    }

    /// The label of sample `index`: its class, or −1 for scenes.
    pub fn label(&self, index: u64) -> Result<i64> {
        let sample = self.sample(index)?;
        Ok(if self.family().labelled() { sample.class as i64 } else { -1 })
    }

    /// Render the samples `indices` on `threads` threads (0: one per core, the current rayon pool's;
    /// 1: this thread; past [`crate::memory::MAX_THREADS`] refused): part `i` of each into `out[i]`,
    /// one after another, [`Part::max_len`] bytes each, as [`Dataset::render_parts`] gives them. Samples sharing work (a unit) are rendered
    /// together, once each; the bytes do not depend on `threads`. Bounded parts (a scene's) vary in
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
    fn with_out<R>(
        &self,
        scratch: &mut Scratch,
        f: impl FnOnce(&mut Scratch, &mut [&mut [u8]]) -> Result<R>,
    ) -> Result<R> {
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

    /// The most memory one worker thread holds while it renders: its working buffers (the family's
    /// [`Family::scratch_len`]) and one sample. A batch of `threads` threads needs this times
    /// `threads`, besides its output.
    pub fn bytes_per_thread(&self) -> u64 {
        let need = self.family().scratch_len();
        let bytes = need.positions * size_of::<u32>()
            + need.canvas
            + need.points * size_of::<[f32; 3]>()
            + need.objects * size_of::<SceneObject>()
            + need.reals * size_of::<f64>()
            + need.complex * size_of::<Complex>()
            + self.sample_bytes();
        bytes as u64
    }

    /// The most bytes of one sample, its parts together.
    pub fn sample_bytes(&self) -> usize {
        self.parts.iter().map(Part::max_len).sum()
    }

    /// The most memory the family keeps for all worker threads together (the textured dead leaves'
    /// texture pool), besides [`Dataset::bytes_per_thread`].
    pub fn shared_bytes(&self) -> u64 {
        self.spec.family.family().shared_bytes(&self.spec)
    }

    /// The shared work the family can do ahead of its samples, as (pieces, the work, what a piece
    /// is), if any (the textured dead leaves' pool: `(10000, "making the texture pool", "textures")`).
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

    /// The unit of shared work of sample `index`: (class, the family's unit within it). Samples of
    /// one unit rendered together (one batch, or in turn with one scratch) share its work:
    /// FractalDB's weight row (40 images, one chaos game), a 3-D model's images, a PC-FractalDB
    /// class's own part; RCDB and scenes share nothing (each sample is its own unit).
    pub fn unit_of(&self, index: u64) -> Result<(usize, u64)> {
        let sample = self.sample(index)?;
        Ok((sample.class, self.family().unit_of(sample.instance as u64)))
    }

    /// The key that puts samples of one unit together, in instance order.
    fn unit_order(&self, sample: &Sample) -> (usize, u64, usize) {
        (sample.class, self.family().unit_of(sample.instance as u64), sample.instance)
    }

    /// Call `f` on every item, grouped by unit (in instance order within one), the groups in
    /// parallel on the current rayon pool (`parallel`) or in turn on this thread, each worker with
    /// its own scratch.
    fn for_each_unit<T: Send>(
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
    fn render_into(
        &self,
        sample: Sample,
        scratch: &mut Scratch,
        out: &mut [&mut [u8]],
        read_back: bool,
    ) -> Result<Filled> {
        let family = self.family();
        let need = family.scratch_len();
        let Scratch { positions, canvas, points, objects, reals, complex, held, precomputed, .. } = scratch;
        let what = || format!("the working buffers of one thread ({})", self.spec.preset);
        let fix = "use fewer threads or a smaller size";
        try_grow(positions, need.positions, 0, what, fix)?;
        try_grow(canvas, need.canvas, 0, what, fix)?;
        try_grow(points, need.points, [0.0; 3], what, fix)?;
        try_grow(objects, need.objects, SceneObject::default(), what, fix)?;
        try_grow(reals, need.reals, 0.0, what, fix)?;
        try_grow(complex, need.complex, Complex::default(), what, fix)?;
        let mut ws =
            Workspace::new(positions, canvas, points, objects, held).with_float_buffers(reals, complex);
        let (class, instance) = (sample.class, sample.instance as u64);
        let failed = |e: &dyn std::fmt::Display| {
            anyhow::anyhow!("sample {} (class {class}, instance {instance}): {e}", self.index_of(sample))
        };
        if let (Some(canvases), Some(offload)) = (precomputed, &self.offload) {
            let (key, _) = offload.canvas_job(class, instance).map_err(|e| failed(&e))?;
            if let Some(pixels) = canvases.get(&key) {
                offload.adopt_canvas(key, pixels, &mut ws).map_err(|e| failed(&e))?;
            }
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
        let (height, width, channels) = jpeg_shape(part)?;
        let file = crate::jpeg::encode(rendered, width, height, channels, settings)?;
        let mut decoded = vec![0; rendered.len()];
        crate::jpeg::decode_into(&file, &mut decoded)?;
        Ok(Cow::Owned(decoded))
    }

    /// The canvases `samples` need, each once, as jobs for [`CanvasJob::render`] (on a GPU), with
    /// their keys; empty for families that take no work from elsewhere.
    pub fn canvas_jobs(
        &self,
        samples: impl IntoIterator<Item = Sample>,
    ) -> Result<Vec<(CanvasKey, CanvasJob)>> {
        let Some(offload) = &self.offload else { return Ok(Vec::new()) };
        let mut jobs = samples
            .into_iter()
            .map(|s| offload.canvas_job(s.class, s.instance as u64))
            .collect::<Result<Vec<_>>>()?;
        jobs.sort_unstable_by_key(|(key, _)| *key);
        jobs.dedup_by_key(|(key, _)| *key);
        Ok(jobs)
    }

    /// The recipe of the canvases [`Dataset::canvas_jobs`] makes, `None` where none can be made
    /// elsewhere.
    pub fn canvas_recipe(&self) -> Option<&CanvasRecipe> {
        self.gpu_path().ok()
    }

    /// The recipe of the canvases a GPU can paint for this dataset, or why it has none (a clause for
    /// messages).
    pub fn gpu_path(&self) -> Result<&CanvasRecipe, String> {
        match &self.offload {
            Some(offload) => offload.recipe().map_err(str::to_owned),
            None => Err(format!("the {} preset has no GPU path", self.spec.preset)),
        }
    }

    /// The category files, `(path in the dataset, text)`, in class order.
    pub fn category_files(&self) -> Vec<(String, String)> {
        self.texts.iter().enumerate().map(|(c, t)| (Self::category_path(c), t.clone())).collect()
    }

    /// Path of class `c`'s category file in the dataset.
    pub fn category_path(c: usize) -> String {
        format!("categories/{}.csv", Self::class_name(c))
    }

    /// Folder name of class `c`.
    pub fn class_name(c: usize) -> String {
        format!("{c:05}")
    }

    /// The name of a sample, unique within its split and free of dots: the family's reference stem
    /// (FractalDB `{class:05}_{weight:02}_count_{count}_flip{flip}`, RCDB `{class:05}_{instance:04}`, …).
    pub fn key(&self, sample: &Sample) -> String {
        let mut name = String::new();
        self.family()
            .write_name(sample.class, sample.instance as u64, &mut name)
            .expect("a checked spec names every sample");
        name
    }

    /// What made a sample, beyond its class, instance and the spec: for the WebDataset sidecar.
    pub fn sample_parameters(&self, sample: &Sample) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        self.family().parameters(sample.class, sample.instance as u64, &mut |name, value| {
            let value = match value {
                Parameter::Int(v) => serde_json::json!(v),
                Parameter::Float(v) => serde_json::json!(v),
                Parameter::Floats(v) => serde_json::json!(v),
            };
            map.insert(name.to_owned(), value);
        });
        serde_json::Value::Object(map)
    }

    /// The splits present: `train`, and `val` when `val_per_class > 0`.
    pub fn splits(&self) -> Vec<Split> {
        if self.spec.val_per_class > 0 { vec![Split::Train, Split::Val] } else { vec![Split::Train] }
    }

    /// The split of instance `i`.
    pub fn split_of(&self, instance: usize) -> Split {
        if instance + self.spec.val_per_class >= self.spec.instances { Split::Val } else { Split::Train }
    }

    /// Number of samples of a split.
    pub fn sample_count(&self, split: Split) -> usize {
        let per_class = match split {
            Split::Train => self.spec.instances - self.spec.val_per_class,
            Split::Val => self.spec.val_per_class,
        };
        per_class * self.sample_groups()
    }

    /// All chunks, in class then chunk order.
    pub fn chunks(&self) -> Vec<Chunk> {
        let chunks = self.spec.instances.div_ceil(CHUNK_LEN);
        (0..self.sample_groups())
            .flat_map(|class| (0..chunks).map(move |index| Chunk { class, index }))
            .collect()
    }

    /// The samples of a chunk, in order.
    pub fn chunk_samples(&self, chunk: Chunk) -> impl Iterator<Item = Sample> + use<> {
        let start = chunk.index * CHUNK_LEN;
        let end = self.spec.instances.min(start + CHUNK_LEN);
        (start..end).map(move |instance| Sample { class: chunk.class, instance })
    }
}

/// The bytes [`Family::render_parts`] wrote into each of `out`'s buffers.
fn written<'a>(out: &'a [&mut [u8]], filled: Filled) -> Vec<&'a [u8]> {
    out.iter().enumerate().map(|(i, buffer)| &buffer[..filled.bytes(i)]).collect()
}

/// No progress to report.
fn quiet(_: u64, _: u64) {}

impl Dataset {
    /// The dataset `json` describes: a whole spec (the `spec` of a `manifest.json`) or the short form
    /// `{"preset": ..., ...overrides}` ([`Request`]).
    pub fn open(json: &str) -> Result<Self> {
        Self::open_with_progress(json, &quiet)
    }

    /// [`Dataset::open`], reporting a category search's progress (`fractaldb-10k`, the 3-D presets).
    pub fn open_with_progress(json: &str, progress: Progress) -> Result<Self> {
        let value: serde_json::Value =
            serde_json::from_str(json).context("the dataset spec is not valid JSON")?;
        if value.get("generator").is_some() {
            let spec: Spec =
                serde_json::from_value(value).context("not a dataset spec (as manifest.json's \"spec\")")?;
            Self::from_spec(spec, progress)
        } else {
            let request: Request = serde_json::from_value(value).context(
                "not a dataset spec: give {\"preset\": NAME, ...overrides} or a manifest's \"spec\"",
            )?;
            request.dataset(progress)
        }
    }

    /// The dataset of a whole spec: its categories from its preset, or from the folder its
    /// `category_source` names, and checked against its `categories_sha256`.
    pub fn from_spec(spec: Spec, progress: Progress) -> Result<Self> {
        let published = crate::preset::published(&spec.preset)?;
        let categories = if spec.category_source == published.category_source {
            ensure!(
                spec.categories <= published.categories,
                "the {} preset has {} categories; the spec asks for {}",
                spec.preset,
                published.categories,
                spec.categories
            );
            crate::preset::categories(&spec, progress)?
        } else {
            let dir = Path::new(&spec.category_source);
            Categories::from_dir(&spec.family, dir, Some(spec.categories))?
        };
        if categories.sha256() != spec.categories_sha256 {
            bail!(
                "the categories of {} are not those the spec names (their SHA-256 differs from categories_sha256)",
                spec.category_source
            );
        }
        Self::new(spec, categories)
    }

    /// The dataset a rendered folder describes (`dir`, or its `manifest.json` itself): its manifest's
    /// spec, with the category files of its `categories/` folder.
    pub fn from_manifest(path: &Path) -> Result<Self> {
        let (dir, file) = if path.is_dir() {
            (path, path.join(MANIFEST))
        } else {
            (path.parent().unwrap_or(Path::new(".")), path.to_owned())
        };
        let text =
            std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
        let manifest: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not an fdsl manifest", file.display()))?;
        let field = |name: &str| manifest.get(name).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        ensure!(
            field("format") == MANIFEST_FORMAT,
            "{} has format {:?}; this fdsl reads {MANIFEST_FORMAT:?}",
            file.display(),
            field("format")
        );
        let spec: Spec = serde_json::from_value(manifest.get("spec").cloned().unwrap_or_default())
            .with_context(|| format!("{}: its \"spec\" is not a dataset spec", file.display()))?;
        let bytes_version = manifest.get("bytes_version").and_then(serde_json::Value::as_u64);
        let bytes_version = bytes_version.map_or(FIRST_BYTES_VERSION, |v| v.try_into().unwrap_or(u32::MAX));
        if let Some(why) = spec.other_bytes(&field("tool"), bytes_version) {
            bail!("{} {why}: open it with {}", file.display(), field("tool"));
        }
        let files: Vec<(String, String)> = (0..spec.categories)
            .map(|c| {
                let path = dir.join(Dataset::category_path(c));
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                Ok((path.display().to_string(), text))
            })
            .collect::<Result<_>>()?;
        let categories = Categories::parse(&spec.family, &files)?;
        ensure!(
            categories.sha256() == spec.categories_sha256,
            "{}: the files of categories/ are not those the manifest's spec names (SHA-256 differs)",
            dir.display()
        );
        Self::new(spec, categories)
    }
}
