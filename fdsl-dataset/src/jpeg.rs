//! JPEG as OpenCV writes and reads it: `cv2.imencode('.jpg', img, [IMWRITE_JPEG_QUALITY, q])` and
//! `cv2.imdecode` (libjpeg-turbo), which Baradad et al.'s scripts use for every statistical and
//! dead-leaves image (`utils_generation.py`, `cv2_imwrite`: quality 95, 4:2:0 chroma).
//!
//! The codec is MozJPEG, a fork of libjpeg-turbo (the `mozjpeg` crate over `mozjpeg-sys`, which
//! builds MozJPEG's C sources with the C compiler alone; no SIMD, so no `nasm`), set to its
//! libjpeg-turbo profile (`JCP_FASTEST`: `jpeg_set_defaults` as libjpeg 6b and libjpeg-turbo have
//! them, baseline Huffman coding with the standard tables, no trellis quantisation, no
//! progressive scans). Encoding: RGB → YCbCr by libjpeg's integer tables, chroma downsampled by
//! averaging (`h2v2_downsample` for 4:2:0), the accurate integer DCT (`JDCT_ISLOW`), the IJG
//! quality scaling of the standard quantisation tables, a JFIF 1.01 header. Decoding:
//! `JDCT_ISLOW` and fancy (triangular) chroma upsampling, libjpeg's defaults, which cv2 and Pillow
//! keep. All of it is integer arithmetic: the bytes are the same on every machine.
//! `tests/jpeg.rs` checks the bytes and the decoded pixels against files made by
//! opencv-python-headless (libjpeg-turbo 3.1.2; `scripts/jpeg_fixtures.py`).
//!
//! The quality is limited to 25–100: below 25 libjpeg-turbo (as cv2 calls it) clamps the
//! quantisation tables to baseline's 255, which the `mozjpeg` crate's `set_quality` does not.
//! Licences: IJG, BSD-3-Clause, zlib (`LICENSES/MozJPEG.txt`); this software is based in part on
//! the work of the Independent JPEG Group.

use std::panic::{AssertUnwindSafe, catch_unwind};

use anyhow::{Result, anyhow, bail, ensure};
use serde::{Deserialize, Serialize};

/// The chroma subsampling of a colour JPEG.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Subsampling {
    /// Full chroma resolution (cv2's `IMWRITE_JPEG_SAMPLING_FACTOR_444`).
    #[serde(rename = "4:4:4")]
    S444,
    /// Chroma at half the width (`IMWRITE_JPEG_SAMPLING_FACTOR_422`).
    #[serde(rename = "4:2:2")]
    S422,
    /// Chroma at half the width and height: cv2's and libjpeg's default.
    #[default]
    #[serde(rename = "4:2:0")]
    S420,
}

impl Subsampling {
    /// Every choice, in the order of its name.
    pub const ALL: [Subsampling; 3] = [Subsampling::S444, Subsampling::S422, Subsampling::S420];

    /// The name written in specs and flags: `4:4:4`, `4:2:2` or `4:2:0`.
    pub fn name(self) -> &'static str {
        match self {
            Subsampling::S444 => "4:4:4",
            Subsampling::S422 => "4:2:2",
            Subsampling::S420 => "4:2:0",
        }
    }

    /// The subsampling named `name` (also `444`, `422`, `420`).
    pub fn parse(name: &str) -> Result<Self> {
        let plain: String = name.chars().filter(|c| *c != ':').collect();
        Self::ALL
            .into_iter()
            .find(|s| s.name().replace(':', "") == plain)
            .ok_or_else(|| anyhow!("unknown chroma subsampling {name:?}: 4:4:4, 4:2:2 or 4:2:0"))
    }

    /// The size of a chroma sample in luma pixels (horizontal, vertical).
    fn pixel_size(self) -> (u8, u8) {
        match self {
            Subsampling::S444 => (1, 1),
            Subsampling::S422 => (2, 1),
            Subsampling::S420 => (2, 2),
        }
    }
}

/// How JPEG files are written: quality and chroma subsampling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct JpegSettings {
    /// The IJG quality, 25–100.
    pub quality: u8,
    /// The chroma subsampling (ignored for grey images).
    pub subsampling: Subsampling,
}

impl Default for JpegSettings {
    /// What `cv2.imwrite` writes by default and Baradad's scripts keep: quality 95, 4:2:0.
    fn default() -> Self {
        Self { quality: 95, subsampling: Subsampling::S420 }
    }
}

impl JpegSettings {
    /// The lowest quality whose files equal libjpeg-turbo's.
    pub const MIN_QUALITY: u8 = 25;

    /// An error unless the quality is within 25–100.
    pub fn check(&self) -> Result<()> {
        ensure!(
            (Self::MIN_QUALITY..=100).contains(&self.quality),
            "JPEG quality {} is outside {}..=100 (below {}, libjpeg-turbo clamps its tables to baseline and fdsl \
             does not)",
            self.quality,
            Self::MIN_QUALITY,
            Self::MIN_QUALITY
        );
        Ok(())
    }
}

