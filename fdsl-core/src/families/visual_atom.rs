//! VisualAtom (Takashima et al., "Visual Atoms: Pre-training Vision Transformers with Sinusoidal
//! Waves", CVPR 2023; masora1030/CVPR2023-FDSL-on-VisualAtom, `visual_atomic_renderer/
//! render_VisualAtom.py` with the values of its `make_VisualAtom.sh`).
//!
//! A category is nine numbers ([`VisualAtomCategory`]): an ellipse of `V` vertices, `vertex_k =
//! (cos θ_k · r · ox, sin θ_k · r · oy)`, `θ_k = 2πk / V`, grown `K` times ("orbits"), each time every
//! vertex pushed out along its ray by `λ − pnoise1(u)·λ + ½ sin(n₁θ_k) + ½ sin(n₂θ_k) + lw` (the two
//! sine waves are the "visual atom"), and each orbit drawn as a closed 1-px polygon in a random grey
//! on black. An instance draws its own centre, orbit greys and noise arguments.
//!
//! Seeding (fdsl's, not the reference's): the reference seeds Python's `random` once per thread
//! (`random.seed(thread_num + 1)`) and draws categories and instances from that one stream, so its
//! images depend on the thread count (20 in `make_VisualAtom.sh`). fdsl draws category `c` from its
//! own stream ([`crate::families::drawn::category_key`]) and instance `i` from the stream of `(seed, c, i)` ([`crate::families::drawn::instance_key`]),
//! so any sample can be rendered alone.

use crate::families::drawn::{Drawn, DrawnCategory};
use crate::family::Parameter;
use crate::math::perlin::pnoise1;
use crate::math::stream::{Namespace, below, uniform_f64};
use crate::raster::canvas::Canvas;
use crate::raster::contour::{MAX_VERTICES, RadialContour, angle, noise_argument};
use rand_core::Rng;
use rand_pcg::Pcg32;

/// The most orbits an image may have (50 times the reference's 200).
pub const MAX_ORBITS: u32 = 10_000;
/// The largest magnitude of the Perlin coefficient and the line width (the reference draws them
/// below 4 and 0.1).
pub const MAX_OFFSET: f64 = 100.0;
/// The largest start radius, pixels (the reference draws 10 to 60).
pub const MAX_RADIUS: f64 = 100_000.0;
/// The largest oval rate magnitude (the reference draws them in `[1, 2)`).
pub const MAX_OVAL_RATE: f64 = 100.0;
/// The largest sine frequency (the reference draws them in `0..=20`).
pub const MAX_FREQUENCY: u32 = 1_000;

/// The parameters of one VisualAtom category, drawn once per category and kept for all its
/// instances (the reference's variable names in brackets).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VisualAtomCategory {
    /// `V` (`vertex_number`), vertices of the contour (3 to [`MAX_VERTICES`]).
    pub vertices: u32,
    /// `K` (`line_draw_num`), orbits per image (1 to [`MAX_ORBITS`]).
    pub orbits: u32,
    /// `λ` (`perlin_noise_coefficient`).
    pub perlin_coefficient: f64,
    /// `lw` (`line_width`): a constant outward offset per orbit, not a drawing width.
    pub line_width: f64,
    /// `r` (`start_rad`), the radius of the starting ellipse, pixels.
    pub start_radius: f64,
    /// `(n₁, n₂)` (`nami1`, `nami2`), the frequencies of the two sine waves.
    pub frequencies: (u32, u32),
    /// `(ox, oy)` (`oval_rate_x`, `oval_rate_y`).
    pub oval: (f64, f64),
}

