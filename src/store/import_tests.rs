//! Importing another store's events: listed, idempotent, refused whole when it clashes.

use super::super::write::Draft;
use super::*;
use crate::domain::{Kind, Value};

fn store(device: u64) -> (tempfile::TempDir, Store) {
    super::super::test_support::temp_store(device)
}

fn household(address: &str) -> Draft {
    let fields = vec![
        ("status".to_string(), Value::Text("ACTIVE".into())),
        ("address".to_string(), Value::Text(address.into())),
    ];
    Draft { entity: None, op: Op::Create { kind: Kind::Household, fields } }
}

fn listed(s: &Store) -> Vec<EntityId> {
    s.newest(&|_, _| true, 100).unwrap().into_iter().map(|(id, _)| id).collect()
}

fn all_events(s: &Store, device: DeviceId) -> Vec<Event> {
    let mut out = Vec::new();
    s.events_after(device, 0, &mut |e| {
        out.push(e.clone());
        true
    })
    .unwrap();
    out
}

#[test]
fn another_stores_records_are_listed_once_however_often_and_in_whatever_order_they_arrive() {
    let (_a, a) = store(1);
    let (_b, b) = store(2);
    a.commit(vec![household("一组1号")], "w", 1_000).unwrap();
    a.commit(vec![household("一组2号")], "w", 2_000).unwrap();
    let from_a = all_events(&a, DeviceId(1));
    assert_eq!(from_a.len(), 2);
    let mut reversed = from_a.clone();
    reversed.reverse();
    assert_eq!(b.import(&reversed, &[], 3_000).unwrap(), ImportReport { new: 2, known: 0 });
    let ids: Vec<EntityId> = from_a.iter().map(|e| e.entity).collect();
    let mut shown = listed(&b);
    shown.sort();
    assert_eq!(shown, ids, "both records are listed in the importing store");
    assert_eq!(
        b.import(&from_a, &[], 4_000).unwrap(),
        ImportReport { new: 0, known: 2 },
        "a second import adds nothing"
    );
    assert_eq!(all_events(&b, DeviceId(1)), from_a, "the events are kept as they were made");
    // the importing store's own writes carry on after what it has seen
    let own = b.commit(vec![household("二组1号")], "w", 1).unwrap();
    assert!(own[0].hlc > from_a.iter().map(|e| e.hlc).max().unwrap(), "its clock observed the import");
}

#[test]
fn a_bundle_from_a_copy_of_this_store_is_refused_whole_and_changes_nothing() {
    let (_a, a) = store(1);
    let (_c, copy) = store(1); // the same device id: a copied store directory
    a.commit(vec![household("一组1号")], "w", 1_000).unwrap();
    copy.commit(vec![household("三组9号")], "w", 1_000).unwrap(); // seq 1, record 1, other content
    let (_b, b) = store(2);
    let first = all_events(&a, DeviceId(1));
    b.import(&first, &[], 2_000).unwrap();
    let before = (listed(&b), all_events(&b, DeviceId(1)));
    let theirs = all_events(&copy, DeviceId(1));
    match b.import(&theirs, &[], 3_000) {
        Err(StoreError::Clash(found)) => assert_eq!(shared_device(&found), Some(DeviceId(1))),
        other => panic!("a clash must be refused, got {other:?}"),
    }
    assert_eq!((listed(&b), all_events(&b, DeviceId(1))), before, "nothing was written");
    // and the copy refuses the original the same way
    assert!(matches!(copy.import(&first, &[], 4_000), Err(StoreError::Clash(_))));
}

