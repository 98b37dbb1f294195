//! The write path (docs/ARCHITECTURE.md, "Write path"): events go into their blocks, and the
//! views they change — summaries, the open-work index, the search index and the text form —
//! are updated in the same sled transaction, which is flushed before the write returns.
//!
//! [`apply`] is the one function that does it, whoever produced the events: [`Store::commit`]
//! (this device's new events, numbered here) and a bundle import (events of other devices) both
//! run it inside [`Store::transact`]. Its contract:
//! - **Any device, any order.** An event goes to the block of its record (`entity`), whatever
//!   `device` wrote it; events of one call may span records, blocks and devices, in any order.
//!   A record's events are kept in arrival order (the fold sorts them by stamp).
//! - **Idempotent.** An event whose `(device, seq)` the record already holds is skipped, so
//!   applying the same events twice (or an import that overlaps what is held) changes nothing
//!   but rewriting the same values. Nothing else is checked: two different events with one
//!   `(device, seq)` are not told apart.
//! - **Records before their creation.** Events of a record whose creation event has not
//!   arrived are kept; the record has no summary, index entries or text until it does.
//! - **Bounded.** A block that would grow past `BLOCK_MAX` aborts the whole transaction
//!   (`StoreError::TooLarge`); callers check each event against `EVENT_MAX` first.
//! - **Views, and the devices listed.** [`apply`] writes `blocks`, `summary`, `open`, `search`,
//!   `text`, `counts` (one changed month count per record whose own month changes) and
//!   `authors` (the author log: which records hold each device's events, see `author_log.rs`),
//!   and adds the device of a record it has not held before to `meta/devices` (lists merge
//!   the devices listed there, so an import's records are listed). Counters and the clock are
//!   the caller's, in the same transaction.
//! - **Known codes.** A record whose status or category has no stable tag (`tags.rs`) aborts
//!   the whole transaction (`StoreError::UnknownCode`), never stored as another code.
//!
//! Per write it reads and rewrites each touched block, its summaries and (for ledger records)
//! its text group once, folds only the touched records, and reads the bucket directory, the
//! touched term buckets, the touched author-log keys and `meta/devices` once at the end: no
//! tree scans (transactions cannot scan).
//!
//! Bulk loads ([`BulkWriter`], in [`bulk`]) write whole blocks of new records in batches
//! instead of transactions, deriving each record's views with the same [`record_views`].

mod bulk;

pub use bulk::BulkWriter;

use sled::Transactional;
use sled::transaction::{TransactionError, TransactionalTree};

use super::author_log::{self, AuthorDelta};
use super::blocks::{self, BLOCK_MAX, Block, Slot, Summary, views_of_entity};
use super::codec;
use super::counts::Tally;
use super::db::{Counters, Store};
use super::error::{StoreError, TxError};
use super::figures::{self, FigDelta, LinkDelta};
use super::keys::{BlockKey, K_COUNTERS, K_DEVICES};
use super::open_index::{self, OpenDelta};
use super::search_index::{self, Delta};
use crate::domain::{Day, DeviceId, EntityId, Kind};
use crate::events::{Clock, Entity, Event, Op, fold};
use crate::search::{Term, terms_of};

/// An event to write: a new record (`entity: None`) or a change to an existing one.
#[derive(Clone, Debug)]
pub struct Draft {
    /// The record changed, or `None` to create one.
    pub entity: Option<EntityId>,
    /// What happens.
    pub op: Op,
}

/// The trees [`apply`] writes, as one sled transaction sees them.
pub(crate) struct Trees<'a> {
    pub meta: &'a TransactionalTree,
    pub blocks: &'a TransactionalTree,
    pub summary: &'a TransactionalTree,
    pub open: &'a TransactionalTree,
    pub search: &'a TransactionalTree,
    pub text: &'a TransactionalTree,
    pub counts: &'a TransactionalTree,
    pub figures: &'a TransactionalTree,
    pub links: &'a TransactionalTree,
    pub authors: &'a TransactionalTree,
}

/// A record's views, derived from its folded events: its summary, and its open-work index entry
/// (kind, due date, status tag with the decision bit: `Summary::open_tag`) while it needs work.
pub(super) struct RecordViews {
    pub summary: Summary,
    pub open: Option<(Kind, Option<Day>, u8)>,
}

/// The views of a record folded from `events` (the one derivation every writer uses); a status or category
/// code without a stable tag is refused (`StoreError::UnknownCode`), never stored as another.
pub(super) fn record_views(id: EntityId, e: &Entity, events: &[Event]) -> Result<RecordViews, StoreError> {
    let (summary, open) = views_of_entity(id, e, events)?;
    let open = open.map(|(kind, due)| (kind, due, summary.open_tag()));
    Ok(RecordViews { summary, open })
}

fn abort(what: String) -> impl FnOnce(codec::CodecError) -> TxError {
    move |err| TxError::Abort(StoreError::Corrupt { what, err })
}

