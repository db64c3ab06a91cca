//! Anderson & Farrell's family: OpenCV equality (HSV -> RGB on all 2^24 triples, the 3x3 Gaussian
//! blur), numba's float-to-byte wrap, the reference's own background and fractal rendering replayed
//! with its draws, the system sampler's laws, golden hashes, and properties
//! over the parameter space (NaN, huge, degenerate maps: errors as values, never a panic).

mod common;

use common::{hex, rows};
use fdsl_core::families::anderson_farrell::{
    AfError, AndersonFarrell, CHAINS, FractalColour, Orientation, POINTS, SIDE, background,
    background_bits_len, background_levels, category_key, chains, composite, hits_len, instance_key,
    max_singular_value, render_counts, sample_system, with_det_probabilities, wrap_small, wrap_u8,
};
use fdsl_core::family::{Family, Held, Workspace};
use fdsl_core::math::stream::Purpose;
use fdsl_core::raster::blur::{gaussian_blur_3x3, gaussian_kernel_3};
use fdsl_core::raster::diamond_square::{Bits16, diamond_square, diamond_square16, field_len};
use fdsl_core::raster::hsv::hsv_to_rgb;
use fdsl_core::{Affine2, Ifs2, Map};
use proptest::prelude::*;
use rand_core::Rng;
use sha2::{Digest, Sha256};

/// The values `scripts/opencv_af_expected.py` wrote with OpenCV and numba.
const EXPECTED: &str = include_str!("data/opencv_af.txt");

fn expected(key: &str) -> impl Iterator<Item = Vec<&'static str>> + '_ {
    EXPECTED.lines().filter_map(move |l| {
        let mut f = l.split_whitespace();
        (f.next() == Some(key)).then(|| f.collect())
    })
}

/// The reference's own code run with known draws (`scripts/reference_af_replay.py`).
const REPLAY: &str = include_str!("data/af_replay.txt");

/// A generator that hands out given values: 64-bit draws `k << 11` (so that `unit_f64` is the
/// reference's double `k / 2⁵³`), 32-bit draws as given.
#[derive(Clone)]
struct Replay {
    values: Vec<u64>,
    at: usize,
}

impl Replay {
    fn doubles(key: &str) -> Self {
        let values =
            rows(REPLAY, key).next().unwrap().iter().map(|k| k.parse::<u64>().unwrap() << 11).collect();
        Self { values, at: 0 }
    }

    fn u32s(key: &str) -> Self {
        Self { values: rows(REPLAY, key).next().unwrap().iter().map(|k| k.parse().unwrap()).collect(), at: 0 }
    }

    /// A generator that must not be drawn from (the chains a single chain leaves unused).
    fn none() -> Self {
        Self { values: Vec::new(), at: 0 }
    }

    fn next(&mut self) -> u64 {
        self.at += 1;
        *self.values.get(self.at - 1).expect("the replay ran out: a draw more than the reference")
    }

    fn used_all(&self) -> bool {
        self.at == self.values.len()
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
        unreachable!("no family draws bytes")
    }
}

#[test]
fn background_equals_the_reference_with_its_draws() {
    let mut rng = Replay::doubles("ds_draws");
    let (mut field, mut rgb) = (vec![0.0; field_len(32)], vec![0u8; 32 * 32 * 3]);
    background(&mut rng, 32, &mut field, &mut rgb);
    assert!(rng.used_all());
    assert_eq!(hex(&rgb), rows(REPLAY, "ds_rgb_sha256").next().unwrap()[0]);
}

#[test]
fn the_row_by_row_diamond_square_equals_the_loops() {
    let mut rng = category_key(3, 3).rng();
    for n in 0..=9u32 {
        let s = (1usize << n) + 1;
        let bits: Vec<u16> = (0..s * s).map(|_| rng.next_u32() as u16).collect();
        let decay = 0.4 + 0.05 * f64::from(n);
        let mut loops = vec![0f32; s * s];
        diamond_square(&mut Bits16::new(&bits), n, decay, &mut loops);
        let (mut rows, mut scratch) = (vec![f32::NAN; s * s], vec![f32::NAN; s * s]);
        diamond_square16(&bits, n, decay, &mut rows, &mut scratch);
        let bits_of = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits_of(&rows), bits_of(&loops), "n = {n}");
    }
}

