//! `fdsl-cuda`: fdsl-core's own functions, compiled to PTX by `kernels/` (see its README), launched
//! on an NVIDIA GPU through `cudarc`. Builds with stable Rust and no CUDA: the driver is loaded at run
//! time, and its absence is an error, never a panic.
//!
//! Not yet exercised on a GPU: see `README.md` in this folder.

use cudarc::driver::{CudaContext, CudaFunction, CudaStream, DeviceRepr, LaunchConfig, PushKernelArg};
use cudarc::nvrtc::Ptx;
use fdsl_core::Canvas;
use fdsl_core::families::fractaldb::latest_first::Tile;
use fdsl_core::families::fractaldb::search::Criteria;
use fdsl_core::families::fractaldb::{Job, Recipe};
use std::sync::Arc;

/// The PTX of `kernels/`, checked fresh by `scripts/ptx.sh --check`.
pub const PTX: &str = include_str!("../kernels/fdsl.ptx");

/// Why the GPU cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum GpuError {
    /// No `libcuda` on this machine.
    #[error("no NVIDIA driver found; use --device cpu")]
    NoDriver,
    /// The driver refused something (no device, out of memory, a bad launch…).
    #[error("CUDA: {0}")]
    Driver(String),
    /// The job cannot run (its recipe does not fit the buffers).
    #[error("{0}")]
    Job(String),
}

fn driver(e: impl std::fmt::Debug) -> GpuError {
    GpuError::Driver(format!("{e:?}"))
}

/// `Job` by value in a kernel argument array.
#[derive(Clone, Copy)]
#[repr(transparent)]
struct DeviceJob(Job);
// SAFETY: `Job` is `#[repr(C)]` plain data (numbers and a flat array), as the kernel reads it.
unsafe impl DeviceRepr for DeviceJob {}

/// `Recipe` by value as a kernel parameter.
#[derive(Clone, Copy)]
#[repr(transparent)]
struct DeviceRecipe(Recipe);
// SAFETY: `Recipe` is `#[repr(C)]` plain data (`Grid` is `repr(C)`, `Draw` is `repr(u32)`).
unsafe impl DeviceRepr for DeviceRecipe {}

/// `Criteria` by value as a kernel parameter.
#[derive(Clone, Copy)]
#[repr(transparent)]
struct DeviceCriteria(Criteria);
// SAFETY: `Criteria` is `#[repr(C)]` plain data (`Grid`, a `u32`, an `f64`, a `Sampling` of two `u32`s and an `f64`).
unsafe impl DeviceRepr for DeviceCriteria {}

/// One GPU, its stream and the loaded kernels.
pub struct Gpu {
    ctx: Arc<CudaContext>,
    stream: Arc<CudaStream>,
    fractaldb_render: CudaFunction,
    search_candidates: CudaFunction,
    fractaldb_prepare: CudaFunction,
    fractaldb_paint_on_chip: CudaFunction,
}

/// Rejected mask draws listed per canvas by the on-chip scheme (about 391 are expected at 200,000
/// points; a canvas with more is rendered on the CPU).
pub const REJECTION_CAPACITY: usize = 4096;

impl Gpu {
    /// The first GPU, with the kernels loaded. `NoDriver` where there is no NVIDIA driver.
    pub fn new() -> Result<Self, GpuError> {
        // SAFETY: only probes whether the driver library can be loaded (CudaContext::new would panic).
        if !unsafe { cudarc::driver::sys::is_culib_present() } {
            return Err(GpuError::NoDriver);
        }
        let ctx = CudaContext::new(0).map_err(driver)?;
        let module = ctx.load_module(Ptx::from_src(PTX)).map_err(driver)?;
        let fractaldb_render = module.load_function("fractaldb_render").map_err(driver)?;
        let search_candidates = module.load_function("search_candidates").map_err(driver)?;
        let fractaldb_prepare = module.load_function("fractaldb_prepare").map_err(driver)?;
        let fractaldb_paint_on_chip = module.load_function("fractaldb_paint_on_chip").map_err(driver)?;
        let stream = ctx.default_stream();
        Ok(Self {
            ctx,
            stream,
            fractaldb_render,
            search_candidates,
            fractaldb_prepare,
            fractaldb_paint_on_chip,
        })
    }

    /// The device's name.
    pub fn name(&self) -> String {
        self.ctx.name().unwrap_or_else(|e| format!("unknown ({e:?})"))
    }

