//! The memory a dataset's rendering holds: per worker thread, and for all threads together.

use super::new::Dataset;
use crate::registry::Registry;
use fdsl_core::family::Part;

impl<R: Registry> Dataset<R> {
    /// The most memory one worker thread holds while it renders: its working buffers (the family's
    /// [`Family::scratch_len`](fdsl_core::Family::scratch_len)) and one sample. A batch of `threads` threads needs this times
    /// `threads`, besides its output.
    pub fn bytes_per_thread(&self) -> u64 {
        (self.family().scratch_len().bytes() + self.sample_bytes()) as u64
    }

    /// The most bytes of one sample, its parts together.
    pub fn sample_bytes(&self) -> usize {
        self.parts.iter().map(Part::max_len).sum()
    }

    /// The most memory the family keeps for all worker threads together (the textured dead leaves'
    /// texture pool), besides [`Dataset::bytes_per_thread`].
    pub fn shared_bytes(&self) -> u64 {
        self.spec.family.family().shared_bytes(&self.spec)
    }
}
