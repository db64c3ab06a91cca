//! PrimGeoSeg against its reference and its own invariants.
//!
//! `tests/data/primgeoseg_reference.txt` (`scripts/reference_primgeoseg.py REPO golden`) holds the
//! reference's config001 volumes for `random.seed(0..=2); make_data()` (opencv-python-headless
//! 4.9.0.80, numpy 1.24.4): sha256 of the image and label as Fortran-order float64 (the spec's
//! checksums) and as C-order bytes (fdsl's layout), and CPython's `math.cos`/`math.sin` at whole degrees (glibc's bits).

use fdsl_core::families::primgeoseg::{CONFIG001, Keyed, PrimGeoSegError, Settings, render, scratch_words};
use fdsl_core::math::mt19937::Mt19937;
use proptest::prelude::*;
use sha2::{Digest, Sha256};

const REFERENCE: &str = include_str!("data/primgeoseg_reference.txt");

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// sha256 of a byte volume (C order, `side³`) as the reference's float64 array in Fortran order, the
/// bytes of its NIfTI files.
fn sha_f64(v: &[u8], side: usize) -> String {
    let mut h = Sha256::new();
    for k in 0..side {
        for j in 0..side {
            for i in 0..side {
                h.update(f64::from(v[(i * side + j) * side + k]).to_le_bytes());
            }
        }
    }
    hex(&h.finalize())
}

/// One volume of `settings` from `draws`: (image, labels, placed).
fn volume(
    settings: &Settings,
    draws: &mut impl fdsl_core::families::primgeoseg::Draws,
) -> (Vec<u8>, Vec<u8>, usize) {
    let n = settings.voxels();
    let (mut img, mut lab, mut scratch) = (vec![0u8; n], vec![0u8; n], vec![0u32; scratch_words(settings)]);
    let placement = render(settings, draws, &mut scratch, &mut img, &mut lab).unwrap();
    (img, lab, placement.placed)
}

/// The reference's volumes of `random.seed(0..=2)` under `settings`, from the rows starting with `key`.
fn same_as_the_reference(key: &str, settings: &Settings) {
    let rows: Vec<Vec<&str>> = REFERENCE
        .lines()
        .filter(|l| l.split(' ').next() == Some(key))
        .map(|l| l.split(' ').collect())
        .collect();
    assert_eq!(rows.len(), 3);
    for row in rows {
        let seed: u64 = row[1].parse().unwrap();
        let (img, lab, _) = volume(settings, &mut Mt19937::python_seed(seed));
        let on = img.iter().filter(|&&v| v != 0).count();
        let fg = lab.iter().filter(|&&v| v != 0).count();
        assert_eq!(
            (on.to_string(), fg.to_string()),
            (row[2].to_string(), row[3].to_string()),
            "seed {seed}: counts"
        );
        assert_eq!(sha_f64(&img, settings.side), row[4], "seed {seed}: image");
        assert_eq!(sha_f64(&lab, settings.side), row[5], "seed {seed}: labels");
        assert_eq!(hex(&Sha256::digest(&img)), row[6], "seed {seed}: image bytes");
        assert_eq!(hex(&Sha256::digest(&lab)), row[7], "seed {seed}: label bytes");
    }
}

#[test]
fn cpython_mode_makes_the_reference_volumes() {
    same_as_the_reference("volume", &CONFIG001);
}

#[test]
fn cpython_mode_makes_the_reference_volumes_with_rotations() {
    same_as_the_reference("rotated", &Settings { rotate: true, ..CONFIG001 });
}

/// The vertex offsets `int(r·cos θ)`, `int(r·sin θ)` (radians as `θ·π/180`) are CPython's for every
/// whole degree and every radius a primitive can have (0 to 45): libm's `cos`/`sin` differ from
/// glibc's by one ulp at 21 of these 722 values, never enough to move a truncation.
#[test]
fn vertex_offsets_are_cpython_s() {
    let (mut ulps, mut checked) = (0, 0);
    for row in REFERENCE.lines().filter(|l| l.starts_with("trig ")) {
        let f: Vec<&str> = row.split(' ').collect();
        let t = f[1].parse::<f64>().unwrap().to_radians();
        for (ours, theirs) in [(libm::cos(t), f[2]), (libm::sin(t), f[3])] {
            let theirs = f64::from_bits(u64::from_str_radix(theirs, 16).unwrap());
            ulps += usize::from(ours != theirs);
            for r in 0..=45 {
                assert_eq!((f64::from(r) * ours) as i64, (f64::from(r) * theirs) as i64, "{row}, r {r}");
                checked += 1;
            }
        }
    }
    assert_eq!((checked, ulps), (361 * 2 * 46, 21));
}

