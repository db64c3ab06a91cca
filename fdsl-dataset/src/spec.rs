//! What a dataset is: the full specification recorded in its manifest.

use crate::jpeg::{JpegSettings, Subsampling};
use anyhow::{Result, bail};
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

/// What a family's samples are, before it is built. Everything the generic layer knows about a
/// kind is its row of [`SampleKind::ROWS`]: a new kind of sample is one row, not a branch in every
/// check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SampleKind {
    /// Images (H x W or H x W x C, 8-bit).
    Images,
    /// Point clouds of a fixed size.
    Clouds,
    /// Scenes: point clouds of varying size with a JSON layout each.
    Scenes,
    /// Volumes (side x side x side, 8-bit) with their voxel labels.
    Volumes,
}

/// One kind of sample: what messages call its samples, whether they have a side (`--size`), the
/// formats that write them (a preset's default first) and those of them that write shards.
struct KindRow {
    kind: SampleKind,
    noun: &'static str,
    sized: bool,
    formats: &'static [Format],
    sharded: &'static [Format],
}

impl SampleKind {
    /// Every kind's row. Images in npy are N x H x W arrays per shard, while a point cloud's npy is
    /// one file per sample (N x 3, like its PLY); scenes (point clouds of varying size with a
    /// layout each) have no shards.
    const ROWS: [KindRow; 4] = {
        use Format::*;
        [
            KindRow {
                kind: SampleKind::Images,
                noun: "images",
                sized: true,
                formats: &[Png, Npy, Webdataset],
                sharded: &[Npy, Webdataset],
            },
            KindRow {
                kind: SampleKind::Clouds,
                noun: "point clouds",
                sized: false,
                formats: &[Ply, PlyAscii, Npy, Webdataset],
                sharded: &[Webdataset],
            },
            KindRow {
                kind: SampleKind::Scenes,
                noun: "scenes",
                sized: false,
                formats: &[Ply, PlyAscii, Npy],
                sharded: &[],
            },
            KindRow {
                kind: SampleKind::Volumes,
                noun: "volumes",
                sized: true,
                formats: &[Nifti, NiftiUint8, NiftiLeadingSlash, Npy, Webdataset],
                sharded: &[Npy, Webdataset],
            },
        ]
    };

    fn row(self) -> &'static KindRow {
        let row = Self::ROWS.iter().find(|row| row.kind == self);
        row.expect("every kind has its row")
    }

    /// What to call samples in messages: `images`, `point clouds`, `scenes`, `volumes`.
    pub fn noun(self) -> &'static str {
        self.row().noun
    }

    /// Whether its samples have a side (`--size`): images and volumes.
    pub fn sized(self) -> bool {
        self.row().sized
    }

    /// The formats that write its samples, the default first.
    pub fn formats(self) -> &'static [Format] {
        self.row().formats
    }

    /// The format a preset of this kind writes unless told otherwise.
    pub fn default_format(self) -> Format {
        self.formats()[0]
    }

    /// Whether its samples are written in shards in `format`.
    pub fn shards(self, format: Format) -> bool {
        self.row().sharded.contains(&format)
    }

    /// Why `format` cannot write its samples (`flag` names the setting), if it cannot: "--format
    /// png does not write volumes; volumes take nifti, ..., npy or webdataset".
    pub fn refusal(self, flag: &str, format: Format) -> Option<String> {
        if self.formats().contains(&format) {
            return None;
        }
        let names: Vec<&str> = self.formats().iter().map(|f| f.name()).collect();
        let (last, first) = names.split_last().expect("every kind has a format");
        let noun = self.noun();
        Some(format!(
            "{flag} {} does not write {noun}; {noun} take {} or {last}",
            format.name(),
            first.join(", ")
        ))
    }
}

/// Image sides accepted by the CLI (the references use 224 to 512).
pub const SIZES: std::ops::RangeInclusive<u32> = 16..=8192;

