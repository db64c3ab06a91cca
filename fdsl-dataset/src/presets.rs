//! The presets: the published datasets' specs, and where their categories come from.

use crate::categories::{self, Category, Params};
use crate::dataset::Categories;
use crate::search::{self, Progress};
use crate::spec::{DRAWN_FROM_SEED, Generator, LeafShapes, Spec};
use anyhow::{Context, Result, bail};
use fdsl_core::anderson_farrell;
use fdsl_core::bezier::BezierCategory;
use fdsl_core::drawn::category_key;
use fdsl_core::perlin_noise;
use fdsl_core::rcdb::{self, RcdbCategory};
use fdsl_core::visual_atom::{self, VisualAtomCategory};

/// The seed of the search that defines the categories of the fractaldb-10k and ofdb-21k presets (so
/// the first 10,000 of ofdb-21k are fractaldb-10k's, as the reference OFDB search, FractalDB's
/// `ifs_search.py` with its seed, starts with FractalDB's categories).
pub const FRACTALDB_10K_SEARCH_SEED: u64 = 10_000;
/// The seed of the 3-D search that defines the categories of the ExFractalDB and MV-FractalDB presets.
pub const EXFRACTALDB_SEARCH_SEED: u64 = 30_000;

/// The presets, by name: the one table every list of presets comes from.
pub const NAMES: [&str; 22] = [
    "fractaldb-1k",
    "fractaldb-10k",
    "ofdb-1k",
    "ofdb-21k",
    "ofdb-3d-1k",
    "rcdb-1k",
    "rcdb-21k",
    "exfractaldb-1k",
    "exfractaldb-21k",
    "mv-fractaldb-1k",
    "pc-fractaldb-1k",
    "pc-fractaldb-scenes",
    "af-fractals-1k",
    "dead-leaves-squares",
    "dead-leaves-oriented",
    "dead-leaves-mixed",
    "visualatom-1k",
    "visualatom-21k",
    "perlin-100",
    "perlin-1296",
    "bezier-144",
    "bezier-1024",
];

/// The published spec of a preset (its category hash still to be set).
pub fn published(preset: &str) -> Result<Spec> {
    Ok(match preset {
        "fractaldb-1k" => Spec::published("fractaldb-1k", OFFICIAL_1K, 1000),
        "fractaldb-10k" => Spec::published("fractaldb-10k", &search_2d(FRACTALDB_10K_SEARCH_SEED), 10_000),
        "ofdb-1k" => Spec::published_ofdb(Spec::published("ofdb-1k", OFFICIAL_1K, 1000)),
        "ofdb-21k" => {
            Spec::published_ofdb(Spec::published("ofdb-21k", &search_2d(FRACTALDB_10K_SEARCH_SEED), 21_000))
        }
        "ofdb-3d-1k" => Spec::published_ofdb(Spec::published_3d("ofdb-3d-1k", &search_3d(), 1000, true)),
        "rcdb-1k" => Spec::published_rcdb("rcdb-1k", DRAWN_FROM_SEED, 1000),
        "rcdb-21k" => Spec::published_rcdb("rcdb-21k", DRAWN_FROM_SEED, 21_000),
        "exfractaldb-1k" => Spec::published_3d("exfractaldb-1k", &search_3d(), 1000, false),
        "exfractaldb-21k" => Spec::published_3d("exfractaldb-21k", &search_3d(), 21_000, false),
        "mv-fractaldb-1k" => Spec::published_3d("mv-fractaldb-1k", &search_3d(), 1000, true),
        "pc-fractaldb-1k" => Spec::published_pc("pc-fractaldb-1k", &search_3d(), 1000),
        "af-fractals-1k" => Spec::published_af("af-fractals-1k", DRAWN_FROM_SEED, 1000),
        "pc-fractaldb-scenes" => Spec::published_scenes("pc-fractaldb-scenes", &search_3d(), 1000),
        "dead-leaves-squares" => Spec::published_dead_leaves(preset, LeafShapes::Squares),
        "dead-leaves-oriented" => Spec::published_dead_leaves(preset, LeafShapes::Oriented),
        "dead-leaves-mixed" => Spec::published_dead_leaves(preset, LeafShapes::Mixed),
        "visualatom-1k" => Spec::published_visual_atom(preset, 1000),
        "visualatom-21k" => Spec::published_visual_atom(preset, 21_000),
        "perlin-100" => Spec::published_accv(preset, Generator::Perlin, PERLIN_100, 100),
        "perlin-1296" => Spec::published_accv(preset, Generator::Perlin, PERLIN_1296, 1296),
        "bezier-144" => Spec::published_accv(preset, Generator::Bezier, DRAWN_FROM_SEED, 144),
        "bezier-1024" => Spec::published_accv(preset, Generator::Bezier, DRAWN_FROM_SEED, 1024),
        other => bail!("unknown preset {other:?}; choose {}", NAMES.join(", ")),
    })
}

/// Where the perlin-100 categories come from.
const PERLIN_100: &str = "the 10 x 10 grid of frequency 1 to 8 (geometric) x persistence 0.25 to 0.85";
/// Where the perlin-1296 categories come from.
const PERLIN_1296: &str = "the 36 x 36 grid of frequency 1 to 8 (geometric) x persistence 0.25 to 0.85";

/// The grid side of a Perlin preset (its categories are the first cells of that grid).
fn perlin_grid(preset: &str) -> u32 {
    if preset == "perlin-100" { 10 } else { 36 }
}

/// Where the official FractalDB-1k categories come from.
const OFFICIAL_1K: &str = "fractaldb-1k (official, AIST, MIT)";

/// Where categories of the 2-D search with `seed` come from.
fn search_2d(seed: u64) -> String {
    format!("fdsl search --seed {seed} (512 px, 100000 points, threshold 0.2)")
}

