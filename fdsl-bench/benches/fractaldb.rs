//! Criterion benches of the FractalDB pipeline, step by step, at the published recipe
//! (362x362, 200,000 points, patch mode), and of RCDB: `cargo bench -p fdsl-bench`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fdsl_cli::{Colour, encode_png, up_filtered_rows};
use fdsl_cli::{Plan, Task};
use fdsl_core::families::fractaldb::search::{REFERENCE, try_candidate};
use fdsl_core::families::fractaldb::{Draw, FRACTALDB_1K, chain_key, paint, trace};
use fdsl_core::math::chaos_game::ChaosGame;
use fdsl_core::{Canvas, Flip};
use fdsl_dataset::Categories;
use fdsl_dataset::Dataset;
use fdsl_dataset::Spec;
use fdsl_dataset::dataset::{Chunk, Scratch};
use fdsl_dataset::families::fractaldb::official_categories as fractaldb_1k;
use fdsl_dataset::family::Built;
use fdsl_dataset::spec::PngCompression;
use std::hint::black_box;

fn steps(c: &mut Criterion) {
    let category = &fractaldb_1k(1).unwrap()[0];
    let recipe = FRACTALDB_1K;
    let points = recipe.points as usize;
    let side = recipe.grid.width as usize;
    let mut g = c.benchmark_group("fractaldb-1k step");
    g.throughput(Throughput::Elements(points as u64));
    g.bench_function("chaos game, 200k points", |b| {
        b.iter(|| {
            let mut sum = 0.0;
            for (x, y) in ChaosGame::new(&category.params, chain_key(0, 0, 2).rng()).take(points) {
                sum += x + y;
            }
            black_box(sum)
        })
    });
    let mut positions = vec![0u32; points];
    g.bench_function("trace (bounds + pixels), 200k points", |b| {
        b.iter(|| trace(&category.params, 0, 0, 2, &recipe, &mut positions).unwrap())
    });
    let n = trace(&category.params, 0, 0, 2, &recipe, &mut positions).unwrap();
    let mut pixels = vec![0u8; side * side];
    for (name, draw) in
        [("paint patches, 200k points", Draw::Patch), ("paint points, 200k points", Draw::Point)]
    {
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut canvas = Canvas::new(&mut pixels, side, side).unwrap();
                paint(&mut canvas, &positions[..n], draw, 0, 0, 2, 0);
            })
        });
    }
    g.throughput(Throughput::Elements(1));
    let mut canvas = Canvas::new(&mut pixels, side, side).unwrap();
    paint(&mut canvas, &positions[..n], Draw::Patch, 0, 0, 2, 0);
    let mut flipped = vec![0u8; side * side];
    // Filled here too, so that the PNG bench encodes a real image when the flip bench is filtered out.
    canvas.write_flipped(Flip::Flip2, &mut flipped).unwrap();
    g.bench_function("flip, one image", |b| {
        b.iter(|| canvas.write_flipped(Flip::Flip2, &mut flipped).unwrap())
    });
    g.bench_function("PNG encode, one image", |b| {
        b.iter(|| encode_png(&flipped, side as u32, Colour::Grey, PngCompression::Fastest).unwrap())
    });
    g.finish();
}

