//! One writer's truth per folder (issue 36): whole runs and parts (`--shard K/N`, of any N) into one
//! folder, in every order, leave the dataset a whole run writes — no stray part manifest — and
//! `fdsl verify` passes. A part that waited for the folder's lock reads the folder after it gets it.
//! The writers that hold locks here are this test itself (no timing).

mod common;
use common::{fdsl, fdsl_ok, hold_lock, release_lock, tree};
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Stdio};

/// A small dataset: 6 classes, one task each.
const FLAGS: [&str; 8] = ["--preset", "rcdb-1k", "--categories", "6", "--instances", "3", "--size", "64"];

/// `fdsl render --out OUT` of the dataset, as a whole run (`None`) or part `K/N`; its stdout.
fn render(out: &Path, part: Option<&str>) -> String {
    let mut args = vec!["render", "--out", out.to_str().unwrap()];
    args.extend(FLAGS);
    if let Some(p) = part {
        args.extend(["--shard", p]);
    }
    String::from_utf8_lossy(&fdsl_ok(&args).stdout).into_owned()
}

/// Names of part records (manifests, journals) in `out`.
fn part_records(out: &Path) -> Vec<String> {
    tree(out).into_keys().filter(|k| k.starts_with("manifest.part-") || k.starts_with(".fdsl-")).collect()
}

/// The folder verifies and holds exactly the whole run's files, nothing else.
fn is_the_dataset(out: &Path, whole: &BTreeMap<String, Vec<u8>>) {
    let said = fdsl(&["verify", out.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&said.stdout);
    assert!(said.status.success() && text.starts_with("ok: "), "{}: {text}", out.display());
    assert_eq!(&tree(out), whole, "{} differs from the whole run", out.display());
}

/// The files of a whole run of the dataset.
fn whole_run(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let out = root.join("whole");
    render(&out, None);
    tree(&out)
}

#[test]
fn a_part_into_a_complete_folder_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = whole_run(tmp.path());
    let out = tmp.path().join("whole");
    for part in ["0/2", "1/2", "2/3"] {
        let said = render(&out, Some(part));
        assert!(said.starts_with("rendered 0 images ("), "{part}: {said}");
        assert!(said.contains("manifest.json is complete"), "{part}: {said}");
        assert!(part_records(&out).is_empty(), "{part} left {:?}", part_records(&out));
        is_the_dataset(&out, &whole);
    }
}

#[test]
fn every_order_of_whole_runs_and_parts_gives_the_dataset() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = whole_run(tmp.path());
    let orders: [&[Option<&str>]; 6] = [
        &[Some("0/2"), None],
        &[Some("0/2"), Some("1/2")],
        &[Some("0/2"), Some("0/3"), Some("1/2"), Some("1/3"), Some("2/3")],
        &[Some("0/3"), Some("0/2"), Some("1/3"), Some("2/3"), Some("1/2")],
        &[Some("1/3"), Some("0/2"), Some("2/3"), None, Some("0/3"), Some("1/2")],
        &[None, Some("0/3"), Some("1/2"), None],
    ];
    for (n, order) in orders.iter().enumerate() {
        let out = tmp.path().join(format!("order-{n}"));
        let mut complete = false;
        for &part in order.iter() {
            render(&out, part);
            complete |= part.is_none() || out.join("manifest.json").exists() && is_complete(&out);
            if complete {
                // Once the folder is complete, every later writer leaves it as it is.
                assert!(part_records(&out).is_empty(), "{order:?} at {part:?}: {:?}", part_records(&out));
                is_the_dataset(&out, &whole);
            }
        }
        assert!(complete, "{order:?} never completed the folder");
    }
}

/// Whether `out/manifest.json` says the dataset is complete.
fn is_complete(out: &Path) -> bool {
    let text = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["complete"] == true
}

/// A whole run holds the folder (this test, holding its lock, with its manifest not yet complete);
/// a part started meanwhile waits, and the whole run completes the folder. The part, once it has the
/// lock, finds the folder complete: it renders nothing and leaves nothing.
#[test]
fn a_part_that_waited_for_a_whole_run_reads_the_folder_again() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = whole_run(tmp.path());
    let out = tmp.path().join("whole");
    let finished = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    let lock = hold_lock(&out, ".fdsl-lock", false);
    std::fs::write(out.join("manifest.json"), finished.replace("\"complete\": true", "\"complete\": false"))
        .unwrap();
    let mut args = vec!["render", "--out", out.to_str().unwrap()];
    args.extend(FLAGS);
    args.extend(["--shard", "1/2"]);
    let mut part = Command::new(env!("CARGO_BIN_EXE_fdsl"))
        .args(&args)
        .env("FDSL_LOCK_WAIT_SECONDS", "3600")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Its first line says it waits (after it has looked at the folder as it was).
    let mut stderr = std::io::BufReader::new(part.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.starts_with("fdsl: waiting for ") && line.contains(".fdsl-lock"), "{line:?}");
    // The whole run finishes.
    std::fs::write(out.join("manifest.json"), &finished).unwrap();
    release_lock(&out, ".fdsl-lock", lock);
    let done = part.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&done.stdout);
    assert!(done.status.success(), "{said}");
    assert!(said.starts_with("rendered 0 images (9 already there)"), "{said}");
    assert!(part_records(&out).is_empty(), "{:?}", part_records(&out));
    is_the_dataset(&out, &whole);
}
