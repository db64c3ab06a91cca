//! NIfTI-1 single-file volumes, gzipped (`.nii.gz`), as nibabel writes
//! `nib.save(nib.Nifti1Image(array, np.eye(4)), path)`: what MONAI's `LoadImage` reads.
//!
//! The format is the NIfTI-1 header (`nifti1.h`, NIfTI Data Format Working Group, 2004): 348 bytes,
//! then the 4-byte extension flag (all zero: no extension), then the voxels from byte 352 in Fortran
//! order (the first axis fastest). The header's fields are those nibabel 5.2 writes for an array with
//! the identity affine (measured with nibabel 5.2.0; `scripts/nifti_header.py` prints them): `dim =
//! [3, n0, n1, n2, 1, 1, 1, 1]`, `pixdim` all 1 (`pixdim[0]` the qfac), `vox_offset` 352, `scl_slope`
//! 1 and `scl_inter` 0, no units, `qform_code` 0, `sform_code` 2 (aligned) with `srow` the identity's
//! rows, magic `n+1\0`, every other field zero. gzip's header is nibabel's too: no name, mtime 0,
//! XFL 4 (fastest), OS 255; the stream is deflate at level 1 (nibabel's default level). The deflate
//! bytes are miniz_oxide's, not zlib's, so the `.gz` files differ from nibabel's while the volumes
//! they hold are the same bytes.

use std::io::Write;

/// How each voxel is stored: NIfTI's `datatype` and `bitpix`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoxelType {
    /// `DT_UINT8` (2): one byte a voxel, the value as it is.
    Uint8,
    /// `DT_FLOAT64` (64): a little-endian `f64` a voxel (what PrimGeoSeg's reference writes).
    Float64,
}

impl VoxelType {
    /// NIfTI's `datatype` code.
    fn code(self) -> i16 {
        match self {
            VoxelType::Uint8 => 2,
            VoxelType::Float64 => 64,
        }
    }

    /// Bytes a voxel.
    pub fn bytes(self) -> usize {
        match self {
            VoxelType::Uint8 => 1,
            VoxelType::Float64 => 8,
        }
    }
}

/// Where the voxels start: the 348-byte header and the 4-byte extension flag.
pub const VOX_OFFSET: usize = 352;

/// The header and extension flag of a volume of `shape` (the array's axes, NIfTI's i, j, k) and
/// `voxel` type.
pub fn header(shape: [usize; 3], voxel: VoxelType) -> [u8; VOX_OFFSET] {
    let mut h = [0u8; VOX_OFFSET];
    let mut put = |at: usize, bytes: &[u8]| h[at..at + bytes.len()].copy_from_slice(bytes);
    put(0, &348i32.to_le_bytes()); // sizeof_hdr
    let dims = [3, shape[0], shape[1], shape[2], 1, 1, 1, 1];
    for (n, d) in dims.iter().enumerate() {
        put(40 + 2 * n, &(*d as i16).to_le_bytes()); // dim[8]
    }
    put(70, &voxel.code().to_le_bytes()); // datatype
    put(72, &(8 * voxel.bytes() as i16).to_le_bytes()); // bitpix
    for n in 0..8 {
        put(76 + 4 * n, &1f32.to_le_bytes()); // pixdim[8]
    }
    put(108, &(VOX_OFFSET as f32).to_le_bytes()); // vox_offset
    put(112, &1f32.to_le_bytes()); // scl_slope (scl_inter at 116 stays 0)
    put(254, &2i16.to_le_bytes()); // sform_code: aligned
    for row in 0..3 {
        put(280 + 16 * row + 4 * row, &1f32.to_le_bytes()); // srow_x, srow_y, srow_z: the identity
    }
    put(344, b"n+1\0"); // magic: header and data in one file
    h
}

/// Whether `shape` fits NIfTI-1's `dim` (each axis at most `i16::MAX` voxels).
pub fn fits(shape: [usize; 3]) -> bool {
    shape.iter().all(|&n| n <= i16::MAX as usize)
}

