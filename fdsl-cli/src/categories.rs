//! Category parameter files in the official FractalDB format, and where categories come from.
//!
//! One CSV file per category, `{category:05d}.csv`, one row per affine map: `a,b,c,d,e,f,p`,
//! no header, decimal floats (numpy's `savetxt` writes `%.18e`).

use anyhow::{Context, Result, bail};
use fdsl_core::{Affine2, Ifs2};
use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/fractaldb_1k.rs"));

/// One category: its IFS and the exact text of its parameter file.
#[derive(Clone, Debug)]
pub struct Category {
    /// The file it came from (for messages and the manifest).
    pub source: String,
    /// The file's text, written unchanged into the dataset.
    pub text: String,
    /// The parsed IFS.
    pub ifs: Ifs2,
}

impl Category {
    /// Parse the text of a category file; errors name `source` and the line.
    pub fn parse(source: &str, text: &str) -> Result<Self> {
        let mut maps = Vec::new();
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let fields: Vec<&str> = line.split(',').map(str::trim).collect();
            if fields.len() != 7 {
                bail!(
                    "{source} line {}: expected 7 comma-separated numbers a,b,c,d,e,f,p, found {} fields",
                    n + 1,
                    fields.len()
                );
            }
            let mut v = [0.0; 7];
            for (slot, field) in v.iter_mut().zip(&fields) {
                *slot = field
                    .parse()
                    .with_context(|| format!("{source} line {}: {field:?} is not a number", n + 1))?;
            }
            let [a, b, c, d, e, f, p] = v;
            maps.push((Affine2::from_coefficients([a, b, c, d, e, f]), p));
        }
        let ifs = Ifs2::new(maps).with_context(|| format!("{source}: not a usable IFS"))?;
        Ok(Self { source: source.to_owned(), text: text.to_owned(), ifs })
    }

    /// A category found by the search, with its file text in numpy's `%.18e` format.
    pub fn from_ifs(source: String, ifs: Ifs2) -> Self {
        let mut text = String::new();
        for (map, p) in ifs.maps().iter().zip(ifs.probabilities()) {
            let row: Vec<String> = map.coefficients().iter().chain([p]).map(|&x| numpy_e18(x)).collect();
            text.push_str(&row.join(","));
            text.push('\n');
        }
        Self { source, text, ifs }
    }
}

/// `x` as numpy's `'%.18e' % x`: 18 digits after the point, exponent with sign and two digits.
/// Round-trips exactly (19 significant digits).
fn numpy_e18(x: f64) -> String {
    let s = format!("{x:.18e}");
    let (mantissa, exponent) = s.split_once('e').expect("`{:e}` has an exponent");
    let exponent: i32 = exponent.parse().expect("`{:e}` exponent is an integer");
    let sign = if exponent < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exponent.abs())
}

/// The first `n` official FractalDB-1k categories.
pub fn fractaldb_1k(n: usize) -> Result<Vec<Category>> {
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

/// The category files (`*.csv`, sorted by name) of `dir`; the first `n` of them, or all.
pub fn from_dir(dir: &Path, n: Option<usize>) -> Result<Vec<Category>> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the category folder {}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path =
            entry.with_context(|| format!("cannot read the category folder {}", dir.display()))?.path();
        if path.extension().is_some_and(|e| e == "csv") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        bail!("{} holds no category files (*.csv, one row a,b,c,d,e,f,p per map)", dir.display());
    }
    let n = n.unwrap_or(files.len());
    if n > files.len() {
        bail!("{} holds {} category files; --categories {n} asks for more", dir.display(), files.len());
    }
    files[..n]
        .iter()
        .map(|path| {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            Category::parse(&path.display().to_string(), &text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_categories_parse_with_the_published_map_counts() {
        let all = fractaldb_1k(1000).unwrap();
        let mut counts = [0; 8];
        for c in &all {
            counts[c.ifs.len()] += 1;
        }
        assert_eq!(counts[2..], [231, 294, 218, 146, 77, 34]);
        assert!(fractaldb_1k(1001).is_err());
    }

    #[test]
    fn search_output_round_trips_exactly() {
        let c = &fractaldb_1k(1).unwrap()[0];
        let again = Category::from_ifs("x".into(), c.ifs);
        assert_eq!(again.text.lines().next().unwrap().split(',').next().unwrap(), "1.724223243171234543e-01");
        assert_eq!(Category::parse("x", &again.text).unwrap().ifs, c.ifs);
        assert_eq!(numpy_e18(-0.000123), "-1.230000000000000082e-04");
        assert_eq!(numpy_e18(12.5), "1.250000000000000000e+01");
    }

    #[test]
    fn malformed_files_name_the_file_and_line() {
        let err = |text: &str| format!("{:#}", Category::parse("f.csv", text).unwrap_err());
        assert!(err("1,2,3\n").contains("f.csv line 1: expected 7"));
        assert!(err("0.5,0,0,0.5,0,0,1\n0.5,0,0,x,0,0,1\n").contains("f.csv line 2: \"x\" is not a number"));
        assert!(err("0.5,0,0,NaN,0,0,1\n").contains("map 1 has a NaN"));
        assert!(err("\n\n").contains("no map"));
    }
}
