//! The open-work index, packed (docs/ARCHITECTURE.md, "Store layout"; key layouts in
//! `keys.rs`): records that still need work, many to a key.
//!
//! Why: sled's reads grow with the number of keys, not only with bytes. One key per open record
//! made the dashboard's walk over the three ledgers read 20 MB in 8,600 read calls cold on the
//! 1M demo store (docs/PERFORMANCE.md, "Packed open-work index"). Here the entries of a kind
//! are grouped by due period (a week; no due date is one more period, last), and a period's
//! entries are sorted by `(day, device, n)` and cut into chunks of at most [`CHUNK_ITEMS`]
//! entries and [`VALUE_MAX`] bytes, because a commit rewrites the whole value it touches.
//!
//! - The **head** of a period (key `kind ‖ period`) holds its first chunk and the lower bounds
//!   of the further chunks (keys `kind ‖ period ‖ bound`). The chunks partition the period's
//!   order, so reading values in key order yields `(kind, due, id)` order with no merging.
//! - A **transaction** cannot range-scan: it computes the head's key from `(kind, due)`, reads
//!   the head, finds the chunk by its bounds and reads that (two `get`s). A chunk that grows
//!   past its bound is split in two; a chunk that empties, or that fits with its predecessor
//!   in half a chunk, is merged into it ([`edit_period`]).
//! - **Bulk writes** (the demo, the views rebuild) collect entries in memory and pack each
//!   touched period afresh, merged with what it held ([`OpenBulk`]).
//!
//! A value is `codec::encode` of a device table, the bounds (head only) and the entries, each
//! entry `(day in period, device index, n, status tag)`, `n` as the step from the entry
//! before it of the same day and device (2 to 6 bytes with bincode's varints).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sled::transaction::TransactionalTree;

use super::codec::{self, CodecError};
use super::error::{StoreError, TxError, corrupt};
use super::keys::{OPEN_NO_DUE, open_chunk_key, open_due, open_head_key, open_slot, parse_open_key};
use crate::domain::{Day, DeviceId, EntityId, Kind};

/// Entries per value at most (about 6 KB).
pub(super) const CHUNK_ITEMS: usize = 1024;
/// Bytes per value at most (only reached with many devices in one chunk).
pub(super) const VALUE_MAX: usize = 16 << 10;
/// Bulk packing fills chunks to three quarters, so that the next commits do not split them.
const PACK_ITEMS: usize = CHUNK_ITEMS * 3 / 4;

/// The bounds of a value (the tests use small ones).
#[derive(Clone, Copy, Debug)]
pub(super) struct Limits {
    pub items: usize,
    pub bytes: usize,
}

pub(super) const LIMITS: Limits = Limits { items: CHUNK_ITEMS, bytes: VALUE_MAX };

/// Where an entry sits in its period: the day within the period, then the record id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Pos {
    pub off: u8,
    pub id: EntityId,
}

/// An entry: an open record and its status tag (`tags.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Item {
    pub pos: Pos,
    pub status: u8,
}

/// A stored value: a period's head (with the bounds of its further chunks) or a further chunk
/// (no bounds).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Chunk {
    pub splits: Vec<Pos>,
    pub items: Vec<Item>,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    devices: Vec<u64>,
    splits: Vec<(u8, u32, u32)>,
    items: Vec<(u8, u32, u32, u8)>,
}

/// The stored form of a chunk (uncompressed: the device table already removes the repeats).
pub(super) fn encode(c: &Chunk) -> Vec<u8> {
    let mut devices: Vec<u64> =
        c.items.iter().map(|i| i.pos.id.device.0).chain(c.splits.iter().map(|p| p.id.device.0)).collect();
    devices.sort_unstable();
    devices.dedup();
    let ix = |d: DeviceId| devices.binary_search(&d.0).unwrap_or(0) as u32;
    let stored = Stored {
        splits: c.splits.iter().map(|p| (p.off, ix(p.id.device), p.id.n)).collect(),
        items: c
            .items
            .iter()
            .scan(None, |prev: &mut Option<Pos>, i| {
                let p = prev.replace(i.pos);
                Some((i.pos.off, ix(i.pos.id.device), n_after(p, i.pos), i.status))
            })
            .collect(),
        devices: devices.clone(),
    };
    codec::encode(&stored)
}

