//! Presets: the published datasets, each declared in its family's file ([`FamilySettings::PRESETS`](crate::family::FamilySettings::PRESETS))
//! and listed by the registration ([`crate::registry::Registry::presets`]), from which the preset
//! list, `--help` and messages come.

use crate::categories::{Categories, Category, CategoryType, Params};
use crate::search::Progress;
use crate::spec::Spec;
use anyhow::Result;

/// How a preset makes the first `spec.categories` categories of the family of settings `S` for
/// `spec`, of the family's own category type, reporting a search to the progress callback.
pub type MakeCategories<S> = fn(&Spec<S>, Progress) -> Result<Categories<<S as CategoryType>::Parameters>>;

/// A published dataset of the family of settings `S`: its name, a line of help, its spec and where
/// its categories come from.
#[derive(Debug)]
pub struct Preset<S: CategoryType + 'static> {
    /// Its name (`--preset`).
    pub name: &'static str,
    /// What it is, for `--help`.
    pub about: &'static str,
    /// Its published spec (seed 0, categories' hash still to be set).
    pub spec: fn() -> Spec<S>,
    /// Its first `spec.categories` categories for `spec` (the official files, a search reporting to
    /// the progress callback, draws from the seed).
    pub categories: MakeCategories<S>,
    /// A small dataset of it, for a first look and for every test harness.
    pub example: Example,
}

/// A small dataset of a preset, made in well under a second: its overrides of the preset
/// ([`crate::Request`]'s fields and family settings as JSON, `{"categories": 2, "size": 32}`), and variants
/// beside it (a val split, a colour, a mask mode), each a name and further overrides. Every test
/// harness renders these (the preset trees, every preset, the library, the preview, the C ABI,
/// Python), so a new preset's example is all its tests need.
#[derive(Debug)]
pub struct Example {
    overrides: &'static str,
    variants: &'static [(&'static str, &'static str)],
}

impl Example {
    /// The example with these overrides (a JSON object) and no variant.
    pub const fn new(overrides: &'static str) -> Self {
        Self { overrides, variants: &[] }
    }

    /// The same example with variants: (name, further overrides as a JSON object).
    pub const fn with_variants(self, variants: &'static [(&'static str, &'static str)]) -> Self {
        Self { variants, ..self }
    }

    /// The example's overrides, by name.
    pub fn overrides(&self) -> Overrides {
        object(self.overrides)
    }

    /// The variants: each name with the example's overrides, and its own over them.
    pub fn variants(&self) -> Vec<(&'static str, Overrides)> {
        self.variants
            .iter()
            .map(|(name, more)| {
                let mut overrides = self.overrides();
                overrides.extend(object(more));
                (*name, overrides)
            })
            .collect()
    }
}

/// Overrides of a preset by field or setting name: [`crate::Request`]'s members without the preset.
pub type Overrides = serde_json::Map<String, serde_json::Value>;

/// A JSON object written in a registration.
fn object(json: &str) -> Overrides {
    match serde_json::from_str(json) {
        Ok(serde_json::Value::Object(members)) => members,
        _ => panic!("a registration's example is not a JSON object: {json}"),
    }
}

/// `fdsl render`'s flags for overrides (`"val_per_class": 2` is `--val-per-class 2`).
pub fn flags(overrides: &Overrides) -> Vec<String> {
    overrides
        .iter()
        .flat_map(|(key, value)| {
            let value = match value {
                serde_json::Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            [format!("--{}", key.replace('_', "-")), value]
        })
        .collect()
}

/// The preset `fdsl render` makes unless told otherwise.
pub const DEFAULT: &str = "fractaldb-1k";

/// The category source of presets whose categories are drawn from the dataset seed.
pub const DRAWN_FROM_SEED: &str = "drawn from the dataset seed";

/// The first `spec.categories` categories of a preset that makes them one by one: category `c` is
/// `make(c)`, named `{preset}/{c:05}`.
pub fn numbered<S, P: Params>(spec: &Spec<S>, make: impl Fn(u64) -> Result<P>) -> Result<Categories<P>> {
    let categories = (0..spec.categories as u64)
        .map(|c| Ok(Category::new(format!("{}/{c:05}", spec.preset), make(c)?)))
        .collect::<Result<_>>()?;
    Ok(Categories::new(categories))
}
