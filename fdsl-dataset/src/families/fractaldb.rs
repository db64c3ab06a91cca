//! FractalDB (Kataoka et al., ACCV 2020) and One-instance FractalDB (Nakamura et al., ICCV 2023) in
//! the library: settings, presets, category files (the official CSV format), the 2-D category
//! search, estimates, and canvases painted on a GPU.
//!
//! Category files: one CSV file per category, one row per affine map `a,b,c,d,e,f,p`, no header,
//! decimal floats (numpy's `savetxt` writes `%.18e`).

use crate::categories::{Categories, Category, Params, ifs_text, parse_ifs};
use crate::family::{Built, FamilySettings, SampleKind};
use crate::flags::{Flag, FlagUse, Overrides, POINTS, Values, check_points, choices};
use crate::offload::Offload;
use crate::preset::{Example, Preset};
use crate::search::{self, Progress, SearchKind, SearchRequest, Searched, Searcher, check_points_threshold};
use crate::spec::{Choice, Naming, Spec};
use anyhow::{Context, Result, anyhow, bail};
use fdsl_core::families::fractaldb::search::{Criteria, REFERENCE, candidate_ifs, try_candidate};
use fdsl_core::families::fractaldb::{
    CanvasKey, Colouring, Draw, FractalDb, INSTANCES_PER_CATEGORY, Job, Recipe,
};
use fdsl_core::math::frame::Grid;
use fdsl_core::{Affine2, Canvas, Ifs2, Sampling, Workspace};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

include!(concat!(env!("OUT_DIR"), "/fractaldb_1k.rs"));

/// FractalDB's settings in a spec (`"generator": "fractaldb"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Points per chaos game.
    pub points: u32,
    /// Point or patch drawing.
    pub draw: Draw,
    /// Step of the instance weights (0: every instance uses the unscaled IFS).
    pub weight_step: f64,
    /// How the points are coloured (not written when grey, so grey manifests read as before the
    /// setting existed).
    #[serde(default, skip_serializing_if = "is_grey")]
    pub colour: Colouring,
}

impl Choice for Draw {
    const ALL: &'static [(Self, &'static str, &'static str)] = &[
        (Draw::Point, "point", "One pixel of value 127 per point"),
        (
            Draw::Patch,
            "patch",
            "A random opaque 3x3 patch per point, the last writer winning (the published datasets)",
        ),
    ];
}

impl Choice for Colouring {
    const ALL: &'static [(Self, &'static str, &'static str)] = &[
        (Colouring::Grey, "grey", "Grey 127 on black, one channel (the published datasets)"),
        (
            Colouring::Hue,
            "hue",
            "RGB: the hue cycles along the point sequence, period 128 points, saturation = value = 0.75, \
             on black (the reference's point_color / patch_color)",
        ),
    ];
}

/// Whether `colour` is grey (then not written: grey manifests read as before the setting existed).
fn is_grey(colour: &Colouring) -> bool {
    *colour == Colouring::Grey
}

/// `--draw`.
pub const DRAW: Flag = Flag {
    name: "draw",
    alias: None,
    value_name: "MODE",
    about: "FractalDB: point or patch drawing [default: patch].",
    values: Values::Choice(choices::<Draw>),
};

/// `--weight-step`.
pub const WEIGHT_STEP: Flag = Flag {
    name: "weight_step",
    alias: None,
    value_name: "W",
    about: "FractalDB: instance weight step W, coefficients scaled by 1-2W, 1-W, 1+W, 1+2W (0: every \
            instance unscaled), 0 to 0.5 [default: 0.4].",
    values: Values::Number,
};

/// `--colour`.
pub const COLOUR: Flag = Flag {
    name: "colour",
    alias: Some("color"),
    value_name: "COLOUR",
    about: "FractalDB: grey, or hue (RGB images: the hue cycles with the point index, period 128 points, \
            as the reference's point_color / patch_color) [default: grey].",
    values: Values::Choice(choices::<Colouring>),
};

/// The settings FractalDB takes.
pub const FLAGS: &[FlagUse] = &[
    (&POINTS, "FractalDB: per chaos game, origin included [default: 200,000]."),
    (&DRAW, ""),
    (&WEIGHT_STEP, ""),
    (&COLOUR, ""),
];

