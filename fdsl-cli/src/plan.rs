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
//! Images with masks (SegRCDB: numbered, no class) are laid out as segmentation code reads them:
//! - `png`: mmsegmentation's layout (its ADE20K and SegRCDB configs': `img_dir`
//!   `images/training`, `ann_dir` `annotations/training`), `images/{training,validation}/{key}.png`
//!   (the grey image) and `annotations/{training,validation}/{key}.png` (the mask, 8-bit grey, the
//!   label of each pixel), one task per chunk as above;
//! - `webdataset`: members `{key}.json`, `{key}.png` and `{key}.seg.png` (the mask) per sample, no
//!   `.cls` (an image has no one class);
//! - `npy`: `{split}/images-{NNNNNN}.npy` and `{split}/masks-{NNNNNN}.npy` (uint8, N x H x W each),
//!   no labels.
//!
//! Shards are written piece by piece: an npy shard's images each at their place in the file, a tar's
//! members first to a side file as they are rendered, then copied in order into the tar; memory
//! stays about one sample per thread whatever `--shard-size` and `--size` (the disk holds a tar
//! shard twice for a moment).
//!
//! Sample order of the sharded formats, per split: the rendering units are put in a seeded random
//! order and their samples concatenated; that sequence is cut into shards of `shard_size`, and the
//! samples of each shard are shuffled (seeded). A shard thus mixes the classes of about
//! `shard_size / 40` random units, and renders whole units, so the 10 counts still share a chaos
//! game; only the units cut by a shard boundary are traced twice.

