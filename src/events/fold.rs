//! The fold: events → record state (docs/ARCHITECTURE.md, "Event kernel"). Deterministic: the
//! events are first put in one order (`order.rs`: each `(device, seq)` once, the creation
//! first, then by causal reading), so arrival order and duplicates never matter.

use std::collections::BTreeMap;

use super::event::{Event, Op};
use super::hlc::{Hlc, Stamp};
use super::merge::{DECISION_FIELD, Decision, hold, settle};
use super::order::apply_order;
use crate::domain::lifecycle::{DECIDE, may_apply};
use crate::domain::{EntityId, Kind, RecordState, Value};

/// Two writes to one field that did not see each other. The later stamp wins (and is shown);
/// the other value is kept here so nothing entered is lost.
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    /// The field.
    pub field: String,
    /// The value that won.
    pub kept: Value,
    /// Its stamp.
    pub kept_stamp: Stamp,
    /// The value it replaced without having seen it.
    pub lost: Value,
    /// That value's stamp.
    pub lost_stamp: Stamp,
}

/// A record as its events make it.
#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    /// Its id.
    pub id: EntityId,
    /// Its kind.
    pub kind: Kind,
    /// Fields and sets.
    pub state: RecordState,
    /// The stamp of each field's current value (the base of the next write).
    pub versions: BTreeMap<String, Stamp>,
    /// Concurrent writes, oldest first.
    pub conflicts: Vec<Conflict>,
    /// Concurrent status changes the lifecycle does not allow one after the other, waiting for
    /// a `decide` (oldest first; docs/ARCHITECTURE.md, "Concurrent status changes").
    pub decisions: Vec<Decision>,
    /// When and by whom it was created.
    pub created: Hlc,
    /// Worker who created it.
    pub created_by: String,
    /// Last change.
    pub updated: Hlc,
}

/// Folds a record's events (any order, duplicates allowed). `None` until its creation event
/// has arrived; events stamped before it (a creator's clock ahead of the editors') are applied
/// after it all the same.
pub fn fold(id: EntityId, events: &[Event]) -> Option<Entity> {
    let (ordered, created) = apply_order(events.iter().filter(|e| e.entity == id));
    if !created {
        return None;
    }
    let first = *ordered.first()?;
    let Op::Create { kind, fields } = &first.op else { return None };
    let stamp = first.stamp();
    let mut ent = Entity {
        id,
        kind: *kind,
        state: RecordState::default(),
        versions: BTreeMap::new(),
        conflicts: Vec::new(),
        decisions: Vec::new(),
        created: first.hlc,
        created_by: first.worker.clone(),
        updated: first.hlc,
    };
    for (k, v) in fields {
        ent.state.fields.insert(k.clone(), v.clone());
        ent.versions.insert(k.clone(), stamp);
    }
    for (i, e) in ordered.iter().enumerate().skip(1) {
        let stamp = e.stamp();
        match &e.op {
            // A second creation of the same id cannot come from a well-behaved device (import
            // refuses it: `check::clashes`); the earlier one stands.
            Op::Create { .. } => continue,
            // A lifecycle action met in a status it is not allowed from was made concurrently
            // with the change that led there: the status reached first stays, the action's
            // fields wait for a decision, its set items are kept like every other.
            Op::Change { action, set, add } if may_apply(ent.kind, action, ent.state.status()) == Some(false) => {
                let kept = ent.versions.get("status").copied();
                if let Some(d) = hold(ent.state.status(), kept, &ordered[..i], e, action, set) {
                    ent.decisions.push(d);
                    ent.versions.insert(DECISION_FIELD.into(), stamp);
                }
                for (name, item) in add {
                    ent.state.sets.entry(name.clone()).or_default().push(item.clone());
                }
            }
            Op::Change { action, set, add } => {
                if action == DECIDE.name {
                    settle(&mut ent.decisions, set);
                }
                for w in set {
                    if w.field == DECISION_FIELD {
                        ent.versions.insert(w.field.clone(), stamp);
                        continue;
                    }
                    if let Some(cur) = ent.versions.get(&w.field).copied()
                        && w.base != Some(cur)
                    {
                        let lost = ent.state.fields.get(&w.field).cloned().unwrap_or(Value::Null);
                        if lost != w.value {
                            ent.conflicts.push(Conflict {
                                field: w.field.clone(),
                                kept: w.value.clone(),
                                kept_stamp: stamp,
                                lost,
                                lost_stamp: cur,
                            });
                        }
                    }
                    ent.state.fields.insert(w.field.clone(), w.value.clone());
                    ent.versions.insert(w.field.clone(), stamp);
                }
                for (name, item) in add {
                    ent.state.sets.entry(name.clone()).or_default().push(item.clone());
                }
            }
        }
        // the latest reading among the applied events (the causal order may put a change
        // stamped earlier last)
        ent.updated = ent.updated.max(e.hlc);
    }
    Some(ent)
}

/// One line of a record's history.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryEntry {
    /// When.
    pub stamp: Stamp,
    /// Who.
    pub worker: String,
    /// `create`, or the action's name.
    pub action: String,
    /// Fields written.
    pub set: Vec<(String, Value)>,
    /// Items appended.
    pub add: Vec<(String, Value)>,
}

/// The record's history in the order the fold applies it (the creation first, then by causal
/// reading), one entry per distinct event.
pub fn history(events: &[Event]) -> Vec<HistoryEntry> {
    apply_order(events.iter())
        .0
        .into_iter()
        .map(|e| match &e.op {
            Op::Create { fields, .. } => HistoryEntry {
                stamp: e.stamp(),
                worker: e.worker.clone(),
                action: "create".into(),
                set: fields.clone(),
                add: vec![],
            },
            Op::Change { action, set, add } => HistoryEntry {
                stamp: e.stamp(),
                worker: e.worker.clone(),
                action: action.clone(),
                set: set.iter().map(|w| (w.field.clone(), w.value.clone())).collect(),
                add: add.clone(),
            },
        })
        .collect()
}

#[cfg(test)]
#[path = "fold_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "merge_tests.rs"]
mod merge_tests;
