//! Textured dead leaves (Baradad et al. 2021; mbaradad/learning_with_noise
//! `generate_datasets/dead_leaves/generate_dataset.py --shape-model mixed --textured`, read in
//! `successors-2.md` §3.4): the mixed-shape dead leaves of [`crate::families::dead_leaves`], then every colour
//! region of the painted image filled, in place, with a texture from a pool of 10,000
//! `stat-spectrum_color_wmm` images.
//!
//! As the reference does after painting: the pixels' packed colours `R·65536 + G·256 + B` are
//! listed, distinct, in increasing order (a region split by later leaves keeps one texture, two leaves
//! of one colour share one; black, where the 5,000-leaf cap left the image uncovered, is a region
//! too), each takes a texture drawn uniformly from the pool (`random.choice`), and its pixels become
//! that texture's pixels at the same coordinates (no offset, rotation or scaling beyond the
//! nearest-neighbour resize of a 128-px texture to the image side, `cv2.INTER_NEAREST`).
//!
//! Where fdsl departs from the reference: the pool is not an unseeded `random.sample` of files, but
//! the images `0..10,000` of `stat-spectrum_color_wmm` at 128 px with the dataset's own seed
//! ([`texture_source`]): any pool texture is a pure function of (seed, pool index), computable on
//! demand or once; the leaves come from the stream of [`instance_key`] and the texture choices from
//! that of [`texture_key`]. The textures an image uses are known before any is needed:
//! [`TexturedLeaves::regions`] paints the flat leaves (as cheap as `dead-leaves-mixed`) and draws
//! every visible region's texture; [`TexturedLeaves::fill`] then paints the textures in. The family
//! asks its [`TexturePool`] for an image's textures together ([`TexturePool::fetch`]), so that a pool
//! made on demand makes them in parallel; the library's pool also gives each texture as the
//! reference reads it, after its round trip through a JPEG file (`fdsl-dataset`).

use crate::families::dead_leaves::{self, MAX_LEAVES, RadiusLaw, ShapeModel};
use crate::families::statistical::{self, Model, SMALL_SCALE, StatError};
use crate::family::{Family, Filled, Grouping, Parameter, Parts, RenderError, ScratchLen, Workspace, output};
use crate::math::fft::Complex;
use crate::math::stream::{Namespace, Purpose, StreamKey, below};

/// Textures in the pool (the reference asserts at least 10,000 files and samples 10,000), and the
/// most a pool may hold.
pub const POOL: u32 = 10_000;
/// The side of the pool's textures (the small-scale `stat-spectrum_color_wmm`).
pub const TEXTURE_SIDE: usize = 128;
/// Entries of the regions buffer: one per leaf, and black.
pub const REGIONS_LEN: usize = MAX_LEAVES + 1;

/// Why a textured dead-leaves image cannot be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TexturedError {
    /// The side is 0 or above [`dead_leaves::MAX_SIDE`].
    Side,
    /// The pool's size is 0 or above [`POOL`].
    Pool {
        /// The size asked for.
        size: u32,
    },
    /// A buffer is too short.
    Buffer {
        /// Which buffer.
        name: &'static str,
        /// Values it needs.
        needed: usize,
    },
}

impl core::fmt::Display for TexturedError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Side => {
                write!(f, "dead leaves images need a side from 1 to {} pixels", dead_leaves::MAX_SIDE)
            }
            Self::Pool { size } => write!(f, "the texture pool holds 1 to {POOL} textures, not {size}"),
            Self::Buffer { name, needed } => {
                write!(f, "the textured dead leaves' {name} buffer needs {needed} values")
            }
        }
    }
}

impl core::error::Error for TexturedError {}

/// The stream of image `instance`'s leaves.
pub fn instance_key(seed: u64, instance: u64) -> StreamKey {
    StreamKey {
        seed,
        namespace: Namespace::DeadLeavesTextured,
        category: 0,
        instance,
        purpose: Purpose::Shape,
    }
}

/// The stream of image `instance`'s texture choices.
pub fn texture_key(seed: u64, instance: u64) -> StreamKey {
    StreamKey {
        seed,
        namespace: Namespace::DeadLeavesTextured,
        category: 0,
        instance,
        purpose: Purpose::Texture,
    }
}

