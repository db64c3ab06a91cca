//! `fdsl-bench`: throughput of a preset in memory (no disk), per output and thread count.
//!
//! `cargo run --release -p fdsl-bench -- throughput --preset fractaldb-1k --categories 8 --threads 1,2 --formats raster,png,webdataset,npy`

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};
use fdsl_cli::dataset::{Dataset, Scratch};
use fdsl_cli::plan::Plan;
use fdsl_cli::presets;
use fdsl_cli::spec::{DrawMode, Format, Generator, Spec};
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
        #[arg(long, value_enum)]
        draw: Option<DrawMode>,
    },
}

fn main() -> Result<()> {
    let Command::Throughput { preset, categories, instances, threads, formats, draw } = Cli::parse().command;
    println!("| {preset} output | threads | images | seconds | images/s | MB |");
    println!("|---|---:|---:|---:|---:|---:|");
    for output in formats {
        let published = presets::published(&preset)?;
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
            ..published.with_format(format, None)
        };
        if let (Generator::Fractaldb { draw: d, .. }, Some(draw)) = (&mut spec.generator, draw) {
            *d = draw;
        }
        let cats = presets::categories(&spec)?;
        spec.categories_sha256 = cats.sha256();
        let dataset = Dataset::new(spec, cats)?;
        let plan = Plan::new(&dataset);
        for &t in &threads {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(t).build()?;
            let start = Instant::now();
            let bytes: usize = pool.install(|| {
                plan.tasks()
                    .par_iter()
                    .map_init(Scratch::default, |scratch, &task| match (output, task) {
                        (Output::Raster, fdsl_cli::plan::Task::Unit(unit)) => {
                            let mut bytes = 0;
                            dataset.render_unit(unit, dataset.unit_samples(unit), scratch, |_, r| {
                                bytes += r.len();
                                Ok(())
                            })?;
                            Ok(bytes)
                        }
                        _ => Ok(plan.render(task, scratch)?.iter().map(|(_, b)| b.len()).sum()),
                    })
                    .sum::<Result<usize>>()
            })?;
            let secs = start.elapsed().as_secs_f64();
            let n = dataset.sample_total();
            println!(
                "| {output:?} | {t} | {n} | {secs:.2} | {:.0} | {:.1} |",
                n as f64 / secs,
                bytes as f64 / 1e6
            );
        }
    }
    Ok(())
}
