//! `fdsl._fdsl`: the Rust side of the `fdsl` Python package (`python/fdsl/`). A thin layer over
//! `fdsl_dataset::Dataset`: samples rendered into NumPy arrays with the GIL released; every error a
//! Python exception carrying the library's message (`ValueError` for a bad spec, `IndexError` for an
//! index past the end, `TypeError` for a wrong buffer, `MemoryError` for memory that cannot be had);
//! no global thread pool (worker threads are made
//! per call, so the module is safe after `fork`).

use fdsl_dataset::memory::{is_out_of_memory, try_zeroed};
use fdsl_dataset::{Dataset as Inner, Part, Spec};
use fdsl_dataset::{DatasetCategories, cache};
use numpy::{PyArray1, PyReadwriteArrayDyn, PyUntypedArrayMethods};
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

    /// Part `part`'s bytes of `n` samples (little-endian, `bytes.len()` of them: a bounded part's
    /// actual entries) as an array of `n` x its dimensions, of its element type.
    fn array<'py>(
        &self,
        py: Python<'py>,
        part: &Part,
        bytes: Vec<u8>,
        n: usize,
    ) -> PyResult<Bound<'py, PyAny>> {
        let record = part.record_len().max(1);
        let entries = bytes.len() / record / n.max(1);
        let shape: Vec<usize> =
            [n, entries].into_iter().chain(part.dims.sizes().iter().skip(1).copied()).collect();
        // The bytes viewed as the element type, little-endian, then shaped.
        let dtype = py.import("numpy")?.getattr("dtype")?.call1((part.element.name(),))?;
        let dtype = dtype.call_method1("newbyteorder", ("<",))?;
        let flat = PyArray1::from_vec(py, bytes).into_any().call_method1("view", (dtype,))?;
        flat.call_method1("reshape", (shape,))
    }

    /// `inner`, its shared work (a texture pool) kept across processes in `folder`'s cache where
    /// that has one (a rendered folder's `.fdsl-cache`), else in the user's cache folder
    /// (`fdsl_dataset::cache::user_folder`: `$FDSL_CACHE_DIR`, `~/.cache/fdsl`, …).
    fn kept(inner: Inner, folder: Option<&std::path::Path>) -> Self {
        if let Some(work) = inner.shared_work() {
            let own = folder.map(|dir| dir.join(cache::FOLDER)).filter(|dir| dir.is_dir());
            work.kept().keep_in(own.or_else(cache::user_folder).map(cache::Cache::new));
        }
        Self { inner: Arc::new(inner) }
    }

    /// Buffers for `n` samples of `inner`'s parts, each room for `n` of its part.
    fn buffers_of(inner: &Inner, n: usize) -> anyhow::Result<Vec<Vec<u8>>> {
        let what = || format!("a batch of {n} samples");
        inner
            .parts()
            .iter()
            .map(|p| try_zeroed(n.saturating_mul(p.max_len()), what, "render fewer samples at once"))
            .collect()
    }
}

#[pymethods]
impl Dataset {
    /// The dataset a spec describes, as JSON: a manifest's `spec`, or `{"preset": ..., ...overrides}`.
    #[new]
    fn new(py: Python<'_>, spec_json: &str) -> PyResult<Self> {
        let json = spec_json.to_owned();
        let inner = py.detach(move || Inner::open(&json)).map_err(value_error)?;
        Ok(Self::kept(inner, None))
    }

    /// The dataset of a rendered folder (or its `manifest.json`).
    #[staticmethod]
    fn from_manifest(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Self> {
        let folder = if path.is_dir() { path.clone() } else { path.parent().unwrap_or(&path).to_owned() };
        let inner = py.detach(move || Inner::from_manifest(&path)).map_err(value_error)?;
        Ok(Self::kept(inner, Some(&folder)))
    }

    /// The dataset of a whole spec (JSON) and its category files' texts, in class order: no search
    /// and no file read (how a pickled dataset comes back).
    #[staticmethod]
    fn from_parts(spec_json: &str, texts: Vec<String>) -> PyResult<Self> {
        let spec: Spec = serde_json::from_str(spec_json).map_err(|e| PyValueError::new_err(e.to_string()))?;
        let files: Vec<(String, String)> =
            texts.into_iter().enumerate().map(|(c, t)| (Inner::category_path(c), t)).collect();
        let categories = DatasetCategories::parse(&spec.family, &files).map_err(value_error)?;
        Ok(Self::kept(Inner::new(spec, categories).map_err(value_error)?, None))
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

    /// The parts of every sample, in order: per part its name, role (`image`, `mask`, `points`,
    /// `layout`, `volume`, `labels`), element type (`uint8`, `float32`, `float64`), dimensions (for
    /// a bounded part, the first is the most), whether it is bounded, and whether it labels another
    /// part element by element.
    #[allow(clippy::type_complexity)]
    fn parts(&self) -> Vec<(&'static str, &'static str, &'static str, Vec<usize>, bool, bool)> {
        let info = |p: &Part| {
            let dims = p.dims.sizes().to_vec();
            (p.name, p.role.name(), p.element.name(), dims, p.dims.is_bounded(), p.role.annotates())
        };
        self.inner.parts().iter().map(info).collect()
    }

    /// The label of sample `index`: its class (-1 for unlabelled samples).
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

    /// Do the family's shared work now (a texture pool; nothing for most presets) on `threads` threads, with the GIL released.
    fn prepare(&self, py: Python<'_>, threads: usize) -> PyResult<()> {
        let inner = self.inner.clone();
        py.detach(move || inner.prepare(threads, &|_, _| ())).map_err(value_error)
    }

    /// Sample `index`'s parts, each an array of one sample (1 x its dimensions; a bounded part's
    /// actual entries), in part order.
    fn render<'py>(&self, py: Python<'py>, index: u64) -> PyResult<Vec<Bound<'py, PyAny>>> {
        self.check_indices(&[index])?;
        let inner = self.inner.clone();
        let parts = py
            .detach(move || -> anyhow::Result<Vec<Vec<u8>>> {
                let mut buffers = Self::buffers_of(&inner, 1)?;
                let mut out: Vec<&mut [u8]> = buffers.iter_mut().map(Vec::as_mut_slice).collect();
                let lens = inner.render_parts(index, &mut out)?;
                for (buffer, n) in buffers.iter_mut().zip(lens) {
                    buffer.truncate(n);
                }
                Ok(buffers)
            })
            .map_err(value_error)?;
        self.inner.parts().iter().zip(parts).map(|(part, bytes)| self.array(py, part, bytes, 1)).collect()
    }

