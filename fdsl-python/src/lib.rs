//! `fdsl._fdsl`: the Rust side of the `fdsl` Python package (`python/fdsl/`). A thin layer over
//! `fdsl_dataset::Dataset`: samples rendered into NumPy arrays with the GIL released; every error a
//! Python exception carrying the library's message (`ValueError` for a bad spec, `IndexError` for an
//! index past the end, `TypeError` for a wrong buffer, `MemoryError` for memory that cannot be had);
//! no global thread pool (worker threads are made
//! per call, so the module is safe after `fork`).

use fdsl_dataset::Categories;
use fdsl_dataset::memory::{is_out_of_memory, try_zeroed};
use fdsl_dataset::{Dataset as Inner, SampleShape, Spec};
use numpy::{PyArray1, PyArrayMethods, PyReadwriteArrayDyn, PyUntypedArrayMethods};
use pyo3::exceptions::{PyIndexError, PyMemoryError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use std::sync::Arc;

/// A dataset: its spec and categories, every sample by index (class x instances + instance).
#[pyclass(module = "fdsl._fdsl", frozen)]
struct Dataset {
    inner: Arc<Inner>,
}

/// The library's error as a Python exception: `MemoryError` when memory could not be had (never an
/// abort of the interpreter), else `ValueError`.
fn value_error(e: anyhow::Error) -> PyErr {
    if is_out_of_memory(&e) {
        PyMemoryError::new_err(format!("{e:#}"))
    } else {
        PyValueError::new_err(format!("{e:#}"))
    }
}

impl Dataset {
    fn check_indices(&self, indices: &[u64]) -> PyResult<()> {
        let len = self.inner.len();
        match indices.iter().find(|&&i| i >= len) {
            Some(i) => Err(PyIndexError::new_err(format!(
                "index {i} is past the end: the dataset has {len} samples"
            ))),
            None => Ok(()),
        }
    }

    /// The dimensions of one sample (of its image, with masks) and whether it is float32 (point
    /// clouds) or uint8 (images).
    fn dims(&self) -> PyResult<(Vec<usize>, bool)> {
        Ok(match self.inner.sample_shape() {
            SampleShape::Image { side, channels: 1 } => (vec![side, side], false),
            SampleShape::Image { side, channels } => (vec![side, side, channels], false),
            SampleShape::Cloud { points } => (vec![points, 3], true),
            SampleShape::Scene { .. } => (vec![0, 3], true),
        })
    }

    /// `bytes` (`n` samples, little-endian) as an array of `n` samples, uint8 or float32; with masks
    /// (each sample an image then its mask) a tuple of the `n` images and the `n` masks (uint8 N x H x W).
    fn samples<'py>(&self, py: Python<'py>, bytes: Vec<u8>, n: usize) -> PyResult<Bound<'py, PyAny>> {
        if !self.inner.has_masks() {
            return self.array(py, bytes, n);
        }
        let (image_len, len) = (self.inner.image_len(), self.inner.sample_len());
        let (mut images, mut masks) =
            (Vec::with_capacity(n * image_len), Vec::with_capacity(n * (len - image_len)));
        for sample in bytes.chunks_exact(len) {
            images.extend_from_slice(&sample[..image_len]);
            masks.extend_from_slice(&sample[image_len..]);
        }
        let (dims, _) = self.dims()?;
        let mask_shape = [n, dims[0], dims[1]];
        let masks = PyArray1::from_vec(py, masks).reshape(mask_shape)?.into_any();
        (self.array(py, images, n)?, masks).into_pyobject(py).map(Bound::into_any)
    }

    /// `bytes` (`n` samples, little-endian, no masks) as an array of `n` samples, uint8 or float32.
    fn array<'py>(&self, py: Python<'py>, bytes: Vec<u8>, n: usize) -> PyResult<Bound<'py, PyAny>> {
        let (mut dims, float) = self.dims()?;
        if float {
            let points = bytes.len() / 12;
            dims[0] = points / n.max(1);
            let values: Vec<f32> =
                bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
            let shape: Vec<usize> = [n].into_iter().chain(dims).collect();
            Ok(PyArray1::from_vec(py, values).reshape(shape)?.into_any())
        } else {
            let shape: Vec<usize> = [n].into_iter().chain(dims).collect();
            Ok(PyArray1::from_vec(py, bytes).reshape(shape)?.into_any())
        }
    }
}

#[pymethods]
impl Dataset {
    /// The dataset a spec describes, as JSON: a manifest's `spec`, or `{"preset": ..., ...overrides}`.
    #[new]
    fn new(py: Python<'_>, spec_json: &str) -> PyResult<Self> {
        let json = spec_json.to_owned();
        let inner = py.detach(move || Inner::open(&json)).map_err(value_error)?;
        Ok(Self { inner: Arc::new(inner) })
    }

