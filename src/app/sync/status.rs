//! What the sync panel shows (首页 and the 同步 tab): events not yet sent, the last export and
//! import, the bundles waiting for acknowledgement, and what each peer has acknowledged.

use crate::app::{App, AppError};
use crate::events::VersionVector;
use crate::store::SyncMark;

/// A peer, as its last bundle said.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PeerStatus {
    /// Place name.
    pub place: String,
    /// Division code.
    pub division: String,
    /// When its newest bundle was written (its clock, ms).
    pub last_bundle_ms: u64,
    /// When it was imported here (ms).
    pub last_import_ms: u64,
    /// How many of this store's own events it holds (acknowledged).
    pub acknowledged: u64,
}

/// The state of sync.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SyncStatus {
    /// Events written here (this store's own).
    pub own_events: u64,
    /// Events held that no peer holds and no unacknowledged bundle carries.
    pub unsent: u64,
    /// Events in bundles sent but not yet acknowledged.
    pub waiting: u64,
    /// Bundles waiting for acknowledgement (their outbox files).
    pub outbox: Vec<String>,
    /// The last export.
    pub last_export: Option<SyncMark>,
    /// The last import.
    pub last_import: Option<SyncMark>,
    /// The peers.
    pub peers: Vec<PeerStatus>,
    /// An import interrupted between its transactions (its file): importing it again
    /// completes it.
    pub interrupted_import: Option<String>,
}

impl App {
    /// The state of sync, from small keys only (no scan).
    pub fn sync_status(&self) -> Result<SyncStatus, AppError> {
        let me = self.require_identity()?.device;
        let have = self.store.have()?;
        let peers = self.store.peers()?;
        let outbox = self.store.outbox()?;
        let held_elsewhere = peers.iter().fold(VersionVector::new(), |acc, p| acc.union(&p.have));
        let in_flight = outbox.iter().fold(VersionVector::new(), |acc, o| acc.union(&o.includes));
        let unsent = have.difference(&held_elsewhere).difference(&in_flight).len();
        let own = |v: &VersionVector| v.ranges(me).map(|r| r.end() - r.start() + 1).sum::<u64>();
        Ok(SyncStatus {
            own_events: own(&have),
            unsent,
            waiting: in_flight.difference(&held_elsewhere).len(),
            outbox: outbox.iter().map(|o| o.file.clone()).collect(),
            last_export: self.store.last_export()?,
            last_import: self.store.last_import()?,
            peers: peers
                .iter()
                .map(|p| PeerStatus {
                    place: p.place.clone(),
                    division: p.division.clone(),
                    last_bundle_ms: p.last_bundle_ms,
                    last_import_ms: p.last_import_ms,
                    acknowledged: own(&p.have),
                })
                .collect(),
            interrupted_import: self.store.import_pending()?,
        })
    }
}
