//! SegRCDB: the reference's own image and masks replayed with its draws, golden hashes, the
//! category laws, what images and masks are in numbers, and refusals as values, never a panic.

mod common;

use common::{any_f64, hex, rows};
use fdsl_core::Canvas;
use fdsl_core::families::segrcdb::{
    INSTANCES, MaskMode, Polygon, REFERENCE_RANGES, SIDE, SegRcdb, SegRcdbCategory, SegRcdbError,
    category_key, draw_image,
};
use fdsl_core::math::perlin::pnoise1_f32;
use fdsl_core::raster::pil_polygon::fill_polygon;
use proptest::prelude::*;

/// The reference's own script run with recorded draws (`scripts/reference_segrcdb.py replay`).
const REPLAY: &str = include_str!("data/segrcdb_replay.txt");

/// A generator that hands out the reference's draws: `randint` results as the 32-bit value fdsl's
/// `below(n)` maps to them (the largest `r` with `⌊r·n / 2³²⌋ = v`, never rejected), `uniform`
/// doubles `k / 2⁵³` as `k << 11`.
struct Replay {
    values: Vec<u64>,
    at: usize,
}

impl Replay {
    fn new() -> Self {
        let values = rows(REPLAY, "draws")
            .next()
            .unwrap()
            .iter()
            .map(|d| {
                let parts: Vec<u64> = d[2..].split(':').map(|x| x.parse().unwrap()).collect();
                match &d[..1] {
                    "i" => (((parts[0] + 1) << 32) - 1) / parts[1],
                    _ => parts[0] << 11,
                }
            })
            .collect();
        Self { values, at: 0 }
    }

    fn next(&mut self) -> u64 {
        self.at += 1;
        *self.values.get(self.at - 1).expect("the replay ran out: a draw more than the reference")
    }
}

impl rand_core::TryRng for Replay {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(self.next() as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(self.next())
    }
    fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), Self::Error> {
        unreachable!("SegRCDB draws no bytes")
    }
}

#[test]
fn the_reference_image_and_masks_with_its_draws() {
    let categories: Vec<SegRcdbCategory> = rows(REPLAY, "category")
        .map(|v| SegRcdbCategory {
            vertices: v[0].parse().unwrap(),
            contours: v[1].parse().unwrap(),
            perlin_coefficient: v[2].parse().unwrap(),
            line_width: v[3].parse().unwrap(),
            radius: v[4].parse().unwrap(),
            oval: (v[5].parse().unwrap(), v[6].parse().unwrap()),
        })
        .collect();
    let image_hash = rows(REPLAY, "image_sha256").next().unwrap()[0];
    let mut polygon = Box::<Polygon>::default();
    for (mode, name) in [(MaskMode::Lines, "M1"), (MaskMode::Rings, "M2"), (MaskMode::Filled, "M3")] {
        let (mut image, mut mask) = (vec![0u8; SIDE * SIDE], vec![0u8; SIDE * SIDE]);
        let mut rng = Replay::new();
        draw_image(
            &mut rng,
            &categories,
            8,
            mode,
            &mut Canvas::new(&mut image, SIDE, SIDE).unwrap(),
            &mut Canvas::new(&mut mask, SIDE, SIDE).unwrap(),
            &mut polygon,
        );
        assert_eq!(rng.at, rng.values.len(), "{name}: fewer draws than the reference");
        assert_eq!(hex(&image), image_hash, "{name}: image");
        let mask_hash = rows(REPLAY, "mask_sha256").find(|v| v[0] == name).unwrap()[1];
        assert_eq!(hex(&mask), mask_hash, "{name}: mask");
    }
}

/// Polygons Pillow 9.0.0 filled (`scripts/pil_polygons.py`; 38 of these 300 fill differently in
/// Pillow 13).
#[test]
fn polygons_fill_as_pil_9_0_0() {
    let (w, h) = (40, 30);
    let mut scratch = vec![0f32; 64];
    for (k, line) in include_str!("data/pil_polygons.txt").lines().filter(|l| !l.starts_with('#')).enumerate()
    {
        let f: Vec<&str> = line.split_whitespace().collect();
        let n: usize = f[0].parse().unwrap();
        let v: Vec<(f64, f64)> =
            (0..n).map(|i| (f[1 + 2 * i].parse().unwrap(), f[2 + 2 * i].parse().unwrap())).collect();
        let mut expected = vec![0u8; w * h];
        for run in &f[2 + 2 * n..] {
            let (start, len) = run.split_once(':').unwrap();
            let start: usize = start.parse().unwrap();
            expected[start..start + len.parse::<usize>().unwrap()].fill(1);
        }
        let mut got = vec![0u8; w * h];
        assert!(fill_polygon(&v, 1, &mut got, w, h, &mut scratch));
        assert_eq!(got, expected, "polygon {k}: {v:?}");
    }
}

