//! Category parameter files, and where categories come from.
//!
//! FractalDB (the official format): one CSV file per category, `{category:05d}.csv`, one row per
//! affine map `a,b,c,d,e,f,p`, no header, decimal floats (numpy's `savetxt` writes `%.18e`).
//! 3-D IFS (ExFractalDB, MV-FractalDB): one row `a,b,c,d,e,f,g,h,i,j,k,l,p` per map (a 3x3 matrix by
//! rows, a translation, a probability). RCDB (the reference's `param/{category:05d}.csv`): `key,value`
//! rows `Vertex`, `Perlin_noise`, `line_width`, `Line_num` (V, c, lw, L); the reference's other rows,
//! `Center_rad`, `Oval_rate_x`, `Oval_rate_y`, `start_pos_h`, `start_pos_w`, are its first instance's
//! ellipse, which fdsl draws for every instance from that instance's stream: read and ignored.
//! Perlin noise (fdsl's reconstruction): `key,value` rows `frequency`, `persistence`, `octaves`,
//! `lacunarity`. Bezier curves (fdsl's reconstruction): one row `curve,x0,y0,…` per curve, 3 or 4
//! control points.
//! VisualAtom (its reference writes no file): `key,value` rows of the reference's variable names,
//! `vertex_number`, `line_draw_num`, `perlin_noise_coefficient`, `line_width`, `start_rad`, `nami1`,
//! `nami2`, `oval_rate_x`, `oval_rate_y`.
//! Anderson & Farrell's systems: FractalDB's format, `p ∝ |det|` written; the renderer recomputes
//! `p` from the (jittered) maps as the reference does, so the column is informational.

use crate::spec::LeafShapes;
use anyhow::{Context, Result, bail};
use fdsl_core::bezier::BezierCategory;
use fdsl_core::drawn::DrawnCategory;
use fdsl_core::family::Parameter;
use fdsl_core::perlin_noise::PerlinCategory;
use fdsl_core::rcdb::RcdbCategory;
use fdsl_core::visual_atom::VisualAtomCategory;
use fdsl_core::{Affine2, Affine3, Ifs, Ifs2, Ifs3, Map};
use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/fractaldb_1k.rs"));

/// Category parameters that have a text file format.
pub trait Params: Sized + Clone + Send + Sync {
    /// What one line of the file holds, for messages.
    const FORMAT: &'static str;
    /// Parse a file's text; errors name `source` and the line.
    fn parse(source: &str, text: &str) -> Result<Self>;
    /// The file text of these parameters.
    fn to_text(&self) -> String;
}

/// One category: its parameters and the exact text of its parameter file.
#[derive(Clone, Debug)]
pub struct Category<P = Ifs2> {
    /// The file it came from (for messages and the manifest).
    pub source: String,
    /// The file's text, written unchanged into the dataset.
    pub text: String,
    /// The parsed parameters.
    pub params: P,
}

impl<P: Params> Category<P> {
    /// Parse the text of a category file (a UTF-8 byte-order mark, as some spreadsheets write,
    /// is skipped); errors name `source` and the line.
    pub fn parse(source: &str, text: &str) -> Result<Self> {
        let content = text.strip_prefix('\u{feff}').unwrap_or(text);
        Ok(Self { source: source.to_owned(), text: text.to_owned(), params: P::parse(source, content)? })
    }

    /// A category made by fdsl (a search, a seed), with its file text.
    pub fn new(source: String, params: P) -> Self {
        Self { source, text: params.to_text(), params }
    }
}

/// The numbers of one comma-separated line, exactly `N` of them.
fn numbers<const N: usize>(source: &str, n: usize, line: &str, what: &str) -> Result<[f64; N]> {
    let fields: Vec<&str> = line.split(',').map(str::trim).collect();
    if fields.len() != N {
        bail!(
            "{source} line {}: expected {N} comma-separated numbers {what}, found {} fields",
            n + 1,
            fields.len()
        );
    }
    let mut v = [0.0; N];
    for (slot, field) in v.iter_mut().zip(&fields) {
        *slot =
            field.parse().with_context(|| format!("{source} line {}: {field:?} is not a number", n + 1))?;
    }
    Ok(v)
}

/// The non-blank lines of a text, numbered from 0.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty())
}

/// An IFS file: one row of `N` coefficients and the probability per map.
fn parse_ifs<M: Map, const N: usize, const ROW: usize>(
    source: &str,
    text: &str,
    what: &str,
    map: fn([f64; N]) -> M,
) -> Result<Ifs<M>> {
    let mut maps = Vec::new();
    for (n, line) in lines(text) {
        let row = numbers::<ROW>(source, n, line, what)?;
        maps.push((map(core::array::from_fn(|i| row[i])), row[N]));
    }
    Ifs::new(maps).with_context(|| format!("{source}: not a usable IFS"))
}

