//! OpenCV 4.9.0's outlines and sub-pixel fills, pixel for pixel, as PrimGeoSeg's reference draws its
//! slices (opencv/opencv 4.9.0, `modules/imgproc/src/drawing.cpp`, `lineType = LINE_8`):
//! `cv2.ellipse(img, center, axes, angle, 0, 360, color, thickness)` filled (`thickness = −1`) or
//! outlined, and `cv2.polylines(img, [pts], isClosed, color, thickness)`.
//!
//! Everything is OpenCV's integer arithmetic in 16-bit fixed point (`XY_SHIFT = 16`) plus the few
//! doubles it takes: the ellipse's polygon from OpenCV's single-precision table of sines at whole
//! degrees, a thick segment's half-width offset (`√`, round half to even as `cvRound`). Shapes come
//! out as horizontal runs `(y, x_first, x_last)` (both ends included) clipped to a `width × height`
//! grid, for the caller to paint; runs may repeat pixels, as OpenCV paints them twice. Checked
//! against opencv-python-headless 4.9.0.80 (`tests/opencv_fill.rs`, `scripts/opencv_draw.py`).

use crate::raster::opencv_fill::{MAX_POLY_VERTICES, clip_line_ends, fill_circle};

/// OpenCV's fixed-point shift of sub-pixel coordinates.
const XY_SHIFT: u32 = 16;
/// One pixel in that fixed point.
const XY_ONE: i64 = 1 << XY_SHIFT;
/// Half a pixel in that fixed point.
const HALF: i64 = XY_ONE >> 1;

/// The most vertices an ellipse's polygon has (every 5 degrees, both ends): [`ellipse`]'s bound.
const MAX_ELLIPSE_POINTS: usize = 360 / 5 + 1;

