//! The `fdsl` command line tool, thin over [`fdsl_core`]: category search, dataset rendering with
//! manifests and exact resume, verification. All I/O, threads, progress bars and error messages
//! live here; the math lives in `fdsl-core`.
//!
//! Exit codes: 0 success; 1 `verify` found differences; 2 bad input or any other error (one line
//! on standard error, naming the problem and the fix).

pub mod categories;
pub mod cli;
pub mod dataset;
pub mod encode;
pub mod npy;
pub mod output;
pub mod plan;
pub mod ply;
pub mod presets;
pub mod progress;
pub mod render;
pub mod search;
pub mod spec;
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
