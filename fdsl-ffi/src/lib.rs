//! The C ABI of fdsl: `libfdsl.so` / `libfdsl.a`, declared by `include/fdsl.h` (made from this file by
//! cbindgen and checked fresh by `tests/header.rs`).
//!
//! A dataset is opened from its spec as JSON — the `spec` of a rendered dataset's `manifest.json`,
//! or the short form `{"preset": "fractaldb-1k", "seed": 0, "categories": 10}` — and renders any sample
//! into the caller's buffer with the very bytes `fdsl render` writes. Sample `index` is
//! `class * instances + instance`; its label is its class. Images with masks (SegRCDB) are numbered
//! images labelled −1, each with a per-pixel label mask: `fdsl_render` writes the image then the
//! mask, `fdsl_render_with_mask` writes them into two buffers.
//!
//! Conventions (as rustls-ffi and zstd's API): an opaque handle, `int` status codes (`FDSL_OK` = 0,
//! else one of the `FDSL_ERROR_*` codes), a one-line message of the calling thread's last failure
//! (`fdsl_last_error`), buffers the caller owns, and a version call. Nothing aborts the host process:
//! a Rust panic is caught at the boundary and reported as `FDSL_ERROR_PANIC`, an allocation that
//! fails is `FDSL_ERROR_MEMORY`.
//!
//! Every size and count is checked before any caller memory is read or written: a call given a
//! count `n` and a buffer length first checks that the buffer holds `n` samples (and that `n` entries
//! of the arrays can exist at all), then reads the `n` entries; a wrong count is `FDSL_ERROR_BUFFER`
//! at once, never a read past the caller's array.

use ::fdsl_dataset::memory::is_out_of_memory;
use ::fdsl_dataset::{Dataset, SampleShape};
use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char, c_int};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The version of this ABI; it grows when a declaration of `fdsl.h` changes incompatibly. 2: images
/// with masks (`fdsl_dataset_has_masks`, `fdsl_mask_size`, `fdsl_render_with_mask`,
/// `FDSL_ERROR_NO_MASKS`; `fdsl_sample_size` counts the mask of such samples).
pub const FDSL_ABI_VERSION: u32 = 2;

/// Success.
pub const FDSL_OK: c_int = 0;
/// A pointer argument that must not be NULL was NULL.
pub const FDSL_ERROR_NULL: c_int = 1;
/// The spec is not a dataset: malformed JSON or not UTF-8, an unknown preset, a bad override, a
/// category file that cannot be read or parsed.
pub const FDSL_ERROR_SPEC: c_int = 2;
/// A sample index past the end of the dataset.
pub const FDSL_ERROR_INDEX: c_int = 3;
/// An output buffer smaller than the samples need.
pub const FDSL_ERROR_BUFFER: c_int = 4;
/// The dataset's samples vary in size (PC-FractalDB scenes), which this ABI does not render.
pub const FDSL_ERROR_VARIABLE_SIZE: c_int = 5;
/// A sample could not be rendered (or worker threads could not be started).
pub const FDSL_ERROR_RENDER: c_int = 6;
/// An internal error: a panic, caught at the boundary. Please report it with the message.
pub const FDSL_ERROR_PANIC: c_int = 7;
/// An argument out of its range: `threads` past 4096 (0 is one per core).
pub const FDSL_ERROR_ARGUMENT: c_int = 8;
/// The memory a call needs cannot be had (the message names the size); nothing was written.
pub const FDSL_ERROR_MEMORY: c_int = 9;
/// Masks asked of a dataset whose samples have none (`fdsl_render_with_mask`).
pub const FDSL_ERROR_NO_MASKS: c_int = 10;

/// An opened dataset. Made by `fdsl_dataset_open`, released by `fdsl_dataset_free`; it may be used
/// from several threads at once.
#[allow(non_camel_case_types)]
pub struct fdsl_dataset {
    dataset: Dataset,
}

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Why a call failed: its status code and message.
struct Failure {
    code: c_int,
    message: String,
}

fn failure(code: c_int, message: impl std::fmt::Display) -> Failure {
    Failure { code, message: message.to_string() }
}

