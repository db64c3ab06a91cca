//! fdsl-core's functions as PTX kernels: the very same code the CPU runs, compiled for
//! `nvptx64-nvidia-cuda` (see `../../shared/GPU.md` in the project's notes and `fdsl-cuda/README.md`).
//!
//! The first kernel is the obvious design: one thread per FractalDB canvas, `fdsl_core::families::fractaldb::Job::render`
//! unchanged: its chaos game traced into its own slice of a positions buffer and painted into its own
//! canvas. The on-chip scheme (`fractaldb_prepare` then `fractaldb_paint_on_chip`) keeps each canvas
//! in shared memory as `fdsl_core::families::fractaldb::latest_first` bit planes, painted latest point first by the
//! threads of one block, each owning a band of rows; it gives the same bytes.
#![no_std]
#![feature(abi_ptx, stdarch_nvptx, asm_experimental_arch)]

use core::arch::nvptx::{_block_dim_x, _block_idx_x, _thread_idx_x};
use fdsl_core::Canvas;
use fdsl_core::families::fractaldb::{Draw, Job, Recipe, patch_key, trace};
use fdsl_core::families::fractaldb::latest_first::{Planes, Tile, paint_patches, paint_points, rejections};
use fdsl_core::families::fractaldb::search::{Criteria, try_candidate};

// The block's dynamic shared memory (its size is the launch's `shared_mem_bytes`). Rust has no
// shared address space of its own on nvptx (rust-lang/rust#135516), and PTX accepts `.extern
// .shared` only at module scope, hence module-level assembly; `shared_words` takes its address.
core::arch::global_asm!(".extern .shared .align 16 .b8 fdsl_shared[];");

/// The generic address of the block's dynamic shared memory (`cvta.shared` of `fdsl_shared`).
#[inline(always)]
fn shared_words() -> *mut u32 {
    let p: u64;
    // SAFETY: converts the address of the module's shared array into a generic pointer; reads nothing.
    unsafe {
        core::arch::asm!("cvta.shared.u64 {p}, fdsl_shared;", p = out(reg64) p, options(nostack, nomem, pure));
    }
    p as *mut u32
}

/// Masks drawn forward per chunk before being painted backward (local memory, 64 bytes).
const CHUNK: usize = 32;

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

/// Prepare `n` canvases for `fractaldb_paint_on_chip`: thread `i` traces `jobs[i]` into
/// `positions[i·points ..]` and writes the number stored to `counts[i]`; in patch mode it also lists
/// the rejected draws of the job's mask stream into `rejected[i·capacity ..]` and their number into
/// `rejected_counts[i]`, `u32::MAX` when more than `capacity` (that canvas is then left to the CPU).
///
/// # Safety
/// `jobs` holds `n` jobs, `positions` `n · recipe.points` entries, `counts` and `rejected_counts` `n`,
/// `rejected` `n · capacity`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "ptx-kernel" fn fractaldb_prepare(
    jobs: *const Job,
    n: u64,
    seed: u64,
    recipe: Recipe,
    positions: *mut u32,
    counts: *mut u32,
    rejected: *mut u64,
    capacity: u64,
    rejected_counts: *mut u32,
) {
    let i = thread_index();
    if i >= n {
        return;
    }
    let (i, points) = (i as usize, recipe.points as usize);
    // SAFETY: each thread takes its own disjoint slices and slots, within the sizes the caller guarantees.
    let (job, positions, count, rejected, rejected_count) = unsafe {
        (
            &*jobs.add(i),
            core::slice::from_raw_parts_mut(positions.add(i * points), points),
            &mut *counts.add(i),
            core::slice::from_raw_parts_mut(rejected.add(i * capacity as usize), capacity as usize),
            &mut *rejected_counts.add(i),
        )
    };
    let weight = job.weight as usize;
    let traced = trace(&job.ifs, seed, job.category, weight, &recipe, positions).unwrap_or(0);
    *count = traced as u32;
    *rejected_count = match recipe.draw {
        Draw::Point => 0,
        Draw::Patch => {
            let stream = patch_key(seed, job.category, weight, job.count as usize).rng();
            rejections(&stream, traced as u64, rejected).map_or(u32::MAX, |r| r as u32)
        }
    };
}

/// Paint the `n` canvases `fractaldb_prepare` traced: block `b` paints canvas `b` in shared memory
/// (its decided plane, then its value plane, `height · ⌈width/32⌉` words each: the launch's
/// `shared_mem_bytes`); thread `t` of the block owns rows band `t` of `blockDim` bands
/// (`Tile::band`), paints every point latest first onto them and writes their bytes to
/// `canvases[b·side² ..]` (not flipped). Bands share no pixel, so threads never wait on each other.
/// Canvases whose `rejected_counts` is `u32::MAX` are not written.
///
/// # Safety
/// The buffers are those `fractaldb_prepare` filled for the same `n`, `recipe` and `capacity`;
/// `canvases` holds `n · side²` bytes; the block has the shared memory above.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "ptx-kernel" fn fractaldb_paint_on_chip(
    jobs: *const Job,
    n: u64,
    seed: u64,
    recipe: Recipe,
    positions: *const u32,
    counts: *const u32,
    rejected: *const u64,
    capacity: u64,
    rejected_counts: *const u32,
    canvases: *mut u8,
) {
    // SAFETY: reading the special registers of the running thread.
    let (b, t, threads) = unsafe { (_block_idx_x() as usize, _thread_idx_x(), _block_dim_x()) };
    if b as u64 >= n {
        return;
    }
    let (width, height) = (recipe.grid.width, recipe.grid.height);
    let points = recipe.points as usize;
    let whole = Tile::canvas(width, height);
    let tile = Tile::band(width, height, t, threads);
    let (plane, words) = (whole.plane_len(), whole.words_per_row());
    let first_word = tile.top as usize * words;
    // SAFETY: block `b` reads its own job's slots; thread `t` takes the words of its own rows in both
    // planes of the block's shared memory and the bytes of its own rows of canvas `b`, disjoint from
    // every other thread's.
    let (job, positions, rejected_count, decided, value, out) = unsafe {
        let shared = shared_words();
        (
            &*jobs.add(b),
            core::slice::from_raw_parts(positions.add(b * points), *counts.add(b) as usize),
            *rejected_counts.add(b),
            core::slice::from_raw_parts_mut(shared.add(first_word), tile.plane_len()),
            core::slice::from_raw_parts_mut(shared.add(plane + first_word), tile.plane_len()),
            core::slice::from_raw_parts_mut(
                canvases.add(b * whole.byte_len() + tile.top as usize * width as usize),
                tile.byte_len(),
            ),
        )
    };
    if rejected_count == u32::MAX {
        return;
    }
    let Ok(mut planes) = Planes::new(tile, decided, value) else { return };
    planes.clear();
    match recipe.draw {
        Draw::Point => paint_points(&mut planes, positions),
        Draw::Patch => {
            // SAFETY: the block's list of rejected draws, as `fractaldb_prepare` wrote it.
            let rejected =
                unsafe { core::slice::from_raw_parts(rejected.add(b * capacity as usize), rejected_count as usize) };
            let stream = patch_key(seed, job.category, job.weight as usize, job.count as usize).rng();
            paint_patches(&mut planes, positions, 0, &stream, rejected, &mut [0u16; CHUNK]);
        }
    }
    let _ = planes.write_bytes(out);
}
