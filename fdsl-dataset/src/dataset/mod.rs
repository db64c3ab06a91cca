//! A dataset: its spec, its categories, its family, and every sample by index.
//!
//! Samples are indexed globally: `index = class · instances + instance` (`instances` per class, as
//! the spec says), and a sample's label is its class: a number per sample, not one of its parts. A
//! family whose samples have no class (unlabelled) numbers them in one group: sample `s` is index `s`
//! and its label is −1. The first `instances − val_per_class` instances of every class are in the
//! `train` split, the rest in `val`.
//!
//! What a sample *is* lives in the family ([`fdsl_core::family`]): its parts
//! ([`Part`](fdsl_core::family::Part): an image, a mask, points, a layout, …), each rendered into its
//! own buffer. This layer holds the categories and the family built from the spec, renders samples
//! alone or in batches (grouped by the family's units of shared work, in parallel, the bytes
//! independent of the order and the number of threads), and names them.
//!
//! One room per concern, each adding to [`Dataset`]: `new` (the dataset made from its spec and
//! categories, checked), `open` (from JSON, a request, a spec, a rendered folder: what the library,
//! `verify` and the bindings open), `index` (samples by index, chunks, names), `splits` (train and
//! val), `render` (samples into buffers, alone or grouped by unit, in parallel), `memory` (what a
//! render holds), `offload` (the canvases a GPU can paint for a family that takes them).

mod index;
mod memory;
mod new;
mod offload;
mod open;
mod render;
mod splits;

pub use index::{CHUNK_LEN, Chunk, Sample};
pub use new::Dataset;
pub use offload::Canvases;
pub use render::Scratch;
pub use splits::Split;
