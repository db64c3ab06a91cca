//! Samples by index: `index = class · instances + instance`, in chunks of [`CHUNK_LEN`] instances,
//! and their names.

use super::new::Dataset;
use crate::registry::Registry;
use anyhow::{Result, ensure};
use fdsl_core::family::Parameter;
use serde::{Deserialize, Serialize};

/// Instances per chunk: the files of a chunk of a class are made together, and sharded formats
/// shuffle whole chunks. 40 is FractalDB's weight row (its 10 counts x 4 flips share a chaos game);
/// for the other families it only groups work (kept at 40 so that their shards keep their order).
pub const CHUNK_LEN: usize = 40;

/// One sample: instance `instance` of class `class` (scenes: scene `instance` of group 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sample {
    /// Class index (0 for scenes).
    pub class: usize,
    /// Instance index within the class.
    pub instance: usize,
}

impl Sample {
    /// The chunk it is made in.
    pub fn chunk(&self) -> Chunk {
        Chunk { class: self.class, index: self.instance / CHUNK_LEN }
    }
}

/// [`CHUNK_LEN`] consecutive instances of one class: `index · 40 ..`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Chunk {
    /// Class index (written `category` where a chunk is serialised, as 0.2.0 wrote it).
    #[serde(rename = "category")]
    pub class: usize,
    /// Which 40 instances (FractalDB: the weight row).
    pub index: usize,
}

impl<R: Registry> Dataset<R> {
    /// Groups of samples: the classes, or one group of scenes.
    pub(super) fn sample_groups(&self) -> usize {
        if self.labelled() { self.class_count() } else { 1 }
    }

    /// Total number of samples.
    pub fn len(&self) -> u64 {
        (self.sample_groups() * self.spec.instances) as u64
    }

    /// Whether there is no sample (never, for a checked spec).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The sample of global index `index` (class · instances + instance).
    pub fn sample(&self, index: u64) -> Result<Sample> {
        ensure!(
            index < self.len(),
            "sample index {index} is past the end (the dataset has {} samples)",
            self.len()
        );
        let instances = self.spec.instances as u64;
        Ok(Sample { class: (index / instances) as usize, instance: (index % instances) as usize })
    }

    /// The global index of a sample.
    pub fn index_of(&self, sample: Sample) -> u64 {
        (sample.class * self.spec.instances + sample.instance) as u64
    }

    /// The label of sample `index`: its class, or −1 for scenes.
    pub fn label(&self, index: u64) -> Result<i64> {
        let sample = self.sample(index)?;
        Ok(if self.family().labelled() { sample.class as i64 } else { -1 })
    }

    /// The unit of shared work of sample `index`: (class, the family's unit within it). Samples of
    /// one unit rendered together (one batch, or in turn with one scratch) share its work:
    /// FractalDB's weight row (40 images, one chaos game), a 3-D model's images, a PC-FractalDB
    /// class's own part; RCDB and scenes share nothing (each sample is its own unit).
    pub fn unit_of(&self, index: u64) -> Result<(usize, u64)> {
        let sample = self.sample(index)?;
        Ok((sample.class, self.family().unit_of(sample.instance as u64)))
    }

    /// The key that puts samples of one unit together, in instance order.
    pub(super) fn unit_order(&self, sample: &Sample) -> (usize, u64, usize) {
        (sample.class, self.family().unit_of(sample.instance as u64), sample.instance)
    }

    /// All chunks, in class then chunk order.
    pub fn chunks(&self) -> Vec<Chunk> {
        let chunks = self.spec.instances.div_ceil(CHUNK_LEN);
        (0..self.sample_groups())
            .flat_map(|class| (0..chunks).map(move |index| Chunk { class, index }))
            .collect()
    }

    /// The samples of a chunk, in order.
    pub fn chunk_samples(&self, chunk: Chunk) -> impl Iterator<Item = Sample> + use<R> {
        let start = chunk.index * CHUNK_LEN;
        let end = self.spec.instances.min(start + CHUNK_LEN);
        (start..end).map(move |instance| Sample { class: chunk.class, instance })
    }

    /// The name of a sample, unique within its split and free of dots: the family's reference stem
    /// (FractalDB `{class:05}_{weight:02}_count_{count}_flip{flip}`, RCDB `{class:05}_{instance:04}`, …).
    pub fn key(&self, sample: &Sample) -> String {
        let mut name = String::new();
        self.family()
            .write_name(sample.class, sample.instance as u64, &mut name)
            .expect("a checked spec names every sample");
        name
    }

    /// What made a sample, beyond its class, instance and the spec: for the WebDataset sidecar.
    pub fn sample_parameters(&self, sample: &Sample) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        self.family().parameters(sample.class, sample.instance as u64, &mut |name, value| {
            let value = match value {
                Parameter::Int(v) => serde_json::json!(v),
                Parameter::Float(v) => serde_json::json!(v),
                Parameter::Floats(v) => serde_json::json!(v),
            };
            map.insert(name.to_owned(), value);
        });
        serde_json::Value::Object(map)
    }
}
