//! `fdsl search`: what the library's category searches found, written as category files and
//! `search.json`.

use crate::output::{is_empty_dir, write_atomic};
use anyhow::{Result, bail};
use fdsl_dataset::search::{Listed, Searched};
use serde::Serialize;
use std::path::Path;

/// What `search.json` records.
#[derive(Serialize)]
struct Record<'a> {
    tool: &'a str,
    kind: &'a str,
    seed: u64,
    criteria: &'a serde_json::Value,
    candidates_tried: u64,
    categories: &'a [Listed],
}

/// Check `fdsl search`'s request before searching: at least one category, an output folder that is
/// new or empty.
pub fn check_request(n: usize, out: &Path) -> Result<()> {
    if n == 0 {
        bail!("--categories must be at least 1");
    }
    if out.exists() && !is_empty_dir(out)? {
        bail!("{} is not empty; choose a new or empty folder for the category files", out.display());
    }
    Ok(())
}

/// Write what a search of `kind` with `seed` found into `out`: the category files and `search.json`.
pub fn write(out: &Path, kind: &str, seed: u64, searched: &Searched) -> Result<()> {
    for (file, text) in &searched.files {
        write_atomic(out, file, text.as_bytes())?;
    }
    let record = Record {
        tool: fdsl_dataset::TOOL,
        kind,
        seed,
        criteria: &searched.criteria,
        candidates_tried: searched.tried,
        categories: &searched.listed,
    };
    write_atomic(out, "search.json", serde_json::to_string_pretty(&record)?.as_bytes())
}
