//! The mathematics every family draws on: keyed random streams (and MT19937 for replaying
//! references), affine maps, iterated function systems and their chaos game, the reference
//! normalisation onto pixels, perspective cameras, 3-D point clouds, scenes of boxes, Perlin's
//! gradient noise, the 2-D FFT and the steerable pyramid, and the statistical images' numerics:
//! moments, NumPy's histogram and `interp`, a radix sort, histogram matching, SciPy's box blur, the
//! Jacobi eigen-solver and LAPACK `dgeev`'s 3×3 eigenvectors.

pub mod affine;
pub mod box_blur;
pub mod camera;
pub mod cdf_matching;
pub mod chaos_game;
pub mod cloud;
pub mod eigen3;
pub mod fft;
pub mod frame;
pub mod histogram;
pub mod ifs;
pub mod interp;
pub mod jacobi;
pub mod moments;
pub mod mt19937;
pub mod perlin;
pub mod radix_sort;
pub mod scene;
pub mod steerable_pyramid;
pub mod stream;
