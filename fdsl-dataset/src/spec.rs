//! What a dataset is: the full specification recorded in its manifest.

use anyhow::{Result, bail};
use fdsl_core::cloud::WEIGHT_ROWS_3D;
use fdsl_core::fractaldb::{Colouring, Draw, INSTANCES_PER_CATEGORY, Recipe};
use fdsl_core::frame::Grid;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A setting with a fixed set of values: each with its name (in the spec's JSON and on the command
/// line) and a line of help.
pub trait Choice: Copy + PartialEq + 'static {
    /// Every value, its name and its help.
    const ALL: &'static [(Self, &'static str, &'static str)];

    /// The value's name.
    fn name(self) -> &'static str {
        Self::ALL.iter().find(|(v, _, _)| *v == self).map_or("", |(_, name, _)| name)
    }

    /// The value named `name`.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().find(|(_, n, _)| *n == name).map(|(v, _, _)| *v)
    }
}

/// Image sides accepted by the CLI (the reference uses 362 and 512).
pub const SIZES: std::ops::RangeInclusive<u32> = 16..=8192;
/// Chain lengths accepted by the CLI (the reference uses 100,000 and 200,000).
pub const POINTS: std::ops::RangeInclusive<u32> = 1..=20_000_000;

/// How points are drawn (serialised as `"point"` / `"patch"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DrawMode {
    /// One pixel of value 127 per point.
    Point,
    /// A random opaque 3x3 patch per point, the last writer winning (the published datasets).
    Patch,
}

impl Choice for DrawMode {
    const ALL: &'static [(Self, &'static str, &'static str)] = &[
        (DrawMode::Point, "point", "One pixel of value 127 per point"),
        (
            DrawMode::Patch,
            "patch",
            "A random opaque 3x3 patch per point, the last writer winning (the published datasets)",
        ),
    ];
}

impl From<DrawMode> for Draw {
    fn from(d: DrawMode) -> Draw {
        match d {
            DrawMode::Point => Draw::Point,
            DrawMode::Patch => Draw::Patch,
        }
    }
}

/// How FractalDB's points are coloured (serialised as `"grey"` / `"hue"`; a spec without the field
/// is grey, and grey is not written, so grey manifests read as before the setting existed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColourMode {
    /// Grey 127 on black, one channel (the published datasets).
    #[default]
    Grey,
    /// The reference's point_color / patch_color: the hue cycles along the point sequence, period
    /// 128 points, saturation = value = 0.75, on black; RGB.
    Hue,
}

impl ColourMode {
    fn is_grey(&self) -> bool {
        *self == ColourMode::Grey
    }
}

impl Choice for ColourMode {
    const ALL: &'static [(Self, &'static str, &'static str)] = &[
        (ColourMode::Grey, "grey", "Grey 127 on black, one channel (the published datasets)"),
        (
            ColourMode::Hue,
            "hue",
            "RGB: the hue cycles along the point sequence, period 128 points, saturation = value = 0.75, \
             on black (the reference's point_color / patch_color)",
        ),
    ];
}

impl From<ColourMode> for Colouring {
    fn from(c: ColourMode) -> Colouring {
        match c {
            ColourMode::Grey => Colouring::Grey,
            ColourMode::Hue => Colouring::Hue,
        }
    }
}

/// How a dataset is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// ImageFolder: `train/CLASS/NAME.png` (and `val/…`), one 8-bit greyscale PNG per image.
    Png,
    /// WebDataset: POSIX tar shards `train-NNNNNN.tar` of `KEY.cls`, `KEY.json`, `KEY.png`, and `_info.json`.
    Webdataset,
    /// NumPy. Images: per shard `train/images-NNNNNN.npy` (uint8, N x H x W) and
    /// `train/labels-NNNNNN.npy` (int64). Point clouds: one `.npy` per sample (float32, N x 3).
    Npy,
    /// Point clouds: one binary little-endian PLY per sample, `train/CLASS/NAME.ply`.
    Ply,
    /// Point clouds: one ASCII PLY per sample.
    #[serde(rename = "ply-ascii")]
    PlyAscii,
}

