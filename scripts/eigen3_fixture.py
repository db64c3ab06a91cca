#!/usr/bin/env python3
"""The fixture of fdsl-core's LAPACK `dgeev` port for 3x3 matrices (`fdsl_core::math::eigen3`):
`scipy.linalg.eig` (SciPy's wheel, its bundled OpenBLAS) on the colour models' scatter matrices
and on edge cases, written as `fdsl-core/tests/data/eigen3_dgeev.bin`.

Matrices:
- COLOUR_MODELS scatter matrices of the statistical images' colour model at 128 px, drawn by the
  model's law (NumPy's legacy generator, seeded 0, 1, ... as the port seeds its images) and summed
  as `fdsl_core::families::statistical` sums them: channel means and `S[a][b] = sum d_a d_b` added
  in pixel order (so the matrix is exactly symmetric, as fdsl's is);
- edge cases: diagonal and block matrices (which `dgebal` permutes), a constant channel (a zero row
  and column), near-equal and equal eigenvalues (relative gaps 1e-1 .. 1e-16), rank-deficient
  matrices, badly scaled non-symmetric ones with real eigenvalues (which `dgebal` scales), upper
  triangular ones, and a few with complex eigenvalues (the port reports them as such).

File layout: a text header of lines starting with `#` (the versions and `scipy.show_config()`),
ended by the line `#end`; then one record per matrix of 24 little-endian f64: the matrix (row-major,
9), the eigenvalues' real parts (3) and imaginary parts (3) in LAPACK's order, and the right
eigenvectors (row-major, 9: row i holds component i of the three vectors, as `eig` returns them).

It also prints, for the colour models, how often a one-ulp change of one entry (the (0, 0) entry
upwards, and the (0, 1) and (1, 0) entries together) changes LAPACK's eigenvalue order, and the
spread of the relative eigen-gaps.

usage: python3 scripts/eigen3_fixture.py [COLOUR_MODELS]   (run from the repository root; needs
       numpy, scipy)
"""
import contextlib
import io
import platform
import sys

import numpy as np
import scipy
import scipy.linalg as sla
from scipy.signal import convolve2d

SIDE = 128
OUT = "fdsl-core/tests/data/eigen3_dgeev.bin"


def sequential_sum(values):
    """The sum in index order (fdsl's `iter().sum()`), not NumPy's pairwise sum."""
    return float(np.add.accumulate(values)[-1])


def colour_scatter(seed):
    """One colour model's scatter matrix, as fdsl's statistical images compute it."""
    rng = np.random.RandomState(seed)
    n2 = SIDE * SIDE
    colours = int(3 + np.floor(rng.uniform(0, 20)))
    weights = 0.001 + rng.uniform(0, 1, colours)
    counts = rng.multinomial(n2, weights / weights.sum())
    index = np.repeat(np.arange(colours), counts).reshape(SIDE, SIDE)
    palette = np.floor(rng.uniform(0, 256, size=(colours, 3))).astype(np.uint8)
    image = palette[index].transpose(2, 0, 1).copy()
    m = max(int(np.ceil(rng.uniform(0, 10))), 1)
    for c in range(3):
        image[c] = convolve2d(image[c], np.ones((m, m)) / m / m, "same", boundary="symm")
    image = image.astype(np.float64)
    lo, hi = image.min(), image.max()
    image = np.floor(255.0 * (image - lo) / hi).astype(np.uint8).astype(np.float64)
    flat = image.reshape(3, n2)
    mean = [sequential_sum(flat[c]) / n2 for c in range(3)]
    d = flat - np.array(mean)[:, None]
    return np.array([[sequential_sum(d[a] * d[b]) for b in range(3)] for a in range(3)])


def random_rotation(rng):
    q, r = np.linalg.qr(rng.normal(size=(3, 3)))
    return q * np.sign(np.diag(r))


