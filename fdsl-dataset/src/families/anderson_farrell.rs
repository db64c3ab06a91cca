//! Anderson & Farrell's fractals ("Improving Fractal Pre-training", WACV 2022) in the library:
//! settings, the preset, category files, estimates.
//!
//! Category files: FractalDB's format (`a,b,c,d,e,f,p` rows), `p ∝ |det|` written; the renderer
//! recomputes `p` from the (jittered) maps as the reference does, so the column is informational.

use crate::categories::Categories;
use crate::family::{Built, FamilySettings, SampleKind};
use crate::flags::{FlagUse, Overrides, POINTS, check_points};
use crate::preset::{DRAWN_FROM_SEED, Example, Preset, numbered};
use crate::spec::{Naming, Spec};
use anyhow::{Context, Result};
use fdsl_core::Ifs2;
use fdsl_core::families::anderson_farrell::{self as af, AndersonFarrell};
use serde::{Deserialize, Serialize};

/// Anderson & Farrell's settings in a spec (`"generator": "andersonfarrell"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Points per chaos game.
    pub points: u32,
}

/// The settings Anderson & Farrell's fractals take.
pub const FLAGS: &[FlagUse] = &[(&POINTS, "Anderson & Farrell: per chaos game [default: 100,000].")];

/// The published recipe (`IFSGenerator` at `experiment/frac.yaml`: 224 px, 100,000 points, 1,000
/// images per class), systems drawn from the seed.
pub const PRESETS: &[Preset<Settings>] = &[Preset {
    name: "af-fractals-1k",
    about: "Anderson & Farrell's fractals (WACV 2022): 1,000 SVD-sampled systems drawn from --seed x 1,000 \
            coloured images on diamond-square backgrounds, 224x224, 100,000 points",
    spec: || {
        let settings = Settings { points: af::POINTS as u32 };
        Spec::published(settings, "af-fractals-1k", DRAWN_FROM_SEED, (1000, 1000, af::SIDE as u32))
    },
    categories: |spec, _| {
        numbered(spec, |c| Ok(af::sample_system(&mut af::category_key(spec.seed, c).rng())))
    },
    example: Example::new(r#"{"categories": 2, "instances": 3, "size": 32, "points": 1500}"#),
}];

impl FamilySettings for Settings {
    const PRESETS: &'static [Preset<Self>] = PRESETS;
    type Category = Ifs2;

    fn samples(&self) -> SampleKind {
        SampleKind::Images
    }

    fn check(&self, _: &Spec<Self>, naming: Naming) -> Result<()> {
        check_points(self.points, &naming.name("--points", "points"))
    }

    fn overridden(&self, o: &mut Overrides) -> Result<Self> {
        Ok(Settings { points: o.take(&POINTS)?.unwrap_or(self.points) })
    }

    fn build(&self, spec: &Spec<Self>, categories: &Categories<Ifs2>) -> Result<Built> {
        let systems = categories.params().to_vec();
        let family = AndersonFarrell::new(systems, spec.size as usize, self.points as usize, spec.seed)
            .context("an Anderson & Farrell system")?;
        Ok(Built::new(family))
    }

    /// No measured PNG sizes yet: a conservative guess.
    fn png_bytes_per_byte(&self) -> [f64; 4] {
        [0.040, 0.035, 0.030, 0.025]
    }
}
