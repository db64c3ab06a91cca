//! PrimGeoSeg (Tadokoro, Yamada, Nakashima, Nakamura, Kataoka, BMVC 2023; reference
//! `SUPER-TADORY/PrimGeoSeg`, `data_generation/`): a cubic volume of primitive solids for 3-D
//! segmentation pre-training. The image is the union of the primitives' 2-px slice outlines (128 on
//! 0), the labels the filled solids' class ids (0 background, 1 to 32), the last placed on top.
//!
//! A primitive is a stack of `D` OpenCV-drawn slices in an `S × S × D` box. Its class is one of 8
//! cross-sections (an ellipse, or a 3- to 9-gon) × 4 profiles along z (prism, hourglass, pyramid,
//! rhombus): id `= 4 · section + profile + 1` ([`Profile`]). Ellipses: `R ∈ [15, 40]`, semi-axes
//! `a, b ∈ [15, R]`, `S = 2·max(a, b)` (+10 for hourglass and rhombus), `D ∈ [10, 50]`, angle
//! `∈ [0, 180]`; polygons: `S ∈ [30, 80]`, `D ∈ [10, 50]`, vertex `k` at a whole angle drawn in
//! `[⌊360k/N⌋, ⌊360(k+1)/N⌋]` and a radius in `[15, S/2]`, at `c + int(r·cos θ)` (c = S/2). Slice
//! `z` scales the section: prisms keep it, pyramids shrink it towards the centre (`1 − z/D`),
//! hourglasses and rhombi go from `g0` to `g1` at a drawn row `cz ∈ [3, D − 3]` and on towards `g2`
//! (hourglass `g0, g2 ∈ [0.8, 1]`, `g1 ∈ [0.3, 0.5]`; rhombus the other way round). Outlines are
//! `cv2.ellipse(thickness = 2)` / `cv2.polylines(closed, thickness = 2)`, fills
//! `cv2.ellipse(thickness = −1)` / `cv2.fillPoly`, OpenCV 4.9.0's pixels
//! ([`crate::raster::opencv_draw`], [`crate::raster::opencv_fill::fill_poly_v4_9`]), clipped by
//! the box.
//!
//! A volume draws its primitives (20 in config001), sorts them by filled volume (largest first,
//! ties: later drawn first) and places each in turn: up to 101 random corners `(x, y, z)`, taking
//! the first whose overlap with the union `F` of the placed solids is at most `occlusion` (0.7) of
//! the primitive's volume. The reference divides by the wrong volume — the sorted list indexed by the
//! primitive's *original* index (`mk_data.py:217-218`) — and fdsl keeps that by default
//! ([`Settings::fix_volume_bug`] divides by the primitive's own). A primitive that finds no place is
//! dropped; a 102nd corner is drawn and thrown away, as the reference's loop does. With
//! [`Settings::rotate`] (`no_rotate: false`) each attempt first turns the box by one of NumPy's 6
//! quarter turns. Volume axis 0 is the slices' OpenCV row, axis 1 their column, axis 2 their `z`.
//!
//! Two draw modes feed the same geometry ([`Draws`]): fdsl's keyed streams ([`Keyed`], namespace
//! [`Namespace::PrimGeoSeg`], one stream per volume), and CPython's `random` ([`Mt19937`] seeded by
//! `random.seed(s)`), which replays the reference's draws one for one, those it never uses included,
//! and gives the reference's very volumes (`tests/primgeoseg.rs`).
//!
//! Buffers are the caller's: the two `side³` byte volumes, the reference's arrays in C order
//! (`[axis 0][axis 1][axis 2]`, axis 2 fastest: NumPy's view of them, which a NIfTI writer turns to
//! Fortran order), and a scratch of
//! [`scratch_words`] `u32` (the union `F` as bit rows and each primitive's slices as bitmaps).
//! The reference's noise (`noise_strength`, integers up to 399 added to the image) is not offered:
//! it does not fit the byte volume, and config001 has none.

use rand_pcg::Pcg32;

use crate::family::{
    Dims, Element, Family, Filled, Grouping, Parameter, Part, Parts, RenderError, Role, ScratchLen,
    Workspace, output_pair,
};
use crate::math::mt19937::Mt19937;
use crate::math::stream::{Namespace, Purpose, StreamKey, below, uniform_f64};
use crate::raster::opencv_draw::{Stroke, ellipse, polylines};
use crate::raster::opencv_fill::fill_poly_v4_9;

