#!/usr/bin/env python3
"""pyrtools' steerable pyramid values for `fdsl-core/tests/statistical.rs` (the table
`tests/data/pyrtools_pyramid.txt`).

Image of side N: x[i] = ((i * 7919) % 1013) / 8 + 40 * (i % N) * (i // N) / N, i = m*N + n
(every value exact in binary). For (N, height) in (32, 2), (128, 3): `pyrtools.pyramids.
SteerablePyramidFreq(x, height)` (order 3, twidth 1, real), and for each band in key order
(residual_highpass, (level, band), ..., residual_lowpass) its side, mean, standard deviation and
every 61st value (row-major), written `band N height key side mean std` then `value N height key
index v`; and `recon N height index v` of `recon_pyr()` at the same indices.
usage: python3 scripts/pyramid_values.py > fdsl-core/tests/data/pyrtools_pyramid.txt
"""
import numpy as np
import pyrtools as pt


def image(n):
    i = np.arange(n * n)
    return (((i * 7919) % 1013) / 8 + 40 * ((i % n) * (i // n)) / n).reshape(n, n).astype(float)


def main():
    print(f"# made by scripts/pyramid_values.py with pyrtools {pt.__version__}, NumPy {np.__version__}")
    for n, height in ((32, 2), (128, 3)):
        pyr = pt.pyramids.SteerablePyramidFreq(image(n), height=height)
        for key_index, key in enumerate(pyr.pyr_coeffs):
            band = pyr.pyr_coeffs[key]
            print("band", n, height, key_index, band.shape[0], repr(float(band.mean())), repr(float(band.std())))
            flat = band.ravel()
            for index in range(0, flat.size, 61):
                print("value", n, height, key_index, index, repr(float(flat[index])))
        recon = pyr.recon_pyr().ravel()
        for index in range(0, recon.size, 61):
            print("recon", n, height, index, repr(float(recon[index])))


if __name__ == "__main__":
    main()
