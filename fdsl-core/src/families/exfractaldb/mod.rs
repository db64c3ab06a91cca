//! ExFractalDB and MV-FractalDB (Kataoka et al., CVPR 2022; Yamada et al., IROS 2021): images of 3-D
//! IFS models seen through a camera.
//!
//! A category is an [`Ifs3`]; its 145 models are the category scaled by the rows of
//! [`instance_weights_3d`], each the [`cloud::chaos_game`] of its own stream, [`cloud::normalise`]d.
//! ExFractalDB's instance `i` shows model `i mod 145` from a random viewpoint on the sphere
//! ([`Camera::on_sphere`]); MV-FractalDB's instance `i = model · views + view` shows the model from
//! view `view` about the Y axis ([`Camera::mv_view_jittered`]). The model is the unit of shared work.
//!
//! Streams: a model's chain is (seed, ExFractalDb, class, model, Chain); an instance's camera draws
//! (seed, ExFractalDb, class, instance, Shape).

pub mod search;
pub mod weights;

use crate::family::{
    Family, Filled, Grouping, Parameter, Parts, RenderError, ScratchLen, Units, Workspace, output,
};
use crate::math::camera::Camera;
use crate::math::cloud;
use crate::math::ifs::Ifs3;
use crate::math::stream::{Namespace, Purpose, StreamKey};
use crate::raster::canvas::Canvas;
use weights::{WEIGHT_ROWS_3D, instance_weights_3d};

/// The ExFractalDB / MV-FractalDB family.
#[derive(Clone, Debug)]
pub struct ExFractalDb<C> {
    categories: C,
    weights: [[f64; 12]; WEIGHT_ROWS_3D],
    points: usize,
    views: Option<u32>,
    side: usize,
    seed: u64,
}

impl<C: AsRef<[Ifs3]>> ExFractalDb<C> {
    /// The family of `categories`: models of `points` points on `side × side` images, seen from
    /// `views` viewpoints each about the Y axis (MV-FractalDB), or (`None`, ExFractalDB) from one random
    /// viewpoint per instance; seeded by `seed`.
    pub fn new(categories: C, points: usize, views: Option<u32>, side: usize, seed: u64) -> Self {
        Self { categories, weights: instance_weights_3d(), points, views, side, seed }
    }

    /// The model (weight row) and view of an instance: ExFractalDB cycles through the 145 models
    /// (`instance mod 145`, view = the instance); MV-FractalDB shows each model from every view
    /// (`instance = model · views + view`).
    pub fn model_and_view(&self, instance: u64) -> (u64, u64) {
        match self.views {
            Some(v) => (instance / u64::from(v.max(1)), instance % u64::from(v.max(1))),
            None => (instance % WEIGHT_ROWS_3D as u64, instance),
        }
    }

    fn key(&self, class: usize, instance: u64, purpose: Purpose) -> StreamKey {
        StreamKey {
            seed: self.seed,
            namespace: Namespace::ExFractalDb,
            category: class as u64,
            instance,
            purpose,
        }
    }
}

impl<C: AsRef<[Ifs3]>> Family for ExFractalDb<C> {
    type Error = core::convert::Infallible;

    fn parts(&self) -> Parts {
        Parts::image(self.side, 1)
    }

    fn scratch_len(&self) -> ScratchLen {
        ScratchLen::NONE.and::<[f32; 3]>(self.points)
    }

    fn classes(&self) -> usize {
        self.categories.as_ref().len()
    }

    /// A model's instances share its chaos game: [`ExFractalDb::model_and_view`]'s model.
    fn grouping(&self) -> Grouping {
        let (units, shared_work) = match self.views {
            Some(v) => (
                Units::Runs(u64::from(v.max(1))),
                "the views of a 3-D model (instance / views) share its chaos game",
            ),
            None => (
                Units::Cycle(WEIGHT_ROWS_3D as u64),
                "instance i shows 3-D model i mod 145, and a model's images share its chaos game",
            ),
        };
        Grouping { units, shared_work, ..Grouping::LABELLED }
    }

    /// The model's cloud unless the workspace holds it, then white points on black through the
    /// instance's camera.
    fn render_parts(
        &self,
        class: usize,
        instance: u64,
        ws: &mut Workspace<'_>,
        out: &mut [&mut [u8]],
    ) -> Result<Filled, RenderError<Self::Error>> {
        let category = self.categories.as_ref().get(class).ok_or(RenderError::Class)?;
        let (model, view) = self.model_and_view(instance);
        let row = self.weights.get(model as usize).ok_or(RenderError::Instance)?;
        let (mut arena, held) = ws.carve_held();
        let cloud = arena.take::<[f32; 3]>(self.points)?;
        let len = match held.trace {
            Some((c, m, len)) if (c, m) == (class, model) => len,
            _ => {
                let ifs = category.scaled(row);
                let len = cloud::chaos_game(&ifs, self.key(class, model, Purpose::Chain).rng(), cloud);
                cloud::normalise(&mut cloud[..len]);
                held.trace = Some((class, model, len));
                len
            }
        };
        let mut rng = self.key(class, instance, Purpose::Shape).rng();
        let camera = match self.views {
            Some(v) => Camera::mv_view_jittered(view as u32, v, &mut rng),
            None => Camera::on_sphere(&mut rng),
        };
        let bytes = self.side * self.side;
        let mut canvas =
            Canvas::new(output(out, 0, bytes)?, self.side, self.side).map_err(|_| RenderError::Workspace)?;
        canvas.clear();
        camera.draw(&cloud[..len], &mut canvas);
        Ok(Filled::one(bytes))
    }

    /// MV-FractalDB's `{class:05}_{model:05}_{view:03}`, ExFractalDB's `{class:05}_{instance:05}`.
    fn write_name(&self, class: usize, instance: u64, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        match self.views {
            Some(_) => {
                let (model, view) = self.model_and_view(instance);
                write!(out, "{class:05}_{model:05}_{view:03}")
            }
            None => write!(out, "{class:05}_{instance:05}"),
        }
    }

    /// `model`, its `weight_factors`, `view`.
    fn parameters(&self, _class: usize, instance: u64, visit: &mut dyn FnMut(&'static str, Parameter<'_>)) {
        let (model, view) = self.model_and_view(instance);
        let Some(row) = self.weights.get(model as usize) else { return };
        visit("model", Parameter::Int(model));
        visit("weight_factors", Parameter::Floats(row));
        visit("view", Parameter::Int(view));
    }
}
