//! What a dataset is: the full specification recorded in its manifest.

use crate::categories::Category;
use anyhow::{Result, bail};
use fdsl_core::fractaldb::{Draw, INSTANCES_PER_CATEGORY, Recipe};
use fdsl_core::frame::Grid;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Image sides accepted by the CLI (the reference uses 362 and 512).
pub const SIZES: std::ops::RangeInclusive<u32> = 16..=8192;
/// Chain lengths accepted by the CLI (the reference uses 100,000 and 200,000).
pub const POINTS: std::ops::RangeInclusive<u32> = 1..=20_000_000;

/// How points are drawn (serialised as `"point"` / `"patch"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum DrawMode {
    /// One pixel of value 127 per point.
    Point,
    /// A random opaque 3x3 patch per point, the last writer winning (the published datasets).
    Patch,
}

impl From<DrawMode> for Draw {
    fn from(d: DrawMode) -> Draw {
        match d {
            DrawMode::Point => Draw::Point,
            DrawMode::Patch => Draw::Patch,
        }
    }
}

/// A FractalDB dataset: every output byte is a function of this and the category files.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// The generator: `"fractaldb"`.
    pub generator: String,
    /// The preset the run started from.
    pub preset: String,
    /// Where the categories came from (preset name or folder).
    pub category_source: String,
    /// SHA-256 over the category files' texts, in order, each followed by a NUL byte.
    pub categories_sha256: String,
    /// Number of categories (classes).
    pub categories: usize,
    /// Images per category: the first this many in the order weight, count, flip.
    pub instances: usize,
    /// Image side in pixels.
    pub size: u32,
    /// Points per chaos game.
    pub points: u32,
    /// Point or patch drawing.
    pub draw: DrawMode,
    /// Step of the instance weights (0: every instance uses the unscaled IFS).
    pub weight_step: f64,
    /// Dataset seed of every random stream.
    pub seed: u64,
}

impl Spec {
    /// Check the values against what the generator supports; the messages name the flag to fix.
    pub fn check(&self) -> Result<()> {
        if self.generator != "fractaldb" {
            bail!("unknown generator {:?}", self.generator);
        }
        if self.categories == 0 {
            bail!("--categories must be at least 1");
        }
        if !(1..=INSTANCES_PER_CATEGORY).contains(&self.instances) {
            bail!(
                "--instances must be between 1 and {INSTANCES_PER_CATEGORY} (25 weights x 10 counts x 4 flips), not {}",
                self.instances
            );
        }
        if !SIZES.contains(&self.size) {
            bail!(
                "--size must be between {} and {} pixels, not {}",
                SIZES.start(),
                SIZES.end(),
                self.size
            );
        }
        if !POINTS.contains(&self.points) {
            bail!(
                "--points must be between {} and {}, not {}",
                POINTS.start(),
                POINTS.end(),
                self.points
            );
        }
        if !(0.0..=0.5).contains(&self.weight_step) {
            bail!(
                "--weight-step must be between 0 and 0.5 (the official files use 0.0125 to 0.5), not {}",
                self.weight_step
            );
        }
        Ok(())
    }

    /// The core's rendering recipe.
    pub fn recipe(&self) -> Recipe {
        Recipe {
            grid: Grid::square(self.size),
            points: self.points,
            draw: self.draw.into(),
        }
    }
}

/// The hash recorded as [`Spec::categories_sha256`].
pub fn categories_sha256(categories: &[Category]) -> String {
    let mut h = Sha256::new();
    for c in categories {
        h.update(c.text.as_bytes());
        h.update([0]);
    }
    hex(&h.finalize())
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of `bytes` in hexadecimal.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The fields in which two specs differ, as `name: ours vs theirs`.
pub fn differences(ours: &Spec, theirs: &Spec) -> Vec<String> {
    let (serde_json::Value::Object(a), serde_json::Value::Object(b)) = (
        serde_json::to_value(ours).unwrap_or_default(),
        serde_json::to_value(theirs).unwrap_or_default(),
    ) else {
        return vec!["the specification".into()];
    };
    a.iter()
        .filter(|(k, v)| b.get(*k) != Some(v))
        .map(|(k, v)| {
            format!(
                "{k}: {v} here, {} there",
                b.get(k).cloned().unwrap_or_default()
            )
        })
        .collect()
}
