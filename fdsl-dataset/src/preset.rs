//! Presets: the published datasets, each declared in its family's file ([`FamilySettings::PRESETS`](crate::family::FamilySettings::PRESETS))
//! and listed by the registration ([`crate::registry::Registry::presets`]), from which the preset
//! list, `--help` and messages come.

use crate::categories::{Categories, Category, Params};
use crate::search::Progress;
use crate::spec::Spec;
use anyhow::Result;

/// A published dataset of the family of settings `S`: its name, a line of help, its spec and where
/// its categories come from.
#[derive(Debug)]
pub struct Preset<S: 'static> {
    /// Its name (`--preset`).
    pub name: &'static str,
    /// What it is, for `--help`.
    pub about: &'static str,
    /// Its published spec (seed 0, categories' hash still to be set).
    pub spec: fn() -> Spec<S>,
    /// Its first `spec.categories` categories for `spec` (the official files, a search reporting to
    /// the progress callback, draws from the seed).
    pub categories: fn(&Spec<S>, Progress) -> Result<Categories>,
}

/// The preset `fdsl render` makes unless told otherwise.
pub const DEFAULT: &str = "fractaldb-1k";

/// The category source of presets whose categories are drawn from the dataset seed.
pub const DRAWN_FROM_SEED: &str = "drawn from the dataset seed";

/// The first `spec.categories` categories of a preset that makes them one by one: category `c` is
/// `make(c)`, named `{preset}/{c:05}`.
pub fn numbered<S, P: Params + 'static>(
    spec: &Spec<S>,
    make: impl Fn(u64) -> Result<P>,
) -> Result<Categories> {
    let categories = (0..spec.categories as u64)
        .map(|c| Ok(Category::new(format!("{}/{c:05}", spec.preset), make(c)?)))
        .collect::<Result<_>>()?;
    Ok(Categories::new(categories))
}
