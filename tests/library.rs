//! The library (`fdsl_dataset::Dataset`) gives, for every preset, the very bytes `fdsl render`
//! writes: each PNG's pixels (and each mask's), each PLY's or npy's points, from the folder's own
//! manifest.

mod common;
use common::{arg, fdsl_ok};
use fdsl_cli::formats::Piece;
use fdsl_dataset::{Dataset, Role};

use std::path::Path;

/// `fdsl render` flags of a small dataset of each preset (`tests/data/small_datasets.json`, shared with
/// the Python tests).
fn flags(preset: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/small_datasets.json");
    let table: std::collections::BTreeMap<String, Vec<String>> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    table.get(preset).unwrap_or_else(|| panic!("no small dataset for {preset}: add one")).clone()
}

/// The sample bytes a file holds: PNG pixels (grey or RGB), or the points after a PLY or npy header.
fn payload(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap();
    match path.extension().and_then(|e| e.to_str()) {
        Some("png") => common::decode_png(&bytes).pixels,
        Some("ply") => {
            let end = b"end_header\n";
            let at = bytes.windows(end.len()).position(|w| w == end).unwrap() + end.len();
            bytes[at..].to_vec()
        }
        Some("npy") => {
            let header = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
            bytes[10 + header..].to_vec()
        }
        other => panic!("unexpected file {other:?}"),
    }
}

/// The voxels of a float64 `.nii.gz` volume of `dims`, in C order, a byte each.
fn nifti(path: &Path, dims: &[usize]) -> Vec<u8> {
    use std::io::Read;
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_end(&mut raw).unwrap();
    let (n0, n1, n2) = (dims[0], dims[1], dims[2]);
    let voxel = |f: usize| f64::from_le_bytes(raw[352 + 8 * f..360 + 8 * f].try_into().unwrap()) as u8;
    let c_order = |c: usize| (c / (n1 * n2), c / n2 % n1, c % n2);
    (0..n0 * n1 * n2).map(c_order).map(|(i, j, k)| voxel(i + n0 * (j + n1 * k))).collect()
}

#[test]
fn the_library_makes_the_files_of_fdsl_render_for_every_preset() {
    let tmp = tempfile::tempdir().unwrap();
    for preset in fdsl_dataset::preset::names() {
        for format in ["", "npy"] {
            let out = arg(tmp.path(), &format!("{preset}{format}"));
            let mut args = vec!["render", "--preset", preset, "--out", &out, "--seed", "4"];
            let flags = flags(preset);
            args.extend(flags.iter().map(String::as_str));
            let clouds = preset.starts_with("pc-");
            if !format.is_empty() {
                if !clouds {
                    continue; // npy of images are shards, checked by the export tests
                }
                args.extend(["--format", format]);
            }
            fdsl_ok(&args);
            let ds = Dataset::from_manifest(Path::new(&out)).unwrap();
            let mut buffers: Vec<Vec<u8>> = ds.parts().iter().map(|p| vec![0u8; p.max_len()]).collect();
            let ext = if !clouds {
                "png"
            } else if format == "npy" {
                "npy"
            } else {
                "ply"
            };
            for index in 0..ds.len() {
                let sample = ds.sample(index).unwrap();
                let split = ds.split_of(sample.instance).name();
                let name = format!("{}.{ext}", ds.key(&sample));
                let mut slots: Vec<&mut [u8]> = buffers.iter_mut().map(Vec::as_mut_slice).collect();
                let lens = ds.render_parts(index, &mut slots).unwrap();
                let parts: Vec<&[u8]> = buffers.iter().zip(&lens).map(|(b, &n)| &b[..n]).collect();
                let roles: Vec<Role> = ds.parts().iter().map(|p| p.role).collect();
                if roles == [Role::Image, Role::Mask] {
                    // mmsegmentation's layout: the image and its mask, apart.
                    let split = if split == "val" { "validation" } else { "training" };
                    let (image, mask) = (parts[0], parts[1]);
                    let image_path = Path::new(&out).join("images").join(split).join(&name);
                    let mask_path = Path::new(&out).join("annotations").join(split).join(&name);
                    assert!(payload(&image_path) == image, "{preset}: {} differs", image_path.display());
                    assert!(payload(&mask_path) == mask, "{preset}: {} differs", mask_path.display());
                    continue;
                }
                if roles == [Role::Volume, Role::Labels] {
                    // NIfTI pairs, the reference's names: float64 voxels in Fortran order.
                    let split = if split == "val" { "val/" } else { "" };
                    let key = ds.key(&sample);
                    for (dir, part) in ["img", "label"].iter().zip(&parts) {
                        let path = Path::new(&out).join(format!("{split}{dir}/{dir}{key}.nii.gz"));
                        assert!(nifti(&path, ds.parts()[0].dims.sizes()) == *part, "{}", path.display());
                    }
                    continue;
                }
                let path = match ds.labelled() {
                    true => Path::new(&out).join(split).join(Dataset::class_name(sample.class)).join(name),
                    false => Path::new(&out).join(split).join(name),
                };
                assert!(payload(&path) == parts[0], "{preset} {format}: {} differs", path.display());
                if roles == [Role::Points, Role::Layout] {
                    // The JSON beside the cloud: the layout part as the format table writes it.
                    let layout = &ds.parts()[1];
                    let row = fdsl_cli::formats::row(ds.spec.format, layout).unwrap();
                    let json =
                        (row.encode)(&Piece { part: layout, bytes: parts[1], spec: &ds.spec }).unwrap();
                    assert_eq!(std::fs::read(path.with_extension("json")).unwrap(), json, "{preset}");
                    let last =
                        parts[1].rchunks_exact(8).next().map(|b| f64::from_le_bytes(b.try_into().unwrap()));
                    assert_eq!(
                        parts[0].len(),
                        last.unwrap_or(0.0) as usize * 12,
                        "{preset}: the points' end"
                    );
                }
            }
        }
    }
}
