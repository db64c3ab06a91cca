//! The C ABI of fdsl: `libfdsl.so` / `libfdsl.a`, declared by `include/fdsl.h` (made from this file by
//! cbindgen and checked fresh by `tests/header.rs`).
//!
//! A dataset is opened from its spec as JSON — the `spec` of a rendered dataset's `manifest.json`,
//! or the short form `{"preset": NAME, "seed": 0, "categories": 10}` — and renders any sample
//! into the caller's buffer with the very bytes `fdsl render` writes. Sample `index` is
//! `class * instances + instance`; its label is its class (−1 for unlabelled samples, numbered in one
//! group). A sample is its parts — an image; an image and its mask; a point cloud; a scene's points
//! and layout — each described by `fdsl_part_count`, `fdsl_part_name`, `fdsl_part_role`,
//! `fdsl_part_element`, `fdsl_part_dims` and `fdsl_part_size`, and rendered into a buffer of its
//! own (`fdsl_render`, `fdsl_render_batch`: one buffer per part).
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
use ::fdsl_dataset::{Dataset, Part};
use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char, c_int};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The version of this ABI; it grows when a declaration of `fdsl.h` changes incompatibly. 2: images
/// with masks. 3: samples are parts (`fdsl_part_*`), `fdsl_render` and `fdsl_render_batch` take one
/// buffer per part; ABI 2's `fdsl_sample_size`, `fdsl_sample_dims`, `fdsl_dataset_has_masks`,
/// `fdsl_mask_size`, `fdsl_render_with_mask` and `FDSL_ERROR_NO_MASKS` are gone (a mask is a part).
pub const FDSL_ABI_VERSION: u32 = 3;

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
/// A part varies in size from sample to sample (a scene's points), which `fdsl_render_batch` does
/// not render (`fdsl_render` does, one sample at a time).
pub const FDSL_ERROR_VARIABLE_SIZE: c_int = 5;
/// A sample could not be rendered (or worker threads could not be started).
pub const FDSL_ERROR_RENDER: c_int = 6;
/// An internal error: a panic, caught at the boundary. Please report it with the message.
pub const FDSL_ERROR_PANIC: c_int = 7;
/// An argument out of its range: `threads` past 4096 (0 is one per core).
pub const FDSL_ERROR_ARGUMENT: c_int = 8;
/// The memory a call needs cannot be had (the message names the size); nothing was written.
pub const FDSL_ERROR_MEMORY: c_int = 9;
/// A part index past the sample's parts.
pub const FDSL_ERROR_PART: c_int = 11;

/// The most dimensions of a part (`fdsl_part_dims`).
pub const FDSL_MAX_DIMS: usize = 4;

/// An opened dataset. Made by `fdsl_dataset_open`, released by `fdsl_dataset_free`; it may be used
/// from several threads at once.
#[allow(non_camel_case_types)]
pub struct fdsl_dataset {
    dataset: Dataset,
    /// Per part: its name, role and element type's name, NUL-terminated.
    names: Vec<[CString; 3]>,
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
/// failure `*out` is NULL. Presets whose categories come from a search search when opened: about
/// 1 s per 1,000 3-D categories per core.
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
        let c = |s: &str| CString::new(s).unwrap_or_default();
        let names =
            dataset.parts().iter().map(|p| [c(p.name), c(p.role.name()), c(p.element.name())]).collect();
        *out = Box::into_raw(Box::new(fdsl_dataset { dataset, names }));
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

/// The parts of every sample (0 for NULL).
///
/// # Safety
/// `ds` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fdsl_part_count(ds: *const fdsl_dataset) -> usize {
    // SAFETY: the caller passes NULL or a live handle.
    unsafe { dataset(ds) }.map_or(0, |d| d.parts().len())
}

/// Part `part`'s name, role and element type's name, or NULL for NULL and a part past the parts.
///
/// # Safety
/// `ds` is NULL or a live handle.
unsafe fn part_name(ds: *const fdsl_dataset, part: usize, which: usize) -> *const c_char {
    // SAFETY: the caller passes NULL or a live handle, which points to an `fdsl_dataset`.
    let names = unsafe { ds.as_ref() }.and_then(|d| d.names.get(part));
    names.map_or(std::ptr::null(), |n| n[which].as_ptr())
}

/// Part `part`'s name (`"image"`, `"mask"`, `"points"`, `"layout"`, …), unique in the sample; NULL
/// for NULL and past the parts. Valid while the handle lives.
///
/// # Safety
/// `ds` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fdsl_part_name(ds: *const fdsl_dataset, part: usize) -> *const c_char {
    // SAFETY: as the caller's.
    unsafe { part_name(ds, part, 0) }
}

