//! Sync by bundle files (docs/BUNDLE.md; docs/ARCHITECTURE.md, "Layers"): the only code that
//! knows the bundle format. Pure over bytes: it reads and writes bundles, and imports `events`
//! and `domain` only (never `store`, never sled).
//!
//! Modules, each importing only those before it: `error` (`BundleError`, `Section`) →
//! `format` (the constants) → `cursor` (bounded reads) → `canonical` (decoding an event's
//! canonical encoding), `header` (`Header`, `BundleId`) → `writer` (`BundleWriter`) → `reader`
//! (`Bundle`). This file only declares and re-exports.

mod canonical;
mod cursor;
mod error;
pub mod format;
mod header;
mod reader;
mod writer;

pub use error::{BundleError, Section};
pub use header::{BundleId, Header};
pub use reader::{Bundle, BundleReader};
pub use writer::BundleWriter;

#[cfg(test)]
mod tests;
