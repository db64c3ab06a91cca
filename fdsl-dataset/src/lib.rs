//! `fdsl-dataset`: every fdsl dataset as a library, without the command line.
//!
//! A dataset is its [`Spec`] — the JSON object `manifest.json` records as `spec` — or a short form
//! naming a preset and what to change (`{"preset": "rcdb-1k", "seed": 3, "categories": 10}`, see
//! [`Request`]). [`Dataset::open`] takes either and makes the same bytes `fdsl render` writes, for
//! any sample alone or in batches:
//!
//! ```
//! use fdsl_dataset::Dataset;
//!
//! let ds = Dataset::open(r#"{"preset": "rcdb-1k", "categories": 2, "instances": 3, "size": 64}"#)?;
//! let image = ds.parts()[0]; // RCDB's one part: a grey image
//! assert_eq!((ds.len(), image.name, image.max_len()), (6, "image", 64 * 64));
//! let mut pixels = vec![0u8; image.max_len()];
//! ds.render_parts(4, &mut [&mut pixels])?; // class 1, instance 1: index = class x instances + instance
//! assert_eq!(ds.label(4)?, 1); // the label is a number per sample, not a part
//! let mut batch = vec![0u8; 2 * image.max_len()];
//! ds.render_batch(&[4, 0], &mut [&mut batch], 2)?; // one buffer per part, the samples in turn
//! assert_eq!(&batch[..64 * 64], &pixels[..]);
//! # Ok::<(), anyhow::Error>(())
//! ```
//!
//! A spec is read in one direction: [`request`] (a preset and overrides) → [`preset`] (the published
//! spec) → the family's overrides and checks ([`family::FamilySettings`]) → [`dataset`] (the samples,
//! rendered). Each family is one file of [`families`], registered once there, at the top: the
//! registration implements [`Registry`], and everything else is generic over it and names no family:
//! [`spec`] (what a dataset is), [`flags`] (the family settings a request may change), [`categories`]
//! (category files), [`search`] (category searches), [`offload`] (work done on a GPU). [`Dataset`] and
//! [`Spec`] are the generic ones of this registration.

pub mod cache;
pub mod categories;
pub mod dataset;
pub mod families;
pub mod family;
pub mod flags;
pub mod jpeg;
pub mod manifest;
pub mod memory;
pub mod offload;
pub mod prepare;
pub mod preset;
pub mod publication;
pub mod registry;
pub mod request;
pub mod search;
pub mod spec;

pub use categories::Categories;
pub use dataset::{Sample, Scratch, Split};
pub use fdsl_core::family::{Dims, Element, Part, Role};
pub use manifest::{MANIFEST, MANIFEST_FORMAT, TOOL};
pub use registry::Registry;
pub use request::Request;

/// A dataset of any registered family ([`families::Settings`]), ready to render.
pub type Dataset = dataset::Dataset<families::Settings>;
/// The specification of a dataset of any registered family, as its manifest records it.
pub type Spec = spec::Spec<families::Settings>;
/// A dataset's categories, of any family of this registration.
pub type DatasetCategories = registry::DatasetCategories<families::Settings>;