/// A record number as stored: after an entry of the same day and device, the step from its
/// number (small: bincode spends 1 byte below 251, 3 below 65,536, 5 above).
fn n_after(prev: Option<Pos>, p: Pos) -> u32 {
    match prev {
        Some(q) if (q.off, q.id.device) == (p.off, p.id.device) => p.id.n.wrapping_sub(q.id.n),
        _ => p.id.n,
    }
}

/// Inverse of [`encode`]; bounds and entries must be strictly ascending.
pub(super) fn decode(bytes: &[u8]) -> Result<Chunk, CodecError> {
    let s: Stored = codec::decode(bytes)?;
    let dev = |i: u32| s.devices.get(i as usize).map(|d| DeviceId(*d)).ok_or(CodecError::Decode("device index".into()));
    let pos =
        |off: u8, d: u32, n: u32| -> Result<Pos, CodecError> { Ok(Pos { off, id: EntityId { device: dev(d)?, n } }) };
    let splits = s.splits.iter().map(|&(o, d, n)| pos(o, d, n)).collect::<Result<Vec<_>, _>>()?;
    let mut items: Vec<Item> = Vec::with_capacity(s.items.len());
    for &(o, d, n, status) in &s.items {
        let mut p = pos(o, d, n)?;
        if let Some(prev) = items.last().map(|i| i.pos).filter(|q| (q.off, q.id.device) == (o, p.id.device)) {
            p.id.n = prev.id.n.checked_add(n).ok_or(CodecError::OutOfOrder)?;
        }
        items.push(Item { pos: p, status });
    }
    if !splits.windows(2).all(|w| w[0] < w[1]) || !items.windows(2).all(|w| w[0].pos < w[1].pos) {
        return Err(CodecError::OutOfOrder);
    }
    Ok(Chunk { splits, items })
}

/// The entries of one commit: per `(kind, period)`, each position inserted (with its status) or
/// removed (`None`); a later edit of a position replaces an earlier one.
#[derive(Default)]
pub(crate) struct OpenDelta {
    periods: BTreeMap<(u8, u32), BTreeMap<Pos, Option<u8>>>,
}

impl OpenDelta {
    pub fn remove(&mut self, kind: Kind, due: Option<Day>, id: EntityId) {
        let (period, off) = open_slot(due);
        self.periods.entry((kind.tag(), period)).or_default().insert(Pos { off, id }, None);
    }
    pub fn insert(&mut self, kind: Kind, due: Option<Day>, id: EntityId, status: u8) {
        let (period, off) = open_slot(due);
        self.periods.entry((kind.tag(), period)).or_default().insert(Pos { off, id }, Some(status));
    }
}

/// Applies a commit's entries inside the transaction: per touched period, the head and the
/// chunks the edits fall in are read, changed and written back.
pub(crate) fn apply_delta(tree: &TransactionalTree, delta: OpenDelta) -> Result<(), TxError> {
    apply_delta_within(tree, delta, LIMITS)
}

pub(super) fn apply_delta_within(tree: &TransactionalTree, delta: OpenDelta, lim: Limits) -> Result<(), TxError> {
    for ((kind, period), edits) in delta.periods {
        let mut get = |k: &[u8]| -> Result<Option<Chunk>, TxError> {
            match tree.get(k)? {
                None => Ok(None),
                Some(v) => decode(&v).map(Some).map_err(|e| TxError::Abort(corrupt(format!("open/{k:?}"))(e))),
            }
        };
        for (k, v) in edit_period(kind, period, &edits, lim, &mut get)? {
            match v {
                Some(v) => tree.insert(k, v)?,
                None => tree.remove(k)?,
            };
        }
    }
    Ok(())
}

