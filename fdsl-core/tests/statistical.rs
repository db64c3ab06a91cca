//! Baradad's statistical models and textured dead leaves: the FFT against NumPy's values, the
//! steerable pyramid against pyrtools' and its reconstruction, the histogram matching (radix sort,
//! `interp`, ranks) against naive references, golden hashes of rendered images, and no panic over
//! the parameter space.

mod common;

use common::{any_f64, hex, rows};
use fdsl_core::families::dead_leaves::{self, RadiusLaw, ShapeModel};
use fdsl_core::families::dead_leaves_textured::{self as textured, POOL, REGIONS_LEN, TexturedError};
use fdsl_core::families::statistical::{
    MAX_ITERATIONS, MAX_SLOPE, MIN_SIDE, Model, Params, SMALL_SCALE, StatError, StatisticalImages, render,
    scratch_len,
};
use fdsl_core::family::{Family, Held, Parts, RenderError, Workspace};
use fdsl_core::math::cdf_matching::{match_cdf, rank_table};
use fdsl_core::math::fft::{Complex, Direction, FftError, MAX_SIDE, Twiddles, fft2};
use fdsl_core::math::interp::interp_ranks;
use fdsl_core::math::moments::{mean_std, pairwise_sum, standardise};
use fdsl_core::math::radix_sort::{SORTED_BITS, radix_sort_top};
use fdsl_core::math::steerable_pyramid::{Band, PyramidError, SteerablePyramid};
use fdsl_core::math::stream::{Namespace, Purpose, StreamKey, unit_f64};
use proptest::prelude::*;

const NUMPY_FFT: &str = include_str!("data/numpy_fft.txt");
const PYRTOOLS: &str = include_str!("data/pyrtools_pyramid.txt");

/// `scripts/fft_values.py`'s input.
fn fft_signal(n: usize) -> Vec<Complex> {
    (0..n * n)
        .map(|i| Complex::new(((i * 7919) % 1013) as f64 / 64.0, ((i * 104729) % 997) as f64 / 128.0 - 4.0))
        .collect()
}

