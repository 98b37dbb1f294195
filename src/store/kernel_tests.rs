//! The store's part of a kernel safe to replicate (issue 9): views keep codes by stable tags and
//! refuse unknown ones, records of other devices are listed, and the author log answers "every
//! event of D after S".

use super::keys::{BlockKey, K_VIEWS_VERSION};
use super::write::apply;
use super::*;
use crate::domain::{DeviceId, EntityId, Kind, Value};
use crate::events::{Event, Hlc, Op, Write};

const ME: DeviceId = DeviceId(7);
const OTHER: DeviceId = DeviceId(99);

fn store() -> (tempfile::TempDir, Store) {
    super::test_support::temp_store(ME.0)
}

fn text(field: &str, v: &str) -> (String, Value) {
    (field.to_string(), Value::Text(v.into()))
}

fn create(kind: Kind, fields: Vec<(String, Value)>) -> Draft {
    Draft { entity: None, op: Op::Create { kind, fields } }
}

fn household(address: &str) -> Op {
    Op::Create { kind: Kind::Household, fields: vec![text("status", "ACTIVE"), text("address", address)] }
}

fn note(entity: EntityId, s: &str) -> Draft {
    Draft { entity: Some(entity), op: Op::Change { action: "note".into(), set: vec![], add: vec![text("notes", s)] } }
}

fn event(device: DeviceId, seq: u64, entity: EntityId, op: Op) -> Event {
    Event { device, seq, hlc: Hlc { ms: 1_000 + seq, count: 0 }, worker: "王芳".into(), entity, op }
}

fn reopen(t: &tempfile::TempDir, s: Store) -> Store {
    drop(s);
    Store::open(t.path(), &Options::default()).unwrap()
}

fn tree(t: &sled::Tree) -> Vec<(sled::IVec, sled::IVec)> {
    t.iter().map(|kv| kv.unwrap()).collect()
}

// --- codes ---------------------------------------------------------------------------------

