//! The eigenvalues and right eigenvectors of a real 3×3 matrix as LAPACK's `dgeev` returns them
//! (`jobvl = 'N'`, `jobvr = 'V'`), in its order and with its signs: what `scipy.linalg.eig` gives,
//! which never checks for symmetry. Baradad's statistical images rotate colours by these vectors
//! (`crate::families::statistical`), so their order and signs are part of the data.
//!
//! The path for `n = 3`, reproduced from Reference-LAPACK's Fortran (`SRC/*.f`; the same routines
//! as the `lapack-netlib` inside OpenBLAS 0.3.30, which SciPy's wheels bundle):
//! 1. `dgeev`: scale the matrix into `[√safmin/ε, ε/√safmin]` when its largest entry is outside
//!    (`dlange`, `dlascl`);
//! 2. `dgebal('B')`: isolate eigenvalues by permutation (rows with no off-diagonal entry in the
//!    active block, from the bottom; then such columns, from the left), then scale rows and columns
//!    of the active block `ilo..=ihi` by powers of 2 until their 2-norms balance (factor 0.95);
//! 3. `dgehrd` → `dgehd2`: Householder reduction to upper Hessenberg form (`dlarfg`, `dlarf`);
//! 4. `dorghr` → `dorgqr` → `dorg2r`: the orthogonal `Q` of the reduction;
//! 5. `dhseqr` → `dlahqr`: the double-shift QR algorithm on the Hessenberg block, with its
//!    deflation test (Ahues and Tisseur), exceptional shifts every 10th and 20th iteration without
//!    deflation (`KEXSH = 10`), and `dlanv2` for the standardised 2×2 blocks; `Z = Q·(rotations)`;
//! 6. `dtrevc3('R', 'B')`: back-substitution for each eigenvector of the quasi-triangular `T`
//!    (`x(k) = 1`, `dlaln2` for the 1×1 solves), multiplied by `Z` (its blocked back-transform, as
//!    the workspace SciPy passes makes it) and scaled so its largest entry has modulus 1;
//! 7. `dgebak('B', 'R')`: undo the balancing's scaling and permutation;
//! 8. normalise each vector by `dnrm2`.
//!
//! The order of the values is the diagonal of `T`, where `dlahqr`'s deflations leave them; the
//! signs follow from `x(k) = 1` and `Z`. Only real spectra are supported: a matrix whose Schur form
//! keeps a 2×2 block (complex conjugate eigenvalues) is reported as [`Eigen3Error::Complex`] (a
//! symmetric matrix, such as a scatter matrix, never has one).
//!
//! Agreement: on the colour model's scatter matrices and on edge cases (permuted, scaled,
//! repeated and near-equal eigenvalues), `tests/eigen3.rs` checks against `scipy.linalg.eig` run
//! with SciPy's bundled OpenBLAS (`tests/data/eigen3_dgeev.bin`, `scripts/eigen3_fixture.py`).
//! OpenBLAS's level-1 to 3 BLAS kernels (`dnrm2`, `drot`, `dgemv`, `dgemm`) may use other
//! operation orders or fused multiply-adds, so values agree to rounding, not bit for bit; where
//! two eigenvalues are within rounding of each other, the order itself is decided by rounding and
//! may differ. NumPy or SciPy built against Intel MKL or Apple Accelerate run their own `dgeev`
//! implementations and are not guaranteed to return the same order or signs.
//!
//! LAPACK is © 1992–2025 The University of Tennessee and The University of Tennessee Research
//! Foundation, © 2000–2025 The University of California Berkeley, © 2006–2025 The University of
//! Colorado Denver, under the modified BSD licence (`LICENSES/LAPACK.txt`); this module is a
//! derivative of its routines named above, in Rust, restricted to `n = 3` and real spectra.

/// A 3×3 matrix, row-major: `m[row][column]`.
pub type Matrix3 = [[f64; 3]; 3];

/// `dgeev`'s answer for a real spectrum.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Eigen3 {
    /// The eigenvalues, in LAPACK's order.
    pub values: [f64; 3],
    /// The right eigenvectors in columns (`vectors[i][j]` is component `i` of vector `j`), each of
    /// 2-norm 1, in the order of `values`.
    pub vectors: Matrix3,
}

/// Why [`eig3`] gives no answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Eigen3Error {
    /// An entry is infinite or NaN.
    NotFinite,
    /// The spectrum has a complex conjugate pair.
    Complex,
    /// `dlahqr` did not converge in its `30·max(10, n)` iterations (LAPACK would go on with
    /// `dlaqr0`).
    NoConvergence,
}

impl core::fmt::Display for Eigen3Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Eigen3Error::NotFinite => "the matrix has an infinite or NaN entry",
            Eigen3Error::Complex => "the matrix has complex eigenvalues",
            Eigen3Error::NoConvergence => "the QR iteration did not converge",
        })
    }
}

/// `dlamch('S')`: the safe minimum.
const SAFMIN: f64 = f64::MIN_POSITIVE;
/// `dlamch('E')`: the relative machine epsilon of rounding, `2⁻⁵³`.
const EPS_ROUND: f64 = f64::EPSILON / 2.0;
/// `dlamch('P')`: epsilon times the base, `2⁻⁵²`.
const PRECISION: f64 = f64::EPSILON;
/// The order.
const N: isize = 3;

