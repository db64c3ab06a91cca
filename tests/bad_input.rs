//! Bad input: a one-line error naming the problem, exit code 2, no files left behind.

mod common;
use common::{arg, fdsl, fdsl_ok, tree};

fn rejected(args: &[&str], needle: &str) {
    let out = fdsl(args);
    assert_eq!(out.status.code(), Some(2), "fdsl {args:?} should exit 2");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "fdsl {args:?}: one line expected, got {err:?}");
    assert!(err.starts_with("error: ") && err.contains(needle), "fdsl {args:?}: {err:?} lacks {needle:?}");
}

#[test]
fn bad_flags_are_rejected_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "out");
    let cases: &[(&[&str], &str)] = &[
        (&["--preset", "fractaldb-2k"], "unknown preset \"fractaldb-2k\""),
        (&["--size", "0"], "--size must be between 16 and 8192"),
        (&["--size", "100000"], "--size must be between 16 and 8192"),
        (&["--size", "-3"], "invalid value '-3' for '--size <PX>'"),
        (&["--points", "0"], "--points must be between"),
        (&["--points", "999999999"], "--points must be between"),
        (&["--instances", "0"], "--instances must be between 1 and 1000"),
        (&["--instances", "1001"], "--instances must be between 1 and 1000"),
        (&["--categories", "0"], "--categories must be at least 1"),
        (&["--categories", "1001"], "has 1000 categories"),
        (
            &["--weight-step", "NaN"],
            "invalid value 'NaN' for '--weight-step <W>': \"NaN\" is not a finite number",
        ),
        (&["--weight-step", "0.75"], "--weight-step must be between 0 and 0.5"),
        (&["--weight-step", "-0.1"], "--weight-step"),
        (&["--weight-step", "inf"], "--weight-step"),
        (&["--draw", "splat"], "invalid value 'splat'"),
        (&["--threads", "100000"], "--threads must be 0 (one per core) to 4096, not 100000"),
        (&["--categories-from", "/nonexistent/fdsl"], "cannot read the category folder /nonexistent/fdsl"),
    ];
    for (extra, needle) in cases {
        let mut args = vec!["render", "--out", &out];
        args.extend_from_slice(extra);
        rejected(&args, needle);
        assert!(!tmp.path().join("out").exists(), "fdsl {args:?} left {out}");
    }
}

#[test]
fn malformed_category_files_name_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "out");
    let cases = [
        ("0.5,0,0,0.5,0,0\n", "00000.csv line 1: expected 7 comma-separated numbers"),
        ("0.5,0,0,0.5,0,0,1\n0.5,0,zero,0.5,0,0,1\n", "00000.csv line 2: \"zero\" is not a number"),
        ("0.5,0,0,NaN,0,0,1\n", "00000.csv: not a usable IFS: map 1 has a NaN or infinite value"),
        ("0.5,0,0,0.5,0,0,inf\n", "map 1 has a NaN or infinite value"),
        ("0.5,0,0,0.5,0,0,-1\n", "map 1 has a negative probability"),
        ("", "the IFS has no map"),
    ];
    for (i, (text, needle)) in cases.iter().enumerate() {
        let dir = tmp.path().join(format!("cats{i}"));
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("00000.csv"), text).unwrap();
        rejected(&["render", "--out", &out, "--categories-from", dir.to_str().unwrap()], needle);
        assert!(!tmp.path().join("out").exists());
    }
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    rejected(
        &["render", "--out", &out, "--categories-from", empty.to_str().unwrap()],
        "holds no category files",
    );
}

#[test]
fn a_folder_holding_something_else_is_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "d");
    fdsl_ok(&["render", "--out", &out, "--categories", "2", "--instances", "4"]);
    let before = tree(&tmp.path().join("d"));
    rejected(
        &["render", "--out", &out, "--categories", "2", "--instances", "4", "--size", "256"],
        "holds a different dataset (manifest.json: size: 256 here, 362 there)",
    );
    rejected(
        &["render", "--out", &out, "--categories", "2", "--instances", "4", "--seed", "1"],
        "seed: 1 here, 0 there",
    );
    assert!(tree(&tmp.path().join("d")) == before);
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "mine").unwrap();
    rejected(
        &["render", "--out", other.to_str().unwrap(), "--instances", "4"],
        "is not empty and holds no fdsl manifest.json",
    );
    assert_eq!(tree(&other).len(), 1);
    let file = tmp.path().join("file");
    std::fs::write(&file, "x").unwrap();
    rejected(&["render", "--out", file.to_str().unwrap()], "exists and is not a folder");
    rejected(&["verify", other.to_str().unwrap()], "holds no manifest.json");
}