#[test]
fn the_background_draws_the_shape_streams_halves_in_order() {
    let key = instance_key(0, 1, 2, Purpose::Shape);
    let (mut sequential, mut rng) = (key.rng(), key.rng());
    let mut bits = vec![0u16; background_bits_len(SIDE)];
    let mut field = vec![0f32; 2 * field_len(SIDE)];
    background_levels(&mut rng, SIDE, &mut bits, &mut field);
    let halves: Vec<u16> = (0..bits.len() / 2)
        .flat_map(|_| {
            sequential
                .next_u32()
                .to_be_bytes()
                .chunks(2)
                .map(|h| u16::from_be_bytes([h[0], h[1]]))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(bits, halves);
    assert_eq!(rng.next_u32(), sequential.next_u32(), "the stream goes on after the background's draws");
}

#[test]
fn the_composite_puts_every_counted_pixel_where_the_flips_take_it() {
    let side = 13;
    let mut rng = category_key(4, 4).rng();
    let counts: Vec<u32> = (0..side * side)
        .map(|_| if rng.next_u32().is_multiple_of(3) { rng.next_u32() % 50 + 1 } else { 0 })
        .collect();
    let max = *counts.iter().max().unwrap();
    let colour = FractalColour { hue_shift: 100.5, saturation: 200, value: 180 };
    let background: Vec<u8> = (0..side * side * 3).map(|_| rng.next_u32() as u8).collect();
    for flips in 0..8 {
        let orientation = Orientation {
            transpose: flips & 1 == 1,
            rows_reversed: flips & 2 == 2,
            columns_reversed: flips & 4 == 4,
        };
        let mut got = background.clone();
        let covered = composite(&counts, max, orientation, &colour, side, &mut got);
        let mut want = background.clone();
        for r in 0..side {
            for c in 0..side {
                let g = counts[orientation.source(r, c, side)];
                assert_eq!(
                    orientation.target(
                        orientation.source(r, c, side) / side,
                        orientation.source(r, c, side) % side,
                        side
                    ),
                    r * side + c
                );
                if g > 0 {
                    let rgb = hsv_to_rgb(colour.hsv(f64::from(g) / f64::from(max)));
                    want[3 * (r * side + c)..][..3].copy_from_slice(&rgb);
                }
            }
        }
        assert_eq!(got, want, "{orientation:?}");
        assert_eq!(covered, counts.iter().filter(|&&g| g > 0).count());
    }
}

#[test]
fn fractal_equals_the_reference_with_its_draws() {
    let maps: Vec<Affine2> = rows(REPLAY, "map")
        .map(|f| {
            let k: Vec<f64> = f.iter().map(|x| x.parse().unwrap()).collect();
            Affine2::from_coefficients([k[0], k[1], k[2], k[3], k[4], k[5]])
        })
        .collect();
    let ifs = with_det_probabilities(&maps).unwrap();
    let mask: u16 = rows(REPLAY, "mask").next().unwrap()[0].parse().unwrap();
    let (chain, mut window) = (Replay::u32s("chain"), Replay::doubles("window"));
    let (mut counts, mut hits, mut trace) =
        (vec![0u32; 64 * 64], vec![0u32; hits_len(64)], vec![0.0; 2 * 3000]);
    let max = render_counts(
        &ifs,
        [Replay::none(), Replay::none(), Replay::none(), chain],
        0,
        3000,
        3000,
        &mut window,
        mask,
        64,
        &mut counts,
        &mut hits,
        &mut trace,
    );
    assert!(window.used_all() && max > 0);
    let colour = FractalColour::sample(&mut Replay::doubles("colour"));
    let rgb: Vec<u8> =
        counts.iter().flat_map(|&c| hsv_to_rgb(colour.hsv(f64::from(c) / f64::from(max)))).collect();
    assert_eq!(hex(&rgb), rows(REPLAY, "fractal_rgb_sha256").next().unwrap()[0]);
}

#[test]
fn hsv_to_rgb_equals_opencv_on_every_triple() {
    for f in expected("hsv") {
        let v: Vec<u8> = f.iter().map(|x| x.parse().unwrap()).collect();
        assert_eq!(hsv_to_rgb([v[0], v[1], v[2]]), [v[3], v[4], v[5]], "{v:?}");
    }
    let mut h = Sha256::new();
    let mut row = Vec::with_capacity(3 * 65536);
    for hue in 0..=255u8 {
        row.clear();
        for s in 0..=255u8 {
            for v in 0..=255u8 {
                row.extend(hsv_to_rgb([hue, s, v]));
            }
        }
        h.update(&row);
    }
    let got: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(got, expected("hsv2rgb_sha256").next().unwrap()[0]);
}

#[test]
fn blur_equals_opencv_gaussian_blur() {
    let mut img = [0u8; 12 * 12 * 3];
    for i in 0..12 {
        for j in 0..12 {
            for c in 0..3 {
                img[(i * 12 + j) * 3 + c] = ((31 * i + 17 * j + 5 * c + i * j) % 256) as u8;
            }
        }
    }
    let mut n = 0;
    for f in expected("blur") {
        let sigma: f64 = f[0].parse().unwrap();
        let want: Vec<u8> =
            (0..f[1].len() / 2).map(|k| u8::from_str_radix(&f[1][2 * k..2 * k + 2], 16).unwrap()).collect();
        let mut got = img;
        let mut rows = [0u16; 12 * 3 * 3];
        gaussian_blur_3x3(&mut got, 12, gaussian_kernel_3(sigma), &mut rows);
        assert_eq!(got.as_slice(), want.as_slice(), "sigma {sigma}");
        n += 1;
    }
    assert_eq!(n, 44);
    assert_eq!(gaussian_kernel_3(0.5), [27, 202, 27]);
}

/// OpenCV's fixed-point 3x3 blur written out in 32-bit sums over whole images (reflect-101 border).
fn naive_blur(img: &[u8], side: usize, [k0, k1, k2]: [u32; 3]) -> Vec<u8> {
    let reflect = |i: isize| {
        if i < 0 {
            1
        } else if i as usize >= side {
            side - 2
        } else {
            i as usize
        }
    };
    let at = |r: usize, c: usize, ch: usize| u32::from(img[(r * side + c) * 3 + ch]);
    let row = |r: usize, c: usize, ch: usize| {
        k0 * at(r, reflect(c as isize - 1), ch) + k1 * at(r, c, ch) + k2 * at(r, reflect(c as isize + 1), ch)
    };
    let mut out = vec![0u8; img.len()];
    for r in 0..side {
        for c in 0..side {
            for ch in 0..3 {
                let (u, d) = (reflect(r as isize - 1), reflect(r as isize + 1));
                let v = k0 * row(u, c, ch) + k1 * row(r, c, ch) + k2 * row(d, c, ch);
                out[(r * side + c) * 3 + ch] = ((v + (1 << 15)) >> 16).min(255) as u8;
            }
        }
    }
    out
}

#[test]
fn blur_equals_the_exact_integer_sums() {
    let mut rng = category_key(7, 7).rng();
    for side in [2, 3, 5, 16, 37] {
        let random: Vec<u8> = (0..side * side * 3).map(|_| rng.next_u32() as u8).collect();
        let saturated: Vec<u8> =
            (0..side * side * 3).map(|i| if (i / 3 + i / (3 * side)) % 2 == 0 { 255 } else { 0 }).collect();
        for img in [random, saturated, vec![255; side * side * 3], vec![0; side * side * 3]] {
            for outer in 0..=128 {
                let kernel = [outer, 256 - 2 * outer, outer];
                let mut got = img.clone();
                gaussian_blur_3x3(&mut got, side, kernel, &mut vec![0u16; side * 3 * 3]);
                assert_eq!(got, naive_blur(&img, side, kernel), "side {side}, outer {outer}");
            }
        }
    }
}

#[test]
fn byte_wrap_equals_numba() {
    for f in expected("wrap") {
        let (x, y): (f64, u8) = (f[0].parse().unwrap(), f[1].parse().unwrap());
        assert_eq!(wrap_u8(x), y, "{x}");
        assert_eq!(wrap_small(x), y, "{x}");
    }
}

#[test]
fn the_conversion_free_wrap_equals_the_wrap() {
    let mut rng = category_key(5, 5).rng();
    for k in 0..200_000u32 {
        let scale = [1.0, 300.0, 1e6, 2e9][k as usize % 4];
        let v = fdsl_core::math::stream::uniform_f64(&mut rng, -scale, scale);
        for v in [v, v.trunc(), v.trunc() + 0.5, -0.0, 0.0, 0.5, -0.5, 255.0, 255.5, -255.5] {
            assert_eq!(wrap_small(v), wrap_u8(v), "{v}");
        }
    }
}

#[test]
fn systems_follow_the_reference_laws() {
    let mut counts = [0usize; 5];
    let mut alpha_ok = 0;
    for c in 0..3000 {
        let ifs = sample_system(&mut category_key(9, c).rng());
        counts[ifs.len()] += 1;
        let n = ifs.len() as f64;
        // The sigma-factor Σ (σ1 + 2σ2) lies in ((5 + n)/2, (6 + n)/2).
        let mut alpha = 0.0;
        for m in ifs.maps() {
            let s1 = max_singular_value(m);
            let s2 = m.det().abs() / s1;
            assert!(s1 <= 1.0 + 1e-12 && s2 <= s1 + 1e-12, "{m:?}");
            alpha += s1 + 2.0 * s2;
            assert!((-1.0..1.0).contains(&m.e) && (-1.0..1.0).contains(&m.f));
        }
        alpha_ok += usize::from(alpha > (5.0 + n) / 2.0 - 1e-9 && alpha < (6.0 + n) / 2.0 + 1e-9);
        let dets: f64 = ifs.maps().iter().map(|m| m.det().abs()).sum();
        for (m, p) in ifs.maps().iter().zip(ifs.probabilities()) {
            assert!((p - m.det().abs() / dets).abs() < 1e-15);
        }
    }
    assert_eq!(alpha_ok, 3000);
    assert_eq!(counts[..2], [0, 0]);
    assert!(counts[2..].iter().all(|&k| (900..1100).contains(&k)), "{counts:?}");
}

fn workspace_render(family: &AndersonFarrell<Vec<Ifs2>>, class: usize, instance: u64) -> Vec<u8> {
    let mut arena = vec![0u64; family.scratch_len().words()];
    let mut held = Held::default();
    let mut ws = Workspace::new(&mut arena, &mut held);
    let mut out = vec![0u8; family.parts().max_len(0)];
    assert_eq!(family.render(class, instance, &mut ws, &mut out).unwrap(), out.len());
    out
}

#[test]
fn samples_are_pinned() {
    let systems: Vec<Ifs2> = (0..3).map(|c| sample_system(&mut category_key(0, c).rng())).collect();
    let family = AndersonFarrell::new(systems, SIDE, POINTS, 0).unwrap();
    let got: Vec<String> =
        [(0, 0), (1, 5), (2, 999)].iter().map(|&(c, i)| hex(&workspace_render(&family, c, i))).collect();
    assert_eq!(
        got,
        [
            "a8f3a58a14b40edc6639d96b52c7ed277e716d6dec99b405392a4a74bfec34ac",
            "7337054361370f7ed8dc92cd65b2eb8af1223047b08b64b1ab3c0f71e04de2d0",
            "781ef0e4d7e58606b98d77c1b78b23299f2d2e503119bbdb7eaf67a506af2c76",
        ]
    );
    assert_ne!(workspace_render(&family, 0, 1), workspace_render(&family, 0, 0));
}

#[test]
fn every_byte_is_drawn_whatever_the_buffers_held() {
    let systems: Vec<Ifs2> = (0..4).map(|c| sample_system(&mut category_key(1, c).rng())).collect();
    let family = AndersonFarrell::new(systems.clone(), 40, 3000, 1).unwrap();
    let words = family.scratch_len().words();
    for (c, system) in systems.iter().enumerate() {
        let images = [0u8, 0xa5, 0xff].map(|fill| {
            let (mut arena, mut held) =
                (vec![u64::from(fill) * 0x0101_0101_0101_0101; words], Held::default());
            let mut rgb = vec![fill; 40 * 40 * 3];
            family.draw(system, c, 7, &mut Workspace::new(&mut arena, &mut held), &mut rgb).unwrap();
            rgb
        });
        assert!(images.iter().all(|i| *i == images[0]), "class {c}");
    }
}

#[test]
fn the_chains_share_the_chain_streams_draws() {
    let key = instance_key(0, 3, 7, Purpose::Chain);
    let mut whole = key.rng();
    let draws: Vec<u32> = (0..1003).map(|_| whole.next_u32()).collect();
    let mut got = Vec::new();
    for (j, mut rng) in chains(key, 1003).into_iter().enumerate() {
        let len = if j + 1 == CHAINS { 1003 - 250 * 3 } else { 250 };
        got.extend((0..len).map(|_| rng.next_u32()));
    }
    assert_eq!(got, draws);
}

#[test]
fn chains_that_leave_the_finite_numbers_count_nothing_after() {
    // An expanding map drives every chain to infinity within a few hundred steps: the points kept
    // are the finite ones, and the image still renders.
    let grow =
        with_det_probabilities(&[map([1.5, 0.0, 0.0, 1.5, 0.1, 0.1]), map([0.5, 0.0, 0.0, 0.5, 0.0, 0.0])])
            .unwrap();
    let family = AndersonFarrell::new(vec![grow], 32, 20_000, 0).unwrap();
    let (mut arena, mut held) = (vec![0u64; family.scratch_len().words()], Held::default());
    let mut rgb = vec![0u8; 32 * 32 * 3];
    let filling = family.draw(&grow, 0, 0, &mut Workspace::new(&mut arena, &mut held), &mut rgb).unwrap();
    assert!(filling > 0.0 && filling <= 1.0);
}

#[test]
fn jitter_scales_one_whole_map_and_keeps_contractions() {
    use fdsl_core::families::anderson_farrell::jitter;
    let maps = [map([0.95, 0.0, 0.0, 0.3, 0.5, -0.25]), map([0.2, 0.1, -0.1, 0.4, -0.5, 0.5])];
    let (mut changed, mut unchanged) = (0, 0);
    for i in 0..2000 {
        let mut out = [Affine2::default(); fdsl_core::math::ifs::MAX_MAPS];
        jitter(&mut category_key(1, i).rng(), &maps, &mut out);
        assert!(out[..2].iter().all(|m| max_singular_value(m) <= 1.0));
        let differs: Vec<usize> = (0..2).filter(|&k| out[k] != maps[k]).collect();
        match differs[..] {
            [] => unchanged += 1,
            [k] => {
                let f = out[k].e / maps[k].e;
                assert!((0.8..1.1).contains(&f), "{f}");
                let scaled = maps[k].coefficients().map(|c| c * f);
                for (a, b) in out[k].coefficients().iter().zip(scaled) {
                    assert!((a - b).abs() < 1e-15);
                }
                changed += 1;
            }
            _ => panic!("two maps changed"),
        }
    }
    // Map 0 (σ 0.95) fails when its factor exceeds 1/0.95: 4 failed tries leave the maps as they are.
    let fail: f64 = 0.5 * (1.1 - 1.0 / 0.95) / 0.3;
    let expected = 2000.0 * fail.powi(4);
    assert!((unchanged as f64 - expected).abs() < 5.0 + 3.0 * expected.sqrt(), "{unchanged} vs {expected}");
    assert!(changed > 1900);
}

fn map(k: [f64; 6]) -> Affine2 {
    Affine2::from_coefficients(k)
}

#[test]
fn bad_families_are_errors() {
    let half = map([0.5, 0.0, 0.0, 0.5, 0.1, 0.2]);
    let ok = Ifs2::new([(half, 1.0)]).unwrap();
    assert_eq!(AndersonFarrell::new(vec![ok], 0, 10, 0).unwrap_err(), AfError::Side);
    assert_eq!(AndersonFarrell::new(vec![ok], 16, 0, 0).unwrap_err(), AfError::Points);
    let flat = Ifs2::new([(map([1.0, 1.0, 1.0, 1.0, 0.0, 0.0]), 1.0)]).unwrap();
    assert_eq!(
        AndersonFarrell::new(vec![ok, flat], 16, 10, 0).unwrap_err(),
        AfError::Degenerate { class: 1 }
    );
    let huge = Ifs2::new([(map([1e200, 0.0, 0.0, 1e200, 0.0, 0.0]), 1.0)]).unwrap();
    assert_eq!(AndersonFarrell::new(vec![huge], 16, 10, 0).unwrap_err(), AfError::Degenerate { class: 0 });
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any finite maps (huge, expanding, singular map 0 whose fixed point is infinite) either make
    /// an error at construction or render without a panic, the same bytes twice.
    #[test]
    fn any_finite_system_renders_or_is_refused(
        k in prop::collection::vec(prop_oneof![
            -2.0f64..2.0,
            Just(0.0), Just(1.0), Just(1e300), Just(-1e300), Just(f64::MIN_POSITIVE),
        ], 6..=24),
        seed in any::<u64>(),
        instance in any::<u64>(),
        side in 16usize..40,
    ) {
        let maps: Vec<(Affine2, f64)> = k.chunks_exact(6).map(|c| (map([c[0], c[1], c[2], c[3], c[4], c[5]]), 1.0)).collect();
        let ifs = Ifs2::new(maps).unwrap();
        if let Ok(family) = AndersonFarrell::new(vec![ifs], side, 2000, seed) {
            let a = workspace_render(&family, 0, instance);
            prop_assert_eq!(a, workspace_render(&family, 0, instance));
        }
    }

    /// Non-finite coefficients never reach the family: `Ifs2` refuses them.
    #[test]
    fn non_finite_maps_are_refused(bad in prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY)], at in 0usize..6) {
        let mut k = [0.5, 0.0, 0.0, 0.5, 0.0, 0.0];
        k[at] = bad;
        prop_assert!(Ifs2::new([(map(k), 1.0)]).is_err());
    }

    /// The blur and the colour conversion take any bytes and sigmas (NaN, huge) without a panic.
    #[test]
    fn blur_takes_any_sigma(sigma in prop_oneof![Just(f64::NAN), Just(0.0), Just(-1.0), Just(1e300), 0.01f64..50.0], bytes in prop::collection::vec(any::<u8>(), 16 * 16 * 3)) {
        let mut img = bytes.clone();
        let kernel = gaussian_kernel_3(sigma);
        prop_assert_eq!(kernel[0] * 2 + kernel[1], 256);
        gaussian_blur_3x3(&mut img, 16, kernel, &mut [0u16; 16 * 3 * 3]);
        let _ = hsv_to_rgb([bytes[0], bytes[1], bytes[2]]);
    }
}
