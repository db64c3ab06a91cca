//! Work kept on disk across runs, outside any dataset (the textured dead leaves' texture pool): a
//! folder of entries, one file each, named by its key.
//!
//! - Each entry is checked when read: a file holds a header, the SHA-256 of its key and payload,
//!   then the payload. A file whose hash does not match (a flipped byte, a truncated file, an entry
//!   copied under another key) is [`Read::Corrupt`]: its work is done again and the entry
//!   rewritten, never trusted.
//! - Each entry is written atomically: into a temporary file of the same folder
//!   (`.{name}.{pid}-{n}.tmp`), then renamed over its name. Ctrl-C leaves whole entries and at most
//!   a few temporary files, which nothing reads; writers racing on one key (two processes rendering
//!   parts of one folder) rename the same bytes.
//! - Where: a dataset folder's own [`FOLDER`] (`OUT/.fdsl-cache`: `fdsl render`, `verify`), else the
//!   user's cache folder ([`user_folder`]: `fdsl preview`, Python). Delete either at any time: its
//!   work is done again when next needed.

use anyhow::Result;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The cache of a dataset folder, inside it: no manifest lists it, `fdsl verify` does not count it
/// as an extra file, a render never tidies it away.
pub const FOLDER: &str = ".fdsl-cache";

/// The header of every entry (and of its format).
const MAGIC: &[u8] = b"fdsl-cache 1\n";

/// Bytes of the hash after the header.
const HASH_LEN: usize = 32;

/// A folder of kept work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cache {
    root: PathBuf,
}

/// What reading an entry found.
#[derive(Debug, PartialEq, Eq)]
pub enum Read {
    /// The entry's payload, its hash checked.
    Hit(Vec<u8>),
    /// No entry (or none readable).
    Missing,
    /// An entry whose hash does not match its key and payload.
    Corrupt,
}

impl Cache {
    /// The cache in folder `root` (made when the first entry is written).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// Its folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file of entry `key` (a `/`-separated relative path).
    pub fn path(&self, key: &str) -> PathBuf {
        key.split('/').fold(self.root.clone(), |path, part| path.join(part))
    }

    /// Whether entry `key` is there (not read: it may yet prove corrupt).
    pub fn contains(&self, key: &str) -> bool {
        self.path(key).is_file()
    }

    /// Entry `key`, its hash checked.
    pub fn read(&self, key: &str) -> Read {
        let Ok(file) = std::fs::read(self.path(key)) else { return Read::Missing };
        match file.strip_prefix(MAGIC).filter(|rest| rest.len() >= HASH_LEN) {
            Some(rest) if rest[..HASH_LEN] == digest(key, &rest[HASH_LEN..])[..] => {
                Read::Hit(rest[HASH_LEN..].to_vec())
            }
            _ => Read::Corrupt,
        }
    }

    /// Write entry `key` with `payload`, atomically (over any entry there).
    pub fn write(&self, key: &str, payload: &[u8]) -> Result<()> {
        static WRITES: AtomicU64 = AtomicU64::new(0);
        let path = self.path(key);
        let folder = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(folder)?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let n = WRITES.fetch_add(1, Ordering::Relaxed);
        let temporary = folder.join(format!(".{name}.{}-{n}.tmp", std::process::id()));
        let mut file = Vec::with_capacity(MAGIC.len() + HASH_LEN + payload.len());
        file.extend_from_slice(MAGIC);
        file.extend_from_slice(&digest(key, payload));
        file.extend_from_slice(payload);
        let written = std::fs::write(&temporary, &file).and_then(|()| std::fs::rename(&temporary, &path));
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        Ok(written?)
    }
}

/// SHA-256 of the key, a zero byte, and the payload.
fn digest(key: &str, payload: &[u8]) -> [u8; HASH_LEN] {
    let mut hash = Sha256::new();
    hash.update(key.as_bytes());
    hash.update([0]);
    hash.update(payload);
    hash.finalize().into()
}

/// The user's cache folder for fdsl: `$FDSL_CACHE_DIR` where set (empty: none, nothing kept), else
/// `$XDG_CACHE_HOME/fdsl`, else the platform's (`~/.cache/fdsl`, `~/Library/Caches/fdsl` on macOS,
/// `%LOCALAPPDATA%\fdsl` on Windows); `None` where none can be named.
pub fn user_folder() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = std::env::var_os("FDSL_CACHE_DIR") {
        return (!dir.is_empty()).then(|| PathBuf::from(dir));
    }
    let base = match var("XDG_CACHE_HOME").filter(|p| p.is_absolute()) {
        Some(base) => Some(base),
        None if cfg!(windows) => var("LOCALAPPDATA"),
        None if cfg!(target_os = "macos") => var("HOME").map(|home| home.join("Library").join("Caches")),
        None => var("HOME").map(|home| home.join(".cache")),
    };
    base.map(|base| base.join("fdsl"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> Cache {
        let root = std::env::temp_dir().join(format!("fdsl-cache-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        Cache::new(root)
    }

    #[test]
    fn entries_read_back_and_a_flipped_byte_is_corrupt() {
        let cache = scratch("flip");
        assert_eq!(cache.read("a/b.x"), Read::Missing);
        assert!(!cache.contains("a/b.x"));
        cache.write("a/b.x", b"payload").unwrap();
        assert!(cache.contains("a/b.x"));
        assert_eq!(cache.read("a/b.x"), Read::Hit(b"payload".to_vec()));
        let path = cache.path("a/b.x");
        let good = std::fs::read(&path).unwrap();
        for at in [0, MAGIC.len(), MAGIC.len() + HASH_LEN, good.len() - 1] {
            let mut bad = good.clone();
            bad[at] ^= 1;
            std::fs::write(&path, &bad).unwrap();
            assert_eq!(cache.read("a/b.x"), Read::Corrupt, "byte {at}");
        }
        std::fs::write(&path, &good[..good.len() - 1]).unwrap();
        assert_eq!(cache.read("a/b.x"), Read::Corrupt);
        // An entry copied under another key is not that key's.
        std::fs::write(cache.path("a/c.x"), &good).unwrap();
        assert_eq!(cache.read("a/c.x"), Read::Corrupt);
        // Rewriting replaces it; no temporary file is left.
        cache.write("a/b.x", b"payload").unwrap();
        assert_eq!(cache.read("a/b.x"), Read::Hit(b"payload".to_vec()));
        let names: Vec<String> = std::fs::read_dir(cache.root().join("a"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
        std::fs::remove_dir_all(cache.root()).unwrap();
    }
}
