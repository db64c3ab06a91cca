//! `fdsl preview`: a contact sheet of a dataset — a few instances of a few classes, each tile
//! labelled with its class and instance, a title line naming the dataset. Each part is drawn as its
//! role's look in [`crate::formats::LOOKS`] says: images shrunk by averaging; points as an
//! orthographic projection (rotated 30° about the vertical axis, so depth shows), white points on
//! black; masks over their image, each labelled pixel in its label's colour. A labelled dataset shows
//! a row per class (its first drawn part); an unlabelled one a row per drawn part.

use anyhow::{Result, ensure};
use fdsl_dataset::Dataset;
use rayon::prelude::*;

/// Space around and between tiles, pixels.
const GAP: usize = 6;
/// Height of a line of text (8 px glyphs and 2 px of space).
const LINE: usize = 10;
/// The sheet's background and its text.
const BACKGROUND: [u8; 3] = [40, 40, 40];
const TEXT: [u8; 3] = [230, 230, 230];

/// An RGB image, row-major.
pub struct Sheet {
    /// Columns.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// 3 bytes per pixel.
    pub pixels: Vec<u8>,
}

impl Sheet {
    fn new(width: usize, height: usize) -> Self {
        Self { width, height, pixels: BACKGROUND.repeat(width * height) }
    }

    fn set(&mut self, x: usize, y: usize, rgb: [u8; 3]) {
        if x < self.width && y < self.height {
            let at = 3 * (y * self.width + x);
            self.pixels[at..at + 3].copy_from_slice(&rgb);
        }
    }

    /// `text` in the 8x8 public-domain font of `font8x8` (non-ASCII as `?`), top-left at `(x, y)`.
    fn text(&mut self, x: usize, y: usize, text: &str) {
        for (i, ch) in text.chars().enumerate() {
            let glyph =
                font8x8::legacy::BASIC_LEGACY[if ch.is_ascii() { ch as usize } else { b'?' as usize }];
            for (row, bits) in glyph.iter().enumerate() {
                for col in 0..8 {
                    if bits >> col & 1 == 1 {
                        self.set(x + 8 * i + col, y + row, TEXT);
                    }
                }
            }
        }
    }

    /// Paste a `tile × tile` RGB tile with its top-left at `(x, y)`.
    fn paste(&mut self, x: usize, y: usize, tile: usize, rgb: &[u8]) {
        for (r, row) in rgb.chunks_exact(3 * tile).enumerate() {
            let at = 3 * ((y + r) * self.width + x);
            self.pixels[at..at + row.len()].copy_from_slice(row);
        }
    }
}

/// `m` instances spread evenly over `0..instances` (instance `j · instances / m`), at most all of
/// them: a preset's first instances may all share one unit of work (a weight row of 40).
pub fn shown_instances(instances: usize, m: usize) -> Vec<u64> {
    let m = m.min(instances);
    (0..m).map(|j| (j * instances / m) as u64).collect()
}