#[test]
fn an_import_grows_the_have_set_and_the_places_met_in_the_same_write() {
    let (_a, a) = store(1);
    let (_b, b) = store(2);
    a.commit(vec![household("一组1号"), household("一组2号")], "w", 1_000).unwrap();
    b.commit(vec![household("二组1号")], "w", 1_000).unwrap();
    let from_a = all_events(&a, DeviceId(1));
    // only the second event arrives first: the have-set holds exactly what is held
    b.import(&from_a[1..], &[(DeviceId(1), "110101001002".into())], 2_000).unwrap();
    let have = b.have().unwrap();
    assert!(have.contains(DeviceId(1), 2) && !have.contains(DeviceId(1), 1), "a gap stays a gap");
    assert!(have.contains(DeviceId(2), 1), "its own events are in its have-set");
    assert_eq!(b.places().unwrap().get(&DeviceId(1)).map(String::as_str), Some("110101001002"));
    b.import(&from_a, &[], 3_000).unwrap();
    assert_eq!(b.have().unwrap().ranges(DeviceId(1)).collect::<Vec<_>>(), vec![1..=2]);
    // a refused import changes neither
    let (_c, copy) = store(2);
    copy.commit(vec![household("三组9号")], "w", 1_000).unwrap();
    let theirs = all_events(&copy, DeviceId(2));
    assert!(b.import(&theirs, &[(DeviceId(2), "999999999999".into())], 4_000).is_err());
    assert_eq!(b.have().unwrap().ranges(DeviceId(1)).collect::<Vec<_>>(), vec![1..=2]);
    assert!(!b.places().unwrap().values().any(|c| c == "999999999999"));
}

// --- atomicity: an error in the middle of applying leaves the store as it was ----------------

use crate::events::{Hlc, Write};

fn demand(content: &str) -> Draft {
    let fields = vec![
        ("status".to_string(), Value::Text("RECEIVED".into())),
        ("received_on".to_string(), Value::Date(crate::domain::Day::parse("2026-11-20").unwrap())),
        ("domain".to_string(), Value::Text("OTHER".into())),
        ("content".to_string(), Value::Text(content.into())),
    ];
    Draft { entity: None, op: Op::Create { kind: Kind::Demand, fields } }
}

/// Everything in every tree of the store, key by key.
fn dump(s: &Store) -> Vec<Vec<(Vec<u8>, Vec<u8>)>> {
    [&s.meta, &s.blocks, &s.summary, &s.open, &s.search, &s.text, &s.counts, &s.authors, &s.sync]
        .iter()
        .map(|t| t.iter().map(|kv| kv.unwrap()).map(|(k, v)| (k.to_vec(), v.to_vec())).collect())
        .collect()
}

/// What a user and a peer see of the store: its have-set, places, list, month counts, what
/// search finds, and every event of each device it holds.
fn seen(s: &Store) -> String {
    let mut found = Vec::new();
    for needle in ["路灯", "水管"] {
        s.search_text(&crate::search::fold(needle), None, &mut |id| {
            found.push(id);
            true
        })
        .unwrap();
    }
    let devices: Vec<DeviceId> = s.have().unwrap().devices().collect();
    let events: Vec<Vec<Event>> = devices.iter().map(|d| all_events(s, *d)).collect();
    format!("{:?}", (s.have().unwrap(), s.places().unwrap(), listed(s), s.month_counts().unwrap(), found, events))
}

/// A store (device 9) that already holds its own records and the first of device 1's, and
/// device 1's further events: creates in two blocks, households (the term index)
/// and demands (the text form), and a change to the record it already holds.
fn township_and_incoming() -> (tempfile::TempDir, Store, Vec<Event>) {
    let (_v, village) = store(1);
    village.commit(vec![demand("村道路灯不亮")], "w", 1_000).unwrap();
    let first = all_events(&village, DeviceId(1));
    let mut more: Vec<Draft> = (0..33).map(|i| household(&format!("一组{i}号"))).collect();
    more.push(demand("自来水管破裂"));
    village.commit(more, "w", 2_000).unwrap();
    let held = first[0].entity;
    let note =
        Op::Change { action: "note".into(), set: vec![], add: vec![("notes".into(), Value::Text("已上报".into()))] };
    village.commit(vec![Draft { entity: Some(held), op: note }], "w", 3_000).unwrap();
    let incoming = all_events(&village, DeviceId(1)).split_off(1);
    let (t, receiver) = store(9);
    receiver.commit(vec![demand("水管漏水"), household("二组1号")], "w", 500).unwrap();
    receiver.import(&first, &[(DeviceId(1), "330782105203".into())], 1_500).unwrap();
    (t, receiver, incoming)
}

