//! The rules of the ledgers: what an action changes and the rules that guard it (agreement,
//! major hazard, closing a demand, date order), the rules across a record's fields, and the
//! derived dates (when a record is due lives in [`super::due`], re-exported here).
//!
//! Which actions each kind has and which statuses allow them is data, in [`super::actions`];
//! its lookups are re-exported here for the callers that ask the lifecycle about them.

pub use super::actions::{
    ActionSpec, DECIDE, EDIT, NOTE, actions_of, all_action_fields, allowed_actions, category_of, find_action,
    initial_status, statuses_of,
};
pub use super::due::{DueState, due_on, due_state, is_overdue};

use super::codes::*;
use super::day::{Day, add_working_days};
use super::error::{FieldError, Invalid, Problem};
use super::merged::MERGED_INTO;
use super::oversight;
use super::parse::parse_object;
use super::record::{Ctx, RecordState};
use super::schema::fields_of;
use super::value::{Kind, Value};

/// The changes an accepted action makes: scalar fields to set and items to append to sets.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Change {
    /// Scalar fields (last writer wins).
    pub set: Vec<(String, Value)>,
    /// Items appended to named sets (never lost in concurrent work).
    pub add: Vec<(String, Value)>,
}

impl Change {
    fn set(&mut self, k: &str, v: Value) {
        self.set.push((k.to_string(), v));
    }
    fn status(&mut self, code: &str) {
        self.set("status", Value::Text(code.to_string()));
    }
    fn add(&mut self, k: &str, v: Value) {
        self.add.push((k.to_string(), v));
    }
}

const DEMAND_RENAME: &[(&str, &str)] = &[("kind", "demand_kind")];

fn rename_for(kind: Kind) -> &'static [(&'static str, &'static str)] {
    if kind == Kind::Demand { DEMAND_RENAME } else { &[] }
}

/// Validates a new record and returns its fields, status and derived values included.
pub fn plan_create(kind: Kind, input: &serde_json::Value, ctx: &Ctx) -> Result<Vec<(String, Value)>, Invalid> {
    create_fields(kind, input, ctx).map_err(|e| e.in_context(kind, None))
}

fn create_fields(kind: Kind, input: &serde_json::Value, ctx: &Ctx) -> Result<Vec<(String, Value)>, Invalid> {
    let mut fields = parse_object(fields_of(kind), input, ctx, false, rename_for(kind))?;
    let mut state = RecordState::default();
    state.fields.extend(fields.iter().cloned());
    record_rules(kind, &state, &[])?;
    if kind == Kind::Demand {
        if state.get("level").is_none() {
            fields.push(("level".into(), Value::Text(Level::Grid.code().into())));
        }
        if state.get("due_on").is_none()
            && let Some(due) = derived_due_on(&state)
        {
            fields.push(("due_on".into(), Value::Date(due)));
        }
    }
    fields.push(("status".into(), Value::Text(initial_status(kind).into())));
    Ok(fields)
}

/// A demand's answer deadline: urgent → the same day; inquiry/help → 3 working days;
/// complaint/suggestion → 13 working days.
pub fn derived_due_on(state: &RecordState) -> Option<Day> {
    let received = state.day("received_on")?;
    if state.get("urgent") == Some(&Value::Bool(true)) {
        return Some(received);
    }
    let days = match state.text("demand_kind").and_then(DemandKind::from_code)? {
        DemandKind::Inquiry | DemandKind::Help => 3,
        DemandKind::Complaint | DemandKind::Suggestion => 13,
    };
    Some(add_working_days(received, days))
}

