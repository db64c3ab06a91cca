//! Presets: the published datasets, each declared in its family's file ([`crate::families`]) and
//! listed by the registration. The preset list, `--help` and messages come from here.

use crate::categories::{Categories, Category, Params};
use crate::search::Progress;
use crate::spec::Spec;
use anyhow::{Result, bail};

/// A published dataset: its name, a line of help, its spec and where its categories come from.
#[derive(Debug)]
pub struct Preset {
    /// Its name (`--preset`).
    pub name: &'static str,
    /// What it is, for `--help`.
    pub about: &'static str,
    /// Its published spec (seed 0, categories' hash still to be set).
    pub spec: fn() -> Spec,
    /// Its first `spec.categories` categories for `spec` (the official files, a search reporting to
    /// the progress callback, draws from the seed).
    pub categories: fn(&Spec, Progress) -> Result<Categories>,
}

/// The preset `fdsl render` makes unless told otherwise.
pub const DEFAULT: &str = "fractaldb-1k";

/// The category source of presets whose categories are drawn from the dataset seed.
pub const DRAWN_FROM_SEED: &str = "drawn from the dataset seed";

/// Every preset, family by family.
pub fn all() -> impl Iterator<Item = &'static Preset> {
    crate::families::PRESETS.iter().copied().flatten()
}

/// Every preset's name.
pub fn names() -> Vec<&'static str> {
    all().map(|p| p.name).collect()
}

/// The preset `name`.
pub fn find(name: &str) -> Result<&'static Preset> {
    match all().find(|p| p.name == name) {
        Some(preset) => Ok(preset),
        None => bail!("unknown preset {name:?}; choose {}", names().join(", ")),
    }
}

/// The published spec of preset `name` (its category hash still to be set).
pub fn published(name: &str) -> Result<Spec> {
    Ok((find(name)?.spec)())
}

/// The categories of `spec`'s preset (its first `spec.categories`), reporting a search to `progress`.
pub fn categories(spec: &Spec, progress: Progress) -> Result<Categories> {
    (find(&spec.preset)?.categories)(spec, progress)
}

/// The first `spec.categories` categories of a preset that makes them one by one: category `c` is
/// `make(c)`, named `{preset}/{c:05}`.
pub fn numbered<P: Params + 'static>(spec: &Spec, make: impl Fn(u64) -> Result<P>) -> Result<Categories> {
    let categories = (0..spec.categories as u64)
        .map(|c| Ok(Category::new(format!("{}/{c:05}", spec.preset), make(c)?)))
        .collect::<Result<_>>()?;
    Ok(Categories::new(categories))
}
