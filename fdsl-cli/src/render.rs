//! `fdsl render`: write a dataset (or one part of it) into a folder, resuming what is there.

use crate::output::{
    Claim, Journal, JournalEntry, Lock, MANIFEST, Manifest, Part, extras, file_sha256, is_empty_dir,
    remove_if_present, write_atomic,
};
use crate::plan::Plan;
use crate::progress;
use anyhow::{Context, Result, bail, ensure};
use fdsl_core::families::fractaldb::{Job, Recipe};
use fdsl_dataset::Sample;
use fdsl_dataset::Spec;
use fdsl_dataset::cache::{self, Cache};
use fdsl_dataset::dataset::{Canvases, Scratch};
use fdsl_dataset::memory::{OutOfMemory, human_bytes};
use fdsl_dataset::spec::{Choice, Encoding, Format, differences, sha256_hex};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

/// What a render did.
#[derive(Debug)]
pub struct Summary {
    /// Samples rendered by this run.
    pub written: usize,
    /// Samples already present and verified (resume).
    pub kept: usize,
    /// Whether the dataset's `manifest.json` is complete after this run.
    pub completed: bool,
    /// Whether this run wrote the complete `manifest.json` (a whole run, or the part that merged).
    pub completed_here: bool,
    /// What the complete folder holds beyond the dataset (`extra: PATH` lines, see `output::extras`).
    pub extras: Vec<String>,
    /// Wall time.
    pub elapsed: Duration,
}

/// Check that `out` is new, empty, or holds this very dataset (whole or in parts); returns its
/// manifests. Nothing is created or changed.
pub fn check_output(spec: &Spec, out: &Path) -> Result<Vec<(String, Manifest)>> {
    if !out.exists() {
        if let Ok(target) = std::fs::read_link(out) {
            bail!(
                "--out {} is a symbolic link to {}, which does not exist: create that folder, or choose another --out",
                out.display(),
                target.display()
            );
        }
        return Ok(Vec::new());
    }
    if !out.is_dir() {
        bail!("--out {} exists and is not a folder", out.display());
    }
    // Emptiness first: whatever another run writes after this look comes after its manifest.
    let empty = is_empty_dir(out)?;
    let manifests = Manifest::all(out)?;
    for (name, m) in &manifests {
        if let Some(why) = m.spec.other_bytes(&m.tool, m.bytes_version) {
            bail!("{} {why} ({name}): resume it with {}, or choose another --out", out.display(), m.tool);
        }
        if !m.spec.same_dataset(spec) {
            bail!(
                "{} holds a different dataset ({name}: {}); choose another --out or delete it",
                out.display(),
                differences(spec, &m.spec).join("; ")
            );
        }
    }
    if manifests.is_empty() && !empty {
        bail!("{} is not empty and holds no fdsl manifest.json; choose a new or empty folder", out.display());
    }
    Ok(manifests)
}

/// What earlier runs recorded as finished: this part's journal, and every task all of whose files
/// a complete manifest (whole or part) lists.
fn recorded(
    plan: &Plan,
    out: &Path,
    manifests: &[(String, Manifest)],
    part: Part,
) -> Result<Vec<JournalEntry>> {
    let mut entries = Journal::read(out, &part.journal_name())?;
    for (_, m) in manifests.iter().filter(|(_, m)| m.complete) {
        for (task, &t) in plan.tasks().iter().enumerate() {
            let files: Option<Vec<(String, String)>> =
                plan.files_of(t).into_iter().map(|p| m.files.get(&p).cloned().map(|sha| (p, sha))).collect();
            if let Some(files) = files {
                entries.push(JournalEntry { task, files });
            }
        }
    }
    Ok(entries)
}

/// Whether a recorded task is one of the plan's, with exactly its files, each on disk with the
/// recorded hash.
fn still_valid(plan: &Plan, out: &Path, entry: &JournalEntry) -> bool {
    let Some(&task) = plan.tasks().get(entry.task) else { return false };
    let want = plan.files_of(task);
    want.len() == entry.files.len()
        && want
            .iter()
            .zip(&entry.files)
            .all(|(w, (path, sha))| w == path && file_sha256(out, path).as_deref() == Some(sha.as_str()))
}

