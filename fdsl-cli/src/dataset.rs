//! A dataset: its samples, their splits, and the rendering of their rasters.
//!
//! A sample is (class, instance). The first `instances − val_per_class` instances of each class are
//! in the `train` split, the rest in `val`. Rasters are rendered in units of 40 consecutive instances
//! of one class. FractalDB indexes instances in the order weight, count, flip ([`Instance`]), so a
//! unit is one (category, weight): its 10 counts share one chaos game and its 4 flips share one
//! painted canvas. RCDB instances are independent; the unit only groups work.

use crate::categories::{Category, Params};
use crate::spec::{Generator, Spec, categories_sha256};
use anyhow::{Context, Result};
use fdsl_core::camera::Camera;
use fdsl_core::cloud::{self, WEIGHT_ROWS_3D, instance_weights_3d};
use fdsl_core::fractaldb::{COUNTS, FLIPS, Instance, Job, Recipe, paint, trace};
use fdsl_core::pc::{self, NoiseMix, REFERENCE_SCENES, SceneObject, SceneParams};
use fdsl_core::rcdb::{REFERENCE_RANGES, RcdbCategory};
use fdsl_core::stream::{Generator as StreamGenerator, Purpose, StreamKey};
use fdsl_core::weights::{WEIGHT_ROWS, instance_weights};
use fdsl_core::{Canvas, Ifs2, Ifs3};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Images per weight row: 10 counts × 4 flips.
pub const PER_WEIGHT: usize = COUNTS * FLIPS;

/// A split of the samples.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    /// The first instances of every class.
    Train,
    /// The last `val_per_class` instances of every class.
    Val,
}

impl Split {
    /// `"train"` or `"val"`.
    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Val => "val",
        }
    }
}

/// One image: instance `instance` (0 to 999) of class `category`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sample {
    /// Class index.
    pub category: usize,
    /// Instance index within the class.
    pub instance: usize,
}

impl Sample {
    /// The weight row, count and flip of this sample.
    pub fn instance(&self) -> Instance {
        Instance::from_index(self.instance).expect("instances are checked to be below 1000")
    }

    /// The unit that renders it.
    pub fn unit(&self) -> Unit {
        Unit { category: self.category, weight: self.instance / PER_WEIGHT }
    }
}

/// One unit of rendering: the images of one (category, weight).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Unit {
    /// Class index.
    pub category: usize,
    /// Weight row.
    pub weight: usize,
}

/// The categories of a dataset, as its generator reads them.
#[derive(Debug)]
pub enum Categories {
    /// FractalDB: 2-D IFSs.
    Fractal(Vec<Category<Ifs2>>),
    /// RCDB: radial contour parameters.
    Rcdb(Vec<Category<RcdbCategory>>),
    /// ExFractalDB and MV-FractalDB: 3-D IFSs.
    Fractal3(Vec<Category<Ifs3>>),
}

