//! Scenes: objects standing on a floor as upright boxes with a heading, what a 3-D detector's loader
//! reads (PC-FractalDB's scenes, `generate_scene.py`).

/// One object of a scene: an upright box, as a 3-D detector's loader wants it.
#[derive(Clone, Copy, Debug, Default, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub struct SceneObject {
    /// Box size (x, y, z): `U(0.75, 1.25) · (1, U(0.9, 1.1), U(0.9, 1.1))`.
    pub size: [f64; 3],
    /// Box centre: x, y `~ U(−room/2, room/2)`, z = half the height (standing on the floor).
    pub centre: [f64; 3],
    /// Rotation about z, `U(−π, π)`.
    pub heading: f64,
    /// Which object it shows: an index the caller maps to (class, instance), `U{0, …, pool − 1}`.
    pub pick: u64,
}

impl SceneObject {
    /// The reference's overlap test in the floor plane: the centres are closer than half the sum of
    /// the boxes' xy diagonals plus 0.25.
    pub fn overlaps(&self, other: &SceneObject) -> bool {
        let d = libm::hypot(self.centre[0] - other.centre[0], self.centre[1] - other.centre[1]);
        let diagonal = |o: &SceneObject| libm::hypot(o.size[0], o.size[1]);
        d < (diagonal(self) + diagonal(other)) * 0.5 + 0.25
    }

    /// Place `points` (a normalised, centred instance) in the scene: scale each axis by half the box
    /// size, rotate by the heading about z, move to the centre. Writes `out[..points.len()]`.
    pub fn place(&self, points: &[[f32; 3]], out: &mut [[f32; 3]]) {
        let (s, c) = (libm::sin(self.heading), libm::cos(self.heading));
        for (slot, p) in out.iter_mut().zip(points) {
            let [x, y, z] = [0, 1, 2].map(|a| f64::from(p[a]) * self.size[a] * 0.5);
            *slot = [
                (c * x - s * y + self.centre[0]) as f32,
                (s * x + c * y + self.centre[1]) as f32,
                (z + self.centre[2]) as f32,
            ];
        }
    }
}