/// `m(i, j)` with LAPACK's 1-based indices.
macro_rules! at {
    ($m:expr, $i:expr, $j:expr) => {
        $m[($i - 1) as usize][($j - 1) as usize]
    };
}

/// The eigenvalues and right eigenvectors of `matrix` in `dgeev`'s order and signs.
pub fn eig3(matrix: Matrix3) -> Result<Eigen3, Eigen3Error> {
    if matrix.iter().flatten().any(|v| !v.is_finite()) {
        return Err(Eigen3Error::NotFinite);
    }
    let mut a = matrix;
    // dgeev: scale A if its largest entry is outside [SMLNUM, BIGNUM].
    let smlnum = libm::sqrt(SAFMIN) / PRECISION;
    let bignum = 1.0 / smlnum;
    let anrm = a.iter().flatten().fold(0.0f64, |m, v| m.max(v.abs()));
    let cscale = if anrm > 0.0 && anrm < smlnum {
        Some(smlnum)
    } else if anrm > bignum {
        Some(bignum)
    } else {
        None
    };
    if let Some(to) = cscale {
        dlascl(anrm, to, a.as_flattened_mut());
    }
    let (ilo, ihi, scale) = dgebal(&mut a)?;
    let tau = dgehd2(&mut a, ilo, ihi);
    let mut z = dorghr(&a, ilo, ihi, &tau);
    let mut wr = [0.0; 3];
    // dhseqr('S', 'V'): the eigenvalues isolated by balancing, then dlahqr on the active block; `a`
    // becomes the Schur form T, `z` the Schur vectors.
    for i in (1..ilo).chain(ihi + 1..=N) {
        wr[(i - 1) as usize] = at!(a, i, i);
    }
    if ilo == ihi {
        wr[(ilo - 1) as usize] = at!(a, ilo, ilo);
    } else {
        dlahqr(&mut a, ilo, ihi, &mut wr, &mut z)?;
        at!(a, 3, 1) = 0.0;
    }
    let mut v = dtrevc3(&a, &z)?;
    dgebak(&mut v, ilo, ihi, &scale);
    for col in 0..3 {
        let norm = dnrm2([v[0][col], v[1][col], v[2][col]].into_iter());
        let scl = 1.0 / norm;
        for row in v.iter_mut() {
            row[col] *= scl;
        }
    }
    if let Some(from) = cscale {
        dlascl(from, anrm, &mut wr);
    }
    Ok(Eigen3 { values: wr, vectors: v })
}

/// `dlascl('G')`: multiply by `cto / cfrom` in steps that neither overflow nor underflow.
fn dlascl(cfrom: f64, cto: f64, values: &mut [f64]) {
    let small = SAFMIN;
    let big = 1.0 / small;
    let (mut cfromc, mut ctoc) = (cfrom, cto);
    loop {
        let cfrom1 = cfromc * small;
        let (mul, done) = if cfrom1 == cfromc {
            (ctoc / cfromc, true)
        } else {
            let cto1 = ctoc / big;
            if cto1 == ctoc {
                (ctoc, true)
            } else if cfrom1.abs() > ctoc.abs() && ctoc != 0.0 {
                cfromc = cfrom1;
                (small, false)
            } else if cto1.abs() > cfromc.abs() {
                ctoc = cto1;
                (big, false)
            } else {
                (ctoc / cfromc, true)
            }
        };
        values.iter_mut().for_each(|v| *v *= mul);
        if done {
            return;
        }
    }
}

/// `dnrm2` as OpenBLAS computes it on x86-64 (`kernel/x86_64/nrm2.S`, for fewer than 8 entries):
/// the squares summed in order in the x87 unit's extended precision (64-bit significands, round to
/// nearest even), its square root, rounded once more to `f64`. Emulated with integers
/// ([`Extended`]), so every machine gives these bits.
fn dnrm2(values: impl Iterator<Item = f64>) -> f64 {
    let mut sum = Extended::ZERO;
    for x in values.filter(|&x| x != 0.0) {
        sum = sum.add(Extended::square(x));
    }
    sum.sqrt().to_f64()
}

/// A non-negative x87 extended-precision number `m·2^e` (`m` with its top bit set, or 0).
#[derive(Clone, Copy)]
struct Extended {
    m: u64,
    e: i32,
}

impl Extended {
    const ZERO: Self = Self { m: 0, e: 0 };

    /// `p·2^e` (`p > 0`, with a sticky bit for what lies below `p`), rounded to 64 bits, nearest
    /// even.
    fn round(p: u128, e: i32, sticky: bool) -> Self {
        let lz = p.leading_zeros();
        let p = p << lz;
        let e = e - lz as i32 + 64;
        let (hi, lo) = ((p >> 64) as u64, p as u64);
        let half = 1u64 << 63;
        let up = lo > half || (lo == half && (sticky || hi & 1 == 1));
        match (up, hi.checked_add(1)) {
            (false, _) => Self { m: hi, e },
            (true, Some(m)) => Self { m, e },
            (true, None) => Self { m: half, e: e + 1 },
        }
    }

