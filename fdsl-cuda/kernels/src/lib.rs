//! fdsl-core's functions as PTX kernels: the very same code the CPU runs, compiled for
//! `nvptx64-nvidia-cuda` (see `../../shared/GPU.md` in the project's notes and `fdsl-cuda/README.md`).
//!
//! The first kernel is the obvious design: one thread per FractalDB canvas, `fdsl_core::fractaldb::Job::render`
//! unchanged: its chaos game traced into its own slice of a positions buffer and painted into its own
//! canvas. Faster schemes (on-chip bitmaps) come later; they
//! must give the same bytes.
#![no_std]
#![feature(abi_ptx, stdarch_nvptx)]

use core::arch::nvptx::{_block_dim_x, _block_idx_x, _thread_idx_x};
use fdsl_core::Canvas;
use fdsl_core::fractaldb::{Job, Recipe};

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    // SAFETY: `trap` aborts the kernel; nothing is left to observe.
    unsafe { core::arch::nvptx::trap() }
}

/// Render `n` jobs: thread `i` traces `jobs[i]` into `positions[i·points ..]` and paints it into
/// `canvases[i·side² ..]` (not flipped; the host flips). `recipe` is passed by value.
///
/// # Safety
/// `jobs` holds `n` jobs, `positions` `n · recipe.points` entries and `canvases` `n · side²` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "ptx-kernel" fn fractaldb_render(
    jobs: *const Job,
    n: u64,
    seed: u64,
    recipe: Recipe,
    positions: *mut u32,
    canvases: *mut u8,
) {
    let i = u64::from(unsafe { _block_idx_x() * _block_dim_x() + _thread_idx_x() });
    if i >= n {
        return;
    }
    let side = recipe.grid.width as usize;
    let points = recipe.points as usize;
    // SAFETY: each thread takes its own disjoint slices, within the sizes the caller guarantees.
    let (job, positions, pixels) = unsafe {
        (
            &*jobs.add(i as usize),
            core::slice::from_raw_parts_mut(positions.add(i as usize * points), points),
            core::slice::from_raw_parts_mut(canvases.add(i as usize * side * side), side * side),
        )
    };
    let Ok(mut canvas) = Canvas::new(pixels, side, side) else { return };
    let _ = job.render(seed, &recipe, positions, &mut canvas);
}
