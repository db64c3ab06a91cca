//! Writing a dataset folder safely: atomic files, manifests, the progress journal, parts.
//!
//! Every file is written under a temporary name unique to the writer (`.{name}.{tag}-{n}.fdsl-tmp`,
//! in the same folder) and renamed into place, so a final name only ever holds a complete file, and
//! parts writing the same shared file at once (`classes.txt`, `categories/*.csv`) each rename a whole
//! copy of the same bytes over it. A run first writes its
//! manifest with `"complete": false` (it claims the folder for this spec), appends each finished
//! task to its journal with the SHA-256 of its files, and at the end rewrites the manifest with
//! `"complete": true` and every file's hash, and removes the journal.
//!
//! A whole run owns `manifest.json` and `.fdsl-journal.jsonl`; part K of N (`--shard K/N`) owns
//! `manifest.part-K-of-N.json` and `.fdsl-journal.part-K-of-N.jsonl`. When the last of N parts
//! finishes in a shared folder it merges the part manifests into `manifest.json` (the very bytes a
//! whole run writes) and removes them.
//!
//! Locks (`flock`, released by the system when the process ends, even by `kill -9`): one writer per
//! folder. A whole run holds `.fdsl-lock` exclusively while it writes; part K of N holds it shared
//! (the parts of a job array write one folder together) and `.fdsl-lock.part-K-of-N` exclusively. So
//! a whole run and any part exclude each other (whichever starts second refuses, naming the lock), an
//! identical run or part started into the same folder refuses instead of doing the work twice, and
//! the tidy-up at completion never deletes the temporaries of a writer still at work. The merge of
//! the parts holds `.fdsl-lock.merge`, so exactly one part writes `manifest.json`. Lock files are
//! made with `O_EXCL` and opened only if they are not symbolic links: a link named `.fdsl-lock` is
//! refused, never followed (it would create a file outside the folder).
//!
//! Links inside the output folder: nothing outside `--out` is written unless asked. A symbolic link
//! to a folder (or a dangling one) inside it is refused by render and resume, naming the link
//! ([`refuse_folder_links`]), and named as a problem by verify, unless `--follow-links` is given:
//! then a class folder or `train/` that links to a folder on another disk receives the dataset's
//! files, is verified through the link, and is not an "extra" of the folder. A link standing where
//! a file of the dataset goes is replaced by the file (files are renamed into place, never written
//! through a link). `--out` itself may be a link to a folder (the user named it); a dangling `--out`
//! link is refused with its target named.

use anyhow::{Context, Result, bail};
use fdsl_dataset::Spec;
use fdsl_dataset::spec::FIRST_BYTES_VERSION;
use fdsl_dataset::spec::SpecFamily;
pub use fdsl_dataset::{MANIFEST, MANIFEST_FORMAT as FORMAT, TOOL};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// The dataset card's file name (the `card` module), at the top of the dataset's folder.
pub const CARD: &str = "README.md";

const TMP_SUFFIX: &str = ".fdsl-tmp";
/// The prefix of lock files.
const LOCK_PREFIX: &str = ".fdsl-lock";

/// Part `index` of `count` of a run (`--shard K/N`); the whole run is part 0 of 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    /// K, from 0.
    pub index: usize,
    /// N.
    pub count: usize,
}

impl Part {
    /// The whole run.
    pub const WHOLE: Part = Part { index: 0, count: 1 };

    /// Whether this part makes task `task`: tasks are dealt round-robin.
    pub fn owns(&self, task: usize) -> bool {
        task % self.count == self.index
    }

    /// The manifest this part writes.
    pub fn manifest_name(&self) -> String {
        if *self == Self::WHOLE {
            MANIFEST.into()
        } else {
            format!("manifest.part-{}-of-{}.json", self.index, self.count)
        }
    }

    /// The lock this part holds while it writes.
    pub fn lock_name(&self) -> String {
        if *self == Self::WHOLE {
            LOCK_PREFIX.into()
        } else {
            format!("{LOCK_PREFIX}.part-{}-of-{}", self.index, self.count)
        }
    }

