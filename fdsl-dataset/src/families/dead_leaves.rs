//! Dead leaves (Baradad et al., NeurIPS 2021) in the library: one unlabelled class of RGB images,
//! flat or textured. Settings, presets, the class file, checks, estimates; the textured leaves'
//! texture pool is [`pool`] (each texture made the first time an image asks for it, through JPEG as
//! the reference reads it, and kept).
//!
//! The class file: one row `shapes,<model>` naming its leaves (the source has no labels; the text
//! only says what the images are).

pub mod pool;

use crate::categories::{Categories, Category, Params, parse_named_row};
use crate::family::{Built, FamilySettings, SampleKind};
use crate::flags::{Flag, FlagUse, Overrides, Values};
use crate::preset::{Example, Preset};
use crate::search::Progress;
use crate::spec::{Choice, Encoding, Naming, Spec};
use anyhow::{Context, Result, bail};
use fdsl_core::families::dead_leaves::{DeadLeaves, ShapeModel};
use fdsl_core::families::dead_leaves_textured::{DeadLeavesTextured, POOL, TexturedLeaves};
use pool::{Pool, TEXTURE_BYTES};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Dead leaves' settings in a spec (`"generator": "deadleaves"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// The leaves' shapes.
    pub shapes: ShapeModel,
    /// For textured leaves, the size of the texture pool each leaf's texture comes from
    /// ([`fdsl_core::families::dead_leaves_textured`]; mixed shapes only); absent for flat leaves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub textures: Option<u32>,
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

/// `--textures`: the texture pool's size.
pub const TEXTURES: Flag = Flag {
    name: "textures",
    alias: None,
    value_name: "N",
    about: "Textures in the pool, 1 to 10,000.",
    values: Values::Whole,
};

/// Textured dead leaves take the pool's size.
pub const FLAGS: &[FlagUse] = &[(
    &TEXTURES,
    "Textured dead leaves: each leaf's texture is one of N stat-spectrum-color-wmm images of --seed, each \
     made once, when an image first uses it (0.06 CPU-s; 49 kB in memory), and kept in OUT/.fdsl-cache for \
     later runs [default: 10,000, the reference's].",
)];

/// The most dead-leaves images (the reference's large scale has 1,300,000).
pub const MAX_IMAGES: usize = 100_000_000;

/// The recipe of the reference's `--small-scale` (128 px, 105,000 images; the large scale is
/// `--size 256 --instances 1300000`), one unlabelled class, JPEG files as its scripts write them
/// (`cv2.imwrite`, quality 95, 4:2:0).
fn published(preset: &str, shapes: ShapeModel, textures: Option<u32>) -> Spec<Settings> {
    let source = "one unlabelled class (the source has no labels)";
    Spec {
        encoding: Encoding::CV2,
        ..Spec::published(Settings { shapes, textures }, preset, source, (1, 105_000, 128))
    }
}

/// The one class of the spec's shapes.
fn one_class(spec: &Spec<Settings>, _: Progress) -> Result<Categories<ShapeModel>> {
    Ok(Categories::new(vec![Category::new(format!("{}/00000", spec.preset), spec.family.shapes)]))
}

