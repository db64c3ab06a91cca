//! Bounded and strict (issue 23): threads and memory bounded, one writer per folder, links, and the
//! messages of misuse. The memory cases run `fdsl` under an address-space limit (`ulimit -v`), so
//! they are cheap: an error naming the size and the fix, never an abort.

mod common;
use common::{arg, fdsl, fdsl_ok, hold_lock, release_lock, tree};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// `fdsl ARGS` exits 2 with one error line containing `needle`.
fn refused(args: &[&str], needle: &str) -> String {
    let out = fdsl(args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "fdsl {args:?}: {err}");
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error: ")).collect();
    assert!(errors.len() == 1 && errors[0].contains(needle), "fdsl {args:?}: {err:?} lacks {needle:?}");
    err
}

/// `fdsl ARGS` in a shell whose address space is limited to `kib` KiB.
fn fdsl_limited(kib: u64, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {kib} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_fdsl"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn threads_are_capped_with_one_meaning() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "d");
    refused(
        &["render", "--out", &out, "--threads", "5000"],
        "--threads must be 0 (one per core) to 4096, not 5000",
    );
    refused(&["verify", &out, "--threads", "4097"], "--threads must be 0 (one per core) to 4096, not 4097");
    assert!(!Path::new(&out).exists());
}

#[test]
fn misuse_gets_a_message_that_names_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "d");
    refused(
        &["render", "--out", &out, "--size", "4294967296"],
        "4294967296 is not an image side: give pixels, 16 to 8192",
    );
    let long = "9".repeat(301);
    let err = refused(&["render", "--out", &out, "--seed", &long], "999999999999... (301 characters)");
    assert!(!err.contains(&"9".repeat(25)), "{err}");
    refused(
        &["verify", "/nonexistent"],
        "/nonexistent does not exist: give the folder of a rendered dataset",
    );
    refused(
        &[
            "render",
            "--out",
            &out,
            "--device",
            "cuda",
            "--colour",
            "hue",
            "--categories",
            "1",
            "--instances",
            "1",
        ],
        "--device cuda: --colour hue renders on the CPU (the GPU paints grey canvases); use --device cpu",
    );
    // A dangling --out link names its target (not "File exists").
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(tmp.path().join("elsewhere/data"), &link).unwrap();
    refused(
        &["render", "--out", link.to_str().unwrap(), "--categories", "1", "--instances", "1"],
        "is a symbolic link to",
    );
    assert!(!tmp.path().join("elsewhere").exists());
    assert!(!Path::new(&out).exists());
}

#[test]
fn the_lock_is_never_taken_through_a_link() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("d");
    std::fs::create_dir(&out).unwrap();
    let outside = tmp.path().join("outside-file");
    std::os::unix::fs::symlink(&outside, out.join(".fdsl-lock")).unwrap();
    let args = [
        "render",
        "--out",
        out.to_str().unwrap(),
        "--preset",
        "rcdb-1k",
        "--categories",
        "1",
        "--instances",
        "2",
    ];
    refused(&args, ".fdsl-lock is a symbolic link; fdsl never takes its lock through a link");
    assert!(!outside.exists(), "the lock's link was followed");
}

/// Links inside the output folder (issue 36): nothing outside `--out` is written unless asked. A
/// class folder moved to "another disk" and linked back: verify names the link, a resume refuses,
/// naming it, and writes nothing through it; with `--follow-links` both go through the link.
#[test]
fn links_inside_the_folder_are_written_through_only_when_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, other) = (tmp.path().join("d"), tmp.path().join("other-disk"));
    let o = out.to_str().unwrap();
    let flags = ["--preset", "rcdb-1k", "--categories", "2", "--instances", "3", "--size", "64"];
    let args: Vec<&str> = ["render", "--out", o].into_iter().chain(flags).collect();
    fdsl_ok(&args);
    // Class 1's folder moves to "another disk" and is linked back; one of its files is lost.
    std::fs::rename(out.join("train/00001"), &other).unwrap();
    std::os::unix::fs::symlink(&other, out.join("train/00001")).unwrap();
    let victim = std::fs::read_dir(&other).unwrap().next().unwrap().unwrap().path();
    std::fs::remove_file(&victim).unwrap();
    // Not asked: verify names the link, the resume refuses and writes nothing there.
    let said = fdsl(&["verify", o]);
    let text = String::from_utf8_lossy(&said.stdout).into_owned();
    let link = format!("link: train/00001 -> {} (read through only with --follow-links)", other.display());
    assert!(said.status.code() == Some(1) && text.starts_with(&link), "{text}");
    let err = refused(&args, "train/00001 is a symbolic link to");
    assert!(err.contains("--follow-links"), "{err}");
    assert!(!victim.exists(), "written through the link");
    // Asked: the file lost behind the link is rendered again, into the link's target.
    let follow: Vec<&str> = args.iter().copied().chain(["--follow-links"]).collect();
    let said = String::from_utf8_lossy(&fdsl_ok(&follow).stdout).into_owned();
    assert!(said.starts_with("rendered 3 images (3 already there)"), "{said}");
    assert!(
        victim.exists()
            && std::fs::symlink_metadata(out.join("train/00001")).unwrap().file_type().is_symlink()
    );
    let said = String::from_utf8_lossy(&fdsl_ok(&["verify", "--follow-links", o]).stdout).into_owned();
    assert!(said.starts_with("ok: "), "{said}");
}

