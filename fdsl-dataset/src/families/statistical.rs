//! Baradad et al.'s statistical image models ("Learning to See by Looking at Noise", NeurIPS 2021)
//! in the library: one unlabelled class of RGB images per model. Settings, presets, the class file,
//! checks, estimates; the math is [`fdsl_core::families::statistical`].
//!
//! The class file: one row `model,<model>` naming the model (the source has no labels; the text only
//! says what the images are).

use crate::categories::{Categories, Category, Params, parse_named_row};
use crate::family::{Built, FamilySettings, SampleKind};
use crate::flags::{FlagUse, Overrides};
use crate::preset::{Example, Preset};
use crate::search::Progress;
use crate::spec::{Choice, Encoding, Naming, Spec};
use anyhow::{Context, Result, anyhow, bail};
use fdsl_core::families::statistical::{self, Model, SMALL_SCALE, StatisticalImages};
use serde::{Deserialize, Serialize};

/// A statistical model's settings in a spec (`"generator": "statistical"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// The model.
    pub model: Model,
}

impl Choice for Model {
    const ALL: &'static [(Self, &'static str, &'static str)] = &[
        (Model::Spectrum, "spectrum", "Random phase, 1/f-like spectrum (`stat-spectrum`)"),
        (Model::Wmm, "wmm", "Wavelet marginals on a steerable pyramid (`stat-wmm`)"),
        (Model::SpectrumColor, "spectrum_color", "Spectrum and colour histograms (`stat-spectrum_color`)"),
        (
            Model::SpectrumColorWmm,
            "spectrum_color_wmm",
            "Spectrum, wavelet marginals and colour histograms (`stat-spectrum_color_wmm`)",
        ),
    ];
}

/// The models take no family setting.
pub const FLAGS: &[FlagUse] = &[];

/// The recipe of the reference's small scale (128 px, 105,000 images; the large scale is
/// `--size 256 --instances 1300000`), one unlabelled class, JPEG files as its scripts write them
/// (`cv2.imwrite`, quality 95, 4:2:0).
fn published(preset: &str, model: Model) -> Spec<Settings> {
    let source = "one unlabelled class (the source has no labels)";
    Spec { encoding: Encoding::CV2, ..Spec::published(Settings { model }, preset, source, (1, 105_000, 128)) }
}

/// The one class of the spec's model.
fn one_class(spec: &Spec<Settings>, _: Progress) -> Result<Categories<Model>> {
    Ok(Categories::new(vec![Category::new(format!("{}/00000", spec.preset), spec.family.model)]))
}

/// The statistical models' presets, the reference's dataset names with hyphens.
pub const PRESETS: &[Preset<Settings>] = &[
    Preset {
        name: "stat-spectrum",
        about: "statistical images (Baradad et al. 2021), random phase with a 1/f-like spectrum: one unlabelled \
                class of 105,000 RGB images, 128x128 (the large scale: --size 256 --instances 1300000; sides are \
                powers of two from 32 to 1024)",
        spec: || published("stat-spectrum", Model::Spectrum),
        categories: one_class,
        example: Example::new(r#"{"instances": 5, "size": 32}"#),
    },
    Preset {
        name: "stat-wmm",
        about: "the same, wavelet marginal model on a steerable pyramid",
        spec: || published("stat-wmm", Model::Wmm),
        categories: one_class,
        example: Example::new(r#"{"instances": 5, "size": 32}"#),
    },
    Preset {
        name: "stat-spectrum-color",
        about: "the same, spectrum and colour histograms",
        spec: || published("stat-spectrum-color", Model::SpectrumColor),
        categories: one_class,
        example: Example::new(r#"{"instances": 5, "size": 32}"#),
    },
    Preset {
        name: "stat-spectrum-color-wmm",
        about: "the same, spectrum, wavelet marginals and colour histograms (among the paper's best)",
        spec: || published("stat-spectrum-color-wmm", Model::SpectrumColorWmm),
        categories: one_class,
        example: Example::new(r#"{"instances": 5, "size": 32}"#),
    },
];

impl Params for Model {
    const FORMAT: &'static str = "one row model,spectrum|wmm|spectrum_color|spectrum_color_wmm";

    fn parse(source: &str, text: &str) -> Result<Self> {
        parse_named_row(source, text, "model", Self::FORMAT)
    }

    fn to_text(&self) -> String {
        format!("model,{}\n", Choice::name(*self))
    }
}

impl FamilySettings for Settings {
    const PRESETS: &'static [Preset<Self>] = PRESETS;
    type Category = Model;

    fn samples(&self) -> SampleKind {
        SampleKind::Images
    }

    fn max_instances(&self) -> usize {
        super::dead_leaves::MAX_IMAGES
    }

    fn check(&self, spec: &Spec<Self>, naming: Naming) -> Result<()> {
        if spec.categories != 1 {
            bail!(
                "{} must be 1: statistical images are unlabelled, one class, not {}",
                naming.name("--categories", "categories"),
                spec.categories
            );
        }
        let params = statistical::Params { side: spec.size as usize, ..SMALL_SCALE };
        params.check().map_err(|e| anyhow!("{}: {e}", naming.name("--size", "size")))?;
        Ok(())
    }

    fn overridden(&self, _: &mut Overrides) -> Result<Self> {
        Ok(self.clone())
    }

    fn reads_category_files(&self) -> bool {
        false
    }

    fn build(&self, spec: &Spec<Self>, categories: &Categories<Model>) -> Result<Built> {
        if categories.params().iter().any(|&m| m != self.model) {
            bail!("the statistical class names another model than the spec's {}", Choice::name(self.model));
        }
        let params = statistical::Params { side: spec.size as usize, ..SMALL_SCALE };
        let family = StatisticalImages::new(self.model, params, spec.seed).context("statistical images")?;
        Ok(Built::new(family))
    }

    /// RGB noise hardly compresses: 20 `stat-spectrum-color-wmm` images, 128 px (`fdsl render
    /// --png-compression LEVEL`, BENCHMARKS.md).
    fn png_bytes_per_byte(&self) -> [f64; 4] {
        [1.00, 0.99, 0.85, 0.85]
    }

    /// 40 images of 128 px each: the port's `stat-spectrum`, `stat-wmm`, `stat-spectrum_color`
    /// through `cv2.imencode`, fdsl's `stat-spectrum-color-wmm` files (BENCHMARKS.md).
    fn jpeg_bytes_per_byte_q95(&self) -> f64 {
        match self.model {
            Model::Spectrum => 0.132,
            Model::Wmm => 0.216,
            Model::SpectrumColor => 0.174,
            Model::SpectrumColorWmm => 0.295,
        }
    }
}
