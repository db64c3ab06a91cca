//! Criterion bench of PrimGeoSeg volumes in memory, one thread: config001 (96³, 20 primitives,
//! occlusion 0.7), fdsl's streams and the CPython-compatible mode, against the reference's ~0.74 s
//! per volume per core. `cargo bench -p fdsl-bench --bench primgeoseg`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fdsl_core::families::primgeoseg::{CONFIG001, Keyed, render, scratch_words};
use fdsl_core::math::mt19937::Mt19937;

fn volumes(c: &mut Criterion) {
    let n = CONFIG001.voxels();
    let (mut img, mut lab, mut scratch) = (vec![0u8; n], vec![0u8; n], vec![0u32; scratch_words(&CONFIG001)]);
    let mut g = c.benchmark_group("primgeoseg config001");
    g.throughput(Throughput::Elements(1));
    let mut i = 0;
    g.bench_function("volume + labels, fdsl streams", |b| {
        b.iter(|| {
            i += 1;
            render(&CONFIG001, &mut Keyed::new(0, i), &mut scratch, &mut img, &mut lab).unwrap()
        })
    });
    let mut s = 0;
    g.bench_function("volume + labels, CPython mode", |b| {
        b.iter(|| {
            s += 1;
            render(&CONFIG001, &mut Mt19937::python_seed(s), &mut scratch, &mut img, &mut lab).unwrap()
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = volumes
}
criterion_main!(benches);
