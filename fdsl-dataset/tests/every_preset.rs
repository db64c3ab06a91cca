//! For every preset: a sample's bytes do not depend on how it is asked for — alone, in its units,
//! in a random order through one workspace, or in batches on 1, 2 or all threads — nor on whether
//! the dataset was opened from the short form or from its whole spec.

use fdsl_core::math::stream::{Namespace, Purpose, StreamKey, shuffle};
use fdsl_dataset::dataset::Scratch;

use fdsl_dataset::families::Settings;
use fdsl_dataset::{Dataset, Registry, Sample};

/// The short form of the spec of a preset's example ([`fdsl_dataset::preset::Example`]), seed 3.
fn small(preset: &str) -> String {
    let example = Settings::preset(preset).unwrap().example().overrides();
    serde_json::to_string(&fdsl_dataset::Request::of_preset(preset, 3, &example).unwrap()).unwrap()
}

/// A sample's parts' bytes.
type Parts = Vec<Vec<u8>>;

/// Every sample's parts, rendered in index order through one scratch (units in turn).
fn in_order(ds: &Dataset) -> Vec<Parts> {
    let samples: Vec<Sample> = (0..ds.len()).map(|i| ds.sample(i).unwrap()).collect();
    let mut bytes = Vec::new();
    ds.render_samples(samples, &mut Scratch::default(), |_, b| {
        bytes.push(b.iter().map(|p| p.to_vec()).collect());
        Ok(())
    })
    .unwrap();
    bytes
}

/// Fresh buffers for one sample of `ds`: one per part, each its most bytes.
fn buffers(ds: &Dataset, samples: usize) -> Parts {
    ds.parts().iter().map(|p| vec![0u8; p.max_len() * samples]).collect()
}

/// Sample `i` alone, with fresh buffers.
fn alone(ds: &Dataset, i: u64) -> anyhow::Result<Parts> {
    let mut bufs = buffers(ds, 1);
    let mut out: Vec<&mut [u8]> = bufs.iter_mut().map(Vec::as_mut_slice).collect();
    let lens = ds.render_parts(i, &mut out)?;
    Ok(bufs
        .into_iter()
        .zip(lens)
        .map(|(mut b, n)| {
            b.truncate(n);
            b
        })
        .collect())
}

fn shuffled(n: u64, step: u64) -> Vec<u64> {
    let mut order: Vec<u64> = (0..n).collect();
    let key = StreamKey {
        seed: 1,
        namespace: Namespace::FractalDb,
        category: 0,
        instance: step,
        purpose: Purpose::Order,
    };
    shuffle(&mut key.rng(), &mut order);
    order
}

