//! `fdsl-bench`: throughput of a preset in memory (no disk), per output and thread count; and on a GPU,
//! the CPU = GPU cross-check and the GPU throughput (`scripts/gpu-check.sh` runs them).
//!
//! `cargo run --release -p fdsl-bench -- throughput --preset fractaldb-1k --categories 8 --threads 1,2 --formats raster,png,webdataset,npy`

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};
use fdsl_cli::Plan;
use fdsl_core::families::fractaldb::Draw;
use fdsl_dataset::dataset::Scratch;
use fdsl_dataset::families::Settings;
use fdsl_dataset::spec::{Format, PngCompression};
use fdsl_dataset::{Dataset, Registry, Spec};
use rayon::prelude::*;
use std::time::Instant;

#[derive(Parser)]
#[command(about = "fdsl throughput runner")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// What to produce in memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Output {
    /// Rasters (or point clouds) only: no encoding.
    Raster,
    /// PNG ImageFolder files.
    Png,
    /// WebDataset tar shards.
    Webdataset,
    /// NumPy shards.
    Npy,
    /// Binary PLY files (point clouds).
    Ply,
}

#[derive(Subcommand)]
enum Command {
    /// Render a preset's samples in memory and report images/s per output and thread count.
    Throughput {
        /// The preset (its published recipe).
        #[arg(long, default_value = "fractaldb-1k")]
        preset: String,
        /// Categories to render (1,000 images each unless --instances).
        #[arg(long, default_value_t = 4)]
        categories: usize,
        /// Instances per category [default: the preset's].
        #[arg(long)]
        instances: Option<usize>,
        /// Thread counts to measure, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "1,2")]
        threads: Vec<usize>,
        /// Outputs to measure, comma-separated.
        #[arg(long, value_enum, value_delimiter = ',', default_value = "raster,png")]
        formats: Vec<Output>,
        /// FractalDB only: point or patch drawing [default: patch].
        #[arg(long, value_parser = fdsl_cli::choice::<Draw>())]
        draw: Option<Draw>,
        /// PNG compression of the png and webdataset outputs.
        #[arg(long, value_parser = fdsl_cli::choice::<PngCompression>(), default_value = "fastest")]
        png_compression: PngCompression,
    },
    /// Render FractalDB canvases on the CPU and on the GPU and compare them byte for byte: every
    /// weight row, every count, patch and point mode, the published recipe (exit 1 on a mismatch).
    Crosscheck {
        /// Official categories to take (each gives 25 weights x 10 counts patch + 25 point canvases).
        #[arg(long, default_value_t = 8)]
        categories: usize,
        /// Dataset seed.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Row bands (threads per block) of the on-chip kernel.
        #[arg(long, default_value_t = 64)]
        bands: u32,
    },
    /// The FractalDB category search on the GPU: time to find `categories` categories.
    GpuSearch {
        /// Categories to find.
        #[arg(long, default_value_t = 10_000)]
        categories: usize,
        /// Candidates per launch (each needs a 512x512 canvas in GPU memory).
        #[arg(long, default_value_t = 32_768)]
        batch: usize,
    },
    /// The library's `Dataset::render_batch`: samples per second for batches of whole units (every
    /// sample of a few units) and of isolated samples (each from another unit), and `render` one at
    /// a time.
    Batch {
        /// The preset (its published recipe).
        #[arg(long, default_value = "fractaldb-1k")]
        preset: String,
        /// Categories of the dataset (isolated samples are spread over all of them).
        #[arg(long, default_value_t = 400)]
        categories: usize,
        /// Samples per batch.
        #[arg(long, default_value_t = 400)]
        samples: usize,
        /// Thread counts to measure, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "1")]
        threads: Vec<usize>,
    },
    /// FractalDB-1k canvases rendered into GPU memory per second (the published recipe), by each
    /// kernel: one thread per canvas, and on chip with each number of row bands.
    GpuThroughput {
        /// Canvases to render.
        #[arg(long, default_value_t = 65_536)]
        canvases: usize,
        /// Canvases per launch.
        #[arg(long, default_value_t = 16_384)]
        batch: usize,
        /// Row bands (threads per block) of the on-chip kernel to measure, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "32,64,128")]
        bands: Vec<u32>,
    },
}