/// The smallest volume side: the largest box is `2·40 + 10` voxels.
pub const MIN_SIDE: usize = 90;
/// The largest volume side (a 1024³ volume is a gigabyte).
pub const MAX_SIDE: usize = 1024;
/// The largest box side `S`.
const MAX_BOX: usize = 90;
/// The largest box depth `D`.
const MAX_DEPTH: usize = 50;
/// The most primitives a volume draws.
pub const MAX_PRIMITIVES: usize = 64;
/// The most vertices of a polygonal section.
const MAX_VERTICES: usize = 9;
/// Placement attempts before a primitive is dropped (`num > 100`); one more is drawn and discarded.
const ATTEMPTS: u32 = 101;
/// The image value of an outline voxel.
pub const OUTLINE: u8 = 128;

/// The cross-sections, in class order: 0 an ellipse, else the polygon's vertex count.
const SECTIONS: [usize; 8] = [0, 3, 4, 5, 6, 7, 8, 9];
/// The sections of `reduce_xy_class`.
const SECTIONS_REDUCED: [usize; 5] = [0, 3, 4, 5, 6];

/// A primitive's profile along z, in class order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// The same section on every slice (`Cylinder`, `Prism`).
    Prism,
    /// Narrowing to a waist at `cz` and widening again (`Hourglass_*`).
    Hourglass,
    /// Shrinking towards the centre (`Cone`, `Pyramid`).
    Pyramid,
    /// Widening to a belly at `cz` and narrowing again (`Rhombus_*`).
    Rhombus,
}

const PROFILES: [Profile; 4] = [Profile::Prism, Profile::Hourglass, Profile::Pyramid, Profile::Rhombus];

/// What a volume is made of: the reference's `config/*.yaml` settings that shape it.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Settings {
    /// Voxels per side (`space`), at least [`MIN_SIDE`].
    pub side: usize,
    /// Primitives drawn per volume (`NUM_PER_IMAGE`), 1 to [`MAX_PRIMITIVES`].
    pub primitives: usize,
    /// The largest accepted overlap, as a fraction of the primitive's volume (`occlusion_r`).
    pub occlusion: f64,
    /// Divide the overlap by the primitive's own volume instead of the reference's wrong one.
    pub fix_volume_bug: bool,
    /// Sections ellipse, 3-, 4-, 5-, 6-gon only (`reduce_xy_class`): 20 or 10 classes.
    pub reduce_xy: bool,
    /// Profiles prism and hourglass only (`reduce_z_class`).
    pub reduce_z: bool,
    /// Turn each placement attempt's box by one of 6 quarter turns (`no_rotate: false`).
    pub rotate: bool,
}

/// The reference's `config001.yaml`: 96³, 20 primitives, occlusion 0.7, the volume bug kept.
pub const CONFIG001: Settings = Settings {
    side: 96,
    primitives: 20,
    occlusion: 0.7,
    fix_volume_bug: false,
    reduce_xy: false,
    reduce_z: false,
    rotate: false,
};

impl Settings {
    /// The number of classes (labels `1..=classes`).
    pub fn classes(&self) -> usize {
        self.sections().len() * self.profiles().len()
    }

    fn sections(&self) -> &'static [usize] {
        if self.reduce_xy { &SECTIONS_REDUCED } else { &SECTIONS }
    }

    fn profiles(&self) -> &'static [Profile] {
        if self.reduce_z { &PROFILES[..2] } else { &PROFILES }
    }

    /// Whether the settings can be rendered.
    pub fn check(&self) -> Result<(), PrimGeoSegError> {
        if self.side < MIN_SIDE || self.side > MAX_SIDE {
            return Err(PrimGeoSegError::Side);
        }
        if self.primitives == 0 || self.primitives > MAX_PRIMITIVES {
            return Err(PrimGeoSegError::Primitives);
        }
        if !self.occlusion.is_finite() || self.occlusion < 0.0 {
            return Err(PrimGeoSegError::Occlusion);
        }
        Ok(())
    }

    /// Voxels of one volume: `side³`.
    pub fn voxels(&self) -> usize {
        self.side * self.side * self.side
    }
}

/// Why a volume cannot be rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrimGeoSegError {
    /// The side is below [`MIN_SIDE`] (the largest box would not fit) or above [`MAX_SIDE`].
    Side,
    /// No primitives, or more than [`MAX_PRIMITIVES`].
    Primitives,
    /// The occlusion fraction is negative or not finite.
    Occlusion,
    /// A volume or the scratch is shorter than the settings need.
    Buffer,
}

impl core::fmt::Display for PrimGeoSegError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Side => "the side must be 90 to 1024 voxels (the largest primitive box is 2*40+10)",
            Self::Primitives => "a volume draws 1 to 64 primitives",
            Self::Occlusion => "the occlusion fraction must be finite and not negative",
            Self::Buffer => "a buffer is shorter than the volume needs",
        })
    }
}

impl core::error::Error for PrimGeoSegError {}