/// `SinTable`: sin at whole degrees 0 to 450, rounded to 7 decimals, as `f32` (cos θ is
/// `SIN_TABLE[450 − θ]`). Generated from `math.sin` (`'%.7f' % sin(radians(d))`, which gives
/// OpenCV's table exactly, signed zero at 360 included).
// The literals are the table: 7 decimals each, parsed to the nearest `f32` as C parses OpenCV's.
#[allow(clippy::excessive_precision, clippy::approx_constant)]
#[rustfmt::skip]
const SIN_TABLE: [f32; 451] = [
    0.0000000_f32, 0.0174524_f32, 0.0348995_f32, 0.0523360_f32, 0.0697565_f32, 0.0871557_f32, 0.1045285_f32, 0.1218693_f32,
    0.1391731_f32, 0.1564345_f32, 0.1736482_f32, 0.1908090_f32, 0.2079117_f32, 0.2249511_f32, 0.2419219_f32, 0.2588190_f32,
    0.2756374_f32, 0.2923717_f32, 0.3090170_f32, 0.3255682_f32, 0.3420201_f32, 0.3583679_f32, 0.3746066_f32, 0.3907311_f32,
    0.4067366_f32, 0.4226183_f32, 0.4383711_f32, 0.4539905_f32, 0.4694716_f32, 0.4848096_f32, 0.5000000_f32, 0.5150381_f32,
    0.5299193_f32, 0.5446390_f32, 0.5591929_f32, 0.5735764_f32, 0.5877853_f32, 0.6018150_f32, 0.6156615_f32, 0.6293204_f32,
    0.6427876_f32, 0.6560590_f32, 0.6691306_f32, 0.6819984_f32, 0.6946584_f32, 0.7071068_f32, 0.7193398_f32, 0.7313537_f32,
    0.7431448_f32, 0.7547096_f32, 0.7660444_f32, 0.7771460_f32, 0.7880108_f32, 0.7986355_f32, 0.8090170_f32, 0.8191520_f32,
    0.8290376_f32, 0.8386706_f32, 0.8480481_f32, 0.8571673_f32, 0.8660254_f32, 0.8746197_f32, 0.8829476_f32, 0.8910065_f32,
    0.8987940_f32, 0.9063078_f32, 0.9135455_f32, 0.9205049_f32, 0.9271839_f32, 0.9335804_f32, 0.9396926_f32, 0.9455186_f32,
    0.9510565_f32, 0.9563048_f32, 0.9612617_f32, 0.9659258_f32, 0.9702957_f32, 0.9743701_f32, 0.9781476_f32, 0.9816272_f32,
    0.9848078_f32, 0.9876883_f32, 0.9902681_f32, 0.9925462_f32, 0.9945219_f32, 0.9961947_f32, 0.9975641_f32, 0.9986295_f32,
    0.9993908_f32, 0.9998477_f32, 1.0000000_f32, 0.9998477_f32, 0.9993908_f32, 0.9986295_f32, 0.9975641_f32, 0.9961947_f32,
    0.9945219_f32, 0.9925462_f32, 0.9902681_f32, 0.9876883_f32, 0.9848078_f32, 0.9816272_f32, 0.9781476_f32, 0.9743701_f32,
    0.9702957_f32, 0.9659258_f32, 0.9612617_f32, 0.9563048_f32, 0.9510565_f32, 0.9455186_f32, 0.9396926_f32, 0.9335804_f32,
    0.9271839_f32, 0.9205049_f32, 0.9135455_f32, 0.9063078_f32, 0.8987940_f32, 0.8910065_f32, 0.8829476_f32, 0.8746197_f32,
    0.8660254_f32, 0.8571673_f32, 0.8480481_f32, 0.8386706_f32, 0.8290376_f32, 0.8191520_f32, 0.8090170_f32, 0.7986355_f32,
    0.7880108_f32, 0.7771460_f32, 0.7660444_f32, 0.7547096_f32, 0.7431448_f32, 0.7313537_f32, 0.7193398_f32, 0.7071068_f32,
    0.6946584_f32, 0.6819984_f32, 0.6691306_f32, 0.6560590_f32, 0.6427876_f32, 0.6293204_f32, 0.6156615_f32, 0.6018150_f32,
    0.5877853_f32, 0.5735764_f32, 0.5591929_f32, 0.5446390_f32, 0.5299193_f32, 0.5150381_f32, 0.5000000_f32, 0.4848096_f32,
    0.4694716_f32, 0.4539905_f32, 0.4383711_f32, 0.4226183_f32, 0.4067366_f32, 0.3907311_f32, 0.3746066_f32, 0.3583679_f32,
    0.3420201_f32, 0.3255682_f32, 0.3090170_f32, 0.2923717_f32, 0.2756374_f32, 0.2588190_f32, 0.2419219_f32, 0.2249511_f32,
    0.2079117_f32, 0.1908090_f32, 0.1736482_f32, 0.1564345_f32, 0.1391731_f32, 0.1218693_f32, 0.1045285_f32, 0.0871557_f32,
    0.0697565_f32, 0.0523360_f32, 0.0348995_f32, 0.0174524_f32, 0.0000000_f32, -0.0174524_f32, -0.0348995_f32, -0.0523360_f32,
    -0.0697565_f32, -0.0871557_f32, -0.1045285_f32, -0.1218693_f32, -0.1391731_f32, -0.1564345_f32, -0.1736482_f32, -0.1908090_f32,
    -0.2079117_f32, -0.2249511_f32, -0.2419219_f32, -0.2588190_f32, -0.2756374_f32, -0.2923717_f32, -0.3090170_f32, -0.3255682_f32,
    -0.3420201_f32, -0.3583679_f32, -0.3746066_f32, -0.3907311_f32, -0.4067366_f32, -0.4226183_f32, -0.4383711_f32, -0.4539905_f32,
    -0.4694716_f32, -0.4848096_f32, -0.5000000_f32, -0.5150381_f32, -0.5299193_f32, -0.5446390_f32, -0.5591929_f32, -0.5735764_f32,
    -0.5877853_f32, -0.6018150_f32, -0.6156615_f32, -0.6293204_f32, -0.6427876_f32, -0.6560590_f32, -0.6691306_f32, -0.6819984_f32,
    -0.6946584_f32, -0.7071068_f32, -0.7193398_f32, -0.7313537_f32, -0.7431448_f32, -0.7547096_f32, -0.7660444_f32, -0.7771460_f32,
    -0.7880108_f32, -0.7986355_f32, -0.8090170_f32, -0.8191520_f32, -0.8290376_f32, -0.8386706_f32, -0.8480481_f32, -0.8571673_f32,
    -0.8660254_f32, -0.8746197_f32, -0.8829476_f32, -0.8910065_f32, -0.8987940_f32, -0.9063078_f32, -0.9135455_f32, -0.9205049_f32,
    -0.9271839_f32, -0.9335804_f32, -0.9396926_f32, -0.9455186_f32, -0.9510565_f32, -0.9563048_f32, -0.9612617_f32, -0.9659258_f32,
    -0.9702957_f32, -0.9743701_f32, -0.9781476_f32, -0.9816272_f32, -0.9848078_f32, -0.9876883_f32, -0.9902681_f32, -0.9925462_f32,
    -0.9945219_f32, -0.9961947_f32, -0.9975641_f32, -0.9986295_f32, -0.9993908_f32, -0.9998477_f32, -1.0000000_f32, -0.9998477_f32,
    -0.9993908_f32, -0.9986295_f32, -0.9975641_f32, -0.9961947_f32, -0.9945219_f32, -0.9925462_f32, -0.9902681_f32, -0.9876883_f32,
    -0.9848078_f32, -0.9816272_f32, -0.9781476_f32, -0.9743701_f32, -0.9702957_f32, -0.9659258_f32, -0.9612617_f32, -0.9563048_f32,
    -0.9510565_f32, -0.9455186_f32, -0.9396926_f32, -0.9335804_f32, -0.9271839_f32, -0.9205049_f32, -0.9135455_f32, -0.9063078_f32,
    -0.8987940_f32, -0.8910065_f32, -0.8829476_f32, -0.8746197_f32, -0.8660254_f32, -0.8571673_f32, -0.8480481_f32, -0.8386706_f32,
    -0.8290376_f32, -0.8191520_f32, -0.8090170_f32, -0.7986355_f32, -0.7880108_f32, -0.7771460_f32, -0.7660444_f32, -0.7547096_f32,
    -0.7431448_f32, -0.7313537_f32, -0.7193398_f32, -0.7071068_f32, -0.6946584_f32, -0.6819984_f32, -0.6691306_f32, -0.6560590_f32,
    -0.6427876_f32, -0.6293204_f32, -0.6156615_f32, -0.6018150_f32, -0.5877853_f32, -0.5735764_f32, -0.5591929_f32, -0.5446390_f32,
    -0.5299193_f32, -0.5150381_f32, -0.5000000_f32, -0.4848096_f32, -0.4694716_f32, -0.4539905_f32, -0.4383711_f32, -0.4226183_f32,
    -0.4067366_f32, -0.3907311_f32, -0.3746066_f32, -0.3583679_f32, -0.3420201_f32, -0.3255682_f32, -0.3090170_f32, -0.2923717_f32,
    -0.2756374_f32, -0.2588190_f32, -0.2419219_f32, -0.2249511_f32, -0.2079117_f32, -0.1908090_f32, -0.1736482_f32, -0.1564345_f32,
    -0.1391731_f32, -0.1218693_f32, -0.1045285_f32, -0.0871557_f32, -0.0697565_f32, -0.0523360_f32, -0.0348995_f32, -0.0174524_f32,
    -0.0000000_f32, 0.0174524_f32, 0.0348995_f32, 0.0523360_f32, 0.0697565_f32, 0.0871557_f32, 0.1045285_f32, 0.1218693_f32,
    0.1391731_f32, 0.1564345_f32, 0.1736482_f32, 0.1908090_f32, 0.2079117_f32, 0.2249511_f32, 0.2419219_f32, 0.2588190_f32,
    0.2756374_f32, 0.2923717_f32, 0.3090170_f32, 0.3255682_f32, 0.3420201_f32, 0.3583679_f32, 0.3746066_f32, 0.3907311_f32,
    0.4067366_f32, 0.4226183_f32, 0.4383711_f32, 0.4539905_f32, 0.4694716_f32, 0.4848096_f32, 0.5000000_f32, 0.5150381_f32,
    0.5299193_f32, 0.5446390_f32, 0.5591929_f32, 0.5735764_f32, 0.5877853_f32, 0.6018150_f32, 0.6156615_f32, 0.6293204_f32,
    0.6427876_f32, 0.6560590_f32, 0.6691306_f32, 0.6819984_f32, 0.6946584_f32, 0.7071068_f32, 0.7193398_f32, 0.7313537_f32,
    0.7431448_f32, 0.7547096_f32, 0.7660444_f32, 0.7771460_f32, 0.7880108_f32, 0.7986355_f32, 0.8090170_f32, 0.8191520_f32,
    0.8290376_f32, 0.8386706_f32, 0.8480481_f32, 0.8571673_f32, 0.8660254_f32, 0.8746197_f32, 0.8829476_f32, 0.8910065_f32,
    0.8987940_f32, 0.9063078_f32, 0.9135455_f32, 0.9205049_f32, 0.9271839_f32, 0.9335804_f32, 0.9396926_f32, 0.9455186_f32,
    0.9510565_f32, 0.9563048_f32, 0.9612617_f32, 0.9659258_f32, 0.9702957_f32, 0.9743701_f32, 0.9781476_f32, 0.9816272_f32,
    0.9848078_f32, 0.9876883_f32, 0.9902681_f32, 0.9925462_f32, 0.9945219_f32, 0.9961947_f32, 0.9975641_f32, 0.9986295_f32,
    0.9993908_f32, 0.9998477_f32, 1.0000000_f32,
];

