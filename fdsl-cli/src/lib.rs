//! The `fdsl` command line tool, thin over [`fdsl_dataset`]: category search, dataset rendering with
//! manifests and exact resume, verification, contact sheets. Files, formats, threads, progress bars and messages
//! live here; what a dataset is lives in `fdsl-dataset`, its math in `fdsl-core`.
//!
//! Exit codes: 0 success; 1 `verify` found differences; 2 bad input or any other error (one line
//! on standard error, naming the problem and the fix).

pub mod cli;
pub mod encode;
pub mod family_flags;
pub mod npy;
pub mod output;
pub mod plan;
pub mod ply;
pub mod preview;
pub mod progress;
pub mod render;
pub mod search;
pub mod verify;

use std::process::ExitCode;

/// Run the tool with the process's arguments.
pub fn main() -> ExitCode {
    match cli::run(std::env::args_os()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
