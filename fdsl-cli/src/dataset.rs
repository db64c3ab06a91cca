//! A FractalDB dataset: its samples, their splits, and the rendering of their rasters.
//!
//! A sample is (class, instance), the instance indexed in the order weight, count, flip
//! ([`Instance`]). The first `instances − val_per_class` instances of each class are in the `train`
//! split, the rest in `val`. Rasters are rendered in units of one (category, weight): the 10 counts
//! share one chaos game and the 4 flips share one painted canvas.

use crate::categories::Category;
use crate::spec::{DrawMode, Spec};
use anyhow::{Context, Result};
use fdsl_core::Canvas;
use fdsl_core::fractaldb::{COUNTS, FLIPS, Instance, Recipe, paint, trace};
use fdsl_core::weights::{WEIGHT_ROWS, instance_weights};
use serde::{Deserialize, Serialize};

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

    /// Its name: `{class:05}_{weight:02}_count_{count}_flip{flip}`, the reference's file stem (no dots).
    pub fn key(&self) -> String {
        let i = self.instance();
        format!("{:05}_{:02}_count_{}_flip{}", self.category, i.weight, i.count, i.flip as usize)
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

/// A dataset ready to render: its spec and categories.
#[derive(Debug)]
pub struct Dataset {
    /// The specification.
    pub spec: Spec,
    /// The categories, in class order.
    pub categories: Vec<Category>,
    weights: [[f64; 6]; WEIGHT_ROWS],
    recipe: Recipe,
}

/// Per-worker buffers, reused across units.
#[derive(Default)]
pub struct Scratch {
    positions: Vec<u32>,
    canvas: Vec<u8>,
    flipped: Vec<u8>,
}

impl Dataset {
    /// A dataset from a checked spec and its categories.
    pub fn new(spec: Spec, categories: Vec<Category>) -> Result<Self> {
        spec.check()?;
        let recipe = spec.recipe();
        recipe.check().context("the recipe")?;
        Ok(Self { weights: instance_weights(spec.weight_step), recipe, spec, categories })
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

    /// The samples of a split, class by class, instances in order.
    pub fn samples(&self, split: Split) -> Vec<Sample> {
        (0..self.categories.len())
            .flat_map(|category| (0..self.spec.instances).map(move |instance| Sample { category, instance }))
            .filter(|s| self.split_of(s.instance) == split)
            .collect()
    }

    /// Number of samples of a split.
    pub fn sample_count(&self, split: Split) -> usize {
        let per_class = match split {
            Split::Train => self.spec.instances - self.spec.val_per_class,
            Split::Val => self.spec.val_per_class,
        };
        per_class * self.categories.len()
    }

    /// All units, in class then weight order.
    pub fn units(&self) -> Vec<Unit> {
        let weights = self.spec.instances.div_ceil(PER_WEIGHT);
        (0..self.categories.len())
            .flat_map(|category| (0..weights).map(move |weight| Unit { category, weight }))
            .collect()
    }

    /// The samples of a unit, in order.
    pub fn unit_samples(&self, unit: Unit) -> impl Iterator<Item = Sample> + use<> {
        let start = unit.weight * PER_WEIGHT;
        let end = self.spec.instances.min(start + PER_WEIGHT);
        (start..end).map(move |instance| Sample { category: unit.category, instance })
    }

    /// Total number of images.
    pub fn image_count(&self) -> usize {
        self.categories.len() * self.spec.instances
    }

    /// The six coefficient multipliers of weight row `w`.
    pub fn weight_factors(&self, w: usize) -> [f64; 6] {
        self.weights[w]
    }

    /// Render `samples` of one unit (sorted by instance), handing each sample's final raster
    /// (`size × size` bytes, flipped) to `emit`, in order.
    pub fn render_unit(
        &self,
        unit: Unit,
        samples: impl IntoIterator<Item = Sample>,
        scratch: &mut Scratch,
        mut emit: impl FnMut(Sample, &[u8]) -> Result<()>,
    ) -> Result<()> {
        let seed = self.spec.seed;
        let (category, weight) = (unit.category as u64, unit.weight);
        let ifs = self.categories[unit.category].ifs.scaled(&self.weights[weight]);
        let side = self.spec.size as usize;
        scratch.positions.resize(self.recipe.points as usize, 0);
        scratch.canvas.resize(self.recipe.canvas_len(), 0);
        scratch.flipped.resize(self.recipe.canvas_len(), 0);
        let mut traced = None;
        let mut painted = None;
        for sample in samples {
            debug_assert_eq!(sample.unit(), unit);
            let n = match traced {
                Some(n) => n,
                None => {
                    *traced.insert(trace(&ifs, seed, category, weight, &self.recipe, &mut scratch.positions)?)
                }
            };
            let instance = sample.instance();
            let mut canvas = Canvas::new(&mut scratch.canvas, side, side).expect("sized above");
            // Point mode draws no masks: every count is the same image, painted once.
            let count = if self.spec.draw == DrawMode::Point { 0 } else { instance.count };
            if painted != Some(count) {
                paint(&mut canvas, &scratch.positions[..n], self.recipe.draw, seed, category, weight, count);
                painted = Some(count);
            }
            canvas.write_flipped(instance.flip, &mut scratch.flipped).expect("sized above");
            emit(sample, &scratch.flipped)?;
        }
        Ok(())
    }
}
