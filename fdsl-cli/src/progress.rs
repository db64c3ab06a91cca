//! Progress of long work on standard error: a bar on a terminal (a line each, for phases that run
//! at once); elsewhere (a batch job's log) a
//! plain line at a steady interval — done / total, rate, ETA — so that a log shows life.
//!
//! The interval of plain lines is `FDSL_PROGRESS_SECONDS` (default 10; 0 to print at every step).
//!
//! Ctrl-C (SIGINT) during long work ends the process with a line saying it was interrupted and how to
//! go on ([`on_interrupt`]), the bar's line cleared first, and exit code 130 (as a shell reports it).

use indicatif::{HumanCount, HumanDuration, MultiProgress, ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

/// Seconds between plain progress lines unless `FDSL_PROGRESS_SECONDS` says otherwise.
const DEFAULT_INTERVAL: f64 = 10.0;

/// Every bar on the terminal, one line each: two phases may run at once (a texture pool made while
/// images are rendered).
static BARS: LazyLock<MultiProgress> = LazyLock::new(MultiProgress::new);

/// Progress over `total` items of one phase.
pub struct Progress {
    bar: Option<ProgressBar>,
    plain: Plain,
}

/// The state of plain progress lines.
struct Plain {
    what: String,
    unit: String,
    total: AtomicU64,
    done: AtomicU64,
    /// When the phase started, with how many items were already done then, and the last line.
    start: Instant,
    done_at_start: AtomicU64,
    last: Mutex<Option<Instant>>,
    interval: Option<Duration>,
}

impl Progress {
    /// Progress of `what` (e.g. "rendering") over `total` items of `unit` (e.g. "images").
    pub fn new(total: u64, what: &str, unit: &str) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let bar = terminal.then(|| {
            let style = ProgressStyle::with_template(&format!(
                "{what} {{bar:40.cyan/blue}} {{human_pos}}/{{human_len}} {unit} [{{elapsed_precise}}, {{per_sec}}, ETA {{eta}}]"
            ))
            .expect("valid template")
            .progress_chars("=> ");
            BARS.add(ProgressBar::new(total).with_style(style))
        });
        let interval = (!terminal).then(|| {
            let seconds = std::env::var("FDSL_PROGRESS_SECONDS").ok().and_then(|s| s.parse::<f64>().ok());
            Duration::from_secs_f64(
                seconds.filter(|s| s.is_finite() && *s >= 0.0).unwrap_or(DEFAULT_INTERVAL),
            )
        });
        let plain = Plain {
            what: what.to_owned(),
            unit: unit.to_owned(),
            total: AtomicU64::new(total),
            done: AtomicU64::new(0),
            start: Instant::now(),
            done_at_start: AtomicU64::new(0),
            last: Mutex::new(None),
            interval,
        };
        Self { bar, plain }
    }

    /// Items already done before this run (a resume): counted as done, not in the rate.
    pub fn skip(&self, done: u64) {
        self.plain.done_at_start.store(done, Ordering::Relaxed);
        self.set_position(done);
        if let Some(bar) = &self.bar {
            // The jump is no work of this run: the bar's rate and ETA start from here.
            bar.tick();
            bar.reset_eta();
        }
    }

    /// Set how many items are done.
    pub fn set_position(&self, done: u64) {
        self.plain.done.store(done, Ordering::Relaxed);
        match &self.bar {
            Some(bar) => bar.set_position(done),
            None => self.plain.report(false),
        }
    }

    /// `n` more items are done.
    pub fn inc(&self, n: u64) {
        self.plain.done.fetch_add(n, Ordering::Relaxed);
        match &self.bar {
            Some(bar) => bar.inc(n),
            None => self.plain.report(false),
        }
    }

    /// The phase is over: clear the bar, or print the last plain line if any was printed.
    pub fn finish(&self) {
        match &self.bar {
            Some(bar) => {
                bar.finish_and_clear();
                BARS.remove(bar);
            }
            None => self.plain.report(true),
        }
    }
}

impl Plain {
    /// Print a line if the interval has passed since the last (or, `last`, if any line was printed).
    fn report(&self, last: bool) {
        let Some(interval) = self.interval else { return };
        let mut printed = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let due = match *printed {
            None => !last && now.duration_since(self.start) >= interval,
            Some(at) => last || now.duration_since(at) >= interval,
        };
        if !due {
            return;
        }
        *printed = Some(now);
        let (done, total) = (self.done.load(Ordering::Relaxed), self.total.load(Ordering::Relaxed));
        let fresh = done.saturating_sub(self.done_at_start.load(Ordering::Relaxed));
        let seconds = now.duration_since(self.start).as_secs_f64().max(1e-9);
        let rate = fresh as f64 / seconds;
        let eta = if rate > 0.0 {
            HumanDuration(Duration::from_secs_f64(total.saturating_sub(done) as f64 / rate)).to_string()
        } else {
            String::from("unknown")
        };
        let percent = if total > 0 { 100.0 * done as f64 / total as f64 } else { 100.0 };
        eprintln!(
            "{}: {}/{} {} ({percent:.1} %), {} {}/s, {} elapsed, ETA {eta}",
            self.what,
            HumanCount(done),
            HumanCount(total),
            self.unit,
            per_second(rate),
            self.unit,
            HumanDuration(now.duration_since(self.start)),
        );
    }
}

/// A rate for a person: whole numbers from 100, else three significant digits (`0.140`, not `0`, for
/// 8 textured images in 57 s), as `format!` rounds them.
pub fn per_second(rate: f64) -> String {
    match rate {
        r if r >= 99.95 => format!("{r:.0}"),
        r if r >= 9.995 => format!("{r:.1}"),
        r if r >= 0.9995 => format!("{r:.2}"),
        r => format!("{r:.3}"),
    }
}

/// From now on, Ctrl-C (SIGINT) clears the progress line, prints `interrupted: {what}` on standard
/// error and ends the process with exit code 130. (Only the first call in a process installs it.)
pub fn on_interrupt(what: String) {
    let terminal = std::io::stderr().is_terminal();
    let _ = ctrlc::set_handler(move || {
        if terminal {
            let _ = BARS.clear();
            eprint!("\r\x1b[2K");
        }
        eprintln!("interrupted: {what}");
        std::process::exit(130);
    });
}

/// The command line of this process as a person would type it again (arguments with spaces or
/// quotes in quotes).
pub fn this_command() -> String {
    std::env::args()
        .enumerate()
        .map(|(i, a)| {
            let a = if i == 0 { String::from("fdsl") } else { a };
            if a.is_empty() || a.contains(|c: char| c.is_whitespace() || c == '"' || c == '\'') {
                format!("{a:?}")
            } else {
                a
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::per_second;

    #[test]
    fn a_rate_keeps_three_significant_digits_below_100() {
        let said: Vec<String> =
            [0.0, 0.1404, 0.99949, 0.9996, 8.0, 9.996, 57.31, 99.96, 1690.4].map(per_second).into();
        assert_eq!(said, ["0.000", "0.140", "0.999", "1.00", "8.00", "10.0", "57.3", "100", "1690"]);
    }
}