/// How hard PNG images are compressed (serialised in lowercase). Measured on RCDB-1k images (512 px,
/// one core): `none` 0.02 ms and 263 KB per image, `fastest` 0.23 ms and 85 KB, `fast` 0.29 ms
/// and 70 KB, `balanced` 3.6 ms and 31 KB, `high` 7.6 ms and 31 KB (the reference's RGB PNGs: 7.8 ms
/// and 56 KB).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PngCompression {
    /// No compression: unfiltered rows in stored DEFLATE blocks (`Compression::NoCompression`), for
    /// when encoding time matters more than disk space.
    #[serde(rename = "none")]
    Uncompressed,
    /// fdeflate, every row Up-filtered (the `png` crate's `Compression::Fastest`).
    #[default]
    Fastest,
    /// fdeflate, each row's filter chosen adaptively (`Compression::Fast`).
    Fast,
    /// zlib's default level 6, adaptive filters (`Compression::Balanced`), as the references' PIL.
    Balanced,
    /// zlib level 9, adaptive filters (`Compression::High`).
    High,
}

impl Choice for Format {
    const ALL: &'static [(Self, &'static str, &'static str)] = &[
        (
            Format::Png,
            "png",
            "ImageFolder: train/CLASS/NAME.png (and val/...), one 8-bit greyscale PNG per image",
        ),
        (
            Format::Webdataset,
            "webdataset",
            "WebDataset: POSIX tar shards train-NNNNNN.tar of KEY.cls, KEY.json, KEY.png, and _info.json",
        ),
        (
            Format::Npy,
            "npy",
            "NumPy. Images: per shard train/images-NNNNNN.npy (uint8, N x H x W) and train/labels-NNNNNN.npy \
             (int64). Point clouds: one .npy per sample (float32, N x 3)",
        ),
        (Format::Ply, "ply", "Point clouds: one binary little-endian PLY per sample, train/CLASS/NAME.ply"),
        (Format::PlyAscii, "ply-ascii", "Point clouds: one ASCII PLY per sample"),
    ];
}

impl Choice for PngCompression {
    const ALL: &'static [(Self, &'static str, &'static str)] = &[
        (
            PngCompression::Uncompressed,
            "none",
            "No compression: unfiltered rows in stored DEFLATE blocks, for when encoding time matters more than disk space",
        ),
        (
            PngCompression::Fastest,
            "fastest",
            "fdeflate, every row Up-filtered (the png crate's Compression::Fastest)",
        ),
        (PngCompression::Fast, "fast", "fdeflate, each row's filter chosen adaptively (Compression::Fast)"),
        (
            PngCompression::Balanced,
            "balanced",
            "zlib's default level 6, adaptive filters, as the references' PIL",
        ),
        (PngCompression::High, "high", "zlib level 9, adaptive filters"),
    ];
}

/// Whether `generator` writes `format` in shards: WebDataset always (but not scenes); npy for images
/// (N x H x W arrays), while a point cloud's npy is one file per sample (N x 3, like its PLY).
pub fn shards(generator: &Generator, format: Format) -> bool {
    match format {
        Format::Webdataset => !generator.makes_scenes(),
        Format::Npy => !generator.makes_clouds(),
        _ => false,
    }
}

/// The largest `--shard-size`.
pub const MAX_SHARD_SIZE: usize = 1_000_000;

