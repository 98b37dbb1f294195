//! The store: the only code that touches sled (docs/ARCHITECTURE.md, "Store layout" and
//! "Write path").
//!
//! Few keys, compact values: sled's open time and footprint grow with bytes on disk, and every
//! key costs ~200 B there. The trees — `blocks` (the events, 32 records per key), `summary`
//! (what lists need of each record), `open` (records that still need work, by due date),
//! `search` and `text` (the search index), `meta` (identity, keys, counters) — and every key
//! layout are described in [`keys`].
//!
//! Modules, each importing only those before it (and this one's types):
//! - `keys`: tree names and key encodings;
//! - `codec`: the envelope of stored values; `blocks`: blocks, summaries and size limits;
//! - `search_index`: the term index and the text form (write, bulk, query, check);
//! - `write`: the write path, [`write::apply`] of events in one transaction, used by
//!   [`Store::commit`] (and the coming import), and the [`BulkWriter`];
//! - `views`, `salvage`, `recovery`, `watermark`, `lock`, `paths`: rebuilding views, copying a
//!   damaged store, opening safely, the acknowledged watermark, the process lock, files.
//!
//! Events and the views they change are written in one sled transaction and flushed before a
//! commit returns.

pub mod codec;
pub mod lock;
pub mod paths;
pub mod recovery;
pub mod watermark;

mod blocks;
mod keys;
pub mod search_index;
mod views;
mod write;

pub use blocks::{Summary, Views};
pub use keys::RECORDS_PER_BLOCK;
pub use search_index::{ScanEnd, SearchCheck, SearchIndexSize};
pub use write::BulkWriter;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sled::transaction::ConflictableTransactionError;

use crate::domain::{Day, DeviceId, EntityId, Kind};
use crate::events::{Event, Hlc, Op};
use blocks::Block;
use keys::{
    BlockKey, K_COUNTERS, K_DEVICES, K_IDENTITY, K_SIGNING, TREE_BLOCKS, TREE_META, TREE_OPEN, TREE_SEARCH,
    TREE_SUMMARY, TREE_TEXT, open_prefix, parse_open_key,
};

/// Store options.
#[derive(Clone, Debug)]
pub struct Options {
    /// sled page cache in bytes (sled's own default, 1 GiB, is far too much for an old laptop).
    pub cache_bytes: u64,
}

impl Default for Options {
    fn default() -> Options {
        Options { cache_bytes: 16 << 20 }
    }
}

/// Who and where a store belongs to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    /// `village`, `township` or `county`.
    pub role: String,
    /// 12-digit division code.
    pub division: String,
    /// Place name.
    pub place: String,
    /// Worker name.
    pub worker: String,
    /// Grid name (may be empty).
    pub grid: String,
    /// This store's device id.
    pub device: DeviceId,
    /// Filled with demo data by `gridlog demo`.
    pub demo: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Counters {
    next_seq: u64,
    next_n: u32,
    hlc: Hlc,
}

