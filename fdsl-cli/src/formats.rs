//! The one table of how parts are written: per output format and part role ([`Role`]), the part's
//! file (its encoder and extension), where the file goes, how it is sharded, what it weighs, and per
//! role its tile on a contact sheet. Every writer, `verify`, resume, `preview`, `--dry-run` and the
//! memory estimate read it; none names a family or a kind of sample.
//!
//! A new part role or a new format is rows here: one [`Row`] per (format, role) it is written in,
//! and one [`Look`] per role. A part whose (format, role) has no row cannot be written in that
//! format, and the render says so.
//!
//! Today's rows keep 0.2.0's files byte for byte: `KEY.png` (images), `KEY.seg.png` (masks in a
//! tar), mmsegmentation's `images/` and `annotations/` folders (unlabelled images and their masks),
//! `images-/masks-NNNNNN.npy` shards, PLY and `.npy` point clouds, a scene's JSON layout beside its
//! cloud. A new part's files are named `KEY.PART.EXT` beside the sample's (`beside`). Volumes and
//! their labels (0.3.0) are NIfTI pairs in MONAI's `img/` and `label/` with its datalist (an index
//! file, [`INDEXES`]), npy shards, or `.npy` tar members.

use crate::encode::Colour;
use crate::nifti::VoxelType;
use anyhow::{Result, bail};
use fdsl_dataset::spec::{Codec, Encoding, Format, PngCompression};
use fdsl_dataset::{Dataset, Element, Part, Registry, Role, Spec, Split};

/// What an encoder and a naming rule see of a sample's part.
pub struct Piece<'a> {
    /// The part.
    pub part: &'a Part,
    /// Its bytes as rendered (a bounded part's actual entries).
    pub bytes: &'a [u8],
    /// The dataset's spec (its compression, …).
    pub spec: &'a Spec,
}

/// Where a sample's part goes when samples are files (not shards).
pub struct Place<'a> {
    /// The sample's split.
    pub split: Split,
    /// Its class's folder name, `None` for unlabelled samples.
    pub class: Option<String>,
    /// The sample's key ([`Dataset::key`]).
    pub key: &'a str,
    /// The part's name.
    pub part: &'a str,
    /// The row's extension.
    pub ext: &'a str,
}

/// How a part is written into shards of a format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shard {
    /// A tar member `{key}.{ext}` per sample.
    Member,
    /// One array per shard, `{split}/{name}-{NNNNNN}.npy`: the samples' parts stacked, N x dims.
    Array(&'static str),
    /// Not in shards: a dataset with this part writes a file per sample in this format.
    Never,
}

