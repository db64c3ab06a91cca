//! What the library knows of a family, behind one trait: its presets, its spec settings' checks,
//! overrides, category files, estimates, and how to build its core family ([`fdsl_core::Family`]).
//! Each family implements it in its own file of `families`, on its own settings; the registration
//! holds them all, and generic code (the spec, requests, [`crate::dataset::Dataset`], the command
//! line) reaches every family through the registration ([`crate::registry::Registry`]) and names none.

use crate::categories::{Categories, Params};
use crate::flags::Overrides;
use crate::offload::Offload;
use crate::prepare::Prepare;
use crate::preset::Preset;
pub use crate::spec::SampleKind;
use crate::spec::{Naming, PngCompression, Spec};
use anyhow::Result;
use fdsl_core::family::{Filled, Grouping, Parameter, Part, Parts, ScratchLen};
use fdsl_core::{Family, RenderError, Workspace};
use std::ops::Deref;
use std::sync::Arc;

/// The most instances per class unless a family says otherwise.
pub const MAX_INSTANCES: usize = 1_000_000;

/// A family's settings in a spec (one family's; the registration holds them all), and all the
/// library does with them. The spec a method is given is of this family (its `family` is `self`).
pub trait FamilySettings: Clone + Sync + 'static {
    /// The family's presets of these settings, in the order `--help` lists them.
    const PRESETS: &'static [Preset<Self>];
    /// The parameters of one category, as its category file gives them.
    type Category: Params + 'static;
    /// What its samples are.
    fn samples(&self) -> SampleKind;
    /// The most instances per class.
    fn max_instances(&self) -> usize {
        MAX_INSTANCES
    }
    /// Check what only this family has, with the rest of `spec` (already checked); messages name
    /// each setting as `naming` says.
    fn check(&self, spec: &Spec<Self>, naming: Naming) -> Result<()>;
    /// These settings with a request's overrides taken from `overrides` (what it leaves does not
    /// apply to the family).
    fn overridden(&self, overrides: &mut Overrides) -> Result<Self>;
    /// Whether categories may come from files (`--categories-from`).
    fn reads_category_files(&self) -> bool {
        true
    }
    /// Parse category files' texts, `(source, text)`: one [`FamilySettings::Category`] each, unless a
    /// family checks more.
    fn parse_categories(&self, files: &[(String, String)]) -> Result<Categories> {
        Categories::parse_as::<Self::Category>(files)
    }
    /// The core family of `spec` over `categories` (parsed by [`FamilySettings::parse_categories`]).
    fn build(&self, spec: &Spec<Self>, categories: &Categories) -> Result<Built>;
    /// The mean size of a PNG sample, bytes per byte of the raw image, at compression levels
    /// fastest, fast, balanced, high (measured, BENCHMARKS.md; for `--dry-run`).
    fn png_bytes_per_byte(&self) -> [f64; 4];
    /// The mean size of a JPEG sample, bytes per byte of the raw image, at quality 95, 4:2:0
    /// (measured where the family's presets write JPEG; else PNG's `balanced` stands in); other
    /// settings scale it by [`crate::jpeg::JpegSettings::relative_size`]. For `--dry-run`.
    fn jpeg_bytes_per_byte_q95(&self) -> f64 {
        self.png_bytes_per_byte()[2]
    }
    /// Memory the built family keeps for every thread together (a cache of shared work), at most;
    /// counted once in a render's peak.
    fn shared_bytes(&self, spec: &Spec<Self>) -> u64 {
        let _ = spec;
        0
    }
    /// What makes [`FamilySettings::shared_bytes`] fit in `room` bytes, if anything does, as a
    /// flag and why (`--textures 800 (a smaller texture pool …)`), for an out-of-memory refusal.
    fn shared_fix(&self, spec: &Spec<Self>, room: u64) -> Option<String> {
        let _ = (spec, room);
        None
    }
    /// The entries of `part`'s first dimension in a typical sample (for `--dry-run`): its size, but
    /// for a bounded part (a scene's points) what a sample has on average.
    fn typical_entries(&self, part: &Part) -> usize {
        part.dims.sizes().first().copied().unwrap_or(1)
    }
    /// What generic flags mean for this family where it is not what they say in general, as
    /// `(flag, line)`: `("--instances", "SegRCDB: the number of images.")`. `--help` adds each
    /// line to the flag's help.
    fn flag_meanings(&self) -> &'static [FlagMeaning] {
        &[]
    }
}

