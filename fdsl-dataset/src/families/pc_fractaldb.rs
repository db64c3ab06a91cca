//! PC-FractalDB (Yamada et al., CVPR 2022) in the library: FractalNoiseMix point clouds of the 3-D
//! categories, and scenes of them for 3-D detection. Settings, presets, checks, estimates; the
//! categories are the 3-D search's, in ExFractalDB's file format.

use crate::categories::Categories;
use crate::family::{Built, FamilySettings, FlagMeaning, SampleKind};
use crate::flags::{Flag, FlagUse, Overrides, POINTS, Values, check_points};
use crate::preset::{Example, Preset};
use crate::spec::{Naming, Spec};
use anyhow::{Context, Result, bail};
use fdsl_core::Ifs3;
use fdsl_core::families::pc_fractaldb::{
    self as pc, NoiseMix, PcFractalDb, PcScenes, REFERENCE_SCENES, SceneParams,
};
use fdsl_core::family::{Part, Role};
use serde::{Deserialize, Serialize};

/// PC-FractalDB's settings in a spec (`"generator": "pcfractaldb"`): `main` points of the category's
/// fractal and `noise` of a partner category's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Points of the category's own fractal.
    pub main: u32,
    /// Points of the partner's fractal.
    pub noise: u32,
}

/// PC-FractalDB scenes' settings (`"generator": "pcscenes"`): objects picked from the models (the
/// classes times `models` instances each, mixed as [`Settings`]), laid out without overlap on a
/// 15 x 15 floor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scenes {
    /// Points of each object's own fractal.
    pub main: u32,
    /// Points of each object's partner fractal.
    pub noise: u32,
    /// Models per class to pick objects from.
    pub models: u32,
    /// Objects per scene before the Poisson(5) term.
    pub base_objects: u32,
}

/// `--mix-ratio`.
pub const MIX_RATIO: Flag = Flag {
    name: "mix_ratio",
    alias: None,
    value_name: "R",
    about: "PC-FractalDB: the share of each instance's points from its own category, the rest from a \
            partner category (FractalNoiseMix), 0 to 1 [default: 0.8].",
    values: Values::Number,
};

/// `--objects`.
pub const OBJECTS: Flag = Flag {
    name: "objects",
    alias: None,
    value_name: "N",
    about: "PC-FractalDB scenes: objects per scene before the Poisson(5) term, at most 1,000 [default: 5, \
            as the run script passes; the scene script's own default is 15].",
    values: Values::Whole,
};

/// The settings PC-FractalDB takes.
pub const FLAGS: &[FlagUse] = &[
    (
        &POINTS,
        "PC-FractalDB: per point cloud (and per scene object), split by --mix-ratio [default: 10,000].",
    ),
    (&MIX_RATIO, ""),
    (&OBJECTS, ""),
];