/// One row: how a part of `role` is written in `format` (for images, with the spec's codec).
pub struct Row {
    /// The format.
    pub format: Format,
    /// The part's role.
    pub role: Role,
    /// The spec's image codec the row is for (`--encoding`); `None`: any.
    pub codec: Option<Codec>,
    /// Its file's extension, and its tar member's suffix (`png`, `seg.png`, `ply`, `json`).
    pub ext: &'static str,
    /// Its file.
    pub encode: fn(&Piece<'_>) -> Result<Vec<u8>>,
    /// Where its file goes when samples are files.
    pub place: fn(&Place<'_>) -> String,
    /// How it goes into shards.
    pub shard: Shard,
    /// The bytes of its file for `entries` entries of its first dimension, about (`--dry-run`, the
    /// memory estimate).
    pub weight: fn(&Part, usize, &Spec) -> f64,
}

/// Draws part `i` of a sample as a `tile × tile` RGB tile, from the sample's parts (the bytes of
/// each, `bytes[k]` of `parts[k]`): `(parts, bytes, i, tile)`.
pub type Tile = fn(&[Part], &[&[u8]], usize, usize) -> Vec<u8>;

/// How a part of a role shows on a contact sheet (`fdsl preview`).
pub struct Look {
    /// The role.
    pub role: Role,
    /// Its tile; `None` for a part that is not drawn (a layout).
    pub tile: Option<Tile>,
}

/// Every row.
#[rustfmt::skip]
pub const ROWS: &[Row] = &[
    Row { format: Format::Png, role: Role::Image, codec: Some(Codec::Png), ext: "png", encode: png, place: segmentation::<0>, shard: Shard::Never, weight: png_weight },
    Row { format: Format::Png, role: Role::Image, codec: Some(Codec::Jpeg), ext: "jpg", encode: jpg, place: segmentation::<0>, shard: Shard::Never, weight: jpg_weight },
    Row { format: Format::Png, role: Role::Mask, codec: None, ext: "png", encode: png, place: segmentation::<1>, shard: Shard::Never, weight: png_weight },
    Row { format: Format::Webdataset, role: Role::Image, codec: Some(Codec::Png), ext: "png", encode: png, place: folder, shard: Shard::Member, weight: png_weight },
    Row { format: Format::Webdataset, role: Role::Image, codec: Some(Codec::Jpeg), ext: "jpg", encode: jpg, place: folder, shard: Shard::Member, weight: jpg_weight },
    Row { format: Format::Webdataset, role: Role::Mask, codec: None, ext: "seg.png", encode: png, place: folder, shard: Shard::Member, weight: png_weight },
    Row { format: Format::Webdataset, role: Role::Points, codec: None, ext: "ply", encode: ply_binary, place: folder, shard: Shard::Member, weight: ply_weight },
    Row { format: Format::Webdataset, role: Role::Layout, codec: None, ext: "json", encode: layout_json, place: folder, shard: Shard::Never, weight: json_weight },
    Row { format: Format::Npy, role: Role::Image, codec: None, ext: "npy", encode: npy, place: folder, shard: Shard::Array("images"), weight: npy_weight },
    Row { format: Format::Npy, role: Role::Mask, codec: None, ext: "npy", encode: npy, place: beside, shard: Shard::Array("masks"), weight: npy_weight },
    Row { format: Format::Npy, role: Role::Points, codec: None, ext: "npy", encode: npy, place: folder, shard: Shard::Never, weight: ply_weight },
    Row { format: Format::Npy, role: Role::Layout, codec: None, ext: "json", encode: layout_json, place: folder, shard: Shard::Never, weight: json_weight },
    Row { format: Format::Ply, role: Role::Points, codec: None, ext: "ply", encode: ply_binary, place: folder, shard: Shard::Never, weight: ply_weight },
    Row { format: Format::Ply, role: Role::Layout, codec: None, ext: "json", encode: layout_json, place: folder, shard: Shard::Never, weight: json_weight },
    Row { format: Format::PlyAscii, role: Role::Points, codec: None, ext: "ply", encode: ply_ascii, place: folder, shard: Shard::Never, weight: ply_ascii_weight },
    Row { format: Format::PlyAscii, role: Role::Layout, codec: None, ext: "json", encode: layout_json, place: folder, shard: Shard::Never, weight: json_weight },
    Row { format: Format::Nifti, role: Role::Volume, codec: None, ext: "nii.gz", encode: nifti::<8>, place: monai::<0>, shard: Shard::Never, weight: nifti_weight },
    Row { format: Format::Nifti, role: Role::Labels, codec: None, ext: "nii.gz", encode: nifti::<8>, place: monai::<1>, shard: Shard::Never, weight: nifti_weight },
    Row { format: Format::NiftiUint8, role: Role::Volume, codec: None, ext: "nii.gz", encode: nifti::<1>, place: monai::<0>, shard: Shard::Never, weight: nifti_weight },
    Row { format: Format::NiftiUint8, role: Role::Labels, codec: None, ext: "nii.gz", encode: nifti::<1>, place: monai::<1>, shard: Shard::Never, weight: nifti_weight },
    Row { format: Format::NiftiLeadingSlash, role: Role::Volume, codec: None, ext: "nii.gz", encode: nifti::<8>, place: monai::<0>, shard: Shard::Never, weight: nifti_weight },
    Row { format: Format::NiftiLeadingSlash, role: Role::Labels, codec: None, ext: "nii.gz", encode: nifti::<8>, place: monai::<1>, shard: Shard::Never, weight: nifti_weight },
    Row { format: Format::Npy, role: Role::Volume, codec: None, ext: "npy", encode: npy, place: folder, shard: Shard::Array("volumes"), weight: npy_weight },
    Row { format: Format::Npy, role: Role::Labels, codec: None, ext: "npy", encode: npy, place: beside, shard: Shard::Array("voxel-labels"), weight: npy_weight },
    Row { format: Format::Webdataset, role: Role::Volume, codec: None, ext: "volume.npy", encode: npy, place: folder, shard: Shard::Member, weight: npy_weight },
    Row { format: Format::Webdataset, role: Role::Labels, codec: None, ext: "labels.npy", encode: npy, place: folder, shard: Shard::Member, weight: npy_weight },
];

/// A file a format writes about all of a dataset's samples: `(parts, files)` to its path and bytes,
/// `files` each sample's split and files (in part order); `None` where the parts are not those it
/// lists.
pub type IndexFile = fn(&[Part], &[(Split, Vec<String>)]) -> Option<(String, Vec<u8>)>;

/// The index files: per format, at most one.
pub const INDEXES: &[(Format, IndexFile)] = &[
    (Format::Nifti, monai_datalist::<false>),
    (Format::NiftiUint8, monai_datalist::<false>),
    (Format::NiftiLeadingSlash, monai_datalist::<true>),
];

/// The index file of `format`'s samples, if it writes one.
pub fn index(format: Format, parts: &[Part], files: &[(Split, Vec<String>)]) -> Option<(String, Vec<u8>)> {
    INDEXES.iter().find(|(f, _)| *f == format).and_then(|(_, write)| write(parts, files))
}

/// Every role's look.
pub const LOOKS: &[Look] = &[
    Look { role: Role::Image, tile: Some(image_tile) },
    Look { role: Role::Mask, tile: Some(mask_tile) },
    Look { role: Role::Points, tile: Some(points_tile) },
    Look { role: Role::Layout, tile: None },
    Look { role: Role::Volume, tile: Some(volume_tile) },
    Look { role: Role::Labels, tile: Some(labels_tile) },
];

/// The row of `part` in `spec`'s format (and, for images, codec), or why it cannot be written so
/// (the formats that take it).
pub fn row(spec: &Spec, part: &Part) -> Result<&'static Row> {
    let (format, codec) = (spec.format, spec.encoding.codec());
    let fits = |r: &Row| r.role == part.role && r.codec.is_none_or(|c| c == codec);
    if let Some(row) = ROWS.iter().find(|r| r.format == format && fits(r)) {
        return Ok(row);
    }
    let takes: Vec<&str> = ROWS
        .iter()
        .filter(|r| r.role == part.role)
        .map(|r| fdsl_dataset::spec::Choice::name(r.format))
        .collect();
    bail!(
        "--format {} cannot write the {} part ({:?}); it is written in {}",
        fdsl_dataset::spec::Choice::name(format),
        part.name,
        part.role,
        if takes.is_empty() { String::from("no format yet") } else { takes.join(", ") }
    )
}

/// The rows of `dataset`'s parts in its format, in part order.
pub fn rows(dataset: &Dataset) -> Result<Vec<&'static Row>> {
    dataset.parts().iter().map(|p| row(&dataset.spec, p)).collect()
}

