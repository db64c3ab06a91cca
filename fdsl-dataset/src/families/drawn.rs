//! The library side of the families whose images are drawn one by one from (seed, class, instance)
//! streams ([`fdsl_core::families::drawn`]: RCDB, VisualAtom, Perlin noise, Bezier curves): their
//! settings are their category type alone, so one generic [`Drawn`] serves them all; each family's
//! file says what is its own through [`DrawnKind`].

use crate::categories::{Categories, Params};
use crate::family::{Built, FamilySettings, SampleKind};
use crate::flags::Overrides;
use crate::preset::Preset;
use crate::spec::{Naming, Spec};
use anyhow::{Context, Result};
use fdsl_core::families::drawn::{self, DrawnCategory};
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;

/// A drawn family's category type, with what the library needs of its family.
pub trait DrawnKind:
    DrawnCategory<Error: std::error::Error + Send + Sync + 'static> + Params + 'static
{
    /// The family's name in messages (`an RCDB category`).
    const WHAT: &'static str;
    /// The mean size of a PNG image, bytes per pixel, at compression levels fastest, fast, balanced,
    /// high (measured; BENCHMARKS.md).
    const PNG_BYTES_PER_BYTE: [f64; 4];
    /// The family's presets.
    const PRESETS: &'static [Preset<Drawn<Self>>];
}

/// The settings of a drawn family in a spec: none beyond its `generator` tag.
#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Drawn<P> {
    #[serde(skip)]
    kind: PhantomData<fn() -> P>,
}

impl<P> Default for Drawn<P> {
    fn default() -> Self {
        Self { kind: PhantomData }
    }
}

impl<P> Clone for Drawn<P> {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl<P> PartialEq for Drawn<P> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<P> std::fmt::Debug for Drawn<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(std::any::type_name::<P>())
    }
}

impl<P: DrawnKind> FamilySettings for Drawn<P> {
    const PRESETS: &'static [Preset<Self>] = P::PRESETS;
    type Category = P;

    fn samples(&self) -> SampleKind {
        SampleKind::Images
    }

    fn check(&self, _: &Spec<Self>, _: Naming) -> Result<()> {
        Ok(())
    }

    fn overridden(&self, _: &mut Overrides) -> Result<Self> {
        Ok(Self::default())
    }

    fn build(&self, spec: &Spec<Self>, categories: &Categories<P>) -> Result<Built> {
        let params = categories.params().to_vec();
        let family = drawn::Drawn::<P, _>::new(params, spec.size as usize, spec.seed).context(P::WHAT)?;
        Ok(Built::new(family))
    }

    fn png_bytes_per_byte(&self) -> [f64; 4] {
        P::PNG_BYTES_PER_BYTE
    }
}
