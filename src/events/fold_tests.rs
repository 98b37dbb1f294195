use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;
use crate::domain::DeviceId;
use crate::events::{Clock, Hlc, Write};

const ID: EntityId = EntityId { device: DeviceId(1), n: 1 };

fn ev(device: u64, seq: u64, ms: u64, op: Op) -> Event {
    Event { device: DeviceId(device), seq, hlc: Hlc { ms, count: 0 }, worker: format!("w{device}"), entity: ID, op }
}
fn create() -> Event {
    ev(1, 1, 100, Op::Create { kind: Kind::Demand, fields: vec![("status".into(), Value::Text("RECEIVED".into()))] })
}
fn set(device: u64, seq: u64, ms: u64, field: &str, v: &str, base: Option<Stamp>) -> Event {
    ev(
        device,
        seq,
        ms,
        Op::Change {
            action: "edit".into(),
            set: vec![Write { field: field.into(), value: Value::Text(v.into()), base }],
            add: vec![],
        },
    )
}
fn add(device: u64, seq: u64, ms: u64, item: &str) -> Event {
    ev(
        device,
        seq,
        ms,
        Op::Change { action: "note".into(), set: vec![], add: vec![("notes".into(), Value::Text(item.into()))] },
    )
}

#[test]
fn no_state_until_the_creation_arrives() {
    assert!(fold(ID, &[set(2, 1, 200, "content", "x", None)]).is_none());
}

#[test]
fn a_later_write_that_saw_the_earlier_one_wins_without_conflict() {
    let c = create();
    let base = Some(c.stamp());
    let a = set(1, 2, 200, "status", "IN_PROGRESS", base);
    let b = set(1, 3, 300, "status", "ANSWERED", Some(a.stamp()));
    let e = fold(ID, &[b, c, a]).unwrap();
    assert_eq!(e.state.status(), "ANSWERED");
    assert!(e.conflicts.is_empty());
}

#[test]
fn concurrent_writes_to_one_field_keep_the_later_and_record_a_conflict() {
    let c = create();
    let base = Some(c.stamp());
    let a = set(1, 2, 200, "content", "甲", base);
    let b = set(2, 1, 250, "content", "乙", base);
    let e = fold(ID, &[c, b, a]).unwrap();
    assert_eq!(e.state.text("content"), Some("乙"));
    assert_eq!(e.conflicts.len(), 1);
    assert_eq!(e.conflicts[0].lost, Value::Text("甲".into()));
}

#[test]
fn appended_items_from_two_devices_are_both_kept_in_stamp_order() {
    let e = fold(ID, &[add(2, 1, 300, "乙"), create(), add(1, 2, 200, "甲")]).unwrap();
    assert_eq!(e.state.set("notes"), &[Value::Text("甲".into()), Value::Text("乙".into())]);
}

#[test]
fn edits_stamped_before_their_creation_are_applied_after_it() {
    // created on a laptop whose clock runs 10 hours fast; edited elsewhere, by clocks that are
    // right, before and after the creation's stamp
    let c = ev(1, 1, 36_000_000, create().op);
    let status = set(2, 1, 200, "status", "IN_PROGRESS", Some(c.stamp()));
    let content = set(3, 1, 300, "content", "漏水", None);
    let n = add(2, 2, 400, "已上门");
    let later = set(1, 2, 36_000_001, "status", "ANSWERED", Some(status.stamp()));
    let events = [later, n, content, status, c];
    let e = fold(ID, &events).unwrap();
    assert_eq!(e.state.status(), "ANSWERED");
    assert_eq!(e.state.text("content"), Some("漏水"));
    assert_eq!(e.state.set("notes"), &[Value::Text("已上门".into())]);
    assert!(e.conflicts.is_empty(), "{:?}", e.conflicts);
    assert_eq!((e.created.ms, e.updated.ms), (36_000_000, 36_000_001));
    let actions: Vec<String> = history(&events).into_iter().map(|h| h.action).collect();
    assert_eq!(actions, ["create", "edit", "edit", "note", "edit"]);
}

