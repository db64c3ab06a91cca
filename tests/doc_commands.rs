//! Every `fdsl` command in the shell blocks of README.md and docs/*.md runs (issue 36), scaled down
//! so that none goes stale: read from the files as written, changed only by these substitutions
//! (also listed in docs/cli.md):
//!
//! - `cargo run --release --` is the `fdsl` binary under test; `a && b` runs a, then b.
//! - Each `--out PATH` is a new folder under a temporary folder (a document's `DIR` is any folder);
//!   a path read (`--categories-from PATH`, `verify PATH`) is the latest folder written as PATH in
//!   that document (so `fdsl search --out CATS` feeds `--categories-from CATS`, and `fdsl verify
//!   fractaldb-1k` reads what `render --out fractaldb-1k` wrote).
//! - `fdsl render` without `--categories` renders `--categories 1`, and without `--instances` or
//!   `--val-per-class` `--instances 40` (in place of 1,000 to 21,000 classes of 1,000).
//! - `fdsl search` searches `--categories 2` (in place of 1,000).
//! - `${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}` is `0/64`, `${SLURM_CPUS_PER_TASK}` is `2`.
//!
//! The other commands of those blocks are run elsewhere or not at all: `cargo test`, `cargo build`,
//! `pip install` and `pytest` by CI (`.ci/run`); `python -m fdsl.train.*` by the Python tests with
//! tiny arguments of their own (not the documents' lines); `torchrun`, `cc` and `git clone` not.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// The shell lines of the fenced `sh` blocks of `text`: continuations joined, comments dropped.
fn shell_lines(text: &str) -> Vec<String> {
    let (mut lines, mut inside, mut pending) = (Vec::new(), false, String::new());
    for line in text.lines() {
        if line.starts_with("```") {
            inside = matches!(line.trim(), "```sh" | "```bash");
            continue;
        }
        if !inside || line.trim_start().starts_with('#') {
            continue;
        }
        let code = line.split(" #").next().unwrap_or_default().trim_end();
        match code.strip_suffix('\\') {
            Some(head) => pending.push_str(head),
            None => {
                pending.push_str(code);
                lines.push(std::mem::take(&mut pending).split_whitespace().collect::<Vec<_>>().join(" "));
            }
        }
    }
    lines
}

/// The `fdsl` commands of `line` (its `&&` parts), as argument lists, or none.
fn fdsl_commands(line: &str) -> Vec<Vec<String>> {
    line.split(" && ")
        .filter_map(|part| {
            let rest = part.strip_prefix("cargo run --release -- ").or_else(|| part.strip_prefix("fdsl "))?;
            let rest = rest
                .replace("${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}", "0/64")
                .replace("${SLURM_CPUS_PER_TASK}", "2");
            Some(rest.split_whitespace().map(String::from).collect())
        })
        .collect()
}

/// `args` scaled down as the module says, its paths moved under `root` (`folders` maps each
/// document path to its folder there).
fn scaled(args: &[String], root: &Path, folders: &mut BTreeMap<String, String>) -> Vec<String> {
    // A new folder for each --out (the documents' DIR is any folder); a path read is the latest
    // folder written under that name.
    fn fresh(path: &str, root: &Path, folders: &mut BTreeMap<String, String>) -> String {
        static MADE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("f{n}-{}", path.trim_start_matches('/').replace('/', "_"));
        let folder = root.join(name).display().to_string();
        folders.insert(path.to_owned(), folder.clone());
        folder
    }
    let mut out = Vec::new();
    let mut words = args.iter();
    while let Some(word) = words.next() {
        out.push(word.clone());
        match word.as_str() {
            "--out" => out.push(fresh(words.next().expect("a path"), root, folders)),
            "--categories-from" => {
                let path = words.next().expect("a path");
                out.push(folders.get(path.as_str()).cloned().unwrap_or_else(|| path.clone()));
            }
            _ => {}
        }
    }
    let has = |out: &[String], flag: &str| out.iter().any(|w| w == flag);
    match out[0].as_str() {
        "render" => {
            if !has(&out, "--categories") {
                out.extend(["--categories".into(), "1".into()]);
            }
            if !has(&out, "--instances") && !has(&out, "--val-per-class") {
                out.extend(["--instances".into(), "40".into()]);
            }
        }
        "search" => match out.iter().position(|w| w == "--categories") {
            Some(at) => out[at + 1] = "2".into(),
            None => out.extend(["--categories".into(), "2".into()]),
        },
        "verify" => {
            let dir = out.pop().expect("a folder");
            out.push(folders.get(&dir).cloned().unwrap_or(dir));
        }
        _ => {}
    }
    out
}

#[test]
fn every_fdsl_command_of_the_documents_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut documents = vec![root.join("README.md")];
    let mut pages: Vec<_> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    documents.extend(pages);
    let mut ran = 0;
    for document in documents {
        let tmp = tempfile::tempdir().unwrap();
        let mut folders = BTreeMap::new();
        let text = std::fs::read_to_string(&document).unwrap();
        for line in shell_lines(&text) {
            for args in fdsl_commands(&line) {
                let args = scaled(&args, tmp.path(), &mut folders);
                let said = Command::new(env!("CARGO_BIN_EXE_fdsl"))
                    .args(&args)
                    .current_dir(tmp.path())
                    .output()
                    .unwrap();
                assert!(
                    said.status.success(),
                    "{}: `{line}` (run as fdsl {}) failed: {}",
                    document.display(),
                    args.join(" "),
                    String::from_utf8_lossy(&said.stderr)
                );
                ran += 1;
            }
        }
    }
    assert!(ran >= 25, "only {ran} commands found in the documents");
}
