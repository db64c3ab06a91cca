//! SegRCDB (Shinoda et al., ICCV 2023; dahlian00/SegRCDB) in the library: settings, the preset,
//! category files, checks, estimates. Its samples are numbered images of one unlabelled group, each
//! with a per-pixel label mask ([`fdsl_core::families::segrcdb`]): `instances` is the number of
//! images, `categories` the number of classes (mask labels `1..=categories`, 0 the background).
//!
//! Category files (the reference's `param/%05d.csv`): `key,value` rows `Vertex`, `Perlin_noise`,
//! `line_width`, `Center_rad`, `Line_num`, `Oval_rate_x`, `Oval_rate_y` (V, λ, lw, r0, K, ox, oy),
//! in the reference's row order. Its `Category_num` and `Color_Gray` rows (the class number and
//! mask label, both class + 1) are read and ignored: in fdsl class `c` is the `c`-th file, labelled
//! `c + 1`, so fdsl's files leave them out.

use crate::categories::{Categories, Params, key_values, whole};
use crate::family::{Built, FamilySettings, FlagMeaning, SampleKind};
use crate::flags::{Flag, FlagUse, Overrides, Values, choices};
use crate::preset::{DRAWN_FROM_SEED, Example, Preset, numbered};
use crate::spec::{Choice, Naming, Spec};
use anyhow::{Context, Result, bail};
use fdsl_core::families::segrcdb::{
    CLASSES, IMAGES, INSTANCES, MAX_CLASSES, MAX_INSTANCES, MaskMode, REFERENCE_RANGES, SIDE, SegRcdb,
    SegRcdbCategory, category_key,
};
use serde::{Deserialize, Serialize};

/// SegRCDB's settings in a spec (`"generator": "segrcdb"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// What the mask shows of each instance.
    pub mask_mode: MaskMode,
    /// Instances drawn per image, later over earlier.
    pub instances_per_image: u32,
}

impl Choice for MaskMode {
    const ALL: &'static [(Self, &'static str, &'static str)] = &[
        (
            MaskMode::Lines,
            "lines",
            "The reference's M1 (its script's): every contour's 1-px lines labelled, the image's line pixels",
        ),
        (
            MaskMode::Rings,
            "rings",
            "M2: the ring between an instance's first and last contours filled with its label (its hole \
             cleared to 0; an instance of one contour leaves no label)",
        ),
        (MaskMode::Filled, "filled", "M3: each instance's last contour filled with its label"),
    ];
}

/// `--mask-mode`.
pub const MASK_MODE: Flag = Flag {
    name: "mask_mode",
    alias: None,
    value_name: "MODE",
    about: "SegRCDB: what the mask shows of each instance, lines (the reference's M1), rings (M2) or \
            filled (M3); M1, M2 and M3 are taken too [default: lines].",
    values: Values::Choice(mask_modes),
};

/// The mask modes' names, and the reference's `M1`, `M2`, `M3` for them (the spec reads both and
/// writes fdsl's).
fn mask_modes() -> Vec<(&'static str, &'static str)> {
    let mut names = choices::<MaskMode>();
    names.extend([("M1", "The reference's name of lines"), ("M2", "Rings"), ("M3", "Filled")]);
    names
}

/// `--instances-per-image`.
pub const INSTANCES_PER_IMAGE: Flag = Flag {
    name: "instances_per_image",
    alias: None,
    value_name: "N",
    about: "SegRCDB: instances drawn per image, later ones over earlier ones, 1 to 100,000 [default: 32].",
    values: Values::Whole,
};

/// The settings SegRCDB takes.
pub const FLAGS: &[FlagUse] = &[(&MASK_MODE, ""), (&INSTANCES_PER_IMAGE, "")];

