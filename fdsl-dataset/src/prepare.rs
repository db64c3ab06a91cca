//! Work a built family keeps for all its samples and can do ahead of them — the textured dead leaves'
//! texture pool — so that a long render shows it as a phase of its own, with progress, instead of
//! its first samples stalling while they make it ([`crate::Dataset::prepare`]). Done or not, the
//! samples' bytes are the same: the work is a pure function of the dataset, made once.

use anyhow::Result;

/// Shared work in pieces, each done once whichever thread asks first (a sample or [`Prepare::prepare`]).
pub trait Prepare: Send + Sync {
    /// The work, for progress (`making the texture pool`).
    fn what(&self) -> &'static str;
    /// What a piece is, plural, for progress (`textures`).
    fn unit(&self) -> &'static str;
    /// The pieces in all.
    fn pieces(&self) -> u64;
    /// Do piece `index` if it is not done.
    fn prepare(&self, index: u64) -> Result<()>;
}
