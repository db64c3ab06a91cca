//! End-to-end tests of `fdsl render` and `fdsl verify`: determinism, golden hashes, resume.

mod common;
use common::{arg, fdsl, fdsl_ok, sha256, tree};

/// A small FractalDB-1k dataset: 3 categories, the first 80 instances (2 weights), recipe defaults.
fn small(out: &str, threads: &str) {
    fdsl_ok(&["render", "--out", out, "--categories", "3", "--instances", "80", "--threads", threads]);
}

/// Golden SHA-256 of PNG files: patch mode (the published recipe) and point mode, several weights,
/// counts and flips. A change here changes datasets: make it on purpose and record it.
#[test]
fn golden_hashes() {
    let tmp = tempfile::tempdir().unwrap();
    let patch = arg(tmp.path(), "patch");
    fdsl_ok(&["render", "--out", &patch, "--categories", "2", "--instances", "1000", "--seed", "7"]);
    let point = arg(tmp.path(), "point");
    fdsl_ok(&[
        "render",
        "--out",
        &point,
        "--categories",
        "2",
        "--instances",
        "120",
        "--draw",
        "point",
        "--size",
        "128",
        "--points",
        "20000",
        "--weight-step",
        "0.1",
    ]);
    let golden = [
        (
            &patch,
            "train/00000/00000_00_count_0_flip0.png",
            "933835ca88e591a7646facd3e6d42c4d9659d37a3d20e7cdf94c094c490a3f98",
        ),
        (
            &patch,
            "train/00000/00000_02_count_5_flip1.png",
            "2acd690419500694cf0638b3ffc4fd28826c2fd473803d3a433b86cad649d97a",
        ),
        (
            &patch,
            "train/00001/00001_13_count_7_flip2.png",
            "2ed7fcaf238412b9304f3204ee04ea5b25131473e348b11b65e0076ec91f3987",
        ),
        (
            &patch,
            "train/00001/00001_24_count_9_flip3.png",
            "d833afce7067236251a768b50a3f69c6790fb4d78069820ca5290568335587cd",
        ),
        (
            &point,
            "train/00000/00000_00_count_0_flip0.png",
            "33b4d1bf499238b0e1939317582d9a94427cc5c86b4027e6e2421221b1ac664f",
        ),
        (
            &point,
            "train/00000/00000_02_count_3_flip3.png",
            "15a640d481071932cc69fbeb266cd7626913015e298b56aa731523ad3374dcca",
        ),
        (
            &point,
            "train/00001/00001_01_count_9_flip2.png",
            "e0f28da2a6e7d49231170c5da95ea8fdc816230410c228149d20d940bff2ad06",
        ),
    ];
    let mut wrong = Vec::new();
    for (root, file, want) in golden {
        let got = sha256(&std::fs::read(std::path::Path::new(root).join(file)).unwrap());
        if got != want {
            wrong.push(format!("{root}/{file}: {got}"));
        }
    }
    // Every file of both trees at once: the manifests' (path, SHA-256) lists.
    for (root, want) in [
        (&patch, "d533d68ac7507310ca1faddcbf7a76a96be6d5b04bf1775834b838d7a888b5b5"),
        (&point, "d95b7627021a7632a7f2efea4f9e9d2377de4895471d36435b62862917be27a4"),
    ] {
        let got = sha256(files_listing(root).as_bytes());
        if got != want {
            wrong.push(format!("{root} (all files): {got}"));
        }
    }
    assert!(wrong.is_empty(), "golden hashes differ:\n{}", wrong.join("\n"));
}

/// `path sha256` lines of a dataset's manifest, sorted by path.
fn files_listing(root: &str) -> String {
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(std::path::Path::new(root).join("manifest.json")).unwrap())
            .unwrap();
    let files = manifest["files"].as_object().unwrap();
    files.iter().map(|(path, sha)| format!("{path} {}\n", sha.as_str().unwrap())).collect()
}

#[test]
fn verify_passes_then_names_missing_and_changed_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "d");
    small(&out, "0");
    let ok = fdsl_ok(&["verify", &out]);
    assert!(String::from_utf8_lossy(&ok.stdout).starts_with("ok: 244 files"));
    let root = tmp.path().join("d");
    std::fs::remove_file(root.join("train/00001/00001_01_count_3_flip2.png")).unwrap();
    let changed = root.join("train/00002/00002_00_count_0_flip0.png");
    let mut bytes = std::fs::read(&changed).unwrap();
    *bytes.last_mut().unwrap() ^= 1;
    std::fs::write(&changed, bytes).unwrap();
    std::fs::write(root.join("classes.txt"), "x\n").unwrap();
    let bad = fdsl(&["verify", &out]);
    assert_eq!(bad.status.code(), Some(1));
    let report = String::from_utf8_lossy(&bad.stdout);
    assert!(report.contains("missing: train/00001/00001_01_count_3_flip2.png"), "{report}");
    assert!(report.contains("differs: train/00002/00002_00_count_0_flip0.png"), "{report}");
    assert!(report.contains("differs: classes.txt"), "{report}");
    assert!(report.contains("3 problem(s)"), "{report}");
}