/// Where a volume's random draws come from: the reference's calls, one for one.
pub trait Draws {
    /// `random.randint(a, b)`: uniform in `a..=b`.
    fn randint(&mut self, a: i64, b: i64) -> i64;
    /// `random.uniform(a, b)`.
    fn uniform(&mut self, a: f64, b: f64) -> f64;
    /// `random.choice` of `n` items: an index in `0..n`.
    fn choice(&mut self, n: usize) -> usize;
    /// Whether to make the draws the reference makes and never uses (a polygon's angle, the first
    /// vertex set of hourglass and rhombus polygons, the one-item rotation choice): CPython's mode
    /// replays them to stay in step, fdsl's streams skip them.
    fn replays_unused(&self) -> bool;
}

impl Draws for Mt19937 {
    fn randint(&mut self, a: i64, b: i64) -> i64 {
        Mt19937::randint(self, a, b)
    }
    fn uniform(&mut self, a: f64, b: f64) -> f64 {
        Mt19937::uniform(self, a, b)
    }
    fn choice(&mut self, n: usize) -> usize {
        self.randbelow(n as u64) as usize
    }
    fn replays_unused(&self) -> bool {
        true
    }
}

/// fdsl's draws: the PCG32 stream of (seed, [`Namespace::PrimGeoSeg`], 0, volume index,
/// [`Purpose::Shape`]); integers by [`below`], reals by [`uniform_f64`].
pub struct Keyed(Pcg32);

impl Keyed {
    /// The stream of volume `index` of the dataset with seed `seed`.
    pub fn new(seed: u64, index: u64) -> Self {
        let key = StreamKey {
            seed,
            namespace: Namespace::PrimGeoSeg,
            category: 0,
            instance: index,
            purpose: Purpose::Shape,
        };
        Self(key.rng())
    }
}

impl Draws for Keyed {
    fn randint(&mut self, a: i64, b: i64) -> i64 {
        a + i64::from(below(&mut self.0, (b - a + 1) as u32))
    }
    fn uniform(&mut self, a: f64, b: f64) -> f64 {
        uniform_f64(&mut self.0, a, b)
    }
    fn choice(&mut self, n: usize) -> usize {
        below(&mut self.0, n as u32) as usize
    }
    fn replays_unused(&self) -> bool {
        false
    }
}

/// Where a dataset's volumes draw from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum DrawMode {
    /// fdsl's keyed streams: volume `i` of seed `s` is [`Keyed::new`]`(s, i)`.
    #[default]
    Streams,
    /// The reference's: volume `i` of seed `s` is `random.seed(s + i); make_data()` (CPython's
    /// MT19937, the reference's very volumes).
    #[cfg_attr(feature = "serde", serde(rename = "cpython"))]
    CPython,
}

/// PrimGeoSeg as a [`Family`]: one unlabelled group of volumes, each two parts, `volume` (the
/// outlines, [`Role::Volume`]) and `labels` (the class ids, [`Role::Labels`]), `side³` bytes in
/// the C order of the reference's arrays. The workspace's `positions` buffer is the scratch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PrimGeoSeg {
    settings: Settings,
    seed: u64,
    mode: DrawMode,
}

impl PrimGeoSeg {
    /// The volumes of `settings` drawn from `seed` as `mode` says.
    pub fn new(settings: Settings, seed: u64, mode: DrawMode) -> Result<Self, PrimGeoSegError> {
        settings.check()?;
        Ok(Self { settings, seed, mode })
    }

    /// Its settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }
}

impl Family for PrimGeoSeg {
    type Error = PrimGeoSegError;

    /// The `volume` and its `labels`, `side × side × side` bytes each.
    fn parts(&self) -> Parts {
        let dims = Dims::fixed(&[self.settings.side; 3]);
        Parts::new(&[
            Part { name: "volume", role: Role::Volume, element: Element::U8, dims },
            Part { name: "labels", role: Role::Labels, element: Element::U8, dims },
        ])
    }

    /// [`scratch_words`] `u32`.
    fn scratch_len(&self) -> ScratchLen {
        ScratchLen::NONE.and::<u32>(scratch_words(&self.settings))
    }

    /// The primitive classes (labels `1..=classes`).
    fn classes(&self) -> usize {
        self.settings.classes()
    }

    fn grouping(&self) -> Grouping {
        Grouping::UNLABELLED
    }