/// What the generator draws, with the settings only it has (serialised flat, tagged by `generator`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "generator", rename_all = "lowercase")]
pub enum Generator {
    /// FractalDB: 2-D IFS images.
    Fractaldb {
        /// Points per chaos game.
        points: u32,
        /// Point or patch drawing.
        draw: DrawMode,
        /// Step of the instance weights (0: every instance uses the unscaled IFS).
        weight_step: f64,
        /// How the points are coloured.
        #[serde(default, skip_serializing_if = "ColourMode::is_grey")]
        colour: ColourMode,
    },
    /// RCDB: radial contours (the reference's drawing ranges, `fdsl_core::rcdb::REFERENCE_RANGES`).
    Rcdb,
    /// VisualAtom: radial contours grown by two sine waves and Perlin noise, grey on black
    /// (`fdsl_core::visual_atom`).
    Visualatom,
    /// Anderson & Farrell's fractals: RGB images of SVD-sampled IFSs on diamond-square backgrounds
    /// (`fdsl_core::anderson_farrell`).
    Andersonfarrell {
        /// Points per chaos game.
        points: u32,
    },
    /// ExFractalDB: 3-D IFS models (145 weight variants), each image from a random viewpoint on the
    /// sphere.
    Exfractaldb {
        /// Points per model (the origin not kept).
        points: u32,
    },
    /// MV-FractalDB: 3-D IFS models (145 weight variants), each seen from `views` viewpoints about
    /// the Y axis.
    Mvfractaldb {
        /// Points per model (the origin not kept).
        points: u32,
        /// Views per model.
        views: u32,
    },
    /// PC-FractalDB: FractalNoiseMix point clouds, `main` points of the category's fractal and `noise`
    /// of a partner category's.
    Pcfractaldb {
        /// Points of the category's own fractal.
        main: u32,
        /// Points of the partner's fractal.
        noise: u32,
    },
    /// PC-FractalDB scenes: objects picked from the models (the classes times `models` instances
    /// each, mixed as `Pcfractaldb`), laid out without overlap on a 15 x 15 floor.
    Pcscenes {
        /// Points of each object's own fractal.
        main: u32,
        /// Points of each object's partner fractal.
        noise: u32,
        /// Models per class to pick objects from.
        models: u32,
        /// Objects per scene before the Poisson(5) term.
        base_objects: u32,
    },
    /// Dead leaves: shapes of uniform colour and r⁻³ radius painted on top of one another until the
    /// image is covered (Baradad et al. 2021), one unlabelled class of RGB images.
    Deadleaves {
        /// The leaves' shapes.
        shapes: LeafShapes,
    },
    /// Perlin noise images, fdsl's reconstruction (`fdsl_core::perlin_noise`): a category's frequency,
    /// persistence, octaves and lacunarity, each instance its own shuffled table and offset.
    Perlin,
    /// Bezier curve images, fdsl's reconstruction (`fdsl_core::bezier`): a category's template of
    /// curves, each instance jittered, moved, with its own widths and greys.
    Bezier,
}

/// The shapes of dead leaves (the reference's `--shape-model`), serialised `squares`, `oriented`,
/// `mixed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LeafShapes {
    /// Axis-aligned squares (`square`).
    Squares,
    /// Rotated squares (`oriented_square`).
    Oriented,
    /// Circles, squares, rotated squares, rectangles, triangles, quadrilaterals (`mixed`).
    Mixed,
}

impl LeafShapes {
    /// Its name in specs and category files.
    pub fn name(self) -> &'static str {
        match self {
            LeafShapes::Squares => "squares",
            LeafShapes::Oriented => "oriented",
            LeafShapes::Mixed => "mixed",
        }
    }
}

impl From<LeafShapes> for fdsl_core::dead_leaves::ShapeModel {
    fn from(shapes: LeafShapes) -> Self {
        match shapes {
            LeafShapes::Squares => Self::Squares,
            LeafShapes::Oriented => Self::Oriented,
            LeafShapes::Mixed => Self::Mixed,
        }
    }
}

impl Generator {
    /// Whether its samples are point clouds (else images).
    pub fn makes_clouds(&self) -> bool {
        matches!(self, Generator::Pcfractaldb { .. } | Generator::Pcscenes { .. })
    }

    /// Whether its samples are scenes (point clouds of varying size, with a JSON layout each).
    pub fn makes_scenes(&self) -> bool {
        matches!(self, Generator::Pcscenes { .. })
    }
}

/// The category source of presets whose categories are drawn from the dataset seed.
pub const DRAWN_FROM_SEED: &str = "drawn from the dataset seed";

/// The most instances per class of RCDB and ExFractalDB (FractalDB has exactly 1,000 distinct ones,
/// MV-FractalDB 145 models times the views).
pub const MAX_INSTANCES: usize = 1_000_000;
/// The most dead-leaves images (the reference's large scale has 1,300,000).
pub const MAX_DEAD_LEAVES: usize = 100_000_000;

/// How messages name a setting: as the command line's flag (what `fdsl render` and the short form
/// were given), or as the spec's field (a spec read from a manifest or given whole).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Naming {
    /// `--instances`.
    Flags,
    /// `the spec's "instances"`.
    Fields,
}