/// Persons and households are found through the term index; the other kinds through their text.
fn is_indexed(kind: Kind) -> bool {
    matches!(kind, Kind::Person | Kind::Household)
}

/// Adds `events` to their blocks (skipping those already held) and updates the summaries, the
/// open-work index, the search index and the text form, inside a transaction (see the module
/// documentation for the contract).
pub(crate) fn apply(t: &Trees, events: &[Event]) -> Result<(), TxError> {
    apply_indexing(t, events, true)
}

/// [`apply`], leaving the search index and the text form alone when `index` is false: a large
/// import writes them once at its end instead (`Store::begin_deferred_index`), the index being
/// marked stale meanwhile so that an interrupted import has it rebuilt on the next open.
pub(crate) fn apply_indexing(t: &Trees, events: &[Event], index: bool) -> Result<(), TxError> {
    // search index: term changes of every record, applied once at the end
    let mut delta = Delta::default();
    // month counts: a record counted out of its old month and into its new one
    let mut tally = Tally::default();
    // figures view: a record's part taken out as it was and added as it is (store/figures/)
    let mut figs = FigDelta::default();
    // links view: a household's grid, a person's or visit's household, as each record has it now
    let mut links = LinkDelta::default();
    // open-work index: entries removed and inserted, applied per period at the end
    let mut open = OpenDelta::default();
    // author log: the records that hold each new event, by (device, seq range)
    let mut authors = AuthorDelta::default();
    let mut keys: Vec<BlockKey> = events.iter().map(|e| BlockKey::of(e.entity)).collect();
    keys.dedup();
    let mut seen = Vec::new();
    for key in keys {
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let mut block: Block = match t.blocks.get(key.bytes())? {
            Some(v) => codec::decode(&v).map_err(abort(format!("blocks/{key}")))?,
            None => Block::default(),
        };
        let mut sums: Vec<Summary> = match t.summary.get(key.bytes())? {
            Some(v) => blocks::decode_summaries(key, &v).map_err(TxError::Abort)?,
            None => vec![],
        };
        let mut touched: Vec<u32> = Vec::new();
        let mut old_terms: Vec<(u32, Option<Vec<Term>>)> = Vec::new();
        let mut old_parts: Vec<(u32, Option<figures::Part>, Option<figures::Link>)> = Vec::new();
        for ev in events.iter().filter(|e| BlockKey::of(e.entity) == key) {
            let n = ev.entity.n;
            let slot = match block.slots.iter().position(|s| s.n == n) {
                Some(i) => &mut block.slots[i],
                None => {
                    block.slots.push(Slot { n, events: vec![] });
                    block.slots.sort_by_key(|s| s.n);
                    let i = block.slots.iter().position(|s| s.n == n).unwrap_or(0);
                    &mut block.slots[i]
                }
            };
            if slot.events.iter().any(|e| e.key() == ev.key()) {
                continue;
            }
            if !touched.contains(&n) {
                // search index: the terms the record had before this write
                let id = EntityId { device: key.device, n };
                let indexed = index && sums.iter().any(|s| s.n == n && is_indexed(s.kind));
                // what the record added to the figures view before these events
                let old = if sums.iter().any(|s| s.n == n) { fold(id, &slot.events) } else { None };
                old_terms.push((n, if indexed { old.as_ref().map(terms_of) } else { None }));
                let old_link = old.as_ref().and_then(|e| figures::link(id, e));
                old_parts.push((n, old.as_ref().and_then(|e| figures::part(id, e)), old_link));
                touched.push(n);
            }
            authors.add(ev);
            slot.events.push(ev.clone());
        }
        let mut texts: Vec<(u32, String)> = Vec::new();
        for n in touched {
            let id = EntityId { device: key.device, n };
            let events = &block.slots.iter().find(|s| s.n == n).map(|s| s.events.as_slice()).unwrap_or(&[]);
            let old = sums.iter().position(|s| s.n == n).map(|i| sums.remove(i));
            if let Some(old) = &old {
                tally.add(key.device, old, -1);
                if old.open {
                    open.remove(old.kind, old.due, id);
                }
            }
            let (was_part, was_link) = match old_parts.iter_mut().find(|(m, _, _)| *m == n) {
                Some((_, p, l)) => (p.take(), l.take()),
                None => (None, None),
            };
            if let Some(p) = was_part {
                figs.add(&p, -1);
            }
            let entity = fold(id, events);
            if let Some(p) = entity.as_ref().and_then(|e| figures::part(id, e)) {
                figs.add(&p, 1);
            }
            links.set(id, was_link, entity.as_ref().and_then(|e| figures::link(id, e)));
            if let Some(e) = &entity {
                let views = record_views(id, e, events).map_err(TxError::Abort)?;
                if let Some((kind, due, status)) = views.open {
                    open.insert(kind, due, id, status);
                }
                tally.add(key.device, &views.summary, 1);
                sums.push(views.summary);
            }
            // search index and text
            if !index {
                continue;
            }
            let was =
                old_terms.iter_mut().find(|(m, _)| *m == n).and_then(|(_, terms)| terms.take()).unwrap_or_default();
            let now = entity.as_ref().map(terms_of).unwrap_or_default();
            delta.record(id, &was, &now);
            if let Some(e) = entity.as_ref().filter(|e| !is_indexed(e.kind)) {
                texts.push((n, search_index::text_entry(e)));
            }
        }
        sums.sort_by_key(|s| s.n);
        // the limit is on the uncompressed size: that is what reading the block decodes
        let bytes = codec::to_bytes(&block).len();
        if bytes > BLOCK_MAX {
            return Err(TxError::Abort(StoreError::TooLarge { what: "block", bytes, limit: BLOCK_MAX }));
        }
        t.blocks.insert(&key.bytes(), codec::encode_compressed(&block))?;
        t.summary.insert(&key.bytes(), codec::encode(&sums))?;
        if index {
            search_index::put_texts(t.text, key, texts)?;
        }
    }
    if index {
        search_index::apply_delta(t.search, delta)?;
    }
    tally.apply_tx(t.counts)?;
    figs.apply_tx(t.figures)?;
    links.apply_tx(t.links)?;
    open_index::apply_delta(t.open, open)?;
    author_log::apply_delta(t.authors, authors)?;
    add_devices(t.meta, events)?;
    Ok(())
}

