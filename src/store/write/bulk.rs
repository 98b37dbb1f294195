//! Bulk loading (the demo generator): whole blocks of new records written in batches, bypassing
//! the per-change transaction, with one flush per batch. Each record's views come from the same
//! [`record_views`] as the transactional path; the search index is collected in runs and merged
//! once at the end (see `search_index::runs`). Not for events that may meet records already
//! held: those go through [`super::apply`].

use super::record_views;
use crate::domain::EntityId;
use crate::events::{Event, Hlc, fold};
use crate::store::author_log::AuthorBulk;
use crate::store::blocks::{Block, Slot};
use crate::store::codec;
use crate::store::counts::Tally;
use crate::store::db::{Counters, Store};
use crate::store::error::StoreError;
use crate::store::figures::{self, FigDelta};
use crate::store::keys::{
    BlockKey, K_COUNTERS, K_DEMO_END, K_DEMO_INCOMPLETE, RECORDS_PER_BLOCK, demo_end_value, parse_demo_end,
};
use crate::store::open_index::OpenBulk;
use crate::store::search_index::BulkIndex;

/// Collects complete records of this store's device and writes them a batch at a time.
/// Records must come in increasing record number. Callers bound memory by dropping the store
/// and opening it again every so many batches (sled's memory grows with what one handle wrote).
pub struct BulkWriter<'a> {
    store: &'a Store,
    blocks: sled::Batch,
    summaries: sled::Batch,
    open: OpenBulk,
    counts: Tally,
    figures: FigDelta,
    links: sled::Batch,
    search: BulkIndex,
    authors: AuthorBulk,
    current: Option<(BlockKey, Block)>,
    pending_bytes: usize,
    max_seq: u64,
    max_n: u32,
    max_hlc: Hlc,
}

impl<'a> BulkWriter<'a> {
    /// Starts a bulk load; the store is marked incomplete until [`BulkWriter::finish`].
    pub fn new(store: &'a Store) -> Result<BulkWriter<'a>, StoreError> {
        store.meta.insert(K_DEMO_INCOMPLETE, &[1u8])?;
        Ok(BulkWriter {
            store,
            blocks: Default::default(),
            summaries: Default::default(),
            open: Default::default(),
            counts: Default::default(),
            figures: Default::default(),
            links: Default::default(),
            search: Default::default(),
            authors: Default::default(),
            current: None,
            pending_bytes: 0,
            max_seq: 0,
            max_n: 0,
            max_hlc: Hlc::default(),
        })
    }

    /// Adds one record with all its events.
    pub fn push(&mut self, id: EntityId, events: Vec<Event>) -> Result<(), StoreError> {
        for e in &events {
            self.max_seq = self.max_seq.max(e.seq);
            self.max_hlc = self.max_hlc.max(e.hlc);
        }
        self.max_n = self.max_n.max(id.n);
        self.authors.add_events(&events);
        let key = BlockKey::of(id);
        if self.current.as_ref().is_some_and(|(k, _)| *k != key) {
            self.seal()?;
        }
        let (_, block) = self.current.get_or_insert_with(|| (key, Block::default()));
        block.slots.push(Slot { n: id.n, events });
        if (id.n + 1).is_multiple_of(RECORDS_PER_BLOCK) {
            self.seal()?;
        }
        Ok(())
    }

    fn seal(&mut self) -> Result<(), StoreError> {
        let Some((key, block)) = self.current.take() else { return Ok(()) };
        let mut sums = Vec::with_capacity(block.slots.len());
        let mut entities = Vec::with_capacity(block.slots.len());
        let mut links = Vec::new();
        for slot in &block.slots {
            let id = EntityId { device: key.device, n: slot.n };
            if let Some(e) = fold(id, &slot.events) {
                let views = record_views(id, &e, &slot.events)?;
                if let Some((kind, due, status)) = views.open {
                    self.open.add(kind, due, id, status);
                }
                self.counts.add(key.device, &views.summary, 1);
                if let Some(p) = figures::part(id, &e) {
                    self.figures.add(&p, 1);
                }
                if let Some(l) = figures::link(id, &e) {
                    links.push((id.n, l));
                }
                sums.push(views.summary);
                entities.push((id, e));
            }
        }
        if let Some(v) = figures::encode_links(&links) {
            self.links.insert(&key.bytes(), v);
        }
        self.search.add_block(self.store, key, &entities)?;
        let enc = codec::encode_compressed(&block);
        self.pending_bytes += enc.len();
        self.blocks.insert(&key.bytes(), enc);
        self.summaries.insert(&key.bytes(), codec::encode(&sums));
        Ok(())
    }

    /// Whether every record pushed so far sits in a sealed block (safe to write a batch, drop
    /// the store and continue with a new writer).
    pub fn at_block_boundary(&self) -> bool {
        self.current.is_none()
    }

    /// Bytes encoded since the last [`BulkWriter::write_batch`].
    pub fn pending_bytes(&self) -> usize {
        self.pending_bytes
    }

    /// Writes what has been collected (complete blocks only) and flushes.
    pub fn write_batch(&mut self) -> Result<(), StoreError> {
        self.store.blocks.apply_batch(std::mem::take(&mut self.blocks))?;
        self.store.summary.apply_batch(std::mem::take(&mut self.summaries))?;
        self.open.write(&self.store.open)?;
        std::mem::take(&mut self.counts).apply(&self.store.counts)?;
        std::mem::take(&mut self.figures).apply(&self.store.figures)?;
        self.store.links.apply_batch(std::mem::take(&mut self.links))?;
        self.search.write(self.store)?;
        self.authors.write(&self.store.authors)?;
        let mut counters: Counters = self.store.counters()?;
        counters.next_seq = counters.next_seq.max(self.max_seq + 1);
        counters.next_n = counters.next_n.max(self.max_n + 1);
        counters.hlc = counters.hlc.max(self.max_hlc);
        self.store.meta.insert(K_COUNTERS, codec::encode(&counters))?;
        self.store.db.flush()?;
        self.pending_bytes = 0;
        Ok(())
    }

    /// Writes the last block and batch, and clears the incomplete mark.
    pub fn finish(mut self) -> Result<(), StoreError> {
        self.seal()?;
        self.write_batch()?;
        self.store.finish_bulk_index()?;
        self.store.end_demo()
    }
}

impl Store {
    /// Marks the store incomplete, durably, before a bulk load writes anything (its identity
    /// included): a kill at any later moment leaves a store every command refuses.
    pub fn begin_bulk(&self) -> Result<(), StoreError> {
        self.meta.insert(K_DEMO_INCOMPLETE, &[1u8])?;
        self.db.flush()?;
        Ok(())
    }

