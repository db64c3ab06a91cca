//! Criterion benches of the kernels issue 34 sped up, so that a later change cannot erode them
//! quietly: Anderson & Farrell's image and its steps (224 px, 100,000 points), Baradad's statistical
//! images and their numerics (128 px), 1p-frac's bounded retries. One thread.
//! `cargo bench -p fdsl-bench --bench kernels` (a group: `-- "anderson-farrell"`).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fdsl_core::families::anderson_farrell::{
    AndersonFarrell, CHAINS, PILOT, POINTS, SIDE, background_bits_len, background_levels, category_key,
    chains, hits_len, instance_key, render_counts, sample_system,
};
use fdsl_core::families::statistical::{Model, SMALL_SCALE, render, scratch_len};
use fdsl_core::family::{Family, Held, Workspace};
use fdsl_core::math::cdf_matching::{match_cdf, rank_table};
use fdsl_core::math::fft::{Complex, Direction, Twiddles, fft2_with, half_len, irfft2, rfft2};
use fdsl_core::math::stream::{Purpose, unit_f64};
use fdsl_core::raster::blur::{blur_scratch_len, gaussian_blur_3x3, gaussian_kernel_3};
use fdsl_core::raster::diamond_square::field_len;
use std::hint::black_box;

/// 64 systems of `af-fractals-1k`'s seed 0, images drawn in turn.
fn anderson_farrell(c: &mut Criterion) {
    let systems: Vec<_> = (0..64).map(|k| sample_system(&mut category_key(0, k).rng())).collect();
    let family = AndersonFarrell::new(systems.clone(), SIDE, POINTS, 0).unwrap();
    let (mut arena, mut held) = (vec![0u64; family.scratch_len().words()], Held::default());
    let mut counts = vec![0u32; SIDE * SIDE + hits_len(SIDE)];
    let (mut trace, mut field) = (vec![0.0; 2 * (POINTS / PILOT)], vec![0f32; 2 * field_len(SIDE)]);
    let (mut bits, mut rows) = (vec![0u16; background_bits_len(SIDE)], vec![0u16; blur_scratch_len(SIDE)]);
    let mut rgb = vec![0u8; SIDE * SIDE * 3];
    let mut g = c.benchmark_group("anderson-farrell");
    g.throughput(Throughput::Elements(1));
    let mut k = 0;
    g.bench_function("one image (224 px, 100k points)", |b| {
        b.iter(|| {
            k = (k + 1) % 64;
            black_box(family.draw(&systems[k], k, 0, &mut Workspace::new(&mut arena, &mut held), &mut rgb))
        })
    });
    g.bench_function("hit counts (chaos game, window, 3x3 mask)", |b| {
        b.iter(|| {
            k = (k + 1) % 64;
            let (counts, hits) = counts.split_at_mut(SIDE * SIDE);
            let chain = chains(instance_key(0, k as u64, 0, Purpose::Chain), POINTS);
            let mut window = instance_key(0, k as u64, 0, Purpose::Shape).rng();
            black_box(render_counts(
                &systems[k],
                chain,
                POINTS / CHAINS,
                POINTS / PILOT,
                POINTS,
                &mut window,
                0x1ab,
                SIDE,
                counts,
                hits,
                &mut trace,
            ))
        })
    });
    g.bench_function("background (diamond-square, HSV levels)", |b| {
        b.iter(|| {
            k += 1;
            let mut rng = instance_key(0, 0, k as u64, Purpose::Shape).rng();
            black_box(background_levels(&mut rng, SIDE, &mut bits, &mut field))
        })
    });
    g.bench_function("3x3 Gaussian blur", |b| {
        b.iter(|| gaussian_blur_3x3(&mut rgb, SIDE, gaussian_kernel_3(0.75), &mut rows))
    });
    g.finish();
}

/// Images 0.. of two models at the reference's 128 px, and the numerics they spend their time in.
fn statistical(c: &mut Criterion) {
    let params = SMALL_SCALE;
    let need = scratch_len(&params).unwrap();
    let (mut real, mut complex) = (vec![0.0; need.reals], vec![Complex::default(); need.complex]);
    let mut out = vec![0u8; params.side * params.side * 3];
    let mut g = c.benchmark_group("statistical");
    g.sample_size(10);
    g.throughput(Throughput::Elements(1));
    for (name, model) in [
        ("stat-spectrum", Model::Spectrum),
        ("stat-wmm", Model::Wmm),
        ("stat-spectrum-color-wmm", Model::SpectrumColorWmm),
    ] {
        let mut i = 0;
        g.bench_function(format!("{name}, one image (128 px)"), |b| {
            b.iter(|| {
                i += 1;
                render(model, 0, i, &params, &mut real, &mut complex, &mut out).unwrap()
            })
        });
    }
    let n = params.side;
    let twiddles = Twiddles::new(n).unwrap();
    let mut rng = instance_key(0, 0, 0, Purpose::Shape).rng();
    let image: Vec<Complex> = (0..n * n).map(|_| Complex::new(unit_f64(&mut rng), 0.0)).collect();
    let mut data = image.clone();
    g.bench_function("fft2 + inverse, 128 x 128", |b| {
        b.iter(|| {
            data.copy_from_slice(&image);
            fft2_with(&mut data, n, Direction::Forward, &twiddles).unwrap();
            fft2_with(&mut data, n, Direction::Inverse, &twiddles).unwrap();
        })
    });
    let real_image: Vec<f64> = image.iter().map(|c| c.re).collect();
    let (mut half, mut back) = (vec![Complex::default(); half_len(n)], vec![0.0; n * n]);
    g.bench_function("rfft2 + irfft2 (real image), 128 x 128", |b| {
        b.iter(|| {
            rfft2(&real_image, &mut half, n, &twiddles).unwrap();
            irfft2(&mut half, &mut back, n, &twiddles).unwrap();
        })
    });
    let values: Vec<f64> = image.iter().map(|c| (c.re - 0.5) * 40.0).collect();
    let quantiles: Vec<f64> = (1..=801).map(|i| i as f64 / 801.0).collect();
    // The WMM law's points, −200 + 0.5·i.
    let law_point = |i: usize| -200.0 + 0.5 * i as f64;
    let mut matched = values.clone();
    let mut work = vec![0.0; 2 * n * n];
    g.bench_function("histogram matching, 128 x 128 values, 801-point law", |b| {
        b.iter(|| {
            matched.copy_from_slice(&values);
            match_cdf(&mut matched, &mut work, &quantiles, law_point, |_| {}, None);
        })
    });
    // A WMM round: the band's table by rank made once per image, its ranks found each round.
    let mut table = vec![0.0; n * n];
    rank_table(&quantiles, law_point, |_| {}, &mut table);
    g.bench_function("histogram matching with its table by rank, 128 x 128 values", |b| {
        b.iter(|| {
            matched.copy_from_slice(&values);
            match_cdf(&mut matched, &mut work, &quantiles, law_point, |_| {}, Some(&table));
        })
    });
    g.finish();
}

criterion_group!(benches, anderson_farrell, statistical);
criterion_main!(benches);
