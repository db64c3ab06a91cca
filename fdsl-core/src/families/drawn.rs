//! Families whose images are drawn one by one: each sample a grey `side × side` canvas drawn by its
//! class's category from the stream of (seed, class, instance), sharing no work with other samples
//! (RCDB, [`crate::families::rcdb::Rcdb`]; VisualAtom, [`crate::families::visual_atom::VisualAtom`]; Perlin noise,
//! [`crate::families::perlin_images::PerlinNoise`]; Bezier curves, [`crate::families::bezier::Bezier`]).

use crate::family::{Family, Filled, Grouping, Parameter, Parts, RenderError, ScratchLen, Workspace, output};
use crate::math::stream::{Namespace, Purpose, StreamKey};
use crate::raster::canvas::Canvas;
use core::marker::PhantomData;
use rand_pcg::Pcg32;

/// The category of a drawn family: what is checked once and what draws an instance.
pub trait DrawnCategory {
    /// The namespace of its streams.
    const NAMESPACE: Namespace;
    /// Why a category cannot be drawn.
    type Error: core::fmt::Debug + core::fmt::Display;
    /// Check the values (categories read from files may hold anything).
    fn check(&self) -> Result<(), Self::Error>;
    /// Check that images of `side` pixels can be drawn (any, unless the family bounds them).
    fn check_side(side: usize) -> Result<(), Self::Error> {
        let _ = side;
        Ok(())
    }
    /// Bytes of scratch an image of `side` pixels needs (none, unless the family says).
    fn scratch_bytes(side: usize) -> usize {
        let _ = side;
        0
    }
    /// Draw one instance onto `canvas` with the instance's stream, using `scratch`
    /// ([`DrawnCategory::scratch_bytes`] long).
    fn draw_instance(
        &self,
        rng: &mut Pcg32,
        canvas: &mut Canvas<'_>,
        scratch: &mut [u8],
    ) -> Result<(), Self::Error>;
    /// The file stem of instance `instance` of class `class`, unique within a split (RCDB's
    /// `{class:05}_{instance:04}` unless the family has its own).
    fn write_name(&self, class: usize, instance: u64, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        write!(out, "{class:05}_{instance:04}")
    }
    /// The category's parameters, by name.
    fn parameters(&self, visit: &mut dyn FnMut(&'static str, Parameter<'_>));
}

/// The stream of class `category`'s parameters in the dataset with `seed`, for categories drawn from
/// it (the RCDB, VisualAtom and Bezier presets sample theirs from it).
pub fn category_key<P: DrawnCategory>(seed: u64, category: u64) -> StreamKey {
    StreamKey { seed, namespace: P::NAMESPACE, category, instance: 0, purpose: Purpose::Parameters }
}

/// The stream of instance `instance` of class `category` in the dataset with `seed`.
pub fn instance_key<P: DrawnCategory>(seed: u64, category: u64, instance: u64) -> StreamKey {
    StreamKey { seed, namespace: P::NAMESPACE, category, instance, purpose: Purpose::Shape }
}

/// A drawn family: `categories` (each a `P`) on `side × side` grey images, seeded by `seed`.
#[derive(Clone, Debug)]
pub struct Drawn<P, C> {
    categories: C,
    side: usize,
    seed: u64,
    category: PhantomData<fn() -> P>,
}

impl<P: DrawnCategory, C: AsRef<[P]>> Drawn<P, C> {
    /// The family of `categories` (each checked) on `side × side` images, seeded by `seed`.
    pub fn new(categories: C, side: usize, seed: u64) -> Result<Self, P::Error> {
        P::check_side(side)?;
        categories.as_ref().iter().try_for_each(P::check)?;
        Ok(Self { categories, side, seed, category: PhantomData })
    }
}

impl<P: DrawnCategory, C: AsRef<[P]>> Family for Drawn<P, C> {
    type Error = P::Error;

    fn parts(&self) -> Parts {
        Parts::image(self.side, 1)
    }

    fn scratch_len(&self) -> ScratchLen {
        ScratchLen::NONE.and::<u8>(P::scratch_bytes(self.side))
    }

    fn classes(&self) -> usize {
        self.categories.as_ref().len()
    }

    fn grouping(&self) -> Grouping {
        Grouping::LABELLED
    }

    /// [`DrawnCategory::draw_instance`] with the instance's stream ([`instance_key`]).
    fn render_parts(
        &self,
        class: usize,
        instance: u64,
        ws: &mut Workspace<'_>,
        out: &mut [&mut [u8]],
    ) -> Result<Filled, RenderError<Self::Error>> {
        let category = self.categories.as_ref().get(class).ok_or(RenderError::Class)?;
        let len = self.side * self.side;
        let mut canvas =
            Canvas::new(output(out, 0, len)?, self.side, self.side).map_err(|_| RenderError::Workspace)?;
        let scratch = ws.carve().take::<u8>(P::scratch_bytes(self.side))?;
        let mut rng = instance_key::<P>(self.seed, class as u64, instance).rng();
        category.draw_instance(&mut rng, &mut canvas, scratch).map_err(RenderError::Family)?;
        Ok(Filled::one(len))
    }

    fn write_name(&self, class: usize, instance: u64, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        match self.categories.as_ref().get(class) {
            Some(category) => category.write_name(class, instance, out),
            None => Err(core::fmt::Error),
        }
    }

    fn parameters(&self, class: usize, _instance: u64, visit: &mut dyn FnMut(&'static str, Parameter<'_>)) {
        if let Some(category) = self.categories.as_ref().get(class) {
            category.parameters(visit);
        }
    }
}
