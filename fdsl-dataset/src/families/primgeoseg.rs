//! PrimGeoSeg (Tadokoro et al., BMVC 2023; `SUPER-TADORY/PrimGeoSeg`) in the library: settings, the
//! preset, the class file, checks, estimates. Its samples are numbered volumes of one unlabelled
//! group, each a `volume` of primitives' outlines and its voxel `labels`
//! ([`fdsl_core::families::primgeoseg`]): `instances` is the number of volumes, `size` their side.
//!
//! The settings are those of the reference's `config/*.yaml` and `mk_data.py`: primitives per volume
//! (`NUM_PER_IMAGE`), the largest overlap (`occlusion_r`), rotation (`no_rotate`), the reduced class
//! sets (`reduce_xy_class`, `reduce_z_class`), and two of fdsl's: the fix of the reference's
//! overlap-volume bug (kept by default) and where the draws come from (fdsl's streams, or CPython's
//! `random.seed(seed + i)`: the reference's very volumes). The reference's `noise_strength` is not
//! offered: its noise (integers up to 399 added to the image) does not fit the byte volume, and
//! config001 has none.
//!
//! The class file: one row `draw,streams|cpython` (the source has no categories; the text only
//! says where the volumes' draws come from).

use crate::categories::{Categories, Category, Params, parse_named_row};
use crate::family::{Built, FamilySettings, FlagMeaning, SampleKind};
use crate::flags::{Flag, FlagUse, Overrides, Values, choices};
use crate::preset::{Example, Preset};
use crate::search::Progress;
use crate::spec::{Choice, Naming, Spec};
use anyhow::{Context, Result, bail};
use fdsl_core::families::primgeoseg::{
    CONFIG001, DrawMode, MAX_PRIMITIVES, MAX_SIDE, MIN_SIDE, PrimGeoSeg, Settings as Volumes,
};
use serde::{Deserialize, Serialize};

/// PrimGeoSeg's settings in a spec (`"generator": "primgeoseg"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Where the volumes' draws come from.
    pub draw_mode: DrawMode,
    /// Primitives drawn per volume (`NUM_PER_IMAGE`).
    pub primitives: u32,
    /// The largest accepted overlap of a placed primitive, as a fraction of its volume
    /// (`occlusion_r`).
    pub occlusion: f64,
    /// Which volume the overlap is divided by.
    pub volume_bug: VolumeBug,
    /// Whether each placement attempt turns the primitive (`no_rotate: false`).
    pub rotation: Rotation,
    /// The class set (`reduce_xy_class`, `reduce_z_class`).
    pub reduce: Reduce,
}

/// Which volume a placement divides the overlap by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VolumeBug {
    /// The reference's (`mk_data.py:217-218`): the sorted volumes indexed by the primitive's original
    /// index, another primitive's volume.
    Keep,
    /// The primitive's own (0.9 more primitives placed per volume).
    Fix,
}

/// Whether a placement turns the primitive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rotation {
    /// Never (config001's `no_rotate: True`).
    None,
    /// Each attempt one of NumPy's 6 quarter turns, as the box sits, on its sides or upside down.
    QuarterTurns,
}

/// The class set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reduce {
    /// 8 sections x 4 profiles: 32 classes.
    None,
    /// Sections ellipse, 3- to 6-gon (`reduce_xy_class`): 20 classes.
    Xy,
    /// Profiles prism and hourglass (`reduce_z_class`): 16 classes.
    Z,
    /// Both: 10 classes.
    XyZ,
}

impl Choice for DrawMode {
    const ALL: &'static [(Self, &'static str, &'static str)] = &[
        (DrawMode::Streams, "streams", "fdsl's keyed streams, one per volume"),
        (
            DrawMode::CPython,
            "cpython",
            "CPython's random, volume i drawn after random.seed(seed + i): the reference's very volumes",
        ),
    ];
}

impl Choice for VolumeBug {
    const ALL: &'static [(Self, &'static str, &'static str)] = &[
        (VolumeBug::Keep, "keep", "The reference's: the overlap divided by another primitive's volume"),
        (VolumeBug::Fix, "fix", "The overlap divided by the primitive's own volume"),
    ];
}

impl Choice for Rotation {
    const ALL: &'static [(Self, &'static str, &'static str)] = &[
        (Rotation::None, "none", "No turn (config001's no_rotate)"),
        (Rotation::QuarterTurns, "quarter-turns", "Each placement attempt one of 6 quarter turns"),
    ];
}