/// Whether a part shows on a contact sheet.
pub fn drawn(part: &Part) -> bool {
    LOOKS.iter().any(|l| l.role == part.role && l.tile.is_some())
}

/// The tile of part `i` of a sample, `None` for a part that is not drawn.
pub fn tile(parts: &[Part], bytes: &[&[u8]], i: usize, tile: usize) -> Option<Vec<u8>> {
    let look = LOOKS.iter().find(|l| l.role == parts[i].role)?;
    look.tile.map(|draw| draw(parts, bytes, i, tile))
}

// ---- where files go

/// The split's folder, the class's within it for labelled samples: `{split}/{class}/{key}.{ext}`, or
/// `{split}/{key}.{ext}`.
fn folder(p: &Place<'_>) -> String {
    match &p.class {
        Some(class) => format!("{}/{class}/{}.{}", p.split.name(), p.key, p.ext),
        None => format!("{}/{}.{}", p.split.name(), p.key, p.ext),
    }
}

/// Beside the sample's files, the part named: `{split}/{class}/{key}.{part}.{ext}` (new parts).
fn beside(p: &Place<'_>) -> String {
    folder(&Place { ext: &format!("{}.{}", p.part, p.ext), class: p.class.clone(), ..*p })
}

/// mmsegmentation's layout (its ADE20K config's) for unlabelled samples: `img_dir`
/// `images/{training,validation}/{key}.{ext}` (`DIR` 0) and `ann_dir`
/// `annotations/{training,validation}/{key}.{ext}` (`DIR` 1); labelled samples as [`folder`] (the
/// annotation [`beside`]).
fn segmentation<const DIR: usize>(p: &Place<'_>) -> String {
    let split = match p.split {
        Split::Train => "training",
        Split::Val => "validation",
    };
    match (&p.class, DIR) {
        (None, _) => format!("{}/{split}/{}.{}", ["images", "annotations"][DIR], p.key, p.ext),
        (Some(_), 0) => folder(p),
        (Some(_), _) => beside(p),
    }
}