/// The GPU runners.
mod gpu {
    use anyhow::{Result, bail};
    use fdsl_core::Canvas;
    use fdsl_core::families::fractaldb::weights::{WEIGHT_ROWS, instance_weights};
    use fdsl_core::families::fractaldb::{COUNTS, Draw, FRACTALDB_1K, Job, Recipe};
    use fdsl_cuda::Gpu;
    use fdsl_dataset::families::fractaldb::official_categories as fractaldb_1k;
    use rayon::prelude::*;
    use std::time::Instant;

    /// Every (category, weight, count) job of the first `categories` official categories.
    fn jobs(categories: usize, counts: usize) -> Result<Vec<Job>> {
        let weights = instance_weights(0.4);
        let cats = fractaldb_1k(categories)?;
        Ok(cats
            .iter()
            .enumerate()
            .flat_map(|(c, cat)| {
                (0..WEIGHT_ROWS).flat_map(move |w| {
                    (0..counts).map(move |count| Job {
                        ifs: cat.params.scaled(&weights[w]),
                        category: c as u64,
                        weight: w as u64,
                        count: count as u64,
                    })
                })
            })
            .collect())
    }

    /// The CPU's canvases of `jobs`, in order.
    fn on_cpu(jobs: &[Job], seed: u64, recipe: &Recipe) -> Vec<Vec<u8>> {
        let side = recipe.grid.width as usize;
        jobs.par_iter()
            .map_init(
                || vec![0u32; recipe.points as usize],
                |positions, job| {
                    let mut pixels = vec![0u8; side * side];
                    let mut canvas = Canvas::new(&mut pixels, side, side).expect("sized");
                    job.render(seed, recipe, positions, &mut canvas).expect("checked recipe");
                    pixels
                },
            )
            .collect()
    }

    /// The two FractalDB kernels.
    #[derive(Clone, Copy)]
    enum Kernel {
        /// `fractaldb_render`: one thread per canvas, bytes written to GPU memory point by point.
        PerThread,
        /// `fractaldb_prepare` + `fractaldb_paint_on_chip`: one block per canvas, bit planes in
        /// shared memory painted latest first, one row band per thread.
        OnChip,
    }

    impl Kernel {
        fn render(self, gpu: &Gpu, jobs: &[Job], seed: u64, recipe: &Recipe, bands: u32) -> Result<Vec<u8>> {
            Ok(match self {
                Kernel::PerThread => gpu.render_canvases(jobs, seed, recipe)?,
                Kernel::OnChip => gpu.fractaldb_render_on_chip(jobs, seed, recipe, bands)?,
            })
        }

        fn name(self, bands: u32) -> String {
            match self {
                Kernel::PerThread => "thread per canvas".into(),
                Kernel::OnChip => format!("on chip, {bands} bands"),
            }
        }
    }

    pub fn crosscheck(categories: usize, seed: u64, bands: u32) -> Result<()> {
        let gpu = Gpu::new()?;
        println!("device: {}", gpu.name());
        println!("| draw | canvases | images (x4 flips) | mismatches | cpu s | gpu s |");
        println!("|---|---:|---:|---:|---:|---:|");
        let mut bad = 0;
        for draw in [Draw::Patch, Draw::Point] {
            let recipe = Recipe { draw, ..FRACTALDB_1K };
            let jobs = jobs(categories, if draw == Draw::Patch { COUNTS } else { 1 })?;
            let t = Instant::now();
            let cpu = on_cpu(&jobs, seed, &recipe);
            let cpu_s = t.elapsed().as_secs_f64();
            for kernel in [Kernel::PerThread, Kernel::OnChip] {
                let t = Instant::now();
                let gpu_bytes = kernel.render(&gpu, &jobs, seed, &recipe, bands)?;
                let gpu_s = t.elapsed().as_secs_f64();
                let side2 = (recipe.grid.width as usize).pow(2);
                let mismatches =
                    cpu.iter().zip(gpu_bytes.chunks_exact(side2)).filter(|(c, g)| c.as_slice() != *g).count();
                bad += mismatches;
                println!(
                    "| {draw:?}, {} | {} | {} | {mismatches} | {cpu_s:.2} | {gpu_s:.2} |",
                    kernel.name(bands),
                    jobs.len(),
                    4 * jobs.len()
                );
            }
        }
        // The category search: the same filling rates (to the bit), so the same categories.
        let (criteria, n) = (fdsl_core::families::fractaldb::search::REFERENCE, 4096usize);
        let t = Instant::now();
        let cpu_rates: Vec<f64> = (0..n as u64)
            .into_par_iter()
            .map_init(
                || vec![0u8; 512 * 512],
                |buf, j| {
                    let mut canvas = Canvas::new(buf, 512, 512).expect("sized");
                    fdsl_core::families::fractaldb::search::try_candidate(seed, j, &criteria, &mut canvas)
                        .filling_rate
                },
            )
            .collect();
        let cpu_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let gpu_rates = gpu.search_filling_rates(seed, 0, n, &criteria)?;
        let gpu_s = t.elapsed().as_secs_f64();
        let differ = cpu_rates.iter().zip(&gpu_rates).filter(|(c, g)| c.to_bits() != g.to_bits()).count();
        let accepted = cpu_rates.iter().filter(|&&r| r >= criteria.threshold).count();
        println!("| search | {n} candidates ({accepted} accepted) | | {differ} | {cpu_s:.2} | {gpu_s:.2} |");
        bad += differ;
        if bad > 0 {
            bail!("{bad} canvases or filling rates differ between CPU and GPU");
        }
        Ok(())
    }

