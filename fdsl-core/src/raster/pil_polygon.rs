//! PIL 9.0.0's filled polygon, `ImageDraw.polygon(xy, fill=…)` on an 8-bit or RGB image, as
//! SegRCDB's reference fills its ring and solid masks (`src/_imaging.c` `_draw_polygon`,
//! `src/libImaging/Draw.c` `ImagingDrawPolygon`, `add_edge`, `polygon_generic` without alpha).
//!
//! 1. Every vertex is truncated toward zero to an integer (C `(int)` casts; saturated here at
//!    ±2²⁸, where C is undefined past ±2³¹).
//! 2. The edges are the consecutive vertex pairs, plus the closing edge from the last vertex to the
//!    first when they differ. A horizontal edge (both ends on one row, a single vertex repeated
//!    included) is drawn at once as a row of pixels from its smallest to its largest x. (PIL 9.0
//!    merges runs of horizontal edges going the same way first; their union is the same pixels.)
//! 3. Every other edge has `dx = (x1 − x0) / (y1 − y0)` in `f32`. The scanlines run from the
//!    smallest edge row (at most `H − 1`, at least 0) to the largest (at least 0, at most `H`); on
//!    row `y` each edge with `ymin ≤ y ≤ ymax` gives `x = (y − y0)·dx + x0` in `f32` (an `f32`
//!    product, then an `f32` sum), and again, a second time, when `y` is its `ymax` and below the
//!    last scanline. The `x` are sorted and pairs filled **even–odd**: from `ROUND_UP(x₂ₖ)` to
//!    `ROUND_DOWN(x₂ₖ₊₁)`, `ROUND_UP(f) = ⌊f + ½⌋`, `ROUND_DOWN(f) = ⌈f − ½⌉` (mirrored for negative
//!    `f`), the two ends swapped when the first exceeds the second, clipped to the image.
//!
//! PIL changed this fill after 9.0.0 ("connect discontiguous corners"), so boundary pixels differ
//! from newer Pillows; the reference pins 9.0.0.

/// The largest vertex coordinate kept, in pixels (larger ones saturate).
const LIMIT: f64 = 268_435_456.0;

/// PIL's `ROUND_UP` of an intersection: `⌊f + ½⌋` for `f ≥ 0` (the sum in `f32`, exact below
/// 2²³), `−⌊|f| + ½⌋` below (in `f64`, as C promotes `fabs`).
#[inline(always)]
fn round_up(f: f32) -> i64 {
    if f >= 0.0 {
        libm::floor(f64::from(f + 0.5f32)) as i64
    } else {
        -(libm::floor(libm::fabs(f64::from(f)) + 0.5) as i64)
    }
}

/// PIL's `ROUND_DOWN`: `⌈f − ½⌉` for `f ≥ 0`, `−⌈|f| − ½⌉` below.
#[inline(always)]
fn round_down(f: f32) -> i64 {
    if f >= 0.0 {
        libm::ceil(f64::from(f - 0.5f32)) as i64
    } else {
        -(libm::ceil(libm::fabs(f64::from(f)) - 0.5) as i64)
    }
}

/// PIL's `hline`: row `y`, columns `x0..=x1` (swapped if reversed), clipped, set to `value`.
#[inline(always)]
fn hline(pixels: &mut [u8], (w, h): (i64, i64), x0: i64, y: i64, x1: i64, value: u8) {
    if !(0..h).contains(&y) {
        return;
    }
    let (x0, x1) = if x0 > x1 { (x1, x0) } else { (x0, x1) };
    if x0 >= w || x1 < 0 {
        return;
    }
    let (x0, x1) = (x0.max(0), x1.min(w - 1));
    let row = (y * w) as usize;
    pixels[row + x0 as usize..=row + x1 as usize].fill(value);
}

/// One non-horizontal edge: its first vertex, rows and slope.
#[derive(Clone, Copy)]
struct Edge {
    x0: i64,
    y0: i64,
    ymin: i64,
    ymax: i64,
    dx: f32,
}

