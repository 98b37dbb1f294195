//! The store: the only code that touches sled (docs/ARCHITECTURE.md, "Store layout" and
//! "Write path").
//!
//! Few keys, compact values: sled's open time and footprint grow with bytes on disk, and every
//! key costs ~200 B there. The trees — `blocks` (the events, 32 records per key), `summary`
//! (what lists need of each record), `open` (records that still need work, by due date),
//! `counts` (records per ledger and month), `authors` (the author log),
//! `search` and `text` (the search index), `meta` (identity, keys, counters, the have-set and
//! the places of devices met), `sync` (signers, peers, the outbox) — and every key
//! layout are described in `keys.rs`.
//!
//! Modules, from the bottom up; each imports only modules below it, and this file only hands
//! names on:
//! - `keys` (tree names, key encodings), `codec` (the envelope of stored values), `lock`,
//!   `paths`, `watermark` (files beside the database);
//! - `error` ([`StoreError`]), `recovery` (opening sled safely), `tags` (the stable tags views
//!   keep for status and category codes);
//! - `blocks` (blocks, summaries, views of a record, size limits), `db` (the [`Store`] handle
//!   and what `meta` says), `counts` (the month counts per ledger: the tally a write makes, and
//!   their reads);
//! - `author_log` (which records hold each device's events, by ranges of 1024 sequence numbers:
//!   its values, the delta a write applies, bulk merging, its check, [`Store::events_after`]);
//! - `search_index` (the term index and the text form: text, delta, collect, runs, query,
//!   check, which also runs the author log's), `read` (events, summaries, the open-work index,
//!   scans), `open` (open and init);
//! - `write`: the write path, `write::apply` of events of any device in one transaction, run
//!   by [`Store::commit`] (and the coming import), and the [`BulkWriter`];
//! - `import` (another store's events through `write::apply`, checked whole first),
//!   `sync_state` (the have-set, places, signers, peers, outbox);
//! - `views` (views of an older format derived again), `salvage` (copying a damaged store).
//!
//! Events and the views they change are written in one sled transaction and flushed before a
//! commit returns.

mod author_log;
pub mod codec;
pub mod lock;
pub mod paths;
pub mod recovery;
pub mod watermark;

mod blocks;
mod counts;
mod db;
mod error;
mod figures;
mod import;
mod keys;
mod open;
mod open_index;
mod read;
mod salvage;
pub mod search_index;
mod stats;
mod sync_state;
mod tags;
mod views;
mod write;

pub use author_log::AuthorCheck;
pub use blocks::{News, Summary, TITLE_MAX, Views};
pub use db::{Identity, Options, Store};
pub use error::StoreError;
pub use figures::{Cell as FigureCell, CellAt, FigureCheck, Link, Links, Via, reference, via};
pub use import::{ImportReport, shared_device};
pub use keys::RECORDS_PER_BLOCK;
pub use read::{OpenEntry, ScannedBlock, expected_views};
pub use salvage::{SalvageReport, salvage};
pub use search_index::{ScanEnd, SearchCheck, SearchIndexSize};
pub use stats::{PeriodKey, StatsApplied, StatsEntry};
pub use sync_state::{KeyEntry, OutboxEntry, PeerEntry, SyncMark, Trust};
pub use write::{BulkWriter, Draft};

#[cfg(test)]
mod test_support;
#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "kernel_tests.rs"]
mod kernel_tests;

const _: () = assert!(RECORDS_PER_BLOCK > 0);