/// Pool texture `index` of the dataset with seed `seed` is image `index` of this statistical model
/// with the same seed, at [`TEXTURE_SIDE`] pixels and [`crate::families::statistical::SMALL_SCALE`]'s settings.
pub fn texture_source(index: u32) -> (Model, u64) {
    (Model::SpectrumColorWmm, u64::from(index))
}

/// Render pool texture `index` of the dataset with `seed` into `out` (`128² · 3` bytes, R G B):
/// [`statistical::render`] of [`texture_source`] at [`SMALL_SCALE`], with buffers of
/// [`statistical::scratch_len`]`(&SMALL_SCALE)`.
pub fn render_texture(
    seed: u64,
    index: u32,
    real: &mut [f64],
    complex: &mut [Complex],
    out: &mut [u8],
) -> Result<(), StatError> {
    let (model, instance) = texture_source(index);
    statistical::render(model, seed, instance, &SMALL_SCALE, real, complex, out)
}

/// The pixel of a `texture_side`-pixel RGB texture at image pixel (`y`, `x`) of a `side`-pixel image:
/// OpenCV's nearest-neighbour resize, source `⌊dst · texture_side / side⌋` (clamped).
pub fn texel(texture: &[u8], texture_side: usize, side: usize, y: usize, x: usize) -> [u8; 3] {
    let map = |d: usize| (d * texture_side / side).min(texture_side - 1);
    let i = (map(y) * texture_side + map(x)) * 3;
    [texture[i], texture[i + 1], texture[i + 2]]
}

/// The textured leaves of a dataset: its side, seed and pool size, and the radius law.
#[derive(Clone, Debug)]
pub struct TexturedLeaves {
    side: usize,
    seed: u64,
    pool: u32,
    law: RadiusLaw,
}

impl TexturedLeaves {
    /// The leaves of `side`-pixel images of the dataset with `seed`, textured from a pool of `pool`
    /// textures ([`POOL`] in the reference).
    pub fn new(side: usize, seed: u64, pool: u32) -> Result<Self, TexturedError> {
        if side == 0 || side > dead_leaves::MAX_SIDE {
            return Err(TexturedError::Side);
        }
        if pool == 0 || pool > POOL {
            return Err(TexturedError::Pool { size: pool });
        }
        Ok(Self { side, seed, pool, law: RadiusLaw::new() })
    }

    /// The image side, pixels.
    pub fn side(&self) -> usize {
        self.side
    }

    /// The dataset's seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The pool's size.
    pub fn pool(&self) -> u32 {
        self.pool
    }

    /// Paint image `instance` into `out` (`side² · 3` bytes, R G B): the mixed leaves from
    /// [`instance_key`]'s stream, then each colour region filled by `texture(pool index, y, x)`, the
    /// pixel (`y`, `x`) of that pool texture at the image's side (see [`texel`], [`texture_source`]).
    /// `regions` is scratch of [`REGIONS_LEN`] entries. Returns the number of leaves painted.
    /// ([`TexturedLeaves::regions`] then [`TexturedLeaves::fill`].)
    pub fn paint(
        &self,
        instance: u64,
        regions: &mut [u64],
        out: &mut [u8],
        texture: impl FnMut(u32, usize, usize) -> [u8; 3],
    ) -> Result<usize, TexturedError> {
        let painted = self.regions(instance, regions, out)?;
        self.fill(&regions[..painted.regions], out, texture);
        Ok(painted.leaves)
    }

