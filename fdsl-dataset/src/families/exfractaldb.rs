//! ExFractalDB (Kataoka et al., CVPR 2022) and MV-FractalDB (Yamada et al., IROS 2021) in the
//! library: 3-D IFS models seen through cameras. Settings, presets (with the 3-D One-instance
//! FractalDB), category files, the 3-D category search, estimates.
//!
//! Category files: one row `a,b,c,d,e,f,g,h,i,j,k,l,p` per map (a 3x3 matrix by rows, a translation,
//! a probability).

use crate::categories::{Categories, Params, ifs_text, parse_ifs};
use crate::family::{Built, FamilySettings, SampleKind};
use crate::flags::{FlagUse, Overrides, POINTS, check_points};
use crate::preset::{Example, Preset};
use crate::search::{self, Progress, SearchKind, SearchRequest, Searched, Searcher, check_points_threshold};
use crate::spec::{Naming, Spec};
use anyhow::{Result, bail};
use fdsl_core::families::exfractaldb::ExFractalDb;
use fdsl_core::families::exfractaldb::search::{Criteria3, REFERENCE_3D, try_candidate};
use fdsl_core::families::exfractaldb::weights::WEIGHT_ROWS_3D;
use fdsl_core::{Affine3, Ifs3};
use serde::{Deserialize, Serialize};

/// ExFractalDB's settings in a spec (`"generator": "exfractaldb"`): each image from a random
/// viewpoint on the sphere.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Points per model (the origin not kept).
    pub points: u32,
}

/// MV-FractalDB's settings in a spec (`"generator": "mvfractaldb"`): each model seen from `views`
/// viewpoints about the Y axis.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MultiView {
    /// Points per model (the origin not kept).
    pub points: u32,
    /// Views per model.
    pub views: u32,
}

/// The settings ExFractalDB and MV-FractalDB take.
pub const FLAGS: &[FlagUse] = &[(&POINTS, "ExFractalDB, MV-FractalDB: per 3-D model [default: 9,999].")];

/// The seed of the 3-D search that defines the categories of the ExFractalDB, MV-FractalDB and
/// PC-FractalDB presets.
pub const SEARCH_SEED: u64 = 30_000;

/// Where the 3-D presets' categories come from.
pub fn search_source() -> String {
    format!("fdsl search --kind ifs3d --seed {SEARCH_SEED} (9999 points, variance threshold 0.05)")
}

/// The first `spec.categories` categories of the 3-D search with [`SEARCH_SEED`].
pub fn searched<S>(spec: &Spec<S>, progress: Progress) -> Result<Categories<Ifs3>> {
    search::categories(&REFERENCE_3D, SEARCH_SEED, spec.categories, progress)
}

/// The published 3-D recipes (`ExFractalDB_render.sh`): 224 px, 9,999 points per model (the
/// reference's `calculate(10000)`); ExFractalDB 1,000 images per class, MV-FractalDB 145 models x 12
/// views = 1,740.
fn published(preset: &str, categories: usize) -> Spec<Settings> {
    Spec::published(Settings { points: 9_999 }, preset, &search_source(), (categories, 1000, 224))
}

/// [`published`] of MV-FractalDB.
fn published_views(preset: &str, categories: usize) -> Spec<MultiView> {
    let family = MultiView { points: 9_999, views: 12 };
    Spec::published(family, preset, &search_source(), (categories, WEIGHT_ROWS_3D * 12, 224))
}