    /// Render `jobs` (one thread each) and return their unflipped canvases, `side²` bytes each, in
    /// order: the bytes `Job::render` gives on the CPU.
    pub fn render_canvases(&self, jobs: &[Job], seed: u64, recipe: &Recipe) -> Result<Vec<u8>, GpuError> {
        recipe.check().map_err(|e| GpuError::Job(e.to_string()))?;
        let n = jobs.len();
        let side = recipe.grid.width as usize;
        let device_jobs: Vec<DeviceJob> = jobs.iter().copied().map(DeviceJob).collect();
        let jobs_dev = self.stream.clone_htod(&device_jobs).map_err(driver)?;
        let mut positions = self.stream.alloc_zeros::<u32>(n * recipe.points as usize).map_err(driver)?;
        let mut canvases = self.stream.alloc_zeros::<u8>(n * side * side).map_err(driver)?;
        let (count, recipe) = (n as u64, DeviceRecipe(*recipe));
        let cfg = one_thread_each(n);
        let mut launch = self.stream.launch_builder(&self.fractaldb_render);
        launch.arg(&jobs_dev).arg(&count).arg(&seed).arg(&recipe).arg(&mut positions).arg(&mut canvases);
        // SAFETY: the arguments match the kernel's signature and the buffers hold n jobs, n · points
        // positions and n · side² bytes, as `fractaldb_render` requires.
        unsafe { launch.launch(cfg) }.map_err(driver)?;
        self.stream.clone_dtoh(&canvases).map_err(driver)
    }
}

impl Gpu {
    /// Render `jobs` with the on-chip scheme and return their unflipped canvases, as
    /// [`Gpu::render_canvases`]: one thread per job traces it and lists its mask stream's rejected
    /// draws (`fractaldb_prepare`), then one block of `bands` threads per canvas paints it latest
    /// first on `fdsl_core::families::fractaldb::latest_first` bit planes in shared memory, thread `t` owning row band `t`
    /// (`fractaldb_paint_on_chip`). A canvas whose stream rejects more than [`REJECTION_CAPACITY`]
    /// draws is rendered here on the CPU (`Job::render`).
    pub fn fractaldb_render_on_chip(
        &self,
        jobs: &[Job],
        seed: u64,
        recipe: &Recipe,
        bands: u32,
    ) -> Result<Vec<u8>, GpuError> {
        recipe.check().map_err(|e| GpuError::Job(e.to_string()))?;
        if !(1..=1024).contains(&bands) {
            return Err(GpuError::Job(format!("{bands} bands: a block has 1 to 1,024 threads")));
        }
        let n = jobs.len();
        let whole = Tile::canvas(recipe.grid.width, recipe.grid.height);
        let canvas_len = whole.byte_len();
        if n == 0 {
            return Ok(Vec::new());
        }
        let shared = 2 * whole.plane_len() * 4;
        if shared > 48 * 1024 {
            let attribute =
                cudarc::driver::sys::CUfunction_attribute::CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES;
            let bytes = i32::try_from(shared).map_err(|_| GpuError::Job("canvas too large".into()))?;
            self.fractaldb_paint_on_chip.set_attribute(attribute, bytes).map_err(driver)?;
        }
        let device_jobs: Vec<DeviceJob> = jobs.iter().copied().map(DeviceJob).collect();
        let jobs_dev = self.stream.clone_htod(&device_jobs).map_err(driver)?;
        let mut positions = self.stream.alloc_zeros::<u32>(n * recipe.points as usize).map_err(driver)?;
        let mut counts = self.stream.alloc_zeros::<u32>(n).map_err(driver)?;
        let mut rejected = self.stream.alloc_zeros::<u64>(n * REJECTION_CAPACITY).map_err(driver)?;
        let mut rejected_counts = self.stream.alloc_zeros::<u32>(n).map_err(driver)?;
        let mut canvases = self.stream.alloc_zeros::<u8>(n * canvas_len).map_err(driver)?;
        let (count, capacity, device_recipe) = (n as u64, REJECTION_CAPACITY as u64, DeviceRecipe(*recipe));
        let mut prepare = self.stream.launch_builder(&self.fractaldb_prepare);
        prepare
            .arg(&jobs_dev)
            .arg(&count)
            .arg(&seed)
            .arg(&device_recipe)
            .arg(&mut positions)
            .arg(&mut counts);
        prepare.arg(&mut rejected).arg(&capacity).arg(&mut rejected_counts);
        // SAFETY: the arguments match the kernel's signature; the buffers hold n jobs, n · points
        // positions, n counts, n · capacity rejected draws and n rejection counts.
        unsafe { prepare.launch(one_thread_each(n)) }.map_err(driver)?;
        let mut paint = self.stream.launch_builder(&self.fractaldb_paint_on_chip);
        paint.arg(&jobs_dev).arg(&count).arg(&seed).arg(&device_recipe).arg(&positions).arg(&counts);
        paint.arg(&rejected).arg(&capacity).arg(&rejected_counts).arg(&mut canvases);
        let cfg = LaunchConfig {
            grid_dim: (n as u32, 1, 1),
            block_dim: (bands, 1, 1),
            shared_mem_bytes: shared as u32,
        };
        // SAFETY: the buffers are those `fractaldb_prepare` just filled for the same n, recipe and
        // capacity, `canvases` holds n canvases, and each block gets both planes of its canvas.
        unsafe { paint.launch(cfg) }.map_err(driver)?;
        let mut bytes = self.stream.clone_dtoh(&canvases).map_err(driver)?;
        let overflowed = self.stream.clone_dtoh(&rejected_counts).map_err(driver)?;
        let mut scratch = Vec::new();
        for (i, _) in overflowed.iter().enumerate().filter(|(_, r)| **r == u32::MAX) {
            scratch.resize(recipe.points as usize, 0);
            let pixels = &mut bytes[i * canvas_len..(i + 1) * canvas_len];
            let (w, h) = (recipe.grid.width as usize, recipe.grid.height as usize);
            let mut canvas = Canvas::new(pixels, w, h).map_err(|e| GpuError::Job(e.to_string()))?;
            jobs[i]
                .render(seed, recipe, &mut scratch, &mut canvas)
                .map_err(|e| GpuError::Job(e.to_string()))?;
        }
        Ok(bytes)
    }

