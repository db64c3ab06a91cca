//! Fill rates and speed of 1p-frac, for `scripts/reference_1p_frac.py`: renders `classes`
//! perturbations of strength `delta` of one base system on one thread at the reference's recipe
//! (512 px, 100,000 points, patches) and prints `base a b c d e f p` per map, one line
//! `class attempts filling` per class, then `seconds <s>` (rendering, and PNG files if asked).
//! The base is read from `base_file` (`a b c d e f p` per line) or, with `-`, drawn from `seed` at
//! `sigma`. With `png_dir`, each image is written there as `{class:02}.png` (8-bit grey, the `png`
//! crate's fastest compression, fdsl's default).
//!
//! `cargo run --release -p fdsl-core --example one_point_frac_stats -- <classes> <delta> <seed> <sigma> [base_file|-] [png_dir]`

use fdsl_core::Affine2;
use fdsl_core::Canvas;
use fdsl_core::Ifs2;
use fdsl_core::families::one_point_frac::{OnePointFrac, RECIPE, sample_base};
use fdsl_core::raster::canvas::Flip;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str);
    let classes: usize = arg(0).unwrap_or("10").parse().expect("classes");
    let delta: f64 = arg(1).unwrap_or("0.1").parse().expect("delta");
    let seed: u64 = arg(2).unwrap_or("0").parse().expect("seed");
    let sigma: f64 = arg(3).unwrap_or("3.5").parse().expect("sigma");
    let base = match arg(4) {
        Some(path) if path != "-" => {
            let text = std::fs::read_to_string(path).expect("base file");
            let maps = text.lines().filter(|l| !l.trim().is_empty()).map(|l| {
                let v: Vec<f64> = l.split_whitespace().map(|x| x.parse().expect("a number")).collect();
                (Affine2::from_coefficients([v[0], v[1], v[2], v[3], v[4], v[5]]), v[6])
            });
            Ifs2::new(maps).expect("a base system")
        }
        _ => {
            let side = RECIPE.grid.width as usize;
            let mut pixels = vec![0u8; side * side];
            let (base, draws) =
                sample_base(seed, sigma, &RECIPE, &mut Canvas::new(&mut pixels, side, side).expect("canvas"))
                    .expect("a base");
            println!("base_draws {draws}");
            base
        }
    };
    for (m, p) in base.maps().iter().zip(base.probabilities()) {
        println!("base {} {} {} {} {} {} {p}", m.a, m.b, m.c, m.d, m.e, m.f);
    }
    let family = OnePointFrac::new(base, classes, delta, RECIPE, seed).expect("settings");
    let side = RECIPE.grid.width as usize;
    let dir = arg(5).map(std::path::PathBuf::from);
    let (mut pixels, mut image) = (vec![0u8; side * side], vec![0u8; side * side]);
    let t = std::time::Instant::now();
    let mut lines = Vec::with_capacity(classes);
    for class in 0..classes {
        let mut canvas = Canvas::new(&mut pixels, side, side).expect("canvas");
        let accepted = family.draw(class, &mut canvas).expect("a class");
        canvas.write_flipped(Flip::Flip0, &mut image).expect("size");
        lines.push(format!("{class} {} {}", accepted.attempts, accepted.filling));
        if let Some(dir) = &dir {
            let file = std::fs::File::create(dir.join(format!("{class:02}.png"))).expect("png file");
            let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), side as u32, side as u32);
            encoder.set_color(png::ColorType::Grayscale);
            encoder.set_compression(png::Compression::Fastest);
            encoder.write_header().and_then(|mut w| w.write_image_data(&image)).expect("png");
        }
    }
    let seconds = t.elapsed().as_secs_f64();
    println!("{}", lines.join("\n"));
    println!("seconds {seconds}");
}
