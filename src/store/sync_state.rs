//! What a store knows about sync (docs/ARCHITECTURE.md, "Sync"): the events it holds (its
//! have-set), the place of each device it has met, the signers it trusts or has revoked, its
//! peers and what each holds, and the bundles it sent that are not yet acknowledged (the
//! outbox). The have-set and the places are in `meta`, written in the import's transaction
//! with the events; the rest is in the `sync` tree, one small key per signer, peer and bundle.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::codec;
use super::db::Store;
use super::error::{StoreError, corrupt};
use super::keys::{
    K_HAVE, K_IMPORT_PENDING, K_LAST_EXPORT, K_LAST_IMPORT, K_LAST_STATS_EXPORT, K_PLACES, sync_key_key,
    sync_outbox_key, sync_peer_key,
};
use crate::domain::DeviceId;
use crate::events::VersionVector;

/// Whether a signer's bundles are accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Trust {
    /// Seen (a bundle was refused or only planned), not trusted.
    Seen,
    /// Trusted: its bundles are imported.
    Trusted,
    /// Revoked: its bundles are refused.
    Revoked,
}

/// A signer: a store's public key and who it said it was.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyEntry {
    /// The ed25519 public key.
    pub public_key: [u8; 32],
    /// Its store's device.
    pub device: DeviceId,
    /// Worker, place (name), role and division code, as its last bundle said.
    pub worker: String,
    /// Place name.
    pub place: String,
    /// Role code.
    pub role: String,
    /// Division code.
    pub division: String,
    /// Trusted, revoked or only seen.
    pub trust: Trust,
    /// When this store first saw it (ms).
    pub first_seen_ms: u64,
    /// When its trust last changed (ms).
    pub changed_ms: u64,
}

/// A peer store: what it holds, as its last bundle said.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerEntry {
    /// Its device.
    pub device: DeviceId,
    /// Its public key.
    pub public_key: [u8; 32],
    /// Its division code.
    pub division: String,
    /// Its place name.
    pub place: String,
    /// Every event it holds (merged over its bundles: it never forgets).
    pub have: VersionVector,
    /// When its newest bundle imported here was written (its clock, ms).
    pub last_bundle_ms: u64,
    /// When that bundle was imported (this store's clock, ms).
    pub last_import_ms: u64,
}

/// A bundle this store wrote that no peer has acknowledged yet; its file is kept in the
/// store's `outbox/` folder until then.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// The bundle's id.
    pub id: [u8; 16],
    /// When it was written (ms).
    pub created_ms: u64,
    /// Where the user wrote it.
    pub path: String,
    /// The file name of its copy in `outbox/`.
    pub file: String,
    /// Who it is for (a division code; empty: any peer).
    pub target: String,
    /// The events inside.
    pub includes: VersionVector,
    /// Its size in bytes.
    pub bytes: u64,
}

/// The last export or import, for the sync panel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncMark {
    /// When (ms, this store's clock).
    pub ms: u64,
    /// The file.
    pub path: String,
    /// Events written (export) or new here (import); for a statistics file, its rows.
    pub events: u64,
    /// The other side's place name (import: the producer; export: the target, may be empty).
    pub place: String,
}

impl Store {
    /// Every event this store holds: its own `1..next_seq` and the others' it imported.
    pub fn have(&self) -> Result<VersionVector, StoreError> {
        let mut have = self.foreign_have()?;
        if let (Some(id), Ok(c)) = (self.identity()?, self.counters())
            && c.next_seq > 1
        {
            have.insert_range(id.device, 1..=c.next_seq - 1);
        }
        Ok(have)
    }

    pub(super) fn foreign_have(&self) -> Result<VersionVector, StoreError> {
        match self.meta.get(K_HAVE)? {
            Some(v) => codec::decode(&v).map_err(corrupt("meta/have")),
            None => Ok(VersionVector::new()),
        }
    }

    /// The division code of each device met, this store's own included.
    pub fn places(&self) -> Result<BTreeMap<DeviceId, String>, StoreError> {
        let mut places: BTreeMap<DeviceId, String> = match self.meta.get(K_PLACES)? {
            Some(v) => codec::decode(&v).map_err(corrupt("meta/places"))?,
            None => BTreeMap::new(),
        };
        if let Some(id) = self.identity()? {
            places.insert(id.device, id.division);
        }
        Ok(places)
    }

    fn sync_get<T: serde::de::DeserializeOwned>(&self, key: &[u8], what: &str) -> Result<Option<T>, StoreError> {
        match self.sync.get(key)? {
            Some(v) => Ok(Some(codec::decode(&v).map_err(corrupt(format!("sync/{what}")))?)),
            None => Ok(None),
        }
    }

