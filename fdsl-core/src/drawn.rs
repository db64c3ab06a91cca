//! Families whose images are drawn one by one: each sample a grey `side × side` canvas drawn by its
//! class's category from the stream of (seed, class, instance), sharing no work with other samples
//! (RCDB, [`crate::rcdb::Rcdb`]; VisualAtom, [`crate::visual_atom::VisualAtom`]).

use crate::canvas::Canvas;
use crate::family::{Family, Parameter, RenderError, SampleShape, ScratchLen, Workspace, output};
use crate::stream::{Generator, Purpose, StreamKey};
use core::marker::PhantomData;
use rand_pcg::Pcg32;

/// The category of a drawn family: what is checked once and what draws an instance.
pub trait DrawnCategory {
    /// The generator of its streams.
    const GENERATOR: Generator;
    /// Why a category cannot be drawn.
    type Error: Into<RenderError>;
    /// Check the values (categories read from files may hold anything).
    fn check(&self) -> Result<(), Self::Error>;
    /// Draw one instance onto `canvas` with the instance's stream.
    fn draw_instance(&self, rng: &mut Pcg32, canvas: &mut Canvas<'_>) -> Result<(), Self::Error>;
    /// The file stem of instance `instance` of class `class` (unique within a split).
    fn write_name(&self, class: usize, instance: u64, out: &mut dyn core::fmt::Write) -> core::fmt::Result;
    /// The category's parameters, by name.
    fn parameters(&self, visit: &mut dyn FnMut(&'static str, Parameter<'_>));
}

/// The stream of instance `instance` of class `category` in the dataset with `seed`.
pub fn instance_key<P: DrawnCategory>(seed: u64, category: u64, instance: u64) -> StreamKey {
    StreamKey { seed, generator: P::GENERATOR, category, instance, purpose: Purpose::Shape }
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
        categories.as_ref().iter().try_for_each(P::check)?;
        Ok(Self { categories, side, seed, category: PhantomData })
    }
}

impl<P: DrawnCategory, C: AsRef<[P]>> Family for Drawn<P, C> {
    fn shape(&self) -> SampleShape {
        SampleShape::Image { side: self.side, channels: 1 }
    }

    fn scratch_len(&self) -> ScratchLen {
        ScratchLen::default()
    }

    fn classes(&self) -> usize {
        self.categories.as_ref().len()
    }

    /// [`DrawnCategory::draw_instance`] with the instance's stream ([`instance_key`]).
    fn render(
        &self,
        class: usize,
        instance: u64,
        _: &mut Workspace<'_>,
        out: &mut [u8],
    ) -> Result<usize, RenderError> {
        let category = self.categories.as_ref().get(class).ok_or(RenderError::Class)?;
        let len = self.side * self.side;
        let mut canvas =
            Canvas::new(output(out, len)?, self.side, self.side).map_err(|_| RenderError::Workspace)?;
        let mut rng = instance_key::<P>(self.seed, class as u64, instance).rng();
        category.draw_instance(&mut rng, &mut canvas).map_err(Into::into)?;
        Ok(len)
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
