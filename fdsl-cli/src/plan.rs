//! The files of a dataset in its output format, grouped into tasks, and how each is made.
//!
//! A task is the unit of parallel work, of resume (the journal records finished tasks) and of
//! `--shard K/N` (part K owns the tasks whose index is K modulo N).
//! - a file per sample (`png`; point clouds' `ply`, `ply-ascii`, `npy`): one task per rendering
//!   chunk (40 consecutive instances of a class): `{split}/{class:05}/{key}.{ext}`, ImageFolder style;
//!   scenes `{split}/{key}.{ext}` with `{split}/{key}.json` beside.
//! - `webdataset`: one task per tar shard `{split}-{NNNNNN}.tar`; members `{key}.cls` (class index
//!   in ASCII decimal), `{key}.json` (what made the sample), `{key}.png` (or `.ply`), adjacent per
//!   sample; deterministic headers (mtime 0, uid/gid 0, mode 0644, no user names).
//! - `npy` of images: one task per shard: `{split}/images-{NNNNNN}.npy` (uint8, N x H x W, C order)
//!   and `{split}/labels-{NNNNNN}.npy` (int64, N).
//!
//! Sample order of the sharded formats, per split: the rendering units are put in a seeded random
//! order and their samples concatenated; that sequence is cut into shards of `shard_size`, and the
//! samples of each shard are shuffled (seeded). A shard thus mixes the classes of about
//! `shard_size / 40` random units, and renders whole units, so the 10 counts still share a chaos
//! game; only the units cut by a shard boundary are traced twice.

use crate::encode::{Colour, encode_png};
use anyhow::{Context, Result};
use fdsl_core::math::stream::{Namespace, Purpose, StreamKey, shuffle};
use fdsl_dataset::dataset::{Chunk, Sample, Scratch, Split};
use fdsl_dataset::spec::Format;
use fdsl_dataset::{Dataset, SampleShape};
use serde::Serialize;
use std::collections::BTreeMap;

/// One task: a set of output files made together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Task {
    /// The files of one chunk's samples.
    Chunk(Chunk),
    /// Shard `index` of a split (a tar file, or an images/labels pair of npy files).
    Shard {
        /// The split.
        split: Split,
        /// The shard's index within the split.
        index: usize,
    },
}

/// The plan of a dataset: its tasks and, for sharded formats, the samples of every shard.
pub struct Plan<'a> {
    /// The dataset.
    pub dataset: &'a Dataset,
    tasks: Vec<Task>,
    shards: BTreeMap<Split, Vec<Vec<Sample>>>,
}

/// The JSON sidecar of a WebDataset sample: what made it.
#[derive(Serialize)]
struct SampleInfo<'a> {
    key: &'a str,
    class: usize,
    category_file: String,
    split: &'static str,
    instance: usize,
    seed: u64,
    size: u32,
    #[serde(flatten)]
    family: &'a fdsl_dataset::families::Settings,
    #[serde(flatten)]
    parameters: serde_json::Value,
}

/// `_info.json` in the shape timm's WebDataset reader reads.
#[derive(Serialize)]
struct Info {
    name: String,
    num_classes: usize,
    splits: BTreeMap<&'static str, SplitInfo>,
}

#[derive(Serialize)]
struct SplitInfo {
    name: &'static str,
    num_samples: usize,
    filenames: Vec<String>,
    shard_lengths: Vec<usize>,
}

fn order_key(seed: u64, split: Split, step: u64) -> StreamKey {
    let split_id = match split {
        Split::Train => 0,
        Split::Val => 1,
    };
    StreamKey {
        seed,
        namespace: Namespace::SHARD_ORDER,
        category: u64::MAX,
        instance: split_id << 48 | step,
        purpose: Purpose::Order,
    }
}