#[test]
fn every_way_of_asking_gives_the_same_bytes() {
    for preset in Settings::preset_names() {
        let ds = Dataset::open(&small(preset)).unwrap_or_else(|e| panic!("{preset}: {e:#}"));
        let expected = in_order(&ds);
        assert_eq!(expected.len() as u64, ds.len(), "{preset}");
        assert!(
            expected.iter().any(|b| b[0].iter().any(|&v| v != expected[0][0][0])),
            "{preset}: blank samples"
        );

        // Alone, in a random order, each with fresh buffers.
        let order = shuffled(ds.len(), 0);
        for &i in order.iter().take(12) {
            assert!(alone(&ds, i).unwrap() == expected[i as usize], "{preset}: sample {i} alone");
        }
        // In a random order through one scratch: what it holds from another unit must not leak.
        let samples: Vec<Sample> = order.iter().map(|&i| ds.sample(i).unwrap()).collect();
        let mut got = Vec::new();
        ds.render_samples(samples, &mut Scratch::default(), |s, b| {
            got.push((ds.index_of(s), b.iter().map(|p| p.to_vec()).collect::<Parts>()));
            Ok(())
        })
        .unwrap();
        for (i, b) in got {
            assert!(b == expected[i as usize], "{preset}: sample {i} in a random order");
        }
        // The whole spec (as manifest.json records it) is the same dataset.
        let whole = Dataset::open(&serde_json::to_string(&ds.spec).unwrap()).unwrap();
        assert_eq!(whole.spec, ds.spec, "{preset}");
        assert!(in_order(&whole) == expected, "{preset}: opened from its whole spec");
        // Labels: the class, or -1 for scenes and SegRCDB's images.
        for i in [0, ds.len() - 1] {
            let class = if ds.labelled() { ds.sample(i).unwrap().class as i64 } else { -1 };
            assert_eq!(ds.label(i).unwrap(), class, "{preset}");
        }
        assert!(ds.sample(ds.len()).is_err() && alone(&ds, ds.len()).is_err());
        // One buffer per part, no fewer: nothing splits a sample's bytes by length.
        let mut bufs = buffers(&ds, 1);
        let mut short: Vec<&mut [u8]> = bufs.iter_mut().map(Vec::as_mut_slice).skip(1).collect();
        let err = ds.render_parts(0, &mut short).unwrap_err();
        assert!(err.to_string().contains("give one per part"), "{preset}: {err}");
        // A mask part labels each pixel with a class + 1, or 0.
        for (part, bytes) in ds.parts().iter().zip(&expected[expected.len() - 1]) {
            if part.role == fdsl_dataset::Role::Mask {
                assert!(
                    bytes.iter().any(|&v| v != 0) && bytes.iter().all(|&v| v as usize <= ds.class_count())
                );
            }
        }

        if ds.parts().iter().any(|p| p.dims.is_bounded()) {
            let mut bufs = buffers(&ds, 1);
            let mut out: Vec<&mut [u8]> = bufs.iter_mut().map(Vec::as_mut_slice).collect();
            let err = ds.render_batch(&[0], &mut out, 1).unwrap_err();
            assert!(err.to_string().contains("varies in size"), "{err}");
            continue;
        }
        // Batches: a random order with repeats, on 1, 2 and all threads.
        let mut indices = shuffled(ds.len(), 1);
        indices.extend_from_slice(&indices.clone()[..indices.len().min(3)]);
        for threads in [1, 2, 0] {
            let mut bufs = buffers(&ds, indices.len());
            let mut out: Vec<&mut [u8]> = bufs.iter_mut().map(Vec::as_mut_slice).collect();
            ds.render_batch(&indices, &mut out, threads).unwrap();
            for (k, &i) in indices.iter().enumerate() {
                for (p, (part, buffer)) in ds.parts().iter().zip(&bufs).enumerate() {
                    let slot = &buffer[k * part.max_len()..(k + 1) * part.max_len()];
                    assert!(
                        slot == expected[i as usize][p],
                        "{preset}: sample {i} in a batch on {threads} threads"
                    );
                }
            }
        }
        let mut bufs = buffers(&ds, 2);
        let last = bufs.len() - 1;
        bufs[last].pop();
        let mut out: Vec<&mut [u8]> = bufs.iter_mut().map(Vec::as_mut_slice).collect();
        let err = ds.render_batch(&[0, 1], &mut out, 1).unwrap_err();
        assert!(err.to_string().contains("sample(s) need"), "{err}");
    }
}

#[test]
fn shared_work_done_ahead_gives_the_same_bytes() {
    for preset in Settings::preset_names() {
        let ds = Dataset::open(&small(preset)).unwrap();
        match preset {
            "dead-leaves-textured" => {
                assert_eq!(ds.preparation(), Some((4, "making the texture pool", "textures")))
            }
            _ => assert_eq!(ds.preparation(), None, "{preset}"),
        }
    }
    let lazy = Dataset::open(&small("dead-leaves-textured")).unwrap();
    let ahead = Dataset::open(&small("dead-leaves-textured")).unwrap();
    let calls = std::sync::atomic::AtomicU64::new(0);
    ahead
        .prepare(2, &|done, total| {
            assert!(done <= total && total == 4);
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        })
        .unwrap();
    assert_eq!(calls.into_inner(), 4);
    assert!(in_order(&ahead) == in_order(&lazy));
    assert!(ahead.prepare(5000, &|_, _| ()).unwrap_err().to_string().contains("threads must be 0"));
}