/// The canvases of `jobs` for the dataset seed and recipe, `side²` bytes each, in job order.
pub type RenderJobs<'a> = dyn Fn(&[Job], u64, &Recipe) -> Result<Vec<u8>> + Sync + 'a;

/// Renders the canvases of canvas jobs in batches: `fdsl_cuda::Gpu::render_canvases` on a GPU
/// (the tests stand the CPU in).
pub struct CanvasBatches<'a> {
    /// Canvases per batch, about (batches hold whole tasks).
    pub canvases: usize,
    /// The renderer.
    pub render: &'a RenderJobs<'a>,
}

/// Render the tasks of `part` of `plan` into `out`: new files for what is missing, nothing rewritten
/// that verifies. The last part to finish (or a whole run) writes the complete `manifest.json`.
/// With `batches`, the canvases of families that take them (`Dataset::canvas_jobs`) come from there
/// (the same bytes), each batch rendered on another thread while the CPU flips, encodes and writes the
/// files of the batch before; other families ignore it. In four steps: `claim` the folder,
/// `resume` what verifies, `render_missing` on the CPU or with GPU canvases (the family's shared
/// work, where it has some, made as the samples need it and kept in `OUT/.fdsl-cache`: see
/// `shared`), `finish`.
pub fn render(plan: &Plan, out: &Path, part: Part, batches: Option<&CanvasBatches>) -> Result<Summary> {
    let start = Instant::now();
    let Claimed { spec, claim, manifests } = self::claim(plan, out, part)?;
    let resumed = resume(plan, out, part, &spec, &manifests)?;
    let total =
        resumed.pending.iter().map(|&t| plan.sample_count(plan.tasks()[t])).sum::<usize>() + resumed.kept;
    // The family's shared work (a texture pool), made by the samples as they need it, kept in the
    // folder's cache across runs, with its own progress line.
    let pending: Vec<Sample> =
        resumed.pending.iter().flat_map(|&t| plan.samples_of(plan.tasks()[t])).collect();
    let shared = crate::shared::track(plan.dataset, &pending, Some(folder_cache(out)))?;
    let bar = progress::Progress::new(total as u64, "rendering", plan.dataset.noun());
    bar.skip(resumed.kept as u64);
    let rendered = render_missing(plan, out, &spec, &resumed, batches, &bar);
    bar.finish();
    if let Some(shared) = shared {
        shared.finish();
    }
    let rendered = rendered?;
    let Resumed { mut files, kept, .. } = resumed;
    files.extend(rendered.into_iter().flatten());
    let (completed, completed_here, extras) = finish(out, part, &spec, files, claim)?;
    Ok(Summary { written: total - kept, kept, completed, completed_here, extras, elapsed: start.elapsed() })
}

/// The cache of the folder `out`, where its shared work is kept across runs (`OUT/.fdsl-cache`).
pub fn folder_cache(out: &Path) -> Cache {
    Cache::new(out.join(cache::FOLDER))
}

/// A folder claimed for a render.
struct Claimed {
    /// The spec, with its categories' provenance as the folder first recorded it (the same
    /// categories may come by another path now: another working directory, mount point, or a copy).
    spec: Spec,
    /// The folder's lock, held until the render finishes.
    claim: Claim,
    /// The manifests already there.
    manifests: Vec<(String, Manifest)>,
}

/// Step 1: check `out` against the dataset and the machine's memory, and claim it for `part`
/// (one writer per folder).
fn claim(plan: &Plan, out: &Path, part: Part) -> Result<Claimed> {
    let memory = MemoryNeed::of(plan);
    memory.check(&plan.dataset.spec)?;
    check_output(&plan.dataset.spec, out)?; // refuse before creating anything
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let claim = Claim::take(out, part)?;
    // Read the folder only now: the writer this one waited for may have changed it meanwhile.
    let manifests = check_output(&plan.dataset.spec, out)?;
    let mut spec = plan.dataset.spec.clone();
    if let Some((_, m)) = manifests.first() {
        spec.category_source.clone_from(&m.spec.category_source);
    }
    eprintln!("fdsl: {}", memory.describe());
    progress::on_interrupt(format!(
        "the finished files in {} are kept; run the same command again to resume: {}",
        out.display(),
        progress::this_command()
    ));
    Ok(Claimed { spec, claim, manifests })
}

