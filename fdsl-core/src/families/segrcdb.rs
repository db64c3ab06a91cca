//! SegRCDB, radial contours with segmentation masks (Shinoda et al., "SegRCDB: Semantic
//! Segmentation via Formula-Driven Supervised Learning", ICCV 2023; dahlian00/SegRCDB,
//! `SegRCDB_params.py` and `SegRCDB_render.py` as `make_SegRCDB.sh` runs them).
//!
//! A category ([`SegRcdbCategory`]) is drawn once per class from the stream of (seed, class)
//! ([`category_key`]): `V = int(Exp(mean 100))` drawn again until `2 < V ≤ 500`, `K = U{1..50}`
//! contours, the noise coefficient `λ ~ U(0, 4)`, the offset `lw ~ U(0, 0.1)`, the radius
//! `r0 = U{0..50}`, the oval rates `ox, oy ~ U(1, 2)`, in that order (`SegRCDB_params.py`,
//! `random.seed(0)` there). Class `c` is mask label `c + 1` (`Color_Gray`).
//!
//! An image ([`SegRcdb::render`]) is drawn from the stream of (seed, image) ([`image_key`]) into
//! two caller buffers, a grey image and a `u8` label mask, both black: 32 instances in order, later
//! ones over earlier ones, each drawing, in this order (`SegRCDB_render.py`):
//! - its class `U{0..C−1}`, its centre `cy = (512 + U{−512..512}) / 2`, then `cx` likewise;
//! - the ellipse `x_k = cos(θ_k)·r0·ox + cx`, `y_k = sin(θ_k)·r0·oy + cy`, `θ_k = (2π/V)·k`;
//! - per contour: a grey `U{0..255}`; `V` noises `n_x = pnoise1(U(0, 10⁴))·λ·2 − λ`, then `V`
//!   noises `n_y`; each vertex moved `x_k −= cos θ_k·(n_x − lw)`, `y_k −= sin θ_k·(n_y − lw)`
//!   (cumulatively); the closed contour drawn in the image in its grey with PIL's 1-px lines
//!   ([`crate::raster::contour::RadialContour::draw`]); and the mask by [`MaskMode`].
//!
//! Departures: the draws come from fdsl's keyed streams, not CPython's Mersenne Twister seeded by
//! the process number, so the images do not depend on how many processes make them; the image
//! is one grey channel (the reference saves RGB with three equal channels). Given the reference's
//! draws the bytes are the reference's (tested with its own draws, `tests/segrcdb.rs`): `pnoise1`
//! in `f32` ([`pnoise1_f32`]), PIL 9.0.0's lines and polygon fill ([`fill_polygon`]).

use crate::family::{
    Dims, Element, Family, Filled, Grouping, Parameter, Part, Parts, RenderError, Role, ScratchLen,
    Workspace, output_pair,
};
use crate::math::perlin::pnoise1_f32;
use crate::math::stream::{Namespace, Purpose, StreamKey, below, uniform_f64, unit_f64};
use crate::raster::canvas::Canvas;
use crate::raster::contour::{MAX_VERTICES, RadialContour};
use crate::raster::pil_polygon::fill_polygon;
use rand_core::Rng;

/// Mask labels are `1..=MAX_CLASSES` (0 is the background, 255 the segmentation codes' ignore value).
pub const MAX_CLASSES: usize = 254;
/// The most contours a category may have (the reference draws up to 50).
pub const MAX_CONTOURS: u32 = 10_000;
/// The largest magnitude of `λ`, `lw`, `ox` and `oy` (the reference's are below 4, 0.1 and 2).
pub const MAX_OFFSET: f64 = 100.0;
/// The largest start radius (the reference's is 50).
pub const MAX_RADIUS: u32 = 100_000;
/// The most instances an image may have (the reference draws 32).
pub const MAX_INSTANCES: u32 = 100_000;
/// The largest image side.
pub const MAX_SIDE: usize = 1 << 15;

