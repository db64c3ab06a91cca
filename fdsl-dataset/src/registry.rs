//! The registration as generic code sees it: a type holding any family's settings, with the
//! tables of every preset, family flag and category search. The registration itself (the `families`
//! module, at the top of the crate) implements [`Registry`]; the spec, requests and datasets are
//! generic over it and name no family.

use crate::categories::{Categories, csv_files};
use crate::family::{Built, FamilySettings, FlagMeaning};
use crate::flags::{Flag, FlagUse, Overrides};
use crate::preset::{Example, Preset};
use crate::search::{Progress, SearchKind};
use crate::spec::{Naming, SampleKind, Spec, SpecFamily};
use anyhow::{Context, Result, bail};
use fdsl_core::family::Part;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::Path;

/// A registration: settings of any family (one variant per family's settings type, each
/// [`Holds`] them), and the tables made from the families.
pub trait Registry:
    SpecFamily + Clone + std::fmt::Debug + PartialEq + Serialize + DeserializeOwned + Send + Sync + 'static
{
    /// Every family's presets, family by family.
    const PRESETS: &'static [&'static dyn PresetsIn<Self>];
    /// Every family's settings flags, family by family.
    const FLAGS: &'static [&'static [FlagUse]];
    /// The category searches `fdsl search` runs, from the families that have one.
    const SEARCHES: &'static [&'static SearchKind];

    /// The family these settings are of, for generic code.
    fn family(&self) -> &dyn FamilyIn<Self>;

    /// Every preset, family by family.
    fn presets() -> impl Iterator<Item = RegisteredPreset<Self>> {
        Self::PRESETS.iter().flat_map(|&list| {
            (0..list.count()).map(move |index| RegisteredPreset {
                name: list.name(index),
                about: list.about(index),
                example: list.example(index),
                list,
                index,
            })
        })
    }

    /// Every preset's name.
    fn preset_names() -> Vec<&'static str> {
        Self::presets().map(|p| p.name).collect()
    }

    /// The preset `name`.
    fn preset(name: &str) -> Result<RegisteredPreset<Self>> {
        match Self::presets().find(|p| p.name == name) {
            Some(preset) => Ok(preset),
            None => bail!("unknown preset {name:?}; choose {}", Self::preset_names().join(", ")),
        }
    }

    /// The published spec of preset `name` (its category hash still to be set).
    fn published(name: &str) -> Result<Spec<Self>> {
        Ok(Self::preset(name)?.spec())
    }

    /// The categories of `spec`'s preset (its first `spec.categories`), reporting a search to
    /// `progress`.
    fn preset_categories(spec: &Spec<Self>, progress: Progress) -> Result<DatasetCategories<Self>> {
        Self::preset(&spec.preset)?.categories(spec, progress)
    }

    /// The family setting `name` (or alias), if any family takes it.
    fn flag(name: &str) -> Option<&'static Flag> {
        Self::FLAGS
            .iter()
            .copied()
            .flatten()
            .map(|&(flag, _)| flag)
            .find(|flag| flag.name == name || flag.alias == Some(name))
    }

    /// What the generic flag `flag` (`--categories`, `--instances`, `--val-per-class`) means for the
    /// families that say ([`FamilySettings::flag_meanings`]), each line once, in registration order.
    fn flag_meanings(flag: &str) -> Vec<&'static str> {
        let mut lines = Vec::new();
        for preset in Self::presets() {
            for &(f, line) in preset.spec().family.family().flag_meanings() {
                if f == flag && !lines.contains(&line) {
                    lines.push(line);
                }
            }
        }
        lines
    }

    /// The search named `name`.
    fn search(name: &str) -> Result<&'static SearchKind> {
        match Self::SEARCHES.iter().find(|k| k.name == name) {
            Some(kind) => Ok(kind),
            None => bail!(
                "unknown search kind {name:?}; choose {}",
                Self::SEARCHES.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}

/// A registration holding settings `S` (one family's) in one of its variants.
pub trait Holds<S>: From<S> {
    /// The settings, if these are `S`.
    fn held(&self) -> Option<&S>;
}

/// A family of registration `R`, its settings' [`FamilySettings`] as generic code calls them: on
/// specs of `R`, its overrides made `R`'s. Every family's settings are one ([`Holds`]); no method
/// has a default here, so none is forgotten.
pub trait FamilyIn<R>: Sync {
    /// [`FamilySettings::samples`].
    fn samples(&self) -> SampleKind;
    /// [`FamilySettings::max_instances`].
    fn max_instances(&self) -> usize;
    /// [`FamilySettings::check`].
    fn check(&self, spec: &Spec<R>, naming: Naming) -> Result<()>;
    /// [`FamilySettings::overridden`].
    fn overridden(&self, overrides: &mut Overrides) -> Result<R>;
    /// [`FamilySettings::reads_category_files`].
    fn reads_category_files(&self) -> bool;
    /// [`FamilySettings::parse_categories`], the family's typed categories as `R`'s
    /// ([`DatasetCategories`], which build the family: [`FamilySettings::build`]).
    fn parse_categories(&self, files: &[(String, String)]) -> Result<DatasetCategories<R>>;
    /// [`FamilySettings::png_bytes_per_byte`].
    fn png_bytes_per_byte(&self) -> [f64; 4];
    /// [`FamilySettings::jpeg_bytes_per_byte_q95`].
    fn jpeg_bytes_per_byte_q95(&self) -> f64;
    /// [`FamilySettings::shared_bytes`].
    fn shared_bytes(&self, spec: &Spec<R>) -> u64;
    /// [`FamilySettings::shared_fix`].
    fn shared_fix(&self, spec: &Spec<R>, room: u64) -> Option<String>;
    /// [`FamilySettings::typical_entries`].
    fn typical_entries(&self, part: &Part) -> usize;
    /// [`FamilySettings::flag_meanings`].
    fn flag_meanings(&self) -> &'static [FlagMeaning];
}

impl<S: FamilySettings, R: Holds<S>> FamilyIn<R> for S {
    fn samples(&self) -> SampleKind {
        FamilySettings::samples(self)
    }

    fn max_instances(&self) -> usize {
        FamilySettings::max_instances(self)
    }

    fn check(&self, spec: &Spec<R>, naming: Naming) -> Result<()> {
        FamilySettings::check(self, &spec.with_family(self.clone()), naming)
    }

    fn overridden(&self, overrides: &mut Overrides) -> Result<R> {
        FamilySettings::overridden(self, overrides).map(R::from)
    }

    fn reads_category_files(&self) -> bool {
        FamilySettings::reads_category_files(self)
    }

    fn parse_categories(&self, files: &[(String, String)]) -> Result<DatasetCategories<R>> {
        FamilySettings::parse_categories(self, files).map(DatasetCategories::of::<S>)
    }

    fn png_bytes_per_byte(&self) -> [f64; 4] {
        FamilySettings::png_bytes_per_byte(self)
    }

    fn jpeg_bytes_per_byte_q95(&self) -> f64 {
        FamilySettings::jpeg_bytes_per_byte_q95(self)
    }

    fn shared_bytes(&self, spec: &Spec<R>) -> u64 {
        FamilySettings::shared_bytes(self, &spec.with_family(self.clone()))
    }

    fn shared_fix(&self, spec: &Spec<R>, room: u64) -> Option<String> {
        FamilySettings::shared_fix(self, &spec.with_family(self.clone()), room)
    }

    fn typical_entries(&self, part: &Part) -> usize {
        FamilySettings::typical_entries(self, part)
    }

    fn flag_meanings(&self) -> &'static [FlagMeaning] {
        FamilySettings::flag_meanings(self)
    }
}

