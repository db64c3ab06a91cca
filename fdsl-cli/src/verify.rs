//! `fdsl verify`: recompute every file of a dataset from its manifest and compare.

use crate::output::{MANIFEST, Manifest, file_sha256};
use crate::plan::Plan;
use crate::progress;
use anyhow::{Context, Result, bail};
use fdsl_dataset::Dataset;
use fdsl_dataset::dataset::Scratch;
use fdsl_dataset::spec::{categories_sha256, sha256_hex};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;

/// The outcome of a verification.
#[derive(Debug, Default)]
pub struct Report {
    /// Files recomputed and compared.
    pub checked: usize,
    /// One line per problem, naming the file: `missing: …`, `differs: …`, ….
    pub problems: Vec<String>,
}

/// A folder of this process under the system's temporary folder, removed with what it holds when
/// dropped.
struct SpillFolder(std::path::PathBuf);

impl SpillFolder {
    fn new() -> Result<Self> {
        let path = std::env::temp_dir().join(format!(".fdsl-verify-{}", std::process::id()));
        std::fs::create_dir_all(&path).with_context(|| format!("cannot create {}", path.display()))?;
        Ok(Self(path))
    }
}

impl Drop for SpillFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Recompute the dataset in `dir` from its manifest and compare every file.
pub fn verify(dir: &Path) -> Result<Report> {
    if !dir.is_dir() {
        match std::fs::metadata(dir) {
            Ok(_) => bail!("{} is not a folder: give the folder of a rendered dataset", dir.display()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                bail!("{} does not exist: give the folder of a rendered dataset", dir.display())
            }
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
        }
    }
    let mut report = Report::default();
    let manifest = match Manifest::read(dir, MANIFEST)? {
        Some(m) if m.complete => m,
        Some(_) => {
            report.problems.push(format!(
                "incomplete: {} is an interrupted render; run the same `fdsl render` command again to finish it",
                dir.display()
            ));
            return Ok(report);
        }
        None => {
            let parts: Vec<String> = Manifest::all(dir)?
                .into_iter()
                .map(|(name, m)| format!("{name}{}", if m.complete { "" } else { " (incomplete)" }))
                .collect();
            if parts.is_empty() {
                bail!("{} holds no manifest.json: not an fdsl dataset", dir.display());
            }
            report.problems.push(format!(
                "incomplete: {} holds only part manifests ({}); finish the missing parts, or run the render \
                 command without --shard to complete it",
                dir.display(),
                parts.join(", ")
            ));
            return Ok(report);
        }
    };
    if let Some(why) = manifest.spec.other_bytes(&manifest.tool, manifest.bytes_version) {
        bail!("{} {why}: verify it with {}", dir.display(), manifest.tool);
    }
    let spec = manifest.spec.clone();
    let files = Dataset::read_category_files(dir, spec.categories)?;
    if categories_sha256(files.iter().map(|(_, t)| t.as_str())) != spec.categories_sha256 {
        report
            .problems
            .push("differs: categories/ (not the category files the manifest's spec names)".into());
        return Ok(report);
    }
    let dataset = Dataset::with_category_files(spec, &files)?;
    let plan = Plan::new(&dataset)?;
    let mut expected = BTreeSet::new();
    // (path, recomputed hash, hash of the file on disk)
    let mut check = |report: &mut Report, (path, sha, disk): (String, String, Option<String>)| {
        report.checked += 1;
        match disk {
            None => report.problems.push(format!("missing: {path}")),
            Some(disk) if disk != sha => report.problems.push(format!("differs: {path}")),
            Some(_) if manifest.files.get(&path) != Some(&sha) => {
                report.problems.push(format!("differs from manifest.json: {path}"))
            }
            Some(_) => {}
        }
        expected.insert(path);
    };
    for (path, bytes) in plan.metadata_files() {
        let disk = file_sha256(dir, &path);
        check(&mut report, (path, sha256_hex(&bytes), disk));
    }
    let bar = progress::Progress::new(dataset.len(), "verifying", dataset.noun());
    // Shards are recomputed piece by piece into temporary files there ($TMPDIR: room for a shard
    // per thread), hashed and removed.
    let spill = SpillFolder::new()?;
    let recomputed: Vec<Vec<_>> = plan
        .tasks()
        .par_iter()
        .map_init(Scratch::default, |scratch, &task| {
            let files = plan.render(task, scratch, &spill.0)?;
            bar.inc(plan.sample_count(task) as u64);
            files
                .into_iter()
                .map(|(path, made)| Ok((made.sha256()?, file_sha256(dir, &path), path)))
                .collect()
        })
        .collect::<Result<_>>()?;
    bar.finish();
    for (sha, disk, path) in recomputed.into_iter().flatten() {
        check(&mut report, (path, sha, disk));
    }
    for path in manifest.files.keys().filter(|p| !expected.contains(*p)) {
        report.problems.push(format!("unexpected entry in manifest.json: {path}"));
    }
    expected.insert(MANIFEST.to_owned());
    report.problems.extend(crate::output::extras(dir, &expected, false)?);
    Ok(report)
}
