//! `fdsl-core`: the math of Formula-Driven Supervised Learning datasets.
//!
//! Everything here is a pure function of its arguments: no allocation, no I/O, no clock,
//! no global state. Randomness comes only from [`math::stream::StreamKey`]s, so any sample of a
//! dataset can be computed alone, in any order, on any worker, with the same bytes as a
//! sequential run. Floating point uses only IEEE-754 basic operations (never fused), and
//! the few transcendental functions needed come from the `libm` crate, so the same code
//! gives the same bits on every CPU and on NVIDIA GPUs.
//!
//! Three layers, a folder each, and one trait between them and every caller:
//! - [`math`]: keyed PCG streams ([`math::stream`]), affine maps, iterated function systems and the
//!   chaos game, the reference normalisation onto pixels ([`math::frame`]), cameras, 3-D point
//!   clouds, scenes, Perlin's gradient noise ([`math::perlin`]: the `noise` package's `pnoise1` /
//!   `pnoise2`);
//! - [`raster`]: caller-owned 8-bit canvases with 3x3 patches and flips ([`raster::canvas`]), PIL's
//!   lines ([`raster::pil_line`]), OpenCV's fills, HSV and blur, radial contours, diamond-square fields;
//! - [`families`]: one module or folder per dataset family (FractalDB with its search and weights,
//!   RCDB, VisualAtom, ExFractalDB, PC-FractalDB, Anderson & Farrell, dead leaves, Perlin images,
//!   Bezier curves), everything that turns (class, instance) into a sample;
//! - [`family`]: the one trait of every family, [`Family`]: (class, instance) into caller-owned
//!   buffers, errors the family's own.
//!
//! # Example: one FractalDB image into your own buffers
//!
//! ```
//! use fdsl_core::families::fractaldb::{FRACTALDB_1K, paint, trace};
//! use fdsl_core::families::fractaldb::weights::instance_weights;
//! use fdsl_core::{Affine2, Canvas, Flip, Ifs2};
//!
//! // A category: the maps and probabilities of one official CSV file (here the Sierpinski triangle).
//! let half = |e, f| (Affine2::from_coefficients([0.5, 0.0, 0.0, 0.5, e, f]), 1.0 / 3.0);
//! let category = Ifs2::new([half(0.0, 0.0), half(0.5, 0.0), half(0.25, 0.5)])?;
//!
//! // Instance (weight 3, count 7, flip 2) of class 42 of the dataset with seed 0, at the published recipe.
//! let (seed, class, weight, count) = (0, 42, 3, 7);
//! let recipe = FRACTALDB_1K; // 362x362, 200,000 points, patch mode
//! let ifs = category.scaled(&instance_weights(0.4)[weight]);
//! let mut positions = vec![0u32; recipe.points as usize];
//! let n = trace(&ifs, seed, class, weight, &recipe, &mut positions)?;
//! let mut pixels = vec![0u8; recipe.canvas_len()];
//! let mut canvas = Canvas::new(&mut pixels, 362, 362)?;
//! paint(&mut canvas, &positions[..n], recipe.draw, seed, class, weight, count);
//! let mut image = vec![0u8; recipe.canvas_len()];
//! canvas.write_flipped(Flip::Flip2, &mut image)?;
//! assert!(image.iter().all(|&v| v == 0 || v == 127));
//! assert!(canvas.filling_rate() > 0.1);
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```
#![no_std]
#![forbid(unsafe_code)]

pub mod families;
pub mod family;
pub mod math;
pub mod raster;

pub use family::{Element, Family, Filled, Part, Parts, RenderError, Role, Workspace};
pub use math::affine::{Affine2, Affine3, Map};
pub use math::ifs::{Ifs, Ifs2, Ifs3, IfsError, Sampling};
pub use math::stream::{Namespace, Purpose, StreamKey};
pub use raster::canvas::{Canvas, Flip};