#[test]
fn a_record_with_a_status_or_category_this_build_does_not_know_is_refused_naming_it() {
    let (_t, s) = store();
    let err = s.commit(vec![create(Kind::Demand, vec![text("status", "NOT_YET_INVENTED")])], "w", 1000).unwrap_err();
    match &err {
        StoreError::UnknownCode { record, what: "status", code } => {
            assert_eq!((*record, code.as_str()), (EntityId { device: ME, n: 1 }, "NOT_YET_INVENTED"));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("NOT_YET_INVENTED") && err.to_string().contains(&format!("{ME}-1")), "{err}");
    let dispute = vec![text("status", "REGISTERED"), text("category", "ALIENS")];
    let err = s.commit(vec![create(Kind::Dispute, dispute)], "w", 1000).unwrap_err();
    assert!(matches!(&err, StoreError::UnknownCode { what: "category", code, .. } if code == "ALIENS"), "{err:?}");
    // a status of another kind is not one of this kind's
    let err = s.commit(vec![create(Kind::Hazard, vec![text("status", "MEDIATING")])], "w", 1000).unwrap_err();
    assert!(matches!(&err, StoreError::UnknownCode { what: "status", .. }), "{err:?}");
    // nothing of the refused commits was written
    assert_eq!(s.newest(&|_, _| true, 10).unwrap().len(), 0);
    assert_eq!(s.block_count(), 0);
    let ok = s.commit(vec![create(Kind::Demand, vec![text("status", "RECEIVED")])], "w", 1000).unwrap();
    assert_eq!(ok[0].entity.n, 1, "the refused commits took no record numbers");
}

#[test]
fn views_keep_codes_as_stable_tags_whatever_their_place_in_the_code_lists() {
    let (_t, s) = store();
    let fields = vec![text("status", "MEDIATING"), text("category", "NEIGHBOR")];
    let id = s.commit(vec![create(Kind::Dispute, fields)], "w", 1000).unwrap()[0].entity;
    let (_, sum) = s.newest(&|_, _| true, 1).unwrap().remove(0);
    assert_eq!((sum.status_code(), sum.category_code()), ("MEDIATING", Some("NEIGHBOR")));
    // the stored numbers are the tags issued for these codes, not list positions
    assert_eq!((sum.status, sum.category), (12, 34), "pinned tags of MEDIATING and NEIGHBOR");
    let mut seen = vec![];
    s.walk_open(Kind::Dispute, &mut |i, _, status| {
        seen.push((i, status));
        true
    })
    .unwrap();
    assert_eq!(seen, [(id, "MEDIATING")]);
}

#[test]
fn a_stored_tag_this_build_does_not_know_is_refused_when_read_never_shown_as_another() {
    let (_t, s) = store();
    let fields = vec![text("status", "RECEIVED"), text("domain", "HOUSING")];
    let id = s.commit(vec![create(Kind::Demand, fields)], "w", 1000).unwrap()[0].entity;
    // a newer build's views: a status tag this build has not issued
    let key = BlockKey::of(id);
    let mut sums = s.summaries(key).unwrap();
    sums[0].status = 250;
    s.summary.insert(key.bytes(), codec::encode(&sums)).unwrap();
    let err = s.newest(&|_, _| true, 10).unwrap_err();
    assert!(
        matches!(&err, StoreError::UnknownCode { record, what: "status", code } if *record == id && code == "tag 250")
    );
    let mut open = super::open_index::OpenBulk::default();
    open.add(Kind::Demand, None, EntityId { device: ME, n: 5 }, 251);
    open.write(&s.open).unwrap();
    let err = s.walk_open(Kind::Demand, &mut |_, _, _| true).unwrap_err();
    assert!(matches!(&err, StoreError::UnknownCode { what: "status", code, .. } if code == "tag 251"), "{err:?}");
}

#[test]
fn views_of_the_former_format_are_rebuilt_from_the_events_on_open() {
    let (t, s) = store();
    let fields = vec![text("status", "IN_PROGRESS"), text("domain", "MEDICAL")];
    let id = s.commit(vec![create(Kind::Demand, fields)], "w", 1000).unwrap()[0].entity;
    let before = (tree(&s.summary), tree(&s.open), tree(&s.authors));
    // format 3 kept positions: IN_PROGRESS was 3 among demand statuses, MEDICAL 1 + 2
    let key = BlockKey::of(id);
    let mut sums = s.summaries(key).unwrap();
    (sums[0].status, sums[0].category) = (3, 3);
    s.summary.insert(key.bytes(), codec::encode(&sums)).unwrap();
    s.authors.clear().unwrap();
    s.meta.insert(K_VIEWS_VERSION, &[3]).unwrap();
    let s = reopen(&t, s);
    assert_eq!((tree(&s.summary), tree(&s.open), tree(&s.authors)), before, "derived again, the same");
    let (_, sum) = s.newest(&|_, _| true, 1).unwrap().remove(0);
    assert_eq!((sum.status_code(), sum.category_code()), ("IN_PROGRESS", Some("MEDICAL")));
}

// --- records of other devices --------------------------------------------------------------

#[test]
fn records_of_another_device_applied_as_an_import_would_are_listed() {
    let (t, s) = store();
    let mine = s.commit(vec![create(Kind::Household, vec![text("status", "ACTIVE")])], "w", 5_000).unwrap();
    assert_eq!(s.devices().unwrap(), [ME]);
    let theirs = EntityId { device: OTHER, n: 3 };
    let events = [event(OTHER, 1, theirs, household("五组3号"))];
    s.transact(|_, trees| apply(trees, &events)).unwrap();
    assert_eq!(s.devices().unwrap(), [ME, OTHER], "the device is listed in the same transaction");
    let listed: Vec<EntityId> = s.newest(&|_, _| true, 10).unwrap().into_iter().map(|(i, _)| i).collect();
    assert_eq!(listed, [mine[0].entity, theirs], "newest first, both devices merged");
    let households = s.newest(&|_, x| x.kind == Kind::Household && x.status_code() == "ACTIVE", 10).unwrap();
    assert_eq!(households.len(), 2, "list filters see the imported record");
    // applying again adds no second entry, and it is still listed after a reopen
    s.transact(|_, trees| apply(trees, &events)).unwrap();
    let s = reopen(&t, s);
    assert_eq!(s.devices().unwrap(), [ME, OTHER]);
    let mut walked = vec![];
    s.walk_newest(&mut |i, _| {
        walked.push(i);
        true
    })
    .unwrap();
    assert_eq!(walked, [mine[0].entity, theirs]);
}

#[test]
fn a_views_rebuild_lists_every_device_the_blocks_hold() {
    let (t, s) = store();
    let theirs = EntityId { device: OTHER, n: 1 };
    s.transact(|_, trees| apply(trees, &[event(OTHER, 1, theirs, household("六组1号"))])).unwrap();
    // a store written before the write path listed devices: only its own
    s.meta.insert(super::keys::K_DEVICES, codec::encode(&vec![ME])).unwrap();
    s.meta.insert(K_VIEWS_VERSION, &[3]).unwrap();
    let s = reopen(&t, s);
    assert_eq!(s.devices().unwrap(), [ME, OTHER]);
    assert_eq!(s.newest(&|_, _| true, 10).unwrap().len(), 1);
}

// --- the author log ------------------------------------------------------------------------

fn after(s: &Store, device: DeviceId, seq: u64) -> Vec<(u64, EntityId)> {
    let mut out = vec![];
    s.events_after(device, seq, &mut |e| {
        assert_eq!(e.device, device);
        out.push((e.seq, e.entity));
        true
    })
    .unwrap();
    out
}

#[test]
fn events_after_returns_exactly_a_devices_later_events_in_sequence_order() {
    let (_t, s) = store();
    // records created and changed in an order that scatters each record's events over ranges
    let mut ids = vec![];
    for i in 0..40 {
        let drafts = vec![create(Kind::Household, vec![text("status", "ACTIVE"), text("address", &format!("{i}号"))])];
        ids.push(s.commit(drafts, "w", 1_000 + i).unwrap()[0].entity);
    }
    for round in 0..60u64 {
        let id = ids[(round as usize * 7) % ids.len()];
        s.commit(vec![note(id, &format!("第{round}次"))], "w", 2_000 + round).unwrap();
    }
    // another device's events, on its own records and on one of ours (an answer), sequence
    // numbers far apart, applied out of order
    let theirs = EntityId { device: OTHER, n: 1 };
    let change = Op::Change { action: "note".into(), set: vec![], add: vec![text("notes", "乡镇答复")] };
    let foreign = [
        event(OTHER, 5_000, ids[3], change.clone()),
        event(OTHER, 7, theirs, household("五组3号")),
        event(OTHER, 2_100, theirs, change.clone()),
    ];
    s.transact(|_, trees| apply(trees, &foreign)).unwrap();
    // every event of this device, from the blocks, as the reference
    let mut mine: Vec<(u64, EntityId)> = vec![];
    for b in s.scan() {
        for (_, events) in b.unwrap().records {
            mine.extend(events.iter().filter(|e| e.device == ME).map(|e| (e.seq, e.entity)));
        }
    }
    mine.sort();
    assert_eq!(mine.len(), 100);
    for from in [0, 1, 39, 40, 41, 99, 100, 1_000] {
        let want: Vec<_> = mine.iter().copied().filter(|(seq, _)| *seq > from).collect();
        assert_eq!(after(&s, ME, from), want, "after {from}");
    }
    assert_eq!(after(&s, OTHER, 0), [(7, theirs), (2_100, theirs), (5_000, ids[3])]);
    assert_eq!(after(&s, OTHER, 7), [(2_100, theirs), (5_000, ids[3])]);
    assert_eq!(after(&s, OTHER, 5_000), []);
    assert_eq!(after(&s, DeviceId(3), 0), [], "a device never seen");
    let mut first = vec![];
    s.events_after(ME, 0, &mut |e| {
        first.push(e.seq);
        first.len() < 3
    })
    .unwrap();
    assert_eq!(first, [1, 2, 3], "stops when asked");
    assert_eq!(s.check_author_log().unwrap(), Vec::<String>::new());
    let (keys, _) = s.author_log_size().unwrap();
    assert_eq!(keys, 1 + 3, "one key per 1024 events of a device");
}

#[test]
fn a_bulk_load_and_a_views_rebuild_write_the_same_author_log_as_commits() {
    let (t, s) = store();
    let mut w = BulkWriter::new(&s).unwrap();
    let mut seq = 0;
    let mut all = vec![];
    for n in 1..=3_000u32 {
        let id = EntityId { device: ME, n };
        let mut events = vec![];
        for k in 0..(1 + n % 2) {
            seq += 1;
            let op = if k == 0 { household(&format!("{n}号")) } else { note(id, "x").op };
            events.push(event(ME, seq, id, op));
            all.push((seq, id));
        }
        w.push(id, events).unwrap();
        if n % 1_024 == 1_023 && w.at_block_boundary() {
            w.write_batch().unwrap();
        }
    }
    w.finish().unwrap();
    assert_eq!(after(&s, ME, 0), all);
    assert_eq!(after(&s, ME, 4_000), all.iter().copied().filter(|(q, _)| *q > 4_000).collect::<Vec<_>>());
    // a commit after the bulk load goes to the same log
    let id = s.commit(vec![note(EntityId { device: ME, n: 2 }, "补充")], "w", 9_999_999).unwrap()[0].clone();
    assert_eq!(after(&s, ME, seq), [(id.seq, id.entity)]);
    assert_eq!(s.check_author_log().unwrap(), Vec::<String>::new());
    let log = tree(&s.authors);
    assert_eq!(log.len() as u64, (seq + 1) / 1024 + 1);
    // a rebuild reproduces it
    s.authors.clear().unwrap();
    s.meta.insert(K_VIEWS_VERSION, &[3]).unwrap();
    let s = reopen(&t, s);
    assert_eq!(tree(&s.authors), log, "the rebuilt log is the same, key for key");
}

#[test]
fn doctors_check_reports_an_author_log_that_differs_from_the_events() {
    let (_t, s) = store();
    let id = s.commit(vec![create(Kind::Household, vec![text("status", "ACTIVE")])], "w", 1_000).unwrap()[0].entity;
    s.commit(vec![note(id, "x")], "w", 2_000).unwrap();
    let check = || {
        let mut c = SearchCheck::new(&s);
        for b in s.scan() {
            let b = b.unwrap();
            c.add_block(b.device, &b.records);
        }
        c.finish().unwrap()
    };
    assert_eq!(check(), Vec::<String>::new());
    // a key lost, and a stale one
    s.authors.clear().unwrap();
    let stale = super::keys::AuthorKey::of(ME, 50_000);
    let one: std::collections::BTreeSet<EntityId> = [id].into();
    s.authors.insert(stale.bytes(), super::author_log::encode(&one)).unwrap();
    let problems = check();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("missing")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("49152")), "{problems:?}");
}