/// ExFractalDB's presets.
pub const PRESETS: &[Preset<Settings>] = &[
    Preset {
        name: "exfractaldb-1k",
        about: "ExFractalDB: 1,000 3-D IFS classes (`fdsl search --kind ifs3d --seed 30000`), 1,000 random \
                views per class, 224x224",
        spec: || published("exfractaldb-1k", 1000),
        categories: searched,
        example: Example::new(r#"{"categories": 2, "instances": 4, "size": 32, "points": 800}"#),
    },
    Preset {
        name: "exfractaldb-21k",
        about: "ExFractalDB with 21,000 classes of the same search",
        spec: || published("exfractaldb-21k", 21_000),
        categories: searched,
        example: Example::new(r#"{"categories": 2, "instances": 4, "size": 32, "points": 800}"#),
    },
];

/// MV-FractalDB's presets.
pub const MULTI_VIEW_PRESETS: &[Preset<MultiView>] = &[
    Preset {
        name: "mv-fractaldb-1k",
        about: "MV-FractalDB: ExFractalDB-1k's classes, 145 models x 12 views each",
        spec: || published_views("mv-fractaldb-1k", 1000),
        categories: searched,
        example: Example::new(r#"{"categories": 2, "instances": 13, "size": 32, "points": 800}"#),
    },
    Preset {
        name: "ofdb-3d-1k",
        about: "One-instance FractalDB in 3-D (`3d-ofdb-generator`): one model per class (MV-FractalDB's \
                model 0, as `instance.py` keeps `weights[0:1]`) in its 12 views",
        spec: || Spec { instances: 12, ..published_views("ofdb-3d-1k", 1000) },
        categories: searched,
        example: Example::new(r#"{"categories": 2, "size": 32, "points": 800}"#),
    },
];

impl Params for Ifs3 {
    const FORMAT: &'static str = "one row a,b,c,d,e,f,g,h,i,j,k,l,p per map";

    fn parse(source: &str, text: &str) -> Result<Self> {
        parse_ifs::<_, 12, 13>(source, text, "a,b,c,d,e,f,g,h,i,j,k,l,p", Affine3::from_coefficients)
    }

    fn to_text(&self) -> String {
        ifs_text(self, |m| m.k.to_vec())
    }
}

/// What ExFractalDB and MV-FractalDB share: 3-D IFS categories, images of side `size`.
fn build<S>(spec: &Spec<S>, categories: &Categories<Ifs3>, points: u32, views: Option<u32>) -> Result<Built> {
    let ifs = categories.params().to_vec();
    Ok(Built::new(ExFractalDb::new(ifs, points as usize, views, spec.size as usize, spec.seed)))
}

/// Grey images of 3-D points: no measured PNG sizes yet, a conservative guess.
const PNG_GUESS: [f64; 4] = [0.040, 0.035, 0.030, 0.025];

impl FamilySettings for Settings {
    const PRESETS: &'static [Preset<Self>] = PRESETS;
    type Category = Ifs3;

    fn samples(&self) -> SampleKind {
        SampleKind::Images
    }

    fn check(&self, _: &Spec<Self>, naming: Naming) -> Result<()> {
        check_points(self.points, &naming.name("--points", "points"))
    }

    fn overridden(&self, o: &mut Overrides) -> Result<Self> {
        Ok(Settings { points: o.take(&POINTS)?.unwrap_or(self.points) })
    }

    fn build(&self, spec: &Spec<Self>, categories: &Categories<Ifs3>) -> Result<Built> {
        build(spec, categories, self.points, None)
    }

    fn png_bytes_per_byte(&self) -> [f64; 4] {
        PNG_GUESS
    }
}

impl FamilySettings for MultiView {
    const PRESETS: &'static [Preset<Self>] = MULTI_VIEW_PRESETS;
    type Category = Ifs3;

    fn samples(&self) -> SampleKind {
        SampleKind::Images
    }

    fn max_instances(&self) -> usize {
        WEIGHT_ROWS_3D * self.views as usize
    }

    fn check(&self, _: &Spec<Self>, naming: Naming) -> Result<()> {
        check_points(self.points, &naming.name("--points", "points"))?;
        if self.views == 0 {
            bail!("MV-FractalDB needs at least one view ({})", naming.name("its views", "views"));
        }
        Ok(())
    }

    fn overridden(&self, o: &mut Overrides) -> Result<Self> {
        Ok(MultiView { points: o.take(&POINTS)?.unwrap_or(self.points), ..*self })
    }

    fn build(&self, spec: &Spec<Self>, categories: &Categories<Ifs3>) -> Result<Built> {
        build(spec, categories, self.points, Some(self.views))
    }

    fn png_bytes_per_byte(&self) -> [f64; 4] {
        PNG_GUESS
    }
}

impl Searcher for Criteria3 {
    type Found = Ifs3;
    type Scratch = Vec<[f32; 3]>;

    fn scratch(&self) -> Vec<[f32; 3]> {
        vec![[0.0; 3]; self.points as usize]
    }

    fn try_one(&self, seed: u64, index: u64, points: &mut Vec<[f32; 3]>) -> (Ifs3, f64, bool) {
        let c = try_candidate(seed, index, self, points);
        (c.ifs, c.variances.iter().copied().fold(f64::INFINITY, f64::min), c.accepted)
    }
}

/// `fdsl search --kind ifs3d`: the 3-D category search (`category_search.py`).
pub const SEARCH: SearchKind = SearchKind {
    name: "ifs3d",
    about: "ExFractalDB, MV-FractalDB, PC-FractalDB: 3-D IFS (a..l,p rows), accepted by the variance of each \
            axis of the normalised cloud",
    gpu: false,
    run: search_3d,
};

/// The 3-D search `request` asks for (on the CPU).
fn search_3d(request: &SearchRequest, _: Option<&fdsl_cuda::Gpu>, progress: Progress) -> Result<Searched> {
    if request.maps.is_some() || request.range.is_some() {
        bail!("--maps and --range apply to --kind ifs2 (the 3-D search draws as its reference does)");
    }
    let criteria = Criteria3 {
        points: request.points.unwrap_or(REFERENCE_3D.points),
        threshold: request.threshold.unwrap_or(REFERENCE_3D.threshold),
    };
    check_search(&criteria)?;
    let (found, tried) =
        search::search(&criteria, request.seed, request.categories, request.max_candidates, progress)?;
    let json = serde_json::json!({ "points": criteria.points, "variance_threshold": criteria.threshold });
    Ok(Searched::new(found, tried, json))
}

/// Check 3-D search criteria (a variance of a cloud in [−1, 1]³ is at most 1).
pub fn check_search(criteria: &Criteria3) -> Result<()> {
    check_points_threshold(criteria.points, criteria.threshold, 1.0)
}
