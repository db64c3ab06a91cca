//! The textured dead leaves' texture pool: textures made as the reference reads them (through JPEG),
//! only those the samples use, the same bytes made or read back, on any number of threads, kept in a
//! cache across datasets (runs) with each entry's hash checked.

use fdsl_core::families::dead_leaves_textured::{REGIONS_LEN, TEXTURE_SIDE, TexturedLeaves, texel};
use fdsl_dataset::Dataset;
use fdsl_dataset::cache::Cache;
use fdsl_dataset::families::dead_leaves::pool::{jpeg_texture, pixels};
use fdsl_dataset::jpeg::{self, JpegSettings};
use fdsl_dataset::prepare::{Counts, needed};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// PNG files: the images as painted (the JPEG files' decoding is `tests/encoding.rs`'s).
const SPEC: &str = r#"{"preset": "dead-leaves-textured", "instances": 6, "size": 40, "textures": 5, "seed": 2,
    "encoding": "png"}"#;

/// A dataset of `SPEC` keeping its textures in `cache` (or in memory only).
fn dataset(cache: Option<&Cache>) -> Dataset {
    let ds = Dataset::open(SPEC).unwrap();
    ds.shared_work().unwrap().kept().keep_in(cache.cloned());
    ds
}

/// A cache folder of its own for test `name`, empty.
fn cache(name: &str) -> Cache {
    let root = std::env::temp_dir().join(format!("fdsl-pool-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    Cache::new(root)
}

/// Every sample of `ds`, in order, on `threads` threads.
fn all(ds: &Dataset, threads: usize) -> Vec<u8> {
    let indices: Vec<u64> = (0..ds.len()).collect();
    let mut out = vec![0u8; indices.len() * ds.sample_bytes()];
    ds.render_batch(&indices, &mut [&mut out], threads).unwrap();
    out
}

fn counts(ds: &Dataset) -> Counts {
    ds.shared_work().unwrap().kept().counts()
}

/// The pool textures samples `samples` of `ds` use.
fn used(ds: &Dataset, samples: impl IntoIterator<Item = u64>) -> BTreeSet<u64> {
    let samples: Vec<(usize, u64)> =
        samples.into_iter().map(|i| ds.sample(i).unwrap()).map(|s| (s.class, s.instance as u64)).collect();
    needed(ds.shared_work().unwrap(), &samples).unwrap().into_iter().collect()
}

/// The cache's entry files.
fn entries(cache: &Cache) -> Vec<PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten() {
            let path = entry.unwrap().path();
            if path.is_dir() { walk(&path, out) } else { out.push(path) }
        }
    }
    let mut out = Vec::new();
    walk(cache.root(), &mut out);
    out.sort();
    out
}

#[test]
fn textures_are_read_back_from_jpeg_as_the_reference_reads_them() {
    // A texture is the statistical image through cv2.imwrite's JPEG (q95 4:2:0) and back.
    let file = jpeg_texture(2, 3).unwrap();
    assert_eq!(file, {
        let mut raw = vec![0u8; TEXTURE_SIDE * TEXTURE_SIDE * 3];
        let need =
            fdsl_core::families::statistical::scratch_len(&fdsl_core::families::statistical::SMALL_SCALE)
                .unwrap();
        let (mut reals, mut complex) =
            (vec![0.0; need.reals], vec![fdsl_core::math::fft::Complex::default(); need.complex]);
        fdsl_core::families::dead_leaves_textured::render_texture(2, 3, &mut reals, &mut complex, &mut raw)
            .unwrap();
        jpeg::encode(&raw, TEXTURE_SIDE, TEXTURE_SIDE, 3, JpegSettings::default()).unwrap()
    });
    let decoded = pixels(&file).unwrap();
    // The images paint the decoded textures.
    let ds = dataset(None);
    let textures: Vec<Box<[u8]>> = (0..5).map(|i| pixels(&jpeg_texture(2, i).unwrap()).unwrap()).collect();
    assert_eq!(textures[3], decoded);
    let leaves = TexturedLeaves::new(40, 2, 5).unwrap();
    let mut regions = vec![0u64; REGIONS_LEN];
    let mut expected = vec![0u8; ds.sample_bytes()];
    for instance in 0..ds.len() {
        leaves
            .paint(instance, &mut regions, &mut expected, |p, y, x| {
                texel(&textures[p as usize], TEXTURE_SIDE, 40, y, x)
            })
            .unwrap();
        let mut out = vec![0u8; ds.sample_bytes()];
        ds.render(instance, &mut out).unwrap();
        assert!(out == expected, "image {instance}");
    }
}