/// Imports `incoming` followed by `poison` (into a block of its own, so that the valid events'
/// blocks are written inside the transaction before it fails) and checks the import fails and
/// the store is exactly as before.
#[track_caller]
fn assert_refused_whole(s: &Store, incoming: &[Event], poison: Vec<Event>, expect: fn(&StoreError) -> bool) {
    let (trees, shown) = (dump(s), seen(s));
    let mut all = incoming.to_vec();
    all.extend(poison);
    let err = s.import(&all, &[(DeviceId(1), "330782105203".into()), (DeviceId(5), "330782105204".into())], 9_000);
    assert!(err.as_ref().is_err_and(expect), "the import must fail: {err:?}");
    assert_eq!(seen(s), shown, "have-set, places, lists, counts, search and events as before");
    assert!(dump(s) == trees, "every tree is byte for byte as before");
    assert_eq!(s.check_author_log().unwrap(), Vec::<String>::new());
    // the same events without the poison go in whole, and their records are listed
    assert_eq!(s.import(incoming, &[], 9_000).unwrap().new, incoming.len());
    let shown = listed(s);
    assert!(incoming.iter().all(|e| shown.contains(&e.entity)), "every incoming record is listed");
}

#[test]
fn an_import_failing_on_an_unknown_code_mid_apply_leaves_the_store_unchanged() {
    let (_t, s, incoming) = township_and_incoming();
    // a newer build's status on another device's record, after the valid events: the
    // record's block is the last one applied
    let record = EntityId { device: DeviceId(5), n: 1 };
    let create = Event {
        device: DeviceId(5),
        seq: 1,
        hlc: Hlc { ms: 4_000, count: 0 },
        worker: "w".into(),
        entity: record,
        op: demand("路灯").op,
    };
    let set = vec![Write { field: "status".into(), value: Value::Text("NOT_YET_INVENTED".into()), base: None }];
    let change = Event {
        seq: 2,
        hlc: Hlc { ms: 5_000, count: 0 },
        op: Op::Change { action: "x".into(), set, add: vec![] },
        ..create.clone()
    };
    assert_refused_whole(&s, &incoming, vec![create, change], |e| matches!(e, StoreError::UnknownCode { .. }));
}

#[test]
fn an_import_making_a_block_too_large_mid_apply_leaves_the_store_unchanged() {
    let (_t, s, incoming) = township_and_incoming();
    let record = EntityId { device: DeviceId(5), n: 1 };
    let each = super::super::blocks::EVENT_MAX - 1024;
    let poison: Vec<Event> = (0..super::super::blocks::BLOCK_MAX / each + 2)
        .map(|i| Event {
            device: DeviceId(5),
            seq: i as u64 + 1,
            hlc: Hlc { ms: 4_000 + i as u64, count: 0 },
            worker: "w".into(),
            entity: record,
            op: if i == 0 {
                demand("路灯").op
            } else {
                Op::Change {
                    action: "note".into(),
                    set: vec![],
                    add: vec![("notes".into(), Value::Text("x".repeat(each)))],
                }
            },
        })
        .collect();
    assert_refused_whole(&s, &incoming, poison, |e| matches!(e, StoreError::TooLarge { what: "block", .. }));
}

fn person(name: &str) -> Draft {
    let fields =
        vec![("status".to_string(), Value::Text("ACTIVE".into())), ("name".to_string(), Value::Text(name.into()))];
    Draft { entity: None, op: Op::Create { kind: Kind::Person, fields } }
}

fn named(s: &Store, name: &str) -> Vec<EntityId> {
    let mut out = Vec::new();
    s.search_lookup(crate::search::TermKind::Name, name, true, &mut |id| {
        out.push(id);
        true
    })
    .unwrap();
    out
}

#[test]
fn a_large_import_indexes_once_at_its_end_and_an_interrupted_one_is_indexed_on_the_next_open() {
    let (_a, a) = store(1);
    a.commit(vec![person("张秀英"), person("王建国")], "w", 1_000).unwrap();
    let events = all_events(&a, DeviceId(1));

    // written without the index, then indexed once
    let (_b, b) = store(2);
    b.begin_deferred_index().unwrap();
    b.import_unindexed(&events, &[], 2_000).unwrap();
    assert!(named(&b, "张秀英").is_empty(), "not indexed while it writes");
    b.rebuild_search_index().unwrap();
    assert_eq!(named(&b, "张秀英"), vec![events[0].entity]);

    // interrupted before the index was written: the next open builds it
    let (dir, c) = store(3);
    c.begin_deferred_index().unwrap();
    c.import_unindexed(&events, &[], 2_000).unwrap();
    drop(c);
    let c = Store::open(dir.path(), &crate::store::Options::default()).unwrap();
    assert_eq!(named(&c, "王建国"), vec![events[1].entity]);
    assert_eq!(listed(&c).len(), 2);
}
