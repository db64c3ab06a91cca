//! A deterministic integer line rasteriser: Liang–Barsky clipping, rounding, Bresenham.

/// The pixels of the segment `from → to` inside a `width × height` grid, in order from `from`, as
/// row-major indices `y · width + x`.
///
/// The segment is first clipped to the rectangle of pixel centres `[0, width − 1] × [0, height − 1]`
/// (Liang & Barsky 1984), its clipped end points are rounded to the nearest pixel (halves away from
/// zero), and the pixels between them are Bresenham's (1965), both end points included: along the
/// major axis, of length `a = max(|Δx|, |Δy|)`, with the minor length `b = min(|Δx|, |Δy|)` and the
/// error `f = a − b`, each of the `a + 1` pixels is followed by a step along the major axis, and
/// along the minor one too when `2f ≤ a` (then `f += a − b`, else `f −= b`); a diagonal counts as
/// x-major. A segment with a non-finite coordinate, or wholly outside, has no pixel.
#[inline]
pub fn line_pixels(
    from: (f64, f64),
    to: (f64, f64),
    width: usize,
    height: usize,
    mut visit: impl FnMut(usize),
) {
    let Some(((x0, y0), (x1, y1))) = clip(from, to, (width as f64 - 1.0, height as f64 - 1.0)) else {
        return;
    };
    // Rounded inside [0, w − 1] × [0, h − 1], so every visited index is in the grid.
    let ((x, y), (xe, ye)) = ((nearest(x0), nearest(y0)), (nearest(x1), nearest(y1)));
    let (dx, dy) = ((xe - x).abs(), (ye - y).abs());
    let step_x = if x < xe { 1 } else { -1 };
    let step_y = if y < ye { width as isize } else { -(width as isize) };
    let (a, b, major, minor) = if dx >= dy { (dx, dy, step_x, step_y) } else { (dy, dx, step_y, step_x) };
    let mut index = y * width as isize + x;
    // `g = 2f − a`, so that the test is against zero.
    let mut g = a - 2 * b;
    for _ in 0..=a {
        visit(index as usize);
        let both = g <= 0;
        g += if both { 2 * (a - b) } else { -2 * b };
        index += if both { major + minor } else { major };
    }
}

/// `x` rounded to the nearest integer, halves away from zero, for `0 ≤ x < 2⁵²`: the sum is
/// truncated, and `0.5 − ε/4` (not `0.5`) keeps `0.5 − ε/4` itself from rounding up (the formula of
/// musl's and libm's `round`).
#[inline(always)]
fn nearest(x: f64) -> isize {
    (x + (0.5 - 0.25 * f64::EPSILON)) as isize
}

/// Liang–Barsky: the part of `p → q` inside `[0, xmax] × [0, ymax]`.
#[inline]
fn clip(p: (f64, f64), q: (f64, f64), (xmax, ymax): (f64, f64)) -> Option<((f64, f64), (f64, f64))> {
    let inside = |(x, y): (f64, f64)| (0.0..=xmax).contains(&x) && (0.0..=ymax).contains(&y);
    if inside(p) && inside(q) {
        return Some((p, q)); // the common case: nothing to clip (NaN is never inside)
    }
    // Both ends beyond the same side: nothing inside (Liang–Barsky would find that too, slower).
    if (p.0 < 0.0 && q.0 < 0.0)
        || (p.0 > xmax && q.0 > xmax)
        || (p.1 < 0.0 && q.1 < 0.0)
        || (p.1 > ymax && q.1 > ymax)
    {
        return None;
    }
    if !(p.0.is_finite() && p.1.is_finite() && q.0.is_finite() && q.1.is_finite()) || xmax < 0.0 || ymax < 0.0
    {
        return None;
    }
    let (dx, dy) = (q.0 - p.0, q.1 - p.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (step, distance) in [(-dx, p.0), (dx, xmax - p.0), (-dy, p.1), (dy, ymax - p.1)] {
        if step == 0.0 {
            if distance < 0.0 {
                return None;
            }
        } else {
            let t = distance / step;
            if step < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| ((p.0 + t * dx).clamp(0.0, xmax), (p.1 + t * dy).clamp(0.0, ymax));
    Some((at(t0), at(t1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pixels(from: (f64, f64), to: (f64, f64), w: usize, h: usize) -> [[u8; 8]; 8] {
        let mut grid = [[0u8; 8]; 8];
        line_pixels(from, to, w, h, |i| grid[i / w][i % w] += 1);
        grid
    }

    #[test]
    fn horizontal_vertical_diagonal() {
        let g = pixels((1.0, 2.0), (5.0, 2.0), 8, 8);
        assert_eq!(g[2], [0, 1, 1, 1, 1, 1, 0, 0]);
        let g = pixels((3.0, 6.0), (3.0, 1.0), 8, 8);
        assert!((1..=6).all(|y| g[y][3] == 1) && g[0][3] == 0 && g[7][3] == 0);
        let g = pixels((0.0, 0.0), (7.0, 7.0), 8, 8);
        assert!((0..8).all(|i| g[i][i] == 1));
        assert_eq!(g.iter().flatten().map(|&v| u32::from(v)).sum::<u32>(), 8);
    }

    #[test]
    fn clipped_lines_stay_inside_and_keep_their_course() {
        let g = pixels((-100.0, 3.0), (100.0, 3.0), 8, 8);
        assert_eq!(g[3], [1; 8]);
        let g = pixels((-10.0, -10.0), (20.0, 20.0), 8, 8);
        assert!((0..8).all(|i| g[i][i] == 1));
        assert_eq!(pixels((-5.0, -5.0), (-1.0, 20.0), 8, 8), [[0; 8]; 8]);
        assert_eq!(pixels((f64::NAN, 0.0), (3.0, 3.0), 8, 8), [[0; 8]; 8]);
        assert_eq!(pixels((1e9, 3.0), (-1e9, 3.0), 8, 8)[3], [1; 8]);
        // Extreme coordinates lose the course to rounding, never the bounds.
        let g = pixels((f64::MAX, 0.0), (f64::MIN, 7.0), 8, 8);
        assert!(g.iter().flatten().filter(|&&v| v > 0).count() <= 8);
        let mut n = 0;
        line_pixels((0.0, 0.0), (3.0, 3.0), 0, 0, |_| n += 1);
        assert_eq!(n, 0);
    }
}