/// Adds the devices of records this store did not hold yet to `meta/devices`, which lists merge
/// (`Store::walk_newest`): without it, an import's records would never be listed.
fn add_devices(meta: &TransactionalTree, events: &[Event]) -> Result<(), TxError> {
    let mut devices: Vec<DeviceId> = match meta.get(K_DEVICES)? {
        Some(v) => codec::decode(&v).map_err(abort("meta/devices".into()))?,
        None => vec![],
    };
    let before = devices.len();
    for ev in events {
        if !devices.contains(&ev.entity.device) {
            devices.push(ev.entity.device);
        }
    }
    if devices.len() != before {
        meta.insert(K_DEVICES, codec::encode(&devices))?;
    }
    Ok(())
}

impl Store {
    /// Runs `write` in one sled transaction over `meta` and the trees [`apply`] writes, then
    /// flushes and records the watermark: what returns `Ok` is on disk. `write` may run more
    /// than once (sled retries a conflicting transaction), so it must not have other effects.
    pub(crate) fn transact<T>(
        &self,
        write: impl Fn(&TransactionalTree, &Trees) -> Result<T, TxError>,
    ) -> Result<T, StoreError> {
        let trees = (
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
        );
        let result =
            trees.transaction(|(meta, blocks, summary, open, search, text, counts, authors, figures, links)| {
                write(meta, &Trees { meta, blocks, summary, open, search, text, counts, authors, figures, links })
            });
        let out = match result {
            Ok(out) => out,
            Err(TransactionError::Abort(e)) => return Err(e),
            Err(TransactionError::Storage(e)) => return Err(StoreError::Sled(e)),
        };
        self.db.flush()?;
        self.mark_committed()?;
        Ok(out)
    }

    /// Writes drafts as events — sequence numbers, clock readings and new record numbers are
    /// assigned here — together with the views they change, in one transaction, then flushes.
    /// Returns the events written.
    pub fn commit(&self, drafts: Vec<Draft>, worker: &str, wall_ms: u64) -> Result<Vec<Event>, StoreError> {
        let identity = self.identity()?.ok_or(StoreError::NotInitialised)?;
        let device = identity.device;
        self.transact(|meta, trees| {
            let mut counters: Counters = match meta.get(K_COUNTERS)? {
                Some(v) => codec::decode(&v).map_err(abort("meta/counters".into()))?,
                None => return Err(TxError::Abort(StoreError::NotInitialised)),
            };
            let mut clock = Clock::new(counters.hlc);
            let mut events = Vec::with_capacity(drafts.len());
            for d in &drafts {
                let entity = match d.entity {
                    Some(id) => id,
                    None => {
                        let id = EntityId { device, n: counters.next_n };
                        counters.next_n += 1;
                        id
                    }
                };
                let ev = Event {
                    device,
                    seq: counters.next_seq,
                    hlc: clock.tick(wall_ms),
                    worker: worker.to_string(),
                    entity,
                    op: d.op.clone(),
                };
                blocks::check_event_size(&ev).map_err(TxError::Abort)?;
                counters.next_seq += 1;
                events.push(ev);
            }
            counters.hlc = clock.last();
            apply(trees, &events)?;
            meta.insert(K_COUNTERS, codec::encode(&counters))?;
            Ok(events)
        })
    }
}

#[cfg(test)]
mod tests;