/// The seed of the search that defines the categories of the fractaldb-10k and ofdb-21k presets (so
/// the first 10,000 of ofdb-21k are fractaldb-10k's, as the reference OFDB search, FractalDB's
/// `ifs_search.py` with its seed, starts with FractalDB's categories).
pub const FRACTALDB_10K_SEARCH_SEED: u64 = 10_000;

/// Where the official FractalDB-1k categories come from.
const OFFICIAL_1K: &str = "fractaldb-1k (official, AIST, MIT)";

/// Where categories of the 2-D search with `seed` come from.
fn search_source(seed: u64) -> String {
    format!("fdsl search --seed {seed} (512 px, 100000 points, threshold 0.2)")
}

/// The published FractalDB recipe (`exe.sh`: 362 px, 200,000 points, patch mode, weight step 0.4,
/// 1,000 instances per class) for `categories` categories from `source`.
fn published(preset: &str, source: &str, categories: usize) -> Spec<Settings> {
    let settings = Settings { points: 200_000, draw: Draw::Patch, weight_step: 0.4, colour: Colouring::Grey };
    Spec::published(settings, preset, source, (categories, INSTANCES_PER_CATEGORY, 362))
}

/// One-instance FractalDB from the FractalDB recipe (`2d-ofdb-generator/exe_parallel.sh`,
/// `make_2dofdb.py`): one image per category, FractalDB's instance 0 — weight row 0 of
/// `weights_0.4.csv`, (0.2, 1, 1, 1, 1, 1), one patch draw, no flip (`trans_type` 0).
fn one_instance(spec: Spec<Settings>) -> Spec<Settings> {
    Spec { instances: 1, ..spec }
}

