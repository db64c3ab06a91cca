//! The on-chip scheme's CPU form (`fdsl_core::families::fractaldb::latest_first`) gives the published FractalDB-1k
//! canvases exactly: official categories, 362 px, 200,000 points, patch and point mode, for the
//! tilings and chunk sizes a GPU block uses.

use fdsl_core::Canvas;
use fdsl_core::families::fractaldb::latest_first::{Planes, Tile, paint_patches, paint_points, rejections};
use fdsl_core::families::fractaldb::weights::instance_weights;
use fdsl_core::families::fractaldb::{Draw, FRACTALDB_1K, Recipe, paint, patch_key, trace};
use fdsl_dataset::families::fractaldb::official_categories as fractaldb_1k;

#[test]
fn official_categories_at_the_published_recipe() {
    let categories = fractaldb_1k(1000).unwrap();
    let weights = instance_weights(0.4);
    let side = 362u32;
    let mut positions = vec![0u32; FRACTALDB_1K.points as usize];
    let mut rejected = vec![0u64; 4096];
    // (class, weight, count, bands, chunk): spread over the categories, weights and counts.
    let cases = [(0, 0, 0, 1, 32), (1, 12, 9, 32, 32), (517, 24, 3, 7, 1000), (999, 5, 5, 64, 1)];
    for (class, weight, count, bands, chunk) in cases {
        for draw in [Draw::Patch, Draw::Point] {
            let recipe = Recipe { draw, ..FRACTALDB_1K };
            let ifs = categories[class].params.scaled(&weights[weight]);
            let n = trace(&ifs, 0, class as u64, weight, &recipe, &mut positions).unwrap();
            let positions = &positions[..n];
            let mut expected = vec![0u8; (side * side) as usize];
            let mut canvas = Canvas::new(&mut expected, side as usize, side as usize).unwrap();
            paint(&mut canvas, positions, draw, 0, class as u64, weight, count);
            let stream = patch_key(0, class as u64, weight, count).rng();
            let r = rejections(&stream, n as u64, &mut rejected).unwrap();
            let mut pixels = vec![0u8; expected.len()];
            for k in 0..bands {
                let tile = Tile::band(side, side, k, bands);
                let (mut d, mut v) = (vec![0u32; tile.plane_len()], vec![0u32; tile.plane_len()]);
                let mut planes = Planes::new(tile, &mut d, &mut v).unwrap();
                match draw {
                    Draw::Patch => {
                        paint_patches(&mut planes, positions, 0, &stream, &rejected[..r], &mut vec![0; chunk])
                    }
                    Draw::Point => paint_points(&mut planes, positions),
                }
                let start = (tile.top * side) as usize;
                planes.write_bytes(&mut pixels[start..start + tile.byte_len()]).unwrap();
            }
            assert!(pixels == expected, "class {class} weight {weight} count {count} {draw:?}");
            assert!(n == 200_000 && r > 200, "{n} points, {r} rejected draws");
        }
    }
}