/// The reference's category ranges (`make_SegRCDB.sh`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SegRcdbRanges {
    /// Largest `V` (`VERTEX`, 500; `V` is `int(Exp(mean V/5))` kept when `2 < V ≤` this).
    pub max_vertices: u32,
    /// Largest `K` (`LINE_MAX`, 50; the smallest is 1).
    pub max_contours: u32,
    /// Largest `λ` (`PERLIN_MAX`, 4).
    pub max_perlin_coefficient: f64,
    /// Largest `lw` (`LINE_WIDTH`, 0.1; the params script's own default is 0.01).
    pub max_line_width: f64,
    /// Largest `r0` (`RADIUS_MAX`, 50).
    pub max_radius: u32,
    /// Largest oval rate (`OVAL_RATE`, 2; the smallest is 1).
    pub max_oval_rate: f64,
}

/// The ranges of `make_SegRCDB.sh`.
pub const REFERENCE_RANGES: SegRcdbRanges = SegRcdbRanges {
    max_vertices: 500,
    max_contours: 50,
    max_perlin_coefficient: 4.0,
    max_line_width: 0.1,
    max_radius: 50,
    max_oval_rate: 2.0,
};

/// What the mask shows of each instance (the reference's `--mode`; fdsl's `mask_mode`, spelled
/// `lines`, `rings`, `filled` in specs, which also read the reference's `M1`, `M2`, `M3`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "lowercase"))]
pub enum MaskMode {
    /// `M1` (the script's): every contour's 1-px lines, labelled (the image's line pixels).
    #[default]
    #[cfg_attr(feature = "serde", serde(alias = "M1"))]
    Lines,
    /// `M2`: the ring between the first and the last contour: the last contour filled with the
    /// label, the first filled with 0 (erasing earlier instances' labels there too), then both
    /// outlines with the label. An instance of one contour leaves no mask (the reference's `if
    /// l == 0 … elif l == K − 1` never reaches the second branch).
    #[cfg_attr(feature = "serde", serde(alias = "M2"))]
    Rings,
    /// `M3`: the last contour filled with the label.
    #[cfg_attr(feature = "serde", serde(alias = "M3"))]
    Filled,
}

/// Why a SegRCDB dataset or image cannot be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegRcdbError {
    /// `V` outside 3 to [`MAX_VERTICES`].
    Vertices,
    /// `K` outside 1 to [`MAX_CONTOURS`].
    Contours,
    /// `λ`, `lw`, `ox` or `oy` is NaN or infinite.
    NotFinite,
    /// `|λ|`, `|lw|`, `|ox|` or `|oy|` exceeds [`MAX_OFFSET`].
    Offset,
    /// `r0` above [`MAX_RADIUS`].
    Radius,
    /// No class, or more than [`MAX_CLASSES`] (labels are bytes).
    Classes,
    /// An image side of 0 or above [`MAX_SIDE`].
    Side,
    /// No instance per image, or more than [`MAX_INSTANCES`].
    Instances,
    /// The image or mask buffer does not hold `side²` bytes.
    Buffer,
}

impl core::fmt::Display for SegRcdbError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Vertices => "Vertex must be between 3 and 1024",
            Self::Contours => "Line_num must be between 1 and 10000 (the reference draws up to 50)",
            Self::NotFinite => "Perlin_noise, line_width, Oval_rate_x and Oval_rate_y must be finite numbers",
            Self::Offset => {
                "Perlin_noise, line_width, Oval_rate_x and Oval_rate_y must be between -100 and 100"
            }
            Self::Radius => "Center_rad must be between 0 and 100000 (the reference draws up to 50)",
            Self::Classes => "SegRCDB needs 1 to 254 classes (mask labels are 1..254, 0 is the background)",
            Self::Side => "the image side must be between 1 and 32768",
            Self::Instances => "an image needs 1 to 100000 instances (the reference draws 32)",
            Self::Buffer => "the image and mask buffers must hold side x side bytes each",
        })
    }
}

impl core::error::Error for SegRcdbError {}

/// One SegRCDB category (`param/%05d.csv`): fixed for all its instances.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SegRcdbCategory {
    /// `V` (`Vertex`).
    pub vertices: u32,
    /// `K` (`Line_num`), contours per instance.
    pub contours: u32,
    /// `λ` (`Perlin_noise`): a vertex moves by `pnoise1(·)·2λ − λ`.
    pub perlin_coefficient: f64,
    /// `lw` (`line_width`): a constant outward offset per contour, not a stroke width.
    pub line_width: f64,
    /// `r0` (`Center_rad`), the start radius.
    pub radius: u32,
    /// `(ox, oy)` (`Oval_rate_x`, `Oval_rate_y`).
    pub oval: (f64, f64),
}

