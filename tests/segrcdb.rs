//! SegRCDB end to end (threads, shards and repairs in every format: `tests/preset_trees.rs`): `verify`
//! checks the masks; the files are what the segmentation readers take (mmsegmentation's layout,
//! `.seg.png` members, masks arrays); a killed run resumes to the same masks; bad input is one line,
//! exit 2, nothing written.

mod common;
use common::{arg, fdsl, fdsl_ok, tree};
use std::path::Path;

/// A small SegRCDB dataset: 6 classes, 9 images of 48 px, 5 instances each, the last 2 val.
fn args<'a>(out: &'a str, format: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![
        "render",
        "--preset",
        "segrcdb",
        "--out",
        out,
        "--categories",
        "6",
        "--instances",
        "9",
        "--size",
        "48",
        "--instances-per-image",
        "5",
        "--val-per-class",
        "2",
        "--format",
        format,
    ];
    if format != "png" {
        a.extend(["--shard-size", "3"]);
    }
    a.extend(extra);
    a
}

#[test]
fn the_layouts_are_the_segmentation_readers() {
    let tmp = tempfile::tempdir().unwrap();
    let png = arg(tmp.path(), "png");
    fdsl_ok(&args(&png, "png", &[]));
    let files: Vec<String> = tree(Path::new(&png)).into_keys().filter(|p| p.ends_with(".png")).collect();
    let names = |dir: &str| -> Vec<String> {
        files.iter().filter_map(|p| p.strip_prefix(dir)).map(str::to_owned).collect()
    };
    let training: Vec<String> = (0..7).map(|i| format!("{i:06}.png")).collect();
    assert_eq!(names("images/training/"), training);
    assert_eq!(names("annotations/training/"), training);
    assert_eq!(names("annotations/validation/"), ["000007.png", "000008.png"]);
    assert_eq!(files.len(), 18, "{files:?}");
    // A mask is an 8-bit grey PNG of the image's side, labels 0..=classes.
    let mask =
        common::decode_png(&std::fs::read(Path::new(&png).join("annotations/training/000000.png")).unwrap());
    assert_eq!(
        (mask.info.width, mask.info.height, mask.info.color_type),
        (48, 48, png::ColorType::Grayscale)
    );
    assert!(mask.pixels.iter().all(|&v| v <= 6) && mask.pixels.iter().any(|&v| v != 0));

    let wds = arg(tmp.path(), "wds");
    fdsl_ok(&args(&wds, "webdataset", &[]));
    let mut archive = tar::Archive::new(std::fs::File::open(Path::new(&wds).join("val-000000.tar")).unwrap());
    let members: Vec<String> =
        archive.entries().unwrap().map(|e| e.unwrap().path().unwrap().display().to_string()).collect();
    let mut sorted = members.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        ["000007.json", "000007.png", "000007.seg.png", "000008.json", "000008.png", "000008.seg.png"]
    );

    let npy = arg(tmp.path(), "npy");
    fdsl_ok(&args(&npy, "npy", &[]));
    let listing: Vec<String> = tree(Path::new(&npy)).into_keys().filter(|p| p.ends_with(".npy")).collect();
    assert_eq!(
        listing,
        [
            "train/images-000000.npy",
            "train/images-000001.npy",
            "train/images-000002.npy",
            "train/masks-000000.npy",
            "train/masks-000001.npy",
            "train/masks-000002.npy",
            "val/images-000000.npy",
            "val/masks-000000.npy",
        ]
    );
    let masks = std::fs::read(Path::new(&npy).join("val/masks-000000.npy")).unwrap();
    let header = String::from_utf8_lossy(&masks[10..10 + u16::from_le_bytes([masks[8], masks[9]]) as usize])
        .into_owned();
    assert!(header.contains("'descr': '|u1'") && header.contains("'shape': (2, 48, 48)"), "{header}");
}

#[test]
fn verify_names_a_changed_mask() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "out");
    fdsl_ok(&args(&out, "png", &[]));
    let dir = Path::new(&out).join("annotations/validation");
    std::fs::copy(dir.join("000007.png"), dir.join("000008.png")).unwrap();
    let said = fdsl(&["verify", &out]);
    assert_eq!(said.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&said.stdout).contains("annotations/validation/000008.png"));
}

#[test]
fn bad_input_is_one_line_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "out");
    let rejected = |args: &[String], needle: &str| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let said = fdsl(&args);
        let err = String::from_utf8_lossy(&said.stderr);
        assert_eq!(said.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err:?}");
        assert!(err.starts_with("error: ") && err.contains(needle), "{args:?}: {err:?} lacks {needle:?}");
        assert!(!Path::new(&out).exists(), "{args:?} wrote {out}");
    };
    let segrcdb = ["render", "--preset", "segrcdb", "--out", &out, "--instances", "3", "--size", "32"];
    let with =
        |extra: &[&str]| -> Vec<String> { segrcdb.iter().chain(extra).map(|s| s.to_string()).collect() };
    rejected(&with(&["--mask-mode", "M4"]), "invalid value 'M4' for '--mask-mode <MODE>'");
    rejected(&with(&["--categories", "255"]), "--categories must be at most 254 for SegRCDB");
    rejected(&with(&["--instances-per-image", "0"]), "--instances-per-image must be between 1 and 100000");
    rejected(
        &["render", "--preset", "rcdb-1k", "--out", &out, "--mask-mode", "filled"].map(str::to_owned),
        "--mask-mode does not apply to the rcdb-1k preset",
    );
    // Category files with NaN or values out of range: the file and the value named.
    let dir = tmp.path().join("cats");
    std::fs::create_dir(&dir).unwrap();
    let good = "Vertex,41\nPerlin_noise,2.5\nline_width,0.0625\nCenter_rad,17\nLine_num,9\nOval_rate_x,1.25\nOval_rate_y,1.5\n";
    std::fs::write(dir.join("00000.csv"), good).unwrap();
    let from = dir.to_str().unwrap();
    for (bad, needle) in [
        (good.replace("2.5", "nan"), "must be finite numbers"),
        (good.replace("41", "1"), "Vertex must be between 3 and 1024"),
        (good.replace("1.25", "1e9"), "must be between -100 and 100"),
        (good.replace("Line_num,9", "Line_num,-2"), "Line_num must be a whole number"),
    ] {
        std::fs::write(dir.join("00001.csv"), bad).unwrap();
        rejected(&with(&["--categories-from", from]), "00001.csv");
        let args = with(&["--categories-from", from]);
        let said = fdsl(&args.iter().map(String::as_str).collect::<Vec<_>>());
        let said = String::from_utf8_lossy(&said.stderr).into_owned();
        assert!(said.contains(needle), "{said}");
    }
    std::fs::write(dir.join("00001.csv"), good).unwrap();
    fdsl_ok(&with(&["--categories-from", from]).iter().map(String::as_str).collect::<Vec<_>>());
}