/// Start `fdsl ARGS` and wait until `lock` exists (it has claimed the folder).
fn start_and_wait(args: &[&str], lock: &Path) -> std::process::Child {
    let child = Command::new(env!("CARGO_BIN_EXE_fdsl"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !lock.exists() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(5));
    }
    child
}

/// While a whole run holds the folder (this test holds its lock), a part refuses, naming it; while a
/// part holds it (shared, and its own part lock), a whole run and the same part refuse. Released,
/// both go through and the folder is the dataset. No timing: the locks are this test's.
#[test]
fn a_whole_run_and_a_part_never_write_one_folder_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("d");
    std::fs::create_dir(&out).unwrap();
    let o = out.to_str().unwrap();
    let flags = ["--preset", "rcdb-1k", "--categories", "4", "--instances", "3", "--size", "64"];
    let with = |part: Option<&'static str>| -> Vec<&str> {
        let mut args: Vec<&str> = ["render", "--out", o].into_iter().chain(flags).collect();
        args.extend(part.map(|p| ["--shard", p]).into_iter().flatten());
        args
    };
    let refused = |part: Option<&'static str>, needles: &[&str]| {
        let said = Command::new(env!("CARGO_BIN_EXE_fdsl"))
            .args(with(part))
            .env("FDSL_LOCK_WAIT_SECONDS", "0")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&said.stderr);
        assert_eq!(said.status.code(), Some(2), "{part:?}: {err}");
        let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error: ")).collect();
        assert!(errors.len() == 1, "{part:?}: {err}");
        for needle in needles {
            assert!(errors[0].contains(needle), "{part:?}: {err} lacks {needle:?}");
        }
    };
    let writing = "another `fdsl render` is writing";
    // A whole run at work.
    let lock = hold_lock(&out, ".fdsl-lock", false);
    refused(Some("0/2"), &[writing, ".fdsl-lock:", "a whole run, without --shard, makes every part"]);
    release_lock(&out, ".fdsl-lock", lock);
    // Part 0/2 at work.
    let (folder, part) =
        (hold_lock(&out, ".fdsl-lock", true), hold_lock(&out, ".fdsl-lock.part-0-of-2", false));
    refused(None, &[writing, ".fdsl-lock:", "a whole run, or parts of it with --shard"]);
    refused(Some("0/2"), &[writing, ".fdsl-lock.part-0-of-2:", "the same part"]);
    release_lock(&out, ".fdsl-lock.part-0-of-2", part);
    release_lock(&out, ".fdsl-lock", folder);
    // Then each goes through, and the folder is the dataset.
    fdsl_ok(&with(Some("0/2")));
    fdsl_ok(&with(None));
    let said = String::from_utf8_lossy(&fdsl_ok(&["verify", o]).stdout).into_owned();
    assert!(said.starts_with("ok: "), "{said}");
    assert!(
        !tree(&out).keys().any(|k| k.contains(".fdsl-") || k.starts_with("manifest.part-")),
        "lock, temporary or part record left: {:?}",
        tree(&out).keys()
    );
}

#[test]
fn a_render_that_would_not_fit_is_refused_before_it_starts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "d");
    let args = [
        "render",
        "--out",
        &out,
        "--preset",
        "rcdb-1k",
        "--size",
        "8192",
        "--categories",
        "1",
        "--instances",
        "40",
        "--threads",
        "16",
    ];
    let o = fdsl_limited(2_000_000, &args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("out of memory: this render (") && err.contains("per thread x 16 threads) needs"),
        "{err}"
    );
    assert!(
        err.contains("is available; use --threads 1 (the bytes do not depend on it), or a smaller --size"),
        "{err}"
    );
    assert!(!Path::new(&out).exists());
    // One thread is one thread (issue 36: "x 1 threads").
    let one: Vec<&str> = args[..args.len() - 1].iter().copied().chain(["1"]).collect();
    let err = String::from_utf8_lossy(&fdsl_limited(1_000_000, &one).stderr).into_owned();
    assert!(err.contains("per thread x 1 thread) needs"), "{err}");
    // The dry run states the peak, and that it would be refused.
    let dry: Vec<&str> = args.iter().copied().chain(["--dry-run"]).collect();
    let said = String::from_utf8_lossy(&fdsl_limited(2_000_000, &dry).stdout).into_owned();
    assert!(
        said.contains("memory: peak memory about") && said.contains("x 16 threads); refused: out of memory"),
        "{said}"
    );
    let said = String::from_utf8_lossy(
        &fdsl_ok(&[
            "render",
            "--out",
            &out,
            "--categories",
            "1",
            "--instances",
            "40",
            "--threads",
            "2",
            "--dry-run",
        ])
        .stdout,
    )
    .into_owned();
    assert!(
        said.contains("memory: peak memory about") && said.contains("per thread x 2 threads)\n"),
        "{said}"
    );
}

