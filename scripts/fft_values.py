#!/usr/bin/env python3
"""NumPy's 2-D FFT values for `fdsl-core/tests/statistical.rs` (the table `tests/data/numpy_fft.txt`).

Input of side N: x[i] = ((i * 7919) % 1013) / 64 + 1j * (((i * 104729) % 997) / 128 - 4), i = m*N + n
(row-major; every value exact in binary). For N in 4, 16, 128: `numpy.fft.fft2(x)` and
`numpy.fft.ifft2(x)`, every coefficient for N <= 16 and every 97th (row-major) for 128, written as
`fwd|inv N index re im` with Python's shortest round-trip repr.
usage: python3 scripts/fft_values.py > fdsl-core/tests/data/numpy_fft.txt
"""
import numpy as np


def signal(n):
    i = np.arange(n * n)
    return (((i * 7919) % 1013) / 64 + 1j * (((i * 104729) % 997) / 128 - 4)).reshape(n, n)


def main():
    print(f"# made by scripts/fft_values.py with NumPy {np.__version__}")
    for n in (4, 16, 128):
        x = signal(n)
        step = 1 if n <= 16 else 97
        for name, values in (("fwd", np.fft.fft2(x)), ("inv", np.fft.ifft2(x))):
            flat = values.ravel()
            for index in range(0, n * n, step):
                v = flat[index]
                print(name, n, index, repr(float(v.real)), repr(float(v.imag)))


if __name__ == "__main__":
    main()