impl<'a> Plan<'a> {
    /// The plan of `dataset`.
    pub fn new(dataset: &'a Dataset) -> Self {
        let spec = &dataset.spec;
        let mut shards = BTreeMap::new();
        let tasks = match spec.shard_size {
            None => dataset.chunks().into_iter().map(Task::Chunk).collect(),
            Some(size) => {
                let mut tasks = Vec::new();
                for split in dataset.splits() {
                    let split_shards = Self::shard_samples(dataset, split, size);
                    tasks.extend((0..split_shards.len()).map(|index| Task::Shard { split, index }));
                    shards.insert(split, split_shards);
                }
                tasks
            }
        };
        Self { dataset, tasks, shards }
    }

    /// The samples of each shard of `split`, in file order.
    fn shard_samples(dataset: &Dataset, split: Split, size: usize) -> Vec<Vec<Sample>> {
        let seed = dataset.spec.seed;
        let mut units: Vec<Vec<Sample>> = dataset
            .chunks()
            .into_iter()
            .map(|u| dataset.chunk_samples(u).filter(|s| dataset.split_of(s.instance) == split).collect())
            .filter(|samples: &Vec<Sample>| !samples.is_empty())
            .collect();
        shuffle(&mut order_key(seed, split, 0).rng(), &mut units);
        let sequence = units.concat();
        sequence
            .chunks(size)
            .enumerate()
            .map(|(i, chunk)| {
                let mut shard = chunk.to_vec();
                shuffle(&mut order_key(seed, split, i as u64 + 1).rng(), &mut shard);
                shard
            })
            .collect()
    }

    /// All tasks, in their canonical order (part K of N owns the indices ≡ K mod N).
    pub fn tasks(&self) -> &[Task] {
        &self.tasks
    }

    /// The samples of a shard.
    pub fn shard(&self, split: Split, index: usize) -> &[Sample] {
        &self.shards[&split][index]
    }

    /// The samples a task renders.
    pub fn samples_of(&self, task: Task) -> Vec<Sample> {
        match task {
            Task::Chunk(chunk) => self.dataset.chunk_samples(chunk).collect(),
            Task::Shard { split, index } => self.shard(split, index).to_vec(),
        }
    }

    /// The number of samples a task renders.
    pub fn sample_count(&self, task: Task) -> usize {
        match task {
            Task::Chunk(chunk) => self.dataset.chunk_samples(chunk).count(),
            Task::Shard { split, index } => self.shard(split, index).len(),
        }
    }

