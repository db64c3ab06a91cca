//! A dataset asked for by preset and overrides: the short form of a spec
//! (`{"preset": "rcdb-1k", "seed": 3, "categories": 10}`), and what `fdsl render`'s flags say. Read in
//! one direction: the preset's spec, the family's overrides, the generic ones, the checks, then the
//! categories.

use crate::flags::Overrides as Given;
use crate::jpeg::{JpegSettings, Subsampling};
use crate::preset::Overrides;
use crate::registry::{DatasetCategories, Registry};
use crate::search::Progress;
use crate::spec::{Codec, Encoding, Format, PngCompression, SampleKind, Spec};
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A preset and what to change in it. Every field but `preset` is optional; the family settings
/// (`settings`: `points`, `draw`, ...) apply to the families that take them (each family's `FLAGS`),
/// and naming one that does not is an error.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The preset ([`Registry::preset_names`]).
    pub preset: String,
    /// Dataset seed of every random stream.
    #[serde(default)]
    pub seed: u64,
    /// The first N categories [default: the preset's].
    pub categories: Option<usize>,
    /// Instances per class [default: the preset's].
    pub instances: Option<usize>,
    /// Take the categories from the CSV files of this folder, sorted by name.
    pub categories_from: Option<PathBuf>,
    /// Image side, pixels.
    pub size: Option<u32>,
    /// Output format (part of the dataset's identity in its manifest; samples do not depend on it).
    pub format: Option<Format>,
    /// PNG compression (images written as PNG).
    pub png_compression: Option<PngCompression>,
    /// How images are encoded [default: the preset's: JPEG for Baradad et al.'s, else PNG].
    pub encoding: Option<Codec>,
    /// JPEG quality, 25 to 100 [default: the preset's, else 95].
    pub jpeg_quality: Option<u8>,
    /// JPEG chroma subsampling [default: the preset's, else 4:2:0].
    pub jpeg_subsampling: Option<Subsampling>,
    /// The last K instances of every class form the `val` split.
    #[serde(default)]
    pub val_per_class: usize,
    /// Samples per shard (sharded formats).
    pub shard_size: Option<usize>,
    /// The family's own settings, by flag name (`"points": 3000`, `"colour": "hue"`).
    #[serde(flatten)]
    pub settings: BTreeMap<String, serde_json::Value>,
}

impl Request {
    /// The encoding asked for over the preset's `published` one: `--encoding` picks the codec, the
    /// JPEG flags change the preset's JPEG settings (or JPEG's defaults) and apply to JPEG only.
    fn encoding(&self, published: Encoding) -> Result<Encoding> {
        let base = match published {
            Encoding::Jpeg(settings) => settings,
            Encoding::Png => JpegSettings::default(),
        };
        match self.encoding.unwrap_or(published.codec()) {
            Codec::Jpeg => Ok(Encoding::Jpeg(JpegSettings {
                quality: self.jpeg_quality.unwrap_or(base.quality),
                subsampling: self.jpeg_subsampling.unwrap_or(base.subsampling),
            })),
            Codec::Png => match (self.jpeg_quality, self.jpeg_subsampling) {
                (None, None) => Ok(Encoding::Png),
                (Some(_), _) => bail!("--jpeg-quality applies to images encoded as JPEG (--encoding jpeg)"),
                (None, Some(_)) => {
                    bail!("--jpeg-subsampling applies to images encoded as JPEG (--encoding jpeg)")
                }
            },
        }
    }
}

/// Categories a caller already holds for a spec (its hash not yet set), tried before a preset makes
/// them: a rendered folder's own `categories/`, so that resuming `fractaldb-10k` does not search
/// again. The caller vouches for them (e.g. they match the folder's manifest).
pub type Reuse<'a, R> = &'a dyn Fn(&Spec<R>) -> Option<DatasetCategories<R>>;

impl Request {
    /// The request of preset `preset` with `overrides` ([`Example`](crate::preset::Example)'s; an
    /// error names what the request refuses).
    pub fn of_preset(preset: &str, seed: u64, overrides: &Overrides) -> Result<Request> {
        let mut json = overrides.clone();
        json.insert("preset".into(), preset.into());
        json.insert("seed".into(), seed.into());
        Ok(serde_json::from_value(serde_json::Value::Object(json))?)
    }

    /// The spec and categories asked for, all checked.
    pub fn spec_and_categories<R: Registry>(
        &self,
        progress: Progress,
        reuse: Reuse<R>,
    ) -> Result<(Spec<R>, DatasetCategories<R>)> {
        let preset = R::preset(&self.preset)?;
        let published = preset.spec();
        let mut overrides = Given::new(&self.preset, self.settings.clone());
        let family = published.family.family().overridden(&mut overrides)?;
        overrides.finish(R::flag)?;
        let refuse = |flag: &str| bail!("{flag} does not apply to the {} preset", self.preset);
        let kind = family.family().samples();
        if !kind.sized() && self.size.is_some() {
            return refuse("--size");
        }
        if self.categories_from.is_some() && !family.family().reads_category_files() {
            return refuse("--categories-from");
        }
        let mut spec = Spec {
            family,
            categories: self.categories.unwrap_or(published.categories),
            instances: self.instances.unwrap_or(published.instances),
            size: self.size.unwrap_or(published.size),
            seed: self.seed,
            val_per_class: self.val_per_class,
            png_compression: self.png_compression.unwrap_or_default(),
            ..published.clone().with_format(self.format.unwrap_or(published.format), self.shard_size)
        };
        spec.encoding = self.encoding(published.encoding)?;
        let makes_png = kind == SampleKind::Images && matches!(spec.format, Format::Png | Format::Webdataset);
        if self.png_compression.is_some() && !makes_png {
            bail!("--png-compression applies to images written as PNG (--format png or webdataset)");
        }
        spec.check()?;
        let categories = if let Some(dir) = &self.categories_from {
            spec.category_source = dir.display().to_string();
            DatasetCategories::from_dir(&spec.family, dir, self.categories)?
        } else {
            if spec.categories > published.categories {
                bail!(
                    "the {} preset has {} categories; --categories {} asks for more",
                    self.preset,
                    published.categories,
                    spec.categories
                );
            }
            match reuse(&spec) {
                Some(categories) if categories.len() == spec.categories => categories,
                _ => preset.categories(&spec, progress)?,
            }
        };
        spec.categories = categories.len();
        spec.categories_sha256 = categories.sha256();
        if let Some(dir) = &self.categories_from {
            // Their number comes from the folder: check it as the flags were (1p-frac takes one).
            let files = categories.len();
            spec.check().with_context(|| format!("{} holds {files} category files", dir.display()))?;
        }
        Ok((spec, categories))
    }
}
