//! What one record adds to the figures (docs/REPORTS.md, "Definitions").

use super::{Counts, Figure};
use crate::domain::codes::{HazardGrade, HazardStatus, Outcome, ReviewResult, Satisfaction};
use crate::domain::day::Day;
use crate::domain::due;
use crate::domain::lifecycle::primary_date;
use crate::domain::record::RecordState;
use crate::domain::value::{EntityId, Kind, Value};

/// Person tags whose bearers are focus residents (重点人员), to be visited every month: people
/// living alone, left-behind children, 低保 and 特困 households, disabled people, and the
/// sensitive groups (社区矫正, 刑满释放, 严重精神障碍, 吸毒). Veterans and OTHER are not.
pub const FOCUS_TAGS: [&str; 9] =
    ["ELDERLY_ALONE", "LEFT_BEHIND_CHILD", "DIBAO", "TEKUN", "DISABLED", "CORRECTION", "RELEASED", "SMI", "DRUG"];

/// Whether a person's record names a focus resident.
pub fn is_focus(state: &RecordState) -> bool {
    match state.get("tags") {
        Some(Value::List(tags)) => tags.iter().any(|t| t.as_text().is_some_and(|t| FOCUS_TAGS.contains(&t))),
        _ => false,
    }
}

/// Whom a visit saw: its household and the people met.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Visited {
    /// The household visited.
    pub household: Option<EntityId>,
    /// The people met.
    pub met: Vec<EntityId>,
}

/// What one visit, demand, dispute or hazard adds to the figures of the month of its own date.
#[derive(Clone, Debug, PartialEq)]
pub struct Contribution {
    /// The ledger.
    pub kind: Kind,
    /// Its own date (visited, received, found): the period it counts in.
    pub day: Day,
    /// The figures its events fix, whatever the report's day.
    pub counts: Counts,
    /// While it is open and due: it counts as overdue on a report made after this day.
    pub due: Option<Day>,
    /// A demand not yet answered, a hazard not yet closed: it is due for its answer or its
    /// rectification (the rate's denominator) on a report made after this day.
    pub rate_due: Option<Day>,
    /// Its category (a demand's domain, a dispute's or a hazard's category).
    pub category: Option<String>,
    /// A visit's household and people met (for households visited and focus residents).
    pub visited: Option<Visited>,
}

impl Contribution {
    /// Its counts on a report made on `as_of`: the fixed ones, and overdue and due-for-rate
    /// when `as_of` is past those dates (the due rule's "overdue when today is past it").
    pub fn counts_on(&self, as_of: Day) -> Counts {
        let mut c = self.counts;
        c.merge(&late(self.kind, self.due, self.rate_due, as_of, 1));
        c
    }
}

/// What `n` records of `kind` with these dates add on a report made on `as_of`: overdue when
/// `as_of` is past `due`, due for an answer or a rectification when it is past `rate_due`.
pub fn late(kind: Kind, due: Option<Day>, rate_due: Option<Day>, as_of: Day, n: u64) -> Counts {
    let mut c = Counts::default();
    let (overdue, due_for_rate) = match kind {
        Kind::Demand => (Figure::DemandsOverdue, Some(Figure::DemandsDueForAnswer)),
        Kind::Dispute => (Figure::DisputesOverdue, None),
        Kind::Hazard => (Figure::HazardsOverdue, Some(Figure::HazardsDueForRectification)),
        _ => return c,
    };
    if due.is_some_and(|d| d < as_of) {
        c.add(overdue, n);
    }
    if let Some(f) = due_for_rate
        && rate_due.is_some_and(|d| d < as_of)
    {
        c.add(f, n);
    }
    c
}