    /// Ends a demo: clears the incomplete mark set by [`Store::begin_bulk`] and notes where
    /// the demo's own events end, so that [`Store::demo_untouched`] can tell a worker's entries.
    pub fn end_demo(&self) -> Result<(), StoreError> {
        self.meta.remove(K_DEMO_INCOMPLETE)?;
        let next_seq = self.counters()?.next_seq;
        self.meta.insert(K_DEMO_END, &demo_end_value(next_seq))?;
        self.db.flush()?;
        self.mark_committed()?;
        Ok(())
    }

    /// A bulk load was interrupted (the store holds partial demo data).
    pub fn bulk_incomplete(&self) -> Result<bool, StoreError> {
        Ok(self.meta.get(K_DEMO_INCOMPLETE)?.is_some())
    }

    /// Whether every record was written by the demo generator: no later `commit` (a worker's
    /// own entries in the demo store, which a new demo must not wipe).
    pub fn demo_untouched(&self) -> Result<bool, StoreError> {
        let end = self.meta.get(K_DEMO_END)?.and_then(|v| parse_demo_end(&v));
        Ok(end.is_some_and(|e| e == self.counters().map(|c| c.next_seq).unwrap_or(0)))
    }

    /// Removes every record, view, counter and sync mark, keeping nothing (to restart an
    /// interrupted demo, or make a new one).
    pub fn wipe(&self) -> Result<(), StoreError> {
        self.clear_watermark()?;
        for t in [
            &self.meta,
            &self.blocks,
            &self.summary,
            &self.open,
            &self.search,
            &self.text,
            &self.counts,
            &self.authors,
            &self.figures,
            &self.links,
            &self.sync,
            &self.stats,
        ] {
            t.clear()?;
        }
        self.drop_runs()?;
        self.db.flush()?;
        Ok(())
    }
}
