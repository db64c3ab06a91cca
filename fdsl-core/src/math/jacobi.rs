//! Eigenvectors of a symmetric 3×3 matrix by the cyclic Jacobi method.

/// The eigenvectors of a symmetric 3×3 matrix, in columns, by decreasing eigenvalue: the cyclic
/// Jacobi method (Press et al., *Numerical Recipes*, §11.1, `jacobi`: rotations
/// `t = sgn(θ)/(|θ| + sqrt(θ² + 1))`, `θ = (a_qq − a_pp)/(2 a_pq)`) until the off-diagonal vanishes
/// or 50 sweeps.
pub fn jacobi_eigen(matrix: [[f64; 3]; 3]) -> [[f64; 3]; 3] {
    let mut a = matrix;
    let mut v = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
    for _ in 0..50 {
        let off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2];
        if off == 0.0 || off.is_nan() {
            break;
        }
        for (p, q) in [(0, 1), (0, 2), (1, 2)] {
            if a[p][q] == 0.0 {
                continue;
            }
            let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
            let t = if theta.is_infinite() {
                0.5 / theta
            } else {
                let t = 1.0 / (libm::fabs(theta) + libm::sqrt(theta * theta + 1.0));
                if theta < 0.0 { -t } else { t }
            };
            let c = 1.0 / libm::sqrt(t * t + 1.0);
            let s = t * c;
            // A ← Jᵀ A J with J the rotation in the (p, q) plane; V ← V J.
            for row in a.iter_mut() {
                let (akp, akq) = (row[p], row[q]);
                row[p] = c * akp - s * akq;
                row[q] = s * akp + c * akq;
            }
            let (rp, rq) = (a[p], a[q]);
            for k in 0..3 {
                a[p][k] = c * rp[k] - s * rq[k];
                a[q][k] = s * rp[k] + c * rq[k];
            }
            for row in v.iter_mut() {
                let (vp, vq) = (row[p], row[q]);
                row[p] = c * vp - s * vq;
                row[q] = s * vp + c * vq;
            }
        }
    }
    let mut order = [0, 1, 2];
    order.sort_unstable_by(|&i, &j| a[j][j].total_cmp(&a[i][i]));
    core::array::from_fn(|r| core::array::from_fn(|c| v[r][order[c]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jacobi_diagonalises() {
        let m = [[4.0, 1.0, 2.0], [1.0, 3.0, 0.5], [2.0, 0.5, 5.0]];
        let v = jacobi_eigen(m);
        let mut previous = f64::INFINITY;
        let columns: [[f64; 3]; 3] = core::array::from_fn(|c| v.map(|row| row[c]));
        for x in columns {
            let mx: [f64; 3] = core::array::from_fn(|r| (0..3).map(|k| m[r][k] * x[k]).sum());
            let lambda: f64 = (0..3).map(|k| mx[k] * x[k]).sum();
            assert!(lambda <= previous);
            previous = lambda;
            for (a, b) in mx.iter().zip(x) {
                assert!((a - lambda * b).abs() < 1e-12, "{mx:?} {lambda} {x:?}");
            }
            assert!((x.iter().map(|a| a * a).sum::<f64>() - 1.0).abs() < 1e-14);
        }
    }
}