/// What a render resumes from: the files kept (and the metadata written), their samples, the tasks
/// still to render, and the journal recording each task as it is done.
struct Resumed {
    files: BTreeMap<String, String>,
    kept: usize,
    pending: Vec<usize>,
    journal: Journal,
}

/// Step 2: keep every recorded task of `part` whose files verify, mark the folder incomplete (the
/// journal holding what is verified so far), write the metadata files.
fn resume(
    plan: &Plan,
    out: &Path,
    part: Part,
    spec: &Spec,
    manifests: &[(String, Manifest)],
) -> Result<Resumed> {
    let recorded = recorded(plan, out, manifests, part)?;
    let checking = progress::Progress::new(recorded.len() as u64, "checking what is there", "tasks");
    let done: BTreeMap<usize, JournalEntry> = recorded
        .into_par_iter()
        .filter(|e| {
            let valid = part.owns(e.task) && still_valid(plan, out, e);
            checking.inc(1);
            valid
        })
        .map(|e| (e.task, e))
        .collect();
    checking.finish();
    Manifest::new(spec.clone(), part, false, BTreeMap::new()).write(out, &part.manifest_name())?;
    let done: Vec<JournalEntry> = done.into_values().collect();
    let journal = Journal::create(out, &part.journal_name(), &done)?;
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for (path, bytes) in plan.metadata_files() {
        write_atomic(out, &path, &bytes)?;
        files.insert(path, sha256_hex(&bytes));
    }
    let kept: usize = done.iter().map(|e| plan.sample_count(plan.tasks()[e.task])).sum();
    let done_tasks: std::collections::BTreeSet<usize> = done.iter().map(|e| e.task).collect();
    files.extend(done.into_iter().flat_map(|e| e.files));
    let pending = (0..plan.tasks().len()).filter(|&t| part.owns(t) && !done_tasks.contains(&t)).collect();
    Ok(Resumed { files, kept, pending, journal })
}

/// Step 3: render the pending tasks, each file placed as it is made (a chunk's, sample by sample) and
/// each task journalled when all its files are placed (an interrupted task is made again); with
/// `batches` (and a family that takes canvases), the canvases of one batch of tasks rendered there
/// while the CPU makes the files of the batch before.
fn render_missing(
    plan: &Plan,
    out: &Path,
    spec: &Spec,
    resumed: &Resumed,
    batches: Option<&CanvasBatches>,
    bar: &progress::Progress,
) -> Result<Vec<Vec<(String, String)>>> {
    let pending = &resumed.pending;
    let run = |scratch: &mut Scratch, &task: &usize| -> Result<Vec<(String, String)>> {
        let mut written = Vec::new();
        plan.render_each(plan.tasks()[task], scratch, out, &mut |path, made| {
            let sha = made.place(out, &path)?;
            written.push((path, sha));
            Ok(())
        })?;
        resumed.journal.record(&JournalEntry { task, files: written.clone() })?;
        bar.inc(plan.sample_count(plan.tasks()[task]) as u64);
        Ok(written)
    };
    let (Some(batches), Some(recipe)) = (batches, plan.dataset.canvas_recipe()) else {
        return pending.par_iter().map_init(Scratch::default, run).collect();
    };
    let per_task = plan.tasks().iter().map(|&t| plan.sample_count(t)).max().unwrap_or(1).div_ceil(4);
    let chunks: Vec<&[usize]> = pending.chunks((batches.canvases / per_task.max(1)).max(1)).collect();
    let canvases_of = |chunk: &[usize]| -> Result<Canvases> {
        let samples = chunk.iter().flat_map(|&t| plan.samples_of(plan.tasks()[t]));
        let (keys, jobs): (Vec<_>, Vec<_>) = plan.dataset.canvas_jobs(samples)?.into_iter().unzip();
        let bytes = (batches.render)(&jobs, spec.seed, recipe)?;
        ensure!(
            bytes.len() == jobs.len() * recipe.canvas_len(),
            "the canvas renderer returned {} bytes",
            bytes.len()
        );
        Ok(std::sync::Arc::new(
            keys.into_iter().zip(bytes.chunks_exact(recipe.canvas_len()).map(<[u8]>::to_vec)).collect(),
        ))
    };
    std::thread::scope(|scope| -> Result<Vec<_>> {
        // A rendezvous channel: the renderer runs one batch ahead of the files, no more.
        let (next, batch) = std::sync::mpsc::sync_channel::<Result<Canvases>>(0);
        let chunks = &chunks;
        scope.spawn(move || {
            for chunk in chunks {
                let canvases = canvases_of(chunk);
                let failed = canvases.is_err();
                if next.send(canvases).is_err() || failed {
                    return;
                }
            }
        });
        let mut rendered = Vec::with_capacity(pending.len());
        for chunk in chunks {
            let canvases = batch.recv().context("the canvas renderer stopped")??;
            let scratch = || Scratch::with_canvases(canvases.clone());
            rendered.extend(chunk.par_iter().map_init(scratch, run).collect::<Result<Vec<_>>>()?);
        }
        Ok(rendered)
    })
}