/// Rules across fields of one record (creation and edit). `changed` limits date-order
/// checks of an edit to the fields it changes.
fn record_rules(kind: Kind, s: &RecordState, changed: &[String]) -> Result<(), Invalid> {
    let mut errors = Vec::new();
    match kind {
        Kind::Person => {
            let sensitive = match s.get("tags") {
                Some(Value::List(tags)) => {
                    tags.iter().filter_map(Value::as_text).filter_map(Tag::from_code).any(Tag::is_sensitive)
                }
                _ => false,
            };
            if sensitive && s.text("tag_basis").is_none() {
                errors.push(FieldError::new("tag_basis", Problem::SensitiveTagNeedsBasis));
            }
        }
        Kind::Dispute => {
            let parties = match s.get("parties") {
                Some(Value::List(p)) => p.as_slice(),
                _ => &[],
            };
            let role = |r: PartyRole| parties.iter().any(|p| p.get("role").and_then(Value::as_text) == Some(r.code()));
            if parties.len() < 2 || !role(PartyRole::Applicant) || !role(PartyRole::Respondent) {
                errors.push(FieldError::new("parties", Problem::Parties));
            }
            if let Some(received) = s.day("received_on")
                && changed.iter().any(|c| c == "received_on")
            {
                let first = s.set("sessions").iter().filter_map(|x| x.get("date").and_then(Value::as_day)).min();
                if first.is_some_and(|f| f < received) {
                    errors.push(FieldError::new("received_on", Problem::DateAfter("date".into())));
                }
            }
        }
        Kind::Hazard => {
            if s.get("house_rating").is_some() && s.text("category") != Some(HazardCategory::Housing.code()) {
                errors.push(FieldError::new("house_rating", Problem::HouseRatingOnlyForHousing));
            }
        }
        Kind::Demand => {
            if let (Some(r), Some(d)) = (s.day("received_on"), s.day("due_on"))
                && d < r
            {
                errors.push(FieldError::new("due_on", Problem::DateBefore("received_on".into())));
            }
            if let (Some(r), Some(p)) = (s.day("received_on"), s.day("replied_on"))
                && p < r
            {
                errors.push(FieldError::new("received_on", Problem::DateAfter("replied_on".into())));
            }
        }
        Kind::Household | Kind::Visit => {}
    }
    if errors.is_empty() { Ok(()) } else { Err(Invalid(errors)) }
}

fn payload_day(p: &[(String, Value)], f: &str) -> Option<Day> {
    p.iter().find(|(k, _)| k == f).and_then(|(_, v)| v.as_day())
}
fn payload_text<'a>(p: &'a [(String, Value)], f: &str) -> Option<&'a str> {
    p.iter().find(|(k, _)| k == f).and_then(|(_, v)| v.as_text())
}
fn not_before(errors: &mut Vec<FieldError>, field: &str, day: Option<Day>, other: &str, limit: Option<Day>) {
    if let (Some(d), Some(l)) = (day, limit)
        && d < l
    {
        errors.push(FieldError::new(field, Problem::DateBefore(other.into())));
    }
}
fn last_day_in(state: &RecordState, set: &str, field: &str) -> Option<Day> {
    state.set(set).iter().filter_map(|x| x.get(field).and_then(Value::as_day)).max()
}

/// The most items of each append-only set of one record (sessions, follow-ups, reviews,
/// replies, notes, escalations, reopenings): a mediation with 200 sessions or a demand
/// followed up 200 times does not happen; the action that would add one more is refused.
pub const SET_MAX: usize = 200;

