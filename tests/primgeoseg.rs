//! PrimGeoSeg end to end: `fdsl render --preset primgeoseg` writes NIfTI image / label pairs with
//! the reference's names and MONAI's datalist (the same bytes on 1 or 2 threads and in parts, and
//! repaired after a loss: `tests/preset_trees.rs`, every format); `verify` finds a damaged volume;
//! the volumes are the library's samples; npy shards and WebDataset members carry the parts; bad
//! sizes are refused.

mod common;
use common::{arg, fdsl, fdsl_ok, tree};
use fdsl_dataset::Dataset;
use std::io::Read;
use std::path::Path;

/// Four small volumes (90 voxels, 6 primitives) in `format`.
fn args<'a>(out: &'a str, format: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![
        "render",
        "--preset",
        "primgeoseg",
        "--out",
        out,
        "--instances",
        "4",
        "--size",
        "90",
        "--primitives",
        "6",
        "--format",
        format,
    ];
    a.extend(extra);
    a
}

/// The voxels of a `.nii.gz` file of `n³` voxels of `bytes` each, back in C order, one byte each.
fn nifti_voxels(path: &Path, n: usize, bytes: usize) -> Vec<u8> {
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_end(&mut raw).unwrap();
    assert_eq!(raw.len(), 352 + n * n * n * bytes, "{}", path.display());
    assert_eq!(&raw[344..348], b"n+1\0");
    let data = &raw[352..];
    let mut out = vec![0u8; n * n * n];
    for (f, voxel) in data.chunks_exact(bytes).enumerate() {
        let (i, j, k) = (f % n, f / n % n, f / (n * n));
        let v = if bytes == 8 { f64::from_le_bytes(voxel.try_into().unwrap()) } else { f64::from(voxel[0]) };
        assert!(v.fract() == 0.0 && (0.0..256.0).contains(&v));
        out[(i * n + j) * n + k] = v as u8;
    }
    out
}

#[test]
fn nifti_pairs_are_the_samples_and_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let one = arg(tmp.path(), "one");
    fdsl_ok(&args(&one, "nifti", &["--threads", "1"]));
    let want = tree(Path::new(&one));

    let volumes: Vec<&String> = want.keys().filter(|p| p.ends_with(".nii.gz")).collect();
    assert_eq!(
        volumes,
        [
            "img/img0000.nii.gz",
            "img/img0001.nii.gz",
            "img/img0002.nii.gz",
            "img/img0003.nii.gz",
            "label/label0000.nii.gz",
            "label/label0001.nii.gz",
            "label/label0002.nii.gz",
            "label/label0003.nii.gz"
        ]
    );
    let datalist = String::from_utf8(want["label_num4.json"].clone()).unwrap();
    let entry = |i: usize| {
        format!("{{\"image\": \"img/img{i:04}.nii.gz\", \"label\": \"label/label{i:04}.nii.gz\"}}")
    };
    let training: Vec<String> = (0..4).map(entry).collect();
    assert_eq!(datalist, format!("{{\"training\": [{}], \"validation\": []}}", training.join(", ")));

    // Each pair is the library's sample: the volume's outlines at 128, the labels the classes.
    let ds = Dataset::from_manifest(Path::new(&one)).unwrap();
    let mut buffers: Vec<Vec<u8>> = ds.parts().iter().map(|p| vec![0u8; p.max_len()]).collect();
    for i in 0..4 {
        let mut out: Vec<&mut [u8]> = buffers.iter_mut().map(Vec::as_mut_slice).collect();
        ds.render_parts(i, &mut out).unwrap();
        let image = nifti_voxels(&Path::new(&one).join(format!("img/img{i:04}.nii.gz")), 90, 8);
        let labels = nifti_voxels(&Path::new(&one).join(format!("label/label{i:04}.nii.gz")), 90, 8);
        assert!(image == buffers[0] && labels == buffers[1], "volume {i} differs from the library's");
        assert!(image.iter().all(|&v| v == 0 || v == 128) && image.contains(&128));
        assert!(labels.iter().all(|&v| v <= 32) && labels.contains(&0) && labels.iter().any(|&v| v > 0));
    }

    // uint8 files hold the same voxels; the reference's datalist form has a leading slash.
    let uint8 = arg(tmp.path(), "uint8");
    fdsl_ok(&args(&uint8, "nifti-uint8", &[]));
    assert!(
        nifti_voxels(&Path::new(&uint8).join("label/label0002.nii.gz"), 90, 1) == {
            nifti_voxels(&Path::new(&one).join("label/label0002.nii.gz"), 90, 8)
        }
    );
    let slash = arg(tmp.path(), "slash");
    fdsl_ok(&args(&slash, "nifti-leading-slash", &[]));
    let listed = std::fs::read_to_string(Path::new(&slash).join("label_num4.json")).unwrap();
    assert!(listed.starts_with(
        "{\"training\": [{\"image\": \"/img/img0000.nii.gz\", \"label\": \"/label/label0000.nii.gz\"}"
    ));
}

