//! The library (`fdsl_dataset::Dataset`) gives, for every preset, the very bytes `fdsl render`
//! writes: each PNG's pixels, each PLY's or npy's points, from the folder's own manifest.

mod common;
use common::{arg, fdsl_ok};
use fdsl_dataset::Dataset;
use fdsl_dataset::presets::NAMES;
use std::path::Path;

/// `fdsl render` flags of a small dataset of each preset.
fn flags(preset: &str) -> &'static [&'static str] {
    match preset {
        "fractaldb-1k" | "fractaldb-10k" => &[
            "--categories",
            "2",
            "--instances",
            "80",
            "--size",
            "48",
            "--points",
            "3000",
            "--val-per-class",
            "40",
        ],
        "rcdb-1k" | "rcdb-21k" => &["--categories", "3", "--instances", "6", "--size", "64"],
        "exfractaldb-1k" | "exfractaldb-21k" => {
            &["--categories", "2", "--instances", "150", "--size", "48", "--points", "1500"]
        }
        "mv-fractaldb-1k" => &["--categories", "2", "--instances", "30", "--size", "48", "--points", "1500"],
        "pc-fractaldb-1k" => &["--categories", "3", "--instances", "5", "--points", "400"],
        "pc-fractaldb-scenes" => {
            &["--categories", "3", "--instances", "4", "--points", "300", "--objects", "2"]
        }
        other => panic!("no small dataset for {other}: add one"),
    }
}

/// The sample bytes a file holds: PNG pixels (greyscale), or the points after a PLY or npy header.
fn payload(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap();
    match path.extension().and_then(|e| e.to_str()) {
        Some("png") => {
            let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().unwrap();
            let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
            let info = reader.next_frame(&mut pixels).unwrap();
            pixels.truncate(info.buffer_size());
            pixels
        }
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

#[test]
fn the_library_makes_the_files_of_fdsl_render_for_every_preset() {
    let tmp = tempfile::tempdir().unwrap();
    for preset in NAMES {
        for format in ["", "npy"] {
            let out = arg(tmp.path(), &format!("{preset}{format}"));
            let mut args = vec!["render", "--preset", preset, "--out", &out, "--seed", "4"];
            args.extend(flags(preset));
            let clouds = preset.starts_with("pc-");
            if !format.is_empty() {
                if !clouds {
                    continue; // npy of images are shards, checked by the export tests
                }
                args.extend(["--format", format]);
            }
            fdsl_ok(&args);
            let ds = Dataset::from_manifest(Path::new(&out)).unwrap();
            let mut out_bytes = vec![0u8; ds.sample_len()];
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
                let path = match ds.sample_shape().is_fixed() {
                    true => Path::new(&out).join(split).join(Dataset::class_name(sample.category)).join(name),
                    false => Path::new(&out).join(split).join(name),
                };
                let n = ds.render(index, &mut out_bytes).unwrap();
                assert!(payload(&path) == out_bytes[..n], "{preset} {format}: {} differs", path.display());
                if let Some(layout) = ds.scene_json(&sample) {
                    assert_eq!(std::fs::read(path.with_extension("json")).unwrap(), layout, "{preset}");
                }
            }
        }
    }
}