/// Sequential `paint` against the latest-first bit-plane form (`fdsl_core::families::fractaldb::latest_first`) on one
/// FractalDB-1k canvas (official category 0, weight 2, count 0): the whole canvas as one tile, and
/// the 64 row bands a GPU block of 64 threads paints (run one after another here: the block's total
/// work).
fn latest_first(c: &mut Criterion) {
    use fdsl_core::families::fractaldb::latest_first::{Planes, Tile, paint_patches, rejections};
    use fdsl_core::families::fractaldb::patch_key;
    let category = &fractaldb_1k(1).unwrap()[0];
    let recipe = FRACTALDB_1K;
    let side = recipe.grid.width;
    let mut positions = vec![0u32; recipe.points as usize];
    let n = trace(&category.params, 0, 0, 2, &recipe, &mut positions).unwrap();
    let positions = &positions[..n];
    let stream = patch_key(0, 0, 2, 0).rng();
    let mut rejected = vec![0u64; 4096];
    let r = rejections(&stream, n as u64, &mut rejected).unwrap();
    let rejected = &rejected[..r];
    let mut pixels = vec![0u8; (side * side) as usize];
    let mut g = c.benchmark_group("fractaldb-1k latest first");
    g.throughput(Throughput::Elements(n as u64));
    g.sample_size(20);
    g.bench_function("paint (sequential), 200k patches", |b| {
        b.iter(|| {
            let mut canvas = Canvas::new(&mut pixels, side as usize, side as usize).unwrap();
            paint(&mut canvas, positions, Draw::Patch, 0, 0, 2, 0);
        })
    });
    g.bench_function("list rejected mask draws, 200k masks", |b| {
        b.iter(|| rejections(&stream, n as u64, &mut vec![0u64; 4096]).unwrap())
    });
    for bands in [1u32, 64] {
        let whole = Tile::canvas(side, side);
        let (mut decided, mut value) = (vec![0u32; whole.plane_len()], vec![0u32; whole.plane_len()]);
        g.bench_function(format!("latest first, {bands} band(s), 200k patches, chunks of 32"), |b| {
            b.iter(|| {
                for k in 0..bands {
                    let tile = Tile::band(side, side, k, bands);
                    let words = tile.top as usize * whole.words_per_row()..;
                    let (d, v) = (
                        &mut decided[words.clone()][..tile.plane_len()],
                        &mut value[words][..tile.plane_len()],
                    );
                    let mut planes = Planes::new(tile, d, v).unwrap();
                    planes.clear();
                    paint_patches(&mut planes, positions, 0, &stream, rejected, &mut [0u16; 32]);
                    let start = (tile.top * side) as usize;
                    planes.write_bytes(&mut pixels[start..start + tile.byte_len()]).unwrap();
                }
            })
        });
    }
    g.finish();
}

fn units(c: &mut Criterion) {
    let mut g = c.benchmark_group("fractaldb-1k unit");
    let categories = Categories::new(fractaldb_1k(1).unwrap());
    let spec = Spec {
        categories_sha256: categories.sha256(),
        categories: 1,
        ..<fdsl_dataset::families::Settings as fdsl_dataset::Registry>::published("fractaldb-1k").unwrap()
    };
    let dataset = Dataset::new(spec, categories).unwrap();
    let plan = Plan::new(&dataset).unwrap();
    let mut scratch = Scratch::default();
    let spill = std::env::temp_dir();
    g.throughput(Throughput::Elements(40));
    g.sample_size(20);
    g.bench_function("40 images (1 chain, 10 paints, 40 flips + PNG), one thread", |b| {
        b.iter(|| {
            black_box(plan.render(Task::Chunk(Chunk { class: 0, index: 2 }), &mut scratch, &spill).unwrap())
        })
    });
    g.finish();
}

fn search(c: &mut Criterion) {
    let side = REFERENCE.grid.width as usize;
    let mut buf = vec![0u8; side * side];
    let mut g = c.benchmark_group("search");
    g.throughput(Throughput::Elements(1));
    g.sample_size(20);
    let mut j = 0;
    g.bench_function("one candidate (512 px, 100k points)", |b| {
        b.iter(|| {
            j += 1;
            try_candidate(0, j, &REFERENCE, &mut Canvas::new(&mut buf, side, side).unwrap()).accepted
        })
    });
    g.finish();
}

fn rcdb(c: &mut Criterion) {
    use fdsl_core::families::rcdb::{REFERENCE_RANGES, RcdbCategory};
    use fdsl_core::math::stream::{Namespace, Purpose, StreamKey};
    let key = |category, instance, purpose| StreamKey {
        seed: 0,
        namespace: Namespace::Rcdb,
        category,
        instance,
        purpose,
    };
    let categories: Vec<RcdbCategory> = (0..64)
        .map(|c| RcdbCategory::sample(&mut key(c, 0, Purpose::Parameters).rng(), &REFERENCE_RANGES))
        .collect();
    let mut pixels = vec![0u8; 512 * 512];
    let mut g = c.benchmark_group("rcdb-1k");
    g.throughput(Throughput::Elements(64));
    g.bench_function("64 instances of 64 categories (512 px), one thread", |b| {
        b.iter(|| {
            for (c, category) in categories.iter().enumerate() {
                let mut canvas = Canvas::new(&mut pixels, 512, 512).unwrap();
                category
                    .draw(&mut key(c as u64, 1, Purpose::Shape).rng(), &REFERENCE_RANGES, &mut canvas)
                    .unwrap();
            }
        })
    });
    g.throughput(Throughput::Elements(1));
    // The last category's image, drawn here too, so that this bench runs alone (`-- "PNG encode"`).
    let last = categories.len() - 1;
    categories[last]
        .draw(
            &mut key(last as u64, 1, Purpose::Shape).rng(),
            &REFERENCE_RANGES,
            &mut Canvas::new(&mut pixels, 512, 512).unwrap(),
        )
        .unwrap();
    for (name, level) in [("fastest", PngCompression::Fastest), ("none", PngCompression::Uncompressed)] {
        g.bench_function(format!("PNG encode ({name}), one 512 px image"), |b| {
            b.iter(|| encode_png(&pixels, 512, Colour::Grey, level).unwrap())
        });
    }
    g.finish();
    deflaters(c, &categories, key);
}