/// `cvRound`: to the nearest integer, ties to even (SSE2's `cvtsd_si32` in the default mode).
fn cv_round(v: f64) -> i64 {
    libm::rint(v) as i64
}

/// A pixel `(x, y)` as a one-pixel run, if it is on the grid.
fn put(x: i64, y: i64, w: i64, h: i64, run: &mut impl FnMut(usize, usize, usize)) {
    if (0..w).contains(&x) && (0..h).contains(&y) {
        run(y as usize, x as usize, x as usize);
    }
}

/// OpenCV's `Line2`: the segment between two 16.16 points, one pixel per step along its major
/// axis. It is first clipped to `[0, w·2¹⁶ − 1] × [0, h·2¹⁶ − 1]` (nothing if it misses); then it
/// runs from the end with the smaller major coordinate, the minor coordinate stepping by
/// `Δminor · 2¹⁶ / (Δmajor | 1)` (truncated) from the end's plus half a pixel, `⌊Δmajor⌋ + 1`
/// pixels, after the far end rounded to the nearest pixel.
fn line2(p0: (i64, i64), p1: (i64, i64), w: i64, h: i64, run: &mut impl FnMut(usize, usize, usize)) {
    let (a, b, inside) = clip_line_ends(p0, p1, w << XY_SHIFT, h << XY_SHIFT);
    if !inside {
        return;
    }
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let x_major = dx.abs() > dy.abs();
    // Order the ends along the major axis.
    let (mut p, q) = if (x_major && dx < 0) || (!x_major && dy < 0) { (b, a) } else { (a, b) };
    let (dx, dy) = (q.0 - p.0, q.1 - p.1);
    put((q.0 + HALF) >> XY_SHIFT, (q.1 + HALF) >> XY_SHIFT, w, h, run);
    p = (p.0 + HALF, p.1 + HALF);
    if x_major {
        let step = dy * XY_ONE / (dx | 1);
        let x0 = p.0 >> XY_SHIFT;
        for x in x0..=x0 + (dx >> XY_SHIFT) {
            put(x, p.1 >> XY_SHIFT, w, h, run);
            p.1 += step;
        }
    } else {
        let step = dx * XY_ONE / (dy | 1);
        let y0 = p.1 >> XY_SHIFT;
        for y in y0..=y0 + (dy >> XY_SHIFT) {
            put(p.0 >> XY_SHIFT, y, w, h, run);
            p.0 += step;
        }
    }
}

