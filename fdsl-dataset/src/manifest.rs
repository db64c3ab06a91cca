//! The manifest of a rendered dataset: its file name, its format, and the tool that writes it.

/// The manifest of a rendered dataset, in its folder.
pub const MANIFEST: &str = "manifest.json";
/// The manifest format this version writes and reads.
pub const MANIFEST_FORMAT: &str = "fdsl-dataset/1";
/// The tool that writes manifests, recorded in them as the release that made a folder. Which
/// release makes which bytes is each family's bytes version ([`crate::spec::SpecFamily::bytes_version`]):
/// a folder verifies and resumes with any release whose bytes version for its family is the one
/// its manifest records.
pub const TOOL: &str = concat!("fdsl ", env!("CARGO_PKG_VERSION"));