    /// The first half of [`TexturedLeaves::paint`], which says which pool textures image `instance`
    /// uses before any is needed: its leaves painted flat into `out` (no texture: as cheap as
    /// `dead-leaves-mixed`), and its visible regions, in increasing order of colour, each with the
    /// pool texture drawn for it, in `regions[..n]` ([`Painted::regions`] = n; read an entry's
    /// texture with [`region_texture`]). `regions` is scratch of [`REGIONS_LEN`] entries.
    pub fn regions(
        &self,
        instance: u64,
        regions: &mut [u64],
        out: &mut [u8],
    ) -> Result<Painted, TexturedError> {
        let (side, seed, law) = (self.side, self.seed, &self.law);
        let needed = side * side * 3;
        let out = out.get_mut(..needed).ok_or(TexturedError::Buffer { name: "output", needed })?;
        let regions = regions
            .get_mut(..REGIONS_LEN)
            .ok_or(TexturedError::Buffer { name: "regions", needed: REGIONS_LEN })?;
        let mut count = 0;
        let mut rng = instance_key(seed, instance).rng();
        let leaves = dead_leaves::paint(ShapeModel::Mixed, law, side, &mut rng, out, |leaf| {
            regions[count] = region_key(&leaf.color);
            count += 1;
        });
        regions[count] = 0; // black
        let regions = &mut regions[..count + 1];
        regions.sort_unstable();
        let distinct = dedup_sorted(regions);
        let regions = &mut regions[..distinct];
        // Entry: colour key in bits 32.., visible flag in bit 31 (until the choices), pool index below.
        for pixel in out.chunks_exact(3) {
            let i = find_region(regions, pixel);
            regions[i] |= VISIBLE;
        }
        let mut visible = 0;
        for i in 0..regions.len() {
            if regions[i] & VISIBLE != 0 {
                regions[visible] = regions[i] & !VISIBLE;
                visible += 1;
            }
        }
        let mut choices = texture_key(seed, instance).rng();
        for r in &mut regions[..visible] {
            *r |= u64::from(below(&mut choices, self.pool));
        }
        Ok(Painted { leaves, regions: visible })
    }

    /// The second half of [`TexturedLeaves::paint`]: each pixel of the flat leaves in `out` becomes
    /// `texture(pool index, y, x)` of its region in `regions` ([`TexturedLeaves::regions`]'s).
    pub fn fill(
        &self,
        regions: &[u64],
        out: &mut [u8],
        mut texture: impl FnMut(u32, usize, usize) -> [u8; 3],
    ) {
        let side = self.side;
        for (p, pixel) in out[..side * side * 3].chunks_exact_mut(3).enumerate() {
            let pool = region_texture(regions[find_region(regions, pixel)]);
            pixel.copy_from_slice(&texture(pool, p / side, p % side));
        }
    }
}

/// What [`TexturedLeaves::regions`] painted: leaves, and visible regions listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Painted {
    /// Leaves painted.
    pub leaves: usize,
    /// Visible regions (distinct colours) listed, each with its texture.
    pub regions: usize,
}

/// The flag of a region with pixels, while they are counted.
const VISIBLE: u64 = 1 << 31;

/// A region's entry before its texture: the packed colour `R·65536 + G·256 + B` in bits 32...
fn region_key(c: &[u8]) -> u64 {
    (u64::from(c[0]) << 16 | u64::from(c[1]) << 8 | u64::from(c[2])) << 32
}

/// The pool texture of a region entry of [`TexturedLeaves::regions`].
pub fn region_texture(entry: u64) -> u32 {
    (entry & 0x7fff_ffff) as u32
}

/// The index of `pixel`'s region in `regions` (sorted by colour, the pixel's among them).
fn find_region(regions: &[u64], pixel: &[u8]) -> usize {
    let key = region_key(pixel) >> 32;
    regions.partition_point(|&r| r >> 32 < key)
}

/// Keep the first of each run of equal values of sorted `values` at the front; returns how many.
fn dedup_sorted(values: &mut [u64]) -> usize {
    let mut distinct = 0;
    for i in 0..values.len() {
        if i == 0 || values[i] != values[distinct - 1] {
            values[distinct] = values[i];
            distinct += 1;
        }
    }
    distinct
}

/// Where a textured family finds its pool's textures: [`TEXTURE_SIDE`]-pixel RGB images, texture
/// `index` being [`render_texture`]'s of the family's seed. The caller keeps them (rendered once and
/// shared by every image, or on demand), as embedded-graphics' draw target is the caller's; a
/// texture that cannot be had is the pool's own error.
pub trait TexturePool {
    /// Why a texture cannot be had.
    type Error: core::fmt::Debug + core::fmt::Display;
    /// Pool texture `index` (below [`POOL`]): `TEXTURE_SIDE² · 3` bytes, R G B.
    fn texture(&self, index: u32) -> Result<&[u8], Self::Error>;

