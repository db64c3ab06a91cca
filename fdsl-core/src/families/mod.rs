//! The dataset families, one module (or folder) each: everything that turns (class, instance) into a
//! sample, behind [`crate::family::Family`].
//!
//! | module | datasets |
//! | --- | --- |
//! | [`fractaldb`] | FractalDB (grey and colour), One-instance FractalDB; its category search, instance weights and latest-first painting |
//! | [`rcdb`] | RCDB, radial contours |
//! | [`visual_atom`] | VisualAtom, contours grown by sine waves and Perlin noise |
//! | [`exfractaldb`] | ExFractalDB and MV-FractalDB, 3-D IFS models seen through cameras; the 3-D search and weights |
//! | [`pc_fractaldb`] | PC-FractalDB point clouds and scenes |
//! | [`anderson_farrell`] | Anderson & Farrell's coloured fractals on diamond-square backgrounds |
//! | [`dead_leaves`] | dead leaves |
//! | [`dead_leaves_textured`] | dead leaves whose leaves are filled with statistical textures |
//! | [`statistical`] | Baradad et al.'s statistical image models: spectrum, wavelet marginals, colour |
//! | [`perlin_images`] | Perlin noise images (fdsl's reconstruction) |
//! | [`bezier`] | Bezier curve images (fdsl's reconstruction) |
//! | [`one_point_frac`] | 1p-frac: one fractal and its small perturbations, one image per class |
//! | [`segrcdb`] | SegRCDB: radial contours with per-pixel class masks |
//! | [`primgeoseg`] | PrimGeoSeg: 3-D volumes of primitive solids' outlines and their voxel labels |
//!
//! [`drawn`] is the one family of every image set drawn one by one from (seed, class, instance)
//! streams: RCDB, VisualAtom, Perlin and Bezier are its categories. `docs/adding-a-family.md` says
//! which files a new family touches.

pub mod anderson_farrell;
pub mod bezier;
pub mod dead_leaves;
pub mod dead_leaves_textured;
pub mod drawn;
pub mod exfractaldb;
pub mod fractaldb;
pub mod one_point_frac;
pub mod pc_fractaldb;
pub mod perlin_images;
pub mod primgeoseg;
pub mod rcdb;
pub mod segrcdb;
pub mod statistical;
pub mod visual_atom;
