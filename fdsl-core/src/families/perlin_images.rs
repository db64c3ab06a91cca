//! Perlin noise images, **fdsl's reconstruction** of the Perlin-noise pre-training data of the
//! ACCV 2020 comparison (Kataoka et al., "Pre-training without Natural Images"), whose generator
//! was never published: a category is a cell of an `n × n` grid over the fractal sum's two main
//! parameters, an instance a random lattice permutation and offset.
//!
//! - Category `c` of an `n × n` grid ([`grid_category`]): row `r = ⌊c / n⌋`, column `k = c mod n`;
//!   base frequency `f = 1 · 8^(r / (n − 1))` cycles per image side (geometric, 1 to 8), persistence
//!   `p = 0.25 + 0.6 · k / (n − 1)` (linear, 0.25 to 0.85), [`GRID_OCTAVES`] = 4 octaves of
//!   lacunarity [`GRID_LACUNARITY`] = 2. Categories read from files may hold any checked values.
//! - Instance: from its own stream ([`crate::families::drawn::instance_key`]), the table `0..=255` shuffled (Fisher–Yates,
//!   [`crate::math::stream::shuffle`]), then offsets `ox, oy ~ U(0, 256)`.
//! - Pixel `(x, y)` of a `side × side` image: `v = N.fractal(ox + x·f/side, oy + y·f/side, octaves,
//!   p, lacunarity)` ([`crate::math::perlin::Noise2::fractal`], the `noise` package's `pnoise2` over the
//!   shuffled table).
//! - Grey: the min–max stretch of the image, `g = ⌊255 · (v − min) / (max − min) + ½⌋` (0 everywhere
//!   when `max = min`).

use crate::families::drawn::{Drawn, DrawnCategory};
use crate::family::Parameter;
use crate::math::perlin::Noise2;
use crate::math::stream::{Namespace, shuffle, uniform_f64};
use crate::raster::canvas::Canvas;
use rand_core::Rng;
use rand_pcg::Pcg32;

/// Octaves of every grid category.
pub const GRID_OCTAVES: u32 = 4;
/// Lacunarity of every grid category.
pub const GRID_LACUNARITY: f64 = 2.0;
/// The base frequencies of the grid's first and last rows (cycles per image side).
pub const GRID_FREQUENCIES: (f64, f64) = (1.0, 8.0);
/// The persistences of the grid's first and last columns.
pub const GRID_PERSISTENCES: (f64, f64) = (0.25, 0.85);
/// The largest base frequency a category may have (cycles per image side).
pub const MAX_FREQUENCY: f64 = 256.0;
/// The most octaves a category may have.
pub const MAX_OCTAVES: u32 = 16;
/// The largest lacunarity a category may have.
pub const MAX_LACUNARITY: f64 = 8.0;
/// The largest side, so that the scratch of `side²` noise values stays far inside `usize`.
pub const MAX_SIDE: usize = 1 << 14;

/// The parameters of one Perlin category.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PerlinCategory {
    /// `f`, the first octave's cycles per image side (above 0, at most [`MAX_FREQUENCY`]).
    pub frequency: f64,
    /// `p`, each octave's amplitude relative to the one below (0 to 1).
    pub persistence: f64,
    /// Octaves summed (1 to [`MAX_OCTAVES`]).
    pub octaves: u32,
    /// Each octave's frequency relative to the one below (1 to [`MAX_LACUNARITY`]).
    pub lacunarity: f64,
}

/// Why a Perlin category or family cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PerlinError {
    /// The frequency is not in (0, [`MAX_FREQUENCY`]].
    Frequency,
    /// The persistence is not in [0, 1].
    Persistence,
    /// The octaves are not in 1 to [`MAX_OCTAVES`].
    Octaves,
    /// The lacunarity is not in [1, [`MAX_LACUNARITY`]].
    Lacunarity,
    /// The side is 0 or above [`MAX_SIDE`].
    Side,
}

impl core::fmt::Display for PerlinError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Frequency => write!(f, "frequency must be above 0 and at most {MAX_FREQUENCY}"),
            Self::Persistence => f.write_str("persistence must be between 0 and 1"),
            Self::Octaves => write!(f, "octaves must be between 1 and {MAX_OCTAVES}"),
            Self::Lacunarity => write!(f, "lacunarity must be between 1 and {MAX_LACUNARITY}"),
            Self::Side => write!(f, "Perlin images need a side from 1 to {MAX_SIDE} pixels"),
        }
    }
}

impl core::error::Error for PerlinError {}

impl PerlinCategory {
    /// Check the values (NaN and infinities fail every range).
    pub fn check(&self) -> Result<(), PerlinError> {
        if !(self.frequency > 0.0 && self.frequency <= MAX_FREQUENCY) {
            return Err(PerlinError::Frequency);
        }
        if !(0.0..=1.0).contains(&self.persistence) {
            return Err(PerlinError::Persistence);
        }
        if !(1..=MAX_OCTAVES).contains(&self.octaves) {
            return Err(PerlinError::Octaves);
        }
        if !(1.0..=MAX_LACUNARITY).contains(&self.lacunarity) {
            return Err(PerlinError::Lacunarity);
        }
        Ok(())
    }

