//! Command-line arguments and their dispatch.

use crate::family_flags::FamilyFlags;
use crate::output::Part;
use crate::plan::Plan;
use crate::{progress, render, search, verify};
use anyhow::{Context, Result, bail};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use fdsl_core::families::fractaldb::{Job, Recipe};
use fdsl_dataset::families::Settings;
use fdsl_dataset::jpeg::Subsampling;
use fdsl_dataset::spec::{Choice, Codec, Encoding, Format, PngCompression};
use fdsl_dataset::{Dataset, DatasetCategories, Registry, Request, Spec};
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "fdsl",
    version,
    about = "Formula-driven pre-training datasets (fractals, contours, noise, point clouds, ...), fast and reproducible to the byte",
    long_about = "Formula-driven pre-training datasets (fractals, contours, noise, point clouds, ...), fast and reproducible to the byte; \
        `fdsl render --help` lists the presets.\n\n\
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
    /// Search random candidates for categories (--kind: the families' searches); writes 00000.csv, …
    /// in the family's category format, and search.json.
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
    /// Classes shown, one row each: the dataset's first N (unlabelled samples: a row per part shown,
    /// e.g. images and their masks over them, drawn from these N classes).
    #[arg(long, value_name = "N", default_value_t = 4, conflicts_with = "classes")]
    categories: usize,
    /// Show these classes instead, one row each (comma-separated indices, e.g. 0,33,66,99 for the
    /// corners and diagonal of a 10 x 10 grid of categories); the sheet's dataset then has the first
    /// max + 1 classes.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    classes: Option<Vec<usize>>,
    /// Instances shown per class, spread evenly over the preset's instances (of 1,000: 0, 250, 500,
    /// 750).
    #[arg(long, value_name = "M", default_value_t = 4)]
    instances: usize,
    /// Side of each tile, pixels (8 to 1024): samples are shrunk (averaged) or grown to it.
    #[arg(long, value_name = "PX", default_value_t = 128)]
    tile: usize,
}

