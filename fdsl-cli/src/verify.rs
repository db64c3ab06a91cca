//! `fdsl verify`: recompute every file of a dataset from its manifest and compare.

use crate::categories::Category;
use crate::dataset::{Dataset, Scratch};
use crate::output::{Manifest, file_sha256};
use crate::progress;
use crate::spec::{categories_sha256, sha256_hex};
use anyhow::{Context, Result, bail};
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

/// Recompute the dataset in `dir` from its manifest and compare every file.
pub fn verify(dir: &Path) -> Result<Report> {
    let Some(manifest) = Manifest::read(dir)? else {
        bail!(
            "{} holds no manifest.json: not an fdsl dataset",
            dir.display()
        );
    };
    let mut report = Report::default();
    if !manifest.complete {
        report.problems.push(format!(
            "incomplete: {} is an interrupted render; run the same `fdsl render` command again to finish it",
            dir.display()
        ));
        return Ok(report);
    }
    let spec = manifest.spec.clone();
    let mut categories = Vec::with_capacity(spec.categories);
    for c in 0..spec.categories {
        let rel = format!("categories/{}.csv", Dataset::class_name(c));
        let path = dir.join(&rel);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        categories.push(Category::parse(&path.display().to_string(), &text)?);
    }
    if categories_sha256(&categories) != spec.categories_sha256 {
        report.problems.push(
            "differs: categories/ (the category files are not those the manifest's spec names)"
                .into(),
        );
        return Ok(report);
    }
    let dataset = Dataset::new(spec, categories)?;
    let mut expected = BTreeSet::new();
    // (path, recomputed hash, hash of the file on disk)
    let mut check = |report: &mut Report, (path, sha, disk): (String, String, Option<String>)| {
        report.checked += 1;
        match disk {
            None => report.problems.push(format!("missing: {path}")),
            Some(disk) if disk != sha => report.problems.push(format!("differs: {path}")),
            Some(_) if manifest.files.get(&path) != Some(&sha) => report
                .problems
                .push(format!("differs from manifest.json: {path}")),
            Some(_) => {}
        }
        expected.insert(path);
    };
    for (path, bytes) in dataset.metadata_files() {
        let disk = file_sha256(dir, &path);
        check(&mut report, (path, sha256_hex(&bytes), disk));
    }
    let bar = progress::bar(dataset.image_count() as u64, "verifying", "images");
    let images: Vec<Vec<_>> = dataset
        .units()
        .par_iter()
        .map_init(Scratch::default, |scratch, &unit| {
            let mut hashes = Vec::new();
            dataset.render_unit(unit, scratch, |path, png| {
                hashes.push((path.to_owned(), sha256_hex(png), file_sha256(dir, path)));
                bar.inc(1);
                Ok(())
            })?;
            Ok(hashes)
        })
        .collect::<Result<_>>()?;
    bar.finish_and_clear();
    for image in images.into_iter().flatten() {
        check(&mut report, image);
    }
    for path in manifest.files.keys().filter(|p| !expected.contains(*p)) {
        report
            .problems
            .push(format!("unexpected entry in manifest.json: {path}"));
    }
    Ok(report)
}
