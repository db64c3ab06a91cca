//! FractalDB's colour mode against the reference's `convert_color`, and its pinned bytes.

use fdsl_core::Ifs2;
use fdsl_core::families::fractaldb::{
    Colouring, Draw, FractalDb, HUE_PERIOD, Recipe, hue_colour, hue_palette,
};
use fdsl_core::family::{Family, Held, Workspace};
use fdsl_core::math::frame::Grid;
use sha2::{Digest, Sha256};

/// `convert_color(i, 128)` for i < 128, as the reference computes it
/// (`scripts/reference_fractaldb_colour.py --palette`).
const REFERENCE: &str = include_str!("data/fractaldb_hue_colours.txt");

#[test]
fn hue_colours_are_the_references() {
    let reference: Vec<[u8; 3]> = REFERENCE
        .lines()
        .map(|l| {
            let v: Vec<u8> = l.split(' ').map(|x| x.parse().unwrap()).collect();
            [v[0], v[1], v[2]]
        })
        .collect();
    assert_eq!(reference.len(), HUE_PERIOD);
    for i in 0..3 * HUE_PERIOD {
        assert_eq!(hue_colour(i), reference[i % HUE_PERIOD], "point {i}");
    }
    let palette = hue_palette();
    assert_eq!(palette[0], [0; 3]);
    assert!((1..=HUE_PERIOD).all(|v| palette[v] == reference[v - 1]));
    assert!(palette[HUE_PERIOD + 1..].iter().all(|&c| c == [0; 3]));
}

/// The Sierpinski triangle, drawn grey and in colour through the family.
fn samples(colouring: Colouring, draw: Draw) -> Vec<Vec<u8>> {
    let half = |e, f| (fdsl_core::Affine2::from_coefficients([0.5, 0.0, 0.0, 0.5, e, f]), 1.0 / 3.0);
    let ifs = Ifs2::new([half(0.0, 0.0), half(0.5, 0.0), half(0.25, 0.5)]).unwrap();
    let recipe = Recipe { grid: Grid::square(96), points: 20_000, draw };
    let family = FractalDb::new([ifs], 0.4, recipe, 7).unwrap().coloured(colouring);
    let mut arena = vec![0u64; family.scratch_len().words()];
    let mut held = Held::default();
    let mut ws = Workspace::new(&mut arena, &mut held);
    [0, 3, 41, 999]
        .map(|i| {
            let mut out = vec![0; family.parts().max_len(0)];
            assert_eq!(family.render(0, i, &mut ws, &mut out).unwrap(), out.len());
            out
        })
        .to_vec()
}

#[test]
fn hue_images_light_the_grey_pixels_and_are_pinned() {
    for draw in [Draw::Patch, Draw::Point] {
        let (grey, hue) = (samples(Colouring::Grey, draw), samples(Colouring::Hue, draw));
        for (g, c) in grey.iter().zip(&hue) {
            assert_eq!(c.len(), 3 * g.len());
            assert!(g.iter().zip(c.chunks_exact(3)).all(|(&v, rgb)| (v == 0) == (rgb == [0; 3])));
        }
    }
    let hashes: Vec<String> = samples(Colouring::Hue, Draw::Patch)
        .iter()
        .map(|s| Sha256::digest(s).iter().map(|b| format!("{b:02x}")).collect())
        .collect();
    assert_eq!(
        hashes,
        [
            "6f2dcd943d95b69c41963186eb74205d115ef849f733817a33a7c823ee2c5570",
            "6732dd2e20e19265d6e9306d3daa01a2fe4d4d4751d06960c4e0744e17f240a4",
            "2d38ed19974d66ed1c1cc49325e0bae980aeeac63cd2925535ab5714526aaf8c",
            "ed538a4f53e225624bbc68fd4fa6ea223027846b99033d9af10789335d75a39c",
        ]
    );
}