/// Shards larger than the address space the process may have are written piece by piece, to the
/// bytes of an unlimited run, and verified under the same limit.
#[test]
fn shards_larger_than_memory_are_written_and_verified() {
    let tmp = tempfile::tempdir().unwrap();
    for format in ["npy", "webdataset"] {
        let (limited, free) =
            (arg(tmp.path(), &format!("{format}-limited")), arg(tmp.path(), &format!("{format}-free")));
        let mut flags = vec![
            "--preset",
            "rcdb-1k",
            "--categories",
            "1",
            "--instances",
            "400",
            "--size",
            "1024",
            "--shard-size",
            "400",
            "--format",
            format,
            "--threads",
            "1",
        ];
        if format == "webdataset" {
            flags.extend(["--png-compression", "none"]); // PNGs of stored blocks: a 420 MB tar
        }
        // 400 images of 1 MB: a 420 MB shard under a 300 MB limit (fdsl 0.2.0 before streaming
        // shards aborted: "memory allocation of 419430528 bytes failed").
        let args: Vec<&str> =
            ["render", "--out", limited.as_str()].into_iter().chain(flags.iter().copied()).collect();
        let o = fdsl_limited(300_000, &args);
        assert!(o.status.success(), "{format}: {}", String::from_utf8_lossy(&o.stderr));
        let o = fdsl_limited(300_000, &["verify", &limited, "--threads", "1"]);
        assert!(o.status.success(), "{format}: {}", String::from_utf8_lossy(&o.stdout));
        fdsl_ok(
            &["render", "--out", free.as_str()].into_iter().chain(flags.iter().copied()).collect::<Vec<_>>(),
        );
        assert!(
            tree(Path::new(&limited)) == tree(Path::new(&free)),
            "{format}: bytes differ under the limit"
        );
    }
}

#[test]
fn preview_grids_are_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let sheet = arg(tmp.path(), "sheet.png");
    refused(
        &["preview", "--out", &sheet, "--categories", "1000", "--instances", "1000"],
        "a sheet of 1000 x 1000 tiles of 128 px would take 57.90 GB (at most 256.00 MB): show fewer --categories",
    );
    assert!(!Path::new(&sheet).exists());
}

/// Ctrl-C: a line saying the run was interrupted and how to resume, exit code 130; the same command
/// then finishes the dataset.
#[test]
fn an_interrupted_render_says_how_to_resume() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("d");
    let o = out.to_str().unwrap();
    let args = ["render", "--out", o, "--categories", "4", "--instances", "200", "--threads", "1"];
    let child = start_and_wait(&args, &out.join(".fdsl-journal.jsonl"));
    std::thread::sleep(Duration::from_millis(200));
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let done = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(130), "{err}");
    let last = err.lines().last().unwrap_or_default();
    assert!(last.starts_with(&format!("interrupted: the finished files in {o} are kept; run the same command again to resume: fdsl render --out {o} --categories 4")), "{err}");
    fdsl_ok(&args);
    assert!(String::from_utf8_lossy(&fdsl_ok(&["verify", o]).stdout).starts_with("ok: "));
}

#[test]
fn a_texture_pool_too_big_for_memory_names_a_smaller_pool_not_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "d");
    // The default pool (10,000 textures, 492 MB) in 400 MB: threads do not matter, --textures does.
    for threads in ["1", "2"] {
        let args = [
            "render",
            "--out",
            &out,
            "--preset",
            "dead-leaves-textured",
            "--instances",
            "8",
            "--threads",
            threads,
        ];
        let o = fdsl_limited(400_000, &args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(" + 491.52 MB shared) needs "), "{err}");
        assert!(err.contains(" is available; use --textures "), "{err}");
        assert!(err.contains("(a smaller texture pool, 49.15 kB a texture: another dataset)"), "{err}");
        assert!(!err.contains("--threads") && !err.contains("--size"), "{err}");
        assert!(!Path::new(&out).exists());
    }
}