/// The reference's drawing ranges.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VisualAtomRanges {
    /// `V` uniform in this range, both ends included (`--vertex_num_min/max`: 200, 1000).
    pub vertices: (u32, u32),
    /// Largest `K` (`--line_num_max`, 200; the smallest is 1).
    pub max_orbits: u32,
    /// `λ ~ U(min, min + 4)` (`--perlin_min`, 0 in the script, 2 in argparse's default).
    pub min_perlin_coefficient: f64,
    /// `lw ~ U(0, max)` (`--line_width`, 0.1 in the script, 0.01 in argparse's default).
    pub max_line_width: f64,
    /// `r` uniform integer in `[min, min + 50]` (`--radius_min`, 10 in the script, 0 in argparse's).
    pub min_radius: u32,
    /// `n₁, n₂` uniform integers in `[0, max]` (`--nami_*_max`, 20).
    pub max_frequency: u32,
    /// `ox, oy ~ U(1, max)` (`--oval_rate`, 2).
    pub max_oval_rate: f64,
}

/// The ranges of VisualAtom-1k and -21k (`make_VisualAtom.sh`, which differs from argparse's defaults).
pub const REFERENCE_RANGES: VisualAtomRanges = VisualAtomRanges {
    vertices: (200, 1000),
    max_orbits: 200,
    min_perlin_coefficient: 0.0,
    max_line_width: 0.1,
    min_radius: 10,
    max_frequency: 20,
    max_oval_rate: 2.0,
};

/// Why a category cannot be rendered (the reference's names, as its category files have them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VisualAtomError {
    /// `V` outside 3 to [`MAX_VERTICES`].
    Vertices,
    /// `K` outside 1 to [`MAX_ORBITS`].
    Orbits,
    /// A real parameter is NaN or infinite.
    NotFinite,
    /// `|λ|` or `|lw|` exceeds [`MAX_OFFSET`].
    Offset,
    /// `r` is negative or exceeds [`MAX_RADIUS`], or an oval rate exceeds [`MAX_OVAL_RATE`].
    Ellipse,
    /// A sine frequency exceeds [`MAX_FREQUENCY`].
    Frequency,
}

impl core::fmt::Display for VisualAtomError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Vertices => "vertex_number must be between 3 and 1024 (the reference draws 200 to 1000)",
            Self::Orbits => "line_draw_num must be between 1 and 10000 (the reference draws up to 200)",
            Self::NotFinite => "every VisualAtom parameter must be a finite number",
            Self::Offset => {
                "perlin_noise_coefficient and line_width must be between -100 and 100 (the reference draws them in [0, 4) and [0, 0.1))"
            }
            Self::Ellipse => {
                "start_rad must be between 0 and 100000 and oval_rate_x, oval_rate_y between -100 and 100 (the reference draws 10 to 60 and [1, 2))"
            }
            Self::Frequency => "nami1 and nami2 must be at most 1000 (the reference draws 0 to 20)",
        })
    }
}

impl core::error::Error for VisualAtomError {}

impl VisualAtomCategory {
    /// Draw a category in the reference's order: `V` uniform in the vertex range, `K` in `[1, max]`,
    /// `λ ~ U(min, min + 4)`, `lw ~ U(0, max)`, `r` uniform integer in `[min, min + 50]`, `n₁` uniform
    /// in `[0, max]`, then `n₂` likewise, drawn again while `n₂ = n₁` unless `n₁ = 0`, then `ox`, `oy
    /// ~ U(1, max)`. (The reference draws the first instance's centre here too; fdsl draws every
    /// instance's centre from that instance's stream.)
    pub fn sample<R: Rng>(rng: &mut R, ranges: &VisualAtomRanges) -> Self {
        let (lo, hi) = ranges.vertices;
        let vertices = lo + below(rng, hi - lo + 1);
        let orbits = 1 + below(rng, ranges.max_orbits);
        let lambda = ranges.min_perlin_coefficient;
        let perlin_coefficient = uniform_f64(rng, lambda, lambda + 4.0);
        let line_width = uniform_f64(rng, 0.0, ranges.max_line_width);
        let start_radius = f64::from(ranges.min_radius + below(rng, 51));
        let n1 = below(rng, ranges.max_frequency + 1);
        let n2 = loop {
            let n2 = below(rng, ranges.max_frequency + 1);
            if n2 != n1 || n1 == 0 {
                break n2;
            }
        };
        let oval = (uniform_f64(rng, 1.0, ranges.max_oval_rate), uniform_f64(rng, 1.0, ranges.max_oval_rate));
        Self { vertices, orbits, perlin_coefficient, line_width, start_radius, frequencies: (n1, n2), oval }
    }

