//! End-to-end tests of `fdsl search` and rendering its categories.

mod common;
use common::{arg, fdsl_ok, tree};

#[test]
fn search_is_deterministic_across_threads_and_feeds_render() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (arg(tmp.path(), "a"), arg(tmp.path(), "b"));
    let args = |out: &str, threads: &str| {
        [
            "search",
            "--categories",
            "4",
            "--seed",
            "3",
            "--size",
            "128",
            "--points",
            "20000",
            "--out",
            out,
            "--threads",
            threads,
        ]
        .map(str::to_owned)
    };
    fdsl_ok(&args(&a, "1").each_ref().map(String::as_str));
    fdsl_ok(&args(&b, "2").each_ref().map(String::as_str));
    let files = tree(&tmp.path().join("a"));
    assert!(files == tree(&tmp.path().join("b")));
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(names, ["00000.csv", "00001.csv", "00002.csv", "00003.csv", "search.json"]);
    let record: serde_json::Value = serde_json::from_slice(&files["search.json"]).unwrap();
    for c in record["categories"].as_array().unwrap() {
        assert!(c["score"].as_f64().unwrap() >= 0.2, "the filling rate: {c}");
    }
    for text in files.values().take(4) {
        let text = std::str::from_utf8(text).unwrap();
        let rows = text.lines().count();
        assert!((2..=7).contains(&rows), "{text}");
        assert!(text.lines().all(|l| l.split(',').count() == 7), "{text}");
        for field in text.lines().flat_map(|l| l.split(',')) {
            // numpy's `%.18e`: sign, one digit, point, 18 digits, `e`, sign, two digits.
            let (mantissa, exponent) = field.split_once('e').unwrap();
            let digits = mantissa.trim_start_matches('-');
            assert!(digits.len() == 20 && digits.as_bytes()[1] == b'.', "{field}");
            let signed = exponent.starts_with('-') || exponent.starts_with('+');
            assert!(exponent.len() == 3 && signed, "{field}");
        }
    }
    let out = arg(tmp.path(), "r");
    fdsl_ok(&["render", "--out", &out, "--categories-from", &a, "--instances", "8"]);
    let rendered = tree(&tmp.path().join("r"));
    assert_eq!(rendered["categories/00002.csv"], files["00002.csv"]);
    assert_eq!(rendered.keys().filter(|k| k.ends_with(".png")).count(), 32);
    fdsl_ok(&["verify", &out]);
}

#[test]
fn fractaldb_10k_categories_are_the_search_with_seed_10000() {
    let tmp = tempfile::tempdir().unwrap();
    let (rendered, searched) = (arg(tmp.path(), "r"), arg(tmp.path(), "s"));
    fdsl_ok(&[
        "render",
        "--preset",
        "fractaldb-10k",
        "--categories",
        "2",
        "--instances",
        "4",
        "--out",
        &rendered,
    ]);
    fdsl_ok(&["search", "--seed", "10000", "--categories", "2", "--out", &searched]);
    let (r, s) = (tree(&tmp.path().join("r")), tree(&tmp.path().join("s")));
    assert_eq!(r["categories/00000.csv"], s["00000.csv"]);
    assert_eq!(r["categories/00001.csv"], s["00001.csv"]);
    let manifest: serde_json::Value = serde_json::from_slice(&r["manifest.json"]).unwrap();
    assert_eq!(manifest["spec"]["preset"], "fractaldb-10k");
    assert_eq!(manifest["spec"]["categories"], 2);
    let too_many =
        common::fdsl(&["render", "--preset", "fractaldb-10k", "--categories", "10001", "--out", &searched]);
    assert_eq!(too_many.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&too_many.stderr).contains("has 10000 categories"));
}

#[test]
fn maps_and_range_shape_the_candidates_and_are_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let search = |name: &str, extra: &[&str]| {
        let out = arg(tmp.path(), name);
        let mut args = vec!["search", "--categories", "6", "--size", "96", "--points", "8000", "--out", &out];
        args.extend_from_slice(extra);
        fdsl_ok(&args);
        let json: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(tmp.path().join(name).join("search.json")).unwrap(),
        )
        .unwrap();
        let files: Vec<String> = (0..6)
            .map(|c| std::fs::read_to_string(tmp.path().join(name).join(format!("{c:05}.csv"))).unwrap())
            .collect();
        (json, files)
    };
    let (json, files) = search("narrow", &["--maps", "3", "--range", "0.8"]);
    assert_eq!(json["criteria"]["maps"], serde_json::json!([3, 3]));
    assert_eq!(json["criteria"]["coefficient_range"], 0.8);
    for file in &files {
        assert_eq!(file.lines().count(), 3, "{file}");
        for line in file.lines() {
            let k: Vec<f64> = line.split(',').map(|v| v.parse().unwrap()).collect();
            assert!(k[..6].iter().all(|v| v.abs() < 0.8), "{line}");
        }
    }
    // The defaults are the reference's, written out: the same categories as without the flags.
    let (default, plain) = search("default", &[]);
    let (explicit, same) = search("explicit", &["--maps", "2..7", "--range", "1"]);
    assert_eq!((default["criteria"]["maps"].clone(), plain), (explicit["criteria"]["maps"].clone(), same));
    for bad in [
        &["--maps", "0..3"][..],
        &["--maps", "5..4"],
        &["--maps", "17"],
        &["--range", "0"],
        &["--range", "inf"],
    ] {
        let out = arg(tmp.path(), "bad");
        let mut args = vec!["search", "--categories", "1", "--out", &out];
        args.extend_from_slice(bad);
        let o = common::fdsl(&args);
        assert_eq!(o.status.code(), Some(2), "{bad:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains(bad[0]), "{bad:?}");
    }
}
