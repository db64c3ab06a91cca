//! `fdsl` and the textured dead leaves' texture pool: made as the samples need it and kept in
//! `OUT/.fdsl-cache` (outside the dataset: not in the manifest, no extra to `verify`), so that a
//! second run, a resume and `verify` make no texture again; a corrupt kept texture is made again;
//! `--dry-run` states what is missing and its time.

mod common;
use common::{arg, fdsl_ok, tree};
use std::path::{Path, PathBuf};

const FLAGS: [&str; 10] = [
    "--preset",
    "dead-leaves-textured",
    "--instances",
    "4",
    "--size",
    "32",
    "--textures",
    "6",
    "--threads",
    "2",
];

fn render(out: &str) -> (String, String) {
    let args: Vec<&str> = ["render", "--out", out].into_iter().chain(FLAGS).collect();
    let o = fdsl_ok(&args);
    (String::from_utf8(o.stdout).unwrap(), String::from_utf8(o.stderr).unwrap())
}

/// (made, read back) of the `textures: M made, R read back` line of `stderr`, (0, 0) without one.
fn textures(stderr: &str) -> (u64, u64) {
    let Some(line) = stderr.lines().find(|l| l.starts_with("textures: ")) else { return (0, 0) };
    let numbers: Vec<u64> =
        line.split(|c: char| !c.is_ascii_digit()).filter_map(|w| w.parse().ok()).collect();
    (numbers[0], numbers[1])
}

/// The kept textures' files.
fn kept(out: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten() {
            let path = entry.unwrap().path();
            if path.is_dir() { walk(&path, files) } else { files.push(path) }
        }
    }
    let mut files = Vec::new();
    walk(&Path::new(out).join(".fdsl-cache"), &mut files);
    files.sort();
    files
}

#[test]
fn kept_textures_are_not_made_again_by_a_resume_a_second_run_or_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "d");
    let (said, err) = render(&out);
    assert!(said.starts_with("rendered 4 images"), "{said}");
    let (made, read) = textures(&err);
    assert!(made > 0 && read == 0, "{err}");
    assert!(err.contains(&format!("these images use {made} of the 6 textures, {made} to make")), "{err}");
    assert_eq!(kept(&out).len() as u64, made);
    let files = tree(Path::new(&out));
    assert!(files.keys().all(|p| !p.contains("fdsl-cache")));
    // verify: every file matches, the cache is no extra, every texture is read back.
    let o = fdsl_ok(&["verify", &out]);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("ok: "));
    assert_eq!(textures(&String::from_utf8_lossy(&o.stderr)), (0, made));
    // A resume (an image lost) reads the textures back.
    let image = files.keys().find(|p| p.ends_with(".jpg") || p.ends_with(".png")).unwrap();
    std::fs::remove_file(Path::new(&out).join(image)).unwrap();
    let (said, err) = render(&out);
    assert!(said.starts_with("rendered 4 images (0 already there)"), "{said}");
    assert_eq!(textures(&err), (0, made), "{err}");
    assert!(tree(Path::new(&out)) == files);
    // A second run of a complete folder needs nothing.
    let (said, err) = render(&out);
    assert!(said.starts_with("rendered 0 images (4 already there)"), "{said}");
    assert_eq!(textures(&err), (0, 0), "{err}");
    // A kept texture with a flipped byte is made again, the dataset unchanged.
    let entry = &kept(&out)[0];
    let mut bytes = std::fs::read(entry).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(entry, bytes).unwrap();
    let o = fdsl_ok(&["verify", &out, "--threads", "1"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(textures(&err), (1, made - 1), "{err}");
    assert!(err.contains("1 kept one(s) failed their check and were made again"), "{err}");
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("ok: "));
}

#[test]
fn dry_runs_state_the_pools_time_and_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "d");
    let dry = |out: &str| {
        let args: Vec<&str> = ["render", "--out", out, "--dry-run"].into_iter().chain(FLAGS).collect();
        String::from_utf8(fdsl_ok(&args).stdout).unwrap()
    };
    let said = dry(&out);
    let line = said.lines().find(|l| l.starts_with("textures: ")).unwrap();
    assert!(line.contains("0 kept in") && line.contains("CPU-s") && line.contains("on 2 threads"), "{line}");
    assert!(line.contains("in memory"), "{line}");
    assert!(!Path::new(&out).exists(), "a dry run writes nothing");
    let (_, err) = render(&out);
    let (made, _) = textures(&err);
    let line = dry(&out).lines().find(|l| l.starts_with("textures: ")).unwrap().to_owned();
    assert!(line.contains(&format!("the samples use {made} of 6, {made} kept in")), "{line}");
    assert!(line.contains(", 0 to make: about 0 CPU-s"), "{line}");
}
