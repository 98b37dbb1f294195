//! Concurrent status changes (docs/ARCHITECTURE.md, "Concurrent status changes"): the merged
//! record is in a status the lifecycle allows, or it is marked as needing a decision, the same
//! on every replica; `decide` settles it everywhere.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;
use crate::domain::DeviceId;
use crate::domain::lifecycle::actions_of;
use crate::events::{Clock, DECISION_FIELD, Hlc, Write};

const ID: EntityId = EntityId { device: DeviceId(1), n: 1 };

fn t(s: &str) -> Value {
    Value::Text(s.into())
}

fn ev(device: u64, seq: u64, ms: u64, op: Op) -> Event {
    Event { device: DeviceId(device), seq, hlc: Hlc { ms, count: 0 }, worker: format!("w{device}"), entity: ID, op }
}

fn created(kind: Kind, status: &str) -> Event {
    ev(1, 1, 100, Op::Create { kind, fields: vec![("status".into(), t(status))] })
}

/// A lifecycle action by `device` that writes `set` (each with the base its writer saw in
/// `seen`, the writer's own fold) and appends `add`.
fn act(
    device: u64,
    seq: u64,
    ms: u64,
    seen: &Entity,
    action: &str,
    set: &[(&str, Value)],
    add: &[(&str, &str)],
) -> Event {
    let set = set
        .iter()
        .map(|(f, v)| Write { field: f.to_string(), value: v.clone(), base: seen.versions.get(*f).copied() })
        .collect();
    let add = add.iter().map(|(k, v)| (k.to_string(), t(v))).collect();
    ev(device, seq, ms, Op::Change { action: action.into(), set, add })
}

/// A `decide` for `status`, by a writer that sees `seen` (with the held fields when it decides
/// for the held side, as the app plans it).
fn decide(device: u64, seq: u64, ms: u64, seen: &Entity, status: &str) -> Event {
    let mut set: Vec<(&str, Value)> = vec![("status", t(status)), (DECISION_FIELD, t(status))];
    let held = seen.decisions.iter().rev().find(|d| d.held.status == status && d.kept.status != status);
    for (f, v) in held.map(|d| d.held_set.as_slice()).unwrap_or(&[]) {
        set.push((f.as_str(), v.clone()));
    }
    act(device, seq, ms, seen, "decide", &set, &[])
}

fn fold_all(events: &[Event]) -> Entity {
    fold(ID, events).expect("the creation is among them")
}

/// A demand followed up (FOLLOWED_UP) on the village's laptop (device 1), known to the township
/// (device 2): the point where both act without seeing each other.
fn followed_up() -> Vec<Event> {
    let c = created(Kind::Demand, "RECEIVED");
    let s0 = fold_all(std::slice::from_ref(&c));
    let reply = act(1, 2, 200, &s0, "reply", &[("status", t("ANSWERED")), ("result", t("SOLVED"))], &[]);
    let s1 = fold_all(&[c.clone(), reply.clone()]);
    let fu = act(1, 3, 300, &s1, "followup", &[("status", t("FOLLOWED_UP")), ("satisfaction", t("SATISFIED"))], &[]);
    vec![c, reply, fu]
}

/// The village closes the demand while the township escalates it; `close_ms`, `escalate_ms` say
/// which is stamped first.
fn close_and_escalate(close_ms: u64, escalate_ms: u64) -> Vec<Event> {
    let mut events = followed_up();
    let seen = fold_all(&events);
    let close = act(1, 4, close_ms, &seen, "close", &[("status", t("CLOSED")), ("closed_on", t("2026-11-27"))], &[]);
    let escalate = act(
        2,
        1,
        escalate_ms,
        &seen,
        "escalate",
        &[("status", t("ESCALATED")), ("level", t("TOWNSHIP"))],
        &[("escalations", "群众不满意")],
    );
    events.extend([close, escalate]);
    events
}

