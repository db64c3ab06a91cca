//! The files of a dataset in its output format, grouped into tasks, and how each is made.
//!
//! A task is the unit of parallel work, of resume (the journal records finished tasks) and of
//! `--shard K/N` (part K owns the tasks whose index is K modulo N). A sample is its parts (an image;
//! an image and its mask; a point cloud; a scene's points and layout), and how each part is written
//! in each format is one row of [`crate::formats`]: the plan only iterates the parts.
//! - a file per part of each sample: one task per rendering chunk (40 consecutive instances of a
//!   class), each part where its row puts it (`{split}/{class:05}/{key}.{ext}`, ImageFolder style;
//!   unlabelled samples `{split}/{key}.{ext}`, or mmsegmentation's `images/` and `annotations/`).
//! - `webdataset`: one task per tar shard `{split}-{NNNNNN}.tar`; members `{key}.cls` (class index
//!   in ASCII decimal; labelled samples only), `{key}.json` (what made the sample), then each part's
//!   `{key}.{ext}` (`.png`, `.seg.png`, `.ply`), adjacent per sample; deterministic headers (mtime 0,
//!   uid/gid 0, mode 0644, no user names).
//! - `npy` shards: one task per shard, per part its array `{split}/{name}-{NNNNNN}.npy` (N x the
//!   part's dimensions, C order: `images-`, `masks-`; a JPEG spec's images decoded, as its files
//!   would read), then for labelled samples
//!   `{split}/labels-{NNNNNN}.npy` (int64, N).
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

use crate::formats::{Piece, Place, Row, Shard};
use crate::output::{Made, Temporary};
use anyhow::{Context, Result};
use fdsl_core::math::stream::{Namespace, Purpose, StreamKey, shuffle};
use fdsl_dataset::dataset::{Chunk, Sample, Scratch, Split};
use fdsl_dataset::spec::{Choice, Format};
use fdsl_dataset::{Dataset, Part, Registry};
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
    /// The row of each part, in part order.
    rows: Vec<&'static Row>,
    tasks: Vec<Task>,
    shards: BTreeMap<Split, Vec<Vec<Sample>>>,
}