impl SegRcdbCategory {
    /// Draw a category as `SegRCDB_params.py` does: `V = int(expovariate(1/(max V/5)))`, that is
    /// `⌊−ln(1 − u) / λ⌋` with `λ = 1 / (max V / 5)`, again until `2 < V ≤ max V`; then `K`, `λ`,
    /// `lw`, `r0`, `ox`, `oy`.
    pub fn sample<R: Rng>(rng: &mut R, ranges: &SegRcdbRanges) -> Self {
        let rate = 1.0 / (f64::from(ranges.max_vertices) / 5.0);
        let vertices = loop {
            let v = libm::trunc(-libm::log(1.0 - unit_f64(rng)) / rate);
            if v > 2.0 && v <= f64::from(ranges.max_vertices) {
                break v as u32;
            }
        };
        Self {
            vertices,
            contours: 1 + below(rng, ranges.max_contours),
            perlin_coefficient: uniform_f64(rng, 0.0, ranges.max_perlin_coefficient),
            line_width: uniform_f64(rng, 0.0, ranges.max_line_width),
            radius: below(rng, ranges.max_radius + 1),
            oval: (uniform_f64(rng, 1.0, ranges.max_oval_rate), uniform_f64(rng, 1.0, ranges.max_oval_rate)),
        }
    }

    /// Check the values (categories read from files may hold anything).
    pub fn check(&self) -> Result<(), SegRcdbError> {
        if !(3..=MAX_VERTICES).contains(&self.vertices) {
            return Err(SegRcdbError::Vertices);
        }
        if !(1..=MAX_CONTOURS).contains(&self.contours) {
            return Err(SegRcdbError::Contours);
        }
        let values = [self.perlin_coefficient, self.line_width, self.oval.0, self.oval.1];
        if !values.iter().all(|v| v.is_finite()) {
            return Err(SegRcdbError::NotFinite);
        }
        if values.iter().any(|v| libm::fabs(*v) > MAX_OFFSET) {
            return Err(SegRcdbError::Offset);
        }
        if self.radius > MAX_RADIUS {
            return Err(SegRcdbError::Radius);
        }
        Ok(())
    }

    /// Draw one instance of this category, labelled `label`, centred at `centre`, onto `image` and
    /// `mask` (same size) with `rng` for its contours' greys and noises, the mask by `mode`, with
    /// `polygon` as scratch.
    #[allow(clippy::too_many_arguments)]
    pub fn draw<R: Rng>(
        &self,
        rng: &mut R,
        label: u8,
        centre: (f64, f64),
        mode: MaskMode,
        image: &mut Canvas<'_>,
        mask: &mut Canvas<'_>,
        polygon: &mut Polygon,
    ) {
        let v = self.vertices as usize;
        let step = 2.0 * core::f64::consts::PI / f64::from(self.vertices);
        let mut contour =
            RadialContour::ellipse_at(v, f64::from(self.radius), self.oval, centre, |k| step * k as f64);
        let lambda = self.perlin_coefficient;
        let noise = |rng: &mut R| pnoise1_f32(uniform_f64(rng, 0.0, 10_000.0)) * lambda * 2.0 - lambda;
        let mut nx = [0.0; MAX_VERTICES as usize];
        let mut hole = None;
        let last = self.contours - 1;
        for l in 0..self.contours {
            let grey = below(rng, 256) as u8;
            nx[..v].iter_mut().for_each(|n| *n = noise(rng));
            contour.push(|k| (nx[k] - self.line_width, noise(rng) - self.line_width));
            match mode {
                MaskMode::Lines => contour.draw((0.0, 0.0), label, mask),
                MaskMode::Rings if l == 0 => hole = Some(contour.clone()),
                MaskMode::Rings if l == last => {
                    polygon.fill(contour.points(), label, mask);
                    if let Some(hole) = &hole {
                        polygon.fill(hole.points(), 0, mask);
                        hole.draw((0.0, 0.0), label, mask);
                    }
                    contour.draw((0.0, 0.0), label, mask);
                }
                MaskMode::Filled if l == last => polygon.fill(contour.points(), label, mask),
                _ => {}
            }
            contour.draw((0.0, 0.0), grey, image);
        }
    }
}