impl Naming {
    fn name(self, flag: &str, field: &str) -> String {
        match self {
            Naming::Flags => flag.to_owned(),
            Naming::Fields => format!("the spec's \"{field}\""),
        }
    }
}

/// A dataset: every output byte is a function of this and the category files.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spec {
    /// The generator and its own settings.
    #[serde(flatten)]
    pub generator: Generator,
    /// The preset the run started from.
    pub preset: String,
    /// Where the categories came from (preset name or folder).
    pub category_source: String,
    /// SHA-256 over the category files' texts, in order, each followed by a NUL byte.
    pub categories_sha256: String,
    /// Number of categories (classes).
    pub categories: usize,
    /// Images per category (FractalDB: the first this many in the order weight, count, flip).
    pub instances: usize,
    /// Image side in pixels.
    pub size: u32,
    /// Dataset seed of every random stream.
    pub seed: u64,
    /// Output format.
    pub format: Format,
    /// PNG compression (formats `png` and `webdataset` of images).
    #[serde(default)]
    pub png_compression: PngCompression,
    /// The last this many instances of every class form the `val` split (0: no split).
    pub val_per_class: usize,
    /// Samples per shard (sharded formats only).
    pub shard_size: Option<usize>,
}

/// Samples per shard unless `--shard-size` says otherwise.
pub const DEFAULT_SHARD_SIZE: usize = 1000;

impl Spec {
    /// The published FractalDB recipe (`exe.sh`: 362 px, 200,000 points, patch mode, weight step
    /// 0.4, 1,000 instances per class), seed 0, PNG ImageFolder, no val split, for `categories`
    /// categories from `category_source` (their hash still to be set).
    pub fn published(preset: &str, category_source: &str, categories: usize) -> Self {
        Self {
            generator: Generator::Fractaldb {
                points: 200_000,
                draw: DrawMode::Patch,
                weight_step: 0.4,
                colour: ColourMode::Grey,
            },
            preset: preset.into(),
            category_source: category_source.into(),
            categories_sha256: String::new(),
            categories,
            instances: INSTANCES_PER_CATEGORY,
            size: 362,
            seed: 0,
            format: Format::Png,
            png_compression: PngCompression::Fastest,
            val_per_class: 0,
            shard_size: None,
        }
    }

    /// The published RCDB recipe (`exe_rcdb_1k.sh`: 512 px, 1,000 instances per class), seed 0, PNG.
    pub fn published_rcdb(preset: &str, category_source: &str, categories: usize) -> Self {
        Self { generator: Generator::Rcdb, size: 512, ..Self::published(preset, category_source, categories) }
    }

    /// The published VisualAtom recipe (`make_VisualAtom.sh`: 512 px, 1,000 instances per class), seed 0, PNG.
    pub fn published_visual_atom(preset: &str, categories: usize) -> Self {
        Self {
            generator: Generator::Visualatom,
            size: 512,
            ..Self::published(preset, DRAWN_FROM_SEED, categories)
        }
    }

    /// fdsl's Perlin and Bezier reconstructions (`generator` [`Generator::Perlin`] or
    /// [`Generator::Bezier`]): 256 px greyscale, 1,000 instances per class (as FractalDB-1k), seed 0, PNG.
    pub fn published_accv(
        preset: &str,
        generator: Generator,
        category_source: &str,
        categories: usize,
    ) -> Self {
        Self { generator, size: 256, ..Self::published(preset, category_source, categories) }
    }

    /// The published Anderson & Farrell recipe (`IFSGenerator` at `experiment/frac.yaml`: 224 px,
    /// 100,000 points, 1,000 images per class), seed 0, PNG.
    pub fn published_af(preset: &str, category_source: &str, categories: usize) -> Self {
        Self {
            generator: Generator::Andersonfarrell { points: fdsl_core::anderson_farrell::POINTS as u32 },
            size: fdsl_core::anderson_farrell::SIDE as u32,
            ..Self::published(preset, category_source, categories)
        }
    }

