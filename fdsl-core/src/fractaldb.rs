//! The FractalDB recipe (Kataoka et al., ACCV 2020): one category's instances.
//!
//! A category is an [`Ifs2`]. Its instances are indexed `(weight, count, flip)`: 25 weights
//! ([`crate::weights`]) × 10 patch draws × 4 flips = 1,000 images. As in the reference, the 10
//! counts of one weight share the very same points and differ only in their patch masks, and the
//! 4 flips share one raster. So the work splits in three steps, each over caller-owned buffers:
//! [`trace`] the chaos game of (category, weight) into pixel positions, [`paint`] one count onto a
//! canvas, then [`Canvas::write_flipped`] each flip.
//!
//! Random streams: the chain of (category, weight) comes from [`chain_key`], the masks of
//! (category, weight, count) from [`patch_key`]; the reference's unseeded Python RNGs are the only
//! thing replaced.

use crate::canvas::{Canvas, Flip, random_mask};
use crate::family::{Family, Parameter, RenderError, SampleShape, ScratchLen, Workspace, output};
use crate::frame::{Grid, for_each_pixel};
use crate::ifs::Ifs2;
use crate::stream::{Generator, Purpose, StreamKey};
use crate::weights::{WEIGHT_ROWS, instance_weights};

/// Patch draws ("count") per weight in the published recipe.
pub const COUNTS: usize = 10;
/// Saved orientations per raster.
pub const FLIPS: usize = 4;
/// Images per weight row: 10 counts × 4 flips, one chaos game (the family's unit of shared work).
pub const PER_WEIGHT: usize = COUNTS * FLIPS;
/// Images per category in the published recipe: 25 weights × 10 counts × 4 flips.
pub const INSTANCES_PER_CATEGORY: usize = WEIGHT_ROWS * COUNTS * FLIPS;
/// The largest canvas side: pixel positions are packed as two 16-bit halves.
pub const MAX_SIDE: u32 = 1 << 16;

/// How points are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum Draw {
    /// One pixel of value 127 per point.
    Point,
    /// A random opaque 3x3 patch per point, the last one in point order winning.
    Patch,
}

/// What one rendering needs besides the category: the grid, the chain length and the drawing.
/// `#[repr(C)]`: GPU kernels take it by value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct Recipe {
    /// The canvas and its margin.
    pub grid: Grid,
    /// Points in each chaos game (origin included).
    pub points: u32,
    /// How points are drawn.
    pub draw: Draw,
}

/// FractalDB-1k as published (`exe.sh`): 362x362, 200,000 points, patch mode.
pub const FRACTALDB_1K: Recipe = Recipe { grid: Grid::square(362), points: 200_000, draw: Draw::Patch };

/// Why a recipe or buffer cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecipeError {
    /// A side is at most twice the pad, or at least [`MAX_SIDE`].
    Size,
    /// Zero points.
    Points,
    /// The position buffer is shorter than the number of points.
    Buffer,
}

impl core::fmt::Display for RecipeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Size => "each side must exceed twice the padding and be below 65536 pixels",
            Self::Points => "the number of points must be positive",
            Self::Buffer => "the position buffer holds fewer entries than the number of points",
        })
    }
}

impl core::error::Error for RecipeError {}

impl Recipe {
    /// Check the recipe's own values.
    pub fn check(&self) -> Result<(), RecipeError> {
        let Grid { width, height, pad } = self.grid;
        let side_ok = |s: u32| u64::from(s) > 2 * u64::from(pad) && s < MAX_SIDE;
        if !(side_ok(width) && side_ok(height)) {
            return Err(RecipeError::Size);
        }
        if self.points == 0 {
            return Err(RecipeError::Points);
        }
        Ok(())
    }

    /// Bytes of one canvas.
    pub fn canvas_len(&self) -> usize {
        self.grid.width as usize * self.grid.height as usize
    }
}

/// One image of a category: weight row, patch draw, orientation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Instance {
    /// Weight row, 0 to 24.
    pub weight: usize,
    /// Patch draw, 0 to 9.
    pub count: usize,
    /// Orientation.
    pub flip: Flip,
}