    fn render_parts(
        &self,
        _class: usize,
        instance: u64,
        ws: &mut Workspace<'_>,
        out: &mut [&mut [u8]],
    ) -> Result<Filled, RenderError<PrimGeoSegError>> {
        let n = self.settings.voxels();
        let (volume, labels) = output_pair(out, (n, n))?;
        let scratch = ws.carve().take::<u32>(scratch_words(&self.settings))?;
        match self.mode {
            DrawMode::Streams => {
                render(&self.settings, &mut Keyed::new(self.seed, instance), scratch, volume, labels)
            }
            DrawMode::CPython => {
                let mut draws = Mt19937::python_seed(self.seed.wrapping_add(instance));
                render(&self.settings, &mut draws, scratch, volume, labels)
            }
        }
        .map_err(RenderError::Family)?;
        Ok(Filled::new(&[n, n]))
    }

    /// The reference's stem `{:04}` (`img0000`, `label0000`; 5 digits from 10,000 on).
    fn write_name(&self, _class: usize, instance: u64, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        write!(out, "{instance:04}")
    }

    /// Nothing beyond the volume's index: its primitives and places come from its stream.
    fn parameters(&self, _class: usize, _instance: u64, _visit: &mut dyn FnMut(&'static str, Parameter<'_>)) {
    }
}

/// A primitive's cross-section at full size.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Section {
    /// Semi-axes and angle (degrees) of `cv2.ellipse`.
    Ellipse { a: i64, b: i64, angle: u32 },
    /// `n` vertices: whole-degree angles and radii.
    Polygon { n: usize, theta: [i64; MAX_VERTICES], r: [i64; MAX_VERTICES] },
}

/// One primitive's parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Primitive {
    class: u8,
    section: Section,
    profile: Profile,
    side: usize,
    depth: usize,
    /// The waist or belly row `cz` and the scales `g0, g1, g2` (hourglass and rhombus).
    cz: i64,
    g: [f64; 3],
}

impl Primitive {
    /// Draw one primitive as the reference's class constructors do (`contours/*.py`).
    fn draw(settings: &Settings, draws: &mut impl Draws) -> Self {
        let (sections, profiles) = (settings.sections(), settings.profiles());
        let index = draws.choice(sections.len() * profiles.len());
        let (n, profile) = (sections[index / profiles.len()], profiles[index % profiles.len()]);
        let waisted = matches!(profile, Profile::Hourglass | Profile::Rhombus);
        let mut p = Primitive {
            class: index as u8 + 1,
            section: Section::Ellipse { a: 0, b: 0, angle: 0 },
            profile,
            side: 0,
            depth: 0,
            cz: 0,
            g: [1.0; 3],
        };
        if n == 0 {
            let r_max = draws.randint(15, 40);
            let (a, b) = (draws.randint(15, r_max), draws.randint(15, r_max));
            p.side = 2 * a.max(b) as usize + if waisted { 10 } else { 0 };
            p.depth = draws.randint(10, 50) as usize;
            let angle = draws.randint(0, 180) as u32;
            p.section = Section::Ellipse { a, b, angle };
            if waisted {
                p.waist(draws);
            }
        } else {
            p.side = draws.randint(30, 80) as usize;
            p.depth = draws.randint(10, 50) as usize;
            if draws.replays_unused() {
                draws.randint(0, 180); // `rotate2d`, never used by polygons
            }
            if waisted {
                p.waist(draws);
            }
            let replays = draws.replays_unused();
            let mut vertices = || {
                let (mut theta, mut r) = ([0; MAX_VERTICES], [0; MAX_VERTICES]);
                for (k, t) in theta[..n].iter_mut().enumerate() {
                    // `np.linspace(0, 360, n + 1)` truncated: exactly ⌊360k/n⌋.
                    *t = draws.randint((360 * k / n) as i64, (360 * (k + 1) / n) as i64);
                }
                for v in &mut r[..n] {
                    *v = draws.randint(15, (p.side / 2) as i64);
                }
                Section::Polygon { n, theta, r }
            };
            if waisted && replays {
                vertices(); // `_set_base_vertexes` runs twice; the second set is kept
            }
            p.section = vertices();
        }
        p
    }

    /// Draw the waist or belly row `cz ∈ [3, D − 3]` and the scales `g0, g1, g2`.
    fn waist(&mut self, draws: &mut impl Draws) {
        let (outer, inner) = ((0.8, 1.0), (0.3, 0.5));
        let (ends, middle) = if self.profile == Profile::Hourglass { (outer, inner) } else { (inner, outer) };
        self.cz = draws.randint(3, self.depth as i64 - 3);
        self.g =
            [draws.uniform(ends.0, ends.1), draws.uniform(middle.0, middle.1), draws.uniform(ends.0, ends.1)];
    }

    /// The scale of slice `z` of a waisted profile, in the reference's operation order.
    fn rate(&self, z: usize) -> f64 {
        let (z, cz, d) = (z as f64, self.cz as f64, self.depth as f64);
        let [g0, g1, g2] = self.g;
        if z <= cz { g0 + (g1 - g0) * (z / cz) } else { g1 + (g2 - g1) * ((z - cz) / (d - cz)) }
    }