    /// The dataset of a rendered folder (or its `manifest.json`).
    #[staticmethod]
    fn from_manifest(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Self> {
        let inner = py.detach(move || Inner::from_manifest(&path)).map_err(value_error)?;
        Ok(Self { inner: Arc::new(inner) })
    }

    /// The dataset of a whole spec (JSON) and its category files' texts, in class order: no search
    /// and no file read (how a pickled dataset comes back).
    #[staticmethod]
    fn from_parts(spec_json: &str, texts: Vec<String>) -> PyResult<Self> {
        let spec: Spec = serde_json::from_str(spec_json).map_err(|e| PyValueError::new_err(e.to_string()))?;
        let files: Vec<(String, String)> =
            texts.into_iter().enumerate().map(|(c, t)| (Inner::category_path(c), t)).collect();
        let categories = Categories::parse(&spec.family, &files).map_err(value_error)?;
        Ok(Self { inner: Arc::new(Inner::new(spec, categories).map_err(value_error)?) })
    }

    /// The whole spec as JSON (what `manifest.json` records as `spec`).
    fn spec_json(&self) -> String {
        serde_json::to_string(&self.inner.spec).expect("a spec serialises")
    }

    /// The category files' texts, in class order.
    fn category_texts(&self) -> Vec<String> {
        self.inner.category_files().into_iter().map(|(_, text)| text).collect()
    }

    fn __len__(&self) -> usize {
        self.inner.len() as usize
    }

    /// The class folder names, in label order.
    fn classes(&self) -> Vec<String> {
        (0..self.inner.class_count()).map(Inner::class_name).collect()
    }

    /// The dimensions of one sample (H, W[, C]) or (N, 3); with masks, of its image.
    fn sample_shape(&self) -> PyResult<Vec<usize>> {
        Ok(self.dims()?.0)
    }

    /// Whether every sample is an image with a per-pixel label mask (uint8 H x W: 0 the background,
    /// else the class + 1).
    fn has_masks(&self) -> bool {
        self.inner.has_masks()
    }

    /// `"uint8"` (images) or `"float32"` (point clouds).
    fn dtype(&self) -> PyResult<&'static str> {
        Ok(if self.dims()?.1 { "float32" } else { "uint8" })
    }

    /// The label of sample `index`: its class (-1 for scenes).
    fn label(&self, index: u64) -> PyResult<i64> {
        self.check_indices(&[index])?;
        self.inner.label(index).map_err(value_error)
    }