/// Writes to make: a key and its new value, or `None` to remove it.
pub(super) type Writes = Vec<(Vec<u8>, Option<Vec<u8>>)>;

/// Reads a value of the index by key.
pub(super) type Get<'a, E> = dyn FnMut(&[u8]) -> Result<Option<Chunk>, E> + 'a;

/// One value of a period while it is edited.
struct Slot {
    bound: Option<Pos>,
    items: Option<Vec<Item>>,
    dirty: bool,
}

/// Writes (`None`: remove) that apply `edits` to one period, reading values through `get`
/// (removals first: a key removed and written again in one plan must end written).
pub(super) fn edit_period<E>(
    kind: u8,
    period: u32,
    edits: &BTreeMap<Pos, Option<u8>>,
    lim: Limits,
    get: &mut Get<'_, E>,
) -> Result<Writes, E> {
    let head_key = open_head_key(kind, period);
    let head = get(&head_key)?;
    let existed = head.is_some();
    let head = head.unwrap_or_default();
    let mut slots = vec![Slot { bound: None, items: Some(head.items), dirty: false }];
    slots.extend(head.splits.iter().map(|b| Slot { bound: Some(*b), items: None, dirty: false }));
    let key_of = |b: Option<Pos>| match b {
        None => head_key.to_vec(),
        Some(p) => open_chunk_key(kind, period, p.off, p.id).to_vec(),
    };
    let mut load = |slot: &mut Slot| -> Result<(), E> {
        if slot.items.is_none() {
            // a bound whose chunk is missing (a damaged index) counts as empty
            slot.items = Some(get(&key_of(slot.bound))?.map(|c| c.items).unwrap_or_default());
        }
        Ok(())
    };
    for (pos, op) in edits {
        let i = slots.partition_point(|s| s.bound.is_none_or(|b| b <= *pos)) - 1;
        load(&mut slots[i])?;
        let items = slots[i].items.get_or_insert_with(Vec::new);
        match (items.binary_search_by(|it| it.pos.cmp(pos)), op) {
            (Ok(j), Some(status)) => items[j].status = *status,
            (Err(j), Some(status)) => items.insert(j, Item { pos: *pos, status: *status }),
            (Ok(j), None) => {
                items.remove(j);
            }
            (Err(_), None) => continue,
        }
        slots[i].dirty = true;
    }
    let mut removed = Vec::new();
    let mut splits_changed = false;
    // merge: a chunk that emptied, or that fits with its predecessor in half a chunk
    let mut i = slots.len();
    while i > 1 {
        i -= 1;
        if !slots[i].dirty {
            continue;
        }
        let len = slots[i].items.as_ref().map_or(0, Vec::len);
        if len > 0 {
            load(&mut slots[i - 1])?;
            if slots[i - 1].items.as_ref().map_or(0, Vec::len) + len > lim.items / 2 {
                continue;
            }
        }
        let gone = slots.remove(i);
        removed.push(key_of(gone.bound));
        slots[i - 1].items.get_or_insert_with(Vec::new).extend(gone.items.unwrap_or_default());
        slots[i - 1].dirty = true;
        splits_changed = true;
    }
    splits_changed |= split_to_fit(&mut slots, lim);
    let mut writes: Writes = removed.into_iter().map(|k| (k, None)).collect();
    let bounds: Vec<Pos> = slots.iter().filter_map(|s| s.bound).collect();
    for (i, slot) in slots.iter().enumerate() {
        let items = slot.items.as_deref().unwrap_or_default();
        if i == 0 && items.is_empty() && bounds.is_empty() {
            if existed {
                writes.push((head_key.to_vec(), None));
            }
        } else if slot.dirty || (i == 0 && splits_changed) {
            let splits = if i == 0 { bounds.clone() } else { vec![] };
            writes.push((key_of(slot.bound), Some(encode(&Chunk { splits, items: items.to_vec() }))));
        }
    }
    Ok(writes)
}

