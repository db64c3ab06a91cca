//! The statistical images, the textured dead leaves and 1p-frac end to end: the same bytes on 1 or 2
//! threads, in parts, and after a run that lost files is repaired, in every image format; 1p-frac's
//! base written as its category file renders the same dataset when brought back with
//! `--categories-from`.

mod common;
use common::{arg, fdsl, fdsl_ok, tree};
use std::path::Path;

/// Each preset with small flags (the textured leaves with a pool of 3, 1p-frac with Δ 0.2).
const PRESETS: [(&str, &[&str]); 3] = [
    ("stat-spectrum-color-wmm", &["--instances", "7", "--size", "32", "--val-per-class", "2"]),
    ("dead-leaves-textured", &["--instances", "7", "--size", "40", "--textures", "3"]),
    ("1p-frac", &["--perturbations", "7", "--size", "40", "--points", "2500", "--delta", "0.2"]),
];

fn args<'a>(
    preset: &'a str,
    flags: &[&'a str],
    out: &'a str,
    format: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut a = vec!["render", "--preset", preset, "--out", out, "--format", format, "--seed", "5"];
    a.extend_from_slice(flags);
    if format != "png" {
        a.extend(["--shard-size", "3"]);
    }
    a.extend_from_slice(extra);
    a
}

#[test]
fn threads_parts_and_repairs_make_the_same_bytes_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    for (preset, flags) in PRESETS {
        for format in ["png", "webdataset", "npy"] {
            let name = |what: &str| arg(tmp.path(), &format!("{preset}-{format}-{what}"));
            let one = name("1");
            fdsl_ok(&args(preset, flags, &one, format, &["--threads", "1"]));
            let want = tree(Path::new(&one));
            let two = name("2");
            fdsl_ok(&args(preset, flags, &two, format, &["--threads", "2"]));
            assert!(tree(Path::new(&two)) == want, "{preset} {format}: 2 threads differ from 1");
            let parts = name("parts");
            for k in ["0/2", "1/2"] {
                fdsl_ok(&args(preset, flags, &parts, format, &["--shard", k]));
            }
            assert!(tree(Path::new(&parts)) == want, "{preset} {format}: parts differ from one run");
            // Lose a sample's file (as a killed run would): verify fails, a rerun completes it.
            let lost = want.keys().find(|p| !p.ends_with(".json") && !p.starts_with("categories")).unwrap();
            std::fs::remove_file(Path::new(&two).join(lost)).unwrap();
            assert_eq!(fdsl(&["verify", &two]).status.code(), Some(1), "{preset} {format}: {lost} lost");
            fdsl_ok(&args(preset, flags, &two, format, &[]));
            assert!(tree(Path::new(&two)) == want, "{preset} {format}: the repaired run differs");
            fdsl_ok(&["verify", &two]);
        }
    }
}

#[test]
fn a_one_point_frac_base_brought_back_renders_the_same_images() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, flags) = PRESETS[2];
    let drawn = arg(tmp.path(), "drawn");
    fdsl_ok(&args("1p-frac", flags, &drawn, "png", &[]));
    let files = tree(Path::new(&drawn));
    let categories: Vec<&String> = files.keys().filter(|p| p.starts_with("categories/")).collect();
    assert_eq!(categories, ["categories/00000.csv"], "one category: the base");
    assert_eq!(files["classes.txt"].iter().filter(|&&b| b == b'\n').count(), 7, "7 classes");
    let base = Path::new(&drawn).join("categories");
    let brought = arg(tmp.path(), "brought");
    fdsl_ok(&args("1p-frac", flags, &brought, "png", &["--categories-from", base.to_str().unwrap()]));
    let images = |t: &std::collections::BTreeMap<String, Vec<u8>>| -> Vec<(String, Vec<u8>)> {
        t.iter().filter(|(p, _)| p.ends_with(".png")).map(|(p, b)| (p.clone(), b.clone())).collect()
    };
    let again = tree(Path::new(&brought));
    assert_eq!(images(&again).len(), 7);
    assert!(images(&again) == images(&files), "the same base and seed make the same images");
    assert_eq!(again["categories/00000.csv"], files["categories/00000.csv"]);
}
