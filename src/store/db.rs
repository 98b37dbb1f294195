//! The store handle: the open sled database and its trees, and what `meta` says about the store
//! (identity, signing key, counters, devices), with the committed watermark beside it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::{StoreError, corrupt};
use super::keys::{K_COUNTERS, K_DEVICES, K_IDENTITY, K_SIGNING, RECORDS_PER_BLOCK};
use super::{codec, lock, paths, watermark};
use crate::domain::DeviceId;
use crate::events::Hlc;

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
pub(super) struct Counters {
    pub next_seq: u64,
    pub next_n: u32,
    pub hlc: Hlc,
}

/// An open store.
pub struct Store {
    pub(super) dir: PathBuf,
    pub(super) db: sled::Db,
    pub(super) meta: sled::Tree,
    pub(super) blocks: sled::Tree,
    pub(super) summary: sled::Tree,
    pub(super) open: sled::Tree,
    pub(super) search: sled::Tree,
    pub(super) text: sled::Tree,
    pub(super) counts: sled::Tree,
    pub(super) figures: sled::Tree,
    pub(super) links: sled::Tree,
    pub(super) authors: sled::Tree,
    pub(super) sync: sled::Tree,
    pub(super) stats: sled::Tree,
    pub(super) committed: std::sync::Mutex<watermark::Watermark>,
    // Dropped last: the lock outlives the database handle.
    pub(super) _lock: lock::StoreLock,
}

impl Store {
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

    /// The ed25519 signing key's secret bytes.
    pub fn signing_key(&self) -> Result<Option<[u8; 32]>, StoreError> {
        Ok(self.meta.get(K_SIGNING)?.and_then(|v| <[u8; 32]>::try_from(v.as_ref()).ok()))
    }

    pub(super) fn counters(&self) -> Result<Counters, StoreError> {
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