/// The contact sheet of `dataset`: the `classes` (indices below its class count) as rows (one row of
/// scenes), `m` instances of each as `tile`-pixel tiles.
pub fn contact_sheet(dataset: &Dataset, classes: &[usize], m: usize, tile: usize) -> Result<Sheet> {
    ensure!((8..=1024).contains(&tile), "--tile must be between 8 and 1024 pixels, not {tile}");
    ensure!(!classes.is_empty() && m >= 1, "--categories and --instances must be at least 1");
    if let Some(past) = classes.iter().find(|&&c| c >= dataset.class_count()) {
        anyhow::bail!("class {past} is past the dataset's {} classes", dataset.class_count());
    }
    let spec = &dataset.spec;
    let labelled = dataset.labelled();
    let parts = dataset.parts();
    let drawn: Vec<usize> = (0..parts.len()).filter(|&i| crate::formats::drawn(&parts[i])).collect();
    ensure!(!drawn.is_empty(), "the {} preset's samples have no part a sheet can show", spec.preset);
    // Rows: (class, part) — the classes and their first drawn part, or one group's drawn parts.
    let rows: Vec<(usize, usize)> = match labelled {
        true => classes.iter().map(|&c| (c, drawn[0])).collect(),
        false => drawn.iter().map(|&part| (0, part)).collect(),
    };
    let columns = shown_instances(spec.instances, m);
    check_size(rows.len(), columns.len(), tile)?;
    let cells: Vec<((usize, usize), u64)> =
        rows.iter().flat_map(|&row| columns.iter().map(move |&instance| (row, instance))).collect();
    let tiles = cells
        .par_iter()
        .map(|&((class, part), instance)| {
            let index = if labelled { (class * spec.instances) as u64 + instance } else { instance };
            let mut buffers: Vec<Vec<u8>> = parts.iter().map(|p| vec![0u8; p.max_len()]).collect();
            let mut out: Vec<&mut [u8]> = buffers.iter_mut().map(Vec::as_mut_slice).collect();
            let lens = dataset.render_parts(index, &mut out)?;
            let bytes: Vec<&[u8]> = buffers.iter().zip(lens).map(|(b, n)| &b[..n]).collect();
            Ok(crate::formats::tile(parts, &bytes, part, tile).expect("a drawn part"))
        })
        .collect::<Result<Vec<_>>>()?;
    let cell = (tile + GAP, tile + LINE + GAP);
    let title = format!(
        "{} seed {} ({} classes x {})",
        spec.preset,
        spec.seed,
        dataset.class_count(),
        spec.instances
    );
    // As wide as the tiles, or the title where that is wider (a sheet of one column of tiles).
    let width = (GAP + columns.len() * cell.0).max(GAP + 8 * title.chars().count() + GAP);
    let mut sheet = Sheet::new(width, GAP + LINE + GAP + rows.len() * cell.1);
    sheet.text(GAP, GAP, &title);
    for (k, (&((class, part), instance), rgb)) in cells.iter().zip(&tiles).enumerate() {
        let (x, y) = (GAP + k % columns.len() * cell.0, GAP + LINE + GAP + k / columns.len() * cell.1);
        let label = match labelled {
            true => format!("{class}/{instance}"),
            false => format!("{} {instance}", parts[part].name),
        };
        sheet.text(x, y, &label);
        sheet.paste(x, y + LINE, tile, rgb);
    }
    Ok(sheet)
}

/// The most bytes of a sheet's pixels: 256 MB (e.g. 64 x 64 tiles of 128 px). The tiles are held
/// as well while the sheet is drawn, and its PNG is encoded in memory: about three times this in all.
pub const MAX_SHEET_BYTES: usize = 256_000_000;

/// Refuse a sheet of `rows` x `columns` tiles of `tile` px whose pixels would exceed
/// [`MAX_SHEET_BYTES`], before anything is rendered.
fn check_size(rows: usize, columns: usize, tile: usize) -> Result<()> {
    let width = GAP.saturating_add(columns.saturating_mul(tile + GAP));
    let height = (GAP + LINE + GAP).saturating_add(rows.saturating_mul(tile + LINE + GAP));
    let bytes = width.saturating_mul(height).saturating_mul(3);
    ensure!(
        bytes <= MAX_SHEET_BYTES,
        "a sheet of {rows} x {columns} tiles of {tile} px would take {} (at most {}): show fewer --categories \
         or --instances, or a smaller --tile",
        fdsl_dataset::memory::human_bytes(bytes as f64),
        fdsl_dataset::memory::human_bytes(MAX_SHEET_BYTES as f64)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instances_spread_over_the_range() {
        assert_eq!(shown_instances(1000, 4), [0, 250, 500, 750]);
        assert_eq!(shown_instances(1, 4), [0]);
        assert_eq!(shown_instances(12, 5), [0, 2, 4, 7, 9]);
    }
}