#[test]
fn bad_specs_are_errors_that_say_why() {
    let err = |json: &str| format!("{:#}", Dataset::open(json).unwrap_err());
    assert!(err("{").contains("not valid JSON"));
    assert!(err(r#"{"preset": "nope"}"#).contains("unknown preset \"nope\""));
    assert!(err(r#"{"preset": "rcdb-1k", "colours": 1}"#).contains("unknown field `colours`"));
    assert!(
        err(r#"{"preset": "rcdb-1k", "color": "hue"}"#)
            .contains("--colour does not apply to the rcdb-1k preset")
    );
    assert!(
        err(r#"{"preset": "ofdb-1k", "colour": "red"}"#)
            .contains("--colour: \"red\" is not one of grey, hue")
    );
    assert!(
        err(r#"{"preset": "segrcdb", "mask_mode": "garbage"}"#)
            .contains("is not one of lines, rings, filled")
    );
    // The references' upper-case names, in any case, as the command line takes them.
    let m1 = Dataset::open(r#"{"preset": "segrcdb", "mask_mode": "m1", "instances": 1}"#).unwrap();
    assert_eq!(
        m1.spec,
        Dataset::open(r#"{"preset": "segrcdb", "mask_mode": "lines", "instances": 1}"#).unwrap().spec
    );
    assert!(
        err(r#"{"preset": "fractaldb-1k", "weight_step": "x"}"#)
            .contains("--weight-step: \"x\" is not a valid value")
    );
    assert!(
        err(r#"{"preset": "rcdb-1k", "points": 9}"#)
            .contains("--points does not apply to the rcdb-1k preset")
    );
    assert!(err(r#"{"preset": "fractaldb-1k", "categories": 1001}"#).contains("has 1000 categories"));
    assert!(err(r#"{"seed": 1}"#).contains("missing field `preset`"));
    assert!(
        err(r#"{"preset": "segrcdb", "mask_mode": "M4"}"#)
            .contains("--mask-mode: \"M4\" is not one of lines, rings, filled, M1, M2, M3")
    );
    // The reference's names of the mask modes are read, fdsl's written.
    let m3 =
        Dataset::open(r#"{"preset": "segrcdb", "mask_mode": "M3", "instances": 2, "size": 32}"#).unwrap();
    assert_eq!(serde_json::to_value(&m3.spec).unwrap()["mask_mode"], "filled");
    assert!(err(r#"{"preset": "segrcdb", "categories": 255}"#).contains("at most 254 for SegRCDB"));
    assert!(
        err(r#"{"preset": "segrcdb", "instances_per_image": 0}"#)
            .contains("--instances-per-image must be between 1")
    );
    assert!(
        err(r#"{"preset": "rcdb-1k", "mask_mode": "filled"}"#)
            .contains("--mask-mode does not apply to the rcdb-1k preset")
    );
    // A whole spec whose categories are not those it names.
    let ds = Dataset::open(&small("rcdb-1k")).unwrap();
    let mut spec = serde_json::to_value(&ds.spec).unwrap();
    spec["categories_sha256"] = "00".into();
    assert!(err(&spec.to_string()).contains("SHA-256 differs"));
}

/// A value that is anything an f64 can be, NaN and infinities included.
fn any_f64() -> impl proptest::strategy::Strategy<Value = f64> {
    use proptest::prelude::*;
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(-0.0),
        -2.0..2.0f64,
        any::<f64>()
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

    /// Any request — out-of-range sizes, NaN or infinite weights and ratios, zero counts — is a
    /// dataset or an error, never a panic; a dataset renders its first and last samples. (Always a
    /// few categories: the 3-D presets' default of 1,000 is a 6 s search per case.)
    #[test]
    fn any_request_opens_or_says_why(
        preset in proptest::sample::select(Settings::preset_names()),
        seed in proptest::prelude::any::<u64>(),
        categories in 0usize..4,
        instances in proptest::option::of(0usize..60),
        size in proptest::option::of(0u32..200),
        points in proptest::option::of(0u32..3000),
        weight_step in proptest::option::of(any_f64()),
        mix_ratio in proptest::option::of(any_f64()),
        objects in proptest::option::of(0u32..1500),
        val_per_class in 0usize..50,
    ) {
        let preset = preset.to_owned();
        // Non-finite numbers reach the library as JSON null (JSON has no NaN): refused as values.
        let settings = [
            ("points", points.map(serde_json::Value::from)),
            ("weight_step", weight_step.map(serde_json::Value::from)),
            ("mix_ratio", mix_ratio.map(serde_json::Value::from)),
            ("objects", objects.map(serde_json::Value::from)),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some((name.to_owned(), value?)))
        .collect();
        let request = fdsl_dataset::Request {
            preset, seed, categories: Some(categories), instances, size, val_per_class, settings,
            ..Default::default()
        };
        if let Ok(ds) = Dataset::from_request(&request, &|_, _| {}) {
            for i in [0, ds.len() - 1] {
                proptest::prop_assert!(alone(&ds, i).is_ok());
            }
        }
    }
}

/// Validation without leakage: a val split that would share a unit of work (a chaos game, a
/// canvas, a 3-D model) with training images is an error naming valid sizes; every split allowed
/// keeps them apart, for every preset.
#[test]
fn validation_never_shares_work_with_training() {
    let err = |json: &str| format!("{:#}", Dataset::open(json).unwrap_err());
    let fractal = r#""preset": "fractaldb-1k", "categories": 1, "instances": 120, "size": 32, "points": 500"#;
    let said = err(&format!("{{{fractal}, \"val_per_class\": 10}}"));
    assert!(said.contains("one chaos game") && said.contains("take 40 (or 0: no val split)"), "{said}");
    assert!(err(&format!("{{{fractal}, \"val_per_class\": 50}}")).contains("take 40 or 80"));
    let mv = r#""preset": "mv-fractaldb-1k", "categories": 1, "instances": 30, "size": 32, "points": 500"#;
    assert!(err(&format!("{{{mv}, \"val_per_class\": 5}}")).contains("take 6 (or 0"));
    let ex = r#""preset": "exfractaldb-1k", "categories": 1, "instances": 150, "size": 32, "points": 500"#;
    let said = err(&format!("{{{ex}, \"val_per_class\": 5}}"));
    assert!(said.contains("model i mod 145") && said.contains("validate on other categories"), "{said}");
    let pc = r#""preset": "pc-fractaldb-1k", "categories": 2, "instances": 10, "points": 100"#;
    assert!(err(&format!("{{{pc}, \"val_per_class\": 2}}")).contains("its class's own part"));

    let allowed = [
        format!("{{{fractal}, \"val_per_class\": 80}}"),
        format!("{{{mv}, \"val_per_class\": 18}}"),
        r#"{"preset": "exfractaldb-1k", "categories": 1, "instances": 100, "size": 32, "points": 500, "val_per_class": 7}"#.into(),
        r#"{"preset": "rcdb-1k", "categories": 2, "instances": 9, "size": 32, "val_per_class": 4}"#.into(),
        r#"{"preset": "pc-fractaldb-scenes", "categories": 2, "instances": 9, "points": 100, "val_per_class": 4}"#.into(),
        r#"{"preset": "segrcdb", "categories": 3, "instances": 9, "size": 32, "val_per_class": 4}"#.into(),
    ];
    for json in allowed {
        let ds = Dataset::open(&json).unwrap_or_else(|e| panic!("{json}: {e:#}"));
        let split = |i: u64| ds.split_of(ds.sample(i).unwrap().instance);
        let units = |s| -> std::collections::HashSet<(usize, u64)> {
            (0..ds.len()).filter(|&i| split(i) == s).map(|i| ds.unit_of(i).unwrap()).collect()
        };
        let (train, val) = (units(fdsl_dataset::Split::Train), units(fdsl_dataset::Split::Val));
        assert!(!val.is_empty() && train.is_disjoint(&val), "{json}");
    }
}