#[test]
fn closing_while_another_escalates_keeps_the_first_and_marks_the_record() {
    for (close_ms, escalate_ms) in [(400, 410), (410, 400)] {
        let events = close_and_escalate(close_ms, escalate_ms);
        let e = fold_all(&events);
        let first_closed = close_ms < escalate_ms;
        assert_eq!(e.state.status(), if first_closed { "CLOSED" } else { "ESCALATED" });
        assert_eq!(e.decisions.len(), 1, "{:?}", e.decisions);
        let d = &e.decisions[0];
        let (kept, held) = if first_closed { ("close", "escalate") } else { ("escalate", "close") };
        assert_eq!((d.kept.action.as_str(), d.held.action.as_str()), (kept, held));
        assert_eq!(
            (d.kept.worker.as_str(), d.held.worker.as_str()),
            if first_closed { ("w1", "w2") } else { ("w2", "w1") }
        );
        let statuses = [d.kept.status.as_str(), d.held.status.as_str()];
        assert_eq!(statuses, if first_closed { ["CLOSED", "ESCALATED"] } else { ["ESCALATED", "CLOSED"] });
        // the held side's fields wait in the decision, not on the record
        if first_closed {
            assert_eq!(e.state.get("level"), None);
            assert_eq!(d.held_set, vec![("level".to_string(), t("TOWNSHIP"))]);
        } else {
            assert_eq!(e.state.get("closed_on"), None);
            assert_eq!(d.held_set, vec![("closed_on".to_string(), t("2026-11-27"))]);
        }
        // the escalation's reason, a set item, is kept either way
        assert_eq!(e.state.set("escalations"), &[t("群众不满意")]);
        assert!(e.conflicts.is_empty(), "the decision says it, not a conflict: {:?}", e.conflicts);
    }
}

#[test]
fn compatible_concurrent_changes_are_not_marked() {
    // two notes from two devices
    let c = created(Kind::Demand, "RECEIVED");
    let s = fold_all(std::slice::from_ref(&c));
    let a = act(1, 2, 200, &s, "note", &[], &[("notes", "甲")]);
    let b = act(2, 1, 200, &s, "note", &[], &[("notes", "乙")]);
    let e = fold_all(&[c.clone(), b, a]);
    assert!(e.decisions.is_empty());
    assert_eq!(e.state.set("notes").len(), 2);
    // the township assigns while the village replies: a reply is allowed from IN_PROGRESS too
    let assign = act(2, 1, 200, &s, "assign", &[("status", t("IN_PROGRESS")), ("assignee", t("李四"))], &[]);
    let reply = act(1, 2, 250, &s, "reply", &[("status", t("ANSWERED")), ("result", t("SOLVED"))], &[]);
    let e = fold_all(&[reply, c, assign]);
    assert!(e.decisions.is_empty(), "{:?}", e.decisions);
    assert_eq!(e.state.status(), "ANSWERED");
    assert_eq!(e.state.text("assignee"), Some("李四"));
    assert_eq!(e.conflicts.len(), 1, "the status written over unseen is still shown as a conflict");
}

#[test]
fn deciding_clears_the_marker_on_every_replica() {
    let events = close_and_escalate(400, 410);
    let marked = fold_all(&events);
    assert_eq!(marked.state.status(), "CLOSED");
    // the township decides for its escalation, having received the village's close
    let d = decide(2, 2, 500, &marked, "ESCALATED");
    let mut all = events.clone();
    all.push(d.clone());
    let e = fold_all(&all);
    assert!(e.decisions.is_empty());
    assert_eq!(e.state.status(), "ESCALATED");
    assert_eq!(e.state.text("level"), Some("TOWNSHIP"), "the held side's fields are applied with it");
    assert_eq!(e.state.get(DECISION_FIELD), None, "the marker is no field of the record");
    // another replica, receiving the same events in another order, agrees
    let mut other = vec![d];
    other.extend(events.iter().rev().cloned());
    assert_eq!(fold_all(&other), e);
    // deciding for the kept side keeps it and clears the marker as well
    let mut kept = events.clone();
    kept.push(decide(1, 5, 500, &marked, "CLOSED"));
    let k = fold_all(&kept);
    assert!(k.decisions.is_empty());
    assert_eq!((k.state.status(), k.state.get("level")), ("CLOSED", None));
}