impl Categories {
    /// Number of categories.
    pub fn len(&self) -> usize {
        match self {
            Categories::Fractal(c) => c.len(),
            Categories::Rcdb(c) => c.len(),
            Categories::Fractal3(c) => c.len(),
        }
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The category files' texts, in class order.
    pub fn texts(&self) -> Vec<&str> {
        match self {
            Categories::Fractal(c) => c.iter().map(|c| c.text.as_str()).collect(),
            Categories::Rcdb(c) => c.iter().map(|c| c.text.as_str()).collect(),
            Categories::Fractal3(c) => c.iter().map(|c| c.text.as_str()).collect(),
        }
    }

    /// The hash recorded in the spec.
    pub fn sha256(&self) -> String {
        categories_sha256(self.texts())
    }

    /// Parse category file texts, `(source, text)`, as the categories of `generator`.
    pub fn parse(generator: &Generator, files: &[(String, String)]) -> Result<Self> {
        fn all<P: Params>(files: &[(String, String)]) -> Result<Vec<Category<P>>> {
            files.iter().map(|(source, text)| Category::parse(source, text)).collect()
        }
        Ok(match generator {
            Generator::Fractaldb { .. } => Categories::Fractal(all(files)?),
            Generator::Rcdb => Categories::Rcdb(all(files)?),
            Generator::Exfractaldb { .. }
            | Generator::Mvfractaldb { .. }
            | Generator::Pcfractaldb { .. }
            | Generator::Pcscenes { .. } => Categories::Fractal3(all(files)?),
        })
    }

    /// The category files (`*.csv`, sorted by name) of `dir`, the first `n` or all, as the
    /// categories of `generator`.
    pub fn from_dir(generator: &Generator, dir: &Path, n: Option<usize>) -> Result<Self> {
        let paths = crate::categories::csv_files(dir, n)?;
        let files: Vec<(String, String)> = paths
            .iter()
            .map(|path| {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                Ok((path.display().to_string(), text))
            })
            .collect::<Result<_>>()?;
        Self::parse(generator, &files)
    }
}

/// PC-FractalDB's extras: the split of points and the partners, drawn from the seed.
fn noise_mix(spec: &Spec, categories: usize, main: u32, noise: u32, scenes: Option<Scenes>) -> Extras {
    let mut partners = vec![0; categories];
    let key = StreamKey {
        seed: spec.seed,
        generator: StreamGenerator::PcFractalDb,
        category: u64::MAX,
        instance: 0,
        purpose: Purpose::Order,
    };
    pc::partners(&mut key.rng(), &mut partners);
    Extras::NoiseMix { mix: NoiseMix { main: main as usize, noise: noise as usize }, partners, scenes }
}

/// What FractalDB needs to render, beyond the spec and the categories.
#[derive(Debug)]
struct FractalRecipe {
    weights: Box<[[f64; 6]; WEIGHT_ROWS]>,
    recipe: Recipe,
}

/// What each generator needs to render beyond the spec and the categories.
#[derive(Debug)]
enum Extras {
    Fractal(FractalRecipe),
    Rcdb,
    /// 3-D: the 145 weight rows, points per model, views per model (`None`: random on the sphere).
    Cloud {
        weights: Box<[[f64; 12]; WEIGHT_ROWS_3D]>,
        points: u32,
        views: Option<u32>,
    },
    /// PC-FractalDB: the split of points, and the partner of instance `j` is `partners[j mod n]`;
    /// with `scenes`, the samples are scenes of such instances.
    NoiseMix {
        mix: NoiseMix,
        partners: Vec<u32>,
        scenes: Option<Scenes>,
    },
}

/// How PC-FractalDB scenes pick and lay out their objects.
#[derive(Debug)]
struct Scenes {
    /// Objects are model `pick mod models` of class `pick / models`.
    models: usize,
    params: SceneParams,
}

impl Payload {
    /// What to call samples in messages: `images` or `point clouds`.
    pub fn noun(self) -> &'static str {
        match self {
            Payload::Image { .. } => "images",
            Payload::Cloud { .. } => "point clouds",
            Payload::Scene => "scenes",
        }
    }
}

/// What a sample is, as bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Payload {
    /// A `side × side` 8-bit greyscale image, row-major.
    Image {
        /// Pixels per side.
        side: usize,
    },
    /// `points` points, each little-endian `f32` x, y, z.
    Cloud {
        /// Points per sample.
        points: usize,
    },
    /// A scene: a point cloud of varying size (little-endian `f32` x, y, z) and its JSON layout.
    Scene,
}

/// A dataset ready to render: its spec and categories.
#[derive(Debug)]
pub struct Dataset {
    /// The specification.
    pub spec: Spec,
    categories: Categories,
    extras: Extras,
}