    /// `x²` rounded to extended precision (x87 `fmul`).
    fn square(x: f64) -> Self {
        let bits = x.abs().to_bits();
        let (exp, frac) = ((bits >> 52) as i32, bits & ((1 << 52) - 1));
        let (m, e) = if exp == 0 { (frac, -1074) } else { (frac | (1 << 52), exp - 1075) };
        Self::round(m as u128 * m as u128, 2 * e, false)
    }

    /// `self + other`, both non-negative (x87 `fadd`).
    fn add(self, other: Self) -> Self {
        if self.m == 0 {
            return other;
        }
        if other.m == 0 {
            return self;
        }
        let (big, small) = if self.e >= other.e { (self, other) } else { (other, self) };
        // Both significands at bits 62..126 of a u128, the smaller shifted right with a sticky bit.
        let shift = (big.e - small.e) as u32;
        let b = (small.m as u128) << 62;
        let (b, sticky) =
            if shift >= 128 { (0, b != 0) } else { (b >> shift, b & ((1u128 << shift) - 1) != 0) };
        Self::round(((big.m as u128) << 62) + b, big.e - 62, sticky)
    }

    /// `√self` rounded to extended precision (x87 `fsqrt`).
    fn sqrt(self) -> Self {
        if self.m == 0 {
            return self;
        }
        // m·2^e = (m·2^s)·2^(e−s) with e − s even and m·2^s of 127 or 128 bits.
        let s = if (self.e - 63) % 2 == 0 { 63 } else { 64 };
        let big = (self.m as u128) << s;
        let r = big.isqrt();
        let rem = big - r * r;
        // √big ≥ r + ½ exactly when rem > r (no ties: a square root is never half-way).
        Self::round(r + u128::from(rem > r), (self.e - s) / 2, false)
    }

    /// Rounded to `f64`, nearest even (x87 `fst` of a double).
    fn to_f64(self) -> f64 {
        if self.m == 0 {
            return 0.0;
        }
        let q = self.m >> 11;
        let rest = self.m & 0x7ff;
        let up = rest > 0x400 || (rest == 0x400 && q & 1 == 1);
        libm::scalbn((q + u64::from(up)) as f64, self.e + 11)
    }
}

/// `dlapy2`: `√(x² + y²)` without needless overflow.
fn dlapy2(x: f64, y: f64) -> f64 {
    let (xa, ya) = (x.abs(), y.abs());
    let (w, z) = (xa.max(ya), xa.min(ya));
    if z == 0.0 || w > f64::MAX { w } else { w * libm::sqrt(1.0 + (z / w) * (z / w)) }
}

/// Fortran's `SIGN(a, b)`: `|a|` with the sign of `b` (negative zero counts as negative).
fn sign(a: f64, b: f64) -> f64 {
    libm::copysign(a, b)
}

/// `dlarfg`: the Householder reflector `H = I − τ·v·vᵀ`, `v = (1, x/(α − β))`, with
/// `H·(α, x) = (β, 0)`; returns `(β, τ)` and overwrites `x` with `v`'s tail.
fn dlarfg(alpha: f64, x: &mut [f64]) -> (f64, f64) {
    let mut xnorm = dnrm2(x.iter().copied());
    if x.is_empty() || xnorm == 0.0 {
        return (alpha, 0.0);
    }
    let mut alpha = alpha;
    let mut beta = -sign(dlapy2(alpha, xnorm), alpha);
    let safmin = SAFMIN / EPS_ROUND;
    let mut knt = 0;
    if beta.abs() < safmin {
        let rsafmn = 1.0 / safmin;
        loop {
            knt += 1;
            x.iter_mut().for_each(|v| *v *= rsafmn);
            beta *= rsafmn;
            alpha *= rsafmn;
            if !(beta.abs() < safmin && knt < 20) {
                break;
            }
        }
        xnorm = dnrm2(x.iter().copied());
        beta = -sign(dlapy2(alpha, xnorm), alpha);
    }
    let tau = (beta - alpha) / beta;
    let scal = 1.0 / (alpha - beta);
    x.iter_mut().for_each(|v| *v *= scal);
    for _ in 0..knt {
        beta *= safmin;
    }
    (beta, tau)
}

