//! `gridlog doctor --salvage --out DIR`: copies every record that can still be read from a
//! damaged store into a new one, and says what it could not read.
//!
//! The damaged store is never written: under its lock, its `db/` is copied into a work folder
//! inside `DIR`, and sled (whose recovery writes) opens only that copy. A copy that sled will
//! not open is tried again without its snapshots (sled then replays the log that is there).
//! Readable blocks are copied as they are (each one decoded first); the views and the search
//! index of the new store are derived again from the events when it is first opened, as after
//! a format upgrade (see `views.rs`). The new store keeps the identity, device and signing key,
//! and counters at least as high as the old ones, so no number is ever given out twice. It also
//! keeps what sync knew that still reads: the place of each device met (a township's rows per
//! village and its inbox depend on it), the signers it trusted or revoked, its peers and the last
//! export and import; the events of other devices it holds (`have`) are counted again from the
//! blocks copied, so that a lost block is asked for again rather than taken as held. Bundles
//! sent and not yet acknowledged (the outbox) are not kept: the next export carries them again.

use std::path::{Path, PathBuf};

use super::blocks::Block;
use super::db::{Counters, Identity, Options, Store};
use super::error::StoreError;
use super::keys::{
    BlockKey, K_COUNTERS, K_DEVICES, K_HAVE, K_IDENTITY, K_LAST_EXPORT, K_LAST_IMPORT, K_LAST_STATS_EXPORT, K_PLACES,
    K_SEARCH_VERSION, K_SIGNING, K_VIEWS_VERSION, TREE_BLOCKS, TREE_META, TREE_STATS, TREE_SYNC,
};
use super::stats::StatsEntry;
use super::sync_state::{KeyEntry, PeerEntry, SyncMark};
use super::{codec, lock, recovery};
use crate::domain::DeviceId;
use crate::events::VersionVector;

/// What a salvage copied and what it could not read.
#[derive(Debug, Default)]
pub struct SalvageReport {
    /// Blocks copied.
    pub blocks: u64,
    /// Records copied.
    pub records: u64,
    /// Events copied.
    pub events: u64,
    /// What could not be read, one item each.
    pub lost: Vec<StoreError>,
    /// The damaged store's watermark said this many events had been acknowledged.
    pub acknowledged_events: Option<u64>,
    /// The new store.
    pub out: PathBuf,
}

const WORK: &str = ".salvage-work";

/// Copies what can be read of the store in `from` into a new store in `out` (which must not
/// exist, or be empty).
pub fn salvage(from: &Path, out: &Path, opts: &Options) -> Result<SalvageReport, StoreError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |err| StoreError::Io { path, err }
    };
    if !from.join("db").is_dir() {
        return Err(StoreError::NoStore(from.to_path_buf()));
    }
    if std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_some()) {
        return Err(StoreError::Io {
            path: out.to_path_buf(),
            err: std::io::Error::new(std::io::ErrorKind::AlreadyExists, "not empty"),
        });
    }
    let _held = lock::acquire(from)?;
    let created = !out.exists();
    super::paths::restrict_umask();
    super::paths::ensure_private_dir(out).map_err(io(out))?;
    let work = out.join(WORK);
    copy_dir(&from.join("db"), &work.join("db")).map_err(io(&work))?;
    let mut report = SalvageReport { out: out.to_path_buf(), ..Default::default() };
    report.acknowledged_events = super::watermark::read(from).ok().flatten().map(|m| m.next_seq.saturating_sub(1));
    let result = salvage_copy(&work, out, opts, &mut report);
    let _ = std::fs::remove_dir_all(&work);
    if result.is_err() {
        // nothing half-made is left behind to be taken for a store
        if created {
            let _ = std::fs::remove_dir_all(out);
        } else {
            for entry in std::fs::read_dir(out).into_iter().flatten().flatten() {
                let _ = std::fs::remove_dir_all(entry.path()).or_else(|_| std::fs::remove_file(entry.path()));
            }
        }
    }
    result?;
    Ok(report)
}

