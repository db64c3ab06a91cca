"""Print `noise.pnoise2` values (the `noise` package 1.2.2) as a Rust table for
`fdsl-core/src/perlin.rs`'s test `pnoise2_agrees_with_the_noise_package`.

The arguments are dyadic and exact in C `float`; points whose octave multiples `x * freq` would
round in `float` are left out, so only the package's `float` arithmetic differs from fdsl's `f64`.

    pip install noise==1.2.2 numpy && python3 scripts/pnoise2_values.py
"""
import noise
import numpy as np

POINTS = [
    (0.3125, 0.6875), (1.75, 2.25), (3.5, -0.75), (-3.3125, -7.875), (-0.5, 0.5),
    (17.125, 200.5625), (255.5, 255.25), (1023.875, 511.125), (5000.125, 3000.375),
    (-4096.75, 9999.9921875), (123.4375, -987.65625), (1500.5, -1200.25), (-2000.25, 1100.5),
]
SETTINGS = [(1, 0.5, 2.0), (4, 0.5, 2.0), (4, 0.25, 2.0), (6, 0.85, 2.0), (3, 0.5, 3.0), (2, 0.7, 1.5), (3, 0.5, 1.125)]

print("        let reference = [")
for octaves, persistence, lacunarity in SETTINGS:
    for x, y in POINTS:
        freqs = [np.float32(lacunarity) ** k for k in range(octaves)]
        if any(float(np.float32(c) * f) != c * float(f) for c in (x, y) for f in freqs):
            continue  # x * freq would round in `float`
        v = noise.pnoise2(x, y, octaves=octaves, persistence=persistence, lacunarity=lacunarity)
        print(f"            ({x!r}, {y!r}, {octaves}, {persistence!r}, {lacunarity!r}, {v!r}),")
print("        ];")