/// MONAI's layout, as PrimGeoSeg's reference names its files: `img/img{key}.{ext}` (`DIR` 0, the
/// volume) and `label/label{key}.{ext}` (`DIR` 1, its labels); a val split's under `val/`.
fn monai<const DIR: usize>(p: &Place<'_>) -> String {
    let dir = ["img", "label"][DIR];
    let split = match p.split {
        Split::Train => "",
        Split::Val => "val/",
    };
    format!("{split}{dir}/{dir}{}.{}", p.key, p.ext)
}

// ---- index files

/// MONAI's datalist `label_num{N}.json` of the (volume, labels) file pairs ([`crate::datalist`]):
/// the train pairs under `training`, the val pairs under `validation` (without a val split, the
/// reference's: the first tenth of `training`); paths relative, or with the reference's leading
/// `/` (`SLASH`).
fn monai_datalist<const SLASH: bool>(
    parts: &[Part],
    files: &[(Split, Vec<String>)],
) -> Option<(String, Vec<u8>)> {
    let of = |role| parts.iter().position(|p| p.role == role);
    let (volume, labels) = (of(Role::Volume)?, of(Role::Labels)?);
    let pairs = |split| -> Vec<(String, String)> {
        files
            .iter()
            .filter(|(s, _)| *s == split)
            .map(|(_, f)| (f[volume].clone(), f[labels].clone()))
            .collect()
    };
    let paths = if SLASH { crate::datalist::Paths::LeadingSlash } else { crate::datalist::Paths::Relative };
    let text = crate::datalist::monai_datalist(&pairs(Split::Train), &pairs(Split::Val), paths);
    Some((format!("label_num{}.json", files.len()), text.into_bytes()))
}

// ---- encoders

/// A volume as a gzipped NIfTI-1 file, `BYTES` a voxel: 8 float64 (the reference's), 1 uint8.
fn nifti<const BYTES: usize>(p: &Piece<'_>) -> Result<Vec<u8>> {
    let &[n0, n1, n2] = p.part.dims.sizes() else { bail!("the {} part is not 3-D", p.part.name) };
    let voxel = if BYTES == 8 { VoxelType::Float64 } else { VoxelType::Uint8 };
    if !crate::nifti::fits([n0, n1, n2]) {
        bail!("NIfTI-1 holds at most 32,767 voxels an axis");
    }
    Ok(crate::nifti::encode_gz([n0, n1, n2], p.bytes, voxel))
}

