//! PC-FractalDB models end to end: golden hashes, point counts and bounds, a killed run resumed, flags,
//! and the Python readers (plyfile, numpy). Threads, shards and `verify`: `tests/preset_trees.rs`.

mod common;
use common::{arg, fdsl, fdsl_ok, run_python, sha256, tree};
use std::process::Command;

fn render(out: &str, extra: &[&str]) {
    let mut a =
        vec!["render", "--preset", "pc-fractaldb-1k", "--out", out, "--categories", "3", "--instances", "12"];
    a.extend_from_slice(extra);
    fdsl_ok(&a);
}

/// The vertices of a binary little-endian PLY written by fdsl.
fn ply_points(bytes: &[u8]) -> Vec<[f32; 3]> {
    let end = b"end_header\n";
    let start = bytes.windows(end.len()).position(|w| w == end).unwrap() + end.len();
    let header = std::str::from_utf8(&bytes[..start]).unwrap();
    let n: usize = header.lines().find_map(|l| l.strip_prefix("element vertex ")).unwrap().parse().unwrap();
    let data = &bytes[start..];
    assert_eq!(data.len(), n * 12);
    data.chunks_exact(12)
        .map(|p| [0, 4, 8].map(|i| f32::from_le_bytes(p[i..i + 4].try_into().unwrap())))
        .collect()
}

#[test]
fn models_are_deterministic_pinned_centred_and_sized() {
    let tmp = tempfile::tempdir().unwrap();
    let a = arg(tmp.path(), "a");
    render(&a, &[]);
    let files = tree(&tmp.path().join("a"));
    let plys: Vec<&String> = files.keys().filter(|k| k.ends_with(".ply")).collect();
    assert_eq!(plys.len(), 36);
    for path in plys {
        let points = ply_points(&files[path]);
        assert_eq!(points.len(), 10_000, "{path}");
        assert!(points.iter().flatten().all(|v| v.is_finite() && v.abs() <= 4.0), "{path}");
        for axis in 0..3 {
            let mean = points.iter().map(|p| f64::from(p[axis])).sum::<f64>() / 10_000.0;
            assert!(mean.abs() < 1e-5, "{path} axis {axis}: {mean}");
        }
    }
    let golden = [
        ("train/00000/00000_0000.ply", "1292eba7f303e118a3a0e69e3b8caf3305f10db7157869267f5283fca0281ed5"),
        ("train/00002/00002_0011.ply", "08080d4b484da69d5707187820b152a467145c04c203053e50c3c10b8e74b0c8"),
    ];
    let got: Vec<String> = golden.iter().map(|(p, _)| format!("{p} {}", sha256(&files[*p]))).collect();
    let want: Vec<String> = golden.iter().map(|(p, h)| format!("{p} {h}")).collect();
    assert_eq!(got, want);
    // Every instance of a class shares its main part: the first 8,000 points before re-centring
    // differ between instances only by the re-centring shift.
    let (p0, p1) =
        (ply_points(&files["train/00001/00001_0000.ply"]), ply_points(&files["train/00001/00001_0001.ply"]));
    let shift = [0, 1, 2].map(|a| p1[0][a] - p0[0][a]);
    assert!(
        p0[..8000]
            .iter()
            .zip(&p1[..8000])
            .all(|(x, y)| (0..3).all(|a| (y[a] - x[a] - shift[a]).abs() < 1e-5))
    );
}

#[test]
fn mix_ratio_points_and_flags() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "m");
    render(&out, &["--points", "500", "--mix-ratio", "0.5", "--format", "ply-ascii"]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("m/manifest.json")).unwrap()).unwrap();
    assert_eq!(
        (manifest["spec"]["main"].as_u64(), manifest["spec"]["noise"].as_u64()),
        (Some(250), Some(250))
    );
    let text = std::fs::read_to_string(tmp.path().join("m/train/00000/00000_0003.ply")).unwrap();
    assert!(text.contains("format ascii 1.0") && text.lines().count() == 8 + 500);
    let x = arg(tmp.path(), "x");
    for (extra, needle) in [
        (&["--size", "64"][..], "--size does not apply to the pc-fractaldb-1k preset"),
        (&["--draw", "patch"], "--draw does not apply"),
        (
            &["--format", "png"],
            "--format png does not write point clouds; point clouds take ply, ply-ascii, npy or webdataset",
        ),
        (&["--mix-ratio", "1.5"], "--mix-ratio must be between 0 and 1"),
    ] {
        let mut a = vec!["render", "--preset", "pc-fractaldb-1k", "--out", &x];
        a.extend_from_slice(extra);
        let o = fdsl(&a);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.code() == Some(2) && err.contains(needle), "{extra:?}: {err}");
    }
    let o = fdsl(&["render", "--preset", "rcdb-1k", "--out", &x, "--mix-ratio", "0.5"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("--mix-ratio does not apply to the rcdb-1k preset"));
    let o = fdsl(&["render", "--preset", "rcdb-1k", "--out", &x, "--format", "ply"]);
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("--format ply does not write images; images take png, npy or webdataset")
    );
    assert!(!tmp.path().join("x").exists());
}