    /// The GPU search for `categories` categories (the reference criteria), in batches.
    pub fn search(categories: usize, batch: usize) -> Result<()> {
        let gpu = Gpu::new()?;
        let criteria = fdsl_core::families::fractaldb::search::REFERENCE;
        let t = Instant::now();
        let (mut found, mut next) = (0usize, 0u64);
        while found < categories {
            let rates = gpu.search_filling_rates(0, next, batch, &criteria)?;
            found += rates.iter().filter(|&&r| r >= criteria.threshold).count();
            next += batch as u64;
        }
        let s = t.elapsed().as_secs_f64();
        println!("device: {}", gpu.name());
        println!("| search | categories | candidates tried | seconds |");
        println!("|---|---:|---:|---:|");
        println!("| 512 px, 100k points, fill >= 0.2 | {found} (>= {categories}) | {next} | {s:.2} |");
        Ok(())
    }

    /// Canvases per second of each kernel (the on-chip one with each of `bands`) at the published recipe.
    pub fn throughput(canvases: usize, batch: usize, bands: &[u32]) -> Result<()> {
        let gpu = Gpu::new()?;
        let all = jobs(1000, COUNTS)?;
        let jobs: Vec<Job> = all.iter().cycle().take(canvases).copied().collect();
        println!("device: {}", gpu.name());
        println!("| recipe | kernel | canvases | seconds | canvases/s | images/s (x4 flips) |");
        println!("|---|---|---:|---:|---:|---:|");
        let runs = std::iter::once((Kernel::PerThread, 0)).chain(bands.iter().map(|&b| (Kernel::OnChip, b)));
        for (kernel, b) in runs {
            let _ = kernel.render(&gpu, &jobs[..batch.min(jobs.len())], 0, &FRACTALDB_1K, b)?; // warm up
            let t = Instant::now();
            for chunk in jobs.chunks(batch.max(1)) {
                kernel.render(&gpu, chunk, 0, &FRACTALDB_1K, b)?;
            }
            let s = t.elapsed().as_secs_f64();
            let rate = canvases as f64 / s;
            println!(
                "| fractaldb-1k patch, 362 px, 200k points | {} | {canvases} | {s:.2} | {rate:.0} | {:.0} |",
                kernel.name(b),
                4.0 * rate
            );
        }
        Ok(())
    }
}

