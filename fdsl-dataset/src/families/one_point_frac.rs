//! 1p-frac (Nakamura et al., "Scaling Backwards: Minimal Synthetic Pre-training?", ECCV 2024) in the
//! library: one base fractal, `--perturbations` of it (the classes), one image each. Settings, the preset,
//! the category file, checks, estimates; the math is [`fdsl_core::families::one_point_frac`].
//!
//! The dataset has **one category**, the base system, and `perturbations` classes: class `k` is the `k`-th
//! perturbation of the base. Its category file, `categories/00000.csv`, is the base in FractalDB's
//! format (`a,b,c,d,e,f,p` rows, as Anderson & Farrell's), drawn from the seed for the preset (the
//! reference draws it unseeded and never saves it) or brought by the user (`--categories-from DIR`,
//! the first `.csv` file of `DIR`).

use crate::categories::{Categories, Category};
use crate::family::{Built, FamilySettings, FlagMeaning, SampleKind};
use crate::flags::{Flag, FlagUse, Overrides, POINTS, Values, check_points};
use crate::preset::{Example, Preset};
use crate::search::Progress;
use crate::spec::{Naming, Spec};
use anyhow::{Context, Result, anyhow, bail};
use fdsl_core::Ifs2;
use fdsl_core::families::fractaldb::{Draw, Recipe};
use fdsl_core::families::one_point_frac::{
    self as opf, DEFAULT_CLASSES, DEFAULT_DELTA, DEFAULT_SIGMA, OnePointFrac, check_base, check_delta,
    check_sigma, sample_base,
};
use fdsl_core::math::frame::Grid;
use fdsl_core::raster::canvas::Canvas;
use serde::{Deserialize, Serialize};

/// 1p-frac's settings in a spec (`"generator": "onepointfrac"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Classes `L`: perturbations of the base, one image each.
    pub perturbations: usize,
    /// The perturbation strength Δ: each coefficient times `U(1 − Δ, 1 + Δ)`.
    pub delta: f64,
    /// The base's σ-factor, drawn in `[σ − 0.1, σ + 0.1]` (only for a base drawn from the seed).
    pub sigma: f64,
    /// Points per chaos game.
    pub points: u32,
}

/// `--perturbations`.
pub const PERTURBATIONS: Flag = Flag {
    name: "perturbations",
    alias: None,
    value_name: "L",
    about: "Classes, 1 to 1,000,000.",
    values: Values::Whole,
};

/// `--delta`.
pub const DELTA: Flag = Flag {
    name: "delta",
    alias: None,
    value_name: "D",
    about: "Perturbation strength, in (0, 1).",
    values: Values::Number,
};

/// `--sigma`.
pub const SIGMA: Flag = Flag {
    name: "sigma",
    alias: None,
    value_name: "S",
    about: "The base fractal's sigma-factor, 0.1 < S <= 5.9.",
    values: Values::Number,
};

/// The most classes (one chaos game of 100,000 points each, ~8 ms).
pub const MAX_CLASSES: usize = 1_000_000;

/// The settings 1p-frac takes.
pub const FLAGS: &[FlagUse] = &[
    (
        &PERTURBATIONS,
        "1p-frac: the classes L, each one perturbation of the base fractal, one image [default: 1,000].",
    ),
    (
        &DELTA,
        "1p-frac: each of the six coefficients of each map times its own U(1 - D, 1 + D) [default: 0.1, the \
         paper's best].",
    ),
    (
        &SIGMA,
        "1p-frac: the base fractal's sigma-factor, drawn in [S - 0.1, S + 0.1] from --seed [default: 3.5, the \
         reference's argument default, README and released data; its generate.sh passes 4.0].",
    ),
    (&POINTS, "1p-frac: per chaos game [default: 100,000]."),
];

/// The reference's defaults: 1,000 classes of one image, 512 px, 100,000 points, Δ 0.1, σ 3.5.
fn published() -> Spec<Settings> {
    let settings = Settings {
        perturbations: DEFAULT_CLASSES,
        delta: DEFAULT_DELTA,
        sigma: DEFAULT_SIGMA,
        points: opf::RECIPE.points,
    };
    let source = "one base fractal drawn from the seed (--sigma)";
    Spec::published(settings, "1p-frac", source, (1, 1, opf::RECIPE.grid.width))
}

impl Settings {
    /// The core's rendering recipe at image side `size`.
    fn recipe(&self, size: u32) -> Recipe {
        Recipe { grid: Grid::square(size), points: self.points, draw: Draw::Patch }
    }
}