/// Run `body` with panics caught; record its outcome as this thread's last error (empty on success)
/// and return its status code.
fn guard(body: impl FnOnce() -> Result<(), Failure>) -> c_int {
    let outcome = catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(failure(FDSL_ERROR_PANIC, format!("internal error (a panic, caught): {what}")))
    });
    let (code, message) = match outcome {
        Ok(()) => (FDSL_OK, String::new()),
        Err(f) => (f.code, f.message),
    };
    let line: String = message.chars().map(|c| if c == '\n' || c == '\0' { ' ' } else { c }).collect();
    LAST_ERROR.with(|e| *e.borrow_mut() = CString::new(line).unwrap_or_default());
    code
}

/// The dataset behind a handle, or the NULL error.
///
/// # Safety
/// `ds` is NULL or a live handle from `fdsl_dataset_open`.
unsafe fn dataset<'a>(ds: *const fdsl_dataset) -> Result<&'a Dataset, Failure> {
    // SAFETY: the caller passes NULL or a live handle, which points to an `fdsl_dataset`.
    unsafe { ds.as_ref() }.map(|d| &d.dataset).ok_or_else(|| failure(FDSL_ERROR_NULL, "the dataset is NULL"))
}

/// Open the dataset `spec_json` describes (a NUL-terminated UTF-8 JSON object: a manifest's `spec`,
/// or `{"preset": NAME, ...overrides}` with the overrides of `fdsl render`: `seed`, `categories`,
/// `instances`, `size`, `points`, `draw`, `weight_step`, `categories_from`, `val_per_class`,
/// `mix_ratio`, ...). On success `*out` is the new handle (free it with `fdsl_dataset_free`); on
/// failure `*out` is NULL. Presets whose categories come from a search (fractaldb-10k, the 3-D
/// presets) search when opened: about 1 s per 1,000 3-D categories per core. Scenes
/// (pc-fractaldb-scenes) vary in size and are refused with `FDSL_ERROR_VARIABLE_SIZE`.
///
/// # Safety
/// `spec_json` is NULL or a NUL-terminated string; `out` is NULL or points to writable storage for
/// one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fdsl_dataset_open(spec_json: *const c_char, out: *mut *mut fdsl_dataset) -> c_int {
    guard(|| {
        // SAFETY: the caller passes NULL or a pointer writable for one pointer.
        let out = unsafe { out.as_mut() }.ok_or_else(|| failure(FDSL_ERROR_NULL, "out is NULL"))?;
        *out = std::ptr::null_mut();
        if spec_json.is_null() {
            return Err(failure(FDSL_ERROR_NULL, "spec_json is NULL"));
        }
        // SAFETY: not NULL, and the caller passes a NUL-terminated string.
        let json = unsafe { CStr::from_ptr(spec_json) }
            .to_str()
            .map_err(|_| failure(FDSL_ERROR_SPEC, "spec_json is not UTF-8"))?;
        let dataset = Dataset::open(json).map_err(|e| failure(FDSL_ERROR_SPEC, format!("{e:#}")))?;
        if !dataset.sample_shape().is_fixed() {
            return Err(failure(
                FDSL_ERROR_VARIABLE_SIZE,
                format!(
                    "{}: scenes vary in size; the C API renders fixed-size samples only",
                    dataset.spec.preset
                ),
            ));
        }
        *out = Box::into_raw(Box::new(fdsl_dataset { dataset }));
        Ok(())
    })
}

/// Release a dataset; NULL is a no-op.
///
/// # Safety
/// `ds` is NULL or a handle from `fdsl_dataset_open` not yet freed, used by no other thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fdsl_dataset_free(ds: *mut fdsl_dataset) {
    if !ds.is_null() {
        // SAFETY: a handle made by `Box::into_raw` in `fdsl_dataset_open`, freed once.
        let _ = catch_unwind(AssertUnwindSafe(|| drop(unsafe { Box::from_raw(ds) })));
    }
}

/// The number of samples (0 for NULL).
///
/// # Safety
/// `ds` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fdsl_dataset_len(ds: *const fdsl_dataset) -> u64 {
    // SAFETY: the caller passes NULL or a live handle.
    unsafe { dataset(ds) }.map_or(0, Dataset::len)
}

