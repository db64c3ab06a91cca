//! Opening a dataset: from JSON (a whole spec or a request), from a request, a spec, or a rendered
//! folder's manifest and category files.

use super::new::Dataset;
use crate::manifest::{MANIFEST, MANIFEST_FORMAT};
use crate::registry::{DatasetCategories, Registry};
use crate::request::{Request, Reuse};
use crate::search::Progress;
use crate::spec::{FIRST_BYTES_VERSION, Spec};
use anyhow::{Context, Result, bail, ensure};
use std::path::Path;

/// No progress to report.
fn quiet(_: u64, _: u64) {}

impl<R: Registry> Dataset<R> {
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
            let spec: Spec<R> =
                serde_json::from_value(value).context("not a dataset spec (as manifest.json's \"spec\")")?;
            Self::from_spec(spec, progress)
        } else {
            let request: Request = serde_json::from_value(value).context(
                "not a dataset spec: give {\"preset\": NAME, ...overrides} or a manifest's \"spec\"",
            )?;
            Self::from_request(&request, progress)
        }
    }

    /// The dataset `request` asks for, all checked; categories from a search report to `progress`.
    pub fn from_request(request: &Request, progress: Progress) -> Result<Self> {
        Self::from_request_reusing(request, progress, &|_| None)
    }

    /// [`Dataset::from_request`], taking a preset's categories from `reuse` where it has them.
    pub fn from_request_reusing(request: &Request, progress: Progress, reuse: Reuse<R>) -> Result<Self> {
        let (spec, categories) = request.spec_and_categories(progress, reuse)?;
        Self::new(spec, categories)
    }

    /// The dataset of a whole spec: its categories from its preset, or from the folder its
    /// `category_source` names, and checked against its `categories_sha256`.
    pub fn from_spec(spec: Spec<R>, progress: Progress) -> Result<Self> {
        let published = R::published(&spec.preset)?;
        let categories = if spec.category_source == published.category_source {
            ensure!(
                spec.categories <= published.categories,
                "the {} preset has {} categories; the spec asks for {}",
                spec.preset,
                published.categories,
                spec.categories
            );
            R::preset_categories(&spec, progress)?
        } else {
            let dir = Path::new(&spec.category_source);
            DatasetCategories::from_dir(&spec.family, dir, Some(spec.categories))?
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
        let spec: Spec<R> = serde_json::from_value(manifest.get("spec").cloned().unwrap_or_default())
            .with_context(|| format!("{}: its \"spec\" is not a dataset spec", file.display()))?;
        let bytes_version = manifest.get("bytes_version").and_then(serde_json::Value::as_u64);
        let bytes_version = bytes_version.map_or(FIRST_BYTES_VERSION, |v| v.try_into().unwrap_or(u32::MAX));
        if let Some(why) = spec.other_bytes(&field("tool"), bytes_version) {
            bail!("{} {why}: open it with {}", file.display(), field("tool"));
        }
        let files = Self::read_category_files(dir, spec.categories)?;
        let categories = DatasetCategories::parse(&spec.family, &files)?;
        ensure!(
            categories.sha256() == spec.categories_sha256,
            "{}: the files of categories/ are not those the manifest's spec names (SHA-256 differs)",
            dir.display()
        );
        Self::new(spec, categories)
    }

    /// The category files of the first `classes` classes of a rendered folder `dir`
    /// ([`Dataset::category_path`]), `(path, text)`.
    pub fn read_category_files(dir: &Path, classes: usize) -> Result<Vec<(String, String)>> {
        (0..classes)
            .map(|c| {
                let path = dir.join(Self::category_path(c));
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                Ok((path.display().to_string(), text))
            })
            .collect()
    }

    /// The dataset of `spec` over the categories of its family in `files`' texts, `(source, text)`.
    pub fn with_category_files(spec: Spec<R>, files: &[(String, String)]) -> Result<Self> {
        let categories = DatasetCategories::parse(&spec.family, files)?;
        Self::new(spec, categories)
    }
}
