//! The latest-first bit-plane painting (`fdsl_core::families::fractaldb::latest_first`) gives exactly
//! `fractaldb::paint`'s bytes, for any canvas, points, draw mode, tiling and chunking; and the mask
//! stream's random access equals its sequential draws, across rejected draws.

use fdsl_core::families::fractaldb::latest_first::{
    PlaneError, Planes, Tile, TooManyRejections, mask_draw, masks_from, paint_patches, paint_points,
    rejections,
};
use fdsl_core::families::fractaldb::{Draw, Recipe, paint, patch_key, trace};
use fdsl_core::math::frame::Grid;
use fdsl_core::raster::canvas::{mask_of_draw, random_mask};
use fdsl_core::{Canvas, Ifs2, StreamKey};
use proptest::prelude::*;
use rand_core::Rng;

/// Which canvas the masks belong to: (seed, category, weight, count).
type Key = (u64, u64, usize, usize);

/// `fractaldb::paint`'s canvas of `positions`.
fn sequential(width: usize, height: usize, positions: &[u32], draw: Draw, key: Key) -> Vec<u8> {
    let mut pixels = vec![0u8; width * height];
    let mut canvas = Canvas::new(&mut pixels, width, height).unwrap();
    paint(&mut canvas, positions, draw, key.0, key.1, key.2, key.3);
    pixels
}

/// The rejected draws of the patch stream of `key` before mask `masks`.
fn rejected_of(key: Key, masks: usize) -> Vec<u64> {
    let mut out = vec![0u64; masks / 64 + 64];
    let n = rejections(&patch_key(key.0, key.1, key.2, key.3).rng(), masks as u64, &mut out).unwrap();
    out.truncate(n);
    out
}

/// Paint points `first .. first + positions.len()` latest first onto fresh planes of `tile`.
fn planes_of(
    tile: Tile,
    positions: &[u32],
    first: u64,
    draw: Draw,
    key: Key,
    rejected: &[u64],
    chunk: usize,
) -> (Vec<u32>, Vec<u32>) {
    let (mut decided, mut value) = (vec![7u32; tile.plane_len()], vec![9u32; tile.plane_len()]);
    let mut planes = Planes::new(tile, &mut decided, &mut value).unwrap();
    planes.clear();
    match draw {
        Draw::Point => paint_points(&mut planes, positions),
        Draw::Patch => {
            let stream = patch_key(key.0, key.1, key.2, key.3).rng();
            paint_patches(&mut planes, positions, first, &stream, rejected, &mut vec![0u16; chunk]);
        }
    }
    (decided, value)
}

/// The canvas painted latest first by `bands` row-band workers, each over every point in chunks of
/// `chunk`, their bytes concatenated.
fn by_bands(
    width: u32,
    height: u32,
    positions: &[u32],
    draw: Draw,
    key: Key,
    bands: u32,
    chunk: usize,
) -> Vec<u8> {
    let rejected = rejected_of(key, positions.len());
    let mut pixels = vec![0u8; width as usize * height as usize];
    for k in 0..bands {
        let tile = Tile::band(width, height, k, bands);
        let (mut d, mut v) = planes_of(tile, positions, 0, draw, key, &rejected, chunk);
        let planes = Planes::new(tile, &mut d, &mut v).unwrap();
        let start = tile.top as usize * width as usize;
        planes.write_bytes(&mut pixels[start..start + tile.byte_len()]).unwrap();
    }
    pixels
}

/// The canvas painted by `workers` workers over consecutive ranges of the points, each latest first
/// onto its own planes of the whole canvas, combined by laying each later range over the result.
fn by_ranges(
    width: u32,
    height: u32,
    positions: &[u32],
    draw: Draw,
    key: Key,
    workers: usize,
    chunk: usize,
) -> Vec<u8> {
    let rejected = rejected_of(key, positions.len());
    let tile = Tile::canvas(width, height);
    let size = positions.len().div_ceil(workers.max(1)).max(1);
    let (mut acc_d, mut acc_v) = (vec![0u32; tile.plane_len()], vec![0u32; tile.plane_len()]);
    let mut acc = Planes::new(tile, &mut acc_d, &mut acc_v).unwrap();
    for (r, range) in positions.chunks(size).enumerate() {
        let (mut d, mut v) = planes_of(tile, range, (r * size) as u64, draw, key, &rejected, chunk);
        acc.over(&Planes::new(tile, &mut d, &mut v).unwrap()).unwrap();
    }
    let mut pixels = vec![0u8; tile.byte_len()];
    acc.write_bytes(&mut pixels).unwrap();
    pixels
}

