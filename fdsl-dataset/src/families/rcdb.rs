//! RCDB (Kataoka et al., ACCV 2022 / CVPR 2022) in the library: presets and category files.
//!
//! Category files (the reference's `param/{category:05d}.csv`): `key,value` rows `Vertex`,
//! `Perlin_noise`, `line_width`, `Line_num` (V, c, lw, L); the reference's other rows, `Center_rad`,
//! `Oval_rate_x`, `Oval_rate_y`, `start_pos_h`, `start_pos_w`, are its first instance's ellipse, which
//! fdsl draws for every instance from that instance's stream: read and ignored.

use super::drawn::{Drawn, DrawnKind};
use crate::categories::{Params, key_values, whole};
use crate::flags::FlagUse;
use crate::preset::{DRAWN_FROM_SEED, Example, Preset, numbered};
use crate::spec::Spec;
use anyhow::{Context, Result};
use fdsl_core::families::drawn::category_key;
use fdsl_core::families::rcdb::{REFERENCE_RANGES, RcdbCategory};

/// RCDB's settings in a spec (`"generator": "rcdb"`): none (the reference's drawing ranges,
/// [`REFERENCE_RANGES`]).
pub type Settings = Drawn<RcdbCategory>;

/// RCDB takes no family setting.
pub const FLAGS: &[FlagUse] = &[];

impl DrawnKind for RcdbCategory {
    const WHAT: &'static str = "an RCDB category";
    /// 512 px, `fdsl-bench throughput --png-compression`.
    const PNG_BYTES_PER_BYTE: [f64; 4] = [0.336, 0.279, 0.126, 0.124];

    const PRESETS: &'static [Preset<Settings>] = PRESETS;
}

/// The published RCDB recipe (`exe_rcdb_1k.sh`: 512 px, 1,000 instances per class), categories drawn
/// from the seed.
fn published(preset: &str, categories: usize) -> Spec<Settings> {
    Spec::published(Settings::default(), preset, DRAWN_FROM_SEED, (categories, 1000, 512))
}

/// RCDB's presets.
pub const PRESETS: &[Preset<Settings>] = &[
    Preset {
        name: "rcdb-1k",
        about: "RCDB: 1,000 radial-contour classes drawn from --seed, 1,000 images per class, 512x512",
        spec: || published("rcdb-1k", 1000),
        categories: sampled,
        example: Example::new(r#"{"categories": 3, "instances": 3, "size": 48}"#)
            .with_variants(&[("png val", r#"{"val_per_class": 1}"#)]),
    },
    Preset {
        name: "rcdb-21k",
        about: "RCDB with 21,000 classes",
        spec: || published("rcdb-21k", 21_000),
        categories: sampled,
        example: Example::new(r#"{"categories": 3, "instances": 3, "size": 48}"#),
    },
];

/// Categories drawn from the seed at the reference's ranges.
fn sampled(
    spec: &Spec<Settings>,
    _: crate::search::Progress,
) -> Result<crate::categories::Categories<RcdbCategory>> {
    numbered(spec, |c| {
        Ok(RcdbCategory::sample(&mut category_key::<RcdbCategory>(spec.seed, c).rng(), &REFERENCE_RANGES))
    })
}

/// The keys of an RCDB category file (the reference's), in file order: V, c, lw, L.
const KEYS: [&str; 4] = ["Vertex", "Perlin_noise", "line_width", "Line_num"];

/// The reference's rows of its first instance's ellipse, which fdsl draws per instance.
const INSTANCE_KEYS: [&str; 5] = ["Center_rad", "Oval_rate_x", "Oval_rate_y", "start_pos_h", "start_pos_w"];

impl Params for RcdbCategory {
    const FORMAT: &'static str = "rows key,value: Vertex, Perlin_noise, line_width, Line_num";

    fn parse(source: &str, text: &str) -> Result<Self> {
        let [v, c, lw, l] = key_values(source, text, KEYS, &INSTANCE_KEYS)?;
        let category = RcdbCategory {
            vertices: whole(source, "Vertex", v)?,
            contours: whole(source, "Line_num", l)?,
            perlin_coefficient: c,
            line_width: lw,
        };
        category.check().with_context(|| format!("{source}: not a usable RCDB category"))?;
        Ok(category)
    }

    /// The reference's rows as Python's `csv` writer ends them (`\r\n`), the numbers as it writes
    /// them (shortest round-trip decimals; here without exponents).
    fn to_text(&self) -> String {
        format!(
            "Vertex,{}\r\nPerlin_noise,{}\r\nline_width,{}\r\nLine_num,{}\r\n",
            self.vertices, self.perlin_coefficient, self.line_width, self.contours
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::categories::Category;

    #[test]
    fn rcdb_files_round_trip_and_errors_name_the_line() {
        let c = RcdbCategory { vertices: 76, contours: 154, perlin_coefficient: 1.25, line_width: 0.0625 };
        let text = c.to_text();
        assert_eq!(text, "Vertex,76\r\nPerlin_noise,1.25\r\nline_width,0.0625\r\nLine_num,154\r\n");
        assert_eq!(Category::<RcdbCategory>::parse("r.csv", &text).unwrap().params, c);
        let err = |text: &str| format!("{:#}", Category::<RcdbCategory>::parse("r.csv", text).unwrap_err());
        assert!(err("Vertex,76\n").contains("r.csv: missing Perlin_noise, line_width, Line_num"));
        assert!(err("colour,3\n").contains("r.csv line 1: unknown key \"colour\""));
        assert!(err(&text.replace("76", "2.5")).contains("Vertex must be a whole number"));
        assert!(err(&text.replace("76", "2")).contains("Vertex must be between 3 and 1024"));
        assert!(err(&(text.clone() + "line_width,1\n")).contains("line 5: line_width given twice"));
        assert!(err(&text.replace("1.25", "nan")).contains("must be finite"));
        assert!(err(&text.replace("154", "x")).contains("line 4: \"x\" is not a number"));
    }

    #[test]
    fn rcdb_reads_the_reference_files() {
        // A file of the reference's `make_rcdb.py` (Python's csv writer, its key order).
        let text = "Vertex,14\r\nPerlin_noise,0.2524272875508373\r\nline_width,0.011791870367106105\r\n\
                    Center_rad,33\r\nLine_num,128\r\nOval_rate_x,1.1634064039548\r\n\
                    Oval_rate_y,1.6964218574934045\r\nstart_pos_h,340.5\r\nstart_pos_w,127.0\r\n";
        let c = Category::<RcdbCategory>::parse("00000.csv", text).unwrap().params;
        assert_eq!(
            c,
            RcdbCategory {
                vertices: 14,
                contours: 128,
                perlin_coefficient: 0.2524272875508373,
                line_width: 0.011791870367106105
            }
        );
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let rcdb = "\u{feff}Vertex,76\r\nPerlin_noise,1.25\r\nline_width,0.0625\r\nLine_num,154\r\n";
        assert_eq!(Category::<RcdbCategory>::parse("r.csv", rcdb).unwrap().params.vertices, 76);
    }
}
