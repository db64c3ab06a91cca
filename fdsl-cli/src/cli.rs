//! Command-line arguments and their dispatch.

use crate::output::Part;
use crate::plan::Plan;
use crate::{render, search, verify};
use anyhow::{Context, Result, bail};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use fdsl_core::fractaldb::{Job, Recipe};
use fdsl_core::frame::Grid;
use fdsl_dataset::dataset::Categories;
use fdsl_dataset::spec::{Choice, ColourMode, DrawMode, Format, PngCompression, Spec};
use fdsl_dataset::{Dataset, Request};
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "fdsl",
    version,
    about = "Formula-driven pre-training datasets (FractalDB, RCDB, VisualAtom, ExFractalDB, MV-FractalDB, PC-FractalDB, dead leaves, ...), fast and reproducible to the byte",
    long_about = "Formula-driven pre-training datasets (FractalDB, RCDB, VisualAtom, ExFractalDB, MV-FractalDB, PC-FractalDB, dead leaves, ...), fast and reproducible to the byte.\n\n\
        Every output byte is a function of the dataset spec and the seed: the same command gives the \
        same files on any machine and any number of threads.\n\n\
        Exit codes: 0 success, 1 `verify` found differences, 2 bad input or another error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Search random IFSs for categories: FractalDB's 2-D ones (a,b,c,d,e,f,p rows) or, with --kind ifs3d,
    /// the 3-D ones of ExFractalDB, MV-FractalDB and PC-FractalDB (a..l,p rows); writes 00000.csv, … and
    /// search.json.
    Search(SearchArgs),
    /// Render a dataset (PNG ImageFolder, WebDataset or npy shards; PLY or npy point clouds) with
    /// classes.txt, categories/ and manifest.json.
    ///
    /// Re-running the same command on the same folder keeps every file the manifest verifies and
    /// renders the rest (resume after an interruption).
    Render(RenderArgs),
    /// Recompute every file of a rendered dataset from its manifest; name each file that differs or is missing.
    Verify(VerifyArgs),
    /// Draw a contact sheet (one PNG): a few instances of the first few classes of a dataset, each
    /// labelled class/instance; point clouds and scenes as a projection. Takes render's dataset
    /// flags; the dataset is the preset's first --categories classes.
    Preview(PreviewArgs),
}

#[derive(Args)]
#[command(allow_negative_numbers = true)]
struct PreviewArgs {
    #[command(flatten)]
    recipe: RecipeArgs,
    /// The sheet, a PNG file (RGB).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Classes shown, one row each: the dataset's first N (scenes: one row).
    #[arg(long, value_name = "N", default_value_t = 4, conflicts_with = "classes")]
    categories: usize,
    /// Show these classes instead, one row each (comma-separated indices, e.g. 0,33,66,99 for the
    /// corners and diagonal of perlin-100's grid); the sheet's dataset then has the first
    /// max + 1 classes.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    classes: Option<Vec<usize>>,
    /// Instances shown per class, spread evenly over the preset's instances (FractalDB's 1,000: 0,
    /// 250, 500, 750).
    #[arg(long, value_name = "M", default_value_t = 4)]
    instances: usize,
    /// Side of each tile, pixels (8 to 1024): samples are shrunk (averaged) or grown to it.
    #[arg(long, value_name = "PX", default_value_t = 128)]
    tile: usize,
}

