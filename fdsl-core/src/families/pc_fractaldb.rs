//! PC-FractalDB (Yamada et al., CVPR 2022; `fractal_noise_mix.py`, `generate_scene.py`): 3-D fractal
//! point clouds mixed with another category's points (FractalNoiseMix), and scenes of such objects
//! for 3-D detection pre-training. Everything writes into caller-owned buffers.

use crate::family::{
    Dims, Element, Family, Filled, Grouping, Held, LAYOUT_RECORD, Parameter, Part, Parts, RenderError, Role,
    ScratchLen, Units, Workspace, output, output_pair, write_points,
};
use crate::math::cloud::{chaos_game, normalise};
use crate::math::ifs::Ifs3;
use crate::math::scene::SceneObject;
use crate::math::stream::{Namespace, Purpose, StreamKey, shuffle, unit_f64};
use core::convert::Infallible;
use rand_core::Rng;

/// The points of one FractalNoiseMix instance: `main` of the category's own fractal and `noise` of a
/// partner category's (the reference: 10,000 points, ratio 0.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoiseMix {
    /// Points of the category's own fractal.
    pub main: usize,
    /// Points of the partner's fractal.
    pub noise: usize,
}

/// The reference's mix: 8,000 + 2,000 points.
pub const REFERENCE_MIX: NoiseMix = NoiseMix { main: 8_000, noise: 2_000 };

impl NoiseMix {
    /// `total` points, `ratio` of them (rounded to nearest) the category's own.
    pub fn with_ratio(total: usize, ratio: f64) -> Self {
        let main = libm::round(total as f64 * ratio.clamp(0.0, 1.0)) as usize;
        Self { main: main.min(total), noise: total - main.min(total) }
    }

    /// Points of one instance.
    pub fn total(&self) -> usize {
        self.main + self.noise
    }
}

/// One part of a mix: the chaos game of `ifs` (origin dropped) into `out`, normalised onto
/// `[−1, 1]` and centred on its own. Returns how many leading points are finite (the rest of `out`
/// is zeros).
pub fn part<R: Rng>(ifs: &Ifs3, rng: R, out: &mut [[f32; 3]]) -> usize {
    let finite = chaos_game(ifs, rng, out);
    out[finite..].fill([0.0; 3]);
    normalise(&mut out[..finite]);
    finite
}

/// Concatenate a category's `main` part and a partner's `noise` part into `out` (their total length),
/// then centre the whole on its centroid (not normalised again), as the reference does.
pub fn mix(main: &[[f32; 3]], noise: &[[f32; 3]], out: &mut [[f32; 3]]) {
    let n = (main.len() + noise.len()).min(out.len());
    let out = &mut out[..n];
    for (slot, p) in out.iter_mut().zip(main.iter().chain(noise)) {
        *slot = *p;
    }
    centre(out);
}

/// Subtract the centroid (the mean of each axis).
pub fn centre(points: &mut [[f32; 3]]) {
    if points.is_empty() {
        return;
    }
    let mut sum = [0.0f64; 3];
    for p in points.iter() {
        for (s, v) in sum.iter_mut().zip(p) {
            *s += f64::from(*v);
        }
    }
    let mean = sum.map(|s| s / points.len() as f64);
    for p in points.iter_mut() {
        for (v, m) in p.iter_mut().zip(mean) {
            *v = (f64::from(*v) - m) as f32;
        }
    }
}

/// The partner categories: `0..n` in a random order (the reference's `random.sample`, unseeded
/// there); instance `j` of every category mixes with partner `partners[j mod n]`.
pub fn partners<R: Rng>(rng: &mut R, out: &mut [u32]) {
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = i as u32;
    }
    shuffle(rng, out);
}

