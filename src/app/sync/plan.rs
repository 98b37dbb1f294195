//! An import's plan (docs/BUNDLE.md, "Importing"), built chunk by chunk during the first pass
//! over a bundle: new events per device, records created and changed per ledger, duplicates,
//! conflicts, decisions and possible duplicate residents, with no event kept.

use std::collections::{BTreeMap, HashSet};

use super::PerKind;
use super::signer::SignerState;
use crate::app::{App, AppError};
use crate::domain::{EntityId, Kind};
use crate::events::{Event, Op, VersionVector, fold};
use crate::sync::Header;

/// Who wrote a bundle, as its verified header says.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ProducerInfo {
    /// The signer's fingerprint (hex of its public key).
    pub fingerprint: String,
    /// Its device.
    pub device: String,
    /// Worker.
    pub worker: String,
    /// Place name.
    pub place: String,
    /// Role code.
    pub role: String,
    /// Division code.
    pub division: String,
    /// When it was written (ms).
    pub created_ms: u64,
    /// A demo store's bundle.
    pub demo: bool,
    /// Events inside.
    pub events: u64,
    /// It came encrypted for this store.
    pub encrypted: bool,
    /// A statistics file (docs/COUNTY.md): `events` counts its rows.
    pub stats: bool,
}

impl ProducerInfo {
    pub(super) fn of(h: &Header) -> ProducerInfo {
        ProducerInfo {
            fingerprint: h.fingerprint(),
            device: h.device.to_string(),
            worker: h.worker.clone(),
            place: h.place.clone(),
            role: h.role.clone(),
            division: h.division.clone(),
            created_ms: h.created_ms,
            demo: h.demo,
            events: h.includes.len(),
            encrypted: false,
            stats: false,
        }
    }
}

/// What an import does (or, with `dry_run`, would do).
#[derive(Clone, Debug, serde::Serialize)]
pub struct ImportPlan {
    /// The file.
    pub file: String,
    /// The bundle's id (hex).
    pub bundle_id: String,
    /// Its producer.
    pub producer: ProducerInfo,
    /// How its signer stands.
    pub signer: SignerState,
    /// New events per device that wrote them.
    pub new_events: BTreeMap<String, u64>,
    /// Records created here, per ledger.
    pub created: PerKind,
    /// Records changed here, per ledger.
    pub updated: PerKind,
    /// Events this store already held (skipped).
    pub duplicates: u64,
    /// Records where the new events wrote a field concurrently with a change made here.
    pub conflicts: Vec<String>,
    /// Records whose status the new events changed concurrently with a change made here in a
    /// way the lifecycle does not allow: they will need a decision (待决定).
    pub decisions: Vec<String>,
    /// New person records that may be a resident this store holds already (same ID number, or
    /// same name and household address):
    /// `(new record, existing record)`.
    pub possible_duplicates: Vec<(String, String)>,
    /// Whether it was written (false: a dry run).
    pub applied: bool,
}

impl ImportPlan {
    /// Events new here, over every device.
    pub fn new_total(&self) -> u64 {
        self.new_events.values().sum()
    }
}

/// The plan, built chunk by chunk during the first pass (no events kept).
pub(super) struct PlanBuilder {
    have: VersionVector,
    seen_events: VersionVector,
    seen_records: HashSet<EntityId>,
    new_events: BTreeMap<String, u64>,
    created: PerKind,
    updated: PerKind,
    duplicates: u64,
    conflicts: Vec<String>,
    decisions: Vec<String>,
    possible_duplicates: Vec<(String, String)>,
}

impl PlanBuilder {
    pub(super) fn new(have: VersionVector) -> PlanBuilder {
        PlanBuilder {
            have,
            seen_events: VersionVector::new(),
            seen_records: HashSet::new(),
            new_events: BTreeMap::new(),
            created: PerKind::default(),
            updated: PerKind::default(),
            duplicates: 0,
            conflicts: Vec::new(),
            decisions: Vec::new(),
            possible_duplicates: Vec::new(),
        }
    }

    /// Counts one chunk's events: new or held, and the records they create or change (each
    /// record once, against what the store holds).
    pub(super) fn add(&mut self, app: &App, events: &[Event]) -> Result<(), AppError> {
        let mut by_record: BTreeMap<EntityId, Vec<Event>> = BTreeMap::new();
        for e in events {
            if self.have.contains(e.device, e.seq) || self.seen_events.contains(e.device, e.seq) {
                self.duplicates += 1;
                continue;
            }
            self.seen_events.insert(e.device, e.seq);
            *self.new_events.entry(e.device.to_string()).or_default() += 1;
            by_record.entry(e.entity).or_default().push(e.clone());
        }
        let ids: Vec<EntityId> = by_record.keys().copied().filter(|id| !self.seen_records.contains(id)).collect();
        let mut held: BTreeMap<EntityId, Vec<Event>> = BTreeMap::new();
        for chunk in ids.chunks(256) {
            for (id, evs) in app.store.events_of_many(chunk)? {
                if !evs.is_empty() {
                    held.insert(id, evs);
                }
            }
        }
        for id in ids {
            let incoming = &by_record[&id];
            let before = held.get(&id).and_then(|evs| fold(id, evs));
            let mut all = held.remove(&id).unwrap_or_default();
            all.extend(incoming.iter().cloned());
            let Some(after) = fold(id, &all) else { continue };
            self.seen_records.insert(id);
            match &before {
                Some(b) => {
                    self.updated.add(b.kind);
                    if after.conflicts.len() > b.conflicts.len() {
                        self.conflicts.push(id.to_string());
                    }
                    if after.decisions.len() > b.decisions.len() {
                        self.decisions.push(id.to_string());
                    }
                }
                None => {
                    self.created.add(after.kind);
                    // the same ID number, or the same name at the same household address (the
                    // household may come in this chunk: app/merge.rs)
                    if after.kind == Kind::Person
                        && incoming.iter().any(|e| matches!(e.op, Op::Create { .. }))
                        && let Some(holder) = app.possible_duplicate(&after, &|h| by_record.get(&h).cloned())?
                    {
                        self.possible_duplicates.push((id.to_string(), holder.to_string()));
                    }
                }
            }
        }
        Ok(())
    }

    pub(super) fn finish(self, file: &str, h: &Header, signer: SignerState) -> ImportPlan {
        ImportPlan {
            file: file.to_string(),
            bundle_id: h.id.to_string(),
            producer: ProducerInfo::of(h),
            signer,
            new_events: self.new_events,
            created: self.created,
            updated: self.updated,
            duplicates: self.duplicates,
            conflicts: self.conflicts,
            decisions: self.decisions,
            possible_duplicates: self.possible_duplicates,
            applied: false,
        }
    }
}
