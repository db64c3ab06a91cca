//! `fdsl preview`: a contact sheet of a dataset — a few instances of a few classes, each tile
//! labelled with its class and instance, a title line naming the dataset. Each part is drawn as its
//! role's look in [`crate::formats::LOOKS`] says: images shrunk by averaging; points as an
//! orthographic projection (rotated 30° about the vertical axis, so depth shows), white points on
//! black; masks over their image, each labelled pixel in its label's colour. A labelled dataset shows
//! a row per class (its first drawn part); an unlabelled one a row per drawn part.

use anyhow::{Result, ensure};
use fdsl_dataset::{Dataset, Part};
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

/// A grey image with its mask laid over it, RGB: each labelled pixel in its label's colour
/// ([`label_colour`]), the background pixels grey as they are.
pub(crate) fn overlay(image: &[u8], mask: &[u8]) -> Vec<u8> {
    image
        .iter()
        .zip(mask)
        .flat_map(|(&v, &label)| if label == 0 { [v; 3] } else { label_colour(label) })
        .collect()
}

/// A bright colour per mask label, neighbouring labels far apart on the hue circle (a step of 97/256
/// of a turn per label), value 255, saturation 3/4.
fn label_colour(label: u8) -> [u8; 3] {
    let hue = (u32::from(label) * 97 % 256) * 6; // 0..1536: six sectors of 256
    let (sector, f) = (hue / 256, hue % 256);
    let (high, low) = (255, 64);
    let rise = (low + (high - low) * f / 255) as u8;
    let fall = (high - (high - low) * f / 255) as u8;
    let (high, low) = (high as u8, low as u8);
    match sector {
        0 => [high, rise, low],
        1 => [fall, high, low],
        2 => [low, high, rise],
        3 => [low, fall, high],
        4 => [rise, low, high],
        _ => [high, low, fall],
    }
}

/// A `side × side` image of `channels` (1 or 3) shrunk or grown to `tile × tile` RGB: each tile pixel
/// the mean of the source pixels its area covers (nearest pixel when growing).
pub(crate) fn shrink(image: &[u8], side: usize, channels: usize, tile: usize) -> Vec<u8> {
    let mut out = vec![0u8; 3 * tile * tile];
    let span = |t: usize| (t * side / tile, ((t + 1) * side / tile).max(t * side / tile + 1));
    for ty in 0..tile {
        let (y0, y1) = span(ty);
        for tx in 0..tile {
            let (x0, x1) = span(tx);
            let mut sum = [0u32; 3];
            for y in y0..y1 {
                for x in x0..x1 {
                    let at = channels * (y * side + x);
                    for (c, s) in sum.iter_mut().enumerate() {
                        *s += u32::from(image[at + c.min(channels - 1)]);
                    }
                }
            }
            let n = ((y1 - y0) * (x1 - x0)) as u32;
            let at = 3 * (ty * tile + tx);
            for c in 0..3 {
                out[at + c] = (sum[c] / n) as u8;
            }
        }
    }
    out
}

/// Four axial slices of a `n0 × n1 × n2` byte volume (C order; a slice is the first two axes at one
/// index of the last, the `z` of PrimGeoSeg's slices) at 1/8, 3/8, 5/8 and 7/8 of its depth, each
/// shrunk to a quarter of a `tile × tile` RGB tile (2 × 2, left to right, top to bottom; a slice's
/// square corner where the first two axes differ); with `labels` (the same shape), each labelled
/// voxel in its label's colour over the volume.
pub(crate) fn axial_slices(part: &Part, volume: &[u8], labels: Option<&[u8]>, tile: usize) -> Vec<u8> {
    let &[n0, n1, n2] = part.dims.sizes() else { return vec![0; 3 * tile * tile] };
    let (side, half) = (n0.min(n1), tile / 2);
    let mut out = vec![0u8; 3 * tile * tile];
    for m in 0..4 {
        let z = (2 * m + 1) * n2 / 8;
        let slice = |v: &[u8]| -> Vec<u8> {
            (0..side).flat_map(|i| (0..side).map(move |j| v[(i * n1 + j) * n2 + z])).collect()
        };
        let grey = slice(volume);
        let rgb = match labels {
            Some(labels) => overlay(&grey, &slice(labels)),
            None => grey.iter().flat_map(|&g| [g; 3]).collect(),
        };
        let small = shrink(&rgb, side, 3, half);
        let (x, y) = (m % 2 * half, m / 2 * half);
        for (r, row) in small.chunks_exact(3 * half).enumerate() {
            let at = 3 * ((y + r) * tile + x);
            out[at..at + row.len()].copy_from_slice(row);
        }
    }
    out
}