#[test]
fn search_rejects_bad_criteria() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "s");
    rejected(&["search", "--out", &out, "--categories", "0"], "--categories must be at least 1");
    rejected(&["search", "--out", &out, "--threshold", "0"], "--threshold must be in (0, 1]");
    rejected(&["search", "--out", &out, "--threshold", "NaN"], "--threshold");
    rejected(&["search", "--out", &out, "--size", "8"], "--size must be between");
    assert!(!tmp.path().join("s").exists());
}

#[test]
fn no_arguments_prints_help_and_exits_2() {
    let out = fdsl(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage: fdsl <COMMAND>"));
}

#[test]
fn devices_without_a_gpu() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, x) = (arg(tmp.path(), "a"), arg(tmp.path(), "b"), arg(tmp.path(), "x"));
    // This machine (and CI) has no NVIDIA driver: cuda is a clear error, auto falls back to the CPU.
    if std::path::Path::new("/dev/nvidiactl").exists() {
        eprintln!("skipped: a GPU is present");
        return;
    }
    rejected(
        &["render", "--out", &x, "--categories", "1", "--instances", "4", "--device", "cuda"],
        "no NVIDIA driver found; use --device cpu",
    );
    rejected(
        &["search", "--out", &x, "--categories", "1", "--device", "cuda"],
        "no NVIDIA driver found; use --device cpu",
    );
    rejected(
        &["render", "--preset", "rcdb-1k", "--out", &x, "--device", "cuda"],
        "--device cuda: the rcdb-1k preset has no GPU path; use --device cpu",
    );
    rejected(
        &["search", "--kind", "ifs3d", "--out", &x, "--categories", "1", "--device", "cuda"],
        "--device cuda: the ifs3d search has no GPU path; use --device cpu",
    );
    assert!(!tmp.path().join("x").exists());
    fdsl_ok(&["render", "--out", &a, "--categories", "2", "--instances", "8", "--device", "auto"]);
    fdsl_ok(&["render", "--out", &b, "--categories", "2", "--instances", "8", "--device", "cpu"]);
    assert!(tree(&tmp.path().join("a")) == tree(&tmp.path().join("b")));
}

/// Clap's whole message on one line: the missing argument's name, the typo's tip, the possible values.
#[test]
fn argument_errors_keep_everything_clap_says() {
    let one_line = |args: &[&str], needles: &[&str]| {
        let out = fdsl(args);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!((out.status.code(), err.lines().count()), (Some(2), 1), "{args:?}: {err}");
        for needle in needles {
            assert!(err.contains(needle), "{args:?}: {err:?} lacks {needle:?}");
        }
    };
    one_line(
        &["render"],
        &["the following required arguments were not provided: --out <DIR>", "fdsl render --help"],
    );
    one_line(
        &["render", "--out", "x", "--categries", "3"],
        &["tip: a similar argument exists: '--categories'"],
    );
    one_line(
        &["render", "--out", "x", "--format", "bogus"],
        &["[possible values: png, webdataset, npy, ply, ply-ascii, nifti, nifti-uint8, nifti-leading-slash]"],
    );
    one_line(&["render", "--out", "x", "--preset", "imagenet"], &["pc-fractaldb-1k, pc-fractaldb-scenes"]);
}