/// The number of classes (0 for NULL).
///
/// # Safety
/// `ds` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fdsl_dataset_classes(ds: *const fdsl_dataset) -> u64 {
    // SAFETY: the caller passes NULL or a live handle.
    unsafe { dataset(ds) }.map_or(0, |d| d.class_count() as u64)
}

/// The bytes of one sample as `fdsl_render` writes it (0 for NULL): images are row-major uint8
/// H x W (x C), point clouds little-endian float32 x, y, z per point; an image with a mask is the
/// image then its mask (`fdsl_mask_size` bytes).
///
/// # Safety
/// `ds` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fdsl_sample_size(ds: *const fdsl_dataset) -> usize {
    // SAFETY: the caller passes NULL or a live handle.
    unsafe { dataset(ds) }.map_or(0, Dataset::sample_len)
}

/// Whether every sample is an image with a per-pixel label mask (1) or not (0; 0 for NULL): a mask
/// is row-major uint8 H x W of the image's side, 0 the background, else the class drawn there + 1.
///
/// # Safety
/// `ds` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fdsl_dataset_has_masks(ds: *const fdsl_dataset) -> c_int {
    // SAFETY: the caller passes NULL or a live handle.
    unsafe { dataset(ds) }.map_or(0, |d| c_int::from(d.has_masks()))
}

/// The bytes of one sample's mask (0 without masks, and for NULL).
///
/// # Safety
/// `ds` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fdsl_mask_size(ds: *const fdsl_dataset) -> usize {
    // SAFETY: the caller passes NULL or a live handle.
    unsafe { dataset(ds) }.map_or(0, Dataset::mask_len)
}

/// The shape of one sample (of its image, for images with masks) as an array's dimensions, into `dims` (room for 3) and `*ndim`: an image
/// (H, W) or, with several channels, (H, W, C) of uint8; a point cloud (N, 3) of float32.
///
/// # Safety
/// `ds` is NULL or a live handle; `dims` is NULL or writable for 3 `size_t`; `ndim` is NULL or
/// writable for one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fdsl_sample_dims(
    ds: *const fdsl_dataset,
    dims: *mut usize,
    ndim: *mut usize,
) -> c_int {
    guard(|| {
        // SAFETY: the caller passes NULL or a live handle.
        let dataset = unsafe { dataset(ds) }?;
        if dims.is_null() || ndim.is_null() {
            return Err(failure(FDSL_ERROR_NULL, "dims or ndim is NULL"));
        }
        let shape: &[usize] = &match dataset.sample_shape() {
            SampleShape::Image { side, channels: 1 } => vec![side, side],
            SampleShape::Image { side, channels } => vec![side, side, channels],
            SampleShape::Cloud { points } | SampleShape::Scene { max_points: points } => vec![points, 3],
        };
        // SAFETY: `dims` is writable for 3 entries (shape has at most 3), `ndim` for one.
        unsafe {
            std::ptr::copy_nonoverlapping(shape.as_ptr(), dims, shape.len());
            *ndim = shape.len();
        }
        Ok(())
    })
}

/// Render sample `index` into `out` (`out_len` bytes, at least `fdsl_sample_size`) and, unless
/// `label` is NULL, store its label (its class).
///
/// # Safety
/// `ds` is NULL or a live handle; `out` is NULL or writable for `out_len` bytes; `label` is NULL or
/// writable for one `int64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fdsl_render(
    ds: *const fdsl_dataset,
    index: u64,
    out: *mut u8,
    out_len: usize,
    label: *mut i64,
) -> c_int {
    guard(|| {
        // SAFETY: the caller passes NULL or a live handle.
        let dataset = unsafe { dataset(ds) }?;
        if out.is_null() {
            return Err(failure(FDSL_ERROR_NULL, "out is NULL"));
        }
        check_index(dataset, index)?;
        let need = dataset.sample_len();
        if out_len < need {
            return Err(failure(
                FDSL_ERROR_BUFFER,
                format!("out holds {out_len} bytes; a sample needs {need}"),
            ));
        }
        // SAFETY: `out` is writable for `out_len >= need` bytes.
        let out = unsafe { std::slice::from_raw_parts_mut(out, need) };
        dataset.render(index, out).map_err(render_failure)?;
        // SAFETY: `label` is NULL or writable for one value.
        if let Some(label) = unsafe { label.as_mut() } {
            *label = dataset.label(index).map_err(|e| failure(FDSL_ERROR_INDEX, e))?;
        }
        Ok(())
    })
}