/// How scenes are laid out (`generate_scene.py`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SceneParams {
    /// Objects before the Poisson term (the script's `--numof_object`; 15 by default, 5 passed).
    pub base_objects: u32,
    /// Mean of the Poisson term added to the object count (5).
    pub poisson_mean: f64,
    /// Side of the square floor, centred on the origin (15).
    pub room: f64,
    /// Tries to place an object without overlap before the scene stops growing (100).
    pub max_tries: u32,
}

/// The published scenes (the run script passes 5 base objects).
pub const REFERENCE_SCENES: SceneParams =
    SceneParams { base_objects: 5, poisson_mean: 5.0, room: 15.0, max_tries: 100 };

/// A Poisson variate (Knuth's multiplication method; means up to a few hundred).
fn poisson<R: Rng>(rng: &mut R, mean: f64) -> u32 {
    let limit = libm::exp(-mean);
    let (mut k, mut p) = (0u32, 1.0);
    loop {
        p *= unit_f64(rng);
        if p <= limit || k == 10_000 {
            return k;
        }
        k += 1;
    }
}

/// Lay out one scene into `out`: `base + Poisson(mean)` objects (at most `out.len()`), each with a
/// size, then up to `max_tries` positions until it overlaps no earlier object (the scene stops at the
/// first object that finds none), a heading and a pick in `0..pool`. Returns the number placed.
pub fn scene<R: Rng>(rng: &mut R, params: &SceneParams, pool: u64, out: &mut [SceneObject]) -> usize {
    let wanted = (params.base_objects + poisson(rng, params.poisson_mean)) as usize;
    let mut placed = 0;
    while placed < wanted.min(out.len()) {
        let base = 0.75 + unit_f64(rng) * 0.5;
        let size = [base, base * (0.9 + unit_f64(rng) * 0.2), base * (0.9 + unit_f64(rng) * 0.2)];
        let mut position = None;
        for _ in 0..params.max_tries {
            let x = (1.0 - unit_f64(rng) * 2.0) * params.room * 0.5;
            let y = (1.0 - unit_f64(rng) * 2.0) * params.room * 0.5;
            let candidate = SceneObject { size, centre: [x, y, size[2] * 0.5], ..SceneObject::default() };
            if !out[..placed].iter().any(|o| o.overlaps(&candidate)) {
                position = Some(candidate);
                break;
            }
        }
        let Some(mut object) = position else { break };
        object.heading = (1.0 - unit_f64(rng) * 2.0) * core::f64::consts::PI;
        object.pick = if pool == 0 { 0 } else { (unit_f64(rng) * pool as f64) as u64 % pool };
        out[placed] = object;
        placed += 1;
    }
    placed
}

/// The stream of the partner permutation of the dataset with `seed` ([`partners`]).
pub fn partners_key(seed: u64) -> StreamKey {
    StreamKey {
        seed,
        namespace: Namespace::PcFractalDb,
        category: u64::MAX,
        instance: 0,
        purpose: Purpose::Order,
    }
}

/// The workspace key of a class's own part (an instance key never reaches it).
const OWN_PART: u64 = u64::MAX;

/// The PC-FractalDB family (FractalNoiseMix): instance `j` of class `c` is `c`'s own part (one chaos
/// game per class, stream (seed, PcFractalDb, c, u64::MAX, Chain)) mixed with the part of partner
/// `partners[j mod n]` (stream (seed, PcFractalDb, c, j, Chain)). A class's own part is the unit of
/// shared work.
#[derive(Clone, Debug)]
pub struct PcFractalDb<C, P> {
    categories: C,
    partners: P,
    mix: NoiseMix,
    seed: u64,
}

impl<C: AsRef<[Ifs3]>, P: AsRef<[u32]>> PcFractalDb<C, P> {
    /// The family of `categories`, each instance split as `mix`, seeded by `seed`; `partners` is the
    /// permutation [`partners`] draws from [`partners_key`]`(seed)` (one entry per category).
    pub fn new(
        categories: C,
        partners: P,
        mix: NoiseMix,
        seed: u64,
    ) -> Result<Self, RenderError<Infallible>> {
        let n = categories.as_ref().len();
        if partners.as_ref().len() != n || partners.as_ref().iter().any(|&p| p as usize >= n) {
            return Err(RenderError::Class);
        }
        Ok(Self { categories, partners, mix, seed })
    }

