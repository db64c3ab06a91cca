//! Bezier curve images (fdsl's reconstruction of the ACCV 2020 comparison's,
//! [`fdsl_core::families::bezier`]) in the library: presets and category files.
//!
//! Category files: one row `curve,x0,y0,x1,y1,x2,y2[,x3,y3]` per curve (3 control points: quadratic;
//! 4: cubic), 1 to 8 rows.

use super::drawn::{Drawn, DrawnKind};
use crate::categories::{Categories, Params, lines};
use crate::flags::FlagUse;
use crate::preset::{DRAWN_FROM_SEED, Example, Preset, numbered};
use crate::search::Progress;
use crate::spec::Spec;
use anyhow::{Context, Result, bail};
use fdsl_core::families::bezier::{BezierCategory, MAX_CURVES};
use fdsl_core::families::drawn::category_key;

/// The settings of Bezier images in a spec (`"generator": "bezier"`): none.
pub type Settings = Drawn<BezierCategory>;

/// Bezier images take no family setting.
pub const FLAGS: &[FlagUse] = &[];

impl DrawnKind for BezierCategory {
    const WHAT: &'static str = "a Bezier category";
    /// Grey, per pixel: fdsl's own encoder on 2 images of each of 100 categories of bezier-144 at 256 px
    /// (`fdsl render --png-compression`).
    const PNG_BYTES_PER_BYTE: [f64; 4] = [0.051, 0.046, 0.028, 0.026];

    const PRESETS: &'static [Preset<Settings>] = PRESETS;
}

/// fdsl's Bezier reconstruction: 256 px greyscale, 1,000 instances per class (as FractalDB-1k),
/// templates drawn from the seed.
fn published(preset: &str, categories: usize) -> Spec<Settings> {
    Spec::published(Settings::default(), preset, DRAWN_FROM_SEED, (categories, 1000, 256))
}

/// Templates drawn from the seed.
fn sampled(spec: &Spec<Settings>, _: Progress) -> Result<Categories<BezierCategory>> {
    numbered(spec, |c| Ok(BezierCategory::sample(&mut category_key::<BezierCategory>(spec.seed, c).rng())))
}

/// Bezier's presets (144 and 1,024 are category counts of one template sequence).
pub const PRESETS: &[Preset<Settings>] = &[
    Preset {
        name: "bezier-144",
        about: "Bezier curves, fdsl's reconstruction: 144 templates of 1 to 8 quadratic or cubic curves drawn \
                from --seed, each instance jittered and moved with its own widths and greys; 1,000 grey \
                images per class, 256x256",
        spec: || published("bezier-144", 144),
        categories: sampled,
        example: Example::new(r#"{"categories": 3, "instances": 3, "size": 32}"#),
    },
    Preset {
        name: "bezier-1024",
        about: "the same with 1,024 templates",
        spec: || published("bezier-1024", 1024),
        categories: sampled,
        example: Example::new(r#"{"categories": 3, "instances": 3, "size": 32}"#),
    },
];

impl Params for BezierCategory {
    const FORMAT: &'static str = "one row curve,x0,y0,x1,y1,x2,y2[,x3,y3] per curve (1 to 8)";

    fn parse(source: &str, text: &str) -> Result<Self> {
        let mut category = BezierCategory::default();
        for (n, line) in lines(text) {
            let fields: Vec<&str> = line.split(',').map(str::trim).collect();
            let (Some(&"curve"), 7 | 9) = (fields.first(), fields.len()) else {
                bail!("{source} line {}: expected {}", n + 1, Self::FORMAT);
            };
            let index = usize::from(category.count);
            let Some(curve) = category.curves.get_mut(index) else {
                bail!("{source} line {}: more than {MAX_CURVES} curves", n + 1);
            };
            let mut coordinates = [0.0; 8];
            for (slot, field) in coordinates.iter_mut().zip(&fields[1..]) {
                *slot = field
                    .parse()
                    .with_context(|| format!("{source} line {}: {field:?} is not a number", n + 1))?;
            }
            curve.degree = (fields.len() / 2 - 1) as u8;
            for (p, xy) in curve.points.iter_mut().zip(coordinates.chunks_exact(2)) {
                *p = (xy[0], xy[1]);
            }
            category.count += 1;
        }
        category.check().with_context(|| format!("{source}: not a usable Bezier category"))?;
        Ok(category)
    }

    /// The rows, numbers as shortest round-trip decimals.
    fn to_text(&self) -> String {
        let mut text = String::new();
        for curve in self.used() {
            text.push_str("curve");
            for &(x, y) in curve.control() {
                text.push_str(&format!(",{x},{y}"));
            }
            text.push('\n');
        }
        text
    }
}