    /// The published 3-D recipes (`ExFractalDB_render.sh`): 224 px, 9,999 points per model (the
    /// reference's `calculate(10000)`); ExFractalDB 1,000 images per class, MV-FractalDB 145 models
    /// x 12 views = 1,740.
    pub fn published_3d(preset: &str, category_source: &str, categories: usize, multi_view: bool) -> Self {
        let (generator, instances) = if multi_view {
            (Generator::Mvfractaldb { points: 9_999, views: 12 }, 145 * 12)
        } else {
            (Generator::Exfractaldb { points: 9_999 }, 1000)
        };
        Self { generator, size: 224, instances, ..Self::published(preset, category_source, categories) }
    }

    /// One-instance FractalDB (Nakamura et al., ICCV 2023; ryoo-nakamura/OFDB) from the recipe it
    /// forks: one image per category, its first instance. 2-D (`2d-ofdb-generator/exe_parallel.sh`,
    /// `make_2dofdb.py`): FractalDB's renderer with weight row 0 of `weights_0.4.csv` only, (0.2, 1, 1,
    /// 1, 1, 1), one patch draw, no flip (`trans_type` 0) — FractalDB's instance 0. 3-D
    /// (`3d-ofdb-generator`: `instance.py` keeps `weights[0:1]`, `render1view.py --view_point 12`): the
    /// MV-FractalDB recipe's model 0 and its 12 views, instances 0 to 11.
    pub fn published_ofdb(fork: Self) -> Self {
        let instances = match fork.generator {
            Generator::Mvfractaldb { views, .. } => views as usize,
            _ => 1,
        };
        Self { instances, ..fork }
    }

    /// The published PC-FractalDB models (`fractal_noise_mix.py`): 8,000 + 2,000 points, 1,000 instances
    /// per class, binary PLY.
    pub fn published_pc(preset: &str, category_source: &str, categories: usize) -> Self {
        Self {
            generator: Generator::Pcfractaldb { main: 8_000, noise: 2_000 },
            format: Format::Ply,
            size: 0, // point clouds have no image size
            ..Self::published(preset, category_source, categories)
        }
    }

    /// The published PC-FractalDB scenes (`generate_scene.py` as the run script calls it): 10,000
    /// scenes of 5 + Poisson(5) objects picked from 1,000 models per class, binary PLY and JSON.
    pub fn published_scenes(preset: &str, category_source: &str, categories: usize) -> Self {
        Self {
            generator: Generator::Pcscenes { main: 8_000, noise: 2_000, models: 1000, base_objects: 5 },
            instances: 10_000,
            ..Self::published_pc(preset, category_source, categories)
        }
    }

    /// The dead-leaves recipe of the reference's `--small-scale` (128 px, 105,000 images; the large
    /// scale is `--size 256 --instances 1300000`), one unlabelled class, seed 0, PNG.
    pub fn published_dead_leaves(preset: &str, shapes: LeafShapes) -> Self {
        Self {
            generator: Generator::Deadleaves { shapes },
            size: 128,
            instances: 105_000,
            ..Self::published(preset, "one unlabelled class (the source has no labels)", 1)
        }
    }

    /// The same spec written in `format`, sharded formats with `shard_size` samples per shard
    /// (default [`DEFAULT_SHARD_SIZE`]; scenes are never sharded).
    pub fn with_format(self, format: Format, shard_size: Option<usize>) -> Self {
        let sharded = shards(&self.generator, format);
        let shard_size = if sharded { Some(shard_size.unwrap_or(DEFAULT_SHARD_SIZE)) } else { shard_size };
        Self { format, shard_size, ..self }
    }

    /// Check the values against what the generator supports; the messages name the flag to fix.
    pub fn check(&self) -> Result<()> {
        self.check_named(Naming::Flags)
    }