#[derive(Args)]
#[command(allow_negative_numbers = true)]
struct SearchArgs {
    /// What to search: ifs2 (FractalDB: 2-D IFS, accepted by point-mode filling rate) or ifs3d
    /// (ExFractalDB, MV-FractalDB: 3-D IFS, accepted by the variance of each axis of the normalised
    /// cloud; 13-column files a..l,p).
    #[arg(long, value_enum, default_value = "ifs2")]
    kind: SearchKind,
    /// Number of categories to find.
    #[arg(long, default_value_t = 1000)]
    categories: usize,
    /// Seed of the search (candidate j is a function of the seed and j).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Output folder (new or empty).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// ifs2: side of the point-mode test rendering, pixels.
    #[arg(long, value_name = "PX", default_value_t = 512)]
    size: u32,
    /// Points of the test chaos game [default: ifs2 100000; ifs3d 9999, the origin dropped].
    #[arg(long)]
    points: Option<u32>,
    /// ifs2: least filling rate of an accepted category [default: 0.2]. ifs3d: least variance of
    /// each axis [default: 0.05, the published run scripts; the paper used 0.15].
    #[arg(long)]
    threshold: Option<f64>,
    /// ifs2: maps per candidate, N or A..B (uniform) [default: 2..7, the reference's; the ViT paper
    /// also tried fewer].
    #[arg(long, value_name = "A..B", value_parser = maps_range)]
    maps: Option<(u32, u32)>,
    /// ifs2: every coefficient of a candidate uniform in (-R, R) [default: 1.0, the reference's; the
    /// ViT paper tried 0.8 and 1.5].
    #[arg(long, value_name = "R")]
    range: Option<f64>,
    /// Give up (exit 2) after this many candidates [default: 1000 per category; the reference
    /// criteria accept about 1 in 45 (ifs2) and 1 in 55 (ifs3d)].
    #[arg(long, value_name = "K")]
    max_candidates: Option<u64>,
    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Where candidates are tried: cpu, cuda (the ifs2 search on an NVIDIA GPU; the same categories),
    /// or auto (the GPU when one works).
    #[arg(long, value_enum, default_value = "cpu")]
    device: Device,
}

/// What `fdsl search` looks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum SearchKind {
    /// 2-D IFS (FractalDB).
    Ifs2,
    /// 3-D IFS (ExFractalDB, MV-FractalDB, PC-FractalDB).
    Ifs3d,
}

#[derive(Args)]
#[command(allow_negative_numbers = true)]
struct RenderArgs {
    #[command(flatten)]
    recipe: RecipeArgs,
    /// Output folder: new, empty, or one this same command wrote before (resumes it).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Use only the first N categories (classes) [default: the preset's: 1,000; 10,000 for
    /// fractaldb-10k; 21,000 for rcdb-21k, visualatom-21k, exfractaldb-21k and ofdb-21k; 100, 1,296,
    /// 144, 1,024 for perlin-100, perlin-1296, bezier-144, bezier-1024]. Scenes pick their objects from all N.
    #[arg(long, value_name = "N")]
    categories: Option<usize>,
    /// Samples per category. FractalDB: the first M in the order weight, count, flip, 1 to 1,000
    /// (default 1,000; OFDB 1, its 3-D form 12). MV-FractalDB: model x 12 views, 1 to 1,740 (default 1,740). RCDB,
    /// VisualAtom, ExFractalDB, PC-FractalDB, Perlin, Bezier: 1 to 1,000,000 (default 1,000). PC-FractalDB scenes: the number of
    /// scenes, 1 to 1,000,000 (default 10,000).
    #[arg(long, value_name = "M")]
    instances: Option<usize>,
    /// Output format. Images: png (ImageFolder, the default), webdataset (tar shards + _info.json
    /// for timm/webdataset), npy (uint8 image and int64 label arrays per shard, memory-mappable).
    /// Point clouds: ply (binary, the default), ply-ascii, npy (one float32 N x 3 file per cloud),
    /// webdataset (models only).
    #[arg(long, value_parser = choice::<Format>())]
    format: Option<Format>,
    /// PNG compression of images (png and webdataset formats): none (stored DEFLATE blocks; RCDB
    /// 512 px: 0.02 ms and 263 KB per image), fastest (fdeflate, Up filter: 0.23 ms, 85 KB), fast
    /// (fdeflate, adaptive filters: 0.29 ms, 70 KB), balanced (zlib level 6 like the references'
    /// PIL: 3.6 ms, 31 KB), high (zlib level 9: 7.6 ms, 31 KB) [default: fastest].
    #[arg(long, value_name = "LEVEL", value_parser = choice::<PngCompression>())]
    png_compression: Option<PngCompression>,
    /// The last K instances of every class form a `val` split (train/ and val/, or train-*/val-*
    /// shards); scenes: the last K scenes. K must keep val apart from train: no val image may share a
    /// chaos game or canvas with a train image, so FractalDB takes multiples of 40 (a weight row),
    /// MV-FractalDB of 12 (a model's views); ExFractalDB past 145 instances and PC-FractalDB share a
    /// class's models in every instance and take none.
    #[arg(long, value_name = "K", default_value_t = 0)]
    val_per_class: usize,
    /// Samples per shard for --format webdataset and npy [default: 1000].
    #[arg(long, value_name = "S")]
    shard_size: Option<usize>,
    /// Render only part K of N (0-based): for job arrays (Slurm, Kubernetes Indexed Jobs). The N parts
    /// write disjoint files; the last to finish in a shared folder writes manifest.json, and the
    /// union is byte-identical to a single run.
    #[arg(long, value_name = "K/N")]
    shard: Option<Part>,
    /// Print what would be written (samples, files, estimated bytes) and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Worker threads (0: one per core). The output does not depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Where FractalDB canvases are rendered: cpu, cuda (an NVIDIA GPU; the same bytes), or auto (the
    /// GPU when one works). Other presets render on the CPU.
    #[arg(long, value_enum, default_value = "cpu")]
    device: Device,
}

