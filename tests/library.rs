//! The library (`fdsl_dataset::Dataset`) gives, for every preset, the very bytes `fdsl render`
//! writes: every part of every sample, opened from the folder's own manifest and encoded by the format
//! table, is its file, in every format of files per sample; a JPEG image (Baradad et al.'s presets)
//! is its file's decoded pixels.

mod common;
use common::{cases, fdsl_ok};
use fdsl_cli::{Piece, Place};
use fdsl_dataset::Dataset;
use fdsl_dataset::spec::Codec;

#[test]
fn the_library_makes_the_files_of_fdsl_render_for_every_preset() {
    let tmp = tempfile::tempdir().unwrap();
    let mut checked = std::collections::BTreeSet::new();
    // Every case whose samples are files: each part of each sample, encoded by its row of the format
    // table, is the file `fdsl render` wrote where the row places it.
    for (k, case) in cases().into_iter().filter(|c| c.files).enumerate() {
        let out = tmp.path().join(k.to_string());
        let mut args = vec!["render".to_owned(), "--out".into(), out.to_string_lossy().into_owned()];
        args.extend(case.flags(4));
        fdsl_ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
        let ds = Dataset::from_manifest(&out).unwrap();
        let rows = fdsl_cli::rows(&ds).unwrap();
        let mut buffers: Vec<Vec<u8>> = ds.parts().iter().map(|p| vec![0u8; p.max_len()]).collect();
        for index in 0..ds.len() {
            let sample = ds.sample(index).unwrap();
            let key = ds.key(&sample);
            let mut slots: Vec<&mut [u8]> = buffers.iter_mut().map(Vec::as_mut_slice).collect();
            let lens = ds.render_parts(index, &mut slots).unwrap();
            for ((part, row), (bytes, &len)) in ds.parts().iter().zip(&rows).zip(buffers.iter().zip(&lens)) {
                let place = Place {
                    split: ds.split_of(sample.instance),
                    class: ds.labelled().then(|| Dataset::class_name(sample.class)),
                    key: &key,
                    part: part.name,
                    ext: row.ext,
                };
                let path = out.join((row.place)(&place));
                let written = std::fs::read(&path).unwrap();
                if row.codec == Some(Codec::Jpeg) {
                    let decoded = fdsl_dataset::jpeg::decode(&written).unwrap().pixels;
                    assert!(decoded == bytes[..len], "{}: {} differs", case.name, path.display());
                    continue;
                }
                let file = (row.encode)(&Piece { part, bytes: &bytes[..len], spec: &ds.spec }).unwrap();
                assert!(written == file, "{}: {} differs", case.name, path.display());
            }
        }
        checked.insert(case.preset);
    }
    // Every preset has a format of files per sample.
    assert_eq!(
        checked.len(),
        <fdsl_dataset::families::Settings as fdsl_dataset::Registry>::preset_names().len()
    );
}
