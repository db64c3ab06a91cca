//! Work a family can take from elsewhere: FractalDB's canvases, painted on a GPU by the same core
//! code (`fdsl-cuda`), handed to the CPU's flips and files with the same bytes.

use anyhow::Result;
use fdsl_core::{CanvasJob, CanvasKey, CanvasRecipe, Workspace};

/// A family whose canvases can be painted elsewhere.
pub trait Offload: Send + Sync {
    /// The canvas sample (class, instance) is made from, as a job for [`CanvasJob::render`], with its key.
    fn canvas_job(&self, class: usize, instance: u64) -> Result<(CanvasKey, CanvasJob)>;
    /// Put canvas `key`'s `pixels`, painted elsewhere, in `ws`, so that rendering its samples uses them.
    fn adopt_canvas(&self, key: CanvasKey, pixels: &[u8], ws: &mut Workspace<'_>) -> Result<()>;
    /// The recipe of its canvases, or why they cannot be painted elsewhere (a clause for messages).
    fn recipe(&self) -> Result<&CanvasRecipe, &'static str>;
}