/// What defines the samples of a dataset, besides how many: shared by `render` and `preview`.
#[derive(Args)]
struct RecipeArgs {
    /// Dataset preset. fractaldb-1k: the 1,000 official categories; fractaldb-10k: 10,000 categories
    /// found by `fdsl search` with seed 10000; both 1,000 images per class, 362x362, 200,000 points,
    /// patch mode, weight step 0.4, 10 patch draws, 4 flips. ofdb-1k / ofdb-21k: One-instance
    /// FractalDB, one image per class (FractalDB's instance 0: weight row 0, one patch draw, no flip)
    /// of the official categories / 21,000 from the fractaldb-10k search; ofdb-3d-1k: one 3-D model per
    /// class (MV-FractalDB's model 0) in 12 views. rcdb-1k / rcdb-21k: radial contours drawn
    /// from --seed, 1,000 images per class, 512x512. exfractaldb-1k / exfractaldb-21k: 3-D IFS classes
    /// (`fdsl search --kind ifs3d --seed 30000`), 1,000 random views per class, 224x224.
    /// mv-fractaldb-1k: the same classes, 145 models x 12 views each. pc-fractaldb-1k: 1,000
    /// FractalNoiseMix point clouds per class (PLY). pc-fractaldb-scenes: 10,000 scenes of those.
    /// af-fractals-1k: Anderson & Farrell's fractals (WACV 2022), 1,000 SVD-sampled systems drawn from
    /// --seed x 1,000 coloured images on diamond-square backgrounds, 224x224, 100,000 points.
    /// dead-leaves-squares / -oriented / -mixed: dead leaves (Baradad et al. 2021), one unlabelled
    /// class of 105,000 RGB images, 128x128 (the large scale: --size 256 --instances 1300000).
    /// visualatom-1k / visualatom-21k: VisualAtom (CVPR 2023), contours grown by two sine waves and
    /// Perlin noise, categories drawn from --seed at make_VisualAtom.sh's ranges, 1,000 images per
    /// class, 512x512 grey.
    /// perlin-100 / perlin-1296: 2-D Perlin noise, fdsl's reconstruction (not the papers' code): a
    /// 10x10 / 36x36 grid of base frequency 1 to 8 (geometric) x persistence 0.25 to 0.85, 4 octaves,
    /// each instance its own shuffled table and offset. bezier-144 / bezier-1024: Bezier curves, fdsl's
    /// reconstruction: 144 / 1,024 templates of 1 to 8 quadratic or cubic curves drawn from --seed, each
    /// instance jittered and moved with its own widths and greys. All four 1,000 grey images per
    /// class, 256x256.
    #[arg(long, default_value = "fractaldb-1k")]
    preset: String,
    /// Take the categories from the CSV files of DIR (official format, e.g. from `fdsl search`), sorted by name.
    #[arg(long, value_name = "DIR")]
    categories_from: Option<PathBuf>,
    /// Image side, pixels, 16 to 8192 [default: the preset's: 362 FractalDB, 512 RCDB and VisualAtom, 224
    /// ExFractalDB and MV-FractalDB, 256 Perlin and Bezier]. Point clouds have none.
    #[arg(long, value_name = "PX", value_parser = image_side)]
    size: Option<u32>,
    /// Points, 1 to 20,000,000. FractalDB: per chaos game, origin included [default: 200,000].
    /// ExFractalDB, MV-FractalDB: per 3-D model [default: 9,999]. PC-FractalDB: per point cloud
    /// (and per scene object), split by --mix-ratio [default: 10,000]. Not RCDB or VisualAtom.
    #[arg(long, value_name = "T")]
    points: Option<u32>,
    /// FractalDB: point or patch drawing [default: patch].
    #[arg(long, value_parser = choice::<DrawMode>())]
    draw: Option<DrawMode>,
    /// FractalDB: instance weight step W, coefficients scaled by 1-2W, 1-W, 1+W, 1+2W (0: every
    /// instance unscaled) [default: 0.4].
    #[arg(long, value_name = "W")]
    weight_step: Option<f64>,
    /// FractalDB: grey, or hue (RGB images: the hue cycles with the point index, period 128 points,
    /// as the reference's point_color / patch_color) [default: grey].
    #[arg(long, visible_alias = "color", value_parser = choice::<ColourMode>())]
    colour: Option<ColourMode>,
    /// Dataset seed of every random stream.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// PC-FractalDB: the share of each instance's points from its own category, the rest from a
    /// partner category (FractalNoiseMix) [default: 0.8].
    #[arg(long, value_name = "R")]
    mix_ratio: Option<f64>,
    /// PC-FractalDB scenes: objects per scene before the Poisson(5) term [default: 5, as the run
    /// script passes; the scene script's own default is 15].
    #[arg(long, value_name = "N")]
    objects: Option<u32>,
}

