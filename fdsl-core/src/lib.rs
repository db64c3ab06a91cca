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
//! - [`affine`]: affine maps `Affine2` of the plane and `Affine3` of space, the `Map` trait;
//! - [`ifs`]: `Ifs2` and `Ifs3`, iterated function systems, and their random sampling;
//! - [`chaos_game`]: the point sequence of an IFS;
//! - [`frame`]: the reference's normalisation of a point set onto pixels;
//! - [`canvas`]: caller-owned 8-bit images, points, 3x3 patches, flips, filling rate;
//! - [`weights`]: the FractalDB instance weights (the 25-row scheme);
//! - [`fractaldb`]: the FractalDB recipe and family: one category and weight traced, patches drawn;
//! - [`latest_first`]: FractalDB's painting resolved latest point first on bit planes (the on-chip scheme);
//! - [`search`]: the FractalDB category search;
//! - [`perlin`]: Perlin gradient noise, 1-D (`pnoise1`) and 2-D fractal sums (`pnoise2`, `Noise2`);
//! - [`mod@line`]: PIL's line rasteriser (truncated end points, Bresenham), as RCDB's reference draws;
//! - [`opencv_fill`]: OpenCV's filled polygons and circles (`fillPoly`, `circle`), as dead leaves paints;
//! - [`rcdb`]: RCDB radial contours and their family;
//! - [`cloud`]: 3-D fractal point clouds: chaos game, normalisation, variance check, 145 weights;
//! - [`camera`]: perspective projection of points (ExFractalDB, MV-FractalDB views);
//! - [`exfractaldb`]: the ExFractalDB / MV-FractalDB family: 3-D models seen through cameras;
//! - [`pc`]: PC-FractalDB's FractalNoiseMix instances and scenes;
//! - [`dead_leaves`]: dead leaves images (squares, oriented squares, mixed shapes) and their family;
//! - [`fft`]: the 2-D discrete Fourier transform of power-of-two squares (NumPy's conventions);
//! - [`steerable_pyramid`]: pyrtools' frequency-domain steerable pyramid (build and reconstruct);
//! - [`statistical`]: Baradad et al.'s statistical image models (spectrum, WMM, colour);
//! - [`dead_leaves_textured`]: dead leaves whose colour regions are filled with statistical textures;
//! - [`perlin_noise`]: Perlin noise images on a frequency × persistence grid (fdsl's reconstruction);
//! - [`bezier`]: Bezier curve images from random templates (fdsl's reconstruction);
//! - [`anderson_farrell`]: Anderson & Farrell's SVD-sampled fractals on diamond-square backgrounds;
//! - [`family`]: the one trait of every dataset family: (class, instance) into caller-owned buffers.
//!
//! # Example: one FractalDB image into your own buffers
//!
//! ```
//! use fdsl_core::fractaldb::{FRACTALDB_1K, paint, trace};
//! use fdsl_core::weights::instance_weights;
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

pub mod affine;
pub mod anderson_farrell;
pub mod bezier;
pub mod camera;
pub mod canvas;
pub mod chaos_game;
pub mod cloud;
pub mod contour;
pub mod dead_leaves;
#[path = "families/dead_leaves_textured.rs"]
pub mod dead_leaves_textured;
pub mod drawn;
pub mod exfractaldb;
pub mod family;
#[path = "math/fft.rs"]
pub mod fft;
pub mod fractaldb;
pub mod frame;
pub mod ifs;
pub mod latest_first;
pub mod line;
pub mod opencv_fill;
pub mod pc;
pub mod perlin;
pub mod perlin_noise;
pub mod rcdb;
pub mod search;
#[path = "families/statistical.rs"]
pub mod statistical;
#[path = "math/steerable_pyramid.rs"]
pub mod steerable_pyramid;
pub mod stream;
pub mod visual_atom;
pub mod weights;

pub use affine::{Affine2, Affine3, Map};
pub use canvas::{Canvas, Flip};
pub use family::{Family, RenderError, SampleShape, Workspace};
pub use ifs::{Ifs, Ifs2, Ifs3, IfsError, Sampling};
pub use stream::{Generator, Purpose, StreamKey};