#[test]
fn verify_finds_a_damaged_volume_and_a_run_completes_a_lost_one() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "out");
    fdsl_ok(&args(&out, "nifti", &["--val-per-class", "1"]));
    let want = tree(Path::new(&out));
    assert!(want.contains_key("val/img/img0003.nii.gz") && want.contains_key("val/label/label0003.nii.gz"));
    let datalist = String::from_utf8(want["label_num4.json"].clone()).unwrap();
    assert!(datalist.ends_with(
        "\"validation\": [{\"image\": \"val/img/img0003.nii.gz\", \"label\": \"val/label/label0003.nii.gz\"}]}"
    ));
    fdsl_ok(&["verify", &out]);
    let label = Path::new(&out).join("label/label0001.nii.gz");
    let mut bytes = std::fs::read(&label).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&label, bytes).unwrap();
    let said = fdsl(&["verify", &out]);
    assert_eq!(said.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&said.stdout).contains("label/label0001.nii.gz"));
    std::fs::remove_file(Path::new(&out).join("img/img0002.nii.gz")).unwrap();
    std::fs::remove_file(&label).unwrap();
    fdsl_ok(&args(&out, "nifti", &["--val-per-class", "1"]));
    assert!(tree(Path::new(&out)) == want, "the completed run differs");
    fdsl_ok(&["verify", &out]);
}

#[test]
fn npy_shards_and_webdataset_members_carry_the_parts() {
    let tmp = tempfile::tempdir().unwrap();
    let npy = arg(tmp.path(), "npy");
    fdsl_ok(&args(&npy, "npy", &["--shard-size", "3"]));
    let listing: Vec<String> = tree(Path::new(&npy)).into_keys().filter(|p| p.ends_with(".npy")).collect();
    assert_eq!(
        listing,
        [
            "train/volumes-000000.npy",
            "train/volumes-000001.npy",
            "train/voxel-labels-000000.npy",
            "train/voxel-labels-000001.npy"
        ]
    );
    let labels = std::fs::read(Path::new(&npy).join("train/voxel-labels-000000.npy")).unwrap();
    let header =
        String::from_utf8_lossy(&labels[10..10 + u16::from_le_bytes([labels[8], labels[9]]) as usize])
            .into_owned();
    assert!(header.contains("'descr': '|u1'") && header.contains("'shape': (3, 90, 90, 90)"), "{header}");

    let wds = arg(tmp.path(), "wds");
    fdsl_ok(&args(&wds, "webdataset", &[]));
    let mut archive =
        tar::Archive::new(std::fs::File::open(Path::new(&wds).join("train-000000.tar")).unwrap());
    let mut members: Vec<String> =
        archive.entries().unwrap().map(|e| e.unwrap().path().unwrap().display().to_string()).collect();
    members.sort();
    assert_eq!(members.len(), 12);
    assert_eq!(members[..3], ["0000.json", "0000.labels.npy", "0000.volume.npy"]);
}

#[test]
fn sizes_below_90_and_formats_of_other_samples_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path(), "out");
    for (extra, needle) in [
        (&["--size", "89"][..], "--size must be 90 to 1024 voxels for PrimGeoSeg"),
        (
            &["--format", "png"][..],
            "--format png does not write volumes; volumes take nifti, nifti-uint8, nifti-leading-slash, npy or webdataset",
        ),
        (&["--primitives", "0"][..], "--primitives must be between 1 and 64"),
        (&["--categories", "2"][..], "--categories must be 1"),
    ] {
        let mut a = vec!["render", "--preset", "primgeoseg", "--out", &out];
        a.extend(extra);
        let said = fdsl(&a);
        let err = String::from_utf8_lossy(&said.stderr);
        assert_eq!(said.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.contains(needle), "{extra:?}: {err:?} lacks {needle:?}");
        assert!(!Path::new(&out).exists());
    }
    let said = fdsl(&["render", "--preset", "rcdb-1k", "--out", &out, "--format", "nifti"]);
    assert!(
        String::from_utf8_lossy(&said.stderr)
            .contains("--format nifti does not write images; images take png, npy or webdataset")
    );
    // A dry run counts a pair a volume and the datalist.
    let said = fdsl_ok(&["render", "--preset", "primgeoseg", "--out", &out, "--dry-run"]);
    let text = String::from_utf8_lossy(&said.stdout).into_owned();
    assert!(text.contains("5000 samples") && text.contains("10000 files"), "{text}");
}