/// PC-FractalDB's presets (the published models, `fractal_noise_mix.py`: 8,000 + 2,000 points,
/// 1,000 instances per class, binary PLY).
pub const PRESETS: &[Preset<Settings>] = &[Preset {
    name: "pc-fractaldb-1k",
    about: "PC-FractalDB: 1,000 FractalNoiseMix point clouds (8,000 + 2,000 points) per class of \
            ExFractalDB-1k's categories (PLY)",
    spec: || {
        let family = Settings { main: 8_000, noise: 2_000 };
        let source = super::exfractaldb::search_source();
        Spec::published(family, "pc-fractaldb-1k", &source, (1000, 1000, 0))
    },
    categories: super::exfractaldb::searched,
    example: Example::new(r#"{"categories": 3, "instances": 3, "points": 300}"#),
}];

/// PC-FractalDB's scenes (`generate_scene.py` as the run script calls it: 10,000 scenes of 5 +
/// Poisson(5) objects picked from 1,000 models per class).
pub const SCENES_PRESETS: &[Preset<Scenes>] = &[Preset {
    name: "pc-fractaldb-scenes",
    about: "PC-FractalDB scenes: 10,000 scenes of 5 + Poisson(5) such objects on a floor, each a point \
            cloud (PLY) and a JSON of its boxes",
    spec: || {
        let scenes = Scenes { main: 8_000, noise: 2_000, models: 1000, base_objects: 5 };
        let source = super::exfractaldb::search_source();
        Spec::published(scenes, "pc-fractaldb-scenes", &source, (1000, 10_000, 0))
    },
    categories: super::exfractaldb::searched,
    example: Example::new(r#"{"categories": 3, "instances": 3, "points": 200, "objects": 2}"#),
}];

/// `--points` and `--mix-ratio` split the points of an instance (default: as `main` and `noise`).
fn mix_split(main: u32, noise: u32, o: &mut Overrides) -> Result<NoiseMix> {
    let ratio = o.take::<f64>(&MIX_RATIO)?.unwrap_or(f64::from(main) / f64::from(main + noise));
    if !(0.0..=1.0).contains(&ratio) {
        bail!("--mix-ratio must be between 0 and 1, not {ratio}");
    }
    let points = o.take::<u32>(&POINTS)?.unwrap_or(main + noise);
    Ok(NoiseMix::with_ratio(points as usize, ratio))
}

/// Check an instance's points, `main + noise`.
fn check_mix(main: u32, noise: u32, naming: Naming) -> Result<()> {
    check_points(main.saturating_add(noise), &naming.name("--points", "main + noise"))
}

/// The mixed clouds of the 3-D categories: instance `j` of every class mixes with `partners[j mod n]`,
/// drawn from the seed.
fn noise_mix<S>(
    spec: &Spec<S>,
    categories: &Categories,
    main: u32,
    noise: u32,
) -> Result<PcFractalDb<Vec<Ifs3>, Vec<u32>>> {
    let ifs = categories.params::<Ifs3>()?.to_vec();
    let mut partners = vec![0; ifs.len()];
    pc::partners(&mut pc::partners_key(spec.seed).rng(), &mut partners);
    let mix = NoiseMix { main: main as usize, noise: noise as usize };
    PcFractalDb::new(ifs, partners, mix, spec.seed).context("the partners")
}

/// Point clouds are written as PLY or npy, never PNG.
const NO_PNG: [f64; 4] = [1.0; 4];

impl FamilySettings for Settings {
    const PRESETS: &'static [Preset<Self>] = PRESETS;
    type Category = Ifs3;

    fn samples(&self) -> SampleKind {
        SampleKind::Clouds
    }

    fn check(&self, _: &Spec<Self>, naming: Naming) -> Result<()> {
        check_mix(self.main, self.noise, naming)
    }

    fn overridden(&self, o: &mut Overrides) -> Result<Self> {
        let split = mix_split(self.main, self.noise, o)?;
        Ok(Settings { main: split.main as u32, noise: split.noise as u32 })
    }

    fn build(&self, spec: &Spec<Self>, categories: &Categories) -> Result<Built> {
        Ok(Built::new(noise_mix(spec, categories, self.main, self.noise)?))
    }

    fn png_bytes_per_byte(&self) -> [f64; 4] {
        NO_PNG
    }
}

impl FamilySettings for Scenes {
    const PRESETS: &'static [Preset<Self>] = SCENES_PRESETS;
    type Category = Ifs3;

    fn samples(&self) -> SampleKind {
        SampleKind::Scenes
    }

    fn flag_meanings(&self) -> &'static [FlagMeaning] {
        &[
            ("--categories", "Scenes pick their objects from all N."),
            ("--instances", "Scenes: the number of scenes."),
            ("--val-per-class", "Scenes: the last K scenes."),
        ]
    }

    fn check(&self, _spec: &Spec<Self>, naming: Naming) -> Result<()> {
        check_mix(self.main, self.noise, naming)?;
        if self.models == 0 {
            bail!("{} must be at least 1", naming.name("the models per class", "models"));
        }
        if self.base_objects > 1000 {
            bail!(
                "{} must be at most 1000, not {}",
                naming.name("--objects", "base_objects"),
                self.base_objects
            );
        }
        Ok(())
    }

    fn overridden(&self, o: &mut Overrides) -> Result<Self> {
        let split = mix_split(self.main, self.noise, o)?;
        let base_objects = o.take(&OBJECTS)?.unwrap_or(self.base_objects);
        Ok(Scenes { main: split.main as u32, noise: split.noise as u32, base_objects, ..*self })
    }

    fn build(&self, spec: &Spec<Self>, categories: &Categories) -> Result<Built> {
        let params = SceneParams { base_objects: self.base_objects, ..REFERENCE_SCENES };
        let objects = noise_mix(spec, categories, self.main, self.noise)?;
        Ok(Built::new(PcScenes::new(objects, self.models as usize, params)))
    }

    fn png_bytes_per_byte(&self) -> [f64; 4] {
        NO_PNG
    }

    /// 5 + Poisson(5) objects (the layout's entries) of main + noise points each (the points').
    fn typical_entries(&self, part: &Part) -> usize {
        let objects = (self.base_objects + 5) as usize;
        match part.role {
            Role::Layout => objects,
            _ => (self.main + self.noise) as usize * objects,
        }
    }
}