    /// The samples `indices`: each part as one array (N x its dimensions), and their labels (int64
    /// N), on `threads` threads (1: this one; the bytes do not depend on it).
    fn render_batch<'py>(
        &self,
        py: Python<'py>,
        indices: Vec<u64>,
        threads: usize,
    ) -> PyResult<(Vec<Bound<'py, PyAny>>, Bound<'py, PyAny>)> {
        self.check_indices(&indices)?;
        let inner = self.inner.clone();
        let n = indices.len();
        let (parts, labels) = py
            .detach(move || -> anyhow::Result<(Vec<Vec<u8>>, Vec<i64>)> {
                let mut buffers = Self::buffers_of(&inner, n)?;
                let mut out: Vec<&mut [u8]> = buffers.iter_mut().map(Vec::as_mut_slice).collect();
                inner.render_batch(&indices, &mut out, threads)?;
                let labels = indices.iter().map(|&i| inner.label(i)).collect::<anyhow::Result<_>>()?;
                Ok((buffers, labels))
            })
            .map_err(value_error)?;
        let arrays = self
            .inner
            .parts()
            .iter()
            .zip(parts)
            .map(|(part, bytes)| self.array(py, part, bytes, n))
            .collect::<PyResult<_>>()?;
        Ok((arrays, PyArray1::from_vec(py, labels).into_any()))
    }

    /// Render the samples `indices`, part `i` into `outs[i]`: C-contiguous arrays of len(indices) x
    /// the part's dimensions, of its element type, viewed as bytes (`np.ndarray.view(np.uint8)`, its
    /// last dimension times the element's size); returns nothing.
    fn render_into(
        &self,
        py: Python<'_>,
        indices: Vec<u64>,
        mut outs: Vec<PyReadwriteArrayDyn<'_, u8>>,
        threads: usize,
    ) -> PyResult<()> {
        self.check_indices(&indices)?;
        let parts = self.inner.parts();
        let n = indices.len();
        let mut slices = Vec::with_capacity(parts.len());
        for (part, out) in parts.iter().zip(outs.iter_mut()) {
            let mut want: Vec<usize> = [n].into_iter().chain(part.dims.sizes().iter().copied()).collect();
            *want.last_mut().expect("n at least") *= part.element.size();
            slices.push(contiguous(part.name, out, &want)?);
        }
        let inner = self.inner.clone();
        py.detach(move || inner.render_batch(&indices, &mut slices, threads)).map_err(value_error)
    }
}

/// The bytes of the C-contiguous array `array` (called `name` in messages) of shape `want`.
fn contiguous<'a>(
    name: &str,
    array: &'a mut PyReadwriteArrayDyn<'_, u8>,
    want: &[usize],
) -> PyResult<&'a mut [u8]> {
    if array.shape() != want {
        return Err(PyValueError::new_err(format!(
            "the {name} array has shape {:?} (as bytes); these samples need {want:?}",
            array.shape()
        )));
    }
    if !array.is_c_contiguous() {
        return Err(PyTypeError::new_err(format!("the {name} array must be C-contiguous")));
    }
    array.as_slice_mut().map_err(|_| PyTypeError::new_err(format!("the {name} array must be C-contiguous")))
}

/// A preset as Python reads it: its name, its line of help, its example's overrides and its
/// variants' (name, overrides), each overrides a JSON object.
type PresetInfo = (&'static str, &'static str, String, Vec<(&'static str, String)>);

/// Every preset, in the registration's order.
#[pyfunction]
fn presets() -> Vec<PresetInfo> {
    let json = |overrides| serde_json::Value::Object(overrides).to_string();
    <fdsl_dataset::families::Settings as fdsl_dataset::Registry>::presets()
        .map(|p| {
            let variants = p.example.variants().into_iter().map(|(name, o)| (name, json(o))).collect();
            (p.name, p.about, json(p.example.overrides()), variants)
        })
        .collect()
}

/// The Rust side of the `fdsl` package.
#[pymodule]
fn _fdsl(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Dataset>()?;
    m.add_function(wrap_pyfunction!(presets, m)?)?;
    m.add("TOOL", fdsl_dataset::TOOL)?;
    m.add("DEFAULT_PRESET", fdsl_dataset::preset::DEFAULT)?;
    Ok(())
}