    /// The indices of the split `"train"` or `"val"` (the last `val_per_class` instances of each
    /// class), ascending.
    fn split_indices<'py>(&self, py: Python<'py>, split: &str) -> PyResult<Bound<'py, PyArray1<i64>>> {
        if split != "train" && split != "val" {
            return Err(PyValueError::new_err(format!("split is 'train' or 'val', not {split:?}")));
        }
        let inner = self.inner.clone();
        let indices: Vec<i64> = (0..inner.len())
            .filter(|&i| inner.sample(i).is_ok_and(|s| inner.split_of(s.instance).name() == split))
            .map(|i| i as i64)
            .collect();
        Ok(PyArray1::from_vec(py, indices))
    }

    /// The unit of shared work of every sample, as one int64 per index (samples with the same value
    /// share work: render them together).
    fn units<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let inner = self.inner.clone();
        let ids = py.detach(move || {
            let mut seen = std::collections::HashMap::new();
            (0..inner.len())
                .map(|i| {
                    let unit = inner.unit_of(i).expect("in range");
                    let next = seen.len() as i64;
                    *seen.entry(unit).or_insert(next)
                })
                .collect::<Vec<i64>>()
        });
        Ok(PyArray1::from_vec(py, ids))
    }

    /// Do the family's shared work now (the textured dead leaves' texture pool; nothing for other
    /// presets) on `threads` threads, with the GIL released.
    fn prepare(&self, py: Python<'_>, threads: usize) -> PyResult<()> {
        let inner = self.inner.clone();
        py.detach(move || inner.prepare(threads, &|_, _| ())).map_err(value_error)
    }

    /// Sample `index` as an array of one sample (uint8 1 x H x W, or float32 1 x N x 3); with masks,
    /// a tuple of its image and its mask (1 x H x W each).
    fn render<'py>(&self, py: Python<'py>, index: u64) -> PyResult<Bound<'py, PyAny>> {
        self.check_indices(&[index])?;
        let inner = self.inner.clone();
        let bytes = py
            .detach(move || {
                let mut out = try_zeroed(inner.sample_len(), || "one sample".into(), "use a smaller size")?;
                inner.render(index, &mut out).map(|n| {
                    out.truncate(n);
                    out
                })
            })
            .map_err(value_error)?;
        self.samples(py, bytes, 1)
    }

    /// The samples `indices` as one array (N x H x W or N x P x 3) and their labels (int64 N), on
    /// `threads` threads (1: this one; the bytes do not depend on it); with masks, their images and
    /// their masks (N x H x W each).
    fn render_batch<'py>(
        &self,
        py: Python<'py>,
        indices: Vec<u64>,
        threads: usize,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        self.check_indices(&indices)?;
        let inner = self.inner.clone();
        let n = indices.len();
        let (bytes, labels) = py
            .detach(move || -> anyhow::Result<(Vec<u8>, Vec<i64>)> {
                let bytes = n.saturating_mul(inner.sample_len());
                let what = || format!("a batch of {n} samples");
                let mut out = try_zeroed(bytes, what, "render fewer samples at once")?;
                inner.render_batch(&indices, &mut out, threads)?;
                let labels = indices.iter().map(|&i| inner.label(i)).collect::<anyhow::Result<_>>()?;
                Ok((out, labels))
            })
            .map_err(value_error)?;
        if self.inner.has_masks() {
            let pair = self.samples(py, bytes, n)?;
            return Ok((pair.get_item(0)?, pair.get_item(1)?));
        }
        Ok((self.array(py, bytes, n)?, PyArray1::from_vec(py, labels).into_any()))
    }

    /// Render the samples `indices` into `out`, a C-contiguous array of len(indices) samples of this
    /// dataset's shape and dtype, and with masks their masks into `masks` (C-contiguous uint8,
    /// len(indices) x H x W; required with masks, refused without); returns nothing.
    #[pyo3(signature = (indices, out, threads, masks=None))]
    fn render_into(
        &self,
        py: Python<'_>,
        indices: Vec<u64>,
        mut out: PyReadwriteArrayDyn<'_, u8>,
        threads: usize,
        masks: Option<PyReadwriteArrayDyn<'_, u8>>,
    ) -> PyResult<()> {
        self.check_indices(&indices)?;
        let (dims, float) = self.dims()?;
        if float {
            return Err(PyTypeError::new_err(
                "render_into takes uint8 images; render point clouds with render_batch",
            ));
        }
        let n = indices.len();
        let want: Vec<usize> = [n].into_iter().chain(dims.iter().copied()).collect();
        let slice = contiguous("out", &mut out, &want)?;
        let inner = self.inner.clone();
        match (masks, inner.has_masks()) {
            (None, false) => {
                py.detach(move || inner.render_batch(&indices, slice, threads)).map_err(value_error)
            }
            (Some(_), false) => Err(PyValueError::new_err(format!(
                "masks given, but the {} preset's samples have no masks (SegRCDB's images have)",
                inner.spec.preset
            ))),
            (None, true) => Err(PyTypeError::new_err(
                "these samples have masks: give masks=, a uint8 array of len(indices) x H x W",
            )),
            (Some(mut masks), true) => {
                let mask_slice = contiguous("masks", &mut masks, &[n, dims[0], dims[1]])?;
                py.detach(move || -> anyhow::Result<()> {
                    let len = inner.sample_len();
                    let what = || format!("a batch of {n} samples");
                    let mut both = try_zeroed(n.saturating_mul(len), what, "render fewer samples at once")?;
                    inner.render_batch(&indices, &mut both, threads)?;
                    let (image_len, mask_len) = (inner.image_len(), inner.mask_len());
                    let pieces = slice.chunks_exact_mut(image_len).zip(mask_slice.chunks_exact_mut(mask_len));
                    for (sample, (image, mask)) in both.chunks_exact(len).zip(pieces) {
                        image.copy_from_slice(&sample[..image_len]);
                        mask.copy_from_slice(&sample[image_len..]);
                    }
                    Ok(())
                })
                .map_err(value_error)
            }
        }
    }
}

/// The bytes of the C-contiguous array `array` (called `name` in messages) of shape `want`.
fn contiguous<'a>(
    name: &str,
    array: &'a mut PyReadwriteArrayDyn<'_, u8>,
    want: &[usize],
) -> PyResult<&'a mut [u8]> {
    if array.shape() != want {
        return Err(PyTypeError::new_err(format!(
            "{name} has shape {:?}; these samples need {want:?} (uint8)",
            array.shape()
        )));
    }
    if !array.is_c_contiguous() {
        return Err(PyTypeError::new_err(format!("{name} must be C-contiguous")));
    }
    array.as_slice_mut().map_err(|_| PyTypeError::new_err(format!("{name} must be C-contiguous")))
}

/// The Rust side of the `fdsl` package.
#[pymodule]
fn _fdsl(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Dataset>()?;
    m.add("TOOL", fdsl_dataset::TOOL)?;
    Ok(())
}
