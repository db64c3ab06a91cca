//! Properties over the whole parameter space: any IFS (NaN, infinities, huge and degenerate maps
//! included), any canvas, any position: no panic, nothing out of bounds, same input same bytes.

use fdsl_core::families::fractaldb::search::{Criteria, try_candidate};
use fdsl_core::families::fractaldb::{Draw, HUE_PERIOD, Instance, Recipe, paint, paint_hue, trace};
use fdsl_core::math::frame::{Bounds, Frame, Grid};
use fdsl_core::math::ifs::MAX_MAPS;
use fdsl_core::raster::canvas::INK;
use fdsl_core::{Affine2, Canvas, Flip, Ifs2};
use proptest::prelude::*;

/// Any f64, with the values that break naive code well represented.
fn coefficient() -> impl Strategy<Value = f64> {
    prop_oneof![
        12 => -1.0..1.0f64,
        4 => -3.0..3.0f64,
        1 => prop::num::f64::ANY,
        1 => prop::sample::select(vec![
            0.0, -0.0, 1.0, -1.0, 1e-300, 1e300, -1e300, f64::MAX, f64::MIN, f64::MIN_POSITIVE,
            f64::EPSILON, f64::INFINITY, f64::NEG_INFINITY, f64::NAN,
        ]),
    ]
}

fn map() -> impl Strategy<Value = (Affine2, f64)> {
    (prop::array::uniform6(coefficient()), prop_oneof![3 => 0.0..1.0f64, 1 => coefficient()])
        .prop_map(|(k, p)| (Affine2::from_coefficients(k), p))
}

fn maps() -> impl Strategy<Value = Vec<(Affine2, f64)>> {
    prop_oneof![
        6 => prop::collection::vec(map(), 1..8),
        1 => prop::collection::vec(map(), 0..=MAX_MAPS + 1),
    ]
}