/// An 8-bit image or mask as a PNG (grey, or RGB for 3 channels).
fn png(p: &Piece<'_>) -> Result<Vec<u8>> {
    let dims = p.part.dims.sizes();
    let (height, width) = (dims[0] as u32, dims.get(1).copied().unwrap_or(1) as u32);
    let colour = Colour::of_channels(dims.get(2).copied().unwrap_or(1))?;
    crate::encode::encode_png_sized(p.bytes, width, height, colour, p.spec.png_compression)
}

/// An 8-bit image as `cv2.imencode('.jpg', …)` writes it, at the spec's quality and subsampling.
fn jpg(p: &Piece<'_>) -> Result<Vec<u8>> {
    let Encoding::Jpeg(settings) = p.spec.encoding else { bail!("the JPEG row of a spec encoded as PNG") };
    let dims = p.part.dims.sizes();
    let (height, width) = (dims[0], dims.get(1).copied().unwrap_or(1));
    fdsl_dataset::jpeg::encode(p.bytes, width, height, dims.get(2).copied().unwrap_or(1), settings)
}

/// Points as a binary little-endian PLY.
fn ply_binary(p: &Piece<'_>) -> Result<Vec<u8>> {
    Ok(crate::ply::binary(p.bytes))
}

/// Points as an ASCII PLY.
fn ply_ascii(p: &Piece<'_>) -> Result<Vec<u8>> {
    Ok(crate::ply::ascii(p.bytes))
}

/// The part as one `.npy` array: its entries x the rest of its dimensions.
fn npy(p: &Piece<'_>) -> Result<Vec<u8>> {
    let shape: Vec<usize> = [p.bytes.len() / p.part.record_len().max(1)]
        .into_iter()
        .chain(p.part.dims.sizes().iter().skip(1).copied())
        .collect();
    let mut out = crate::npy::header(npy_type(p.part.element), &shape);
    out.extend_from_slice(p.bytes);
    Ok(out)
}

/// The npy type of an element.
pub fn npy_type(element: Element) -> &'static str {
    match element {
        Element::U8 => "|u1",
        Element::F32 => "<f4",
        Element::F64 => "<f8",
    }
}

/// A scene's layout as JSON, an object per record ([`Role::Layout`]): its class index and folder
/// name, model, box size, centre, heading (radians about z), and the range of its points.
fn layout_json(p: &Piece<'_>) -> Result<Vec<u8>> {
    let records = p.bytes.chunks_exact(p.part.record_len().max(1)).map(|record| {
        let v: Vec<f64> =
            record.chunks_exact(8).map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes"))).collect();
        let whole = |x: f64| x as usize;
        serde_json::json!({
            "class": whole(v[0]),
            "class_name": Dataset::class_name(whole(v[0])),
            "model": whole(v[1]),
            "size": [v[2], v[3], v[4]],
            "centre": [v[5], v[6], v[7]],
            "heading": v[8],
            "points": [whole(v[9]), whole(v[10])],
        })
    });
    Ok(serde_json::to_vec_pretty(&records.collect::<Vec<_>>())?)
}

// ---- weights (bytes of a part's file, about)

/// A PNG: the raw bytes times the family's measured ratio at the spec's compression.
fn png_weight(part: &Part, _: usize, spec: &Spec) -> f64 {
    let ratio = match spec.png_compression {
        PngCompression::Uncompressed => 1.0,
        level => spec.family.family().png_bytes_per_byte()[level as usize - 1],
    };
    part.max_len() as f64 * ratio
}

/// A JPEG: the raw bytes times the family's measured ratio at the spec's quality and subsampling.
fn jpg_weight(part: &Part, _: usize, spec: &Spec) -> f64 {
    let Encoding::Jpeg(settings) = spec.encoding else { return png_weight(part, 0, spec) };
    part.max_len() as f64 * spec.family.family().jpeg_bytes_per_byte_q95() * settings.relative_size()
}