/// Part `part`'s role, what its bytes are: `"image"` (H x W or H x W x C), `"mask"` (H x W, a label
/// per pixel: 0 the background, else the class drawn there + 1), `"points"` (N x 3: x, y, z),
/// `"layout"` (N x 11 per placed object: class, model, size x y z, centre x y z, heading, first
/// point, end point), `"volume"` (D x H x W), `"labels"` (D x H x W, a label per voxel); NULL for
/// NULL and past the parts. Valid while the handle lives.
///
/// # Safety
/// `ds` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fdsl_part_role(ds: *const fdsl_dataset, part: usize) -> *const c_char {
    // SAFETY: as the caller's.
    unsafe { part_name(ds, part, 1) }
}

/// Part `part`'s element type: `"uint8"`, `"float32"` or `"float64"` (little-endian); NULL for NULL
/// and past the parts. Valid while the handle lives.
///
/// # Safety
/// `ds` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fdsl_part_element(ds: *const fdsl_dataset, part: usize) -> *const c_char {
    // SAFETY: as the caller's.
    unsafe { part_name(ds, part, 2) }
}

/// The most bytes of part `part` of one sample (0 for NULL and past the parts): the size of its
/// buffer for `fdsl_render`.
///
/// # Safety
/// `ds` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fdsl_part_size(ds: *const fdsl_dataset, part: usize) -> usize {
    // SAFETY: the caller passes NULL or a live handle.
    unsafe { dataset(ds) }.ok().and_then(|d| d.parts().get(part)).map_or(0, Part::max_len)
}

/// Part `part`'s dimensions, row-major, into `dims` (room for `FDSL_MAX_DIMS`) and `*ndim`, and
/// unless `bounded` is NULL whether the first dimension is only the most (1: a scene's points, whose
/// count `fdsl_render` reports) or every sample's (0).
///
/// # Safety
/// `ds` is NULL or a live handle; `dims` is NULL or writable for `FDSL_MAX_DIMS` `size_t`; `ndim`
/// is NULL or writable for one; `bounded` is NULL or writable for one `int`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fdsl_part_dims(
    ds: *const fdsl_dataset,
    part: usize,
    dims: *mut usize,
    ndim: *mut usize,
    bounded: *mut c_int,
) -> c_int {
    guard(|| {
        // SAFETY: the caller passes NULL or a live handle.
        let dataset = unsafe { dataset(ds) }?;
        if dims.is_null() || ndim.is_null() {
            return Err(failure(FDSL_ERROR_NULL, "dims or ndim is NULL"));
        }
        let part = part_of(dataset, part)?;
        let sizes = part.dims.sizes();
        // SAFETY: `dims` is writable for FDSL_MAX_DIMS entries (a part has at most that many), `ndim`
        // for one, `bounded` NULL or for one.
        unsafe {
            std::ptr::copy_nonoverlapping(sizes.as_ptr(), dims, sizes.len().min(FDSL_MAX_DIMS));
            *ndim = sizes.len();
            if let Some(bounded) = bounded.as_mut() {
                *bounded = c_int::from(part.dims.is_bounded());
            }
        }
        Ok(())
    })
}

/// Part `part` of the dataset, or `FDSL_ERROR_PART`.
fn part_of(dataset: &Dataset, part: usize) -> Result<&Part, Failure> {
    dataset.parts().get(part).ok_or_else(|| {
        failure(FDSL_ERROR_PART, format!("part {part} is past the sample's {} parts", dataset.parts().len()))
    })
}

/// The caller's `nparts` buffers `outs` (`out_lens` bytes each), checked to be one per part, each
/// room for `samples` samples of its part, as slices of that length.
///
/// # Safety
/// `outs` and `out_lens` are NULL or readable for `nparts` entries; each `outs[i]` is writable for
/// `out_lens[i]` bytes.
unsafe fn part_buffers<'a>(
    dataset: &Dataset,
    outs: *const *mut u8,
    out_lens: *const usize,
    nparts: usize,
    samples: usize,
) -> Result<Vec<&'a mut [u8]>, Failure> {
    let parts = dataset.parts();
    if nparts != parts.len() {
        return Err(failure(
            FDSL_ERROR_BUFFER,
            format!("{nparts} buffers given; a sample has {} parts (fdsl_part_count)", parts.len()),
        ));
    }
    if outs.is_null() || out_lens.is_null() {
        return Err(failure(FDSL_ERROR_NULL, "outs or out_lens is NULL"));
    }
    // SAFETY: both are readable for `nparts` entries (the caller's, `nparts` checked above).
    let (outs, lens) =
        unsafe { (std::slice::from_raw_parts(outs, nparts), std::slice::from_raw_parts(out_lens, nparts)) };
    let mut buffers = Vec::with_capacity(nparts);
    for ((part, &out), &len) in parts.iter().zip(outs).zip(lens) {
        let need = part.max_len().checked_mul(samples).filter(|_| samples <= isize::MAX as usize / 8);
        let Some(need) = need.filter(|&need| len >= need) else {
            return Err(failure(
                FDSL_ERROR_BUFFER,
                format!(
                    "the {} buffer holds {len} bytes; {samples} sample(s) need {}",
                    part.name,
                    need.map_or_else(|| String::from("more than memory can hold"), |b| b.to_string())
                ),
            ));
        };
        if out.is_null() {
            return Err(failure(FDSL_ERROR_NULL, format!("the {} buffer is NULL", part.name)));
        }
        // SAFETY: `out` is writable for `len >= need` bytes.
        buffers.push(unsafe { std::slice::from_raw_parts_mut(out, need) });
    }
    Ok(buffers)
}

