//! The mathematics every family draws on: keyed random streams, affine maps, iterated function
//! systems and their chaos game, the reference normalisation onto pixels, perspective cameras, 3-D
//! point clouds, scenes of boxes, Perlin's gradient noise, the 2-D FFT, the steerable pyramid and
//! LAPACK's 3×3 eigenvectors.

pub mod affine;
pub mod camera;
pub mod chaos_game;
pub mod cloud;
pub mod eigen3;
pub mod fft;
pub mod frame;
pub mod ifs;
pub mod perlin;
pub mod scene;
pub mod steerable_pyramid;
pub mod stream;
