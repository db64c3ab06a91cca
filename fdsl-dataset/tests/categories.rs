//! A dataset's categories are typed by their family end to end: every preset's categories, and
//! their files' texts parsed back, build the family they were made for (that the bytes are the same
//! either way, `every_preset` shows), and another family's are refused by name. (Inside a family, `FamilySettings::build` takes `Categories` of its own
//! category type: another family's do not compile.)

use fdsl_dataset::families::Settings;
use fdsl_dataset::{Dataset, DatasetCategories, Registry, Request, Spec};

/// The spec (its hash set) and categories of `preset`'s small example, seed 0.
fn example(preset: &str) -> (Spec, DatasetCategories) {
    let overrides = Settings::preset(preset).unwrap().example.overrides();
    let request = Request::of_preset(preset, 0, &overrides).unwrap();
    let (mut spec, categories) = request.spec_and_categories::<Settings>(&|_, _| {}, &|_| None).unwrap();
    spec.categories_sha256 = categories.sha256();
    (spec, categories)
}

/// The category files' texts of `categories`, as a folder's `categories/` holds them.
fn files(categories: &DatasetCategories) -> Vec<(String, String)> {
    categories.texts().iter().enumerate().map(|(c, t)| (format!("{c:05}.csv"), t.to_string())).collect()
}

#[test]
fn every_presets_categories_and_their_texts_build_its_family() {
    for preset in Settings::presets() {
        let (spec, categories) = example(preset.name);
        assert_eq!(categories.len(), spec.categories, "{}", preset.name);
        let parsed = DatasetCategories::parse(&spec.family, &files(&categories)).unwrap();
        assert_eq!(parsed.texts(), categories.texts(), "{}", preset.name);
        let (a, b) = (Dataset::new(spec.clone(), categories).unwrap(), Dataset::new(spec, parsed).unwrap());
        assert_eq!((a.len(), a.parts()), (b.len(), b.parts()), "{}", preset.name);
    }
}

#[test]
fn another_familys_categories_are_refused() {
    let (fractaldb, ifs) = example("fractaldb-1k");
    let (rcdb, contours) = example("rcdb-1k");
    let refused = |spec: &Spec, categories: DatasetCategories| {
        let spec =
            Spec { categories: categories.len(), categories_sha256: categories.sha256(), ..spec.clone() };
        format!("{:#}", Dataset::new(spec, categories).unwrap_err())
    };
    assert_eq!(refused(&fractaldb, contours), "the categories are not of the spec's family");
    assert_eq!(refused(&rcdb, ifs), "the categories are not of the spec's family");
    // ExFractalDB's and MV-FractalDB's categories are both 3-D IFSs, yet each family's own.
    let (exfractaldb, _) = example("exfractaldb-1k");
    let (_, multi_view) = example("mv-fractaldb-1k");
    assert_eq!(refused(&exfractaldb, multi_view), "the categories are not of the spec's family");
    // Parsed as the spec's family, RCDB's files are not FractalDB's.
    let (_, contours) = example("rcdb-1k");
    assert!(DatasetCategories::parse(&fractaldb.family, &files(&contours)).is_err());
}