/// The text of an IFS file: per map its coefficients then its probability, numpy's `%.18e`.
fn ifs_text<M: Map>(ifs: &Ifs<M>, coefficients: fn(&M) -> Vec<f64>) -> String {
    let mut text = String::new();
    for (map, &p) in ifs.maps().iter().zip(ifs.probabilities()) {
        let row: Vec<String> = coefficients(map).into_iter().chain([p]).map(numpy_e18).collect();
        text.push_str(&row.join(","));
        text.push('\n');
    }
    text
}

impl Params for Ifs2 {
    const FORMAT: &'static str = "one row a,b,c,d,e,f,p per map";

    fn parse(source: &str, text: &str) -> Result<Self> {
        parse_ifs::<_, 6, 7>(source, text, "a,b,c,d,e,f,p", Affine2::from_coefficients)
    }

    fn to_text(&self) -> String {
        ifs_text(self, |m| m.coefficients().to_vec())
    }
}

impl Params for Ifs3 {
    const FORMAT: &'static str = "one row a,b,c,d,e,f,g,h,i,j,k,l,p per map";

    fn parse(source: &str, text: &str) -> Result<Self> {
        parse_ifs::<_, 12, 13>(source, text, "a,b,c,d,e,f,g,h,i,j,k,l,p", Affine3::from_coefficients)
    }

    fn to_text(&self) -> String {
        ifs_text(self, |m| m.k.to_vec())
    }
}

/// Dead leaves' one class: a file of one row `shapes,<model>` naming its leaves (the source has no
/// labels; the text only says what the images are).
impl Params for LeafShapes {
    const FORMAT: &'static str = "one row shapes,squares|oriented|mixed";

    fn parse(source: &str, text: &str) -> Result<Self> {
        let rows: Vec<(usize, &str)> = lines(text).collect();
        let [(n, line)] = rows[..] else {
            bail!("{source}: expected one row ({}), found {}", Self::FORMAT, rows.len());
        };
        let all = [LeafShapes::Squares, LeafShapes::Oriented, LeafShapes::Mixed];
        match line.split_once(',') {
            Some((key, value)) if key.trim() == "shapes" => {
                all.into_iter().find(|s| s.name() == value.trim()).with_context(|| {
                    format!("{source} line {}: unknown shapes {:?} ({})", n + 1, value.trim(), Self::FORMAT)
                })
            }
            _ => bail!("{source} line {}: expected {}", n + 1, Self::FORMAT),
        }
    }

    fn to_text(&self) -> String {
        format!("shapes,{}\n", self.name())
    }
}

/// The values of a file of `key,value` rows holding each of `keys` once, in `keys`' order; rows
/// of the `ignored` keys are read and dropped.
fn key_values<const N: usize>(
    source: &str,
    text: &str,
    keys: [&str; N],
    ignored: &[&str],
) -> Result<[f64; N]> {
    let mut values = [None; N];
    for (n, line) in lines(text) {
        let Some((key, value)) = line.split_once(',') else {
            bail!("{source} line {}: expected key,value", n + 1);
        };
        let value: f64 = value
            .trim()
            .parse()
            .with_context(|| format!("{source} line {}: {value:?} is not a number", n + 1))?;
        if ignored.contains(&key.trim()) {
            continue;
        }
        let Some(slot) = keys.iter().position(|k| *k == key.trim()) else {
            bail!(
                "{source} line {}: unknown key {:?} (expected one of {})",
                n + 1,
                key.trim(),
                keys.join(", ")
            );
        };
        if values[slot].replace(value).is_some() {
            bail!("{source} line {}: {} given twice", n + 1, keys[slot]);
        }
    }
    let missing: Vec<&str> = keys.iter().zip(values).filter(|(_, v)| v.is_none()).map(|(k, _)| *k).collect();
    if !missing.is_empty() {
        bail!("{source}: missing {}", missing.join(", "));
    }
    Ok(values.map(|v| v.unwrap_or_default()))
}

/// A value of a `key,value` file that must be a whole number.
fn whole(source: &str, key: &str, x: f64) -> Result<u32> {
    if x.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&x) {
        Ok(x as u32)
    } else {
        bail!("{source}: {key} must be a whole number, not {x}")
    }
}

/// A drawn category's parameters ([`DrawnCategory::parameters`], whose names are its file's keys) as
/// `key,value` rows, numbers as shortest round-trip decimals.
fn parameter_rows(category: &impl DrawnCategory) -> String {
    let mut text = String::new();
    category.parameters(&mut |name, value| {
        let value = match value {
            Parameter::Int(v) => v.to_string(),
            Parameter::Float(v) => v.to_string(),
            Parameter::Floats(v) => v.iter().map(f64::to_string).collect::<Vec<_>>().join(","),
        };
        text.push_str(&format!("{name},{value}\n"));
    });
    text
}

/// The keys of an RCDB category file (the reference's), in file order: V, c, lw, L.
const RCDB_KEYS: [&str; 4] = ["Vertex", "Perlin_noise", "line_width", "Line_num"];