#[test]
fn rerun_repairs_and_completes_byte_identically() {
    let tmp = tempfile::tempdir().unwrap();
    let (clean, broken) = (arg(tmp.path(), "clean"), arg(tmp.path(), "broken"));
    small(&clean, "0");
    small(&broken, "0");
    let root = tmp.path().join("broken");
    std::fs::remove_file(root.join("train/00000/00000_01_count_9_flip3.png")).unwrap();
    std::fs::write(root.join("train/00002/00002_00_count_4_flip0.png"), b"not a png").unwrap();
    let again = fdsl_ok(&["render", "--out", &broken, "--categories", "3", "--instances", "80"]);
    let said = String::from_utf8_lossy(&again.stdout);
    assert!(said.starts_with("rendered 80 images (160 already there)"), "{said}");
    assert!(tree(&root) == tree(&tmp.path().join("clean")));
}

#[test]
fn killed_run_resumes_to_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (clean, killed) = (arg(tmp.path(), "clean"), arg(tmp.path(), "killed"));
    let args =
        |out: &str| ["render", "--out", out, "--categories", "12", "--instances", "200"].map(str::to_owned);
    fdsl_ok(&args(&clean).each_ref().map(String::as_str));
    for delay_ms in [30, 120, 400] {
        let mut child =
            std::process::Command::new(env!("CARGO_BIN_EXE_fdsl")).args(args(&killed)).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
    }
    let root = tmp.path().join("killed");
    if root.join("manifest.json").exists() {
        let m: serde_json::Value =
            serde_json::from_slice(&std::fs::read(root.join("manifest.json")).unwrap()).unwrap();
        if m["complete"] == false {
            assert_eq!(
                fdsl(&["verify", &killed]).status.code(),
                Some(1),
                "an interrupted dataset must not verify"
            );
        }
    }
    fdsl_ok(&args(&killed).each_ref().map(String::as_str));
    assert!(tree(&root) == tree(&tmp.path().join("clean")), "resumed tree differs from a clean run");
    fdsl_ok(&["verify", &killed]);
}

#[test]
fn another_bytes_versions_dataset_is_neither_resumed_nor_verified() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "v");
    small(&out, "2");
    let path = tmp.path().join("v/manifest.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let tool = format!("\"fdsl {}\",", env!("CARGO_PKG_VERSION"));
    assert!(text.contains(&tool), "{text}");
    std::fs::write(&path, text.replace(&tool, "\"fdsl 0.0.1\",\n  \"bytes_version\": 7,")).unwrap();
    let o = fdsl(&["render", "--out", &out, "--categories", "3", "--instances", "80"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("was written by fdsl 0.0.1"), "{err}");
    assert!(err.contains("resume it with fdsl 0.0.1"), "{err}");
    let o = fdsl(&["verify", &out]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("verify it with fdsl 0.0.1"), "{err}");
}

/// `--dry-run` estimates every PNG level (`high` once indexed past the end of the estimates and
/// panicked), the stored `none` the largest.
#[test]
fn dry_runs_estimate_every_png_level() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "d");
    let estimate = |level: &str| -> f64 {
        let said =
            fdsl_ok(&["render", "--out", &out, "--categories", "2", "--dry-run", "--png-compression", level]);
        let text = String::from_utf8_lossy(&said.stdout).into_owned();
        let about = text.split("about ").nth(1).unwrap();
        let (value, unit) = about.split_once(' ').unwrap();
        let scale = match &unit[..2] {
            "kB" => 1e3,
            "MB" => 1e6,
            "GB" => 1e9,
            other => panic!("{other}"),
        };
        value.parse::<f64>().unwrap() * scale
    };
    let sizes: Vec<f64> = ["none", "fastest", "fast", "balanced", "high"].map(estimate).to_vec();
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
    assert!(sizes[0] > 2.0 * sizes[1] && !tmp.path().join("d").exists());
}