fn categories(seed: u64, n: u64) -> Vec<SegRcdbCategory> {
    (0..n).map(|c| SegRcdbCategory::sample(&mut category_key(seed, c).rng(), &REFERENCE_RANGES)).collect()
}

fn render(family: &SegRcdb<Vec<SegRcdbCategory>>, index: u64) -> (Vec<u8>, Vec<u8>) {
    let side = family.side();
    let (mut image, mut mask) = (vec![0u8; side * side], vec![0u8; side * side]);
    family.render_pair(index, &mut image, &mut mask, &mut Polygon::default()).unwrap();
    (image, mask)
}

#[test]
fn golden_images_and_masks() {
    let mut got = Vec::new();
    for mode in [MaskMode::Lines, MaskMode::Rings, MaskMode::Filled] {
        let family = SegRcdb::new(categories(0, 254), SIDE, INSTANCES, mode, 0).unwrap();
        let (image, mask) = render(&family, 3);
        got.push((hex(&image), hex(&mask)));
    }
    let image = "e25583d7122b11ee78d6152bb9a22e16eea224e7def74f8e075649a75c0df8e7";
    assert!(got.iter().all(|g| g.0 == image), "the image does not depend on the mask mode");
    assert_eq!(
        [&got[0].1, &got[1].1, &got[2].1],
        [
            "97a76d2361ce0ccfd4217efd65468eaaac17271a7652713bf839499ba24eee70",
            "93a06b2989c2d0b3de645447b12f762cc721445dfe7ff39bac9686bd9f559a10",
            "793a5cdf38c1e132a847b5a6fd5e531a4d74b9e3e1d90069f2fe9387a5695a7c",
        ]
    );
}

#[test]
fn categories_follow_the_reference_laws() {
    let cats = categories(5, 20_000);
    let n = cats.len() as f64;
    let mean = |f: &dyn Fn(&SegRcdbCategory) -> f64| cats.iter().map(f).sum::<f64>() / n;
    assert!(cats.iter().all(|c| c.check().is_ok()));
    assert!(cats.iter().all(|c| (3..=500).contains(&c.vertices) && (1..=50).contains(&c.contours)));
    assert!(
        cats.iter()
            .all(|c| c.radius <= 50 && (1.0..2.0).contains(&c.oval.0) && (1.0..2.0).contains(&c.oval.1))
    );
    assert!(
        cats.iter().all(|c| (0.0..4.0).contains(&c.perlin_coefficient) && (0.0..0.1).contains(&c.line_width))
    );
    // ⌊Exp(mean 100)⌋ restricted to 3..=500.
    let (mut num, mut den) = (0.0, 0.0);
    for v in 3..=500 {
        let p = libm::exp(-f64::from(v) / 100.0) - libm::exp(-f64::from(v + 1) / 100.0);
        num += f64::from(v) * p;
        den += p;
    }
    let got = mean(&|c| f64::from(c.vertices));
    assert!((got - num / den).abs() < 1.5, "mean V {got}, expected {}", num / den);
    assert!((mean(&|c| f64::from(c.contours)) - 25.5).abs() < 0.3);
    assert!((mean(&|c| f64::from(c.radius)) - 25.0).abs() < 0.3);
    assert!((mean(&|c| c.perlin_coefficient) - 2.0).abs() < 0.03);
    assert!((mean(&|c| c.oval.1) - 1.5).abs() < 0.01);
}