/// The base of the spec's seed and σ, redrawn until it passes the fill check itself
/// ([`sample_base`]).
fn base_from_seed(spec: &Spec<Settings>, _: Progress) -> Result<Categories<Ifs2>> {
    let settings = &spec.family;
    let recipe = settings.recipe(spec.size);
    let mut pixels = vec![0u8; recipe.canvas_len()];
    let side = spec.size as usize;
    let mut canvas = Canvas::new(&mut pixels, side, side).map_err(|e| anyhow!("{e}"))?;
    let (base, _) = sample_base(spec.seed, settings.sigma, &recipe, &mut canvas).context("1p-frac's base")?;
    Ok(Categories::new(vec![Category::new(format!("{}/00000", spec.preset), base)]))
}

/// 1p-frac's preset.
pub const PRESETS: &[Preset<Settings>] = &[Preset {
    name: "1p-frac",
    about: "one fractal and its perturbations (Nakamura et al., ECCV 2024): a base of 2 maps drawn from --seed \
            (--sigma 3.5) and --perturbations 1,000 classes, each one perturbation of it (--delta 0.1), one 512x512 \
            image each, 100,000 points, patch mode; the base is written as the category file (bring your own with \
            --categories-from)",
    spec: published,
    categories: base_from_seed,
    example: Example::new(r#"{"perturbations": 4, "size": 32, "points": 2000}"#),
}];

impl FamilySettings for Settings {
    const PRESETS: &'static [Preset<Self>] = PRESETS;
    type Category = Ifs2;

    fn samples(&self) -> SampleKind {
        SampleKind::Images
    }

    fn flag_meanings(&self) -> &'static [FlagMeaning] {
        &[("--categories", "1p-frac: one category, the base fractal, makes every class (--perturbations).")]
    }

    /// One image per class.
    fn max_instances(&self) -> usize {
        1
    }

    fn check(&self, spec: &Spec<Self>, naming: Naming) -> Result<()> {
        if spec.categories != 1 {
            bail!(
                "{} must be 1: 1p-frac has one category, its base fractal (its classes are {}), not {}",
                naming.name("--categories", "categories"),
                naming.name("--perturbations", "perturbations"),
                spec.categories
            );
        }
        if !(1..=MAX_CLASSES).contains(&self.perturbations) {
            bail!(
                "{} must be 1 to {MAX_CLASSES}, not {}",
                naming.name("--perturbations", "perturbations"),
                self.perturbations
            );
        }
        check_delta(self.delta).map_err(|e| anyhow!("{}: {e}", naming.name("--delta", "delta")))?;
        check_sigma(self.sigma).map_err(|e| anyhow!("{}: {e}", naming.name("--sigma", "sigma")))?;
        check_points(self.points, &naming.name("--points", "points"))
    }

    fn overridden(&self, o: &mut Overrides) -> Result<Self> {
        Ok(Settings {
            perturbations: o.take(&PERTURBATIONS)?.unwrap_or(self.perturbations),
            delta: o.take(&DELTA)?.unwrap_or(self.delta),
            sigma: o.take(&SIGMA)?.unwrap_or(self.sigma),
            points: o.take(&POINTS)?.unwrap_or(self.points),
        })
    }

    /// The base is FractalDB's category format; one map, NaN or infinities are refused with the file's
    /// name.
    fn parse_categories(&self, files: &[(String, String)]) -> Result<Categories<Ifs2>> {
        let categories = Categories::parse(files)?;
        for ((source, _), base) in files.iter().zip(categories.params()) {
            check_base(base).with_context(|| format!("{source}: not a 1p-frac base"))?;
        }
        Ok(categories)
    }

    fn build(&self, spec: &Spec<Self>, categories: &Categories<Ifs2>) -> Result<Built> {
        let [base] = categories.params() else {
            bail!("1p-frac has one category, its base fractal");
        };
        let family =
            OnePointFrac::new(*base, self.perturbations, self.delta, self.recipe(spec.size), spec.seed)
                .context("1p-frac")?;
        Ok(Built::new(family))
    }

    /// Grey: 50 classes of the preset, 512 px (`fdsl render --png-compression LEVEL`, BENCHMARKS.md).
    fn png_bytes_per_byte(&self) -> [f64; 4] {
        [0.150, 0.144, 0.061, 0.059]
    }
}