impl Choice for Reduce {
    const ALL: &'static [(Self, &'static str, &'static str)] = &[
        (Reduce::None, "none", "32 classes: 8 sections x 4 profiles"),
        (Reduce::Xy, "xy", "20 classes: sections ellipse, 3- to 6-gon (reduce_xy_class)"),
        (Reduce::Z, "z", "16 classes: profiles prism and hourglass (reduce_z_class)"),
        (Reduce::XyZ, "xy-z", "10 classes: both"),
    ];
}

/// `--draw-mode`.
pub const DRAW_MODE: Flag = Flag {
    name: "draw_mode",
    alias: None,
    value_name: "MODE",
    about: "PrimGeoSeg: where the volumes' draws come from, fdsl's streams or cpython (the reference's \
            random.seed(seed + i)) [default: streams].",
    values: Values::Choice(choices::<DrawMode>),
};

/// `--primitives`.
pub const PRIMITIVES: Flag = Flag {
    name: "primitives",
    alias: None,
    value_name: "N",
    about: "PrimGeoSeg: primitives drawn per volume, 1 to 64 [default: 20].",
    values: Values::Whole,
};

/// `--occlusion`.
pub const OCCLUSION: Flag = Flag {
    name: "occlusion",
    alias: None,
    value_name: "R",
    about: "PrimGeoSeg: the largest overlap of a placed primitive, a fraction of its volume [default: 0.7].",
    values: Values::Number,
};

/// `--volume-bug`.
pub const VOLUME_BUG: Flag = Flag {
    name: "volume_bug",
    alias: None,
    value_name: "KEEP",
    about: "PrimGeoSeg: keep the reference's overlap-volume bug, or fix it [default: keep].",
    values: Values::Choice(choices::<VolumeBug>),
};

/// `--rotation`.
pub const ROTATION: Flag = Flag {
    name: "rotation",
    alias: None,
    value_name: "TURNS",
    about: "PrimGeoSeg: none, or quarter-turns (the reference's no_rotate: false) [default: none].",
    values: Values::Choice(choices::<Rotation>),
};

/// `--reduce`.
pub const REDUCE: Flag = Flag {
    name: "reduce",
    alias: None,
    value_name: "SET",
    about: "PrimGeoSeg: the class set, none (32), xy (20), z (16) or xy-z (10) [default: none].",
    values: Values::Choice(choices::<Reduce>),
};

/// The settings PrimGeoSeg takes.
pub const FLAGS: &[FlagUse] = &[
    (&DRAW_MODE, ""),
    (&PRIMITIVES, ""),
    (&OCCLUSION, ""),
    (&VOLUME_BUG, ""),
    (&ROTATION, ""),
    (&REDUCE, ""),
];

/// The reference's config001: 5,000 volumes.
const VOLUMES: usize = 5000;

