//! PrimGeoSeg volumes for `scripts/reference_primgeoseg.py - fdsl COUNT`: renders volumes
//! `0..count` of config001 with seed `seed` (fdsl's streams, or CPython's `random.seed(seed + i)`
//! with `cpython`) on one thread and writes, per volume, a line `placed attempts` then the image
//! and label bytes (`96³` each) to stdout; the rendering's seconds per volume go to stderr.
//!
//! `cargo run --release -p fdsl-core --example primgeoseg_volumes -- <count> <seed> [cpython|fixed]`

use fdsl_core::families::primgeoseg::{CONFIG001, Keyed, Settings, render, scratch_words};
use fdsl_core::math::mt19937::Mt19937;
use std::io::Write;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count: u64 = args.first().map_or(100, |a| a.parse().expect("a count"));
    let seed: u64 = args.get(1).map_or(0, |a| a.parse().expect("a seed"));
    let mode = args.get(2).map_or("fdsl", String::as_str);
    let settings = Settings { fix_volume_bug: mode == "fixed", ..CONFIG001 };
    let n = settings.voxels();
    let (mut img, mut lab, mut scratch) = (vec![0u8; n], vec![0u8; n], vec![0u32; scratch_words(&settings)]);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut spent = Duration::ZERO;
    for i in 0..count {
        let t = Instant::now();
        let placement = if mode == "cpython" {
            render(&settings, &mut Mt19937::python_seed(seed + i), &mut scratch, &mut img, &mut lab)
        } else {
            render(&settings, &mut Keyed::new(seed, i), &mut scratch, &mut img, &mut lab)
        }
        .expect("config001 renders");
        spent += t.elapsed();
        writeln!(out, "{} {}", placement.placed, placement.attempts).unwrap();
        out.write_all(&img).unwrap();
        out.write_all(&lab).unwrap();
    }
    out.flush().unwrap();
    eprintln!("fdsl render: {:.6} s per volume over {count}", spent.as_secs_f64() / count as f64);
}
