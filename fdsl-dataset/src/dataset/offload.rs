//! Work done elsewhere: the canvases a GPU can paint for a family that takes them
//! ([`crate::offload::Offload`]: FractalDB's).

use super::index::Sample;
use super::new::Dataset;
use crate::registry::Registry;
use anyhow::Result;
use fdsl_core::{CanvasJob, CanvasKey, CanvasRecipe};
use std::sync::Arc;

/// Unflipped canvases by key, rendered elsewhere (a GPU).
pub type Canvases = Arc<std::collections::HashMap<CanvasKey, Vec<u8>>>;

impl<R: Registry> Dataset<R> {
    /// The canvases `samples` need, each once, as jobs for [`CanvasJob::render`] (on a GPU), with
    /// their keys; empty for families that take no work from elsewhere.
    pub fn canvas_jobs(
        &self,
        samples: impl IntoIterator<Item = Sample>,
    ) -> Result<Vec<(CanvasKey, CanvasJob)>> {
        let Some(offload) = &self.offload else { return Ok(Vec::new()) };
        let mut jobs = samples
            .into_iter()
            .map(|s| offload.canvas_job(s.class, s.instance as u64))
            .collect::<Result<Vec<_>>>()?;
        jobs.sort_unstable_by_key(|(key, _)| *key);
        jobs.dedup_by_key(|(key, _)| *key);
        Ok(jobs)
    }

    /// The recipe of the canvases [`Dataset::canvas_jobs`] makes, `None` where none can be made
    /// elsewhere.
    pub fn canvas_recipe(&self) -> Option<&CanvasRecipe> {
        self.gpu_path().ok()
    }

    /// The recipe of the canvases a GPU can paint for this dataset, or why it has none (a clause for
    /// messages).
    pub fn gpu_path(&self) -> Result<&CanvasRecipe, String> {
        match &self.offload {
            Some(offload) => offload.recipe().map_err(str::to_owned),
            None => Err(format!("the {} preset has no GPU path", self.spec.preset)),
        }
    }
}