/// Each family refuses the settings it does not have and the values it cannot draw.
#[test]
fn bad_family_flags_are_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "out");
    let va = tmp.path().join("va");
    std::fs::create_dir_all(&va).unwrap();
    std::fs::write(
        va.join("00000.csv"),
        "vertex_number,5000\nline_draw_num,20\nperlin_noise_coefficient,1\nline_width,0.05\nstart_rad,20\n\
         nami1,2\nnami2,3\noval_rate_x,1.5\noval_rate_y,1.5\n",
    )
    .unwrap();
    let va = va.to_str().unwrap();
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "dead-leaves-mixed",
            &["--categories", "2"],
            "--categories must be 1: dead leaves images are unlabelled",
        ),
        (
            "dead-leaves-mixed",
            &["--points", "100"],
            "--points does not apply to the dead-leaves-mixed preset",
        ),
        ("dead-leaves-mixed", &["--draw", "point"], "--draw does not apply to the dead-leaves-mixed preset"),
        (
            "dead-leaves-mixed",
            &["--categories-from", "/tmp"],
            "--categories-from does not apply to the dead-leaves-mixed preset",
        ),
        ("dead-leaves-mixed", &["--instances", "0"], "--instances must be between 1 and 100000000"),
        ("dead-leaves-mixed", &["--size", "8"], "--size must be between 16 and 8192"),
        ("dead-leaves-mixed", &["--format", "ply"], "--format ply does not write images"),
        (
            "dead-leaves-mixed",
            &["--val-per-class", "105000"],
            "--val-per-class 105000 leaves no training image",
        ),
        ("visualatom-1k", &["--points", "100"], "--points does not apply to the visualatom-1k preset"),
        ("visualatom-1k", &["--colour", "hue"], "--colour does not apply to the visualatom-1k preset"),
        ("visualatom-21k", &["--categories", "21001"], "the visualatom-21k preset has 21000 categories"),
        ("visualatom-1k", &["--instances", "1000001"], "--instances must be between 1 and 1000000"),
        ("visualatom-1k", &["--categories-from", va], "vertex_number must be between 3 and 1024"),
    ];
    for (preset, extra, needle) in cases {
        let mut args = vec!["render", "--out", &out, "--preset", preset];
        args.extend_from_slice(extra);
        rejected(&args, needle);
        assert!(!tmp.path().join("out").exists(), "fdsl {args:?} left {out}");
    }
}

#[test]
fn bad_statistical_textured_and_one_point_frac_input_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "out");
    let base = |name: &str, text: &str| {
        let dir = tmp.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("base.csv"), text).unwrap();
        dir.to_str().unwrap().to_owned()
    };
    let nan = base("nan", "0.5,nan,0,0.5,0,0,0.5\n0.5,0,0,0.5,0.5,0,0.5\n");
    let one = base("one", "0.5,0,0,0.5,0,0,1\n");
    let cases: &[(&str, &[&str], &str)] = &[
        ("stat-wmm", &["--size", "100"], "--size: statistical images need a side that is a power of two"),
        ("stat-spectrum", &["--size", "2048"], "from 32 to 1024, not 2048"),
        (
            "stat-spectrum",
            &["--categories", "2"],
            "--categories must be 1: statistical images are unlabelled",
        ),
        ("stat-spectrum", &["--textures", "4"], "--textures does not apply to the stat-spectrum preset"),
        ("dead-leaves-textured", &["--textures", "0"], "--textures must be 1 to 10000, not 0"),
        ("dead-leaves-textured", &["--textures", "10001"], "--textures must be 1 to 10000, not 10001"),
        (
            "dead-leaves-mixed",
            &["--textures", "5"],
            "--textures does not apply to the dead-leaves-mixed preset",
        ),
        ("1p-frac", &["--delta", "0"], "--delta: delta must be a number between 0 and 1"),
        ("1p-frac", &["--delta", "1.5"], "--delta: delta must be a number between 0 and 1"),
        ("1p-frac", &["--delta", "nan"], "\"nan\" is not a finite number"),
        ("1p-frac", &["--sigma", "0.05"], "--sigma: sigma must be a number above 0.1 and at most 5.9"),
        ("1p-frac", &["--sigma", "6"], "--sigma: sigma must be a number above 0.1 and at most 5.9"),
        ("1p-frac", &["--perturbations", "0"], "--perturbations must be 1 to 1000000, not 0"),
        (
            "1p-frac",
            &["--categories", "2"],
            "--categories must be 1: 1p-frac has one category, its base fractal",
        ),
        ("1p-frac", &["--instances", "2"], "--instances must be 1: 1p-frac makes one image per class, not 2"),
        ("1p-frac", &["--categories-from", &nan], "base.csv"),
        ("1p-frac", &["--categories-from", &one], "needs at least 2 maps"),
        ("rcdb-1k", &["--delta", "0.1"], "--delta does not apply to the rcdb-1k preset"),
    ];
    for (preset, extra, needle) in cases {
        let mut args = vec!["render", "--out", &out, "--preset", preset];
        args.extend_from_slice(extra);
        rejected(&args, needle);
        assert!(!tmp.path().join("out").exists(), "fdsl {args:?} left {out}");
    }
}