/// Step 4: write `part`'s complete manifest of `files`; a whole run (or the last part, merging the
/// others) completes `manifest.json` and tidies the folder; release the claim. Returns whether the
/// folder is complete, whether this run completed it, and what it holds beyond the dataset.
fn finish(
    out: &Path,
    part: Part,
    spec: &Spec,
    files: BTreeMap<String, String>,
    claim: Claim,
) -> Result<(bool, bool, Vec<String>)> {
    let whole = (part == Part::WHOLE).then(|| listed_paths(&files));
    Manifest::new(spec.clone(), part, true, files).write(out, &part.manifest_name())?;
    remove_if_present(out, &part.journal_name())?;
    let (completed, completed_here, extra) = match whole {
        Some(listed) => {
            remove_part_records(out)?;
            (true, true, extras(out, &listed, true)?)
        }
        None => merge_parts(spec, out, part)?,
    };
    claim.release()?;
    // Another part completed the folder: name what it holds beyond the dataset, as that part did.
    let extra = match Manifest::read(out, MANIFEST)? {
        Some(m) if completed && !completed_here => extras(out, &listed_paths(&m.files), false)?,
        _ => extra,
    };
    Ok((completed, completed_here, extra))
}

/// The paths a complete folder of `files` holds: them and `manifest.json`.
fn listed_paths(files: &BTreeMap<String, String>) -> std::collections::BTreeSet<String> {
    files.keys().cloned().chain([MANIFEST.to_owned()]).collect()
}

/// Remove every part manifest and part journal (a complete `manifest.json` covers them).
fn remove_part_records(out: &Path) -> Result<()> {
    for entry in std::fs::read_dir(out).with_context(|| format!("cannot list {}", out.display()))? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.starts_with("manifest.part-") || name.starts_with(".fdsl-journal") {
            remove_if_present(out, &name)?;
        }
    }
    Ok(())
}

/// The lock of merging the parts.
const MERGE_LOCK: &str = ".fdsl-lock.merge";

/// If all parts of `part`'s count have complete manifests in `out`, write their union as `manifest.json`
/// (the bytes a whole run writes), remove the part records and tidy the folder; returns whether
/// `manifest.json` is complete, whether this call wrote it, and (if it did) what the complete folder
/// holds beyond the dataset (`extra:` lines). Parts finishing at once take turns (a lock): the first that finds
/// every part complete merges, the others find `manifest.json` complete and leave it. A part that finds
/// `manifest.json` complete (merged by another part, of this count or another, or a whole run's)
/// removes its own manifest, which that one covers: no part record outlives a complete folder.
fn merge_parts(spec: &Spec, out: &Path, part: Part) -> Result<(bool, bool, Vec<String>)> {
    let count = part.count;
    let merging = Lock::acquire(out, MERGE_LOCK)?;
    if Manifest::read(out, MANIFEST).ok().flatten().is_some_and(|m| m.complete) {
        remove_if_present(out, &part.manifest_name())?;
        merging.remove()?;
        return Ok((true, false, Vec::new()));
    }
    let (mut files, mut first) = (BTreeMap::new(), None);
    for index in 0..count {
        match Manifest::read(out, &Part { index, count }.manifest_name()) {
            Ok(Some(m)) if m.complete && m.spec.same_dataset(spec) => {
                first.get_or_insert_with(|| m.spec.clone());
                files.extend(m.files);
            }
            _ => {
                merging.remove()?;
                return Ok((false, false, Vec::new()));
            }
        }
    }
    // Part 0's spec, whichever part merges: the same bytes every time (provenance may differ).
    let spec = first.unwrap_or_else(|| spec.clone());
    let listed = listed_paths(&files);
    Manifest::new(spec, Part::WHOLE, true, files).write(out, MANIFEST)?;
    remove_part_records(out)?;
    let extra = extras(out, &listed, true)?;
    merging.remove()?;
    Ok((true, true, extra))
}