/// `dgebal('B')`: permute and scale `a` in place; returns `(ilo, ihi, scale)` (1-based bounds of
/// the active block; `scale` holds the 1-based permutation targets outside it and the scaling
/// factors inside).
fn dgebal(a: &mut Matrix3) -> Result<(isize, isize, [f64; 3]), Eigen3Error> {
    const SCLFAC: f64 = 2.0;
    const FACTOR: f64 = 0.95;
    let mut scale = [0.0; 3];
    let (mut k, mut l) = (1isize, N);
    // dgebal's exchange of index p with q: columns over rows 1..=l, rows over columns k..=n.
    let exchange = |a: &mut Matrix3, p: isize, q: isize, l: isize, k: isize| {
        for r in 1..=l {
            let t = at!(a, r, p);
            at!(a, r, p) = at!(a, r, q);
            at!(a, r, q) = t;
        }
        for c in k..=N {
            let t = at!(a, p, c);
            at!(a, p, c) = at!(a, q, c);
            at!(a, q, c) = t;
        }
    };
    // Rows isolating an eigenvalue, searched from the bottom (the loop's bounds are fixed on entry,
    // as Fortran's DO).
    let mut noconv = true;
    while noconv {
        noconv = false;
        let top = l;
        for i in (1..=top).rev() {
            let canswap = (1..=l).all(|j| i == j || at!(a, i, j) == 0.0);
            if canswap {
                scale[(l - 1) as usize] = i as f64;
                if i != l {
                    exchange(a, i, l, l, k);
                }
                noconv = true;
                if l == 1 {
                    return Ok((1, 1, scale));
                }
                l -= 1;
            }
        }
    }
    // Columns isolating an eigenvalue, searched from the left.
    noconv = true;
    while noconv {
        noconv = false;
        let (first, last) = (k, l);
        for j in first..=last {
            let canswap = (k..=l).all(|i| i == j || at!(a, i, j) == 0.0);
            if canswap {
                scale[(k - 1) as usize] = j as f64;
                if j != k {
                    exchange(a, j, k, l, k);
                }
                noconv = true;
                k += 1;
            }
        }
    }
    for i in k..=l {
        scale[(i - 1) as usize] = 1.0;
    }
    // Balance the active block's row and column norms by powers of 2.
    let sfmin1 = SAFMIN / PRECISION;
    let sfmax1 = 1.0 / sfmin1;
    let sfmin2 = sfmin1 * SCLFAC;
    let sfmax2 = 1.0 / sfmin2;
    noconv = true;
    while noconv {
        noconv = false;
        for i in k..=l {
            let mut c = dnrm2((k..=l).map(|r| at!(a, r, i)));
            let mut r = dnrm2((k..=l).map(|cc| at!(a, i, cc)));
            let mut ca = idamax_abs((1..=l).map(|rr| at!(a, rr, i)));
            let mut ra = idamax_abs((k..=N).map(|cc| at!(a, i, cc)));
            if c == 0.0 || r == 0.0 {
                continue;
            }
            if (c + ca + r + ra).is_nan() {
                return Err(Eigen3Error::NotFinite);
            }
            let mut g = r / SCLFAC;
            let mut f = 1.0f64;
            let s = c + r;
            while c < g && f.max(c).max(ca) < sfmax2 && r.min(g).min(ra) > sfmin2 {
                f *= SCLFAC;
                c *= SCLFAC;
                ca *= SCLFAC;
                r /= SCLFAC;
                g /= SCLFAC;
                ra /= SCLFAC;
            }
            g = c / SCLFAC;
            while g >= r && r.max(ra) < sfmax2 && f.min(c).min(g).min(ca) > sfmin2 {
                f /= SCLFAC;
                c /= SCLFAC;
                g /= SCLFAC;
                ca /= SCLFAC;
                r *= SCLFAC;
                ra *= SCLFAC;
            }
            let si = scale[(i - 1) as usize];
            if c + r >= FACTOR * s
                || (f < 1.0 && si < 1.0 && f * si <= sfmin1)
                || (f > 1.0 && si > 1.0 && si >= sfmax1 / f)
            {
                continue;
            }
            let g = 1.0 / f;
            scale[(i - 1) as usize] = si * f;
            noconv = true;
            for cc in k..=N {
                at!(a, i, cc) *= g;
            }
            for rr in 1..=l {
                at!(a, rr, i) *= f;
            }
        }
    }
    Ok((k, l, scale))
}

/// `|x|` of `idamax`'s pick: the first entry of largest modulus.
fn idamax_abs(values: impl Iterator<Item = f64>) -> f64 {
    values.fold(0.0f64, |m, v| if v.abs() > m { v.abs() } else { m })
}

/// `dgehd2`: reduce rows and columns `ilo..=ihi` of `a` to upper Hessenberg form by Householder
/// reflectors `H(i)`, `v` stored below the subdiagonal of column `i`; returns the `τ`s.
fn dgehd2(a: &mut Matrix3, ilo: isize, ihi: isize) -> [f64; 3] {
    let mut tau = [0.0; 3];
    for i in ilo..ihi {
        let len = (ihi - i - 1) as usize;
        let mut x = [0.0; 2];
        for (t, xv) in x[..len].iter_mut().enumerate() {
            *xv = at!(a, i + 2 + t as isize, i);
        }
        let (beta, t) = dlarfg(at!(a, i + 1, i), &mut x[..len]);
        for (t, xv) in x[..len].iter().enumerate() {
            at!(a, i + 2 + t as isize, i) = *xv;
        }
        at!(a, i + 1, i) = beta;
        tau[(i - 1) as usize] = t;
        if t == 0.0 {
            continue;
        }
        // v = (1, x) acts on rows/columns i+1..=ihi.
        let v = |r: isize| if r == i + 1 { 1.0 } else { at!(a, r, i) };
        let vs: [f64; 3] = core::array::from_fn(|q| {
            let r = q as isize + 1;
            if r > i && r <= ihi { v(r) } else { 0.0 }
        });
        // From the right on A(1:ihi, i+1:ihi): w = A·v (dgemv), A += w·(−τ·vᵀ) (dger).
        for r in 1..=ihi {
            let w: f64 = (i + 1..=ihi).map(|c| at!(a, r, c) * vs[(c - 1) as usize]).sum();
            for c in i + 1..=ihi {
                at!(a, r, c) += w * (-t * vs[(c - 1) as usize]);
            }
        }
        // From the left on A(i+1:ihi, i+1:n): w = Aᵀ·v, A += v·(−τ·wᵀ).
        for c in i + 1..=N {
            let w: f64 = (i + 1..=ihi).map(|r| at!(a, r, c) * vs[(r - 1) as usize]).sum();
            for r in i + 1..=ihi {
                at!(a, r, c) += vs[(r - 1) as usize] * (-t * w);
            }
        }
    }
    tau
}