/// The DEFLATE encoders at hand on the 64 images of [`rcdb`], Up-filtered as PNG stores them: why
/// fdsl's fastest PNG setting is fdeflate (the fastest of them by far, and the bulk of a PNG's cost).
fn deflaters(
    c: &mut Criterion,
    categories: &[fdsl_core::families::rcdb::RcdbCategory],
    key: impl Fn(u64, u64, fdsl_core::Purpose) -> fdsl_core::StreamKey,
) {
    let side = 512;
    let rows: Vec<Vec<u8>> = categories
        .iter()
        .enumerate()
        .map(|(c, category)| {
            let mut pixels = vec![0u8; side * side];
            let mut canvas = Canvas::new(&mut pixels, side, side).unwrap();
            let mut rng = key(c as u64, 1, fdsl_core::Purpose::Shape).rng();
            category.draw(&mut rng, &fdsl_core::families::rcdb::REFERENCE_RANGES, &mut canvas).unwrap();
            let mut filtered = Vec::with_capacity((side + 1) * side);
            let rows = up_filtered_rows(&pixels, side, |row| {
                filtered.extend_from_slice(row);
                Ok::<_, std::convert::Infallible>(())
            });
            rows.unwrap();
            filtered
        })
        .collect();
    let mut g = c.benchmark_group("rcdb-1k deflate");
    g.throughput(Throughput::Elements(rows.len() as u64));
    g.bench_function("fdeflate, 64 Up-filtered images", |b| {
        b.iter(|| rows.iter().map(|r| fdeflate::compress_to_vec(r).len()).sum::<usize>())
    });
    g.bench_function("miniz_oxide level 1, 64 Up-filtered images", |b| {
        b.iter(|| rows.iter().map(|r| miniz_oxide::deflate::compress_to_vec_zlib(r, 1).len()).sum::<usize>())
    });
    g.finish();
}

/// fdsl's Perlin and Bezier reconstructions: one 256 px image of each of 16 categories, one thread.
fn perlin_bezier(c: &mut Criterion) {
    use fdsl_core::families::bezier::{Bezier, BezierCategory};
    use fdsl_core::families::drawn::category_key;
    use fdsl_core::families::perlin_images::{PerlinNoise, grid_category};
    use fdsl_core::family::{Held, Workspace};
    let perlin =
        PerlinNoise::new((0..16).map(|c| grid_category(4, c).unwrap()).collect::<Vec<_>>(), 256, 0).unwrap();
    let templates: Vec<BezierCategory> =
        (0..16).map(|c| BezierCategory::sample(&mut category_key::<BezierCategory>(0, c).rng())).collect();
    let bezier = Bezier::new(templates, 256, 0).unwrap();
    let (perlin, bezier) = (Built::new(perlin).into_parts().0, Built::new(bezier).into_parts().0);
    let words = perlin.scratch_len().words().max(bezier.scratch_len().words());
    let (mut arena, mut image, mut held) = (vec![0u64; words], vec![0u8; 256 * 256], Held::default());
    let mut g = c.benchmark_group("perlin and bezier (256 px)");
    g.throughput(Throughput::Elements(16));
    for (name, family) in [("perlin-100 grid", perlin), ("bezier templates", bezier)] {
        g.bench_function(format!("{name}: 16 categories, one image each, one thread"), |b| {
            b.iter(|| {
                for class in 0..16 {
                    let mut ws = Workspace::new(&mut arena, &mut held);
                    family.render(class, 1, &mut ws, &mut image).unwrap();
                }
            })
        });
    }
    g.finish();
}

criterion_group!(benches, steps, latest_first, units, search, rcdb, perlin_bezier);
criterion_main!(benches);