#[test]
fn a_decision_settles_only_what_its_writer_had_seen() {
    let events = close_and_escalate(400, 410);
    let marked = fold_all(&events);
    let decided = decide(1, 5, 500, &marked, "CLOSED");
    // meanwhile the township, still seeing its escalation, reopens nothing but answers again:
    // a reply (allowed from ESCALATED, not from CLOSED) it made before receiving the decision
    let mut township = followed_up();
    township.push(events[4].clone());
    let seen = fold_all(&township);
    let reply = act(2, 2, 600, &seen, "reply", &[("status", t("ANSWERED")), ("result", t("SOLVED"))], &[]);
    let mut all = events.clone();
    all.extend([decided, reply]);
    let e = fold_all(&all);
    assert_eq!(e.state.status(), "CLOSED");
    assert_eq!(e.decisions.len(), 1, "the reply the decider had not seen still needs a decision");
    assert_eq!(e.decisions[0].held.action, "reply");
}

#[test]
fn a_hazard_escalated_while_closed_is_marked_with_the_status_it_was_escalated_in() {
    // 上报 writes no status: it is still not allowed once closed
    let c = created(Kind::Hazard, "FOUND");
    let s = fold_all(std::slice::from_ref(&c));
    let close = act(1, 2, 200, &s, "close", &[("status", t("CLOSED")), ("closed_on", t("2026-11-27"))], &[]);
    let esc = act(2, 1, 300, &s, "escalate", &[("escalated", Value::Bool(true))], &[("escalations", "涉及多户")]);
    let e = fold_all(&[esc, close, c]);
    assert_eq!(e.state.status(), "CLOSED");
    assert_eq!(e.state.get("escalated"), None);
    assert_eq!(e.decisions.len(), 1);
    assert_eq!((e.decisions[0].kept.status.as_str(), e.decisions[0].held.status.as_str()), ("CLOSED", "FOUND"));
}

// ---------------------------------------------------------------------------------------------
// Random demand histories among three devices that act on what they hold and sync now and then.

/// The status each demand action leads to.
fn target(action: &str) -> &'static str {
    match action {
        "assign" => "IN_PROGRESS",
        "reply" => "ANSWERED",
        "followup" => "FOLLOWED_UP",
        "escalate" => "ESCALATED",
        "close" => "CLOSED",
        "reopen" => "REOPENED",
        other => panic!("not a demand action: {other}"),
    }
}

#[derive(Clone, Debug)]
enum Step {
    /// Device `dev` takes the `pick`-th action its status allows (a decision when one is pending
    /// and `pick` is even), at wall clock `wall`.
    Act { dev: usize, pick: usize, wall: u64 },
    /// Device `to` receives everything device `from` holds.
    Sync { from: usize, to: usize, wall: u64 },
}