/// `dorghr` (with `dorg2r`): the orthogonal matrix `Q = H(ilo)·…·H(ihi−1)` of [`dgehd2`]'s
/// reflectors, accumulated backwards as `dorg2r` does.
fn dorghr(a: &Matrix3, ilo: isize, ihi: isize, tau: &[f64; 3]) -> Matrix3 {
    let mut q = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
    let nh = ihi - ilo;
    if nh <= 0 {
        return q;
    }
    // The block Q(ilo+1:ihi, ilo+1:ihi) is dorg2r's m = n = k = nh problem; reflector jj (1-based
    // in the block) is column ilo+jj−1 of `a`, acting on the block's rows jj..=nh.
    let off = ilo;
    let refl = |jj: isize, rr: isize| at!(a, off + rr, off + jj - 1);
    for i in (1..=nh).rev() {
        let t = tau[(off + i - 2) as usize];
        if i < nh {
            // H(i) from the left on block(i:nh, i+1:nh), v = (1, refl(i, i+1..nh)).
            let v = |rr: isize| if rr == i { 1.0 } else { refl(i, rr) };
            for c in i + 1..=nh {
                let w: f64 = (i..=nh).map(|rr| at!(q, off + rr, off + c) * v(rr)).sum();
                for rr in i..=nh {
                    at!(q, off + rr, off + c) += v(rr) * (-t * w);
                }
            }
        }
        for rr in i + 1..=nh {
            at!(q, off + rr, off + i) = -t * refl(i, rr);
        }
        at!(q, off + i, off + i) = 1.0 - t;
        for rr in 1..i {
            at!(q, off + rr, off + i) = 0.0;
        }
    }
    q
}