#[derive(Args)]
#[command(allow_negative_numbers = true)]
struct SearchArgs {
    /// What to search [default: ifs2].
    #[arg(long, default_value = "ifs2", value_name = "KIND", value_parser = search_kinds())]
    kind: String,
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
    /// criteria accept about 1 in 45 (2-D) and 1 in 55 (3-D)].
    #[arg(long, value_name = "K")]
    max_candidates: Option<u64>,
    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Where candidates are tried: cpu, cuda (an NVIDIA GPU, for searches that have a GPU path; the same
    /// categories), or auto (the GPU when one works).
    #[arg(long, value_enum, default_value = "cpu")]
    device: Device,
}

/// `--kind`'s values, each with its help, from the families' searches.
fn search_kinds() -> PossibleValuesParser {
    PossibleValuesParser::new(Settings::SEARCHES.iter().map(|k| PossibleValue::new(k.name).help(k.about)))
}

#[derive(Args)]
#[command(allow_negative_numbers = true)]
struct RenderArgs {
    #[command(flatten)]
    recipe: RecipeArgs,
    /// Output folder: new, empty, or one this same command wrote before (resumes it).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Use only the first N categories (classes) [default: the preset's, see --preset].
    #[arg(long, value_name = "N", long_help = flag_help("--categories", CATEGORIES))]
    categories: Option<usize>,
    /// Samples per category: the first M of the preset's [default: the preset's].
    #[arg(long, value_name = "M", long_help = flag_help("--instances", INSTANCES))]
    instances: Option<usize>,
    /// Output format. Images: png (ImageFolder, the default), webdataset (tar shards + _info.json
    /// for timm/webdataset), npy (uint8 image and int64 label arrays per shard, memory-mappable).
    /// Point clouds: ply (binary, the default), ply-ascii, npy (one float32 N x 3 file per cloud),
    /// webdataset (models only).
    #[arg(long, value_parser = choice::<Format>())]
    format: Option<Format>,
    /// PNG compression of images (png and webdataset formats): none (stored DEFLATE blocks; 512 px
    /// contours: 0.02 ms and 263 KB per image), fastest (fdeflate, Up filter: 0.23 ms, 85 KB), fast
    /// (fdeflate, adaptive filters: 0.29 ms, 70 KB), balanced (zlib level 6 like the references'
    /// PIL: 3.6 ms, 31 KB), high (zlib level 9: 7.6 ms, 31 KB) [default: fastest].
    #[arg(long, value_name = "LEVEL", value_parser = choice::<PngCompression>())]
    png_compression: Option<PngCompression>,
    /// The last K instances of every class form a `val` split, kept apart from train.
    #[arg(long, value_name = "K", default_value_t = 0, long_help = flag_help("--val-per-class", VAL_PER_CLASS))]
    val_per_class: usize,
    /// Samples per shard for --format webdataset and npy [default: 1000].
    #[arg(long, value_name = "S")]
    shard_size: Option<usize>,
    /// Render only part K of N (0-based): for job arrays (Slurm, Kubernetes Indexed Jobs). The N parts
    /// write disjoint files; the last to finish in a shared folder writes manifest.json, and the
    /// union is byte-identical to a single run.
    #[arg(long, value_name = "K/N")]
    shard: Option<Part>,
    /// Write through symbolic links to folders inside --out (e.g. a class folder on another disk).
    /// Without it a render refuses such a link, naming it: nothing outside --out is written unless
    /// asked. (--out itself may be a link.)
    #[arg(long)]
    follow_links: bool,
    /// Print what would be written (samples, files, estimated bytes) and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Worker threads (0: one per core). The output does not depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Where canvases are rendered, for presets whose family has a GPU path: cpu, cuda (an NVIDIA GPU;
    /// the same bytes), or auto (the GPU when one works). Other presets render on the CPU.
    #[arg(long, value_enum, default_value = "cpu")]
    device: Device,
}

/// What defines the samples of a dataset, besides how many: shared by `render` and `preview`.
#[derive(Args)]
struct RecipeArgs {
    /// Dataset preset (`--help` lists them).
    #[arg(long, default_value = fdsl_dataset::preset::DEFAULT, long_help = preset_help(), value_name = "NAME")]
    preset: String,
    /// Take the categories from the category files (*.csv) of DIR (each family's format, e.g. the
    /// official CSVs or `fdsl search` output), sorted by name.
    #[arg(long, value_name = "DIR")]
    categories_from: Option<PathBuf>,
    /// Image side, pixels, 16 to 8192 [default: the preset's]. Point clouds have none.
    #[arg(long, value_name = "PX", value_parser = image_side)]
    size: Option<u32>,
    /// Dataset seed of every random stream.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// How images are encoded in their files [default: the preset's].
    #[arg(long, value_name = "CODEC", value_parser = choice::<Codec>(), long_help = encoding_help())]
    encoding: Option<Codec>,
    /// JPEG quality (--encoding jpeg), 25 to 100 [default: the preset's, else 95: cv2's].
    #[arg(long, value_name = "Q", value_parser = jpeg_quality)]
    jpeg_quality: Option<u8>,
    /// JPEG chroma subsampling (--encoding jpeg) [default: the preset's, else 4:2:0: cv2's].
    #[arg(long, value_name = "S", value_parser = choice::<Subsampling>())]
    jpeg_subsampling: Option<Subsampling>,
    #[command(flatten)]
    family: FamilyFlags,
}

/// `--encoding`'s help: the codecs, and the presets whose files are JPEG by default, from the
/// families' registrations.
fn encoding_help() -> String {
    let jpeg: Vec<String> = Settings::presets()
        .filter_map(|p| match p.spec().encoding {
            Encoding::Jpeg(j) => {
                Some(format!("{} (quality {}, {})", p.name, j.quality, j.subsampling.name()))
            }
            Encoding::Png => None,
        })
        .collect();
    format!(
        "How images are encoded in their files: png (lossless) or jpeg (cv2.imencode's bytes; every sample \
         read back, npy arrays, Python and C included, is the decoded image). Masks stay PNG.\n\n[default: \
         the preset's: jpeg for {}, as the references' scripts write them; png for the others]",
        jpeg.join(", ")
    )
}

/// `--jpeg-quality`: a whole number from 25 to 100.
fn jpeg_quality(text: &str) -> Result<u8, String> {
    let range = fdsl_dataset::jpeg::JpegSettings::MIN_QUALITY..=100;
    match text.trim().parse::<u8>() {
        Ok(q) if range.contains(&q) => Ok(q),
        _ => Err(format!(
            "{} is not a JPEG quality: give {} to {}",
            fdsl_dataset::memory::quoted_number(text),
            range.start(),
            range.end()
        )),
    }
}

/// `--categories`' help, before what it means for some families.
const CATEGORIES: &str = "Use only the first N categories (classes) [default: the preset's, see --preset].";
/// `--instances`' help, before what it means for some families.
const INSTANCES: &str = "Samples per category: the first M of the preset's, 1 to the family's most (1,000 where \
    the published instances are all distinct, e.g. 25 weights x 10 draws x 4 flips; 1,000,000 where each is drawn \
    anew; 100,000,000 for one unlabelled class) [default: the preset's].";
/// `--val-per-class`' help, before what it means for some families.
const VAL_PER_CLASS: &str = "The last K instances of every class form a `val` split (train/ and val/, or \
    train-*/val-* shards); unlabelled samples: the last K. K must keep val apart from train: no val sample may \
    share a unit of work (a chaos game, a canvas, a 3-D model) with a train sample, so a K that would is refused, \
    naming the sizes that work.";

/// A generic flag's long help: `about`, then what the flag means for the families that say so in
/// their registrations.
fn flag_help(flag: &str, about: &str) -> String {
    let meanings = Settings::flag_meanings(flag);
    if meanings.is_empty() { about.to_owned() } else { format!("{about}\n\n{}", meanings.join("\n")) }
}

/// `--preset`'s help: every preset with its line, from the families' registrations.
fn preset_help() -> String {
    let presets: Vec<String> = Settings::presets().map(|p| format!("{}: {}.", p.name, p.about)).collect();
    format!("Dataset preset [default: {}].\n\n{}", fdsl_dataset::preset::DEFAULT, presets.join("\n"))
}

#[derive(Args)]
struct VerifyArgs {
    /// The dataset folder (with its manifest.json).
    dir: PathBuf,
    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Read through symbolic links to folders inside DIR, as `fdsl render --follow-links` wrote
    /// them; without it each such link is a problem, named.
    #[arg(long)]
    follow_links: bool,
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
        Command::Render(a) => in_pool(a.threads, || render_command(&a, &args)),
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
    let kind = Settings::search(&a.kind)?;
    let n = a.categories;
    let request = fdsl_dataset::search::SearchRequest {
        seed: a.seed,
        categories: n,
        size: a.size,
        points: a.points,
        threshold: a.threshold,
        maps: a.maps,
        range: a.range,
        max_candidates: a.max_candidates.unwrap_or(1000 * n as u64),
    };
    let gpu = gpu_for(a.device, (!kind.gpu).then(|| format!("the {} search has no GPU path", kind.name)))?;
    search::check_request(n, &a.out)?;
    let bar = crate::progress::Progress::new(n as u64, "searching", "categories");
    let searched = (kind.run)(&request, gpu.as_ref(), &|found, _| bar.set_position(found))?;
    search::write(&a.out, kind.name, a.seed, &searched)?;
    bar.finish();
    println!(
        "found {n} categories in {} candidates (acceptance {:.2} %) -> {}",
        searched.tried,
        100.0 * n as f64 / searched.tried as f64,
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

/// The GPU to use for work that has a GPU path, or none and why not (`no_gpu_path`).
fn gpu_for(device: Device, no_gpu_path: Option<String>) -> Result<Option<fdsl_cuda::Gpu>> {
    let gpu_path = no_gpu_path.is_none();
    Ok(match device {
        Device::Cpu => None,
        Device::Cuda if !gpu_path => {
            bail!("--device cuda: {}; use --device cpu", no_gpu_path.unwrap_or_default())
        }
        Device::Cuda => Some(fdsl_cuda::Gpu::new()?),
        Device::Auto => gpu_path.then(|| fdsl_cuda::Gpu::new().ok()).flatten(),
    })
}

fn preview_command(a: &PreviewArgs) -> Result<ExitCode> {
    if a.categories == 0 {
        bail!("--categories must be at least 1");
    }
    // No more classes than there are: a preset's, a folder's files; a dataset of one category may
    // have many classes (a family whose one category makes every class).
    let categories = match &a.recipe.categories_from {
        Some(dir) => fdsl_dataset::categories::csv_files(dir, None)?.len(),
        None => Settings::published(&a.recipe.preset)?.categories,
    };
    let open = |needed| Dataset::from_request(&a.recipe.request(Some(needed), None), &|_, _| {});
    let one_category = if categories == 1 { Some(open(1)?) } else { None };
    let available = one_category.as_ref().map_or(categories, Dataset::class_count);
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
    let dataset = match one_category {
        Some(dataset) => dataset,
        None => open(needed)?,
    };
    // The family's shared work (a texture pool) is kept in the user's cache folder: a preview has no
    // dataset folder.
    let shown = crate::preview::shown_samples(&dataset, &classes, a.instances);
    let cache = fdsl_dataset::cache::user_folder().map(fdsl_dataset::cache::Cache::new);
    let shared = crate::shared::track(&dataset, &shown, cache)?;
    let sheet = crate::preview::contact_sheet(&dataset, &classes, a.instances, a.tile);
    if let Some(shared) = shared {
        shared.finish();
    }
    let sheet = sheet?;
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
            encoding: self.encoding,
            jpeg_quality: self.jpeg_quality,
            jpeg_subsampling: self.jpeg_subsampling,
            settings: self.family.0.clone(),
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
    let dataset = Dataset::from_request_reusing(
        &request,
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
fn categories_in(out: &std::path::Path, spec: &Spec) -> Option<DatasetCategories> {
    let manifests = crate::output::Manifest::all(out).ok()?;
    let (_, m) = manifests.iter().find(|(_, m)| {
        let ours = Spec { categories_sha256: m.spec.categories_sha256.clone(), ..spec.clone() };
        m.tool == crate::output::TOOL
            && m.spec.same_dataset(&ours)
            && m.spec.category_source == spec.category_source
    })?;
    let categories =
        DatasetCategories::from_dir(&spec.family, &out.join("categories"), Some(spec.categories)).ok()?;
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
    let files = fdsl_dataset::categories::csv_files(dir, Some(dataset.spec.categories))?;
    // A file per class, but for a family whose one category makes every class.
    let name = |c: usize| files.get(c).map_or_else(|| format!("class {c}"), |f| f.display().to_string());
    let named: Vec<String> = empty.iter().take(5).map(|&c| name(c)).collect();
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

fn render_command(a: &RenderArgs, args: &[OsString]) -> Result<ExitCode> {
    let dataset = dataset_of(a)?;
    if let Some(dir) = &a.recipe.categories_from {
        warn_of_empty_categories(&dataset, dir)?;
    }
    let plan = Plan::new(&dataset)?;
    let part = a.shard.unwrap_or(Part::WHOLE);
    if a.dry_run {
        println!("{}", render::dry_run(&plan, part, &a.out)?);
        return Ok(ExitCode::SUCCESS);
    }
    if !a.follow_links {
        crate::output::refuse_folder_links(&a.out)?;
    }
    let gpu = gpu_for(a.device, dataset.gpu_path().err())?;
    let on_gpu = gpu.as_ref().map(|gpu| {
        move |jobs: &[Job], seed: u64, recipe: &Recipe| -> Result<Vec<u8>> {
            Ok(gpu.render_canvases(jobs, seed, recipe)?)
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
        "rendered {} {noun} ({} already there) into {} in {secs:.2} s ({} {noun}/s){}",
        s.written,
        s.kept,
        a.out.display(),
        progress::per_second(s.written as f64 / secs.max(1e-9)),
        match (part == Part::WHOLE, s.completed, s.completed_here) {
            (true, ..) => String::new(),
            (false, true, true) => format!("; part {part} was the last: manifest.json is complete"),
            (false, true, false) => {
                format!(
                    "; part {part} done, manifest.json is complete (it covers this part: no part manifest is left)"
                )
            }
            (false, false, _) => format!("; part {part} done, manifest.json comes with the last part"),
        }
    );
    if s.completed {
        crate::card::write(&a.out, &dataset, &crate::card::regenerating_command(args))?;
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
    let mut report = verify::verify(&a.dir)?;
    if !a.follow_links {
        let links = crate::output::folder_links(&a.dir)?.into_iter().map(|(path, target)| {
            format!("link: {path} -> {} (read through only with --follow-links)", target.display())
        });
        report.problems.splice(0..0, links);
    }
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
