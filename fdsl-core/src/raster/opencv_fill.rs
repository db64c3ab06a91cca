//! OpenCV's filled shapes, pixel for pixel: `cv2.fillPoly` and `cv2.circle(…, thickness=-1)` with
//! the defaults `lineType=LINE_8`, `shift=0`, as dead leaves' reference paints its leaves
//! (opencv/opencv, `modules/imgproc/src/drawing.cpp`).
//!
//! The shapes come out as horizontal runs `(y, x_first, x_last)` (both ends included) clipped to a
//! `width × height` grid, for the caller to paint; a run may repeat pixels of another run of the
//! same shape, as OpenCV paints them twice. Everything is integer arithmetic, OpenCV's own:
//! polygon edges in 16-bit fixed point (`XY_SHIFT = 16`), Bresenham outlines, the midpoint circle.
//! Checked against OpenCV 4.5.5 (the OpenCV of the reference's release, Feb 2022) on 4,000 shapes,
//! clipped and degenerate ones included (`tests/opencv_fill.rs`, `scripts/opencv_fill.py`).
//! OpenCV 4.9.0 (PrimGeoSeg's pin) builds the polygon's edges differently, rounding the span ends
//! to nearest and clipping sides that leave the grid: [`fill_poly_v4_9`] (907 of those 4,000 shapes
//! differ between the two; 3,000 more checked against 4.9.0 in the same test file). OpenCV 5.0
//! differs again for polygons with a vertex off the canvas.

/// OpenCV's fixed-point shift of polygon edge abscissae.
const XY_SHIFT: u32 = 16;
/// One in that fixed point.
const XY_ONE: i64 = 1 << XY_SHIFT;

/// The runs of `cv2.circle(img, center, radius, color, thickness=-1)` on a `width × height` grid:
/// OpenCV's `Circle(…, fill=1)`, the midpoint circle (err starts at 0, `plus = 1`,
/// `minus = 2r − 1`), which at each step `(dx, dy)` fills rows `cy ± dy` over `cx ± dx` and rows
/// `cy ± dx` over `cx ± dy`, while `dx ≥ dy`. Each row comes out once per distinct width (OpenCV
/// repaints it as `dy` grows; the widest run covers the others). Exact while `2r` and the
/// coordinates `c ± r` fit OpenCV's 32-bit `int` (here they are 64-bit). The walk takes `r/√2`
/// steps when the circle meets the grid, none otherwise.
pub fn fill_circle(
    center: (i32, i32),
    radius: u32,
    width: usize,
    height: usize,
    mut run: impl FnMut(usize, usize, usize),
) {
    let (cx, cy) = (i64::from(center.0), i64::from(center.1));
    let (w, h, r) = (width as i64, height as i64, i64::from(radius));
    if w == 0 || h == 0 || cx + r < 0 || cx - r >= w || cy + r < 0 || cy - r >= h {
        return; // OpenCV walks the circle and paints nothing
    }
    let mut clipped = |y: i64, x0: i64, x1: i64| {
        if (0..h).contains(&y) && x0 < w && x1 >= 0 {
            run(y as usize, x0.max(0) as usize, x1.min(w - 1) as usize);
        }
    };
    let (mut err, mut dx, mut dy, mut plus, mut minus) =
        (0i64, i64::from(radius), 0i64, 1i64, 2 * i64::from(radius) - 1);
    while dx >= dy {
        clipped(cy - dy, cx - dx, cx + dx);
        if dy != 0 {
            clipped(cy + dy, cx - dx, cx + dx);
        }
        dy += 1;
        err += plus;
        plus += 2;
        let mask = if err <= 0 { 0 } else { -1 };
        err -= minus & mask;
        let next_dx = dx + mask;
        // Rows `cy ± dx` widen with `dy` while `dx` stays: paint them at the widest, `dy − 1`.
        if next_dx != dx || next_dx < dy {
            clipped(cy - dx, cx - (dy - 1), cx + (dy - 1));
            if dx != 0 {
                clipped(cy + dx, cx - (dy - 1), cx + (dy - 1));
            }
        }
        dx = next_dx;
        minus -= mask & 2;
    }
}