/// The memory a render needs at its peak, about: per worker thread its working buffers and one
/// sample ([`fdsl_dataset::Dataset::bytes_per_thread`]), the file it encodes (a PNG: the sample's
/// size at most; none for npy shards), and for a file per
/// sample the encoded files of one chunk (written together); times the threads of the current rayon
/// pool, and once what the family keeps for all threads ([`fdsl_dataset::Dataset::shared_bytes`]).
/// Shards add nothing: they are written piece by piece. (`--device cuda` adds its batch of canvases,
/// not counted here.)
#[derive(Clone, Copy, Debug)]
pub struct MemoryNeed {
    /// Bytes per worker thread.
    pub per_thread: u64,
    /// Worker threads.
    pub threads: usize,
    /// Bytes for all threads together.
    pub shared: u64,
}

impl MemoryNeed {
    /// What rendering `plan` needs on the current pool's threads.
    pub fn of(plan: &Plan) -> Self {
        let dataset = plan.dataset;
        let sample = dataset.sample_bytes() as u64;
        // The file being encoded (npy shards take the parts as they are).
        let encoded =
            if dataset.spec.format == Format::Npy && dataset.spec.shard_size.is_some() { 0 } else { sample };
        let chunk_files = match dataset.spec.shard_size {
            Some(_) => 0.0,
            None => {
                fdsl_dataset::dataset::CHUNK_LEN.min(dataset.spec.instances) as f64 * plan.file_bytes(false)
            }
        };
        let per_thread = dataset.bytes_per_thread() + encoded + chunk_files as u64;
        Self { per_thread, threads: rayon::current_num_threads(), shared: dataset.shared_bytes() }
    }

    /// Bytes in all.
    pub fn total(&self) -> u64 {
        self.per_thread.saturating_mul(self.threads as u64).saturating_add(self.shared)
    }

    /// `peak memory about 3.26 GB (1.63 GB per thread x 2 threads)`, and `+ 492 MB shared` where the
    /// family keeps some.
    pub fn describe(&self) -> String {
        let shared = if self.shared > 0 {
            format!(" + {} shared", human_bytes(self.shared as f64))
        } else {
            String::new()
        };
        format!(
            "peak memory about {} ({} per thread x {} thread{}{shared})",
            human_bytes(self.total() as f64),
            human_bytes(self.per_thread as f64),
            self.threads,
            if self.threads == 1 { "" } else { "s" }
        )
    }

    /// An [`OutOfMemory`] error, naming the size and the fixes that apply, if it exceeds the memory
    /// this process may use ([`fdsl_dataset::memory::available`]): fewer threads where the threads'
    /// buffers are what does not fit, the family's own fix where what it keeps for all threads is
    /// (a smaller texture pool, `--textures N`), a smaller `--size`.
    pub fn check(&self, spec: &Spec) -> Result<()> {
        let Some(limit) = fdsl_dataset::memory::available() else { return Ok(()) };
        if self.total() <= limit {
            return Ok(());
        }
        let mut fixes = Vec::new();
        let fitting = limit.saturating_sub(self.shared) / self.per_thread.max(1);
        if fitting >= 1 && (fitting as usize) < self.threads {
            fixes.push(format!("--threads {fitting} (the bytes do not depend on it)"));
        }
        if self.shared > 0 {
            let room = limit.saturating_sub(self.per_thread.saturating_mul(self.threads as u64));
            fixes.extend(fdsl_dataset::registry::Registry::family(&spec.family).shared_fix(spec, room));
        }
        if self.shared < limit {
            fixes.push(String::from("a smaller --size"));
        }
        let fix = match fixes.is_empty() {
            true => String::from("it cannot fit this machine"),
            false => format!("use {}", fixes.join(", or ")),
        };
        let what = format!(
            "this render ({} per thread x {} thread{}{})",
            human_bytes(self.per_thread as f64),
            self.threads,
            if self.threads == 1 { "" } else { "s" },
            if self.shared > 0 {
                format!(" + {} shared", human_bytes(self.shared as f64))
            } else {
                String::new()
            }
        );
        Err(OutOfMemory { bytes: self.total() as u128, what, fix }.into())
    }
}