/// FractalDB's presets.
pub const PRESETS: &[Preset<Settings>] = &[
    Preset {
        name: "fractaldb-1k",
        about: "the 1,000 official FractalDB categories, 1,000 images per class, 362x362, 200,000 points, \
                patch mode, weight step 0.4, 10 patch draws, 4 flips",
        spec: || published("fractaldb-1k", OFFICIAL_1K, 1000),
        categories: |spec, _| official(spec.categories),
        example: Example::new(r#"{"categories": 2, "instances": 45, "size": 32, "points": 2000}"#)
            .with_variants(&[("png hue val", r#"{"colour": "hue", "val_per_class": 5}"#)]),
    },
    Preset {
        name: "fractaldb-10k",
        about: "10,000 categories found by `fdsl search` with seed 10000, FractalDB-1k's recipe",
        spec: || published("fractaldb-10k", &search_source(FRACTALDB_10K_SEARCH_SEED), 10_000),
        categories: searched_10k,
        example: Example::new(r#"{"categories": 2, "instances": 45, "size": 32, "points": 2000}"#),
    },
    Preset {
        name: "ofdb-1k",
        about: "One-instance FractalDB (ICCV 2023): one image per class (FractalDB's instance 0: weight row \
                0, one patch draw, no flip) of the official categories",
        spec: || one_instance(published("ofdb-1k", OFFICIAL_1K, 1000)),
        categories: |spec, _| official(spec.categories),
        example: Example::new(r#"{"categories": 3, "size": 32, "points": 2000}"#),
    },
    Preset {
        name: "ofdb-21k",
        about: "One-instance FractalDB of 21,000 categories from the fractaldb-10k search",
        spec: || one_instance(published("ofdb-21k", &search_source(FRACTALDB_10K_SEARCH_SEED), 21_000)),
        categories: searched_10k,
        example: Example::new(r#"{"categories": 3, "size": 32, "points": 2000}"#),
    },
];

/// The first `spec.categories` categories of the search with seed 10000.
fn searched_10k(spec: &Spec<Settings>, progress: Progress) -> Result<Categories<Ifs2>> {
    search::categories(&REFERENCE, FRACTALDB_10K_SEARCH_SEED, spec.categories, progress)
}

/// The first `n` official FractalDB-1k categories.
pub fn official(n: usize) -> Result<Categories<Ifs2>> {
    Ok(Categories::new(official_categories(n)?))
}

/// The first `n` official FractalDB-1k category files.
pub fn official_categories(n: usize) -> Result<Vec<Category<Ifs2>>> {
    if n > FRACTALDB_1K.len() {
        bail!(
            "the fractaldb-1k preset has {} categories; --categories {n} asks for more",
            FRACTALDB_1K.len()
        );
    }
    FRACTALDB_1K[..n]
        .iter()
        .map(|(name, text)| Category::parse(&format!("fractaldb-1k/{name}"), text))
        .collect()
}

impl Params for Ifs2 {
    const FORMAT: &'static str = "one row a,b,c,d,e,f,p per map";

    fn parse(source: &str, text: &str) -> Result<Self> {
        parse_ifs::<_, 6, 7>(source, text, "a,b,c,d,e,f,p", Affine2::from_coefficients)
    }

    fn to_text(&self) -> String {
        ifs_text(self, |m| m.coefficients().to_vec())
    }
}

impl Settings {
    /// The core's rendering recipe at image side `size`.
    fn recipe(&self, size: u32) -> Recipe {
        Recipe { grid: Grid::square(size), points: self.points, draw: self.draw }
    }
}

impl FamilySettings for Settings {
    const PRESETS: &'static [Preset<Self>] = PRESETS;
    type Category = Ifs2;

    fn samples(&self) -> SampleKind {
        SampleKind::Images
    }

    fn max_instances(&self) -> usize {
        INSTANCES_PER_CATEGORY
    }

    fn check(&self, _: &Spec<Self>, naming: Naming) -> Result<()> {
        check_points(self.points, &naming.name("--points", "points"))?;
        if !(0.0..=0.5).contains(&self.weight_step) {
            bail!(
                "{} must be between 0 and 0.5 (the official files use 0.0125 to 0.5), not {}",
                naming.name("--weight-step", "weight_step"),
                self.weight_step
            );
        }
        Ok(())
    }

    fn overridden(&self, o: &mut Overrides) -> Result<Self> {
        Ok(Settings {
            points: o.take(&POINTS)?.unwrap_or(self.points),
            draw: o.take(&DRAW)?.unwrap_or(self.draw),
            weight_step: o.take(&WEIGHT_STEP)?.unwrap_or(self.weight_step),
            colour: o.take(&COLOUR)?.unwrap_or(self.colour),
        })
    }

    fn build(&self, spec: &Spec<Self>, categories: &Categories<Ifs2>) -> Result<Built> {
        let ifs = categories.params().to_vec();
        let family = FractalDb::new(ifs, self.weight_step, self.recipe(spec.size), spec.seed)
            .context("the recipe")?
            .coloured(self.colour);
        let family = Arc::new(family);
        Ok(Built::of(family.clone()).with_offload(family))
    }

    /// Measured at 362 px (`fdsl-bench throughput --png-compression`); colour per byte of the RGB
    /// image, 4 classes x 80 instances of `fdsl render --colour hue`.
    fn png_bytes_per_byte(&self) -> [f64; 4] {
        match (self.colour, self.draw) {
            (Colouring::Hue, _) => [0.307, 0.297, 0.139, 0.139],
            (Colouring::Grey, Draw::Patch) => [0.293, 0.284, 0.098, 0.094],
            (Colouring::Grey, Draw::Point) => [0.149, 0.140, 0.063, 0.059],
        }
    }
}

impl Offload for FractalDb<Vec<Ifs2>> {
    fn canvas_job(&self, class: usize, instance: u64) -> Result<(CanvasKey, Job)> {
        FractalDb::canvas_job(self, class, instance).map_err(|e| anyhow!("{e}"))
    }

    fn adopt_canvas(&self, key: CanvasKey, pixels: &[u8], ws: &mut Workspace<'_>) -> Result<()> {
        FractalDb::adopt_canvas(self, key, pixels, ws).map_err(|e| anyhow!("{e}"))
    }

    fn recipe(&self) -> Result<&Recipe, &'static str> {
        match self.colouring() {
            Colouring::Grey => Ok(FractalDb::recipe(self)),
            Colouring::Hue => Err("--colour hue renders on the CPU (the GPU paints grey canvases)"),
        }
    }
}

impl Searcher for Criteria {
    type Found = Ifs2;
    type Scratch = Vec<u8>;

    fn scratch(&self) -> Vec<u8> {
        vec![0; self.grid.width as usize * self.grid.height as usize]
    }

    fn try_one(&self, seed: u64, index: u64, buf: &mut Vec<u8>) -> (Ifs2, f64, bool) {
        let (w, h) = (self.grid.width as usize, self.grid.height as usize);
        let mut canvas = Canvas::new(buf, w, h).expect("sized by scratch()");
        let c = try_candidate(seed, index, self, &mut canvas);
        (c.ifs, c.filling_rate, c.accepted)
    }
}

/// `fdsl search --kind ifs2`: FractalDB's category search (`param_search/ifs_search.py`).
pub const SEARCH: SearchKind = SearchKind {
    name: "ifs2",
    about: "FractalDB: 2-D IFS (a,b,c,d,e,f,p rows), accepted by point-mode filling rate",
    gpu: true,
    run: search_2d,
};

/// The 2-D search `request` asks for, on `gpu` where given (the candidates' filling rates there, their
/// IFSs re-derived here: pure functions of seed and index).
fn search_2d(request: &SearchRequest, gpu: Option<&fdsl_cuda::Gpu>, progress: Progress) -> Result<Searched> {
    let (min_maps, max_maps) =
        request.maps.unwrap_or((REFERENCE.sampling.min_maps, REFERENCE.sampling.max_maps));
    let criteria = Criteria {
        grid: Grid::square(request.size),
        points: request.points.unwrap_or(REFERENCE.points),
        threshold: request.threshold.unwrap_or(REFERENCE.threshold),
        sampling: Sampling { min_maps, max_maps, range: request.range.unwrap_or(REFERENCE.sampling.range) },
    };
    check_search(&criteria)?;
    let (seed, n, max) = (request.seed, request.categories, request.max_candidates);
    let (found, tried) = match gpu {
        Some(gpu) => search::first_accepted(n, max, 16_384, progress, |range| {
            let rates =
                gpu.search_filling_rates(seed, range.start, (range.end - range.start) as usize, &criteria)?;
            Ok(range
                .zip(rates)
                .filter(|&(_, score)| score >= criteria.threshold)
                .map(|(j, score)| (j, candidate_ifs(seed, j, &criteria.sampling), score))
                .collect())
        })?,
        None => search::search(&criteria, seed, n, max, progress)?,
    };
    let json = serde_json::json!({
        "size": request.size, "points": criteria.points, "filling_rate_threshold": criteria.threshold,
        "maps": [min_maps, max_maps], "coefficient_range": criteria.sampling.range,
    });
    Ok(Searched::new(found, tried, json))
}

/// The largest `--range` of a search's coefficients (the ViT paper tried 0.8 to 1.5; past a few
/// units almost every candidate diverges).
pub const MAX_RANGE: f64 = 100.0;

/// Check 2-D search criteria; messages name the flag.
pub fn check_search(criteria: &Criteria) -> Result<()> {
    let pixels = f64::from(criteria.grid.width) * f64::from(criteria.grid.height);
    let side = criteria.grid.width;
    if !crate::spec::SIZES.contains(&side) {
        bail!(
            "--size must be between {} and {} pixels, not {side}",
            crate::spec::SIZES.start(),
            crate::spec::SIZES.end()
        );
    }
    check_points_threshold(criteria.points, criteria.threshold, 1.0)?;
    let sampling = criteria.sampling;
    if !(1..=sampling.max_maps).contains(&sampling.min_maps)
        || sampling.max_maps as usize > fdsl_core::math::ifs::MAX_MAPS
    {
        bail!(
            "--maps must be N or A..B with 1 <= A <= B <= {}, not {}..{}",
            fdsl_core::math::ifs::MAX_MAPS,
            sampling.min_maps,
            sampling.max_maps
        );
    }
    if !(sampling.range.is_finite() && sampling.range > 0.0 && sampling.range <= MAX_RANGE) {
        bail!("--range must be in (0, {MAX_RANGE}], not {}", sampling.range);
    }
    debug_assert!(sampling.is_valid());
    if f64::from(criteria.points) < criteria.threshold * pixels {
        bail!(
            "--points {} can fill at most {:.1} % of a {side}x{side} canvas, below --threshold {}: no candidate could pass",
            criteria.points,
            100.0 * f64::from(criteria.points) / pixels,
            criteria.threshold
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_categories_parse_with_the_published_map_counts() {
        let all = official_categories(1000).unwrap();
        let mut counts = [0; 8];
        for c in &all {
            counts[c.params.len()] += 1;
        }
        assert_eq!(counts[2..], [231, 294, 218, 146, 77, 34]);
        assert!(official_categories(1001).is_err());
    }

    #[test]
    fn search_output_round_trips_exactly() {
        let c = &official_categories(1).unwrap()[0];
        let again = Category::new("x".into(), c.params);
        assert_eq!(again.text.lines().next().unwrap().split(',').next().unwrap(), "1.724223243171234543e-01");
        assert_eq!(Category::<Ifs2>::parse("x", &again.text).unwrap().params, c.params);
    }
}
