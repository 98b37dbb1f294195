//! When a record's next step is due, and how close that is today: the one place for the due
//! rules and the warning thresholds (docs/ARCHITECTURE.md, "Domain"). The store keeps the due
//! date of each open record in its open-work index and summaries, so the dashboard, the lists'
//! overdue filter and `doctor` all follow these rules; docs/SCHEMA.md writes each one out.

use super::actions::{OPEN_DISPUTE, UNANSWERED};
use super::codes::{DisputeStatus, HazardGrade, HazardStatus, Performance};
use super::day::{Day, add_one_month, add_working_days};
use super::oversight::extended;
use super::record::RecordState;
use super::value::{Kind, Value};

/// A GENERAL hazard without a rectification plan is due for one this many working days after
/// it was found; a MAJOR one the same day.
pub const GENERAL_HAZARD_PLAN_WORKING_DAYS: u32 = 3;

/// A record due within this many working days after today is "due soon" (超时预警).
pub const SOON_WORKING_DAYS: u32 = 1;

/// An urgent demand is due within hours; with day-granular due dates, one due within this many
/// calendar days after today is "due soon".
pub const URGENT_SOON_DAYS: i32 = 1;

/// How close a record's next step is, today. Ordered from least to most pressing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DueState {
    /// Nothing due, or due later than the warning window.
    #[default]
    None,
    /// Due within the warning window (the next working day; urgent demands: tomorrow).
    Soon,
    /// Due today.
    Today,
    /// Past its due date and not done.
    Overdue,
}

/// The date by which the record's next step is due, while it is open: the rule's own date
/// ([`original_due_on`]), moved by an approved extension of that date (`domain::oversight`,
/// docs/SCHEMA.md "Extensions"). The 考核 figures use [`original_due_on`].
pub fn due_on(kind: Kind, state: &RecordState) -> Option<Day> {
    extended(state, original_due_on(kind, state))
}

/// The date the due rules give, without any extension:
/// - a demand not answered yet: its answer deadline (`due_on`);
/// - a dispute in mediation: one calendar month after `received_on`;
/// - an agreed dispute whose performance no follow-up has recorded (still `PENDING`): its
///   agreement's performance deadline (履行期限), for the follow-up;
/// - a hazard without a rectification plan (`FOUND`, escalated or not): the plan, GENERAL
///   [`GENERAL_HAZARD_PLAN_WORKING_DAYS`] working days after `found_on`, MAJOR the same day;
/// - a hazard being rectified or reviewed: its rectification deadline.
pub fn original_due_on(kind: Kind, state: &RecordState) -> Option<Day> {
    let s = state.status();
    match kind {
        Kind::Demand if UNANSWERED.contains(&s) => state.day("due_on"),
        Kind::Dispute if OPEN_DISPUTE.contains(&s) => state.day("received_on").map(add_one_month),
        Kind::Dispute
            if (s == DisputeStatus::Agreed.code() || s == DisputeStatus::FollowedUp.code())
                && state.text("performance") == Some(Performance::Pending.code()) =>
        {
            state.get("agreement").and_then(|a| a.get("performance_deadline")).and_then(Value::as_day)
        }
        Kind::Hazard if s == HazardStatus::Found.code() => {
            let found = state.day("found_on")?;
            if state.text("grade") == Some(HazardGrade::Major.code()) {
                Some(found)
            } else {
                Some(add_working_days(found, GENERAL_HAZARD_PLAN_WORKING_DAYS))
            }
        }
        Kind::Hazard if s != HazardStatus::Closed.code() => {
            state.get("rectification").and_then(|r| r.get("deadline")).and_then(Value::as_day)
        }
        _ => None,
    }
}

/// Whether the record is an urgent demand (its warning window is shorter).
pub fn is_urgent(kind: Kind, state: &RecordState) -> bool {
    kind == Kind::Demand && state.get("urgent") == Some(&Value::Bool(true))
}

/// The last day that counts as "due soon" today.
pub fn soon_until(today: Day, urgent: bool) -> Day {
    if urgent { today.plus(URGENT_SOON_DAYS) } else { add_working_days(today, SOON_WORKING_DAYS) }
}

/// How close a due date is today (the thresholds of every due state are here).
pub fn state_of(due: Option<Day>, urgent: bool, today: Day) -> DueState {
    match due {
        None => DueState::None,
        Some(d) if d < today => DueState::Overdue,
        Some(d) if d == today => DueState::Today,
        Some(d) if d <= soon_until(today, urgent) => DueState::Soon,
        Some(_) => DueState::None,
    }
}

/// The record's due state today.
pub fn due_state(kind: Kind, state: &RecordState, today: Day) -> DueState {
    state_of(due_on(kind, state), is_urgent(kind, state), today)
}

