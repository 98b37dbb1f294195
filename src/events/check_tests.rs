use super::*;
use crate::domain::{Day, Kind, Value};
use crate::events::{Hlc, Stamp, Write, fold, history};

const ID: EntityId = EntityId { device: DeviceId(1), n: 1 };

fn ev(device: u64, seq: u64, ms: u64, op: Op) -> Event {
    Event { device: DeviceId(device), seq, hlc: Hlc { ms, count: 0 }, worker: format!("w{device}"), entity: ID, op }
}
fn create(status: &str) -> Event {
    ev(1, 1, 100, Op::Create { kind: Kind::Demand, fields: vec![("status".into(), Value::Text(status.into()))] })
}
fn note(device: u64, seq: u64, ms: u64, text: &str) -> Event {
    ev(
        device,
        seq,
        ms,
        Op::Change { action: "note".into(), set: vec![], add: vec![("notes".into(), Value::Text(text.into()))] },
    )
}

#[test]
fn the_content_hash_is_pinned() {
    // hashes travel in bundles: this event must hash the same in every build
    let e = Event {
        device: DeviceId(0x0123_4567_89ab_cdef),
        seq: 42,
        hlc: Hlc { ms: 1_700_000_000_000, count: 3 },
        worker: "张三".into(),
        entity: EntityId { device: DeviceId(9), n: 7 },
        op: Op::Change {
            action: "edit".into(),
            set: vec![Write {
                field: "due".into(),
                value: Value::List(vec![
                    Value::Null,
                    Value::Bool(true),
                    Value::Int(-5),
                    Value::Date(Day(20_000)),
                    Value::Ref(ID),
                    Value::Map(vec![("k".into(), Value::Text("v".into()))]),
                ]),
                base: Some(Stamp { hlc: Hlc { ms: 1, count: 2 }, device: DeviceId(3) }),
            }],
            add: vec![("notes".into(), Value::Text("记".into()))],
        },
    };
    assert_eq!(e.content_hash().to_string(), "46173ab2049ac65ebf0ac1f9a8a069127da8793731af3dc726def2fdcb3447fe");
    assert_eq!(e.content_hash(), e.clone().content_hash());
}

#[test]
fn the_canonical_encoding_follows_the_documented_layout() {
    let e = Event {
        device: DeviceId(2),
        seq: 3,
        hlc: Hlc { ms: 4, count: 5 },
        worker: "w".into(),
        entity: EntityId { device: DeviceId(6), n: 7 },
        op: Op::Create { kind: Kind::Demand, fields: vec![("s".into(), Value::Bool(true))] },
    };
    let mut want: Vec<u8> = b"gridlog/event/v1".to_vec();
    want.extend(2u64.to_be_bytes());
    want.extend(3u64.to_be_bytes());
    want.extend(4u64.to_be_bytes());
    want.extend(5u32.to_be_bytes());
    want.extend([0, 0, 0, 1, b'w']);
    want.extend(6u64.to_be_bytes());
    want.extend(7u32.to_be_bytes());
    want.extend([0, Kind::Demand.tag(), 0, 0, 0, 1, 0, 0, 0, 1, b's', 1, 1]);
    assert_eq!(e.canonical_bytes(), want);
    assert_eq!(e.content_hash().0, *blake3::hash(&want).as_bytes());
}

#[test]
fn any_difference_in_content_changes_the_hash() {
    let base = note(2, 1, 200, "1");
    let variants = [
        Event { worker: "w9".into(), ..base.clone() },
        Event { hlc: Hlc { ms: 200, count: 1 }, ..base.clone() },
        Event { seq: 2, ..base.clone() },
        Event { entity: EntityId { device: DeviceId(1), n: 2 }, ..base.clone() },
        Event {
            op: Op::Change { action: "note".into(), set: vec![], add: vec![("notes".into(), Value::Int(1))] },
            ..base.clone()
        },
        Event {
            op: Op::Change { action: "note".into(), set: vec![], add: vec![("note".into(), Value::Text("s1".into()))] },
            ..base.clone()
        },
    ];
    for v in &variants {
        assert_ne!(v.content_hash(), base.content_hash(), "{v:?}");
    }
    let set = |base| Op::Change {
        action: "edit".into(),
        set: vec![Write { field: "status".into(), value: Value::Null, base }],
        add: vec![],
    };
    let stamped = Some(Stamp { hlc: Hlc::default(), device: DeviceId(0) });
    assert_ne!(ev(2, 1, 200, set(None)).content_hash(), ev(2, 1, 200, set(stamped)).content_hash());
}

#[test]
fn a_copied_store_is_refused_naming_the_shared_device() {
    // two machines run copies of one store: both number their next event (1, 2)
    let here = note(1, 2, 200, "甲");
    let there = note(1, 2, 210, "乙");
    let found = clashes(&[create("RECEIVED"), here.clone()], std::slice::from_ref(&there));
    assert_eq!(found, vec![Clash::SharedDevice { device: DeviceId(1), seq: 2 }]);
    assert_eq!(found[0].device(), DeviceId(1));
    // within one bundle too
    assert_eq!(clashes(&[], &[here.clone(), note(1, 3, 300, "丙"), there]).len(), 1);
}

#[test]
fn identical_duplicates_are_not_a_clash() {
    let c = create("RECEIVED");
    let n = note(2, 1, 200, "甲");
    assert!(clashes(&[c.clone(), n.clone()], &[n.clone(), c.clone(), n.clone()]).is_empty());
    assert!(clashes(&[], &[]).is_empty());
    // a clash already held is not the incoming events' doing
    assert!(clashes(&[n.clone(), note(2, 1, 300, "乙")], &[note(2, 2, 400, "丙")]).is_empty());
}

#[test]
fn a_record_created_twice_is_reported() {
    let first = create("RECEIVED");
    let second = Event { seq: 5, hlc: Hlc { ms: 50, count: 0 }, ..create("CLOSED") };
    let found = clashes(std::slice::from_ref(&first), std::slice::from_ref(&second));
    assert_eq!(found, vec![Clash::CreatedTwice { entity: ID }]);
    assert_eq!(found[0].device(), DeviceId(1));
    // the fold shows one creation whatever the order (the earlier stamp), and the history both
    let a = fold(ID, &[first.clone(), second.clone()]).unwrap();
    assert_eq!(a, fold(ID, &[second.clone(), first.clone()]).unwrap());
    assert_eq!(a.state.status(), "CLOSED");
    assert_eq!(history(&[first, second]).len(), 2);
}

#[test]
fn two_events_with_one_identity_are_never_both_applied() {
    let c = create("RECEIVED");
    let (x, y) = (note(2, 1, 200, "甲"), note(2, 1, 300, "乙"));
    // not adjacent in any order, and both orders agree
    let a = fold(ID, &[x.clone(), c.clone(), note(3, 1, 250, "丙"), y.clone()]).unwrap();
    let b = fold(ID, &[y.clone(), note(3, 1, 250, "丙"), x.clone(), c.clone()]).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.state.set("notes").len(), 2, "{:?}", a.state.set("notes"));
    let kept = if x.content_hash() < y.content_hash() { "甲" } else { "乙" };
    assert!(a.state.set("notes").contains(&Value::Text(kept.into())));
    assert_eq!(history(&[x, c, y]).len(), 2);
}
