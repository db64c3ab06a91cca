//! A dataset asked for by preset and overrides: the short form of a spec
//! (`{"preset": "rcdb-1k", "seed": 3, "categories": 10}`), and what `fdsl render`'s flags say.

use crate::dataset::{Categories, Dataset};
use crate::presets;
use crate::search::Progress;
use crate::spec::{ColourMode, DrawMode, Format, Generator, PngCompression, Spec};
use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A preset and what to change in it. Every field but `preset` is optional; each applies to the
/// families that have the setting, and naming one that does not is an error.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// The preset (`presets::NAMES`).
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
    /// FractalDB: points per chaos game; 3-D: points per model; PC-FractalDB: points per cloud.
    pub points: Option<u32>,
    /// FractalDB: point or patch drawing.
    pub draw: Option<DrawMode>,
    /// FractalDB: instance weight step.
    pub weight_step: Option<f64>,
    /// FractalDB: grey or hue colouring.
    #[serde(alias = "color")]
    pub colour: Option<ColourMode>,
    /// Output format (part of the dataset's identity in its manifest; samples do not depend on it).
    pub format: Option<Format>,
    /// PNG compression (images written as PNG).
    pub png_compression: Option<PngCompression>,
    /// PC-FractalDB: the share of each cloud's points from its own category.
    pub mix_ratio: Option<f64>,
    /// PC-FractalDB scenes: objects per scene before the Poisson(5) term.
    pub objects: Option<u32>,
    /// The last K instances of every class form the `val` split.
    #[serde(default)]
    pub val_per_class: usize,
    /// Samples per shard (sharded formats).
    pub shard_size: Option<usize>,
}

/// Categories a caller already holds for a spec (its hash not yet set), tried before a preset makes
/// them: a rendered folder's own `categories/`, so that resuming `fractaldb-10k` does not search
/// again. The caller vouches for them (e.g. they match the folder's manifest).
pub type Reuse<'a> = &'a dyn Fn(&Spec) -> Option<Categories>;

impl Request {
    /// The dataset asked for, all checked; categories from a search report to `progress`.
    pub fn dataset(&self, progress: Progress) -> Result<Dataset> {
        self.dataset_reusing(progress, &|_| None)
    }

    /// [`Request::dataset`], taking a preset's categories from `reuse` where it has them.
    pub fn dataset_reusing(&self, progress: Progress, reuse: Reuse) -> Result<Dataset> {
        let (spec, categories) = self.spec_and_categories(progress, reuse)?;
        Dataset::new(spec, categories)
    }

    /// The spec and categories asked for, all checked.
    pub fn spec_and_categories(&self, progress: Progress, reuse: Reuse) -> Result<(Spec, Categories)> {
        let published = presets::published(&self.preset)?;
        let preset_categories = published.categories;
        // Each setting applies to the generators that have it.
        let refuse = |flags: &[(&str, bool)]| match flags.iter().find(|(_, given)| *given) {
            Some((flag, _)) => bail!("{flag} does not apply to the {} preset", self.preset),
            None => Ok(()),
        };
        let fractal_only = [
            ("--draw", self.draw.is_some()),
            ("--weight-step", self.weight_step.is_some()),
            ("--colour", self.colour.is_some()),
        ];
        // PC-FractalDB: --points and --mix-ratio split the points of an instance.
        let mix_split = |main: u32, noise: u32| {
            refuse(&fractal_only)?;
            refuse(&[("--size", self.size.is_some())])?;
            let ratio = self.mix_ratio.unwrap_or(f64::from(main) / f64::from(main + noise));
            if !(0.0..=1.0).contains(&ratio) {
                bail!("--mix-ratio must be between 0 and 1, not {ratio}");
            }
            Ok(fdsl_core::pc::NoiseMix::with_ratio(self.points.unwrap_or(main + noise) as usize, ratio))
        };
        let generator = match published.generator.clone() {
            Generator::Fractaldb { points, draw, weight_step, colour } => Generator::Fractaldb {
                points: self.points.unwrap_or(points),
                draw: self.draw.unwrap_or(draw),
                weight_step: self.weight_step.unwrap_or(weight_step),
                colour: self.colour.unwrap_or(colour),
            },
            generator @ (Generator::Rcdb | Generator::Visualatom | Generator::Perlin | Generator::Bezier) => {
                refuse(&[("--points", self.points.is_some())])?;
                refuse(&fractal_only)?;
                generator
            }
            Generator::Deadleaves { shapes } => {
                refuse(&[
                    ("--points", self.points.is_some()),
                    ("--categories-from", self.categories_from.is_some()),
                ])?;
                refuse(&fractal_only)?;
                Generator::Deadleaves { shapes }
            }
            Generator::Andersonfarrell { points } => {
                refuse(&fractal_only)?;
                Generator::Andersonfarrell { points: self.points.unwrap_or(points) }
            }
            Generator::Exfractaldb { points } => {
                refuse(&fractal_only)?;
                Generator::Exfractaldb { points: self.points.unwrap_or(points) }
            }
            Generator::Mvfractaldb { points, views } => {
                refuse(&fractal_only)?;
                Generator::Mvfractaldb { points: self.points.unwrap_or(points), views }
            }
            Generator::Pcfractaldb { main, noise } => {
                let split = mix_split(main, noise)?;
                Generator::Pcfractaldb { main: split.main as u32, noise: split.noise as u32 }
            }
            Generator::Pcscenes { main, noise, models, base_objects } => {
                let split = mix_split(main, noise)?;
                let base_objects = self.objects.unwrap_or(base_objects);
                Generator::Pcscenes {
                    main: split.main as u32,
                    noise: split.noise as u32,
                    models,
                    base_objects,
                }
            }
        };
        if !matches!(generator, Generator::Pcscenes { .. }) {
            refuse(&[("--objects", self.objects.is_some())])?;
        }
        if !generator.makes_clouds() {
            refuse(&[("--mix-ratio", self.mix_ratio.is_some())])?;
        }
        let mut spec = Spec {
            generator,
            categories: self.categories.unwrap_or(preset_categories),
            instances: self.instances.unwrap_or(published.instances),
            size: self.size.unwrap_or(published.size),
            seed: self.seed,
            val_per_class: self.val_per_class,
            png_compression: self.png_compression.unwrap_or_default(),
            ..published.clone().with_format(self.format.unwrap_or(published.format), self.shard_size)
        };
        let makes_png =
            !spec.generator.makes_clouds() && matches!(spec.format, Format::Png | Format::Webdataset);
        if self.png_compression.is_some() && !makes_png {
            bail!("--png-compression applies to images written as PNG (--format png or webdataset)");
        }
        spec.check()?;
        let categories = if let Some(dir) = &self.categories_from {
            spec.category_source = dir.display().to_string();
            Categories::from_dir(&spec.generator, dir, self.categories)?
        } else {
            if spec.categories > preset_categories {
                bail!(
                    "the {} preset has {preset_categories} categories; --categories {} asks for more",
                    self.preset,
                    spec.categories
                );
            }
            match reuse(&spec) {
                Some(categories) if categories.len() == spec.categories => categories,
                _ => presets::categories(&spec, progress)?,
            }
        };
        spec.categories = categories.len();
        spec.categories_sha256 = categories.sha256();
        Ok((spec, categories))
    }
}
