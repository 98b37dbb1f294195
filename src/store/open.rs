//! Opening a store safely (lock first, repair what an interrupted snapshot left, refuse a store
//! that holds less than it acknowledged, derive views and index of an older format again) and
//! initialising a new one.

use std::path::Path;
use std::time::{Duration, Instant};

use super::db::{Counters, Identity, Options, Store};
use super::error::{StoreError, corrupt};
use super::keys::{
    K_COUNTERS, K_DEVICES, K_IDENTITY, K_SIGNING, TREE_AUTHORS, TREE_BLOCKS, TREE_COUNTS, TREE_FIGURES, TREE_LINKS,
    TREE_META, TREE_OPEN, TREE_SEARCH, TREE_STATS, TREE_SUMMARY, TREE_SYNC, TREE_TEXT,
};
use super::{codec, lock, paths, recovery, watermark};
use crate::events::Hlc;

/// How long to wait for sled's own file lock when this process holds the store's lock.
const SLED_LOCK_WAIT: Duration = Duration::from_secs(10);

/// Opens sled. sled takes its own lock on `db/db`, and its I/O threads can still hold a store
/// this process has just closed (a segment write finishing): the demo reopens the store between
/// batches, and on a busy machine sled's lock then refused the reopen. The caller holds
/// `gridlog.lock`, so no other process has the store; sled's refusal can only be those threads,
/// and it is waited out (within [`SLED_LOCK_WAIT`]).
fn open_sled(dir: &Path, opts: &Options) -> Result<sled::Db, StoreError> {
    let deadline = Instant::now() + SLED_LOCK_WAIT;
    loop {
        match sled::Config::new().path(dir.join("db")).cache_capacity(opts.cache_bytes).open() {
            Err(sled::Error::Io(e))
                if e.to_string().contains("could not acquire lock") && Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            r => return Ok(r?),
        }
    }
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
        let db = open_sled(dir, opts)?;
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
            counts: db.open_tree(TREE_COUNTS)?,
            figures: db.open_tree(TREE_FIGURES)?,
            links: db.open_tree(TREE_LINKS)?,
            authors: db.open_tree(TREE_AUTHORS)?,
            sync: db.open_tree(TREE_SYNC)?,
            stats: db.open_tree(TREE_STATS)?,
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
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    #[test]
    fn a_store_whose_engine_file_this_process_still_holds_opens_once_it_is_let_go() {
        let t = tempfile::tempdir().unwrap();
        drop(Store::open(t.path(), &Options::default()).unwrap());
        // sled's lock on db/db held elsewhere in this process, as its I/O threads hold it for a
        // moment after a store is closed
        let held = sled::Config::new().path(t.path().join("db")).open().unwrap();
        let started = Instant::now();
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            drop(held);
        });
        let s = Store::open(t.path(), &Options::default()).expect("opens once sled's lock is let go");
        assert!(started.elapsed() >= Duration::from_millis(250), "it waited for the lock");
        drop(s);
        release.join().unwrap();
    }
}