#[test]
fn fft_matches_numpy() {
    let mut checked = 0;
    for n in [4, 16, 128] {
        for (tag, direction) in [("fwd", Direction::Forward), ("inv", Direction::Inverse)] {
            let mut data = fft_signal(n);
            fft2(&mut data, n, direction).unwrap();
            // Rounding grows like log₂ N relative to the largest coefficient.
            let scale = data.iter().map(|c| c.re.abs().max(c.im.abs())).fold(0.0, f64::max);
            for w in rows(NUMPY_FFT, tag).filter(|w| w[0] == n.to_string()) {
                let (i, re, im): (usize, f64, f64) =
                    (w[1].parse().unwrap(), w[2].parse().unwrap(), w[3].parse().unwrap());
                let got = data[i];
                assert!(
                    (got.re - re).abs() <= 1e-15 * scale && (got.im - im).abs() <= 1e-15 * scale,
                    "{tag} {n} {i}: {got:?} vs {re} {im}"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 2 * (16 + 256 + 169));
}

#[test]
fn fft_refuses_other_sides() {
    let mut data = vec![Complex::default(); 200 * 200];
    assert_eq!(fft2(&mut data, 200, Direction::Forward), Err(FftError::Side { side: 200 }));
    assert_eq!(
        FftError::Side { side: 200 }.to_string(),
        "the Fourier transform needs a side that is a power of two up to 1024, not 200"
    );
}

/// `scripts/pyramid_values.py`'s image.
fn pyramid_image(n: usize) -> Vec<f64> {
    (0..n * n)
        .map(|i| ((i * 7919) % 1013) as f64 / 8.0 + 40.0 * ((i % n) * (i / n)) as f64 / n as f64)
        .collect()
}

struct Built {
    pyramid: SteerablePyramid,
    masks: Vec<f64>,
    bands: Vec<f64>,
    work: Vec<Complex>,
}

fn build(image: &[f64], side: usize, height: usize) -> Built {
    let pyramid = SteerablePyramid::new(side, height).unwrap();
    let mut masks = vec![0.0; pyramid.masks_len()];
    pyramid.fill_masks(&mut masks).unwrap();
    let (mut bands, mut work) =
        (vec![0.0; pyramid.bands_len()], vec![Complex::default(); pyramid.work_len()]);
    pyramid.build(&masks, image, &mut bands, &mut work, &Twiddles::new(side).unwrap()).unwrap();
    Built { pyramid, masks, bands, work }
}

#[test]
fn pyramid_bands_match_pyrtools() {
    let mut checked = 0;
    for (n, height) in [(32, 2), (128, 3)] {
        let image = pyramid_image(n);
        let mut b = build(&image, n, height);
        let p = b.pyramid;
        assert_eq!(p.band_count(), 2 + 4 * height);
        assert_eq!(p.band(1), Band::Oriented(0, 0));
        assert_eq!(p.band(p.band_count() - 1), Band::Lowpass);
        let of = |w: &Vec<&str>| w[0] == n.to_string() && w[1] == height.to_string();
        let largest = image.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for w in rows(PYRTOOLS, "band").filter(of) {
            let (k, side, mean, std): (usize, usize, f64, f64) =
                (w[2].parse().unwrap(), w[3].parse().unwrap(), w[4].parse().unwrap(), w[5].parse().unwrap());
            let (range, got_side) = p.band_range(k);
            assert_eq!(got_side, side);
            let band = &b.bands[range];
            let m = band.iter().sum::<f64>() / band.len() as f64;
            let s = (band.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / band.len() as f64).sqrt();
            assert!(
                (m - mean).abs() < 1e-12 * largest && (s - std).abs() < 1e-12 * largest,
                "{n} {k}: {m} {s} vs {mean} {std}"
            );
        }
        for w in rows(PYRTOOLS, "value").filter(of) {
            let (k, i, v): (usize, usize, f64) =
                (w[2].parse().unwrap(), w[3].parse().unwrap(), w[4].parse().unwrap());
            let got = b.bands[p.band_range(k).0][i];
            assert!((got - v).abs() < 1e-12 * largest, "{n} band {k} [{i}]: {got} vs {v}");
            checked += 1;
        }
        let mut recon = vec![0.0; n * n];
        p.reconstruct(&b.masks, &b.bands, &mut recon, &mut b.work, &Twiddles::new(n).unwrap()).unwrap();
        for w in rows(PYRTOOLS, "recon").filter(of) {
            let (i, v): (usize, f64) = (w[2].parse().unwrap(), w[3].parse().unwrap());
            assert!((recon[i] - v).abs() < 1e-12 * largest, "{n} recon [{i}]: {} vs {v}", recon[i]);
        }
    }
    assert!(checked > 1000, "{checked}");
}

#[test]
fn pyramid_reconstruction_is_pyrtools_near_perfect_one() {
    // The masks are pyrtools' linear interpolations of tables (the raised cosine on 1/256 octave,
    // cos³ on π/1024), whose squares tile the spectrum only to about 1e−5: pyrtools' own `recon_pyr`
    // of these images is off by 1.3e−4, 4.1e−4, 4.9e−4, 5.9e−4, 6.5e−4 (max |x| ≈ 62), and so is this
    // one (bands and reconstruction match pyrtools' to 1e−12 in `pyramid_bands_match_pyrtools`).
    for (side, height, bound) in
        [(8, 1, 1.4e-4), (32, 3, 4.2e-4), (64, 2, 5e-4), (128, 3, 6e-4), (256, 4, 6.6e-4)]
    {
        let image: Vec<f64> =
            (0..side * side).map(|i| libm::sin(i as f64 * 0.7) * 50.0 + (i % 13) as f64).collect();
        let mut b = build(&image, side, height);
        let mut recon = vec![0.0; side * side];
        b.pyramid
            .reconstruct(&b.masks, &b.bands, &mut recon, &mut b.work, &Twiddles::new(side).unwrap())
            .unwrap();
        let err = image.iter().zip(&recon).map(|(a, r)| (a - r).abs()).fold(0.0, f64::max);
        assert!(err < bound, "{side} {height}: {err}");
    }
}

#[test]
fn pyramid_refuses_bad_shapes_and_buffers() {
    assert_eq!(SteerablePyramid::new(128, 6), Err(PyramidError::Height { height: 6, max: 5 }));
    assert_eq!(SteerablePyramid::new(100, 1), Err(PyramidError::Fft(FftError::Side { side: 100 })));
    let p = SteerablePyramid::new(32, 2).unwrap();
    let mut masks = vec![0.0; p.masks_len() - 1];
    assert_eq!(p.fill_masks(&mut masks), Err(PyramidError::Buffer { name: "masks", needed: p.masks_len() }));
    let masks = vec![0.0; p.masks_len()];
    let (mut bands, mut work) = (vec![0.0; p.bands_len()], vec![Complex::default(); p.work_len() - 1]);
    assert_eq!(
        p.build(&masks, &[0.0; 1024], &mut bands, &mut work, &Twiddles::new(32).unwrap()),
        Err(PyramidError::Buffer { name: "work", needed: p.work_len() })
    );
}

fn render_image(model: Model, seed: u64, instance: u64, params: &Params) -> Vec<u8> {
    let need = scratch_len(params).unwrap();
    let (mut real, mut complex) = (vec![0.0; need.reals], vec![Complex::default(); need.complex]);
    let mut out = vec![0u8; params.side * params.side * 3];
    render(model, seed, instance, params, &mut real, &mut complex, &mut out).unwrap();
    out
}

#[test]
fn images_are_pinned() {
    // SHA-256 of images (seed, instance) = (0, 0) and (7, 3) of each model at 128 px, and of
    // instance 0 at 256 px. A change here changes the datasets.
    let expected = [
        (
            Model::Spectrum,
            [
                "dfbf81f0cf8109fea627420cf7e346477c0de035e62a91aa4b6752f5a84de5b9",
                "9ec201e8fc75c95838a1721675acb35d54b6c6d7cc740d5f457300cc0db22af8",
                "3144344dc36cdcf66ec02e314e8d3295c428b9091cf81bade0f719ad448b0501",
            ],
        ),
        (
            Model::Wmm,
            [
                "1a35af5ab76efad3676d27826bcb673fd1ae65836226b96987f8a3d2b6252950",
                "014267a56ab7199a4abffb175eb63a02780f589aaa069fe452165f207f1bc79a",
                "a5ab83a9323dfea36ad290ad2fa02312e9a4e73471cf1657246b2f31ed8c6e02",
            ],
        ),
        (
            Model::SpectrumColor,
            [
                "6c240468381b184cf1cd426b7f6daa7f75eb767478a72ed28d212cc36fd335d0",
                "10523764dc8795987e90cfe96e56a99c5a0d83dee15d2738476a389819d3b93f",
                "efe59454df5cd7a62ec924e92fad029beaf602c8163714197010d1a9dc672d03",
            ],
        ),
        (
            Model::SpectrumColorWmm,
            [
                "bd98fc63a18d67dd0a51e86c8d5032527fc491550a59ec57ec8149f9782eac29",
                "2db72a00132e72f643613c9b9195f8b83570af90c36ae9f29d60a40855da49db",
                "b92b52a8014376557ebdecbb086bb5f6e0a0f8c59df769d66294ae62dd83d6b5",
            ],
        ),
    ];
    let large = Params { side: 256, ..SMALL_SCALE };
    let got: Vec<_> = expected
        .iter()
        .map(|&(model, _)| {
            let images = [
                render_image(model, 0, 0, &SMALL_SCALE),
                render_image(model, 7, 3, &SMALL_SCALE),
                render_image(model, 0, 0, &large),
            ];
            (model, images.map(|i| hex(&i)))
        })
        .collect();
    assert_eq!(got, expected.map(|(m, h)| (m, h.map(String::from))));
}

#[test]
fn images_use_the_full_range_and_differ() {
    for model in Model::ALL {
        let a = render_image(model, 1, 0, &SMALL_SCALE);
        let b = render_image(model, 1, 1, &SMALL_SCALE);
        assert_ne!(a, b, "{model:?}");
        // The last rescaling maps the minimum to 0 and the maximum to 255 (truncated: 254 or 255).
        assert_eq!(a.iter().min(), Some(&0), "{model:?}");
        assert!(*a.iter().max().unwrap() >= 254, "{model:?}");
    }
}

#[test]
fn bad_settings_are_errors() {
    let bad = |params: Params| scratch_len(&params).unwrap_err();
    assert_eq!(bad(Params { side: 100, ..SMALL_SCALE }), StatError::Side { side: 100 });
    assert_eq!(bad(Params { side: 16, ..SMALL_SCALE }), StatError::Side { side: 16 });
    assert_eq!(bad(Params { iterations: 0, ..SMALL_SCALE }), StatError::Iterations { iterations: 0 });
    assert!(matches!(bad(Params { slope_range: (f64::NAN, 1.0), ..SMALL_SCALE }), StatError::Slopes { .. }));
    assert!(matches!(bad(Params { slope_range: (2.0, 1.0), ..SMALL_SCALE }), StatError::Slopes { .. }));
    assert_eq!(
        bad(Params { side: 100, ..SMALL_SCALE }).to_string(),
        "statistical images need a side that is a power of two from 32 to 1024, not 100"
    );
    let need = scratch_len(&SMALL_SCALE).unwrap();
    let (mut real, mut complex) = (vec![0.0; need.reals], vec![Complex::default(); need.complex]);
    let mut out = vec![0u8; 128 * 128 * 3 - 1];
    assert_eq!(
        render(Model::Spectrum, 0, 0, &SMALL_SCALE, &mut real, &mut complex, &mut out),
        Err(StatError::Buffer { name: "output", needed: 128 * 128 * 3 })
    );
    out.push(0);
    assert_eq!(
        render(Model::Spectrum, 0, 0, &SMALL_SCALE, &mut real[1..], &mut complex, &mut out),
        Err(StatError::Buffer { name: "real", needed: need.reals })
    );
}

/// A cheap stand-in texture: pool index `p`'s pixel (y, x).
fn stand_in(p: u32, y: usize, x: usize) -> [u8; 3] {
    [(p % 251) as u8, ((p / 251) as usize + y) as u8, (x * 2) as u8]
}

#[test]
fn textured_leaves_are_pinned_and_fill_regions_from_the_pool() {
    let law = RadiusLaw::new();
    let mut regions = vec![0u64; REGIONS_LEN];
    let mut out = vec![0u8; 128 * 128 * 3];
    let mut hashes = Vec::new();
    for instance in 0..3 {
        let mut used = std::collections::BTreeSet::new();
        let leaves = textured::TexturedLeaves::new(128, 0, POOL)
            .unwrap()
            .paint(instance, &mut regions, &mut out, |p, y, x| {
                assert!(p < POOL);
                used.insert(p);
                stand_in(p, y, x)
            })
            .unwrap();
        assert!((1..=5000).contains(&leaves));
        // Every pixel is its region's texture at its own coordinates, and a region (a colour of the
        // untextured leaves, drawn from the same stream) has one texture.
        let mut plain = vec![0u8; 128 * 128 * 3];
        let mut rng = textured::instance_key(0, instance).rng();
        assert_eq!(dead_leaves::paint(ShapeModel::Mixed, &law, 128, &mut rng, &mut plain, |_| ()), leaves);
        let mut texture_of = std::collections::BTreeMap::new();
        for (i, (px, colour)) in out.chunks_exact(3).zip(plain.chunks_exact(3)).enumerate() {
            let (y, x) = (i / 128, i % 128);
            let p = px[0] as u32 + 251 * (px[1].wrapping_sub(y as u8) as u32);
            assert_eq!(px, stand_in(p, y, x), "{instance} {i}");
            assert_eq!(*texture_of.entry(colour).or_insert(p), p, "{instance} {i}");
        }
        // Distinct regions mostly draw distinct textures (10,000 in the pool).
        assert!(used.len() * 10 >= texture_of.len() * 9, "{} {}", used.len(), texture_of.len());
        hashes.push(hex(&out));
    }
    assert_eq!(
        hashes,
        [
            "1ac19c54630a37f8fb98c4d60e3443dad19064f28c765643f6902c33c1000732",
            "8b0990c8cc9d897baafacb206515188a8b56acc3e15dc35b2adfd70ebef66a84",
            "42dd3c47fa4391651abd14c1452b4e7959cfc475fccb1cf37409fbf6b8e76733",
        ]
    );
}

#[test]
fn pool_textures_are_the_statistical_images_of_the_same_seed() {
    let need = scratch_len(&SMALL_SCALE).unwrap();
    let (mut real, mut complex) = (vec![0.0; need.reals], vec![Complex::default(); need.complex]);
    let mut texture = vec![0u8; textured::TEXTURE_SIDE * textured::TEXTURE_SIDE * 3];
    textured::render_texture(5, 9_999, &mut real, &mut complex, &mut texture).unwrap();
    assert_eq!(texture, render_image(Model::SpectrumColorWmm, 5, 9_999, &SMALL_SCALE));
}

#[test]
fn textures_resize_by_nearest_neighbour() {
    let texture: Vec<u8> = (0..4 * 4 * 3).map(|v| v as u8).collect();
    assert_eq!(textured::texel(&texture, 4, 8, 0, 0), [0, 1, 2]);
    assert_eq!(textured::texel(&texture, 4, 8, 1, 1), [0, 1, 2]);
    assert_eq!(textured::texel(&texture, 4, 8, 7, 2), [39, 40, 41]);
    assert_eq!(textured::texel(&texture, 4, 4, 3, 3), [45, 46, 47]);
}

#[test]
fn textured_bad_buffers_are_errors() {
    let mut out = vec![0u8; 32 * 32 * 3];
    let mut regions = vec![0u64; REGIONS_LEN - 1];
    let leaves = |side| textured::TexturedLeaves::new(side, 0, POOL);
    assert_eq!(
        leaves(32).unwrap().paint(0, &mut regions, &mut out, stand_in),
        Err(TexturedError::Buffer { name: "regions", needed: REGIONS_LEN })
    );
    regions.push(0);
    assert_eq!(leaves(0).unwrap_err(), TexturedError::Side);
    assert_eq!(textured::TexturedLeaves::new(32, 0, 0).unwrap_err(), TexturedError::Pool { size: 0 });
    assert_eq!(
        textured::TexturedLeaves::new(32, 0, POOL + 1).unwrap_err(),
        TexturedError::Pool { size: POOL + 1 }
    );
    assert_eq!(
        leaves(33).unwrap().paint(0, &mut regions, &mut out, stand_in),
        Err(TexturedError::Buffer { name: "output", needed: 33 * 33 * 3 })
    );
}

/// A workspace of `words` words.
fn with_workspace<R>(words: usize, f: impl FnOnce(&mut Workspace<'_>) -> R) -> R {
    let mut arena = vec![0u64; words];
    let mut held = Held::default();
    f(&mut Workspace::new(&mut arena, &mut held))
}

#[test]
fn the_statistical_family_renders_the_models_images() {
    let params = Params { side: 32, ..SMALL_SCALE };
    for model in Model::ALL {
        let family = StatisticalImages::new(model, params, 4).unwrap();
        assert_eq!(family.parts(), Parts::image(32, 3));
        assert_eq!(family.classes(), 1);
        let buffers = scratch_len(&params).unwrap();
        let words = family.scratch_len().words();
        // Its reals (8 bytes each), then its complex values (16 bytes each), in whole words.
        assert_eq!(words, buffers.reals + 2 * buffers.complex);
        let mut out = vec![0u8; 32 * 32 * 3];
        let written = with_workspace(words, |ws| family.render(0, 7, ws, &mut out));
        assert_eq!(written, Ok(32 * 32 * 3));
        assert_eq!(out, render_image(model, 4, 7, &params), "{model:?}");
        // A longer arena renders the same.
        out.fill(0);
        assert_eq!(with_workspace(words + 3, |ws| family.render(0, 7, ws, &mut out)), Ok(32 * 32 * 3));
        assert_eq!(out, render_image(model, 4, 7, &params), "{model:?}");
        let short = with_workspace(words - 1, |ws| family.render(0, 7, ws, &mut out));
        assert_eq!(short, Err(RenderError::Workspace));
        let class = with_workspace(words, |ws| family.render(1, 7, ws, &mut out));
        assert_eq!(class, Err(RenderError::Class));
        let output = with_workspace(words, |ws| family.render(0, 7, ws, &mut out[1..]));
        assert_eq!(output, Err(RenderError::Output { part: 0, needed: 32 * 32 * 3 }));
    }
    assert_eq!(
        StatisticalImages::new(Model::Wmm, Params { side: 48, ..SMALL_SCALE }, 0).unwrap_err(),
        StatError::Side { side: 48 }
    );
}

/// A pool of stand-in textures; index `missing` cannot be had.
struct StandInPool {
    textures: Vec<Vec<u8>>,
    missing: u32,
}

impl textured::TexturePool for StandInPool {
    type Error = &'static str;

    fn texture(&self, index: u32) -> Result<&[u8], &'static str> {
        if index == self.missing { Err("missing") } else { Ok(&self.textures[index as usize]) }
    }
}

#[test]
fn the_textured_family_paints_with_its_pools_textures() {
    let side = textured::TEXTURE_SIDE;
    let textures: Vec<Vec<u8>> =
        (0..5u32).map(|p| (0..side * side).flat_map(|i| stand_in(p, i / side, i % side)).collect()).collect();
    let leaves = textured::TexturedLeaves::new(64, 9, 5).unwrap();
    let family = textured::DeadLeavesTextured::new(
        leaves.clone(),
        StandInPool { textures: textures.clone(), missing: 99 },
    );
    let mut held = Held::default();
    let mut ws = Workspace::new(&mut [], &mut held);
    let mut out = vec![0u8; 64 * 64 * 3];
    for instance in 0..3 {
        assert_eq!(family.render(0, instance, &mut ws, &mut out), Ok(64 * 64 * 3));
        let mut expected = vec![0u8; 64 * 64 * 3];
        let mut regions = vec![0u64; REGIONS_LEN];
        leaves
            .paint(instance, &mut regions, &mut expected, |p, y, x| {
                textured::texel(&textures[p as usize], side, 64, y, x)
            })
            .unwrap();
        assert_eq!(out, expected);
    }
    assert_eq!(family.render(1, 0, &mut ws, &mut out), Err(RenderError::Class));
    // A texture the pool cannot give is the family's error, naming it.
    let family = textured::DeadLeavesTextured::new(leaves, StandInPool { textures, missing: 0 });
    let failed = (0..20).find_map(|i| family.render(0, i, &mut ws, &mut out).err()).unwrap();
    assert_eq!(
        failed,
        RenderError::Family(textured::TexturedFamilyError::Pool { index: 0, error: "missing" })
    );
    assert_eq!(failed.to_string(), "pool texture 0: missing");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn settings_are_accepted_exactly_in_range(
        side in prop_oneof![Just(MIN_SIDE), Just(MAX_SIDE), Just(2 * MAX_SIDE), 0usize..4096],
        iterations in 0usize..200,
        lo in any_f64(),
        hi in any_f64(),
    ) {
        let params = Params { side, iterations, slope_range: (lo, hi) };
        let valid = side.is_power_of_two()
            && (MIN_SIDE..=MAX_SIDE).contains(&side)
            && (1..=MAX_ITERATIONS).contains(&iterations)
            && lo > 0.0
            && lo <= hi
            && hi <= MAX_SLOPE;
        match scratch_len(&params) {
            Ok(_) => prop_assert!(valid),
            Err(e) => prop_assert!(!valid && !e.to_string().is_empty()),
        }
    }

    #[test]
    fn any_accepted_settings_render_every_byte_the_same_twice(
        side in prop_oneof![4 => Just(32usize), 2 => Just(64), 1 => Just(128), 1 => Just(256)],
        iterations in 1usize..=3,
        lo in 0.0..MAX_SLOPE,
        width in 0.0..=1.0f64,
        model in 0usize..4,
        seed: u64,
        instance: u64,
    ) {
        prop_assume!(lo > 0.0);
        let params = Params { side, iterations, slope_range: (lo, lo + width * (MAX_SLOPE - lo)) };
        let need = scratch_len(&params).unwrap();
        let (mut real, mut complex) = (vec![0.0; need.reals], vec![Complex::default(); need.complex]);
        // Two outputs that start different: every byte is written, the same way.
        let mut a = vec![0u8; side * side * 3];
        render(Model::ALL[model], seed, instance, &params, &mut real, &mut complex, &mut a).unwrap();
        let mut b = vec![1u8; side * side * 3];
        render(Model::ALL[model], seed, instance, &params, &mut real, &mut complex, &mut b).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn any_textured_image_fills_every_pixel_from_the_pool(side in 1usize..40, pool in 1u32..=POOL, seed: u64, instance: u64) {
        let mut regions = vec![0u64; REGIONS_LEN];
        let mut out = vec![0u8; side * side * 3];
        let mut calls = 0;
        textured::TexturedLeaves::new(side, seed, pool).unwrap().paint(instance, &mut regions, &mut out, |p, y, x| {
            calls += 1;
            assert!(p < pool && y < side && x < side);
            stand_in(p, y, x)
        }).unwrap();
        prop_assert_eq!(calls, side * side);
    }
}

/// A stream of uniform draws for the matching tests.
fn uniforms(category: u64) -> impl FnMut() -> f64 {
    let mut rng = StreamKey {
        seed: 0,
        namespace: Namespace::Statistical,
        category,
        instance: 0,
        purpose: Purpose::Shape,
    }
    .rng();
    move || unit_f64(&mut rng)
}

#[test]
fn radix_sort_orders_the_top_bits_stably() {
    let mut u = uniforms(1);
    let mut bits = || (u() * 2f64.powi(53)) as u64;
    // Random words, some sharing their top bits (few top patterns), one or both passes skipped.
    for (len, tops) in [(0, 1), (1, 1), (300, 7), (5000, 1 << 22), (700, 1)] {
        let words: Vec<u64> = (0..len)
            .map(|i| (bits() % tops) << (64 - SORTED_BITS) | (bits() << 16 & (u64::MAX >> SORTED_BITS)) | i)
            .collect();
        let mut sorted = words.clone();
        radix_sort_top(&mut sorted, &mut vec![0; len as usize]);
        // The naive reference: a stable sort by the top bits.
        let mut want = words;
        want.sort_by_key(|w| w >> (64 - SORTED_BITS));
        assert_eq!(sorted, want, "{len} words");
    }
}

/// NumPy's `interp` at one `x`, the naive way: the last `j` with `xp[j] ≤ x`.
fn naive_interp(x: f64, xp: &[f64], fp: &[f64]) -> f64 {
    let last = xp.len() - 1;
    if x < xp[0] {
        return fp[0];
    }
    if x > xp[last] {
        return fp[last];
    }
    let j = xp.iter().rposition(|&p| p <= x).unwrap();
    if j == last || xp[j] == x {
        return fp[j];
    }
    (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]) * (x - xp[j]) + fp[j]
}

#[test]
fn interp_is_numpys() {
    // numpy.interp(x, xp, fp) at x = 0.1, 0.2, ..., 1 (exact hits, a plateau of xp, past the end).
    let (xp, fp) = ([0.1, 0.2, 0.2, 0.5, 0.95], [10.0, 20.0, 30.0, 40.0, 50.0]);
    let mut out = [0.0; 10];
    interp_ranks(&xp, |i| fp[i], &mut out);
    let want = [10.0, 30.0, 33.333333333333336, 36.66666666666667, 40.0, 42.22222222222222];
    for (r, (o, w)) in out.iter().zip(want).enumerate() {
        assert!((o - w).abs() < 1e-12, "{r}: {o} {w}");
    }
    assert_eq!(out[9], 50.0);
}

#[test]
fn interp_at_ranks_is_the_naive_interp_bit_for_bit() {
    // Knots between, on and beyond the ranks' quantiles, plateaus included.
    for len in [1, 2, 3, 7, 64, 1000, 1024] {
        for xp in [
            vec![0.5],
            vec![0.0, 1.0],
            vec![0.25, 0.25, 0.5, 0.75, 0.75, 1.0],
            (1..=801).map(|i| i as f64 / 801.0).collect(),
            (0..50).map(|i| (i as f64 / 37.0).min(0.999)).collect(),
            vec![-1.0, 0.3, 2.0],
        ] {
            let fp: Vec<f64> = (0..xp.len()).map(|i| -200.0 + 0.5 * i as f64).collect();
            let mut out = vec![0.0; len];
            interp_ranks(&xp, |i| fp[i], &mut out);
            for (r, o) in out.iter().enumerate() {
                let want = naive_interp((r + 1) as f64 / len as f64, &xp, &fp);
                assert_eq!(o.to_bits(), want.to_bits(), "len {len}, rank {r}, xp {xp:?}");
            }
        }
    }
}

#[test]
fn histogram_matching_agrees_with_the_naive_ranks() {
    let mut u = uniforms(2);
    let quantiles: Vec<f64> = (1..=801).map(|i| (i as f64 / 801.0).powi(2)).collect();
    let fp: Vec<f64> = (0..801).map(|i| -200.0 + 0.5 * i as f64).collect();
    let cases: Vec<Vec<f64>> = vec![
        vec![3.0],
        vec![2.0; 50],
        // Ties, signed zeros, a huge outlier (most keys equal), subnormals.
        (0..600)
            .map(|i| match i % 7 {
                0 => 0.0,
                1 => -0.0,
                2 => (i % 5) as f64,
                3 => 1e300,
                4 => 5e-324 * (i % 3) as f64,
                _ => u() - 0.5,
            })
            .collect(),
        // Heavy tails, and values one ulp apart (equal keys, different values).
        (0..4096)
            .map(|i| match i % 11 {
                0 => f64::from_bits(1f64.to_bits() + i % 3),
                _ => {
                    let v = u();
                    (v - 0.5) / (v * (1.0 - v) + 1e-9)
                }
            })
            .collect(),
    ];
    for values in cases {
        let n = values.len();
        let mut matched = values.clone();
        match_cdf(&mut matched, &mut vec![0.0; 2 * n], &quantiles, |i| fp[i], |_| {}, None);
        // The port's ranks: the count of values at or below each (ties share the highest).
        for (i, (m, v)) in matched.iter().zip(&values).enumerate() {
            let rank = values.iter().filter(|&w| w <= v).count();
            let want = naive_interp(rank as f64 / n as f64, &quantiles, &fp);
            assert_eq!(m.to_bits(), want.to_bits(), "value {i} of {n}");
        }
        // A finishing map of the matched values as a whole (over them in rank order), with the
        // table by rank made once or not: the same bits, ties or not, and the map's values.
        let finish = |t: &mut [f64]| standardise(t, 3.0, 2.0);
        let mut table = vec![0.0; n];
        rank_table(&quantiles, |i| fp[i], finish, &mut table);
        let (mut with_table, mut without) = (values.clone(), values.clone());
        match_cdf(&mut with_table, &mut vec![0.0; 2 * n], &quantiles, |i| fp[i], finish, Some(&table));
        match_cdf(&mut without, &mut vec![0.0; 2 * n], &quantiles, |i| fp[i], finish, None);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&with_table), bits(&without), "{n} values");
        finish(&mut matched);
        assert!(
            with_table.iter().zip(&matched).all(|(a, b)| (a - b).abs() <= 1e-12 || a.is_nan() && b.is_nan())
        );
    }
}

#[test]
fn histogram_matching_ranks_infinities_and_nans_by_total_order() {
    // Among (−∞, −1, 0, 2, ∞, NaN) the positive NaN is last, as `total_cmp` orders.
    let values = [f64::NAN, 2.0, f64::INFINITY, -1.0, f64::NEG_INFINITY, 0.0];
    let quantiles: Vec<f64> = (1..=6).map(|i| i as f64 / 6.0).collect();
    let mut matched = values;
    match_cdf(&mut matched, &mut [0.0; 12], &quantiles, |i| i as f64, |_| {}, None);
    assert_eq!(matched, [5.0, 3.0, 4.0, 1.0, 0.0, 2.0]);
}

#[test]
fn pairwise_sums_are_numpys_order() {
    // NumPy's pairwise_sum, written out for 300 values: 300 → 144 + 156 (blocks of ≤ 128 → 144 is
    // split into 72 + 72, 156 into 72 + 84), each block by eight accumulators then its rest.
    fn block(v: &[f64]) -> f64 {
        let m = v.len() - v.len() % 8;
        let mut r = [0.0; 8];
        r.copy_from_slice(&v[..8]);
        for i in (8..m).step_by(8) {
            for j in 0..8 {
                r[j] += v[i + j];
            }
        }
        let s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        v[m..].iter().fold(s, |s, &x| s + x)
    }
    let mut u = uniforms(3);
    let values: Vec<f64> = (0..300).map(|_| (u() - 0.3) * 1e3).collect();
    let want =
        (block(&values[..72]) + block(&values[72..144])) + (block(&values[144..216]) + block(&values[216..]));
    assert_eq!(pairwise_sum(&values, |v| v).to_bits(), want.to_bits());
    assert_eq!(pairwise_sum(&values[..5], |v| 2.0 * v), values[..5].iter().fold(-0.0, |s, v| s + 2.0 * v));
    let (mean, std) = mean_std(&values);
    let naive_mean = values.iter().sum::<f64>() / 300.0;
    let naive_var = values.iter().map(|v| (v - naive_mean).powi(2)).sum::<f64>() / 300.0;
    assert!(
        (mean - naive_mean).abs() < 1e-12 * naive_mean.abs() && (std - naive_var.sqrt()).abs() < 1e-12 * std
    );
}