/// Per-worker buffers, reused across units.
#[derive(Default)]
pub struct Scratch {
    positions: Vec<u32>,
    canvas: Vec<u8>,
    flipped: Vec<u8>,
    /// The normalised point cloud of `cloud_of` = (class, model), its first `cloud_len` points.
    cloud: Vec<[f32; 3]>,
    cloud_of: Option<(usize, usize)>,
    cloud_len: usize,
    /// PC-FractalDB: the partner's part, the mix, the mix as bytes.
    noise: Vec<[f32; 3]>,
    mixed: Vec<[f32; 3]>,
    bytes: Vec<u8>,
    /// FractalDB canvases rendered elsewhere (a GPU), used instead of tracing and painting.
    precomputed: Option<Canvases>,
}

impl Scratch {
    /// Buffers that take FractalDB canvases from `canvases` where it has them.
    pub fn with_canvases(canvases: Canvases) -> Self {
        Self { precomputed: Some(canvases), ..Self::default() }
    }
}

/// Unflipped FractalDB canvases by (class, weight row, count).
pub type Canvases = std::sync::Arc<std::collections::HashMap<(usize, usize, usize), Vec<u8>>>;

impl Dataset {
    /// A dataset from a checked spec and its categories (of the spec's generator).
    pub fn new(spec: Spec, categories: Categories) -> Result<Self> {
        spec.check()?;
        if categories.len() != spec.categories || categories.sha256() != spec.categories_sha256 {
            anyhow::bail!("the categories are not those the spec names (count or SHA-256 differ)");
        }
        let extras = match (&spec.generator, &categories) {
            (Generator::Fractaldb { weight_step, .. }, Categories::Fractal(_)) => {
                let recipe = spec.fractaldb_recipe().expect("a FractalDB spec");
                recipe.check().context("the recipe")?;
                Extras::Fractal(FractalRecipe { weights: Box::new(instance_weights(*weight_step)), recipe })
            }
            (Generator::Rcdb, Categories::Rcdb(_)) => Extras::Rcdb,
            (&Generator::Exfractaldb { points }, Categories::Fractal3(_)) => {
                Extras::Cloud { weights: Box::new(instance_weights_3d()), points, views: None }
            }
            (&Generator::Mvfractaldb { points, views }, Categories::Fractal3(_)) => {
                Extras::Cloud { weights: Box::new(instance_weights_3d()), points, views: Some(views) }
            }
            (&Generator::Pcfractaldb { main, noise }, Categories::Fractal3(c)) => {
                noise_mix(&spec, c.len(), main, noise, None)
            }
            (&Generator::Pcscenes { main, noise, models, base_objects }, Categories::Fractal3(c)) => {
                let params = SceneParams { base_objects, ..REFERENCE_SCENES };
                noise_mix(&spec, c.len(), main, noise, Some(Scenes { models: models as usize, params }))
            }
            _ => anyhow::bail!("the categories are not of the spec's generator"),
        };
        Ok(Self { spec, categories, extras })
    }

    /// What each sample is.
    pub fn payload(&self) -> Payload {
        match &self.extras {
            Extras::NoiseMix { scenes: Some(_), .. } => Payload::Scene,
            Extras::NoiseMix { mix, .. } => Payload::Cloud { points: mix.total() },
            _ => Payload::Image { side: self.spec.size as usize },
        }
    }

    /// Bytes of one sample's payload (0 for scenes, whose size varies).
    pub fn payload_len(&self) -> usize {
        match self.payload() {
            Payload::Image { side } => side * side,
            Payload::Cloud { points } => points * 12,
            Payload::Scene => 0,
        }
    }

    /// Groups of samples: the classes, or one group of scenes.
    fn sample_groups(&self) -> usize {
        if self.payload() == Payload::Scene { 1 } else { self.class_count() }
    }

    /// Number of classes.
    pub fn class_count(&self) -> usize {
        self.categories.len()
    }

