//! `fdsl preview`: a contact sheet for every preset, the same bytes every time, bad input refused.

mod common;
use common::{arg, fdsl, fdsl_ok};
use fdsl_dataset::Registry;

/// Every preset's example flags ([`fdsl_dataset::preset::Example`]), without `--instances`: the
/// sheet's instances are its columns.
fn presets() -> Vec<(&'static str, Vec<String>)> {
    fdsl_dataset::families::Settings::presets()
        .map(|preset| {
            let mut overrides = preset.example().overrides();
            overrides.remove("instances");
            (preset.name(), fdsl_dataset::preset::flags(&overrides))
        })
        .collect()
}

fn sheet(png: &[u8]) -> (u32, u32, Vec<u8>) {
    let common::Png { info, pixels } = common::decode_png(png);
    assert_eq!(info.color_type, png::ColorType::Rgb);
    (info.width, info.height, pixels)
}

#[test]
fn every_preset_has_a_sheet_that_is_the_same_every_time() {
    let tmp = tempfile::tempdir().unwrap();
    let all = presets();
    assert!(all.len() >= 12, "{} presets", all.len());
    for (preset, flags) in all {
        let out = arg(tmp.path(), &format!("{preset}.png"));
        let mut args = vec!["preview", "--preset", preset, "--out", &out, "--tile", "32", "--instances", "3"];
        args.extend(flags.iter().map(String::as_str));
        fdsl_ok(&args);
        let first = std::fs::read(&out).unwrap();
        fdsl_ok(&args);
        assert!(std::fs::read(&out).unwrap() == first, "{preset}: the sheet changed");
        let (width, height, pixels) = sheet(&first);
        // Up to 3 columns (OFDB has one instance) of 32 px tiles with 6 px gaps, or the title's width
        // (6 px gaps and 8 px glyphs) where that is wider; rows of tile + 10 px label + gap under a
        // title line.
        let grid = (width - 6) % 38 == 0 && (1..=3).contains(&((width - 6) / 38));
        assert!(grid || width > 6 + 3 * 38 && (width - 12) % 8 == 0, "{preset}: {width}");
        assert_eq!((height - 22) % 48, 0, "{preset}");
        assert!(pixels.chunks_exact(3).any(|p| p[0] > 200), "{preset}: nothing drawn");
    }
}

#[test]
fn bad_previews_are_refused_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "s.png");
    for (args, says) in [
        (vec!["--tile", "0"], "--tile must be between 8 and 1024"),
        (vec!["--categories", "0"], "--categories must be at least 1"),
        (vec!["--instances", "0"], "--instances must be at least 1"),
        (vec!["--preset", "nope"], "unknown preset"),
        (vec!["--preset", "rcdb-1k", "--colour", "hue"], "--colour does not apply"),
        (
            vec!["--preset", "perlin-100", "--classes", "3,100"],
            "--classes 100: the dataset has classes 0 to 99",
        ),
        (
            vec!["--classes", "1", "--categories", "2"],
            "'--classes <LIST>' cannot be used with '--categories <N>'",
        ),
        (vec!["--classes", "x"], "invalid value 'x'"),
    ] {
        let mut all = vec!["preview", "--out", &out];
        all.extend(args.iter());
        let o = fdsl(&all);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(says),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!tmp.path().join("s.png").exists());
    }
}

/// `--classes` picks the rows: the first two classes given in order are `--categories 2`'s sheet
/// (the same bytes; the title names the classes of the dataset drawn), and a later class's row is
/// that class's tiles wherever it stands.
#[test]
fn chosen_classes_are_the_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |name: &str, extra: &[&str]| {
        let out = arg(tmp.path(), name);
        let mut args =
            vec!["preview", "--preset", "perlin-100", "--out", &out, "--tile", "16", "--size", "32"];
        args.extend_from_slice(extra);
        fdsl_ok(&args);
        sheet(&std::fs::read(&out).unwrap())
    };
    let (w, h, first_two) = run("a.png", &["--categories", "2"]);
    assert_eq!(run("b.png", &["--classes", "0,1"]), (w, h, first_two.clone()));
    let (w3, h3, chosen) = run("c.png", &["--classes", "1,0,57"]);
    // Sheets as wide as their titles ("... (58 classes x 1000)": 16 px tiles are narrower).
    assert_eq!(h3, h + 32, "three rows of 16 px tiles");
    // Rows below the title: 22 px down, then 32 px each (label, tile, gap), 4 tiles of 16 px and their
    // gaps from the left; row 1 of the chosen sheet is class 0, row 0 of the first sheet.
    let row = |pixels: &[u8], width: u32, r: usize| -> Vec<u8> {
        (22 + 32 * r + 10..22 + 32 * r + 26)
            .flat_map(|y| pixels[3 * width as usize * y..][..3 * (6 + 4 * 22)].to_vec())
            .collect()
    };
    assert_eq!(row(&chosen, w3, 1), row(&first_two, w, 0));
    assert_eq!(row(&chosen, w3, 0), row(&first_two, w, 1));
    assert_ne!(row(&chosen, w3, 2), row(&first_two, w, 0));
}