/// Store failures.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process has the store open.
    #[error(transparent)]
    Locked(#[from] lock::LockError),
    /// sled failed (IO, disk full, corruption it detected).
    #[error("database: {0}")]
    Sled(#[from] sled::Error),
    /// A file-system operation failed.
    #[error("{path}: {err}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        err: std::io::Error,
    },
    /// A stored value could not be decoded.
    #[error("damaged value at {what}: {err}")]
    Corrupt {
        /// Which value.
        what: String,
        /// Why.
        err: codec::CodecError,
    },
    /// The store has no identity yet (`gridlog init`).
    #[error("store not initialised")]
    NotInitialised,
    /// `init` on an initialised store.
    #[error("store already initialised")]
    AlreadyInitialised,
    /// The record does not exist.
    #[error("no record {0}")]
    NoSuchRecord(EntityId),
    /// A write would make one event or one block larger than its limit: refused, nothing
    /// written (see [`blocks::EVENT_MAX`], [`blocks::BLOCK_MAX`]).
    #[error("the {what} would be {bytes} bytes encoded, above the limit of {limit}")]
    TooLarge {
        /// `event` or `block`.
        what: &'static str,
        /// Its encoded size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// No store at this path (read commands create nothing).
    #[error("no store at {0}")]
    NoStore(PathBuf),
    /// The store holds less than it acknowledged (truncated or partly lost files).
    #[error("the store holds {present_events} of {acknowledged_events} acknowledged events")]
    Shrunk {
        /// Events acknowledged (watermark).
        acknowledged_events: u64,
        /// Events the database accounts for.
        present_events: u64,
        /// Records acknowledged.
        acknowledged_records: u64,
        /// Records the database accounts for.
        present_records: u64,
    },
    /// A block of records could not be decoded.
    #[error("block {device}-{block} (records from {device}-{first}) is damaged: {err}")]
    DamagedBlock {
        /// Its device.
        device: DeviceId,
        /// Its number.
        block: u32,
        /// The first record number it holds.
        first: u32,
        /// Why.
        err: codec::CodecError,
    },
    /// sled panicked (damaged files it did not expect); the message is its panic text.
    #[error("the database engine failed: {0}")]
    Panicked(String),
}

/// An event to write: a new record (`entity: None`) or a change to an existing one.
#[derive(Clone, Debug)]
pub struct Draft {
    /// The record changed, or `None` to create one.
    pub entity: Option<EntityId>,
    /// What happens.
    pub op: Op,
}

/// An open store.
pub struct Store {
    dir: PathBuf,
    db: sled::Db,
    meta: sled::Tree,
    blocks: sled::Tree,
    summary: sled::Tree,
    open: sled::Tree,
    search: sled::Tree,
    text: sled::Tree,
    committed: std::sync::Mutex<watermark::Watermark>,
    // Dropped last: the lock outlives the database handle.
    _lock: lock::StoreLock,
}

/// The error of a sled transaction's closure: an abort carries a [`StoreError`].
type TxError = ConflictableTransactionError<StoreError>;

fn corrupt(what: impl Into<String>) -> impl FnOnce(codec::CodecError) -> StoreError {
    let what = what.into();
    move |err| StoreError::Corrupt { what, err }
}

impl Store {
    /// Opens (creating if needed) the store in `dir`: takes the lock first, repairs what an
    /// interrupted sled snapshot left (see [`recovery`]), opens sled with a small cache, and
    /// checks that the store holds at least what it acknowledged (see [`watermark`]). A panic
    /// inside sled becomes [`StoreError::Panicked`].
    pub fn open(dir: &Path, opts: &Options) -> Result<Store, StoreError> {
        paths::restrict_umask();
        let io = |err| StoreError::Io { path: dir.to_path_buf(), err };
        paths::ensure_private_dir(dir).map_err(io)?;
        let lock = lock::acquire(dir)?;
        let db_dir = dir.join("db");
        recovery::repair_snapshots(dir, &db_dir).map_err(|err| StoreError::Io { path: db_dir.clone(), err })?;
        let store = recovery::guard(|| Store::open_locked(dir, opts, lock)).map_err(StoreError::Panicked)??;
        store.check_watermark()?;
        // views and the search index written by an older format are derived again, once
        recovery::guard(|| -> Result<(), StoreError> {
            store.ensure_views()?;
            store.ensure_search_index()
        })
        .map_err(StoreError::Panicked)??;
        Ok(store)
    }

    /// Opens an existing store; where there is none, says so and creates nothing (a mistyped
    /// `--data-dir` must not leave an empty store behind).
    pub fn open_existing(dir: &Path, opts: &Options) -> Result<Store, StoreError> {
        if !dir.join("db").is_dir() {
            return Err(StoreError::NoStore(dir.to_path_buf()));
        }
        Store::open(dir, opts)
    }

    fn open_locked(dir: &Path, opts: &Options, lock: lock::StoreLock) -> Result<Store, StoreError> {
        let io = |err| StoreError::Io { path: dir.to_path_buf(), err };
        let db = sled::Config::new().path(dir.join("db")).cache_capacity(opts.cache_bytes).open()?;
        paths::make_private_tree(dir).map_err(io)?;
        let committed =
            watermark::Watermark::open(dir).map_err(|err| StoreError::Io { path: dir.join(watermark::FILE), err })?;
        Ok(Store {
            dir: dir.to_path_buf(),
            meta: db.open_tree(TREE_META)?,
            blocks: db.open_tree(TREE_BLOCKS)?,
            summary: db.open_tree(TREE_SUMMARY)?,
            open: db.open_tree(TREE_OPEN)?,
            search: db.open_tree(TREE_SEARCH)?,
            text: db.open_tree(TREE_TEXT)?,
            db,
            committed: std::sync::Mutex::new(committed),
            _lock: lock,
        })
    }

    /// Refuses a store that holds less than its watermark says was acknowledged; records the
    /// watermark of a store that has none yet (written by an older build).
    fn check_watermark(&self) -> Result<(), StoreError> {
        let wm_io = |err| StoreError::Io { path: self.dir.join(watermark::FILE), err };
        let mark = watermark::read(&self.dir).map_err(wm_io)?;
        let counters = match self.meta.get(K_COUNTERS)? {
            Some(v) => Some(codec::decode::<Counters>(&v).map_err(corrupt("meta/counters"))?),
            None => None,
        };
        let device = self.identity()?.map(|i| i.device);
        match (mark, counters, device) {
            (None, Some(_), Some(_)) => self.mark_committed(),
            (None, _, _) => Ok(()),
            (Some(m), c, d) => {
                let have_seq = c.as_ref().map_or(1, |c| c.next_seq);
                let have_n = c.as_ref().map_or(1, |c| c.next_n);
                if have_seq < m.next_seq || have_n < m.next_n || d.is_some_and(|d| d != m.device) {
                    return Err(StoreError::Shrunk {
                        acknowledged_events: m.next_seq.saturating_sub(1),
                        present_events: have_seq.saturating_sub(1),
                        acknowledged_records: m.next_n.saturating_sub(1) as u64,
                        present_records: have_n.saturating_sub(1) as u64,
                    });
                }
                Ok(())
            }
        }
    }

    /// Writes the watermark from the counters now in the database (after a flush).
    pub(crate) fn mark_committed(&self) -> Result<(), StoreError> {
        let Some(identity) = self.identity()? else { return Ok(()) };
        let c = self.counters()?;
        let mark = watermark::Mark { device: identity.device, next_seq: c.next_seq, next_n: c.next_n };
        let mut w = self.committed.lock().unwrap_or_else(|p| p.into_inner());
        w.write(&mark).map_err(|err| StoreError::Io { path: self.dir.join(watermark::FILE), err })
    }

    /// Forgets the watermark (a demo store being wiped and written again).
    pub(crate) fn clear_watermark(&self) -> Result<(), StoreError> {
        let mut w = self.committed.lock().unwrap_or_else(|p| p.into_inner());
        w.clear().map_err(|err| StoreError::Io { path: self.dir.join(watermark::FILE), err })
    }

    /// The store directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Bytes on disk of the database files.
    pub fn disk_bytes(&self) -> u64 {
        paths::disk_usage(&self.dir.join("db"))
    }

    /// The identity, if initialised.
    pub fn identity(&self) -> Result<Option<Identity>, StoreError> {
        match self.meta.get(K_IDENTITY)? {
            None => Ok(None),
            Some(v) => Ok(Some(codec::decode(&v).map_err(corrupt("meta/identity"))?)),
        }
    }

    /// Whether the store holds no identity and no records.
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.meta.get(K_IDENTITY)?.is_none() && self.blocks.is_empty())
    }

    /// Writes the identity and signing key of a new store.
    pub fn init(&self, identity: &Identity, signing_key: &[u8; 32]) -> Result<(), StoreError> {
        if self.identity()?.is_some() {
            return Err(StoreError::AlreadyInitialised);
        }
        self.meta.insert(K_IDENTITY, codec::encode(identity))?;
        self.meta.insert(K_SIGNING, signing_key.to_vec())?;
        self.meta.insert(K_DEVICES, codec::encode(&vec![identity.device]))?;
        self.meta.insert(K_COUNTERS, codec::encode(&Counters { next_seq: 1, next_n: 1, hlc: Hlc::default() }))?;
        self.mark_search_index_current()?;
        self.mark_views_current()?;
        self.db.flush()?;
        self.mark_committed()?;
        Ok(())
    }

    /// The ed25519 signing key's secret bytes.
    pub fn signing_key(&self) -> Result<Option<[u8; 32]>, StoreError> {
        Ok(self.meta.get(K_SIGNING)?.and_then(|v| <[u8; 32]>::try_from(v.as_ref()).ok()))
    }

    fn counters(&self) -> Result<Counters, StoreError> {
        match self.meta.get(K_COUNTERS)? {
            Some(v) => codec::decode(&v).map_err(corrupt("meta/counters")),
            None => Err(StoreError::NotInitialised),
        }
    }

    /// Devices whose records this store holds.
    pub fn devices(&self) -> Result<Vec<DeviceId>, StoreError> {
        match self.meta.get(K_DEVICES)? {
            Some(v) => codec::decode(&v).map_err(corrupt("meta/devices")),
            None => Ok(vec![]),
        }
    }

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

    fn block(&self, key: BlockKey) -> Result<Option<Block>, StoreError> {
        match self.blocks.get(key.bytes())? {
            None => Ok(None),
            Some(v) => Ok(Some(codec::decode(&v).map_err(corrupt(format!("blocks/{key}")))?)),
        }
    }

    fn summaries(&self, key: BlockKey) -> Result<Vec<Summary>, StoreError> {
        match self.summary.get(key.bytes())? {
            None => Ok(vec![]),
            Some(v) => codec::decode(&v).map_err(corrupt(format!("summary/{key}"))),
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
                    let mut s: Vec<Summary> =
                        codec::decode(&v).map_err(corrupt(format!("summary/{:?}", k.as_ref())))?;
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
    /// until `visit` returns false. Reads the open-work index only.
    pub fn walk_open(
        &self,
        kind: Kind,
        visit: &mut dyn FnMut(EntityId, Option<Day>, &'static str) -> bool,
    ) -> Result<(), StoreError> {
        let codes = crate::domain::lifecycle::statuses_of(kind).codes;
        for kv in self.open.scan_prefix(open_prefix(kind)) {
            let (k, v) = kv?;
            let Some((_, due, id)) = parse_open_key(&k) else { continue };
            let status = v.first().and_then(|i| codes.get(*i as usize)).map(|c| c.code).unwrap_or("");
            if !visit(id, due, status) {
                break;
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

    /// All `open` index entries (for `doctor`).
    pub fn open_index(&self) -> Result<Vec<OpenEntry>, StoreError> {
        let mut out = Vec::new();
        for kv in self.open.iter() {
            let (k, v) = kv?;
            let damaged =
                || StoreError::Corrupt { what: format!("open/{:?}", k.as_ref()), err: codec::CodecError::Truncated };
            let (kind, due, id) = parse_open_key(&k).ok_or_else(damaged)?;
            let status = *v.first().ok_or_else(damaged)?;
            out.push((kind, due, id, status));
        }
        Ok(out)
    }

    /// Number of blocks: walks the whole tree (tests; never on a store that may be damaged).
    pub fn block_count(&self) -> usize {
        self.blocks.len()
    }

    /// About how many blocks this store's own records fill, from its counters (for progress
    /// bars: sled's `len` walks the whole tree, and loops on some damaged trees).
    pub fn estimated_blocks(&self) -> u64 {
        self.counters().map(|c| (c.next_n as u64).div_ceil(RECORDS_PER_BLOCK as u64)).unwrap_or(0)
    }

    /// Flushes everything to disk.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }
}

/// An entry of the open-work index: kind, due date, record, status index.
pub type OpenEntry = (Kind, Option<Day>, EntityId, u8);

/// One block as read by [`Store::scan`].
pub struct ScannedBlock {
    /// The device whose records these are.
    pub device: DeviceId,
    /// `(n, events)` of each record.
    pub records: Vec<(u32, Vec<Event>)>,
    /// The stored summaries.
    pub summaries: Vec<Summary>,
}

/// Recomputes what the views should hold for one record (for `doctor`).
pub fn expected_views(id: EntityId, events: &[Event]) -> Option<Views> {
    blocks::views_of(id, events)
}

mod salvage;
pub use salvage::{SalvageReport, salvage};

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;

const _: () = assert!(RECORDS_PER_BLOCK > 0);
