//! The settings a request may change in a family: each one flag of `fdsl render` (`--points`) and one
//! key of the short form (`"points"`), declared by the families that take it, with their own line
//! of help. The command line builds its family flags and their help from these; nothing else names
//! them.

use anyhow::{Result, anyhow, bail};
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;

/// A family setting: its name (flag `--NAME`, short-form key `NAME`), its values and its help.
#[derive(Debug)]
pub struct Flag {
    /// The flag without `--`, and the key of the short form.
    pub name: &'static str,
    /// Another spelling (`color` for `colour`).
    pub alias: Option<&'static str>,
    /// The value's placeholder in `--help`.
    pub value_name: &'static str,
    /// What the setting is, whatever the family (each family adds its own line).
    pub about: &'static str,
    /// What values it takes.
    pub values: Values,
}

/// The values a [`Flag`] takes.
#[derive(Debug)]
pub enum Values {
    /// A whole number.
    Whole,
    /// A number.
    Number,
    /// One of these names, each with its help.
    Choice(fn() -> Vec<(&'static str, &'static str)>),
}

/// A flag a family takes, with the family's own line of help (what it means there, its default).
pub type FlagUse = (&'static Flag, &'static str);

/// `--points`: FractalDB, Anderson & Farrell, the 3-D families.
pub const POINTS: Flag = Flag {
    name: "points",
    alias: None,
    value_name: "T",
    about: "Points, 1 to 20,000,000.",
    values: Values::Whole,
};

/// Points accepted by the CLI (the references use 100,000 and 200,000 in 2-D, 10,000 in 3-D).
pub const POINT_RANGE: std::ops::RangeInclusive<u32> = 1..=20_000_000;

impl Flag {
    /// The flag as typed: `--weight-step` for the setting `weight_step`.
    pub fn flag(&self) -> String {
        format!("--{}", self.name.replace('_', "-"))
    }

    /// The value of `text` as the short form holds it (a JSON number or name), or why it is none.
    pub fn parse(&self, text: &str) -> Result<serde_json::Value, String> {
        match self.values {
            Values::Whole => text
                .parse::<u64>()
                .map(serde_json::Value::from)
                .map_err(|_| format!("{text:?} is not a whole number")),
            Values::Number => match text.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(serde_json::Value::from(x)),
                _ => Err(format!("{text:?} is not a finite number")),
            },
            Values::Choice(values) => {
                let values = values();
                match values.iter().find(|(name, _)| *name == text) {
                    Some((name, _)) => Ok(serde_json::Value::from(*name)),
                    None => Err(format!(
                        "{text:?} is not one of {}",
                        values.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                    )),
                }
            }
        }
    }
}

/// The names and help of a [`crate::spec::Choice`] setting's values (for [`Values::Choice`]).
pub fn choices<T: crate::spec::Choice>() -> Vec<(&'static str, &'static str)> {
    T::ALL.iter().map(|&(_, name, help)| (name, help)).collect()
}

/// The family settings a request gives, taken one by one by the preset's family
/// ([`crate::family::FamilySettings::overridden`]); any left over does not apply to it.
#[derive(Debug)]
pub struct Overrides {
    preset: String,
    given: BTreeMap<String, serde_json::Value>,
}

impl Overrides {
    /// The settings `given` (by flag name or alias) to a request for `preset`.
    pub fn new(preset: &str, given: BTreeMap<String, serde_json::Value>) -> Self {
        Self { preset: preset.to_owned(), given }
    }

    /// Take `flag`'s value, if given, as a `T`.
    pub fn take<T: DeserializeOwned>(&mut self, flag: &Flag) -> Result<Option<T>> {
        let value = match self.given.remove(flag.name) {
            Some(value) => Some(value),
            None => flag.alias.and_then(|alias| self.given.remove(alias)),
        };
        value
            .map(|v| {
                // A name in any case (the references spell some upper-case: SegRCDB's M1).
                let v = match (&flag.values, &v) {
                    (Values::Choice(values), serde_json::Value::String(given)) => values()
                        .into_iter()
                        .find(|(name, _)| name.eq_ignore_ascii_case(given))
                        .map_or(v, |(name, _)| serde_json::Value::from(name)),
                    _ => v,
                };
                serde_json::from_value(v.clone()).map_err(|_| match (&flag.values, &v) {
                    // A whole number the setting's type cannot hold.
                    (Values::Whole, serde_json::Value::Number(_)) => {
                        anyhow!(
                            "{} {v} is too large for the {} preset: {}",
                            flag.flag(),
                            self.preset,
                            flag.about
                        )
                    }
                    (Values::Choice(values), _) => {
                        let names: Vec<&str> = values().into_iter().map(|(name, _)| name).collect();
                        anyhow!("{}: {v} is not one of {}", flag.flag(), names.join(", "))
                    }
                    _ => anyhow!("{}: {v} is not a valid value", flag.flag()),
                })
            })
            .transpose()
    }

    /// Fail if a setting is left: one no family takes (`known` finds none) is unknown, another
    /// family's does not apply.
    pub fn finish(self, known: impl Fn(&str) -> Option<&'static Flag>) -> Result<()> {
        match self.given.keys().next() {
            None => Ok(()),
            Some(name) => match known(name) {
                Some(flag) => bail!("{} does not apply to the {} preset", flag.flag(), self.preset),
                None => {
                    bail!("unknown field `{name}`: no family has such a setting (see `fdsl render --help`)")
                }
            },
        }
    }
}

/// Check a number of points; `name` is the setting as messages call it.
pub fn check_points(points: u32, name: &str) -> Result<()> {
    if !POINT_RANGE.contains(&points) {
        bail!("{name} must be between {} and {}, not {points}", POINT_RANGE.start(), POINT_RANGE.end());
    }
    Ok(())
}
