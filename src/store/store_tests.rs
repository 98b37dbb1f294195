//! The store on a real sled database.

use super::keys::BlockKey;
use super::*;
use crate::domain::{Day, DeviceId, Kind, Value};
use crate::events::Op;

fn ident(device: u64) -> Identity {
    Identity {
        role: "village".into(),
        division: "330782105203".into(),
        place: "青石村".into(),
        worker: "李秀英".into(),
        grid: String::new(),
        device: DeviceId(device),
        demo: false,
    }
}

fn create(kind: Kind, status: &str, extra: Vec<(String, Value)>) -> Draft {
    let mut fields = vec![("status".to_string(), Value::Text(status.into()))];
    fields.extend(extra);
    Draft { entity: None, op: Op::Create { kind, fields } }
}

#[test]
fn commit_assigns_sequences_record_numbers_and_rising_clocks() {
    let t = tempfile::tempdir().unwrap();
    let s = Store::open(t.path(), &Options::default()).unwrap();
    s.init(&ident(7), &[1; 32]).unwrap();
    let a = s.commit(vec![create(Kind::Household, "ACTIVE", vec![])], "w", 1000).unwrap();
    let b = s.commit(vec![create(Kind::Household, "ACTIVE", vec![])], "w", 500).unwrap();
    assert_eq!((a[0].seq, b[0].seq), (1, 2));
    assert_eq!((a[0].entity.n, b[0].entity.n), (1, 2));
    assert!(b[0].hlc > a[0].hlc, "a clock going back does not reorder events");
    assert_eq!(s.events_of(a[0].entity).unwrap(), a);
    assert_eq!(s.kind_of(b[0].entity).unwrap(), Some(Kind::Household));
}

#[test]
fn the_open_index_follows_status_and_due_date_changes() {
    let t = tempfile::tempdir().unwrap();
    let s = Store::open(t.path(), &Options::default()).unwrap();
    s.init(&ident(7), &[1; 32]).unwrap();
    let due = Day::parse("2026-11-25").unwrap();
    let ev =
        s.commit(vec![create(Kind::Demand, "RECEIVED", vec![("due_on".into(), Value::Date(due))])], "w", 1000).unwrap();
    let id = ev[0].entity;
    assert_eq!(s.open_by_due(Kind::Demand, None, 10).unwrap(), vec![(id, Some(due))]);
    let close = Op::Change {
        action: "close".into(),
        set: vec![crate::events::Write { field: "status".into(), value: Value::Text("CLOSED".into()), base: None }],
        add: vec![],
    };
    s.commit(vec![Draft { entity: Some(id), op: close }], "w", 2000).unwrap();
    assert!(s.open_by_due(Kind::Demand, None, 10).unwrap().is_empty());
    assert_eq!(s.newest(&|_, x| x.status_code() == "CLOSED", 10).unwrap().len(), 1);
}

#[test]
fn many_records_fill_blocks_and_are_read_back_newest_first() {
    let t = tempfile::tempdir().unwrap();
    let s = Store::open(t.path(), &Options::default()).unwrap();
    s.init(&ident(7), &[1; 32]).unwrap();
    for i in 0..100u64 {
        s.commit(vec![create(Kind::Visit, "RECORDED", vec![])], "w", 1000 + i).unwrap();
    }
    assert_eq!(s.block_count(), 4); // records 1..=100 over blocks 0..=3 of 32
    let newest: Vec<u32> = s.newest(&|_, _| true, 3).unwrap().into_iter().map(|(id, _)| id.n).collect();
    assert_eq!(newest, [100, 99, 98]);
    let total: usize = s.scan().map(|b| b.unwrap().records.len()).sum();
    assert_eq!(total, 100);
}

#[test]
fn a_damaged_block_is_reported_not_a_crash() {
    let t = tempfile::tempdir().unwrap();
    let s = Store::open(t.path(), &Options::default()).unwrap();
    s.init(&ident(7), &[1; 32]).unwrap();
    let ev = s.commit(vec![create(Kind::Visit, "RECORDED", vec![])], "w", 1000).unwrap();
    s.blocks.insert(BlockKey::of(ev[0].entity).bytes(), vec![1u8, 1, 0xff, 0xff, 0xff, 0x7f]).unwrap();
    assert!(matches!(s.events_of(ev[0].entity), Err(StoreError::Corrupt { .. })));
    assert!(s.scan().any(|b| b.is_err()));
}

#[test]
fn views_of_an_older_format_are_derived_again_from_the_events_on_open() {
    let t = tempfile::tempdir().unwrap();
    let due = Day::parse("2026-11-25").unwrap();
    let id = {
        let s = Store::open(t.path(), &Options::default()).unwrap();
        s.init(&ident(7), &[1; 32]).unwrap();
        let ev = s
            .commit(vec![create(Kind::Demand, "RECEIVED", vec![("due_on".into(), Value::Date(due))])], "w", 1000)
            .unwrap();
        // what a store of format 1 looked like: no status in the open-work index, no marker
        let keys: Vec<_> = s.open.iter().keys().map(|k| k.unwrap()).collect();
        for k in keys {
            s.open.insert(k, Vec::<u8>::new()).unwrap();
        }
        s.summary.clear().unwrap();
        s.meta.remove(b"views_version").unwrap();
        s.flush().unwrap();
        ev[0].entity
    };
    let s = Store::open(t.path(), &Options::default()).unwrap();
    let mut seen = Vec::new();
    s.walk_open(Kind::Demand, &mut |i, d, status| {
        seen.push((i, d, status));
        true
    })
    .unwrap();
    assert_eq!(seen, vec![(id, Some(due), "RECEIVED")]);
    assert_eq!(s.kind_of(id).unwrap(), Some(Kind::Demand), "summaries are back");
}

#[test]
fn a_store_of_views_format_2_gets_the_new_due_dates_and_the_month_counts_on_open() {
    let t = tempfile::tempdir().unwrap();
    let found = Day::parse("2026-03-14").unwrap();
    let hazard = vec![("found_on".to_string(), Value::Date(found)), ("grade".to_string(), Value::Text("MAJOR".into()))];
    let id = {
        let s = Store::open(t.path(), &Options::default()).unwrap();
        s.init(&ident(7), &[1; 32]).unwrap();
        let ev = s.commit(vec![create(Kind::Hazard, "FOUND", hazard)], "w", 1000).unwrap();
        assert_eq!(s.month_count(Kind::Hazard, found).unwrap(), 1, "counted on write");
        // what format 2 wrote: a hazard without a plan had no due date, and there were no counts
        let keys: Vec<_> = s.open.iter().keys().map(|k| k.unwrap()).collect();
        for k in keys {
            s.open.remove(k).unwrap();
        }
        s.open.insert(super::keys::open_key(Kind::Hazard, None, ev[0].entity), vec![0u8]).unwrap();
        s.counts.clear().unwrap();
        s.meta.insert(b"views_version", &[2u8]).unwrap();
        s.flush().unwrap();
        ev[0].entity
    };
    let s = Store::open(t.path(), &Options::default()).unwrap();
    assert_eq!(s.open_by_due(Kind::Hazard, None, 10).unwrap(), vec![(id, Some(found))], "a MAJOR is due when found");
    assert_eq!(s.month_count(Kind::Hazard, found).unwrap(), 1);
    assert_eq!(s.month_counts().unwrap(), vec![(Kind::Hazard, found.first_of_month(), 1)]);
}