    /// The partner class of instance `instance` (of any class).
    pub fn partner(&self, instance: u64) -> usize {
        let partners = self.partners.as_ref();
        partners[(instance % partners.len().max(1) as u64) as usize] as usize
    }

    fn chain(&self, class: usize, instance: u64) -> StreamKey {
        StreamKey {
            seed: self.seed,
            namespace: Namespace::PcFractalDb,
            category: class as u64,
            instance,
            purpose: Purpose::Chain,
        }
    }

    /// Instance `instance` of class `class`, mixed and re-centred, in `points` (at least twice the
    /// instance's points: the class's own part, the partner's, then the mix, which is returned).
    /// `held` says whether `points` already holds the class's own part.
    fn mixed<'w>(
        &self,
        class: usize,
        instance: u64,
        points: &'w mut [[f32; 3]],
        held: &mut Held,
    ) -> Result<&'w [[f32; 3]], RenderError<Infallible>> {
        let categories = self.categories.as_ref();
        let own = categories.get(class).ok_or(RenderError::Class)?;
        let NoiseMix { main, noise } = self.mix;
        let points = points.get_mut(..main + noise + self.mix.total()).ok_or(RenderError::Workspace)?;
        let (cloud, rest) = points.split_at_mut(main);
        let (partner, mixed) = rest.split_at_mut(noise);
        if held.trace.is_none_or(|(c, k, _)| (c, k) != (class, OWN_PART)) {
            part(own, self.chain(class, OWN_PART).rng(), cloud);
            held.trace = Some((class, OWN_PART, main));
        }
        part(&categories[self.partner(instance)], self.chain(class, instance).rng(), partner);
        mix(cloud, partner, mixed);
        Ok(mixed)
    }
}

/// A part of `points` ([`Role::Points`]) of these dimensions.
fn points_part(dims: Dims) -> Part {
    Part { name: "points", role: Role::Points, element: Element::F32, dims }
}

impl<C: AsRef<[Ifs3]>, P: AsRef<[u32]>> Family for PcFractalDb<C, P> {
    type Error = Infallible;

    /// One part, its `points`.
    fn parts(&self) -> Parts {
        Parts::new(&[points_part(Dims::fixed(&[self.mix.total(), 3]))])
    }

    fn scratch_len(&self) -> ScratchLen {
        ScratchLen::NONE.and::<[f32; 3]>(2 * self.mix.total())
    }

    fn classes(&self) -> usize {
        self.categories.as_ref().len()
    }

    fn grouping(&self) -> Grouping {
        Grouping {
            units: Units::Class,
            shared_work: "every instance holds its class's own part (one chaos game per class)",
            ..Grouping::LABELLED
        }
    }

    fn render_parts(
        &self,
        class: usize,
        instance: u64,
        ws: &mut Workspace<'_>,
        out: &mut [&mut [u8]],
    ) -> Result<Filled, RenderError<Self::Error>> {
        let len = self.mix.total() * 12;
        let out = output(out, 0, len)?;
        let (mut arena, held) = ws.carve_held();
        let points = arena.take::<[f32; 3]>(2 * self.mix.total())?;
        write_points(self.mixed(class, instance, points, held)?, out);
        Ok(Filled::one(len))
    }

    /// `{class:05}_{instance:04}`.
    fn write_name(&self, class: usize, instance: u64, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        write!(out, "{class:05}_{instance:04}")
    }

    /// The `partner` class.
    fn parameters(&self, _class: usize, instance: u64, visit: &mut dyn FnMut(&'static str, Parameter<'_>)) {
        visit("partner", Parameter::Int(self.partner(instance) as u64));
    }
}