/// Render sample `index`'s image into `image` (`image_len` bytes, at least `fdsl_sample_size` minus
/// `fdsl_mask_size`) and its mask into `mask` (`mask_len` bytes, at least `fdsl_mask_size`):
/// `FDSL_ERROR_NO_MASKS` for a dataset without masks, `FDSL_ERROR_BUFFER` for a buffer too small,
/// both before anything is written.
///
/// # Safety
/// `ds` is NULL or a live handle; `image` is NULL or writable for `image_len` bytes; `mask` is NULL
/// or writable for `mask_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fdsl_render_with_mask(
    ds: *const fdsl_dataset,
    index: u64,
    image: *mut u8,
    image_len: usize,
    mask: *mut u8,
    mask_len: usize,
) -> c_int {
    guard(|| {
        // SAFETY: the caller passes NULL or a live handle.
        let dataset = unsafe { dataset(ds) }?;
        if image.is_null() || mask.is_null() {
            return Err(failure(FDSL_ERROR_NULL, "image or mask is NULL"));
        }
        if !dataset.has_masks() {
            return Err(failure(
                FDSL_ERROR_NO_MASKS,
                format!("the {} preset's samples have no masks (SegRCDB's images have)", dataset.spec.preset),
            ));
        }
        check_index(dataset, index)?;
        let (need_image, need_mask) = (dataset.image_len(), dataset.mask_len());
        if image_len < need_image || mask_len < need_mask {
            return Err(failure(
                FDSL_ERROR_BUFFER,
                format!(
                    "image holds {image_len} bytes and mask {mask_len}; a sample needs {need_image} and {need_mask}"
                ),
            ));
        }
        // SAFETY: `image` and `mask` are writable for at least `need_image` and `need_mask` bytes.
        let (image, mask) = unsafe {
            (
                std::slice::from_raw_parts_mut(image, need_image),
                std::slice::from_raw_parts_mut(mask, need_mask),
            )
        };
        dataset.render_with_mask(index, image, mask).map_err(render_failure)
    })
}

/// Render the `n` samples `indices` into `out`, one after another (`fdsl_sample_size` bytes each;
/// `out_len` at least `n` times that), and unless `labels` is NULL their labels into `labels`
/// (`n` entries), on `threads` threads: 0 one per core, 1 the calling thread, at most 4096
/// (`FDSL_ERROR_ARGUMENT` past it). Samples that share work (FractalDB's 40 images of one chaos game,
/// a 3-D model's views) are rendered together; the bytes do not depend on `threads` or on the order
/// of `indices`.
///
/// Checked in this order, before `indices` is read: the handle and pointers (`FDSL_ERROR_NULL`),
/// `out_len` against `n` samples (`FDSL_ERROR_BUFFER`, also when `n` samples cannot exist in
/// memory), `threads` (`FDSL_ERROR_ARGUMENT`); then every index (`FDSL_ERROR_INDEX`), before any
/// byte of `out` or `labels` is written.
///
/// # Safety
/// `ds` is NULL or a live handle; `indices` is readable for `n` entries; `out` is writable for
/// `out_len` bytes; `labels` is NULL or writable for `n` entries (the pointers may be NULL when `n`
/// is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fdsl_render_batch(
    ds: *const fdsl_dataset,
    indices: *const u64,
    n: usize,
    out: *mut u8,
    out_len: usize,
    labels: *mut i64,
    threads: u32,
) -> c_int {
    guard(|| {
        // SAFETY: the caller passes NULL or a live handle.
        let dataset = unsafe { dataset(ds) }?;
        if n == 0 {
            return Ok(());
        }
        if indices.is_null() || out.is_null() {
            return Err(failure(FDSL_ERROR_NULL, "indices or out is NULL"));
        }
        // Sizes first: `n` is checked against `out_len` before `indices` is read.
        let need = n.checked_mul(dataset.sample_len()).filter(|_| n <= isize::MAX as usize / 8);
        let Some(need) = need.filter(|&need| out_len >= need) else {
            return Err(failure(
                FDSL_ERROR_BUFFER,
                format!(
                    "out holds {out_len} bytes; {n} samples need {}",
                    need.map_or_else(|| String::from("more than memory can hold"), |b| b.to_string())
                ),
            ));
        };
        check_threads(threads)?;
        // SAFETY: `indices` is readable for `n` entries (`n * 8` bytes fit in an isize, checked above).
        let indices = unsafe { std::slice::from_raw_parts(indices, n) };
        for &index in indices {
            check_index(dataset, index)?;
        }
        // SAFETY: `out` is writable for `out_len >= need` bytes.
        let out = unsafe { std::slice::from_raw_parts_mut(out, need) };
        dataset.render_batch(indices, out, threads as usize).map_err(render_failure)?;
        if !labels.is_null() {
            // SAFETY: `labels` is writable for `n` entries.
            let labels = unsafe { std::slice::from_raw_parts_mut(labels, n) };
            for (slot, &index) in labels.iter_mut().zip(indices) {
                *slot = dataset.label(index).map_err(|e| failure(FDSL_ERROR_INDEX, e))?;
            }
        }
        Ok(())
    })
}

