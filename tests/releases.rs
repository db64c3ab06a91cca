//! Folders written by another release: each family's bytes version says whether this release remakes
//! their bytes. The folders fdsl 0.2.0 wrote (`tests/data/fdsl-0.2.0`, every family at bytes
//! version 1) verify and resume here, file for file; a folder whose manifest records another bytes
//! version is refused by `verify`, resume and the library, naming the release that wrote it.

mod common;
use common::{arg, fdsl, fdsl_ok, tree};
use std::path::Path;

/// The folders of `tests/data/fdsl-0.2.0` and the flags 0.2.0 made them with (its README).
const FOLDERS: [(&str, &[&str]); 3] = [
    ("rcdb-1k", &["--preset", "rcdb-1k", "--categories", "2", "--instances", "3", "--size", "32"]),
    (
        "pc-fractaldb-scenes",
        &[
            "--preset",
            "pc-fractaldb-scenes",
            "--categories",
            "3",
            "--instances",
            "2",
            "--points",
            "100",
            "--objects",
            "2",
        ],
    ),
    (
        "segrcdb",
        &[
            "--preset",
            "segrcdb",
            "--categories",
            "3",
            "--instances",
            "2",
            "--size",
            "32",
            "--format",
            "webdataset",
            "--shard-size",
            "2",
        ],
    ),
];

/// A copy of the 0.2.0 folder `name` in `dir`.
fn copy_of(name: &str, dir: &Path) -> String {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fdsl-0.2.0").join(name);
    for (path, bytes) in tree(&from) {
        let to = dir.join(name).join(path);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(to, bytes).unwrap();
    }
    arg(dir, name)
}

#[test]
fn folders_of_0_2_0_verify_and_resume_with_this_release() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, flags) in FOLDERS {
        let out = copy_of(name, tmp.path());
        let before = tree(Path::new(&out));
        let manifest = String::from_utf8(before["manifest.json"].clone()).unwrap();
        assert!(
            manifest.contains("\"tool\": \"fdsl 0.2.0\"") && !manifest.contains("bytes_version"),
            "{name}"
        );
        fdsl_ok(&["verify", &out]);
        let mut args = vec!["render", "--out", &out, "--seed", "3", "--threads", "1"];
        args.extend(flags);
        let said = String::from_utf8(fdsl_ok(&args).stdout).unwrap();
        assert!(said.starts_with("rendered 0 ") && said.contains("already there"), "{name}: {said}");
        // Resumed: every file kept as 0.2.0 wrote it; the manifest now names this release (and
        // still no bytes version: every family is at its first).
        let after = tree(Path::new(&out));
        for (path, bytes) in &before {
            if path != "manifest.json" {
                assert!(after.get(path) == Some(bytes), "{name}: {path} changed");
            }
        }
        let manifest = String::from_utf8(after["manifest.json"].clone()).unwrap();
        assert!(manifest.contains(&format!("\"tool\": \"{}\"", fdsl_dataset::TOOL)), "{name}");
        assert!(!manifest.contains("bytes_version"), "{name}");
        fdsl_ok(&["verify", &out]);
        fdsl_dataset::Dataset::from_manifest(Path::new(&out)).unwrap();
    }
}

#[test]
fn another_bytes_version_is_refused_naming_the_release_that_wrote_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = copy_of("rcdb-1k", tmp.path());
    let path = Path::new(&out).join("manifest.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let later =
        text.replace("\"tool\": \"fdsl 0.2.0\",", "\"tool\": \"fdsl 9.1.0\",\n  \"bytes_version\": 2,");
    assert_ne!(later, text);
    std::fs::write(&path, later).unwrap();
    let why = "was written by fdsl 9.1.0, whose bytes of the rcdb-1k preset are version 2";
    let o = fdsl(&["verify", &out]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains(why) && err.contains("verify it with fdsl 9.1.0"), "{err}");
    let mut args = vec!["render", "--out", &out, "--seed", "3"];
    args.extend(FOLDERS[0].1);
    let o = fdsl(&args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains(why) && err.contains("resume it with fdsl 9.1.0"), "{err}");
    let err = fdsl_dataset::Dataset::from_manifest(Path::new(&out)).unwrap_err().to_string();
    assert!(err.contains(why) && err.contains("open it with fdsl 9.1.0"), "{err}");
}