/// Render sample `index`, part `i` into `outs[i]` (`out_lens[i]` bytes, at least `fdsl_part_size`),
/// for the `nparts` parts (`fdsl_part_count`); unless `written` is NULL, store the bytes written into
/// each part (`nparts` entries: a bounded part's actual entries), and unless `label` is NULL the
/// sample's label (its class, −1 for unlabelled samples).
///
/// # Safety
/// `ds` is NULL or a live handle; `outs` and `out_lens` are NULL or readable for `nparts` entries,
/// each `outs[i]` writable for `out_lens[i]` bytes; `written` is NULL or writable for `nparts`
/// entries; `label` is NULL or writable for one `int64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fdsl_render(
    ds: *const fdsl_dataset,
    index: u64,
    outs: *const *mut u8,
    out_lens: *const usize,
    nparts: usize,
    written: *mut usize,
    label: *mut i64,
) -> c_int {
    guard(|| {
        // SAFETY: the caller passes NULL or a live handle.
        let dataset = unsafe { dataset(ds) }?;
        // SAFETY: as the caller's.
        let mut buffers = unsafe { part_buffers(dataset, outs, out_lens, nparts, 1) }?;
        check_index(dataset, index)?;
        let lens = dataset.render_parts(index, &mut buffers).map_err(render_failure)?;
        if !written.is_null() {
            // SAFETY: `written` is writable for `nparts` entries.
            unsafe { std::slice::from_raw_parts_mut(written, nparts) }.copy_from_slice(&lens);
        }
        // SAFETY: `label` is NULL or writable for one value.
        if let Some(label) = unsafe { label.as_mut() } {
            *label = dataset.label(index).map_err(|e| failure(FDSL_ERROR_INDEX, e))?;
        }
        Ok(())
    })
}

/// Render the `n` samples `indices`, part `i` of each into `outs[i]`, one after another
/// (`fdsl_part_size` bytes each; `out_lens[i]` at least `n` times that), for the `nparts` parts, and
/// unless `labels` is NULL their labels into `labels` (`n` entries), on `threads` threads: 0 one per core, 1 the calling thread, at most 4096
/// (`FDSL_ERROR_ARGUMENT` past it). Samples that share work (the images of one chaos game,
/// a 3-D model's views) are rendered together; the bytes do not depend on `threads` or on the order
/// of `indices`.
///
/// A part that varies in size (a scene's points) is `FDSL_ERROR_VARIABLE_SIZE`: render such samples
/// one at a time. Checked in this order, before `indices` is read: the handle, the parts' sizes
/// (`FDSL_ERROR_VARIABLE_SIZE`), the buffers against `n` samples (`FDSL_ERROR_BUFFER`, also when `n`
/// samples cannot exist in memory; `FDSL_ERROR_NULL`), `threads` (`FDSL_ERROR_ARGUMENT`); then every
/// index (`FDSL_ERROR_INDEX`), before any byte of the buffers or `labels` is written.
///
/// # Safety
/// `ds` is NULL or a live handle; `indices` is readable for `n` entries; `outs` and `out_lens` are
/// NULL or readable for `nparts` entries, each `outs[i]` writable for `out_lens[i]` bytes; `labels`
/// is NULL or writable for `n` entries (the pointers may be NULL when `n` is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fdsl_render_batch(
    ds: *const fdsl_dataset,
    indices: *const u64,
    n: usize,
    outs: *const *mut u8,
    out_lens: *const usize,
    nparts: usize,
    labels: *mut i64,
    threads: u32,
) -> c_int {
    guard(|| {
        // SAFETY: the caller passes NULL or a live handle.
        let dataset = unsafe { dataset(ds) }?;
        if n == 0 {
            return Ok(());
        }
        if let Some(part) = dataset.parts().iter().find(|p| p.dims.is_bounded()) {
            return Err(failure(
                FDSL_ERROR_VARIABLE_SIZE,
                format!(
                    "the {} part varies in size; render such samples one at a time (fdsl_render)",
                    part.name
                ),
            ));
        }
        // Sizes first: `n` is checked against the buffers before `indices` is read.
        // SAFETY: as the caller's.
        let mut buffers = unsafe { part_buffers(dataset, outs, out_lens, nparts, n) }?;
        if indices.is_null() {
            return Err(failure(FDSL_ERROR_NULL, "indices is NULL"));
        }
        check_threads(threads)?;
        // SAFETY: `indices` is readable for `n` entries (`n * 8` bytes fit in an isize, checked above).
        let indices = unsafe { std::slice::from_raw_parts(indices, n) };
        for &index in indices {
            check_index(dataset, index)?;
        }
        dataset.render_batch(indices, &mut buffers, threads as usize).map_err(render_failure)?;
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