    /// The category files, `(path in the dataset, text)`, in class order.
    pub fn category_files(&self) -> Vec<(String, String)> {
        let texts = self.categories.texts();
        texts.into_iter().enumerate().map(|(c, t)| (Self::category_path(c), t.to_owned())).collect()
    }

    /// Path of class `c`'s category file in the dataset.
    pub fn category_path(c: usize) -> String {
        format!("categories/{}.csv", Self::class_name(c))
    }

    /// The 3-D model (weight row) and view of a sample: ExFractalDB cycles through the 145 models
    /// (`instance mod 145`, view = the instance); MV-FractalDB shows each model from every view
    /// (`instance = model · views + view`).
    fn model_and_view(&self, sample: &Sample) -> (usize, usize) {
        match self.extras {
            Extras::Cloud { views: Some(v), .. } => {
                (sample.instance / v as usize, sample.instance % v as usize)
            }
            _ => (sample.instance % WEIGHT_ROWS_3D, sample.instance),
        }
    }

    /// The name of a sample, unique within its split and free of dots: FractalDB's reference stem
    /// `{class:05}_{weight:02}_count_{count}_flip{flip}`, RCDB's `{class:05}_{instance:04}`,
    /// MV-FractalDB's `{class:05}_{model:05}_{view:03}`, ExFractalDB's `{class:05}_{instance:05}`.
    pub fn key(&self, sample: &Sample) -> String {
        let c = sample.category;
        match &self.extras {
            Extras::Fractal(_) => {
                let i = sample.instance();
                format!("{c:05}_{:02}_count_{}_flip{}", i.weight, i.count, i.flip as usize)
            }
            Extras::Rcdb => format!("{c:05}_{:04}", sample.instance),
            Extras::Cloud { views: Some(_), .. } => {
                let (model, view) = self.model_and_view(sample);
                format!("{c:05}_{model:05}_{view:03}")
            }
            Extras::Cloud { views: None, .. } => format!("{c:05}_{:05}", sample.instance),
            Extras::NoiseMix { scenes: Some(_), .. } => format!("scene_{:05}", sample.instance),
            Extras::NoiseMix { .. } => format!("{c:05}_{:04}", sample.instance),
        }
    }

    /// What made a sample, beyond its class, instance and the spec: for the WebDataset sidecar.
    pub fn sample_parameters(&self, sample: &Sample) -> serde_json::Value {
        match (&self.categories, &self.extras) {
            (_, Extras::Fractal(FractalRecipe { weights, .. })) => {
                let i = sample.instance();
                serde_json::json!({
                    "weight": i.weight, "weight_factors": weights[i.weight], "count": i.count, "flip": i.flip as usize,
                })
            }
            (Categories::Rcdb(categories), _) => {
                let c = &categories[sample.category].params;
                serde_json::json!({
                    "vertex_number": c.vertices, "contour_number": c.contours,
                    "perlin_coefficient": c.perlin_coefficient, "line_width": c.line_width,
                })
            }
            (_, Extras::Cloud { weights, .. }) => {
                let (model, view) = self.model_and_view(sample);
                serde_json::json!({ "model": model, "weight_factors": weights[model], "view": view })
            }
            (_, Extras::NoiseMix { partners, .. }) => {
                serde_json::json!({ "partner": partners[sample.instance % partners.len()] })
            }
            _ => unreachable!("Dataset::new pairs each generator's categories with its extras"),
        }
    }

    /// Folder name of class `c`.
    pub fn class_name(c: usize) -> String {
        format!("{c:05}")
    }

    /// The splits present: `train`, and `val` when `val_per_class > 0`.
    pub fn splits(&self) -> Vec<Split> {
        if self.spec.val_per_class > 0 { vec![Split::Train, Split::Val] } else { vec![Split::Train] }
    }

    /// The split of instance `i`.
    pub fn split_of(&self, instance: usize) -> Split {
        if instance + self.spec.val_per_class >= self.spec.instances { Split::Val } else { Split::Train }
    }