/// Validates an action on a record in `state` and returns the changes it makes.
pub fn plan_action(
    kind: Kind,
    state: &RecordState,
    action: &str,
    input: &serde_json::Value,
    ctx: &Ctx,
) -> Result<Change, Invalid> {
    let Some(spec) = find_action(kind, action) else {
        let mut names: Vec<String> = actions_of(kind).iter().map(|a| a.name.to_string()).collect();
        names.extend(["edit".into(), "note".into()]);
        return Err(FieldError::new("", Problem::UnknownAction(names)).into());
    };
    if !spec.from.is_empty() && !spec.from.contains(&state.status()) {
        let allowed = allowed_actions(kind, state).into_iter().map(String::from).collect();
        return Err(FieldError::new(
            "",
            Problem::IllegalAction { kind, action: action.into(), status: state.status().into(), allowed },
        )
        .into());
    }
    if action == "edit" {
        return plan_edit(kind, state, input, ctx);
    }
    if action == DECIDE.name {
        // planned by the app from the record's pending decisions, which the state does not hold
        return Err(FieldError::new("", Problem::NothingToChange).into());
    }
    if let Some(refused) = oversight::precondition(action, state, due_on(kind, state)) {
        return Err(refused.into());
    }
    let mut c = Change::default();
    let p = match parse_object(spec.fields, input, ctx, false, &[]) {
        Ok(p) => p,
        Err(mut inv) => {
            // one round: what the rules require of this record is reported with the form's own
            // problems, not only after they are fixed
            for f in required_now(kind, state, action) {
                let given = input.get(*f).is_some_and(|v| v.as_str().map_or(!v.is_null(), |s| !s.trim().is_empty()));
                if !given && !inv.names(f) {
                    inv.0.push(FieldError::new(*f, Problem::RequiredForMajor));
                }
            }
            return Err(inv);
        }
    };
    let map = Value::Map(p.clone());
    let mut errors = Vec::new();
    match kind {
        _ if action == "note" => c.add("notes", map),
        _ if oversight::ACTIONS.contains(&action) => {
            let due = (due_on(kind, state), super::due::original_due_on(kind, state));
            let planned = oversight::plan(action, state, due, &p, map);
            c.set.extend(planned.set);
            c.add.extend(planned.add);
            errors.extend(planned.errors);
        }
        Kind::Dispute => dispute_action(action, state, &p, map, ctx.today, &mut c, &mut errors),
        Kind::Hazard => hazard_action(action, state, &p, map, ctx.today, &mut c, &mut errors),
        Kind::Demand => demand_action(action, state, &p, map, ctx.today, &mut c, &mut errors),
        Kind::Person => person_action(action, state, &p, &mut c, &mut errors),
        Kind::Household | Kind::Visit => unreachable!("these kinds have no actions but edit and note"),
    }
    for (set, _) in &c.add {
        if state.set(set).len() >= SET_MAX {
            errors.push(FieldError::new(set.clone(), Problem::TooMany(SET_MAX)));
        }
    }
    if errors.is_empty() { Ok(c) } else { Err(Invalid(errors)) }
}

/// An `edit`: the kind's own fields, only those that change, under the record's rules.
fn plan_edit(kind: Kind, state: &RecordState, input: &serde_json::Value, ctx: &Ctx) -> Result<Change, Invalid> {
    if input.get("status").is_some() {
        return Err(FieldError::new("status", Problem::NotEditable).into());
    }
    // A MAJOR hazard stays major: otherwise an edit would skip its PASS review.
    if kind == Kind::Hazard
        && state.text("grade") == Some(HazardGrade::Major.code())
        && input.get("grade").is_some_and(|g| g.as_str() != Some(HazardGrade::Major.code()))
    {
        return Err(FieldError::new("grade", Problem::NotEditable).into());
    }
    let mut set = parse_object(fields_of(kind), input, ctx, true, rename_for(kind))?;
    // only real changes are written; an edit without any is refused, not an empty event
    set.retain(|(k, v)| state.get(k) != Some(v).filter(|v| !v.is_null()));
    if set.is_empty() {
        return Err(FieldError::new("", Problem::NothingToChange).into());
    }
    let mut merged = state.clone();
    merged.fields.extend(set.iter().cloned());
    let changed: Vec<String> = set.iter().map(|(k, _)| k.clone()).collect();
    record_rules(kind, &merged, &changed)?;
    Ok(Change { set, add: Vec::new() })
}