/// The runs of `cv2.fillPoly(img, [vertices], color)` (one contour, `lineType=8`, `shift=0`) on a
/// `width × height` grid as OpenCV 4.5.5 paints them: OpenCV's `CollectPolyEdges` then `FillEdgeCollection` — the general
/// scan-line fill, which `fillPoly` uses for every polygon, convex or not (only `fillConvexPoly`
/// and filled ellipses take `FillConvexPoly`).
///
/// `CollectPolyEdges` draws each side `v[i−1] → v[i]` (from the last vertex to the first, then in
/// order) as a clipped 8-connected Bresenham line (`Line`, `LineIterator`) and keeps each non-horizontal side
/// as an edge: rows `[y0, y1)` from its upper end, abscissa `x = x_upper · 2¹⁶`, slope
/// `dx = (Δx · 2¹⁶) / Δy` truncated. `FillEdgeCollection` gives up unless there are two edges
/// whose box meets the grid; sorts them by `(y0, x, dx)`; then for each row `y` from the first
/// `y0` below `min(max y1, height)` walks the active list in order: drops the edges ending at `y`,
/// merges in the edges starting at `y` (before the first active edge whose `x` is not below theirs),
/// fills between the edges of each consecutive pair from `⌈x_left⌉` to `⌊x_right⌋` (rows above the
/// grid are skipped, not their steps), steps both by their `dx`, and bubble-sorts the list by `x`.
/// Fewer than three vertices still draw their outline. The scan takes one step per row from the
/// top vertex to the last row the polygon reaches on the grid (rows above the grid included, as
/// OpenCV's).
pub fn fill_poly<const N: usize>(
    vertices: &[(i32, i32); N],
    width: usize,
    height: usize,
    mut run: impl FnMut(usize, usize, usize),
) {
    let (w, h) = (width as i64, height as i64);
    if w == 0 || h == 0 {
        return;
    }
    let mut edges = [Edge::default(); N];
    let mut total = 0;
    let Some(&last) = vertices.last() else { return };
    let mut p0 = (i64::from(last.0), i64::from(last.1));
    for &(x, y) in vertices {
        let p1 = (i64::from(x), i64::from(y));
        line_runs(p0, p1, width, height, &mut run);
        if p0.1 != p1.1 {
            let (upper, lower) = if p0.1 < p1.1 { (p0, p1) } else { (p1, p0) };
            let dx = ((p1.0 - p0.0) << XY_SHIFT) / (p1.1 - p0.1);
            edges[total] = Edge { y0: upper.1, y1: lower.1, x: upper.0 << XY_SHIFT, dx };
            total += 1;
        }
        p0 = p1;
    }
    fill_edges(&mut edges, total, width, height, XY_ONE - 1, &mut run);
}

/// The runs of `cv2.fillPoly(img, [vertices], color)` as OpenCV 4.9.0 paints them (the OpenCV
/// PrimGeoSeg pins; up to [`MAX_POLY_VERTICES`] vertices, the rest ignored): the same scan as
/// [`fill_poly`] over edges built differently. 4.9's `CollectPolyEdges` draws each side as 4.5's
/// does, then keeps as its edge the side *clipped to the grid* when an end lies off it (the clipped
/// ends `t` at `t.x · 2¹⁶`, kept only if the clipped side is not horizontal), else the side shifted
/// right by half a pixel (`x · 2¹⁶ + 2¹⁵`); its slope is `Δx / Δy` of those ends (truncated) and its
/// abscissa at the unclipped upper row `x_c + (y_upper − y_c) · dx`. Its spans run from `⌊x_left⌋`
/// to `⌊x_right⌋` (with the half pixel, both ends round to nearest). A side entirely off the grid is
/// still cut by `clipLine`'s first steps, as OpenCV's ignores the result.
pub fn fill_poly_v4_9(
    vertices: &[(i32, i32)],
    width: usize,
    height: usize,
    mut run: impl FnMut(usize, usize, usize),
) {
    let vertices = &vertices[..vertices.len().min(MAX_POLY_VERTICES)];
    let (w, h) = (width as i64, height as i64);
    let Some(&last) = vertices.last() else { return };
    if w == 0 || h == 0 {
        return;
    }
    let mut edges = [Edge::default(); MAX_POLY_VERTICES];
    let mut total = 0;
    let mut p0 = (i64::from(last.0), i64::from(last.1));
    for &(x, y) in vertices {
        let p1 = (i64::from(x), i64::from(y));
        line_runs(p0, p1, width, height, &mut run);
        let inside = |(x, y): (i64, i64)| (0..w).contains(&x) && (0..h).contains(&y);
        let (mut c0, mut c1) = ((p0.0 << XY_SHIFT, p0.1), (p1.0 << XY_SHIFT, p1.1));
        if inside(p0) && inside(p1) {
            (c0.0, c1.0) = (c0.0 + XY_ONE / 2, c1.0 + XY_ONE / 2);
        } else {
            let (t0, t1, _) = clip_line_ends(p0, p1, w, h);
            if t0.1 != t1.1 {
                (c0, c1) = ((t0.0 << XY_SHIFT, t0.1), (t1.0 << XY_SHIFT, t1.1));
            }
        }
        if p0.1 != p1.1 {
            let dx = (c1.0 - c0.0) / (c1.1 - c0.1);
            let (upper, clipped_upper, lower) = if p0.1 < p1.1 { (p0, c0, p1) } else { (p1, c1, p0) };
            let x = clipped_upper.0 + (upper.1 - clipped_upper.1) * dx;
            edges[total] = Edge { y0: upper.1, y1: lower.1, x, dx };
            total += 1;
        }
        p0 = p1;
    }
    fill_edges(&mut edges, total, width, height, 0, &mut run);
}

