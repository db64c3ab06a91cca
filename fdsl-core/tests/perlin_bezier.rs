//! Perlin noise and Bezier curve images (fdsl's reconstructions): golden hashes, the grid, what the
//! images look like in numbers, and no panic or unchecked value over the parameter space.

mod common;

use common::{any_f64, hex, render};
use fdsl_core::families::bezier::{Bezier, BezierCategory, BezierError, Curve, MAX_CURVES, draw_curve};
use fdsl_core::families::drawn::category_key;
use fdsl_core::families::perlin_images::{PerlinCategory, PerlinError, PerlinNoise, grid_category};
use fdsl_core::math::perlin::{Noise2, pnoise2};
use proptest::prelude::*;

fn perlin_grid(n: u32) -> Vec<PerlinCategory> {
    (0..u64::from(n * n)).map(|c| grid_category(n, c).unwrap()).collect()
}

fn templates(seed: u64, n: u64) -> Vec<BezierCategory> {
    (0..n).map(|c| BezierCategory::sample(&mut category_key::<BezierCategory>(seed, c).rng())).collect()
}

#[test]
fn the_grid_spans_frequency_and_persistence() {
    let first = grid_category(10, 0).unwrap();
    let last = grid_category(10, 99).unwrap();
    assert_eq!((first.frequency, first.persistence, first.octaves, first.lacunarity), (1.0, 0.25, 4, 2.0));
    assert!((last.frequency - 8.0).abs() < 1e-12 && (last.persistence - 0.85).abs() < 1e-12);
    assert_eq!(grid_category(10, 100), None);
    assert_eq!(grid_category(0, 0), None);
    let row = grid_category(36, 36).unwrap();
    assert!((row.frequency - libm::pow(8.0, 1.0 / 35.0)).abs() < 1e-12 && row.persistence == 0.25);
    assert!(perlin_grid(36).iter().all(|c| c.check().is_ok()));
}

#[test]
fn perlin_images_are_pinned_and_stretched() {
    let family = PerlinNoise::new(perlin_grid(10), 64, 0).unwrap();
    let expected = [
        (0, 0, "94fe2546e3c13c7c9355e369bd385727a284cd05da6be605accdd924a5dbfe75"),
        (55, 7, "dd2d0f13287e8bc6921f0cda5bf21b230537c98d05553ef870a795bc81c6af6e"),
        (99, 999, "b0af5a8eaab1eda7e7b12c92f7c432ccadfff55a226c37a4fc88b7f2346ccc54"),
    ];
    for (class, instance, hash) in expected {
        let image = render(&family, class, instance).unwrap();
        assert_eq!((image.iter().min(), image.iter().max()), (Some(&0), Some(&255)));
        assert_eq!(hex(&image), hash, "class {class} instance {instance}");
    }
    assert_ne!(render(&family, 3, 1).unwrap(), render(&family, 3, 2).unwrap());
}

#[test]
fn the_reference_table_is_pnoise2() {
    let noise = Noise2::REFERENCE;
    for (x, y) in [(0.3, 0.7), (-12.25, 400.5), (1500.5, -1200.25)] {
        assert_eq!(noise.fractal(x, y, 4, 0.5, 2.0), pnoise2(x, y, 4, 0.5, 2.0));
    }
}

#[test]
fn bezier_images_are_pinned() {
    let family = Bezier::new(templates(0, 4), 64, 0).unwrap();
    let expected = [
        (0, 0, "2525d9eadf0aa53e2af2bc6bd051db20cc36693cd80030368bab8b745432dc5b"),
        (2, 7, "e0d5ed109887768601025ee141c8ebca9d6a4670f048ef7f1224a647a3a8a259"),
        (3, 999, "0571610c4e02296b5ff09d4d0c2913710f2fbf84ac47c6907c0c14c2bedf15b6"),
    ];
    for (class, instance, hash) in expected {
        let image = render(&family, class, instance).unwrap();
        assert!(image.iter().any(|&v| v >= 128) && image.iter().all(|&v| v == 0 || v >= 128));
        assert_eq!(hex(&image), hash, "class {class} instance {instance}");
    }
    assert_ne!(render(&family, 1, 1).unwrap(), render(&family, 1, 2).unwrap());
}

#[test]
fn templates_follow_their_laws() {
    let cats = templates(1, 4000);
    let counts = cats.iter().fold([0u32; MAX_CURVES + 1], |mut n, c| {
        n[usize::from(c.count)] += 1;
        n
    });
    assert!(counts[0] == 0 && counts[1..].iter().all(|&n| (400..600).contains(&n)), "{counts:?}");
    let curves: Vec<&Curve> = cats.iter().flat_map(BezierCategory::used).collect();
    let cubic = curves.iter().filter(|c| c.degree == 3).count() as f64 / curves.len() as f64;
    assert!((cubic - 0.5).abs() < 0.02, "{cubic}");
    assert!(
        curves
            .iter()
            .flat_map(|c| c.control())
            .all(|&(x, y)| (0.0..1.0).contains(&x) && (0.0..1.0).contains(&y))
    );
}

