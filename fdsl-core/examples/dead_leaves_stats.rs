//! Statistics of dead-leaves images for `scripts/reference_dead_leaves.py`: renders images
//! `0..n` of a model at a side and prints, as JSON, the leaves per image, every leaf's radius and
//! colour, and the seconds the rendering took on one thread.
//! usage: dead_leaves_stats squares|oriented|mixed N SIDE [SEED] [RAW_OUT_OF_IMAGE_0]

use std::time::Instant;

use fdsl_core::families::dead_leaves::{DeadLeaves, ShapeModel};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let model = match args.get(1).map(String::as_str) {
        Some("squares") => ShapeModel::Squares,
        Some("oriented") => ShapeModel::Oriented,
        Some("mixed") => ShapeModel::Mixed,
        _ => return Err("usage: dead_leaves_stats squares|oriented|mixed N SIDE [SEED] [RAW]".into()),
    };
    let n: u64 = args.get(2).ok_or("N")?.parse()?;
    let side: usize = args.get(3).ok_or("SIDE")?.parse()?;
    let seed: u64 = args.get(4).map_or(Ok(0), |s| s.parse())?;
    let family = DeadLeaves::new(model, side, seed)?;
    let mut image = vec![0u8; side * side * 3];
    let start = Instant::now();
    for i in 0..n {
        family.paint_image(i, &mut image, |_| ())?;
    }
    let seconds = start.elapsed().as_secs_f64();
    let (mut counts, mut radii, mut colors) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..n {
        let painted = family.paint_image(i, &mut image, |leaf| {
            radii.push(leaf.radius.to_string());
            colors.push(format!("[{},{},{}]", leaf.color[0], leaf.color[1], leaf.color[2]));
        })?;
        counts.push(painted.to_string());
        if let (0, Some(path)) = (i, args.get(5)) {
            std::fs::write(path, &image)?;
        }
    }
    println!(
        "{{\"seconds\":{seconds},\"leaves\":[{}],\"radii\":[{}],\"colors\":[{}]}}",
        counts.join(","),
        radii.join(","),
        colors.join(",")
    );
    Ok(())
}
