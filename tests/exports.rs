//! Export formats end to end: sharded runs, the union of parts, killed runs, and the Python readers.

mod common;
use common::{arg, fdsl, fdsl_ok, run_python, tree};
use std::collections::BTreeMap;
use std::process::Command;

/// A small dataset in `format`: 6 classes, 60 instances (2 weight rows, so units and shards cut
/// across each other), the last 20 (the second weight row's) val, 64 samples per shard.
fn args(out: &str, format: &str, extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = [
        "render",
        "--out",
        out,
        "--categories",
        "6",
        "--instances",
        "60",
        "--val-per-class",
        "20",
        "--format",
        format,
    ]
    .map(str::to_owned)
    .to_vec();
    if !extra.contains(&"--size") {
        a.extend(["--size", "128", "--points", "30000"].map(str::to_owned));
    }
    if format != "png" {
        a.extend(["--shard-size", "64"].map(str::to_owned));
    }
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn run(out: &str, format: &str, extra: &[&str]) -> std::process::Output {
    let a = args(out, format, extra);
    fdsl_ok(&a.iter().map(String::as_str).collect::<Vec<_>>())
}

fn without_manifests(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    files.iter().filter(|(k, _)| !k.starts_with("manifest")).map(|(k, v)| (k.clone(), v.clone())).collect()
}

#[test]
fn parts_in_one_folder_or_apart_make_the_single_run() {
    for format in ["png", "webdataset", "npy"] {
        let tmp = tempfile::tempdir().unwrap();
        let single = arg(tmp.path(), "single");
        run(&single, format, &[]);
        let single_tree = tree(&tmp.path().join("single"));

        // The parts one after another into one shared folder: the last one writes manifest.json.
        let shared = arg(tmp.path(), "shared");
        for k in 0..3 {
            let said =
                String::from_utf8(run(&shared, format, &["--shard", &format!("{k}/3")]).stdout).unwrap();
            assert_eq!(said.contains("was the last"), k == 2, "{format} {k}: {said}");
        }
        assert!(tree(&tmp.path().join("shared")) == single_tree, "{format}: shared-folder parts differ");

        // The parts on "separate machines": disjoint data files, whose union is the single run's.
        let mut union = BTreeMap::new();
        for k in 0..3 {
            let dir = arg(tmp.path(), &format!("part{k}"));
            run(&dir, format, &["--shard", &format!("{k}/3")]);
            let part = tree(&tmp.path().join(format!("part{k}")));
            assert!(part.contains_key(&format!("manifest.part-{k}-of-3.json")));
            assert!(!part.contains_key("manifest.json"));
            for (path, bytes) in without_manifests(&part) {
                if let Some(other) = union.insert(path.clone(), bytes.clone()) {
                    // Only the small metadata files are written by every part, all alike.
                    let metadata =
                        path == "classes.txt" || path == "_info.json" || path.starts_with("categories/");
                    assert!(metadata && other == bytes, "{format}: {path} written by two parts");
                }
            }
        }
        assert!(union == without_manifests(&single_tree), "{format}: the union of the parts differs");

        // Copied together with their part manifests, a whole run over them only writes manifest.json.
        let merged = tmp.path().join("merged");
        for k in 0..3 {
            let name = format!("manifest.part-{k}-of-3.json");
            union.insert(
                name.clone(),
                std::fs::read(tmp.path().join(format!("part{k}")).join(&name)).unwrap(),
            );
        }
        for (path, bytes) in &union {
            std::fs::create_dir_all(merged.join(path).parent().unwrap()).unwrap();
            std::fs::write(merged.join(path), bytes).unwrap();
        }
        let said = String::from_utf8(run(merged.to_str().unwrap(), format, &[]).stdout).unwrap();
        assert!(said.starts_with("rendered 0 images (360 already there)"), "{format}: {said}");
        assert!(tree(&merged) == single_tree, "{format}: merged parts differ from the single run");
    }
}

/// What a Slurm array does: 8 parts started at the same moment into one folder. Every part
/// succeeds, exactly one completes `manifest.json`, and the folder is the single run's, byte for byte
/// (no temporary or lock file left), in every trial.
#[test]
fn parts_started_together_in_one_folder_make_the_single_run() {
    let tmp = tempfile::tempdir().unwrap();
    for format in ["png", "webdataset"] {
        let single = arg(tmp.path(), &format!("single-{format}"));
        run(&single, format, &[]);
        let single_tree = tree(std::path::Path::new(&single));
        for trial in 0..6 {
            let shared = arg(tmp.path(), &format!("shared-{format}-{trial}"));
            let children: Vec<_> = (0..8)
                .map(|k| {
                    Command::new(env!("CARGO_BIN_EXE_fdsl"))
                        .args(args(&shared, format, &["--shard", &format!("{k}/8"), "--threads", "1"]))
                        .stdout(std::process::Stdio::piped())
                        .stderr(std::process::Stdio::piped())
                        .spawn()
                        .unwrap()
                })
                .collect();
            let mut completed = 0;
            for child in children {
                let out = child.wait_with_output().unwrap();
                assert!(
                    out.status.success(),
                    "{format} trial {trial}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                completed += String::from_utf8_lossy(&out.stdout).contains("was the last") as usize;
            }
            assert_eq!(completed, 1, "{format} trial {trial}: exactly one part completes manifest.json");
            assert!(tree(std::path::Path::new(&shared)) == single_tree, "{format} trial {trial}");
        }
        fdsl_ok(&["verify", &single]);
    }
}

/// Two identical renders started into one folder at once: one writes, the other refuses with a
/// message naming the lock, and the dataset is complete and right.
#[test]
fn a_twin_render_into_the_same_folder_refuses() {
    let tmp = tempfile::tempdir().unwrap();
    let (clean, twin) = (arg(tmp.path(), "clean"), arg(tmp.path(), "twin"));
    let big = ["--size", "362", "--points", "200000"];
    run(&clean, "png", &big);
    let slow: Vec<String> =
        args(&twin, "png", &big).into_iter().chain(["--threads".into(), "1".into()]).collect();
    let first = Command::new(env!("CARGO_BIN_EXE_fdsl")).args(&slow).spawn().unwrap();
    let lock = tmp.path().join("twin/.fdsl-lock");
    let started = std::time::Instant::now();
    while !lock.exists() && started.elapsed().as_secs() < 20 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let second = fdsl(&args(&twin, "png", &big).iter().map(String::as_str).collect::<Vec<_>>());
    let said = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{said}");
    assert!(
        said.contains("another `fdsl render` is writing this dataset into") && said.contains(".fdsl-lock"),
        "{said}"
    );
    assert!(first.wait_with_output().unwrap().status.success());
    assert!(tree(&tmp.path().join("twin")) == tree(&tmp.path().join("clean")));
}

#[test]
fn killed_sharded_runs_resume_to_the_same_bytes() {
    for format in ["webdataset", "npy"] {
        let tmp = tempfile::tempdir().unwrap();
        let (clean, killed) = (arg(tmp.path(), "clean"), arg(tmp.path(), "killed"));
        let big = ["--size", "362", "--points", "200000"];
        run(&clean, format, &big);
        for delay_ms in [40, 150, 300] {
            let mut child =
                Command::new(env!("CARGO_BIN_EXE_fdsl")).args(args(&killed, format, &big)).spawn().unwrap();
            std::thread::sleep(std::time::Duration::from_millis(delay_ms));
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            // Whatever stands under a final name is complete: it is a file of the clean run.
            let clean_tree = tree(&tmp.path().join("clean"));
            for (path, bytes) in tree(&tmp.path().join("killed")) {
                if !path.starts_with("manifest") && !path.contains(".fdsl-") {
                    assert!(clean_tree.get(&path) == Some(&bytes), "{format}: partial {path} after a kill");
                }
            }
        }
        run(&killed, format, &big);
        assert!(tree(&tmp.path().join("killed")) == tree(&tmp.path().join("clean")), "{format}");
    }
}

#[test]
fn dry_run_writes_nothing_and_counts_right() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "d");
    let said = String::from_utf8(run(&out, "npy", &["--dry-run", "--shard", "1/2"]).stdout).unwrap();
    assert!(!tmp.path().join("d").exists());
    assert!(said.contains("train: 240 samples") && said.contains("val: 120 samples"), "{said}");
    // Train: 240 samples in 4 shards of 64 (the last 48), val: 120 in 2 (64, 56); part 1 of 2 owns
    // tasks 1, 3, 5: 64 + 48 + 56 samples.
    assert!(said.contains("part 1/2: 168 samples in 3 tasks, 6 files"), "{said}");
    // npy sizes are exact: 168 images of 128 x 128 and their labels, plus the 128-byte headers.
    assert!(said.contains("about 2.76 MB (exact)"), "{said}");
    let whole = String::from_utf8(run(&out, "png", &["--dry-run"]).stdout).unwrap();
    assert!(whole.contains("whole run: 360 samples in 12 tasks, 360 files"), "{whole}");
}

