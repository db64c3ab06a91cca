//! Work a family can take from elsewhere: FractalDB's canvases, painted on a GPU by the same core
//! code (`fdsl-cuda`), handed to the CPU's flips and files with the same bytes.

use anyhow::Result;
use fdsl_core::Workspace;
use fdsl_core::families::fractaldb::{CanvasKey, Job, Recipe};
use std::sync::Arc;

/// Unflipped canvases by key, rendered elsewhere (a GPU).
pub type Canvases = Arc<std::collections::HashMap<CanvasKey, Vec<u8>>>;

/// A family whose canvases can be painted elsewhere.
pub trait Offload: Send + Sync {
    /// The canvas sample (class, instance) is made from, as a job for [`Job::render`], with its key.
    fn canvas_job(&self, class: usize, instance: u64) -> Result<(CanvasKey, Job)>;
    /// Put canvas `key`'s `pixels`, painted elsewhere, in `ws`, so that rendering its samples uses them.
    fn adopt_canvas(&self, key: CanvasKey, pixels: &[u8], ws: &mut Workspace<'_>) -> Result<()>;
    /// The recipe of its canvases, or why they cannot be painted elsewhere (a clause for messages).
    fn recipe(&self) -> Result<&Recipe, &'static str>;

    /// Put the canvas sample (class, instance) is made from in `ws` if `canvases` holds it (else
    /// the sample paints its own).
    fn adopt(&self, class: usize, instance: u64, canvases: &Canvases, ws: &mut Workspace<'_>) -> Result<()> {
        let (key, _) = self.canvas_job(class, instance)?;
        match canvases.get(&key) {
            Some(pixels) => self.adopt_canvas(key, pixels, ws),
            None => Ok(()),
        }
    }
}
