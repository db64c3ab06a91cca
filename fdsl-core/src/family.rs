//! One trait for every dataset family: how (class, instance) becomes a sample, into caller-owned
//! buffers.
//!
//! A family (each in [`crate::families`]) holds its categories, the dataset seed and its settings, and renders any sample alone: its bytes are a
//! pure function of (family, class, instance). Samples of one family share work — FractalDB's 40
//! images per chaos game, a 3-D model's views, a PC-FractalDB class's own part. [`Family::unit_of`]
//! names that work, and a [`Workspace`] keeps the last piece of it: rendering the samples of one unit
//! one after another with one workspace computes it once, in any order, with the same bytes.
//!
//! ```
//! use fdsl_core::family::{Family, Held, Workspace};
//! use fdsl_core::families::rcdb::{Rcdb, RcdbCategory};
//!
//! let category = RcdbCategory { vertices: 40, contours: 30, perlin_coefficient: 2.0, line_width: 0.05 };
//! let family = Rcdb::new([category], 128, 0)?;
//! let need = family.scratch_len();
//! let (mut positions, mut canvas) = (vec![0; need.positions], vec![0; need.canvas]);
//! let (mut points, mut objects) = (vec![[0.0; 3]; need.points], vec![Default::default(); need.objects]);
//! let mut held = Held::default();
//! let mut ws = Workspace::new(&mut positions, &mut canvas, &mut points, &mut objects, &mut held);
//! let mut image = vec![0u8; family.shape().max_len()];
//! let written = family.render(0, 7, &mut ws, &mut image)?;
//! assert_eq!(written, 128 * 128);
//! assert!(image.iter().any(|&v| v != 255));
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```

use crate::math::fft::Complex;
use crate::math::scene::SceneObject;

/// What one sample is, as bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SampleShape {
    /// A `side × side` image of `channels` 8-bit channels, row-major (`H × W` or `H × W × C`).
    Image {
        /// Pixels per side.
        side: usize,
        /// Bytes per pixel.
        channels: usize,
    },
    /// `points` points, each little-endian `f32` x, y, z.
    Cloud {
        /// Points per sample.
        points: usize,
    },
    /// A point cloud of varying size, at most `max_points` (little-endian `f32` x, y, z): a scene.
    Scene {
        /// The most points a sample can have.
        max_points: usize,
    },
}

impl SampleShape {
    /// Bytes of one sample; for scenes, the most a sample can take.
    pub fn max_len(&self) -> usize {
        match *self {
            SampleShape::Image { side, channels } => side * side * channels,
            SampleShape::Cloud { points } | SampleShape::Scene { max_points: points } => points * 12,
        }
    }

    /// Whether every sample has the same size.
    pub fn is_fixed(&self) -> bool {
        !matches!(self, SampleShape::Scene { .. })
    }
}

/// The lengths of the workspace buffers a family needs ([`Family::scratch_len`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScratchLen {
    /// Packed pixel positions (FractalDB's traced chaos game).
    pub positions: usize,
    /// Bytes of a canvas kept between samples (FractalDB's painted canvas).
    pub canvas: usize,
    /// 3-D points (a model, a mix's parts).
    pub points: usize,
    /// Scene objects.
    pub objects: usize,
    /// `f64` values (the statistical images' planes, pyramids and laws).
    pub reals: usize,
    /// Complex values (their spectra).
    pub complex: usize,
}

/// What a workspace's buffers hold, so that the next sample of the same unit reuses it. Starts
/// empty ([`Held::default`]); only the family that filled the buffers reads it. A workspace serves
/// one family value: give another family a fresh `Held`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Held {
    /// The (class, key) of the work in `positions` or `points`, and how many entries it fills.
    pub(crate) trace: Option<(usize, u64, usize)>,
    /// The (class, key) of the canvas in `canvas`.
    pub(crate) canvas: Option<(usize, u64)>,
}

/// Caller-owned buffers for rendering, sized by [`Family::scratch_len`] (longer is fine), and what
/// they hold.
#[derive(Debug)]
pub struct Workspace<'a> {
    pub(crate) positions: &'a mut [u32],
    pub(crate) canvas: &'a mut [u8],
    pub(crate) points: &'a mut [[f32; 3]],
    pub(crate) objects: &'a mut [SceneObject],
    pub(crate) reals: &'a mut [f64],
    pub(crate) complex: &'a mut [Complex],
    pub(crate) held: &'a mut Held,
}

impl<'a> Workspace<'a> {
    /// A workspace over these buffers.
    pub fn new(
        positions: &'a mut [u32],
        canvas: &'a mut [u8],
        points: &'a mut [[f32; 3]],
        objects: &'a mut [SceneObject],
        held: &'a mut Held,
    ) -> Self {
        Self { positions, canvas, points, objects, reals: &mut [], complex: &mut [], held }
    }

    /// The same workspace with buffers of floating-point values and of complex values, for the
    /// families that compute in them ([`ScratchLen::reals`], [`ScratchLen::complex`]; none without).
    pub fn with_float_buffers(self, reals: &'a mut [f64], complex: &'a mut [Complex]) -> Self {
        Self { reals, complex, ..self }
    }
}

/// Why a sample cannot be rendered: a reason every family shares, or the family's own error `E`
/// ([`Family::Error`]: a category or recipe it cannot draw), as embedded-graphics' `Drawable` returns
/// its target's error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenderError<E> {
    /// The output buffer holds fewer bytes than the sample needs.
    Output {
        /// Bytes the sample needs.
        needed: usize,
    },
    /// A workspace buffer is shorter than [`Family::scratch_len`] asks.
    Workspace,
    /// The class is not one of the family's.
    Class,
    /// The instance does not exist (FractalDB has 1,000 per class, MV-FractalDB 145 x views).
    Instance,
    /// The family's own reason.
    Family(E),
}

impl<E> RenderError<E> {
    /// The same error with the family's own reason mapped by `f` (e.g. boxed, for callers that hold
    /// families of several error types behind one `dyn`).
    pub fn map_family<F>(self, f: impl FnOnce(E) -> F) -> RenderError<F> {
        match self {
            Self::Output { needed } => RenderError::Output { needed },
            Self::Workspace => RenderError::Workspace,
            Self::Class => RenderError::Class,
            Self::Instance => RenderError::Instance,
            Self::Family(e) => RenderError::Family(f(e)),
        }
    }
}

impl<E: core::fmt::Display> core::fmt::Display for RenderError<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Output { needed } => {
                write!(f, "the output buffer is too small: a sample needs {needed} bytes")
            }
            Self::Workspace => f.write_str("a workspace buffer is shorter than the family's scratch_len"),
            Self::Class => f.write_str("no such class"),
            Self::Instance => f.write_str("no such instance in this family"),
            Self::Family(e) => write!(f, "{e}"),
        }
    }
}

impl<E: core::fmt::Debug + core::fmt::Display> core::error::Error for RenderError<E> {}

/// One value of what made a sample ([`Family::parameters`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Parameter<'a> {
    /// A whole number.
    Int(u64),
    /// A number.
    Float(f64),
    /// A list of numbers.
    Floats(&'a [f64]),
}

/// One object of a scene sample ([`Family::layout`]): its box, the model it shows, its points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlacedObject {
    /// The object's class.
    pub class: usize,
    /// The model (instance) of that class it shows.
    pub model: usize,
    /// Its box and heading.
    pub object: SceneObject,
    /// The range of its points in the scene's cloud, `[start, end)`.
    pub points: (usize, usize),
}

/// A dataset family: its categories, seed and settings, and how a sample is made.
pub trait Family {
    /// The family's own reason a sample cannot be rendered ([`RenderError::Family`]);
    /// [`core::convert::Infallible`] for a family whose settings are all checked when it is made.
    type Error: core::fmt::Debug + core::fmt::Display;
    /// What every sample is.
    fn shape(&self) -> SampleShape;
    /// The workspace buffers [`Family::render`] needs.
    fn scratch_len(&self) -> ScratchLen;
    /// Number of classes: one per category, but for a family that makes many classes of one
    /// category (1p-frac: perturbations of one base fractal).
    fn classes(&self) -> usize;
    /// Whether samples belong to the classes (else, as scenes and SegRCDB's images, to one
    /// unlabelled group).
    fn labelled(&self) -> bool {
        true
    }
    /// Whether each sample carries a per-pixel label mask (SegRCDB): then the shape is an image
    /// ([`SampleShape::Image`]) and [`Family::render`] writes the image's `side² · channels` bytes
    /// and right after them its mask, `side × side` bytes, row-major, one `u8` label per pixel (0
    /// the background, else the class drawn there + 1). No other family has masks.
    fn masked(&self) -> bool {
        false
    }
    /// Bytes [`Family::render`] writes at most: [`SampleShape::max_len`], and the mask's `side²`
    /// after it where the family is [`Family::masked`].
    fn sample_len(&self) -> usize {
        let shape = self.shape();
        match shape {
            SampleShape::Image { side, .. } if self.masked() => shape.max_len() + side * side,
            _ => shape.max_len(),
        }
    }
    /// The unit of shared work instance `instance` of a class belongs to: samples of one (class,
    /// unit) rendered in turn with one workspace share it. By default each instance is its own unit
    /// (nothing shared, as [`Family::shared_work`] says by default).
    fn unit_of(&self, instance: u64) -> u64 {
        instance
    }
    /// What the samples of a unit share, in words (for messages).
    fn shared_work(&self) -> &'static str {
        "nothing"
    }
    /// Render instance `instance` of class `class` into `out` (at least [`Family::sample_len`]
    /// bytes: the sample, then its mask where [`Family::masked`]); returns the bytes written.
    /// Unlabelled families ignore `class` (their sample is `instance`).
    fn render(
        &self,
        class: usize,
        instance: u64,
        ws: &mut Workspace<'_>,
        out: &mut [u8],
    ) -> Result<usize, RenderError<Self::Error>>;
    /// The sample's name, unique within its class and free of dots: the reference's file stem.
    fn write_name(&self, class: usize, instance: u64, out: &mut dyn core::fmt::Write) -> core::fmt::Result;
    /// What made the sample beyond its class, instance and the family's settings, in a fixed order.
    fn parameters(&self, class: usize, instance: u64, visit: &mut dyn FnMut(&'static str, Parameter<'_>));
    /// The objects of a scene sample, in order (nothing for other families); `objects` is scratch of
    /// [`ScratchLen::objects`] entries.
    fn layout(&self, instance: u64, objects: &mut [SceneObject], visit: &mut dyn FnMut(&PlacedObject)) {
        let _ = (instance, objects, visit);
    }
}

/// The first `need` bytes of `out`, or the error naming `need`.
pub(crate) fn output<E>(out: &mut [u8], need: usize) -> Result<&mut [u8], RenderError<E>> {
    out.get_mut(..need).ok_or(RenderError::Output { needed: need })
}

/// Write 3-D points into `out` as little-endian `f32` x, y, z (`out` holds at least 12 per point).
pub(crate) fn write_points(points: &[[f32; 3]], out: &mut [u8]) {
    for (slot, v) in out.chunks_exact_mut(4).zip(points.iter().flatten()) {
        slot.copy_from_slice(&v.to_le_bytes());
    }
}
