//! `fdsl-core`: the math of Formula-Driven Supervised Learning datasets.
//!
//! Everything here is a pure function of its arguments: no allocation, no I/O, no clock,
//! no global state. Randomness comes only from [`stream::StreamKey`]s, so any sample of a
//! dataset can be computed alone, in any order, on any worker, with the same bytes as a
//! sequential run. Floating point uses only IEEE-754 basic operations (never fused), and
//! the few transcendental functions needed come from the `libm` crate, so the same code
//! gives the same bits on every CPU and on NVIDIA GPUs.
//!
//! Modules, one concept each:
//! - [`stream`]: keyed PCG streams and the uniform draws built on them;
//! - [`affine`]: the affine map `Affine2` of the plane;
//! - [`ifs2`]: `Ifs2`, a 2-D iterated function system, and its random sampling;
//! - [`chaos_game`]: the point sequence of an IFS;
//! - [`frame`]: the reference's normalisation of a point set onto pixels;
//! - [`canvas`]: caller-owned 8-bit images, points, 3x3 patches, flips, filling rate;
//! - [`weights`]: the FractalDB instance weights (the 25-row scheme);
//! - [`fractaldb`]: the FractalDB recipe: one category and weight traced, patches drawn;
//! - [`search`]: the FractalDB category search.
#![no_std]
#![forbid(unsafe_code)]

pub mod affine;
pub mod canvas;
pub mod chaos_game;
pub mod fractaldb;
pub mod frame;
pub mod ifs2;
pub mod search;
pub mod stream;
pub mod weights;

pub use affine::Affine2;
pub use canvas::{Canvas, Flip};
pub use ifs2::{Ifs2, IfsError};
pub use stream::{Generator, Purpose, StreamKey};
