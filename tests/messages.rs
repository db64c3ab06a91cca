//! Messages in the project's own words (issue 36): numbers too large for a setting name its range,
//! upper-case reference names are taken in any case, 1p-frac's one image per class and one category
//! file are said as such.

mod common;
use common::{fdsl, fdsl_ok, tree};

/// `fdsl ARGS` exits 2 with one error line; the line.
fn error(args: &[&str]) -> String {
    let out = fdsl(args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "fdsl {args:?}: {err}");
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(errors.len(), 1, "fdsl {args:?}: {err}");
    errors[0].to_owned()
}

#[test]
fn a_number_too_large_for_a_setting_names_its_range() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("d");
    let said = error(&[
        "render",
        "--preset",
        "dead-leaves-textured",
        "--textures",
        "99999999999",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(said.contains("--textures 99999999999 is too large") && said.contains("1 to 10,000"), "{said}");
    assert!(!said.contains("u32") && !out.exists(), "{said}");
}

#[test]
fn mask_modes_are_taken_in_any_case() {
    let tmp = tempfile::tempdir().unwrap();
    let flags = ["--preset", "segrcdb", "--categories", "3", "--instances", "2", "--size", "64"];
    let render = |name: &str, mode: &str| {
        let out = tmp.path().join(name);
        let args: Vec<&str> = ["render", "--out", out.to_str().unwrap(), "--mask-mode", mode]
            .into_iter()
            .chain(flags)
            .collect();
        fdsl_ok(&args);
        tree(&out)
    };
    let lines = render("lines", "lines");
    assert_eq!(render("m1", "m1"), lines);
    assert_eq!(render("upper", "M1"), lines);
    assert_eq!(render("rings", "m2"), render("rings-name", "Rings"));
}

#[test]
fn one_point_frac_says_one_image_per_class_and_one_category_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("d");
    let o = out.to_str().unwrap();
    let said = error(&["render", "--preset", "1p-frac", "--instances", "2", "--out", o]);
    assert!(said.contains("--instances must be 1: 1p-frac makes one image per class, not 2"), "{said}");
    assert!(!said.contains("between 1 and 1"), "{said}");
    // Two category files where 1p-frac takes its one base fractal.
    let cats = tmp.path().join("cats");
    std::fs::create_dir(&cats).unwrap();
    for name in ["00000.csv", "00001.csv"] {
        let official = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fdsl-dataset/data/fractaldb-1k/categories")
            .join(name);
        std::fs::copy(official, cats.join(name)).unwrap();
    }
    let said =
        error(&["render", "--preset", "1p-frac", "--categories-from", cats.to_str().unwrap(), "--out", o]);
    assert!(
        said.contains("holds 2 category files: --categories must be 1: 1p-frac has one category"),
        "{said}"
    );
    assert!(!said.contains("the spec's"), "{said}");
}
