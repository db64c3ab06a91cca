//! OpenCV's drawing against OpenCV. `tests/data/opencv_fill.txt` holds 4,000 shapes (circles of
//! radius 0 to 5,000 and polygons of 1 to 8 vertices, inside, across and far beyond canvases from
//! 1 x 1 to 128 x 128, degenerate ones and dead leaves' own) with the number and a digest of the
//! pixels OpenCV 4.5.5's `cv2.circle(thickness=-1)` / `cv2.fillPoly` set (`scripts/opencv_fill.py`);
//! `tests/data/opencv_draw.txt` 3,000 shapes drawn by OpenCV 4.9.0 (`cv2.ellipse` filled and
//! outlined, `cv2.polylines` thick, `cv2.fillPoly`), PrimGeoSeg's own slices and harder ones off the
//! canvas (`scripts/opencv_draw.py`).

use fdsl_core::raster::opencv_draw::{Stroke, ellipse, polylines};
use fdsl_core::raster::opencv_fill::{fill_circle, fill_poly, fill_poly_v4_9};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

/// Paint the runs of `vertices` (1 to 8 of them) as `fill_poly` gives them.
fn poly(vertices: &[(i32, i32)], w: usize, h: usize, paint: impl FnMut(usize, usize, usize)) {
    fn fixed<const N: usize>(v: &[(i32, i32)], w: usize, h: usize, paint: impl FnMut(usize, usize, usize)) {
        fill_poly(&<[(i32, i32); N]>::try_from(v).unwrap(), w, h, paint)
    }
    match vertices.len() {
        1 => fixed::<1>(vertices, w, h, paint),
        2 => fixed::<2>(vertices, w, h, paint),
        3 => fixed::<3>(vertices, w, h, paint),
        4 => fixed::<4>(vertices, w, h, paint),
        5 => fixed::<5>(vertices, w, h, paint),
        6 => fixed::<6>(vertices, w, h, paint),
        8 => fixed::<8>(vertices, w, h, paint),
        n => panic!("no test polygon has {n} vertices"),
    }
}

/// Draw each line of a fixture (`kind W H ... n digest`) with `draw(fields, int, w, h, paint)`, which
/// returns the index of `n`, and list the lines whose pixels differ from OpenCV's; also count the
/// lines of each kind.
fn differences(
    text: &str,
    mut draw: impl FnMut(
        &[&str],
        &dyn Fn(usize) -> i64,
        usize,
        usize,
        &mut dyn FnMut(usize, usize, usize),
    ) -> usize,
) -> (Vec<String>, std::collections::BTreeMap<String, usize>) {
    let (mut wrong, mut kinds) = (Vec::new(), std::collections::BTreeMap::new());
    for (n, line) in text.lines().enumerate() {
        let f: Vec<&str> = line.split(' ').collect();
        let int = |i: usize| f[i].parse::<i64>().unwrap();
        let (w, h) = (int(1) as usize, int(2) as usize);
        let mut canvas = vec![0u8; w * h];
        let mut paint = |y: usize, x0: usize, x1: usize| {
            assert!(y < h && x0 <= x1 && x1 < w, "line {}: run ({y}, {x0}, {x1}) off the canvas", n + 1);
            canvas[y * w + x0..=y * w + x1].fill(1);
        };
        let tail = draw(&f, &int, w, h, &mut paint);
        *kinds.entry(f[0].to_string()).or_insert(0) += 1;
        let set = canvas.iter().filter(|&&v| v == 1).count();
        let digest: String = Sha256::digest(&canvas)[..8].iter().map(|b| format!("{b:02x}")).collect();
        if set as i64 != int(tail) || digest != f[tail + 1] {
            wrong.push(format!("line {}: {line} (ours: {set} {digest})", n + 1));
        }
    }
    (wrong, kinds)
}