/// `--dry-run` counts an image and its mask per sample, and estimates their size (measured at 512 px).
#[test]
fn dry_runs_count_and_size_the_masks() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "out");
    let run = ["render", "--preset", "segrcdb", "--out", &out, "--instances", "20", "--threads", "2"];
    let said = fdsl_ok(&[&run[..], &["--dry-run"]].concat());
    let text = String::from_utf8_lossy(&said.stdout).into_owned();
    assert!(text.contains("20 samples in 1 tasks, 40 files (+255 small metadata files)"), "{text}");
    let mb: f64 = text.split("about ").last().unwrap().split(" MB").next().unwrap().parse().unwrap();
    fdsl_ok(&run);
    let bytes: usize = tree(Path::new(&out)).values().map(Vec::len).sum();
    let ratio = mb * 1e6 / bytes as f64;
    assert!((0.8..1.25).contains(&ratio), "estimated {mb} MB, wrote {bytes} bytes");
}

/// `fdsl preview`: a row of images (grey), then the same images with their masks in colour.
#[test]
fn the_preview_shows_images_then_their_masks_in_colour() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "sheet.png");
    fdsl_ok(&[
        "preview",
        "--preset",
        "segrcdb",
        "--categories",
        "9",
        "--tile",
        "40",
        "--size",
        "64",
        "--out",
        &out,
    ]);
    let common::Png { info, pixels } = common::decode_png(&std::fs::read(&out).unwrap());
    // 4 columns of 40 px tiles and 6 px gaps, or the title's width (8 px glyphs between 6 px gaps)
    // where that is wider; two rows of tile + 10 px label + gap under a title line.
    let title = "segrcdb seed 0 (9 classes x 20000)".len();
    assert_eq!((info.width as usize, info.height), ((6 + 4 * 46).max(12 + 8 * title), 22 + 2 * 56));
    let row = |r: usize| -> Vec<[u8; 3]> {
        let top = 22 + r * 56 + 10;
        (top..top + 40)
            .flat_map(|y| (6..6 + 40).map(move |x| (y, x)))
            .map(|(y, x)| {
                let at = 3 * (y * info.width as usize + x);
                [pixels[at], pixels[at + 1], pixels[at + 2]]
            })
            .collect()
    };
    let grey = |p: &[u8; 3]| p[0] == p[1] && p[1] == p[2];
    assert!(row(0).iter().all(grey) && row(0).iter().any(|p| p[0] > 0), "the images are grey");
    assert!(row(1).iter().filter(|p| !grey(p)).count() > 100, "the masks are in colour");
}

/// A run killed (SIGKILL) part way, started again, is the clean run's tree, masks included.
#[test]
fn a_killed_run_resumes_to_the_same_masks() {
    let tmp = tempfile::tempdir().unwrap();
    let (clean, killed) = (arg(tmp.path(), "clean"), arg(tmp.path(), "killed"));
    let run = |out: &str| {
        ["render", "--preset", "segrcdb", "--out", out, "--instances", "400", "--size", "128"]
            .map(str::to_owned)
    };
    fdsl_ok(&run(&clean).each_ref().map(String::as_str));
    for delay_ms in [20, 80, 200] {
        let mut child =
            std::process::Command::new(env!("CARGO_BIN_EXE_fdsl")).args(run(&killed)).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        child.kill().unwrap();
        child.wait().unwrap();
    }
    fdsl_ok(&run(&killed).each_ref().map(String::as_str));
    assert!(tree(Path::new(&killed)) == tree(Path::new(&clean)), "the resumed tree differs");
    fdsl_ok(&["verify", &killed]);
}

/// `--mask-mode M2` (the reference's name) is `--mask-mode rings`, to the manifest's byte.
#[test]
fn the_references_mode_names_are_fdsls() {
    let tmp = tempfile::tempdir().unwrap();
    let (m2, rings) = (arg(tmp.path(), "m2"), arg(tmp.path(), "rings"));
    fdsl_ok(&args(&m2, "png", &["--mask-mode", "M2"]));
    fdsl_ok(&args(&rings, "png", &["--mask-mode", "rings"]));
    assert!(tree(Path::new(&m2)) == tree(Path::new(&rings)));
    let manifest = String::from_utf8(std::fs::read(Path::new(&m2).join("manifest.json")).unwrap()).unwrap();
    assert!(manifest.contains(r#""mask_mode": "rings""#), "{manifest}");
}