    /// Check the values (categories read from files may hold anything).
    pub fn check(&self) -> Result<(), VisualAtomError> {
        if !(3..=MAX_VERTICES).contains(&self.vertices) {
            return Err(VisualAtomError::Vertices);
        }
        if !(1..=MAX_ORBITS).contains(&self.orbits) {
            return Err(VisualAtomError::Orbits);
        }
        let reals = [self.perlin_coefficient, self.line_width, self.start_radius, self.oval.0, self.oval.1];
        if !reals.iter().all(|v| v.is_finite()) {
            return Err(VisualAtomError::NotFinite);
        }
        if self.perlin_coefficient.abs() > MAX_OFFSET || self.line_width.abs() > MAX_OFFSET {
            return Err(VisualAtomError::Offset);
        }
        if !(0.0..=MAX_RADIUS).contains(&self.start_radius)
            || self.oval.0.abs() > MAX_OVAL_RATE
            || self.oval.1.abs() > MAX_OVAL_RATE
        {
            return Err(VisualAtomError::Ellipse);
        }
        if self.frequencies.0 > MAX_FREQUENCY || self.frequencies.1 > MAX_FREQUENCY {
            return Err(VisualAtomError::Frequency);
        }
        Ok(())
    }

    /// Draw one instance onto `canvas` (cleared to black first) with the instance's own stream: the
    /// centre `((H + U{−H, …, H}) / 2, (W + U{−W, …, W}) / 2)` (y first, as the reference's
    /// `start_pos_h`; its `start_pos` is the image side, 512); then per orbit a grey `U{0, …, 255}`
    /// and, per vertex, `n_x = pnoise1(U(0, 10⁴))·λ − λ − ½ sin(n₁θ_k) − ½ sin(n₂θ_k)` (the argument
    /// from 32 random bits) and `n_y` likewise, moving the vertex by `x −= cos θ_k·(n_x − lw)`, `y −=
    /// sin θ_k·(n_y − lw)` before the orbit is drawn. Orbits accumulate: each grows from the last.
    pub fn draw<R: Rng>(&self, rng: &mut R, canvas: &mut Canvas<'_>) -> Result<(), VisualAtomError> {
        self.check()?;
        canvas.fill(0);
        let (w, h) = (canvas.width(), canvas.height());
        // (S + U{−S, …, S}) / 2 = U{0, …, 2S} / 2.
        let mut centre = |side: usize| f64::from(below(rng, 2 * side as u32 + 1)) / 2.0;
        let cy = centre(h);
        let cx = centre(w);
        let n = self.vertices as usize;
        let mut waves = [0.0; MAX_VERTICES as usize];
        let (n1, n2) = (f64::from(self.frequencies.0), f64::from(self.frequencies.1));
        for (k, wave) in waves.iter_mut().enumerate().take(n) {
            let theta = angle(k, n);
            *wave = 0.5 * libm::sin(theta * n1) + 0.5 * libm::sin(theta * n2);
        }
        let mut contour = RadialContour::ellipse(n, self.start_radius, self.oval);
        let lambda = self.perlin_coefficient;
        for _ in 0..self.orbits {
            let grey = below(rng, 256) as u8;
            contour.push(|k| {
                let nx = pnoise1(noise_argument(rng)) * lambda - lambda - waves[k];
                let ny = pnoise1(noise_argument(rng)) * lambda - lambda - waves[k];
                (nx - self.line_width, ny - self.line_width)
            });
            contour.draw((cx, cy), grey, canvas);
        }
        Ok(())
    }
}