    /// Have the textures `indices` (of one image, repeats possible) at hand before its pixels ask
    /// for them one by one ([`TexturePool::texture`]): a pool that makes textures on demand makes
    /// the missing ones here, together (in parallel, as it may). `Err((index, why))` for a texture
    /// that cannot be had. Nothing by default.
    fn fetch(&self, indices: &[u32]) -> Result<(), (u32, Self::Error)> {
        let _ = indices;
        Ok(())
    }
}

/// Textured dead leaves as a dataset family: one unlabelled class of `side × side` RGB images,
/// image `instance` being [`TexturedLeaves::paint`]'s with the textures of a [`TexturePool`].
#[derive(Debug)]
pub struct DeadLeavesTextured<P> {
    leaves: TexturedLeaves,
    textures: P,
}

impl<P: TexturePool> DeadLeavesTextured<P> {
    /// The family of `leaves`, its textures from `textures` (which must hold the textures of the
    /// leaves' seed).
    pub fn new(leaves: TexturedLeaves, textures: P) -> Self {
        Self { leaves, textures }
    }
}

/// Why a textured image cannot be made: its own reason, or the pool's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TexturedFamilyError<E> {
    /// The painting's reason.
    Paint(TexturedError),
    /// The pool's reason for texture `index`.
    Pool {
        /// The texture asked for.
        index: u32,
        /// Why it could not be had.
        error: E,
    },
}

impl<E: core::fmt::Display> core::fmt::Display for TexturedFamilyError<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Paint(e) => write!(f, "{e}"),
            Self::Pool { index, error } => write!(f, "pool texture {index}: {error}"),
        }
    }
}

impl<E: core::fmt::Debug + core::fmt::Display> core::error::Error for TexturedFamilyError<E> {}

impl<P: TexturePool> Family for DeadLeavesTextured<P> {
    type Error = TexturedFamilyError<P::Error>;

    fn parts(&self) -> Parts {
        Parts::image(self.leaves.side, 3)
    }

    /// The regions of an image ([`REGIONS_LEN`]) live on the stack: nothing from the workspace.
    fn scratch_len(&self) -> ScratchLen {
        ScratchLen::NONE
    }

    fn classes(&self) -> usize {
        1
    }

    fn grouping(&self) -> Grouping {
        Grouping::LABELLED
    }

    /// [`TexturedLeaves::paint`] of `instance` (class 0 only): its regions, their textures fetched
    /// from the pool together ([`TexturePool::fetch`]), then each texel read from the pool.
    fn render_parts(
        &self,
        class: usize,
        instance: u64,
        _: &mut Workspace<'_>,
        out: &mut [&mut [u8]],
    ) -> Result<Filled, RenderError<Self::Error>> {
        if class != 0 {
            return Err(RenderError::Class);
        }
        let need = self.leaves.side * self.leaves.side * 3;
        let out = output(out, 0, need)?;
        let mut regions = [0u64; REGIONS_LEN];
        let painted = self
            .leaves
            .regions(instance, &mut regions, out)
            .map_err(|e| RenderError::Family(TexturedFamilyError::Paint(e)))?;
        let regions = &regions[..painted.regions];
        let mut wanted = [0u32; REGIONS_LEN];
        for (w, &r) in wanted.iter_mut().zip(regions) {
            *w = region_texture(r);
        }
        let pool_error = |index, error| RenderError::Family(TexturedFamilyError::Pool { index, error });
        self.textures.fetch(&wanted[..regions.len()]).map_err(|(index, error)| pool_error(index, error))?;
        let mut failed = None;
        let (side, textures) = (self.leaves.side, &self.textures);
        self.leaves.fill(regions, out, |index, y, x| match textures.texture(index) {
            Ok(texture) => texel(texture, TEXTURE_SIDE, side, y, x),
            Err(error) => {
                failed.get_or_insert((index, error));
                [0; 3]
            }
        });
        match failed {
            Some((index, error)) => Err(pool_error(index, error)),
            None => Ok(Filled::one(need)),
        }
    }

    /// The index, zero-padded to 10 (as the dead leaves').
    fn write_name(&self, _class: usize, instance: u64, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        write!(out, "{instance:010}")
    }

    /// Nothing beyond the instance: every image has the family's settings.
    fn parameters(&self, _class: usize, _instance: u64, _visit: &mut dyn FnMut(&'static str, Parameter<'_>)) {
    }
}
