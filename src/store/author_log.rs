//! The author log (docs/ARCHITECTURE.md, "Store layout"; key layout in `keys.rs`): for each
//! device, which records hold its events, by ranges of [`AUTHOR_RANGE`] sequence numbers.
//!
//! Events are stored by record (`blocks`), so "every event of device D after seq S" (what an
//! incremental export sends) would otherwise read every block. Here it reads the keys of D from
//! `S / 1024` on, then only the blocks of the records they name ([`Store::events_after`]).
//!
//! Packed as the blocks are: one key per 1024 events of a device, its value the sorted set of
//! records holding them, per record device as runs of consecutive numbers (a gap and a length,
//! bincode varints): a device's own records are mostly numbered in the order it wrote them, so
//! a range is a few runs of a few bytes; scattered records cost 2 bytes each. A record whose
//! events of D fall in several ranges is in each. Sets only grow (events are never removed), so
//! every writer merges into what a key holds:
//! - the write path ([`apply_delta`], inside the commit's transaction: one `get` and one
//!   `insert` per touched key, no scan);
//! - bulk writes, the demo and the views rebuild ([`AuthorBulk`], per batch);
//! - `doctor` ([`AuthorCheck`], run with the search index's check) compares it with the events.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};
use sled::transaction::TransactionalTree;

use super::blocks::Block;
use super::codec::{self, CodecError};
use super::db::Store;
use super::error::{StoreError, TxError, corrupt};
use super::keys::{AUTHOR_RANGE, AuthorKey, BlockKey};
use crate::domain::{DeviceId, EntityId};
use crate::events::Event;

/// Per device, its records as runs of consecutive numbers: `(gap, extra)` is the run from
/// `start = previous run's last + gap` (the first run: `gap` itself) to `start + extra`.
#[derive(Serialize, Deserialize)]
struct Stored {
    devices: Vec<(u64, Vec<(u32, u32)>)>,
}

/// The stored form of a key's records (sorted, distinct).
pub(super) fn encode(ids: &BTreeSet<EntityId>) -> Vec<u8> {
    let mut devices: Vec<(u64, Vec<(u32, u32)>)> = Vec::new();
    // per device: the runs so far, and the last number of the last run
    let mut last: Option<(DeviceId, u32)> = None;
    for id in ids {
        match last {
            Some((d, l)) if d == id.device && l.checked_add(1) == Some(id.n) => {
                if let Some(run) = devices.last_mut().and_then(|(_, runs)| runs.last_mut()) {
                    run.1 += 1;
                }
            }
            Some((d, l)) if d == id.device => {
                if let Some((_, runs)) = devices.last_mut() {
                    runs.push((id.n - l, 0));
                }
            }
            _ => devices.push((id.device.0, vec![(id.n, 0)])),
        }
        last = Some((id.device, id.n));
    }
    codec::encode(&Stored { devices })
}

/// Inverse of [`encode`]: the records must be strictly ascending, and no more than a key's
/// events can name ([`AUTHOR_RANGE`]: a damaged run cannot make this allocate more).
pub(super) fn decode(bytes: &[u8]) -> Result<BTreeSet<EntityId>, CodecError> {
    let s: Stored = codec::decode(bytes)?;
    let mut out = BTreeSet::new();
    let mut prev_device: Option<u64> = None;
    for (device, runs) in &s.devices {
        if prev_device.is_some_and(|p| p >= *device) {
            return Err(CodecError::OutOfOrder);
        }
        prev_device = Some(*device);
        let mut last: Option<u32> = None;
        for &(gap, extra) in runs {
            let start = match last {
                None => gap,
                Some(l) => l.checked_add(gap).filter(|_| gap > 0).ok_or(CodecError::OutOfOrder)?,
            };
            let end = start.checked_add(extra).ok_or(CodecError::OutOfOrder)?;
            if out.len() as u64 + extra as u64 + 1 > AUTHOR_RANGE {
                return Err(CodecError::Decode("more records than a key's events".into()));
            }
            out.extend((start..=end).map(|n| EntityId { device: DeviceId(*device), n }));
            last = Some(end);
        }
    }
    Ok(out)
}

/// Reads a key's value (in a transaction or not).
type Get<'a, E> = dyn FnMut(&[u8]) -> Result<Option<sled::IVec>, E> + 'a;
/// A key and its new value.
type Put = ([u8; 16], Vec<u8>);

/// Records per key, collected from events (a commit's, or a bulk write's).
#[derive(Default)]
pub(super) struct AuthorDelta {
    ranges: BTreeMap<AuthorKey, BTreeSet<EntityId>>,
}

impl AuthorDelta {
    /// Notes that `ev`'s record holds it.
    pub fn add(&mut self, ev: &Event) {
        self.ranges.entry(AuthorKey::of(ev.device, ev.seq)).or_default().insert(ev.entity);
    }

    /// The values of the touched keys, merged with what `get` says they hold; only keys that
    /// gain a record.
    fn merged<E>(self, get: &mut Get<'_, E>, bad: fn(StoreError) -> E) -> Result<Vec<Put>, E> {
        let mut out = Vec::with_capacity(self.ranges.len());
        for (key, new) in self.ranges {
            let k = key.bytes();
            let mut ids = match get(&k)? {
                Some(v) => decode(&v).map_err(|e| bad(corrupt(format!("authors/{key}"))(e)))?,
                None => BTreeSet::new(),
            };
            let before = ids.len();
            ids.extend(new);
            if ids.len() != before || before == 0 {
                out.push((k, encode(&ids)));
            }
        }
        Ok(out)
    }
}

