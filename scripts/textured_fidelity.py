"""Colour statistics of a folder of textured dead-leaves images, to compare with the reference as
published (issue 35: colourfulness 82, mean red-green correlation +0.18).

    python3 scripts/textured_fidelity.py OUT [--jpeg]

Per image: the colourfulness of Hasler & Suesstrunk (2003), sqrt(sd_rg^2 + sd_yb^2) + 0.3 *
sqrt(mean_rg^2 + mean_yb^2) with rg = R - G and yb = (R + G) / 2 - B, and the Pearson correlation of
the red and green channels over the pixels; printed as mean and standard deviation over the images.
With --jpeg each image first goes through cv2.imencode('.jpg', quality 95) and back, as the
reference's own output files do (fdsl writes PNG unless asked for JPEG).
"""

import pathlib
import sys

import cv2
import numpy as np


def stats(rgb: np.ndarray) -> tuple[float, float]:
    r, g, b = (rgb[..., c].astype(np.float64).ravel() for c in range(3))
    rg, yb = r - g, (r + g) / 2 - b
    colourfulness = np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean())
    return colourfulness, float(np.corrcoef(r, g)[0, 1])


def main() -> None:
    folder = pathlib.Path(sys.argv[1])
    jpeg = "--jpeg" in sys.argv[2:]
    rows = []
    for path in sorted(folder.rglob("*.png")) + sorted(folder.rglob("*.jpg")):
        if ".fdsl-cache" in path.parts:
            continue
        bgr = cv2.imread(str(path))
        if jpeg:
            ok, file = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 95])
            assert ok
            bgr = cv2.imdecode(file, cv2.IMREAD_COLOR)
        rows.append(stats(bgr[..., ::-1]))
    values = np.array(rows)
    print(
        f"{len(rows)} images{' (through JPEG q95)' if jpeg else ''}: colourfulness "
        f"{values[:, 0].mean():.1f} (sd {values[:, 0].std():.1f}), R-G correlation "
        f"{values[:, 1].mean():+.3f} (sd {values[:, 1].std():.3f})"
    )


if __name__ == "__main__":
    main()