#[test]
fn bad_export_flags_are_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "d");
    for (extra, needle) in [
        (&["--shard", "3/3"][..], "is not K/N with 0 <= K < N"),
        (&["--shard", "1"], "is not K/N"),
        (&["--shard=-1/2"], "is not K/N"),
        (&["--instances", "60", "--val-per-class", "60"], "--val-per-class 60 leaves no training image"),
        (&["--shard-size", "0"], "--shard-size must be between 1 and"),
        (&["--shard-size", "1000001"], "--shard-size must be between 1 and"),
    ] {
        let mut a = vec!["render", "--out", &out, "--format", "webdataset"];
        a.extend_from_slice(extra);
        let o = fdsl(&a);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.contains(needle) && err.lines().count() == 1, "{extra:?}: {err}");
    }
    let png_shards = fdsl(&["render", "--out", &out, "--shard-size", "10"]);
    assert!(
        String::from_utf8_lossy(&png_shards.stderr)
            .contains("--shard-size applies to shards only (--format webdataset; npy for images)")
    );
    assert!(!tmp.path().join("d").exists());
}

#[test]
fn webdataset_and_numpy_read_the_exports() {
    let tmp = tempfile::tempdir().unwrap();
    let (w, n) = (arg(tmp.path(), "wds"), arg(tmp.path(), "npy"));
    run(&w, "webdataset", &[]);
    run(&n, "npy", &[]);
    let packages = "webdataset numpy pillow";
    if let Some(said) = run_python("webdataset, numpy, PIL", packages, "check_exports.py", &[&w, &n]) {
        assert!(said.contains("360 samples read with webdataset and numpy"), "{said}");
    }
}