#[test]
fn fdsl_streams_golden() {
    let got: Vec<String> = (0..3)
        .map(|i| {
            let (img, lab, placed) = volume(&CONFIG001, &mut Keyed::new(0, i));
            format!("{placed} {} {}", &hex(&Sha256::digest(&img))[..16], &hex(&Sha256::digest(&lab))[..16])
        })
        .collect();
    assert_eq!(
        got,
        [
            "19 8534c84e18afad5f 61a0aaba67f715ba",
            "17 00c0f76954e4a909 06c1f43409a18b0d",
            "17 eafb7c1ab1119de1 f25de63e88fc768a",
        ]
    );
}

/// fdsl's streams against the reference's statistics: over volumes 0..100 of seed 0, each mean of
/// `tests/data/primgeoseg_fidelity.txt` (the reference's own runs and fdsl's CPython-mode replay of
/// it, `scripts/summarise_primgeoseg.py`) is met within 4 standard errors of a 100-volume mean.
#[test]
fn default_mode_statistics_match_the_reference() {
    let volumes = 100;
    let mut sums = std::collections::BTreeMap::<&str, f64>::new();
    for i in 0..volumes {
        let (img, lab, placed) = volume(&CONFIG001, &mut Keyed::new(0, i));
        let mut classes = [0f64; 33];
        for &l in &lab {
            classes[usize::from(l)] += 1.0;
        }
        let fg: f64 = classes[1..].iter().sum();
        let on = img.iter().filter(|&&v| v != 0).count() as f64;
        let on_fg = img.iter().zip(&lab).filter(|&(&v, &l)| v != 0 && l != 0).count() as f64;
        let n = lab.len() as f64;
        let share = |k: usize| classes[1..].iter().skip(k).step_by(4).sum::<f64>() / fg;
        for (name, v) in [
            ("placed", placed as f64),
            ("failure_rate", 1.0 - placed as f64 / 20.0),
            ("fg_fraction", fg / n),
            ("outline_fraction", on / n),
            ("outline_in_fg", on_fg / on),
            ("classes", classes[1..].iter().filter(|&&c| c > 0.0).count() as f64),
            ("ellipse_share", classes[1..5].iter().sum::<f64>() / fg),
            ("prism_share", share(0)),
            ("hourglass_share", share(1)),
            ("pyramid_share", share(2)),
            ("rhombus_share", share(3)),
        ] {
            *sums.entry(name).or_default() += v;
        }
    }
    let band = include_str!("data/primgeoseg_fidelity.txt");
    for (name, sum) in sums {
        let row: Vec<&str> =
            band.lines().find(|l| l.split(' ').next() == Some(name)).unwrap().split(' ').collect();
        let (mean, sd): (f64, f64) = (row[1].parse().unwrap(), row[2].parse().unwrap());
        let ours = sum / volumes as f64;
        assert!(
            (ours - mean).abs() <= 4.0 * sd / (volumes as f64).sqrt(),
            "{name}: fdsl {ours}, reference {mean} (sd {sd})"
        );
    }
}

