//! The dataset card: `README.md` beside `manifest.json`, with the Hugging Face Hub's YAML header
//! (licence, task, size category, pretty name, features, splits) and, below it, the paper to cite,
//! the fdsl version and command that remake the folder byte for byte, sizes and checksums, and how
//! to load it (`datasets.load_dataset`'s `imagefolder` and `webdataset` builders; no Hub builder
//! reads npy, PLY or NIfTI).
//!
//! The card describes the folder; it is not one of its files: the manifest does not list it,
//! `verify` does not count it as extra, and a folder without one (as 0.2.0 wrote them) is complete.
//! It is written by the run that completes the folder, from the spec, the manifest and the command
//! line (less what does not change the bytes: `--out`, `--threads`, `--device`, `--shard`), so every
//! run of the same dataset writes the same card.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use fdsl_dataset::publication;
use fdsl_dataset::spec::Format;
use fdsl_dataset::{Dataset, Role};

pub use crate::output::CARD;
use crate::output::{MANIFEST, TOOL, file_sha256};

/// The `fdsl render` command of `args` (the process's arguments) that remakes its folder: the same
/// flags less `--out`, `--threads`, `--device`, `--shard` and `--dry-run`, then `--out OUT`,
/// quoted for a POSIX shell.
pub fn regenerating_command(args: &[OsString]) -> String {
    const DROPPED: [&str; 5] = ["--out", "--threads", "--device", "--shard", "--dry-run"];
    let mut words = vec!["fdsl".to_owned()];
    let mut rest = args.iter().skip(1).map(|a| a.to_string_lossy().into_owned());
    while let Some(arg) = rest.next() {
        let name = arg.split('=').next().unwrap_or_default();
        if DROPPED.contains(&name) {
            if !arg.contains('=') && name != "--dry-run" {
                rest.next();
            }
            continue;
        }
        words.push(quoted(&arg));
    }
    words.extend(["--out".to_owned(), "OUT".to_owned()]);
    words.join(" ")
}

/// `word` as a POSIX shell reads it back.
fn quoted(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The Hub's `size_categories` bucket of `n` samples.
fn size_category(n: u64) -> &'static str {
    match n {
        0..1_000 => "n<1K",
        1_000..10_000 => "1K<n<10K",
        10_000..100_000 => "10K<n<100K",
        100_000..1_000_000 => "100K<n<1M",
        1_000_000..10_000_000 => "1M<n<10M",
        10_000_000..100_000_000 => "10M<n<100M",
        _ => "100M<n<1B",
    }
}

/// The most classes whose names the card lists in its features (ImageFolder's labels).
const MAX_NAMED_CLASSES: usize = 1000;