    /// The journal this part appends to.
    pub fn journal_name(&self) -> String {
        if *self == Self::WHOLE {
            ".fdsl-journal.jsonl".into()
        } else {
            format!(".fdsl-journal.part-{}-of-{}.jsonl", self.index, self.count)
        }
    }
}

impl FromStr for Part {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let parsed = s.split_once('/').and_then(|(k, n)| Some((k.parse().ok()?, n.parse().ok()?)));
        match parsed {
            Some((index, count)) if index < count && count <= 1_000_000 => Ok(Part { index, count }),
            _ => Err(format!(
                "{s:?} is not K/N with 0 <= K < N <= 1000000 (e.g. 0/8 for the first of 8 parts)"
            )),
        }
    }
}

impl std::fmt::Display for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// A manifest: what the folder (or one part of it) holds.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// The tool and version that wrote it.
    pub tool: String,
    /// The family's bytes version its files are ([`fdsl_dataset::spec::SpecFamily::bytes_version`]);
    /// omitted when it is the first (as 0.2.0 wrote no such field).
    #[serde(default = "first_bytes_version", skip_serializing_if = "is_first_bytes_version")]
    pub bytes_version: u32,
    /// Whether every file it covers is written.
    pub complete: bool,
    /// `"K/N"` for a part manifest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    /// The dataset's specification.
    pub spec: Spec,
    /// SHA-256 (hex) of every file it covers, by path relative to the folder.
    pub files: BTreeMap<String, String>,
}

impl Manifest {
    /// A manifest of this tool.
    pub fn new(spec: Spec, part: Part, complete: bool, files: BTreeMap<String, String>) -> Self {
        Self {
            format: FORMAT.into(),
            tool: TOOL.into(),
            bytes_version: spec.family.bytes_version(),
            complete,
            part: (part != Part::WHOLE).then(|| part.to_string()),
            spec,
            files,
        }
    }

    /// The manifest `name` of `dir`, `None` if there is none.
    pub fn read(dir: &Path, name: &str) -> Result<Option<Self>> {
        let path = dir.join(name);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let manifest: Self = serde_json::from_str(&text)
            .with_context(|| format!("{} is not an fdsl manifest", path.display()))?;
        if manifest.format != FORMAT {
            bail!("{} has format {:?}; this fdsl reads {FORMAT:?}", path.display(), manifest.format);
        }
        Ok(Some(manifest))
    }

    /// Every manifest of `dir`: `manifest.json` and the part manifests, with their names, sorted.
    /// The part manifests are read first and `manifest.json` last: parts merging meanwhile write
    /// `manifest.json` before they remove the part manifests, so a dataset is never missed.
    pub fn all(dir: &Path) -> Result<Vec<(String, Self)>> {
        let mut names = Vec::new();
        if let Ok(entries) = fs::read_dir(dir) {
            for entry in entries {
                let name = entry.with_context(|| format!("cannot list {}", dir.display()))?.file_name();
                let name = name.to_string_lossy();
                if name.starts_with("manifest.part-") && name.ends_with(".json") {
                    names.push(name.into_owned());
                }
            }
        }
        names.push(MANIFEST.to_owned());
        let mut manifests = Vec::new();
        for name in names {
            if let Some(m) = Self::read(dir, &name)? {
                manifests.push((name, m));
            }
        }
        manifests.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(manifests)
    }

    /// Write it atomically into `dir` as `name`.
    pub fn write(&self, dir: &Path, name: &str) -> Result<()> {
        let text = serde_json::to_string_pretty(self).context("serialising the manifest")?;
        write_atomic(dir, name, text.as_bytes())
    }
}

fn first_bytes_version() -> u32 {
    FIRST_BYTES_VERSION
}

fn is_first_bytes_version(v: &u32) -> bool {
    *v == FIRST_BYTES_VERSION
}

/// Write `bytes` to `root/rel` through a temporary name and a rename, creating folders as needed.
pub fn write_atomic(root: &Path, rel: &str, bytes: &[u8]) -> Result<()> {
    let path = root.join(rel);
    let parent = path.parent().unwrap_or(root);
    fs::create_dir_all(parent).with_context(|| format!("cannot create the folder {}", parent.display()))?;
    let tmp = tmp_path(&path);
    if let Err(e) = fs::write(&tmp, bytes) {
        let _ = fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot write {}", tmp.display()));
    }
    fs::rename(&tmp, &path).with_context(|| format!("cannot rename {} to {}", tmp.display(), path.display()))
}