/// What a mediation step changes, and its date rules.
fn dispute_action(
    action: &str,
    state: &RecordState,
    p: &[(String, Value)],
    map: Value,
    today: Day,
    c: &mut Change,
    errors: &mut Vec<FieldError>,
) {
    match action {
        "session" => {
            let d = payload_day(p, "date");
            not_before(errors, "date", d, "received_on", state.day("received_on"));
            not_before(errors, "date", d, "sessions", last_day_in(state, "sessions", "date"));
            c.add("sessions", map);
            c.status(DisputeStatus::Mediating.code());
        }
        "agree" => {
            let eff = payload_day(p, "effective_on");
            not_before(errors, "effective_on", eff, "received_on", state.day("received_on"));
            not_before(errors, "effective_on", eff, "sessions", last_day_in(state, "sessions", "date"));
            not_before(errors, "performance_deadline", payload_day(p, "performance_deadline"), "effective_on", eff);
            c.set("agreement", map);
            c.set("outcome", Value::Text(Outcome::Agreed.code().into()));
            c.set("performance", Value::Text(Performance::Pending.code().into()));
            c.status(DisputeStatus::Agreed.code());
        }
        "confirm" => {
            let eff = state.get("agreement").and_then(|a| a.get("effective_on")).and_then(Value::as_day);
            let applied = payload_day(p, "applied_on");
            not_before(errors, "applied_on", applied, "effective_on", eff);
            if let (Some(a), Some(e)) = (applied, eff)
                && a > e.plus(30)
            {
                errors.push(FieldError::new("applied_on", Problem::ConfirmWithin30Days));
            }
            c.set("judicial_confirmation", map);
        }
        "terminate" => {
            let withdrawn = p.iter().any(|(k, v)| k == "withdrawn" && *v == Value::Bool(true));
            c.set("termination", map);
            c.set(
                "outcome",
                Value::Text(if withdrawn { Outcome::Withdrawn } else { Outcome::Terminated }.code().into()),
            );
            c.status(DisputeStatus::Terminated.code());
        }
        "refer" => {
            c.set("referral", map);
            c.set("outcome", Value::Text(Outcome::Referred.code().into()));
            c.set("closed_on", Value::Date(today));
            c.status(DisputeStatus::Closed.code());
        }
        "followup" => {
            let eff = state.get("agreement").and_then(|a| a.get("effective_on")).and_then(Value::as_day);
            not_before(errors, "date", payload_day(p, "date"), "effective_on", eff);
            if let Some(perf) = p.iter().find(|(k, _)| k == "performance") {
                c.set("performance", perf.1.clone());
            }
            c.add("followups", map);
            c.status(DisputeStatus::FollowedUp.code());
        }
        "escalate" => {
            c.add("escalations", map);
            c.status(DisputeStatus::Escalated.code());
        }
        "close" => close(Kind::Dispute, state, today, c, errors),
        _ => unreachable!("every action of actions_of(Kind::Dispute) is handled"),
    }
}

/// Fields the rules require of this record for `action`, beyond what the action's own fields
/// say: a MAJOR hazard's 整改 names who is responsible and the interim control. Forms star them
/// and validation reports them in the same round as the other problems.
pub fn required_now(kind: Kind, state: &RecordState, action: &str) -> &'static [&'static str] {
    match (kind, action) {
        (Kind::Hazard, "rectify") if state.text("grade") == Some(HazardGrade::Major.code()) => {
            &["responsible", "interim_control"]
        }
        _ => &[],
    }
}

/// What a step of rectification changes, and its rules for MAJOR hazards.
fn hazard_action(
    action: &str,
    state: &RecordState,
    p: &[(String, Value)],
    map: Value,
    today: Day,
    c: &mut Change,
    errors: &mut Vec<FieldError>,
) {
    match action {
        "rectify" => {
            for f in required_now(Kind::Hazard, state, action) {
                if payload_text(p, f).is_none() {
                    errors.push(FieldError::new(*f, Problem::RequiredForMajor));
                }
            }
            not_before(errors, "deadline", payload_day(p, "deadline"), "found_on", state.day("found_on"));
            c.set("rectification", map);
            c.status(HazardStatus::Rectifying.code());
        }
        "complete" => {
            not_before(errors, "date", payload_day(p, "date"), "found_on", state.day("found_on"));
            c.set("completion", map);
            c.status(HazardStatus::AwaitingReview.code());
        }
        "review" => {
            let d = payload_day(p, "date");
            not_before(errors, "date", d, "found_on", state.day("found_on"));
            let responsible = state.get("rectification").and_then(|r| r.get("responsible")).and_then(Value::as_text);
            if state.text("grade") == Some(HazardGrade::Major.code())
                && responsible.is_some()
                && responsible == payload_text(p, "reviewer")
            {
                errors.push(FieldError::new("reviewer", Problem::ReviewerIsResponsible));
            }
            let pass = payload_text(p, "result") == Some(ReviewResult::Pass.code());
            c.add("reviews", map);
            if pass {
                c.set("closed_on", Value::Date(d.unwrap_or(today)));
                c.status(HazardStatus::Closed.code());
            } else {
                c.status(HazardStatus::ReviewFailed.code());
            }
        }
        "escalate" => {
            c.add("escalations", map);
            c.set("escalated", Value::Bool(true));
        }
        "close" => close(Kind::Hazard, state, today, c, errors),
        _ => unreachable!("every action of actions_of(Kind::Hazard) is handled"),
    }
}