#[test]
fn verify_names_changed_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let (w, n) = (arg(tmp.path(), "w"), arg(tmp.path(), "n"));
    run(&w, "webdataset", &[]);
    run(&n, "npy", &[]);
    fdsl_ok(&["verify", &w]);
    fdsl_ok(&["verify", &n]);
    let tar = tmp.path().join("w/train-000002.tar");
    let mut bytes = std::fs::read(&tar).unwrap();
    bytes[700] ^= 1;
    std::fs::write(&tar, bytes).unwrap();
    std::fs::remove_file(tmp.path().join("n/val/labels-000000.npy")).unwrap();
    for (dir, needle) in [(&w, "differs: train-000002.tar"), (&n, "missing: val/labels-000000.npy")] {
        let o = fdsl(&["verify", dir]);
        assert_eq!(o.status.code(), Some(1));
        let said = String::from_utf8_lossy(&o.stdout);
        assert!(said.contains(needle) && said.contains("1 problem(s)"), "{said}");
    }
}

/// A finished WebDataset render prints each split's brace pattern, which names exactly its shards.
#[test]
fn webdataset_renders_print_their_shard_patterns() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "w");
    let said = String::from_utf8(run(&out, "webdataset", &[]).stdout).unwrap();
    assert!(said.contains(&format!("shards: {out}/train-{{000000..000003}}.tar\n")), "{said}");
    assert!(said.contains(&format!("shards: {out}/val-{{000000..000001}}.tar\n")), "{said}");
    let tars = tree(&tmp.path().join("w")).into_keys().filter(|k| k.ends_with(".tar")).count();
    assert_eq!(tars, 6);
}

#[test]
fn colour_images_are_rgb_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let extra = ["--colour", "hue", "--size", "64", "--points", "5000"];
    let (p, n, w) = (arg(tmp.path(), "png"), arg(tmp.path(), "npy"), arg(tmp.path(), "wds"));
    run(&p, "png", &extra);
    run(&n, "npy", &extra);
    run(&w, "webdataset", &extra);
    let pngs: BTreeMap<String, Vec<u8>> =
        tree(tmp.path().join("png").as_path()).into_iter().filter(|(k, _)| k.starts_with("train/")).collect();
    assert_eq!(pngs.len(), 6 * 40);
    let images: std::collections::BTreeSet<Vec<u8>> = pngs
        .values()
        .map(|png| {
            let common::Png { info, pixels } = common::decode_png(png);
            assert_eq!((info.color_type, pixels.len()), (png::ColorType::Rgb, 64 * 64 * 3));
            assert!(pixels.iter().any(|&v| v != 0));
            pixels
        })
        .collect();
    // npy shards: N x 64 x 64 x 3, each row one of the PNGs' images, all of them once.
    let mut from_npy = std::collections::BTreeSet::new();
    for (k, shard) in
        tree(tmp.path().join("npy").as_path()).iter().filter(|(k, _)| k.starts_with("train/images-"))
    {
        let header = u16::from_le_bytes([shard[8], shard[9]]) as usize;
        let text = String::from_utf8_lossy(&shard[10..10 + header]);
        assert!(text.contains(", 64, 64, 3)"), "{k}: {text}");
        for row in shard[10 + header..].chunks_exact(64 * 64 * 3) {
            assert!(from_npy.insert(row.to_vec()), "{k}: an image twice");
        }
    }
    assert!(from_npy == images, "npy rows differ from the PNGs' pixels");
    // WebDataset members are the ImageFolder's PNG files, byte for byte.
    let mut members = std::collections::BTreeSet::new();
    for (_, tar) in
        tree(tmp.path().join("wds").as_path()).into_iter().filter(|(k, _)| k.starts_with("train-"))
    {
        let mut at = 0;
        while at + 512 <= tar.len() && tar[at] != 0 {
            let name = String::from_utf8_lossy(&tar[at..at + 100]).trim_end_matches('\0').to_owned();
            let size =
                usize::from_str_radix(String::from_utf8_lossy(&tar[at + 124..at + 135]).trim(), 8).unwrap();
            if name.ends_with(".png") {
                members.insert(tar[at + 512..at + 512 + size].to_vec());
            }
            at += 512 + size.div_ceil(512) * 512;
        }
    }
    assert!(members == pngs.values().cloned().collect(), "the shards' PNGs differ from the ImageFolder's");
}
