//! Images of Baradad's statistical models for `scripts/reference_statistical.py`: renders images
//! `first..first + n` of a model (`spectrum`, `wmm`, `spectrum_color`, `spectrum_color_wmm`) at a
//! side with a seed, writes them one after another as raw R G B bytes to OUT, and prints, as JSON,
//! the seconds the rendering took on one thread.
//! usage: statistical_stats MODEL FIRST N SIDE SEED OUT

use std::time::Instant;

use fdsl_core::families::statistical::{Model, Params, SMALL_SCALE, render, scratch_len};
use fdsl_core::math::fft::Complex;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let usage =
        "usage: statistical_stats spectrum|wmm|spectrum_color|spectrum_color_wmm FIRST N SIDE SEED OUT";
    let model = match args.get(1).map(String::as_str) {
        Some("spectrum") => Model::Spectrum,
        Some("wmm") => Model::Wmm,
        Some("spectrum_color") => Model::SpectrumColor,
        Some("spectrum_color_wmm") => Model::SpectrumColorWmm,
        _ => return Err(usage.into()),
    };
    let arg = |i: usize| args.get(i).ok_or(usage);
    let (first, n): (u64, u64) = (arg(2)?.parse()?, arg(3)?.parse()?);
    let params = Params { side: arg(4)?.parse()?, ..SMALL_SCALE };
    let seed: u64 = arg(5)?.parse()?;
    let need = scratch_len(&params)?;
    let (mut real, mut complex) = (vec![0.0; need.reals], vec![Complex::default(); need.complex]);
    let mut images = vec![0u8; n as usize * params.side * params.side * 3];
    let start = Instant::now();
    for (i, image) in images.chunks_exact_mut(params.side * params.side * 3).enumerate() {
        render(model, seed, first + i as u64, &params, &mut real, &mut complex, image)?;
    }
    let seconds = start.elapsed().as_secs_f64();
    std::fs::write(arg(6)?, &images)?;
    println!("{{\"seconds\":{seconds}}}");
    Ok(())
}
