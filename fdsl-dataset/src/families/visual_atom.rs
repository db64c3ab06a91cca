//! VisualAtom (Takashima et al., CVPR 2023) in the library: presets and category files.
//!
//! Category files (its reference writes none): `key,value` rows of the reference's variable names,
//! `vertex_number`, `line_draw_num`, `perlin_noise_coefficient`, `line_width`, `start_rad`, `nami1`,
//! `nami2`, `oval_rate_x`, `oval_rate_y`.

use super::drawn::{Drawn, DrawnKind};
use crate::categories::{Categories, Params, key_values, parameter_rows, whole};
use crate::flags::FlagUse;
use crate::preset::{DRAWN_FROM_SEED, Example, Preset, numbered};
use crate::search::Progress;
use crate::spec::Spec;
use anyhow::{Context, Result};
use fdsl_core::families::drawn::category_key;
use fdsl_core::families::visual_atom::{REFERENCE_RANGES, VisualAtomCategory};

/// VisualAtom's settings in a spec (`"generator": "visualatom"`): none.
pub type Settings = Drawn<VisualAtomCategory>;

/// VisualAtom takes no family setting.
pub const FLAGS: &[FlagUse] = &[];

impl DrawnKind for VisualAtomCategory {
    const WHAT: &'static str = "a VisualAtom category";
    /// 20 classes x 5 images of visualatom-1k, `fdsl render --png-compression` each level.
    const PNG_BYTES_PER_BYTE: [f64; 4] = [0.367, 0.323, 0.233, 0.231];

    const PRESETS: &'static [Preset<Settings>] = PRESETS;
}

/// The published VisualAtom recipe (`make_VisualAtom.sh`: 512 px, 1,000 instances per class).
fn published(preset: &str, categories: usize) -> Spec<Settings> {
    Spec::published(Settings::default(), preset, DRAWN_FROM_SEED, (categories, 1000, 512))
}

/// VisualAtom's presets.
pub const PRESETS: &[Preset<Settings>] = &[
    Preset {
        name: "visualatom-1k",
        about: "VisualAtom (CVPR 2023): contours grown by two sine waves and Perlin noise, 1,000 classes drawn \
                from --seed at make_VisualAtom.sh's ranges, 1,000 images per class, 512x512 grey",
        spec: || published("visualatom-1k", 1000),
        categories: sampled,
        example: Example::new(r#"{"categories": 3, "instances": 3, "size": 48}"#),
    },
    Preset {
        name: "visualatom-21k",
        about: "VisualAtom with 21,000 classes",
        spec: || published("visualatom-21k", 21_000),
        categories: sampled,
        example: Example::new(r#"{"categories": 3, "instances": 3, "size": 48}"#),
    },
];

/// Categories drawn from the seed at the reference's ranges.
fn sampled(spec: &Spec<Settings>, _: Progress) -> Result<Categories<VisualAtomCategory>> {
    numbered(spec, |c| {
        let mut rng = category_key::<VisualAtomCategory>(spec.seed, c).rng();
        Ok(VisualAtomCategory::sample(&mut rng, &REFERENCE_RANGES))
    })
}

/// The keys of a category file: the reference's variable names, in the order it draws them.
const KEYS: [&str; 9] = [
    "vertex_number",
    "line_draw_num",
    "perlin_noise_coefficient",
    "line_width",
    "start_rad",
    "nami1",
    "nami2",
    "oval_rate_x",
    "oval_rate_y",
];

impl Params for VisualAtomCategory {
    const FORMAT: &'static str = "rows key,value: vertex_number, line_draw_num, perlin_noise_coefficient, line_width, start_rad, nami1, nami2, oval_rate_x, oval_rate_y";

    fn parse(source: &str, text: &str) -> Result<Self> {
        let [v, k, lambda, lw, r, n1, n2, ox, oy] = key_values(source, text, KEYS, &[])?;
        let category = VisualAtomCategory {
            vertices: whole(source, "vertex_number", v)?,
            orbits: whole(source, "line_draw_num", k)?,
            perlin_coefficient: lambda,
            line_width: lw,
            start_radius: r,
            frequencies: (whole(source, "nami1", n1)?, whole(source, "nami2", n2)?),
            oval: (ox, oy),
        };
        category.check().with_context(|| format!("{source}: not a usable VisualAtom category"))?;
        Ok(category)
    }

    /// One `key,value` row per parameter, its name and value (shortest round-trip decimals).
    fn to_text(&self) -> String {
        parameter_rows(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::categories::Category;

    #[test]
    fn visual_atom_files_round_trip_and_errors_name_the_key() {
        let c = VisualAtomCategory {
            vertices: 512,
            orbits: 37,
            perlin_coefficient: 3.0625,
            line_width: 0.0078125,
            start_radius: 42.0,
            frequencies: (0, 19),
            oval: (1.5, 1.25),
        };
        let text = c.to_text();
        assert_eq!(
            text,
            "vertex_number,512\nline_draw_num,37\nperlin_noise_coefficient,3.0625\nline_width,0.0078125\n\
             start_rad,42\nnami1,0\nnami2,19\noval_rate_x,1.5\noval_rate_y,1.25\n"
        );
        assert_eq!(Category::<VisualAtomCategory>::parse("v.csv", &text).unwrap().params, c);
        let err =
            |text: &str| format!("{:#}", Category::<VisualAtomCategory>::parse("v.csv", text).unwrap_err());
        assert!(
            err("vertex_number,512\n").contains("v.csv: missing line_draw_num, perlin_noise_coefficient")
        );
        assert!(err(&text.replace("nami1,0", "nami1,0.5")).contains("nami1 must be a whole number"));
        assert!(err(&text.replace("512", "2000")).contains("vertex_number must be between 3 and 1024"));
        assert!(err(&text.replace("42", "inf")).contains("must be a finite number"));
        assert!(err(&(text.clone() + "Vertex,3\n")).contains("line 10: unknown key \"Vertex\""));
    }
}