fn play(steps: &[Step]) -> Vec<Event> {
    let c = created(Kind::Demand, "RECEIVED");
    let mut clocks: Vec<Clock> = (0..3).map(|_| Clock::new(c.hlc)).collect();
    let mut seqs = [1u64, 0, 0];
    let mut known: Vec<BTreeSet<usize>> = vec![BTreeSet::from([0]); 3];
    let mut events = vec![c];
    for step in steps {
        match *step {
            Step::Sync { from, to, wall } => {
                let got = known[from].clone();
                let latest = got.iter().map(|i| events[*i].hlc).max().unwrap_or_default();
                known[to].extend(got);
                clocks[to].observe(latest, wall);
            }
            Step::Act { dev, pick, wall } => {
                let held: Vec<Event> = known[dev].iter().map(|i| events[*i].clone()).collect();
                let now = fold_all(&held);
                let allowed: Vec<&str> = actions_of(Kind::Demand)
                    .iter()
                    .filter(|a| may_apply(Kind::Demand, a.name, now.state.status()) == Some(true))
                    .map(|a| a.name)
                    .collect();
                seqs[dev] += 1;
                let (device, seq, hlc) = (dev as u64 + 1, seqs[dev], clocks[dev].tick(wall));
                let ms = hlc.ms;
                let e = if let Some(d) = now.decisions.last().filter(|_| pick % 2 == 0) {
                    let status = if pick % 4 == 0 { d.kept.status.clone() } else { d.held.status.clone() };
                    decide(device, seq, ms, &now, &status)
                } else if allowed.is_empty() {
                    act(device, seq, ms, &now, "note", &[], &[("notes", "备注")])
                } else {
                    let a = allowed[pick % allowed.len()];
                    act(device, seq, ms, &now, a, &[("status", t(target(a)))], &[])
                };
                let e = Event { hlc, ..e };
                known[dev].insert(events.len());
                events.push(e);
            }
        }
    }
    events
}

fn arb_steps() -> impl Strategy<Value = Vec<Step>> {
    let wall = 100u64..400;
    let act = (0usize..3, 0usize..12, wall.clone()).prop_map(|(dev, pick, wall)| Step::Act { dev, pick, wall });
    let sync = (0usize..3, 0usize..3, wall).prop_map(|(from, to, wall)| Step::Sync { from, to, wall });
    prop::collection::vec(prop_oneof![3 => act, 1 => sync], 1..25)
}

/// What the documentation promises, walked over the fold's own order (its history): each
/// lifecycle action met in a status its table allows changes the status; each other one leaves
/// it and is a pending decision unless a later `decide` that saw it settled it. Returns the
/// status and the held actions still pending.
fn documented(events: &[Event]) -> (String, Vec<Stamp>) {
    let mut status = String::new();
    let mut pending: Vec<Stamp> = Vec::new();
    for h in history(events) {
        let writes = |f: &str| h.set.iter().find(|(k, _)| k == f).map(|(_, v)| v.as_text().unwrap_or("").to_string());
        match h.action.as_str() {
            "create" => status = writes("status").expect("a demand is created with its status"),
            "decide" => {
                let ev = events.iter().find(|e| e.stamp() == h.stamp).expect("an event of the history");
                let Op::Change { set, .. } = &ev.op else { unreachable!() };
                let seen = set.iter().find(|w| w.field == DECISION_FIELD).and_then(|w| w.base);
                if let Some(i) = pending.iter().position(|p| Some(*p) == seen) {
                    pending.drain(..=i);
                }
                status = writes("status").expect("a decision names the status");
            }
            "note" => {}
            a if may_apply(Kind::Demand, a, &status) == Some(true) => status = writes("status").expect("written"),
            _ => pending.push(h.stamp),
        }
    }
    (status, pending)
}

proptest! {
    /// Every replica folds the same record whatever the arrival order; its status is the one
    /// the lifecycle leads to through the changes it allows, and every change it does not allow
    /// is pending a decision until a decision that saw it.
    #[test]
    fn concurrent_status_changes_end_allowed_or_marked_on_every_replica(
        steps in arb_steps(),
        shuffle in any::<u64>(),
    ) {
        let events = play(&steps);
        let e = fold_all(&events);
        let mut other = events.clone();
        // a permutation from the seed (Fisher–Yates)
        let mut x = shuffle | 1;
        for i in (1..other.len()).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            other.swap(i, (x % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(&fold_all(&other), &e);
        let (status, pending) = documented(&events);
        prop_assert_eq!(e.state.status(), status.as_str());
        let held: Vec<Stamp> = e.decisions.iter().map(|d| d.held.stamp).collect();
        prop_assert_eq!(held, pending);
        for d in &e.decisions {
            prop_assert_eq!(may_apply(Kind::Demand, &d.held.action, &d.kept.status), Some(false));
        }
    }
}