    /// The section of slice `z`: the scaled semi-axes, or the vertices.
    fn shape(&self, z: usize) -> Shape {
        let c = (self.side / 2) as i64;
        let scaled = |v: i64, rate: f64| (v as f64 * rate) as i64;
        match self.section {
            Section::Ellipse { a, b, .. } => match self.profile {
                Profile::Prism => Shape::Ellipse(a, b),
                Profile::Pyramid => {
                    let rate = 1.0 - z as f64 / self.depth as f64;
                    Shape::Ellipse(scaled(a, rate), scaled(b, rate))
                }
                _ => Shape::Ellipse(scaled(a, self.rate(z)), scaled(b, self.rate(z))),
            },
            Section::Polygon { n, theta, r } => {
                let mut v = [(0i32, 0i32); MAX_VERTICES];
                for k in 0..n {
                    let radius = match self.profile {
                        Profile::Hourglass | Profile::Rhombus => scaled(r[k], self.rate(z)),
                        _ => r[k],
                    };
                    let t = (theta[k] as f64).to_radians();
                    let (x, y) = (c + scaled(radius, libm::cos(t)), c + scaled(radius, libm::sin(t)));
                    v[k] = if self.profile == Profile::Pyramid {
                        let rate = z as f64 / self.depth as f64;
                        let towards = |p: i64| (p as f64 + (c - p) as f64 * rate) as i64;
                        (towards(x) as i32, towards(y) as i32)
                    } else {
                        (x as i32, y as i32)
                    };
                }
                Shape::Polygon(n, v)
            }
        }
    }

    /// The outline and the fill of a slice of section `shape`, as runs on the `S × S` box.
    fn draw_slice(
        &self,
        shape: Shape,
        mut outline: impl FnMut(usize, usize, usize),
        mut fill: impl FnMut(usize, usize, usize),
    ) {
        let s = self.side;
        let c = (s / 2) as i32;
        match (shape, self.section) {
            (Shape::Ellipse(a, b), Section::Ellipse { angle, .. }) => {
                let axes = (a as u32, b as u32);
                ellipse((c, c), axes, angle, Stroke::Outline(2), s, s, &mut outline);
                ellipse((c, c), axes, angle, Stroke::Filled, s, s, &mut fill);
            }
            (Shape::Polygon(n, v), _) => {
                polylines(&v[..n], true, 2, s, s, &mut outline);
                fill_poly_v4_9(&v[..n], s, s, &mut fill);
            }
            (Shape::Ellipse(..), Section::Polygon { .. }) => unreachable!("an ellipse's slices are ellipses"),
        }
    }
}

/// One slice's section: an ellipse's semi-axes, or a polygon's vertices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Ellipse(i64, i64),
    Polygon(usize, [(i32, i32); MAX_VERTICES]),
}

/// `u32` words per bit row of `F` (one row along axis 1): one `u128` up to 128 voxels, else `u64`
/// pairs padded so that a 128-bit window never reads past it.
fn row_words(side: usize) -> usize {
    if side <= 128 { 4 } else { 2 * (side.div_ceil(64) + 2) }
}

/// The 128 bits at `buf[at..at + 4]`, least significant word first.
#[inline(always)]
fn get128(buf: &[u32], at: usize) -> u128 {
    u128::from(buf[at])
        | u128::from(buf[at + 1]) << 32
        | u128::from(buf[at + 2]) << 64
        | u128::from(buf[at + 3]) << 96
}

/// `buf[at..at + 4] |= v`.
#[inline(always)]
fn or128(buf: &mut [u32], at: usize, v: u128) {
    for (i, w) in buf[at..at + 4].iter_mut().enumerate() {
        *w |= (v >> (32 * i)) as u32;
    }
}

/// The 64 bits at `buf[at..at + 2]`.
#[inline(always)]
fn get64(buf: &[u32], at: usize) -> u64 {
    u64::from(buf[at]) | u64::from(buf[at + 1]) << 32
}

/// `u32` words of one primitive's bitmaps at most: fill and outline, `S·D` rows of 128 bits each,
/// and with rotations their transposes, `S·S` rows of 64 bits each.
fn primitive_words(settings: &Settings) -> usize {
    8 * MAX_BOX * MAX_DEPTH + if settings.rotate { 4 * MAX_BOX * MAX_BOX } else { 0 }
}

/// The scratch a volume needs, in `u32` words: the union `F` (`side²` bit rows of `side` bits) and
/// each primitive's bitmaps.
pub fn scratch_words(settings: &Settings) -> usize {
    settings.side * settings.side * row_words(settings.side) + settings.primitives * primitive_words(settings)
}