/// Splits every changed value over the bounds into even pieces (the first keeps its key, the
/// others are keyed by their first entry). Returns whether any was split.
fn split_to_fit(slots: &mut Vec<Slot>, lim: Limits) -> bool {
    let mut any = false;
    let mut again = true;
    while again {
        again = false;
        let mut i = 0;
        while i < slots.len() {
            let Some(items) = slots[i].items.as_ref().filter(|_| slots[i].dirty) else {
                i += 1;
                continue;
            };
            let n = items.len();
            let pieces = if n > lim.items {
                n.div_ceil(lim.items)
            } else if n > 1 && encoded_len(slots, i) > lim.bytes {
                2
            } else {
                i += 1;
                continue;
            };
            let size = n.div_ceil(pieces);
            let mut rest = slots[i].items.take().unwrap_or_default();
            let tail = rest.split_off(size);
            slots[i].items = Some(rest);
            let new: Vec<Slot> = tail
                .chunks(size)
                .map(|c| Slot { bound: Some(c[0].pos), items: Some(c.to_vec()), dirty: true })
                .collect();
            slots.splice(i + 1..i + 1, new);
            any = true;
            again = true; // the head's bounds grew: check it again
        }
    }
    any
}

fn encoded_len(slots: &[Slot], i: usize) -> usize {
    let splits = if i == 0 { slots.iter().filter_map(|s| s.bound).collect() } else { vec![] };
    encode(&Chunk { splits, items: slots[i].items.clone().unwrap_or_default() }).len()
}

/// Entries collected by a bulk write (the demo, the views rebuild), packed per period.
pub(super) struct OpenBulk {
    pending: BTreeMap<(u8, u32), BTreeMap<Pos, u8>>,
    lim: Limits,
}

impl Default for OpenBulk {
    fn default() -> OpenBulk {
        OpenBulk::within(LIMITS)
    }
}

impl OpenBulk {
    pub fn within(lim: Limits) -> OpenBulk {
        OpenBulk { pending: BTreeMap::new(), lim }
    }

    pub fn add(&mut self, kind: Kind, due: Option<Day>, id: EntityId, status: u8) {
        let (period, off) = open_slot(due);
        self.pending.entry((kind.tag(), period)).or_default().insert(Pos { off, id }, status);
    }

    /// Writes the collected entries, each touched period merged with what it holds and packed
    /// afresh, in one batch.
    pub fn write(&mut self, tree: &sled::Tree) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        for ((kind, period), new) in std::mem::take(&mut self.pending) {
            let head = open_head_key(kind, period);
            let mut all = BTreeMap::new();
            let mut old_keys = Vec::new();
            for kv in tree.scan_prefix(head) {
                let (k, v) = kv?;
                let chunk = decode(&v).map_err(corrupt(format!("open/{:?}", k.as_ref())))?;
                all.extend(chunk.items.iter().map(|i| (i.pos, i.status)));
                old_keys.push(k);
            }
            all.extend(new);
            let items: Vec<Item> = all.into_iter().map(|(pos, status)| Item { pos, status }).collect();
            let packed = pack(kind, period, items, self.lim);
            for k in old_keys {
                if !packed.iter().any(|(p, _)| p.as_slice() == k.as_ref()) {
                    batch.remove(k);
                }
            }
            for (k, v) in packed {
                batch.insert(k, v);
            }
        }
        tree.apply_batch(batch)?;
        Ok(())
    }
}

