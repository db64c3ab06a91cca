//! `fdsl render`: write a dataset into a folder, resuming what a previous run left.

use crate::dataset::{Dataset, Scratch, Unit};
use crate::output::{
    Journal, JournalEntry, Manifest, file_sha256, is_empty_dir, remove_stale_temporaries,
    write_atomic,
};
use crate::progress;
use crate::spec::{differences, sha256_hex};
use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

use std::path::Path;
use std::time::{Duration, Instant};

/// What a render did.
#[derive(Debug)]
pub struct Summary {
    /// Images rendered and written by this run.
    pub written: usize,
    /// Images already present and verified (resume).
    pub kept: usize,
    /// Wall time.
    pub elapsed: Duration,
}

/// Check that `out` is new, empty, or holds this very dataset; returns its manifest if any.
/// Nothing is created or changed.
pub fn check_output(dataset: &Dataset, out: &Path) -> Result<Option<Manifest>> {
    if !out.exists() {
        return Ok(None);
    }
    if !out.is_dir() {
        bail!("--out {} exists and is not a folder", out.display());
    }
    match Manifest::read(out)? {
        Some(m) if m.spec == dataset.spec => Ok(Some(m)),
        Some(m) => bail!(
            "{} holds a different dataset ({}); choose another --out or delete it",
            out.display(),
            differences(&dataset.spec, &m.spec).join("; ")
        ),
        None => {
            if !is_empty_dir(out)? {
                bail!(
                    "{} is not empty and holds no fdsl manifest.json; choose a new or empty folder",
                    out.display()
                );
            }
            Ok(None)
        }
    }
}

/// What a previous run recorded as finished: the journal, or every unit of a complete manifest.
fn recorded_units(dataset: &Dataset, out: &Path, previous: &Manifest) -> Result<Vec<JournalEntry>> {
    if !previous.complete {
        return Journal::read(out);
    }
    let entry = |unit: Unit| JournalEntry {
        unit,
        files: dataset
            .instances(unit)
            .map(|i| Dataset::image_path(unit.category, &i))
            .map(|p| {
                let sha = previous.files.get(&p).cloned().unwrap_or_default();
                (p, sha)
            })
            .collect(),
    };
    Ok(dataset.units().into_iter().map(entry).collect())
}

/// Whether a recorded unit is one of this dataset's, with exactly its files, each on disk with
/// the recorded hash.
fn still_valid(dataset: &Dataset, out: &Path, entry: &JournalEntry) -> bool {
    if entry.unit.category >= dataset.categories.len() {
        return false;
    }
    let want: Vec<String> = dataset
        .instances(entry.unit)
        .map(|i| Dataset::image_path(entry.unit.category, &i))
        .collect();
    !want.is_empty()
        && want.len() == entry.files.len()
        && want
            .iter()
            .zip(&entry.files)
            .all(|(w, (p, sha))| w == p && file_sha256(out, p).as_deref() == Some(sha.as_str()))
}

/// Render `dataset` into `out`: new files for what is missing, nothing rewritten that verifies.
pub fn render(dataset: &Dataset, out: &Path) -> Result<Summary> {
    let start = Instant::now();
    let previous = check_output(dataset, out)?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let done: Vec<JournalEntry> = match &previous {
        Some(m) => {
            remove_stale_temporaries(out)?;
            recorded_units(dataset, out, m)?
                .into_par_iter()
                .filter(|e| still_valid(dataset, out, e))
                .collect()
        }
        None => Vec::new(),
    };
    // Claim the folder: incomplete until the end, the journal holding what is verified so far.
    Manifest::new(dataset.spec.clone(), false, BTreeMap::new()).write(out)?;
    let journal = Journal::create(out, &done)?;
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for (path, bytes) in dataset.metadata_files() {
        write_atomic(out, &path, &bytes)?;
        files.insert(path, sha256_hex(&bytes));
    }
    let done_units: BTreeSet<Unit> = done.iter().map(|e| e.unit).collect();
    let kept: usize = done.iter().map(|e| e.files.len()).sum();
    files.extend(done.into_iter().flat_map(|e| e.files));
    let pending: Vec<Unit> = dataset
        .units()
        .into_iter()
        .filter(|u| !done_units.contains(u))
        .collect();
    let bar = progress::bar(dataset.image_count() as u64, "rendering", "images");
    bar.set_position(kept as u64);
    let rendered: Vec<Vec<(String, String)>> = pending
        .par_iter()
        .map_init(Scratch::default, |scratch, &unit| {
            let mut written = Vec::new();
            dataset.render_unit(unit, scratch, |path, png| {
                write_atomic(out, path, png)?;
                written.push((path.to_owned(), sha256_hex(png)));
                bar.inc(1);
                Ok(())
            })?;
            journal.record(&JournalEntry {
                unit,
                files: written.clone(),
            })?;
            Ok(written)
        })
        .collect::<Result<_>>()?;
    bar.finish_and_clear();
    let written = rendered.iter().map(Vec::len).sum();
    files.extend(rendered.into_iter().flatten());
    Manifest::new(dataset.spec.clone(), true, files).write(out)?;
    Journal::remove(out)?;
    Ok(Summary {
        written,
        kept,
        elapsed: start.elapsed(),
    })
}
