//! What the sync panel shows (首页 and the 同步 tab): events not yet sent, the last export and
//! import, the bundles waiting for acknowledgement, and what each peer has acknowledged.

use crate::app::present::civil_ms;
use crate::app::{App, AppError};
use crate::events::VersionVector;
use crate::i18n::{Lang, tr};
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
    /// This store's role (`village`, `township`, `county`): what its lines say.
    pub role: String,
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
    /// The last import (on a county: a statistics file, `events` its rows).
    pub last_import: Option<SyncMark>,
    /// A township's last statistics file for the county (`events`: its rows).
    pub last_stats_export: Option<SyncMark>,
    /// The peers.
    pub peers: Vec<PeerStatus>,
    /// An import interrupted between its transactions (its file): importing it again
    /// completes it.
    pub interrupted_import: Option<String>,
}

impl App {
    /// The state of sync, from small keys only (no scan).
    pub fn sync_status(&self) -> Result<SyncStatus, AppError> {
        let identity = self.require_identity()?;
        let (me, role) = (identity.device, identity.role.clone());
        let have = self.store.have()?;
        let peers = self.store.peers()?;
        let outbox = self.store.outbox()?;
        let held_elsewhere = peers.iter().fold(VersionVector::new(), |acc, p| acc.union(&p.have));
        let in_flight = outbox.iter().fold(VersionVector::new(), |acc, o| acc.union(&o.includes));
        let unsent = have.difference(&held_elsewhere).difference(&in_flight).len();
        let own = |v: &VersionVector| v.ranges(me).map(|r| r.end() - r.start() + 1).sum::<u64>();
        Ok(SyncStatus {
            role,
            own_events: own(&have),
            unsent,
            waiting: in_flight.difference(&held_elsewhere).len(),
            outbox: outbox.iter().map(|o| o.file.clone()).collect(),
            last_export: self.store.last_export()?,
            last_import: self.store.last_import()?,
            last_stats_export: self.store.last_stats_export()?,
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

impl SyncStatus {
    /// The lines `gridlog sync-status` prints and the 同步 tab shows, by role, each with
    /// whether it asks for attention: a village's events not sent, its last export and import;
    /// a township adds its last statistics file for the county; a county has only the files it
    /// imported (it sends nothing and holds no events).
    pub fn lines(&self, lang: Lang) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        if self.role == "county" {
            out.push((
                match &self.last_import {
                    Some(m) => {
                        tr(lang, "cli.sync_last_stats_import", &[&civil_ms(m.ms), &m.place, &m.events.to_string()])
                    }
                    None => tr(lang, "cli.sync_never_imported", &[]),
                },
                false,
            ));
            return out;
        }
        let counts = [self.unsent, self.waiting, self.outbox.len() as u64].map(|n| n.to_string());
        out.push((tr(lang, "cli.sync_unsent", &[&counts[0], &counts[1], &counts[2]]), self.unsent > 0));
        out.push((
            match &self.last_export {
                Some(m) => tr(lang, "cli.sync_last_export", &[&civil_ms(m.ms), &m.events.to_string(), &m.path]),
                None => tr(lang, "cli.sync_never_exported", &[]),
            },
            false,
        ));
        out.push((
            match &self.last_import {
                Some(m) => tr(lang, "cli.sync_last_import", &[&civil_ms(m.ms), &m.place, &m.events.to_string()]),
                None => tr(lang, "cli.sync_never_imported", &[]),
            },
            false,
        ));
        if self.role == "township" {
            out.push(match &self.last_stats_export {
                Some(m) => (tr(lang, "cli.sync_last_stats", &[&civil_ms(m.ms), &m.events.to_string(), &m.path]), false),
                None => (tr(lang, "cli.sync_never_stats", &[]), true),
            });
        }
        out
    }
}
