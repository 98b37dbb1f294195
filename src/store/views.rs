//! Views (block summaries, the open-work index, the month counts, the author log) are derived
//! from the events. A store whose
//! views were written in an older format is re-derived from its events on open, once, so an
//! upgrade never needs the user to do anything and never loses a record.

use super::author_log::AuthorBulk;
use super::blocks::Block;
use super::codec;
use super::counts::Tally;
use super::db::Store;
use super::error::StoreError;
use super::figures::{self, FigDelta};
use super::keys::{BlockKey, K_DEVICES, K_IDENTITY, K_VIEWS_VERSION};
use super::open_index::OpenBulk;
use super::write::record_views;
use crate::domain::EntityId;
use crate::events::fold;

/// 14: a summary says whether an instruction or an extension decision from above waits for the
/// village to act on it;
/// 13: a summary keeps the days the inbox shows (the latest escalation, an extension request's
/// date and day), so the township's inbox reads summaries instead of every waiting record's
/// events; 12: the `counts` tree also counts each device's records per kind (`gridlog villages` reads a
/// few keys instead of every summary); 11: the figures cells keep their figures by the record a
/// grid comes through, and the links
/// view (`links`: households' grids, persons' and visits' households) lets a report by grid
/// read the view instead of folding every record (`store/figures/`); 10: the figures view (`figures`, `store/figures/`: what each record adds to the assessment
/// figures, per place and month); 9: a summary says whether a 督办, an escalation or an extension request waits
/// (`domain::oversight`), and the open-work entry's decision bit marks those too; 8: a summary says whether a person's record is merged into another (left out of lists,
/// `domain::merged`); 7: a summary says whether the record needs a decision, and its open-work entry carries the
/// decision bit (docs/ARCHITECTURE.md, "Concurrent status changes"); 6: each summary carries the record's title and whether it is urgent (the dashboard reads no
/// blocks); 5: the title alone; 4: a record's status and category kept as stable tags (`tags.rs`), not as positions in the
/// code lists, the author log (`authors`), and `meta/devices` listing every device whose
/// records the blocks hold; 3: due dates of hazards without a plan and of pending agreements (docs/SCHEMA.md), the month
/// counts (`counts`), and the open-work index packed many entries per key; 2: the open-work
/// index carries each record's status, one key per record (1: it did not).
const VIEWS_VERSION: u8 = 14;
const BATCH_BLOCKS: usize = 1024;

impl Store {
    /// Records that the views are in the current format (a new store).
    pub(super) fn mark_views_current(&self) -> Result<(), StoreError> {
        self.meta.insert(K_VIEWS_VERSION, &[VIEWS_VERSION])?;
        Ok(())
    }

    /// Re-derives the summaries and the open-work index from the events when they are older
    /// than this program's format.
    pub(super) fn ensure_views(&self) -> Result<(), StoreError> {
        if self.meta.get(K_IDENTITY)?.is_none() {
            return Ok(());
        }
        let current = self.meta.get(K_VIEWS_VERSION)?.and_then(|v| v.first().copied()).unwrap_or(1);
        if current >= VIEWS_VERSION {
            return Ok(());
        }
        tracing::info!("rebuilding the views from the events (format {current} to {VIEWS_VERSION})");
        self.summary.clear()?;
        self.open.clear()?;
        self.counts.clear()?;
        self.figures.clear()?;
        self.links.clear()?;
        self.authors.clear()?;
        let mut tally = Tally::default();
        let mut figs = FigDelta::default();
        let mut authors = AuthorBulk::default();
        let mut devices = self.devices()?;
        let (mut summaries, mut open, mut pending) = (sled::Batch::default(), OpenBulk::default(), 0);
        let mut link_batch = sled::Batch::default();
        for kv in self.blocks.iter() {
            let (k, v) = kv?;
            let damaged = |err| StoreError::Corrupt { what: format!("blocks/{:?}", k.as_ref()), err };
            let key = BlockKey::parse(&k).ok_or_else(|| damaged(codec::CodecError::Truncated))?;
            let block: Block = codec::decode(&v).map_err(damaged)?;
            if !devices.contains(&key.device) {
                devices.push(key.device);
            }
            let mut sums = Vec::with_capacity(block.slots.len());
            let mut links = Vec::new();
            for slot in &block.slots {
                let id = EntityId { device: key.device, n: slot.n };
                authors.add_events(&slot.events);
                let entity = fold(id, &slot.events);
                if let Some(p) = entity.as_ref().and_then(|e| figures::part(id, e)) {
                    figs.add(&p, 1);
                }
                if let Some(l) = entity.as_ref().and_then(|e| figures::link(id, e)) {
                    links.push((slot.n, l));
                }
                if let Some(views) = entity.map(|e| record_views(id, &e, &slot.events)).transpose()? {
                    if let Some((kind, due, status)) = views.open {
                        open.add(kind, due, id, status);
                    }
                    tally.add(key.device, &views.summary, 1);
                    sums.push(views.summary);
                }
            }
            summaries.insert(&k, codec::encode(&sums));
            if let Some(v) = figures::encode_links(&links) {
                link_batch.insert(&k, v);
            }
            pending += 1;
            if pending >= BATCH_BLOCKS {
                self.summary.apply_batch(std::mem::take(&mut summaries))?;
                self.links.apply_batch(std::mem::take(&mut link_batch))?;
                open.write(&self.open)?;
                authors.write(&self.authors)?;
                // the figures so far go to their tree now (a cell adds up), so memory holds a
                // batch's part, not the whole store's (docs/PERFORMANCE.md, "Reports")
                std::mem::take(&mut figs).apply(&self.figures)?;
                pending = 0;
            }
        }
        self.summary.apply_batch(summaries)?;
        self.links.apply_batch(link_batch)?;
        open.write(&self.open)?;
        authors.write(&self.authors)?;
        tally.apply(&self.counts)?;
        figs.apply(&self.figures)?;
        self.meta.insert(K_DEVICES, codec::encode(&devices))?;
        self.mark_views_current()?;
        self.db.flush()?;
        Ok(())
    }
}