/// The JSON sidecar of a WebDataset sample: what made it.
#[derive(Serialize)]
struct SampleInfo<'a> {
    key: &'a str,
    /// The class and its file (none for unlabelled samples).
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
    /// The plan of `dataset`, or why its format cannot write its parts.
    pub fn new(dataset: &'a Dataset) -> Result<Self> {
        let spec = &dataset.spec;
        let rows = crate::formats::rows(dataset)?;
        if spec.shard_size.is_some()
            && let Some((part, _)) = dataset.parts().iter().zip(&rows).find(|(_, r)| r.shard == Shard::Never)
        {
            anyhow::bail!("--format {} does not write the {} part in shards", spec.format.name(), part.name);
        }
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
        Ok(Self { dataset, rows, tasks, shards })
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

    /// The parts with their rows, in part order.
    fn parts(&self) -> impl Iterator<Item = (&Part, &'static Row)> {
        self.dataset.parts().iter().zip(self.rows.iter().copied())
    }

    /// The file of each part of a sample, in part order.
    fn encode_sample(&self, parts: &[&[u8]]) -> Result<Vec<Vec<u8>>> {
        self.parts()
            .zip(parts)
            .map(|((part, row), &bytes)| (row.encode)(&Piece { part, bytes, spec: &self.dataset.spec }))
            .collect()
    }

    /// The files of one sample, a file per part where its row puts it.
    fn sample_files(&self, sample: &Sample) -> Vec<String> {
        let key = self.dataset.key(sample);
        let class = self.dataset.labelled().then(|| Dataset::class_name(sample.class));
        let split = self.dataset.split_of(sample.instance);
        self.parts()
            .map(|(part, row)| {
                (row.place)(&Place { split, class: class.clone(), key: &key, part: part.name, ext: row.ext })
            })
            .collect()
    }

    /// The bytes of one sample's files, about: each part's for its typical entries (`typical`) or
    /// its most.
    pub fn file_bytes(&self, typical: bool) -> f64 {
        let spec = &self.dataset.spec;
        self.parts()
            .map(|(part, row)| {
                let entries = if typical {
                    spec.family.family().typical_entries(part)
                } else {
                    part.dims.sizes().first().copied().unwrap_or(1)
                };
                (row.weight)(part, entries, spec)
            })
            .sum()
    }

    /// The bytes of an npy shard's files of `n` samples, exactly: each part's array, and the labels.
    pub fn npy_shard_bytes(&self, n: usize) -> usize {
        let array = |descr: &str, dims: &[usize], len: usize| {
            let shape: Vec<usize> = [n].into_iter().chain(dims.iter().copied()).collect();
            crate::npy::header(descr, &shape).len() + n * len
        };
        let parts: usize = self
            .parts()
            .map(|(part, _)| array(crate::formats::npy_type(part.element), part.dims.sizes(), part.max_len()))
            .sum();
        parts + if self.dataset.labelled() { array("<i8", &[], 8) } else { 0 }
    }

    /// The npy arrays of a shard of `split`: each part's, then the labels of labelled samples.
    fn arrays_of(&self, split: Split, index: usize) -> Vec<String> {
        let s = split.name();
        let names = self.rows.iter().map(|r| match r.shard {
            Shard::Array(name) => name,
            _ => unreachable!("Plan::new refuses a part that is not sharded"),
        });
        let labels = self.dataset.labelled().then_some("labels");
        names.chain(labels).map(|name| format!("{s}/{name}-{index:06}.npy")).collect()
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
            (Task::Shard { split, index }, Format::Npy) => self.arrays_of(split, index),
            (Task::Shard { split, index }, _) => vec![Self::tar_name(split, index)],
        }
    }

    /// Make the files of a task: `(path, file)` in the order of [`Plan::files_of`] ([`Plan::render_each`],
    /// collected).
    pub fn render(&self, task: Task, scratch: &mut Scratch, spill: &Path) -> Result<Vec<(String, Made)>> {
        let mut files = Vec::new();
        self.render_each(task, scratch, spill, &mut |path, made| {
            files.push((path, made));
            Ok(())
        })?;
        Ok(files)
    }

    /// Make the files of a task, handing each `(path, file)` to `each` in the order of
    /// [`Plan::files_of`]: a chunk's files one sample at a time, in memory, as soon as each sample
    /// is made (its first images land before its last are rendered: a textured chunk's 40 images
    /// wait on thousands of textures); a shard, written piece by piece into a temporary file beside
    /// its place under `spill` (bounded memory whatever the shard's size, the same bytes), at its end.
    pub fn render_each(
        &self,
        task: Task,
        scratch: &mut Scratch,
        spill: &Path,
        each: &mut dyn FnMut(String, Made) -> Result<()>,
    ) -> Result<()> {
        let files = match task {
            Task::Chunk(chunk) => {
                return self.dataset.render_samples(
                    self.dataset.chunk_samples(chunk),
                    scratch,
                    |sample, parts| {
                        let names = self.sample_files(&sample);
                        let encoded = self.encode_sample(parts)?;
                        names
                            .into_iter()
                            .zip(encoded)
                            .try_for_each(|(name, file)| each(name, Made::Bytes(file)))
                    },
                );
            }
            Task::Shard { split, index } => {
                let samples = self.shard(split, index);
                let names = self.files_of(task);
                let every: Vec<usize> = (0..samples.len()).collect();
                match self.dataset.spec.format {
                    Format::Npy => {
                        let n = samples.len();
                        let mut arrays = Vec::new();
                        for ((part, _), name) in self.parts().zip(&names) {
                            let shape: Vec<usize> =
                                [n].into_iter().chain(part.dims.sizes().iter().copied()).collect();
                            let file = Temporary::beside(spill, name)?;
                            let descr = crate::formats::npy_type(part.element);
                            let array =
                                crate::npy::ArrayFile::create(file.path(), descr, &shape, part.max_len())?;
                            arrays.push((file, array));
                        }
                        self.fill(samples, every, |&mut i, parts| {
                            arrays.iter().zip(parts).enumerate().try_for_each(|(k, ((_, array), bytes))| {
                                array.put(i, &self.dataset.as_read(k, bytes)?)
                            })
                        })?;
                        let mut made: Vec<Made> =
                            arrays.into_iter().map(|(file, _)| Made::File(file)).collect();
                        if self.dataset.labelled() {
                            let mut labels = crate::npy::header("<i8", &[n]);
                            labels.extend(samples.iter().flat_map(|s| (s.class as i64).to_le_bytes()));
                            made.push(Made::Bytes(labels));
                        }
                        names.into_iter().zip(made).collect::<Vec<_>>()
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
                        self.fill(samples, every, |&mut i, parts| {
                            let files = self.encode_sample(parts)?;
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
                        names.into_iter().zip([Made::File(tar)]).collect()
                    }
                }
            }
        };
        files.into_iter().try_for_each(|(name, file)| each(name, file))
    }

    /// Render `samples` and `fill` each one's output (`outputs[i]` for `samples[i]`) from its
    /// parts, in parallel, the work the samples share done once.
    fn fill<T: Send>(
        &self,
        samples: &[Sample],
        outputs: Vec<T>,
        fill: impl Fn(&mut T, &[&[u8]]) -> Result<()> + Sync,
    ) -> Result<()> {
        let items = samples.iter().copied().zip(outputs).collect();
        self.dataset.render_grouped(items, |parts, mut output| fill(&mut output, parts))
    }

    /// Write the POSIX tar of the samples into the new file `path`: `{key}.cls` (labelled samples),
    /// `{key}.json`, then `{key}.{ext}` per part (`.png`; `.png` and `.seg.png`; `.ply`), the data of
    /// sample `i`'s files at `spans[i]` (offset, length each) of the file `members`, copied through
    /// in pieces.
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
            let mut members: Vec<(&str, u64, Option<&[u8]>)> = Vec::new();
            if labelled {
                members.push(("cls", cls.len() as u64, Some(cls.as_bytes())));
            }
            members.push(("json", json.len() as u64, Some(json.as_slice())));
            let at = files.first().map_or(0, |&(at, _)| at);
            members.extend(self.rows.iter().zip(files).map(|(row, &(_, len))| (row.ext, len, None)));
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

    /// The small files every part writes: `classes.txt`, `categories/*.csv`, the format's index file
    /// (`formats::index`: MONAI's datalist), and for WebDataset `_info.json`.
    pub fn metadata_files(&self) -> Vec<(String, Vec<u8>)> {
        let dataset = self.dataset;
        let classes: String = (0..dataset.class_count()).map(|c| Dataset::class_name(c) + "\n").collect();
        let mut files = vec![("classes.txt".to_owned(), classes.into_bytes())];
        files.extend(dataset.category_files().into_iter().map(|(path, text)| (path, text.into_bytes())));
        if crate::formats::INDEXES.iter().any(|(format, _)| *format == dataset.spec.format) {
            // Every sample's files, only for the formats that list them.
            let samples: Vec<(Split, Vec<String>)> = dataset
                .chunks()
                .into_iter()
                .flat_map(|chunk| dataset.chunk_samples(chunk))
                .map(|s| (dataset.split_of(s.instance), self.sample_files(&s)))
                .collect();
            files.extend(crate::formats::index(dataset.spec.format, dataset.parts(), &samples));
        }
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
