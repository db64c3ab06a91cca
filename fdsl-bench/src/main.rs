//! `fdsl-bench`: throughput of the FractalDB recipe in memory (no disk), per format and thread count.
//!
//! `cargo run --release -p fdsl-bench -- throughput --categories 8 --threads 1,2 --formats raster,png,webdataset,npy`

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};
use fdsl_cli::categories::fractaldb_1k;
use fdsl_cli::dataset::{Categories, Dataset, Scratch};
use fdsl_cli::plan::Plan;
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
    /// Rasters only: trace, paint, flip; no encoding.
    Raster,
    /// PNG ImageFolder files.
    Png,
    /// WebDataset tar shards.
    Webdataset,
    /// NumPy shards.
    Npy,
}

#[derive(Subcommand)]
enum Command {
    /// Render FractalDB-1k samples in memory and report images/s per output and thread count.
    Throughput {
        /// Official categories to render (1,000 images each unless --instances).
        #[arg(long, default_value_t = 4)]
        categories: usize,
        /// Instances per category.
        #[arg(long, default_value_t = 1000)]
        instances: usize,
        /// Thread counts to measure, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "1,2")]
        threads: Vec<usize>,
        /// Outputs to measure, comma-separated.
        #[arg(long, value_enum, value_delimiter = ',', default_value = "raster,png")]
        formats: Vec<Output>,
        /// Point or patch drawing.
        #[arg(long, value_enum, default_value = "patch")]
        draw: DrawMode,
    },
}

fn main() -> Result<()> {
    let Command::Throughput { categories, instances, threads, formats, draw } = Cli::parse().command;
    println!("| output | threads | images | seconds | images/s | MB |");
    println!("|---|---:|---:|---:|---:|---:|");
    for output in formats {
        let cats = fractaldb_1k(categories)?;
        let format = match output {
            Output::Raster | Output::Png => Format::Png,
            Output::Webdataset => Format::Webdataset,
            Output::Npy => Format::Npy,
        };
        let cats = Categories::Fractal(cats);
        let spec = Spec {
            categories_sha256: cats.sha256(),
            instances,
            generator: Generator::Fractaldb { points: 200_000, draw, weight_step: 0.4 },
            ..Spec::published("fractaldb-1k", "fractaldb-1k", categories).with_format(format, None)
        };
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
            let n = dataset.image_count();
            println!(
                "| {output:?} | {t} | {n} | {secs:.2} | {:.0} | {:.1} |",
                n as f64 / secs,
                bytes as f64 / 1e6
            );
        }
    }
    Ok(())
}