    /// Check the values; the messages name each setting as `naming` says.
    pub fn check_named(&self, naming: Naming) -> Result<()> {
        let n = |flag, field| naming.name(flag, field);
        if self.categories == 0 {
            bail!("{} must be at least 1", n("--categories", "categories"));
        }
        let max_instances = match self.generator {
            Generator::Fractaldb { .. } => INSTANCES_PER_CATEGORY,
            Generator::Rcdb
            | Generator::Visualatom
            | Generator::Perlin
            | Generator::Bezier
            | Generator::Andersonfarrell { .. }
            | Generator::Exfractaldb { .. }
            | Generator::Pcfractaldb { .. }
            | Generator::Pcscenes { .. } => MAX_INSTANCES,
            Generator::Mvfractaldb { views, .. } => WEIGHT_ROWS_3D * views as usize,
            Generator::Deadleaves { .. } => MAX_DEAD_LEAVES,
        };
        if let Generator::Deadleaves { .. } = self.generator
            && self.categories != 1
        {
            bail!(
                "{} must be 1: dead leaves images are unlabelled, one class, not {}",
                n("--categories", "categories"),
                self.categories
            );
        }
        if !(1..=max_instances).contains(&self.instances) {
            bail!(
                "{} must be between 1 and {max_instances}, not {}",
                n("--instances", "instances"),
                self.instances
            );
        }
        if !self.generator.makes_clouds() && !SIZES.contains(&self.size) {
            bail!(
                "{} must be between {} and {} pixels, not {}",
                n("--size", "size"),
                SIZES.start(),
                SIZES.end(),
                self.size
            );
        }
        let points = match self.generator {
            Generator::Fractaldb { points, .. }
            | Generator::Andersonfarrell { points }
            | Generator::Exfractaldb { points }
            | Generator::Mvfractaldb { points, .. } => (points, n("--points", "points")),
            Generator::Pcfractaldb { main, noise } | Generator::Pcscenes { main, noise, .. } => {
                (main.saturating_add(noise), n("--points", "main + noise"))
            }
            Generator::Rcdb
            | Generator::Visualatom
            | Generator::Deadleaves { .. }
            | Generator::Perlin
            | Generator::Bezier => (1, String::new()),
        };
        if !POINTS.contains(&points.0) {
            bail!("{} must be between {} and {}, not {}", points.1, POINTS.start(), POINTS.end(), points.0);
        }
        if let Generator::Mvfractaldb { views: 0, .. } = self.generator {
            bail!("MV-FractalDB needs at least one view ({})", n("its views", "views"));
        }
        if let Generator::Pcscenes { models, base_objects, .. } = self.generator {
            if models == 0 {
                bail!("{} must be at least 1", n("the models per class", "models"));
            }
            if base_objects > 1000 {
                bail!("{} must be at most 1000, not {base_objects}", n("--objects", "base_objects"));
            }
            if self.format == Format::Webdataset {
                bail!(
                    "{} webdataset does not hold scenes; take ply, ply-ascii or npy",
                    n("--format", "format")
                );
            }
        }
        match (self.generator.makes_clouds(), self.format) {
            (true, Format::Png) => {
                bail!(
                    "{} png makes images; point clouds take ply, ply-ascii, npy or webdataset",
                    n("--format", "format")
                )
            }
            (false, Format::Ply | Format::PlyAscii) => {
                bail!(
                    "{} {} writes point clouds; images take png, npy or webdataset",
                    n("--format", "format"),
                    self.format.name()
                )
            }
            _ => {}
        }
        if let Generator::Fractaldb { weight_step, .. } = self.generator
            && !(0.0..=0.5).contains(&weight_step)
        {
            bail!(
                "{} must be between 0 and 0.5 (the official files use 0.0125 to 0.5), not {weight_step}",
                n("--weight-step", "weight_step")
            );
        }
        if self.val_per_class >= self.instances {
            bail!(
                "{} {} leaves no training image of the {} instances per class; use fewer than {}",
                n("--val-per-class", "val_per_class"),
                self.val_per_class,
                self.instances,
                n("--instances", "instances")
            );
        }
        match (shards(&self.generator, self.format), self.shard_size) {
            (true, Some(size)) if (1..=MAX_SHARD_SIZE).contains(&size) => {}
            (true, Some(size)) => {
                bail!(
                    "{} must be between 1 and {MAX_SHARD_SIZE} samples, not {size}",
                    n("--shard-size", "shard_size")
                )
            }
            (true, None) => {
                bail!("the {:?} format needs a shard size ({})", self.format, n("--shard-size", "shard_size"))
            }
            (false, Some(_)) => {
                bail!(
                    "{} applies to shards only (--format webdataset; npy for images)",
                    n("--shard-size", "shard_size")
                )
            }
            (false, None) => {}
        }
        Ok(())
    }