/// The `.nii.gz` bytes of a volume: `values` is the array of `shape` in C order (the last axis
/// fastest, as fdsl's parts are laid out), one `u8` a voxel, written as `voxel` in NIfTI's Fortran
/// order. Panics if `values` is not `shape`'s size.
pub fn encode_gz(shape: [usize; 3], values: &[u8], voxel: VoxelType) -> Vec<u8> {
    let [n0, n1, n2] = shape;
    assert_eq!(values.len(), n0 * n1 * n2, "a volume of {shape:?} has {} voxels", n0 * n1 * n2);
    let mut gz = flate2::GzBuilder::new().write(Vec::new(), flate2::Compression::fast());
    let mut row = Vec::with_capacity(n0 * voxel.bytes());
    let result = (|| {
        gz.write_all(&header(shape, voxel))?;
        for k in 0..n2 {
            for j in 0..n1 {
                row.clear();
                for i in 0..n0 {
                    let v = values[(i * n1 + j) * n2 + k];
                    match voxel {
                        VoxelType::Uint8 => row.push(v),
                        VoxelType::Float64 => row.extend(f64::from(v).to_le_bytes()),
                    }
                }
                gz.write_all(&row)?;
            }
        }
        gz.finish()
    })();
    result.expect("writing into memory cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn gunzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).unwrap();
        out
    }

    /// nibabel 5.2.0's header for `np.zeros((4, 5, 6), float64)` and the identity affine
    /// (`scripts/nifti_header.py`).
    const NIBABEL_FLOAT64_4X5X6: &str = "5c01000000000000000000000000000000000000000000000000000000000000\
        0000000000000000030004000500060001000100010001000000000000000000\
        0000000000004000400000000000803f0000803f0000803f0000803f0000803f\
        0000803f0000803f0000803f0000b0430000803f000000000000000000000000\
        0000000000000000000000000000000000000000000000000000000000000000\
        0000000000000000000000000000000000000000000000000000000000000000\
        0000000000000000000000000000000000000000000000000000000000000000\
        0000000000000000000000000000000000000000000000000000000000000200\
        0000000000000000000000000000000000000000000000000000803f00000000\
        0000000000000000000000000000803f00000000000000000000000000000000\
        0000803f00000000000000000000000000000000000000006e2b310000000000";

    #[test]
    fn the_header_is_nibabels() {
        let hex: String = header([4, 5, 6], VoxelType::Float64).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, NIBABEL_FLOAT64_4X5X6);
        let uint8 = header([4, 5, 6], VoxelType::Uint8);
        assert_eq!(
            (&uint8[70..74], &uint8[..70]),
            (&[2, 0, 8, 0][..], &header([4, 5, 6], VoxelType::Float64)[..70])
        );
    }

    #[test]
    fn voxels_are_in_fortran_order_and_the_gzip_header_is_nibabels() {
        let shape = [2, 3, 4];
        let values: Vec<u8> = (0..24).collect();
        for voxel in [VoxelType::Uint8, VoxelType::Float64] {
            let gz = encode_gz(shape, &values, voxel);
            assert_eq!(gz[..10], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 0xff]);
            let raw = gunzip(&gz);
            assert_eq!(raw.len(), VOX_OFFSET + 24 * voxel.bytes());
            let data = &raw[VOX_OFFSET..];
            // Voxel (i, j, k) at i + 2j + 6k holds the C-order value of [i][j][k].
            for (i, j, k) in (0..2).flat_map(|i| (0..3).flat_map(move |j| (0..4).map(move |k| (i, j, k)))) {
                let at = (i + 2 * j + 6 * k) * voxel.bytes();
                let want = values[(i * 3 + j) * 4 + k];
                let got = match voxel {
                    VoxelType::Uint8 => data[at] as f64,
                    VoxelType::Float64 => f64::from_le_bytes(data[at..at + 8].try_into().unwrap()),
                };
                assert_eq!(got, f64::from(want));
            }
        }
    }

    #[test]
    fn the_same_volume_gives_the_same_file() {
        let values: Vec<u8> = (0..1000u32).map(|v| (v * 7 % 33) as u8).collect();
        let a = encode_gz([10, 10, 10], &values, VoxelType::Float64);
        assert_eq!(a, encode_gz([10, 10, 10], &values, VoxelType::Float64));
        use sha2::Digest;
        let hash: String = sha2::Sha256::digest(&a).iter().map(|b| format!("{b:02x}")).collect();
        // fdsl's own deflate bytes (miniz_oxide, level 1): a change of encoder shows here.
        assert_eq!(hash, "ad3f5e0924bee8dc894fbead39c93fba0db0d1dbf5adb1b832d745279b954bbe");
    }
}