/// PC-FractalDB scenes: scene `s` lays out objects ([`scene`], stream (seed, PcFractalDb, u64::MAX − 1,
/// s, Shape)) picked from the models of every class (`pick` = class · models + model, each model a
/// [`PcFractalDb`] instance), each placed by [`SceneObject::place`]; its cloud is the objects' points in
/// order. Scenes have no class.
#[derive(Clone, Debug)]
pub struct PcScenes<C, P> {
    objects: PcFractalDb<C, P>,
    models: usize,
    params: SceneParams,
}

/// Room for the Poisson term of a scene's object count beyond its base.
const POISSON_ROOM: usize = 100;

impl<C: AsRef<[Ifs3]>, P: AsRef<[u32]>> PcScenes<C, P> {
    /// Scenes of `objects`' instances, `models` per class, laid out as `params` says.
    pub fn new(objects: PcFractalDb<C, P>, models: usize, params: SceneParams) -> Self {
        Self { objects, models: models.max(1), params }
    }

    fn capacity(&self) -> usize {
        self.params.base_objects as usize + POISSON_ROOM
    }

    /// The (class, model) an object's `pick` names.
    fn class_and_model(&self, pick: u64) -> (usize, usize) {
        (pick as usize / self.models, pick as usize % self.models)
    }

    /// The objects of scene `index` into `objects` (at most its length); returns how many.
    fn objects_of(&self, index: u64, objects: &mut [SceneObject]) -> usize {
        let key = StreamKey {
            seed: self.objects.seed,
            namespace: Namespace::PcFractalDb,
            category: u64::MAX - 1,
            instance: index,
            purpose: Purpose::Shape,
        };
        let pool = (self.objects.classes() * self.models) as u64;
        let n = self.capacity().min(objects.len());
        scene(&mut key.rng(), &self.params, pool, &mut objects[..n])
    }
}

impl<C: AsRef<[Ifs3]>, P: AsRef<[u32]>> Family for PcScenes<C, P> {
    type Error = Infallible;

    /// Its `points` (at most its objects' models' points) and its `layout` (one record per object).
    fn parts(&self) -> Parts {
        let points = points_part(Dims::bounded(&[self.capacity() * self.objects.mix.total(), 3]));
        let layout = Part {
            name: "layout",
            role: Role::Layout,
            element: Element::F64,
            dims: Dims::bounded(&[self.capacity(), LAYOUT_RECORD]),
        };
        Parts::new(&[points, layout])
    }

    fn scratch_len(&self) -> ScratchLen {
        ScratchLen::NONE.and::<[f32; 3]>(3 * self.objects.mix.total()).and::<SceneObject>(self.capacity())
    }

    fn classes(&self) -> usize {
        self.objects.classes()
    }

    fn grouping(&self) -> Grouping {
        Grouping::UNLABELLED
    }

    /// Lay the scene out, then each object's instance, placed; the layout records each object.
    fn render_parts(
        &self,
        _class: usize,
        instance: u64,
        ws: &mut Workspace<'_>,
        out: &mut [&mut [u8]],
    ) -> Result<Filled, RenderError<Self::Error>> {
        let total = self.objects.mix.total();
        let (mut arena, held) = ws.carve_held();
        let (points, objects) =
            (arena.take::<[f32; 3]>(3 * total)?, arena.take::<SceneObject>(self.capacity())?);
        let n = self.objects_of(instance, objects);
        let record = LAYOUT_RECORD * 8;
        let (cloud, layout) = output_pair(out, (n * total * 12, n * record))?;
        let (work, placed) = points.split_at_mut(2 * total);
        let slots = cloud.chunks_exact_mut(total * 12).zip(layout.chunks_exact_mut(record));
        for (i, (o, (slot, entry))) in objects[..n].iter().zip(slots).enumerate() {
            let (class, model) = self.class_and_model(o.pick);
            let points = self.objects.mixed(class, model as u64, work, held)?;
            o.place(points, &mut placed[..total]);
            write_points(&placed[..total], slot);
            let [sx, sy, sz] = o.size;
            let [cx, cy, cz] = o.centre;
            let (start, end) = ((i * total) as f64, ((i + 1) * total) as f64);
            let values = [class as f64, model as f64, sx, sy, sz, cx, cy, cz, o.heading, start, end];
            for (bytes, v) in entry.chunks_exact_mut(8).zip(values) {
                bytes.copy_from_slice(&v.to_le_bytes());
            }
        }
        Ok(Filled::new(&[n * total * 12, n * record]))
    }

