//! A deterministic integer line rasteriser: PIL's `ImageDraw.line` with width 1, which RCDB's
//! reference draws its contours with: the end points truncated to integers, Bresenham's line
//! between them, the pixels outside the canvas dropped.

/// The pixels of the segment `from → to` inside a `width × height` grid, in order from `from`, as
/// row-major indices `y · width + x` — the pixels PIL's `ImageDraw.line(…, width=1)` sets (checked
/// against PIL on 600 segments in `tests/lines.rs`).
///
/// The end points are truncated toward zero to integers, as PIL's C `(int)` casts do; beyond
/// ±2²⁸ they saturate (PIL's 32-bit `int` is undefined beyond ±2³¹; the bound keeps the
/// arithmetic below in 64 bits). Between them lie Bresenham's (1965)
/// pixels, both end points included: along the major axis, of length `a = max(|Δx|, |Δy|)`, with the
/// minor length `b = min(|Δx|, |Δy|)` and the error `g = a − 2b`, each of the `a + 1` pixels is
/// followed by a major step, and by a minor one too when `g ≤ 0` (then `g += 2(a − b)`, else
/// `g −= 2b`): PIL's `e = −g`, stepping when `e ≥ 0`. So pixel `k` is `k` major steps and
/// `⌊(2bk + a) / 2a⌋` minor steps from the start, which finds the pixels inside the grid of a line
/// that starts or ends outside without walking the rest. A segment with a non-finite coordinate has
/// no pixel.
#[inline]
pub fn line_pixels(from: (f64, f64), to: (f64, f64), width: usize, height: usize, visit: impl FnMut(usize)) {
    // The common case: both end points on the grid (NaN never is), so every pixel is (it is convex).
    let on_grid = |(x, y): (f64, f64)| (0.0..width as f64).contains(&x) && (0.0..height as f64).contains(&y);
    if on_grid(from) && on_grid(to) {
        let (x0, y0, x1, y1) = (from.0 as i64, from.1 as i64, to.0 as i64, to.1 as i64); // truncated
        let line = Bresenham::new(x0, y0, x1, y1, width as i64);
        return line.walk(y0 * width as i64 + x0, line.a - 2 * line.b, line.a + 1, visit);
    }
    // Pixels stay within the end points' bounding box: nothing if it misses the grid (an end point
    // truncates below 0 when it is at most −1).
    let (xs, ys) = ((from.0.min(to.0), from.0.max(to.0)), (from.1.min(to.1), from.1.max(to.1)));
    let finite = from.0.is_finite() && from.1.is_finite() && to.0.is_finite() && to.1.is_finite();
    if !finite || xs.1 <= -1.0 || xs.0 >= width as f64 || ys.1 <= -1.0 || ys.0 >= height as f64 {
        return;
    }
    let int = |v: f64| v.clamp(-LIMIT, LIMIT) as i64; // `as` truncates toward zero
    let (x0, y0, x1, y1) = (int(from.0), int(from.1), int(to.0), int(to.1));
    let (w, h) = (width as i64, height as i64);
    let line = Bresenham::new(x0, y0, x1, y1, w);
    let Some((first, last)) = line.steps_inside((x0, y0), (x1, y1), (w, h)) else {
        return;
    };
    // Pixel `first` is `first` major and `q` minor steps from the start; its error
    // `g = a − 2b(first + 1) + 2aq` lies in (−2b, 2(a − b)].
    let (a, b) = (line.a, line.b);
    let q = if first == 0 { 0 } else { line.minor_steps(first) };
    // Wrapping: a start far outside may overflow on the way; the sum, a pixel of the grid, does not.
    let index = y0
        .wrapping_mul(w)
        .wrapping_add(x0)
        .wrapping_add(first.wrapping_mul(line.major))
        .wrapping_add(q.wrapping_mul(line.minor));
    line.walk(index, a - 2 * b * (first + 1) + 2 * a * q, last - first + 1, visit);
}