/// SegRCDB's preset (`make_SegRCDB.sh`: 254 classes, 20,000 images of 512 px, 32 instances each,
/// masks M1).
pub const PRESETS: &[Preset<Settings>] = &[Preset {
    name: "segrcdb",
    about: "SegRCDB: 20,000 512x512 grey images of 32 radial-contour instances each, of 254 classes drawn \
            from --seed, with per-pixel label masks (0 background, class + 1; --mask-mode)",
    spec: || {
        let settings = Settings { mask_mode: MaskMode::Lines, instances_per_image: INSTANCES };
        Spec::published(settings, "segrcdb", DRAWN_FROM_SEED, (CLASSES, IMAGES as usize, SIDE as u32))
    },
    categories: |spec, _| {
        numbered(spec, |c| {
            Ok(SegRcdbCategory::sample(&mut category_key(spec.seed, c).rng(), &REFERENCE_RANGES))
        })
    },
    example: Example::new(r#"{"categories": 5, "instances": 5, "size": 48, "instances_per_image": 5}"#)
        .with_variants(&[
            ("png val", r#"{"val_per_class": 2}"#),
            ("png rings", r#"{"mask_mode": "rings"}"#),
            ("webdataset filled", r#"{"mask_mode": "filled", "format": "webdataset"}"#),
        ]),
}];

impl FamilySettings for Settings {
    const PRESETS: &'static [Preset<Self>] = PRESETS;
    type Category = SegRcdbCategory;

    fn samples(&self) -> SampleKind {
        SampleKind::Images
    }

    fn flag_meanings(&self) -> &'static [FlagMeaning] {
        &[
            (
                "--categories",
                "SegRCDB: its images draw their instances from the N classes (mask labels 1 to N).",
            ),
            ("--instances", "SegRCDB: the number of images."),
            (
                "--val-per-class",
                "SegRCDB: the last K images (in images/validation and annotations/validation).",
            ),
        ]
    }

    fn check(&self, spec: &Spec<Self>, naming: Naming) -> Result<()> {
        if spec.categories > MAX_CLASSES {
            bail!(
                "{} must be at most {MAX_CLASSES} for SegRCDB (mask labels are bytes: 1..254, 0 the \
                 background, 255 the segmentation codes' ignore value), not {}",
                naming.name("--categories", "categories"),
                spec.categories
            );
        }
        if !(1..=MAX_INSTANCES).contains(&self.instances_per_image) {
            bail!(
                "{} must be between 1 and {MAX_INSTANCES}, not {}",
                naming.name("--instances-per-image", "instances_per_image"),
                self.instances_per_image
            );
        }
        Ok(())
    }

    fn overridden(&self, o: &mut Overrides) -> Result<Self> {
        Ok(Settings {
            mask_mode: o.take(&MASK_MODE)?.unwrap_or(self.mask_mode),
            instances_per_image: o.take(&INSTANCES_PER_IMAGE)?.unwrap_or(self.instances_per_image),
        })
    }

    fn build(&self, spec: &Spec<Self>, categories: &Categories<SegRcdbCategory>) -> Result<Built> {
        let params = categories.params().to_vec();
        let family =
            SegRcdb::new(params, spec.size as usize, self.instances_per_image, self.mask_mode, spec.seed)
                .context("SegRCDB")?;
        Ok(Built::new(family))
    }

    /// Per byte of the image and its mask together (their two PNGs), M1, 512 px: `fdsl render --preset
    /// segrcdb --instances 100 --png-compression LEVEL` (BENCHMARKS.md).
    fn png_bytes_per_byte(&self) -> [f64; 4] {
        [0.850, 0.796, 0.526, 0.524]
    }
}

/// The keys of a SegRCDB category file, in the reference's row order: V, λ, lw, r0, K, ox, oy.
const KEYS: [&str; 7] =
    ["Vertex", "Perlin_noise", "line_width", "Center_rad", "Line_num", "Oval_rate_x", "Oval_rate_y"];

/// The reference's rows fdsl takes from the file's place instead: the class number and label.
const PLACE_KEYS: [&str; 2] = ["Category_num", "Color_Gray"];

impl Params for SegRcdbCategory {
    const FORMAT: &'static str =
        "rows key,value: Vertex, Perlin_noise, line_width, Center_rad, Line_num, Oval_rate_x, Oval_rate_y";

    fn parse(source: &str, text: &str) -> Result<Self> {
        let [v, lambda, lw, r0, k, ox, oy] = key_values(source, text, KEYS, &PLACE_KEYS)?;
        let category = SegRcdbCategory {
            vertices: whole(source, "Vertex", v)?,
            contours: whole(source, "Line_num", k)?,
            perlin_coefficient: lambda,
            line_width: lw,
            radius: whole(source, "Center_rad", r0)?,
            oval: (ox, oy),
        };
        category.check().with_context(|| format!("{source}: not a usable SegRCDB category"))?;
        Ok(category)
    }

    /// The reference's rows as Python's `csv` writer ends them (`\r\n`), the numbers as shortest
    /// round-trip decimals.
    fn to_text(&self) -> String {
        format!(
            "Vertex,{}\r\nPerlin_noise,{}\r\nline_width,{}\r\nCenter_rad,{}\r\nLine_num,{}\r\n\
             Oval_rate_x,{}\r\nOval_rate_y,{}\r\n",
            self.vertices,
            self.perlin_coefficient,
            self.line_width,
            self.radius,
            self.contours,
            self.oval.0,
            self.oval.1
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::categories::Category;

    #[test]
    fn files_round_trip_read_the_reference_and_errors_name_the_line() {
        // A file of the reference's `SegRCDB_params.py` (its key order, its Category_num and Color_Gray).
        let reference = "Category_num,3\r\nVertex,41\r\nPerlin_noise,2.5\r\nline_width,0.0625\r\n\
                         Center_rad,17\r\nLine_num,9\r\nOval_rate_x,1.25\r\nOval_rate_y,1.5\r\nColor_Gray,3\r\n";
        let c = Category::<SegRcdbCategory>::parse("00003.csv", reference).unwrap().params;
        let want = SegRcdbCategory {
            vertices: 41,
            contours: 9,
            perlin_coefficient: 2.5,
            line_width: 0.0625,
            radius: 17,
            oval: (1.25, 1.5),
        };
        assert_eq!(c, want);
        let text = want.to_text();
        assert_eq!(
            text,
            "Vertex,41\r\nPerlin_noise,2.5\r\nline_width,0.0625\r\nCenter_rad,17\r\nLine_num,9\r\n\
             Oval_rate_x,1.25\r\nOval_rate_y,1.5\r\n"
        );
        assert_eq!(Category::<SegRcdbCategory>::parse("s.csv", &text).unwrap().params, want);
        let err =
            |text: &str| format!("{:#}", Category::<SegRcdbCategory>::parse("s.csv", text).unwrap_err());
        assert!(
            err(&text.replace("2.5", "nan")).contains("s.csv: not a usable SegRCDB category: Perlin_noise")
        );
        assert!(err(&text.replace("1.5", "inf")).contains("must be finite"));
        assert!(err(&text.replace("41", "2")).contains("Vertex must be between 3 and 1024"));
        assert!(err(&text.replace("Line_num,9", "Line_num,0")).contains("Line_num must be between 1"));
        assert!(err(&text.replace("1.25", "-500")).contains("between -100 and 100"));
        assert!(err(&text.replace("17", "1.5")).contains("Center_rad must be a whole number"));
        assert!(err("Vertex,41\n").contains("s.csv: missing Perlin_noise, line_width, Center_rad"));
        assert!(err(&(text.clone() + "colour,3\n")).contains("line 8: unknown key \"colour\""));
    }
}
