//! The FractalDB recipe (Kataoka et al., ACCV 2020): one category's instances.
//!
//! A category is an [`Ifs2`]. Its instances are indexed `(weight, count, flip)`: 25 weights
//! ([`crate::families::fractaldb::weights`]) × 10 patch draws × 4 flips = 1,000 images. As in the reference, the 10
//! counts of one weight share the very same points and differ only in their patch masks, and the
//! 4 flips share one raster. So the work splits in three steps, each over caller-owned buffers:
//! [`trace`] the chaos game of (category, weight) into pixel positions, [`paint`] one count onto a
//! canvas, then [`Canvas::write_flipped`] each flip.
//!
//! Random streams: the chain of (category, weight) comes from [`chain_key`], the masks of
//! (category, weight, count) from [`patch_key`]; the reference's unseeded Python RNGs are the only
//! thing replaced.

pub mod latest_first;
pub mod search;
pub mod weights;

use crate::families::fractaldb::weights::{WEIGHT_ROWS, instance_weights};
use crate::family::{
    Family, Filled, Grouping, Held, Parameter, Part, Parts, RenderError, ScratchLen, ShortWorkspace, Units,
    Workspace, output,
};
use crate::math::frame::{Grid, for_each_pixel};
use crate::math::ifs::Ifs2;
use crate::math::stream::{Namespace, Purpose, StreamKey};
use crate::raster::canvas::{Canvas, Flip, INK, random_mask};

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

/// How points are drawn (in specs `point`, `patch`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "lowercase"))]
#[repr(u32)]
pub enum Draw {
    /// One pixel of value 127 per point.
    Point,
    /// A random opaque 3x3 patch per point, the last one in point order winning.
    Patch,
}

/// How the drawn points are coloured (in specs `grey`, `hue`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "lowercase"))]
pub enum Colouring {
    /// Grey [`INK`] on black: one channel (the published datasets).
    #[default]
    Grey,
    /// The reference's `point_color` / `patch_color`: point `i` (and its patch) takes
    /// [`hue_colour`]`(i)`, on black; RGB.
    Hue,
}

/// Points per cycle of the hue along the point sequence (the reference's `n_div`).
pub const HUE_PERIOD: usize = 128;

/// The colour of point `i` in [`Colouring::Hue`]: the reference's `convert_color(i, 128)`
/// (`fractal_renderer/ifs_function.py`), an HSI-to-RGB sector formula with S = I = 0.75:
/// H = 2π (i mod 128) / 128, h = ⌊3H/π⌋, P = I(1 − S), Q = I(1 − S(3H/π − h)),
/// T = I(1 − S(1 − 3H/π + h)), each × 255 truncated to `u8`, returned per sector h = 0…5 as
/// (P, T, I), (P, I, Q), (T, I, P), (I, Q, P), (I, P, T), (Q, P, I). Its comment says "BGR", but the
/// reference writes the triple into an RGB array, so the first value is red, as here. The same f64
/// operations in the same order as the reference, so the same bytes (tested against its values).
pub fn hue_colour(i: usize) -> [u8; 3] {
    use core::f64::consts::PI;
    let (s, intensity) = (0.75, 0.75);
    let mut hue = 2.0 * PI * ((i % HUE_PERIOD) as f64 / HUE_PERIOD as f64);
    if hue >= 2.0 * PI {
        hue -= 2.0 * PI;
    }
    let h = libm::floor((3.0 / PI) * hue);
    let p = intensity * (1.0 - s);
    let q = intensity * (1.0 - s * ((3.0 / PI) * hue - h));
    let t = intensity * (1.0 - s * ((1.0 - (3.0 / PI) * hue) + h));
    let [i, p, q, t] = [intensity, p, q, t].map(|v| (v * 255.0) as u8);
    match h as u32 {
        0 => [p, t, i],
        1 => [p, i, q],
        2 => [t, i, p],
        3 => [i, q, p],
        4 => [i, p, t],
        _ => [q, p, i],
    }
}