/// The reference's rows of its first instance's ellipse, which fdsl draws per instance.
const RCDB_INSTANCE_KEYS: [&str; 5] =
    ["Center_rad", "Oval_rate_x", "Oval_rate_y", "start_pos_h", "start_pos_w"];

impl Params for RcdbCategory {
    const FORMAT: &'static str = "rows key,value: Vertex, Perlin_noise, line_width, Line_num";

    fn parse(source: &str, text: &str) -> Result<Self> {
        let [v, c, lw, l] = key_values(source, text, RCDB_KEYS, &RCDB_INSTANCE_KEYS)?;
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

/// The keys of a VisualAtom category file: the reference's variable names (its script writes no
/// file), in the order it draws them.
const VISUAL_ATOM_KEYS: [&str; 9] = [
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
        let [v, k, lambda, lw, r, n1, n2, ox, oy] = key_values(source, text, VISUAL_ATOM_KEYS, &[])?;
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

/// The keys of a Perlin category file, in file order.
const PERLIN_KEYS: [&str; 4] = ["frequency", "persistence", "octaves", "lacunarity"];

/// Perlin noise (fdsl's reconstruction): `key,value` rows `frequency`, `persistence`, `octaves`,
/// `lacunarity`.
impl Params for PerlinCategory {
    const FORMAT: &'static str = "rows key,value: frequency, persistence, octaves, lacunarity";

    fn parse(source: &str, text: &str) -> Result<Self> {
        let [frequency, persistence, octaves, lacunarity] = key_values(source, text, PERLIN_KEYS, &[])?;
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

/// Bezier curves (fdsl's reconstruction): one row `curve,x0,y0,x1,y1,x2,y2[,x3,y3]` per curve (3
/// control points: quadratic; 4: cubic), 1 to 8 rows.
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
                bail!("{source} line {}: more than {} curves", n + 1, fdsl_core::bezier::MAX_CURVES);
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
pub fn fractaldb_1k(n: usize) -> Result<Vec<Category<Ifs2>>> {
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
pub fn csv_files(dir: &Path, n: Option<usize>) -> Result<Vec<std::path::PathBuf>> {
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
        bail!("{} holds no category files (*.csv)", dir.display());
    }
    let n = n.unwrap_or(files.len());
    if n > files.len() {
        bail!("{} holds {} category files; --categories {n} asks for more", dir.display(), files.len());
    }
    files.truncate(n);
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_categories_parse_with_the_published_map_counts() {
        let all = fractaldb_1k(1000).unwrap();
        let mut counts = [0; 8];
        for c in &all {
            counts[c.params.len()] += 1;
        }
        assert_eq!(counts[2..], [231, 294, 218, 146, 77, 34]);
        assert!(fractaldb_1k(1001).is_err());
    }

    #[test]
    fn search_output_round_trips_exactly() {
        let c = &fractaldb_1k(1).unwrap()[0];
        let again = Category::new("x".into(), c.params);
        assert_eq!(again.text.lines().next().unwrap().split(',').next().unwrap(), "1.724223243171234543e-01");
        assert_eq!(Category::<Ifs2>::parse("x", &again.text).unwrap().params, c.params);
        assert_eq!(numpy_e18(-0.000123), "-1.230000000000000082e-04");
        assert_eq!(numpy_e18(12.5), "1.250000000000000000e+01");
    }

    #[test]
    fn malformed_files_name_the_file_and_line() {
        let err = |text: &str| format!("{:#}", Category::<Ifs2>::parse("f.csv", text).unwrap_err());
        assert!(err("1,2,3\n").contains("f.csv line 1: expected 7"));
        assert!(err("0.5,0,0,0.5,0,0,1\n0.5,0,0,x,0,0,1\n").contains("f.csv line 2: \"x\" is not a number"));
        assert!(err("0.5,0,0,NaN,0,0,1\n").contains("map 1 has a NaN"));
        assert!(err("\n\n").contains("no map"));
    }

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

    #[test]
    fn perlin_files_are_their_parameters_and_round_trip() {
        let c = PerlinCategory { frequency: 2.5, persistence: 0.625, octaves: 4, lacunarity: 2.0 };
        let text = c.to_text();
        assert_eq!(text, "frequency,2.5\npersistence,0.625\noctaves,4\nlacunarity,2\n");
        assert_eq!(Category::<PerlinCategory>::parse("p.csv", &text).unwrap().params, c);
    }

    #[test]
    fn a_byte_order_mark_is_skipped_and_kept_in_the_text() {
        let text = "\u{feff}0.5,0,0,0.5,0,0,1\n";
        let c = Category::<Ifs2>::parse("bom.csv", text).unwrap();
        assert_eq!(c.params, Category::<Ifs2>::parse("plain.csv", &text[3..]).unwrap().params);
        assert_eq!(c.text, text);
        let rcdb = "\u{feff}Vertex,76\r\nPerlin_noise,1.25\r\nline_width,0.0625\r\nLine_num,154\r\n";
        assert_eq!(Category::<RcdbCategory>::parse("r.csv", rcdb).unwrap().params.vertices, 76);
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
}
