//! Reading records: their events (a block at a time), their summaries newest first, the
//! open-work index by due date, and whole scans for `doctor` (docs/ARCHITECTURE.md, "Store
//! layout").

use super::blocks::{Block, DECISION_BIT, Summary, Views, decode_summaries};
use super::db::Store;
use super::error::{StoreError, corrupt};
use super::keys::{BlockKey, open_prefix};
pub use super::open_index::OpenEntry;
use super::{codec, open_index, recovery, tags};
use crate::domain::{Day, DeviceId, EntityId, Kind};
use crate::events::Event;

impl Store {
    /// All events of record `id` (empty when unknown).
    pub fn events_of(&self, id: EntityId) -> Result<Vec<Event>, StoreError> {
        let key = BlockKey::of(id);
        Ok(self
            .block(key)?
            .and_then(|b| b.slots.into_iter().find(|s| s.n == id.n))
            .map(|s| s.events)
            .unwrap_or_default())
    }

    /// Events of several records, reading each block once.
    pub fn events_of_many(&self, ids: &[EntityId]) -> Result<Vec<(EntityId, Vec<Event>)>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        let mut cache: Option<(BlockKey, Block)> = None;
        for id in ids {
            let key = BlockKey::of(*id);
            if cache.as_ref().map(|(k, _)| *k) != Some(key) {
                cache = self.block(key)?.map(|b| (key, b));
            }
            let events = cache
                .as_ref()
                .filter(|(k, _)| *k == key)
                .and_then(|(_, b)| b.slots.iter().find(|s| s.n == id.n))
                .map(|s| s.events.clone())
                .unwrap_or_default();
            out.push((*id, events));
        }
        Ok(out)
    }

    /// The kind of record `id`, from the summaries (cheap).
    pub fn kind_of(&self, id: EntityId) -> Result<Option<Kind>, StoreError> {
        let key = BlockKey::of(id);
        Ok(self.summaries(key)?.into_iter().find(|s| s.n == id.n).map(|s| s.kind))
    }

    pub(super) fn block(&self, key: BlockKey) -> Result<Option<Block>, StoreError> {
        match self.blocks.get(key.bytes())? {
            None => Ok(None),
            Some(v) => Ok(Some(codec::decode(&v).map_err(corrupt(format!("blocks/{key}")))?)),
        }
    }

    pub(super) fn summaries(&self, key: BlockKey) -> Result<Vec<Summary>, StoreError> {
        match self.summary.get(key.bytes())? {
            None => Ok(vec![]),
            Some(v) => decode_summaries(key, &v),
        }
    }

    /// Newest records first (by device, newest record number first; devices merged by creation
    /// time), keeping those `keep` accepts, until `limit` are found. Reads summaries only.
    pub fn newest(
        &self,
        keep: &dyn Fn(EntityId, &Summary) -> bool,
        limit: usize,
    ) -> Result<Vec<(EntityId, Summary)>, StoreError> {
        let mut out = Vec::new();
        self.walk_newest(&mut |id, s| {
            if keep(id, s) {
                out.push((id, s.clone()));
            }
            out.len() < limit
        })?;
        Ok(out)
    }

    /// Visits summaries newest first until `visit` returns false.
    pub fn walk_newest(&self, visit: &mut dyn FnMut(EntityId, &Summary) -> bool) -> Result<(), StoreError> {
        let devices = self.devices()?;
        let mut iters: Vec<_> = devices
            .iter()
            .map(|d| {
                let (start, end) = BlockKey::device_range(*d);
                (*d, self.summary.range(start..=end).rev(), Vec::<Summary>::new())
            })
            .collect();
        // Each device's pending summaries, newest last, refilled a block at a time.
        loop {
            let mut best: Option<(usize, u64)> = None;
            for (i, (_, it, pending)) in iters.iter_mut().enumerate() {
                if pending.is_empty()
                    && let Some(kv) = it.next()
                {
                    let (k, v) = kv?;
                    let key = BlockKey::parse(&k).ok_or_else(|| StoreError::Corrupt {
                        what: format!("summary/{:?}", k.as_ref()),
                        err: codec::CodecError::Truncated,
                    })?;
                    let mut s = decode_summaries(key, &v)?;
                    s.sort_by_key(|x| x.n);
                    *pending = s;
                }
                if let Some(last) = pending.last()
                    && best.is_none_or(|(_, ms)| last.created_ms > ms)
                {
                    best = Some((i, last.created_ms));
                }
            }
            let Some((i, _)) = best else { break };
            let (device, _, pending) = &mut iters[i];
            let Some(s) = pending.pop() else { break };
            if !visit(EntityId { device: *device, n: s.n }, &s) {
                break;
            }
        }
        Ok(())
    }

    /// Open records of `kind` by due date (earliest first), up to `limit`; with `until`, only
    /// those due on or before it. Records without a due date come last.
    pub fn open_by_due(
        &self,
        kind: Kind,
        until: Option<Day>,
        limit: usize,
    ) -> Result<Vec<(EntityId, Option<Day>)>, StoreError> {
        let mut out = Vec::new();
        self.walk_open(kind, &mut |id, due, _| {
            if let Some(u) = until
                && due.is_none_or(|d| d > u)
            {
                return false;
            }
            out.push((id, due));
            out.len() < limit
        })?;
        Ok(out)
    }

    /// Visits the open records of `kind` by due date (no due date last) with their status code,
    /// until `visit` returns false. Reads the open-work index only, a packed value at a time
    /// (see `open_index.rs`); a damaged value is skipped here and reported by `doctor`; a
    /// status tag this build does not know for `kind` is refused (`StoreError::UnknownCode`).
    pub fn walk_open(
        &self,
        kind: Kind,
        visit: &mut dyn FnMut(EntityId, Option<Day>, &'static str) -> bool,
    ) -> Result<(), StoreError> {
        self.walk_open_marked(kind, &mut |id, due, status, _| visit(id, due, status))
    }

    /// [`Store::walk_open`], also saying of each record whether it is flagged (the entry's
    /// `blocks::DECISION_BIT`: it needs a decision, or waits on the level above or the village;
    /// its summary says which, `Summary::flagged`).
    pub fn walk_open_marked(
        &self,
        kind: Kind,
        visit: &mut dyn FnMut(EntityId, Option<Day>, &'static str, bool) -> bool,
    ) -> Result<(), StoreError> {
        for kv in self.open.scan_prefix(open_prefix(kind)) {
            let (k, v) = kv?;
            let entries = match open_index::entries_of(&k, &v) {
                Some(Ok(entries)) => entries,
                Some(Err(err)) => {
                    tracing::warn!("open/{:?}: {err}", k.as_ref());
                    continue;
                }
                None => continue,
            };
            for (_, due, id, byte) in entries {
                let status = byte & !DECISION_BIT;
                let code = tags::code_of(status).filter(|_| tags::is_status_of(kind, status));
                let status = code.ok_or_else(|| StoreError::UnknownCode {
                    record: id,
                    what: "status",
                    code: format!("tag {byte}"),
                })?;
                if !visit(id, due, status, byte & DECISION_BIT != 0) {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// Every block's records and stored summaries, for `doctor` and full scans, in key order.
    /// A damaged block is one `Err` naming it, and the scan goes on; a damaged tree that
    /// hands back a key out of order (sled can loop on flipped bytes) ends the scan with an
    /// error instead of running for ever.
    pub fn scan(&self) -> impl Iterator<Item = Result<ScannedBlock, StoreError>> + '_ {
        let mut it = self.blocks.iter();
        let mut last: Option<sled::IVec> = None;
        let mut done = false;
        std::iter::from_fn(move || {
            if done {
                return None;
            }
            let (k, v) = match recovery::guard(|| it.next()) {
                Ok(None) => return None,
                Ok(Some(Ok(kv))) => kv,
                Ok(Some(Err(e))) => {
                    done = true;
                    return Some(Err(e.into()));
                }
                Err(panic) => {
                    done = true;
                    return Some(Err(StoreError::Panicked(panic)));
                }
            };
            if last.as_ref().is_some_and(|l| k <= *l) {
                done = true;
                return Some(Err(StoreError::Corrupt {
                    what: format!("blocks/{}", BlockKey::parse(&k).map(|b| b.to_string()).unwrap_or_default()),
                    err: codec::CodecError::OutOfOrder,
                }));
            }
            last = Some(k.clone());
            Some(self.scanned_block(&k, &v))
        })
    }

    fn scanned_block(&self, k: &[u8], v: &[u8]) -> Result<ScannedBlock, StoreError> {
        let key = BlockKey::parse(k)
            .ok_or_else(|| StoreError::Corrupt { what: format!("blocks/{k:?}"), err: codec::CodecError::Truncated })?;
        let block: Block = codec::decode(v).map_err(|err| StoreError::DamagedBlock {
            device: key.device,
            block: key.block,
            first: key.first_record(),
            err,
        })?;
        let summaries = self.summaries(key)?;
        Ok(ScannedBlock {
            device: key.device,
            records: block.slots.into_iter().map(|s| (s.n, s.events)).collect(),
            summaries,
        })
    }

    /// All `open` index entries in order (for `doctor`); a damaged value, or chunks that do not
    /// match their period's head, are an error.
    pub fn open_index(&self) -> Result<Vec<OpenEntry>, StoreError> {
        open_index::read_all(&self.open)
    }
}

/// One block as read by [`Store::scan`].
pub struct ScannedBlock {
    /// The device whose records these are.
    pub device: DeviceId,
    /// `(n, events)` of each record.
    pub records: Vec<(u32, Vec<Event>)>,
    /// The stored summaries.
    pub summaries: Vec<Summary>,
}

/// Recomputes what the views should hold for one record (for `doctor`); a status or category
/// code without a tag is refused (`StoreError::UnknownCode`).
pub fn expected_views(id: EntityId, events: &[Event]) -> Result<Option<Views>, StoreError> {
    super::blocks::views_of(id, events)
}
