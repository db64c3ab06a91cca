//! A full disk and a read-only folder: a clear error, exit code 2, and nothing incomplete under a
//! final name. They need root (to mount a small tmpfs), so they are ignored by a plain `cargo test`,
//! which lists them as ignored with the reason; run them with `cargo test --test io_errors --
//! --ignored` as root (CI does). Asked to run without the right to mount, they fail, saying so.

mod common;
use common::{fdsl, tree};
use std::path::Path;
use std::process::Command;

/// Why the tests are ignored by default.
const NEEDS_ROOT: &str = "needs root to mount a tmpfs: cargo test --test io_errors -- --ignored";

/// Mount a tmpfs of `size` at `dir` (read-only if asked); panics, naming the need, when mounting is
/// not permitted.
fn mount_tmpfs(dir: &Path, size: &str, read_only: bool) {
    let options = format!("size={size}{}", if read_only { ",ro" } else { "" });
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &options, "tmpfs"])
        .arg(dir)
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(ok, "cannot mount a tmpfs at {}: {NEEDS_ROOT}", dir.display());
}

fn unmount(dir: &Path) {
    let _ = Command::new("umount").arg(dir).status();
}

#[test]
#[ignore = "needs root to mount a tmpfs: cargo test --test io_errors -- --ignored"]
fn a_full_disk_is_a_clear_error_and_leaves_only_complete_files() {
    let tmp = tempfile::tempdir().unwrap();
    let mnt = tmp.path().join("small");
    std::fs::create_dir(&mnt).unwrap();
    mount_tmpfs(&mnt, "1m", false);
    let reference = tmp.path().join("reference");
    for (format, out) in
        [("png", mnt.join("png")), ("webdataset", mnt.join("wds")), ("webdataset", reference.clone())]
    {
        let out = out.to_str().unwrap().to_owned();
        let o =
            fdsl(&["render", "--out", &out, "--categories", "4", "--instances", "40", "--format", format]);
        if out.starts_with(mnt.to_str().unwrap()) {
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{format}: {err}");
            // The render's first line states its memory; the error is one line after it.
            let error: Vec<&str> = err.lines().filter(|l| !l.starts_with("fdsl: peak memory")).collect();
            assert!(error.len() == 1 && error[0].contains("No space left on device"), "{format}: {err}");
            let _ = std::fs::remove_dir_all(&out); // free the space for the next format
        }
    }
    // The webdataset run that failed: every file under a final name is a complete one.
    let o = fdsl(&[
        "render",
        "--out",
        mnt.join("again").to_str().unwrap(),
        "--categories",
        "4",
        "--instances",
        "40",
        "--format",
        "webdataset",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let complete = tree(&reference);
    for (path, bytes) in tree(&mnt.join("again")) {
        if path.ends_with(".tar") {
            assert!(complete.get(&path) == Some(&bytes), "{path} is not complete");
        }
        assert!(
            !path.starts_with("manifest.json")
                || !String::from_utf8_lossy(&bytes).contains("\"complete\": true")
        );
    }
    unmount(&mnt);
}

#[test]
#[ignore = "needs root to mount a tmpfs: cargo test --test io_errors -- --ignored"]
fn a_read_only_folder_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let mnt = tmp.path().join("ro");
    std::fs::create_dir(&mnt).unwrap();
    mount_tmpfs(&mnt, "1m", true);
    let out = mnt.join("d");
    let o = fdsl(&["render", "--out", out.to_str().unwrap(), "--categories", "1", "--instances", "4"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("Read-only file system") && err.contains(out.to_str().unwrap()), "{err}");
    unmount(&mnt);
}
