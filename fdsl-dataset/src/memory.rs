//! The bounds every interface of fdsl (library, `fdsl`, C, Python) keeps to: how many worker threads
//! a call may start, and how much memory it may ask for.
//!
//! - Threads: `0` is one per core, `1..=MAX_THREADS` that many; more is refused ([`check_threads`])
//!   before any thread is made.
//! - Memory: a buffer of a render path is allocated fallibly ([`try_zeroed`], [`try_grow`]); a failure
//!   is an [`OutOfMemory`] error naming the size and the fix, never an abort of the process. A call
//!   that knows its peak ahead refuses it when it exceeds [`available`] (the machine's memory, or the
//!   process's address-space or cgroup limit, whichever is least).

use anyhow::{Result, bail};
use std::fmt;

/// The most worker threads one call starts: far above any machine's cores (a thread per core is
/// the fastest), low enough that a typo is refused before the system runs out of threads.
pub const MAX_THREADS: usize = 4096;

/// `threads` as every interface reads it: 0 is one per core, 1 to [`MAX_THREADS`] that many; more
/// is refused. Returns the number of threads the call will run on.
pub fn check_threads(threads: usize) -> Result<usize> {
    match threads {
        0 => Ok(std::thread::available_parallelism().map_or(1, usize::from)),
        n if n <= MAX_THREADS => Ok(n),
        n => {
            bail!("threads must be 0 (one per core) to {MAX_THREADS}, not {}", quoted_number(&n.to_string()))
        }
    }
}

/// A number as a message quotes it back: whole when short, else its first digits and its length (a
/// 301-digit argument is not echoed in full).
pub fn quoted_number(text: &str) -> String {
    const MOST: usize = 24;
    if text.chars().count() <= MOST {
        text.to_owned()
    } else {
        let head: String = text.chars().take(12).collect();
        format!("{head}... ({} characters)", text.chars().count())
    }
}

/// An allocation that failed (or would not fit, checked ahead): what it was for and its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutOfMemory {
    /// Bytes asked for.
    pub bytes: u128,
    /// What they were for, e.g. "a batch of 120000 samples".
    pub what: String,
    /// What the caller can change, e.g. "render fewer samples at once".
    pub fix: String,
}

impl fmt::Display for OutOfMemory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "out of memory: {} needs {}", self.what, human_bytes(self.bytes as f64))?;
        if let Some(limit) = available() {
            write!(f, " and {} is available", human_bytes(limit as f64))?;
        }
        write!(f, "; {}", self.fix)
    }
}

impl std::error::Error for OutOfMemory {}

/// Whether `error` (or any error it wraps) is an [`OutOfMemory`].
pub fn is_out_of_memory(error: &anyhow::Error) -> bool {
    error.chain().any(|e| e.is::<OutOfMemory>())
}

/// `len` zero bytes, or an [`OutOfMemory`] error (never an abort): also refused ahead when `len`
/// exceeds what [`available`] says the process can have.
pub fn try_zeroed(len: usize, what: impl FnOnce() -> String, fix: &str) -> Result<Vec<u8>> {
    let mut v = Vec::new();
    try_grow(&mut v, len, 0, what, fix)?;
    Ok(v)
}

/// Lengthen `v` to `len` entries of `value` (never shorten), allocating fallibly: an [`OutOfMemory`]
/// error if the memory cannot be had.
pub fn try_grow<T: Clone>(
    v: &mut Vec<T>,
    len: usize,
    value: T,
    what: impl FnOnce() -> String,
    fix: &str,
) -> Result<()> {
    if v.len() >= len {
        return Ok(());
    }
    let bytes = (len as u128) * (std::mem::size_of::<T>() as u128);
    let fits = available().is_none_or(|limit| bytes <= limit as u128);
    if !fits || v.try_reserve_exact(len - v.len()).is_err() {
        return Err(OutOfMemory { bytes, what: what(), fix: fix.to_owned() }.into());
    }
    v.resize(len, value);
    Ok(())
}

/// The memory this process may use, in bytes: the least of the machine's memory (`MemTotal` of
/// `/proc/meminfo`), the process's address-space limit (`ulimit -v`) and its cgroup's `memory.max`;
/// `None` where none can be read (not Linux).
pub fn available() -> Option<u64> {
    let read = |path: &str| std::fs::read_to_string(path).ok();
    let total = read("/proc/meminfo").and_then(|t| field_kib(&t, "MemTotal:")).map(|kib| kib * 1024);
    let address_space = read("/proc/self/limits").and_then(|t| {
        let line = t.lines().find(|l| l.starts_with("Max address space"))?;
        line.split_whitespace().nth(3)?.parse::<u64>().ok()
    });
    let cgroup = read("/sys/fs/cgroup/memory.max").and_then(|t| t.trim().parse::<u64>().ok());
    [total, address_space, cgroup].into_iter().flatten().min()
}

/// The value in KiB of the `/proc/meminfo` line starting with `name`.
fn field_kib(text: &str, name: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
}

/// `bytes` with a decimal unit: `3.08 MB`, `43.70 GB`.
pub fn human_bytes(bytes: f64) -> String {
    let (value, unit) = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")]
        .into_iter()
        .find(|&(scale, _)| bytes >= scale)
        .map_or((bytes, "bytes"), |(scale, unit)| (bytes / scale, unit));
    format!("{value:.2} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_past_the_cap_are_refused_and_zero_is_one_per_core() {
        assert!(check_threads(0).unwrap() >= 1);
        assert_eq!(check_threads(MAX_THREADS).unwrap(), MAX_THREADS);
        let e = check_threads(MAX_THREADS + 1).unwrap_err().to_string();
        assert_eq!(e, "threads must be 0 (one per core) to 4096, not 4097");
        let e = check_threads(usize::MAX).unwrap_err().to_string();
        assert!(e.ends_with("not 18446744073709551615"), "{e}");
    }

    #[test]
    fn long_numbers_are_not_quoted_whole() {
        assert_eq!(quoted_number("4294967296"), "4294967296");
        assert_eq!(quoted_number(&"9".repeat(301)), "999999999999... (301 characters)");
    }

    #[test]
    fn an_allocation_past_the_memory_is_an_error_naming_its_size() {
        let e = try_zeroed(usize::MAX, || "a test buffer".into(), "ask for less").unwrap_err();
        assert!(is_out_of_memory(&e));
        let text = e.to_string();
        assert!(text.starts_with("out of memory: a test buffer needs 18446744.07 TB"), "{text}");
        assert!(text.ends_with("; ask for less"), "{text}");
        let mut v = vec![1u32; 3];
        try_grow(&mut v, 2, 0, String::new, "").unwrap();
        assert_eq!(v, [1, 1, 1]);
        try_grow(&mut v, 5, 7, String::new, "").unwrap();
        assert_eq!(v, [1, 1, 1, 7, 7]);
    }

    #[test]
    fn meminfo_fields_are_read() {
        assert_eq!(field_kib("MemFree: 5 kB\nMemTotal:  24000 kB\n", "MemTotal:"), Some(24000));
        assert_eq!(field_kib("MemFree: 5 kB\n", "MemTotal:"), None);
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_bytes(999.0), "999.00 bytes");
        assert_eq!(human_bytes(3_080_000.0), "3.08 MB");
    }
}
