//! The dataset card `fdsl render` writes beside the manifest: the Hub's YAML header, the command
//! that remakes the folder (which does, card included), the same card from parts as from a whole
//! run, and no effect on the dataset's files (the manifest does not list it, `verify` ignores it).

mod common;
use common::{fdsl_ok, tree};

const FLAGS: [&str; 10] =
    ["--preset", "rcdb-1k", "--categories", "3", "--instances", "4", "--size", "32", "--seed", "5"];

fn render(dir: &std::path::Path, extra: &[&str]) {
    let out = dir.to_str().unwrap();
    let args: Vec<&str> =
        ["render", "--out", out].into_iter().chain(FLAGS).chain(extra.iter().copied()).collect();
    fdsl_ok(&args);
}

#[test]
fn the_card_describes_the_folder_and_remakes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    render(&whole, &["--threads", "3", "--device", "cpu"]);
    let card = std::fs::read_to_string(whole.join("README.md")).unwrap();
    assert!(card.starts_with("---\nlicense: mit\ntask_categories:\n- image-classification\n"), "{card}");
    assert!(card.contains("pretty_name: fdsl rcdb-1k (seed 5)\n"));
    assert!(card.contains(
        "        names:\n          '0': '00000'\n          '1': '00001'\n          '2': '00002'\n"
    ));
    assert!(card.contains(concat!("Written by fdsl ", env!("CARGO_PKG_VERSION"))));
    let command = "fdsl render --preset rcdb-1k --categories 3 --instances 4 --size 32 --seed 5 --out OUT";
    assert!(card.contains(&format!("```sh\n{command}\n```")), "{card}");
    let manifest = std::fs::read_to_string(whole.join("manifest.json")).unwrap();
    assert!(!manifest.contains("README.md"));

    // The card's command remakes the folder byte for byte, card included.
    let again = tmp.path().join("again");
    let words: Vec<String> = command
        .split(' ')
        .skip(1)
        .map(|w| if w == "OUT" { again.to_string_lossy().into_owned() } else { w.into() })
        .collect();
    fdsl_ok(&words.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(tree(&again) == tree(&whole));
    assert_eq!(std::fs::read_to_string(again.join("README.md")).unwrap(), card);

    // Parts in a shared folder: the last writes the same card.
    let parts = tmp.path().join("parts");
    render(&parts, &["--shard", "0/2"]);
    assert!(!parts.join("README.md").exists(), "an incomplete folder has no card");
    render(&parts, &["--shard=1/2"]);
    assert_eq!(std::fs::read_to_string(parts.join("README.md")).unwrap(), card);

    // verify ignores the card, and a folder without one (0.2.0's) is complete.
    let said = String::from_utf8_lossy(&fdsl_ok(&["verify", whole.to_str().unwrap()]).stdout).into_owned();
    assert!(said.starts_with("ok: "), "{said}");
    std::fs::remove_file(whole.join("README.md")).unwrap();
    let said = String::from_utf8_lossy(&fdsl_ok(&["verify", whole.to_str().unwrap()]).stdout).into_owned();
    assert!(said.starts_with("ok: "), "{said}");
}

#[test]
fn npy_cards_say_no_hub_builder_reads_them() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("npy");
    render(&out, &["--format", "npy"]);
    let card = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(card.contains("No Hugging Face Hub builder reads npy, PLY or NIfTI"));
    assert!(!card.contains("dataset_info"));
}