/// One family's presets ([`FamilySettings::PRESETS`]) as registration `R` lists them.
pub trait PresetsIn<R>: Sync {
    /// How many.
    fn count(&self) -> usize;
    /// Preset `index`'s name (`--preset`).
    fn name(&self, index: usize) -> &'static str;
    /// What preset `index` is, for `--help`.
    fn about(&self, index: usize) -> &'static str;
    /// Preset `index`'s small example.
    fn example(&self, index: usize) -> &'static Example;
    /// Preset `index`'s published spec (seed 0, categories' hash still to be set).
    fn spec(&self, index: usize) -> Spec<R>;
    /// Preset `index`'s first `spec.categories` categories for `spec`.
    fn categories(&self, index: usize, spec: &Spec<R>, progress: Progress) -> Result<DatasetCategories<R>>;
}

impl<S: FamilySettings, R: Holds<S>> PresetsIn<R> for &'static [Preset<S>] {
    fn count(&self) -> usize {
        self.len()
    }

    fn name(&self, index: usize) -> &'static str {
        self[index].name
    }

    fn about(&self, index: usize) -> &'static str {
        self[index].about
    }

    fn example(&self, index: usize) -> &'static Example {
        &self[index].example
    }

    fn spec(&self, index: usize) -> Spec<R> {
        let spec = (self[index].spec)();
        spec.with_family(R::from(spec.family.clone()))
    }

    fn categories(&self, index: usize, spec: &Spec<R>, progress: Progress) -> Result<DatasetCategories<R>> {
        let preset = &self[index];
        let Some(family) = spec.family.held() else {
            bail!("the {} preset is of another family than the spec's \"generator\"", preset.name);
        };
        (preset.categories)(&spec.with_family(family.clone()), progress).map(DatasetCategories::of::<S>)
    }
}