/// A failed render: `FDSL_ERROR_MEMORY` when memory could not be had, else `FDSL_ERROR_RENDER`.
fn render_failure(e: anyhow::Error) -> Failure {
    let code = if is_out_of_memory(&e) { FDSL_ERROR_MEMORY } else { FDSL_ERROR_RENDER };
    failure(code, format!("{e:#}"))
}

/// `FDSL_ERROR_ARGUMENT` for a number of threads past the library's cap.
fn check_threads(threads: u32) -> Result<(), Failure> {
    ::fdsl_dataset::memory::check_threads(threads as usize)
        .map(|_| ())
        .map_err(|e| failure(FDSL_ERROR_ARGUMENT, e))
}

fn check_index(dataset: &Dataset, index: u64) -> Result<(), Failure> {
    if index < dataset.len() {
        Ok(())
    } else {
        Err(failure(
            FDSL_ERROR_INDEX,
            format!("index {index} is past the end: the dataset has {} samples", dataset.len()),
        ))
    }
}

/// The message of this thread's last failed call, one line ("" after a call that succeeded); valid
/// until this thread's next fdsl call.
#[unsafe(no_mangle)]
pub extern "C" fn fdsl_last_error() -> *const c_char {
    LAST_ERROR.with(|e| e.borrow().as_ptr())
}

/// `FDSL_ABI_VERSION` of the library linked.
#[unsafe(no_mangle)]
pub extern "C" fn fdsl_abi_version() -> u32 {
    FDSL_ABI_VERSION
}

/// The library's version, `"fdsl X.Y.Z"`: datasets are rebuilt byte for byte by the version that
/// wrote them (the `tool` of their manifest).
#[unsafe(no_mangle)]
pub extern "C" fn fdsl_version() -> *const c_char {
    static VERSION: &CStr =
        match CStr::from_bytes_with_nul(concat!("fdsl ", env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(v) => v,
            Err(_) => panic!("the version has no NUL"),
        };
    VERSION.as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_a_status_and_a_message_not_an_abort() {
        let code = guard(|| panic!("boom"));
        assert_eq!(code, FDSL_ERROR_PANIC);
        // SAFETY: fdsl_last_error returns this thread's NUL-terminated message.
        let message = unsafe { CStr::from_ptr(fdsl_last_error()) }.to_str().unwrap().to_owned();
        assert_eq!(message, "internal error (a panic, caught): boom");
        assert_eq!(guard(|| Ok(())), FDSL_OK);
        // SAFETY: as above.
        assert_eq!(unsafe { CStr::from_ptr(fdsl_last_error()) }.to_bytes(), b"");
    }

    #[test]
    fn messages_are_one_line() {
        assert_eq!(guard(|| Err(failure(FDSL_ERROR_SPEC, "a\nb\0c"))), FDSL_ERROR_SPEC);
        // SAFETY: as above.
        assert_eq!(unsafe { CStr::from_ptr(fdsl_last_error()) }.to_bytes(), b"a b c");
    }

    #[test]
    fn the_version_names_the_tool() {
        // SAFETY: a static NUL-terminated string.
        assert_eq!(unsafe { CStr::from_ptr(fdsl_version()) }.to_str().unwrap(), ::fdsl_dataset::TOOL);
    }
}
