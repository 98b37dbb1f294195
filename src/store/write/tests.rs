//! The write path on a real store: limits, idempotence, events of other devices.

use super::*;
use crate::domain::DeviceId;
use crate::store::blocks::EVENT_MAX;

fn test_store() -> (tempfile::TempDir, crate::store::Store) {
    crate::store::test_support::temp_store(7)
}

fn draft(entity: Option<EntityId>, text: String) -> crate::store::Draft {
    use crate::domain::Value;
    use crate::events::Op;
    let op = match entity {
        None => Op::Create {
            kind: Kind::Household,
            fields: vec![("status".into(), Value::Text("ACTIVE".into())), ("address".into(), Value::Text(text))],
        },
        Some(_) => Op::Change { action: "note".into(), set: vec![], add: vec![("notes".into(), Value::Text(text))] },
    };
    crate::store::Draft { entity, op }
}

#[test]
fn an_event_above_the_limit_is_refused_and_nothing_is_written() {
    let (_t, s) = test_store();
    let a = s.commit(vec![draft(None, "三组12号".into())], "w", 1000).unwrap()[0].entity;
    let err = s.commit(vec![draft(Some(a), "x".repeat(EVENT_MAX))], "w", 2000).unwrap_err();
    assert!(matches!(err, StoreError::TooLarge { what: "event", limit: EVENT_MAX, .. }), "{err:?}");
    assert_eq!(s.events_of(a).unwrap().len(), 1, "the refused event was not written");
    let b = s.commit(vec![draft(None, "三组13号".into())], "w", 3000).unwrap().remove(0);
    assert_eq!((b.seq, b.entity.n), (2, a.n + 1), "counters did not move for the refused commit");
}

#[test]
fn a_block_that_would_grow_past_its_limit_is_refused_and_nothing_is_written() {
    let (_t, s) = test_store();
    let a = s.commit(vec![draft(None, "三组12号".into())], "w", 1000).unwrap()[0].entity;
    // events each within their own limit, together more than a block may hold
    let each = EVENT_MAX - 1024;
    let n = BLOCK_MAX / each + 1;
    let drafts = (0..n).map(|_| draft(Some(a), "x".repeat(each))).collect();
    let err = s.commit(drafts, "w", 2000).unwrap_err();
    assert!(matches!(err, StoreError::TooLarge { what: "block", limit: BLOCK_MAX, .. }), "{err:?}");
    assert_eq!(s.events_of(a).unwrap().len(), 1, "nothing of the refused commit was written");
    s.commit(vec![draft(Some(a), "春节返乡".into())], "w", 3000).expect("a small change still fits");
}

#[test]
fn applying_events_again_changes_nothing() {
    let (_t, s) = test_store();
    let a = s.commit(vec![draft(None, "三组12号".into())], "w", 1000).unwrap();
    let visit = crate::store::Draft {
        entity: None,
        op: crate::events::Op::Create {
            kind: Kind::Visit,
            fields: vec![
                ("status".into(), crate::domain::Value::Text("RECORDED".into())),
                ("notes".into(), crate::domain::Value::Text("三组路灯不亮".into())),
            ],
        },
    };
    let mut written = s.commit(vec![visit, draft(Some(a[0].entity), "春节返乡".into())], "w", 2000).unwrap();
    written.extend(a);
    let snapshot = |s: &Store| {
        let trees = [&s.blocks, &s.summary, &s.open, &s.search, &s.text];
        trees.map(|t| t.iter().map(|kv| kv.unwrap()).collect::<Vec<_>>())
    };
    let before = snapshot(&s);
    // the same events again, in another order, as an import overlapping what is held would bring
    written.reverse();
    s.transact(|_, trees| apply(trees, &written)).unwrap();
    assert_eq!(snapshot(&s), before, "every tree holds what it held");
    let household = written.iter().find(|e| matches!(e.op, crate::events::Op::Create { kind: Kind::Household, .. }));
    assert_eq!(s.events_of(household.unwrap().entity).unwrap().len(), 2, "create and note, once each");
}

#[test]
fn events_of_another_device_go_to_that_devices_blocks_and_views() {
    let (_t, s) = test_store();
    let other = DeviceId(99);
    let id = EntityId { device: other, n: 40 };
    let ev = |seq: u64, op: crate::events::Op| Event {
        device: other,
        seq,
        hlc: crate::events::Hlc::default(),
        worker: "王芳".into(),
        entity: id,
        op,
    };
    let create = crate::events::Op::Create {
        kind: Kind::Household,
        fields: vec![
            ("status".into(), crate::domain::Value::Text("ACTIVE".into())),
            ("address".into(), crate::domain::Value::Text("五组3号".into())),
        ],
    };
    let note = crate::events::Op::Change {
        action: "note".into(),
        set: vec![],
        add: vec![("notes".into(), crate::domain::Value::Text("x".into()))],
    };
    // the change arrives before the creation: kept, and the record appears once it is created
    s.transact(|_, trees| apply(trees, &[ev(2, note.clone())])).unwrap();
    assert_eq!(s.events_of(id).unwrap().len(), 1);
    assert_eq!(s.kind_of(id).unwrap(), None, "no summary before the creation event");
    s.transact(|_, trees| apply(trees, &[ev(1, create.clone())])).unwrap();
    assert_eq!(s.kind_of(id).unwrap(), Some(Kind::Household));
    assert_eq!(s.events_of(id).unwrap().len(), 2);
    let mut found = Vec::new();
    s.search_lookup(crate::search::TermKind::Address, "五组3号", true, &mut |i| {
        found.push(i);
        true
    })
    .unwrap();
    assert_eq!(found, [id]);
    assert_eq!(s.counters().unwrap().next_seq, 1, "apply leaves this device's counters alone");
}