/// The VisualAtom family: categories on `side × side` grey canvases (the reference writes RGB
/// images of equal channels), each instance from the stream of (seed, class, instance)
/// ([`crate::families::drawn::instance_key`]): its centre, greys and noise.
pub type VisualAtom<C> = Drawn<VisualAtomCategory, C>;

impl DrawnCategory for VisualAtomCategory {
    const NAMESPACE: Namespace = Namespace::VisualAtom;
    type Error = VisualAtomError;

    fn check(&self) -> Result<(), VisualAtomError> {
        VisualAtomCategory::check(self)
    }

    fn draw_instance(
        &self,
        rng: &mut Pcg32,
        canvas: &mut Canvas<'_>,
        _: &mut [u8],
    ) -> Result<(), VisualAtomError> {
        self.draw(rng, canvas)
    }

    /// The reference's `vertex_{V:04}_instance_{instance:04}`, after the class (names are unique
    /// within a split).
    fn write_name(&self, class: usize, instance: u64, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        write!(out, "{class:05}_vertex_{:04}_instance_{instance:04}", self.vertices)
    }

    /// The nine numbers, by the reference's names.
    fn parameters(&self, visit: &mut dyn FnMut(&'static str, Parameter<'_>)) {
        visit("vertex_number", Parameter::Int(u64::from(self.vertices)));
        visit("line_draw_num", Parameter::Int(u64::from(self.orbits)));
        visit("perlin_noise_coefficient", Parameter::Float(self.perlin_coefficient));
        visit("line_width", Parameter::Float(self.line_width));
        visit("start_rad", Parameter::Float(self.start_radius));
        visit("nami1", Parameter::Int(u64::from(self.frequencies.0)));
        visit("nami2", Parameter::Int(u64::from(self.frequencies.1)));
        visit("oval_rate_x", Parameter::Float(self.oval.0));
        visit("oval_rate_y", Parameter::Float(self.oval.1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::stream::{Purpose, StreamKey};

    fn rng(category: u64, instance: u64, purpose: Purpose) -> rand_pcg::Pcg32 {
        StreamKey { seed: 0, namespace: Namespace::VisualAtom, category, instance, purpose }.rng()
    }

    #[test]
    fn category_draws_follow_the_script_laws() {
        let n = 8_000;
        let cats: [VisualAtomCategory; 8_000] = core::array::from_fn(|c| {
            VisualAtomCategory::sample(&mut rng(c as u64, 0, Purpose::Parameters), &REFERENCE_RANGES)
        });
        let mean = |f: &dyn Fn(&VisualAtomCategory) -> f64| cats.iter().map(f).sum::<f64>() / n as f64;
        for c in &cats {
            assert!((200..=1000).contains(&c.vertices) && (1..=200).contains(&c.orbits), "{c:?}");
            assert!((0.0..4.0).contains(&c.perlin_coefficient) && (0.0..0.1).contains(&c.line_width));
            assert!((10.0..=60.0).contains(&c.start_radius) && c.start_radius.fract() == 0.0);
            assert!(c.frequencies.0 <= 20 && c.frequencies.1 <= 20);
            assert!(c.frequencies.0 != c.frequencies.1 || c.frequencies.0 == 0, "n2 = n1 only at 0");
            assert!((1.0..2.0).contains(&c.oval.0) && (1.0..2.0).contains(&c.oval.1));
            assert_eq!(c.check(), Ok(()));
        }
        assert!((mean(&|c| f64::from(c.vertices)) - 600.0).abs() < 8.0);
        assert!((mean(&|c| f64::from(c.orbits)) - 100.5).abs() < 1.5);
        assert!((mean(&|c| c.perlin_coefficient) - 2.0).abs() < 0.03);
        assert!((mean(&|c| c.start_radius) - 35.0).abs() < 0.4);
        assert!((mean(&|c| c.oval.1) - 1.5).abs() < 0.01);
        // n₁ uniform on 0..=20; n₂ given n₁ ≠ 0 uniform on the other 20 values (mean (210 − n₁)/20).
        assert!((mean(&|c| f64::from(c.frequencies.0)) - 10.0).abs() < 0.15);
        let zeros = cats.iter().filter(|c| c.frequencies == (0, 0)).count() as f64 / n as f64;
        assert!((zeros - 1.0 / 441.0).abs() < 0.0015, "both waves off: {zeros}");
        assert!(cats.iter().any(|c| c.vertices == 200) && cats.iter().any(|c| c.vertices == 1000));
    }

    #[test]
    fn orbits_grow_outward_from_a_centre_anywhere_on_the_canvas() {
        let cat = VisualAtomCategory {
            vertices: 300,
            orbits: 40,
            perlin_coefficient: 2.0,
            line_width: 0.05,
            start_radius: 20.0,
            frequencies: (3, 7),
            oval: (1.2, 1.7),
        };
        let side = 256;
        let (mut lit, mut grey_levels) = (0, [false; 256]);
        for instance in 0..20 {
            let mut a = [9u8; 256 * 256];
            cat.draw(&mut rng(1, instance, Purpose::Shape), &mut Canvas::new(&mut a, side, side).unwrap())
                .unwrap();
            lit += a.iter().filter(|&&v| v != 0).count();
            a.iter().for_each(|&v| grey_levels[v as usize] = true);
            let mut b = [0u8; 256 * 256];
            cat.draw(&mut rng(1, instance, Purpose::Shape), &mut Canvas::new(&mut b, side, side).unwrap())
                .unwrap();
            assert_eq!(a, b, "instance {instance} draws the same twice");
        }
        // Orbits move out by λ(1 − p) + lw ± 1 each (p = pnoise1 within ±1): 40 orbits reach ~100 px.
        assert!(lit > 20 * 2_000, "{lit} pixels lit in 20 images");
        assert!(grey_levels.iter().filter(|&&g| g).count() > 30, "a grey per orbit");
        let mut centres = [0u32; 4];
        let mut r = rng(2, 0, Purpose::Shape);
        for _ in 0..4000 {
            let c = f64::from(below(&mut r, 2 * side as u32 + 1)) / 2.0;
            assert!((0.0..=side as f64).contains(&c));
            centres[(c / side as f64 * 3.999) as usize] += 1;
        }
        assert!(centres.iter().all(|&n| (900..1100).contains(&n)), "{centres:?}");
    }

    #[test]
    fn bad_categories_are_refused_before_drawing() {
        let good = VisualAtomCategory::sample(&mut rng(3, 0, Purpose::Parameters), &REFERENCE_RANGES);
        let refused = [
            (VisualAtomCategory { vertices: 2, ..good }, VisualAtomError::Vertices),
            (VisualAtomCategory { vertices: 1025, ..good }, VisualAtomError::Vertices),
            (VisualAtomCategory { orbits: 0, ..good }, VisualAtomError::Orbits),
            (VisualAtomCategory { perlin_coefficient: f64::NAN, ..good }, VisualAtomError::NotFinite),
            (VisualAtomCategory { oval: (1.0, f64::INFINITY), ..good }, VisualAtomError::NotFinite),
            (VisualAtomCategory { line_width: -100.5, ..good }, VisualAtomError::Offset),
            (VisualAtomCategory { start_radius: -1.0, ..good }, VisualAtomError::Ellipse),
            (VisualAtomCategory { oval: (101.0, 1.0), ..good }, VisualAtomError::Ellipse),
            (VisualAtomCategory { frequencies: (1001, 0), ..good }, VisualAtomError::Frequency),
        ];
        for (category, error) in refused {
            let mut a = [5u8; 64 * 64];
            let drawn =
                category.draw(&mut rng(3, 1, Purpose::Shape), &mut Canvas::new(&mut a, 64, 64).unwrap());
            assert_eq!(drawn, Err(error), "{category:?}");
            assert!(a.iter().all(|&v| v == 5));
        }
    }
}