/// Temporary names made by this process so far.
static TEMPORARIES: AtomicU64 = AtomicU64::new(0);

/// A tag of this process for temporary names: its id and start time, so that processes on several
/// machines writing into one shared folder never share a temporary name.
fn process_tag() -> &'static str {
    static TAG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TAG.get_or_init(|| {
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        format!("{:x}{:x}", std::process::id(), nanos % (1 << 48))
    })
}

fn tmp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let n = TEMPORARIES.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}.{}-{n}{TMP_SUFFIX}", process_tag()))
}

/// Whether `name` is a file fdsl writes for itself while it works: a temporary, a lock, or the cache
/// of its shared work (`.fdsl-cache`, kept across runs).
pub fn is_private(name: &str) -> bool {
    name.ends_with(TMP_SUFFIX) || name.starts_with(LOCK_PREFIX) || name == fdsl_dataset::cache::FOLDER
}

/// Whether `name` is a temporary file (of a run still going, or of an interrupted one).
pub fn is_temporary(name: &str) -> bool {
    name.ends_with(TMP_SUFFIX)
}

/// Every file and folder under `dir` that is not in `listed` (paths relative to `dir`, `/`-separated),
/// described for a person: `extra: PATH` (a folder once, with a trailing `/`, when nothing listed is
/// inside it), or what fdsl left there: a temporary or lock file of an interrupted run. With `tidy`
/// (only once no run writes there any more: a dataset just completed) the temporaries in the
/// dataset's folders and the lock files at its top are removed instead of named.
pub fn extras(dir: &Path, listed: &std::collections::BTreeSet<String>, tidy: bool) -> Result<Vec<String>> {
    fn walk(
        root: &Path,
        rel: &str,
        listed: &std::collections::BTreeSet<String>,
        tidy: bool,
        out: &mut Vec<String>,
    ) -> Result<()> {
        let dir = root.join(rel);
        for (name, path, entry) in entries_of(root, rel)? {
            // Links are followed (render writes through them when given --follow-links, else refuses
            // them): a link to a folder is that folder.
            if rel.is_empty() && name == fdsl_dataset::cache::FOLDER {
                // The cache of the dataset's shared work: none of its files, kept across runs.
            } else if fs::metadata(entry.path()).is_ok_and(|m| m.is_dir()) {
                let prefix = format!("{path}/");
                if listed.range(prefix.clone()..).next().is_some_and(|p| p.starts_with(&prefix)) {
                    walk(root, &path, listed, tidy, out)?;
                } else {
                    out.push(format!("extra: {prefix} (a folder the dataset does not have)"));
                }
            } else if tidy && rel.is_empty() && name == LOCK_PREFIX {
                // The folder's lock stays, held by this writer, which removes it when it lets go (`Claim`).
            } else if tidy && (is_temporary(&name) || (rel.is_empty() && name.starts_with(LOCK_PREFIX))) {
                remove_if_present(&dir, &name)?;
            } else if rel.is_empty() && name == CARD {
                // The dataset card describes the folder; it is none of the dataset's files.
            } else if !listed.contains(&path) {
                out.push(if is_temporary(&name) {
                    format!("extra: {path} (a temporary file of an interrupted run)")
                } else if name.starts_with(LOCK_PREFIX)
                    || name.starts_with(".fdsl-journal")
                    || name.starts_with("manifest.part-")
                {
                    format!("extra: {path} (left by an interrupted run)")
                } else {
                    format!("extra: {path}")
                });
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, "", listed, tidy, &mut out)?;
    Ok(out)
}

/// The entries of the folder `root/rel`, sorted by name, each with its name and its path relative to
/// `root` (`/`-separated).
fn entries_of(root: &Path, rel: &str) -> Result<Vec<(String, String, fs::DirEntry)>> {
    let dir = root.join(rel);
    let mut entries: Vec<fs::DirEntry> = fs::read_dir(&dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .collect::<Result<_, _>>()?;
    entries.sort_by_key(fs::DirEntry::file_name);
    Ok(entries
        .into_iter()
        .map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
            (name, path, entry)
        })
        .collect())
}

/// Every symbolic link inside `dir` (not `dir` itself) that is not a link to a file: to a folder, or
/// dangling (but fdsl's own lock and temporary names, which are never opened through a link); as
/// (path relative to `dir`, `/`-separated; its target), sorted. Links are not followed; a missing
/// `dir` has none.
pub fn folder_links(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    fn walk(root: &Path, rel: &str, out: &mut Vec<(String, PathBuf)>) -> Result<()> {
        for (_, path, entry) in entries_of(root, rel)? {
            let kind =
                entry.file_type().with_context(|| format!("cannot read {}", entry.path().display()))?;
            if is_private(&path) {
                // A lock named by a link is refused by the lock itself (`open_lock_file`).
            } else if kind.is_symlink() && !fs::metadata(entry.path()).is_ok_and(|m| m.is_file()) {
                out.push((path, fs::read_link(entry.path()).unwrap_or_default()));
            } else if kind.is_dir() {
                walk(root, &path, out)?;
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    if dir.is_dir() {
        walk(dir, "", &mut out)?;
    }
    Ok(out)
}

/// Refuse to write into `dir` while a symbolic link to a folder (or a dangling one) stands inside
/// it ([`folder_links`]): the error names the first and the flag that allows it.
pub fn refuse_folder_links(dir: &Path) -> Result<()> {
    let links = folder_links(dir)?;
    if let Some((path, target)) = links.first() {
        bail!(
            "{} is a symbolic link to {}{}; fdsl writes nothing outside --out unless asked: give \
             --follow-links to write through links inside --out, or put a folder in the link's place",
            dir.join(path).display(),
            target.display(),
            match links.len() {
                1 => String::new(),
                n => format!(" ({} links in all)", n),
            }
        );
    }
    Ok(())
}

/// Whether the folder `dir` holds nothing but fdsl's own temporaries and locks (a run just starting).
pub fn is_empty_dir(dir: &Path) -> Result<bool> {
    let entries = dir.read_dir().with_context(|| format!("cannot list the folder {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot list the folder {}", dir.display()))?;
        if !is_private(&entry.file_name().to_string_lossy()) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// A lock on a file of a dataset folder, held until dropped or the process ends. Lock files are
/// removed when released; a lock taken on a file another process has just removed is taken again on
/// the new file (the same inode as the path), so two processes never both hold one exclusively.
pub struct Lock {
    file: fs::File,
    path: PathBuf,
}

/// How a lock is taken.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Exclusive, waiting while another process holds it.
    Wait,
    /// Exclusive, or none while another process holds it.
    Try,
    /// Shared with other shared holders, or none while a process holds it exclusively.
    TryShared,
}

/// Open (creating it if need be) the lock file `path`, never through a symbolic link.
fn open_lock_file(path: &Path) -> Result<fs::File> {
    loop {
        match fs::OpenOptions::new().write(true).create_new(true).open(path) {
            Ok(file) => return Ok(file),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                return Err(e).with_context(|| format!("cannot create the lock file {}", path.display()));
            }
        }
        match fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => bail!(
                "{} is a symbolic link; fdsl never takes its lock through a link (it would write outside the \
                 folder): remove the link",
                path.display()
            ),
            Ok(_) => match fs::OpenOptions::new().write(true).open(path) {
                Ok(file) => return Ok(file),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {} // removed meanwhile: again
                Err(e) => {
                    return Err(e).with_context(|| format!("cannot open the lock file {}", path.display()));
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }
}

impl Lock {
    /// The lock `name` of `dir` taken as `mode` says, or `None` while another process holds it.
    fn take(dir: &Path, name: &str, mode: Mode) -> Result<Option<Self>> {
        let path = dir.join(name);
        loop {
            let file = open_lock_file(&path)?;
            let attempt = match mode {
                Mode::Wait => file.lock().map_err(fs::TryLockError::Error),
                Mode::Try => file.try_lock(),
                Mode::TryShared => file.try_lock_shared(),
            };
            match attempt {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => return Ok(None),
                Err(fs::TryLockError::Error(e)) => {
                    return Err(e).with_context(|| format!("cannot lock {}", path.display()));
                }
            }
            if same_file(&file, &path) {
                return Ok(Some(Self { file, path }));
            }
        }
    }

    /// The lock `name` of `dir`, waiting while another process holds it.
    pub fn acquire(dir: &Path, name: &str) -> Result<Self> {
        Ok(Self::take(dir, name, Mode::Wait)?.expect("a waiting lock is taken"))
    }

    /// Let go of a shared lock, removing its file if no other process holds it (the last holder
    /// removes it: converting to exclusive succeeds only for the last).
    fn release_shared(self) -> Result<()> {
        if self.file.try_lock().is_ok() && same_file(&self.file, &self.path) {
            return self.remove();
        }
        Ok(())
    }

    /// Release the lock and remove its file.
    pub fn remove(self) -> Result<()> {
        let name = self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let dir = self.path.parent().map(Path::to_owned).unwrap_or_default();
        remove_if_present(&dir, &name)
    }
}

/// A writer's hold on a dataset folder (see the module's locks): a whole run holds `.fdsl-lock`
/// exclusively; part K of N holds it shared and its own part lock exclusively.
pub struct Claim {
    folder: Lock,
    part: Option<Lock>,
}

impl Claim {
    /// Claim `dir` for `part`, or refuse (naming the lock and what holds it) while a writer that
    /// excludes it is at work.
    pub fn take(dir: &Path, part: Part) -> Result<Self> {
        let busy = |lock: &str, what: &str, who: &str| {
            anyhow::anyhow!(
                "another `fdsl render` is writing {what} into {} right now (it holds {}: {who}); wait for it \
                 to finish, or choose another --out",
                dir.display(),
                dir.join(lock).display()
            )
        };
        if part == Part::WHOLE {
            let folder = Lock::take(dir, LOCK_PREFIX, Mode::Try)?.ok_or_else(|| {
                busy(LOCK_PREFIX, "this dataset", "a whole run, or parts of it with --shard")
            })?;
            return Ok(Self { folder, part: None });
        }
        // A part that lets go converts its shared lock for an instant, and a whole run may be
        // finishing: look again for a while (`FDSL_LOCK_WAIT_SECONDS`, default 1) before refusing.
        let mut folder = Lock::take(dir, LOCK_PREFIX, Mode::TryShared)?;
        if folder.is_none() {
            eprintln!("fdsl: waiting for {} (another writer holds it)", dir.join(LOCK_PREFIX).display());
            let started = std::time::Instant::now();
            while folder.is_none() && started.elapsed() < lock_wait() {
                std::thread::sleep(std::time::Duration::from_millis(50));
                folder = Lock::take(dir, LOCK_PREFIX, Mode::TryShared)?;
            }
        }
        let folder = folder.ok_or_else(|| {
            busy(LOCK_PREFIX, "this dataset", "a whole run, without --shard, makes every part")
        })?;
        let name = part.lock_name();
        let part_lock = Lock::take(dir, &name, Mode::Try)?
            .ok_or_else(|| busy(&name, &format!("part {part}"), "the same part"))?;
        Ok(Self { folder, part: Some(part_lock) })
    }

    /// Let go of the folder, removing the lock files no other writer holds.
    pub fn release(self) -> Result<()> {
        match self.part {
            None => self.folder.remove(),
            Some(part) => {
                part.remove()?;
                self.folder.release_shared()
            }
        }
    }
}

/// How long a part waits for the folder's lock before refusing: `FDSL_LOCK_WAIT_SECONDS`, default 1.
fn lock_wait() -> std::time::Duration {
    let seconds = std::env::var("FDSL_LOCK_WAIT_SECONDS").ok().and_then(|s| s.parse::<f64>().ok());
    std::time::Duration::from_secs_f64(seconds.filter(|s| s.is_finite() && *s >= 0.0).unwrap_or(1.0))
}

/// SHA-256 of the file `root/rel`, `None` if it cannot be read; read in pieces (a shard may be
/// larger than memory).
pub fn file_sha256(root: &Path, rel: &str) -> Option<String> {
    sha256_of(&root.join(rel)).ok()
}

/// SHA-256 (hex) of the file `path`, read in pieces.
fn sha256_of(path: &Path) -> std::io::Result<String> {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    std::io::copy(&mut fs::File::open(path)?, &mut hasher)?;
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// A file a task made: its bytes, or (large shards, written piece by piece) a complete temporary file.
pub enum Made {
    /// The whole file, in memory.
    Bytes(Vec<u8>),
    /// A complete temporary file, beside its final place (render) or in a scratch folder (verify).
    File(Temporary),
}

impl Made {
    /// SHA-256 (hex) of the file.
    pub fn sha256(&self) -> Result<String> {
        match self {
            Made::Bytes(bytes) => Ok(fdsl_dataset::spec::sha256_hex(bytes)),
            Made::File(t) => sha256_of(&t.path).with_context(|| format!("cannot read {}", t.path.display())),
        }
    }

    /// Its size in bytes.
    pub fn size(&self) -> Result<u64> {
        match self {
            Made::Bytes(bytes) => Ok(bytes.len() as u64),
            Made::File(t) => Ok(fs::metadata(&t.path)?.len()),
        }
    }

    /// Put it at `root/rel` atomically (a temporary is renamed there); returns its SHA-256.
    pub fn place(self, root: &Path, rel: &str) -> Result<String> {
        let sha = self.sha256()?;
        match self {
            Made::Bytes(bytes) => write_atomic(root, rel, &bytes)?,
            Made::File(t) => t.persist(&root.join(rel))?,
        }
        Ok(sha)
    }
}

/// A temporary file of this process (named as [`write_atomic`]'s), removed when dropped unless
/// renamed into place.
pub struct Temporary {
    path: PathBuf,
}

impl Temporary {
    /// A new temporary name for the file `root/rel` (its folder created); the file is not made.
    pub fn beside(root: &Path, rel: &str) -> Result<Self> {
        let path = root.join(rel);
        let parent = path.parent().unwrap_or(root);
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the folder {}", parent.display()))?;
        Ok(Self { path: tmp_path(&path) })
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Rename it to `path`.
    fn persist(mut self, path: &Path) -> Result<()> {
        fs::rename(&self.path, path)
            .with_context(|| format!("cannot rename {} to {}", self.path.display(), path.display()))?;
        self.path = PathBuf::new(); // nothing left to remove
        Ok(())
    }
}

impl Drop for Temporary {
    fn drop(&mut self) {
        if !self.path.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Whether the open `file` is still the file at `path` (not removed or replaced since it was opened).
fn same_file(file: &fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

/// One journal line: a finished task and its files' hashes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct JournalEntry {
    /// The task's index in the plan.
    pub task: usize,
    /// `(path, sha256)` of its files.
    pub files: Vec<(String, String)>,
}

/// The append-only record of finished tasks.
pub struct Journal {
    file: Mutex<fs::File>,
    path: PathBuf,
}

impl Journal {
    /// Start the journal `name` of `dir` afresh with `entries` (written atomically), open for appending.
    pub fn create(dir: &Path, name: &str, entries: &[JournalEntry]) -> Result<Self> {
        let mut text = Vec::new();
        for entry in entries {
            serde_json::to_writer(&mut text, entry)?;
            text.push(b'\n');
        }
        write_atomic(dir, name, &text)?;
        let path = dir.join(name);
        let file = fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        Ok(Self { file: Mutex::new(file), path })
    }

    /// Append one finished task (one `write` call per line).
    pub fn record(&self, entry: &JournalEntry) -> Result<()> {
        let mut line = serde_json::to_vec(entry)?;
        line.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        file.write_all(&line).with_context(|| format!("cannot write {}", self.path.display()))
    }

    /// The entries of journal `name` in `dir`; a torn last line (a killed run) is ignored.
    pub fn read(dir: &Path, name: &str) -> Result<Vec<JournalEntry>> {
        let path = dir.join(name);
        match fs::read_to_string(&path) {
            Ok(text) => Ok(text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }
}

/// Remove `dir/name` if it exists.
pub fn remove_if_present(dir: &Path, name: &str) -> Result<()> {
    let path = dir.join(name);
    match fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}