    /// `scene_{instance:05}`.
    fn write_name(&self, _class: usize, instance: u64, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        write!(out, "scene_{instance:05}")
    }

    fn parameters(&self, _class: usize, _instance: u64, _visit: &mut dyn FnMut(&'static str, Parameter<'_>)) {
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::stream::{Namespace, Purpose, StreamKey};

    fn rng(instance: u64) -> rand_pcg::Pcg32 {
        StreamKey {
            seed: 2,
            namespace: Namespace::PcFractalDb,
            category: 0,
            instance,
            purpose: Purpose::Shape,
        }
        .rng()
    }

    #[test]
    fn ratios_split_the_total() {
        assert_eq!(NoiseMix::with_ratio(10_000, 0.8), REFERENCE_MIX);
        assert_eq!(NoiseMix::with_ratio(10, 1.5), NoiseMix { main: 10, noise: 0 });
        assert_eq!(NoiseMix::with_ratio(7, 0.5).total(), 7);
    }

    #[test]
    fn poisson_has_its_mean() {
        let mut r = rng(0);
        let n = 20_000;
        let mean = (0..n).map(|_| f64::from(poisson(&mut r, 5.0))).sum::<f64>() / f64::from(n);
        assert!((mean - 5.0).abs() < 0.06, "{mean}");
    }

    #[test]
    fn scenes_never_overlap_and_stand_on_the_floor() {
        let mut objects = [SceneObject::default(); 64];
        let mut counts = 0;
        for s in 0..300 {
            let n = scene(&mut rng(s), &REFERENCE_SCENES, 1000, &mut objects);
            counts += n;
            assert!((1..=64).contains(&n));
            for (i, a) in objects[..n].iter().enumerate() {
                assert!(
                    a.size[0] >= 0.75 && a.size[0] < 1.25 && (a.centre[2] - a.size[2] / 2.0).abs() < 1e-12
                );
                assert!(
                    a.centre[0].abs() <= 7.5
                        && a.centre[1].abs() <= 7.5
                        && a.heading.abs() <= core::f64::consts::PI
                );
                assert!(a.pick < 1000);
                for b in &objects[..i] {
                    assert!(!a.overlaps(b));
                }
            }
        }
        // 5 + Poisson(5) objects, nearly all placed in a 15 x 15 room.
        let mean = counts as f64 / 300.0;
        assert!((9.0..10.5).contains(&mean), "{mean}");
    }

    #[test]
    fn placing_scales_rotates_and_moves() {
        let o = SceneObject {
            size: [2.0, 4.0, 6.0],
            centre: [1.0, 2.0, 3.0],
            heading: core::f64::consts::FRAC_PI_2,
            pick: 0,
        };
        let mut out = [[0.0f32; 3]; 2];
        o.place(&[[1.0, 0.0, 1.0], [0.0, 1.0, -1.0]], &mut out);
        let close = |a: [f32; 3], b: [f32; 3]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-6);
        assert!(close(out[0], [1.0, 3.0, 6.0]) && close(out[1], [-1.0, 2.0, 0.0]), "{out:?}");
    }

    #[test]
    fn partners_are_a_permutation() {
        let mut p = [0u32; 50];
        partners(&mut rng(1), &mut p);
        let mut sorted = p;
        sorted.sort_unstable();
        assert!(sorted.iter().enumerate().all(|(i, &v)| v as usize == i));
        assert_ne!(p, sorted);
    }
}