def edge_cases():
    rng = np.random.RandomState(12345)
    cases = []
    # Diagonal matrices: dgebal isolates every eigenvalue by permutation (some equal).
    for _ in range(20):
        cases.append(np.diag(rng.uniform(0, 1e8, 3)))
    for v in ([1.0, 1.0, 1.0], [2.0, 2.0, 5.0], [5.0, 2.0, 2.0], [0.0, 0.0, 0.0], [0.0, 3.0, 0.0], [7e7, 7e7, 7e7]):
        cases.append(np.diag(v))
    # A constant channel: a zero row and column in each position, the rest a PSD block.
    for k in range(3):
        for _ in range(10):
            b = rng.normal(size=(2, 4)) * 1e4
            block = b @ b.T
            full = np.zeros((3, 3))
            rest = [i for i in range(3) if i != k]
            full[np.ix_(rest, rest)] = block
            cases.append(full)
    # Block diagonal 2 + 1 in each arrangement (one coupling pair zero).
    for k in range(3):
        for _ in range(10):
            s = colour_scatter(100000 + len(cases))
            s[k, :] = 0.0
            s[:, k] = 0.0
            s[k, k] = rng.uniform(0, 1e8)
            cases.append(s)
    # One zero off-diagonal pair (tridiagonal already, or not).
    for (a, b) in ((0, 1), (0, 2), (1, 2)):
        for _ in range(10):
            s = colour_scatter(200000 + len(cases))
            s[a, b] = s[b, a] = 0.0
            cases.append(s)
    # Near-equal eigenvalues: relative gaps 1e-1 .. 1e-16, pairs and triples, exact repeats.
    for k in range(1, 17):
        for _ in range(6):
            q = random_rotation(rng)
            lam = rng.uniform(1e6, 1e8)
            third = rng.uniform(0, 1e8)
            for values in ([lam, lam * (1 + 10.0 ** -k), third], [lam, lam * (1 + 10.0 ** -k), lam * (1 - 10.0 ** -k)]):
                s = q @ np.diag(values) @ q.T
                cases.append((s + s.T) / 2)
    for _ in range(10):
        q = random_rotation(rng)
        lam = rng.uniform(1e6, 1e8)
        s = q @ np.diag([lam, lam, rng.uniform(0, 1e8)]) @ q.T
        cases.append((s + s.T) / 2)
    # Rank-deficient scatter matrices (one or two zero eigenvalues).
    for rank in (1, 2):
        for _ in range(10):
            b = rng.normal(size=(3, rank)) * 1e4
            cases.append(b @ b.T)
    # Badly scaled non-symmetric matrices with real eigenvalues (dgebal scales them).
    for _ in range(20):
        scale = np.diag(10.0 ** rng.uniform(-6, 6, 3))
        s = random_rotation(rng) @ np.diag(rng.uniform(1, 1e3, 3)) @ random_rotation(rng).T
        basis = scale @ s
        cases.append(basis @ np.diag(rng.uniform(-10, 10, 3)) @ np.linalg.inv(basis))
    # Upper and lower triangular (dgebal permutes them to triangular form).
    for _ in range(10):
        t = np.triu(rng.normal(size=(3, 3)) * 100)
        cases.append(t)
        cases.append(t.T.copy())
    # Complex eigenvalues: the port reports them as such.
    for _ in range(5):
        angle = rng.uniform(0.1, 3.0)
        r = np.array([[np.cos(angle), -np.sin(angle), 0], [np.sin(angle), np.cos(angle), 0], [0, 0, 2.0]])
        q = random_rotation(rng)
        cases.append(q @ r @ q.T)
    return cases


def relative_gap(values):
    w = np.sort(np.real(values))
    spread = max(abs(w[0]), abs(w[-1]))
    return float(np.min(np.diff(w)) / spread) if spread > 0 else 0.0


def order(matrix):
    """LAPACK's order: the ranks of the eigenvalues in the order it returns them."""
    return tuple(np.argsort(np.argsort(np.real(sla.eig(matrix, right=False)))))


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    config = io.StringIO()
    with contextlib.redirect_stdout(config):
        scipy.show_config()
    colour = [colour_scatter(seed) for seed in range(count)]
    matrices = colour + edge_cases()
    header = [
        f"# scipy.linalg.eig (LAPACK dgeev, jobvl='N', jobvr='V') of {len(matrices)} 3x3 matrices: "
        f"{count} colour-model scatter matrices (128 px, seeds 0..{count - 1}), then edge cases",
        "# made by scripts/eigen3_fixture.py",
        f"# python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"{platform.machine()} {platform.system()}",
        "# record: 24 little-endian f64: matrix (row-major 9), wr (3), wi (3), vr (row-major 9)",
        "# scipy.show_config():",
    ]
    header += ["#   " + line for line in config.getvalue().splitlines()]
    header.append("#end")
    records = []
    for a in matrices:
        w, v = sla.eig(a)
        if np.all(np.imag(w) == 0):
            v = np.real(v)
        else:
            v = np.zeros((3, 3))  # complex vectors are not recorded
        records.append(np.concatenate([a.ravel(), np.real(w), np.imag(w), np.real(v).ravel()]))
    with open(OUT, "wb") as f:
        f.write(("\n".join(header) + "\n").encode())
        f.write(np.array(records, dtype="<f8").tobytes())

    gaps = np.array([relative_gap(sla.eig(a, right=False)) for a in colour])
    flips_diag = flips_pair = 0
    for a in colour:
        base = order(a)
        b = a.copy()
        b[0, 0] = np.nextafter(b[0, 0], np.inf)
        flips_diag += order(b) != base
        c = a.copy()
        c[0, 1] = c[1, 0] = np.nextafter(c[0, 1], np.inf)
        flips_pair += order(c) != base
    print(f"wrote {OUT}: {len(matrices)} matrices ({count} colour models)")
    print("colour models' relative eigen-gap quantiles (0, 0.1%, 1%, 50%):",
          [float(np.quantile(gaps, q)) for q in (0, 0.001, 0.01, 0.5)])
    print(f"gap <= 1e-9: {(gaps <= 1e-9).sum()} of {count}")
    print(f"1-ulp change of (0,0) flips LAPACK's order: {flips_diag} of {count}; of (0,1)=(1,0): {flips_pair}")


if __name__ == "__main__":
    main()