#[test]
fn plyfile_and_numpy_read_the_clouds() {
    let tmp = tempfile::tempdir().unwrap();
    let (p, n) = (arg(tmp.path(), "p"), arg(tmp.path(), "n"));
    render(&p, &[]);
    render(&n, &["--format", "npy"]);
    if let Some(said) = run_python("plyfile, numpy", "plyfile numpy", "check_ply.py", &[&p, &n]) {
        assert!(said.contains("36 PLY files read with plyfile and 36 npy files, the same points"), "{said}");
    }
}

#[test]
fn scenes_are_deterministic_pinned_and_never_overlap() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (arg(tmp.path(), "a"), arg(tmp.path(), "b"));
    let args = |out: &str, threads: &str| {
        [
            "render",
            "--preset",
            "pc-fractaldb-scenes",
            "--out",
            out,
            "--categories",
            "4",
            "--instances",
            "6",
            "--threads",
            threads,
        ]
        .map(str::to_owned)
    };
    fdsl_ok(&args(&a, "1").each_ref().map(String::as_str));
    fdsl_ok(&args(&b, "2").each_ref().map(String::as_str));
    let files = tree(&tmp.path().join("a"));
    assert!(files == tree(&tmp.path().join("b")));
    assert_eq!(
        sha256(&files["train/scene_00003.ply"]),
        "45faeeae5cbff2444b8b2377955db5d02b86db00b518a76e7adefc97da8243a6"
    );
    assert_eq!(
        sha256(&files["train/scene_00003.json"]),
        "07335010b4e9eee8efc14a1cf38c459f8742b67893af1d3c13d3732fcd992ed2"
    );
    for s in 0..6 {
        let layout: serde_json::Value =
            serde_json::from_slice(&files[&format!("train/scene_{s:05}.json")]).unwrap();
        let objects = layout.as_array().unwrap();
        let points = ply_points(&files[&format!("train/scene_{s:05}.ply")]);
        assert!(objects.len() >= 5, "5 + Poisson(5) objects in an empty 15 x 15 room");
        assert_eq!(points.len(), objects.len() * 10_000);
        let v = |o: &serde_json::Value, k: &str, i: usize| o[k][i].as_f64().unwrap();
        for (i, o) in objects.iter().enumerate() {
            assert!(o["class"].as_u64().unwrap() < 4);
            let (lo, hi) =
                (o["points"][0].as_u64().unwrap() as usize, o["points"][1].as_u64().unwrap() as usize);
            assert_eq!((lo, hi), (i * 10_000, (i + 1) * 10_000));
            // Its points stay near its box: the instance spans at most [-4, 4] per axis before
            // scaling by half the box.
            let reach = 2.0 * (v(o, "size", 0).hypot(v(o, "size", 1)) + v(o, "size", 2));
            for p in &points[lo..hi] {
                let d = (f64::from(p[0]) - v(o, "centre", 0)).hypot(f64::from(p[1]) - v(o, "centre", 1));
                assert!(d <= reach && p.iter().all(|c| c.is_finite()));
            }
            for other in &objects[..i] {
                let d = (v(o, "centre", 0) - v(other, "centre", 0))
                    .hypot(v(o, "centre", 1) - v(other, "centre", 1));
                let diagonal = |x: &serde_json::Value| v(x, "size", 0).hypot(v(x, "size", 1));
                assert!(d >= (diagonal(o) + diagonal(other)) / 2.0 + 0.25, "scene {s}: objects overlap");
            }
        }
    }
    fdsl_ok(&["verify", &a]);
    let o = fdsl(&[
        "render",
        "--preset",
        "pc-fractaldb-scenes",
        "--out",
        &arg(tmp.path(), "w"),
        "--format",
        "webdataset",
    ]);
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("--format webdataset does not write scenes; scenes take ply, ply-ascii or npy")
    );
    let o =
        fdsl(&["render", "--preset", "pc-fractaldb-1k", "--out", &arg(tmp.path(), "w"), "--objects", "3"]);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--objects does not apply to the pc-fractaldb-1k preset")
    );
}

#[test]
fn clouds_resume_after_a_kill() {
    let tmp = tempfile::tempdir().unwrap();
    let base = ["render", "--preset", "pc-fractaldb-1k", "--categories", "6", "--instances", "200"];
    let with = |out: &str, extra: &[&str]| {
        let mut a: Vec<String> = base.iter().map(|s| s.to_string()).collect();
        a.extend(["--out".to_owned(), out.to_owned()]);
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let (clean, killed) = (arg(tmp.path(), "clean"), arg(tmp.path(), "killed"));
    fdsl_ok(&with(&clean, &[]).iter().map(String::as_str).collect::<Vec<_>>());
    for delay_ms in [20, 60, 150] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_fdsl")).args(with(&killed, &[])).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        child.kill().unwrap();
        child.wait().unwrap();
    }
    fdsl_ok(&with(&killed, &[]).iter().map(String::as_str).collect::<Vec<_>>());
    let clean_tree = tree(&tmp.path().join("clean"));
    assert!(tree(&tmp.path().join("killed")) == clean_tree, "resumed clouds differ from a clean run");
}
