//! Progress bars (on standard error, hidden when it is not a terminal).

use indicatif::{ProgressBar, ProgressStyle};

/// A bar over `total` items of `unit` (e.g. "images"), showing rate and ETA.
pub fn bar(total: u64, what: &str, unit: &str) -> ProgressBar {
    let style = ProgressStyle::with_template(&format!(
        "{what} {{bar:40.cyan/blue}} {{human_pos}}/{{human_len}} {unit} [{{elapsed_precise}}, {{per_sec}}, ETA {{eta}}]"
    ))
    .expect("valid template")
    .progress_chars("=> ");
    ProgressBar::new(total).with_style(style)
}