#[test]
fn images_and_masks_in_numbers() {
    let family = SegRcdb::new(categories(1, 254), SIDE, INSTANCES, MaskMode::Lines, 1).unwrap();
    let (image, mask) = render(&family, 0);
    // Same index, same bytes, whatever was rendered before; another index, another image.
    let _ = render(&family, 7);
    assert_eq!(render(&family, 0), (image.clone(), mask.clone()));
    assert_ne!(render(&family, 1).1, mask);
    let labels: std::collections::BTreeSet<u8> = mask.iter().copied().collect();
    assert!(labels.iter().all(|&l| l <= 254) && labels.len() > 5 && labels.len() <= 33, "{labels:?}");
    // Lines mode: labels only where a contour passed, so where the image is lit unless its grey was 0.
    let lit = image.iter().filter(|&&v| v != 0).count();
    let labelled = mask.iter().filter(|&&v| v != 0).count();
    let both = image.iter().zip(&mask).filter(|(i, m)| **i != 0 && **m != 0).count();
    assert!(lit > 10_000 && labelled >= lit && both == lit, "{lit} {labelled} {both}");
    // Filled masks cover more than lines.
    let filled = SegRcdb::new(categories(1, 254), SIDE, INSTANCES, MaskMode::Filled, 1).unwrap();
    let (image2, mask2) = render(&filled, 0);
    assert_eq!(image2, image);
    assert!(mask2.iter().filter(|&&v| v != 0).count() > labelled);
}

#[test]
fn refusals() {
    let good = categories(0, 3);
    let make =
        |cats: Vec<SegRcdbCategory>| SegRcdb::new(cats, SIDE, INSTANCES, MaskMode::Lines, 0).map(|_| ());
    assert_eq!(make(vec![]), Err(SegRcdbError::Classes));
    assert_eq!(make(categories(0, 255)), Err(SegRcdbError::Classes));
    assert_eq!(make(categories(0, 254)), Ok(()));
    let with = |f: &dyn Fn(&mut SegRcdbCategory)| {
        let mut cats = good.clone();
        f(&mut cats[1]);
        make(cats)
    };
    assert_eq!(with(&|c| c.vertices = 2), Err(SegRcdbError::Vertices));
    assert_eq!(with(&|c| c.vertices = 1025), Err(SegRcdbError::Vertices));
    assert_eq!(with(&|c| c.contours = 0), Err(SegRcdbError::Contours));
    assert_eq!(with(&|c| c.perlin_coefficient = f64::NAN), Err(SegRcdbError::NotFinite));
    assert_eq!(with(&|c| c.oval.1 = f64::INFINITY), Err(SegRcdbError::NotFinite));
    assert_eq!(with(&|c| c.line_width = -101.0), Err(SegRcdbError::Offset));
    assert_eq!(with(&|c| c.radius = 100_001), Err(SegRcdbError::Radius));
    assert_eq!(SegRcdb::new(good.clone(), 0, 32, MaskMode::Lines, 0).map(|_| ()), Err(SegRcdbError::Side));
    assert_eq!(
        SegRcdb::new(good.clone(), 64, 0, MaskMode::Lines, 0).map(|_| ()),
        Err(SegRcdbError::Instances)
    );
    let family = SegRcdb::new(good, 64, 4, MaskMode::Rings, 0).unwrap();
    let mut polygon = Polygon::default();
    assert_eq!(
        family.render_pair(0, &mut [0; 64 * 64], &mut [0; 10], &mut polygon),
        Err(SegRcdbError::Buffer)
    );
    assert_eq!(
        family.render_pair(0, &mut [0; 64 * 63], &mut [0; 64 * 64], &mut polygon),
        Err(SegRcdbError::Buffer)
    );
    assert_eq!(family.render_pair(0, &mut [0; 64 * 64], &mut [0; 64 * 64], &mut polygon), Ok(()));
}

