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
use fdsl_core::search::{Criteria, try_candidate};

/// This thread's index in a one-dimensional launch.
#[inline(always)]
fn thread_index() -> u64 {
    // SAFETY: reading the special registers of the running thread.
    u64::from(unsafe { _block_idx_x() * _block_dim_x() + _thread_idx_x() })
}

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
    let i = thread_index();
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

/// Try candidates `first .. first + n` of the FractalDB search with `seed`: thread `j` draws candidate
/// `first + j` on its own canvas `canvases[j·side² ..]` and writes its point-mode filling rate to
/// `rates[j]` (the host re-derives the IFS, a pure function of seed and index, and the acceptance).
///
/// # Safety
/// `canvases` holds `n · side²` bytes and `rates` `n` values.
#[unsafe(no_mangle)]
pub unsafe extern "ptx-kernel" fn search_candidates(
    seed: u64,
    first: u64,
    n: u64,
    criteria: Criteria,
    canvases: *mut u8,
    rates: *mut f64,
) {
    let j = thread_index();
    if j >= n {
        return;
    }
    let side = criteria.grid.width as usize;
    // SAFETY: each thread takes its own disjoint slice and slot, within the sizes the caller guarantees.
    let (pixels, rate) = unsafe {
        (
            core::slice::from_raw_parts_mut(canvases.add(j as usize * side * side), side * side),
            &mut *rates.add(j as usize),
        )
    };
    let Ok(mut canvas) = Canvas::new(pixels, side, side) else { return };
    *rate = try_candidate(seed, first + j, &criteria, &mut canvas).filling_rate;
}