/// `dlahqr` with `wantt` and `wantz`, `iloz..ihiz = ilo..ihi`: the double-shift QR algorithm.
fn dlahqr(
    h: &mut Matrix3,
    ilo: isize,
    ihi: isize,
    wr: &mut [f64; 3],
    z: &mut Matrix3,
) -> Result<(), Eigen3Error> {
    const DAT1: f64 = 3.0 / 4.0;
    const DAT2: f64 = -0.4375;
    const KEXSH: isize = 10;
    for j in ilo..=ihi - 3 {
        at!(h, j + 2, j) = 0.0;
        at!(h, j + 3, j) = 0.0;
    }
    if ilo <= ihi - 2 {
        at!(h, ihi, ihi - 2) = 0.0;
    }
    let nh = ihi - ilo + 1;
    let ulp = PRECISION;
    let smlnum = SAFMIN * (nh as f64 / ulp);
    let (i1, i2) = (1, N);
    let itmax = 30 * nh.max(10);
    let mut kdefl = 0;
    let mut i = ihi;
    while i >= ilo {
        let mut l = ilo;
        let mut deflated = false;
        for _its in 0..=itmax {
            // A single small subdiagonal entry.
            let mut k = i;
            while k > l {
                let hk = at!(h, k, k - 1).abs();
                if hk <= smlnum {
                    break;
                }
                let mut tst = at!(h, k - 1, k - 1).abs() + at!(h, k, k).abs();
                if tst == 0.0 {
                    if k - 2 >= ilo {
                        tst += at!(h, k - 1, k - 2).abs();
                    }
                    if k < ihi {
                        tst += at!(h, k + 1, k).abs();
                    }
                }
                if hk <= ulp * tst {
                    let up = at!(h, k - 1, k).abs();
                    let ab = hk.max(up);
                    let ba = hk.min(up);
                    let diff = (at!(h, k - 1, k - 1) - at!(h, k, k)).abs();
                    let aa = at!(h, k, k).abs().max(diff);
                    let bb = at!(h, k, k).abs().min(diff);
                    let s = aa + ab;
                    if ba * (ab / s) <= smlnum.max(ulp * (bb * (aa / s))) {
                        break;
                    }
                }
                k -= 1;
            }
            l = k;
            if l > ilo {
                at!(h, l, l - 1) = 0.0;
            }
            if l >= i - 1 {
                deflated = true;
                break;
            }
            kdefl += 1;
            // The shifts: exceptional every KEXSH-th iteration without deflation.
            let (mut h11, mut h12, mut h21, mut h22);
            if kdefl % (2 * KEXSH) == 0 {
                let s = at!(h, i, i - 1).abs() + at!(h, i - 1, i - 2).abs();
                h11 = DAT1 * s + at!(h, i, i);
                h12 = DAT2 * s;
                h21 = s;
                h22 = h11;
            } else if kdefl % KEXSH == 0 {
                let s = at!(h, l + 1, l).abs() + at!(h, l + 2, l + 1).abs();
                h11 = DAT1 * s + at!(h, l, l);
                h12 = DAT2 * s;
                h21 = s;
                h22 = h11;
            } else {
                h11 = at!(h, i - 1, i - 1);
                h21 = at!(h, i, i - 1);
                h12 = at!(h, i - 1, i);
                h22 = at!(h, i, i);
            }
            let s = h11.abs() + h12.abs() + h21.abs() + h22.abs();
            let (rt1r, rt1i, rt2r, rt2i);
            if s == 0.0 {
                (rt1r, rt1i, rt2r, rt2i) = (0.0, 0.0, 0.0, 0.0);
            } else {
                h11 /= s;
                h21 /= s;
                h12 /= s;
                h22 /= s;
                let tr = (h11 + h22) / 2.0;
                let det = (h11 - tr) * (h22 - tr) - h12 * h21;
                let rtdisc = libm::sqrt(det.abs());
                if det >= 0.0 {
                    rt1r = tr * s;
                    rt2r = rt1r;
                    rt1i = rtdisc * s;
                    rt2i = -rt1i;
                } else {
                    let (a1, a2) = (tr + rtdisc, tr - rtdisc);
                    let r = if (a1 - h22).abs() <= (a2 - h22).abs() { a1 * s } else { a2 * s };
                    (rt1r, rt2r) = (r, r);
                    (rt1i, rt2i) = (0.0, 0.0);
                }
            }
            // Two consecutive small subdiagonal entries.
            let mut m = i - 2;
            let mut v = [0.0; 3];
            loop {
                let mut h21s = at!(h, m + 1, m);
                let mut s = (at!(h, m, m) - rt2r).abs() + rt2i.abs() + h21s.abs();
                h21s = at!(h, m + 1, m) / s;
                v[0] = h21s * at!(h, m, m + 1) + (at!(h, m, m) - rt1r) * ((at!(h, m, m) - rt2r) / s)
                    - rt1i * (rt2i / s);
                v[1] = h21s * (at!(h, m, m) + at!(h, m + 1, m + 1) - rt1r - rt2r);
                v[2] = h21s * at!(h, m + 2, m + 1);
                s = v[0].abs() + v[1].abs() + v[2].abs();
                v.iter_mut().for_each(|x| *x /= s);
                if m == l {
                    break;
                }
                let h00 = at!(h, m, m - 1).abs() * (v[1].abs() + v[2].abs());
                let h01 = ulp
                    * v[0].abs()
                    * (at!(h, m - 1, m - 1).abs() + at!(h, m, m).abs() + at!(h, m + 1, m + 1).abs());
                if h00 <= h01 {
                    break;
                }
                m -= 1;
            }
            // The double-shift QR step.
            for k in m..i {
                let nr = 3.min(i - k + 1);
                if k > m {
                    for t in 0..nr {
                        v[t as usize] = at!(h, k + t, k - 1);
                    }
                }
                let (beta, t1) = {
                    let (head, tail) = v.split_at_mut(1);
                    dlarfg(head[0], &mut tail[..(nr - 1) as usize])
                };
                v[0] = beta;
                if k > m {
                    at!(h, k, k - 1) = v[0];
                    at!(h, k + 1, k - 1) = 0.0;
                    if k < i - 1 {
                        at!(h, k + 2, k - 1) = 0.0;
                    }
                } else if m > l {
                    at!(h, k, k - 1) *= 1.0 - t1;
                }
                let v2 = v[1];
                let t2 = t1 * v2;
                if nr == 3 {
                    let v3 = v[2];
                    let t3 = t1 * v3;
                    for j in k..=i2 {
                        let sum = at!(h, k, j) + v2 * at!(h, k + 1, j) + v3 * at!(h, k + 2, j);
                        at!(h, k, j) -= sum * t1;
                        at!(h, k + 1, j) -= sum * t2;
                        at!(h, k + 2, j) -= sum * t3;
                    }
                    for j in i1..=(k + 3).min(i) {
                        let sum = at!(h, j, k) + v2 * at!(h, j, k + 1) + v3 * at!(h, j, k + 2);
                        at!(h, j, k) -= sum * t1;
                        at!(h, j, k + 1) -= sum * t2;
                        at!(h, j, k + 2) -= sum * t3;
                    }
                    for j in ilo..=ihi {
                        let sum = at!(z, j, k) + v2 * at!(z, j, k + 1) + v3 * at!(z, j, k + 2);
                        at!(z, j, k) -= sum * t1;
                        at!(z, j, k + 1) -= sum * t2;
                        at!(z, j, k + 2) -= sum * t3;
                    }
                } else if nr == 2 {
                    for j in k..=i2 {
                        let sum = at!(h, k, j) + v2 * at!(h, k + 1, j);
                        at!(h, k, j) -= sum * t1;
                        at!(h, k + 1, j) -= sum * t2;
                    }
                    for j in i1..=i {
                        let sum = at!(h, j, k) + v2 * at!(h, j, k + 1);
                        at!(h, j, k) -= sum * t1;
                        at!(h, j, k + 1) -= sum * t2;
                    }
                    for j in ilo..=ihi {
                        let sum = at!(z, j, k) + v2 * at!(z, j, k + 1);
                        at!(z, j, k) -= sum * t1;
                        at!(z, j, k + 1) -= sum * t2;
                    }
                }
            }
        }
        if !deflated {
            return Err(Eigen3Error::NoConvergence);
        }
        if l == i {
            wr[(i - 1) as usize] = at!(h, i, i);
        } else if l == i - 1 {
            let block = dlanv2(at!(h, i - 1, i - 1), at!(h, i - 1, i), at!(h, i, i - 1), at!(h, i, i));
            [at!(h, i - 1, i - 1), at!(h, i - 1, i), at!(h, i, i - 1), at!(h, i, i)] = block.abcd;
            if block.complex {
                return Err(Eigen3Error::Complex);
            }
            wr[(i - 2) as usize] = block.abcd[0];
            wr[(i - 1) as usize] = block.abcd[3];
            let (cs, sn) = (block.cs, block.sn);
            for j in i + 1..=i2 {
                let (x, y) = (at!(h, i - 1, j), at!(h, i, j));
                at!(h, i - 1, j) = cs * x + sn * y;
                at!(h, i, j) = cs * y - sn * x;
            }
            for j in i1..i - 1 {
                let (x, y) = (at!(h, j, i - 1), at!(h, j, i));
                at!(h, j, i - 1) = cs * x + sn * y;
                at!(h, j, i) = cs * y - sn * x;
            }
            for j in ilo..=ihi {
                let (x, y) = (at!(z, j, i - 1), at!(z, j, i));
                at!(z, j, i - 1) = cs * x + sn * y;
                at!(z, j, i) = cs * y - sn * x;
            }
        }
        kdefl = 0;
        i = l - 1;
    }
    Ok(())
}

