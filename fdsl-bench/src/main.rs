//! `fdsl-bench`: throughput of the FractalDB recipe in memory (no disk), per thread count.
//!
//! `cargo run --release -p fdsl-bench -- throughput --categories 8 --threads 1,2`

use anyhow::Result;
use clap::{Parser, Subcommand};
use fdsl_cli::categories::fractaldb_1k;
use fdsl_cli::dataset::{Dataset, Scratch};
use fdsl_cli::spec::{DrawMode, Spec, categories_sha256};
use rayon::prelude::*;
use std::time::Instant;

#[derive(Parser)]
#[command(about = "fdsl throughput runner")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render (and PNG-encode) FractalDB images in memory and report images/s per thread count.
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
        /// Point or patch drawing.
        #[arg(long, value_enum, default_value = "patch")]
        draw: DrawMode,
    },
}

fn main() -> Result<()> {
    let Command::Throughput {
        categories,
        instances,
        threads,
        draw,
    } = Cli::parse().command;
    let cats = fractaldb_1k(categories)?;
    let spec = Spec {
        generator: "fractaldb".into(),
        preset: "fractaldb-1k".into(),
        category_source: "fractaldb-1k".into(),
        categories_sha256: categories_sha256(&cats),
        categories,
        instances,
        size: 362,
        points: 200_000,
        draw,
        weight_step: 0.4,
        seed: 0,
    };
    let dataset = Dataset::new(spec, cats)?;
    println!("| threads | images | seconds | images/s | MB of PNG |");
    println!("|---:|---:|---:|---:|---:|");
    for t in threads {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(t).build()?;
        let start = Instant::now();
        let bytes: usize = pool.install(|| {
            dataset
                .units()
                .par_iter()
                .map_init(Scratch::default, |scratch, &unit| {
                    let mut bytes = 0;
                    dataset.render_unit(unit, scratch, |_, png| {
                        bytes += png.len();
                        Ok(())
                    })?;
                    Ok(bytes)
                })
                .sum::<Result<usize>>()
        })?;
        let secs = start.elapsed().as_secs_f64();
        let n = dataset.image_count();
        println!(
            "| {t} | {n} | {secs:.2} | {:.0} | {:.1} |",
            n as f64 / secs,
            bytes as f64 / 1e6
        );
    }
    Ok(())
}