/// A dataset is its content: the same category files given by a relative or an absolute path, from
/// another working directory, or as a copy of the folder, resume and merge into the single run's
/// bytes (the path first recorded stays, as provenance).
#[test]
fn categories_by_another_path_or_a_copy_are_the_same_dataset() {
    let tmp = tempfile::tempdir().unwrap();
    let cats = tmp.path().join("cats");
    std::fs::create_dir_all(&cats).unwrap();
    let sierpinski = "0.5,0,0,0.5,0,0,0.34\n0.5,0,0,0.5,0.5,0,0.33\n0.5,0,0,0.5,0.25,0.5,0.33\n";
    let fern = "0,0,0,0.16,0,0,0.01\n0.85,0.04,-0.04,0.85,0,1.6,0.85\n0.2,-0.26,0.23,0.22,0,1.6,0.07\n-0.15,0.28,0.26,0.24,0,0.44,0.07\n";
    std::fs::write(cats.join("00000.csv"), sierpinski).unwrap();
    std::fs::write(cats.join("00001.csv"), fern).unwrap();
    copy_dir(&cats, &tmp.path().join("copy"));
    std::fs::create_dir_all(tmp.path().join("elsewhere")).unwrap();
    let run = |cwd: &str, cats: &str, out: &str, extra: &[&str]| {
        let mut args =
            vec!["render", "--out", out, "--categories-from", cats, "--instances", "80", "--size", "64"];
        args.extend(extra);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_fdsl"))
            .current_dir(tmp.path().join(cwd))
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let absolute = |name: &str| tmp.path().join(name).to_string_lossy().into_owned();
    run(".", "cats", "single", &[]);
    // Part 0 by a relative path, part 1 from another folder by an absolute one: they merge.
    run(".", "cats", "parts", &["--shard", "0/2"]);
    let said = run("elsewhere", &absolute("cats"), &absolute("parts"), &["--shard", "1/2"]);
    assert!(said.contains("was the last"), "{said}");
    assert!(tree(&tmp.path().join("parts")) == tree(&tmp.path().join("single")));
    // A copy of the category folder resumes the dataset: nothing to render.
    let said = run("elsewhere", "../copy", &absolute("single"), &[]);
    assert!(said.starts_with("rendered 0 images (160 already there)"), "{said}");
    let manifest = std::fs::read_to_string(tmp.path().join("single/manifest.json")).unwrap();
    assert!(manifest.contains("\"category_source\": \"cats\""), "the first provenance stays");
    fdsl_ok(&["verify", &absolute("single")]);
    // Other categories by the same name are another dataset.
    std::fs::write(tmp.path().join("copy/00001.csv"), sierpinski).unwrap();
    let out = fdsl(&[
        "render",
        "--out",
        &absolute("single"),
        "--categories-from",
        &absolute("copy"),
        "--instances",
        "80",
        "--size",
        "64",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("categories_sha256"));
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// `fdsl verify` names every file and folder the manifest does not list (exit 1): a junk image in
/// a class folder, an extra class folder, a copied shard, an interrupted run's temporary; and
/// `fdsl render` on such a folder warns.
#[test]
fn verify_and_render_name_extra_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (png, wds) = (arg(tmp.path(), "png"), arg(tmp.path(), "wds"));
    let flags = ["--categories", "2", "--instances", "40", "--size", "48", "--points", "2000"];
    let render = |out: &str, extra: &[&str]| {
        let mut args = vec!["render", "--out", out];
        args.extend(flags);
        args.extend(extra);
        fdsl(&args)
    };
    assert!(
        render(&png, &[]).status.success()
            && render(&wds, &["--format", "webdataset", "--shard-size", "30"]).status.success()
    );
    let root = tmp.path().join("png");
    std::fs::write(root.join("train/00000/junk.png"), b"not a png").unwrap();
    std::fs::create_dir_all(root.join("train/00007")).unwrap();
    std::fs::write(root.join("train/00007/a.png"), b"x").unwrap();
    std::fs::write(root.join("train/00001/.00001_00_count_0_flip0.png.1234-0.fdsl-tmp"), b"half").unwrap();
    std::fs::copy(tmp.path().join("wds/train-000000.tar"), tmp.path().join("wds/train-000009.tar")).unwrap();
    let verify = |dir: &str| {
        let out = fdsl(&["verify", dir]);
        assert_eq!(out.status.code(), Some(1), "{dir}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let said = verify(&png);
    assert!(said.contains("extra: train/00000/junk.png\n"), "{said}");
    assert!(said.contains("extra: train/00007/ (a folder the dataset does not have)"), "{said}");
    assert!(!said.contains("train/00007/a.png"), "a folder is named once: {said}");
    assert!(said.contains(".fdsl-tmp (a temporary file of an interrupted run)"), "{said}");
    assert!(said.contains("3 problem(s)"), "{said}");
    assert!(verify(&wds).contains("extra: train-000009.tar\n"));
    // The run completes the dataset again: it removes the temporary and warns of the other two.
    let again = render(&png, &[]);
    let warned = String::from_utf8_lossy(&again.stderr);
    assert!(
        again.status.success() && warned.contains("holds 2 file(s) or folder(s) the dataset does not list"),
        "{warned}"
    );
    assert!(verify(&png).contains("2 problem(s)"));
}

/// Piped (a batch job's log), long phases print plain lines: done / total, rate, ETA; a render of a
/// folder that holds the dataset's categories takes them instead of searching again.
#[test]
fn logs_show_progress_and_a_resume_does_not_search_again() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "ex");
    let run = |extra: &[&str]| {
        let mut args = vec!["render", "--preset", "exfractaldb-1k", "--out", &out, "--categories", "3"];
        args.extend(["--instances", "40", "--size", "32", "--points", "500"]);
        args.extend(extra);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_fdsl"))
            .env("FDSL_PROGRESS_SECONDS", "0")
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let first = run(&[]);
    assert!(first.contains("searching categories: 3/3 categories (100.0 %)"), "{first}");
    let line = first.lines().find(|l| l.starts_with("rendering: ")).expect("a rendering line");
    assert!(line.contains("images/s") && line.contains("ETA"), "{line}");
    let again = run(&["--dry-run"]);
    assert!(!again.contains("searching"), "{again}");
    let resumed = run(&[]);
    assert!(!resumed.contains("searching") && resumed.contains("checking what is there"), "{resumed}");
}
