//! The family settings flags of `render` and `preview` (`--points`, `--draw`, ...), made from the
//! families' registrations (`Registry::FLAGS`): each flag once, its help the setting's
//! own line followed by each family's, its values checked as the library reads them.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Arg, ArgMatches, Args, Command, FromArgMatches};
use fdsl_dataset::Registry;
use fdsl_dataset::families::Settings;
use fdsl_dataset::flags::{Flag, Values};
use std::collections::BTreeMap;

/// The family settings given on the command line, by name, as the short form holds them.
#[derive(Clone, Debug, Default)]
pub struct FamilyFlags(pub BTreeMap<String, serde_json::Value>);

/// Every registered flag once, with the families' lines of help, in registration order.
fn flags() -> Vec<(&'static Flag, Vec<&'static str>)> {
    let mut flags: Vec<(&'static Flag, Vec<&'static str>)> = Vec::new();
    for &(flag, help) in Settings::FLAGS.iter().copied().flatten() {
        let at = match flags.iter().position(|(f, _)| f.name == flag.name) {
            Some(at) => at,
            None => {
                flags.push((flag, Vec::new()));
                flags.len() - 1
            }
        };
        if !help.is_empty() {
            flags[at].1.push(help);
        }
    }
    flags
}

/// The clap argument of `flag`, its help `about` then the families' `lines`.
fn argument(flag: &'static Flag, lines: &[&str]) -> Arg {
    let help = std::iter::once(flag.about).chain(lines.iter().copied()).collect::<Vec<_>>().join(" ");
    let arg = Arg::new(flag.name).long(flag.name.replace('_', "-")).value_name(flag.value_name).help(help);
    let arg = match flag.alias {
        Some(alias) => arg.visible_alias(alias),
        None => arg,
    };
    match flag.values {
        Values::Choice(values) => {
            // Any case (the references spell some names upper-case), read as the name.
            let names: Vec<&str> = values().into_iter().map(|(name, _)| name).collect();
            let values = values().into_iter().map(|(name, help)| PossibleValue::new(name).help(help));
            arg.ignore_case(true).value_parser(PossibleValuesParser::new(values).map(move |given: String| {
                let name = names.iter().find(|name| name.eq_ignore_ascii_case(&given)).copied();
                serde_json::Value::from(name.unwrap_or_default())
            }))
        }
        Values::Whole | Values::Number => arg.value_parser(move |text: &str| flag.parse(text)),
    }
}

impl FromArgMatches for FamilyFlags {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut given = BTreeMap::new();
        for (flag, _) in flags() {
            if let Some(value) = matches.get_one::<serde_json::Value>(flag.name) {
                given.insert(flag.name.to_owned(), value.clone());
            }
        }
        Ok(Self(given))
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Args for FamilyFlags {
    fn augment_args(command: Command) -> Command {
        flags().into_iter().fold(command, |command, (flag, lines)| command.arg(argument(flag, &lines)))
    }

    fn augment_args_for_update(command: Command) -> Command {
        Self::augment_args(command)
    }
}
