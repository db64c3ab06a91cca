//! Category parameter files: each category one text file, `categories/{class:05}.csv` in a dataset,
//! its format the family's (each family's file in [`crate::families`] says its own), and the
//! categories of a dataset as its family reads them ([`Categories`], typed by the family's category
//! type: no downcast anywhere; generic code holds them through the registration,
//! [`crate::registry::DatasetCategories`]).

use crate::spec::Choice;
use anyhow::{Context, Result, bail};
use fdsl_core::families::drawn::DrawnCategory;
use fdsl_core::family::Parameter;
use fdsl_core::{Ifs, Map};
use std::path::Path;

/// Category parameters that have a text file format.
pub trait Params: Sized + Clone + Send + Sync {
    /// What one line of the file holds, for messages.
    const FORMAT: &'static str;
    /// Parse a file's text; errors name `source` and the line.
    fn parse(source: &str, text: &str) -> Result<Self>;
    /// The file text of these parameters.
    fn to_text(&self) -> String;
}

/// The type of the categories of a family's settings, for the modules below the family trait (a
/// preset's categories): [`FamilySettings::Category`](crate::family::FamilySettings::Category) of
/// every family, set by one impl there.
pub trait CategoryType {
    /// The parameters of one category.
    type Parameters: Params + 'static;
}

/// One category: its parameters and the exact text of its parameter file.
#[derive(Clone, Debug)]
pub struct Category<P> {
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
pub(crate) fn numbers<const N: usize>(source: &str, n: usize, line: &str, what: &str) -> Result<[f64; N]> {
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
pub(crate) fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty())
}

/// A file of one row `key,NAME`, `NAME` one of `T`'s ([`Choice`]); `format` says the row for
/// messages, which name `source` and the line.
pub(crate) fn parse_named_row<T: Choice>(source: &str, text: &str, key: &str, format: &str) -> Result<T> {
    let rows: Vec<(usize, &str)> = lines(text).collect();
    let [(n, line)] = rows[..] else {
        bail!("{source}: expected one row ({format}), found {}", rows.len());
    };
    match line.split_once(',') {
        Some((k, value)) if k.trim() == key => T::from_name(value.trim())
            .with_context(|| format!("{source} line {}: unknown {key} {:?} ({format})", n + 1, value.trim())),
        _ => bail!("{source} line {}: expected {format}", n + 1),
    }
}

/// An IFS file: one row of `N` coefficients and the probability per map.
pub(crate) fn parse_ifs<M: Map, const N: usize, const ROW: usize>(
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
pub(crate) fn ifs_text<M: Map>(ifs: &Ifs<M>, coefficients: fn(&M) -> Vec<f64>) -> String {
    let mut text = String::new();
    for (map, &p) in ifs.maps().iter().zip(ifs.probabilities()) {
        let row: Vec<String> = coefficients(map).into_iter().chain([p]).map(numpy_e18).collect();
        text.push_str(&row.join(","));
        text.push('\n');
    }
    text
}

/// The values of a file of `key,value` rows holding each of `keys` once, in `keys`' order; rows
/// of the `ignored` keys are read and dropped.
pub(crate) fn key_values<const N: usize>(
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
pub(crate) fn whole(source: &str, key: &str, x: f64) -> Result<u32> {
    if x.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&x) {
        Ok(x as u32)
    } else {
        bail!("{source}: {key} must be a whole number, not {x}")
    }
}

/// A drawn category's parameters ([`DrawnCategory::parameters`], whose names are its file's keys) as
/// `key,value` rows, numbers as shortest round-trip decimals.
pub(crate) fn parameter_rows(category: &impl DrawnCategory) -> String {
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

/// `x` as numpy's `'%.18e' % x`: 18 digits after the point, exponent with sign and two digits.
/// Round-trips exactly (19 significant digits).
pub(crate) fn numpy_e18(x: f64) -> String {
    let s = format!("{x:.18e}");
    let (mantissa, exponent) = s.split_once('e').expect("`{:e}` has an exponent");
    let exponent: i32 = exponent.parse().expect("`{:e}` exponent is an integer");
    let sign = if exponent < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exponent.abs())
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

/// The categories of a dataset of one family, as it reads them: the files' texts, in class order,
/// and their parameters, of the family's category type `P`.
#[derive(Clone)]
pub struct Categories<P> {
    texts: Vec<String>,
    params: Vec<P>,
}

impl<P> std::fmt::Debug for Categories<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Categories").field("len", &self.texts.len()).finish_non_exhaustive()
    }
}

impl<P: Params> Categories<P> {
    /// These categories.
    pub fn new(categories: Vec<Category<P>>) -> Self {
        let texts = categories.iter().map(|c| c.text.clone()).collect();
        let params = categories.into_iter().map(|c| c.params).collect();
        Self { texts, params }
    }

    /// Parse files' texts, `(source, text)`, as categories of parameters `P`.
    pub fn parse(files: &[(String, String)]) -> Result<Self> {
        let categories =
            files.iter().map(|(source, text)| Category::parse(source, text)).collect::<Result<_>>()?;
        Ok(Self::new(categories))
    }
}

impl<P> Categories<P> {
    /// Their parameters, in class order.
    pub fn params(&self) -> &[P] {
        &self.params
    }

    /// Number of categories.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// The category files' texts, in class order.
    pub fn texts(&self) -> Vec<&str> {
        self.texts.iter().map(String::as_str).collect()
    }

    /// The hash recorded in the spec.
    pub fn sha256(&self) -> String {
        crate::spec::categories_sha256(self.texts())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fdsl_core::Ifs2;

    #[test]
    fn malformed_files_name_the_file_and_line() {
        let err = |text: &str| format!("{:#}", Category::<Ifs2>::parse("f.csv", text).unwrap_err());
        assert!(err("1,2,3\n").contains("f.csv line 1: expected 7"));
        assert!(err("0.5,0,0,0.5,0,0,1\n0.5,0,0,x,0,0,1\n").contains("f.csv line 2: \"x\" is not a number"));
        assert!(err("0.5,0,0,NaN,0,0,1\n").contains("map 1 has a NaN"));
        assert!(err("\n\n").contains("no map"));
    }

    #[test]
    fn a_byte_order_mark_is_skipped_and_kept_in_the_text() {
        let text = "\u{feff}0.5,0,0,0.5,0,0,1\n";
        let c = Category::<Ifs2>::parse("bom.csv", text).unwrap();
        assert_eq!(c.params, Category::<Ifs2>::parse("plain.csv", &text[3..]).unwrap().params);
        assert_eq!(c.text, text);
    }

    #[test]
    fn numpy_e18_writes_numpys_text() {
        assert_eq!(numpy_e18(-0.000123), "-1.230000000000000082e-04");
        assert_eq!(numpy_e18(12.5), "1.250000000000000000e+01");
    }
}