/// The family renders through its parts what `render` gives, in both draw modes.
#[test]
fn the_family_renders_its_two_parts() {
    use fdsl_core::families::primgeoseg::{DrawMode, PrimGeoSeg};
    use fdsl_core::family::{Family, Held, Role, Workspace};
    for (mode, draws) in [(DrawMode::Streams, 0), (DrawMode::CPython, 1)] {
        let family = PrimGeoSeg::new(CONFIG001, 7, mode).unwrap();
        let parts = family.parts();
        assert_eq!(
            (parts.len(), parts.get(0).unwrap().role, parts.get(1).unwrap().role),
            (2, Role::Volume, Role::Labels)
        );
        assert_eq!(
            (parts.max_len(0), parts.max_len(1), family.classes(), family.labelled()),
            (96 * 96 * 96, 96 * 96 * 96, 32, false)
        );
        let mut arena = vec![0u64; family.scratch_len().words()];
        let mut held = Held::default();
        let mut ws = Workspace::new(&mut arena, &mut held);
        let (mut v, mut l) = (vec![0u8; parts.max_len(0)], vec![0u8; parts.max_len(1)]);
        let filled = family.render_parts(0, 3, &mut ws, &mut [&mut v, &mut l]).unwrap();
        assert_eq!((filled.bytes(0), filled.bytes(1)), (v.len(), l.len()));
        let (img, lab, _) = if draws == 0 {
            volume(&CONFIG001, &mut Keyed::new(7, 3))
        } else {
            volume(&CONFIG001, &mut Mt19937::python_seed(10))
        };
        assert!(img == v && lab == l, "{mode:?}");
        let mut name = String::new();
        family.write_name(0, 3, &mut name).unwrap();
        assert_eq!(name, "0003");
    }
    assert!(PrimGeoSeg::new(Settings { side: 89, ..CONFIG001 }, 0, DrawMode::Streams).is_err());
}

#[test]
fn small_volumes_and_bad_settings_are_refused() {
    let mut scratch = vec![0u32; scratch_words(&CONFIG001)];
    let (mut a, mut b) = (vec![0u8; 96 * 96 * 96], vec![0u8; 96 * 96 * 96]);
    let mut go = |s: Settings| render(&s, &mut Keyed::new(0, 0), &mut scratch, &mut a, &mut b).err();
    assert_eq!(go(Settings { side: 89, ..CONFIG001 }), Some(PrimGeoSegError::Side));
    assert_eq!(go(Settings { primitives: 0, ..CONFIG001 }), Some(PrimGeoSegError::Primitives));
    assert_eq!(go(Settings { occlusion: f64::NAN, ..CONFIG001 }), Some(PrimGeoSegError::Occlusion));
    assert_eq!(go(Settings { side: 97, ..CONFIG001 }), Some(PrimGeoSegError::Buffer));
}

/// Every outline voxel lies within 2 voxels of a labelled voxel (in a 5 x 5 x 5 box: the ring is
/// drawn in its slice's plane, which a rotation turns to another axis): outlines are 2-px rings
/// around their fills, and labels are only ever overwritten by other classes.
fn outline_near_labels(img: &[u8], lab: &[u8], side: usize) -> bool {
    let at = |i: usize, j: usize, k: usize| (i * side + j) * side + k;
    let near = |v: usize| v.saturating_sub(2)..=(v + 2).min(side - 1);
    (0..side).all(|k| {
        (0..side).all(|j| {
            (0..side).all(|i| {
                img[at(i, j, k)] == 0
                    || near(k).any(|kk| near(j).any(|jj| near(i).any(|ii| lab[at(ii, jj, kk)] != 0)))
            })
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn any_seed_and_side_renders_a_valid_volume(
        seed in any::<u64>(),
        index in 0u64..1_000_000,
        side in 90usize..130,
        primitives in 1usize..24,
        fix in any::<bool>(),
        reduce_xy in any::<bool>(),
        reduce_z in any::<bool>(),
        rotate in any::<bool>(),
    ) {
        let settings = Settings { side, primitives, occlusion: 0.7, fix_volume_bug: fix, reduce_xy, reduce_z, rotate };
        let (img, lab, placed) = volume(&settings, &mut Keyed::new(seed, index));
        prop_assert!(placed >= 1 && placed <= primitives);
        prop_assert!(img.iter().all(|&v| v == 0 || v == 128));
        prop_assert!(lab.iter().all(|&v| usize::from(v) <= settings.classes()));
        prop_assert!(lab.iter().any(|&v| v != 0) && img.iter().any(|&v| v != 0));
        prop_assert!(outline_near_labels(&img, &lab, side));
        let again = volume(&settings, &mut Keyed::new(seed, index));
        prop_assert!(again.0 == img && again.1 == lab);
    }
}