    fn sync_put<T: Serialize>(&self, key: &[u8], value: &T) -> Result<(), StoreError> {
        self.sync.insert(key, codec::encode(value))?;
        self.sync.flush()?;
        Ok(())
    }

    fn sync_all<T: serde::de::DeserializeOwned>(&self, prefix: &[u8], what: &str) -> Result<Vec<T>, StoreError> {
        let mut out = Vec::new();
        for kv in self.sync.scan_prefix(prefix) {
            let (_, v) = kv?;
            out.push(codec::decode(&v).map_err(corrupt(format!("sync/{what}")))?);
        }
        Ok(out)
    }

    /// A signer's entry.
    pub fn key_entry(&self, public_key: &[u8; 32]) -> Result<Option<KeyEntry>, StoreError> {
        self.sync_get(&sync_key_key(public_key), "key")
    }

    /// Every signer met, in key order.
    pub fn key_entries(&self) -> Result<Vec<KeyEntry>, StoreError> {
        self.sync_all(b"k", "key")
    }

    /// Writes a signer's entry (flushed).
    pub fn put_key_entry(&self, entry: &KeyEntry) -> Result<(), StoreError> {
        self.sync_put(&sync_key_key(&entry.public_key), entry)
    }

    /// A peer's entry.
    pub fn peer(&self, device: DeviceId) -> Result<Option<PeerEntry>, StoreError> {
        self.sync_get(&sync_peer_key(device), "peer")
    }

    /// Every peer, in device order.
    pub fn peers(&self) -> Result<Vec<PeerEntry>, StoreError> {
        self.sync_all(b"p", "peer")
    }

    /// Writes a peer's entry (flushed).
    pub fn put_peer(&self, entry: &PeerEntry) -> Result<(), StoreError> {
        self.sync_put(&sync_peer_key(entry.device), entry)
    }

    /// The bundles not yet acknowledged, oldest first.
    pub fn outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut all: Vec<OutboxEntry> = self.sync_all(b"o", "outbox")?;
        all.sort_by_key(|o| o.created_ms);
        Ok(all)
    }

    /// Adds a bundle to the outbox (flushed).
    pub fn put_outbox(&self, entry: &OutboxEntry) -> Result<(), StoreError> {
        self.sync_put(&sync_outbox_key(&entry.id), entry)
    }

    /// Removes an acknowledged bundle from the outbox (flushed).
    pub fn remove_outbox(&self, id: &[u8; 16]) -> Result<(), StoreError> {
        self.sync.remove(sync_outbox_key(id))?;
        self.sync.flush()?;
        Ok(())
    }

    /// Marks (with the file's name) or clears an import written in several transactions: while
    /// set, the bundle is only partly in the store, and importing it again completes it.
    pub fn set_import_pending(&self, file: Option<&str>) -> Result<(), StoreError> {
        match file {
            Some(f) => self.sync_put(K_IMPORT_PENDING, &f.to_string()),
            None => {
                self.sync.remove(K_IMPORT_PENDING)?;
                self.sync.flush()?;
                Ok(())
            }
        }
    }

    /// The file of an import that was interrupted between its transactions.
    pub fn import_pending(&self) -> Result<Option<String>, StoreError> {
        self.sync_get(K_IMPORT_PENDING, "import_pending")
    }

    /// The last export.
    pub fn last_export(&self) -> Result<Option<SyncMark>, StoreError> {
        self.sync_get(K_LAST_EXPORT, "last_export")
    }

    /// The last import.
    pub fn last_import(&self) -> Result<Option<SyncMark>, StoreError> {
        self.sync_get(K_LAST_IMPORT, "last_import")
    }

    /// Records the last export (flushed).
    pub fn set_last_export(&self, mark: &SyncMark) -> Result<(), StoreError> {
        self.sync_put(K_LAST_EXPORT, mark)
    }

    /// A township's last statistics file for the county.
    pub fn last_stats_export(&self) -> Result<Option<SyncMark>, StoreError> {
        self.sync_get(K_LAST_STATS_EXPORT, "last_stats_export")
    }

    /// Records a township's last statistics file (flushed); its `events` are the file's rows.
    pub fn set_last_stats_export(&self, mark: &SyncMark) -> Result<(), StoreError> {
        self.sync_put(K_LAST_STATS_EXPORT, mark)
    }

    /// Records the last import (flushed).
    pub fn set_last_import(&self, mark: &SyncMark) -> Result<(), StoreError> {
        self.sync_put(K_LAST_IMPORT, mark)
    }
}
