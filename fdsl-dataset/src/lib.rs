//! `fdsl-dataset`: every fdsl dataset as a library, without the command line.
//!
//! A dataset is its [`Spec`] — the JSON object `manifest.json` records as `spec` — or a short form
//! naming a preset and what to change (`{"preset": "rcdb-1k", "seed": 3, "categories": 10}`, see
//! [`Request`]). [`Dataset::open`] takes either and makes the same bytes `fdsl render` writes, for
//! any sample alone or in batches:
//!
//! ```
//! use fdsl_dataset::Dataset;
//!
//! let ds = Dataset::open(r#"{"preset": "rcdb-1k", "categories": 2, "instances": 3, "size": 64}"#)?;
//! assert_eq!((ds.len(), ds.sample_len()), (6, 64 * 64));
//! let mut image = vec![0u8; ds.sample_len()];
//! ds.render(4, &mut image)?; // class 1, instance 1: index = class x instances + instance
//! assert_eq!(ds.label(4)?, 1);
//! let mut batch = vec![0u8; 2 * ds.sample_len()];
//! ds.render_batch(&[4, 0], &mut batch, 2)?;
//! assert_eq!(&batch[..64 * 64], &image[..]);
//! # Ok::<(), anyhow::Error>(())
//! ```
//!
//! Modules: [`spec`] (what a dataset is), [`request`] (a preset and overrides), [`presets`] (the
//! published datasets and where their categories come from), [`categories`] (category files),
//! [`search`] (the category searches), [`dataset`] (the samples, rendered).

pub mod categories;
pub mod dataset;
pub mod memory;
pub mod presets;
pub mod request;
pub mod search;
pub mod spec;

pub use dataset::{Dataset, Sample, Scratch, Split};
pub use fdsl_core::family::SampleShape;
pub use request::Request;
pub use spec::Spec;

use anyhow::{Context, Result, bail, ensure};
use search::Progress;
use std::path::Path;

/// The manifest of a rendered dataset, in its folder.
pub const MANIFEST: &str = "manifest.json";
/// The manifest format this version writes and reads.
pub const MANIFEST_FORMAT: &str = "fdsl-dataset/1";
/// The tool that writes manifests: datasets are rebuilt byte for byte only by the version that
/// wrote them (a version whose output bytes differ gets a new number: 0.2.0 draws RCDB's lines as
/// PIL does and writes RCDB category files in the reference's keys).
pub const TOOL: &str = concat!("fdsl ", env!("CARGO_PKG_VERSION"));

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
        let published = presets::published(&spec.preset)?;
        let categories = if spec.category_source == published.category_source {
            ensure!(
                spec.categories <= published.categories,
                "the {} preset has {} categories; the spec asks for {}",
                spec.preset,
                published.categories,
                spec.categories
            );
            presets::categories(&spec, progress)?
        } else {
            let dir = Path::new(&spec.category_source);
            dataset::Categories::from_dir(&spec.generator, dir, Some(spec.categories))?
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
        ensure!(
            field("tool") == TOOL,
            "{} was written by {}; this is {TOOL}, whose bytes may differ: open it with {}",
            file.display(),
            field("tool"),
            field("tool")
        );
        let spec: Spec = serde_json::from_value(manifest.get("spec").cloned().unwrap_or_default())
            .with_context(|| format!("{}: its \"spec\" is not a dataset spec", file.display()))?;
        let files: Vec<(String, String)> = (0..spec.categories)
            .map(|c| {
                let path = dir.join(Dataset::category_path(c));
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                Ok((path.display().to_string(), text))
            })
            .collect::<Result<_>>()?;
        let categories = dataset::Categories::parse(&spec.generator, &files)?;
        ensure!(
            categories.sha256() == spec.categories_sha256,
            "{}: the files of categories/ are not those the manifest's spec names (SHA-256 differs)",
            dir.display()
        );
        Self::new(spec, categories)
    }
}