/// What rendering a volume did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Placement {
    /// Primitives placed (the rest found no place).
    pub placed: usize,
    /// Corners tried, over all primitives (a dropped primitive counts its 102 draws).
    pub attempts: u32,
}

/// The 128-bit window of a bit row starting at bit `at` (the bits a box at `at` can cover: its
/// side is at most 90 and it ends within the row).
#[inline(always)]
fn window(row: &[u32], at: usize) -> u128 {
    if row.len() == 4 {
        return get128(row, 0) >> at;
    }
    let (w, b) = (at / 64, at % 64);
    let lo = get128(row, 2 * w);
    if b == 0 { lo } else { lo >> b | u128::from(get64(row, 2 * w + 4)) << (128 - b) }
}

/// `row |= bits << at`.
fn or_window(row: &mut [u32], at: usize, bits: u128) {
    if row.len() == 4 {
        or128(row, 0, bits << at);
        return;
    }
    let (w, b) = (at / 64, at % 64);
    or128(row, 2 * w, bits << b);
    if b != 0 {
        let high = (bits >> (128 - b)) as u64;
        row[2 * w + 4] |= high as u32;
        row[2 * w + 5] |= (high >> 32) as u32;
    }
}

/// Bits `x0..=x1` of a 128-bit row.
fn span(x0: usize, x1: usize) -> u128 {
    (u128::MAX >> (127 - x1)) & (u128::MAX << x0)
}

/// How a box is turned before it is placed (`ROTATE_L`, in the reference's order): NumPy's `rot90`
/// of the `(n0, n1, n2) = (S, S, D)` box.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Orientation {
    /// As drawn.
    Stay,
    /// `rot90(m, 1, (0, 2))`: `out[i, j, k] = m[k, j, n2 − 1 − i]`.
    Side1,
    /// `rot90(m, −1, (0, 2))`: `m[n0 − 1 − k, j, i]`.
    Side2,
    /// `rot90(m, 1, (1, 2))`: `m[i, k, n2 − 1 − j]`.
    Side3,
    /// `rot90(m, −1, (1, 2))`: `m[i, n1 − 1 − k, j]`.
    Side4,
    /// `rot90(m, 2, (0, 2))`: `m[n0 − 1 − i, j, n2 − 1 − k]`.
    UpsideDown,
}

const ORIENTATIONS: [Orientation; 6] = [
    Orientation::Stay,
    Orientation::Side1,
    Orientation::Side2,
    Orientation::Side3,
    Orientation::Side4,
    Orientation::UpsideDown,
];

/// One rasterised primitive: its slices as 128-bit rows (4 `u32` each; row `z·S + r` holds OpenCV
/// row `r` of slice `z`, bit `c` its column), fill and outline, and with rotations the transposes
/// (row `r·S + c` holds the column through `z`, bit `z`).
struct Solid<'a> {
    s: usize,
    d: usize,
    fill: &'a [u32],
    outline: &'a [u32],
    fill_t: &'a [u32],
    outline_t: &'a [u32],
}

impl Solid<'_> {
    /// The turned box's shape `(w, h, d)` along the volume's axes 0, 1, 2.
    fn dims(&self, o: Orientation) -> (usize, usize, usize) {
        let (s, d) = (self.s, self.d);
        match o {
            Orientation::Stay | Orientation::UpsideDown => (s, s, d),
            Orientation::Side1 | Orientation::Side2 => (d, s, s),
            Orientation::Side3 | Orientation::Side4 => (s, d, s),
        }
    }

    /// Row `(k, i)` (axis 2, axis 0) of the turned box, bits along axis 1: the fill, or the outline.
    #[inline(always)]
    fn row(&self, outline: bool, o: Orientation, k: usize, i: usize) -> u128 {
        let (s, d) = (self.s, self.d);
        let (rows, columns) = if outline { (self.outline, self.outline_t) } else { (self.fill, self.fill_t) };
        let at = |z: usize, r: usize| bits(rows, z * s + r);
        match o {
            Orientation::Stay => at(k, i),
            Orientation::Side1 => at(d - 1 - i, k),
            Orientation::Side2 => at(i, s - 1 - k),
            Orientation::UpsideDown => at(d - 1 - k, s - 1 - i),
            Orientation::Side3 => u128::from(get64(columns, 2 * (i * s + k)).reverse_bits() >> (64 - d)),
            Orientation::Side4 => u128::from(get64(columns, 2 * (i * s + s - 1 - k))),
        }
    }
}

