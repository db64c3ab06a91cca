//! What the core's tests share: a digest, the rows of a recorded reference table, values over the
//! whole `f64` line, and one sample rendered with every buffer its family asks for.

// Each test file uses some of these.
#![allow(dead_code)]

use fdsl_core::family::{Family, Held, RenderError, Workspace};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

/// sha256 of `bytes`, in lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The rows of a recorded table (`tag value value …` per line) that start with `tag`, without the
/// tag, split into words.
pub fn rows<'a>(table: &'a str, tag: &'a str) -> impl Iterator<Item = Vec<&'a str>> + 'a {
    table.lines().filter_map(move |line| {
        let mut words = line.split_whitespace();
        (words.next() == Some(tag)).then(|| words.collect())
    })
}

/// Any `f64` a caller could pass: NaN, the infinities, zeros, subnormals, the extremes, and values
/// where parameters usually live.
pub fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
        Just(-0.0),
        Just(f64::MIN_POSITIVE / 2.0),
        Just(f64::MAX),
        Just(f64::MIN),
        -1e6..1e6f64,
        -10.0..10.0f64,
        0.0..4.0f64,
        any::<f64>(),
    ]
}

/// Every part of sample (`class`, `instance`), rendered with a fresh workspace of the size
/// [`Family::scratch_len`] asks for; each part cut to the bytes written.
pub fn render_parts<F: Family>(
    family: &F,
    class: usize,
    instance: u64,
) -> Result<Vec<Vec<u8>>, RenderError<F::Error>> {
    let mut arena = vec![0u64; family.scratch_len().words()];
    let mut held = Held::default();
    let mut ws = Workspace::new(&mut arena, &mut held);
    let parts = family.parts();
    let mut out: Vec<Vec<u8>> = parts.iter().map(|p| vec![0u8; p.max_len()]).collect();
    let filled = {
        let mut slices: Vec<&mut [u8]> = out.iter_mut().map(Vec::as_mut_slice).collect();
        family.render_parts(class, instance, &mut ws, &mut slices)?
    };
    for (i, part) in out.iter_mut().enumerate() {
        part.truncate(filled.bytes(i));
    }
    Ok(out)
}

/// The one part of sample (`class`, `instance`) of a family whose sample is one part.
pub fn render<F: Family>(family: &F, class: usize, instance: u64) -> Result<Vec<u8>, RenderError<F::Error>> {
    let mut parts = render_parts(family, class, instance)?;
    assert_eq!(parts.len(), 1, "a sample of one part");
    Ok(parts.remove(0))
}
