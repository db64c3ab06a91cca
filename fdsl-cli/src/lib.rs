//! The `fdsl` command line tool, thin over [`fdsl_dataset`]: category search, dataset rendering with
//! manifests and exact resume, verification, contact sheets. Files, formats, threads, progress bars and messages
//! live here; what a dataset is lives in `fdsl-dataset`, its math in `fdsl-core`.
//!
//! Exit codes: 0 success; 1 `verify` found differences; 2 bad input or any other error (one line
//! on standard error, naming the problem and the fix).

mod card;
mod cli;
mod datalist;
mod encode;
mod family_flags;
mod formats;
mod nifti;
mod npy;
mod output;
mod plan;
mod ply;
mod preview;
mod progress;
mod render;
mod search;
mod shared;
mod tile;
mod verify;

// What other crates use: the benches (`fdsl-bench`) and the end-to-end tests.
pub use cli::choice;
pub use encode::{Colour, encode_png, up_filtered_rows};
pub use formats::{Piece, Place, Row, Shard, rows};
pub use output::{CARD, Made, Part};
pub use plan::{Plan, Task};
pub use render::{CanvasBatches, render};

use std::process::ExitCode;

/// Run the tool with the process's arguments.
pub fn main() -> ExitCode {
    match cli::run(std::env::args_os()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", shorten_numbers(&message(&e)));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes, `a: b: c`, each cause once: a cause whose text the message already
/// holds (an error that prints its source too, as rayon's thread pool error does) is left out.
fn message(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

/// `text` with every run of more than 24 digits quoted by its first digits and length (an argument
/// of 301 digits is not echoed back whole).
fn shorten_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        out.push_str(&rest[..start]);
        let digits = rest[start..].find(|c: char| !c.is_ascii_digit()).map_or(rest.len(), |n| start + n);
        out.push_str(&fdsl_dataset::memory::quoted_number(&rest[start..digits]));
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_numbers_are_shortened_in_messages() {
        let long = "7".repeat(301);
        assert_eq!(
            super::shorten_numbers(&format!("invalid value '{long}' for '--seed <SEED>': 64 bits")),
            "invalid value '777777777777... (301 characters)' for '--seed <SEED>': 64 bits"
        );
        assert_eq!(super::shorten_numbers("4294967296 px, 8192"), "4294967296 px, 8192");
    }

    #[test]
    fn a_cause_is_named_once() {
        let io = || std::io::Error::from_raw_os_error(11);
        // An error that shows its source, as rayon's ThreadPoolBuildError does.
        #[derive(Debug)]
        struct Shows(std::io::Error);
        impl std::fmt::Display for Shows {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
        impl std::error::Error for Shows {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let e = anyhow::Error::new(Shows(io())).context("cannot start worker threads");
        let text = super::message(&e);
        assert_eq!(text.matches("(os error 11)").count(), 1, "{text}");
        assert!(text.starts_with("cannot start worker threads: "), "{text}");
    }
}