    /// Number of samples of a split.
    pub fn sample_count(&self, split: Split) -> usize {
        let per_class = match split {
            Split::Train => self.spec.instances - self.spec.val_per_class,
            Split::Val => self.spec.val_per_class,
        };
        per_class * self.sample_groups()
    }

    /// All units, in class then weight order.
    pub fn units(&self) -> Vec<Unit> {
        let weights = self.spec.instances.div_ceil(PER_WEIGHT);
        (0..self.sample_groups())
            .flat_map(|category| (0..weights).map(move |weight| Unit { category, weight }))
            .collect()
    }

    /// The samples of a unit, in order.
    pub fn unit_samples(&self, unit: Unit) -> impl Iterator<Item = Sample> + use<> {
        let start = unit.weight * PER_WEIGHT;
        let end = self.spec.instances.min(start + PER_WEIGHT);
        (start..end).map(move |instance| Sample { category: unit.category, instance })
    }

    /// Total number of samples.
    pub fn sample_total(&self) -> usize {
        self.sample_groups() * self.spec.instances
    }

    /// Render `samples` of one unit (sorted by instance), handing each sample's payload (see
    /// [`Dataset::payload`]) to `emit`, in order.
    pub fn render_unit(
        &self,
        unit: Unit,
        samples: impl IntoIterator<Item = Sample>,
        scratch: &mut Scratch,
        emit: impl FnMut(Sample, &[u8]) -> Result<()>,
    ) -> Result<()> {
        let side = self.spec.size as usize;
        scratch.canvas.resize(side * side, 0);
        scratch.flipped.resize(side * side, 0);
        match (&self.categories, &self.extras) {
            (Categories::Fractal(categories), Extras::Fractal(FractalRecipe { weights, recipe })) => {
                let ifs = categories[unit.category].params.scaled(&weights[unit.weight]);
                self.render_fractal(&ifs, recipe, unit, samples, scratch, emit)
            }
            (Categories::Rcdb(categories), Extras::Rcdb) => {
                let category = &categories[unit.category].params;
                let mut emit = emit;
                for sample in samples {
                    let key = self.stream(StreamGenerator::Rcdb, &sample, sample.instance, Purpose::Shape);
                    let mut canvas = Canvas::new(&mut scratch.canvas, side, side).expect("sized above");
                    category.draw(&mut key.rng(), &REFERENCE_RANGES, &mut canvas)?;
                    emit(sample, &scratch.canvas)?;
                }
                Ok(())
            }
            (Categories::Fractal3(categories), Extras::Cloud { weights, points, views }) => {
                let mut emit = emit;
                scratch.cloud.resize(*points as usize, [0.0; 3]);
                for sample in samples {
                    let (model, view) = self.model_and_view(&sample);
                    if scratch.cloud_of != Some((sample.category, model)) {
                        // The model: the category scaled by its weight row, its chaos game normalised.
                        let ifs = categories[sample.category].params.scaled(&weights[model]);
                        let chain = self.stream(StreamGenerator::ExFractalDb, &sample, model, Purpose::Chain);
                        scratch.cloud_len = cloud::chaos_game(&ifs, chain.rng(), &mut scratch.cloud);
                        cloud::normalise(&mut scratch.cloud[..scratch.cloud_len]);
                        scratch.cloud_of = Some((sample.category, model));
                    }
                    let mut rng = self
                        .stream(StreamGenerator::ExFractalDb, &sample, sample.instance, Purpose::Shape)
                        .rng();
                    let camera = match views {
                        Some(v) => Camera::mv_view_jittered(view as u32, *v, &mut rng),
                        None => Camera::on_sphere(&mut rng),
                    };
                    let mut canvas = Canvas::new(&mut scratch.canvas, side, side).expect("sized above");
                    canvas.clear();
                    camera.draw(&scratch.cloud[..scratch.cloud_len], &mut canvas);
                    emit(sample, &scratch.canvas)?;
                }
                Ok(())
            }
            (Categories::Fractal3(categories), Extras::NoiseMix { mix, partners, scenes }) => {
                let mut emit = emit;
                for sample in samples {
                    let mut bytes = core::mem::take(&mut scratch.bytes);
                    bytes.clear();
                    match scenes {
                        None => {
                            let points = self.mixed(categories, mix, partners, sample, scratch);
                            bytes.extend(points.iter().flatten().flat_map(|v| v.to_le_bytes()));
                        }
                        Some(scenes) => {
                            for o in self.scene_layout(sample.instance) {
                                let (class, model) =
                                    (o.pick as usize / scenes.models, o.pick as usize % scenes.models);
                                let object = Sample { category: class, instance: model };
                                let points = self.mixed(categories, mix, partners, object, scratch);
                                let mut placed = vec![[0.0f32; 3]; points.len()];
                                o.place(points, &mut placed);
                                bytes.extend(placed.iter().flatten().flat_map(|v| v.to_le_bytes()));
                            }
                        }
                    }
                    emit(sample, &bytes)?;
                    scratch.bytes = bytes;
                }
                Ok(())
            }
            _ => unreachable!("Dataset::new pairs each generator's categories with its extras"),
        }
    }