/// Merges a commit's records into the log inside its transaction (a `get` and, when the key
/// gains a record, an `insert` per touched key).
pub(super) fn apply_delta(tree: &TransactionalTree, delta: AuthorDelta) -> Result<(), TxError> {
    let writes = delta.merged(&mut |k| Ok(tree.get(k)?), TxError::Abort)?;
    for (k, v) in writes {
        tree.insert(&k, v)?;
    }
    Ok(())
}

/// The log's entries of a bulk write (the demo, the views rebuild), merged per batch.
#[derive(Default)]
pub(super) struct AuthorBulk {
    delta: AuthorDelta,
}

impl AuthorBulk {
    pub fn add_events(&mut self, events: &[Event]) {
        for ev in events {
            self.delta.add(ev);
        }
    }

    /// Writes what was collected, merged with what the touched keys hold, in one batch.
    pub fn write(&mut self, tree: &sled::Tree) -> Result<(), StoreError> {
        let delta = std::mem::take(&mut self.delta);
        let mut batch = sled::Batch::default();
        for (k, v) in delta.merged(&mut |k| Ok(tree.get(k)?), |e| e)? {
            batch.insert(&k, v);
        }
        tree.apply_batch(batch)?;
        Ok(())
    }
}

fn id_hash(id: EntityId) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

/// Compares the log with the events, in memory bounded by the number of keys: per key, the
/// count of its records and a commutative hash of them.
#[derive(Default)]
pub struct AuthorCheck {
    expected: BTreeMap<AuthorKey, (u64, u64)>,
}

impl AuthorCheck {
    /// Adds one block's records (each record once per key its events fall in).
    pub fn add_block(&mut self, device: DeviceId, records: &[(u32, Vec<Event>)]) {
        for (n, events) in records {
            let id = EntityId { device, n: *n };
            let keys: BTreeSet<AuthorKey> = events.iter().map(|e| AuthorKey::of(e.device, e.seq)).collect();
            for k in keys {
                let (count, hash) = self.expected.entry(k).or_default();
                *count += 1;
                *hash = hash.wrapping_add(id_hash(id));
            }
        }
    }

    /// Reads the stored log and reports every key that differs from the events.
    pub fn finish(self, store: &Store) -> Result<Vec<String>, StoreError> {
        let mut problems = Vec::new();
        let mut expected = self.expected;
        for kv in store.authors.iter() {
            let (k, v) = kv?;
            let Some(key) = AuthorKey::parse(&k) else {
                problems.push(format!("author log: a key of {} bytes is not the log's", k.len()));
                continue;
            };
            let ids = match decode(&v) {
                Ok(ids) => ids,
                Err(e) => {
                    problems.push(format!("{key}: {e}"));
                    continue;
                }
            };
            let have = (ids.len() as u64, ids.iter().fold(0u64, |h, id| h.wrapping_add(id_hash(*id))));
            match expected.remove(&key) {
                Some(want) if want == have => {}
                Some((want, _)) => problems.push(format!("{key}: {} records, the events give {want}", have.0)),
                None => problems.push(format!("{key}: stored, but no event has those numbers")),
            }
        }
        for (key, (want, _)) in expected {
            problems.push(format!("{key}: missing, the events give {want} records"));
        }
        Ok(problems)
    }
}

impl Store {
    /// Visits every event written by `device` with a sequence number above `after`, in sequence
    /// order, until `visit` returns false. Reads the author log from `after`'s range on, then
    /// the blocks of the records it names (each block once per range): no scan of the blocks.
    pub fn events_after(
        &self,
        device: DeviceId,
        after: u64,
        visit: &mut dyn FnMut(&Event) -> bool,
    ) -> Result<(), StoreError> {
        let start = AuthorKey::of(device, after.saturating_add(1)).bytes();
        let end = AuthorKey { device, range: u64::MAX }.bytes();
        let mut cache: Option<(BlockKey, Block)> = None;
        for kv in self.authors.range(start..=end) {
            let (k, v) = kv?;
            let key = AuthorKey::parse(&k)
                .ok_or_else(|| StoreError::Corrupt { what: format!("authors/{k:?}"), err: CodecError::Truncated })?;
            let ids = decode(&v).map_err(corrupt(format!("authors/{key}")))?;
            let (first, last) = key.seqs();
            let mut found: Vec<Event> = Vec::new();
            for id in ids {
                let bk = BlockKey::of(id);
                if cache.as_ref().map(|(k, _)| *k) != Some(bk) {
                    cache = self.block(bk)?.map(|b| (bk, b));
                }
                let Some(slot) =
                    cache.as_ref().filter(|(k, _)| *k == bk).and_then(|(_, b)| b.slots.iter().find(|s| s.n == id.n))
                else {
                    continue;
                };
                found.extend(
                    slot.events
                        .iter()
                        .filter(|e| e.device == device && e.seq > after && (first..=last).contains(&e.seq))
                        .cloned(),
                );
            }
            found.sort_by_key(|e| e.seq);
            for ev in &found {
                if !visit(ev) {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// Keys and bytes (keys plus values) of the author log.
    pub fn author_log_size(&self) -> Result<(u64, u64), StoreError> {
        let (mut keys, mut bytes) = (0, 0);
        for kv in self.authors.iter() {
            let (k, v) = kv?;
            keys += 1;
            bytes += (k.len() + v.len()) as u64;
        }
        Ok((keys, bytes))
    }

    /// Compares the author log with the events (a full scan; `doctor` runs the same check with
    /// the search index's, during its own scan).
    pub fn check_author_log(&self) -> Result<Vec<String>, StoreError> {
        let mut check = AuthorCheck::default();
        for b in self.scan() {
            let b = b?;
            check.add_block(b.device, &b.records);
        }
        check.finish(self)
    }
}

const _: () = assert!(AUTHOR_RANGE > 0);
