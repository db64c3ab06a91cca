//! Golden hashes of raw core output (independent of any image encoder). A change here changes
//! datasets: it is a format-version change, made on purpose and recorded.

mod common;

use common::hex;
use fdsl_core::families::fractaldb::search::{Criteria, try_candidate};
use fdsl_core::families::fractaldb::weights::instance_weights;
use fdsl_core::families::fractaldb::{Draw, Recipe, chain_key, paint, trace};
use fdsl_core::math::chaos_game::ChaosGame;
use fdsl_core::math::frame::Grid;
use fdsl_core::{Canvas, Flip};

/// A category from the search (seed 11): the first accepted candidate.
fn category() -> fdsl_core::Ifs2 {
    let criteria = Criteria {
        grid: Grid::square(128),
        points: 20_000,
        ..fdsl_core::families::fractaldb::search::REFERENCE
    };
    let mut buf = vec![0u8; 128 * 128];
    (0..)
        .map(|j| try_candidate(11, j, &criteria, &mut Canvas::new(&mut buf, 128, 128).unwrap()))
        .find(|c| c.accepted)
        .unwrap()
        .ifs
}

#[test]
fn chaos_game_points_are_pinned() {
    let ifs = category();
    let mut bytes = Vec::new();
    for (x, y) in ChaosGame::new(&ifs, chain_key(5, 2, 3).rng()).take(10_000) {
        bytes.extend(x.to_le_bytes());
        bytes.extend(y.to_le_bytes());
    }
    assert_eq!(hex(&bytes), "d30213f7defab96b86d0a6232524f9e3c09e8a59601f40455607e0e1b4e4e39b");
}

#[test]
fn rasters_are_pinned() {
    let ifs = category();
    let weights = instance_weights(0.4);
    let mut got = Vec::new();
    for (draw, weight, count, flip) in [
        (Draw::Patch, 2, 0, Flip::Flip0),
        (Draw::Patch, 7, 9, Flip::Flip2),
        (Draw::Point, 24, 0, Flip::Flip3),
    ] {
        let recipe = Recipe { grid: Grid::square(200), points: 50_000, draw };
        let mut positions = vec![0; 50_000];
        let n = trace(&ifs.scaled(&weights[weight]), 5, 2, weight, &recipe, &mut positions).unwrap();
        let mut pixels = vec![0; 200 * 200];
        let mut canvas = Canvas::new(&mut pixels, 200, 200).unwrap();
        paint(&mut canvas, &positions[..n], draw, 5, 2, weight, count);
        let mut out = vec![0; 200 * 200];
        canvas.write_flipped(flip, &mut out).unwrap();
        got.push(hex(&out));
    }
    assert_eq!(
        got,
        [
            "f243cdd90d3c4c06807065e67da257709a54841701bcba071e056976d77e1363",
            "2e19c00405e393244d96770b2cb6f2b6a0c10053387f0fa04400eacff8911c78",
            "95ef7a409b13afd7c97e31f0ee7b8ba0cf58ae3f4a8046d33d868d3cd0af1751",
        ]
    );
}

#[test]
fn rcdb_rasters_are_pinned() {
    use fdsl_core::families::rcdb::{REFERENCE_RANGES, RcdbCategory};
    use fdsl_core::math::stream::{Namespace, Purpose, StreamKey};
    let key =
        |instance, purpose| StreamKey { seed: 3, namespace: Namespace::Rcdb, category: 9, instance, purpose };
    let category = RcdbCategory::sample(&mut key(0, Purpose::Parameters).rng(), &REFERENCE_RANGES);
    let mut got = Vec::new();
    for instance in [0, 1, 999] {
        let mut pixels = vec![0; 512 * 512];
        let mut canvas = Canvas::new(&mut pixels, 512, 512).unwrap();
        category.draw(&mut key(instance, Purpose::Shape).rng(), &REFERENCE_RANGES, &mut canvas).unwrap();
        got.push(hex(&pixels));
    }
    assert_eq!(
        got,
        [
            "fd66bd6725489fae863254bef9fed32d3c9f9a8e35a738d578315942c2763bd9",
            "ef6c1af87825b942ddea3249410842efc2fe0cc05b93902abd0806bd8b16197f",
            "7b0011baf685e4fbae115820cc212399853580c60c5a39429b47fbdf45aac6e9",
        ]
    );
}

#[test]
fn visual_atom_rasters_are_pinned() {
    use fdsl_core::families::visual_atom::{REFERENCE_RANGES, VisualAtomCategory};
    let category_key = fdsl_core::families::drawn::category_key::<VisualAtomCategory>;
    let instance_key = fdsl_core::families::drawn::instance_key::<VisualAtomCategory>;
    let category = VisualAtomCategory::sample(&mut category_key(3, 9).rng(), &REFERENCE_RANGES);
    let mut got = Vec::new();
    for instance in [0, 1, 999] {
        let mut pixels = vec![0; 512 * 512];
        let mut canvas = Canvas::new(&mut pixels, 512, 512).unwrap();
        category.draw(&mut instance_key(3, 9, instance).rng(), &mut canvas).unwrap();
        got.push(hex(&pixels));
    }
    assert_eq!(
        got,
        [
            "3e98bd966049d4808e85793d95fc00aedb28fb560ca76ab64b6ba734deada0a4",
            "0721101413904c8cc815dca15e38918e826db4b0b831c2701160999d3bc1f6ec",
            "9cd2048e98bbe7212473940210e5787c38845f6a3ac6aed832a42b1c694a7bd1",
        ]
    );
}

#[test]
fn clouds_and_views_are_pinned() {
    use fdsl_core::families::exfractaldb::search::{REFERENCE_3D, try_candidate};
    use fdsl_core::families::exfractaldb::weights::instance_weights_3d;
    use fdsl_core::math::camera::Camera;
    use fdsl_core::math::cloud::{chaos_game, normalise};
    use fdsl_core::math::stream::{Namespace, Purpose, StreamKey};
    let mut points = vec![[0.0f32; 3]; 9_999];
    let found = (0..).map(|j| try_candidate(4, j, &REFERENCE_3D, &mut points)).find(|c| c.accepted).unwrap();
    let key = |instance, purpose| StreamKey {
        seed: 4,
        namespace: Namespace::ExFractalDb,
        category: 0,
        instance,
        purpose,
    };
    let ifs = found.ifs.scaled(&instance_weights_3d()[17]);
    let n = chaos_game(&ifs, key(17, Purpose::Chain).rng(), &mut points);
    normalise(&mut points[..n]);
    let cloud: Vec<u8> = points[..n].iter().flatten().flat_map(|v| v.to_le_bytes()).collect();
    let mut rasters = Vec::new();
    for camera in [
        Camera::mv_view_jittered(3, 12, &mut key(5, Purpose::Shape).rng()),
        Camera::on_sphere(&mut key(6, Purpose::Shape).rng()),
    ] {
        let mut pixels = vec![0; 224 * 224];
        camera.draw(&points[..n], &mut Canvas::new(&mut pixels, 224, 224).unwrap());
        rasters.push(hex(&pixels));
    }
    assert_eq!(n, 9_999);
    assert_eq!(hex(&cloud), "f0eb5f3c602da09506dc63924184f59ab3d1749007534365bb0f511d6cbbdb88");
    assert_eq!(
        rasters,
        [
            "45680a39f2f79e6c418834a15563a7ddbc5aff99cd2118acb9460fa3e6402808",
            "35f494124253ac8f997f4464b1d10c6973fbd12d244ca3ad73aa0fa965e262c8",
        ]
    );
}
