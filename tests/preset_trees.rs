//! Every preset rendered small by `fdsl render`, in every format it takes, compared as whole output
//! trees (every file's path and bytes, the manifest and category files included) with the hashes in
//! `tests/data/preset_trees.txt`, recorded before fdsl's families were re-laid out (0.2.0). A change
//! of any byte of any dataset, or of a manifest's spec shape, fails here; the release named in a
//! manifest's `tool` does not count (the table proves the files unchanged across releases).
//!
//! `FDSL_BLESS_TREES=1 cargo test --test preset_trees` rewrites the table (a deliberate format change).

mod common;
use common::{fdsl_ok, sha256, tree};

/// Small flags for each preset (seed 3, a few classes and instances, small images, few points).
fn small(preset: &str) -> &'static [&'static str] {
    match preset {
        "fractaldb-1k" | "fractaldb-10k" => {
            &["--categories", "2", "--instances", "45", "--size", "32", "--points", "2000"]
        }
        "ofdb-1k" | "ofdb-21k" => &["--categories", "3", "--size", "32", "--points", "2000"],
        "ofdb-3d-1k" => &["--categories", "2", "--size", "32", "--points", "800"],
        "rcdb-1k" | "rcdb-21k" | "visualatom-1k" | "visualatom-21k" => {
            &["--categories", "3", "--instances", "3", "--size", "48"]
        }
        "exfractaldb-1k" | "exfractaldb-21k" => {
            &["--categories", "2", "--instances", "4", "--size", "32", "--points", "800"]
        }
        "mv-fractaldb-1k" => &["--categories", "2", "--instances", "13", "--size", "32", "--points", "800"],
        "pc-fractaldb-1k" => &["--categories", "3", "--instances", "3", "--points", "300"],
        "pc-fractaldb-scenes" => {
            &["--categories", "3", "--instances", "3", "--points", "200", "--objects", "2"]
        }
        "af-fractals-1k" => &["--categories", "2", "--instances", "3", "--size", "32", "--points", "1500"],
        "dead-leaves-squares"
        | "dead-leaves-oriented"
        | "dead-leaves-mixed"
        | "stat-spectrum"
        | "stat-wmm"
        | "stat-spectrum-color"
        | "stat-spectrum-color-wmm" => &["--instances", "5", "--size", "32"],
        "dead-leaves-textured" => &["--instances", "5", "--size", "32", "--textures", "4"],
        "1p-frac" => &["--perturbations", "4", "--size", "32", "--points", "2000"],
        "perlin-100" | "perlin-1296" | "bezier-144" | "bezier-1024" => {
            &["--categories", "3", "--instances", "3", "--size", "32"]
        }
        "segrcdb" => &["--categories", "5", "--instances", "5", "--size", "48", "--instances-per-image", "5"],
        "primgeoseg" => &["--instances", "3", "--size", "90", "--primitives", "6"],
        other => panic!("no small flags for {other}: add them"),
    }
}

/// The formats a preset's samples take.
fn formats(preset: &str) -> &'static [&'static str] {
    match preset {
        "pc-fractaldb-1k" => &["ply", "ply-ascii", "npy", "webdataset"],
        "pc-fractaldb-scenes" => &["ply", "ply-ascii", "npy"],
        "primgeoseg" => &["nifti", "nifti-uint8", "nifti-leading-slash", "npy", "webdataset"],
        _ => &["png", "webdataset", "npy"],
    }
}

/// One hash of a whole tree: every relative path and its bytes' hash, in order, the manifests'
/// `tool` (the release that wrote them) read as plain `fdsl`, so that the table holds across
/// releases that make the same bytes.
fn tree_hash(dir: &std::path::Path) -> String {
    let tool = format!("\"tool\": \"{}\"", fdsl_dataset::TOOL);
    let listing: String = tree(dir)
        .into_iter()
        .map(|(path, bytes)| match path.ends_with("manifest.json") {
            true => {
                let text = String::from_utf8(bytes).unwrap();
                assert!(text.contains(&tool), "{path} names another tool");
                format!("{path} {}\n", sha256(text.replace(&tool, "\"tool\": \"fdsl\"").as_bytes()))
            }
            false => format!("{path} {}\n", sha256(&bytes)),
        })
        .collect();
    sha256(listing.as_bytes())
}