/// The most vertices [`fill_poly_v4_9`] takes.
pub const MAX_POLY_VERTICES: usize = 16;

/// OpenCV's `FillEdgeCollection` over the first `total` of `edges`: gives up unless there are two
/// edges whose box meets the grid; sorts them by `(y0, x, dx)`; then for each row `y` from the
/// first `y0` below `min(max y1, height)` walks the active list in order: drops the edges ending at
/// `y`, merges in the edges starting at `y` (before the first active edge whose `x` is not below
/// theirs), fills between the edges of each consecutive pair from `(x_left + left_round) >> 16` to
/// `x_right >> 16` (rows above the grid are skipped, not their steps), steps both by their `dx`, and
/// bubble-sorts the list by `x`.
fn fill_edges<const N: usize>(
    edges: &mut [Edge; N],
    total: usize,
    width: usize,
    height: usize,
    left_round: i64,
    run: &mut impl FnMut(usize, usize, usize),
) {
    let (w, h) = (width as i64, height as i64);
    let edges = &mut edges[..total];
    if edges.len() < 2 {
        return;
    }
    let (mut y_min, mut y_max, mut x_min, mut x_max) = (i64::MAX, i64::MIN, i64::MAX, -1);
    for e in edges.iter() {
        let x_end = e.x + (e.y1 - e.y0) * e.dx;
        (y_min, y_max) = (y_min.min(e.y0), y_max.max(e.y1));
        (x_min, x_max) = (x_min.min(e.x).min(x_end), x_max.max(e.x).max(x_end));
    }
    if y_max < 0 || y_min >= h || x_max < 0 || x_min >= w << XY_SHIFT {
        return;
    }
    edges.sort_unstable_by_key(|e| (e.y0, e.x, e.dx));
    // The active list, as indices into `edges`; `next` is the first edge not yet merged in.
    let (mut active, mut count, mut next) = ([0usize; N], 0, 0);
    let mut y = edges[0].y0;
    while y < y_max.min(h) {
        let (mut merged, mut kept, mut old) = ([0usize; N], 0, 0);
        let mut left: Option<usize> = None;
        loop {
            let starts = next < edges.len() && edges[next].y0 == y;
            if old == count && !starts {
                break;
            }
            let current = if old < count && edges[active[old]].y1 == y {
                old += 1;
                continue;
            } else if old < count && (!starts || edges[active[old]].x < edges[next].x) {
                old += 1;
                active[old - 1]
            } else {
                next += 1;
                next - 1
            };
            merged[kept] = current;
            kept += 1;
            match left.take() {
                None => left = Some(current),
                Some(l) => {
                    let (a, b) = (edges[l].x, edges[current].x);
                    let (from, to) = if a > b { (b, a) } else { (a, b) };
                    let (x0, x1) = ((from + left_round) >> XY_SHIFT, to >> XY_SHIFT);
                    if y >= 0 && x0 < w && x1 >= 0 && x0.max(0) <= x1.min(w - 1) {
                        run(y as usize, x0.max(0) as usize, x1.min(w - 1) as usize);
                    }
                    edges[l].x += edges[l].dx;
                    edges[current].x += edges[current].dx;
                }
            }
        }
        active = merged;
        count = kept;
        // OpenCV's bubble sort of the list by `x`: adjacent swaps while one is out of order.
        let mut swapped = true;
        while swapped {
            swapped = false;
            for k in 1..count {
                if edges[active[k - 1]].x > edges[active[k]].x {
                    active.swap(k - 1, k);
                    swapped = true;
                }
            }
        }
        y += 1;
    }
}

/// One polygon side in `FillEdgeCollection`: rows `[y0, y1)`, abscissa and slope in fixed point.
#[derive(Clone, Copy, Debug, Default)]
struct Edge {
    y0: i64,
    y1: i64,
    x: i64,
    dx: i64,
}