#[test]
fn bad_perlin_and_bezier_flags_and_files_are_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "out");
    let cases: &[(&str, &[&str], &str)] = &[
        ("perlin-100", &["--categories", "101"], "the perlin-100 preset has 100 categories"),
        ("perlin-1296", &["--categories", "1297"], "the perlin-1296 preset has 1296 categories"),
        ("perlin-100", &["--points", "100"], "--points does not apply to the perlin-100 preset"),
        ("bezier-144", &["--draw", "point"], "--draw does not apply to the bezier-144 preset"),
        ("bezier-1024", &["--instances", "0"], "--instances must be between 1 and 1000000"),
        ("perlin-1296", &["--size", "8"], "--size must be between 16 and 8192"),
        ("bezier-144", &["--format", "ply"], "--format ply does not write images"),
    ];
    for (preset, extra, needle) in cases {
        let mut args = vec!["render", "--out", &out, "--preset", preset];
        args.extend_from_slice(extra);
        rejected(&args, needle);
        assert!(!tmp.path().join("out").exists(), "fdsl {args:?} left {out}");
    }
    let files: &[(&str, &str, &str)] = &[
        (
            "perlin-100",
            "frequency,NaN\npersistence,0.5\noctaves,4\nlacunarity,2\n",
            "frequency must be above 0",
        ),
        (
            "perlin-100",
            "frequency,2\npersistence,1.5\noctaves,4\nlacunarity,2\n",
            "persistence must be between 0 and 1",
        ),
        (
            "perlin-100",
            "frequency,2\npersistence,0.5\noctaves,4.5\nlacunarity,2\n",
            "octaves must be a whole number",
        ),
        ("perlin-100", "frequency,2\npersistence,0.5\noctaves,4\n", "missing lacunarity"),
        ("bezier-144", "curve,0,0,1,1,inf,0\n", "control points must be finite"),
        ("bezier-144", "curve,0,0,1,1\n", "expected one row curve,x0,y0"),
        ("bezier-144", "", "a Bezier category needs 1 to 8 curves"),
    ];
    for (k, (preset, text, needle)) in files.iter().enumerate() {
        let dir = tmp.path().join(format!("cats{k}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("00000.csv"), text).unwrap();
        rejected(
            &["render", "--out", &out, "--preset", preset, "--categories-from", dir.to_str().unwrap()],
            needle,
        );
        assert!(!tmp.path().join("out").exists());
    }
}

/// A manifest's bad spec is named by its fields, not by flags the user never passed.
#[test]
fn a_manifests_bad_spec_names_its_field() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "d");
    fdsl_ok(&[
        "render",
        "--out",
        &out,
        "--categories",
        "1",
        "--instances",
        "4",
        "--size",
        "32",
        "--points",
        "500",
    ]);
    let path = tmp.path().join("d/manifest.json");
    let text = std::fs::read_to_string(&path).unwrap().replace("\"instances\": 4", "\"instances\": 0");
    std::fs::write(&path, text).unwrap();
    let out = fdsl(&["verify", &out]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.contains("the spec's \"instances\" must be between 1 and 1000, not 0") && !err.contains("--"),
        "{err}"
    );
}

/// Degenerate categories: absurd RCDB values are refused with their range, and category files
/// that draw almost nothing are named in a warning before anything is rendered.
#[test]
fn degenerate_categories_are_refused_or_named() {
    let tmp = tempfile::tempdir().unwrap();
    let rcdb = tmp.path().join("rcdb");
    std::fs::create_dir_all(&rcdb).unwrap();
    std::fs::write(
        rcdb.join("00000.csv"),
        "Vertex,50\nPerlin_noise,1\nline_width,0.05\nLine_num,1000000000\n",
    )
    .unwrap();
    let out = arg(tmp.path(), "r");
    rejected(
        &["render", "--preset", "rcdb-1k", "--categories-from", rcdb.to_str().unwrap(), "--out", &out],
        "Line_num must be between 1 and 10000",
    );
    let cats = tmp.path().join("cats");
    std::fs::create_dir_all(&cats).unwrap();
    std::fs::write(
        cats.join("00000.csv"),
        "0.5,0,0,0.5,0,0,0.34\n0.5,0,0,0.5,0.5,0,0.33\n0.5,0,0,0.5,0.25,0.5,0.33\n",
    )
    .unwrap();
    // Every map collapses the plane onto one point: one patch per image.
    std::fs::write(cats.join("00001.csv"), "0,0,0,0,0.3,0.3,0.5\n0,0,0,0,0.3,0.3,0.5\n").unwrap();
    let out = fdsl(&[
        "render",
        "--categories-from",
        cats.to_str().unwrap(),
        "--out",
        &arg(tmp.path(), "f"),
        "--dry-run",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("1 of the 2 categories draw almost nothing") && err.contains("00001.csv"), "{err}");
    assert!(!err.contains("00000.csv"), "{err}");
}
