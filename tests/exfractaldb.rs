//! ExFractalDB and MV-FractalDB end to end: the 3-D search, golden hashes, names, flags.

mod common;
use common::{arg, fdsl, fdsl_ok, sha256, tree};

#[test]
fn mv_and_ex_presets_are_pinned() {
    let tmp = tempfile::tempdir().unwrap();
    let mut trees = Vec::new();
    for (preset, threads) in [("mv-fractaldb-1k", "2"), ("exfractaldb-1k", "2")] {
        let out = arg(tmp.path(), &format!("{preset}-{threads}"));
        fdsl_ok(&[
            "render",
            "--preset",
            preset,
            "--out",
            &out,
            "--categories",
            "2",
            "--instances",
            "30",
            "--threads",
            threads,
        ]);
        trees.push(tree(&tmp.path().join(format!("{preset}-{threads}"))));
    }
    // MV-FractalDB: model 1 is instances 12..24, its 12 views; the reference's names.
    assert!(trees[0].contains_key("train/00001/00001_00001_011.png"));
    assert!(trees[0].contains_key("train/00000/00000_00002_005.png"));
    assert!(trees[1].contains_key("train/00001/00001_00029.png"));
    let golden = [
        (
            &trees[0],
            "train/00000/00000_00000_000.png",
            "c75210b6cf24256bbf9b20d55f429f9de03424701dc0982dc3552f137d3f0ca0",
        ),
        (
            &trees[0],
            "train/00001/00001_00002_005.png",
            "7e97d7c6cebd4d31f2606fb41bb1cc20b160458db5a5eb6c8058e26cacf09813",
        ),
        (
            &trees[1],
            "train/00000/00000_00007.png",
            "f76998e39eb319aa339116c49a77947bd3d08bb2716c31582f0b83a9e8bd437c",
        ),
        (
            &trees[1],
            "categories/00001.csv",
            "e5af5ebfe0101085982e6bdde5299100d389c2c2112fa03b4f627819c3f388ca",
        ),
    ];
    let got: Vec<String> = golden.iter().map(|(t, p, _)| format!("{p} {}", sha256(&t[*p]))).collect();
    let want: Vec<String> = golden.iter().map(|(_, p, h)| format!("{p} {h}")).collect();
    assert_eq!(got, want);
}

#[test]
fn the_presets_categories_are_the_3d_search_with_seed_30000() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, r) = (arg(tmp.path(), "a"), arg(tmp.path(), "b"), arg(tmp.path(), "r"));
    for (out, threads) in [(&a, "1"), (&b, "2")] {
        fdsl_ok(&[
            "search",
            "--kind",
            "ifs3d",
            "--seed",
            "30000",
            "--categories",
            "3",
            "--out",
            out,
            "--threads",
            threads,
        ]);
    }
    let (ta, tb) = (tree(&tmp.path().join("a")), tree(&tmp.path().join("b")));
    assert!(ta == tb);
    let record: serde_json::Value = serde_json::from_slice(&ta["search.json"]).unwrap();
    assert_eq!(record["kind"], "ifs3d");
    for c in record["categories"].as_array().unwrap() {
        assert!(c["score"].as_f64().unwrap() > 0.05, "{c}");
    }
    for file in ["00000.csv", "00001.csv", "00002.csv"] {
        let text = std::str::from_utf8(&ta[file]).unwrap();
        assert!(text.lines().all(|l| l.split(',').count() == 13), "{text}");
    }
    fdsl_ok(&["render", "--preset", "exfractaldb-21k", "--out", &r, "--categories", "3", "--instances", "2"]);
    let rendered = tree(&tmp.path().join("r"));
    assert_eq!(rendered["categories/00002.csv"], ta["00002.csv"]);
    // Render them back from the folder: the same images.
    let again = arg(tmp.path(), "again");
    fdsl_ok(&[
        "render",
        "--preset",
        "exfractaldb-21k",
        "--out",
        &again,
        "--categories-from",
        &a,
        "--instances",
        "2",
    ]);
    let again = tree(&tmp.path().join("again"));
    assert_eq!(again["train/00002/00002_00001.png"], rendered["train/00002/00002_00001.png"]);
}

#[test]
fn bad_3d_flags_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "x");
    for (args, needle) in [
        (
            &["render", "--preset", "exfractaldb-1k", "--draw", "point"][..],
            "--draw does not apply to the exfractaldb-1k preset",
        ),
        (
            &["render", "--preset", "mv-fractaldb-1k", "--instances", "1741"],
            "--instances must be between 1 and 1740",
        ),
        (&["render", "--preset", "mv-fractaldb-1k", "--points", "0"], "--points must be between"),
        (&["search", "--kind", "ifs3d", "--threshold", "1.5"], "--threshold must be in (0, 1]"),
        (
            &[
                "search",
                "--kind",
                "ifs3d",
                "--threshold",
                "0.9",
                "--max-candidates",
                "50",
                "--categories",
                "1",
            ],
            "only 0 of 1 categories passed in 50 candidates",
        ),
    ] {
        let mut a = args.to_vec();
        a.extend(["--out", &out]);
        let o = fdsl(&a);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{a:?}: {err}");
        assert!(err.contains(needle) && err.lines().count() == 1, "{a:?}: {err}");
    }
    assert!(!tmp.path().join("x").exists());
}