/// The pixels of OpenCV's `Line(img, p0, p1, color, 8)`, as one-pixel runs: `LineIterator` with
/// 8-connectivity, left to right. An end point off the grid first clips the segment to it
/// (`clipLine`: Cohen–Sutherland with truncating integer division; nothing if it misses); then the
/// segment runs from its left end (the first one if vertical) along the major axis `a = max(|Δx|,
/// |Δy|)`, `b` the minor, `err = a − 2b`, with a minor step too whenever `err < 0` (then
/// `err += 2a − 2b`, else `err −= 2b`), `a + 1` pixels.
fn line_runs(
    p0: (i64, i64),
    p1: (i64, i64),
    width: usize,
    height: usize,
    run: &mut impl FnMut(usize, usize, usize),
) {
    let (w, h) = (width as i64, height as i64);
    let inside = |(x, y): (i64, i64)| (0..w).contains(&x) && (0..h).contains(&y);
    let (mut p0, mut p1) = (p0, p1);
    if !(inside(p0) && inside(p1)) {
        let Some(clipped) = clip_line(p0, p1, w, h) else { return };
        (p0, p1) = clipped;
    }
    if p1.0 < p0.0 {
        (p0, p1) = (p1, p0);
    }
    let (mut ddx, mut ddy) = (p1.0 - p0.0, p1.1 - p0.1);
    let (mut major, mut minor) = ((1i64, 0i64), (0i64, ddy.signum()));
    ddy = ddy.abs();
    if ddy > ddx {
        (ddx, ddy) = (ddy, ddx);
        (major, minor) = ((0, minor.1), (1, 0));
    }
    let (mut err, mut p) = (ddx - 2 * ddy, p0);
    for _ in 0..=ddx {
        run(p.1 as usize, p.0 as usize, p.0 as usize);
        let step_minor = err < 0;
        err += -2 * ddy + if step_minor { 2 * ddx } else { 0 };
        p = (p.0 + major.0, p.1 + major.1);
        if step_minor {
            p = (p.0 + minor.0, p.1 + minor.1);
        }
    }
}

/// OpenCV's `clipLine(Size2l, pt1, pt2)`: the segment cut to `[0, w−1] × [0, h−1]` by the
/// Cohen–Sutherland outcodes (1 left, 2 right, 4 above, 8 below), first the rows then the columns,
/// each end moved with truncating division and the second end using the first's moved
/// coordinates; `None` if it lies outside. Products are taken in 128 bits (OpenCV's are 64-bit,
/// the same for coordinates within ±2³¹).
fn clip_line(p0: (i64, i64), p1: (i64, i64), w: i64, h: i64) -> Option<((i64, i64), (i64, i64))> {
    let (a, b, inside) = clip_line_ends(p0, p1, w, h);
    inside.then_some((a, b))
}

/// [`clip_line`]'s ends whatever the outcome (OpenCV moves them before it knows the segment misses
/// the grid), and whether the segment meets it.
pub(crate) fn clip_line_ends(
    p0: (i64, i64),
    p1: (i64, i64),
    w: i64,
    h: i64,
) -> ((i64, i64), (i64, i64), bool) {
    let (right, bottom) = (w - 1, h - 1);
    if w <= 0 || h <= 0 {
        return (p0, p1, false);
    }
    let code = |(x, y): (i64, i64)| {
        i32::from(x < 0) + i32::from(x > right) * 2 + i32::from(y < 0) * 4 + i32::from(y > bottom) * 8
    };
    let ((mut x1, mut y1), (mut x2, mut y2)) = (p0, p1);
    let (mut c1, mut c2) = (code(p0), code(p1));
    // `a + b·c / (d − e)`, truncated as OpenCV's integer expression.
    let moved = |a: i64, b: i64, c: i64, d: i64, e: i64| {
        a + (i128::from(b) * i128::from(c) / i128::from(d - e)) as i64
    };
    if c1 & c2 == 0 && c1 | c2 != 0 {
        if c1 & 12 != 0 {
            let a = if c1 < 8 { 0 } else { bottom };
            x1 = moved(x1, a - y1, x2 - x1, y2, y1);
            y1 = a;
            c1 = i32::from(x1 < 0) + i32::from(x1 > right) * 2;
        }
        if c2 & 12 != 0 {
            let a = if c2 < 8 { 0 } else { bottom };
            x2 = moved(x2, a - y2, x2 - x1, y2, y1);
            y2 = a;
            c2 = i32::from(x2 < 0) + i32::from(x2 > right) * 2;
        }
        if c1 & c2 == 0 && c1 | c2 != 0 {
            if c1 != 0 {
                let a = if c1 == 1 { 0 } else { right };
                y1 = moved(y1, a - x1, y2 - y1, x2, x1);
                x1 = a;
                c1 = 0;
            }
            if c2 != 0 {
                let a = if c2 == 1 { 0 } else { right };
                y2 = moved(y2, a - x2, y2 - y1, x2, x1);
                x2 = a;
                c2 = 0;
            }
        }
    }
    ((x1, y1), (x2, y2), c1 | c2 == 0)
}