/// What a step of handling a demand changes, and its date rules.
fn demand_action(
    action: &str,
    state: &RecordState,
    p: &[(String, Value)],
    map: Value,
    today: Day,
    c: &mut Change,
    errors: &mut Vec<FieldError>,
) {
    match action {
        "assign" => {
            not_before(errors, "due_on", payload_day(p, "due_on"), "received_on", state.day("received_on"));
            if let Some((_, lvl)) = p.iter().find(|(k, _)| k == "level") {
                c.set("level", lvl.clone());
            }
            if let Some(d) = payload_day(p, "due_on") {
                c.set("due_on", Value::Date(d));
            }
            c.set("assignment", map);
            c.status(DemandStatus::InProgress.code());
        }
        "reply" => {
            let on = payload_day(p, "replied_on");
            not_before(errors, "replied_on", on, "received_on", state.day("received_on"));
            for f in ["reply", "replied_on", "result"] {
                if let Some((_, v)) = p.iter().find(|(k, _)| k == f) {
                    c.set(f, v.clone());
                }
            }
            c.add("replies", map);
            // 当场办结: answered on the day it was received, and not only in part (a partial
            // answer still needs work and a follow-up, so it is 已答复)
            let partial = p.iter().any(|(k, v)| k == "result" && v.as_text() == Some(ReplyResult::Partial.code()));
            let on_spot = state.status() == DemandStatus::Received.code()
                && on.is_some()
                && on == state.day("received_on")
                && !partial;
            c.status(if on_spot { DemandStatus::OnSpotDone } else { DemandStatus::Answered }.code());
        }
        "followup" => {
            not_before(errors, "date", payload_day(p, "date"), "replied_on", state.day("replied_on"));
            if let Some((_, v)) = p.iter().find(|(k, _)| k == "satisfaction") {
                c.set("satisfaction", v.clone());
            }
            c.add("followups", map);
            c.status(DemandStatus::FollowedUp.code());
        }
        "escalate" => {
            let level = state.text("level").and_then(Level::from_code).unwrap_or(Level::Grid);
            c.set("level", Value::Text(level.up().code().into()));
            c.add("escalations", map);
            c.status(DemandStatus::Escalated.code());
        }
        "reopen" => {
            c.add("reopenings", map);
            c.status(DemandStatus::Reopened.code());
        }
        "close" => close(Kind::Demand, state, today, c, errors),
        _ => unreachable!("every action of actions_of(Kind::Demand) is handled"),
    }
}

/// What merging a person's record into another's changes on this record, and the rule this
/// record alone can check: it is merged into one record at a time (`domain::merged`). The other
/// record's rules (a person, not this one, not merged itself) and its own event are the app's
/// (`app/merge.rs`), which reads it from the store.
fn person_action(
    action: &str,
    state: &RecordState,
    p: &[(String, Value)],
    c: &mut Change,
    errors: &mut Vec<FieldError>,
) {
    let merged = super::merged::merged_into(state);
    match (action, merged) {
        ("merge", Some(into)) => errors.push(FieldError::new(MERGED_INTO, Problem::AlreadyMerged(into))),
        ("merge", None) => {
            if let Some((_, into)) = p.iter().find(|(k, _)| k == "into") {
                c.set(MERGED_INTO, into.clone());
            }
        }
        ("unmerge", Some(_)) => c.set(MERGED_INTO, Value::Null),
        ("unmerge", None) => errors.push(FieldError::new(MERGED_INTO, Problem::NotMerged)),
        _ => unreachable!("every action of actions_of(Kind::Person) is handled"),
    }
}