/// Every (preset, variant) with its flags: each preset in each format, sharded formats cut into
/// shards of 4, and colour FractalDB and a val split beside them.
fn cases() -> Vec<(String, Vec<String>)> {
    let mut cases = Vec::new();
    for preset in fdsl_dataset::preset::names() {
        for format in formats(preset) {
            let mut flags: Vec<String> =
                ["--preset", preset, "--seed", "3", "--format", format, "--threads", "2"]
                    .iter()
                    .chain(small(preset))
                    .map(|s| s.to_string())
                    .collect();
            if *format == "webdataset" || (*format == "npy" && !preset.starts_with("pc-")) {
                flags.extend(["--shard-size".into(), "4".into()]);
            }
            cases.push((format!("{preset} {format}"), flags));
        }
    }
    let extra: [(&str, &[&str]); 7] = [
        (
            "fractaldb-1k png hue val",
            &["--preset", "fractaldb-1k", "--colour", "hue", "--val-per-class", "5"],
        ),
        ("rcdb-1k png val", &["--preset", "rcdb-1k", "--val-per-class", "1"]),
        ("segrcdb png val", &["--preset", "segrcdb", "--val-per-class", "2"]),
        ("segrcdb png rings", &["--preset", "segrcdb", "--mask-mode", "rings"]),
        (
            "segrcdb webdataset filled",
            &["--preset", "segrcdb", "--mask-mode", "filled", "--format", "webdataset"],
        ),
        ("primgeoseg nifti val", &["--preset", "primgeoseg", "--val-per-class", "1"]),
        (
            "primgeoseg nifti cpython",
            &[
                "--preset",
                "primgeoseg",
                "--draw-mode",
                "cpython",
                "--volume-bug",
                "fix",
                "--rotation",
                "quarter-turns",
            ],
        ),
    ];
    for (name, flags) in extra {
        let preset = flags[1];
        let flags =
            flags.iter().chain(small(preset)).chain(&["--seed", "3"]).map(|s| s.to_string()).collect();
        cases.push((name.to_owned(), flags));
    }
    cases
}

#[test]
fn every_preset_in_every_format_makes_the_recorded_tree() {
    let table = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/preset_trees.txt");
    let tmp = tempfile::tempdir().unwrap();
    let mut got = String::new();
    for (i, (name, flags)) in cases().into_iter().enumerate() {
        let out = tmp.path().join(i.to_string());
        let mut args: Vec<&str> = vec!["render", "--out", out.to_str().unwrap()];
        args.extend(flags.iter().map(String::as_str));
        fdsl_ok(&args);
        got.push_str(&format!("{name} {}\n", tree_hash(&out)));
    }
    if std::env::var_os("FDSL_BLESS_TREES").is_some() {
        std::fs::write(&table, &got).unwrap();
        return;
    }
    // By name: the order of the presets is the registration's, not part of any dataset.
    let by_name = |text: &str| -> std::collections::BTreeMap<String, String> {
        text.lines().filter_map(|l| l.rsplit_once(' ')).map(|(n, h)| (n.to_owned(), h.to_owned())).collect()
    };
    let (want, got) = (by_name(&std::fs::read_to_string(&table).unwrap()), by_name(&got));
    let differ: Vec<String> = want
        .iter()
        .filter(|(name, hash)| got.get(*name) != Some(hash))
        .map(|(name, hash)| format!("{name}: recorded {hash}, rendered {:?}", got.get(name)))
        .collect();
    assert!(differ.is_empty() && want.len() == got.len(), "trees differ:\n{}", differ.join("\n"));
}