/// Dead leaves' presets.
pub const PRESETS: &[Preset<Settings>] = &[
    Preset {
        name: "dead-leaves-squares",
        about: "dead leaves (Baradad et al. 2021) of axis-aligned squares: one unlabelled class of 105,000 RGB \
                images, 128x128 (the large scale: --size 256 --instances 1300000)",
        spec: || published("dead-leaves-squares", ShapeModel::Squares, None),
        categories: one_class,
        example: Example::new(r#"{"instances": 5, "size": 32}"#),
    },
    Preset {
        name: "dead-leaves-oriented",
        about: "the same of rotated squares",
        spec: || published("dead-leaves-oriented", ShapeModel::Oriented, None),
        categories: one_class,
        example: Example::new(r#"{"instances": 5, "size": 32}"#),
    },
    Preset {
        name: "dead-leaves-mixed",
        about: "the same of mixed shapes (circles, squares, rotated squares, rectangles, triangles, \
                quadrilaterals)",
        spec: || published("dead-leaves-mixed", ShapeModel::Mixed, None),
        categories: one_class,
        example: Example::new(r#"{"instances": 5, "size": 32}"#),
    },
    Preset {
        name: "dead-leaves-textured",
        about: "the same of mixed shapes, each leaf filled with one of a pool of 10,000 stat-spectrum-color-wmm \
                textures (128 px, drawn from --seed; the pool takes up to 492 MB, each texture made once)",
        spec: || published("dead-leaves-textured", ShapeModel::Mixed, Some(POOL)),
        categories: one_class,
        example: Example::new(r#"{"instances": 5, "size": 32, "textures": 4}"#),
    },
];

impl Params for ShapeModel {
    const FORMAT: &'static str = "one row shapes,squares|oriented|mixed";

    fn parse(source: &str, text: &str) -> Result<Self> {
        parse_named_row(source, text, "shapes", Self::FORMAT)
    }

    fn to_text(&self) -> String {
        format!("shapes,{}\n", self.name())
    }
}

impl FamilySettings for Settings {
    const PRESETS: &'static [Preset<Self>] = PRESETS;
    type Category = ShapeModel;

    fn samples(&self) -> SampleKind {
        SampleKind::Images
    }

    fn max_instances(&self) -> usize {
        MAX_IMAGES
    }

    fn check(&self, spec: &Spec<Self>, naming: Naming) -> Result<()> {
        if spec.categories != 1 {
            bail!(
                "{} must be 1: dead leaves images are unlabelled, one class, not {}",
                naming.name("--categories", "categories"),
                spec.categories
            );
        }
        if let Some(pool) = self.textures
            && !(1..=POOL).contains(&pool)
        {
            bail!("{} must be 1 to {POOL}, not {pool}", naming.name("--textures", "textures"));
        }
        if self.textures.is_some() && self.shapes != ShapeModel::Mixed {
            bail!(
                "textured dead leaves have mixed shapes, not {} (as the reference's --textured)",
                self.shapes.name()
            );
        }
        Ok(())
    }

    fn overridden(&self, o: &mut Overrides) -> Result<Self> {
        let textures = match self.textures {
            Some(pool) => Some(o.take(&TEXTURES)?.unwrap_or(pool)),
            None => None,
        };
        Ok(Settings { textures, ..self.clone() })
    }

    fn reads_category_files(&self) -> bool {
        false
    }

    fn build(&self, spec: &Spec<Self>, categories: &Categories<ShapeModel>) -> Result<Built> {
        if categories.params().iter().any(|&c| c != self.shapes) {
            bail!("the dead leaves class names other shapes than the spec's {}", self.shapes.name());
        }
        let (side, seed) = (spec.size as usize, spec.seed);
        if let Some(pool) = self.textures {
            let leaves = TexturedLeaves::new(side, seed, pool).context("textured dead leaves")?;
            let pool = Pool::new(leaves.clone());
            Ok(Built::new(DeadLeavesTextured::new(leaves, pool.clone())).with_prepare(Arc::new(pool)))
        } else {
            Ok(Built::new(DeadLeaves::new(self.shapes, side, seed).context("dead leaves")?))
        }
    }

    fn shared_bytes(&self, _: &Spec<Self>) -> u64 {
        self.textures.map_or(0, |pool| u64::from(pool) * TEXTURE_BYTES)
    }

    /// A smaller pool: `--textures N` (another dataset: the leaves draw from N textures).
    fn shared_fix(&self, _: &Spec<Self>, room: u64) -> Option<String> {
        let fits = (room / TEXTURE_BYTES).min(u64::from(POOL));
        (self.textures.is_some() && fits >= 1).then(|| {
            format!(
                "--textures {fits} (a smaller texture pool, {} a texture: another dataset)",
                crate::memory::human_bytes(TEXTURE_BYTES as f64)
            )
        })
    }

    /// RGB, per pixel: flat leaves, PIL's zlib levels 1, 2, 6, 9 on one 128 px image of each model
    /// (fdsl's own RGB encoder is not measured for them); textured leaves, 100 images of 128 px with
    /// 20 textures (`fdsl render --png-compression LEVEL`, BENCHMARKS.md).
    fn png_bytes_per_byte(&self) -> [f64; 4] {
        if self.textures.is_some() { [1.00, 1.00, 0.89, 0.89] } else { [0.416, 0.413, 0.388, 0.359] }
    }

    /// fdsl's files, 128 px: 40 images of each flat model (squares 0.216, oriented 0.239, mixed
    /// 0.254), 100 textured images of 20 textures (0.318; BENCHMARKS.md).
    fn jpeg_bytes_per_byte_q95(&self) -> f64 {
        if self.textures.is_some() { 0.32 } else { 0.236 }
    }
}