impl<F: FamilySettings> Spec<F> {
    /// A preset's spec of `family` settings, `categories` classes of `instances` samples of side
    /// `size` (0 for point clouds), seed 0, no val split, PNG (PLY for point clouds), the categories
    /// from `category_source` (their hash still to be set).
    pub fn published(
        family: F,
        preset: &str,
        category_source: &str,
        (categories, instances, size): (usize, usize, u32),
    ) -> Self {
        let format = family.samples().default_format();
        Self {
            family,
            preset: preset.into(),
            category_source: category_source.into(),
            categories_sha256: String::new(),
            categories,
            instances,
            size,
            seed: 0,
            format,
            png_compression: PngCompression::Fastest,
            encoding: crate::spec::Encoding::Png,
            val_per_class: 0,
            shard_size: None,
        }
    }
}

/// What a generic flag (`--categories`, `--instances`, `--val-per-class`) means for a family:
/// `(flag, line of help naming the family)`.
pub type FlagMeaning = (&'static str, &'static str);

/// A family's own error, boxed: families of every error type live behind one `dyn Family`.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A built family: the core family, and where it can take work done elsewhere (a GPU) or do
/// shared work ahead of its samples. Made by [`Built::new`] (or [`Built::of`]) and the `with_`
/// methods.
pub struct Built {
    /// The core family, its errors boxed.
    family: Box<dyn Family<Error = BoxError> + Send + Sync>,
    /// Canvases it can take from a GPU.
    offload: Option<Arc<dyn Offload>>,
    /// Shared work it can do ahead of its samples.
    prepare: Option<Arc<dyn Prepare>>,
}

/// The parts of a [`Built`]: the core family, its offload and its preparation.
pub type BuiltParts =
    (Box<dyn Family<Error = BoxError> + Send + Sync>, Option<Arc<dyn Offload>>, Option<Arc<dyn Prepare>>);

impl Built {
    /// A family that takes nothing from elsewhere.
    pub fn new<F>(family: F) -> Self
    where
        F: Family + Send + Sync + 'static,
        F::Error: std::error::Error + Send + Sync + 'static,
    {
        Self::of(Box::new(family))
    }

    /// A family behind a pointer (an `Arc` its offload shares), taking nothing from elsewhere.
    pub fn of<P>(family: P) -> Self
    where
        P: Deref + Send + Sync + 'static,
        P::Target: Family,
        <P::Target as Family>::Error: std::error::Error + Send + Sync + 'static,
    {
        Self { family: Box::new(Erased(family)), offload: None, prepare: None }
    }

    /// The same family, its canvases painted elsewhere through `offload`.
    pub fn with_offload(self, offload: Arc<dyn Offload>) -> Self {
        Self { offload: Some(offload), ..self }
    }

    /// The same family, its shared work done ahead through `prepare`.
    pub fn with_prepare(self, prepare: Arc<dyn Prepare>) -> Self {
        Self { prepare: Some(prepare), ..self }
    }

    /// The core family, its offload and its preparation.
    pub fn into_parts(self) -> BuiltParts {
        (self.family, self.offload, self.prepare)
    }
}

/// A core family behind a pointer, its own error boxed ([`BoxError`]).
pub struct Erased<P>(pub P);

impl<P> Family for Erased<P>
where
    P: Deref,
    P::Target: Family,
    <P::Target as Family>::Error: std::error::Error + Send + Sync + 'static,
{
    type Error = BoxError;

    fn parts(&self) -> Parts {
        self.0.parts()
    }

    fn scratch_len(&self) -> ScratchLen {
        self.0.scratch_len()
    }

    fn classes(&self) -> usize {
        self.0.classes()
    }

    fn grouping(&self) -> Grouping {
        self.0.grouping()
    }

    fn render_parts(
        &self,
        class: usize,
        instance: u64,
        ws: &mut Workspace<'_>,
        out: &mut [&mut [u8]],
    ) -> Result<Filled, RenderError<BoxError>> {
        self.0.render_parts(class, instance, ws, out).map_err(|e| e.map_family(|e| Box::new(e) as BoxError))
    }

    fn write_name(&self, class: usize, instance: u64, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        self.0.write_name(class, instance, out)
    }

    fn parameters(&self, class: usize, instance: u64, visit: &mut dyn FnMut(&'static str, Parameter<'_>)) {
        self.0.parameters(class, instance, visit)
    }
}