/// What [`dlanv2`] makes of a 2×2 block.
struct Standardised {
    /// The block `(a, b, c, d)` after the rotation: upper triangular for real eigenvalues.
    abcd: [f64; 4],
    /// Whether the eigenvalues are a complex pair.
    complex: bool,
    /// The rotation's cosine.
    cs: f64,
    /// The rotation's sine.
    sn: f64,
}

/// `dlanv2`: the Schur factorisation of a real 2×2 block in standard form.
fn dlanv2(a: f64, b: f64, c: f64, d: f64) -> Standardised {
    const MULTPL: f64 = 4.0;
    let eps = PRECISION;
    let (mut a, mut b, mut c, mut d) = (a, b, c, d);
    let (mut cs, mut sn);
    if c == 0.0 {
        cs = 1.0;
        sn = 0.0;
    } else if b == 0.0 {
        cs = 0.0;
        sn = 1.0;
        core::mem::swap(&mut a, &mut d);
        b = -c;
        c = 0.0;
    } else if a - d == 0.0 && sign(1.0, b) != sign(1.0, c) {
        cs = 1.0;
        sn = 0.0;
    } else {
        let mut temp = a - d;
        let mut p = 0.5 * temp;
        let bcmax = b.abs().max(c.abs());
        let bcmis = b.abs().min(c.abs()) * sign(1.0, b) * sign(1.0, c);
        let mut scale = p.abs().max(bcmax);
        let mut zz = (p / scale) * p + (bcmax / scale) * bcmis;
        if zz >= MULTPL * eps {
            // Real eigenvalues: compute A and D.
            zz = p + sign(libm::sqrt(scale) * libm::sqrt(zz), p);
            a = d + zz;
            d -= (bcmax / zz) * bcmis;
            let tau = dlapy2(c, zz);
            cs = zz / tau;
            sn = c / tau;
            b -= c;
            c = 0.0;
        } else {
            // Complex or almost equal real eigenvalues: make the diagonal entries equal.
            let safmn2 = libm::pow(2.0, libm::trunc(libm::log(SAFMIN / eps) / libm::log(2.0) / 2.0));
            let safmx2 = 1.0 / safmn2;
            let mut sigma = b + c;
            for count in 1.. {
                scale = temp.abs().max(sigma.abs());
                if scale >= safmx2 {
                    sigma *= safmn2;
                    temp *= safmn2;
                    if count <= 20 {
                        continue;
                    }
                }
                if scale <= safmn2 {
                    sigma *= safmx2;
                    temp *= safmx2;
                    if count <= 20 {
                        continue;
                    }
                }
                break;
            }
            p = 0.5 * temp;
            let mut tau = dlapy2(sigma, temp);
            cs = libm::sqrt(0.5 * (1.0 + sigma.abs() / tau));
            sn = -(p / (tau * cs)) * sign(1.0, sigma);
            // [aa bb; cc dd] = [a b; c d]·[cs −sn; sn cs], then [cs sn; −sn cs]·that.
            let aa = a * cs + b * sn;
            let bb = -a * sn + b * cs;
            let cc = c * cs + d * sn;
            let dd = -c * sn + d * cs;
            a = aa * cs + cc * sn;
            b = (bb * cs) + (dd * sn);
            c = -(aa * sn) + (cc * cs);
            d = -bb * sn + dd * cs;
            temp = 0.5 * (a + d);
            a = temp;
            d = temp;
            if c != 0.0 {
                if b != 0.0 {
                    if sign(1.0, b) == sign(1.0, c) {
                        // Real eigenvalues: reduce to upper triangular form.
                        let sab = libm::sqrt(b.abs());
                        let sac = libm::sqrt(c.abs());
                        p = sign(sab * sac, c);
                        tau = 1.0 / libm::sqrt((b + c).abs());
                        a = temp + p;
                        d = temp - p;
                        b -= c;
                        c = 0.0;
                        let cs1 = sab * tau;
                        let sn1 = sac * tau;
                        let t = cs * cs1 - sn * sn1;
                        sn = cs * sn1 + sn * cs1;
                        cs = t;
                    }
                } else {
                    b = -c;
                    c = 0.0;
                    let t = cs;
                    cs = -sn;
                    sn = t;
                }
            }
        }
    }
    Standardised { abcd: [a, b, c, d], complex: c != 0.0, cs, sn }
}