#[test]
fn a_wide_curve_is_a_thick_line() {
    // A straight quadratic along y = 10.5 from x = 2 to 30, 4 px wide: rows 9 to 11 (centres
    // within 2 of the line... 8.5 to 12.5 inclusive of the edges), columns 0 to 31 at most.
    let mut image = [0u8; 32 * 32];
    draw_curve(&[(2.0, 10.5), (16.0, 10.5), (30.0, 10.5)], 4.0, 200, 32, &mut image);
    for y in 0..32 {
        let row = &image[y * 32..(y + 1) * 32];
        let lit = row.iter().filter(|&&v| v == 200).count();
        match y {
            9..=11 => assert_eq!(lit, 32, "row {y}"), // 0 to 31: centres within 2 of the segment's ends too
            8 | 12 => assert!(lit > 20, "row {y}: {lit}"),
            _ => assert_eq!(lit, 0, "row {y}"),
        }
    }
    // Off the canvas, NaN, infinite: nothing drawn, no panic.
    let mut none = [0u8; 16];
    draw_curve(&[(-100.0, -100.0), (-50.0, 1e300), (f64::INFINITY, 3.0)], 3.0, 255, 4, &mut none);
    draw_curve(&[(-100.0, -100.0), (-50.0, -80.0), (-60.0, -90.0)], f64::NAN, 255, 4, &mut none);
    assert_eq!(none, [0; 16]);
}

#[test]
fn bad_values_are_refused() {
    let good = grid_category(10, 5).unwrap();
    for bad in [
        PerlinCategory { frequency: f64::NAN, ..good },
        PerlinCategory { frequency: 0.0, ..good },
        PerlinCategory { frequency: f64::INFINITY, ..good },
    ] {
        assert_eq!(bad.check(), Err(PerlinError::Frequency));
    }
    assert_eq!(PerlinCategory { persistence: 1.5, ..good }.check(), Err(PerlinError::Persistence));
    assert_eq!(PerlinCategory { octaves: 0, ..good }.check(), Err(PerlinError::Octaves));
    assert_eq!(PerlinCategory { lacunarity: f64::NAN, ..good }.check(), Err(PerlinError::Lacunarity));
    assert!(PerlinNoise::new([good], 0, 0).is_err());
    let t = templates(0, 1)[0];
    assert_eq!(BezierCategory { count: 0, ..t }.check(), Err(BezierError::Count));
    assert_eq!(BezierCategory { count: 9, ..t }.check(), Err(BezierError::Count));
    let mut curves = t.curves;
    curves[0].degree = 4;
    assert_eq!(BezierCategory { curves, ..t }.check(), Err(BezierError::Degree));
    curves[0].degree = 2;
    curves[0].points[1].0 = f64::NAN;
    assert_eq!(BezierCategory { curves, ..t }.check(), Err(BezierError::Coordinate));
    assert!(Bezier::new([BezierCategory { curves, ..t }], 32, 0).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn perlin_categories_render_or_are_refused(
        frequency in any_f64(), persistence in any_f64(), octaves in 0u32..20, lacunarity in any_f64(),
        side in 1usize..24, seed: u64, instance: u64,
    ) {
        let category = PerlinCategory { frequency, persistence, octaves, lacunarity };
        let ok = frequency > 0.0 && frequency <= 256.0 && (0.0..=1.0).contains(&persistence)
            && (1..=16).contains(&octaves) && (1.0..=8.0).contains(&lacunarity);
        prop_assert_eq!(category.check().is_ok(), ok);
        if let Ok(family) = PerlinNoise::new([category], side, seed) {
            let image = render(&family, 0, instance).unwrap();
            prop_assert_eq!(&image, &render(&family, 0, instance).unwrap());
        }
    }

    #[test]
    fn pnoise2_is_a_bounded_average_over_checked_settings(
        x in -1e7..1e7f64, y in -1e7..1e7f64, octaves in 1u32..=16, persistence in 0.0..=1.0f64,
        lacunarity in 1.0..=8.0f64, table: [u8; 32],
    ) {
        // |one octave| <= 1 (corner gradients (±1, ±1) at most), and the sum is a weighted average.
        let v = pnoise2(x, y, octaves, persistence, lacunarity);
        prop_assert!(v.is_finite() && v.abs() <= 1.0 + 1e-12, "{}", v);
        let noise = Noise2::new(core::array::from_fn(|i| table[i % 32].wrapping_add(i as u8)));
        let w = noise.fractal(x, y, octaves, persistence, lacunarity);
        prop_assert!(w.is_finite() && w.abs() <= 1.0 + 1e-12, "{}", w);
    }

    #[test]
    fn bezier_categories_render_or_are_refused(
        count in 0u8..10, degree in 0u8..5, coordinates in proptest::collection::vec(any_f64(), 32),
        side in 1usize..40, seed: u64, instance: u64,
    ) {
        let mut category = BezierCategory { count, ..BezierCategory::default() };
        for (i, curve) in category.curves.iter_mut().enumerate() {
            curve.degree = degree;
            for (j, p) in curve.points.iter_mut().enumerate() {
                *p = (coordinates[(i * 4 + j) % 32], coordinates[(i * 4 + j + 7) % 32]);
            }
        }
        if let Ok(family) = Bezier::new([category], side, seed) {
            prop_assert!(category.check().is_ok());
            let image = render(&family, 0, instance).unwrap();
            prop_assert_eq!(&image, &render(&family, 0, instance).unwrap());
        } else {
            prop_assert!(category.check().is_err());
        }
    }
}