/// OpenCV's `FillConvexPoly` at `shift = 16` (`LINE_8`): the outline as `line2` segments from the
/// last vertex round, then the rows from the top vertex (`⌊y + ½⌋`) to the bottom one (clamped to
/// the grid) between two chains walked from the top vertex forwards and backwards: each chain's
/// edge enters at the row its upper vertex starts, abscissa that vertex's `x`, slope
/// `(2·Δx + Δrows) / (2·Δrows)` per row (truncated), and the span is `⌊x_left + ½⌋ ..= ⌊x_right + ½⌋`.
/// Nothing is filled for fewer than three vertices or a polygon off the grid; the walk stops once
/// the chains have used up the polygon's edges.
pub fn fill_convex(
    vertices: &[(i64, i64)],
    width: usize,
    height: usize,
    mut run: impl FnMut(usize, usize, usize),
) {
    let (w, h, n) = (width as i64, height as i64, vertices.len());
    if n == 0 || w == 0 || h == 0 {
        return;
    }
    let (mut x_min, mut x_max, mut y_min, mut y_max, mut top) =
        (vertices[0].0, vertices[0].0, vertices[0].1, vertices[0].1, 0);
    let mut p0 = vertices[n - 1];
    for (i, &p) in vertices.iter().enumerate() {
        if p.1 < y_min {
            (y_min, top) = (p.1, i);
        }
        (y_max, x_max, x_min) = (y_max.max(p.1), x_max.max(p.0), x_min.min(p.0));
        line2(p0, p, w, h, &mut run);
        p0 = p;
    }
    let [x_min, x_max, y_min, y_max] = [x_min, x_max, y_min, y_max].map(|v| (v + HALF) >> XY_SHIFT);
    if n < 3 || x_max < 0 || y_max < 0 || x_min >= w || y_min >= h {
        return;
    }
    let y_last = y_max.min(h - 1);
    /// One chain: the index of its current lower vertex, its direction, abscissa, slope, end row.
    #[derive(Clone, Copy)]
    struct Chain {
        idx: usize,
        di: usize,
        x: i64,
        dx: i64,
        ye: i64,
    }
    let mut chains = [
        Chain { idx: top, di: 1, x: -XY_ONE, dx: 0, ye: y_min },
        Chain { idx: top, di: n - 1, x: -XY_ONE, dx: 0, ye: y_min },
    ];
    let mut edges_left = n as i64;
    let mut y = y_min;
    loop {
        for c in &mut chains {
            if y < c.ye {
                continue;
            }
            let (mut idx0, mut idx) = (c.idx, (c.idx + c.di) % n);
            loop {
                let more = edges_left > 0;
                edges_left -= 1;
                if !more {
                    break;
                }
                let ty = (vertices[idx].1 + HALF) >> XY_SHIFT;
                if ty > y {
                    let (xs, xe) = (vertices[idx0].0, vertices[idx].0);
                    c.ye = ty;
                    c.dx = ((xe - xs) * 2 + (ty - y)) / (2 * (ty - y));
                    c.x = xs;
                    c.idx = idx;
                    break;
                }
                idx0 = idx;
                idx = (idx + c.di) % n;
            }
        }
        if edges_left < 0 {
            break;
        }
        if y >= 0 {
            let (l, r) = if chains[0].x > chains[1].x { (1, 0) } else { (0, 1) };
            let (x1, x2) = ((chains[l].x + HALF) >> XY_SHIFT, (chains[r].x + HALF) >> XY_SHIFT);
            if x2 >= 0 && x1 < w && x1.max(0) <= x2.min(w - 1) {
                run(y as usize, x1.max(0) as usize, x2.min(w - 1) as usize);
            }
        }
        chains[0].x += chains[0].dx;
        chains[1].x += chains[1].dx;
        y += 1;
        if y > y_last {
            break;
        }
    }
}