/// A binary PLY or npy file: its entries and a header.
fn ply_weight(part: &Part, entries: usize, _: &Spec) -> f64 {
    (entries * part.record_len()) as f64 + 200.0
}

/// An ASCII PLY: about 30 characters a point.
fn ply_ascii_weight(_: &Part, entries: usize, _: &Spec) -> f64 {
    entries as f64 * 30.0
}

/// An npy array: exactly its header and values.
fn npy_weight(part: &Part, entries: usize, _: &Spec) -> f64 {
    (entries * part.record_len()) as f64 + 128.0
}

/// A gzipped NIfTI volume: about 0.15 bytes a voxel (PrimGeoSeg's, measured) and its header.
fn nifti_weight(part: &Part, _: usize, _: &Spec) -> f64 {
    part.max_len() as f64 * 0.15 + 400.0
}

/// A JSON layout: about 250 bytes an entry.
fn json_weight(_: &Part, entries: usize, _: &Spec) -> f64 {
    entries as f64 * 250.0
}

// ---- tiles

/// An image shrunk (averaged) or grown to the tile.
fn image_tile(parts: &[Part], bytes: &[&[u8]], i: usize, tile: usize) -> Vec<u8> {
    let dims = parts[i].dims.sizes();
    crate::tile::shrink(bytes[i], dims[0], dims.get(2).copied().unwrap_or(1), tile)
}

/// The sample's image (its first [`Role::Image`] part) with the mask over it, each labelled pixel in
/// its label's colour.
fn mask_tile(parts: &[Part], bytes: &[&[u8]], i: usize, tile: usize) -> Vec<u8> {
    let side = parts[i].dims.sizes()[0];
    let grey = vec![0; bytes[i].len()];
    let image = parts.iter().position(|p| p.role == Role::Image).map_or(&grey[..], |k| bytes[k]);
    let channels = image.len() / bytes[i].len().max(1);
    let grey: Vec<u8> = image.iter().step_by(channels.max(1)).copied().collect();
    crate::tile::shrink(&crate::tile::overlay(&grey, bytes[i]), side, 3, tile)
}

/// Four axial slices of a volume (across its last axis, the slices' `z`), 2 x 2.
fn volume_tile(parts: &[Part], bytes: &[&[u8]], i: usize, tile: usize) -> Vec<u8> {
    crate::tile::axial_slices(&parts[i], bytes[i], None, tile)
}

/// The same slices of the sample's volume (its first [`Role::Volume`] part) with the labels over
/// them, each labelled voxel in its label's colour.
fn labels_tile(parts: &[Part], bytes: &[&[u8]], i: usize, tile: usize) -> Vec<u8> {
    let volume = parts.iter().position(|p| p.role == Role::Volume).map(|k| bytes[k]);
    crate::tile::axial_slices(&parts[i], volume.unwrap_or(&vec![0; bytes[i].len()]), Some(bytes[i]), tile)
}

/// Points seen from a side ([`crate::tile::projection`]).
fn points_tile(_: &[Part], bytes: &[&[u8]], i: usize, tile: usize) -> Vec<u8> {
    crate::tile::projection(bytes[i], tile)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fdsl_dataset::spec::Choice;

    #[test]
    fn every_role_has_a_look_and_no_row_is_twice() {
        for role in [Role::Image, Role::Mask, Role::Points, Role::Layout, Role::Volume, Role::Labels] {
            assert_eq!(LOOKS.iter().filter(|l| l.role == role).count(), 1, "{role:?}");
        }
        for (i, a) in ROWS.iter().enumerate() {
            assert!(
                ROWS[..i].iter().all(|b| (b.format, b.role, b.codec) != (a.format, a.role, a.codec)),
                "{}",
                a.format.name()
            );
        }
    }
}