#[test]
fn crafted_bases_that_form_a_cycle_fold_the_same_in_any_order() {
    // each write claims to have replaced the other (impossible for real devices)
    let c = create();
    let stamp = |device, ms| Some(Stamp { hlc: Hlc { ms, count: 0 }, device: DeviceId(device) });
    let a = set(2, 1, 200, "status", "甲", stamp(3, 300));
    let b = set(3, 1, 300, "status", "乙", stamp(2, 200));
    let far =
        set(4, 1, 150, "status", "丙", Some(Stamp { hlc: Hlc { ms: u64::MAX, count: u32::MAX }, device: DeviceId(9) }));
    let all = [c.clone(), a.clone(), b.clone(), far.clone()];
    let e = fold(ID, &all).unwrap();
    for order in [[far.clone(), b.clone(), a.clone(), c.clone()], [b, c, far, a]] {
        assert_eq!(fold(ID, &order).unwrap(), e);
        assert_eq!(history(&order), history(&all));
    }
    // a base stamped at the end of time puts its write last
    assert_eq!(e.state.status(), "丙");
}

#[test]
fn duplicates_are_applied_once() {
    let n = add(1, 2, 200, "甲");
    let e = fold(ID, &[create(), n.clone(), n.clone(), create()]).unwrap();
    assert_eq!(e.state.set("notes").len(), 1);
    assert_eq!(history(&[create(), n.clone(), n]).len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Histories with real bases: devices edit what they have seen, and sync now and then.

const FIELDS: [&str; 3] = ["content", "status", "reply"];

/// One step of a history among three devices (0, 1, 2; device 0 created the record and every
/// device has received the creation).
#[derive(Clone, Debug)]
enum Step {
    /// Device `dev`, its wall clock reading `wall`, writes some fields (each with the version it
    /// sees as its base) and maybe appends a note.
    Write { dev: usize, wall: u64, fields: Vec<(usize, String)>, note: Option<String> },
    /// Device `to` receives every event device `from` holds.
    Sync { from: usize, to: usize, wall: u64 },
}

struct Device {
    clock: Clock,
    seq: u64,
    /// Indexes into `Run::events` of the events it holds.
    known: BTreeSet<usize>,
}

/// A played history: every event written, and for each the events its writer held when it wrote.
struct Run {
    events: Vec<Event>,
    seen: Vec<BTreeSet<usize>>,
}

/// Plays `steps`. `sequential`: before each write the writer receives everything the others
/// hold, so no write is concurrent with another.
fn play(steps: &[Step], sequential: bool) -> Run {
    let c = create();
    let mut devices: Vec<Device> =
        (0..3).map(|_| Device { clock: Clock::new(c.hlc), seq: 0, known: BTreeSet::from([0]) }).collect();
    devices[0].seq = c.seq;
    let mut run = Run { events: vec![c], seen: vec![BTreeSet::new()] };
    for step in steps {
        match step {
            Step::Sync { from, to, wall } => sync(&mut devices, &run, *from, *to, *wall),
            Step::Write { dev, wall, fields, note } => {
                if sequential {
                    for other in 0..3 {
                        sync(&mut devices, &run, other, *dev, *wall);
                    }
                }
                let d = &mut devices[*dev];
                let held: Vec<Event> = d.known.iter().map(|i| run.events[*i].clone()).collect();
                let now = fold(ID, &held).expect("every device holds the creation");
                let mut set: Vec<Write> = Vec::new();
                for (f, v) in fields {
                    let field = FIELDS[*f].to_string();
                    if set.iter().all(|w| w.field != field) {
                        let base = now.versions.get(&field).copied();
                        set.push(Write { field, value: Value::Text(v.clone()), base });
                    }
                }
                let add: Vec<(String, Value)> = note.iter().map(|n| ("notes".into(), Value::Text(n.clone()))).collect();
                if set.is_empty() && add.is_empty() {
                    continue;
                }
                d.seq += 1;
                let ev = Event {
                    device: DeviceId(*dev as u64 + 1),
                    seq: d.seq,
                    hlc: d.clock.tick(*wall),
                    worker: format!("w{dev}"),
                    entity: ID,
                    op: Op::Change { action: "edit".into(), set, add },
                };
                run.seen.push(d.known.clone());
                d.known.insert(run.events.len());
                run.events.push(ev);
            }
        }
    }
    run
}

fn sync(devices: &mut [Device], run: &Run, from: usize, to: usize, wall: u64) {
    let got = devices[from].known.clone();
    let latest = got.iter().map(|i| run.events[*i].hlc).max().unwrap_or_default();
    devices[to].known.extend(got);
    devices[to].clock.observe(latest, wall);
}

/// The value event `e` gives `field`.
fn written(e: &Event, field: &str) -> Option<Value> {
    match &e.op {
        Op::Create { fields, .. } => fields.iter().find(|(f, _)| f == field).map(|(_, v)| v.clone()),
        Op::Change { set, .. } => set.iter().find(|w| w.field == field).map(|w| w.value.clone()),
    }
}

/// What the documentation of [`Conflict`] promises, computed from who had seen what (not from
/// the bases the fold compares): per field, in stamp order, each write replaces the one before
/// it; when its writer had not seen that one and the values differ, the replaced value is kept
/// as a conflict. Returns the conflicts (oldest first) and the final write of each field.
fn documented(run: &Run, order: &[usize]) -> (Vec<Conflict>, Vec<(&'static str, usize)>) {
    let mut last: Vec<Option<usize>> = vec![None; FIELDS.len()];
    let mut conflicts = Vec::new();
    for &i in order {
        let e = &run.events[i];
        let fields: Vec<&str> = match &e.op {
            Op::Create { fields, .. } => fields.iter().map(|(f, _)| f.as_str()).collect(),
            Op::Change { set, .. } => set.iter().map(|w| w.field.as_str()).collect(),
        };
        for f in fields {
            let k = FIELDS.iter().position(|x| *x == f).expect("a known field");
            let kept = written(e, f).expect("written");
            if let Some(p) = last[k]
                && !run.seen[i].contains(&p)
            {
                let lost = written(&run.events[p], f).expect("written");
                if lost != kept {
                    conflicts.push(Conflict {
                        field: f.into(),
                        kept,
                        kept_stamp: e.stamp(),
                        lost,
                        lost_stamp: run.events[p].stamp(),
                    });
                }
            }
            last[k] = Some(i);
        }
    }
    let finals = FIELDS.iter().zip(last).filter_map(|(f, l)| l.map(|l| (*f, l))).collect();
    (conflicts, finals)
}

/// The events in stamp order (indexes into `run.events`).
fn stamp_order(run: &Run) -> Vec<usize> {
    let mut order: Vec<usize> = (0..run.events.len()).collect();
    order.sort_by_key(|i| run.events[*i].stamp());
    order
}

/// The order the fold applied the events in, read from the history.
fn applied_order(run: &Run) -> Vec<usize> {
    history(&run.events)
        .iter()
        .map(|h| run.events.iter().position(|e| e.stamp() == h.stamp).expect("a stamp of the run"))
        .collect()
}

/// The fields an event writes.
fn fields_of(e: &Event) -> BTreeSet<&str> {
    match &e.op {
        Op::Create { fields, .. } => fields.iter().map(|(f, _)| f.as_str()).collect(),
        Op::Change { set, .. } => set.iter().map(|w| w.field.as_str()).collect(),
    }
}

/// Whether `order` puts every event after the creation and after every write to a field it
/// writes that its writer had seen.
fn respects_what_was_seen(run: &Run, order: &[usize]) -> bool {
    let pos = |i: usize| order.iter().position(|o| *o == i).expect("every event is applied");
    order.first() == Some(&0)
        && (1..run.events.len()).all(|i| {
            run.seen[i]
                .iter()
                .all(|&j| fields_of(&run.events[i]).is_disjoint(&fields_of(&run.events[j])) || pos(j) < pos(i))
        })
}

/// A wall clock reading: mostly near the creation, sometimes 20 hours ahead (a wrongly set
/// clock, still within the drift the clock accepts from others; beyond it see
/// `arb_wide_wall`).
fn arb_wall() -> impl Strategy<Value = u64> + Clone {
    prop_oneof![4 => 100u64..400, 1 => 72_000_000u64..72_000_400]
}

/// A wall clock reading that may also be days ahead, beyond the drift the clock accepts from
/// others: writes that saw such a version are stamped before it.
fn arb_wide_wall() -> impl Strategy<Value = u64> + Clone {
    prop_oneof![4 => 100u64..400, 1 => 72_000_000u64..72_000_400, 1 => 259_200_000u64..259_200_400]
}

fn arb_steps() -> impl Strategy<Value = Vec<Step>> {
    steps_with(arb_wall())
}

fn steps_with(arb_wall: impl Strategy<Value = u64> + Clone) -> impl Strategy<Value = Vec<Step>> {
    // few short values, so that concurrent writes sometimes agree
    let write = (
        0usize..3,
        arb_wall.clone(),
        prop::collection::vec((0usize..3, "[a-c]{1,2}"), 0..3),
        prop::option::of("[a-c]"),
    )
        .prop_map(|(dev, wall, fields, note)| Step::Write { dev, wall, fields, note });
    let sync = (0usize..3, 0usize..3, arb_wall).prop_map(|(from, to, wall)| Step::Sync { from, to, wall });
    prop::collection::vec(prop_oneof![3 => write, 1 => sync], 1..30)
}

/// Each replica receives every event at least once, plus the picked duplicates, shuffled.
fn deliver(events: &[Event], picks: &[prop::sample::Index]) -> Vec<Event> {
    let mut v = events.to_vec();
    for p in picks {
        v.push(events[p.index(events.len())].clone());
    }
    let n = v.len();
    for (i, p) in picks.iter().enumerate() {
        v.swap(i % n, p.index(n));
    }
    v.reverse();
    v
}

#[test]
fn the_simulation_makes_concurrent_and_sequential_edits() {
    // all three devices edit `content` without having seen each other's edit
    let w = |dev, wall, v: &str| Step::Write { dev, wall, fields: vec![(0, v.into())], note: None };
    let steps = [w(0, 200, "甲"), w(1, 210, "乙"), w(2, 220, "丙")];
    let run = play(&steps, false);
    let e = fold(ID, &run.events).unwrap();
    assert_eq!(e.state.text("content"), Some("丙"));
    let lost: Vec<_> = e.conflicts.iter().map(|c| (c.lost.clone(), c.kept.clone())).collect();
    let t = |s: &str| Value::Text(s.into());
    assert_eq!(lost, vec![(t("甲"), t("乙")), (t("乙"), t("丙"))]);
    assert_eq!(documented(&run, &stamp_order(&run)).0, e.conflicts);
    // the same edits, each made after receiving the others': replaced knowingly, no conflict
    let run = play(&steps, true);
    let e = fold(ID, &run.events).unwrap();
    assert_eq!(e.state.text("content"), Some("丙"));
    assert!(e.conflicts.is_empty());
    assert!(run.events[2..].iter().all(|ev| matches!(&ev.op, Op::Change { set, .. } if set[0].base.is_some())));
}

/// A device whose clock is more than a day ahead (`MAX_DRIFT_MS`) writes a value; a second device
/// receives it, its clock capped at its own wall clock + 24 h, and edits the same field with the
/// first write as its base. The edit's stamp is lower than the version it replaced, but the fold
/// orders it after that version (its causal reading): the edit is shown, and nothing is a conflict.
#[test]
fn an_edit_that_saw_a_version_from_a_clock_days_ahead_is_ordered_after_it() {
    let w = |dev, wall, v: &str| Step::Write { dev, wall, fields: vec![(1, v.into())], note: None };
    let steps = [w(1, 200_000_000, "ANSWERED"), Step::Sync { from: 1, to: 2, wall: 100 }, w(2, 100, "CLOSED")];
    let run = play(&steps, false);
    assert!(run.events[2].stamp() < run.events[1].stamp(), "the edit is stamped before what it saw");
    let e = fold(ID, &run.events).unwrap();
    assert_eq!(e.state.status(), "CLOSED", "the edit made after seeing ANSWERED is shown");
    assert!(e.conflicts.is_empty(), "{:?}", e.conflicts);
}

proptest! {
    /// Replicas that receive the same events (concurrent ones included) in different orders,
    /// with duplicates, end identical.
    #[test]
    fn replicas_converge_whatever_the_order_and_duplication(
        steps in arb_steps(),
        order_a in prop::collection::vec(any::<prop::sample::Index>(), 0..60),
        order_b in prop::collection::vec(any::<prop::sample::Index>(), 0..60),
    ) {
        let run = play(&steps, false);
        let a = fold(ID, &deliver(&run.events, &order_a)).unwrap();
        let b = fold(ID, &deliver(&run.events, &order_b)).unwrap();
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(&a, &fold(ID, &run.events).unwrap());
        prop_assert_eq!(history(&deliver(&run.events, &order_a)), history(&deliver(&run.events, &order_b)));
    }

    /// The latest write of each field is shown; every write that replaced a value its writer had
    /// not seen keeps that value as a conflict, and no other write does; notes from every device
    /// are all kept, in stamp order.
    #[test]
    fn concurrent_writes_are_kept_as_conflicts_as_documented(steps in arb_steps()) {
        let run = play(&steps, false);
        let e = fold(ID, &run.events).unwrap();
        let order = stamp_order(&run);
        prop_assert_eq!(applied_order(&run), order.clone(), "within the cap the stamps are causal");
        let (conflicts, finals) = documented(&run, &order);
        prop_assert_eq!(&e.conflicts, &conflicts);
        for (f, i) in finals {
            prop_assert_eq!(e.state.fields.get(f).cloned(), written(&run.events[i], f));
            prop_assert_eq!(e.versions.get(f), Some(&run.events[i].stamp()));
        }
        let mut by_stamp: Vec<&Event> = run.events.iter().collect();
        by_stamp.sort_by_key(|ev| ev.stamp());
        let notes: Vec<Value> = by_stamp
            .iter()
            .flat_map(|ev| match &ev.op { Op::Change { add, .. } => add.clone(), Op::Create { .. } => vec![] })
            .map(|(_, v)| v)
            .collect();
        prop_assert_eq!(e.state.set("notes"), notes.as_slice());
    }

    /// Edits made after receiving everything else (each replacing the version it saw) never
    /// conflict, and the last one is shown.
    #[test]
    fn edits_that_saw_what_they_replace_never_conflict(steps in arb_steps()) {
        let run = play(&steps, true);
        let e = fold(ID, &run.events).unwrap();
        prop_assert!(e.conflicts.is_empty(), "{:?}", e.conflicts);
        prop_assert_eq!(documented(&run, &stamp_order(&run)).0, vec![]);
    }

    /// With clocks days ahead (beyond the drift cap) replicas still converge; the fold applies
    /// each write after the creation and after every version of its fields its writer had seen;
    /// in that order, the conflicts, the values shown and the notes are the documented ones.
    #[test]
    fn writes_follow_what_they_saw_with_clocks_beyond_the_cap(
        steps in steps_with(arb_wide_wall()),
        order_a in prop::collection::vec(any::<prop::sample::Index>(), 0..60),
    ) {
        let run = play(&steps, false);
        let e = fold(ID, &run.events).unwrap();
        prop_assert_eq!(&e, &fold(ID, &deliver(&run.events, &order_a)).unwrap());
        prop_assert_eq!(history(&run.events), history(&deliver(&run.events, &order_a)));
        let order = applied_order(&run);
        prop_assert!(respects_what_was_seen(&run, &order), "{:?}", order);
        let (conflicts, finals) = documented(&run, &order);
        prop_assert_eq!(&e.conflicts, &conflicts);
        for (f, i) in finals {
            prop_assert_eq!(e.state.fields.get(f).cloned(), written(&run.events[i], f));
        }
        let notes: Vec<Value> = order
            .iter()
            .flat_map(|i| match &run.events[*i].op { Op::Change { add, .. } => add.clone(), Op::Create { .. } => vec![] })
            .map(|(_, v)| v)
            .collect();
        prop_assert_eq!(e.state.set("notes"), notes.as_slice());
    }

    /// With clocks days ahead, edits made after receiving everything else never conflict and the
    /// last one made is shown.
    #[test]
    fn edits_that_saw_what_they_replace_never_conflict_beyond_the_cap(steps in steps_with(arb_wide_wall())) {
        let run = play(&steps, true);
        let e = fold(ID, &run.events).unwrap();
        prop_assert!(e.conflicts.is_empty(), "{:?}", e.conflicts);
        for f in FIELDS {
            let last_made = (0..run.events.len()).rev().find(|i| fields_of(&run.events[*i]).contains(f));
            prop_assert_eq!(e.state.fields.get(f).cloned(), last_made.and_then(|i| written(&run.events[i], f)));
        }
    }
}
