//! Events from another store (a bundle's), written through the one write path
//! (docs/ARCHITECTURE.md, "Write path"): checked whole against what this store holds first, so a
//! bundle from a copy of this store (one device id on two machines) is refused and changes
//! nothing; events already held are skipped, so importing twice or out of order is harmless.

use std::collections::{BTreeMap, HashSet};

use super::db::{Counters, Store};
use super::error::{StoreError, TxError};
use super::keys::{K_COUNTERS, K_HAVE, K_PLACES};
use super::write::apply_indexing;
use super::{blocks, codec};
use crate::domain::{DeviceId, EntityId};
use crate::events::{Clash, Clock, Event, Op, clashes};

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Events this store did not hold, now written.
    pub new: usize,
    /// Events it already held (skipped).
    pub known: usize,
}

impl Store {
    /// Writes `events` (from other devices, or this one's own coming back) in one transaction,
    /// with the views they change. Refused whole, writing nothing, when an event shares its
    /// `(device, seq)` with a different event this store holds, or creates a record this store
    /// holds as another record ([`StoreError::Clash`]). The clock observes the newest reading.
    /// The have-set grows by the new events and `places` (device → division code, checked by
    /// the caller) joins the places met, in the same transaction.
    pub fn import(
        &self,
        events: &[Event],
        places: &[(DeviceId, String)],
        wall_ms: u64,
    ) -> Result<ImportReport, StoreError> {
        self.import_indexing(events, places, wall_ms, true)
    }

    /// [`Store::import`] without updating the search index (between
    /// [`Store::begin_deferred_index`] and [`Store::rebuild_search_index`]).
    pub fn import_unindexed(
        &self,
        events: &[Event],
        places: &[(DeviceId, String)],
        wall_ms: u64,
    ) -> Result<ImportReport, StoreError> {
        self.import_indexing(events, places, wall_ms, false)
    }

    fn import_indexing(
        &self,
        events: &[Event],
        places: &[(DeviceId, String)],
        wall_ms: u64,
        index: bool,
    ) -> Result<ImportReport, StoreError> {
        for e in events {
            blocks::check_event_size(e)?;
        }
        let held = self.held_for(events)?;
        let found = clashes(&held, events);
        if !found.is_empty() {
            return Err(StoreError::Clash(found));
        }
        let held_keys: HashSet<(DeviceId, u64)> = held.iter().map(Event::key).collect();
        let mut seen = HashSet::new();
        let new: Vec<Event> =
            events.iter().filter(|e| !held_keys.contains(&e.key()) && seen.insert(e.key())).cloned().collect();
        let report = ImportReport { new: new.len(), known: events.len() - new.len() };
        let own = self.identity()?.map(|i| i.device);
        let mut have = self.foreign_have()?;
        for e in new.iter().filter(|e| Some(e.device) != own) {
            have.insert(e.device, e.seq);
        }
        let mut known_places = self.places()?;
        let mut places_changed = false;
        for (d, code) in places {
            if Some(*d) != own && known_places.get(d) != Some(code) {
                known_places.insert(*d, code.clone());
                places_changed = true;
            }
        }
        if let Some(d) = own {
            known_places.remove(&d);
        }
        if new.is_empty() && !places_changed {
            return Ok(report);
        }
        let have_bytes = codec::encode(&have);
        let places_bytes = codec::encode(&known_places);
        let newest = new.iter().map(|e| e.hlc).max().unwrap_or_default();
        self.transact(|meta, trees| {
            meta.insert(K_HAVE, have_bytes.as_slice())?;
            meta.insert(K_PLACES, places_bytes.as_slice())?;
            if new.is_empty() {
                return Ok(());
            }
            apply_indexing(trees, &new, index)?;
            if let Some(v) = meta.get(K_COUNTERS)? {
                let mut counters: Counters = codec::decode(&v)
                    .map_err(|err| TxError::Abort(StoreError::Corrupt { what: "meta/counters".into(), err }))?;
                let mut clock = Clock::new(counters.hlc);
                clock.observe(newest, wall_ms);
                counters.hlc = clock.last();
                meta.insert(K_COUNTERS, codec::encode(&counters))?;
            }
            Ok::<(), TxError>(())
        })?;
        Ok(report)
    }

    /// What importing `events` would be refused for (a copy of a store), writing nothing: for
    /// a dry run.
    pub fn import_clashes(&self, events: &[Event]) -> Result<Vec<Clash>, StoreError> {
        Ok(clashes(&self.held_for(events)?, events))
    }

    /// The events this store holds that `incoming` could clash with: every held event numbered
    /// in the range of seqs each device's incoming events span (through the author log), and
    /// the events of the records they create.
    fn held_for(&self, incoming: &[Event]) -> Result<Vec<Event>, StoreError> {
        let mut ranges: BTreeMap<DeviceId, (u64, u64)> = BTreeMap::new();
        for e in incoming {
            let r = ranges.entry(e.device).or_insert((e.seq, e.seq));
            r.0 = r.0.min(e.seq);
            r.1 = r.1.max(e.seq);
        }
        let mut held = Vec::new();
        for (device, (lo, hi)) in ranges {
            self.events_after(device, lo.saturating_sub(1), &mut |e| {
                if e.seq > hi {
                    return false;
                }
                held.push(e.clone());
                true
            })?;
        }
        let created: Vec<EntityId> =
            incoming.iter().filter(|e| matches!(e.op, Op::Create { .. })).map(|e| e.entity).collect();
        let known: HashSet<(DeviceId, u64)> = held.iter().map(Event::key).collect();
        for (_, events) in self.events_of_many(&created)? {
            held.extend(events.into_iter().filter(|e| !known.contains(&e.key())));
        }
        Ok(held)
    }
}

/// The clashes of a refused import, for messages: the first device a copied store shares.
pub fn shared_device(found: &[Clash]) -> Option<DeviceId> {
    found
        .iter()
        .map(|c| match c {
            Clash::SharedDevice { device, .. } => *device,
            Clash::CreatedTwice { entity } => entity.device,
        })
        .next()
}

#[cfg(test)]
#[path = "import_tests.rs"]
mod tests;