#[test]
fn a_sample_makes_only_the_textures_its_plan_names() {
    let ds = dataset(None);
    for index in 0..3 {
        let ds = dataset(None);
        let plan = used(&ds, [index]);
        assert!(!plan.is_empty());
        let mut out = vec![0u8; ds.sample_bytes()];
        ds.render(index, &mut out).unwrap();
        assert_eq!(counts(&ds).made, plan.len() as u64, "image {index}");
        let work = ds.shared_work().unwrap();
        assert!((0..5).all(|p| work.is_done(p) == plan.contains(&p)), "image {index}");
    }
    assert!(used(&ds, 0..ds.len()).iter().all(|&p| p < 5));
    assert_eq!(counts(&ds), Counts::default(), "planning makes nothing");
}

#[test]
fn cold_warm_and_in_memory_pools_give_the_same_bytes_on_any_threads() {
    let kept = cache("warm");
    let memory = all(&dataset(None), 1);
    let cold = dataset(Some(&kept));
    assert!(all(&cold, 2) == memory);
    let needed = used(&cold, 0..6).len() as u64;
    assert_eq!(counts(&cold), Counts { made: needed, ..Counts::default() });
    assert_eq!(entries(&kept).len() as u64, needed);
    // Another dataset (another run) reads every texture back, makes none.
    let warm = dataset(Some(&kept));
    assert!(all(&warm, 1) == memory);
    assert_eq!(counts(&warm), Counts { read: needed, ..Counts::default() });
    // Two threads, cold, in memory: the same bytes.
    assert!(all(&dataset(None), 2) == memory);
    std::fs::remove_dir_all(kept.root()).unwrap();
}

#[test]
fn a_corrupt_texture_in_the_cache_is_made_again_not_trusted() {
    let kept = cache("corrupt");
    let memory = all(&dataset(None), 1);
    all(&dataset(Some(&kept)), 1);
    let files = entries(&kept);
    let needed = files.len() as u64;
    // A flipped byte (in the JPEG data) and a truncated file.
    let mut flipped = std::fs::read(&files[0]).unwrap();
    let at = flipped.len() - 40;
    flipped[at] ^= 0x10;
    std::fs::write(&files[0], &flipped).unwrap();
    let whole = std::fs::read(&files[1]).unwrap();
    std::fs::write(&files[1], &whole[..whole.len() / 2]).unwrap();
    let ds = dataset(Some(&kept));
    assert!(all(&ds, 2) == memory);
    assert_eq!(counts(&ds), Counts { made: 2, read: needed - 2, rejected: 2, unwritten: 0 });
    // Rewritten whole: the next run reads everything back.
    let again = dataset(Some(&kept));
    assert!(all(&again, 1) == memory);
    assert_eq!(counts(&again), Counts { read: needed, ..Counts::default() });
    std::fs::remove_dir_all(kept.root()).unwrap();
}

#[test]
fn a_run_resumed_after_an_interruption_remakes_nothing_it_kept() {
    let kept = cache("resume");
    let memory = all(&dataset(None), 1);
    // The interrupted run: the first two images made (and kept) their textures, then it stopped,
    // leaving a half-written temporary file as Ctrl-C may.
    let first = dataset(Some(&kept));
    let mut out = vec![0u8; 2 * first.sample_bytes()];
    first.render_batch(&[0, 1], &mut [&mut out], 2).unwrap();
    let done = used(&first, [0, 1]);
    assert_eq!(counts(&first).made, done.len() as u64);
    drop(first);
    let folder = entries(&kept)[0].parent().unwrap().to_owned();
    std::fs::write(folder.join(".00004.texture.99999-0.tmp"), b"half a tex").unwrap();
    // The resumed run: what was kept is read back, only the rest is made.
    let resumed = dataset(Some(&kept));
    let work = resumed.shared_work().unwrap();
    assert!(done.iter().all(|&p| work.is_done(p)));
    let all_used = used(&resumed, 0..6);
    assert!(all(&resumed, 2) == memory);
    let c = counts(&resumed);
    assert_eq!((c.made, c.read, c.rejected), ((all_used.len() - done.len()) as u64, done.len() as u64, 0));
    std::fs::remove_dir_all(kept.root()).unwrap();
}

#[test]
fn prepare_makes_the_whole_pool_and_shares_it_through_the_cache() {
    let kept = cache("prepare");
    let ds = dataset(Some(&kept));
    ds.prepare(2, &|_, _| ()).unwrap();
    assert_eq!(counts(&ds).made, 5);
    let other = dataset(Some(&kept));
    other.prepare(1, &|_, _| ()).unwrap();
    assert_eq!(counts(&other), Counts { read: 5, ..Counts::default() });
    assert!(all(&other, 2) == all(&dataset(None), 1));
    assert_eq!(counts(&other).made, 0);
    std::fs::remove_dir_all(kept.root()).unwrap();
}