/// Fill the polygon through `vertices` with `value` on the `width × height` row-major `pixels`, as
/// PIL 9.0.0 fills `ImageDraw.polygon(vertices, fill=value)`. `scratch` holds the intersections of
/// one scanline: at least twice as many entries as `vertices` (the fill is cut short otherwise:
/// this returns `false` and draws nothing). A polygon with a non-finite vertex draws nothing.
pub fn fill_polygon(
    vertices: &[(f64, f64)],
    value: u8,
    pixels: &mut [u8],
    width: usize,
    height: usize,
    scratch: &mut [f32],
) -> bool {
    let n = vertices.len();
    if n == 0 || pixels.len() < width * height || scratch.len() < 2 * n {
        return n == 0;
    }
    if vertices.iter().any(|p| !(p.0.is_finite() && p.1.is_finite())) {
        return true;
    }
    let int = |v: f64| v.clamp(-LIMIT, LIMIT) as i64;
    let vertex = |i: usize| (int(vertices[i].0), int(vertices[i].1));
    let closing = vertex(n - 1) != vertex(0);
    let edge_count = n - 1 + usize::from(closing);
    let edge_at = |k: usize| if k + 1 < n { (vertex(k), vertex(k + 1)) } else { (vertex(n - 1), vertex(0)) };
    let size = (width as i64, height as i64);
    // Bounds and the horizontal edges.
    let (mut ymin, mut ymax) = (size.1 - 1, 0);
    for k in 0..edge_count {
        let ((x0, y0), (x1, y1)) = edge_at(k);
        ymin = ymin.min(y0.min(y1));
        ymax = ymax.max(y0.max(y1));
        if y0 == y1 {
            hline(pixels, size, x0.min(x1), y0, x0.max(x1), value);
        }
    }
    let (ymin, ymax) = (ymin.max(0), ymax.min(size.1));
    let edge = |k: usize| {
        let ((x0, y0), (x1, y1)) = edge_at(k);
        (y0 != y1).then(|| Edge {
            x0,
            y0,
            ymin: y0.min(y1),
            ymax: y0.max(y1),
            dx: (x1 - x0) as f32 / (y1 - y0) as f32,
        })
    };
    for y in ymin..=ymax {
        let mut j = 0;
        for e in (0..edge_count).filter_map(edge) {
            if y >= e.ymin && y <= e.ymax {
                scratch[j] = (y - e.y0) as f32 * e.dx + e.x0 as f32;
                j += 1;
                if y == e.ymax && y < ymax {
                    scratch[j] = scratch[j - 1];
                    j += 1;
                }
            }
        }
        let xs = &mut scratch[..j];
        xs.sort_unstable_by(|a, b| a.partial_cmp(b).unwrap_or(core::cmp::Ordering::Equal));
        for pair in xs.chunks_exact(2) {
            hline(pixels, size, round_up(pair[0]), y, round_down(pair[1]), value);
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(vertices: &[(f64, f64)], w: usize, h: usize) -> [[u8; 8]; 8] {
        let mut pixels = [0u8; 64];
        let mut scratch = [0f32; 64];
        assert!(fill_polygon(vertices, 1, &mut pixels[..w * h], w, h, &mut scratch));
        core::array::from_fn(|r| core::array::from_fn(|c| if r < h && c < w { pixels[r * w + c] } else { 0 }))
    }

    #[test]
    fn rounding_is_pils() {
        assert_eq!((round_up(2.5), round_down(2.5)), (3, 2));
        assert_eq!((round_up(2.4), round_down(2.6)), (2, 3));
        assert_eq!((round_up(-2.5), round_down(-2.5)), (-3, -2));
    }

    #[test]
    fn a_square_covers_its_closed_box() {
        let g = filled(&[(1.0, 1.0), (5.9, 1.0), (5.0, 4.0), (1.0, 4.0)], 8, 8);
        for (r, row) in g.iter().enumerate() {
            for (c, &v) in row.iter().enumerate() {
                assert_eq!(v, u8::from((1..=4).contains(&r) && (1..=5).contains(&c)), "({r}, {c})");
            }
        }
    }

    #[test]
    fn degenerate_and_bad_input() {
        // One vertex: a single horizontal edge? No edge at all: nothing.
        assert_eq!(filled(&[(2.0, 2.0)], 8, 8), [[0; 8]; 8]);
        // A vertex repeated: a zero-length horizontal edge, one pixel.
        let g = filled(&[(2.0, 2.0), (2.0, 2.0)], 8, 8);
        assert_eq!(g.iter().flatten().filter(|&&v| v == 1).count(), 1);
        assert_eq!(filled(&[(f64::NAN, 1.0), (3.0, 3.0), (1.0, 5.0)], 8, 8), [[0; 8]; 8]);
        let mut short = [0f32; 3];
        assert!(!fill_polygon(&[(0.0, 0.0), (3.0, 0.0), (0.0, 3.0)], 1, &mut [0; 64], 8, 8, &mut short));
        // Far outside: clipped, no panic.
        let g = filled(&[(-1e300, -1e300), (1e300, -5.0), (3.0, 1e300)], 8, 8);
        assert!(g.iter().flatten().all(|&v| v <= 1));
    }
}
