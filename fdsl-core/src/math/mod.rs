//! The mathematics every family draws on: keyed random streams (and MT19937 for replaying references), affine maps, iterated function
//! systems and their chaos game, the reference normalisation onto pixels, perspective cameras, 3-D
//! point clouds, scenes of boxes, Perlin's gradient noise, the 2-D FFT and the steerable pyramid.

pub mod affine;
pub mod camera;
pub mod chaos_game;
pub mod cloud;
pub mod fft;
pub mod frame;
pub mod ifs;
pub mod mt19937;
pub mod perlin;
pub mod scene;
pub mod steerable_pyramid;
pub mod stream;