/// What `--dry-run` reports: the samples and files this run (or part) would write into `out`, their
/// size, and the family's shared work they need (what is not kept in `out` yet, and its time).
pub fn dry_run(plan: &Plan, part: Part, out: &Path) -> Result<String> {
    let dataset = plan.dataset;
    let spec = &dataset.spec;
    let owned: Vec<usize> = (0..plan.tasks().len()).filter(|&t| part.owns(t)).collect();
    let samples: usize = owned.iter().map(|&t| plan.sample_count(plan.tasks()[t])).sum();
    let files: usize = owned.iter().map(|&t| plan.files_of(plan.tasks()[t]).len()).sum();
    let metadata = plan.metadata_files();
    let metadata_bytes: usize = metadata.iter().map(|(_, b)| b.len()).sum();
    let sample_file = plan.file_bytes(true);
    let task_bytes = |task| {
        let n = plan.sample_count(task);
        match spec.format {
            // Per sample: 3 headers of 512 bytes, the .cls and .json members padded to 512, the file.
            Format::Webdataset => n as f64 * (sample_file + 2048.0 + 256.0) + 1024.0,
            Format::Npy if spec.sharded() => plan.npy_shard_bytes(n) as f64,
            _ => n as f64 * sample_file,
        }
    };
    let bytes = owned.iter().map(|&t| task_bytes(plan.tasks()[t])).sum::<f64>() + metadata_bytes as f64;
    let encoding = match spec.encoding {
        Encoding::Jpeg(j) => format!(" --encoding jpeg, quality {}, {}", j.quality, j.subsampling.name()),
        Encoding::Png => String::new(),
    };
    let mut lines = vec![format!(
        "dataset: {} (--format {}{encoding}), {} classes, seed {}",
        spec.preset,
        spec.format.name(),
        dataset.class_count(),
        spec.seed
    )];
    for split in dataset.splits() {
        lines.push(format!("{}: {} samples", split.name(), dataset.sample_count(split)));
    }
    let memory = MemoryNeed::of(plan);
    lines.push(format!(
        "memory: {}{}",
        memory.describe(),
        match memory.check(spec) {
            Ok(()) => String::new(),
            Err(e) => format!("; refused: {e}"),
        }
    ));
    let part_name = if part == Part::WHOLE { String::from("whole run") } else { format!("part {part}") };
    lines.push(format!(
        "{part_name}: {samples} samples in {} tasks, {} files (+{} small metadata files), about {}{}",
        owned.len(),
        files,
        metadata.len(),
        human_bytes(bytes),
        if spec.sharded() && spec.format == Format::Npy { " (exact)" } else { " (estimated)" }
    ));
    let samples: Vec<Sample> = owned.iter().flat_map(|&t| plan.samples_of(plan.tasks()[t])).collect();
    if let Some((work, need)) = crate::shared::need(dataset, &samples, Some(folder_cache(out)))? {
        lines.push(format!(
            "{}: the samples use {} of {}, {} kept in {}, {} to make: about {}; up to {} in memory",
            work.unit(),
            need.needed,
            need.pieces,
            need.needed - need.missing,
            folder_cache(out).root().display(),
            need.missing,
            crate::shared::cost(work, need.missing),
            human_bytes((need.needed * work.bytes_per_piece()) as f64)
        ));
    }
    Ok(lines.join("\n"))
}