fn recipe() -> impl Strategy<Value = Recipe> {
    (13u32..96, 13u32..96, 0u32..7, 1u32..3000, any::<bool>()).prop_map(
        |(width, height, pad, points, patch)| Recipe {
            grid: Grid { width, height, pad },
            points,
            draw: if patch { Draw::Patch } else { Draw::Point },
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn any_ifs_renders_inside_its_canvas_deterministically(maps in maps(), recipe in recipe(), seed: u64, weight in 0usize..25) {
        let Ok(ifs) = Ifs2::new(maps.iter().copied()) else {
            // Rejected input must be one of the documented errors, never a panic.
            let bad = maps.is_empty() || maps.len() > MAX_MAPS
                || maps.iter().any(|(m, p)| !p.is_finite() || *p < 0.0 || m.coefficients().iter().any(|k| !k.is_finite()))
                || maps.iter().map(|(_, p)| p).sum::<f64>().partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater);
            prop_assert!(bad);
            return Ok(());
        };
        let mut positions = vec![0u32; recipe.points as usize];
        let n = trace(&ifs, seed, 3, weight, &recipe, &mut positions).unwrap();
        prop_assert!(n <= recipe.points as usize);
        for &p in &positions[..n] {
            let (x, y) = (p & 0xffff, p >> 16);
            prop_assert!(x < recipe.grid.width && y < recipe.grid.height);
        }
        let (w, h) = (recipe.grid.width as usize, recipe.grid.height as usize);
        let mut a = vec![1u8; w * h];
        let mut b = vec![2u8; w * h];
        for buf in [&mut a, &mut b] {
            let mut canvas = Canvas::new(buf, w, h).unwrap();
            paint(&mut canvas, &positions[..n], recipe.draw, seed, 3, weight, 1);
        }
        prop_assert!(a == b);
        prop_assert!(a.iter().all(|&v| v == 0 || v == INK));
        // Hue colouring lights exactly the pixels grey lights, each with a palette index.
        paint_hue(&mut Canvas::new(&mut b, w, h).unwrap(), &positions[..n], recipe.draw, seed, 3, weight, 1);
        prop_assert!(a.iter().zip(&b).all(|(&g, &c)| (g == 0) == (c == 0) && usize::from(c) <= HUE_PERIOD));
        let mut again = vec![0u32; recipe.points as usize];
        prop_assert_eq!(trace(&ifs, seed, 3, weight, &recipe, &mut again).unwrap(), n);
        prop_assert!(again == positions);
    }

    #[test]
    fn patches_anywhere_touch_only_their_3x3_cells(w in 0usize..12, h in 0usize..12, x: u32, y: u32, mask: u16) {
        let (x, y) = (x % 16, y % 16);
        let mut buf = vec![7u8; w * h];
        Canvas::new(&mut buf, w, h).unwrap().patch(x, y, mask);
        for (i, &v) in buf.iter().enumerate() {
            let (px, py) = (i % w, i / w);
            let inside = (x as usize + 1..x as usize + 4).contains(&px) && (y as usize + 1..y as usize + 4).contains(&py);
            let expected = if inside { v == 0 || v == INK } else { v == 7 };
            prop_assert!(expected, "pixel {} = {}", i, v);
        }
        // Far away positions (the whole u32 range) never panic either.
        Canvas::new(&mut buf, w, h).unwrap().patch(u32::MAX, u32::MAX - 1, mask);
    }

    #[test]
    fn frame_pixels_are_inside_or_none(b in prop::array::uniform4(coefficient()), p in prop::array::uniform2(coefficient()),
                                       width in 13u32..5000, height in 13u32..5000, pad in 0u32..7) {
        let bounds = Bounds { min_x: b[0], max_x: b[1], min_y: b[2], max_y: b[3] };
        if let Some((x, y)) = Frame::new(&bounds, Grid { width, height, pad }).pixel((p[0], p[1])) {
            prop_assert!(x < width && y < height);
        }
    }

    #[test]
    fn flips_are_involutions_that_keep_the_filling_rate(w in 1usize..20, h in 1usize..20, seed: u64) {
        let mut pixels: Vec<u8> = (0..w * h).map(|i| ((i as u64).wrapping_mul(seed | 1) >> 7) as u8 & 127).collect();
        let original = pixels.clone();
        let canvas = Canvas::new(&mut pixels, w, h).unwrap();
        for flip in Flip::ALL {
            let mut once = vec![0u8; w * h];
            canvas.write_flipped(flip, &mut once).unwrap();
            prop_assert_eq!(fdsl_core::raster::canvas::filling_rate(&once), canvas.filling_rate());
            let mut twice = vec![0u8; w * h];
            Canvas::new(&mut once, w, h).unwrap().write_flipped(flip, &mut twice).unwrap();
            prop_assert!(twice == original);
        }
    }

    #[test]
    fn instance_indices_round_trip(i in 0usize..2000) {
        match Instance::from_index(i) {
            Some(instance) => prop_assert_eq!(instance.index(), i),
            None => prop_assert!(i >= 1000),
        }
    }

    #[test]
    fn search_accepts_exactly_at_the_threshold(seed: u64, index: u64, threshold in 0.0..0.5f64) {
        let criteria = Criteria { grid: Grid::square(48), points: 2000, threshold, ..fdsl_core::families::fractaldb::search::REFERENCE };
        let mut buf = vec![0u8; 48 * 48];
        let c = try_candidate(seed, index, &criteria, &mut Canvas::new(&mut buf, 48, 48).unwrap());
        prop_assert!((0.0..=1.0).contains(&c.filling_rate));
        prop_assert_eq!(c.accepted, c.filling_rate >= threshold);
        prop_assert!((2..=7).contains(&c.ifs.len()));
    }

    #[test]
    fn noise_mixes_are_centred_finite_and_sized(seed: u64, a in 0u64..64, b in 0u64..64, total in 2usize..3000, ratio in 0.0..=1.0f64) {
        use fdsl_core::families::pc_fractaldb::{NoiseMix, mix, part};
        use fdsl_core::math::stream::{Namespace, Purpose, StreamKey};
        let key = |category, purpose| StreamKey { seed, namespace: Namespace::PcFractalDb, category, instance: 0, purpose };
        let split = NoiseMix::with_ratio(total, ratio);
        prop_assert_eq!(split.total(), total);
        let mut main = vec![[9.0f32; 3]; split.main];
        let mut noise = vec![[9.0f32; 3]; split.noise];
        part(&fdsl_core::Ifs3::sample(&mut key(a, Purpose::Parameters).rng(), &fdsl_core::Sampling::FRACTALDB), key(a, Purpose::Chain).rng(), &mut main);
        part(&fdsl_core::Ifs3::sample(&mut key(b, Purpose::Parameters).rng(), &fdsl_core::Sampling::FRACTALDB), key(b, Purpose::Chain).rng(), &mut noise);
        let mut out = vec![[7.0f32; 3]; total];
        mix(&main, &noise, &mut out);
        prop_assert!(out.iter().flatten().all(|v| v.is_finite() && v.abs() <= 4.0));
        for axis in 0..3 {
            let mean = out.iter().map(|p| f64::from(p[axis])).sum::<f64>() / total as f64;
            prop_assert!(mean.abs() < 1e-5, "axis {} mean {}", axis, mean);
        }
    }

    #[test]
    fn lines_stay_in_their_grid_and_join_their_ends(from in prop::array::uniform2(point()), to in prop::array::uniform2(point()),
                                                     w in 0usize..40, h in 0usize..40) {
        use fdsl_core::raster::pil_line::line_pixels;
        let (from, to) = ((from[0], from[1]), (to[0], to[1]));
        let mut pixels = Vec::new();
        line_pixels(from, to, w, h, |i| pixels.push(i));
        prop_assert!(pixels.iter().all(|&i| i < w * h));
        prop_assert!(pixels.len() <= w.max(h));
        // Consecutive pixels are 8-neighbours, never the same pixel twice.
        for pair in pixels.windows(2) {
            let (a, b) = ((pair[0] % w, pair[0] / w), (pair[1] % w, pair[1] / w));
            prop_assert!(a != b && a.0.abs_diff(b.0) <= 1 && a.1.abs_diff(b.1) <= 1, "{:?} {:?}", a, b);
        }
        // End points truncated toward zero (PIL's `(int)`) inside the grid: both drawn, and one
        // pixel per step along the major axis.
        let pixel = |(x, y): (f64, f64)| (x as i64, y as i64);
        let inside = |(x, y): (i64, i64)| (0..w as i64).contains(&x) && (0..h as i64).contains(&y);
        let (p, q) = (pixel(from), pixel(to));
        if from.0.is_finite() && from.1.is_finite() && to.0.is_finite() && to.1.is_finite() && inside(p) && inside(q) {
            let index = |(x, y): (i64, i64)| x as usize + y as usize * w;
            prop_assert_eq!(pixels.first(), Some(&index(p)));
            prop_assert_eq!(pixels.last(), Some(&index(q)));
            prop_assert_eq!(pixels.len(), (p.0 - q.0).abs().max((p.1 - q.1).abs()) as usize + 1);
        }
    }

    #[test]
    fn lines_from_outside_keep_the_course_of_the_whole_line(x0 in -300.0..300.0f64, y0 in -300.0..300.0f64,
                                                            x1 in -300.0..300.0f64, y1 in -300.0..300.0f64,
                                                            w in 1usize..40, h in 1usize..40) {
        // PIL walks the whole integer line and drops the pixels outside; `line_pixels` starts at
        // the first pixel inside. Walk it whole here (PIL's loop) and compare.
        let (p, q) = ((x0 as i64, y0 as i64), (x1 as i64, y1 as i64));
        let (dx, dy) = ((q.0 - p.0).abs(), (q.1 - p.1).abs());
        let (sx, sy) = (if q.0 >= p.0 { 1 } else { -1 }, if q.1 >= p.1 { 1 } else { -1 });
        let (mut x, mut y, mut whole) = (p.0, p.1, Vec::new());
        let (n, mut e) = if dx >= dy { (dx, 2 * dy - dx) } else { (dy, 2 * dx - dy) };
        for _ in 0..=n {
            if (0..w as i64).contains(&x) && (0..h as i64).contains(&y) {
                whole.push(x as usize + y as usize * w);
            }
            if e >= 0 {
                if dx >= dy { y += sy } else { x += sx }
                e -= 2 * n;
            }
            e += 2 * if dx >= dy { dy } else { dx };
            if dx >= dy { x += sx } else { y += sy }
        }
        let mut ours = Vec::new();
        fdsl_core::raster::pil_line::line_pixels((x0, y0), (x1, y1), w, h, |i| ours.push(i));
        prop_assert_eq!(ours, whole);
    }

    #[test]
    fn pnoise1_is_finite_bounded_and_zero_on_the_lattice(x in coefficient(), k in -1_000_000i64..1_000_000) {
        use fdsl_core::math::perlin::pnoise1;
        let v = pnoise1(x);
        // Over every pair of gradients and every fraction the largest |value| is 0.952.
        prop_assert!(v.is_finite() && v.abs() < 1.0, "pnoise1({}) = {}", x, v);
        prop_assert_eq!(pnoise1(k as f64), 0.0);
        // The lattice repeats every 256 cells: an exact shift by a multiple of 256 keeps the value.
        let t = (x.abs().fract() * 1024.0).floor() / 1024.0;
        prop_assert_eq!(pnoise1(k as f64 + t), pnoise1((k + 256) as f64 + t));
    }

    #[test]
    fn rcdb_any_category_draws_deterministically_or_refuses(vertices in 0u32..1100, contours in 0u32..40,
                                                          c in coefficient(), lw in coefficient(), side in 1usize..80, seed: u64) {
        use fdsl_core::families::rcdb::{RcdbCategory, RcdbRanges, REFERENCE_RANGES};
        use fdsl_core::math::stream::{Namespace, Purpose, StreamKey};
        let category = RcdbCategory { vertices, contours, perlin_coefficient: c, line_width: lw };
        let ranges = RcdbRanges { max_radius: side as u32, start_position: side as u32, ..REFERENCE_RANGES };
        let key = StreamKey { seed, namespace: Namespace::Rcdb, category: 0, instance: 0, purpose: Purpose::Shape };
        let mut a = vec![7u8; side * side];
        let drawn = category.draw(&mut key.rng(), &ranges, &mut Canvas::new(&mut a, side, side).unwrap());
        prop_assert_eq!(drawn.is_ok(), category.check().is_ok());
        if drawn.is_ok() {
            let mut b = vec![0u8; side * side];
            category.draw(&mut key.rng(), &ranges, &mut Canvas::new(&mut b, side, side).unwrap()).unwrap();
            prop_assert!(a == b);
        } else {
            prop_assert!(a.iter().all(|&v| v == 7), "a refused category leaves the canvas alone");
        }
    }

    #[test]
    fn visual_atom_any_category_draws_deterministically_or_refuses(vertices in 0u32..1100, orbits in 0u32..30,
            lambda in coefficient(), lw in coefficient(), radius in coefficient(), ox in coefficient(), oy in coefficient(),
            n1 in 0u32..1100, n2 in 0u32..30, side in 1usize..80, seed: u64) {
        use fdsl_core::families::visual_atom::VisualAtomCategory;
        let instance_key = fdsl_core::families::drawn::instance_key::<VisualAtomCategory>;
        let category = VisualAtomCategory {
            vertices, orbits, perlin_coefficient: lambda, line_width: lw, start_radius: radius,
            frequencies: (n1, n2), oval: (ox, oy),
        };
        let mut a = vec![7u8; side * side];
        let drawn = category.draw(&mut instance_key(seed, 0, 0).rng(), &mut Canvas::new(&mut a, side, side).unwrap());
        prop_assert_eq!(drawn.is_ok(), category.check().is_ok());
        if drawn.is_ok() {
            let mut b = vec![0u8; side * side];
            category.draw(&mut instance_key(seed, 0, 0).rng(), &mut Canvas::new(&mut b, side, side).unwrap()).unwrap();
            prop_assert!(a == b);
        } else {
            prop_assert!(a.iter().all(|&v| v == 7), "a refused category leaves the canvas alone");
        }
    }
}

/// A coordinate: mostly near a small grid, sometimes anything.
fn point() -> impl Strategy<Value = f64> {
    prop_oneof![8 => -10.0..50.0f64, 1 => coefficient()]
}
