//! Perlin noise images (fdsl's reconstruction of the ACCV 2020 comparison's, [`fdsl_core::families::perlin_images`])
//! in the library: presets and category files.
//!
//! Category files: `key,value` rows `frequency`, `persistence`, `octaves`, `lacunarity`.

use super::drawn::{Drawn, DrawnKind};
use crate::categories::{Categories, Params, key_values, parameter_rows, whole};
use crate::flags::FlagUse;
use crate::preset::{Example, Preset, numbered};
use crate::spec::Spec;
use anyhow::{Context, Result};
use fdsl_core::families::perlin_images::{PerlinCategory, grid_category};

/// The settings of Perlin images in a spec (`"generator": "perlin"`): none.
pub type Settings = Drawn<PerlinCategory>;

/// Perlin images take no family setting.
pub const FLAGS: &[FlagUse] = &[];

impl DrawnKind for PerlinCategory {
    const WHAT: &'static str = "a Perlin category";
    /// Grey, per pixel: fdsl's own encoder on 2 images of each of 100 categories of perlin-100 at
    /// 256 px (`fdsl render --png-compression`).
    const PNG_BYTES_PER_BYTE: [f64; 4] = [0.533, 0.420, 0.353, 0.350];

    const PRESETS: &'static [Preset<Settings>] = PRESETS;
}

/// fdsl's Perlin reconstruction: 256 px greyscale, 1,000 instances per class (as FractalDB-1k), the
/// categories the first cells of the `n x n` grid.
fn published(preset: &str, n: u32) -> Spec<Settings> {
    let source = format!("the {n} x {n} grid of frequency 1 to 8 (geometric) x persistence 0.25 to 0.85");
    Spec::published(Settings::default(), preset, &source, ((n * n) as usize, 1000, 256))
}

/// The first `spec.categories` cells of the `n x n` grid.
fn grid(spec: &Spec<Settings>, n: u32) -> Result<Categories<PerlinCategory>> {
    numbered(spec, |c| {
        grid_category(n, c).with_context(|| format!("the {} preset is a {n} x {n} grid", spec.preset))
    })
}

/// Perlin's presets.
pub const PRESETS: &[Preset<Settings>] = &[
    Preset {
        name: "perlin-100",
        about: "2-D Perlin noise, fdsl's reconstruction (not the papers' code): a 10x10 grid of base frequency \
                1 to 8 (geometric) x persistence 0.25 to 0.85, 4 octaves, each instance its own shuffled \
                table and offset; 1,000 grey images per class, 256x256",
        spec: || published("perlin-100", 10),
        categories: |spec, _| grid(spec, 10),
        example: Example::new(r#"{"categories": 3, "instances": 3, "size": 32}"#),
    },
    Preset {
        name: "perlin-1296",
        about: "the same on a 36x36 grid",
        spec: || published("perlin-1296", 36),
        categories: |spec, _| grid(spec, 36),
        example: Example::new(r#"{"categories": 3, "instances": 3, "size": 32}"#),
    },
];

/// The keys of a Perlin category file, in file order.
const KEYS: [&str; 4] = ["frequency", "persistence", "octaves", "lacunarity"];

impl Params for PerlinCategory {
    const FORMAT: &'static str = "rows key,value: frequency, persistence, octaves, lacunarity";

    fn parse(source: &str, text: &str) -> Result<Self> {
        let [frequency, persistence, octaves, lacunarity] = key_values(source, text, KEYS, &[])?;
        let category = PerlinCategory {
            frequency,
            persistence,
            octaves: whole(source, "octaves", octaves)?,
            lacunarity,
        };
        category.check().with_context(|| format!("{source}: not a usable Perlin category"))?;
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
    fn perlin_files_are_their_parameters_and_round_trip() {
        let c = PerlinCategory { frequency: 2.5, persistence: 0.625, octaves: 4, lacunarity: 2.0 };
        let text = c.to_text();
        assert_eq!(text, "frequency,2.5\npersistence,0.625\noctaves,4\nlacunarity,2\n");
        assert_eq!(Category::<PerlinCategory>::parse("p.csv", &text).unwrap().params, c);
    }
}