    /// Paint one instance into `out` (`side²` bytes) with `noise` and offset `(ox, oy)`, using
    /// `scratch` (`side² · 8` bytes: the noise values as little-endian `f64`s): the fractal sum at
    /// every pixel, then the min–max stretch (see the module docs). Panics when `scratch` or `out` is
    /// shorter ([`PerlinNoise`]'s render checks them).
    pub fn paint(&self, noise: &Noise2, offset: (f64, f64), side: usize, scratch: &mut [u8], out: &mut [u8]) {
        let (scratch, out) = (&mut scratch[..side * side * 8], &mut out[..side * side]);
        let step = self.frequency / side as f64;
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for (y, row) in scratch.chunks_exact_mut(side * 8).enumerate() {
            let ny = offset.1 + y as f64 * step;
            for (x, slot) in row.chunks_exact_mut(8).enumerate() {
                let nx = offset.0 + x as f64 * step;
                let v = noise.fractal(nx, ny, self.octaves, self.persistence, self.lacunarity);
                slot.copy_from_slice(&v.to_le_bytes());
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        let range = hi - lo;
        for (g, slot) in out.iter_mut().zip(scratch.chunks_exact(8)) {
            let v = f64::from_le_bytes(slot.try_into().unwrap_or_default());
            // In [0, 255.5): the cast truncates to 0..=255.
            *g = if range > 0.0 { (255.0 * (v - lo) / range + 0.5) as u8 } else { 0 };
        }
    }
}

/// Category `index` of the `n × n` grid (`None` past its `n²` cells or for `n = 0`); `n = 1` is
/// the grid's first cell.
pub fn grid_category(n: u32, index: u64) -> Option<PerlinCategory> {
    let cells = u64::from(n) * u64::from(n);
    if index >= cells {
        return None;
    }
    let (row, column) = (index / u64::from(n), index % u64::from(n));
    let t = |i: u64| if n > 1 { i as f64 / f64::from(n - 1) } else { 0.0 };
    let (f0, f1) = GRID_FREQUENCIES;
    let (p0, p1) = GRID_PERSISTENCES;
    Some(PerlinCategory {
        frequency: f0 * libm::pow(f1 / f0, t(row)),
        persistence: p0 + (p1 - p0) * t(column),
        octaves: GRID_OCTAVES,
        lacunarity: GRID_LACUNARITY,
    })
}

/// An instance's noise and offset from its stream: the shuffled table, then `ox, oy ~ U(0, 256)`.
pub fn instance_noise<R: Rng>(rng: &mut R) -> (Noise2, (f64, f64)) {
    let mut table: [u8; 256] = core::array::from_fn(|i| i as u8);
    shuffle(rng, &mut table);
    let offset = (uniform_f64(rng, 0.0, 256.0), uniform_f64(rng, 0.0, 256.0));
    (Noise2::new(table), offset)
}

/// The Perlin family: categories on `side × side` grey images, each instance from the stream of
/// (seed, class, instance) ([`crate::families::drawn::instance_key`]); the workspace's canvas buffer holds one
/// image's noise values (`side²` little-endian `f64`s).
pub type PerlinNoise<C> = Drawn<PerlinCategory, C>;

impl DrawnCategory for PerlinCategory {
    const NAMESPACE: Namespace = Namespace::Perlin;
    type Error = PerlinError;

    fn check(&self) -> Result<(), PerlinError> {
        PerlinCategory::check(self)
    }

    fn check_side(side: usize) -> Result<(), PerlinError> {
        if side == 0 || side > MAX_SIDE { Err(PerlinError::Side) } else { Ok(()) }
    }

    fn scratch_bytes(side: usize) -> usize {
        side * side * 8
    }

    /// [`PerlinCategory::paint`] with the instance's noise ([`instance_noise`]).
    fn draw_instance(
        &self,
        rng: &mut Pcg32,
        canvas: &mut Canvas<'_>,
        scratch: &mut [u8],
    ) -> Result<(), PerlinError> {
        let side = canvas.width();
        Self::check_side(side)?;
        let (noise, offset) = instance_noise(rng);
        self.paint(&noise, offset, side, scratch, canvas.pixels_mut());
        Ok(())
    }

    /// The category's `frequency`, `persistence`, `octaves`, `lacunarity`.
    fn parameters(&self, visit: &mut dyn FnMut(&'static str, Parameter<'_>)) {
        visit("frequency", Parameter::Float(self.frequency));
        visit("persistence", Parameter::Float(self.persistence));
        visit("octaves", Parameter::Int(u64::from(self.octaves)));
        visit("lacunarity", Parameter::Float(self.lacunarity));
    }
}
