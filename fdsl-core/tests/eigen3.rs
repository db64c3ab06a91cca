//! `fdsl_core::math::eigen3` against `scipy.linalg.eig` (LAPACK `dgeev` in SciPy's bundled
//! OpenBLAS): the fixture `data/eigen3_dgeev.bin` of `scripts/eigen3_fixture.py` holds the colour
//! models' scatter matrices and edge cases with SciPy's eigenvalues and eigenvectors.

use fdsl_core::math::eigen3::{Eigen3Error, Matrix3, eig3};

const FIXTURE: &[u8] = include_bytes!("data/eigen3_dgeev.bin");

/// One fixture record.
struct Case {
    matrix: Matrix3,
    wr: [f64; 3],
    wi: [f64; 3],
    vr: Matrix3,
}

fn cases() -> Vec<Case> {
    let end = FIXTURE.windows(5).position(|w| w == b"#end\n").expect("the header ends with #end") + 5;
    let body = &FIXTURE[end..];
    assert_eq!(body.len() % (24 * 8), 0, "whole records of 24 f64");
    body.chunks_exact(24 * 8)
        .map(|record| {
            let f: Vec<f64> =
                record.chunks_exact(8).map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes"))).collect();
            let m = |o: usize| -> Matrix3 {
                core::array::from_fn(|r| core::array::from_fn(|c| f[o + 3 * r + c]))
            };
            Case { matrix: m(0), wr: [f[9], f[10], f[11]], wi: [f[12], f[13], f[14]], vr: m(15) }
        })
        .collect()
}

/// The smallest distance between two eigenvalues over the largest modulus (0 for the zero matrix).
fn relative_gap(values: [f64; 3]) -> f64 {
    let mut w = values;
    w.sort_by(f64::total_cmp);
    let spread = w[0].abs().max(w[2].abs());
    if spread == 0.0 { 0.0 } else { (w[1] - w[0]).min(w[2] - w[1]) / spread }
}

#[test]
fn eigen3_matches_scipy_dgeev() {
    let cases = cases();
    assert!(cases.len() >= 10_000, "{} matrices", cases.len());
    let (mut strict, mut close, mut close_same, mut complex) = (0, 0, 0, 0);
    let mut worst_value = 0.0f64;
    let mut worst_vector = 0.0f64;
    for (n, case) in cases.iter().enumerate() {
        let got = eig3(case.matrix);
        if case.wi.iter().any(|&w| w != 0.0) {
            assert_eq!(got, Err(Eigen3Error::Complex), "matrix {n}: SciPy's spectrum is complex");
            complex += 1;
            continue;
        }
        let got = got.unwrap_or_else(|e| panic!("matrix {n}: {e}"));
        let spread = case.wr.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(f64::MIN_POSITIVE);
        let gap = relative_gap(case.wr);
        if gap > 1e-9 {
            // Same order and signs: each value and vector where SciPy has it.
            for j in 0..3 {
                let dv = (got.values[j] - case.wr[j]).abs() / spread;
                assert!(
                    dv <= 1e-12,
                    "matrix {n}: value {j} {} against {} (gap {gap:e})",
                    got.values[j],
                    case.wr[j]
                );
                worst_value = worst_value.max(dv);
                let dot: f64 = (0..3).map(|i| got.vectors[i][j] * case.vr[i][j]).sum();
                assert!(dot > 0.5, "matrix {n}: vector {j} has the other sign or direction (gap {gap:e})");
                let dx = (0..3).map(|i| (got.vectors[i][j] - case.vr[i][j]).abs()).fold(0.0, f64::max);
                assert!(dx <= 1e-12, "matrix {n}: vector {j} off by {dx:e} (gap {gap:e})");
                worst_vector = worst_vector.max(dx);
            }
            strict += 1;
        } else {
            // Eigenvalues within rounding of each other: the set of values agrees; order and
            // signs are counted, not required.
            let same = (0..3).all(|j| {
                (got.values[j] - case.wr[j]).abs() / spread <= 1e-12
                    && (0..3).all(|i| (got.vectors[i][j] - case.vr[i][j]).abs() <= 1e-12)
            });
            close_same += usize::from(same);
            let mut a = got.values;
            let mut b = case.wr;
            a.sort_by(f64::total_cmp);
            b.sort_by(f64::total_cmp);
            for j in 0..3 {
                assert!((a[j] - b[j]).abs() / spread <= 1e-12, "matrix {n}: values {a:?} against {b:?}");
            }
            close += 1;
        }
    }
    eprintln!(
        "eigen3: {strict} matrices with the same order and signs (worst value {worst_value:e}, worst vector \
         {worst_vector:e}), {close} with a relative gap <= 1e-9 (the same values; the same order and vectors in \
         {close_same}), {complex} complex"
    );
}

#[test]
fn eigen3_refuses_what_it_cannot_answer() {
    let mut m = [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0]];
    m[1][2] = f64::NAN;
    assert_eq!(eig3(m), Err(Eigen3Error::NotFinite));
    // A rotation by 90 degrees in the first plane: eigenvalues ±i and 1.
    let r = [[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]];
    assert_eq!(eig3(r), Err(Eigen3Error::Complex));
}

#[test]
fn eigen3_vectors_are_unit_eigenvectors() {
    for case in cases().iter().filter(|c| c.wi == [0.0; 3]).step_by(97) {
        let got = eig3(case.matrix).expect("a real spectrum");
        let scale = case.matrix.iter().flatten().fold(0.0f64, |m, v| m.max(v.abs())).max(f64::MIN_POSITIVE);
        for j in 0..3 {
            let norm: f64 = (0..3).map(|i| got.vectors[i][j] * got.vectors[i][j]).sum();
            assert!((norm - 1.0).abs() < 1e-14);
            for i in 0..3 {
                let av: f64 = (0..3).map(|k| case.matrix[i][k] * got.vectors[k][j]).sum();
                assert!((av - got.values[j] * got.vectors[i][j]).abs() <= 1e-9 * scale);
            }
        }
    }
}
