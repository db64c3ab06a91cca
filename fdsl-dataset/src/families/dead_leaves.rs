//! Dead leaves (Baradad et al., NeurIPS 2021) in the library: one unlabelled class of RGB images,
//! flat or textured. Settings, presets, the class file, checks, estimates, and the textured leaves'
//! texture pool ([`TexturePool`]: each texture rendered the first time an image asks for it, then
//! kept).
//!
//! The class file: one row `shapes,<model>` naming its leaves (the source has no labels; the text
//! only says what the images are).

use crate::categories::{Categories, Category, Params, parse_named_row};
use crate::family::{Built, FamilySettings, SampleKind};
use crate::flags::{Flag, FlagUse, Overrides, Values};
use crate::prepare::Prepare;
use crate::preset::{Example, Preset};
use crate::search::Progress;
use crate::spec::{Choice, Naming, Spec};
use anyhow::{Context, Result, bail};
use fdsl_core::families::dead_leaves::{DeadLeaves, ShapeModel};
use fdsl_core::families::dead_leaves_textured::{
    DeadLeavesTextured, POOL, TEXTURE_SIDE, TexturePool, TexturedLeaves, render_texture,
};
use fdsl_core::families::statistical::{SMALL_SCALE, StatError, scratch_len};
use fdsl_core::math::fft::Complex;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, OnceLock};

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
     rendered once (0.4 CPU-s; a pool of N takes N x 49 kB) [default: 10,000, the reference's].",
)];

/// The most dead-leaves images (the reference's large scale has 1,300,000).
pub const MAX_IMAGES: usize = 100_000_000;

/// The recipe of the reference's `--small-scale` (128 px, 105,000 images; the large scale is
/// `--size 256 --instances 1300000`), one unlabelled class.
fn published(preset: &str, shapes: ShapeModel, textures: Option<u32>) -> Spec<Settings> {
    let source = "one unlabelled class (the source has no labels)";
    Spec::published(Settings { shapes, textures }, preset, source, (1, 105_000, 128))
}

/// The one class of the spec's shapes.
fn one_class(spec: &Spec<Settings>, _: Progress) -> Result<Categories> {
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

    fn parse_categories(&self, files: &[(String, String)]) -> Result<Categories> {
        Categories::parse_as::<ShapeModel>(files)
    }

    fn build(&self, spec: &Spec<Self>, categories: &Categories) -> Result<Built> {
        if categories.params::<ShapeModel>()?.iter().any(|&c| c != self.shapes) {
            bail!("the dead leaves class names other shapes than the spec's {}", self.shapes.name());
        }
        let (side, seed) = (spec.size as usize, spec.seed);
        if let Some(pool) = self.textures {
            let leaves = TexturedLeaves::new(side, seed, pool).context("textured dead leaves")?;
            let pool = Pool::new(seed, pool);
            let mut built = Built::new(DeadLeavesTextured::new(leaves, pool.clone()));
            built.prepare = Some(Arc::new(pool));
            Ok(built)
        } else {
            Ok(Built::new(DeadLeaves::new(self.shapes, side, seed).context("dead leaves")?))
        }
    }

    fn shared_bytes(&self, _: &Spec<Self>) -> u64 {
        self.textures.map_or(0, |pool| u64::from(pool) * TEXTURE_BYTES)
    }

    /// RGB, per pixel: flat leaves, PIL's zlib levels 1, 2, 6, 9 on one 128 px image of each model
    /// (fdsl's own RGB encoder is not measured for them); textured leaves, 100 images of 128 px with
    /// 20 textures (`fdsl render --png-compression LEVEL`, BENCHMARKS.md).
    fn png_bytes_per_byte(&self) -> [f64; 4] {
        if self.textures.is_some() { [1.00, 1.00, 0.89, 0.89] } else { [0.416, 0.413, 0.388, 0.359] }
    }
}

/// Bytes of one pool texture (128² RGB pixels).
const TEXTURE_BYTES: u64 = (TEXTURE_SIDE * TEXTURE_SIDE * 3) as u64;

/// A pool texture once made (or why it could not be).
type Texture = Result<Box<[u8]>, StatError>;

/// The textures of one textured dataset (its seed), each rendered the first time an image asks for
/// it, or ahead of the images ([`Prepare`]), on the asking thread ([`render_texture`]; others asking
/// for it meanwhile wait), and kept for the dataset's life: every texture is made once however many
/// images use it. Clones share the textures.
#[derive(Clone)]
struct Pool {
    seed: u64,
    textures: Arc<[OnceLock<Texture>]>,
}

impl Pool {
    fn new(seed: u64, size: u32) -> Self {
        Self { seed, textures: (0..size).map(|_| OnceLock::new()).collect() }
    }

    /// Render texture `index` with buffers of its own.
    fn render(&self, index: u32) -> Texture {
        let need = scratch_len(&SMALL_SCALE)?;
        let (mut reals, mut complex) = (vec![0.0; need.reals], vec![Complex::default(); need.complex]);
        let mut texture = vec![0; TEXTURE_SIDE * TEXTURE_SIDE * 3];
        render_texture(self.seed, index, &mut reals, &mut complex, &mut texture)?;
        Ok(texture.into_boxed_slice())
    }
}

impl TexturePool for Pool {
    type Error = StatError;

    fn texture(&self, index: u32) -> Result<&[u8], StatError> {
        let slot = self
            .textures
            .get(index as usize)
            .ok_or(StatError::Buffer { name: "pool", needed: index as usize + 1 })?;
        slot.get_or_init(|| self.render(index)).as_deref().map_err(|e| *e)
    }
}

impl Prepare for Pool {
    fn what(&self) -> &'static str {
        "making the texture pool"
    }

    fn unit(&self) -> &'static str {
        "textures"
    }

    fn pieces(&self) -> u64 {
        self.textures.len() as u64
    }

    fn prepare(&self, index: u64) -> Result<()> {
        let index = u32::try_from(index).context("no such texture")?;
        self.texture(index).map(|_| ()).map_err(|e| anyhow::anyhow!("pool texture {index}: {e}"))
    }
}