/// Render one volume: `volume` gets the outlines (0 or [`OUTLINE`]), `labels` the class ids, both
/// `side³` bytes laid out `[axis 0][axis 1][axis 2]`; `scratch` needs [`scratch_words`] words.
pub fn render(
    settings: &Settings,
    draws: &mut impl Draws,
    scratch: &mut [u32],
    volume: &mut [u8],
    labels: &mut [u8],
) -> Result<Placement, PrimGeoSegError> {
    settings.check()?;
    let (side, count) = (settings.side, settings.primitives);
    let n3 = settings.voxels();
    if volume.len() < n3 || labels.len() < n3 || scratch.len() < scratch_words(settings) {
        return Err(PrimGeoSegError::Buffer);
    }
    let (volume, labels) = (&mut volume[..n3], &mut labels[..n3]);
    let rw = row_words(side);
    let (filled, bitmaps) = scratch.split_at_mut(side * side * rw);
    filled.fill(0);

    // 1. Draw and rasterise the primitives.
    let mut prims = [None::<Primitive>; MAX_PRIMITIVES];
    let mut volumes = [0u64; MAX_PRIMITIVES];
    for (i, chunk) in bitmaps.chunks_exact_mut(primitive_words(settings)).take(count).enumerate() {
        let p = Primitive::draw(settings, draws);
        volumes[i] = rasterise(&p, chunk, settings.rotate);
        prims[i] = Some(p);
    }

    // 2. Largest first; ties: the later drawn first (`sorted(zip(V, idx), reverse=True)`).
    let mut order = [0usize; MAX_PRIMITIVES];
    for (i, o) in order[..count].iter_mut().enumerate() {
        *o = i;
    }
    order[..count].sort_unstable_by(|&i, &j| (volumes[j], j).cmp(&(volumes[i], i)));

    // 3. Place and paint them in that order.
    volume.fill(0);
    labels.fill(0);
    let mut placement = Placement::default();
    let orientations = if settings.rotate { &ORIENTATIONS[..] } else { &ORIENTATIONS[..1] };
    for &i in &order[..count] {
        let p = prims[i].expect("drawn above");
        let solid = solid(
            &p,
            &bitmaps[i * primitive_words(settings)..][..primitive_words(settings)],
            settings.rotate,
        );
        // The reference's `volumes[i]`: the sorted volumes read at the original index.
        let v_used = if settings.fix_volume_bug { volumes[i] } else { volumes[order[i]] };
        let mut corner = None;
        for attempt in 0..=ATTEMPTS {
            // `random.choice(ROTATE_L)`, drawn even from one item.
            let o = if orientations.len() > 1 || draws.replays_unused() {
                orientations[draws.choice(orientations.len())]
            } else {
                Orientation::Stay
            };
            let (w, h, d) = solid.dims(o);
            let x = draws.randint(0, (side - w) as i64) as usize;
            let y = draws.randint(0, (side - h) as i64) as usize;
            let z = draws.randint(0, (side - d) as i64) as usize;
            placement.attempts += 1;
            if attempt == ATTEMPTS {
                break; // the reference draws this corner, then gives up before using it
            }
            if fits(filled, &solid, o, (x, y, z), side, settings.occlusion, volumes[i], v_used) {
                corner = Some((o, x, y, z));
                break;
            }
        }
        let Some((o, x, y, z)) = corner else { continue };
        placement.placed += 1;
        let (w, _, d) = solid.dims(o);
        // Axis 0 outermost, axis 2 innermost: consecutive writes of a column are neighbours.
        for r in 0..w {
            for k in 0..d {
                let (f, e) = (solid.row(false, o, k, r), solid.row(true, o, k, r));
                or_window(&mut filled[((z + k) * side + x + r) * rw..][..rw], y, f);
                for col in ones(f) {
                    labels[((x + r) * side + y + col) * side + z + k] = p.class;
                }
                for col in ones(e) {
                    volume[((x + r) * side + y + col) * side + z + k] = OUTLINE;
                }
            }
        }
    }
    Ok(placement)
}

/// Row `k` of a bitmap of 128-bit rows.
#[inline(always)]
fn bits(bitmap: &[u32], k: usize) -> u128 {
    get128(bitmap, 4 * k)
}

/// The set bits of `v`, lowest first.
fn ones(mut v: u128) -> impl Iterator<Item = usize> {
    core::iter::from_fn(move || {
        (v != 0).then(|| {
            let b = v.trailing_zeros() as usize;
            v &= v - 1;
            b
        })
    })
}

