//! Fuzzing, as long as `FDSL_FUZZ_SECONDS` says (default 2 per target; CI gives each 45): every
//! category-file parser and the reading of manifests and specs take any text — random bytes, or a
//! real file randomly edited — and return a value or an error, never panic.
//!
//! A spec may legitimately ask for minutes of work before it opens: an edit that turns
//! `"categories": 2` into `22222` of a searched preset (`fractaldb-10k`) runs that category search.
//! Such an input is abandoned once its search has run [`SEARCH_BUDGET`] ([`open_bounded`]): it is
//! work, not a parser's bug, and one of them once kept a CI run in this test for over ten minutes.

use fdsl_core::families::rcdb::RcdbCategory;
use fdsl_core::{Ifs2, Ifs3};
use fdsl_dataset::Dataset;
use fdsl_dataset::categories::Category;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use std::time::{Duration, Instant};

/// Characters that make near-valid numbers, rows and JSON.
const ALPHABET: &[char] = &[
    '0', '1', '5', '9', '.', ',', '-', '+', 'e', 'E', '\n', '\r', ' ', '\t', 'n', 'a', 'i', 'f', 'N', 'I',
    '\u{feff}', '"', ':', '{', '}', '[', ']', 'x', '\0', 'é',
];

/// Texts to feed a parser: random bytes as text, or `seed` with up to 12 random edits.
fn texts(seed: &'static str) -> impl Strategy<Value = String> {
    let bytes =
        proptest::collection::vec(any::<u8>(), 0..400).prop_map(|b| String::from_utf8_lossy(&b).into_owned());
    let edit = (0usize..3, any::<prop::sample::Index>(), prop::sample::select(ALPHABET), 1usize..40);
    let edited = proptest::collection::vec(edit, 1..12).prop_map(move |edits| {
        let mut chars: Vec<char> = seed.chars().collect();
        for (kind, at, c, n) in edits {
            let i = at.index(chars.len() + 1);
            match kind {
                0 => chars.insert(i, c),
                1 if i < chars.len() => drop(chars.drain(i..(i + n).min(chars.len()))),
                _ if i < chars.len() => chars[i] = c,
                _ => chars.push(c),
            }
        }
        chars.into_iter().collect()
    });
    prop_oneof![1 => bytes, 3 => edited]
}

/// How long one input's category search may run before [`open_bounded`] abandons it.
const SEARCH_BUDGET: Duration = Duration::from_secs(3);

/// The unwinding payload of an input abandoned for its cost, not a panic of the code under test.
struct Abandoned;

/// `Dataset::open(text)`, abandoned (unwinding with [`Abandoned`] from the search's progress
/// report, which comes after every batch of candidates) once a category search has run
/// [`SEARCH_BUDGET`].
fn open_bounded(text: &str) {
    let start = Instant::now();
    let progress = |_: u64, _: u64| {
        if start.elapsed() > SEARCH_BUDGET {
            std::panic::panic_any(Abandoned);
        }
    };
    drop(Dataset::open_with_progress(text, &progress));
}

/// Run `check` on inputs from `strategy` until the time budget is spent; a panic names its input
/// (an input [`Abandoned`] for its cost is no panic).
fn fuzz<S: Strategy>(name: &str, strategy: S, check: impl Fn(&S::Value))
where
    S::Value: std::fmt::Debug + std::panic::RefUnwindSafe,
{
    let seconds = std::env::var("FDSL_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(2.0);
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let mut runner = TestRunner::new(Config { failure_persistence: None, ..Config::default() });
    let mut inputs = 0u64;
    while inputs == 0 || Instant::now() < deadline {
        let value = strategy.new_tree(&mut runner).expect("a value").current();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&value)));
        assert!(
            outcome.as_ref().map_or_else(|e| e.is::<Abandoned>(), |_| true),
            "{name} panicked on {value:?}"
        );
        inputs += 1;
    }
    eprintln!("{name}: {inputs} inputs in {seconds} s, no panic");
}

const IFS2: &str = include_str!("../data/fractaldb-1k/categories/00000.csv");
const IFS3: &str =
    "0.3,0.1,0,0,0.4,0.2,0.1,0,0.5,0.1,0.2,0.3,0.5\n-0.2,0.3,0.1,0.4,-0.1,0,0.2,0.3,0.1,0,0,0.1,0.5\n";
const RCDB: &str = "Vertex,14\r\nPerlin_noise,0.2524272875508373\r\nline_width,0.011791870367106105\r\n\
                    Center_rad,33\r\nLine_num,128\r\nOval_rate_x,1.1634064039548\r\n";

#[test]
fn category_parsers_never_panic() {
    fuzz("ifs2 files", texts(IFS2), |t| drop(Category::<Ifs2>::parse("f.csv", t)));
    fuzz("ifs3 files", texts(IFS3), |t| drop(Category::<Ifs3>::parse("f.csv", t)));
    fuzz("rcdb files", texts(RCDB), |t| drop(Category::<RcdbCategory>::parse("f.csv", t)));
}

#[test]
fn manifests_and_specs_never_panic() {
    // A real manifest of a small dataset, and its folder's category files.
    let ds = Dataset::open(r#"{"preset": "rcdb-1k", "categories": 2, "instances": 4, "size": 32}"#).unwrap();
    let spec = serde_json::to_string_pretty(&ds.spec).unwrap();
    let manifest = format!(
        "{{\n  \"format\": \"{}\",\n  \"tool\": \"{}\",\n  \"complete\": true,\n  \"spec\": {spec},\n  \"files\": {{}}\n}}",
        fdsl_dataset::MANIFEST_FORMAT,
        fdsl_dataset::TOOL
    );
    let dir = std::env::temp_dir().join(format!("fdsl-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("categories")).unwrap();
    for (path, text) in ds.category_files() {
        std::fs::write(dir.join(path), text).unwrap();
    }
    std::fs::write(dir.join("manifest.json"), &manifest).unwrap();
    assert!(Dataset::from_manifest(&dir).is_ok(), "the unedited manifest opens");
    let manifest: &'static str = Box::leak(manifest.into_boxed_str());
    let spec: &'static str = Box::leak(spec.into_boxed_str());
    fuzz("manifests", texts(manifest), |t| {
        std::fs::write(dir.join("manifest.json"), t).unwrap();
        let _ = Dataset::from_manifest(&dir);
    });
    // A spec that asks for a long category search is abandoned after its budget, not run to its end.
    let long_search = r#"{"preset": "fractaldb-10k", "categories": 5000, "instances": 1, "size": 32}"#;
    let outcome = std::panic::catch_unwind(|| open_bounded(long_search));
    assert!(outcome.is_err_and(|e| e.is::<Abandoned>()), "the search of 5000 categories was not abandoned");
    fuzz("whole specs", texts(spec), |t| open_bounded(t));
    fuzz(
        "short specs",
        texts(r#"{"preset": "fractaldb-1k", "categories": 2, "instances": 40, "size": 32}"#),
        |t| open_bounded(t),
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