    /// PC-FractalDB instance `sample` (a model): the class's own part (cached per class), mixed with
    /// the partner's part of this instance, re-centred. In `scratch.mixed`.
    fn mixed<'s>(
        &self,
        categories: &[Category<Ifs3>],
        mix: &NoiseMix,
        partners: &[u32],
        sample: Sample,
        scratch: &'s mut Scratch,
    ) -> &'s [[f32; 3]] {
        scratch.cloud.resize(mix.main, [0.0; 3]);
        scratch.noise.resize(mix.noise, [0.0; 3]);
        scratch.mixed.resize(mix.total(), [0.0; 3]);
        if scratch.cloud_of != Some((sample.category, usize::MAX)) {
            let chain = self.stream(StreamGenerator::PcFractalDb, &sample, usize::MAX, Purpose::Chain);
            pc::part(&categories[sample.category].params, chain.rng(), &mut scratch.cloud);
            scratch.cloud_of = Some((sample.category, usize::MAX));
        }
        let partner = partners[sample.instance % partners.len()] as usize;
        let chain = self.stream(StreamGenerator::PcFractalDb, &sample, sample.instance, Purpose::Chain);
        pc::part(&categories[partner].params, chain.rng(), &mut scratch.noise);
        pc::mix(&scratch.cloud, &scratch.noise, &mut scratch.mixed);
        &scratch.mixed
    }

    /// The objects of scene `scene` (empty for datasets without scenes).
    pub fn scene_layout(&self, scene: usize) -> Vec<SceneObject> {
        let Extras::NoiseMix { scenes: Some(scenes), .. } = &self.extras else { return Vec::new() };
        let key = StreamKey {
            seed: self.spec.seed,
            generator: StreamGenerator::PcFractalDb,
            category: u64::MAX - 1,
            instance: scene as u64,
            purpose: Purpose::Shape,
        };
        let pool = (self.class_count() * scenes.models) as u64;
        let mut objects = vec![SceneObject::default(); scenes.params.base_objects as usize + 100];
        let n = pc::scene(&mut key.rng(), &scenes.params, pool, &mut objects);
        objects.truncate(n);
        objects
    }

    /// The JSON layout of scene `scene`: per object its class index and folder name, model, box
    /// size, centre and heading (radians about z), and the range of its points in the scene's cloud.
    pub fn scene_json(&self, scene: usize) -> Vec<u8> {
        let Extras::NoiseMix { mix, scenes: Some(scenes), .. } = &self.extras else { return Vec::new() };
        let objects: Vec<serde_json::Value> = self
            .scene_layout(scene)
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let class = o.pick as usize / scenes.models;
                serde_json::json!({
                    "class": class,
                    "class_name": Self::class_name(class),
                    "model": o.pick as usize % scenes.models,
                    "size": o.size,
                    "centre": o.centre,
                    "heading": o.heading,
                    "points": [i * mix.total(), (i + 1) * mix.total()],
                })
            })
            .collect();
        serde_json::to_vec_pretty(&objects).expect("serialisable")
    }

    /// The stream of `purpose` for `instance` (an instance or a model index) of the sample's class.
    fn stream(
        &self,
        generator: StreamGenerator,
        sample: &Sample,
        instance: usize,
        purpose: Purpose,
    ) -> StreamKey {
        StreamKey {
            seed: self.spec.seed,
            generator,
            category: sample.category as u64,
            instance: instance as u64,
            purpose,
        }
    }

    /// The FractalDB canvases `samples` need, each once, as jobs for `Job::render` (on a GPU), with
    /// their keys (class, weight row, count); empty for other generators. Point mode needs count 0 only.
    pub fn fractal_jobs(
        &self,
        samples: impl IntoIterator<Item = Sample>,
    ) -> Vec<((usize, usize, usize), Job)> {
        let (Categories::Fractal(categories), Extras::Fractal(FractalRecipe { weights, recipe })) =
            (&self.categories, &self.extras)
        else {
            return Vec::new();
        };
        let mut keys: Vec<(usize, usize, usize)> = samples
            .into_iter()
            .map(|s| {
                let i = s.instance();
                (s.category, i.weight, i.canvas_count(recipe.draw))
            })
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys.into_iter()
            .map(|(c, w, count)| {
                let ifs = categories[c].params.scaled(&weights[w]);
                ((c, w, count), Job { ifs, category: c as u64, weight: w as u64, count: count as u64 })
            })
            .collect()
    }

    /// The FractalDB recipe, if this is a FractalDB dataset.
    pub fn fractal_recipe(&self) -> Option<&Recipe> {
        match &self.extras {
            Extras::Fractal(f) => Some(&f.recipe),
            _ => None,
        }
    }

    /// FractalDB: trace the unit's chaos game once, paint each count once (or take the canvases
    /// `scratch.precomputed` holds), flip each sample.
    fn render_fractal(
        &self,
        ifs: &Ifs2,
        recipe: &Recipe,
        unit: Unit,
        samples: impl IntoIterator<Item = Sample>,
        scratch: &mut Scratch,
        mut emit: impl FnMut(Sample, &[u8]) -> Result<()>,
    ) -> Result<()> {
        let seed = self.spec.seed;
        let (category, weight) = (unit.category as u64, unit.weight);
        let side = self.spec.size as usize;
        scratch.positions.resize(recipe.points as usize, 0);
        let mut traced = None;
        let mut painted = None;
        for sample in samples {
            debug_assert_eq!(sample.unit(), unit);
            let instance = sample.instance();
            let count = instance.canvas_count(recipe.draw);
            if painted != Some(count) {
                let given = scratch.precomputed.as_ref().and_then(|p| p.get(&(unit.category, weight, count)));
                if let Some(pixels) = given {
                    scratch.canvas.copy_from_slice(pixels);
                } else {
                    let n = match traced {
                        Some(n) => n,
                        None => *traced.insert(trace(
                            ifs,
                            seed,
                            category,
                            weight,
                            recipe,
                            &mut scratch.positions,
                        )?),
                    };
                    let mut canvas = Canvas::new(&mut scratch.canvas, side, side).expect("sized above");
                    paint(&mut canvas, &scratch.positions[..n], recipe.draw, seed, category, weight, count);
                }
                painted = Some(count);
            }
            let canvas = Canvas::new(&mut scratch.canvas, side, side).expect("sized above");
            canvas.write_flipped(instance.flip, &mut scratch.flipped).expect("sized above");
            emit(sample, &scratch.flipped)?;
        }
        Ok(())
    }
}