/// Little-endian f32 x, y, z points seen along a direction rotated 30° about the y axis from z,
/// scaled to fit a `tile × tile` black tile (the same scale on both axes), y up.
pub(crate) fn projection(points: &[u8], tile: usize) -> Vec<u8> {
    let (cos, sin) = (0.866_025_4_f32, 0.5_f32);
    let projected: Vec<(f32, f32)> = points
        .chunks_exact(12)
        .map(|p| {
            let v = |i: usize| f32::from_le_bytes([p[i], p[i + 1], p[i + 2], p[i + 3]]);
            (v(0) * cos + v(8) * sin, v(4))
        })
        .filter(|(u, v)| u.is_finite() && v.is_finite())
        .collect();
    let mut out = vec![0u8; 3 * tile * tile];
    let bounds = projected.iter().fold([f32::MAX, f32::MIN, f32::MAX, f32::MIN], |b, &(u, v)| {
        [b[0].min(u), b[1].max(u), b[2].min(v), b[3].max(v)]
    });
    let extent = (bounds[1] - bounds[0]).max(bounds[3] - bounds[2]).max(f32::MIN_POSITIVE);
    let usable = (tile - 4) as f32;
    for (u, v) in projected {
        let x = 2.0 + (u - bounds[0]) / extent * usable;
        let y = 2.0 + (bounds[3] - v) / extent * usable;
        let at = 3 * (y as usize * tile + x as usize);
        out[at..at + 3].copy_from_slice(&[255; 3]);
    }
    out
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

    #[test]
    fn shrinking_averages_and_keeps_colour() {
        let grey = [0, 255, 255, 0];
        assert_eq!(shrink(&grey, 2, 1, 1), [127; 3]);
        assert_eq!(shrink(&grey, 2, 1, 4)[..6], [0, 0, 0, 0, 0, 0]);
        let rgb = [10, 20, 30, 10, 20, 30, 10, 20, 30, 10, 20, 30];
        assert_eq!(shrink(&rgb, 2, 3, 1), [10, 20, 30]);
    }

    #[test]
    fn overlays_colour_labelled_pixels_only() {
        assert_eq!(overlay(&[9, 200], &[0, 0]), [9, 9, 9, 200, 200, 200]);
        let coloured = overlay(&[9, 200], &[3, 0]);
        assert_eq!((&coloured[..3], &coloured[3..]), (&label_colour(3)[..], &[200; 3][..]));
        let colours: std::collections::HashSet<[u8; 3]> = (1..=254).map(label_colour).collect();
        assert!(colours.len() > 200, "{}", colours.len());
        assert_ne!(label_colour(1), label_colour(2));
    }

    #[test]
    fn axial_slices_show_four_depths_and_colour_labels() {
        use fdsl_dataset::{Dims, Element, Role};
        let part =
            Part { name: "volume", role: Role::Volume, element: Element::U8, dims: Dims::fixed(&[2, 2, 8]) };
        // Voxel [i][j][k] = 10 k: slices at k = 1, 3, 5, 7.
        let volume: Vec<u8> = (0..32).map(|n| (n % 8 * 10) as u8).collect();
        let tile = axial_slices(&part, &volume, None, 4);
        let pixel = |t: &[u8], x: usize, y: usize| t[3 * (y * 4 + x)..3 * (y * 4 + x) + 3].to_vec();
        assert_eq!(
            [pixel(&tile, 0, 0), pixel(&tile, 2, 0), pixel(&tile, 0, 2), pixel(&tile, 3, 3)],
            [vec![10; 3], vec![30; 3], vec![50; 3], vec![70; 3]]
        );
        let labels: Vec<u8> = (0..32).map(|n| u8::from(n % 8 == 1)).collect();
        let tile = axial_slices(&part, &volume, Some(&labels), 4);
        assert_eq!((pixel(&tile, 0, 0), pixel(&tile, 2, 0)), (label_colour(1).to_vec(), vec![30; 3]));
    }

    #[test]
    fn projections_fit_the_tile_and_skip_non_finite_points() {
        let points: Vec<u8> = [[-1.0f32, -1.0, 0.0], [1.0, 1.0, 0.0], [f32::NAN, 0.0, 0.0], [1e30, 0.0, 0.0]]
            .iter()
            .flatten()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let tile = projection(&points, 16);
        assert_eq!(tile.len(), 3 * 16 * 16);
        assert!(tile.contains(&255));
        assert!(projection(&[], 16).iter().all(|&v| v == 0));
    }
}
