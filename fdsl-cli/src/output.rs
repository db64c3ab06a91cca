//! Writing a dataset folder safely: atomic files, the manifest, the progress journal.
//!
//! Every file is written under a temporary name (`.{name}.fdsl-tmp`, in the same folder) and
//! renamed into place, so a final name only ever holds a complete file. `manifest.json` is written
//! first with `"complete": false` (it claims the folder for this spec), each finished unit of work
//! is appended to the journal `.fdsl-journal.jsonl` with the SHA-256 of its files, and at the end
//! the manifest is rewritten with `"complete": true` and every file's hash, and the journal removed.

use crate::dataset::Unit;
use crate::spec::Spec;
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The manifest's file name.
pub const MANIFEST: &str = "manifest.json";
/// The journal's file name.
pub const JOURNAL: &str = ".fdsl-journal.jsonl";
/// The manifest format this version writes and reads.
pub const FORMAT: &str = "fdsl-dataset/1";
const TMP_SUFFIX: &str = ".fdsl-tmp";

/// `manifest.json`: what the folder holds.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// The tool and version that wrote it.
    pub tool: String,
    /// Whether every file is written.
    pub complete: bool,
    /// The dataset's specification.
    pub spec: Spec,
    /// SHA-256 (hex) of every file but the manifest, by path relative to the folder.
    pub files: BTreeMap<String, String>,
}

impl Manifest {
    /// A manifest of this tool.
    pub fn new(spec: Spec, complete: bool, files: BTreeMap<String, String>) -> Self {
        Self {
            format: FORMAT.into(),
            tool: concat!("fdsl ", env!("CARGO_PKG_VERSION")).into(),
            complete,
            spec,
            files,
        }
    }

    /// The manifest of `dir`, `None` if it has none.
    pub fn read(dir: &Path) -> Result<Option<Self>> {
        let path = dir.join(MANIFEST);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let manifest: Self = serde_json::from_str(&text)
            .with_context(|| format!("{} is not an fdsl manifest", path.display()))?;
        if manifest.format != FORMAT {
            bail!(
                "{} has format {:?}; this fdsl reads {FORMAT:?}",
                path.display(),
                manifest.format
            );
        }
        Ok(Some(manifest))
    }

    /// Write it atomically into `dir`.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self).context("serialising the manifest")?;
        write_atomic(dir, MANIFEST, text.as_bytes())
    }
}

/// Write `bytes` to `root/rel` through a temporary name and a rename, creating folders as needed.
pub fn write_atomic(root: &Path, rel: &str, bytes: &[u8]) -> Result<()> {
    let path = root.join(rel);
    let parent = path.parent().unwrap_or(root);
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let tmp = tmp_path(&path);
    fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    fs::rename(&tmp, &path)
        .with_context(|| format!("cannot rename {} to {}", tmp.display(), path.display()))
}

fn tmp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}{TMP_SUFFIX}"))
}

/// Remove temporary files left by an interrupted run in `dir` and its sub-folders.
pub fn remove_stale_temporaries(dir: &Path) -> Result<()> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            remove_stale_temporaries(&path)?;
        } else if entry.file_name().to_string_lossy().ends_with(TMP_SUFFIX) {
            fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
        }
    }
    Ok(())
}

/// One journal line: a finished unit and its files' hashes.
#[derive(Serialize, Deserialize)]
pub struct JournalEntry {
    /// The unit.
    pub unit: Unit,
    /// `(path, sha256)` of its files.
    pub files: Vec<(String, String)>,
}

/// The append-only record of finished units.
pub struct Journal {
    file: Mutex<fs::File>,
    path: PathBuf,
}

impl Journal {
    /// Start the journal of `dir` afresh with `entries` (written atomically), open for appending.
    pub fn create(dir: &Path, entries: &[JournalEntry]) -> Result<Self> {
        let mut text = Vec::new();
        for entry in entries {
            serde_json::to_writer(&mut text, entry)?;
            text.push(b'\n');
        }
        write_atomic(dir, JOURNAL, &text)?;
        let path = dir.join(JOURNAL);
        let file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        Ok(Self {
            file: Mutex::new(file),
            path,
        })
    }

    /// Append one finished unit (one `write` call per line).
    pub fn record(&self, entry: &JournalEntry) -> Result<()> {
        let mut line = serde_json::to_vec(entry)?;
        line.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        file.write_all(&line)
            .with_context(|| format!("cannot write {}", self.path.display()))
    }

    /// The entries recorded in `dir`'s journal; a torn last line (a killed run) is ignored.
    pub fn read(dir: &Path) -> Result<Vec<JournalEntry>> {
        let path = dir.join(JOURNAL);
        match fs::read_to_string(&path) {
            Ok(text) => Ok(text
                .lines()
                .filter_map(|l| serde_json::from_str(l).ok())
                .collect()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    /// Remove the journal of `dir` (once the manifest is complete).
    pub fn remove(dir: &Path) -> Result<()> {
        let path = dir.join(JOURNAL);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(e).with_context(|| format!("cannot remove {}", path.display()))
            }
            _ => Ok(()),
        }
    }
}

/// Whether the folder `dir` has no entry at all.
pub fn is_empty_dir(dir: &Path) -> Result<bool> {
    let mut entries = dir
        .read_dir()
        .with_context(|| format!("cannot list the folder {}", dir.display()))?;
    Ok(entries.next().is_none())
}

/// SHA-256 of the file `root/rel`, `None` if it cannot be read.
pub fn file_sha256(root: &Path, rel: &str) -> Option<String> {
    fs::read(root.join(rel))
        .ok()
        .map(|bytes| crate::spec::sha256_hex(&bytes))
}