#[test]
fn author_log_values_round_trip_and_refuse_disorder() {
    use std::collections::BTreeSet;
    let ids: BTreeSet<EntityId> = [(1, 5), (1, 6), (1, 900), (2, 1), (u64::MAX, u32::MAX)]
        .into_iter()
        .map(|(d, n)| EntityId { device: DeviceId(d), n })
        .collect();
    let v = super::author_log::encode(&ids);
    assert_eq!(super::author_log::decode(&v).unwrap(), ids);
    let consecutive: BTreeSet<EntityId> = (1..=600).map(|n| EntityId { device: ME, n }).collect();
    let bytes = super::author_log::encode(&consecutive).len();
    assert!(bytes < 20, "consecutive records are one run: {bytes} bytes");
    // a gap of 0 (a record twice), devices out of order, a run longer than a key's events: damage
    let twice = codec::encode(&vec![(7u64, vec![(4u32, 0u32), (0u32, 0u32)])]);
    assert!(super::author_log::decode(&twice).is_err());
    let disorder = codec::encode(&vec![(7u64, vec![(4u32, 0u32)]), (3u64, vec![(1u32, 0u32)])]);
    assert!(super::author_log::decode(&disorder).is_err());
    let huge = codec::encode(&vec![(7u64, vec![(1u32, u32::MAX - 1)])]);
    assert!(super::author_log::decode(&huge).is_err());
}

