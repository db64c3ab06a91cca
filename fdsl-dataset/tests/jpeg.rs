//! `fdsl_dataset::jpeg` against OpenCV: the same bytes as `cv2.imencode('.jpg', …)` and the same
//! decoded pixels as `cv2.imdecode` and Pillow, on the files `scripts/jpeg_fixtures.py` made with
//! opencv-python-headless (libjpeg-turbo 3.1.2) in `data/jpeg/`.

use fdsl_dataset::jpeg::{self, JpegSettings, Subsampling};
use sha2::{Digest, Sha256};

const CASES: &str = include_str!("data/jpeg/cases.txt");

/// `scripts/jpeg_fixtures.py`'s `pixel`.
fn pixel(x: u64, y: u64, c: u64, noise: u64) -> u8 {
    let mut h = ((x * 73_856_093) ^ (y * 19_349_663) ^ (c * 83_492_791)) & 0xFFFF_FFFF;
    h = ((h ^ (h >> 13)) * 0x5BD1_E995) & 0xFFFF_FFFF;
    h ^= h >> 15;
    let ramp = (x * (3 + c) + (y * (5 - c)) + 40 * c) % 256;
    ((noise * (h & 0xFF) + (4 - noise) * ramp) / 4) as u8
}

fn image(width: usize, height: usize, channels: usize, noise: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(width * height * channels);
    for y in 0..height as u64 {
        for x in 0..width as u64 {
            for c in 0..channels as u64 {
                out.push(pixel(x, y, c, noise));
            }
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn jpeg_matches_opencv_bytes_and_pixels() {
    let mut checked = 0;
    for line in CASES.lines().filter(|l| !l.starts_with('#')) {
        let w: Vec<&str> = line.split(' ').collect();
        let [name, width, height, channels, quality, subsampling, noise, digest] = w[..] else {
            panic!("bad line {line}")
        };
        let (width, height, channels): (usize, usize, usize) =
            (width.parse().unwrap(), height.parse().unwrap(), channels.parse().unwrap());
        let settings = JpegSettings {
            quality: quality.parse().unwrap(),
            subsampling: Subsampling::parse(subsampling).unwrap(),
        };
        let pixels = image(width, height, channels, noise.parse().unwrap());
        let ours = jpeg::encode(&pixels, width, height, channels, settings).unwrap();
        let opencv =
            std::fs::read(format!("{}/tests/data/jpeg/{name}.jpg", env!("CARGO_MANIFEST_DIR"))).unwrap();
        assert!(ours == opencv, "{name}: {} bytes against OpenCV's {}", ours.len(), opencv.len());
        let decoded = jpeg::decode(&ours).unwrap();
        assert_eq!((decoded.width, decoded.height, decoded.channels), (width, height, channels), "{name}");
        assert_eq!(hex(&decoded.pixels), digest, "{name}: decoded pixels differ from cv2's and Pillow's");
        let mut into = vec![0; pixels.len()];
        jpeg::decode_into(&ours, &mut into).unwrap();
        assert_eq!(into, decoded.pixels);
        checked += 1;
    }
    assert_eq!(checked, 8);
}

#[test]
fn jpeg_refuses_bad_input() {
    let px = vec![0u8; 4 * 4 * 3];
    let q = |quality| JpegSettings { quality, ..JpegSettings::default() };
    assert!(jpeg::encode(&px, 4, 4, 3, q(24)).unwrap_err().to_string().contains("outside 25..=100"));
    assert!(jpeg::encode(&px, 4, 4, 3, q(101)).is_err());
    assert!(jpeg::encode(&px, 4, 4, 2, q(95)).unwrap_err().to_string().contains("1 or 3 channels"));
    assert!(jpeg::encode(&px[1..], 4, 4, 3, q(95)).is_err());
    assert!(jpeg::decode(b"not a jpeg").is_err());
    let good = jpeg::encode(&px, 4, 4, 3, q(95)).unwrap();
    assert!(jpeg::decode(&good[..20]).is_err());
    assert!(jpeg::decode_into(&good, &mut [0u8; 5]).is_err());
    assert_eq!(Subsampling::parse("420").unwrap(), Subsampling::S420);
    assert!(Subsampling::parse("4:1:1").is_err());
    assert_eq!(JpegSettings::default(), JpegSettings { quality: 95, subsampling: Subsampling::S420 });
}
