//! OpenCV 4.9.0's drawing against OpenCV 4.9.0: `tests/data/opencv_draw.txt` holds 3,000 shapes
//! (`cv2.ellipse` filled and outlined, `cv2.polylines` thick, `cv2.fillPoly`), PrimGeoSeg's own
//! slices and harder ones off the canvas, with the number and a digest of the pixels OpenCV sets
//! (`scripts/opencv_draw.py`).

use fdsl_core::raster::opencv_draw::{Stroke, ellipse, polylines};
use fdsl_core::raster::opencv_fill::fill_poly_v4_9;
use sha2::{Digest, Sha256};

#[test]
fn the_same_pixels_as_opencv_4_9() {
    let text = include_str!("data/opencv_draw.txt");
    let mut counts = [0usize; 3];
    let mut wrong = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let f: Vec<&str> = line.split(' ').collect();
        let int = |i: usize| f[i].parse::<i64>().unwrap();
        let (w, h) = (int(1) as usize, int(2) as usize);
        let mut canvas = vec![0u8; w * h];
        let mut paint = |y: usize, x0: usize, x1: usize| {
            assert!(y < h && x0 <= x1 && x1 < w, "line {}: run ({y}, {x0}, {x1}) off the canvas", n + 1);
            canvas[y * w + x0..=y * w + x1].fill(1);
        };
        let points = |from: usize| -> Vec<(i32, i32)> {
            (0..int(from) as usize)
                .map(|j| (int(from + 1 + 2 * j) as i32, int(from + 2 + 2 * j) as i32))
                .collect()
        };
        let tail = match f[0] {
            "ellipse" => {
                let stroke = if int(8) < 0 { Stroke::Filled } else { Stroke::Outline(int(8) as u32) };
                let (centre, axes) = ((int(3) as i32, int(4) as i32), (int(5) as u32, int(6) as u32));
                ellipse(centre, axes, int(7) as u32, stroke, w, h, &mut paint);
                counts[0] += 1;
                9
            }
            "polylines" => {
                let v = points(5);
                polylines(&v, int(3) == 1, int(4) as u32, w, h, &mut paint);
                counts[1] += 1;
                6 + 2 * v.len()
            }
            _ => {
                let v = points(3);
                fill_poly_v4_9(&v, w, h, &mut paint);
                counts[2] += 1;
                4 + 2 * v.len()
            }
        };
        let set = canvas.iter().filter(|&&v| v == 1).count();
        let digest: String = Sha256::digest(&canvas)[..8].iter().map(|b| format!("{b:02x}")).collect();
        if set as i64 != int(tail) || digest != f[tail + 1] {
            wrong.push(format!("line {}: {line} (ours: {set} {digest})", n + 1));
        }
    }
    assert_eq!(counts, [1000, 1000, 1000]);
    assert!(wrong.is_empty(), "{} of 3000 differ:\n{}", wrong.len(), wrong[..wrong.len().min(20)].join("\n"));
}