/// Scratch of the ring and solid masks: the reference's doubled vertex list and the polygon fill's
/// intersections. About 48 KB: keep one per thread.
#[derive(Clone, Debug)]
pub struct Polygon {
    doubled: [(f64, f64); 2 * MAX_VERTICES as usize],
    intersections: [f32; 4 * MAX_VERTICES as usize],
}

impl Default for Polygon {
    fn default() -> Self {
        Self {
            doubled: [(0.0, 0.0); 2 * MAX_VERTICES as usize],
            intersections: [0.0; 4 * MAX_VERTICES as usize],
        }
    }
}

impl Polygon {
    /// `mask_draw.polygon(points, fill=value)` with the reference's list: per edge its two ends,
    /// `P_0, P_1, P_1, P_2, …, P_{V−1}, P_0` (the repeated vertices are zero-length edges: one
    /// pixel each).
    fn fill(&mut self, points: &[(f64, f64)], value: u8, mask: &mut Canvas<'_>) {
        let v = points.len();
        for (k, &p) in points.iter().enumerate() {
            self.doubled[2 * k] = p;
            self.doubled[(2 * k + 2 * v - 1) % (2 * v)] = p;
        }
        let (w, h) = (mask.width(), mask.height());
        fill_polygon(&self.doubled[..2 * v], value, mask.pixels_mut(), w, h, &mut self.intersections);
    }
}

/// The stream of class `class`'s parameters in the dataset with `seed`.
pub fn category_key(seed: u64, class: u64) -> StreamKey {
    StreamKey {
        seed,
        namespace: Namespace::SegRcdb,
        category: class,
        instance: 0,
        purpose: Purpose::Parameters,
    }
}

/// The stream of image `index` in the dataset with `seed`.
pub fn image_key(seed: u64, index: u64) -> StreamKey {
    StreamKey { seed, namespace: Namespace::SegRcdb, category: 0, instance: index, purpose: Purpose::Shape }
}

/// Draw one image with `rng`: `image` and `mask` cleared to 0, then `instances` instances of the
/// `categories` (class `c` labelled `c + 1`), each its class, its centre (`cy` then `cx`,
/// `(side + U{−s..s}) / 2` with `s = side`), then its contours ([`SegRcdbCategory::draw`]).
/// Categories are not checked here ([`SegRcdb::new`] does).
pub fn draw_image<R: Rng>(
    rng: &mut R,
    categories: &[SegRcdbCategory],
    instances: u32,
    mode: MaskMode,
    image: &mut Canvas<'_>,
    mask: &mut Canvas<'_>,
    polygon: &mut Polygon,
) {
    image.clear();
    mask.clear();
    // `start_pos` is the side in the reference's script (512 both).
    let side = image.width() as u32;
    let centre =
        |rng: &mut R| (f64::from(side) + (f64::from(below(rng, 2 * side + 1)) - f64::from(side))) / 2.0;
    for _ in 0..instances {
        let class = below(rng, categories.len() as u32) as usize;
        let cy = centre(rng);
        let cx = centre(rng);
        categories[class].draw(rng, class as u8 + 1, (cx, cy), mode, image, mask, polygon);
    }
}

/// The SegRCDB family: categories, image side, instances per image, mask mode and seed. Images are
/// numbered, not classed: image `i` is drawn from [`image_key`]`(seed, i)` alone.
#[derive(Clone, Debug)]
pub struct SegRcdb<C> {
    categories: C,
    side: usize,
    instances: u32,
    mode: MaskMode,
    seed: u64,
}

/// The reference's image side (`--image_size`).
pub const SIDE: usize = 512;
/// The reference's instances per image (`INSTANCE_PER_IMAGE`).
pub const INSTANCES: u32 = 32;
/// The reference's number of classes (`CLASS`).
pub const CLASSES: usize = 254;
/// The reference's number of images (`IMAGES`).
pub const IMAGES: u64 = 20_000;

