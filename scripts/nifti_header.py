"""The NIfTI-1 header nibabel writes for an array with the identity affine (fdsl-cli/src/nifti.rs's
fixture): `python3 scripts/nifti_header.py` prints it in hex for float64 and uint8 (nibabel 5.2.0)."""

import gzip
import os
import tempfile

import nibabel as nib
import numpy as np

for dtype in (np.float64, np.uint8):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "v.nii.gz")
        nib.save(nib.Nifti1Image(np.zeros((4, 5, 6), dtype), np.eye(4)), path)
        with open(path, "rb") as f:
            gz_header = f.read(10)
        raw = gzip.open(path).read()
    print(np.dtype(dtype).name, "gzip", gz_header.hex(), "nifti", raw[:352].hex())