/// OpenCV's `ThickLine` for `LINE_8` between two 16.16 points, `thickness ≥ 2`: the quadrilateral
/// of half-width `thickness / 2` around the segment (offset `(cvRound(Δy·r), cvRound(Δx·r))` with
/// `Δx = x0 − x1`, `Δy = y1 − y0` in pixels and `r = (thickness·2¹⁵ + odd·2¹⁵) / |Δ|`, skipped for a
/// point) by [`fill_convex`], then a filled circle of radius `⌊(thickness·2¹⁵ + 2¹⁵) / 2¹⁶⌋` at
/// the first end if `flags & 1`, at the second if `flags & 2`, each centred on the end rounded to
/// the nearest pixel. Thinner lines are OpenCV's plain segments, which no caller here draws.
fn thick_line(
    p0: (i64, i64),
    p1: (i64, i64),
    thickness: u32,
    flags: u32,
    w: usize,
    h: usize,
    run: &mut impl FnMut(usize, usize, usize),
) {
    let inv = 1.0 / XY_ONE as f64;
    let (dx, dy) = ((p0.0 - p1.0) as f64 * inv, (p1.1 - p0.1) as f64 * inv);
    let r = dx * dx + dy * dy;
    let odd = i64::from(thickness & 1);
    let half_width = i64::from(thickness) << (XY_SHIFT - 1);
    if r.abs() > f64::EPSILON {
        let r = (half_width as f64 + (odd * XY_ONE) as f64 * 0.5) / libm::sqrt(r);
        let dp = (cv_round(dy * r), cv_round(dx * r));
        let quad = [
            (p0.0 + dp.0, p0.1 + dp.1),
            (p0.0 - dp.0, p0.1 - dp.1),
            (p1.0 - dp.0, p1.1 - dp.1),
            (p1.0 + dp.0, p1.1 + dp.1),
        ];
        fill_convex(&quad, w, h, &mut *run);
    }
    let radius = ((half_width + HALF) >> XY_SHIFT) as u32;
    for (i, p) in [p0, p1].into_iter().enumerate() {
        if flags & (1 << i) != 0 {
            let centre = (((p.0 + HALF) >> XY_SHIFT) as i32, ((p.1 + HALF) >> XY_SHIFT) as i32);
            fill_circle(centre, radius, w, h, &mut *run);
        }
    }
}