fn salvage_copy(work: &Path, out: &Path, opts: &Options, report: &mut SalvageReport) -> Result<(), StoreError> {
    let db = match open_copy(work, opts) {
        Ok(db) => db,
        Err(first) => {
            // sled would not open the copy: try once more without its snapshots
            for entry in std::fs::read_dir(work.join("db")).into_iter().flatten().flatten() {
                if entry.file_name().to_string_lossy().starts_with("snap.") {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
            open_copy(work, opts).map_err(|_| first)?
        }
    };
    let tree =
        |name: &str| recovery::guard(|| db.open_tree(name)).map_err(StoreError::Panicked)?.map_err(StoreError::from);
    let (meta, blocks) = (tree(TREE_META)?, tree(TREE_BLOCKS)?);
    let get = |k: &[u8]| recovery::guard(|| meta.get(k)).ok().and_then(Result::ok).flatten();
    let identity: Identity = get(K_IDENTITY)
        .and_then(|v| codec::decode(&v).ok())
        .ok_or(StoreError::Corrupt { what: "meta/identity".into(), err: codec::CodecError::Truncated })?;
    let key: [u8; 32] = get(K_SIGNING)
        .and_then(|v| <[u8; 32]>::try_from(v.as_ref()).ok())
        .ok_or(StoreError::Corrupt { what: "meta/signing_key".into(), err: codec::CodecError::Truncated })?;
    let mut devices: Vec<DeviceId> =
        get(K_DEVICES).and_then(|v| codec::decode(&v).ok()).unwrap_or_else(|| vec![identity.device]);
    let mut counters: Counters = get(K_COUNTERS).and_then(|v| codec::decode(&v).ok()).unwrap_or_default();
    let places = get(K_PLACES).and_then(|v| codec::decode::<std::collections::BTreeMap<DeviceId, String>>(&v).ok());
    let mut have = VersionVector::new();

    let new = Store::open(out, opts)?;
    new.init(&identity, &key)?;
    let mut batch = sled::Batch::default();
    let mut pending = 0usize;
    let mut write_err = None;
    let source = BlocksOf(blocks);
    source.each(
        &mut |k, v| {
            let block: Block = codec::decode(v).map_err(|err| StoreError::Corrupt { what: "blocks".into(), err })?;
            let device = BlockKey::parse(k).map(|b| b.device);
            for slot in &block.slots {
                report.records += 1;
                report.events += slot.events.len() as u64;
                for e in &slot.events {
                    if e.device == identity.device {
                        counters.next_seq = counters.next_seq.max(e.seq + 1);
                    } else {
                        have.insert(e.device, e.seq);
                    }
                    counters.hlc = counters.hlc.max(e.hlc);
                }
                if device == Some(identity.device) {
                    counters.next_n = counters.next_n.max(slot.n + 1);
                }
            }
            if let Some(d) = device
                && !devices.contains(&d)
            {
                devices.push(d);
            }
            report.blocks += 1;
            batch.insert(k, v);
            pending += v.len();
            if pending > 8 << 20 {
                if let Err(e) = new.blocks.apply_batch(std::mem::take(&mut batch)) {
                    write_err.get_or_insert(StoreError::from(e));
                }
                pending = 0;
            }
            Ok(())
        },
        &mut |e| report.lost.push(e),
    );
    new.blocks.apply_batch(batch)?;
    if let Some(e) = write_err {
        return Err(e);
    }
    // a county's figures (docs/COUNTY.md): every entry that still reads
    let stats = tree(TREE_STATS)?;
    let mut it = stats.iter();
    while let Ok(Some(Ok((k, v)))) = recovery::guard(|| it.next()) {
        match codec::decode::<StatsEntry>(&v) {
            Ok(e) if e.key().is_some_and(|want| want[..] == k[..]) => drop(new.stats.insert(k, v)?),
            Ok(_) | Err(_) => report
                .lost
                .push(StoreError::Corrupt { what: format!("stats/{k:?}"), err: codec::CodecError::Truncated }),
        }
    }
    copy_sync(&tree(TREE_SYNC)?, &new, report)?;
    if let Some(places) = places {
        new.meta.insert(K_PLACES, codec::encode(&places))?;
    }
    new.meta.insert(K_HAVE, codec::encode(&have))?;
    counters.next_seq = counters.next_seq.max(1);
    counters.next_n = counters.next_n.max(1);
    new.meta.insert(K_COUNTERS, codec::encode(&counters))?;
    new.meta.insert(K_DEVICES, codec::encode(&devices))?;
    // derived again from the events on the next open
    new.meta.remove(K_VIEWS_VERSION)?;
    new.meta.remove(K_SEARCH_VERSION)?;
    new.flush()?;
    new.mark_committed()?;
    drop(new);
    drop(db);
    // the first open derives the views and the search index
    drop(Store::open(out, opts)?);
    Ok(())
}

/// Copies the sync entries that still decode: signers (`k`), peers (`p`) and the last export,
/// import and statistics file; an entry that does not decode is reported lost. Outbox entries
/// (`o`) and an interrupted import's mark are left behind.
fn copy_sync(old: &sled::Tree, new: &Store, report: &mut SalvageReport) -> Result<(), StoreError> {
    let mut it = old.iter();
    while let Ok(Some(Ok((k, v)))) = recovery::guard(|| it.next()) {
        let reads = match k.first() {
            Some(b'k') => codec::decode::<KeyEntry>(&v).is_ok(),
            Some(b'p') => codec::decode::<PeerEntry>(&v).is_ok(),
            _ if [K_LAST_EXPORT, K_LAST_IMPORT, K_LAST_STATS_EXPORT].contains(&&k[..]) => {
                codec::decode::<SyncMark>(&v).is_ok()
            }
            _ => continue,
        };
        if reads {
            new.sync.insert(k, v)?;
        } else {
            report.lost.push(StoreError::Corrupt {
                what: format!("sync/{}", String::from_utf8_lossy(&k[..1])),
                err: codec::CodecError::Truncated,
            });
        }
    }
    Ok(())
}

/// Takes one block (its key and bytes) into the new store.
type Keep<'a> = dyn FnMut(&[u8], &[u8]) -> Result<(), StoreError> + 'a;

struct BlocksOf(sled::Tree);

impl BlocksOf {
    /// Every block of the copy, in key order, decoded or reported lost; stops at a key out of
    /// order or an error of the tree itself.
    fn each(&self, keep: &mut Keep<'_>, lost: &mut dyn FnMut(StoreError)) {
        let mut it = self.0.iter();
        let mut last: Option<sled::IVec> = None;
        loop {
            let (k, v) = match recovery::guard(|| it.next()) {
                Ok(None) => return,
                Ok(Some(Ok(kv))) => kv,
                Ok(Some(Err(e))) => return lost(e.into()),
                Err(panic) => return lost(StoreError::Panicked(panic)),
            };
            if last.as_ref().is_some_and(|l| k <= *l) {
                return lost(StoreError::Corrupt { what: "blocks".into(), err: codec::CodecError::OutOfOrder });
            }
            last = Some(k.clone());
            let Some(key) = BlockKey::parse(&k) else {
                lost(StoreError::Corrupt { what: format!("blocks/{k:?}"), err: codec::CodecError::Truncated });
                continue;
            };
            match codec::decode::<Block>(&v) {
                Ok(_) => {
                    if let Err(e) = keep(&k, &v) {
                        lost(e);
                    }
                }
                Err(err) => lost(StoreError::DamagedBlock {
                    device: key.device,
                    block: key.block,
                    first: key.first_record(),
                    err,
                }),
            }
        }
    }
}

fn open_copy(work: &Path, opts: &Options) -> Result<sled::Db, StoreError> {
    let db_dir = work.join("db");
    recovery::repair_snapshots(work, &db_dir).map_err(|err| StoreError::Io { path: db_dir.clone(), err })?;
    let db = recovery::guard(|| sled::Config::new().path(&db_dir).cache_capacity(opts.cache_bytes).open())
        .map_err(StoreError::Panicked)??;
    Ok(db)
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    super::paths::ensure_private_dir(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