/// How a dataset is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// ImageFolder: `train/CLASS/NAME.png` (and `val/…`), one 8-bit greyscale PNG per image. Images
    /// with masks: mmsegmentation's `images/training/KEY.png` and `annotations/training/KEY.png`
    /// (and `validation`).
    Png,
    /// WebDataset: POSIX tar shards `train-NNNNNN.tar` of `KEY.cls`, `KEY.json`, `KEY.png`, and
    /// `_info.json`. Images with masks: `KEY.json`, `KEY.png`, `KEY.seg.png`.
    Webdataset,
    /// NumPy. Images: per shard `train/images-NNNNNN.npy` (uint8, N x H x W) and
    /// `train/labels-NNNNNN.npy` (int64), or with masks `train/masks-NNNNNN.npy` (uint8, N x H x W).
    /// Point clouds: one `.npy` per sample (float32, N x 3).
    Npy,
    /// Point clouds: one binary little-endian PLY per sample, `train/CLASS/NAME.ply`.
    Ply,
    /// Point clouds: one ASCII PLY per sample.
    #[serde(rename = "ply-ascii")]
    PlyAscii,
    /// Volumes: NIfTI-1 `img/imgNNNN.nii.gz` and `label/labelNNNN.nii.gz` (float64, as PrimGeoSeg's
    /// reference), and MONAI's datalist `label_numN.json` with relative paths.
    Nifti,
    /// Volumes: as [`Format::Nifti`], one byte a voxel (uint8).
    #[serde(rename = "nifti-uint8")]
    NiftiUint8,
    /// Volumes: as [`Format::Nifti`], the datalist's paths with the reference's leading `/`.
    #[serde(rename = "nifti-leading-slash")]
    NiftiLeadingSlash,
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
            "ImageFolder: train/CLASS/NAME.png (and val/...), one 8-bit greyscale PNG per image; images with \
             masks: mmsegmentation's images/training/KEY.png and annotations/training/KEY.png (and \
             validation)",
        ),
        (
            Format::Webdataset,
            "webdataset",
            "WebDataset: POSIX tar shards train-NNNNNN.tar of KEY.cls, KEY.json, KEY.png, and _info.json; \
             with masks KEY.json, KEY.png, KEY.seg.png",
        ),
        (
            Format::Npy,
            "npy",
            "NumPy. Images: per shard train/images-NNNNNN.npy (uint8, N x H x W) and train/labels-NNNNNN.npy \
             (int64), or with masks train/masks-NNNNNN.npy (uint8, N x H x W). Point clouds: one .npy per \
             sample (float32, N x 3)",
        ),
        (Format::Ply, "ply", "Point clouds: one binary little-endian PLY per sample, train/CLASS/NAME.ply"),
        (Format::PlyAscii, "ply-ascii", "Point clouds: one ASCII PLY per sample"),
        (
            Format::Nifti,
            "nifti",
            "Volumes: NIfTI-1 img/imgNNNN.nii.gz and label/labelNNNN.nii.gz (float64, as PrimGeoSeg's \
             reference) and MONAI's datalist label_numN.json, paths relative to the folder",
        ),
        (Format::NiftiUint8, "nifti-uint8", "Volumes: as nifti, one byte a voxel (uint8)"),
        (
            Format::NiftiLeadingSlash,
            "nifti-leading-slash",
            "Volumes: as nifti, the datalist's paths with the reference's leading / (/img/img0000.nii.gz, \
             which MONAI's load_decathlon_datalist takes for absolute)",
        ),
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

/// How image files are encoded: the `--encoding` choice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Codec {
    /// PNG, lossless: the files hold the rendered pixels.
    #[default]
    Png,
    /// JPEG as `cv2.imencode` writes it ([`crate::jpeg`]): the files, and every sample read back
    /// (`render`, Python, C, npy), hold the decoded pixels.
    Jpeg,
}

impl Choice for Codec {
    const ALL: &'static [(Self, &'static str, &'static str)] = &[
        (Codec::Png, "png", "PNG, lossless: the files hold the rendered pixels"),
        (
            Codec::Jpeg,
            "jpeg",
            "JPEG as cv2.imencode writes it (libjpeg-turbo's bytes, --jpeg-quality, --jpeg-subsampling); \
             every sample read back (files, npy, Python, C) is the decoded image",
        ),
    ];
}