/// Closing, with the rules of each kind: a MAJOR hazard closes by review only, a demand after
/// its follow-up, a dispute once its agreement is performed (or mediation ended otherwise).
fn close(kind: Kind, state: &RecordState, today: Day, c: &mut Change, errors: &mut Vec<FieldError>) {
    if kind == Kind::Hazard && state.text("grade") == Some(HazardGrade::Major.code()) {
        errors.push(FieldError::new("", Problem::MajorClosesByReview));
    }
    if kind == Kind::Demand && !demand_may_close(state) {
        errors.push(FieldError::new("", Problem::CloseNeedsFollowup));
    }
    if kind == Kind::Dispute && !dispute_may_close(state) {
        let performance = state.text("performance").unwrap_or(Performance::Pending.code());
        errors.push(FieldError::new("performance", Problem::CloseNeedsPerformance(performance.into())));
    }
    c.set("closed_on", Value::Date(today));
    c.status("CLOSED");
}

/// A demand may close after a reply and a follow-up whose latest satisfaction is SATISFIED or
/// BASIC, or after two UNREACHABLE tries in a row.
fn demand_may_close(state: &RecordState) -> bool {
    if state.set("replies").is_empty() {
        return false;
    }
    let sats: Vec<&str> =
        state.set("followups").iter().filter_map(|f| f.get("satisfaction").and_then(Value::as_text)).collect();
    match sats.last().copied() {
        Some("SATISFIED") | Some("BASIC") => true,
        Some("UNREACHABLE") => sats.iter().rev().take_while(|s| **s == "UNREACHABLE").count() >= 2,
        _ => false,
    }
}

/// A dispute may close when its outcome is TERMINATED, WITHDRAWN or REFERRED, or when it is
/// AGREED and a follow-up recorded the agreement as performed (DONE).
pub fn dispute_may_close(state: &RecordState) -> bool {
    match state.text("outcome").and_then(Outcome::from_code) {
        Some(Outcome::Terminated | Outcome::Withdrawn | Outcome::Referred) => true,
        Some(Outcome::Agreed) => state.text("performance") == Some(Performance::Done.code()),
        None => false,
    }
}

/// Whether lifecycle action `action` may apply to a record of `kind` in `status`, by the action
/// tables alone: `None` when the action is not bound to statuses (`edit`, `note`, `decide`, or a
/// name this build does not know). The fold asks it of every change it applies, so that a
/// change made concurrently with a status change never leads to a status the lifecycle does not
/// allow (docs/ARCHITECTURE.md, "Concurrent status changes"). No allocation.
pub fn may_apply(kind: Kind, action: &str, status: &str) -> Option<bool> {
    actions_of(kind).iter().find(|a| a.name == action).filter(|a| !a.from.is_empty()).map(|a| a.from.contains(&status))
}

/// Whether the record still needs work (not closed / terminal).
pub fn is_open(kind: Kind, state: &RecordState) -> bool {
    let s = state.status();
    match kind {
        Kind::Household | Kind::Person | Kind::Visit => false,
        Kind::Demand | Kind::Hazard => s != "CLOSED",
        Kind::Dispute => s != "CLOSED",
    }
}

/// The record's own date: received, found, visited (for lists and month counts).
pub fn primary_date(kind: Kind, state: &RecordState) -> Option<Day> {
    match kind {
        Kind::Visit => state.day("date"),
        Kind::Demand | Kind::Dispute => state.day("received_on"),
        Kind::Hazard => state.day("found_on"),
        Kind::Household | Kind::Person => None,
    }
}

#[cfg(test)]
#[path = "lifecycle_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "limits_tests.rs"]
mod limits_tests;
