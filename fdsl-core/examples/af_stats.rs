//! Statistics and speed of Anderson & Farrell images, for `scripts/reference_af.py`: renders
//! `images` instances of each of `systems` systems drawn from `seed` at 224 px and 100,000 points
//! on one thread, and prints one line per image, `filling mean_r mean_g mean_b`, then
//! `seconds <s>` for the rendering alone (wall clock) and, on Linux, `cpu <s>`, its CPU time. With a path, the images' raw RGB bytes go there too.
//!
//! `cargo run --release -p fdsl-core --example af_stats -- <systems> <images> <seed> [raw.bin]`

use fdsl_core::families::anderson_farrell::{AndersonFarrell, POINTS, SIDE, category_key, sample_system};
use fdsl_core::family::{Family, Held, Workspace};
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, d: u64| args.get(i).map_or(d, |a| a.parse().expect("a number"));
    let (systems, images, seed) = (arg(0, 10), arg(1, 1), arg(2, 0));
    let list: Vec<_> = (0..systems).map(|c| sample_system(&mut category_key(seed, c).rng())).collect();
    let family = AndersonFarrell::new(list.clone(), SIDE, POINTS, seed).expect("sampled systems");
    let (mut arena, mut held) = (vec![0u64; family.scratch_len().words()], Held::default());
    let mut ws = Workspace::new(&mut arena, &mut held);
    let mut rgb = vec![0u8; family.parts().max_len(0)];
    let mut raw = args.get(3).map(|p| std::io::BufWriter::new(std::fs::File::create(p).expect("raw file")));
    let mut lines = Vec::new();
    let (mut seconds, mut cpu) = (0.0, Some(0.0));
    for (c, system) in list.iter().enumerate() {
        for i in 0..images {
            let (t, on_cpu) = (std::time::Instant::now(), thread_cpu_seconds());
            let filling = family.draw(system, c, i, &mut ws, &mut rgb).expect("the family's workspace");
            seconds += t.elapsed().as_secs_f64();
            cpu = cpu.zip(thread_cpu_seconds().zip(on_cpu)).map(|(sum, (b, a))| sum + b - a);
            let mean = |ch: usize| {
                rgb.iter().skip(ch).step_by(3).map(|&v| f64::from(v)).sum::<f64>() / (SIDE * SIDE) as f64
            };
            lines.push(format!("{filling} {} {} {}", mean(0), mean(1), mean(2)));
            if let Some(w) = raw.as_mut() {
                w.write_all(&rgb).expect("write");
            }
        }
    }
    println!("{}", lines.join("\n"));
    println!("seconds {seconds}");
    if let Some(cpu) = cpu {
        println!("cpu {cpu}");
    }
}

/// The calling thread's time on a CPU so far (Linux's `/proc/thread-self/schedstat`, nanoseconds):
/// the rendering's CPU time on a machine shared with other work, where wall time is not.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(stat.split_whitespace().next()?.parse::<f64>().ok()? * 1e-9)
}
