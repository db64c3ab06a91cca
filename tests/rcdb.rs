//! RCDB end to end: golden hashes, category files, exports, bad flags.

mod common;
use common::{arg, fdsl, fdsl_ok, sha256, tree};

fn small(out: &str, extra: &[&str]) {
    let mut a = vec![
        "render",
        "--preset",
        "rcdb-1k",
        "--out",
        out,
        "--categories",
        "3",
        "--instances",
        "12",
        "--size",
        "256",
    ];
    a.extend_from_slice(extra);
    fdsl_ok(&a);
}

#[test]
fn goldens_hold() {
    let tmp = tempfile::tempdir().unwrap();
    let a = arg(tmp.path(), "a");
    small(&a, &[]);
    let files = tree(&tmp.path().join("a"));
    assert_eq!(files.keys().filter(|k| k.ends_with(".png")).count(), 36);
    let golden = [
        ("train/00000/00000_0000.png", "606f631188aa3386e6aa602424c33c96c6e52960f4c58da7a6d870f7a91e8c95"),
        ("train/00002/00002_0011.png", "19bc3238e9b6cc8c740f2d451c5fc98d8dbc301b06c9dfa836344b1369121f46"),
        ("categories/00001.csv", "cde2debf64d6109cf4f6d1fc7837baed789786fd58bc9de8574b1e00584395d5"),
    ];
    let got: Vec<(&str, String)> = golden.iter().map(|(p, _)| (*p, sha256(&files[*p]))).collect();
    let want: Vec<(&str, String)> = golden.iter().map(|(p, h)| (*p, h.to_string())).collect();
    assert_eq!(got, want);
}

#[test]
fn category_files_render_as_given_and_the_seed_matters() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (arg(tmp.path(), "a"), arg(tmp.path(), "b"), arg(tmp.path(), "c"));
    small(&a, &[]);
    small(&b, &["--categories-from", &format!("{a}/categories")]);
    let (ta, tb) = (tree(&tmp.path().join("a")), tree(&tmp.path().join("b")));
    assert!(
        ta.iter()
            .filter(|(k, _)| !k.starts_with("manifest"))
            .eq(tb.iter().filter(|(k, _)| !k.starts_with("manifest")))
    );
    small(&c, &["--seed", "1"]);
    let tc = tree(&tmp.path().join("c"));
    assert_ne!(ta["categories/00000.csv"], tc["categories/00000.csv"]);
    assert_ne!(ta["train/00000/00000_0000.png"], tc["train/00000/00000_0000.png"]);
}

#[test]
fn exports_and_splits_work_for_rcdb() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "w");
    small(&out, &["--format", "webdataset", "--val-per-class", "2", "--shard-size", "10"]);
    let files = tree(&tmp.path().join("w"));
    let info: serde_json::Value = serde_json::from_slice(&files["_info.json"]).unwrap();
    assert_eq!(info["splits"]["train"]["num_samples"], 30);
    assert_eq!(info["splits"]["val"]["num_samples"], 6);
    fdsl_ok(&["verify", &out]);
}

/// The pixels of a PNG.
fn decode(png: &[u8]) -> Vec<u8> {
    common::decode_png(png).pixels
}

#[test]
fn png_compression_changes_the_size_not_the_pixels() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (arg(tmp.path(), "a"), arg(tmp.path(), "b"), arg(tmp.path(), "c"));
    small(&a, &[]);
    small(&b, &["--png-compression", "balanced"]);
    small(&c, &["--png-compression", "none"]);
    let pngs = |name: &str| {
        let t = tree(&tmp.path().join(name));
        let pngs: Vec<(String, Vec<u8>)> =
            t.iter().filter(|(k, _)| k.ends_with(".png")).map(|(k, v)| (k.clone(), v.clone())).collect();
        let manifest: serde_json::Value = serde_json::from_slice(&t["manifest.json"]).unwrap();
        (pngs, manifest["spec"]["png_compression"].clone())
    };
    let ((pa, la), (pb, lb), (pc, lc)) = (pngs("a"), pngs("b"), pngs("c"));
    assert_eq!((la.as_str(), lb.as_str(), lc.as_str()), (Some("fastest"), Some("balanced"), Some("none")));
    assert_eq!(pa.len(), 36);
    for other in [&pb, &pc] {
        for ((ka, va), (kb, vb)) in pa.iter().zip(other) {
            assert_eq!(ka, kb);
            assert_eq!(decode(va), decode(vb), "{ka}");
        }
    }
    let size = |p: &[(String, Vec<u8>)]| p.iter().map(|(_, v)| v.len()).sum::<usize>();
    assert!(size(&pb) * 10 < size(&pa) * 6, "balanced {} vs fastest {}", size(&pb), size(&pa));
    // Uncompressed: each 256 px image's bytes, a filter byte per row, and the container.
    assert!(pc.iter().all(|(_, v)| v.len() > 256 * 257), "none");
    fdsl_ok(&["verify", &b]);
    fdsl_ok(&["verify", &c]);
    // The level is part of the dataset: resuming with another one is refused.
    let common = ["render", "--preset", "rcdb-1k", "--categories", "3", "--instances", "12", "--size", "256"];
    let o = fdsl(&[&common[..], &["--out", &b, "--png-compression", "fast"]].concat());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("png_compression"), "{err}");
    let o = fdsl(
        &[&common[..], &["--out", &arg(tmp.path(), "n"), "--format", "npy", "--png-compression", "high"]]
            .concat(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--png-compression applies to images written as PNG")
    );
}

#[test]
fn fractaldb_flags_are_refused_for_rcdb() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "x");
    for (flag, value) in [("--points", "1000"), ("--draw", "point"), ("--weight-step", "0.1")] {
        let o = fdsl(&["render", "--preset", "rcdb-21k", "--out", &out, flag, value]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2));
        assert!(err.contains(&format!("{flag} does not apply to the rcdb-21k preset")), "{err}");
    }
    let o = fdsl(&["render", "--preset", "rcdb-1k", "--out", &out, "--categories", "1001"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("the rcdb-1k preset has 1000 categories"));
    assert!(!tmp.path().join("x").exists());
}