/// What a record adds to the figures, or `None` for records that count in none by themselves
/// (households and persons count through [`super::Roll`]) and records without their own date.
pub fn contribution(kind: Kind, state: &RecordState) -> Option<Contribution> {
    let day = primary_date(kind, state)?;
    let mut c = Contribution {
        kind,
        day,
        counts: Counts::default(),
        due: due::due_on(kind, state),
        rate_due: None,
        category: None,
        visited: None,
    };
    match kind {
        Kind::Visit => {
            c.counts.add(Figure::Visits, 1);
            let household = match state.get("household") {
                Some(Value::Ref(id)) => Some(*id),
                _ => None,
            };
            let met = match state.get("met") {
                Some(Value::List(l)) => {
                    l.iter().filter_map(|v| if let Value::Ref(id) = v { Some(*id) } else { None }).collect()
                }
                _ => vec![],
            };
            c.visited = Some(Visited { household, met });
        }
        Kind::Demand => demand(state, &mut c),
        Kind::Dispute => {
            c.category = state.text("category").map(str::to_string);
            c.counts.add(Figure::DisputesReceived, 1);
            if state.text("outcome") == Some(Outcome::Agreed.code()) {
                c.counts.add(Figure::DisputesAgreed, 1);
                if !state.set("followups").is_empty() {
                    c.counts.add(Figure::DisputesFollowedUp, 1);
                }
            }
        }
        Kind::Hazard => hazard(state, &mut c),
        Kind::Household | Kind::Person => return None,
    }
    Some(c)
}

/// A demand: received; answered (its first reply), on time when that reply's date is no later
/// than `due_on`; followed up, reached and satisfied by its follow-ups.
fn demand(state: &RecordState, c: &mut Contribution) {
    c.category = state.text("domain").map(str::to_string);
    c.counts.add(Figure::DemandsReceived, 1);
    let first_reply = state.set("replies").first().and_then(|r| r.get("replied_on")).and_then(Value::as_day);
    let due_on = state.day("due_on");
    match first_reply {
        Some(on) => {
            c.counts.add(Figure::DemandsAnswered, 1);
            c.counts.add(Figure::DemandsDueForAnswer, 1);
            if due_on.is_none_or(|d| on <= d) {
                c.counts.add(Figure::DemandsOnTime, 1);
            }
            let sats: Vec<&str> =
                state.set("followups").iter().filter_map(|f| f.get("satisfaction").and_then(Value::as_text)).collect();
            if !sats.is_empty() {
                c.counts.add(Figure::DemandsFollowedUp, 1);
            }
            if let Some(last) = sats.iter().rev().find(|s| **s != Satisfaction::Unreachable.code()) {
                c.counts.add(Figure::DemandsReached, 1);
                if *last == Satisfaction::Satisfied.code() || *last == Satisfaction::Basic.code() {
                    c.counts.add(Figure::DemandsSatisfied, 1);
                }
            }
        }
        None => c.rate_due = due_on,
    }
}

/// A hazard: found; closed (销号), on time when closed no later than its rectification
/// deadline (a hazard closed without a plan: the day its plan was due) and no review failed;
/// a MAJOR one still open.
fn hazard(state: &RecordState, c: &mut Contribution) {
    c.category = state.text("category").map(str::to_string);
    c.counts.add(Figure::HazardsFound, 1);
    let closed = state.status() == HazardStatus::Closed.code();
    if !closed {
        c.rate_due = c.due;
        if state.text("grade") == Some(HazardGrade::Major.code()) {
            c.counts.add(Figure::HazardsMajorOpen, 1);
        }
        return;
    }
    c.counts.add(Figure::HazardsClosed, 1);
    c.counts.add(Figure::HazardsDueForRectification, 1);
    let deadline = state.get("rectification").and_then(|r| r.get("deadline")).and_then(Value::as_day).or_else(|| {
        // closed on the spot, without a plan: the plan's due date (the due rule of FOUND)
        let mut found = state.clone();
        found.fields.insert("status".into(), Value::Text(HazardStatus::Found.code().into()));
        due::due_on(Kind::Hazard, &found)
    });
    let failed = state
        .set("reviews")
        .iter()
        .any(|r| r.get("result").and_then(Value::as_text) == Some(ReviewResult::Fail.code()));
    let on_time = match (state.day("closed_on"), deadline) {
        (Some(on), Some(by)) => on <= by,
        _ => false,
    };
    if on_time && !failed {
        c.counts.add(Figure::HazardsOnTime, 1);
    }
}
