//! The packed open-work index on a temporary sled tree, with small bounds so that a few hundred
//! entries split, merge and empty chunks.

use std::collections::BTreeMap;

use super::*;
use crate::domain::{Day, DeviceId, EntityId, Kind};

fn tree() -> sled::Tree {
    sled::Config::new().temporary(true).open().unwrap().open_tree("open").unwrap()
}

fn id(device: u64, n: u32) -> EntityId {
    EntityId { device: DeviceId(device), n }
}

/// The order the index must yield: kind, then due date (none last), then id.
fn sorted(model: &BTreeMap<(Kind, EntityId), (Option<Day>, u8)>) -> Vec<OpenEntry> {
    let mut v: Vec<OpenEntry> = model.iter().map(|((k, id), (d, st))| (*k, *d, *id, *st)).collect();
    v.sort_by_key(|(k, d, id, _)| (k.tag(), d.is_none(), *d, *id));
    v
}

fn apply(t: &sled::Tree, delta: OpenDelta, lim: Limits) {
    let delta = std::cell::RefCell::new(Some(delta));
    t.transaction(|tx| {
        let d = delta.borrow_mut().take().unwrap_or_default();
        apply_delta_within(tx, d, lim)
    })
    .unwrap();
}

/// Every value within the bounds, no further chunk empty.
fn assert_bounded(t: &sled::Tree, lim: Limits) {
    for kv in t.iter() {
        let (k, v) = kv.unwrap();
        let c = decode(&v).unwrap();
        assert!(c.items.len() <= lim.items, "{} entries in {k:?}", c.items.len());
        assert!(v.len() <= lim.bytes, "{} bytes in {k:?}", v.len());
        assert!(k.len() == 5 || !c.items.is_empty(), "an empty chunk is kept: {k:?}");
    }
}

#[test]
fn a_value_round_trips_and_a_damaged_one_is_refused() {
    let pos = |off, d, n| Pos { off, id: id(d, n) };
    let c = Chunk {
        splits: vec![pos(0, 5, 9), pos(3, 1 << 60, 1)],
        items: vec![
            Item { pos: pos(0, 5, 1), status: 0 },
            Item { pos: pos(0, 5, 2), status: 3 },
            Item { pos: pos(6, 1 << 60, 4_000_000), status: 1 },
        ],
    };
    let bytes = encode(&c);
    assert_eq!(decode(&bytes), Ok(c.clone()));
    assert_eq!(decode(&encode(&Chunk::default())), Ok(Chunk::default()));
    // an entry costs a few bytes: the device sits once in the table
    let many = Chunk {
        splits: vec![],
        items: (0..1000).map(|n| Item { pos: pos(2, 1 << 60, 500_000 + n), status: 1 }).collect(),
    };
    assert!(encode(&many).len() <= 4 * 1000 + 32, "{} bytes for 1000 entries", encode(&many).len());
    assert_eq!(decode(&encode(&many)), Ok(many));
    let mut swapped = c.clone();
    swapped.items.swap(0, 1);
    assert_eq!(decode(&encode(&swapped)), Err(codec::CodecError::OutOfOrder));
    assert!(decode(&bytes[..bytes.len() - 1]).is_err());
}

#[test]
fn edits_keep_the_order_and_the_bounds_through_splits_merges_and_moves() {
    let lim = Limits { items: 8, bytes: 16 << 10 };
    let t = tree();
    let mut model: BTreeMap<(Kind, EntityId), (Option<Day>, u8)> = BTreeMap::new();
    let mut rng = crate::demo::Rng::new(7);
    let kinds = [Kind::Demand, Kind::Dispute, Kind::Hazard];
    for round in 0..120 {
        let mut delta = OpenDelta::default();
        let mut touched = std::collections::BTreeSet::new();
        for _ in 0..rng.below(12) + 1 {
            let kind = kinds[rng.below(3) as usize];
            let rid = id(1 + rng.below(3), rng.below(400) as u32);
            if !touched.insert((kind, rid)) {
                continue; // one change per record and commit, as `apply` makes them
            }
            // dues over six weeks, some before 1970, some none
            let due = match rng.below(8) {
                0 => None,
                1 => Some(Day(-3 + rng.below(5) as i32)),
                _ => Some(Day(20_400 + rng.below(42) as i32)),
            };
            if let Some((old_due, _)) = model.get(&(kind, rid)) {
                delta.remove(kind, *old_due, rid);
            }
            if rng.below(3) == 0 && round > 60 {
                model.remove(&(kind, rid)); // closed
            } else {
                let status = rng.below(5) as u8;
                delta.insert(kind, due, rid, status);
                model.insert((kind, rid), (due, status));
            }
        }
        apply(&t, delta, lim);
        assert_eq!(read_all(&t).unwrap(), sorted(&model), "round {round}");
        assert_bounded(&t, lim);
    }
    assert!(t.len() < model.len() / 2, "{} keys for {} entries", t.len(), model.len());
    // closing everything leaves nothing behind
    let mut delta = OpenDelta::default();
    for ((kind, rid), (due, _)) in &model {
        delta.remove(*kind, *due, *rid);
    }
    apply(&t, delta, lim);
    assert!(t.is_empty(), "{} keys left", t.len());
}