/// Past its due date and not done.
pub fn is_overdue(kind: Kind, state: &RecordState, today: Day) -> bool {
    due_state(kind, state, today) == DueState::Overdue
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::codes::DisputeStatus;

    fn day(s: &str) -> Day {
        Day::parse(s).unwrap()
    }
    fn state(fields: &[(&str, Value)]) -> RecordState {
        let mut s = RecordState::default();
        s.fields.extend(fields.iter().map(|(k, v)| (k.to_string(), v.clone())));
        s
    }
    fn text(s: &str) -> Value {
        Value::Text(s.into())
    }
    fn hazard(found: &str, grade: &str, status: &str) -> RecordState {
        state(&[("found_on", Value::Date(day(found))), ("grade", text(grade)), ("status", text(status))])
    }

    #[test]
    fn a_general_hazard_found_on_a_friday_is_due_for_its_plan_on_wednesday() {
        let h = hazard("2026-11-27", "GENERAL", "FOUND"); // a Friday
        assert_eq!(due_on(Kind::Hazard, &h), Some(day("2026-12-02")));
        assert_eq!(due_state(Kind::Hazard, &h, day("2026-11-27")), DueState::None);
        assert_eq!(due_state(Kind::Hazard, &h, day("2026-12-01")), DueState::Soon);
        assert_eq!(due_state(Kind::Hazard, &h, day("2026-12-02")), DueState::Today);
        assert_eq!(due_state(Kind::Hazard, &h, day("2026-12-03")), DueState::Overdue);
    }

    #[test]
    fn a_major_hazard_without_a_plan_is_due_the_day_it_is_found_escalated_or_not() {
        let mut h = hazard("2026-11-27", "MAJOR", "FOUND");
        assert_eq!(due_state(Kind::Hazard, &h, day("2026-11-27")), DueState::Today);
        assert!(is_overdue(Kind::Hazard, &h, day("2026-11-28")));
        h.fields.insert("escalated".into(), Value::Bool(true));
        let months_ago = hazard("2026-03-14", "MAJOR", "FOUND");
        assert!(is_overdue(Kind::Hazard, &months_ago, day("2026-11-27")));
        assert_eq!(due_on(Kind::Hazard, &h), Some(day("2026-11-27")));
    }

    #[test]
    fn a_planned_hazard_is_due_on_its_deadline_and_a_closed_one_never() {
        let plan = Value::Map(vec![("deadline".into(), Value::Date(day("2026-12-10")))]);
        let mut h = hazard("2026-11-02", "MAJOR", "RECTIFYING");
        h.fields.insert("rectification".into(), plan);
        assert_eq!(due_on(Kind::Hazard, &h), Some(day("2026-12-10")));
        h.fields.insert("status".into(), text(HazardStatus::Closed.code()));
        assert_eq!(due_on(Kind::Hazard, &h), None);
    }

    fn agreed(deadline: &str, status: DisputeStatus, performance: &str) -> RecordState {
        let agreement = Value::Map(vec![("performance_deadline".into(), Value::Date(day(deadline)))]);
        state(&[
            ("received_on", Value::Date(day("2026-10-01"))),
            ("agreement", agreement),
            ("performance", text(performance)),
            ("status", text(status.code())),
        ])
    }

    #[test]
    fn an_agreement_is_due_for_its_follow_up_on_its_performance_deadline() {
        let d = agreed("2026-11-27", DisputeStatus::Agreed, "PENDING");
        assert_eq!(due_state(Kind::Dispute, &d, day("2026-11-27")), DueState::Today);
        assert!(!is_overdue(Kind::Dispute, &d, day("2026-11-27")));
        assert!(is_overdue(Kind::Dispute, &d, day("2026-11-28")));
        // a follow-up that found it still pending keeps it due; one that recorded performance ends it
        let pending = agreed("2026-11-27", DisputeStatus::FollowedUp, "PENDING");
        assert_eq!(due_on(Kind::Dispute, &pending), Some(day("2026-11-27")));
        for perf in ["DONE", "PARTIAL", "DEFAULTED"] {
            assert_eq!(due_on(Kind::Dispute, &agreed("2026-11-27", DisputeStatus::FollowedUp, perf)), None, "{perf}");
        }
    }

    #[test]
    fn due_soon_means_by_the_next_working_day_and_for_urgent_demands_by_tomorrow() {
        let fri = day("2026-11-27");
        assert_eq!(state_of(Some(fri.plus(1)), false, fri), DueState::Soon, "Saturday");
        assert_eq!(state_of(Some(fri.plus(3)), false, fri), DueState::Soon, "Monday, the next working day");
        assert_eq!(state_of(Some(fri.plus(4)), false, fri), DueState::None, "Tuesday");
        assert_eq!(state_of(Some(fri.plus(1)), true, fri), DueState::Soon, "urgent, tomorrow");
        assert_eq!(state_of(Some(fri.plus(3)), true, fri), DueState::None, "urgent, Monday");
        assert_eq!(state_of(Some(fri), true, fri), DueState::Today);
        assert_eq!(state_of(Some(fri.plus(-1)), false, fri), DueState::Overdue);
        assert_eq!(state_of(None, false, fri), DueState::None);
        let urgent = state(&[("urgent", Value::Bool(true))]);
        assert!(is_urgent(Kind::Demand, &urgent));
        assert!(!is_urgent(Kind::Hazard, &urgent));
    }
}