/// The RGB palette of a [`Colouring::Hue`] canvas, which holds 0 for black and `1 + (i mod 128)`
/// where point `i` decided a pixel.
pub fn hue_palette() -> [[u8; 3]; 256] {
    core::array::from_fn(|v| if v == 0 || v > HUE_PERIOD { [0; 3] } else { hue_colour(v - 1) })
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
    /// The [`Colouring::Hue`] palette, or `None` for grey.
    palette: Option<[[u8; 3]; 256]>,
}

impl<C: AsRef<[Ifs2]>> FractalDb<C> {
    /// The family of `categories` with instance weights of step `weight_step`
    /// ([`instance_weights`]), drawn with `recipe` (checked), seeded by `seed`.
    pub fn new(categories: C, weight_step: f64, recipe: Recipe, seed: u64) -> Result<Self, RecipeError> {
        recipe.check()?;
        Ok(Self { categories, weights: instance_weights(weight_step), recipe, seed, palette: None })
    }

    /// The same family with its points coloured as `colouring` says.
    pub fn coloured(self, colouring: Colouring) -> Self {
        let palette = match colouring {
            Colouring::Grey => None,
            Colouring::Hue => Some(hue_palette()),
        };
        Self { palette, ..self }
    }

    /// The recipe.
    pub fn recipe(&self) -> &Recipe {
        &self.recipe
    }

    /// How the points are coloured.
    pub fn colouring(&self) -> Colouring {
        if self.palette.is_some() { Colouring::Hue } else { Colouring::Grey }
    }

    /// The unflipped canvas instance `instance` of class `class` shows, as a job to render elsewhere
    /// (a GPU), and its key (class, weight, count); point mode needs count 0 only. Jobs paint grey:
    /// a [`Colouring::Hue`] family has none ([`RenderError::Instance`]).
    pub fn canvas_job(
        &self,
        class: usize,
        instance: u64,
    ) -> Result<(CanvasKey, Job), RenderError<RecipeError>> {
        let category = self.categories.as_ref().get(class).ok_or(RenderError::Class)?;
        let i = Instance::from_index(instance as usize).ok_or(RenderError::Instance)?;
        if self.palette.is_some() {
            return Err(RenderError::Instance);
        }
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
    ) -> Result<(), RenderError<RecipeError>> {
        let (class, weight, count) = key;
        let key = (class, canvas_key(weight, count));
        let (_, canvas, held) = self.buffers(ws)?;
        if held.canvas != Some(key) {
            if pixels.len() != canvas.len() {
                return Err(RenderError::Output { part: 0, needed: canvas.len() });
            }
            canvas.copy_from_slice(pixels);
            held.canvas = Some(key);
        }
        Ok(())
    }

    /// The workspace's buffers ([`Family::scratch_len`]): the traced positions, then the canvas;
    /// and what they hold.
    fn buffers<'w>(
        &self,
        ws: &'w mut Workspace<'_>,
    ) -> Result<(&'w mut [u32], &'w mut [u8], &'w mut Held), ShortWorkspace> {
        let (mut arena, held) = ws.carve_held();
        Ok((arena.take(self.recipe.points as usize)?, arena.take(self.recipe.canvas_len())?, held))
    }
}

/// The workspace key of the canvas of (weight, count).
fn canvas_key(weight: usize, count: usize) -> u64 {
    (weight as u64) << 32 | count as u64
}

impl<C: AsRef<[Ifs2]>> Family for FractalDb<C> {
    type Error = RecipeError;

    fn parts(&self) -> Parts {
        let channels = if self.palette.is_some() { 3 } else { 1 };
        Parts::image(self.recipe.grid.width as usize, channels)
    }

    fn scratch_len(&self) -> ScratchLen {
        ScratchLen::NONE.and::<u32>(self.recipe.points as usize).and::<u8>(self.recipe.canvas_len())
    }

    fn classes(&self) -> usize {
        self.categories.as_ref().len()
    }

    fn grouping(&self) -> Grouping {
        Grouping {
            units: Units::Runs(PER_WEIGHT as u64),
            shared_work: "the 40 images of a weight row share one chaos game, and each 4 flips one canvas",
            ..Grouping::LABELLED
        }
    }