/// `dtrevc3('R', 'B')` for an upper triangular `t`: each eigenvector `x` of `t` (`x(k) = 1`, back
/// substitution with `dlaln2`'s guarded 1×1 solves), back-transformed by `z` and scaled so its
/// largest entry has modulus 1.
fn dtrevc3(t: &Matrix3, z: &Matrix3) -> Result<Matrix3, Eigen3Error> {
    if at!(t, 2, 1) != 0.0 || at!(t, 3, 2) != 0.0 {
        return Err(Eigen3Error::Complex);
    }
    let ulp = PRECISION;
    let smlnum = SAFMIN * (N as f64 / ulp);
    let bignum = (1.0 - ulp) / smlnum;
    // dlaln2's own limits.
    let small_solve = 2.0 * SAFMIN;
    let big_solve = 1.0 / small_solve;
    let mut norms = [0.0; 3];
    for j in 2..=N {
        norms[(j - 1) as usize] = (1..j).map(|i| at!(t, i, j).abs()).fold(0.0, |s, v| s + v);
    }
    let mut x = [[0.0; 3]; 3];
    for ki in (1..=N).rev() {
        let wr = at!(t, ki, ki);
        let smin = (ulp * wr.abs()).max(smlnum);
        let mut col = [0.0; 3];
        col[(ki - 1) as usize] = 1.0;
        for k in 1..ki {
            col[(k - 1) as usize] = -at!(t, k, ki);
        }
        for j in (1..ki).rev() {
            // dlaln2, 1×1 real: (T(j,j) − wr)·x = scale·b.
            let smini = smin.max(small_solve);
            let mut csr = at!(t, j, j) - wr;
            let mut cnorm = csr.abs();
            if cnorm < smini {
                csr = smini;
                cnorm = smini;
            }
            let b = col[(j - 1) as usize];
            let bnorm = b.abs();
            let mut scale = 1.0;
            if cnorm < 1.0 && bnorm > 1.0 && bnorm > big_solve * cnorm {
                scale = 1.0 / bnorm;
            }
            let mut xj = (b * scale) / csr;
            let xnorm = xj.abs();
            if xnorm > 1.0 && norms[(j - 1) as usize] > bignum / xnorm {
                xj /= xnorm;
                scale /= xnorm;
            }
            if scale != 1.0 {
                col[..ki as usize].iter_mut().for_each(|v| *v *= scale);
            }
            col[(j - 1) as usize] = xj;
            for k in 1..j {
                col[(k - 1) as usize] += -xj * at!(t, k, j);
            }
        }
        for (r, row) in x.iter_mut().enumerate() {
            row[(ki - 1) as usize] = col[r];
        }
    }
    // The blocked back-transform: V = Z·X, each column scaled by 1/|its largest entry|.
    let mut v = [[0.0; 3]; 3];
    for r in 0..3 {
        for c in 0..3 {
            v[r][c] = z[r][0] * x[0][c] + z[r][1] * x[1][c] + z[r][2] * x[2][c];
        }
    }
    for c in 0..3 {
        let remax = 1.0 / idamax_abs((0..3).map(|r| v[r][c]));
        for row in v.iter_mut() {
            row[c] *= remax;
        }
    }
    Ok(v)
}

/// `dgebak('B', 'R')`: undo [`dgebal`]'s scaling (rows `ilo..=ihi`) and permutations.
fn dgebak(v: &mut Matrix3, ilo: isize, ihi: isize, scale: &[f64; 3]) {
    if ilo != ihi {
        for i in ilo..=ihi {
            let s = scale[(i - 1) as usize];
            v[(i - 1) as usize].iter_mut().for_each(|x| *x *= s);
        }
    }
    for ii in 1..=N {
        let mut i = ii;
        if i >= ilo && i <= ihi {
            continue;
        }
        if i < ilo {
            i = ilo - ii;
        }
        let k = scale[(i - 1) as usize] as isize;
        if k != i {
            v.swap((i - 1) as usize, (k - 1) as usize);
        }
    }
}
