//! Every preset rendered small by `fdsl render`, in every format it takes, compared as whole output
//! trees (every file's path and bytes, the manifest and category files included) with the hashes in
//! `tests/data/preset_trees.txt`, recorded before fdsl's families were re-laid out (0.2.0). A change
//! of any byte of any dataset, or of a manifest's spec shape, fails here; the release named in a
//! manifest's `tool` does not count (the table proves the files unchanged across releases).
//!
//! `FDSL_BLESS_TREES=1 cargo test --test preset_trees` rewrites the table (a deliberate format change).

mod common;
use common::{cases, fdsl, fdsl_ok, sha256, tree};
use std::collections::BTreeMap;
use std::path::Path;

/// One hash of a whole tree: every relative path and its bytes' hash, in order, the manifests'
/// `tool` (the release that wrote them) read as plain `fdsl`, so that the table holds across
/// releases that make the same bytes.
fn tree_hash(files: &BTreeMap<String, Vec<u8>>) -> String {
    let tool = format!("\"tool\": \"{}\"", fdsl_dataset::TOOL);
    let listing: String = files
        .iter()
        .map(|(path, bytes)| match path.ends_with("manifest.json") {
            true => {
                let text = std::str::from_utf8(bytes).unwrap();
                assert!(text.contains(&tool), "{path} names another tool");
                format!("{path} {}\n", sha256(text.replace(&tool, "\"tool\": \"fdsl\"").as_bytes()))
            }
            false => format!("{path} {}\n", sha256(bytes)),
        })
        .collect();
    sha256(listing.as_bytes())
}

/// The files of a rendered tree that hold samples (not the manifest, the class list, the category
/// files or the shards' index).
fn sample_files(files: &BTreeMap<String, Vec<u8>>) -> Vec<&str> {
    let metadata = |p: &str| {
        p.starts_with("manifest")
            || p.starts_with("categories/")
            || p == "classes.txt"
            || p.ends_with("_info.json")
    };
    files.keys().map(String::as_str).filter(|p| !metadata(p)).collect()
}

/// For every case: two shards rendered into one folder, on 1 thread and on 2, make the recorded tree;
/// `verify` names a deleted and a changed sample file; a rerun repairs them to the recorded tree.
#[test]
fn every_preset_in_every_format_makes_the_recorded_tree_from_shards_and_threads_and_repairs_it() {
    let table = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/preset_trees.txt");
    let bless = std::env::var_os("FDSL_BLESS_TREES").is_some();
    let want = by_name(&std::fs::read_to_string(&table).unwrap());
    let tmp = tempfile::tempdir().unwrap();
    let mut got = String::new();
    let mut differ = Vec::new();
    for (i, case) in cases().into_iter().enumerate() {
        let (name, flags) = (case.name.clone(), case.flags(3));
        let out = tmp.path().join(i.to_string());
        let render = |extra: &[&str]| {
            let mut args: Vec<&str> = vec!["render", "--out", out.to_str().unwrap()];
            args.extend(flags.iter().map(String::as_str));
            args.extend(extra);
            fdsl_ok(&args);
        };
        render(&["--shard", "0/2", "--threads", "1"]);
        render(&["--shard", "1/2", "--threads", "2"]);
        let files = tree(&out);
        let hash = tree_hash(&files);
        got.push_str(&format!("{name} {hash}\n"));
        if bless {
            let single = tmp.path().join(format!("{i}-single"));
            let mut args: Vec<&str> = vec!["render", "--out", single.to_str().unwrap()];
            args.extend(flags.iter().map(String::as_str));
            fdsl_ok(&args);
            assert_eq!(tree_hash(&tree(&single)), hash, "{name}: the shards differ from one run");
            continue;
        }
        if want.get(&name) != Some(&hash) {
            differ.push(format!("{name}: recorded {:?}, rendered {hash}", want.get(&name)));
            continue;
        }
        let samples = sample_files(&files);
        let (lost, changed) = (samples[0], samples[samples.len() - 1]);
        std::fs::remove_file(out.join(lost)).unwrap();
        if changed != lost {
            let mut bytes = files[changed].clone();
            *bytes.last_mut().unwrap() ^= 1;
            std::fs::write(out.join(changed), bytes).unwrap();
        }
        let report = fdsl(&["verify", out.to_str().unwrap()]);
        let said = String::from_utf8_lossy(&report.stdout);
        assert_eq!(report.status.code(), Some(1), "{name}: {said}");
        assert!(said.contains(&format!("missing: {lost}")), "{name}: {said}");
        assert!(changed == lost || said.contains(&format!("differs: {changed}")), "{name}: {said}");
        render(&["--threads", "2"]);
        assert_eq!(tree_hash(&tree(&out)), hash, "{name}: the rerun did not repair the tree");
    }
    if bless {
        std::fs::write(&table, &got).unwrap();
        return;
    }
    let got = by_name(&got);
    assert!(differ.is_empty() && want.len() == got.len(), "trees differ:\n{}", differ.join("\n"));
}

/// A table's lines by case name: the order of the presets is the registration's, not part of any
/// dataset.
fn by_name(text: &str) -> BTreeMap<String, String> {
    text.lines().filter_map(|l| l.rsplit_once(' ')).map(|(n, h)| (n.to_owned(), h.to_owned())).collect()
}
