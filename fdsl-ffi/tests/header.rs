//! `include/fdsl.h` is what cbindgen makes of `src/lib.rs` today (`FDSL_BLESS=1` rewrites it).

use std::path::Path;

#[test]
fn the_committed_header_is_fresh() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml");
    let mut made = Vec::new();
    cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen reads src/lib.rs")
        .write(&mut made);
    let path = crate_dir.join("include/fdsl.h");
    if std::env::var_os("FDSL_BLESS").is_some() {
        std::fs::write(&path, &made).unwrap();
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == made,
        "include/fdsl.h is stale: run `FDSL_BLESS=1 cargo test -p fdsl-ffi --test header` and commit it"
    );
}