impl<C: AsRef<[SegRcdbCategory]>> SegRcdb<C> {
    /// The family of `categories` (1 to [`MAX_CLASSES`], each checked) on `side × side` images of
    /// `instances` instances, masks by `mode`, seeded by `seed`.
    pub fn new(
        categories: C,
        side: usize,
        instances: u32,
        mode: MaskMode,
        seed: u64,
    ) -> Result<Self, SegRcdbError> {
        if !(1..=MAX_CLASSES).contains(&categories.as_ref().len()) {
            return Err(SegRcdbError::Classes);
        }
        categories.as_ref().iter().try_for_each(SegRcdbCategory::check)?;
        if !(1..=MAX_SIDE).contains(&side) {
            return Err(SegRcdbError::Side);
        }
        if !(1..=MAX_INSTANCES).contains(&instances) {
            return Err(SegRcdbError::Instances);
        }
        Ok(Self { categories, side, instances, mode, seed })
    }

    /// The image side.
    pub fn side(&self) -> usize {
        self.side
    }

    /// The mask mode.
    pub fn mode(&self) -> MaskMode {
        self.mode
    }

    /// Render image `index` into `image` (grey) and `mask` (labels), `side²` bytes each, with
    /// `polygon` as scratch ([`Polygon::default`], reused across images). [`Family::render_parts`] is the
    /// same, its two parts.
    pub fn render_pair(
        &self,
        index: u64,
        image: &mut [u8],
        mask: &mut [u8],
        polygon: &mut Polygon,
    ) -> Result<(), SegRcdbError> {
        let (mut image, mut mask) = (
            Canvas::new(image, self.side, self.side).map_err(|_| SegRcdbError::Buffer)?,
            Canvas::new(mask, self.side, self.side).map_err(|_| SegRcdbError::Buffer)?,
        );
        let mut rng = image_key(self.seed, index).rng();
        draw_image(
            &mut rng,
            self.categories.as_ref(),
            self.instances,
            self.mode,
            &mut image,
            &mut mask,
            polygon,
        );
        Ok(())
    }
}

/// Images of one unlabelled group (`class` is ignored: image `instance` is drawn from
/// [`image_key`]`(seed, instance)`), each two parts: a grey image and its mask. The
/// polygon scratch lives on the stack (about 48 KB, with about 72 KB of contours: some 120 KB per
/// call), so a workspace needs no buffer.
impl<C: AsRef<[SegRcdbCategory]>> Family for SegRcdb<C> {
    type Error = SegRcdbError;

    /// A grey `image` and its `mask`.
    fn parts(&self) -> Parts {
        let mask = Part {
            name: "mask",
            role: Role::Mask,
            element: Element::U8,
            dims: Dims::fixed(&[self.side, self.side]),
        };
        Parts::new(&[Part::image(self.side, 1), mask])
    }

    fn scratch_len(&self) -> ScratchLen {
        ScratchLen::NONE
    }

    /// The categories (mask labels `1..=classes`).
    fn classes(&self) -> usize {
        self.categories.as_ref().len()
    }

    fn grouping(&self) -> Grouping {
        Grouping::UNLABELLED
    }

    fn render_parts(
        &self,
        _class: usize,
        instance: u64,
        _ws: &mut Workspace<'_>,
        out: &mut [&mut [u8]],
    ) -> Result<Filled, RenderError<SegRcdbError>> {
        let n = self.side * self.side;
        let (image, mask) = output_pair(out, (n, n))?;
        self.render_pair(instance, image, mask, &mut Polygon::default()).map_err(RenderError::Family)?;
        Ok(Filled::new(&[n, n]))
    }

    /// The reference's stem `%06d`.
    fn write_name(&self, _class: usize, instance: u64, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        write!(out, "{instance:06}")
    }

    /// Nothing beyond the image's index: its instances' classes and places come from its stream.
    fn parameters(&self, _class: usize, _instance: u64, _visit: &mut dyn FnMut(&'static str, Parameter<'_>)) {
    }
}
