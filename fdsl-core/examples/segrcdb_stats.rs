//! SegRCDB images and masks for `scripts/reference_segrcdb.py`: draws `classes` categories from
//! `seed` (or reads them from `params_dir`, the reference's `param/%05d.csv` files), writes them to
//! `OUT/param/%05d.csv` in the reference's format, and renders images `0..images` at 512 px, 32
//! instances, on one thread, into `OUT/image/%06d.png` and `OUT/mask/%06d.png` (8-bit grey PNGs,
//! the `png` crate's fastest compression, fdsl's default). Prints `seconds <s>` for rendering and
//! PNG files together, and `render_seconds <s>` for rendering alone.
//!
//! `cargo run --release -p fdsl-core --example segrcdb_stats -- <images> <seed> <M1|M2|M3> OUT [classes] [params_dir]`

use fdsl_core::families::segrcdb::{
    INSTANCES, MaskMode, Polygon, REFERENCE_RANGES, SIDE, SegRcdb, SegRcdbCategory, category_key,
};
use std::path::Path;

fn read_category(path: &Path) -> SegRcdbCategory {
    let text = std::fs::read_to_string(path).expect("a category file");
    let value = |key: &str| -> f64 {
        let line = text.lines().find(|l| l.starts_with(&format!("{key},"))).expect(key);
        line.trim_end().split(',').nth(1).expect("a value").parse().expect("a number")
    };
    SegRcdbCategory {
        vertices: value("Vertex") as u32,
        contours: value("Line_num") as u32,
        perlin_coefficient: value("Perlin_noise"),
        line_width: value("line_width"),
        radius: value("Center_rad") as u32,
        oval: (value("Oval_rate_x"), value("Oval_rate_y")),
    }
}

fn write_png(path: &Path, pixels: &[u8]) {
    let file = std::fs::File::create(path).expect("png file");
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), SIDE as u32, SIDE as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_compression(png::Compression::Fastest);
    encoder.write_header().and_then(|mut w| w.write_image_data(pixels)).expect("png");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let images: u64 = args[0].parse().expect("images");
    let seed: u64 = args[1].parse().expect("seed");
    let mode = match args[2].as_str() {
        "M1" => MaskMode::Lines,
        "M2" => MaskMode::Rings,
        "M3" => MaskMode::Filled,
        m => panic!("no mask mode {m}"),
    };
    let out = Path::new(&args[3]);
    let classes: u64 = args.get(4).map_or(254, |c| c.parse().expect("classes"));
    let categories: Vec<SegRcdbCategory> = match args.get(5) {
        Some(dir) => {
            (1..=classes).map(|c| read_category(&Path::new(dir).join(format!("{c:05}.csv")))).collect()
        }
        None => (0..classes)
            .map(|c| SegRcdbCategory::sample(&mut category_key(seed, c).rng(), &REFERENCE_RANGES))
            .collect(),
    };
    for dir in ["param", "image", "mask"] {
        std::fs::create_dir_all(out.join(dir)).expect("folder");
    }
    for (c, k) in categories.iter().enumerate() {
        let text = format!(
            "Category_num,{n}\r\nVertex,{}\r\nPerlin_noise,{:?}\r\nline_width,{:?}\r\nCenter_rad,{}\r\nLine_num,{}\r\nOval_rate_x,{:?}\r\nOval_rate_y,{:?}\r\nColor_Gray,{n}\r\n",
            k.vertices,
            k.perlin_coefficient,
            k.line_width,
            k.radius,
            k.contours,
            k.oval.0,
            k.oval.1,
            n = c + 1
        );
        std::fs::write(out.join("param").join(format!("{:05}.csv", c + 1)), text).expect("param file");
    }
    let family = SegRcdb::new(&categories, SIDE, INSTANCES, mode, seed).expect("categories");
    let mut polygon = Box::<Polygon>::default();
    let (mut image, mut mask) = (vec![0u8; SIDE * SIDE], vec![0u8; SIDE * SIDE]);
    let (mut seconds, mut render_seconds) = (0.0, 0.0);
    for i in 0..images {
        let t = std::time::Instant::now();
        family.render_pair(i, &mut image, &mut mask, &mut polygon).expect("buffers");
        render_seconds += t.elapsed().as_secs_f64();
        write_png(&out.join("image").join(format!("{i:06}.png")), &image);
        write_png(&out.join("mask").join(format!("{i:06}.png")), &mask);
        seconds += t.elapsed().as_secs_f64();
    }
    println!("seconds {seconds}");
    println!("render_seconds {render_seconds}");
}