impl Instance {
    /// Instance `i` of a category in the order weight, count, flip
    /// (`i = (weight · 10 + count) · 4 + flip`); `None` past 999.
    pub fn from_index(i: usize) -> Option<Self> {
        if i >= INSTANCES_PER_CATEGORY {
            return None;
        }
        Some(Self {
            weight: i / (COUNTS * FLIPS),
            count: i / FLIPS % COUNTS,
            flip: Flip::from_index(i % FLIPS)?,
        })
    }

    /// The index of this instance (inverse of [`Instance::from_index`]).
    pub fn index(&self) -> usize {
        (self.weight * COUNTS + self.count) * FLIPS + self.flip as usize
    }

    /// The patch draw whose canvas this instance shows: its count, or 0 in point mode, which draws
    /// no masks (every count is the same image).
    pub fn canvas_count(&self, draw: Draw) -> usize {
        if draw == Draw::Point { 0 } else { self.count }
    }
}

/// One canvas of the recipe to render: a category's IFS already scaled by its weight row, and which
/// (category, weight, count) it is. `#[repr(C)]`: GPU kernels take arrays of them.
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(C)]
pub struct Job {
    /// The category's IFS scaled by the weight row.
    pub ifs: Ifs2,
    /// Class index.
    pub category: u64,
    /// Weight row.
    pub weight: u64,
    /// Patch draw.
    pub count: u64,
}

impl Job {
    /// Trace and paint this job onto `canvas` (sized as the recipe's grid), using `positions` (at
    /// least `recipe.points` long) as scratch: the unflipped canvas of (category, weight, count).
    pub fn render(
        &self,
        seed: u64,
        recipe: &Recipe,
        positions: &mut [u32],
        canvas: &mut Canvas<'_>,
    ) -> Result<(), RecipeError> {
        let weight = self.weight as usize;
        let n = trace(&self.ifs, seed, self.category, weight, recipe, positions)?;
        paint(canvas, &positions[..n], recipe.draw, seed, self.category, weight, self.count as usize);
        Ok(())
    }
}

/// Which canvas: (class, weight row, patch draw).
pub type CanvasKey = (usize, usize, usize);

/// The FractalDB family: categories, instance weights, recipe and seed. Instance `i` of a class is
/// [`Instance::from_index`]`(i)`; its unit is its weight row (`i / 40`): the 10 counts of a weight
/// share one chaos game, and the 4 flips one painted canvas.
#[derive(Clone, Debug)]
pub struct FractalDb<C> {
    categories: C,
    weights: [[f64; 6]; WEIGHT_ROWS],
    recipe: Recipe,
    seed: u64,
}

impl<C: AsRef<[Ifs2]>> FractalDb<C> {
    /// The family of `categories` with instance weights of step `weight_step`
    /// ([`instance_weights`]), drawn with `recipe` (checked), seeded by `seed`.
    pub fn new(categories: C, weight_step: f64, recipe: Recipe, seed: u64) -> Result<Self, RecipeError> {
        recipe.check()?;
        Ok(Self { categories, weights: instance_weights(weight_step), recipe, seed })
    }

    /// The recipe.
    pub fn recipe(&self) -> &Recipe {
        &self.recipe
    }

    /// The unflipped canvas instance `instance` of class `class` shows, as a job to render elsewhere
    /// (a GPU), and its key (class, weight, count); point mode needs count 0 only.
    pub fn canvas_job(&self, class: usize, instance: u64) -> Result<(CanvasKey, Job), RenderError> {
        let category = self.categories.as_ref().get(class).ok_or(RenderError::Class)?;
        let i = Instance::from_index(instance as usize).ok_or(RenderError::Instance)?;
        let count = i.canvas_count(self.recipe.draw);
        let ifs = category.scaled(&self.weights[i.weight]);
        Ok((
            (class, i.weight, count),
            Job { ifs, category: class as u64, weight: i.weight as u64, count: count as u64 },
        ))
    }

    /// Take `pixels`, the canvas of `key` (from [`FractalDb::canvas_job`], rendered elsewhere), as
    /// the workspace's painted canvas, so that [`Family::render`] of its samples only flips it.
    pub fn adopt_canvas(
        &self,
        key: CanvasKey,
        pixels: &[u8],
        ws: &mut Workspace<'_>,
    ) -> Result<(), RenderError> {
        let (class, weight, count) = key;
        let held = (class, canvas_key(weight, count));
        if ws.held.canvas != Some(held) {
            let canvas = ws.canvas.get_mut(..self.recipe.canvas_len()).ok_or(RenderError::Workspace)?;
            if pixels.len() != canvas.len() {
                return Err(RenderError::Output { needed: canvas.len() });
            }
            canvas.copy_from_slice(pixels);
            ws.held.canvas = Some(held);
        }
        Ok(())
    }
}