/// A preset of registration `R`'s families.
pub struct RegisteredPreset<R: 'static> {
    /// Its name (`--preset`).
    pub name: &'static str,
    /// What it is, for `--help`.
    pub about: &'static str,
    /// Its small example, for a first look and for every test harness.
    pub example: &'static Example,
    list: &'static dyn PresetsIn<R>,
    index: usize,
}

impl<R> Clone for RegisteredPreset<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for RegisteredPreset<R> {}

impl<R> RegisteredPreset<R> {
    /// Its published spec (seed 0, categories' hash still to be set).
    pub fn spec(&self) -> Spec<R> {
        self.list.spec(self.index)
    }

    /// Its first `spec.categories` categories for `spec` (the official files, a search reporting to
    /// `progress`, draws from the seed).
    pub fn categories(&self, spec: &Spec<R>, progress: Progress) -> Result<DatasetCategories<R>> {
        self.list.categories(self.index, spec, progress)
    }
}

/// The categories of a dataset of registration `R`, as generic code holds them: one family's
/// [`Categories`] of its own category type ([`FamilySettings::Category`]), which only that family
/// builds ([`FamilySettings::build`]). Nothing downcasts them: the family's type travels with them,
/// and a spec of another family is refused by its settings' variant ([`Holds`]).
pub struct DatasetCategories<R> {
    typed: Box<dyn TypedIn<R>>,
}

/// One family's typed categories, as registration `R` holds and builds them.
trait TypedIn<R>: Send + Sync {
    /// The category files' texts, in class order.
    fn texts(&self) -> Vec<&str>;
    /// The family of `spec` over these categories.
    fn build(&self, spec: &Spec<R>) -> Result<Built>;
}

/// The categories of the family of settings `S`.
struct Of<S: FamilySettings>(Categories<S::Category>);

impl<S: FamilySettings, R: Holds<S>> TypedIn<R> for Of<S> {
    fn texts(&self) -> Vec<&str> {
        self.0.texts()
    }

    fn build(&self, spec: &Spec<R>) -> Result<Built> {
        let Some(family) = spec.family.held() else {
            bail!("the categories are not of the spec's family");
        };
        family.build(&spec.with_family(family.clone()), &self.0)
    }
}

impl<R> std::fmt::Debug for DatasetCategories<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatasetCategories").field("len", &self.len()).finish_non_exhaustive()
    }
}

impl<R> DatasetCategories<R> {
    /// The categories of the family of settings `S`.
    pub fn of<S: FamilySettings>(categories: Categories<S::Category>) -> Self
    where
        R: Holds<S>,
    {
        Self { typed: Box::new(Of::<S>(categories)) }
    }

    /// The family of `spec` over these categories ([`FamilySettings::build`]); an error if the spec
    /// is of another family.
    pub fn build(&self, spec: &Spec<R>) -> Result<Built> {
        self.typed.build(spec)
    }

    /// Number of categories.
    pub fn len(&self) -> usize {
        self.typed.texts().len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The category files' texts, in class order.
    pub fn texts(&self) -> Vec<&str> {
        self.typed.texts()
    }

    /// The hash recorded in the spec.
    pub fn sha256(&self) -> String {
        crate::spec::categories_sha256(self.texts())
    }
}

impl<R: Registry> DatasetCategories<R> {
    /// Parse category files' texts, `(source, text)`, as the categories of the family `settings` names.
    pub fn parse(settings: &R, files: &[(String, String)]) -> Result<Self> {
        settings.family().parse_categories(files)
    }

    /// The category files (`*.csv`, sorted by name) of `dir`, the first `n` or all, as the categories
    /// of the family `settings` names.
    pub fn from_dir(settings: &R, dir: &Path, n: Option<usize>) -> Result<Self> {
        let files: Vec<(String, String)> = csv_files(dir, n)?
            .iter()
            .map(|path| {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                Ok((path.display().to_string(), text))
            })
            .collect::<Result<_>>()?;
        Self::parse(settings, &files)
    }
}
