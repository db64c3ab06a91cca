//! PLY files of point clouds (Turk 1994; the format `plyfile`, Open3D and MeshLab read).

/// The header of `n` vertices with float `x`, `y`, `z`, in `format` (`binary_little_endian` or `ascii`).
fn header(format: &str, n: usize) -> String {
    format!(
        "ply\nformat {format} 1.0\ncomment made by fdsl\nelement vertex {n}\nproperty float x\nproperty float y\nproperty float z\nend_header\n"
    )
}

/// A binary little-endian PLY of points given as consecutive little-endian `f32` x, y, z.
pub fn binary(xyz_le: &[u8]) -> Vec<u8> {
    let mut out = header("binary_little_endian", xyz_le.len() / 12).into_bytes();
    out.extend_from_slice(xyz_le);
    out
}

/// An ASCII PLY of the same points: one line `x y z` per vertex, each the shortest decimal that reads
/// back as the same `f32`.
pub fn ascii(xyz_le: &[u8]) -> Vec<u8> {
    let mut out = header("ascii", xyz_le.len() / 12);
    for p in xyz_le.chunks_exact(12) {
        let v = |i: usize| f32::from_le_bytes([p[i], p[i + 1], p[i + 2], p[i + 3]]);
        out.push_str(&format!("{} {} {}\n", v(0), v(4), v(8)));
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    #[test]
    fn binary_and_ascii_hold_the_same_points() {
        let pts: Vec<u8> = [1.5f32, -2.0, 0.1, 3.0, 4.0, 5.0].iter().flat_map(|v| v.to_le_bytes()).collect();
        let b = super::binary(&pts);
        let text = String::from_utf8_lossy(&b);
        assert!(
            text.starts_with("ply\nformat binary_little_endian 1.0\n") && text.contains("element vertex 2\n")
        );
        assert!(b.ends_with(&pts));
        let a = String::from_utf8(super::ascii(&pts)).unwrap();
        assert!(a.ends_with("end_header\n1.5 -2 0.1\n3 4 5\n"), "{a}");
    }
}
