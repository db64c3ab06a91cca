//! End-to-end tests of `fdsl render` and `fdsl verify`: determinism, golden hashes, resume.

mod common;
use common::{arg, fdsl, fdsl_ok, sha256, tree};

/// A small FractalDB-1k dataset: 3 categories, the first 80 instances (2 weights), recipe defaults.
fn small(out: &str, threads: &str) {
    fdsl_ok(&["render", "--out", out, "--categories", "3", "--instances", "80", "--threads", threads]);
}

#[test]
fn one_and_two_threads_give_identical_trees() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (arg(tmp.path(), "a"), arg(tmp.path(), "b"));
    small(&a, "1");
    small(&b, "2");
    let (ta, tb) = (tree(tmp.path().join("a").as_path()), tree(tmp.path().join("b").as_path()));
    assert_eq!(ta.len(), 3 * 80 + 3 + 2, "images, category files, classes.txt, manifest.json");
    assert!(ta == tb, "the trees differ");
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
            "a5052720aca5664f94fb5a0c091b85d65e601765b962b96fa4485da667774bd9",
        ),
        (
            &patch,
            "train/00000/00000_02_count_5_flip1.png",
            "2f22667133e275db494b81125b25bdd3d67af94198a5c3a6de9736fded693d10",
        ),
        (
            &patch,
            "train/00001/00001_13_count_7_flip2.png",
            "d6b331b8492242c945171fa44786fa7d4f5163ea67f20f50147f005dd1798808",
        ),
        (
            &patch,
            "train/00001/00001_24_count_9_flip3.png",
            "64482fe7c5a350ed6617c6936975586717c27bfe9e7bfc1535f5e5d4a60cc2ce",
        ),
        (
            &point,
            "train/00000/00000_00_count_0_flip0.png",
            "cf6ed5b24cc76a3a0c8a3c2c0a2ff9fa4d828075c9c44759ca41dd71a9876812",
        ),
        (
            &point,
            "train/00000/00000_02_count_3_flip3.png",
            "2e7418bbc9ad0f394e27506efffca80f55cc241e8c46e45c65364a90192eef31",
        ),
        (
            &point,
            "train/00001/00001_01_count_9_flip2.png",
            "d846b8156f3817e57d069b74cdf78e69790904b808fa7a3c1b0acb9937d2c8dc",
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
        (&patch, "6b90cd93356f5686ac35fe64f9a7f0ed86149c129ac1ed7e0d6e8c83fe4a597a"),
        (&point, "96665bf5e96be7a566f104ab09ff8e79611a37babf07708b11d1e27e5ca345da"),
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