#[test]
fn a_status_change_keeps_its_tag_in_the_open_index() {
    let (_t, s) = store();
    let id = s.commit(vec![create(Kind::Demand, vec![text("status", "RECEIVED")])], "w", 1_000).unwrap()[0].entity;
    let set = vec![Write { field: "status".into(), value: Value::Text("IN_PROGRESS".into()), base: None }];
    s.commit(
        vec![Draft { entity: Some(id), op: Op::Change { action: "accept".into(), set, add: vec![] } }],
        "w",
        2_000,
    )
    .unwrap();
    let mut seen = vec![];
    s.walk_open(Kind::Demand, &mut |i, _, st| {
        seen.push((i, st));
        true
    })
    .unwrap();
    assert_eq!(seen, [(id, "IN_PROGRESS")]);
    assert_eq!(s.open_index().unwrap()[0].3, 6, "the pinned tag of IN_PROGRESS");
}

/// The author log's size on an existing store, and what `events_after` of its last 100 events
/// reads (docs/PERFORMANCE.md, "The kernel's store parts"):
/// `GRIDLOG_MEASURE_DIR=/tmp/d cargo test --release --lib measure_author_log -- --ignored --nocapture`
#[test]
#[ignore = "a measurement on a store given by GRIDLOG_MEASURE_DIR"]
fn measure_author_log() {
    let Some(dir) = std::env::var_os("GRIDLOG_MEASURE_DIR") else { return };
    let s = Store::open(std::path::Path::new(&dir), &Options::default()).unwrap();
    let (keys, bytes) = s.author_log_size().unwrap();
    let device = s.identity().unwrap().unwrap().device;
    let next = s.counters().unwrap().next_seq;
    let started = std::time::Instant::now();
    let mut n = 0;
    s.events_after(device, next.saturating_sub(101), &mut |_| {
        n += 1;
        true
    })
    .unwrap();
    let took = started.elapsed();
    println!("author log: {keys} keys, {bytes} bytes; events_after the last 100: {n} events in {took:?}");
}