/// The `k` vertices `x y` from field `from + 1` on, `k` being field `from`.
fn vertices(int: &dyn Fn(usize) -> i64, from: usize) -> Vec<(i32, i32)> {
    (0..int(from) as usize).map(|j| (int(from + 1 + 2 * j) as i32, int(from + 2 + 2 * j) as i32)).collect()
}

#[test]
fn the_same_pixels_as_opencv() {
    let (wrong, kinds) = differences(include_str!("data/opencv_fill.txt"), |f, int, w, h, paint| {
        if f[0] == "circle" {
            fill_circle((int(3) as i32, int(4) as i32), int(5) as u32, w, h, paint);
            6
        } else {
            let v = vertices(int, 3);
            poly(&v, w, h, paint);
            4 + 2 * v.len()
        }
    });
    assert_eq!((kinds["circle"], kinds["poly"]), (1000, 3000));
    assert!(wrong.is_empty(), "{} of 4000 differ:\n{}", wrong.len(), wrong[..wrong.len().min(20)].join("\n"));
}

#[test]
fn the_same_pixels_as_opencv_4_9() {
    let (wrong, kinds) =
        differences(include_str!("data/opencv_draw.txt"), |f, int, w, h, paint| match f[0] {
            "ellipse" => {
                let stroke = if int(8) < 0 { Stroke::Filled } else { Stroke::Outline(int(8) as u32) };
                let (centre, axes) = ((int(3) as i32, int(4) as i32), (int(5) as u32, int(6) as u32));
                ellipse(centre, axes, int(7) as u32, stroke, w, h, paint);
                9
            }
            "polylines" => {
                let v = vertices(int, 5);
                polylines(&v, int(3) == 1, int(4) as u32, w, h, paint);
                6 + 2 * v.len()
            }
            _ => {
                let v = vertices(int, 3);
                fill_poly_v4_9(&v, w, h, paint);
                4 + 2 * v.len()
            }
        });
    assert_eq!((kinds["ellipse"], kinds["polylines"], kinds["fillpoly"]), (1000, 1000, 1000));
    assert!(wrong.is_empty(), "{} of 3000 differ:\n{}", wrong.len(), wrong[..wrong.len().min(20)].join("\n"));
}

fn coordinate() -> impl Strategy<Value = i32> {
    prop_oneof![-80i32..150, -100_000i32..100_000]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Any circle, polygon (4.5 and 4.9 fills, thick outline) or ellipse on any canvas (empty ones
    /// included): every run lies on the canvas, and a circle whose box misses the canvas has none.
    #[test]
    fn runs_stay_on_the_canvas(
        w in 0usize..70, h in 0usize..70, c in (coordinate(), coordinate()), radius in 0u32..20_000,
        v in proptest::collection::vec((coordinate(), coordinate()), 1..=6),
    ) {
        let mut runs = Vec::new();
        fill_circle(c, radius, w, h, |y, x0, x1| runs.push((y, x0, x1)));
        poly(&v, w, h, |y, x0, x1| runs.push((y, x0, x1)));
        fill_poly_v4_9(&v, w, h, |y, x0, x1| runs.push((y, x0, x1)));
        polylines(&v, radius % 2 == 0, 2 + radius % 3, w, h, |y, x0, x1| runs.push((y, x0, x1)));
        let (axes, angle) = ((radius % 60, radius / 300), radius % 361);
        ellipse(c, axes, angle, Stroke::Filled, w, h, |y, x0, x1| runs.push((y, x0, x1)));
        ellipse(c, axes, angle, Stroke::Outline(2), w, h, |y, x0, x1| runs.push((y, x0, x1)));
        prop_assert!(runs.iter().all(|&(y, x0, x1)| y < h && x0 <= x1 && x1 < w));
        let (r, (cx, cy)) = (i64::from(radius), (i64::from(c.0), i64::from(c.1)));
        if cx + r < 0 || cy + r < 0 || cx - r >= w as i64 || cy - r >= h as i64 {
            let mut circle = 0;
            fill_circle(c, radius, w, h, |_, _, _| circle += 1);
            prop_assert_eq!(circle, 0);
        }
    }
}