/// The workspace key of the canvas of (weight, count).
fn canvas_key(weight: usize, count: usize) -> u64 {
    (weight as u64) << 32 | count as u64
}

impl<C: AsRef<[Ifs2]>> Family for FractalDb<C> {
    fn shape(&self) -> SampleShape {
        SampleShape::Image { side: self.recipe.grid.width as usize, channels: 1 }
    }

    fn scratch_len(&self) -> ScratchLen {
        ScratchLen {
            positions: self.recipe.points as usize,
            canvas: self.recipe.canvas_len(),
            ..ScratchLen::default()
        }
    }

    fn classes(&self) -> usize {
        self.categories.as_ref().len()
    }

    fn unit_of(&self, instance: u64) -> u64 {
        instance / PER_WEIGHT as u64
    }

    fn shared_work(&self) -> &'static str {
        "the 40 images of a weight row share one chaos game, and each 4 flips one canvas"
    }

    /// Trace the unit's chaos game unless the workspace holds it, paint the instance's count unless
    /// the workspace holds that canvas, and write it through the instance's flip.
    fn render(
        &self,
        class: usize,
        instance: u64,
        ws: &mut Workspace<'_>,
        out: &mut [u8],
    ) -> Result<usize, RenderError> {
        let category = self.categories.as_ref().get(class).ok_or(RenderError::Class)?;
        let i = Instance::from_index(instance as usize).ok_or(RenderError::Instance)?;
        let len = self.recipe.canvas_len();
        let (w, h) = (self.recipe.grid.width as usize, self.recipe.grid.height as usize);
        let out = output(out, len)?;
        let count = i.canvas_count(self.recipe.draw);
        let canvas_held = (class, canvas_key(i.weight, count));
        let pixels = ws.canvas.get_mut(..len).ok_or(RenderError::Workspace)?;
        if ws.held.canvas != Some(canvas_held) {
            let trace_held = (class, i.weight as u64);
            let n = match ws.held.trace {
                Some((c, k, n)) if (c, k) == trace_held => n,
                _ => {
                    let ifs = category.scaled(&self.weights[i.weight]);
                    let n = trace(&ifs, self.seed, class as u64, i.weight, &self.recipe, ws.positions)
                        .map_err(
                            |e| if e == RecipeError::Buffer { RenderError::Workspace } else { e.into() },
                        )?;
                    ws.held.trace = Some((trace_held.0, trace_held.1, n));
                    n
                }
            };
            let mut canvas = Canvas::new(pixels, w, h).map_err(|_| RenderError::Workspace)?;
            paint(
                &mut canvas,
                &ws.positions[..n],
                self.recipe.draw,
                self.seed,
                class as u64,
                i.weight,
                count,
            );
            ws.held.canvas = Some(canvas_held);
        }
        let canvas = Canvas::new(&mut ws.canvas[..len], w, h).map_err(|_| RenderError::Workspace)?;
        canvas.write_flipped(i.flip, out).map_err(|_| RenderError::Workspace)?;
        Ok(len)
    }

    /// The reference's stem `{class:05}_{weight:02}_count_{count}_flip{flip}`.
    fn write_name(&self, class: usize, instance: u64, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        let i = Instance::from_index(instance as usize).ok_or(core::fmt::Error)?;
        write!(out, "{class:05}_{:02}_count_{}_flip{}", i.weight, i.count, i.flip as usize)
    }

    /// `weight`, `weight_factors`, `count`, `flip`.
    fn parameters(&self, _class: usize, instance: u64, visit: &mut dyn FnMut(&'static str, Parameter<'_>)) {
        let Some(i) = Instance::from_index(instance as usize) else { return };
        visit("weight", Parameter::Int(i.weight as u64));
        visit("weight_factors", Parameter::Floats(&self.weights[i.weight]));
        visit("count", Parameter::Int(i.count as u64));
        visit("flip", Parameter::Int(i.flip as u64));
    }
}

