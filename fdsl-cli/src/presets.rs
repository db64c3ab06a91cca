//! The presets: the published datasets' specs, and where their categories come from.

use crate::categories::{self, Category};
use crate::dataset::Categories;
use crate::search;
use crate::spec::Spec;
use anyhow::{Result, bail};
use fdsl_core::rcdb::{REFERENCE_RANGES, RcdbCategory};
use fdsl_core::stream::{Purpose, StreamKey};

/// The seed of the search that defines the fractaldb-10k preset's categories.
pub const FRACTALDB_10K_SEARCH_SEED: u64 = 10_000;
/// The seed of the 3-D search that defines the categories of the ExFractalDB and MV-FractalDB presets.
pub const EXFRACTALDB_SEARCH_SEED: u64 = 30_000;

/// The presets, by name.
pub const NAMES: [&str; 7] = [
    "fractaldb-1k",
    "fractaldb-10k",
    "rcdb-1k",
    "rcdb-21k",
    "exfractaldb-1k",
    "exfractaldb-21k",
    "mv-fractaldb-1k",
];

/// The published spec of a preset (its category hash still to be set).
pub fn published(preset: &str) -> Result<Spec> {
    Ok(match preset {
        "fractaldb-1k" => Spec::published("fractaldb-1k", "fractaldb-1k (official, AIST, MIT)", 1000),
        "fractaldb-10k" => Spec::published(
            "fractaldb-10k",
            &format!("fdsl search --seed {FRACTALDB_10K_SEARCH_SEED} (512 px, 100000 points, threshold 0.2)"),
            10_000,
        ),
        "rcdb-1k" => Spec::published_rcdb("rcdb-1k", "drawn from the dataset seed", 1000),
        "rcdb-21k" => Spec::published_rcdb("rcdb-21k", "drawn from the dataset seed", 21_000),
        "exfractaldb-1k" => Spec::published_3d("exfractaldb-1k", &search_3d(), 1000, false),
        "exfractaldb-21k" => Spec::published_3d("exfractaldb-21k", &search_3d(), 21_000, false),
        "mv-fractaldb-1k" => Spec::published_3d("mv-fractaldb-1k", &search_3d(), 1000, true),
        "pc-fractaldb-1k" => Spec::published_pc("pc-fractaldb-1k", &search_3d(), 1000),
        "pc-fractaldb-scenes" => Spec::published_scenes("pc-fractaldb-scenes", &search_3d(), 1000),
        other => bail!("unknown preset {other:?}; choose {}", NAMES.join(", ")),
    })
}

/// Where the 3-D presets' categories come from.
fn search_3d() -> String {
    format!(
        "fdsl search --kind ifs3d --seed {EXFRACTALDB_SEARCH_SEED} (9999 points, variance threshold 0.05)"
    )
}

/// The first `n` categories a search finds, with a progress bar.
fn searched<S: search::Searcher>(searcher: &S, seed: u64, n: usize) -> Result<Vec<Category<S::Found>>> {
    let bar = crate::progress::bar(n as u64, "searching", "categories");
    let (found, _) = search::search(searcher, seed, n, u64::MAX, &bar)?;
    bar.finish_and_clear();
    Ok(found.into_iter().map(|f| f.category).collect())
}

/// The categories a preset defines: the official files, a search, or draws from the seed.
pub fn categories(spec: &Spec) -> Result<Categories> {
    Ok(match spec.preset.as_str() {
        "fractaldb-1k" => Categories::Fractal(categories::fractaldb_1k(spec.categories)?),
        "fractaldb-10k" => Categories::Fractal(searched(
            &fdsl_core::search::REFERENCE,
            FRACTALDB_10K_SEARCH_SEED,
            spec.categories,
        )?),
        "exfractaldb-1k"
        | "exfractaldb-21k"
        | "mv-fractaldb-1k"
        | "pc-fractaldb-1k"
        | "pc-fractaldb-scenes" => Categories::Fractal3(searched(
            &fdsl_core::cloud::REFERENCE_3D,
            EXFRACTALDB_SEARCH_SEED,
            spec.categories,
        )?),
        _ => Categories::Rcdb(
            (0..spec.categories)
                .map(|c| {
                    let key = StreamKey {
                        seed: spec.seed,
                        generator: fdsl_core::stream::Generator::Rcdb,
                        category: c as u64,
                        instance: 0,
                        purpose: Purpose::Parameters,
                    };
                    let params = RcdbCategory::sample(&mut key.rng(), &REFERENCE_RANGES);
                    Category::new(format!("{}/{c:05}", spec.preset), params)
                })
                .collect(),
        ),
    })
}
