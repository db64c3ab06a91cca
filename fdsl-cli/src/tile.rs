//! How a part looks in a tile of a contact sheet ([`crate::preview`]): images shrunk by averaging;
//! points as an orthographic projection (rotated 30° about the vertical axis, so depth shows), white
//! points on black; masks over their image, each labelled pixel in its label's colour; volumes as
//! four axial slices, their labels over them in colour.

use fdsl_dataset::Part;

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