/// OpenCV's `PolyLine` of 16.16 points with `thickness ≥ 2`: [`thick_line`] along consecutive
/// points, starting from the last point to the first when `closed`; the first segment of an open
/// line also caps its start (flags 3), every segment caps its end (flags 2).
fn poly_line(
    points: &[(i64, i64)],
    closed: bool,
    thickness: u32,
    w: usize,
    h: usize,
    run: &mut impl FnMut(usize, usize, usize),
) {
    let Some(&last) = points.last() else { return };
    let (mut p0, rest, mut flags) = if closed { (last, points, 2) } else { (points[0], &points[1..], 3) };
    for &p in rest {
        thick_line(p0, p, thickness, flags, w, h, run);
        p0 = p;
        flags = 2;
    }
}

/// The runs of `cv2.polylines(img, [vertices], closed, color, thickness)` (`LINE_8`, `shift = 0`,
/// `thickness ≥ 2`; thinner lines are not drawn).
pub fn polylines(
    vertices: &[(i32, i32)],
    closed: bool,
    thickness: u32,
    width: usize,
    height: usize,
    mut run: impl FnMut(usize, usize, usize),
) {
    let mut points = [(0i64, 0i64); MAX_POLY_VERTICES];
    let n = vertices.len().min(points.len());
    for (p, &(x, y)) in points.iter_mut().zip(vertices) {
        *p = (i64::from(x) << XY_SHIFT, i64::from(y) << XY_SHIFT);
    }
    if thickness >= 2 {
        poly_line(&points[..n], closed, thickness, width, height, &mut run);
    }
}