use crate::encode::{Colour, encode_png};
use crate::output::{Made, Temporary};
use anyhow::{Context, Result};
use fdsl_core::math::stream::{Namespace, Purpose, StreamKey, shuffle};
use fdsl_dataset::dataset::{Chunk, Sample, Scratch, Split};
use fdsl_dataset::spec::Format;
use fdsl_dataset::{Dataset, SampleShape};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Seek, Write};
use std::path::Path;
use std::sync::Mutex;

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
    /// The class and its file (none for images with masks: their classes are in the mask).
    #[serde(skip_serializing_if = "Option::is_none")]
    class: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    category_file: Option<String>,
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

    /// One sample's files: a PNG, and its mask's PNG where it has one; a point cloud's binary or
    /// ASCII PLY, or its `.npy` (float32, N x 3).
    fn encode_sample(&self, sample: &[u8]) -> Result<Vec<Vec<u8>>> {
        match (self.dataset.sample_shape(), self.dataset.has_masks()) {
            (SampleShape::Image { side, .. }, true) => {
                let (image, mask) = sample.split_at(self.dataset.image_len());
                let mask = encode_png(mask, side as u32, Colour::Grey, self.dataset.spec.png_compression)?;
                Ok(vec![self.encode(image)?, mask])
            }
            _ => Ok(vec![self.encode(sample)?]),
        }
    }

    /// One image's PNG, or a point cloud's file.
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
            _ => format!("{split}/{}/{key}.{ext}", Dataset::class_name(sample.class)),
        }
    }

    /// The files of one sample: its data, and for a scene its JSON layout beside it; an image with a
    /// mask, its image and its annotation (mmsegmentation's layout).
    fn sample_files(&self, sample: &Sample) -> Vec<String> {
        if self.dataset.has_masks() {
            let split = match self.dataset.split_of(sample.instance) {
                Split::Train => "training",
                Split::Val => "validation",
            };
            let key = self.dataset.key(sample);
            return vec![format!("images/{split}/{key}.png"), format!("annotations/{split}/{key}.png")];
        }
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
                let second = if self.dataset.has_masks() { "masks" } else { "labels" };
                vec![format!("{s}/images-{index:06}.npy"), format!("{s}/{second}-{index:06}.npy")]
            }
            (Task::Shard { split, index }, _) => vec![Self::tar_name(split, index)],
        }
    }

    /// Make the files of a task: `(path, file)` in the order of [`Plan::files_of`]. The files of a
    /// chunk come in memory; a shard is written piece by piece into a temporary file beside its place
    /// under `spill` (bounded memory whatever the shard's size, the same bytes).
    pub fn render(&self, task: Task, scratch: &mut Scratch, spill: &Path) -> Result<Vec<(String, Made)>> {
        match task {
            Task::Chunk(chunk) => {
                let mut files = Vec::new();
                self.dataset.render_samples(
                    self.dataset.chunk_samples(chunk),
                    scratch,
                    |sample, raster| {
                        let mut names = self.sample_files(&sample).into_iter();
                        for file in self.encode_sample(raster)? {
                            files.push((names.next().expect("a file per part"), Made::Bytes(file)));
                        }
                        if let (Some(json), Some(layout)) = (names.next(), self.dataset.scene_json(&sample)) {
                            files.push((json, Made::Bytes(layout)));
                        }
                        Ok(())
                    },
                )?;
                Ok(files)
            }
            Task::Shard { split, index } => {
                let samples = self.shard(split, index);
                let names = self.files_of(task);
                let every: Vec<usize> = (0..samples.len()).collect();
                match self.dataset.spec.format {
                    Format::Npy => {
                        let image = self.npy_image_shape();
                        let image_len = self.dataset.image_len();
                        let shape: Vec<usize> = [samples.len()].into_iter().chain(image).collect();
                        let images = Temporary::beside(spill, &names[0])?;
                        let array = crate::npy::ArrayFile::create(images.path(), "|u1", &shape, image_len)?;
                        if self.dataset.has_masks() {
                            let (n, side, mask_len) = (samples.len(), shape[1], self.dataset.mask_len());
                            let masks = Temporary::beside(spill, &names[1])?;
                            let mask_shape = [n, side, side];
                            let mask_array =
                                crate::npy::ArrayFile::create(masks.path(), "|u1", &mask_shape, mask_len)?;
                            self.fill(samples, every, |&mut i, raster| {
                                array.put(i, &raster[..image_len])?;
                                mask_array.put(i, &raster[image_len..])
                            })?;
                            return Ok(names
                                .into_iter()
                                .zip([Made::File(images), Made::File(masks)])
                                .collect());
                        }
                        self.fill(samples, every, |&mut i, raster| array.put(i, raster))?;
                        let mut labels = crate::npy::header("<i8", &[samples.len()]);
                        labels.extend(samples.iter().flat_map(|s| (s.class as i64).to_le_bytes()));
                        Ok(names.into_iter().zip([Made::File(images), Made::Bytes(labels)]).collect())
                    }
                    _ => {
                        // The samples' files, encoded as they are rendered (in unit order), go to a
                        // side file; the tar then takes them from there in the shard's order.
                        let members = Temporary::beside(spill, &format!("{}.members", names[0]))?;
                        let side = fs::OpenOptions::new()
                            .write(true)
                            .create_new(true)
                            .open(members.path())
                            .with_context(|| format!("cannot create {}", members.path().display()))?;
                        let side = Mutex::new((side, 0u64));
                        let spans = Mutex::new(vec![Vec::new(); samples.len()]);
                        self.fill(samples, every, |&mut i, raster| {
                            let files = self.encode_sample(raster)?;
                            let mut side = side.lock().unwrap_or_else(|p| p.into_inner());
                            let mut sample_spans = Vec::new();
                            for file in files {
                                side.0.write_all(&file).context("cannot write a shard's side file")?;
                                sample_spans.push((side.1, file.len() as u64));
                                side.1 += file.len() as u64;
                            }
                            spans.lock().unwrap_or_else(|p| p.into_inner())[i] = sample_spans;
                            Ok(())
                        })?;
                        let spans = spans.into_inner().unwrap_or_else(|p| p.into_inner());
                        let tar = Temporary::beside(spill, &names[0])?;
                        self.tar(samples, members.path(), &spans, tar.path())?;
                        Ok(names.into_iter().zip([Made::File(tar)]).collect())
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

    /// Write the POSIX tar of the samples into the new file `path`: `{key}.cls`, `{key}.json`,
    /// `{key}.png` each (with masks: `{key}.json`, `{key}.png`, `{key}.seg.png`), the data of sample
    /// `i`'s files at `spans[i]` (offset, length each) of the file `members`, copied through in pieces.
    fn tar(&self, samples: &[Sample], members: &Path, spans: &[Vec<(u64, u64)>], path: &Path) -> Result<()> {
        let spec = &self.dataset.spec;
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        let mut builder = tar::Builder::new(std::io::BufWriter::new(file));
        let mut side =
            fs::File::open(members).with_context(|| format!("cannot read {}", members.display()))?;
        let labelled = self.dataset.labelled();
        for (sample, files) in samples.iter().zip(spans) {
            let key = self.dataset.key(sample);
            let info = SampleInfo {
                key: &key,
                class: labelled.then_some(sample.class),
                category_file: labelled.then(|| Dataset::category_path(sample.class)),
                split: self.dataset.split_of(sample.instance).name(),
                instance: sample.instance,
                seed: spec.seed,
                size: spec.size,
                family: &spec.family,
                parameters: self.dataset.sample_parameters(sample),
            };
            let (cls, json) = (sample.class.to_string(), serde_json::to_vec(&info)?);
            let masked = self.dataset.has_masks();
            let mut members: Vec<(&str, u64, Option<&[u8]>)> = Vec::new();
            if !masked {
                members.push(("cls", cls.len() as u64, Some(cls.as_bytes())));
            }
            members.push(("json", json.len() as u64, Some(json.as_slice())));
            let extensions = if masked { ["png", "seg.png"].as_slice() } else { &[self.extension()] };
            let at = files.first().map_or(0, |&(at, _)| at);
            members
                .extend(extensions.iter().zip(files).map(|(extension, &(_, len))| (*extension, len, None)));
            side.seek(std::io::SeekFrom::Start(at)).context("cannot read a shard's side file")?;
            for (extension, size, bytes) in members {
                let data: Box<dyn Read + '_> = match bytes {
                    Some(bytes) => Box::new(bytes),
                    None => Box::new((&mut side).take(size)),
                };
                let mut header = tar::Header::new_ustar();
                header.set_size(size);
                header.set_mode(0o644);
                header.set_uid(0);
                header.set_gid(0);
                header.set_mtime(0);
                header.set_entry_type(tar::EntryType::Regular);
                builder
                    .append_data(&mut header, format!("{key}.{extension}"), data)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
        }
        let mut file = builder.into_inner().with_context(|| format!("cannot finish {}", path.display()))?;
        file.flush().with_context(|| format!("cannot write {}", path.display()))
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