#[derive(Args)]
struct VerifyArgs {
    /// The dataset folder (with its manifest.json).
    dir: PathBuf,
    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

/// Run with these arguments (the first is the program name).
pub fn run(args: impl IntoIterator<Item = OsString>) -> Result<ExitCode> {
    let args: Vec<OsString> = args.into_iter().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            e.print()?;
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            e.print()?;
            return Ok(ExitCode::from(2));
        }
        Err(e) => {
            let command = args
                .iter()
                .skip(1)
                .find_map(|a| ["search", "render", "verify", "preview"].into_iter().find(|c| a == c));
            bail!(
                "{} (see `fdsl {}--help`)",
                one_line(&e.render().to_string()),
                command.map(|c| format!("{c} ")).unwrap_or_default()
            );
        }
    };
    match cli.command {
        Command::Search(a) => in_pool(a.threads, || search_command(&a)),
        Command::Render(a) => in_pool(a.threads, || render_command(&a)),
        Command::Verify(a) => in_pool(a.threads, || verify_command(&a)),
        Command::Preview(a) => preview_command(&a),
    }
}

/// Clap's whole message on one line: what is wrong, the arguments it names, its tips and possible
/// values (`; `-separated), without the usage lines that follow.
fn one_line(text: &str) -> String {
    let mut message = String::new();
    for line in
        text.lines().map(str::trim).take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more"))
    {
        let line = line.trim_start_matches("error: ");
        if line.is_empty() {
            continue;
        }
        if !message.is_empty() {
            message.push_str(if line.starts_with('[') || message.ends_with(':') { " " } else { "; " });
        }
        message.push_str(line);
    }
    if message.is_empty() { "invalid arguments".into() } else { message }
}

fn in_pool(threads: usize, job: impl FnOnce() -> Result<ExitCode> + Send) -> Result<ExitCode> {
    fdsl_dataset::memory::check_threads(threads).map_err(|e| anyhow::anyhow!("--{e}"))?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")?;
    pool.install(job)
}

