//! Sync by bundle files (docs/BUNDLE.md; docs/ARCHITECTURE.md, "Layers"): the only code that
//! knows the bundle format. Pure over bytes: it reads and writes bundles, and imports `events`
//! and `domain` only (never `store`, never sled).
//!
//! Modules, each importing only those before it: `error` (`BundleError`, `Section`) →
//! `format` (the constants) → `cursor` (bounded reads) → `canonical` (decoding an event's
//! canonical encoding), `header` (`Header`, `BundleId`) → `writer` (`BundleWriter`) → `reader`
//! (`Bundle`). `seal` (encrypted bundles: `seal`, `open`) imports `error` only: it wraps the
//! finished bytes of a signed bundle and never parses them. `stats` (a township's statistics
//! file for its county, docs/COUNTY.md: `write_stats`, `read_stats`; its rows in `stats_rows`)
//! shares the header's producer fields and the signed trailer's shape under its own magic and
//! context. This file only declares and re-exports.

mod canonical;
mod cursor;
mod error;
pub mod format;
mod header;
mod reader;
mod seal;
mod stats;
mod stats_rows;
mod writer;

pub use error::{BundleError, Section};
pub use header::{BundleId, Header};
pub use reader::{Bundle, BundleReader};
#[doc(hidden)]
pub use seal::seal_with_ephemeral;
pub use seal::{
    ENVELOPE_LEN, SEAL_CHUNK, SEALED_MAGIC, SealError, TAG_LEN, check_recipient, is_sealed, open, open_stream, seal,
    seal_stream, sealed_for,
};
pub use stats::{
    PLACE_NAME_MAX, STATS_CONTEXT, STATS_FILE_MAX, STATS_MAGIC, STATS_MAJOR, STATS_MINOR, STATS_PLACES_MAX, StatsFile,
    StatsHeader, is_stats, read_stats, write_stats,
};
pub use stats_rows::{STATS_FIGURES_MAX, STATS_ROWS_MAX, StatsRow};
pub use writer::BundleWriter;

#[cfg(test)]
mod tests;