    /// The point-mode filling rates of candidates `first .. first + n` of the search with `seed`
    /// (one thread each): the rates `fdsl_core::families::fractaldb::search::try_candidate` computes on the CPU.
    pub fn search_filling_rates(
        &self,
        seed: u64,
        first: u64,
        n: usize,
        criteria: &Criteria,
    ) -> Result<Vec<f64>, GpuError> {
        let side = criteria.grid.width as usize;
        let mut canvases = self.stream.alloc_zeros::<u8>(n * side * side).map_err(driver)?;
        let mut rates = self.stream.alloc_zeros::<f64>(n).map_err(driver)?;
        let (count, criteria) = (n as u64, DeviceCriteria(*criteria));
        let mut launch = self.stream.launch_builder(&self.search_candidates);
        launch.arg(&seed).arg(&first).arg(&count).arg(&criteria).arg(&mut canvases).arg(&mut rates);
        // SAFETY: the arguments match the kernel's signature; the buffers hold n canvases and n rates.
        unsafe { launch.launch(one_thread_each(n)) }.map_err(driver)?;
        self.stream.clone_dtoh(&rates).map_err(driver)
    }
}

/// A launch of `n` threads in blocks of 128.
fn one_thread_each(n: usize) -> LaunchConfig {
    let threads = 128u32;
    LaunchConfig {
        grid_dim: ((n as u32).div_ceil(threads), 1, 1),
        block_dim: (threads, 1, 1),
        shared_mem_bytes: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ptx_has_the_kernels_the_host_launches() {
        assert!(PTX.contains(".visible .entry fractaldb_render("));
        assert!(PTX.contains(".visible .entry search_candidates("));
        assert!(PTX.contains(".visible .entry fractaldb_prepare("));
        assert!(PTX.contains(".visible .entry fractaldb_paint_on_chip("));
        assert!(!PTX.contains(".extern .func"));
    }

    #[test]
    fn no_driver_is_an_error_not_a_panic() {
        // On machines without libcuda (CI) this must say so; with a GPU it must load the module.
        match Gpu::new() {
            Err(GpuError::NoDriver) => {
                assert_eq!(GpuError::NoDriver.to_string(), "no NVIDIA driver found; use --device cpu")
            }
            Err(e) => panic!("a driver is present but: {e}"),
            Ok(gpu) => assert!(!gpu.name().is_empty()),
        }
    }
}
