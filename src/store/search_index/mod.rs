//! The search index and the free-text compact form (docs/ARCHITECTURE.md, "Search index"; the
//! keys and values are laid out in `keys.rs`).
//!
//! - `search`: term buckets, a few kilobytes of terms of one kind with their packed posting
//!   lists per key, and the directory of bucket keys. Terms come from
//!   [`crate::search::terms_of`].
//! - `text`: the [`crate::search::text_of`] of the ledger records (visits, demands, disputes,
//!   hazards) of 16 blocks per key, in a raw lz4-compressed layout that the free-text scan
//!   searches without decoding, newest group first, within a time budget.
//!
//! The parts, in the order they depend on each other:
//! - [`text`]: the text form (encode, decode, scan a group, replace some records' texts);
//! - [`delta`]: term changes of one transactional write, applied to the buckets;
//! - [`collect`] and [`runs`]: whole indexes for bulk loads and rebuilds (postings collected
//!   per batch and appended to a run file beside the database, merged once at the end, a frame
//!   per run in memory);
//! - [`query`]: term lookups, the text scan, the summaries of what was found;
//! - [`check`]: `doctor`'s comparison of the index with the events.
//!
//! Both trees are written in the same transaction as the blocks by the write path
//! (`store::write`), by bulk loads ([`BulkIndex`]), and rebuilt from the events when a store
//! written before them (or with another [`SEARCH_VERSION`]) is opened (this module).

mod check;
mod collect;
mod delta;
mod query;
mod runs;
mod text;

pub use check::SearchCheck;
pub(crate) use delta::{Delta, apply_delta};
pub use query::{ScanEnd, SearchIndexSize};
pub(crate) use text::{put_texts, text_entry};

use collect::Collector;
use text::{TextGroup, TextGrouper};

use super::codec;
use super::db::Store;
use super::error::StoreError;
use super::keys::{BlockKey, K_IDENTITY, K_SEARCH_VERSION};
use crate::domain::EntityId;
use crate::events::{Entity, fold};

/// Bump when terms or layout change: stores are re-indexed when opened.
const SEARCH_VERSION: u8 = 1;

fn postings_corrupt(what: String) -> StoreError {
    StoreError::Corrupt { what, err: codec::CodecError::Decode("damaged posting list".into()) }
}

impl Store {
    /// Ends a bulk load: merges its runs into the index, marks the index current and deletes the
    /// run file.
    pub(in crate::store) fn finish_bulk_index(&self) -> Result<(), StoreError> {
        self.write_index(true)?;
        self.meta.insert(K_SEARCH_VERSION, &[SEARCH_VERSION])?;
        self.db.flush()?;
        Ok(())
    }

    /// Starts writing events without indexing them (a large import): the index is marked stale
    /// first, so a store left so by a crash rebuilds it when next opened.
    pub fn begin_deferred_index(&self) -> Result<(), StoreError> {
        self.meta.remove(K_SEARCH_VERSION)?;
        self.db.flush()?;
        Ok(())
    }

    /// Marks the (empty) index of a new store as current.
    pub(in crate::store) fn mark_search_index_current(&self) -> Result<(), StoreError> {
        self.meta.insert(K_SEARCH_VERSION, &[SEARCH_VERSION])?;
        Ok(())
    }

    /// Builds the index when the store was written before it (or by another index version).
    /// A bulk load in progress is left alone: it builds its own.
    pub(in crate::store) fn ensure_search_index(&self) -> Result<(), StoreError> {
        if self.meta.get(K_SEARCH_VERSION)?.as_deref() == Some(&[SEARCH_VERSION]) || self.bulk_incomplete()? {
            return Ok(());
        }
        if self.blocks.is_empty() {
            self.search.clear()?;
            self.text.clear()?;
            if self.meta.get(K_IDENTITY)?.is_some() {
                self.mark_search_index_current()?;
            }
            return Ok(());
        }
        self.rebuild_search_index()
    }

    /// Rebuilds the search index and the text form from the events (every block is read).
    pub fn rebuild_search_index(&self) -> Result<(), StoreError> {
        self.text.clear()?;
        self.drop_runs()?;
        let mut col = Collector::default();
        let mut texts = TextGrouper::default();
        let mut blocks = 0usize;
        for b in self.scan() {
            let b = b?;
            // the text form goes out as it is made, not in one batch at the end: at 1M records
            // that batch alone was tens of MB (docs/PERFORMANCE.md, "Sync")
            blocks += 1;
            if blocks.is_multiple_of(256) {
                self.text.apply_batch(texts.take_batch())?;
            }
            let mut block_texts = Vec::new();
            for (n, events) in &b.records {
                let id = EntityId { device: b.device, n: *n };
                if let Some(e) = fold(id, events) {
                    col.add(id, &e);
                    block_texts.push((*n, text_entry(&e)));
                }
            }
            if let Some((n, _)) = b.records.first() {
                let key = BlockKey::of(EntityId { device: b.device, n: *n });
                texts.add(key, block_texts, |_| Ok(TextGroup::default()))?;
            }
            if col.full() {
                self.append_run(col.take_run())?;
            }
        }
        self.append_run(col.take_run())?;
        self.text.apply_batch(texts.take_batch())?;
        self.write_index(false)?;
        self.meta.insert(K_SEARCH_VERSION, &[SEARCH_VERSION])?;
        self.db.flush()?;
        Ok(())
    }
}

/// The bulk-load side of the index: postings and texts of the blocks sealed since the last
/// batch.
#[derive(Debug, Default)]
pub(in crate::store) struct BulkIndex {
    postings: Collector,
    texts: TextGrouper,
}

impl BulkIndex {
    /// Adds the index entries of one sealed block's records.
    pub(in crate::store) fn add_block(
        &mut self,
        store: &Store,
        key: BlockKey,
        records: &[(EntityId, Entity)],
    ) -> Result<(), StoreError> {
        let mut texts = Vec::new();
        for (id, e) in records {
            self.postings.add(*id, e);
            texts.push((id.n, text_entry(e)));
        }
        if self.postings.full() {
            store.append_run(self.postings.take_run())?;
        }
        self.texts.add(key, texts, |k| store.stored_text(k))
    }

    /// Writes the texts and appends the postings run (before the batch's flush).
    pub(in crate::store) fn write(&mut self, store: &Store) -> Result<(), StoreError> {
        store.text.apply_batch(self.texts.take_batch())?;
        store.append_run(self.postings.take_run())
    }
}

#[cfg(test)]
mod tests;
