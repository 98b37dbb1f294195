//! The level above at work on a village's records (docs/ARCHITECTURE.md, "Township"):
//! 上级批示 (`instruct`: an instruction, reply or outcome on an escalation), 督办 (`supervise`:
//! flagged for supervision, with a note and a date, until the village answers it), and
//! 延期申请 (`request_extension`: a new due date and a reason, which the level above approves
//! or refuses). All are bound to no status; which of them a record allows now is read from
//! its state here, so every replica decides alike.
//!
//! **The due rule of an extension** (docs/SCHEMA.md, "Extensions"): only an approved extension
//! moves a record's due date, and only for the step it was asked for: the approval writes
//! `extension` = `{original_due_on, due_on}`, and while the rule's own date
//! (`due::original_due_on`) is still `original_due_on`, the record is due on `due_on`. The
//! original date stays in the record (`original_due_on`, and the
//! fields the rule reads) and in its history, and it is what the 考核 figures use.

use super::codes::{DemandStatus, DisputeStatus, HazardGrade, Risk};
use super::day::Day;
use super::error::{FieldError, Problem};
use super::record::RecordState;
use super::value::{Kind, Value};

/// The scalar of a pending 督办 (`{note, due_on}`), null once answered.
pub const SUPERVISION: &str = "supervision";
/// The scalar of a pending extension request (`{due_on, reason}`), null once decided.
pub const EXTENSION_REQUEST: &str = "extension_request";
/// The scalar of the approved extension (`{original_due_on, due_on}`).
pub const EXTENSION: &str = "extension";
/// How many escalations the latest instruction answered.
pub const INSTRUCTED: &str = "instructed";

/// The actions of the level above, and the village's answers to them.
pub const ACTIONS: [&str; 6] =
    ["instruct", "supervise", "answer_supervision", "request_extension", "approve_extension", "refuse_extension"];

/// The actions a township or county store writes; the others (answering a 督办, asking for an
/// extension) are the village's.
pub const ABOVE_ONLY: [&str; 4] = ["instruct", "supervise", "approve_extension", "refuse_extension"];

/// Whether `kind` takes these actions (the three ledgers).
pub fn applies_to(kind: Kind) -> bool {
    matches!(kind, Kind::Demand | Kind::Dispute | Kind::Hazard)
}

/// The 督办 waiting for the village's answer: its note and date.
pub fn pending_supervision(state: &RecordState) -> Option<(&str, Option<Day>)> {
    let s = state.get(SUPERVISION).filter(|v| !v.is_null())?;
    Some((s.get("note").and_then(Value::as_text).unwrap_or(""), s.get("due_on").and_then(Value::as_day)))
}

/// The extension request waiting for a decision: the date asked for and the reason.
pub fn pending_extension(state: &RecordState) -> Option<(Day, &str)> {
    let r = state.get(EXTENSION_REQUEST).filter(|v| !v.is_null())?;
    Some((r.get("due_on").and_then(Value::as_day)?, r.get("reason").and_then(Value::as_text).unwrap_or("")))
}

/// The due date once an approved extension is applied to the rule's own date `original`.
pub fn extended(state: &RecordState, original: Option<Day>) -> Option<Day> {
    let ext = state.get(EXTENSION).filter(|v| !v.is_null());
    match (original, ext) {
        (Some(o), Some(e)) if e.get("original_due_on").and_then(Value::as_day) == Some(o) => {
            e.get("due_on").and_then(Value::as_day).or(Some(o))
        }
        _ => original,
    }
}

/// Whether the record goes to the level above's inbox (上报): a MAJOR hazard, a RED-risk
/// dispute, or a record escalated by the village (a demand or dispute while 已上报, a hazard
/// with an escalation).
pub fn is_escalation(kind: Kind, state: &RecordState) -> bool {
    match kind {
        Kind::Hazard => state.text("grade") == Some(HazardGrade::Major.code()) || !state.set("escalations").is_empty(),
        Kind::Dispute => {
            state.text("risk") == Some(Risk::Red.code()) || state.status() == DisputeStatus::Escalated.code()
        }
        Kind::Demand => state.status() == DemandStatus::Escalated.code(),
        _ => false,
    }
}

