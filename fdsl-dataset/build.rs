//! Embeds the official FractalDB-1k category files (data/fractaldb-1k/categories/*.csv, MIT, AIST)
//! as a sorted table `FRACTALDB_1K: &[(&str, &str)]` of (file name, text).
use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).join("data/fractaldb-1k/categories");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".csv"))
        .collect();
    names.sort();
    let mut table =
        String::from("/// The official FractalDB-1k categories: (file name, CSV text), sorted.\n");
    table.push_str("pub static FRACTALDB_1K: &[(&str, &str)] = &[\n");
    for name in &names {
        table.push_str(&format!("    ({name:?}, include_str!({:?})),\n", dir.join(name)));
    }
    table.push_str("];\n");
    fs::write(Path::new(&env::var("OUT_DIR").unwrap()).join("fractaldb_1k.rs"), table).unwrap();
}