    /// Trace the unit's chaos game unless the workspace holds it, paint the instance's count unless
    /// the workspace holds that canvas, and write it through the instance's flip.
    fn render_parts(
        &self,
        class: usize,
        instance: u64,
        ws: &mut Workspace<'_>,
        out: &mut [&mut [u8]],
    ) -> Result<Filled, RenderError<Self::Error>> {
        let category = self.categories.as_ref().get(class).ok_or(RenderError::Class)?;
        let i = Instance::from_index(instance as usize).ok_or(RenderError::Instance)?;
        let (w, h) = (self.recipe.grid.width as usize, self.recipe.grid.height as usize);
        let written = self.parts().iter().map(Part::max_len).sum();
        let out = output(out, 0, written)?;
        let count = i.canvas_count(self.recipe.draw);
        let canvas_held = (class, canvas_key(i.weight, count));
        let (positions, pixels, held) = self.buffers(ws)?;
        if held.canvas != Some(canvas_held) {
            let trace_held = (class, i.weight as u64);
            let n = match held.trace {
                Some((c, k, n)) if (c, k) == trace_held => n,
                _ => {
                    let ifs = category.scaled(&self.weights[i.weight]);
                    let n = trace(&ifs, self.seed, class as u64, i.weight, &self.recipe, positions).map_err(
                        |e| {
                            if e == RecipeError::Buffer {
                                RenderError::Workspace
                            } else {
                                RenderError::Family(e)
                            }
                        },
                    )?;
                    held.trace = Some((trace_held.0, trace_held.1, n));
                    n
                }
            };
            let mut canvas = Canvas::new(&mut *pixels, w, h).map_err(|_| RenderError::Workspace)?;
            let positions = &positions[..n];
            let (draw, seed) = (self.recipe.draw, self.seed);
            match self.palette {
                None => paint(&mut canvas, positions, draw, seed, class as u64, i.weight, count),
                Some(_) => paint_hue(&mut canvas, positions, draw, seed, class as u64, i.weight, count),
            }
            held.canvas = Some(canvas_held);
        }
        let canvas = Canvas::new(pixels, w, h).map_err(|_| RenderError::Workspace)?;
        match &self.palette {
            None => canvas.write_flipped(i.flip, out),
            Some(palette) => canvas.write_flipped_rgb(i.flip, palette, out),
        }
        .map_err(|_| RenderError::Workspace)?;
        Ok(Filled::one(written))
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
        namespace: Namespace::FractalDb,
        category,
        instance: weight as u64,
        purpose: Purpose::Chain,
    }
}

/// The stream of the patch masks of (category, weight, count).
pub fn patch_key(seed: u64, category: u64, weight: usize, count: usize) -> StreamKey {
    StreamKey {
        seed,
        namespace: Namespace::FractalDb,
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
    paint_inked(canvas, positions, draw, patch_key(seed, category, weight, count), |_| INK);
}

/// [`paint`] for [`Colouring::Hue`]: point `i` inks its pixel (or its patch's set cells) with
/// `1 + (i mod 128)`, the index into [`hue_palette`]; the masks are [`paint`]'s.
pub fn paint_hue(
    canvas: &mut Canvas<'_>,
    positions: &[u32],
    draw: Draw,
    seed: u64,
    category: u64,
    weight: usize,
    count: usize,
) {
    paint_inked(canvas, positions, draw, patch_key(seed, category, weight, count), |i| {
        1 + (i % HUE_PERIOD) as u8
    });
}

/// Paint `positions` onto a cleared `canvas`, point `i` with `ink(i)`; patches take their masks from
/// the stream of `masks`, one per position in order.
#[inline(always)]
fn paint_inked(
    canvas: &mut Canvas<'_>,
    positions: &[u32],
    draw: Draw,
    masks: StreamKey,
    ink: impl Fn(usize) -> u8,
) {
    canvas.clear();
    let unpack = |p: u32| (p & 0xffff, p >> 16);
    match draw {
        Draw::Point => positions.iter().enumerate().for_each(|(i, &p)| {
            let (x, y) = unpack(p);
            canvas.set(x as usize, y as usize, ink(i));
        }),
        Draw::Patch => {
            let mut rng = masks.rng();
            for (i, &p) in positions.iter().enumerate() {
                let (x, y) = unpack(p);
                canvas.patch_ink(x, y, random_mask(&mut rng), ink(i));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::affine::Affine2;

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