impl JpegSettings {
    /// The size of a JPEG file at these settings relative to quality 95, 4:2:0, about: the mean
    /// over 40 images each of the port's `stat-spectrum`, `stat-wmm` and `stat-spectrum_color`
    /// (128 px, `cv2.imencode`; BENCHMARKS.md), linear between the qualities measured (25, 50, 75,
    /// 85, 90, 95, 100). For `--dry-run`.
    pub fn relative_size(&self) -> f64 {
        const QUALITIES: [f64; 7] = [25.0, 50.0, 75.0, 85.0, 90.0, 95.0, 100.0];
        let sizes: [f64; 7] = match self.subsampling {
            Subsampling::S444 => [0.27, 0.41, 0.64, 0.92, 1.19, 1.73, 3.76],
            Subsampling::S422 => [0.23, 0.33, 0.49, 0.68, 0.86, 1.24, 2.52],
            Subsampling::S420 => [0.20, 0.28, 0.41, 0.56, 0.71, 1.00, 1.90],
        };
        let q = f64::from(self.quality).clamp(QUALITIES[0], QUALITIES[6]);
        let k = QUALITIES.windows(2).position(|w| q <= w[1]).unwrap_or(5);
        let t = (q - QUALITIES[k]) / (QUALITIES[k + 1] - QUALITIES[k]);
        sizes[k] + t * (sizes[k + 1] - sizes[k])
    }
}

/// An image decoded from JPEG: row-major, interleaved channels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// Pixels across.
    pub width: usize,
    /// Pixels down.
    pub height: usize,
    /// 1 (grey) or 3 (RGB).
    pub channels: usize,
    /// `height × width × channels` bytes.
    pub pixels: Vec<u8>,
}

/// The codec's panics (libjpeg errors unwind through the C code) as errors.
fn guarded<T>(what: &str, f: impl FnOnce() -> std::io::Result<T>) -> Result<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result.map_err(|e| anyhow!("JPEG {what}: {e}")),
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "the codec failed".to_owned());
            bail!("JPEG {what}: {message}")
        }
    }
}

/// The JPEG file of a `width × height` image of `channels` (1: grey, 3: RGB) interleaved bytes,
/// as `cv2.imencode('.jpg', …)` writes it (the RGB image's channels reversed to cv2's BGR).
pub fn encode(
    pixels: &[u8],
    width: usize,
    height: usize,
    channels: usize,
    settings: JpegSettings,
) -> Result<Vec<u8>> {
    settings.check()?;
    ensure!(channels == 1 || channels == 3, "JPEG images have 1 or 3 channels, not {channels}");
    ensure!(
        width > 0 && height > 0 && width <= 65_500 && height <= 65_500,
        "JPEG cannot hold {width}x{height}"
    );
    ensure!(
        pixels.len() == width * height * channels,
        "a {width}x{height} image of {channels} channels has {} bytes, not {}",
        width * height * channels,
        pixels.len()
    );
    guarded("encoding", || {
        let space =
            if channels == 1 { mozjpeg::ColorSpace::JCS_GRAYSCALE } else { mozjpeg::ColorSpace::JCS_RGB };
        let mut c = mozjpeg::Compress::new(space);
        c.set_fastest_defaults();
        c.set_size(width, height);
        c.set_quality(f32::from(settings.quality));
        if channels == 3 {
            let size = settings.subsampling.pixel_size();
            c.set_chroma_sampling_pixel_sizes(size, size);
        }
        let mut started = c.start_compress(Vec::new())?;
        started.write_scanlines(pixels)?;
        started.finish()
    })
}

/// The pixels of a JPEG file as libjpeg-turbo's defaults decode them (`JDCT_ISLOW`, fancy
/// upsampling): what `cv2.imdecode` (channels reversed) and Pillow return.
pub fn decode(bytes: &[u8]) -> Result<Decoded> {
    guarded("decoding", || {
        let mut d = mozjpeg::Decompress::new_mem(bytes)?;
        d.dct_method(mozjpeg::DctMethod::IntegerSlow);
        d.do_fancy_upsampling(true);
        let (width, height) = d.size();
        let grey = d.color_space() == mozjpeg::ColorSpace::JCS_GRAYSCALE;
        let mut started = if grey { d.grayscale()? } else { d.rgb()? };
        let pixels = started.read_scanlines::<u8>()?;
        started.finish()?;
        Ok(Decoded { width, height, channels: if grey { 1 } else { 3 }, pixels })
    })
}

/// [`decode`] into `out`, which must hold exactly the decoded image (`width × height × channels`).
pub fn decode_into(bytes: &[u8], out: &mut [u8]) -> Result<()> {
    let image = decode(bytes)?;
    ensure!(
        image.pixels.len() == out.len(),
        "the JPEG image is {}x{}x{} ({} bytes), the buffer {} bytes",
        image.width,
        image.height,
        image.channels,
        image.pixels.len(),
        out.len()
    );
    out.copy_from_slice(&image.pixels);
    Ok(())
}

/// An image part's (height, width, channels) as JPEG takes it: 8-bit, grey or RGB.
pub fn shape(part: &fdsl_core::family::Part) -> Result<(usize, usize, usize)> {
    use fdsl_core::family::Element;
    match (part.element, part.dims.sizes()) {
        (Element::U8, &[height, width]) => Ok((height, width, 1)),
        (Element::U8, &[height, width, channels @ (1 | 3)]) => Ok((height, width, channels)),
        _ => bail!("--encoding jpeg: the {} part is not an 8-bit grey or RGB image", part.name),
    }
}