/// PrimGeoSeg's preset: the reference's `config/config001.yaml`.
pub const PRESETS: &[Preset<Settings>] = &[Preset {
    name: "primgeoseg",
    about: "PrimGeoSeg (Tadokoro et al. 2023): 5,000 96^3 volumes of 20 primitive solids (32 classes), the \
            outlines at 128 and the voxel labels, as NIfTI with a MONAI datalist (the 50,000 set: \
            --instances 50000)",
    spec: || {
        let settings = Settings {
            draw_mode: DrawMode::Streams,
            primitives: CONFIG001.primitives as u32,
            occlusion: CONFIG001.occlusion,
            volume_bug: VolumeBug::Keep,
            rotation: Rotation::None,
            reduce: Reduce::None,
        };
        let source = "one unlabelled group (the source has no categories)";
        Spec::published(settings, "primgeoseg", source, (1, VOLUMES, 96))
    },
    categories: one_group,
    example: Example::new(r#"{"instances": 3, "size": 90, "primitives": 6}"#).with_variants(&[
        ("val", r#"{"val_per_class": 1}"#),
        ("cpython", r#"{"draw_mode": "cpython", "volume_bug": "fix", "rotation": "quarter-turns"}"#),
    ]),
}];

/// The one group of the spec's draws.
fn one_group(spec: &Spec<Settings>, _: Progress) -> Result<Categories<DrawMode>> {
    Ok(Categories::new(vec![Category::new(format!("{}/00000", spec.preset), spec.family.draw_mode)]))
}

impl Params for DrawMode {
    const FORMAT: &'static str = "one row draw,streams|cpython";

    fn parse(source: &str, text: &str) -> Result<Self> {
        parse_named_row(source, text, "draw", Self::FORMAT)
    }

    fn to_text(&self) -> String {
        format!("draw,{}\n", self.name())
    }
}

impl Settings {
    /// The core's settings for volumes of `side` voxels.
    fn volumes(&self, side: usize) -> Volumes {
        Volumes {
            side,
            primitives: self.primitives as usize,
            occlusion: self.occlusion,
            fix_volume_bug: self.volume_bug == VolumeBug::Fix,
            reduce_xy: matches!(self.reduce, Reduce::Xy | Reduce::XyZ),
            reduce_z: matches!(self.reduce, Reduce::Z | Reduce::XyZ),
            rotate: self.rotation == Rotation::QuarterTurns,
        }
    }
}

impl FamilySettings for Settings {
    const PRESETS: &'static [Preset<Self>] = PRESETS;
    type Category = DrawMode;

    fn samples(&self) -> SampleKind {
        SampleKind::Volumes
    }

    fn flag_meanings(&self) -> &'static [FlagMeaning] {
        &[
            ("--instances", "PrimGeoSeg: the number of volumes."),
            ("--val-per-class", "PrimGeoSeg: the last K volumes."),
        ]
    }

    fn check(&self, spec: &Spec<Self>, naming: Naming) -> Result<()> {
        if spec.categories != 1 {
            bail!(
                "{} must be 1: PrimGeoSeg's volumes are one unlabelled group, not {}",
                naming.name("--categories", "categories"),
                spec.categories
            );
        }
        let side = spec.size as usize;
        if !(MIN_SIDE..=MAX_SIDE).contains(&side) {
            bail!(
                "{} must be {MIN_SIDE} to {MAX_SIDE} voxels for PrimGeoSeg (its largest primitive box is \
                 2*40+10 = 90 voxels), not {side}",
                naming.name("--size", "size")
            );
        }
        if !(1..=MAX_PRIMITIVES as u32).contains(&self.primitives) {
            bail!(
                "{} must be between 1 and {MAX_PRIMITIVES}, not {}",
                naming.name("--primitives", "primitives"),
                self.primitives
            );
        }
        if !self.occlusion.is_finite() || self.occlusion < 0.0 {
            bail!(
                "{} must be a fraction of at least 0, not {}",
                naming.name("--occlusion", "occlusion"),
                self.occlusion
            );
        }
        Ok(())
    }

    fn overridden(&self, o: &mut Overrides) -> Result<Self> {
        Ok(Settings {
            draw_mode: o.take(&DRAW_MODE)?.unwrap_or(self.draw_mode),
            primitives: o.take(&PRIMITIVES)?.unwrap_or(self.primitives),
            occlusion: o.take(&OCCLUSION)?.unwrap_or(self.occlusion),
            volume_bug: o.take(&VOLUME_BUG)?.unwrap_or(self.volume_bug),
            rotation: o.take(&ROTATION)?.unwrap_or(self.rotation),
            reduce: o.take(&REDUCE)?.unwrap_or(self.reduce),
        })
    }

    fn reads_category_files(&self) -> bool {
        false
    }

    fn build(&self, spec: &Spec<Self>, categories: &Categories<DrawMode>) -> Result<Built> {
        if categories.params().iter().any(|&d| d != self.draw_mode) {
            bail!("the PrimGeoSeg group names other draws than the spec's {}", self.draw_mode.name());
        }
        let family = PrimGeoSeg::new(self.volumes(spec.size as usize), spec.seed, self.draw_mode)
            .context("PrimGeoSeg")?;
        Ok(Built::new(family))
    }

    /// Never written as PNG (its rows are NIfTI, npy and WebDataset's `.npy` members).
    fn png_bytes_per_byte(&self) -> [f64; 4] {
        [1.0; 4]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_class_file_round_trips_and_names_the_line() {
        for draw in [DrawMode::Streams, DrawMode::CPython] {
            let text = draw.to_text();
            assert_eq!(Category::<DrawMode>::parse("g.csv", &text).unwrap().params, draw);
        }
        assert_eq!(DrawMode::CPython.to_text(), "draw,cpython\n");
        let err = format!("{:#}", Category::<DrawMode>::parse("g.csv", "draw,numpy\n").unwrap_err());
        assert!(err.contains("g.csv line 1: unknown draw \"numpy\""), "{err}");
    }

    #[test]
    fn the_spec_names_the_settings_and_the_preset_is_config001() {
        let spec = (PRESETS[0].spec)();
        let json = serde_json::to_value(&spec.family).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"draw_mode": "streams", "primitives": 20,
                "occlusion": 0.7, "volume_bug": "keep", "rotation": "none", "reduce": "none"})
        );
        assert_eq!(spec.family.volumes(96), CONFIG001);
        assert_eq!((spec.instances, spec.size, spec.categories), (5000, 96, 1));
    }
}
