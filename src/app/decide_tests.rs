//! A village and its township change one demand's status without seeing each other: both
//! stores show it needing a decision, on the record and first on 首页; a decision settles it in
//! both once it has travelled.

use serde_json::json;

use super::*;
use crate::app::tests::{app, fixed_now};
use crate::app::{DueReason, decision_choices};
use crate::domain::{EntityId, Kind};

/// Gives `to` every event of record `id` that `from` holds (what a bundle carries).
fn send(from: &App, to: &App, id: EntityId) {
    to.store.import(&from.store.events_of(id).unwrap(), &[], fixed_now()).unwrap();
}

/// A demand answered and followed up in the village, known to the township.
fn followed_up(village: &mut App, township: &App) -> EntityId {
    let d = json!({"received_on": "2026-11-27", "channel": "PHONE", "requester": "王大妈", "kind": "HELP",
                   "domain": "ELDER_CARE", "content": "扶手松了"});
    let id = village.add(Kind::Demand, &d).unwrap().entity.id;
    village.act(id, "reply", &json!({"reply": "已修好", "replied_on": "2026-11-27", "result": "RESOLVED"})).unwrap();
    village.act(id, "followup", &json!({"date": "2026-11-27", "satisfaction": "SATISFIED"})).unwrap();
    send(village, township, id);
    id
}

fn a_minute_later() -> u64 {
    fixed_now() + 60_000
}

/// A village store in `village_dir` holding a demand the village closed while the township (its
/// store in `township_dir`) escalated it a minute later, both sides exchanged: it needs a
/// decision (the close stands until then).
pub(crate) fn closed_while_escalated(village_dir: &std::path::Path, township_dir: &std::path::Path) -> (App, EntityId) {
    let (mut village, mut township) = (app(village_dir), app(township_dir));
    let id = followed_up(&mut village, &township);
    village.act(id, "close", &json!({})).unwrap();
    township.set_clock(a_minute_later);
    township.act(id, "escalate", &json!({"reason": "群众要求镇里处理"})).unwrap();
    send(&township, &village, id);
    (village, id)
}

fn first_on_dashboard(a: &App) -> Option<(EntityId, DueReason)> {
    a.dashboard().unwrap().items.first().map(|i| (i.id, i.reason))
}

#[test]
fn a_close_and_an_escalation_made_apart_need_a_decision_in_both_stores_until_one_is_taken() {
    let (tv, tt) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut village, mut township) = (app(tv.path()), app(tt.path()));
    let id = followed_up(&mut village, &township);
    // an overdue demand elsewhere: the decision is still listed before it
    let late = json!({"received_on": "2026-11-02", "channel": "PHONE", "requester": "赵四", "kind": "HELP",
                      "domain": "INFRA", "content": "路灯"});
    let late = village.add(Kind::Demand, &late).unwrap().entity.id;
    village.act(id, "close", &json!({})).unwrap();
    // the township escalates a minute later, without having seen the close: the close stays
    township.set_clock(a_minute_later);
    township.act(id, "escalate", &json!({"reason": "群众要求镇里处理"})).unwrap();
    send(&village, &township, id);
    send(&township, &village, id);
    let (v, t) = (village.view(id).unwrap().entity, township.view(id).unwrap().entity);
    assert_eq!(v, t, "both stores fold the same record");
    assert_eq!(v.decisions.len(), 1);
    assert_eq!(v.state.status(), "CLOSED");
    assert_eq!((v.decisions[0].kept.action.as_str(), v.decisions[0].held.action.as_str()), ("close", "escalate"));
    assert_eq!(v.state.set("escalations").len(), 1, "the escalation's reason is kept");
    assert_eq!(decision_choices(&v).len(), 2, "{:?}", decision_choices(&v));
    assert_eq!(first_on_dashboard(&village), Some((id, DueReason::NeedsDecision)));
    assert_eq!(first_on_dashboard(&township), Some((id, DueReason::NeedsDecision)));
    assert!(village.dashboard().unwrap().items.iter().any(|i| i.id == late && i.reason == DueReason::Overdue));
    // the timeline names both changes and how to settle it, in the user's language
    let lines = village.view(id).unwrap().decision_lines(crate::i18n::Lang::Zh);
    assert_eq!(lines.len(), 2, "{lines:?}");
    for part in ["办结", "上报", "已办结", "李秀英", "需要决定"] {
        assert!(lines[0].contains(part), "{part} in {}", lines[0]);
    }
    assert!(lines[1].contains(&format!("gridlog act {id} decide")) && lines[1].contains("ESCALATED"), "{}", lines[1]);
    // the JSON form says it too
    let j = village.view(id).unwrap().to_json(false);
    assert_eq!(j["needs_decision"].as_array().map(Vec::len), Some(1), "{j}");

    assert!(village.doctor(&|_| true).unwrap().healthy(), "the views carry the decision as the fold says");
    // a status that is neither side's is refused, and writes nothing
    let err = village.act(id, "decide", &json!({"status": "REOPENED"})).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert_eq!(village.view(id).unwrap().entity, v);

    // the village decides for the township's escalation; the decision travels
    village.act(id, "decide", &json!({"status": "ESCALATED"})).unwrap();
    send(&village, &township, id);
    for a in [&village, &township] {
        let e = a.view(id).unwrap().entity;
        assert!(e.decisions.is_empty());
        assert_eq!(e.state.status(), "ESCALATED");
        assert_eq!(e.state.text("level"), Some("VILLAGE"), "the escalation raised it from the grid");
        assert_eq!(e.state.get("closed_on"), None, "no longer closed");
        assert_ne!(first_on_dashboard(a).map(|(_, r)| r), Some(DueReason::NeedsDecision));
        assert!(a.doctor(&|_| true).unwrap().healthy(), "the views agree with the events");
    }
    // nothing is left to decide
    let err = village.act(id, "decide", &json!({"status": "ESCALATED"})).unwrap_err();
    assert_eq!(err.exit_code(), 2);
}

#[test]
fn a_reply_made_while_the_township_assigns_is_no_decision() {
    let (tv, tt) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut village, mut township) = (app(tv.path()), app(tt.path()));
    let d = json!({"received_on": "2026-11-26", "channel": "PHONE", "requester": "王大妈", "kind": "HELP",
                   "domain": "ELDER_CARE", "content": "扶手松了"});
    let id = village.add(Kind::Demand, &d).unwrap().entity.id;
    send(&village, &township, id);
    township.act(id, "assign", &json!({"level": "TOWNSHIP", "assignee": "张镇长"})).unwrap();
    // the reply is made after the assignment (by the clock), without having seen it: a reply is
    // allowed from IN_PROGRESS as well
    village.set_clock(a_minute_later);
    village.act(id, "reply", &json!({"reply": "已修好", "replied_on": "2026-11-27", "result": "RESOLVED"})).unwrap();
    send(&village, &township, id);
    send(&township, &village, id);
    let e = village.view(id).unwrap().entity;
    assert_eq!(e, township.view(id).unwrap().entity);
    assert!(e.decisions.is_empty(), "{:?}", e.decisions);
    assert_eq!(e.state.status(), "ANSWERED");
    assert_ne!(first_on_dashboard(&village).map(|(_, r)| r), Some(DueReason::NeedsDecision));
}
