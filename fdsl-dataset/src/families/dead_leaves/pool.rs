//! The textured dead leaves' texture pool in the library: texture `i` of a dataset is image `i` of
//! `stat-spectrum-color-wmm` with its seed at 128 px ([`render_texture`]), through a JPEG file and
//! back as the reference reads it (Baradad et al.'s scripts write those images with `cv2.imwrite`,
//! quality 95, 4:2:0, and the textured leaves read them back with `cv2.imread`; here
//! [`crate::jpeg`] at its default [`JpegSettings`], the same bytes as `cv2.imencode`).
//!
//! Each texture is made the first time an image, or [`Prepare::prepare`], asks for it, on the
//! asking thread (others asking meanwhile wait for it), then kept for the dataset's life; an image's
//! missing textures are made together, in parallel on the current rayon pool
//! ([`TexturePool::fetch`]; on the calling thread alone outside one). Where a cache is set
//! ([`crate::prepare::Kept::keep_in`]) each texture's JPEG file is kept there too, under
//! `dead-leaves-textures/v{TEXTURES_VERSION}/seed-{seed}/{index:05}.texture` (the textures' bytes
//! version: a release whose textures differ reads none of another's), and read back, its hash
//! checked, instead of made again. Clones share the textures.

use crate::jpeg::{self, JpegSettings};
use crate::prepare::{Kept, Prepare};
use anyhow::{Context, Result, anyhow, ensure};
use fdsl_core::families::dead_leaves_textured::{
    REGIONS_LEN, TEXTURE_SIDE, TexturePool, TexturedLeaves, region_texture, render_texture,
};
use fdsl_core::families::statistical::{SMALL_SCALE, scratch_len};
use fdsl_core::math::fft::Complex;
use rayon::prelude::*;
use std::sync::{Arc, OnceLock};

/// Bytes of one pool texture in memory (128² RGB pixels).
pub const TEXTURE_BYTES: u64 = (TEXTURE_SIDE * TEXTURE_SIDE * 3) as u64;

/// CPU seconds to make one texture at 128 px, JPEG round trip included, for `--dry-run`: 124
/// CPU-s for the 2,087 textures of `fdsl render --preset dead-leaves-textured --instances 8`
/// (statistical bytes 4; BENCHMARKS.md, "Issue 34, fourth session: the statistical models").
pub const SECONDS_PER_TEXTURE: f64 = 0.06;

/// The version of the textures' bytes, in their cache keys: the `deadleaves` bytes version that
/// first made them (2: statistical bytes 2, JPEG q95 4:2:0; 3: statistical bytes 3, the faster
/// transforms; 4: statistical bytes 4, the faster matchings and pyramid). Bump it with any change of
/// a texture's bytes (the statistical model, the JPEG step), as the family's bytes version.
pub const TEXTURES_VERSION: u32 = 4;

/// Why a texture cannot be had (the message, shared by every image asking for it).
pub type PoolError = Arc<str>;

/// A pool texture once had (or why it could not be).
type Texture = Result<Box<[u8]>, PoolError>;

/// The pool of one textured dataset (its seed, size and leaves).
#[derive(Clone)]
pub struct Pool(Arc<Inner>);

struct Inner {
    leaves: TexturedLeaves,
    textures: Box<[OnceLock<Texture>]>,
    kept: Kept,
}

impl Pool {
    /// The pool of `leaves` (their seed, their pool's size).
    pub fn new(leaves: TexturedLeaves) -> Self {
        let textures = (0..leaves.pool()).map(|_| OnceLock::new()).collect();
        Self(Arc::new(Inner { leaves, textures, kept: Kept::default() }))
    }

    /// The cache key of texture `index`.
    fn key(&self, index: u32) -> String {
        format!("dead-leaves-textures/v{TEXTURES_VERSION}/seed-{}/{index:05}.texture", self.0.leaves.seed())
    }

    /// Texture `index`'s slot.
    fn slot(&self, index: u32) -> Result<&OnceLock<Texture>, PoolError> {
        let size = self.0.textures.len();
        self.0.textures.get(index as usize).ok_or_else(|| format!("the pool has {size} textures").into())
    }

