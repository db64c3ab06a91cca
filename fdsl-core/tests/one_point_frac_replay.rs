//! 1p-frac against its reference to the byte: the reference's own `generate_image` run with its
//! random streams seeded (`scripts/reference_1p_frac_replay.py`: Python's `random.seed(2024)` for
//! the multipliers and patch masks, its own `np.random.seed(100)` for the map choices), and fdsl's
//! `perturb` and `paint` fed the same draws, must make the very images with the very number of
//! rejected perturbations. Both streams are MT19937, emulated here as CPython and NumPy's legacy
//! `RandomState` seed and read them.

mod common;

use common::rows;
use fdsl_core::families::one_point_frac::{FILL_THRESHOLD, RECIPE, paint, perturb};
use fdsl_core::math::mt19937::Mt19937;
use fdsl_core::raster::canvas::Flip;
use fdsl_core::{Affine2, Canvas, Ifs2};
use sha2::{Digest, Sha256};

const REPLAY: &str = include_str!("data/reference_1p_frac_replay.txt");

/// NumPy's map-choice sequence: each `random()` as the 32-bit draw fdsl's chaos game reads
/// (`v / 2³²`, the double's top 32 bits).
#[derive(Clone)]
struct Choices(Mt19937);

/// Python's `random`: fdsl's 64-bit draws are `uniform`'s doubles (`k << 11`, read back as
/// `k / 2⁵³`), its 32-bit draws the patch masks `randrange(1, 512)` (`1 + getrandbits(9)` below 511,
/// placed where `random_mask` reads them: the top 9 bits).
struct PythonRandom(Mt19937);

impl rand_core::TryRng for Choices {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok((self.0.random_bits() >> 21) as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        unreachable!("the chain draws 32 bits")
    }
    fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), Self::Error> {
        unreachable!("the chain draws no bytes")
    }
}

impl rand_core::TryRng for PythonRandom {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        loop {
            let r = self.0.next_u32() >> 23;
            if r < 511 {
                return Ok((r + 1) << 23);
            }
        }
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(self.0.random_bits() << 11)
    }
    fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), Self::Error> {
        unreachable!("1p-frac draws no bytes")
    }
}

#[test]
fn the_reference_images_with_its_draws() {
    let maps = rows(REPLAY, "map").map(|v| {
        let n: Vec<f64> = v.iter().map(|x| x.parse().unwrap()).collect();
        (Affine2::from_coefficients([n[0], n[1], n[2], n[3], n[4], n[5]]), n[6])
    });
    let base = Ifs2::new(maps).unwrap();
    let delta: f64 = rows(REPLAY, "delta").next().unwrap()[0].parse().unwrap();
    let seed: u32 = rows(REPLAY, "python_seed").next().unwrap()[0].parse().unwrap();
    let mut python = PythonRandom(Mt19937::init_by_array(&[seed]));
    let choices = Choices(Mt19937::init_genrand(100));
    let (side, len) = (RECIPE.grid.width as usize, RECIPE.canvas_len());
    let (mut pixels, mut image) = (vec![0u8; len], vec![0u8; len]);
    let mut canvas = Canvas::new(&mut pixels, side, side).unwrap();
    let classes: Vec<Vec<&str>> = rows(REPLAY, "class").collect();
    assert_eq!(classes.len(), 3);
    for row in classes {
        let (attempts, hash): (u32, &str) = (row[1].parse().unwrap(), row[2]);
        let mut tried = 0;
        loop {
            tried += 1;
            let system = perturb(&mut python, &base, delta).unwrap();
            if paint(&system, &RECIPE, &choices, &mut python, &mut canvas) > FILL_THRESHOLD {
                break;
            }
        }
        canvas.write_flipped(Flip::Flip0, &mut image).unwrap();
        assert_eq!(tried, attempts, "class {}: perturbations tried", row[0]);
        let got: String = Sha256::digest(&image).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(got, hash, "class {}: the image", row[0]);
    }
}
