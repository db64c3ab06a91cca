//! Perlin noise and Bezier curves (fdsl's reconstructions) end to end: golden hashes, category files
//! that render as given (threads, shards and `verify`: `tests/preset_trees.rs`).

mod common;
use common::{arg, fdsl_ok, sha256, tree};

fn small(preset: &str, out: &str, extra: &[&str]) {
    let mut a = vec!["render", "--preset", preset, "--out", out, "--categories", "3", "--instances", "4"];
    a.extend_from_slice(extra);
    fdsl_ok(&a);
}

#[test]
fn goldens_hold_and_category_files_render_as_given() {
    let golden = [
        (
            "perlin-1296",
            [
                (
                    "train/00002/00002_0003.png",
                    "a4c371a115adaaced83e8e3f9889ff107ac10b4e486ee741d83624c4832c6418",
                ),
                ("categories/00001.csv", "7912e7cf31488394376c6781dbc6972a1b286dd68246eed582c564e14d86bab0"),
            ],
        ),
        (
            "bezier-1024",
            [
                (
                    "train/00002/00002_0003.png",
                    "7654fe16fe33e95a5d055d1768e41f1ad9aa5cf1ce13070c6b500a9c7c683b01",
                ),
                ("categories/00001.csv", "86742989835d00856fb4d861c8cfc1f4caf165149c93d6c209db9b67e7174dc5"),
            ],
        ),
    ];
    for (preset, golden) in golden {
        let tmp = tempfile::tempdir().unwrap();
        let (a, c) = (arg(tmp.path(), "a"), arg(tmp.path(), "c"));
        small(preset, &a, &[]);
        let files = tree(&tmp.path().join("a"));
        assert_eq!(files.keys().filter(|k| k.ends_with(".png")).count(), 12);
        let got: Vec<(&str, String)> = golden.iter().map(|(p, _)| (*p, sha256(&files[*p]))).collect();
        let want: Vec<(&str, String)> = golden.iter().map(|(p, h)| (*p, h.to_string())).collect();
        assert_eq!(got, want, "{preset}");
        small(preset, &c, &["--categories-from", &format!("{a}/categories")]);
        let tc = tree(&tmp.path().join("c"));
        let pixels = |t: &std::collections::BTreeMap<String, Vec<u8>>| {
            t.iter()
                .filter(|(k, _)| !k.starts_with("manifest"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Vec<_>>()
        };
        assert!(pixels(&files) == pixels(&tc), "{preset}: the written categories render alike");
    }
}