/// Whether the turned primitive fits at `corner`: not `|M ∩ F| / V_used > occlusion` (a float
/// division, as NumPy's). The count goes plane by plane and stops as soon as the answer is known:
/// the overlap so far already exceeds, or it could not exceed even if every filled voxel not yet
/// counted (of the `volume` in all) overlapped. Division by a positive number is monotone, so the
/// answer is the full count's.
#[allow(clippy::too_many_arguments)]
fn fits(
    filled: &[u32],
    solid: &Solid<'_>,
    o: Orientation,
    corner: (usize, usize, usize),
    side: usize,
    occlusion: f64,
    volume: u64,
    v_used: u64,
) -> bool {
    let (w, _, d) = solid.dims(o);
    let scan = Scan { filled, corner, side, occlusion, volume, v_used };
    // One loop per orientation, so that each reads its rows without a branch.
    match o {
        Orientation::Stay => scan.fits(w, d, |k, r| solid.row(false, Orientation::Stay, k, r)),
        Orientation::Side1 => scan.fits(w, d, |k, r| solid.row(false, Orientation::Side1, k, r)),
        Orientation::Side2 => scan.fits(w, d, |k, r| solid.row(false, Orientation::Side2, k, r)),
        Orientation::Side3 => scan.fits(w, d, |k, r| solid.row(false, Orientation::Side3, k, r)),
        Orientation::Side4 => scan.fits(w, d, |k, r| solid.row(false, Orientation::Side4, k, r)),
        Orientation::UpsideDown => scan.fits(w, d, |k, r| solid.row(false, Orientation::UpsideDown, k, r)),
    }
}

/// [`fits`]'s count at one corner.
struct Scan<'a> {
    filled: &'a [u32],
    corner: (usize, usize, usize),
    side: usize,
    occlusion: f64,
    volume: u64,
    v_used: u64,
}

impl Scan<'_> {
    /// The count over `d` planes of `w` rows, `mask(k, r)` the box's row `r` of plane `k`.
    #[inline(always)]
    fn fits(&self, w: usize, d: usize, mask: impl Fn(usize, usize) -> u128) -> bool {
        let ((x, y, z), side) = (self.corner, self.side);
        let rw = row_words(side);
        let exceeds = |overlap: u64| overlap as f64 / self.v_used as f64 > self.occlusion;
        let (mut overlap, mut seen) = (0u64, 0u64);
        for k in 0..d {
            if !exceeds(overlap + (self.volume - seen)) {
                return true;
            }
            for r in 0..w {
                let row = &self.filled[((z + k) * side + x + r) * rw..][..rw];
                let m = mask(k, r);
                overlap += u64::from((window(row, y) & m).count_ones());
                seen += u64::from(m.count_ones());
            }
            if exceeds(overlap) {
                return false;
            }
        }
        true
    }
}

/// The bitmaps of a primitive rasterised into `chunk` by [`rasterise`].
fn solid<'a>(p: &Primitive, chunk: &'a [u32], rotate: bool) -> Solid<'a> {
    let (s, d) = (p.side, p.depth);
    let (fill, rest) = chunk.split_at(4 * s * d);
    let (outline, rest) = rest.split_at(4 * s * d);
    let (fill_t, outline_t) = if rotate { rest[..4 * s * s].split_at(2 * s * s) } else { (&[][..], &[][..]) };
    Solid { s, d, fill, outline, fill_t, outline_t }
}

/// Rasterise a primitive into `chunk` (the layout of [`Solid`]) and return its filled volume. A
/// slice whose section equals the previous one's is copied.
fn rasterise(p: &Primitive, chunk: &mut [u32], rotate: bool) -> u64 {
    let (s, d) = (p.side, p.depth);
    let (fill, rest) = chunk.split_at_mut(4 * s * d);
    let (outline, rest) = rest.split_at_mut(4 * s * d);
    fill.fill(0);
    outline.fill(0);
    let mut previous = None;
    for z in 0..d {
        let shape = p.shape(z);
        let at = 4 * z * s;
        if previous == Some(shape) {
            fill.copy_within(at - 4 * s..at, at);
            outline.copy_within(at - 4 * s..at, at);
            continue;
        }
        previous = Some(shape);
        let set = |rows: &mut [u32], y: usize, x0: usize, x1: usize| or128(rows, at + 4 * y, span(x0, x1));
        p.draw_slice(shape, |y, x0, x1| set(outline, y, x0, x1), |y, x0, x1| set(fill, y, x0, x1));
    }
    if rotate {
        let (fill_t, outline_t) = rest[..4 * s * s].split_at_mut(2 * s * s);
        for (rows, columns) in [(&*fill, fill_t), (&*outline, outline_t)] {
            columns.fill(0);
            for z in 0..d {
                for r in 0..s {
                    for c in ones(bits(rows, z * s + r)) {
                        columns[2 * (r * s + c) + z / 32] |= 1 << (z % 32);
                    }
                }
            }
        }
    }
    fill.iter().map(|w| u64::from(w.count_ones())).sum()
}
