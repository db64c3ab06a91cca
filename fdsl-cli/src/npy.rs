//! The NumPy `.npy` format (version 1.0, numpy's `lib/format.py`): its header, and an array file
//! written element by element in any order (bounded memory, whatever the array's size).

use anyhow::{Context, Result};
use std::fs::File;
use std::path::Path;

/// The header of an array of dtype `descr` (e.g. `"|u1"`, `"<i8"`) and `shape`, C order:
/// the magic `\x93NUMPY`, version 1.0, the little-endian u16 length of the header text, and the
/// text — a Python dict literal padded with spaces and ended by a newline so that the data start at
/// a multiple of 64 bytes (memory-mappable).
pub fn header(descr: &str, shape: &[usize]) -> Vec<u8> {
    let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
    let shape = if dims.len() == 1 { format!("({},)", dims[0]) } else { format!("({})", dims.join(", ")) };
    let mut text = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
    let unpadded = 10 + text.len() + 1;
    text.push_str(&" ".repeat(unpadded.next_multiple_of(64) - unpadded));
    text.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend((text.len() as u16).to_le_bytes());
    out.extend(text.into_bytes());
    out
}

/// An `.npy` file of `count` equal elements of `element_len` bytes (the first axis of `shape`),
/// each written at its place in any order from any thread; the file has its final length from the
/// start (zeros until written), and only one element passes through memory at a time.
pub struct ArrayFile {
    file: File,
    header_len: u64,
    element_len: usize,
    count: usize,
}

impl ArrayFile {
    /// Create `path` (a new file) holding the header of an array of `descr` and `shape` (C order,
    /// `shape[0]` elements of the product of the other axes, one byte per entry of `descr` `|u1`).
    pub fn create(path: &Path, descr: &str, shape: &[usize], element_len: usize) -> Result<Self> {
        let header = header(descr, shape);
        let count = shape.first().copied().unwrap_or(0);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        let len = (header.len() as u64).saturating_add((count as u64).saturating_mul(element_len as u64));
        file.set_len(len).with_context(|| format!("cannot size {} to {len} bytes", path.display()))?;
        let array = Self { file, header_len: header.len() as u64, element_len, count };
        array.write_at(0, &header).with_context(|| format!("cannot write {}", path.display()))?;
        Ok(array)
    }

    /// Write element `i` (`element_len` bytes).
    pub fn put(&self, i: usize, element: &[u8]) -> Result<()> {
        anyhow::ensure!(
            i < self.count && element.len() == self.element_len,
            "element {i} of {} bytes does not fit an array of {} elements of {} bytes",
            element.len(),
            self.count,
            self.element_len
        );
        let at = self.header_len + (i as u64) * (self.element_len as u64);
        self.write_at(at, element).context("cannot write an npy shard")
    }

    fn write_at(&self, at: u64, bytes: &[u8]) -> std::io::Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileExt;
            self.file.write_all_at(bytes, at)
        }
        #[cfg(windows)]
        {
            use std::os::windows::fs::FileExt;
            let mut done = 0;
            while done < bytes.len() {
                done += self.file.seek_write(&bytes[done..], at + done as u64)?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn header_is_aligned_and_readable() {
        let h = super::header("|u1", &[3, 362, 362]);
        assert_eq!(h.len() % 64, 0);
        assert_eq!(&h[..8], b"\x93NUMPY\x01\x00");
        let text = std::str::from_utf8(&h[10..]).unwrap();
        assert!(text.starts_with("{'descr': '|u1', 'fortran_order': False, 'shape': (3, 362, 362), }"));
        assert!(text.ends_with(" \n"));
        let l = super::header("<i8", &[7]);
        assert!(std::str::from_utf8(&l[10..]).unwrap().contains("'shape': (7,)"));
        assert_eq!(l.len() % 64, 0);
    }

    #[test]
    fn an_array_written_out_of_order_is_the_array_written_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.npy");
        let array = super::ArrayFile::create(&path, "|u1", &[3, 2, 2], 4).unwrap();
        for i in [2, 0, 1] {
            array.put(i, &[i as u8; 4]).unwrap();
        }
        assert!(array.put(3, &[0; 4]).is_err() && array.put(0, &[0; 5]).is_err());
        drop(array);
        let mut whole = super::header("|u1", &[3, 2, 2]);
        whole.extend([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
        assert_eq!(std::fs::read(&path).unwrap(), whole);
    }
}