impl Choice for Subsampling {
    const ALL: &'static [(Self, &'static str, &'static str)] = &[
        (Subsampling::S444, "4:4:4", "full chroma resolution"),
        (Subsampling::S422, "4:2:2", "chroma at half the width"),
        (Subsampling::S420, "4:2:0", "chroma at half the width and height (cv2's and libjpeg's default)"),
    ];
}

/// How a dataset's images are encoded (`"encoding"` in the spec, omitted for PNG: a manifest
/// without it, as 0.2.0 wrote them, reads as PNG). Masks are always PNG; npy arrays hold the
/// pixels a reader of the files sees.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// PNG (0.2.0's files).
    #[default]
    Png,
    /// JPEG of this quality and chroma subsampling.
    Jpeg(JpegSettings),
}

impl Encoding {
    /// The reference scripts' JPEG: `cv2.imwrite`'s quality 95, 4:2:0 (Baradad et al.'s presets).
    pub const CV2: Encoding = Encoding::Jpeg(JpegSettings { quality: 95, subsampling: Subsampling::S420 });

    /// The codec.
    pub fn codec(self) -> Codec {
        match self {
            Encoding::Png => Codec::Png,
            Encoding::Jpeg(_) => Codec::Jpeg,
        }
    }

    /// Whether it is PNG (the field is then omitted).
    pub fn is_png(&self) -> bool {
        *self == Encoding::Png
    }
}

/// The largest `--shard-size`.
pub const MAX_SHARD_SIZE: usize = 1_000_000;

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
    /// The setting's name in messages: its `flag`, or the spec's `field`.
    pub fn name(self, flag: &str, field: &str) -> String {
        match self {
            Naming::Flags => flag.to_owned(),
            Naming::Fields => format!("the spec's \"{field}\""),
        }
    }
}

/// A dataset: every output byte is a function of this and the category files. `F` is its family's
/// settings: one family's own (as its presets and checks see them), or the registration's, which
/// holds any family's ([`crate::registry::Registry`]: what a manifest records).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spec<F> {
    /// The family and its own settings (written flat, tagged by `generator`).
    #[serde(flatten)]
    pub family: F,
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
    /// How images are encoded in their files (omitted for PNG).
    #[serde(default, skip_serializing_if = "Encoding::is_png")]
    pub encoding: Encoding,
    /// The last this many instances of every class form the `val` split (0: no split).
    pub val_per_class: usize,
    /// Samples per shard (sharded formats only).
    pub shard_size: Option<usize>,
}

/// Samples per shard unless `--shard-size` says otherwise.
pub const DEFAULT_SHARD_SIZE: usize = 1000;

impl<F> Spec<F> {
    /// The same spec of the family settings `family` (its other fields cloned).
    pub fn with_family<G>(&self, family: G) -> Spec<G> {
        Spec {
            family,
            preset: self.preset.clone(),
            category_source: self.category_source.clone(),
            categories_sha256: self.categories_sha256.clone(),
            categories: self.categories,
            instances: self.instances,
            size: self.size,
            seed: self.seed,
            format: self.format,
            png_compression: self.png_compression,
            encoding: self.encoding,
            val_per_class: self.val_per_class,
            shard_size: self.shard_size,
        }
    }
}

/// What a spec needs of its family settings (implemented by the registration, which holds any
/// family's, [`crate::registry::Registry`]).
pub trait SpecFamily: Sized {
    /// What its samples are.
    fn samples(&self) -> SampleKind;
    /// The most instances per class.
    fn max_instances(&self) -> usize;
    /// Check what only this family has, with the rest of `spec` (already checked); messages name
    /// each setting as `naming` says.
    fn check(&self, spec: &Spec<Self>, naming: Naming) -> Result<()>;
    /// The version of the bytes the family makes (in the registration).
    fn bytes_version(&self) -> u32;
}

impl<F: SpecFamily> Spec<F> {
    /// What its samples are.
    pub fn samples(&self) -> SampleKind {
        self.family.samples()
    }