/// Whether an escalation waits for the level above's answer: it goes to the inbox, it is not
/// closed, and no instruction has answered its latest escalation (an instruction answers every
/// escalation the record held when it was written; a MAJOR hazard or RED dispute never
/// escalated waits for its first instruction).
pub fn waits_for_answer(kind: Kind, state: &RecordState) -> bool {
    if !is_escalation(kind, state) || state.status() == "CLOSED" {
        return false;
    }
    let escalations = state.set("escalations").len() as i64;
    let answered = match state.get(INSTRUCTED) {
        Some(Value::Int(n)) => *n,
        _ => 0,
    };
    if escalations == 0 { state.set("instructions").is_empty() } else { answered < escalations }
}

/// What refuses one of [`ACTIONS`] for the whole record, whatever its payload (checked before
/// the payload, so that a screen does not offer it): no 督办 to answer, no due date to extend,
/// no request to decide.
pub fn precondition(action: &str, state: &RecordState, due: Option<Day>) -> Option<FieldError> {
    let missing = match action {
        "answer_supervision" if pending_supervision(state).is_none() => SUPERVISION,
        "request_extension" if due.is_none() => "due_on",
        "approve_extension" | "refuse_extension" if pending_extension(state).is_none() => EXTENSION_REQUEST,
        _ => return None,
    };
    Some(FieldError::new("", Problem::NoPending(missing.into())))
}

/// What one of [`ACTIONS`] changes (scalars to set, items to add), given its parsed payload;
/// `due` is the record's due date now and `original` the date its rule gives without an
/// extension (`due::original_due_on`). Problems that refuse it for the whole record are named
/// on field `""`, so a screen does not offer it.
pub fn plan(
    action: &str,
    state: &RecordState,
    (due, original): (Option<Day>, Option<Day>),
    p: &[(String, Value)],
    map: Value,
) -> Planned {
    let mut out = Planned::default();
    let Planned { set, add, errors } = &mut out;
    let day = |f: &str| p.iter().find(|(k, _)| k == f).and_then(|(_, v)| v.as_day());
    match action {
        "instruct" => {
            set.push((INSTRUCTED.into(), Value::Int(state.set("escalations").len() as i64)));
            add.push(("instructions".into(), map));
        }
        "supervise" => {
            set.push((SUPERVISION.into(), map.clone()));
            add.push(("supervisions".into(), map));
        }
        "answer_supervision" => {
            errors.extend(precondition(action, state, due));
            set.push((SUPERVISION.into(), Value::Null));
            add.push(("supervision_answers".into(), map));
        }
        "request_extension" => match due {
            None => errors.extend(precondition(action, state, due)),
            Some(d) => {
                if day("due_on").is_some_and(|new| new <= d) {
                    errors.push(FieldError::new("due_on", Problem::NotAfterDue(d)));
                }
                set.push((EXTENSION_REQUEST.into(), map.clone()));
                add.push(("extension_requests".into(), map));
            }
        },
        "approve_extension" | "refuse_extension" => {
            let Some((to, _)) = pending_extension(state) else {
                errors.extend(precondition(action, state, due));
                return out;
            };
            if action == "approve_extension" {
                // the rule's own date the request was for, so that a later step is not moved
                let from = original.map_or(Value::Null, Value::Date);
                let ext = Value::Map(vec![("original_due_on".into(), from), ("due_on".into(), Value::Date(to))]);
                set.push((EXTENSION.into(), ext));
                add.push(("extension_decisions".into(), with(map, "approved", true)));
            } else {
                add.push(("extension_decisions".into(), with(map, "approved", false)));
            }
            set.push((EXTENSION_REQUEST.into(), Value::Null));
        }
        _ => unreachable!("every action of oversight::ACTIONS is handled"),
    }
    out
}

/// What [`plan`] found: the changes, and the problems that refuse them.
#[derive(Debug, Default)]
pub struct Planned {
    /// Scalars to set.
    pub set: Vec<(String, Value)>,
    /// Items to add to sets.
    pub add: Vec<(String, Value)>,
    /// Problems.
    pub errors: Vec<FieldError>,
}

fn with(map: Value, k: &str, b: bool) -> Value {
    match map {
        Value::Map(mut m) => {
            m.push((k.into(), Value::Bool(b)));
            Value::Map(m)
        }
        other => other,
    }
}

#[cfg(test)]
#[path = "oversight_tests.rs"]
mod tests;
