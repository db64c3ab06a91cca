//! Criterion benches of the image codecs on one 128x128 RGB `stat-spectrum` image (Baradad's
//! statistical images, as the reference writes them in JPEG): PNG as fdsl writes it by default,
//! JPEG encode (quality 95, 4:2:0, `fdsl_dataset::jpeg`, libjpeg-turbo's bytes) and JPEG decode
//! (`JDCT_ISLOW`, fancy upsampling): `cargo bench -p fdsl-bench --bench codecs`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fdsl_cli::{Colour, encode_png};
use fdsl_dataset::Dataset;
use fdsl_dataset::jpeg::{self, JpegSettings};
use fdsl_dataset::spec::PngCompression;
use std::hint::black_box;

fn codecs(c: &mut Criterion) {
    let ds = Dataset::open(r#"{"preset": "stat-spectrum", "instances": 1}"#).unwrap();
    let mut image = vec![0u8; ds.parts()[0].max_len()];
    ds.render_parts(0, &mut [&mut image]).unwrap();
    let side = 128;
    assert_eq!(image.len(), side * side * 3);
    let mut g = c.benchmark_group("codecs, one 128x128 RGB stat-spectrum image");
    g.throughput(Throughput::Elements(1));
    g.bench_function("PNG encode (default compression)", |b| {
        b.iter(|| encode_png(black_box(&image), side as u32, Colour::Rgb, PngCompression::default()).unwrap())
    });
    g.bench_function("JPEG encode (q95, 4:2:0)", |b| {
        b.iter(|| jpeg::encode(black_box(&image), side, side, 3, JpegSettings::default()).unwrap())
    });
    let file = jpeg::encode(&image, side, side, 3, JpegSettings::default()).unwrap();
    g.bench_function("JPEG decode", |b| b.iter(|| jpeg::decode(black_box(&file)).unwrap()));
    g.finish();
}

criterion_group!(benches, codecs);
criterion_main!(benches);