    /// Texture `index`: read back from the cache, or made (its JPEG file kept there).
    fn have(&self, index: u32) -> Texture {
        let made = || jpeg_texture(self.0.leaves.seed(), index);
        self.0.kept.read_or_make(&self.key(index), made, pixels).map_err(|e| format!("{e:#}").into())
    }
}

/// Pool texture `index` of seed `seed` as a JPEG file: [`render_texture`], encoded at
/// [`JpegSettings::default`] (quality 95, 4:2:0).
pub fn jpeg_texture(seed: u64, index: u32) -> Result<Vec<u8>> {
    let need = scratch_len(&SMALL_SCALE).map_err(|e| anyhow!("{e}"))?;
    let (mut reals, mut complex) = (vec![0.0; need.reals], vec![Complex::default(); need.complex]);
    let mut texture = vec![0; TEXTURE_SIDE * TEXTURE_SIDE * 3];
    render_texture(seed, index, &mut reals, &mut complex, &mut texture).map_err(|e| anyhow!("{e}"))?;
    jpeg::encode(&texture, TEXTURE_SIDE, TEXTURE_SIDE, 3, JpegSettings::default())
}

/// The pixels of a texture's JPEG file, which must be a 128 px RGB image.
pub fn pixels(file: &[u8]) -> Result<Box<[u8]>> {
    let image = jpeg::decode(file)?;
    ensure!(
        (image.width, image.height, image.channels) == (TEXTURE_SIDE, TEXTURE_SIDE, 3),
        "a texture is {TEXTURE_SIDE}x{TEXTURE_SIDE} RGB, not {}x{}x{}",
        image.width,
        image.height,
        image.channels
    );
    Ok(image.pixels.into_boxed_slice())
}

impl TexturePool for Pool {
    type Error = PoolError;

    fn texture(&self, index: u32) -> Result<&[u8], PoolError> {
        self.slot(index)?.get_or_init(|| self.have(index)).as_deref().map_err(Arc::clone)
    }

    /// The missing ones of `indices`, each its own job on the current rayon pool (idle threads
    /// take them), or in turn outside one.
    fn fetch(&self, indices: &[u32]) -> Result<(), (u32, PoolError)> {
        let mut missing: Vec<u32> = indices
            .iter()
            .copied()
            .filter(|&i| self.slot(i).map_or(true, |slot| slot.get().is_none()))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        let have = |&index: &u32| self.texture(index).map(drop).map_err(|e| (index, e));
        if missing.len() > 1 && rayon::current_thread_index().is_some() {
            missing.par_iter().with_max_len(1).try_for_each(have)
        } else {
            missing.iter().try_for_each(have)
        }
    }
}

impl Prepare for Pool {
    fn what(&self) -> &'static str {
        "making textures"
    }

    fn unit(&self) -> &'static str {
        "textures"
    }

    fn pieces(&self) -> u64 {
        self.0.textures.len() as u64
    }

    fn prepare(&self, index: u64) -> Result<()> {
        let index = u32::try_from(index).context("no such texture")?;
        self.texture(index).map(drop).map_err(|e| anyhow!("pool texture {index}: {e}"))
    }

    /// The textures of the image's visible regions ([`TexturedLeaves::regions`]: its flat leaves
    /// painted, about 1.3 ms at 128 px).
    fn needs(&self, _class: usize, instance: u64, visit: &mut dyn FnMut(u64)) -> Result<()> {
        let side = self.0.leaves.side();
        let (mut regions, mut canvas) = (vec![0u64; REGIONS_LEN], vec![0u8; side * side * 3]);
        let painted =
            self.0.leaves.regions(instance, &mut regions, &mut canvas).map_err(|e| anyhow!("{e}"))?;
        regions[..painted.regions].iter().for_each(|&r| visit(u64::from(region_texture(r))));
        Ok(())
    }

    fn is_done(&self, index: u64) -> bool {
        let Ok(index) = u32::try_from(index) else { return false };
        self.slot(index).is_ok_and(|slot| slot.get().is_some())
            || self.0.kept.cache().is_some_and(|cache| cache.contains(&self.key(index)))
    }

    fn seconds_per_piece(&self) -> f64 {
        SECONDS_PER_TEXTURE
    }

    fn bytes_per_piece(&self) -> u64 {
        TEXTURE_BYTES
    }

    fn kept(&self) -> &Kept {
        &self.0.kept
    }
}