#[test]
fn a_move_to_another_week_rewrites_both_weeks() {
    let t = tree();
    let (a, b) = (Day(20_400), Day(20_400 + 7));
    let mut delta = OpenDelta::default();
    for n in 0..5 {
        delta.insert(Kind::Demand, Some(a), id(1, n), 0);
        delta.insert(Kind::Demand, Some(b), id(1, 100 + n), 0);
    }
    apply(&t, delta, LIMITS);
    let week = |d: Day| {
        let (p, _) = crate::store::keys::open_slot(Some(d));
        decode(&t.get(crate::store::keys::open_head_key(Kind::Demand.tag(), p)).unwrap().unwrap()).unwrap().items.len()
    };
    assert_eq!((week(a), week(b)), (5, 5));
    let mut delta = OpenDelta::default();
    delta.remove(Kind::Demand, Some(a), id(1, 2));
    delta.insert(Kind::Demand, Some(b), id(1, 2), 1);
    apply(&t, delta, LIMITS);
    assert_eq!((week(a), week(b)), (4, 6));
    let all = read_all(&t).unwrap();
    assert_eq!(all.iter().filter(|e| e.2 == id(1, 2)).collect::<Vec<_>>(), vec![&(Kind::Demand, Some(b), id(1, 2), 1)]);
    assert_eq!(all[4].2, id(1, 2), "first of its new week, by id");
}

#[test]
fn bulk_packing_holds_what_commits_hold_and_commits_go_on_from_it() {
    let lim = Limits { items: 16, bytes: 16 << 10 };
    let (by_commit, by_bulk) = (tree(), tree());
    let mut rng = crate::demo::Rng::new(11);
    let mut model = BTreeMap::new();
    let mut bulk = OpenBulk::within(lim);
    let mut delta = OpenDelta::default();
    for n in 0..600u32 {
        let due = (rng.below(5) > 0).then(|| Day(20_400 + rng.below(21) as i32));
        let kind = if n % 3 == 0 { Kind::Hazard } else { Kind::Demand };
        model.insert((kind, id(4, n)), (due, 2));
        delta.insert(kind, due, id(4, n), 2);
        bulk.add(kind, due, id(4, n), 2);
        if n % 250 == 0 {
            bulk.write(&by_bulk).unwrap(); // several batches: each merged with what is held
        }
    }
    apply(&by_commit, delta, lim);
    bulk.write(&by_bulk).unwrap();
    assert_eq!(read_all(&by_bulk).unwrap(), sorted(&model));
    assert_eq!(read_all(&by_commit).unwrap(), sorted(&model));
    assert_bounded(&by_bulk, lim);
    assert!(by_bulk.len() < 600 / 8, "{} keys for 600 entries", by_bulk.len());
    // commits continue on a packed index
    let mut delta = OpenDelta::default();
    for n in (0..600u32).step_by(7) {
        let kind = if n % 3 == 0 { Kind::Hazard } else { Kind::Demand };
        let (due, _) = model.remove(&(kind, id(4, n))).unwrap();
        delta.remove(kind, due, id(4, n));
    }
    apply(&by_bulk, delta, lim);
    assert_eq!(read_all(&by_bulk).unwrap(), sorted(&model));
    assert_bounded(&by_bulk, lim);
}

#[test]
fn many_devices_in_one_chunk_split_by_bytes() {
    let lim = Limits { items: 1024, bytes: 600 };
    let t = tree();
    let mut delta = OpenDelta::default();
    let mut model = BTreeMap::new();
    for d in 0..200u64 {
        let rid = id(u64::MAX - d * 7_919, 3);
        delta.insert(Kind::Dispute, None, rid, 1);
        model.insert((Kind::Dispute, rid), (None, 1));
    }
    apply(&t, delta, lim);
    assert_bounded(&t, lim);
    assert_eq!(read_all(&t).unwrap(), sorted(&model));
    let packed = tree();
    let mut bulk = OpenBulk::within(lim);
    for ((k, rid), (d, st)) in &model {
        bulk.add(*k, *d, *rid, *st);
    }
    bulk.write(&packed).unwrap();
    assert_bounded(&packed, lim);
    assert_eq!(read_all(&packed).unwrap(), sorted(&model));
}

#[test]
fn a_chunk_its_head_does_not_list_is_reported() {
    let t = tree();
    let mut bulk = OpenBulk::within(Limits { items: 4, bytes: 16 << 10 });
    for n in 0..12 {
        bulk.add(Kind::Demand, None, id(1, n), 0);
    }
    bulk.write(&t).unwrap();
    assert!(t.len() > 1);
    let chunk = t.iter().nth(1).unwrap().unwrap().0;
    t.remove(chunk).unwrap();
    assert!(matches!(read_all(&t), Err(StoreError::Corrupt { .. })));
}
