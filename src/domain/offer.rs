//! Which actions a record's screen offers now: those its status allows (the action tables)
//! and whose rules would not refuse them whatever is typed. Nothing here repeats a rule: each
//! allowed action is tried with [`plan_action`] on an empty payload, and it is not offered
//! when the rules refuse it for the record as a whole (a problem with no field, such as
//! "a MAJOR hazard closes only by review"). Problems with the payload (a required field not
//! yet typed, a date) are the form's business, not a reason to hide the action; but an action
//! without fields (close) that the rules refuse is never offered, whatever field the refusal
//! names, since no form could change it (docs/ARCHITECTURE.md, "Domain").

use super::actions::{allowed_actions, find_action};
use super::day::Day;
use super::error::Problem;
use super::lifecycle::plan_action;
use super::record::{Ctx, NoRefs, RecordState};
use super::value::Kind;
use crate::i18n::Lang;

/// Whether `action` (allowed in the record's status) can be offered now.
pub fn can_offer(kind: Kind, state: &RecordState, action: &str, today: Day) -> bool {
    // an empty edit is refused as "nothing to change": that is the form's to say
    if action == "edit" {
        return allowed_actions(kind, state).contains(&"edit");
    }
    let ctx = Ctx { today, worker: "", grid: "", refs: &NoRefs, lang: Lang::Zh };
    // an action without fields (close) has nothing a form could change: any refusal is final
    let fieldless = find_action(kind, action).is_some_and(|a| a.fields.is_empty());
    match plan_action(kind, state, action, &serde_json::json!({}), &ctx) {
        Ok(_) => true,
        Err(_) if fieldless => false,
        Err(inv) => !inv.0.iter().any(|e| refuses_record(&e.field, &e.problem)),
    }
}

/// A problem that refuses the action for the record itself, whatever its form holds.
fn refuses_record(field: &str, problem: &Problem) -> bool {
    match problem {
        Problem::IllegalAction { .. } | Problem::UnknownAction(_) => true,
        // a record's set is full (`field` names the set, not a payload field)
        Problem::TooMany(_) => !field.contains('.') && !field.is_empty(),
        Problem::NothingToChange => false,
        _ => field.is_empty(),
    }
}

/// The actions the record's screen offers now, in the order of the action tables (`edit`
/// and `note` last).
pub fn offered(kind: Kind, state: &RecordState, today: Day) -> Vec<&'static str> {
    allowed_actions(kind, state).into_iter().filter(|a| can_offer(kind, state, a, today)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Value;

    fn state(pairs: &[(&str, &str)]) -> RecordState {
        let mut s = RecordState::default();
        for (k, v) in pairs {
            s.fields.insert(k.to_string(), Value::Text(v.to_string()));
        }
        s
    }

    fn today() -> Day {
        Day::parse("2026-11-27").unwrap()
    }

    #[test]
    fn a_major_hazard_found_is_not_offered_closing() {
        let s = state(&[("status", "FOUND"), ("grade", "MAJOR")]);
        let all = allowed_actions(Kind::Hazard, &s);
        let now = offered(Kind::Hazard, &s, today());
        assert!(!now.contains(&"close"), "{now:?}");
        assert!(now.contains(&"rectify") && now.contains(&"edit") && now.contains(&"note"));
        assert!(now.len() + 1 >= all.len());
        let general = state(&[("status", "FOUND"), ("grade", "GENERAL")]);
        if allowed_actions(Kind::Hazard, &general).contains(&"close") {
            assert!(offered(Kind::Hazard, &general, today()).contains(&"close"));
        }
    }

    #[test]
    fn a_demand_whose_last_followup_was_unsatisfied_is_not_offered_closing() {
        let mut s = state(&[("status", "FOLLOWED_UP")]);
        let reply = Value::Map(vec![("reply".into(), Value::Text("已答复".into()))]);
        s.sets.insert("replies".into(), vec![reply]);
        let f = |sat: &str| Value::Map(vec![("satisfaction".into(), Value::Text(sat.into()))]);
        s.sets.insert("followups".into(), vec![f("SATISFIED"), f("UNSATISFIED")]);
        assert!(!offered(Kind::Demand, &s, today()).contains(&"close"));
        s.sets.insert("followups".into(), vec![f("UNSATISFIED"), f("SATISFIED")]);
        assert!(offered(Kind::Demand, &s, today()).contains(&"close"));
    }

    #[test]
    fn actions_whose_fields_are_still_empty_are_offered() {
        let s = state(&[("status", "REGISTERED")]);
        let now = offered(Kind::Dispute, &s, today());
        for a in ["session", "agree", "terminate", "refer", "escalate", "edit", "note"] {
            assert!(now.contains(&a), "{a} in {now:?}");
        }
    }
}
