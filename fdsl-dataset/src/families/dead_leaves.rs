//! Dead leaves (Baradad et al., NeurIPS 2021) in the library: one unlabelled class of RGB images.
//! Settings, presets, the class file, checks, estimates.
//!
//! The class file: one row `shapes,<model>` naming its leaves (the source has no labels; the text
//! only says what the images are).

use crate::categories::{Categories, Category, Params, lines};
use crate::family::{Built, FamilySettings, SampleKind};
use crate::flags::{FlagUse, Overrides};
use crate::preset::Preset;
use crate::search::Progress;
use crate::spec::{Choice, Naming, Spec};
use anyhow::{Context, Result, bail};
use fdsl_core::families::dead_leaves::{DeadLeaves, ShapeModel};
use serde::{Deserialize, Serialize};

/// Dead leaves' settings in a spec (`"generator": "deadleaves"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// The leaves' shapes.
    pub shapes: ShapeModel,
}

impl Choice for ShapeModel {
    const ALL: &'static [(Self, &'static str, &'static str)] = &[
        (ShapeModel::Squares, "squares", "Axis-aligned squares (`square`)"),
        (ShapeModel::Oriented, "oriented", "Rotated squares (`oriented_square`)"),
        (
            ShapeModel::Mixed,
            "mixed",
            "Circles, squares, rotated squares, rectangles, triangles, quadrilaterals (`mixed`)",
        ),
    ];
}

/// Dead leaves take no family setting.
pub const FLAGS: &[FlagUse] = &[];

/// The most dead-leaves images (the reference's large scale has 1,300,000).
pub const MAX_IMAGES: usize = 100_000_000;

/// The recipe of the reference's `--small-scale` (128 px, 105,000 images; the large scale is
/// `--size 256 --instances 1300000`), one unlabelled class.
fn published(preset: &str, shapes: ShapeModel) -> Spec {
    let source = "one unlabelled class (the source has no labels)";
    Spec::published(super::Settings::Deadleaves(Settings { shapes }), preset, source, (1, 105_000, 128))
}

/// The one class of the spec's shapes.
fn one_class(spec: &Spec, _: Progress) -> Result<Categories> {
    let super::Settings::Deadleaves(settings) = &spec.family else {
        bail!("the {} preset makes dead leaves", spec.preset);
    };
    Ok(Categories::new(vec![Category::new(format!("{}/00000", spec.preset), settings.shapes)]))
}

/// Dead leaves' presets.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "dead-leaves-squares",
        about: "dead leaves (Baradad et al. 2021) of axis-aligned squares: one unlabelled class of 105,000 RGB \
                images, 128x128 (the large scale: --size 256 --instances 1300000)",
        spec: || published("dead-leaves-squares", ShapeModel::Squares),
        categories: one_class,
    },
    Preset {
        name: "dead-leaves-oriented",
        about: "the same of rotated squares",
        spec: || published("dead-leaves-oriented", ShapeModel::Oriented),
        categories: one_class,
    },
    Preset {
        name: "dead-leaves-mixed",
        about: "the same of mixed shapes (circles, squares, rotated squares, rectangles, triangles, \
                quadrilaterals)",
        spec: || published("dead-leaves-mixed", ShapeModel::Mixed),
        categories: one_class,
    },
];

impl Params for ShapeModel {
    const FORMAT: &'static str = "one row shapes,squares|oriented|mixed";

    fn parse(source: &str, text: &str) -> Result<Self> {
        let rows: Vec<(usize, &str)> = lines(text).collect();
        let [(n, line)] = rows[..] else {
            bail!("{source}: expected one row ({}), found {}", Self::FORMAT, rows.len());
        };
        let all = [ShapeModel::Squares, ShapeModel::Oriented, ShapeModel::Mixed];
        match line.split_once(',') {
            Some((key, value)) if key.trim() == "shapes" => {
                all.into_iter().find(|s| s.name() == value.trim()).with_context(|| {
                    format!("{source} line {}: unknown shapes {:?} ({})", n + 1, value.trim(), Self::FORMAT)
                })
            }
            _ => bail!("{source} line {}: expected {}", n + 1, Self::FORMAT),
        }
    }

    fn to_text(&self) -> String {
        format!("shapes,{}\n", self.name())
    }
}

impl FamilySettings for Settings {
    fn samples(&self) -> SampleKind {
        SampleKind::Images
    }

    fn max_instances(&self) -> usize {
        MAX_IMAGES
    }

    fn check(&self, spec: &Spec, naming: Naming) -> Result<()> {
        if spec.categories != 1 {
            bail!(
                "{} must be 1: dead leaves images are unlabelled, one class, not {}",
                naming.name("--categories", "categories"),
                spec.categories
            );
        }
        Ok(())
    }

    fn overridden(&self, _: &mut Overrides) -> Result<super::Settings> {
        Ok(super::Settings::Deadleaves(self.clone()))
    }

    fn reads_category_files(&self) -> bool {
        false
    }

    fn parse_categories(&self, files: &[(String, String)]) -> Result<Categories> {
        Categories::parse_as::<ShapeModel>(files)
    }

    fn build(&self, spec: &Spec, categories: &Categories) -> Result<Built> {
        if categories.params::<ShapeModel>()?.iter().any(|&c| c != self.shapes) {
            bail!("the dead leaves class names other shapes than the spec's {}", self.shapes.name());
        }
        let family = DeadLeaves::new(self.shapes, spec.size as usize, spec.seed).context("dead leaves")?;
        Ok(Built::new(family))
    }

    /// RGB, per pixel: PIL's zlib levels 1, 2, 6, 9 on one 128 px image of each model (fdsl's own RGB
    /// encoder is not measured yet).
    fn png_bytes_per_byte(&self) -> [f64; 4] {
        [0.416, 0.413, 0.388, 0.359]
    }
}