    /// The core's FractalDB rendering recipe (`None` for other generators).
    pub fn fractaldb_recipe(&self) -> Option<Recipe> {
        match self.generator {
            Generator::Fractaldb { points, draw, .. } => {
                Some(Recipe { grid: Grid::square(self.size), points, draw: draw.into() })
            }
            _ => None,
        }
    }
}

impl Spec {
    /// The mean size of a PNG image of this spec, bytes per byte of the raw image (per pixel for grey): measured averages at the published
    /// sizes for each compression (`fdsl-bench throughput --png-compression`, BENCHMARKS.md); `none`
    /// stores every byte.
    pub fn png_bytes_per_pixel(&self) -> f64 {
        let per_level = match self.generator {
            // Per byte of the RGB image: 4 classes x 80 instances, `fdsl render --colour hue`.
            Generator::Fractaldb { colour: ColourMode::Hue, .. } => [0.307, 0.297, 0.139, 0.139],
            Generator::Fractaldb { draw: DrawMode::Patch, .. } => [0.293, 0.284, 0.098, 0.094],
            Generator::Fractaldb { draw: DrawMode::Point, .. } => [0.149, 0.140, 0.063, 0.059],
            Generator::Rcdb => [0.336, 0.279, 0.126, 0.124],
            // 20 classes x 5 images of visualatom-1k, `fdsl render --png-compression` each level.
            Generator::Visualatom => [0.367, 0.323, 0.233, 0.231],
            // RGB, per pixel: PIL's zlib levels 1, 2, 6, 9 on one 128 px image of each model (fdsl's
            // own RGB encoder is not measured yet).
            Generator::Deadleaves { .. } => [0.416, 0.413, 0.388, 0.359],
            // Grey, per pixel: fdsl's own encoder on 2 images of each of 100 categories of perlin-100 and
            // bezier-144 at 256 px (`fdsl render --png-compression`).
            Generator::Perlin => [0.533, 0.420, 0.353, 0.350],
            Generator::Bezier => [0.051, 0.046, 0.028, 0.026],
            _ => [0.040, 0.035, 0.030, 0.025],
        };
        match self.png_compression {
            PngCompression::Uncompressed => 1.0,
            level => per_level[level as usize - 1],
        }
    }

    /// The points of a typical scene: 5 + Poisson(5) objects of main + noise points each (0 for
    /// datasets without scenes).
    pub fn typical_scene_points(&self) -> usize {
        match self.generator {
            Generator::Pcscenes { main, noise, base_objects, .. } => {
                ((main + noise) * (base_objects + 5)) as usize
            }
            _ => 0,
        }
    }
}

/// The hash recorded as [`Spec::categories_sha256`], over the category files' texts.
pub fn categories_sha256<'a>(texts: impl IntoIterator<Item = &'a str>) -> String {
    let mut h = Sha256::new();
    for text in texts {
        h.update(text.as_bytes());
        h.update([0]);
    }
    hex(&h.finalize())
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of `bytes` in hexadecimal.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

impl Spec {
    /// Whether `other` is the same dataset: every field equal but `category_source`, which is only
    /// provenance (the folder or preset the categories were read from; `categories_sha256` names
    /// them), so that the same categories given by another path, from another working directory or
    /// mount point, or from a copy, make the same dataset.
    pub fn same_dataset(&self, other: &Spec) -> bool {
        let content = |s: &Spec| Spec { category_source: String::new(), ..s.clone() };
        content(self) == content(other)
    }
}

/// The fields in which two specs differ as datasets, as `name: ours vs theirs` (not
/// `category_source`, see [`Spec::same_dataset`]).
pub fn differences(ours: &Spec, theirs: &Spec) -> Vec<String> {
    let (serde_json::Value::Object(a), serde_json::Value::Object(b)) =
        (serde_json::to_value(ours).unwrap_or_default(), serde_json::to_value(theirs).unwrap_or_default())
    else {
        return vec!["the specification".into()];
    };
    a.iter()
        .filter(|(k, v)| *k != "category_source" && b.get(*k) != Some(v))
        .map(|(k, v)| format!("{k}: {v} here, {} there", b.get(k).cloned().unwrap_or_default()))
        .collect()
}
