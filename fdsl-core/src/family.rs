//! One trait for every dataset family: how (class, instance) becomes a sample, into caller-owned
//! buffers.
//!
//! A family (each in [`crate::families`]) holds its categories, the dataset seed and its settings, and renders any sample alone: its bytes are a
//! pure function of (family, class, instance). Samples of one family share work — FractalDB's 40
//! images per chaos game, a 3-D model's views, a PC-FractalDB class's own part. [`Family::unit_of`]
//! names that work, and a [`Workspace`] keeps the last piece of it: rendering the samples of one unit
//! one after another with one workspace computes it once, in any order, with the same bytes.
//!
//! The workspace is one caller-owned arena of `u64` words, [`Family::scratch_len`] long: the family
//! states its buffers as a [`ScratchLen`] chain and carves them out of the arena in the same order
//! ([`Workspace::carve`]), typed by `bytemuck`'s checked casts. A new buffer type is one line in the
//! family that needs it; the trait, [`Workspace`] and every caller (which allocate one arena, see
//! `fdsl-dataset`'s `Scratch`) stay as they are. A builder of named buffers was the other choice:
//! it keeps a list of buffer types in the core and a field per type in each caller, which is what
//! this replaces.
//!
//! ```
//! use fdsl_core::family::{Family, Held, Workspace};
//! use fdsl_core::families::rcdb::{Rcdb, RcdbCategory};
//!
//! let category = RcdbCategory { vertices: 40, contours: 30, perlin_coefficient: 2.0, line_width: 0.05 };
//! let family = Rcdb::new([category], 128, 0)?;
//! let mut arena = vec![0u64; family.scratch_len().words()];
//! let mut held = Held::default();
//! let mut ws = Workspace::new(&mut arena, &mut held);
//! let mut image = vec![0u8; family.parts().max_len(0)];
//! let written = family.render(0, 7, &mut ws, &mut image)?;
//! assert_eq!(written, 128 * 128);
//! assert!(image.iter().any(|&v| v != 255));
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```

pub use bytemuck::Pod;

/// What a part of a sample is for: how its bytes read, and how every writer, reader and preview
/// treats it. The class label is not a part: it is a number per sample (the class, or none where
/// [`Family::labelled`] is false).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// An 8-bit image, row-major: `H × W` (grey) or `H × W × C` (C channels, RGB for 3).
    Image,
    /// A per-pixel label mask of the image beside it, `H × W` 8-bit, row-major: 0 the background,
    /// else the class drawn there + 1.
    Mask,
    /// A point cloud, `N × 3` little-endian `f32` x, y, z.
    Points,
    /// The objects placed in a scene, `N ×` [`LAYOUT_RECORD`] little-endian `f64`, one record per
    /// object: its class, the model (instance) of that class it shows, its box size x, y, z,
    /// centre x, y, z, heading (radians about z), and the range `[start, end)` of its points in
    /// the scene's [`Role::Points`] part. Every value is a whole number but size, centre and heading.
    Layout,
    /// An 8-bit volume, `D × H × W`, row-major.
    Volume,
    /// Per-voxel labels of the volume beside it, `D × H × W` 8-bit: 0 the background, else a class + 1.
    Labels,
}

impl Role {
    /// Its name: `image`, `mask`, `points`, `layout`, `volume`, `labels`.
    pub const fn name(self) -> &'static str {
        match self {
            Role::Image => "image",
            Role::Mask => "mask",
            Role::Points => "points",
            Role::Layout => "layout",
            Role::Volume => "volume",
            Role::Labels => "labels",
        }
    }

    /// Whether a part of this role labels another part element by element (a mask its image,
    /// labels their volume): the target of dense prediction, where a sample's class is the target
    /// of classification.
    pub const fn annotates(self) -> bool {
        matches!(self, Role::Mask | Role::Labels)
    }
}

/// The `f64` values of one [`Role::Layout`] record.
pub const LAYOUT_RECORD: usize = 11;

/// The type of a part's values; multi-byte values are little-endian.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Element {
    /// `u8`.
    U8,
    /// `f32`, little-endian.
    F32,
    /// `f64`, little-endian.
    F64,
}

impl Element {
    /// Its name, as NumPy and C's `<stdint.h>` spell it: `uint8`, `float32`, `float64`.
    pub const fn name(self) -> &'static str {
        match self {
            Element::U8 => "uint8",
            Element::F32 => "float32",
            Element::F64 => "float64",
        }
    }

    /// Bytes per value.
    pub const fn size(self) -> usize {
        match self {
            Element::U8 => 1,
            Element::F32 => 4,
            Element::F64 => 8,
        }
    }
}

/// The most dimensions of a part.
pub const MAX_RANK: usize = 4;

/// A part's shape: its dimensions, row-major; fixed, or bounded (the first dimension is "at most",
/// and [`Family::render_parts`] says how many it wrote).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Dims {
    sizes: [usize; MAX_RANK],
    rank: usize,
    bounded: bool,
}

impl Dims {
    /// Fixed dimensions (at most [`MAX_RANK`] of them; more are dropped).
    pub fn fixed(sizes: &[usize]) -> Self {
        let rank = sizes.len().min(MAX_RANK);
        let mut all = [0; MAX_RANK];
        all[..rank].copy_from_slice(&sizes[..rank]);
        Self { sizes: all, rank, bounded: false }
    }

    /// Dimensions whose first is at most `sizes[0]`: a sample has any number of entries up to it.
    pub fn bounded(sizes: &[usize]) -> Self {
        Self { bounded: true, ..Self::fixed(sizes) }
    }

    /// The dimensions (for a bounded part, the first is the most).
    pub fn sizes(&self) -> &[usize] {
        &self.sizes[..self.rank]
    }

    /// Whether the first dimension is only a bound.
    pub fn is_bounded(&self) -> bool {
        self.bounded
    }
}

/// One part of a sample: its name (unique in the sample, free of dots), role, value type and shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Part {
    /// Its name: `image`, `mask`, `points`, `layout`, ….
    pub name: &'static str,
    /// What it is for.
    pub role: Role,
    /// The type of its values.
    pub element: Element,
    /// Its shape.
    pub dims: Dims,
}

impl Part {
    /// An 8-bit `side × side` image of `channels` channels, named `image`: `H × W` for one channel,
    /// else `H × W × C`.
    pub fn image(side: usize, channels: usize) -> Self {
        let dims =
            if channels == 1 { Dims::fixed(&[side, side]) } else { Dims::fixed(&[side, side, channels]) };
        Self { name: "image", role: Role::Image, element: Element::U8, dims }
    }

    /// Bytes of one entry of the first dimension (a row, a point, an object).
    pub fn record_len(&self) -> usize {
        self.dims.sizes().iter().skip(1).product::<usize>() * self.element.size()
    }

    /// Bytes of the part; for a bounded part, the most it can take.
    pub fn max_len(&self) -> usize {
        self.dims.sizes().first().copied().unwrap_or(1) * self.record_len()
    }
}

/// The most parts of a sample.
pub const MAX_PARTS: usize = 4;

/// A sample's parts, in order ([`Family::parts`]): a list of at most [`MAX_PARTS`], read as a slice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parts {
    parts: [Option<Part>; MAX_PARTS],
    len: usize,
}

impl Parts {
    /// These parts (at most [`MAX_PARTS`]; more are dropped).
    pub fn new(parts: &[Part]) -> Self {
        let mut all = [None; MAX_PARTS];
        for (slot, part) in all.iter_mut().zip(parts) {
            *slot = Some(*part);
        }
        Self { parts: all, len: parts.len().min(MAX_PARTS) }
    }

    /// One part: an 8-bit `side × side` image of `channels` channels ([`Part::image`]).
    pub fn image(side: usize, channels: usize) -> Self {
        Self::new(&[Part::image(side, channels)])
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Part `i`.
    pub fn get(&self, i: usize) -> Option<&Part> {
        self.parts.get(i).and_then(Option::as_ref)
    }

    /// The most bytes of part `i` ([`Part::max_len`]; 0 past the parts): the size of its buffer.
    pub fn max_len(&self, i: usize) -> usize {
        self.get(i).map_or(0, Part::max_len)
    }

    /// The parts in order.
    pub fn iter(&self) -> impl Iterator<Item = &Part> {
        self.parts[..self.len].iter().flatten()
    }
}

/// The bytes [`Family::render_parts`] wrote into each part's buffer, in part order: a fixed part's
/// [`Part::max_len`], a bounded part's whole entries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Filled {
    bytes: [usize; MAX_PARTS],
}

impl Filled {
    /// The bytes written into each part (at most [`MAX_PARTS`]).
    pub fn new(bytes: &[usize]) -> Self {
        let mut all = [0; MAX_PARTS];
        for (slot, &n) in all.iter_mut().zip(bytes) {
            *slot = n;
        }
        Self { bytes: all }
    }

    /// `bytes` written into a sample's one part.
    pub fn one(bytes: usize) -> Self {
        Self::new(&[bytes])
    }

    /// The bytes written into part `i` (0 past the parts).
    pub fn bytes(&self, i: usize) -> usize {
        self.bytes.get(i).copied().unwrap_or(0)
    }
}

/// The workspace a family needs ([`Family::scratch_len`]): its typed buffers, one after another in
/// one arena of `u64` words, each starting on a word. A family states it as a chain,
/// `ScratchLen::NONE.and::<u32>(positions).and::<u8>(canvas)`, and takes the same buffers in the
/// same order from [`Workspace::carve`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScratchLen {
    words: usize,
}

impl ScratchLen {
    /// No buffers.
    pub const NONE: Self = Self { words: 0 };

    /// These buffers and, after them, one of `n` values of `T`.
    pub const fn and<T: Pod>(self, n: usize) -> Self {
        Self { words: self.words.saturating_add(words_of::<T>(n)) }
    }

    /// The `u64` words of the arena: the length of the buffer to give [`Workspace::new`].
    pub const fn words(self) -> usize {
        self.words
    }

    /// Its bytes (8 per word).
    pub const fn bytes(self) -> usize {
        self.words.saturating_mul(size_of::<u64>())
    }
}

/// The words of `n` values of `T`, rounded up; `usize::MAX` past the address space.
const fn words_of<T>(n: usize) -> usize {
    match n.checked_mul(size_of::<T>()) {
        Some(bytes) => bytes.div_ceil(size_of::<u64>()),
        None => usize::MAX,
    }
}

/// What a workspace's buffers hold, so that the next sample of the same unit reuses it. Starts
/// empty ([`Held::default`]); only the family that filled the buffers reads it. A workspace serves
/// one family value: give another family a fresh `Held`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Held {
    /// The (class, key) of the work in the traced positions or points, and how many entries it fills.
    pub(crate) trace: Option<(usize, u64, usize)>,
    /// The (class, key) of the painted canvas.
    pub(crate) canvas: Option<(usize, u64)>,
}

/// Caller-owned working memory for rendering: one arena of `u64` words, at least
/// [`Family::scratch_len`]'s [`ScratchLen::words`] (longer is fine), and what it holds ([`Held`]).
///
/// The family carves its typed buffers out of the arena in a fixed order ([`Workspace::carve`],
/// [`Carve::take`]), so a buffer of a new type is one more `and::<T>` in its `scratch_len` and one
/// more `take::<T>` where it renders: no list of buffer types here or in any caller. The types are
/// plain data ([`bytemuck::Pod`]: `u8`, `u32`, `f64`, `[f32; 3]`, [`Complex`](crate::math::fft::Complex),
/// [`SceneObject`](crate::math::scene::SceneObject), …) of an alignment of at most 8, viewed
/// through `bytemuck`'s checked casts (no `unsafe` here). A buffer's place in the arena is the same
/// for every sample of a family, so what [`Held`] says it holds is still there at the next sample
/// (FractalDB's traced chaos game and painted canvas).
#[derive(Debug)]
pub struct Workspace<'a> {
    pub(crate) arena: &'a mut [u64],
    pub(crate) held: &'a mut Held,
}

impl<'a> Workspace<'a> {
    /// A workspace over `arena` (at least [`ScratchLen::words`] of the family's
    /// [`Family::scratch_len`]) and what it holds, `held` (a fresh [`Held::default`] for a new
    /// arena or another family).
    pub fn new(arena: &'a mut [u64], held: &'a mut Held) -> Self {
        Self { arena, held }
    }

    /// The arena's buffers, to take in the order of the family's [`ScratchLen`].
    pub fn carve(&mut self) -> Carve<'_> {
        Carve { rest: self.arena }
    }

    /// The arena's buffers and what they hold.
    pub(crate) fn carve_held(&mut self) -> (Carve<'_>, &mut Held) {
        (Carve { rest: self.arena }, self.held)
    }
}

/// The rest of a workspace's arena, from which a family takes its buffers in order
/// ([`Workspace::carve`]).
#[derive(Debug)]
pub struct Carve<'a> {
    rest: &'a mut [u64],
}

impl<'a> Carve<'a> {
    /// The next buffer: `n` values of `T`, on the next `ceil(n · size_of::<T>() / 8)` words (their
    /// last bytes unused); [`ShortWorkspace`] if the arena has fewer words left.
    pub fn take<T: Pod>(&mut self, n: usize) -> Result<&'a mut [T], ShortWorkspace> {
        const { assert!(align_of::<T>() <= align_of::<u64>(), "a workspace buffer's values align to at most 8") };
        let (len, words) = (n.saturating_mul(size_of::<T>()), words_of::<T>(n));
        if self.rest.len() < words {
            return Err(ShortWorkspace);
        }
        let (buffer, rest) = core::mem::take(&mut self.rest).split_at_mut(words);
        self.rest = rest;
        let bytes = &mut bytemuck::cast_slice_mut::<u64, u8>(buffer)[..len];
        bytemuck::try_cast_slice_mut(bytes).map_err(|_| ShortWorkspace)
    }
}

/// A workspace's arena is shorter than the family's [`Family::scratch_len`]: as a render's error,
/// [`RenderError::Workspace`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShortWorkspace;

impl<E> From<ShortWorkspace> for RenderError<E> {
    fn from(_: ShortWorkspace) -> Self {
        RenderError::Workspace
    }
}

/// Why a sample cannot be rendered: a reason every family shares, or the family's own error `E`
/// ([`Family::Error`]: a category or recipe it cannot draw), as embedded-graphics' `Drawable` returns
/// its target's error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenderError<E> {
    /// A part's output buffer is missing or holds fewer bytes than the part needs.
    Output {
        /// The part (its index in [`Family::parts`]).
        part: usize,
        /// Bytes the part needs.
        needed: usize,
    },
    /// One buffer given ([`Family::render`]) for a sample of several parts.
    Parts {
        /// The sample's parts.
        parts: usize,
    },
    /// The workspace's arena is shorter than [`Family::scratch_len`] asks.
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
            Self::Output { part, needed } => RenderError::Output { part, needed },
            Self::Parts { parts } => RenderError::Parts { parts },
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
            Self::Output { part, needed } => {
                write!(f, "the output buffer of part {part} is missing or too small: it needs {needed} bytes")
            }
            Self::Parts { parts } => {
                write!(f, "a sample has {parts} parts: render it into one buffer per part (render_parts)")
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

/// How a family's samples group ([`Family::grouping`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grouping {
    /// Whether samples belong to the classes ([`Family::labelled`]).
    pub labelled: bool,
    /// Which instances of a class share work ([`Family::unit_of`]).
    pub units: Units,
    /// What the samples of a unit share, in words ([`Family::shared_work`]).
    pub shared_work: &'static str,
}

impl Grouping {
    /// Samples labelled with their class, sharing nothing.
    pub const LABELLED: Self = Self { labelled: true, units: Units::Each, shared_work: "nothing" };
    /// Samples in one unlabelled group, sharing nothing.
    pub const UNLABELLED: Self = Self { labelled: false, ..Self::LABELLED };
}

/// The units of shared work of a class's instances.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Units {
    /// Each instance its own unit: nothing shared.
    Each,
    /// Runs of `n` consecutive instances: unit `instance / n` (FractalDB's weight rows).
    Runs(u64),
    /// Every `n`-th instance: unit `instance % n` (ExFractalDB's models).
    Cycle(u64),
    /// The whole class one unit.
    Class,
}

impl Units {
    /// The unit of `instance`.
    pub fn of(self, instance: u64) -> u64 {
        match self {
            Units::Each => instance,
            Units::Runs(n) => instance / n,
            Units::Cycle(n) => instance % n,
            Units::Class => 0,
        }
    }
}

/// A dataset family: its categories, seed and settings, and how a sample is made.
pub trait Family {
    /// The family's own reason a sample cannot be rendered ([`RenderError::Family`]);
    /// [`core::convert::Infallible`] for a family whose settings are all checked when it is made.
    type Error: core::fmt::Debug + core::fmt::Display;
    /// What every sample is: its parts, in order (an image; an image and its mask; a point cloud;
    /// a scene's points and layout).
    fn parts(&self) -> Parts;
    /// The workspace [`Family::render_parts`] needs: the words of its arena ([`ScratchLen`]).
    fn scratch_len(&self) -> ScratchLen;
    /// Number of classes: one per category, but for a family that makes many classes of one
    /// category (1p-frac: perturbations of one base fractal).
    fn classes(&self) -> usize;
    /// How its samples group: by class or in one unlabelled group, and in units of shared work.
    /// [`Family::labelled`], [`Family::unit_of`] and [`Family::shared_work`] are read from it, so
    /// that an adapter (a family behind a pointer, its error boxed) forwards this one method and
    /// cannot fall back to a default for any of them.
    fn grouping(&self) -> Grouping;
    /// Whether samples belong to the classes, each labelled with its class (a number per sample,
    /// not a part); else, as scenes and SegRCDB's images, they form one unlabelled group.
    fn labelled(&self) -> bool {
        self.grouping().labelled
    }
    /// The unit of shared work instance `instance` of a class belongs to: samples of one (class,
    /// unit) rendered in turn with one workspace share it.
    fn unit_of(&self, instance: u64) -> u64 {
        self.grouping().units.of(instance)
    }
    /// What the samples of a unit share, in words (for messages).
    fn shared_work(&self) -> &'static str {
        self.grouping().shared_work
    }
    /// Render instance `instance` of class `class`, part `i` into `out[i]` (at least that part's
    /// [`Part::max_len`] bytes); returns the bytes written into each. Unlabelled families ignore
    /// `class` (their sample is `instance`).
    fn render_parts(
        &self,
        class: usize,
        instance: u64,
        ws: &mut Workspace<'_>,
        out: &mut [&mut [u8]],
    ) -> Result<Filled, RenderError<Self::Error>>;
    /// [`Family::render_parts`] of a sample of one part into `out`; returns the bytes written
    /// ([`RenderError::Parts`] for a sample of several).
    fn render(
        &self,
        class: usize,
        instance: u64,
        ws: &mut Workspace<'_>,
        out: &mut [u8],
    ) -> Result<usize, RenderError<Self::Error>> {
        match self.parts().len() {
            1 => self.render_parts(class, instance, ws, &mut [out]).map(|filled| filled.bytes(0)),
            parts => Err(RenderError::Parts { parts }),
        }
    }
    /// The sample's name, unique within its class and free of dots: the reference's file stem.
    fn write_name(&self, class: usize, instance: u64, out: &mut dyn core::fmt::Write) -> core::fmt::Result;
    /// What made the sample beyond its class, instance and the family's settings, in a fixed order.
    fn parameters(&self, class: usize, instance: u64, visit: &mut dyn FnMut(&'static str, Parameter<'_>));
}

/// The first `need` bytes of part `part`'s buffer in `out`, or the error naming them.
pub(crate) fn output<'a, E>(
    out: &'a mut [&mut [u8]],
    part: usize,
    need: usize,
) -> Result<&'a mut [u8], RenderError<E>> {
    out.get_mut(part).and_then(|o| o.get_mut(..need)).ok_or(RenderError::Output { part, needed: need })
}

/// The first `needs.0` bytes of part 0's buffer and the first `needs.1` of part 1's, or the error
/// naming the part.
pub(crate) fn output_pair<'a, E>(
    out: &'a mut [&mut [u8]],
    needs: (usize, usize),
) -> Result<(&'a mut [u8], &'a mut [u8]), RenderError<E>> {
    let missing = RenderError::Output { part: 0, needed: needs.0 };
    let (first, rest) = out.split_first_mut().ok_or(missing)?;
    let first = first.get_mut(..needs.0).ok_or(RenderError::Output { part: 0, needed: needs.0 })?;
    let second =
        output::<E>(rest, 0, needs.1).map_err(|_| RenderError::Output { part: 1, needed: needs.1 })?;
    Ok((first, second))
}

/// Write 3-D points into `out` as little-endian `f32` x, y, z (`out` holds at least 12 per point).
pub(crate) fn write_points(points: &[[f32; 3]], out: &mut [u8]) {
    for (slot, v) in out.chunks_exact_mut(4).zip(points.iter().flatten()) {
        slot.copy_from_slice(&v.to_le_bytes());
    }
}