/// The stream of the map choices of (category, weight).
pub fn chain_key(seed: u64, category: u64, weight: usize) -> StreamKey {
    StreamKey {
        seed,
        generator: Generator::FractalDb,
        category,
        instance: weight as u64,
        purpose: Purpose::Chain,
    }
}

/// The stream of the patch masks of (category, weight, count).
pub fn patch_key(seed: u64, category: u64, weight: usize, count: usize) -> StreamKey {
    StreamKey {
        seed,
        generator: Generator::FractalDb,
        category,
        instance: (weight as u64) << 32 | count as u64,
        purpose: Purpose::Patches,
    }
}

/// Pack a pixel `(x, y)` as `y << 16 | x`.
#[inline(always)]
fn pack(x: u32, y: u32) -> u32 {
    y << 16 | x
}

/// Run the chaos game of `ifs` (already scaled by its weight) with the chain stream of
/// (`seed`, `category`, `weight`), normalise it onto the recipe's grid and store each kept
/// point's pixel, packed `y << 16 | x`, in `positions`, in point order. Returns the number stored.
pub fn trace(
    ifs: &Ifs2,
    seed: u64,
    category: u64,
    weight: usize,
    recipe: &Recipe,
    positions: &mut [u32],
) -> Result<usize, RecipeError> {
    recipe.check()?;
    let points = recipe.points as usize;
    let out = positions.get_mut(..points).ok_or(RecipeError::Buffer)?;
    let rng = chain_key(seed, category, weight).rng();
    let mut n = 0;
    for_each_pixel(ifs, &rng, points, recipe.grid, |x, y| {
        out[n] = pack(x, y);
        n += 1;
    });
    Ok(n)
}

/// Paint traced `positions` onto a cleared `canvas`: points, or patches whose masks come from the
/// patch stream of (`seed`, `category`, `weight`, `count`), one mask per position in order.
pub fn paint(
    canvas: &mut Canvas<'_>,
    positions: &[u32],
    draw: Draw,
    seed: u64,
    category: u64,
    weight: usize,
    count: usize,
) {
    canvas.clear();
    let unpack = |p: u32| (p & 0xffff, p >> 16);
    match draw {
        Draw::Point => positions.iter().for_each(|&p| {
            let (x, y) = unpack(p);
            canvas.point(x, y);
        }),
        Draw::Patch => {
            let mut rng = patch_key(seed, category, weight, count).rng();
            for &p in positions {
                let (x, y) = unpack(p);
                canvas.patch(x, y, random_mask(&mut rng));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::affine::Affine2;

    #[test]
    fn instance_order_is_weight_count_flip() {
        for i in 0..INSTANCES_PER_CATEGORY {
            assert_eq!(Instance::from_index(i).unwrap().index(), i);
        }
        assert_eq!(Instance::from_index(47), Some(Instance { weight: 1, count: 1, flip: Flip::Flip3 }));
        assert_eq!(Instance::from_index(1000), None);
    }

    #[test]
    fn recipe_checks() {
        assert_eq!(FRACTALDB_1K.check(), Ok(()));
        let bad = |grid, points| Recipe { grid, points, draw: Draw::Point }.check();
        assert_eq!(bad(Grid::square(12), 1), Err(RecipeError::Size));
        assert_eq!(bad(Grid::square(13), 1), Ok(()));
        assert_eq!(bad(Grid::square(0), 1), Err(RecipeError::Size));
        assert_eq!(bad(Grid::square(65536), 1), Err(RecipeError::Size));
        assert_eq!(bad(Grid { width: 100, height: 4, pad: 2 }, 1), Err(RecipeError::Size));
        assert_eq!(bad(Grid::square(100), 0), Err(RecipeError::Points));
        let ifs = Ifs2::new([(Affine2::from_coefficients([0.5, 0.0, 0.0, 0.5, 0.0, 0.0]), 1.0)]).unwrap();
        let r = Recipe { grid: Grid::square(100), points: 10, draw: Draw::Point };
        assert_eq!(trace(&ifs, 0, 0, 0, &r, &mut [0; 9]), Err(RecipeError::Buffer));
        assert_eq!(trace(&ifs, 0, 0, 0, &r, &mut [0; 10]), Ok(10));
    }
}