fn main() -> std::process::ExitCode {
    let done = match Cli::parse().command {
        Command::Throughput { preset, categories, instances, threads, formats, draw, png_compression } => {
            throughput(&preset, categories, instances, &threads, &formats, draw, png_compression)
        }
        Command::Batch { preset, categories, samples, threads } => {
            batch(&preset, categories, samples, &threads)
        }
        Command::Crosscheck { categories, seed, bands } => gpu::crosscheck(categories, seed, bands),
        Command::GpuThroughput { canvases, batch, bands } => gpu::throughput(canvases, batch, &bands),
        Command::GpuSearch { categories, batch } => gpu::search(categories, batch),
    };
    match done {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

fn throughput(
    preset: &str,
    categories: usize,
    instances: Option<usize>,
    threads: &[usize],
    formats: &[Output],
    draw: Option<Draw>,
    png_compression: PngCompression,
) -> Result<()> {
    println!("| {preset} output | threads | images | seconds | images/s | MB |");
    println!("|---|---:|---:|---:|---:|---:|");
    for &output in formats {
        let published = Settings::published(preset)?;
        let format = match output {
            Output::Raster => published.format,
            Output::Png => Format::Png,
            Output::Webdataset => Format::Webdataset,
            Output::Npy => Format::Npy,
            Output::Ply => Format::Ply,
        };
        let mut spec = Spec {
            categories,
            instances: instances.unwrap_or(published.instances),
            png_compression,
            ..published.with_format(format, None)
        };
        if let (Settings::Fractaldb(settings), Some(draw)) = (&mut spec.family, draw) {
            settings.draw = draw;
        }
        let cats = Settings::preset_categories(&spec, &|_, _| {})?;
        spec.categories_sha256 = cats.sha256();
        let dataset = Dataset::new(spec, cats)?;
        let plan = Plan::new(&dataset)?;
        for &t in threads {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(t).build()?;
            let start = Instant::now();
            let bytes: usize = pool.install(|| {
                plan.tasks()
                    .par_iter()
                    .map_init(Scratch::default, |scratch, &task| match (output, task) {
                        (Output::Raster, fdsl_cli::Task::Chunk(chunk)) => {
                            let mut bytes = 0;
                            dataset.render_samples(dataset.chunk_samples(chunk), scratch, |_, r| {
                                bytes += r.iter().map(|p| p.len()).sum::<usize>();
                                Ok(())
                            })?;
                            Ok(bytes)
                        }
                        _ => plan
                            .render(task, scratch, &std::env::temp_dir())?
                            .iter()
                            .map(|(_, made)| Ok(made.size()? as usize))
                            .sum(),
                    })
                    .sum::<Result<usize>>()
            })?;
            let secs = start.elapsed().as_secs_f64();
            let n = dataset.len();
            println!(
                "| {output:?} | {t} | {n} | {secs:.2} | {:.0} | {:.1} |",
                n as f64 / secs,
                bytes as f64 / 1e6
            );
        }
    }
    Ok(())
}

fn batch(preset: &str, categories: usize, samples: usize, threads: &[usize]) -> Result<()> {
    let json = serde_json::json!({ "preset": preset, "categories": categories }).to_string();
    let dataset = Dataset::open(&json)?;
    // Whole units: 40 samples of each of some classes spread evenly over the dataset, taken unit by
    // unit (FractalDB: one weight row; ExFractalDB: the instances of a few models). Isolated: one
    // sample of each class in turn, each in another unit; with --categories at least --samples,
    // every class once (both sets average over many classes).
    let (classes, instances) = (dataset.class_count() as u64, dataset.spec.instances as u64);
    let per_class = 40.min(instances);
    let spread = (classes / (samples as u64).div_ceil(per_class)).max(1);
    let mut whole = Vec::with_capacity(samples);
    for class in (0..classes).step_by(spread as usize).cycle().take(samples.div_ceil(per_class as usize)) {
        let mut by_unit: Vec<u64> = (0..instances).map(|i| class * instances + i).collect();
        by_unit.sort_by_key(|&i| dataset.unit_of(i).map(|(_, unit)| unit).unwrap_or(0));
        whole.extend(by_unit.into_iter().take(per_class as usize));
    }
    whole.truncate(samples);
    let isolated: Vec<u64> =
        (0..samples as u64).map(|j| j % classes * instances + (j / classes * 40 + 7) % instances).collect();
    let mut buffers: Vec<Vec<u8>> =
        dataset.parts().iter().map(|p| vec![0u8; samples * p.max_len()]).collect();
    let mut out: Vec<&mut [u8]> = buffers.iter_mut().map(Vec::as_mut_slice).collect();
    dataset.render_batch(&whole, &mut out, 1)?; // warm up: first touches of the buffers
    println!("| {preset}: {samples} samples | threads | seconds | samples/s |");
    println!("|---|---:|---:|---:|");
    for &t in threads {
        for (name, indices) in
            [("render_batch, whole units", &whole), ("render_batch, isolated samples", &isolated)]
        {
            let start = Instant::now();
            dataset.render_batch(indices, &mut out, t)?;
            let secs = start.elapsed().as_secs_f64();
            println!("| {name} | {t} | {secs:.3} | {:.0} |", indices.len() as f64 / secs);
        }
    }
    let start = Instant::now();
    for (k, &i) in isolated.iter().enumerate() {
        let mut slots: Vec<&mut [u8]> = (dataset.parts().iter().zip(out.iter_mut()))
            .map(|(part, buffer)| &mut buffer[k * part.max_len()..(k + 1) * part.max_len()])
            .collect();
        dataset.render_parts(i, &mut slots)?;
    }
    let secs = start.elapsed().as_secs_f64();
    println!("| render, one at a time (isolated) | 1 | {secs:.3} | {:.0} |", isolated.len() as f64 / secs);
    Ok(())
}