/// Where the 3-D presets' categories come from.
fn search_3d() -> String {
    format!(
        "fdsl search --kind ifs3d --seed {EXFRACTALDB_SEARCH_SEED} (9999 points, variance threshold 0.05)"
    )
}

/// The first `n` categories a search finds.
fn searched<S: search::Searcher>(
    searcher: &S,
    seed: u64,
    n: usize,
    progress: Progress,
) -> Result<Vec<Category<S::Found>>> {
    let (found, _) = search::search(searcher, seed, n, u64::MAX, progress)?;
    Ok(found.into_iter().map(|f| f.category).collect())
}

/// The first `spec.categories` categories of a preset that makes them: category `c` is `make(c)`,
/// named `{preset}/{c:05}`.
fn numbered<P: Params>(spec: &Spec, make: impl Fn(u64) -> Result<P>) -> Result<Vec<Category<P>>> {
    (0..spec.categories as u64)
        .map(|c| Ok(Category::new(format!("{}/{c:05}", spec.preset), make(c)?)))
        .collect()
}

/// The categories a preset defines: the official files, a search (reporting to `progress`), or
/// draws from the seed.
pub fn categories(spec: &Spec, progress: Progress) -> Result<Categories> {
    Ok(match spec.preset.as_str() {
        "fractaldb-1k" | "ofdb-1k" => Categories::Fractal(categories::fractaldb_1k(spec.categories)?),
        "fractaldb-10k" | "ofdb-21k" => Categories::Fractal(searched(
            &fdsl_core::search::REFERENCE,
            FRACTALDB_10K_SEARCH_SEED,
            spec.categories,
            progress,
        )?),
        "exfractaldb-1k"
        | "ofdb-3d-1k"
        | "exfractaldb-21k"
        | "mv-fractaldb-1k"
        | "pc-fractaldb-1k"
        | "pc-fractaldb-scenes" => Categories::Fractal3(searched(
            &fdsl_core::cloud::REFERENCE_3D,
            EXFRACTALDB_SEARCH_SEED,
            spec.categories,
            progress,
        )?),
        "af-fractals-1k" => Categories::Fractal(numbered(spec, |c| {
            Ok(anderson_farrell::sample_system(&mut anderson_farrell::category_key(spec.seed, c).rng()))
        })?),
        "rcdb-1k" | "rcdb-21k" => Categories::Rcdb(numbered(spec, |c| {
            let mut rng = category_key::<RcdbCategory>(spec.seed, c).rng();
            Ok(RcdbCategory::sample(&mut rng, &rcdb::REFERENCE_RANGES))
        })?),
        "visualatom-1k" | "visualatom-21k" => Categories::VisualAtom(numbered(spec, |c| {
            let mut rng = category_key::<VisualAtomCategory>(spec.seed, c).rng();
            Ok(VisualAtomCategory::sample(&mut rng, &visual_atom::REFERENCE_RANGES))
        })?),
        "dead-leaves-squares" | "dead-leaves-oriented" | "dead-leaves-mixed" => match spec.generator {
            Generator::Deadleaves { shapes } => {
                Categories::DeadLeaves(vec![Category::new(format!("{}/00000", spec.preset), shapes)])
            }
            _ => bail!("the {} preset makes dead leaves", spec.preset),
        },
        "perlin-100" | "perlin-1296" => {
            let n = perlin_grid(&spec.preset);
            Categories::Perlin(numbered(spec, |c| {
                perlin_noise::grid_category(n, c)
                    .with_context(|| format!("the {} preset is a {n} x {n} grid", spec.preset))
            })?)
        }
        "bezier-144" | "bezier-1024" => Categories::Bezier(numbered(spec, |c| {
            Ok(BezierCategory::sample(&mut category_key::<BezierCategory>(spec.seed, c).rng()))
        })?),
        other => bail!("unknown preset {other:?}; choose {}", NAMES.join(", ")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_preset_has_a_spec_and_the_unknown_message_lists_them_all() {
        for name in NAMES {
            assert_eq!(published(name).unwrap().preset, name);
        }
        let message = published("nope").unwrap_err().to_string();
        assert!(NAMES.iter().all(|n| message.contains(n)), "{message}");
    }

    #[test]
    fn af_systems_round_trip_through_their_text_and_render_alike() {
        use crate::dataset::Dataset;
        let mut spec = published("af-fractals-1k").unwrap();
        spec.categories = 3;
        spec.size = 48;
        spec.instances = 2;
        spec.generator = crate::spec::Generator::Andersonfarrell { points: 3000 };
        let Categories::Fractal(drawn) = categories(&spec, &|_, _| {}).unwrap() else { panic!("not IFSs") };
        let files: Vec<(String, String)> = drawn.iter().map(|c| (c.source.clone(), c.text.clone())).collect();
        let Categories::Fractal(read) = Categories::parse(&spec.generator, &files).unwrap() else { panic!() };
        for (a, b) in drawn.iter().zip(&read) {
            assert_eq!(a.params, b.params, "{}", a.text);
        }
        spec.categories_sha256 = Categories::Fractal(drawn).sha256();
        let (a, b) = (
            Dataset::new(spec.clone(), Categories::Fractal(read)).unwrap(),
            Dataset::new(spec.clone(), categories(&spec, &|_, _| {}).unwrap()).unwrap(),
        );
        let (mut x, mut y) = (vec![0; 48 * 48 * 3], vec![0; 48 * 48 * 3]);
        for i in 0..6 {
            assert_eq!(a.render(i, &mut x).unwrap(), 48 * 48 * 3);
            b.render(i, &mut y).unwrap();
            assert_eq!(x, y);
        }
    }
}