/// A period's sorted entries cut into values, fresh: even pieces filled to three quarters.
pub(super) fn pack(kind: u8, period: u32, items: Vec<Item>, lim: Limits) -> Vec<(Vec<u8>, Vec<u8>)> {
    if items.is_empty() {
        return vec![];
    }
    let target = (lim.items * PACK_ITEMS / CHUNK_ITEMS).max(1);
    let size = items.len().div_ceil(items.len().div_ceil(target));
    let mut slots: Vec<Slot> = items
        .chunks(size)
        .enumerate()
        .map(|(i, c)| Slot { bound: (i > 0).then_some(c[0].pos), items: Some(c.to_vec()), dirty: true })
        .collect();
    split_to_fit(&mut slots, lim);
    let bounds: Vec<Pos> = slots.iter().filter_map(|s| s.bound).collect();
    slots
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let key = match s.bound {
                None => open_head_key(kind, period).to_vec(),
                Some(p) => open_chunk_key(kind, period, p.off, p.id).to_vec(),
            };
            let splits = if i == 0 { bounds.clone() } else { vec![] };
            (key, encode(&Chunk { splits, items: s.items.unwrap_or_default() }))
        })
        .collect()
}

/// An entry of the open-work index: kind, due date, record, status tag (`tags.rs`).
pub type OpenEntry = (Kind, Option<Day>, EntityId, u8);

/// The entries of one stored value, with their due dates, in order; `None` for a key that is
/// not the index's.
pub(super) fn entries_of(k: &[u8], v: &[u8]) -> Option<Result<Vec<OpenEntry>, CodecError>> {
    let (kind, period, _) = parse_open_key(k)?;
    Some(decode(v).map(|c| c.items.iter().map(|i| (kind, open_due(period, i.pos.off), i.pos.id, i.status)).collect()))
}

/// Every entry of the index in order, checking its shape: each period's head lists exactly the
/// chunks that exist, and each chunk's entries lie within its bounds (for `doctor`).
pub(super) fn read_all(tree: &sled::Tree) -> Result<Vec<OpenEntry>, StoreError> {
    let mut out = Vec::new();
    // the current period: (kind, period), its bounds from the head, the chunks seen, the last entry
    let mut current: Option<((Kind, u32), Vec<Pos>, usize)> = None;
    let mut last: Option<(Kind, u32, Pos)> = None;
    let shape = |k: &[u8]| StoreError::Corrupt { what: format!("open/{k:?}"), err: CodecError::OutOfOrder };
    let close = |c: &Option<((Kind, u32), Vec<Pos>, usize)>, k: &[u8]| match c {
        Some((_, bounds, seen)) if *seen != bounds.len() => Err(shape(k)),
        _ => Ok(()),
    };
    for kv in tree.iter() {
        let (k, v) = kv?;
        let (kind, period, bound) = parse_open_key(&k).ok_or_else(|| StoreError::Corrupt {
            what: format!("open/{:?}", k.as_ref()),
            err: CodecError::Truncated,
        })?;
        let chunk = decode(&v).map_err(corrupt(format!("open/{:?}", k.as_ref())))?;
        match bound {
            None => {
                close(&current, &k)?;
                current = Some(((kind, period), chunk.splits.clone(), 0));
            }
            Some((off, id)) => {
                let Some((_, bounds, seen)) = current.as_mut().filter(|(kp, _, _)| *kp == (kind, period)) else {
                    return Err(shape(&k));
                };
                if bounds.get(*seen) != Some(&Pos { off, id })
                    || chunk.items.first().is_some_and(|i| i.pos < Pos { off, id })
                {
                    return Err(shape(&k));
                }
                *seen += 1;
            }
        }
        for i in &chunk.items {
            if last.is_some_and(|(lk, lp, lpos)| (lk, lp) == (kind, period) && lpos >= i.pos) {
                return Err(shape(&k));
            }
            last = Some((kind, period, i.pos));
            out.push((kind, open_due(period, i.pos.off), i.pos.id, i.status));
        }
    }
    close(&current, b"end")?;
    Ok(out)
}

const _: () = assert!(OPEN_NO_DUE == u32::MAX && PACK_ITEMS < CHUNK_ITEMS);

#[cfg(test)]
#[path = "open_index_tests.rs"]
mod tests;