fn search_command(a: &SearchArgs) -> Result<ExitCode> {
    let max = a.max_candidates.unwrap_or(1000 * a.categories as u64);
    let n = a.categories;
    let gpu = gpu_for(a.device, a.kind == SearchKind::Ifs2)?;
    let bar = crate::progress::Progress::new(n as u64, "searching", "categories");
    let progress = |found, _| bar.set_position(found);
    let tried = match a.kind {
        SearchKind::Ifs2 => {
            let reference = fdsl_core::search::REFERENCE;
            let (min_maps, max_maps) =
                a.maps.unwrap_or((reference.sampling.min_maps, reference.sampling.max_maps));
            let criteria = fdsl_core::search::Criteria {
                grid: Grid::square(a.size),
                points: a.points.unwrap_or(reference.points),
                threshold: a.threshold.unwrap_or(reference.threshold),
                sampling: fdsl_core::Sampling {
                    min_maps,
                    max_maps,
                    range: a.range.unwrap_or(reference.sampling.range),
                },
            };
            fdsl_dataset::search::check(&criteria)?;
            search::check_request(n, &a.out)?;
            let (found, tried) = match &gpu {
                Some(gpu) => search::search_gpu(gpu, &criteria, a.seed, n, max, &progress)?,
                None => fdsl_dataset::search::search(&criteria, a.seed, n, max, &progress)?,
            };
            let json = serde_json::json!({
                "size": a.size, "points": criteria.points, "filling_rate_threshold": criteria.threshold,
                "maps": [min_maps, max_maps], "coefficient_range": criteria.sampling.range,
            });
            search::write(&a.out, "ifs2", json, a.seed, &found, tried)?;
            tried
        }
        SearchKind::Ifs3d => {
            if a.maps.is_some() || a.range.is_some() {
                bail!("--maps and --range apply to --kind ifs2 (the 3-D search draws as its reference does)");
            }
            let reference = fdsl_core::cloud::REFERENCE_3D;
            let criteria = fdsl_core::cloud::Criteria3 {
                points: a.points.unwrap_or(reference.points),
                threshold: a.threshold.unwrap_or(reference.threshold),
            };
            fdsl_dataset::search::check_3d(&criteria)?;
            search::check_request(n, &a.out)?;
            let (found, tried) = fdsl_dataset::search::search(&criteria, a.seed, n, max, &progress)?;
            let json =
                serde_json::json!({ "points": criteria.points, "variance_threshold": criteria.threshold });
            search::write(&a.out, "ifs3d", json, a.seed, &found, tried)?;
            tried
        }
    };
    bar.finish();
    println!(
        "found {n} categories in {tried} candidates (acceptance {:.2} %) -> {}",
        100.0 * n as f64 / tried as f64,
        a.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Where work runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Device {
    /// The CPU cores (rayon).
    Cpu,
    /// The first NVIDIA GPU; an error where there is none, or where the work has no GPU path.
    Cuda,
    /// The GPU when one works and the work has a GPU path, else the CPU.
    Auto,
}

/// The GPU to use for work that has a GPU path (`gpu_path`) or not.
fn gpu_for(device: Device, gpu_path: bool) -> Result<Option<fdsl_cuda::Gpu>> {
    Ok(match device {
        Device::Cpu => None,
        Device::Cuda if !gpu_path => {
            bail!(
                "--device cuda: only FractalDB rendering and the ifs2 search have a GPU path; use --device cpu"
            )
        }
        Device::Cuda => Some(fdsl_cuda::Gpu::new()?),
        Device::Auto => gpu_path.then(|| fdsl_cuda::Gpu::new().ok()).flatten(),
    })
}

fn preview_command(a: &PreviewArgs) -> Result<ExitCode> {
    if a.categories == 0 {
        bail!("--categories must be at least 1");
    }
    // No more classes than there are: dead leaves' one, a folder's files.
    let available = match &a.recipe.categories_from {
        Some(dir) => fdsl_dataset::categories::csv_files(dir, None)?.len(),
        None => fdsl_dataset::presets::published(&a.recipe.preset)?.categories,
    };
    let classes: Vec<usize> = match &a.classes {
        Some(list) => {
            if let Some(&past) = list.iter().find(|&&c| c >= available) {
                bail!("--classes {past}: the dataset has classes 0 to {}", available - 1);
            }
            list.clone()
        }
        None => (0..a.categories.min(available)).collect(),
    };
    let needed = classes.iter().max().map_or(1, |&c| c + 1);
    let dataset = a.recipe.request(Some(needed), None).dataset(&|_, _| {})?;
    let sheet = crate::preview::contact_sheet(&dataset, &classes, a.instances, a.tile)?;
    let png = crate::encode::encode_png_sized(
        &sheet.pixels,
        sheet.width as u32,
        sheet.height as u32,
        crate::encode::Colour::Rgb,
        PngCompression::Balanced,
    )?;
    std::fs::write(&a.out, png).with_context(|| format!("cannot write {}", a.out.display()))?;
    println!("{} x {} sheet of {} -> {}", sheet.width, sheet.height, dataset.spec.preset, a.out.display());
    Ok(ExitCode::SUCCESS)
}

/// `--size`: a whole number of pixels (its range, 16 to 8192, is the spec's check); a number past
/// 32 bits is named as an image side too large, not as a type's range.
fn image_side(text: &str) -> Result<u32, String> {
    if let Ok(side) = text.trim().parse::<u32>() {
        return Ok(side);
    }
    Err(format!(
        "{} is not an image side: give pixels, {} to {}",
        fdsl_dataset::memory::quoted_number(text),
        fdsl_dataset::spec::SIZES.start(),
        fdsl_dataset::spec::SIZES.end()
    ))
}

/// `--maps`: `N` or `A..B`.
fn maps_range(text: &str) -> Result<(u32, u32), String> {
    let number =
        |t: &str| t.trim().parse::<u32>().map_err(|_| format!("{text:?} is not N or A..B (e.g. 2..7)"));
    match text.split_once("..") {
        Some((a, b)) => Ok((number(a)?, number(b)?)),
        None => number(text).map(|n| (n, n)),
    }
}

/// The values of a library setting, with their help, as a clap parser.
pub fn choice<T: Choice + Send + Sync>() -> impl TypedValueParser<Value = T> {
    let values = T::ALL.iter().map(|&(_, name, help)| PossibleValue::new(name).help(help));
    PossibleValuesParser::new(values).map(|name| T::from_name(&name).expect("one of the possible values"))
}

/// The dataset a render command asks for, all checked; nothing is written.
impl RecipeArgs {
    /// The request of these flags, with `categories` and `instances`.
    fn request(&self, categories: Option<usize>, instances: Option<usize>) -> Request {
        Request {
            preset: self.preset.clone(),
            seed: self.seed,
            categories,
            instances,
            categories_from: self.categories_from.clone(),
            size: self.size,
            points: self.points,
            draw: self.draw,
            weight_step: self.weight_step,
            colour: self.colour,
            mix_ratio: self.mix_ratio,
            objects: self.objects,
            ..Request::default()
        }
    }
}

fn dataset_of(a: &RenderArgs) -> Result<Dataset> {
    let request = Request {
        format: a.format,
        png_compression: a.png_compression,
        val_per_class: a.val_per_class,
        shard_size: a.shard_size,
        ..a.recipe.request(a.categories, a.instances)
    };
    // A bar only for presets whose categories come from a search; none when --out already holds
    // this dataset's categories (a resume, a dry run of a render begun).
    let bar = std::cell::OnceCell::new();
    let reuse = |spec: &Spec| categories_in(&a.out, spec);
    let dataset = request.dataset_reusing(
        &|found, wanted| {
            bar.get_or_init(|| crate::progress::Progress::new(wanted, "searching categories", "categories"))
                .set_position(found)
        },
        &reuse,
    );
    if let Some(bar) = bar.get() {
        bar.finish();
    }
    dataset
}

/// The categories of the dataset `spec` names (its hash not yet set) if `out` holds it, whole or in
/// part, written by this version: its `categories/` files, whose hash is the manifest's.
fn categories_in(out: &std::path::Path, spec: &Spec) -> Option<Categories> {
    let manifests = crate::output::Manifest::all(out).ok()?;
    let (_, m) = manifests.iter().find(|(_, m)| {
        let ours = Spec { categories_sha256: m.spec.categories_sha256.clone(), ..spec.clone() };
        m.tool == crate::output::TOOL
            && m.spec.same_dataset(&ours)
            && m.spec.category_source == spec.category_source
    })?;
    let categories =
        Categories::from_dir(&spec.generator, &out.join("categories"), Some(spec.categories)).ok()?;
    (categories.sha256() == m.spec.categories_sha256).then_some(categories)
}

/// Share of an image's pixels under which a category counts as drawing almost nothing.
const NEARLY_EMPTY: f64 = 0.005;

/// Warn of category files whose first sample draws almost nothing, naming them (before a million
/// samples of them are rendered).
fn warn_of_empty_categories(dataset: &Dataset, dir: &std::path::Path) -> Result<()> {
    let empty = dataset.nearly_empty_classes(NEARLY_EMPTY)?;
    if empty.is_empty() {
        return Ok(());
    }
    let files = fdsl_dataset::categories::csv_files(dir, Some(dataset.class_count()))?;
    let named: Vec<String> = empty.iter().take(5).map(|&c| files[c].display().to_string()).collect();
    eprintln!(
        "warning: {} of the {} categories draw almost nothing (under {} % of the pixels, or one point, in their \
         first sample): {}{}; check or remove them before rendering",
        empty.len(),
        dataset.class_count(),
        NEARLY_EMPTY * 100.0,
        named.join(", "),
        if empty.len() > named.len() { ", ..." } else { "" }
    );
    Ok(())
}

fn render_command(a: &RenderArgs) -> Result<ExitCode> {
    let dataset = dataset_of(a)?;
    if let Some(dir) = &a.recipe.categories_from {
        warn_of_empty_categories(&dataset, dir)?;
    }
    let plan = Plan::new(&dataset);
    let part = a.shard.unwrap_or(Part::WHOLE);
    if a.dry_run {
        println!("{}", render::dry_run(&plan, part));
        return Ok(ExitCode::SUCCESS);
    }
    if a.device == Device::Cuda
        && dataset.spec.fractaldb_recipe().is_some()
        && dataset.canvas_recipe().is_none()
    {
        bail!(
            "--device cuda renders grey FractalDB canvases; --colour hue renders on the CPU: use --device cpu"
        );
    }
    let gpu = gpu_for(a.device, dataset.canvas_recipe().is_some())?;
    let on_gpu = gpu.as_ref().map(|gpu| {
        move |jobs: &[Job], seed: u64, recipe: &Recipe| -> Result<Vec<u8>> {
            Ok(gpu.fractaldb_render(jobs, seed, recipe)?)
        }
    });
    // Batches of about 4,096 canvases: 0.5 GB of 362 px canvases on the host per batch in flight.
    let batches = on_gpu.as_ref().map(|render| render::CanvasBatches { canvases: 4096, render });
    let s = render::render(&plan, &a.out, part, batches.as_ref()).map_err(with_io_hint)?;
    if let Some(first) = s.extras.first() {
        eprintln!(
            "warning: {} holds {} file(s) or folder(s) the dataset does not list ({first}{}); remove them before \
             training (ImageFolder and shard patterns would read them as data); `fdsl verify {}` names them all",
            a.out.display(),
            s.extras.len(),
            if s.extras.len() > 1 { ", ..." } else { "" },
            a.out.display()
        );
    }
    let secs = s.elapsed.as_secs_f64();
    let noun = dataset.noun();
    println!(
        "rendered {} {noun} ({} already there) into {} in {secs:.2} s ({:.0} {noun}/s){}",
        s.written,
        s.kept,
        a.out.display(),
        s.written as f64 / secs.max(1e-9),
        match (part == Part::WHOLE, s.completed, s.completed_here) {
            (true, ..) => String::new(),
            (false, true, true) => format!("; part {part} was the last: manifest.json is complete"),
            (false, true, false) => format!("; part {part} done, manifest.json is complete"),
            (false, false, _) => format!("; part {part} done, manifest.json comes with the last part"),
        }
    );
    if s.completed {
        for pattern in plan.shard_patterns() {
            println!("shards: {}", a.out.join(pattern).display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Add the fix to an I/O error that has one: a full disk, a folder that cannot be written.
fn with_io_hint(e: anyhow::Error) -> anyhow::Error {
    use std::io::ErrorKind;
    let kind = e.chain().find_map(|c| c.downcast_ref::<std::io::Error>()).map(std::io::Error::kind);
    match kind {
        Some(ErrorKind::StorageFull) => {
            e.context("the disk is full: free space (or choose another --out) and run the same command again; finished files are kept")
        }
        Some(ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem) => {
            e.context("the output folder cannot be written: choose a writable --out")
        }
        _ => e,
    }
}

fn verify_command(a: &VerifyArgs) -> Result<ExitCode> {
    let report = verify::verify(&a.dir)?;
    for p in &report.problems {
        println!("{p}");
    }
    if report.problems.is_empty() {
        println!("ok: {} files match their recomputation ({})", report.checked, a.dir.display());
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "{} problem(s) in {} ({} files checked)",
            report.problems.len(),
            a.dir.display(),
            report.checked
        );
        Ok(ExitCode::from(1))
    }
}
