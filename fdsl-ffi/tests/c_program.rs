//! The C ABI from a C program (`tests/c/check.c`), linked statically and dynamically: it describes
//! and renders samples of every kind — images, images with masks, point clouds, scenes (points and a
//! layout of varying size) — part by part, which must be the Rust library's parts and bytes, and
//! walks every error path.

use fdsl_dataset::{Dataset, Registry};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every preset's example and its variants ([`fdsl_dataset::preset::Example`]) as specs' short form:
/// every family and every kind of sample.
fn specs() -> Vec<String> {
    fdsl_dataset::families::Settings::presets()
        .flat_map(|preset| {
            let variants = preset.example().variants().into_iter().map(|(_, overrides)| overrides);
            std::iter::once(preset.example().overrides()).chain(variants).map(move |overrides| {
                let request = fdsl_dataset::Request::of_preset(preset.name(), 5, &overrides).unwrap();
                serde_json::to_string(&request).unwrap()
            })
        })
        .collect()
}

/// Where cargo put this package's libraries for the tests: `deps/` beside this test (or the profile
/// folder above it, where `cargo build` copies them).
fn library_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap();
    [deps, deps.parent().unwrap()].into_iter().find(|d| d.join("libfdsl.a").exists()).unwrap().to_owned()
}

fn compile(out: &Path, link: &[&str]) {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic"])
        .arg("-I")
        .arg(crate_dir.join("include"))
        .arg(crate_dir.join("tests/c/check.c"))
        .args(link)
        .arg("-o")
        .arg(out)
        .status()
        .expect("a C compiler (cc)");
    assert!(status.success(), "cc failed");
}

fn run_and_compare(program: &Path, tmp: &Path) {
    let specs = specs();
    let out = Command::new(program).arg(tmp).args(&specs).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines.len(), specs.len(), "{said}");
    for (k, (spec, line)) in specs.iter().zip(lines).enumerate() {
        let ds = Dataset::open(spec).unwrap();
        let len = ds.len();
        let indices = [0, 1 % len, len / 2, len - 1];
        let (mut expected, mut labels) = (Vec::new(), Vec::new());
        let mut written = vec![Vec::new(); ds.parts().len()];
        for i in indices {
            let mut buffers: Vec<Vec<u8>> = ds.parts().iter().map(|p| vec![0u8; p.max_len()]).collect();
            let mut out: Vec<&mut [u8]> = buffers.iter_mut().map(Vec::as_mut_slice).collect();
            let lens = ds.render_parts(i, &mut out).unwrap();
            for ((buffer, n), w) in buffers.iter().zip(lens).zip(&mut written) {
                expected.extend_from_slice(&buffer[..n]);
                w.push(n.to_string());
            }
            labels.push(ds.label(i).unwrap().to_string());
        }
        let got = std::fs::read(tmp.join(format!("{k}.bin"))).unwrap();
        assert!(got == expected, "{spec}: C and Rust bytes differ");
        let parts: Vec<String> = ds
            .parts()
            .iter()
            .zip(&written)
            .map(|(p, w)| {
                let dims: Vec<String> = p.dims.sizes().iter().map(usize::to_string).collect();
                let bound = if p.dims.is_bounded() { "+" } else { "" };
                format!(
                    "{}:{}:{}:{}{bound}:{}",
                    p.name,
                    p.role.name(),
                    p.element.name(),
                    dims.join("x"),
                    w.join(",")
                )
            })
            .collect();
        let head = format!("{k} {len} {} {}", ds.parts().len(), ds.class_count());
        assert_eq!(line, format!("{head} {} {}", labels.join(" "), parts.join(" ")), "{spec}");
    }
}

#[test]
fn a_c_program_gets_the_librarys_bytes_and_every_error() {
    let dir = library_dir();
    let tmp = tempfile::tempdir().unwrap();
    let static_program = tmp.path().join("check-static");
    let archive = dir.join("libfdsl.a");
    compile(&static_program, &[archive.to_str().unwrap(), "-lpthread", "-ldl", "-lm"]);
    run_and_compare(&static_program, tmp.path());
    let dynamic_program = tmp.path().join("check-dynamic");
    let search = format!("-L{}", dir.display());
    let rpath = format!("-Wl,-rpath,{}", dir.display());
    compile(&dynamic_program, &[&search, &rpath, "-lfdsl"]);
    run_and_compare(&dynamic_program, tmp.path());
}

/// Memory that cannot be had (an address space of 1 GB; A&F at 8192 px needs about 1.5 GB of working
/// buffers per thread) is `FDSL_ERROR_MEMORY` naming the size, not an abort of the host.
#[test]
fn out_of_memory_is_an_error_code_not_an_abort() {
    let dir = library_dir();
    let tmp = tempfile::tempdir().unwrap();
    let program = tmp.path().join("check-memory");
    compile(&program, &[dir.join("libfdsl.a").to_str().unwrap(), "-lpthread", "-ldl", "-lm"]);
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1000000 && exec \"$0\" --memory")
        .arg(&program)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && said == "memory ok\n", "{said}{}", String::from_utf8_lossy(&out.stderr));
}
