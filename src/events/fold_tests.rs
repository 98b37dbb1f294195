use proptest::prelude::*;

use super::*;
use crate::domain::DeviceId;
use crate::events::{Hlc, Write};

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
fn duplicates_are_applied_once() {
    let n = add(1, 2, 200, "甲");
    let e = fold(ID, &[create(), n.clone(), n.clone(), create()]).unwrap();
    assert_eq!(e.state.set("notes").len(), 1);
    assert_eq!(history(&[create(), n.clone(), n]).len(), 2);
}

fn arb_events() -> impl Strategy<Value = Vec<Event>> {
    // three devices writing fields and notes with arbitrary (possibly equal) clocks
    prop::collection::vec((1u64..4, 1u64..300, prop::bool::ANY, 0usize..3, "[a-c]{1,2}"), 1..25).prop_map(|raw| {
        let mut seqs = [0u64; 4];
        let mut out = vec![create()];
        for (dev, ms, is_set, field, text) in raw {
            seqs[dev as usize] += 1;
            let seq = seqs[dev as usize] + if dev == 1 { 1 } else { 0 };
            let f = ["content", "status", "reply"][field];
            out.push(if is_set { set(dev, seq, 100 + ms, f, &text, None) } else { add(dev, seq, 100 + ms, &text) });
        }
        out
    })
}

proptest! {
    /// Replicas that receive the same events in different orders, with duplicates, end identical.
    #[test]
    fn replicas_converge_whatever_the_order_and_duplication(
        events in arb_events(),
        order_a in prop::collection::vec(any::<prop::sample::Index>(), 0..60),
        order_b in prop::collection::vec(any::<prop::sample::Index>(), 0..60),
    ) {
        // each replica receives every event at least once, plus random duplicates, shuffled
        let deliver = |picks: &[prop::sample::Index]| {
            let mut v = events.clone();
            for p in picks { v.push(events[p.index(events.len())].clone()); }
            let n = v.len();
            for (i, p) in picks.iter().enumerate() { v.swap(i % n, p.index(n)); }
            v.reverse();
            v
        };
        let a = fold(ID, &deliver(&order_a)).unwrap();
        let b = fold(ID, &deliver(&order_b)).unwrap();
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(history(&deliver(&order_a)), history(&deliver(&order_b)));
    }
}