/// How `cv2.ellipse` draws: filled (`thickness = −1`) or outlined with a thickness of at least 2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stroke {
    /// `thickness = −1`: the polygon filled by [`fill_convex`].
    Filled,
    /// `thickness = t ≥ 2`: the polygon as an open [`polylines`] of that thickness (its last point
    /// is its first).
    Outline(u32),
}

/// The runs of `cv2.ellipse(img, center, axes, angle, 0, 360, color, thickness)` (`LINE_8`,
/// `shift = 0`, a whole-degree `angle`): OpenCV's `EllipseEx`. Its polygon is
/// `ellipse2Poly` with a step of 90° if the larger semi-axis is below 3, 30° below 10, 18° below
/// 15, else 5°: for `t = 0, step, …, 360`, `(A·cos t, B·sin t)` rotated by `angle`, with every sine
/// and cosine from `SIN_TABLE` (`f32`, products in `f64`), centred, in 16.16 rounded half to
/// even, repeated points dropped (a single point becomes the centre twice). Then [`Stroke`].
pub fn ellipse(
    center: (i32, i32),
    axes: (u32, u32),
    angle: u32,
    stroke: Stroke,
    width: usize,
    height: usize,
    mut run: impl FnMut(usize, usize, usize),
) {
    let mut angle = angle;
    while angle > 360 {
        angle -= 360;
    }
    let angle = angle as usize;
    let larger = axes.0.max(axes.1);
    let step = match larger {
        0..3 => 90,
        3..10 => 30,
        10..15 => 18,
        _ => 5,
    };
    let (cx, cy) = (f64::from(center.0) * XY_ONE as f64, f64::from(center.1) * XY_ONE as f64);
    let (a, b) = (f64::from(axes.0) * XY_ONE as f64, f64::from(axes.1) * XY_ONE as f64);
    let (alpha, beta) = (f64::from(SIN_TABLE[450 - angle]), f64::from(SIN_TABLE[angle]));
    let mut points = [(0i64, 0i64); MAX_ELLIPSE_POINTS];
    let mut n = 0;
    for t in (0..=360).step_by(step) {
        let x = a * f64::from(SIN_TABLE[450 - t]);
        let y = b * f64::from(SIN_TABLE[t]);
        let p = (cx + x * alpha - y * beta, cy + x * beta + y * alpha);
        let fixed = |v: f64| {
            let whole = cv_round(v / XY_ONE as f64) << XY_SHIFT;
            whole + cv_round(v - whole as f64)
        };
        let p = (fixed(p.0), fixed(p.1));
        if n == 0 || points[n - 1] != p {
            points[n] = p;
            n += 1;
        }
    }
    if n <= 1 {
        let c = (i64::from(center.0) << XY_SHIFT, i64::from(center.1) << XY_SHIFT);
        points[..2].copy_from_slice(&[c, c]);
        n = 2;
    }
    match stroke {
        Stroke::Filled => fill_convex(&points[..n], width, height, run),
        Stroke::Outline(t) if t >= 2 => poly_line(&points[..n], false, t, width, height, &mut run),
        Stroke::Outline(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sin_at_whole_degrees() {
        for (d, &s) in SIN_TABLE.iter().enumerate() {
            assert!((f64::from(s) - libm::sin((d as f64).to_radians())).abs() < 1e-7, "{d}");
        }
    }
}
