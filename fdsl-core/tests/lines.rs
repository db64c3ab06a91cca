//! The line rasteriser against PIL: `tests/data/pil_lines.txt` holds 600 segments (inside, across
//! and beyond a 40 x 30 canvas, on and between pixels, up to ±10⁴) and the pixels PIL's
//! `ImageDraw.line(width=1)` set for each (`scripts/pil_lines.py`).

use fdsl_core::raster::pil_line::line_pixels;

#[test]
fn the_same_pixels_as_pil() {
    let text = include_str!("data/pil_lines.txt");
    let mut segments = 0;
    for (n, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split(' ').collect();
        let f = |i: usize| fields[i].parse::<f64>().unwrap();
        let count: usize = fields[4].parse().unwrap();
        let pil: Vec<usize> = fields[5..].iter().map(|v| v.parse().unwrap()).collect();
        assert_eq!(pil.len(), count, "line {}", n + 1);
        let mut ours = Vec::new();
        line_pixels((f(0), f(1)), (f(2), f(3)), 40, 30, |i| ours.push(i));
        let mut sorted = ours.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ours.len(), "line {}: a pixel visited twice", n + 1);
        assert_eq!(sorted, pil, "line {}: {line}", n + 1);
        segments += 1;
    }
    assert_eq!(segments, 600);
}
