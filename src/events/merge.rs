//! Concurrent status changes (docs/ARCHITECTURE.md, "Concurrent status changes"): a lifecycle
//! action the fold meets in a status its action table does not allow it from was made
//! concurrently with the change that led there. Its scalar writes are held back, so the record
//! keeps the status reached first in the fold's order (a status the lifecycle allows), and a
//! [`Decision`] keeps both sides until a `decide` change settles it. Pure, and only reached off
//! the common path: the fold allocates nothing here for records without such changes.

use super::event::{Event, Op, Write};
use super::hlc::Stamp;
use crate::domain::Value;

/// The pseudo-field a `decide` change writes: its base is the latest held change the decider
/// had seen (so the fold orders the decision after it). Kept in the record's versions only,
/// never among the record's fields.
pub const DECISION_FIELD: &str = "decision";

/// One side of two concurrent status changes.
#[derive(Clone, Debug, PartialEq)]
pub struct Side {
    /// The action (`create` for the creation).
    pub action: String,
    /// The status this side leads to: for the kept side the record's status; for the held side
    /// the status its action sets, or (an action that sets none, such as a hazard's 上报) the
    /// status the kept side replaced.
    pub status: String,
    /// Who made it.
    pub worker: String,
    /// When.
    pub stamp: Stamp,
}

/// Two concurrent status changes that the lifecycle does not allow one after the other: the
/// record shows the kept side; the held side's fields wait here until someone decides.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// The change that set the status the record has.
    pub kept: Side,
    /// The change the lifecycle does not allow from there.
    pub held: Side,
    /// The scalar fields the held change would have written (status and the decision marker
    /// aside), so that deciding for it loses nothing. Its set items are kept as every set item
    /// is.
    pub held_set: Vec<(String, Value)>,
}

/// The status an event writes, if any.
fn status_written(e: &Event) -> Option<&str> {
    match &e.op {
        Op::Create { fields, .. } => fields.iter().find(|(f, _)| f == "status").and_then(|(_, v)| v.as_text()),
        Op::Change { set, .. } => set.iter().find(|w| w.field == "status").and_then(|w| w.value.as_text()),
    }
}

fn action_of(e: &Event) -> &str {
    match &e.op {
        Op::Create { .. } => "create",
        Op::Change { action, .. } => action,
    }
}

/// The decision for change `e` (action `action`, scalar writes `set`), which the lifecycle does
/// not allow in the record's status `current`, set by the change stamped `kept` (`None`: the
/// creation's). `before` are the events the fold applied before it, in order, the creation
/// first (the kept change is among them). The fold holds the change back and keeps this.
pub(super) fn hold(
    current: &str,
    kept: Option<Stamp>,
    before: &[&Event],
    e: &Event,
    action: &str,
    set: &[Write],
) -> Option<Decision> {
    let find = |s: Stamp| before.iter().rev().find(|x| x.stamp() == s).copied();
    let kept_ev = kept.and_then(find).or_else(|| before.first().copied())?;
    // the status both branches started from: what the kept change replaced
    let replaced = || {
        let Op::Change { set, .. } = &kept_ev.op else { return None };
        let base = set.iter().find(|w| w.field == "status")?.base?;
        find(base).and_then(status_written).map(str::to_string)
    };
    let held_status = set
        .iter()
        .find(|w| w.field == "status")
        .and_then(|w| w.value.as_text())
        .map(str::to_string)
        .or_else(replaced)
        .unwrap_or_else(|| current.to_string());
    Some(Decision {
        kept: Side {
            action: action_of(kept_ev).into(),
            status: current.into(),
            worker: kept_ev.worker.clone(),
            stamp: kept_ev.stamp(),
        },
        held: Side { action: action.into(), status: held_status, worker: e.worker.clone(), stamp: e.stamp() },
        held_set: set
            .iter()
            .filter(|w| w.field != "status" && w.field != DECISION_FIELD)
            .map(|w| (w.field.clone(), w.value.clone()))
            .collect(),
    })
}

/// A `decide` change settles the decisions its writer had seen: those up to the held change its
/// decision marker names (its base), in the fold's order. Held changes it had not seen stay
/// pending; a second, concurrent `decide` finds nothing left to settle.
pub(super) fn settle(pending: &mut Vec<Decision>, set: &[Write]) {
    let Some(seen) = set.iter().find(|w| w.field == DECISION_FIELD).and_then(|w| w.base) else { return };
    if let Some(i) = pending.iter().position(|d| d.held.stamp == seen) {
        pending.drain(..=i);
    }
}
