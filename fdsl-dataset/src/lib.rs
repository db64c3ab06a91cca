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
//! assert_eq!((ds.len(), ds.sample_len()), (6, 64 * 64));
//! let mut image = vec![0u8; ds.sample_len()];
//! ds.render(4, &mut image)?; // class 1, instance 1: index = class x instances + instance
//! assert_eq!(ds.label(4)?, 1);
//! let mut batch = vec![0u8; 2 * ds.sample_len()];
//! ds.render_batch(&[4, 0], &mut batch, 2)?;
//! assert_eq!(&batch[..64 * 64], &image[..]);
//! # Ok::<(), anyhow::Error>(())
//! ```
//!
//! A spec is read in one direction: [`request`] (a preset and overrides) → [`preset`] (the published
//! spec) → the family's overrides and checks ([`family::FamilySettings`]) → [`dataset`] (the samples,
//! rendered). Each family is one file of [`families`], registered once there; everything else is
//! generic: [`spec`] (what a dataset is), [`flags`] (the family settings a request may change),
//! [`categories`] (category files), [`search`] (category searches), [`offload`] (work done on a GPU).

pub mod categories;
pub mod dataset;
pub mod families;
pub mod family;
pub mod flags;
pub mod jpeg;
pub mod memory;
pub mod offload;
pub mod prepare;
pub mod preset;
pub mod publication;
pub mod request;
pub mod search;
pub mod spec;

pub use categories::Categories;
pub use dataset::{Dataset, Sample, Scratch, Split};
pub use fdsl_core::family::SampleShape;
pub use request::Request;
pub use spec::Spec;

/// The manifest of a rendered dataset, in its folder.
pub const MANIFEST: &str = "manifest.json";
/// The manifest format this version writes and reads.
pub const MANIFEST_FORMAT: &str = "fdsl-dataset/1";
/// The tool that writes manifests: datasets are rebuilt byte for byte only by the version that
/// wrote them (a version whose output bytes differ gets a new number: 0.2.0 draws RCDB's lines as
/// PIL does and writes RCDB category files in the reference's keys).
pub const TOOL: &str = concat!("fdsl ", env!("CARGO_PKG_VERSION"));
