//! Dead leaves: the radius table against NumPy's, golden hashes of images of each shape model,
//! coverage, and no panic over the parameter space.

mod common;

use common::{hex, render};
use fdsl_core::families::dead_leaves::{DeadLeaves, MAX_LEAVES, MAX_SIDE, RadiusLaw, ShapeModel};
use fdsl_core::family::{Family, Held, Workspace};
use proptest::prelude::*;

fn le(values: &[f64]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

#[test]
fn the_radius_table_is_numpys() {
    // SHA-256 of `np.linspace(0.03, 1, 200)` and of `cumsum(1/r**3 - 1) / max` (NumPy 2.4.6), as
    // little-endian f64.
    let law = RadiusLaw::new();
    assert_eq!(hex(&le(&law.radii)), "7d9d431e5e2d33add8ddeb1e10f0ecb3fb18e5d89ca5641450edcdad8f996fe9");
    assert_eq!(hex(&le(&law.cdf)), "62dec5e181daf509cc2f4480584ac7a8dcfcff28b09272648c136214540f6c45");
}

#[test]
fn images_are_pinned() {
    let expected = [
        (
            ShapeModel::Squares,
            [
                "cb2f6025ffcb891982e7959c7c151e0770bb58594cf6f6526416b57e72fc12c9",
                "a24f948b1455318e5a89ef65d063409333041b0c44da3b09cad1d835b36e23ad",
            ],
        ),
        (
            ShapeModel::Oriented,
            [
                "2ab794cf9f78132da0dddaa37a8ea10a298241e46ecb97eacfa28b21a63bba22",
                "e4469898cb51257686bca3c2d0602ff4e73afaa6b202d445bc45f9e92529aa95",
            ],
        ),
        (
            ShapeModel::Mixed,
            [
                "7b23ee3a9c9893564e9ababa0f3b683b24426a5dfe6b0c3dc19671bc2753ff51",
                "aee741e91b4812483957169c82e370a96fd04cb82e03742e26f2ef1ee88d82db",
            ],
        ),
    ];
    for (model, hashes) in expected {
        let family = DeadLeaves::new(model, 128, 0).unwrap();
        for (instance, hash) in [0u64, 104_999].into_iter().zip(hashes) {
            assert_eq!(hex(&render(&family, 0, instance).unwrap()), hash, "{model:?} {instance}");
        }
    }
}

#[test]
fn images_are_covered_unless_the_cap_is_hit() {
    for model in [ShapeModel::Squares, ShapeModel::Oriented, ShapeModel::Mixed] {
        let family = DeadLeaves::new(model, 64, 3).unwrap();
        let mut image = vec![0u8; 64 * 64 * 3];
        for instance in 0..20 {
            let mut leaves = 0;
            let painted = family.paint_image(instance, &mut image, |_| leaves += 1).unwrap();
            assert_eq!(painted, leaves);
            let black = image.chunks_exact(3).filter(|p| *p == [0, 0, 0]).count();
            assert!(painted <= MAX_LEAVES && (black == 0 || painted == MAX_LEAVES), "{model:?} {instance}");
            assert_eq!(image, render(&family, 0, instance).unwrap());
        }
    }
}

#[test]
fn bad_settings_are_errors() {
    assert!(DeadLeaves::new(ShapeModel::Mixed, 0, 0).is_err());
    assert!(DeadLeaves::new(ShapeModel::Mixed, MAX_SIDE + 1, 0).is_err());
    let family = DeadLeaves::new(ShapeModel::Mixed, 8, 0).unwrap();
    let mut held = Held::default();
    let mut ws = Workspace::new(&mut [], &mut held);
    assert!(family.render(1, 0, &mut ws, &mut [0u8; 192]).is_err());
    assert!(family.render(0, 0, &mut ws, &mut [0u8; 191]).is_err());
}

fn model() -> impl Strategy<Value = ShapeModel> {
    prop_oneof![Just(ShapeModel::Squares), Just(ShapeModel::Oriented), Just(ShapeModel::Mixed)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn any_image_renders_deterministically(model in model(), side in 1usize..48, seed: u64, instance: u64) {
        let family = DeadLeaves::new(model, side, seed).unwrap();
        let image = render(&family, 0, instance).unwrap();
        prop_assert_eq!(image.len(), side * side * 3);
        prop_assert_eq!(&image, &render(&family, 0, instance).unwrap());
    }
}