    /// The file extension of one sample: `png` for images, `ply` for point clouds.
    fn extension(&self) -> &'static str {
        match (self.dataset.sample_shape(), self.dataset.spec.format) {
            (SampleShape::Image { .. }, _) => "png",
            (_, Format::Npy) => "npy",
            _ => "ply",
        }
    }

    /// One sample's file: a PNG; a point cloud's binary or ASCII PLY, or its `.npy` (float32, N x 3).
    fn encode(&self, payload: &[u8]) -> Result<Vec<u8>> {
        match (self.dataset.sample_shape(), self.dataset.spec.format) {
            (SampleShape::Image { side, channels }, _) => encode_png(
                payload,
                side as u32,
                Colour::of_channels(channels)?,
                self.dataset.spec.png_compression,
            ),
            (_, Format::PlyAscii) => Ok(crate::ply::ascii(payload)),
            (_, Format::Npy) => {
                let mut npy = crate::npy::header("<f4", &[payload.len() / 12, 3]);
                npy.extend_from_slice(payload);
                Ok(npy)
            }
            _ => Ok(crate::ply::binary(payload)),
        }
    }

    /// The shape of one image of an npy shard: `[H, W]`, or `[H, W, C]` with several channels (only
    /// images are sharded in npy: `spec::shards`).
    pub fn npy_image_shape(&self) -> Vec<usize> {
        match self.dataset.sample_shape() {
            SampleShape::Image { side, channels: 1 } => vec![side, side],
            SampleShape::Image { side, channels } => vec![side, side, channels],
            _ => unreachable!("Spec::check allows npy shards of images only"),
        }
    }

    fn sample_path(&self, sample: &Sample) -> String {
        let split = self.dataset.split_of(sample.instance).name();
        let (key, ext) = (self.dataset.key(sample), self.extension());
        match self.dataset.sample_shape() {
            SampleShape::Scene { .. } => format!("{split}/{key}.{ext}"),
            _ => format!("{split}/{}/{key}.{ext}", Dataset::class_name(sample.category)),
        }
    }

    /// The files of one sample: its data, and for a scene its JSON layout beside it.
    fn sample_files(&self, sample: &Sample) -> Vec<String> {
        let data = self.sample_path(sample);
        match self.dataset.sample_shape() {
            SampleShape::Scene { .. } => {
                let json = format!("{}.json", data.rsplit_once('.').map_or(data.as_str(), |(stem, _)| stem));
                vec![data, json]
            }
            _ => vec![data],
        }
    }

    fn tar_name(split: Split, index: usize) -> String {
        format!("{}-{index:06}.tar", split.name())
    }

    /// The files a task writes (paths relative to the dataset folder).
    pub fn files_of(&self, task: Task) -> Vec<String> {
        match (task, self.dataset.spec.format) {
            (Task::Chunk(chunk), _) => {
                self.dataset.chunk_samples(chunk).flat_map(|s| self.sample_files(&s)).collect()
            }
            (Task::Shard { split, index }, Format::Npy) => {
                let s = split.name();
                vec![format!("{s}/images-{index:06}.npy"), format!("{s}/labels-{index:06}.npy")]
            }
            (Task::Shard { split, index }, _) => vec![Self::tar_name(split, index)],
        }
    }

    /// Make the files of a task: `(path, bytes)` in the order of [`Plan::files_of`].
    pub fn render(&self, task: Task, scratch: &mut Scratch) -> Result<Vec<(String, Vec<u8>)>> {
        match task {
            Task::Chunk(chunk) => {
                let mut files = Vec::new();
                self.dataset.render_samples(
                    self.dataset.chunk_samples(chunk),
                    scratch,
                    |sample, raster| {
                        let mut names = self.sample_files(&sample).into_iter();
                        files.push((names.next().expect("a data file"), self.encode(raster)?));
                        if let (Some(json), Some(layout)) = (names.next(), self.dataset.scene_json(&sample)) {
                            files.push((json, layout));
                        }
                        Ok(())
                    },
                )?;
                Ok(files)
            }
            Task::Shard { split, index } => {
                let samples = self.shard(split, index);
                let names = self.files_of(task);
                match self.dataset.spec.format {
                    Format::Npy => {
                        let image = self.npy_image_shape();
                        let sample_len = image.iter().product();
                        let shape: Vec<usize> = [samples.len()].into_iter().chain(image).collect();
                        let header = crate::npy::header("|u1", &shape);
                        let mut images = vec![0u8; header.len() + samples.len() * sample_len];
                        images[..header.len()].copy_from_slice(&header);
                        let slots = images[header.len()..].chunks_exact_mut(sample_len);
                        self.fill(samples, slots.collect(), |slot, raster| {
                            slot.copy_from_slice(raster);
                            Ok(())
                        })?;
                        let mut labels = crate::npy::header("<i8", &[samples.len()]);
                        labels.extend(samples.iter().flat_map(|s| (s.category as i64).to_le_bytes()));
                        Ok(names.into_iter().zip([images, labels]).collect())
                    }
                    _ => {
                        let mut pngs = vec![Vec::new(); samples.len()];
                        self.fill(samples, pngs.iter_mut().collect(), |png, raster| {
                            **png = self.encode(raster)?;
                            Ok(())
                        })?;
                        let tar = self.tar(samples, &pngs)?;
                        Ok(names.into_iter().zip([tar]).collect())
                    }
                }
            }
        }
    }

    /// Render `samples` and `fill` each one's output (`outputs[i]` for `samples[i]`) from its
    /// raster, in parallel, the work the samples share done once.
    fn fill<T: Send>(
        &self,
        samples: &[Sample],
        outputs: Vec<T>,
        fill: impl Fn(&mut T, &[u8]) -> Result<()> + Sync,
    ) -> Result<()> {
        let items = samples.iter().copied().zip(outputs).collect();
        self.dataset.render_grouped(items, |raster, mut output| fill(&mut output, raster))
    }

    /// A POSIX tar of the samples: `{key}.cls`, `{key}.json`, `{key}.png` each.
    fn tar(&self, samples: &[Sample], pngs: &[Vec<u8>]) -> Result<Vec<u8>> {
        let spec = &self.dataset.spec;
        let mut builder = tar::Builder::new(Vec::with_capacity(pngs.iter().map(|p| p.len() + 2048).sum()));
        for (sample, png) in samples.iter().zip(pngs) {
            let key = self.dataset.key(sample);
            let info = SampleInfo {
                key: &key,
                class: sample.category,
                category_file: Dataset::category_path(sample.category),
                split: self.dataset.split_of(sample.instance).name(),
                instance: sample.instance,
                seed: spec.seed,
                size: spec.size,
                family: &spec.family,
                parameters: self.dataset.sample_parameters(sample),
            };
            let (cls, json) = (sample.category.to_string(), serde_json::to_vec(&info)?);
            let members: [(&str, &[u8]); 3] =
                [("cls", cls.as_bytes()), ("json", &json), (self.extension(), png)];
            for (extension, data) in members {
                let mut header = tar::Header::new_ustar();
                header.set_size(data.len() as u64);
                header.set_mode(0o644);
                header.set_uid(0);
                header.set_gid(0);
                header.set_mtime(0);
                header.set_entry_type(tar::EntryType::Regular);
                builder
                    .append_data(&mut header, format!("{key}.{extension}"), data)
                    .context("building a tar shard")?;
            }
        }
        builder.into_inner().context("finishing a tar shard")
    }

    /// The brace pattern of each split's tar shards (WebDataset; none for other formats), as
    /// `webdataset` and `braceexpand` read it: `train-{000000..000011}.tar`.
    pub fn shard_patterns(&self) -> Vec<String> {
        if self.dataset.spec.format != Format::Webdataset {
            return Vec::new();
        }
        self.shards
            .iter()
            .map(|(split, shards)| {
                format!("{}-{{000000..{:06}}}.tar", split.name(), shards.len().saturating_sub(1))
            })
            .collect()
    }

    /// The small files every part writes: `classes.txt`, `categories/*.csv`, and for WebDataset
    /// `_info.json`.
    pub fn metadata_files(&self) -> Vec<(String, Vec<u8>)> {
        let dataset = self.dataset;
        let classes: String = (0..dataset.class_count()).map(|c| Dataset::class_name(c) + "\n").collect();
        let mut files = vec![("classes.txt".to_owned(), classes.into_bytes())];
        files.extend(dataset.category_files().into_iter().map(|(path, text)| (path, text.into_bytes())));
        if dataset.spec.format == Format::Webdataset {
            let splits = self
                .shards
                .iter()
                .map(|(&split, shards)| {
                    let info = SplitInfo {
                        name: split.name(),
                        num_samples: shards.iter().map(Vec::len).sum(),
                        filenames: (0..shards.len()).map(|i| Self::tar_name(split, i)).collect(),
                        shard_lengths: shards.iter().map(Vec::len).collect(),
                    };
                    (split.name(), info)
                })
                .collect();
            let info = Info { name: dataset.spec.preset.clone(), num_classes: dataset.class_count(), splits };
            let text = serde_json::to_string_pretty(&info).expect("serialisable");
            files.push(("_info.json".to_owned(), text.into_bytes()));
        }
        files
    }
}