#[test]
fn pnoise1_f32_is_the_packages() {
    // `noise.pnoise1(x)` of the package (1.2.2, float32), printed by Python.
    let expected = [
        (0.0, 0.0),
        (0.5, 0.699999988079071),
        (1.25, 0.12070312350988388),
        (3.7, 0.05476806312799454),
        (255.9, -0.30186882615089417),
        (1023.3, 0.13687185943126678),
        (9999.99, 0.003913498017936945),
        (2379.6462709189136, 0.06886901706457138),
        (5442.292252959519, 0.48883482813835144),
        (3699.5516654807925, -0.2673656642436981),
        (6039.200385961944, 0.020810676738619804),
        (6257.20304108054, 0.22784581780433655),
    ];
    for (x, v) in expected {
        assert_eq!(pnoise1_f32(x), v, "{x}");
    }
    assert_eq!(pnoise1_f32(f64::NAN), 0.0);
    assert_eq!(pnoise1_f32(1e300), 0.0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_category_renders_or_is_refused(
        vertices in 0u32..1100, contours in 0u32..12, lambda in any_f64(), lw in any_f64(), radius in 0u32..200,
        ox in any_f64(), oy in any_f64(), side in 1usize..48, seed: u64, index: u64, mode in 0usize..3,
    ) {
        let category = SegRcdbCategory { vertices, contours, perlin_coefficient: lambda, line_width: lw, radius, oval: (ox, oy) };
        let mode = [MaskMode::Lines, MaskMode::Rings, MaskMode::Filled][mode];
        let finite = [lambda, lw, ox, oy].iter().all(|v| v.is_finite() && v.abs() <= 100.0);
        let ok = (3..=1024).contains(&vertices) && contours >= 1 && finite;
        prop_assert_eq!(category.check().is_ok(), ok);
        if let Ok(family) = SegRcdb::new(vec![category; 2], side, 3, mode, seed) {
            let (mut image, mut mask) = (vec![0u8; side * side], vec![0u8; side * side]);
            family.render_pair(index, &mut image, &mut mask, &mut Polygon::default()).unwrap();
            prop_assert!(mask.iter().all(|&v| v <= 2));
        }
    }

    #[test]
    fn polygons_never_leave_the_image(
        points in proptest::collection::vec((any_f64(), any_f64()), 0..12), w in 1usize..20, h in 1usize..20,
    ) {
        let mut pixels = vec![0u8; w * h];
        let mut scratch = vec![0f32; 2 * points.len()];
        prop_assert!(fill_polygon(&points, 9, &mut pixels, w, h, &mut scratch));
        prop_assert!(pixels.iter().all(|&v| v == 0 || v == 9));
    }
}

#[test]
fn the_family_renders_its_image_and_mask_parts_into_their_buffers() {
    use fdsl_core::family::{Dims, Element, Family, Filled, Held, Part, RenderError, Role, Workspace};
    let family = SegRcdb::new(categories(0, 254), 96, 8, MaskMode::Filled, 4).unwrap();
    let mask = Part { name: "mask", role: Role::Mask, element: Element::U8, dims: Dims::fixed(&[96, 96]) };
    let parts: Vec<Part> = family.parts().iter().copied().collect();
    assert_eq!(parts, [Part::image(96, 1), mask]);
    assert!(!family.labelled());
    assert_eq!((family.classes(), parts[0].max_len(), parts[1].max_len()), (254, 96 * 96, 96 * 96));
    let mut held = Held::default();
    let mut ws = Workspace::new(&mut [], &mut held);
    let (mut a, mut b) = (vec![7u8; 96 * 96 + 5], vec![7u8; 96 * 96 + 5]);
    // The class is ignored: images are numbered, not classed.
    assert_eq!(
        family.render_parts(200, 5, &mut ws, &mut [&mut a, &mut b]),
        Ok(Filled::new(&[96 * 96, 96 * 96]))
    );
    let (image, mask) = render(&family, 5);
    assert_eq!((&a[..96 * 96], &b[..96 * 96]), (&image[..], &mask[..]));
    assert_eq!((&a[96 * 96..], &b[96 * 96..]), (&[7; 5][..], &[7; 5][..]));
    assert_eq!(
        family.render_parts(0, 5, &mut ws, &mut [&mut a, &mut b[..96 * 96 - 1]]),
        Err(RenderError::Output { part: 1, needed: 96 * 96 })
    );
    assert_eq!(
        family.render_parts(0, 5, &mut ws, &mut [&mut a]),
        Err(RenderError::Output { part: 1, needed: 96 * 96 })
    );
    // One buffer for two parts is refused: nothing splits a sample by length.
    assert_eq!(family.render(0, 5, &mut ws, &mut a), Err(RenderError::Parts { parts: 2 }));
    let mut name = String::new();
    family.write_name(3, 42, &mut name).unwrap();
    assert_eq!(name, "000042");
}
