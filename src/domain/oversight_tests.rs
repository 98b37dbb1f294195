use super::*;
use crate::domain::due::{due_on, original_due_on};

fn day(s: &str) -> Day {
    Day::parse(s).unwrap()
}
fn demand(due: &str, status: &str) -> RecordState {
    let mut s = RecordState::default();
    s.fields.insert("due_on".into(), Value::Date(day(due)));
    s.fields.insert("status".into(), Value::Text(status.into()));
    s
}
fn payload(pairs: &[(&str, Value)]) -> (Vec<(String, Value)>, Value) {
    let p: Vec<(String, Value)> = pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    (p.clone(), Value::Map(p))
}
fn apply(state: &mut RecordState, planned: Planned) {
    assert!(planned.errors.is_empty(), "{:?}", planned.errors);
    state.fields.extend(planned.set);
    for (k, v) in planned.add {
        state.sets.entry(k).or_default().push(v);
    }
}

#[test]
fn only_an_approved_extension_moves_the_due_date_and_the_original_stays() {
    let mut s = demand("2026-12-01", "RECEIVED");
    let due = |s: &RecordState| (due_on(Kind::Demand, s), original_due_on(Kind::Demand, s));
    let (p, m) = payload(&[("due_on", Value::Date(day("2026-12-10"))), ("reason", Value::Text("等资金".into()))]);
    let planned = plan("request_extension", &s, due(&s), &p, m);
    apply(&mut s, planned);
    assert_eq!(due_on(Kind::Demand, &s), Some(day("2026-12-01")), "a request alone moves nothing");
    assert_eq!(pending_extension(&s).map(|(d, _)| d), Some(day("2026-12-10")));

    let mut refused = s.clone();
    let (p, m) = payload(&[("reason", Value::Text("不同意".into()))]);
    let planned = plan("refuse_extension", &refused, due(&refused), &p, m);
    apply(&mut refused, planned);
    assert_eq!(due_on(Kind::Demand, &refused), Some(day("2026-12-01")), "refused: the date stands");
    assert!(pending_extension(&refused).is_none());

    let (p, m) = payload(&[]);
    let planned = plan("approve_extension", &s, due(&s), &p, m);
    apply(&mut s, planned);
    assert_eq!(due_on(Kind::Demand, &s), Some(day("2026-12-10")), "approved: due on the new date");
    assert_eq!(original_due_on(Kind::Demand, &s), Some(day("2026-12-01")), "the original stays for 考核");
    assert!(pending_extension(&s).is_none());

    // a new step with its own date (the township assigns a new deadline) is not moved
    s.fields.insert("due_on".into(), Value::Date(day("2026-12-20")));
    assert_eq!(due_on(Kind::Demand, &s), Some(day("2026-12-20")));
}

#[test]
fn an_extension_must_be_later_than_the_due_date_and_needs_one() {
    let s = demand("2026-12-01", "RECEIVED");
    let (p, m) = payload(&[("due_on", Value::Date(day("2026-12-01"))), ("reason", Value::Text("x".into()))]);
    let planned = plan("request_extension", &s, (Some(day("2026-12-01")), Some(day("2026-12-01"))), &p, m.clone());
    assert_eq!(planned.errors[0].field, "due_on");
    let planned = plan("request_extension", &s, (None, None), &p, m);
    assert_eq!(planned.errors[0].field, "", "a record with no due date: refused whole");
    let (p, m) = payload(&[]);
    assert!(!plan("approve_extension", &s, (None, None), &p, m).errors.is_empty(), "nothing to approve");
}

#[test]
fn a_supervision_waits_until_answered_and_an_escalation_until_instructed() {
    let mut s = demand("2026-12-01", "ESCALATED");
    s.sets.insert("escalations".into(), vec![Value::Map(vec![])]);
    assert!(waits_for_answer(Kind::Demand, &s));
    let (p, m) = payload(&[("text", Value::Text("请镇民政办协调".into()))]);
    let planned = plan("instruct", &s, (None, None), &p, m);
    apply(&mut s, planned);
    assert!(!waits_for_answer(Kind::Demand, &s), "answered");
    s.sets.get_mut("escalations").unwrap().push(Value::Map(vec![]));
    assert!(waits_for_answer(Kind::Demand, &s), "escalated again: waits again");

    let (p, m) = payload(&[("note", Value::Text("本周内答复".into()))]);
    assert!(!plan("answer_supervision", &s, (None, None), &p, m.clone()).errors.is_empty(), "nothing to answer");
    let planned = plan("supervise", &s, (None, None), &p, m.clone());
    apply(&mut s, planned);
    assert_eq!(pending_supervision(&s).map(|(n, _)| n), Some("本周内答复"));
    let planned = plan("answer_supervision", &s, (None, None), &p, m);
    apply(&mut s, planned);
    assert!(pending_supervision(&s).is_none());

    let mut h = RecordState::default();
    h.fields.insert("grade".into(), Value::Text("MAJOR".into()));
    h.fields.insert("status".into(), Value::Text("FOUND".into()));
    assert!(waits_for_answer(Kind::Hazard, &h), "a MAJOR hazard waits for its first instruction");
    h.fields.insert("status".into(), Value::Text("CLOSED".into()));
    assert!(!waits_for_answer(Kind::Hazard, &h), "closed: nothing waits");
}
