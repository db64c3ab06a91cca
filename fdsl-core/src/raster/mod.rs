//! Drawing into caller-owned pixel buffers, each primitive as the reference library draws it:
//! 8-bit canvases with 3x3 patches and flips, PIL's lines, OpenCV's polygon and circle fills, ellipses and thick polylines, HSV
//! colours and Gaussian blur, radial contours, diamond-square fields.

pub mod blur;
pub mod canvas;
pub mod contour;
pub mod diamond_square;
pub mod hsv;
pub mod opencv_draw;
pub mod opencv_fill;
pub mod pil_line;
pub mod pil_polygon;
