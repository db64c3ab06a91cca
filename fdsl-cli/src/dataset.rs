//! A FractalDB dataset as a list of files: which files, and the bytes of each.
//!
//! Layout (ImageFolder): `train/{class:05d}/{class:05d}_{weight:02d}_count_{count}_flip{flip}.png`
//! (the reference's file names), `classes.txt` (one class folder name per line, in class-index
//! order), `categories/{class:05d}.csv` (the category parameters), `manifest.json`.
//! Images are rendered in units of one (category, weight): the 10 counts share one chaos game and
//! the 4 flips share one raster.

use crate::categories::Category;
use crate::encode::encode_grey_png;
use crate::spec::Spec;
use anyhow::{Context, Result};
use fdsl_core::Canvas;
use fdsl_core::fractaldb::{COUNTS, FLIPS, Instance, Recipe, paint, trace};
use fdsl_core::weights::{WEIGHT_ROWS, instance_weights};

/// Images per weight row: 10 counts × 4 flips.
const PER_WEIGHT: usize = COUNTS * FLIPS;

/// One unit of work: the images of one (category, weight).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
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
        Ok(Self {
            weights: instance_weights(spec.weight_step),
            recipe,
            spec,
            categories,
        })
    }

    /// Folder name of class `c`.
    pub fn class_name(c: usize) -> String {
        format!("{c:05}")
    }

    /// Path of an image, relative to the dataset root.
    pub fn image_path(category: usize, instance: &Instance) -> String {
        let c = Self::class_name(category);
        format!(
            "train/{c}/{c}_{:02}_count_{}_flip{}.png",
            instance.weight, instance.count, instance.flip as usize
        )
    }

    /// The class folders, one per line.
    fn classes_txt(&self) -> String {
        (0..self.categories.len())
            .map(|c| Self::class_name(c) + "\n")
            .collect()
    }

    /// The small files: `classes.txt` and the category CSVs, with their bytes.
    pub fn metadata_files(&self) -> Vec<(String, Vec<u8>)> {
        let mut files = vec![("classes.txt".to_owned(), self.classes_txt().into_bytes())];
        for (c, cat) in self.categories.iter().enumerate() {
            files.push((
                format!("categories/{}.csv", Self::class_name(c)),
                cat.text.clone().into_bytes(),
            ));
        }
        files
    }

    /// All units, in class then weight order.
    pub fn units(&self) -> Vec<Unit> {
        let weights = self.spec.instances.div_ceil(PER_WEIGHT);
        (0..self.categories.len())
            .flat_map(|category| (0..weights).map(move |weight| Unit { category, weight }))
            .collect()
    }

    /// The instances of a unit, in order.
    pub fn instances(&self, unit: Unit) -> impl Iterator<Item = Instance> + use<> {
        let start = unit.weight * PER_WEIGHT;
        let end = self.spec.instances.min(start + PER_WEIGHT);
        (start..end).filter_map(Instance::from_index)
    }

    /// Total number of images.
    pub fn image_count(&self) -> usize {
        self.categories.len() * self.spec.instances
    }

    /// Render the images of `unit` and hand each `(relative path, PNG bytes)` to `emit`, in order.
    pub fn render_unit(
        &self,
        unit: Unit,
        scratch: &mut Scratch,
        mut emit: impl FnMut(&str, &[u8]) -> Result<()>,
    ) -> Result<()> {
        let seed = self.spec.seed;
        let (category, weight) = (unit.category as u64, unit.weight);
        let ifs = self.categories[unit.category]
            .ifs
            .scaled(&self.weights[weight]);
        let side = self.spec.size as usize;
        scratch.positions.resize(self.recipe.points as usize, 0);
        scratch.canvas.resize(self.recipe.canvas_len(), 0);
        scratch.flipped.resize(self.recipe.canvas_len(), 0);
        let n = trace(
            &ifs,
            seed,
            category,
            weight,
            &self.recipe,
            &mut scratch.positions,
        )?;
        let mut canvas = Canvas::new(&mut scratch.canvas, side, side).expect("sized above");
        let mut painted = None;
        for instance in self.instances(unit) {
            // Point mode draws no masks: every count is the same image, painted once.
            let count = if self.spec.draw == crate::spec::DrawMode::Point {
                0
            } else {
                instance.count
            };
            if painted != Some(count) {
                paint(
                    &mut canvas,
                    &scratch.positions[..n],
                    self.recipe.draw,
                    seed,
                    category,
                    weight,
                    count,
                );
                painted = Some(count);
            }
            canvas
                .write_flipped(instance.flip, &mut scratch.flipped)
                .expect("sized above");
            let png = encode_grey_png(&scratch.flipped, self.spec.size)?;
            emit(&Self::image_path(unit.category, &instance), &png)?;
        }
        Ok(())
    }
}