/// The card of the complete folder `out` of `dataset`, remade by `command`.
pub fn card(out: &Path, dataset: &Dataset, command: &str) -> Result<String> {
    let spec = &dataset.spec;
    let manifest = std::fs::read(out.join(MANIFEST)).with_context(|| format!("cannot read {MANIFEST}"))?;
    let manifest_sha = file_sha256(out, MANIFEST).unwrap_or_default();
    let files: std::collections::BTreeMap<String, String> =
        serde_json::from_slice::<serde_json::Value>(&manifest)?["files"]
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
            .unwrap_or_default();
    let bytes: u64 = files.keys().filter_map(|f| std::fs::metadata(out.join(f)).ok()).map(|m| m.len()).sum();
    let groups = if dataset.labelled() { dataset.class_count() } else { 1 } as u64;
    let val = groups * spec.val_per_class as u64;
    let train = dataset.len() - val;
    let publication = publication::of(&spec.preset);
    let has = |role: Role| dataset.parts().iter().any(|part| part.role == role);
    let (images, masks) = (has(Role::Image), has(Role::Mask));

    let mut y = String::from("---\n");
    if let Some(p) = publication {
        writeln!(y, "license: {}\ntask_categories:\n- {}", p.license, p.task)?;
    }
    writeln!(y, "size_categories:\n- {}", size_category(dataset.len()))?;
    writeln!(y, "pretty_name: fdsl {} (seed {})", spec.preset, spec.seed)?;
    y.push_str("tags:\n- synthetic\n- formula-driven-supervised-learning\n- fdsl\n");
    let split_names: Vec<(&str, u64)> =
        [("train", train), ("validation", val)].into_iter().filter(|(_, n)| *n > 0).collect();
    // ImageFolder's columns as the `imagefolder` builder makes them (no label for one class); the
    // `webdataset` builder's columns follow the members (their JSON's keys are the family's), so its
    // cards give the splits only.
    let features = match spec.format {
        Format::Png if images && !masks => {
            let mut f = String::from("  - name: image\n    dtype: image\n");
            let classes = dataset.class_count();
            if classes > MAX_NAMED_CLASSES {
                f.push_str("  - name: label\n    dtype: int64\n");
            } else if classes > 1 {
                f.push_str("  - name: label\n    dtype:\n      class_label:\n        names:\n");
                for c in 0..classes {
                    writeln!(f, "          '{c}': '{c:05}'")?;
                }
            }
            Some(f)
        }
        _ => None,
    };
    if matches!(spec.format, Format::Png | Format::Webdataset) && images {
        y.push_str("dataset_info:\n");
        if let Some(f) = features {
            y.push_str("  features:\n");
            y.push_str(&f);
        }
        y.push_str("  splits:\n");
        for (name, n) in &split_names {
            let in_split = |path: &str| {
                let val = path.starts_with("val") || path.contains("/validation/");
                if *name == "validation" {
                    val
                } else {
                    !val && (path.starts_with("train") || path.contains("/training/"))
                }
            };
            let split_bytes: u64 = files
                .keys()
                .filter(|f| in_split(f))
                .filter_map(|f| std::fs::metadata(out.join(f)).ok())
                .map(|m| m.len())
                .sum();
            writeln!(y, "  - name: {name}\n    num_bytes: {split_bytes}\n    num_examples: {n}")?;
        }
    }
    y.push_str("---\n\n");

    let mut t = y;
    writeln!(t, "# fdsl {} (seed {})\n", spec.preset, spec.seed)?;
    if let Some(p) = publication {
        writeln!(t, "A formula-driven pre-training dataset after {}, made by fdsl.\n", p.paper)?;
    }
    let noun = dataset.noun();
    write!(t, "{} {noun}", dataset.len())?;
    if dataset.labelled() {
        let classes = dataset.class_count();
        write!(t, " in {classes} class{} of {} each", if classes == 1 { "" } else { "es" }, spec.instances)?;
    }
    if val > 0 {
        write!(t, " (train {train}, validation {val}: the last {} of each group)", spec.val_per_class)?;
    }
    if images {
        write!(t, ", {0}x{0} pixels", spec.size)?;
    }
    writeln!(
        t,
        "; format `{}`; {} files, {bytes} bytes.\n",
        serde_json::to_value(spec.format)?.as_str().unwrap_or_default(),
        files.len()
    )?;
    writeln!(t, "## Remake it\n")?;
    writeln!(
        t,
        "Written by {TOOL}. The same version remakes this folder byte for byte (`OUT` is any new folder; \
         threads and devices do not change the bytes):\n\n```sh\n{command}\n```\n"
    )?;
    writeln!(
        t,
        "`manifest.json` holds the dataset's spec (its full definition: family settings, seed, sizes) and the \
         SHA-256 of every file; its own SHA-256 is `{manifest_sha}`. `fdsl verify OUT` recomputes every file \
         from the spec and compares. This card is not one of the dataset's files.\n"
    )?;
    writeln!(t, "## Load it\n")?;
    let load = match spec.format {
        Format::Png if masks => "Images and masks in mmsegmentation's layout (`images/{training,validation}`, \
             `annotations/{training,validation}`, the same names). With `datasets`:\n\n```python\nfrom glob import \
             glob\nfrom datasets import Dataset, Image\nds = Dataset.from_dict({\"image\": \
             sorted(glob(\"OUT/images/training/*.png\")), \"mask\": \
             sorted(glob(\"OUT/annotations/training/*.png\"))}).cast_column(\"image\", \
             Image()).cast_column(\"mask\", Image())\n```"
            .to_owned(),
        Format::Png => "ImageFolder (`{split}/{class:05}/{key}.png`; the class is the folder):\n\n```python\nfrom \
             datasets import load_dataset\nds = load_dataset(\"imagefolder\", data_dir=\"OUT\")\n```"
            .to_owned(),
        Format::Webdataset => format!(
            "WebDataset shards (`{}`; members `KEY.png`, `KEY.json`{}):\n\n```python\nfrom datasets import \
             load_dataset\nds = load_dataset(\"webdataset\", data_files={{\"train\": \"OUT/train-*.tar\"}})\n```",
            crate::plan::Plan::new(dataset)?.shard_patterns().join("`, `"),
            if masks { ", `KEY.seg.png` (the mask)" } else { ", `KEY.cls` (the class)" }
        ),
        _ => "No Hugging Face Hub builder reads npy, PLY or NIfTI files: load them with NumPy (`numpy.load(..., \
             mmap_mode=\"r\")`) or a point-cloud reader, or render the samples directly with fdsl's Python package \
             (`fdsl.Dataset.from_manifest(\"OUT\")`)."
            .to_owned(),
    };
    writeln!(t, "{load}\n")?;
    if let Some(p) = publication {
        writeln!(t, "## Licence\n\n`{}`. {}\n", p.license, p.license_note)?;
        writeln!(t, "## Citation\n\n```bibtex\n{}\n```", p.citation)?;
    }
    Ok(t)
}

/// Write [`card`] into `out`.
pub fn write(out: &Path, dataset: &Dataset, command: &str) -> Result<()> {
    let text = card(out, dataset, command)?;
    std::fs::write(out.join(CARD), text).with_context(|| format!("cannot write {}", out.join(CARD).display()))
}