    /// Whether it is written in shards.
    pub fn sharded(&self) -> bool {
        self.samples().shards(self.format)
    }

    /// The same spec written in `format`, sharded formats with `shard_size` samples per shard
    /// (default [`DEFAULT_SHARD_SIZE`]; scenes are never sharded).
    pub fn with_format(self, format: Format, shard_size: Option<usize>) -> Self {
        let sharded = self.samples().shards(format);
        let shard_size = if sharded { Some(shard_size.unwrap_or(DEFAULT_SHARD_SIZE)) } else { shard_size };
        Self { format, shard_size, ..self }
    }

    /// Check the values against what the family supports; the messages name the flag to fix.
    pub fn check(&self) -> Result<()> {
        self.check_named(Naming::Flags)
    }

    /// Check the values; the messages name each setting as `naming` says.
    pub fn check_named(&self, naming: Naming) -> Result<()> {
        let n = |flag, field| naming.name(flag, field);
        let family = &self.family;
        if self.categories == 0 {
            bail!("{} must be at least 1", n("--categories", "categories"));
        }
        let max_instances = family.max_instances();
        if max_instances == 1 && self.instances != 1 {
            bail!(
                "{} must be 1: {} makes one image per class, not {}",
                n("--instances", "instances"),
                self.preset,
                self.instances
            );
        }
        if !(1..=max_instances).contains(&self.instances) {
            bail!(
                "{} must be between 1 and {max_instances}, not {}",
                n("--instances", "instances"),
                self.instances
            );
        }
        let kind = family.samples();
        if kind.sized() && !SIZES.contains(&self.size) {
            bail!(
                "{} must be between {} and {} pixels, not {}",
                n("--size", "size"),
                SIZES.start(),
                SIZES.end(),
                self.size
            );
        }
        family.check(self, naming)?;
        if let Some(refusal) = kind.refusal(&n("--format", "format"), self.format) {
            bail!(refusal);
        }
        if let Encoding::Jpeg(jpeg) = self.encoding {
            if kind != SampleKind::Images {
                bail!(
                    "{} jpeg encodes images; {} makes {}",
                    n("--encoding", "encoding"),
                    self.preset,
                    kind.noun()
                );
            }
            jpeg.check().map_err(|e| anyhow::anyhow!("{}: {e}", n("--jpeg-quality", "encoding")))?;
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
        match (self.sharded(), self.shard_size) {
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

/// The bytes version a manifest records where it records none: 0.2.0's manifests, and every
/// family's first version (the field is omitted when 1).
pub const FIRST_BYTES_VERSION: u32 = 1;

impl<F: SpecFamily + Clone + PartialEq> Spec<F> {
    /// Why this release cannot remake the files of a folder whose manifest was written by `tool` with
    /// the family's bytes version `bytes_version`, as a clause (`was written by fdsl 0.2.0, whose …`),
    /// or `None` where it can: this release's bytes version of the spec's family is the folder's.
    pub fn other_bytes(&self, tool: &str, bytes_version: u32) -> Option<String> {
        let ours = self.family.bytes_version();
        (bytes_version != ours).then(|| {
            format!(
                "was written by {tool}, whose bytes of the {} preset are version {bytes_version}; this is {}, \
                 which makes version {ours}",
                self.preset,
                crate::manifest::TOOL
            )
        })
    }

    /// Whether `other` is the same dataset: every field equal but `category_source`, which is only
    /// provenance (the folder or preset the categories were read from; `categories_sha256` names
    /// them), so that the same categories given by another path, from another working directory or
    /// mount point, or from a copy, make the same dataset.
    pub fn same_dataset(&self, other: &Spec<F>) -> bool {
        let content = |s: &Spec<F>| Spec { category_source: String::new(), ..s.clone() };
        content(self) == content(other)
    }
}

/// The fields in which two specs differ as datasets, as `name: ours vs theirs` (not
/// `category_source`, see [`Spec::same_dataset`]).
pub fn differences<F: Serialize>(ours: &Spec<F>, theirs: &Spec<F>) -> Vec<String> {
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