fn pack(x: u32, y: u32) -> u32 {
    y << 16 | x
}

fn draws() -> impl Strategy<Value = Draw> {
    prop_oneof![Just(Draw::Patch), Just(Draw::Point)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Arbitrary points (including on and past every border) on tiny to mid-sized canvases.
    #[test]
    fn any_points_any_tiling_equals_sequential_paint(
        width in 1u32..75,
        height in 1u32..75,
        raw in proptest::collection::vec((0u32..80, 0u32..80), 0..400),
        draw in draws(),
        key in (any::<u64>(), any::<u64>(), 0usize..25, 0usize..10),
        bands in 1u32..12,
        chunk in 1usize..80,
        workers in 1usize..9,
    ) {
        let positions: Vec<u32> = raw.iter().map(|&(x, y)| pack(x % (width + 3), y % (height + 3))).collect();
        let expected = sequential(width as usize, height as usize, &positions, draw, key);
        prop_assert_eq!(&by_bands(width, height, &positions, draw, key, bands, chunk), &expected);
        prop_assert_eq!(&by_ranges(width, height, &positions, draw, key, workers, chunk), &expected);
    }

    /// Traced chaos games of random FractalDB IFSs on random grids (tiny pads for tiny canvases).
    #[test]
    fn traced_fractals_equal_sequential_paint(
        ifs_seed in any::<u64>(),
        width in 3u32..140,
        height in 3u32..140,
        points in 1u32..6000,
        draw in draws(),
        key in (any::<u64>(), any::<u64>(), 0usize..25, 0usize..10),
        bands in 1u32..40,
        chunk in 1usize..300,
        workers in 1usize..6,
    ) {
        let ifs = Ifs2::sample(&mut StreamKey {
            seed: ifs_seed,
            namespace: fdsl_core::Namespace::FractalSearch,
            category: 0,
            instance: 0,
            purpose: fdsl_core::Purpose::Parameters,
        }.rng(), &fdsl_core::Sampling::FRACTALDB);
        let pad = (width.min(height) - 1) / 2 % 7;
        let recipe = Recipe { grid: Grid { width, height, pad }, points, draw };
        let mut positions = vec![0u32; points as usize];
        let n = trace(&ifs, key.0, key.1, key.2, &recipe, &mut positions).unwrap();
        let positions = &positions[..n];
        let expected = sequential(width as usize, height as usize, positions, draw, key);
        prop_assert_eq!(&by_bands(width, height, positions, draw, key, bands, chunk), &expected);
        prop_assert_eq!(&by_ranges(width, height, positions, draw, key, workers, chunk), &expected);
    }

    /// Mask `i` by random access is the `i`-th mask drawn in sequence.
    #[test]
    fn random_access_equals_sequential_masks(key in (any::<u64>(), any::<u64>(), 0usize..25, 0usize..10), i in 0usize..3000) {
        let stream = patch_key(key.0, key.1, key.2, key.3).rng();
        let rejected = rejected_of(key, 3000);
        let mut seq = stream.clone();
        let masks: Vec<u16> = (0..3000).map(|_| random_mask(&mut seq)).collect();
        prop_assert_eq!(random_mask(&mut masks_from(&stream, i as u64, &rejected)), masks[i]);
    }
}

/// Every mask around every rejected draw of a long stream, by random access.
#[test]
fn random_access_across_rejections() {
    let key = (3, 1, 4, 1);
    let stream = patch_key(key.0, key.1, key.2, key.3).rng();
    let masks = 20_000;
    let rejected = rejected_of(key, masks);
    assert!(rejected.len() >= 20, "{} rejections", rejected.len());
    // The list is exactly the zero-mask draws of the stream.
    let mut rng = stream.clone();
    let zeros: Vec<u64> =
        (0..masks as u64 + rejected.len() as u64).filter(|_| mask_of_draw(rng.next_u32()) == 0).collect();
    assert_eq!(zeros, rejected);
    let mut seq = stream.clone();
    let sequence: Vec<u16> = (0..masks).map(|_| random_mask(&mut seq)).collect();
    for (k, &d) in rejected.iter().enumerate() {
        // Mask `d − k` is the first accepted draw after rejected draw `d`.
        let i = d - k as u64;
        for j in i.saturating_sub(2)..(i + 2).min(masks as u64) {
            assert_eq!(random_mask(&mut masks_from(&stream, j, &rejected)), sequence[j as usize], "mask {j}");
        }
        assert!(mask_draw(i, &rejected) > d);
    }
    // Two rejections in a row are found and skipped too (a stream that has them).
    let consecutive = (0..2000u64)
        .map(|c| (c, rejected_of((0, c, 0, 0), 20_000)))
        .find(|(_, r)| r.windows(2).any(|w| w[1] == w[0] + 1))
        .expect("a stream with two consecutive rejected draws");
    let stream = patch_key(0, consecutive.0, 0, 0).rng();
    let mut seq = stream.clone();
    for i in 0..20_000u64 {
        let m = random_mask(&mut seq);
        if i % 97 == 0 || consecutive.1.iter().enumerate().any(|(k, &d)| (d - k as u64).abs_diff(i) <= 1) {
            assert_eq!(random_mask(&mut masks_from(&stream, i, &consecutive.1)), m, "mask {i}");
        }
    }
}

#[test]
fn rejection_lists_that_do_not_fit_are_errors() {
    let stream = patch_key(3, 1, 4, 1).rng();
    let all = rejected_of((3, 1, 4, 1), 20_000);
    let mut short = vec![0u64; all.len() - 1];
    assert_eq!(rejections(&stream, 20_000, &mut short), Err(TooManyRejections { capacity: all.len() - 1 }));
    assert_eq!(rejections(&stream, 0, &mut []), Ok(0));
}

#[test]
fn planes_check_their_buffers() {
    let tile = Tile { width: 33, height: 4, top: 1, rows: 2 };
    assert_eq!(tile.words_per_row(), 2);
    assert_eq!(tile.plane_len(), 4);
    let (mut d, mut v) = ([0u32; 4], [0u32; 4]);
    assert!(Planes::new(tile, &mut d, &mut v).is_ok());
    assert_eq!(Planes::new(tile, &mut d[..3], &mut v).unwrap_err(), PlaneError::Size(4));
    let outside = Tile { top: 3, ..tile };
    assert_eq!(Planes::new(outside, &mut d, &mut v).unwrap_err(), PlaneError::Tile);
    let mut planes = Planes::new(tile, &mut d, &mut v).unwrap();
    assert_eq!(planes.write_bytes(&mut [0u8; 65]), Err(PlaneError::Size(66)));
    let (mut d2, mut v2) = ([0u32; 2], [0u32; 2]);
    let other = Planes::new(Tile { rows: 1, ..tile }, &mut d2, &mut v2).unwrap();
    assert_eq!(planes.over(&other), Err(PlaneError::Mismatch));
    // Bands cover the canvas once, in order; past the last (or with no bands) they are empty.
    let mut next = 0;
    for k in 0..7 {
        let band = Tile::band(10, 362, k, 7);
        assert_eq!(band.top, next);
        next += band.rows;
    }
    assert_eq!(next, 362);
    assert_eq!(Tile::band(10, 362, 7, 7).rows, 0);
    assert_eq!(Tile::band(10, 362, 0, 0).rows, 0);
    assert_eq!(Tile::band(10, 3, 1, 8).rows, 0);
}

/// A patch straddling a word boundary and the right border, and a later patch over it.
#[test]
fn patches_across_words_and_borders() {
    for (width, x) in [(64, 29), (64, 30), (64, 31), (35, 32), (35, 33), (35, 34), (34, 32)] {
        let positions = [pack(x, 0), pack(x - 1, 1), pack(x + 1, 0)];
        let key = (1, 2, 3, 4);
        let expected = sequential(width as usize, 5, &positions, Draw::Patch, key);
        assert_eq!(by_bands(width, 5, &positions, Draw::Patch, key, 2, 2), expected, "{width} {x}");
    }
}
