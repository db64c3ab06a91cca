//! Helpers of the end-to-end tests: run the `fdsl` binary, read whole output trees.
#![allow(dead_code)]

use fdsl_dataset::families::Settings;
use fdsl_dataset::preset::Overrides;
use fdsl_dataset::{Registry, Request};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

/// Run `fdsl` with `args`, keeping nothing in the user's cache folder (`FDSL_CACHE_DIR` empty: a
/// preview of the textured leaves makes its textures in memory; renders keep theirs in their folder).
pub fn fdsl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fdsl")).args(args).env("FDSL_CACHE_DIR", "").output().expect("run fdsl")
}

/// Run `fdsl` and require success.
pub fn fdsl_ok(args: &[&str]) -> Output {
    let out = fdsl(args);
    assert!(out.status.success(), "fdsl {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// Every file under `root` (relative path -> bytes).
pub fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.ends_with(fdsl_dataset::cache::FOLDER) {
                // The cache of the dataset's shared work (a texture pool) is none of its files.
                continue;
            } else if path.is_dir() {
                walk(root, &path, files);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                // The dataset card describes the folder and is none of its files.
                if rel == fdsl_cli::CARD {
                    continue;
                }
                files.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(root, root, &mut files);
    files
}

/// SHA-256 of bytes, hex.
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A path inside a temporary folder, as a string argument.
pub fn arg(dir: &Path, name: &str) -> String {
    dir.join(name).to_string_lossy().into_owned()
}

/// The Python interpreter (`$PYTHON` or `python3`) if it imports `modules` (comma-separated), to
/// run `tests/python/SCRIPT` with `args`; its standard output. `None` (the test skips, saying so)
/// when the modules are missing, unless `FDSL_REQUIRE_PYTHON` is set (CI), where that fails.
pub fn run_python(modules: &str, packages: &str, script: &str, args: &[&str]) -> Option<String> {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let probe = Command::new(&python).args(["-c", &format!("import {modules}")]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var_os("FDSL_REQUIRE_PYTHON").is_none(),
            "FDSL_REQUIRE_PYTHON is set but `{python} -c 'import {modules}'` fails: pip install {packages}"
        );
        eprintln!("skipped: {python} lacks {modules} (pip install {packages})");
        return None;
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python").join(script);
    let out = Command::new(&python).arg(path).args(args).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{said}{}", String::from_utf8_lossy(&out.stderr));
    Some(said)
}

/// A decoded PNG file: its header and its pixels.
pub struct Png {
    pub info: png::OutputInfo,
    pub pixels: Vec<u8>,
}

/// Decode a PNG file.
pub fn decode_png(bytes: &[u8]) -> Png {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    pixels.truncate(info.buffer_size());
    Png { info, pixels }
}

/// Take the lock file `name` of `out` as another writer would (`flock`), shared or exclusive.
pub fn hold_lock(out: &Path, name: &str, shared: bool) -> std::fs::File {
    let file =
        std::fs::OpenOptions::new().write(true).create(true).truncate(false).open(out.join(name)).unwrap();
    if shared { file.lock_shared() } else { file.lock() }.unwrap();
    file
}

/// Let go of a lock taken by [`hold_lock`], removing its file first, as fdsl does.
pub fn release_lock(out: &Path, name: &str, lock: std::fs::File) {
    std::fs::remove_file(out.join(name)).unwrap();
    drop(lock);
}

/// A small dataset every harness renders: a preset's example ([`fdsl_dataset::preset::Example`]) in
/// one format it takes, or one of its variants.
pub struct Case {
    /// `PRESET FORMAT` or `PRESET VARIANT`: its line in `tests/data/preset_trees.txt`.
    pub name: String,
    /// The preset.
    pub preset: &'static str,
    /// Its overrides of the preset (the format among them; shards of 4 where the format shards).
    pub overrides: Overrides,
    /// Whether every part is written as a file per sample (no shards).
    pub files: bool,
}

impl Case {
    /// `fdsl render`'s flags of the case with `seed`.
    pub fn flags(&self, seed: u64) -> Vec<String> {
        ["--preset", self.preset, "--seed", &seed.to_string()]
            .into_iter()
            .map(String::from)
            .chain(fdsl_dataset::preset::flags(&self.overrides))
            .collect()
    }
}

/// Every case: each preset's example in each format that opens and writes its parts (sharded formats
/// in shards of 4), then its variants as declared, in the registration's order.
pub fn cases() -> Vec<Case> {
    use fdsl_dataset::spec::{Choice, Format};
    let case = |name: String, preset: &'static str, mut overrides: Overrides, shard: bool| {
        let dataset =
            fdsl_dataset::Dataset::from_request(&Request::of_preset(preset, 3, &overrides).ok()?, &|_, _| {})
                .ok()?;
        let rows = fdsl_cli::rows(&dataset).ok()?;
        let files = rows.iter().all(|row| row.shard == fdsl_cli::Shard::Never);
        if !files && shard {
            overrides.insert("shard_size".into(), 4.into());
        }
        Some(Case { name, preset, overrides, files })
    };
    let mut cases = Vec::new();
    for preset in Settings::presets() {
        for &(_, format, _) in Format::ALL {
            let mut overrides = preset.example.overrides();
            overrides.insert("format".into(), format.into());
            cases.extend(case(format!("{} {format}", preset.name), preset.name, overrides, true));
        }
        for (variant, overrides) in preset.example.variants() {
            let made = case(format!("{} {variant}", preset.name), preset.name, overrides, false);
            cases
                .push(made.unwrap_or_else(|| panic!("{} {variant}: the variant does not open", preset.name)));
        }
    }
    cases
}
