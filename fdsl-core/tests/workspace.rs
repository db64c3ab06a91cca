//! The workspace: one arena of `u64` words that a family carves into typed buffers in the order of
//! its `ScratchLen`, and what it holds between the samples of a unit (FractalDB's traced chaos game
//! and painted canvas, a canvas adopted from elsewhere).

mod common;

use fdsl_core::families::fractaldb::{Draw, FractalDb, Recipe};
use fdsl_core::family::{Family, Held, RenderError, ScratchLen, ShortWorkspace, Workspace};
use fdsl_core::math::fft::Complex;
use fdsl_core::math::frame::Grid;
use fdsl_core::math::scene::SceneObject;
use fdsl_core::{Affine2, Ifs2};

#[test]
fn a_scratch_len_counts_whole_words_per_buffer() {
    assert_eq!(ScratchLen::NONE.words(), 0);
    assert_eq!(ScratchLen::default(), ScratchLen::NONE);
    // 3 bytes take a word, 3 u32 two, 5 points of 12 bytes eight; 2 complex values four words.
    let need = ScratchLen::NONE.and::<u8>(3).and::<u32>(3).and::<[f32; 3]>(5).and::<Complex>(2);
    assert_eq!(need.words(), 1 + 2 + 8 + 4);
    assert_eq!(need.bytes(), 8 * need.words());
    assert_eq!(ScratchLen::NONE.and::<SceneObject>(3).words(), 3 * 8);
    assert_eq!(ScratchLen::NONE.and::<f64>(0).and::<u8>(0).words(), 0);
    // A length past the address space saturates instead of wrapping: no arena is that long.
    assert_eq!(ScratchLen::NONE.and::<u64>(usize::MAX).and::<u8>(9).words(), usize::MAX);
}

#[test]
fn buffers_are_carved_in_order_each_on_its_own_words() {
    let need = ScratchLen::NONE.and::<u8>(3).and::<f64>(2).and::<[f32; 3]>(3).and::<SceneObject>(1);
    let mut arena = vec![0u64; need.words()];
    let mut held = Held::default();
    let mut ws = Workspace::new(&mut arena, &mut held);
    let mut carve = ws.carve();
    let bytes = carve.take::<u8>(3).unwrap();
    let reals = carve.take::<f64>(2).unwrap();
    let points = carve.take::<[f32; 3]>(3).unwrap();
    let objects = carve.take::<SceneObject>(1).unwrap();
    assert_eq!((bytes.len(), reals.len(), points.len(), objects.len()), (3, 2, 3, 1));
    bytes.fill(0xff);
    reals.copy_from_slice(&[1.0, -2.0]);
    points[2] = [1.0, 2.0, 3.0];
    objects[0].pick = 7;
    assert_eq!(carve.take::<u8>(1), Err(ShortWorkspace), "nothing is left");
    assert_eq!(carve.take::<u8>(0), Ok(&mut [][..]));
    // The buffers lie in the arena one after another, each from a word's start.
    assert_eq!(arena[0], 0x00ff_ffff, "3 bytes, then the word's unused rest");
    assert_eq!([arena[1], arena[2]], [1.0f64.to_bits(), (-2.0f64).to_bits()]);
    let (x, y) = (u64::from(1.0f32.to_bits()), u64::from(2.0f32.to_bits()));
    assert_eq!(arena[3 + 3], x | y << 32, "point 2's x and y, 24 bytes into the points");
    assert_eq!(arena[3 + 5 + 7], 7, "the object's pick, its last field");
}

#[test]
fn a_short_arena_is_a_workspace_error() {
    let mut arena = vec![0u64; 3];
    let mut held = Held::default();
    let mut ws = Workspace::new(&mut arena, &mut held);
    let mut carve = ws.carve();
    assert!(carve.take::<u32>(6).is_ok());
    assert_eq!(carve.take::<u8>(9), Err(ShortWorkspace), "two words left of the three would be needed");
    assert_eq!(carve.take::<u64>(usize::MAX), Err(ShortWorkspace));
    assert_eq!(RenderError::<()>::from(ShortWorkspace), RenderError::Workspace);
}

fn sierpinski(recipe: Recipe) -> FractalDb<[Ifs2; 1]> {
    let half = |e, f| (Affine2::from_coefficients([0.5, 0.0, 0.0, 0.5, e, f]), 1.0 / 3.0);
    let ifs = Ifs2::new([half(0.0, 0.0), half(0.5, 0.0), half(0.25, 0.5)]).unwrap();
    FractalDb::new([ifs], 0.4, recipe, 7).unwrap()
}

#[test]
fn one_workspace_reuses_a_units_trace_and_canvas_with_the_same_bytes() {
    let family = sierpinski(Recipe { grid: Grid::square(64), points: 5_000, draw: Draw::Patch });
    let need = family.scratch_len();
    assert_eq!(need, ScratchLen::NONE.and::<u32>(5_000).and::<u8>(64 * 64));
    let mut arena = vec![0u64; need.words()];
    let mut held = Held::default();
    // Instances of two weight rows, interleaved and out of order: each as a fresh workspace renders it.
    for instance in [3, 0, 41, 2, 1, 40, 39, 7, 0] {
        let mut out = vec![0u8; 64 * 64];
        let mut ws = Workspace::new(&mut arena, &mut held);
        assert_eq!(family.render(0, instance, &mut ws, &mut out), Ok(64 * 64));
        assert_eq!(out, common::render_parts(&family, 0, instance).unwrap()[0], "instance {instance}");
    }
    // One word short: the canvas does not fit.
    let mut short = vec![0u64; need.words() - 1];
    let mut ws = Workspace::new(&mut short, &mut held);
    assert_eq!(family.render(0, 0, &mut ws, &mut [0u8; 64 * 64]), Err(RenderError::Workspace));
}

#[test]
fn an_adopted_canvas_is_what_the_samples_of_its_key_flip() {
    let family = sierpinski(Recipe { grid: Grid::square(32), points: 2_000, draw: Draw::Patch });
    let mut arena = vec![0u64; family.scratch_len().words()];
    let mut held = Held::default();
    let mut ws = Workspace::new(&mut arena, &mut held);
    // Instance 5 is count 1 of weight row 0 through flip 1, which leaves the canvas as it is.
    let (key, _) = family.canvas_job(0, 5).unwrap();
    let painted_elsewhere: Vec<u8> = (0..32 * 32).map(|i| (i % 251) as u8).collect();
    family.adopt_canvas(key, &painted_elsewhere, &mut ws).unwrap();
    let mut out = vec![0u8; 32 * 32];
    assert_eq!(family.render(0, 5, &mut ws, &mut out), Ok(32 * 32));
    assert_eq!(out, painted_elsewhere);
    // Another canvas of the same class paints its own.
    assert_eq!(family.render(0, 0, &mut ws, &mut out), Ok(32 * 32));
    assert_eq!(out, common::render_parts(&family, 0, 0).unwrap()[0]);
    assert_eq!(
        family.adopt_canvas(key, &painted_elsewhere[1..], &mut ws),
        Err(RenderError::Output { part: 0, needed: 32 * 32 })
    );
    let mut none: [u64; 0] = [];
    let mut ws = Workspace::new(&mut none, &mut held);
    assert_eq!(family.adopt_canvas(key, &painted_elsewhere, &mut ws), Err(RenderError::Workspace));
}
