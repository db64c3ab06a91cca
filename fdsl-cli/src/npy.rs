//! The NumPy `.npy` header (format version 1.0, numpy's `lib/format.py`).

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
}