/// Bresenham's steps between two integer points of a grid `w` wide, as row-major index moves.
struct Bresenham {
    /// The major length `max(|Δx|, |Δy|)`.
    a: i64,
    /// The minor length `min(|Δx|, |Δy|)`.
    b: i64,
    /// The index move of a major step.
    major: i64,
    /// The index move of a minor step.
    minor: i64,
}

impl Bresenham {
    #[inline(always)]
    fn new(x0: i64, y0: i64, x1: i64, y1: i64, w: i64) -> Self {
        let (dx, dy) = ((x1 - x0).abs(), (y1 - y0).abs());
        let step_x = if x0 < x1 { 1 } else { -1 };
        let step_y = if y0 < y1 { w } else { -w };
        let (a, b, major, minor) = if dx >= dy { (dx, dy, step_x, step_y) } else { (dy, dx, step_y, step_x) };
        Self { a, b, major, minor }
    }

    /// `⌊(2bk + a) / 2a⌋`: the minor steps before pixel `k` (0 if `a = 0`).
    fn minor_steps(&self, k: i64) -> i64 {
        if self.a == 0 { 0 } else { (2 * self.b * k + self.a) / (2 * self.a) }
    }

    /// The first and last `k` in `0..=a` whose pixel lies in the `w × h` grid, if any, for the line
    /// from `(x0, y0)` to `(x1, y1)`: the major coordinate moves by one per step, the minor one by
    /// `⌊(2bk + a) / 2a⌋`, both monotone, so each bounds `k` to an interval.
    fn steps_inside(
        &self,
        (x0, y0): (i64, i64),
        (x1, y1): (i64, i64),
        (w, h): (i64, i64),
    ) -> Option<(i64, i64)> {
        let (a, b) = (self.a, self.b);
        let x_major = (x1 - x0).abs() >= (y1 - y0).abs(); // as in `new`
        let ((m0, m1, m_len), (n0, n1, n_len)) =
            if x_major { ((x0, x1, w), (y0, y1, h)) } else { ((y0, y1, h), (x0, x1, w)) };
        // The major coordinate m0 ± k must be in [0, m_len − 1].
        let (mut first, mut last) = if m1 >= m0 { (-m0, m_len - 1 - m0) } else { (m0 - (m_len - 1), m0) };
        first = first.max(0);
        last = last.min(a);
        // The minor steps q = ⌊(2bk + a) / 2a⌋ must keep n0 ± q in [0, n_len − 1]. q is in [0, b]
        // anyway: a bound outside that costs no division, and inside it the products below stay
        // under 2⁶⁰ on any grid.
        // q ≥ t  ⇔  2bk + a ≥ 2at  ⇔  k ≥ ⌈(2at − a) / 2b⌉;  q ≤ t  ⇔  k ≤ ⌈(2at + a) / 2b⌉ − 1.
        let (q_lo, q_hi) = if n1 >= n0 { (-n0, n_len - 1 - n0) } else { (n0 - (n_len - 1), n0) };
        if q_lo > b || q_hi < 0 {
            return None;
        }
        let ceil = |n: i64, d: i64| n.div_euclid(d) + i64::from(n.rem_euclid(d) != 0);
        if q_lo > 0 {
            first = first.max(ceil(2 * a * q_lo - a, 2 * b));
        }
        if q_hi < b {
            last = last.min(ceil(2 * a * q_hi + a, 2 * b) - 1);
        }
        (first <= last).then_some((first, last))
    }

    /// Visit `count` pixels from `index`, whose error is `g`.
    #[inline(always)]
    fn walk(&self, mut index: i64, mut g: i64, count: i64, mut visit: impl FnMut(usize)) {
        for _ in 0..count {
            visit(index as usize);
            let both = g <= 0;
            g += if both { 2 * (self.a - self.b) } else { -2 * self.b };
            index += if both { self.major + self.minor } else { self.major };
        }
    }
}

/// The largest end point coordinate, in pixels: `a, b ≤ 2²⁹` keep every product below in `i64`.
const LIMIT: f64 = 268_435_456.0;

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
