//! The figures view: rebuilt as written, and checked by `doctor`.

use super::*;
use crate::domain::value::Value;
use crate::events::Op;
use crate::store::Draft;
use crate::store::db::Options;
use crate::store::test_support::temp_store;

fn create(kind: Kind, fields: Vec<(&str, Value)>) -> Draft {
    let fields = fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    Draft { entity: None, op: Op::Create { kind, fields } }
}

fn day(s: &str) -> Value {
    Value::Date(Day::parse(s).unwrap())
}

#[test]
fn the_views_rebuild_derives_the_same_figures_as_the_write_path() {
    let (t, s) = temp_store(7);
    let text = |s: &str| Value::Text(s.into());
    let h = s.commit(
        vec![create(Kind::Household, vec![("status", text("ACTIVE")), ("address", text("一组1号"))])],
        "w",
        1000,
    );
    let h = h.unwrap()[0].entity;
    let person = vec![
        ("status", text("ACTIVE")),
        ("name", text("赵奶奶")),
        ("household", Value::Ref(h)),
        ("tags", Value::List(vec![text("ELDERLY_ALONE")])),
    ];
    let demand = vec![
        ("status", text("RECEIVED")),
        ("received_on", day("2026-11-02")),
        ("due_on", day("2026-11-05")),
        ("domain", text("INFRA")),
    ];
    let visit = vec![("status", text("RECORDED")), ("date", day("2026-11-03")), ("household", Value::Ref(h))];
    s.commit(vec![create(Kind::Person, person), create(Kind::Demand, demand), create(Kind::Visit, visit)], "w", 2000)
        .unwrap();
    let written = s.figure_cells().unwrap();
    assert_eq!(written.len(), 4, "households, focus residents, November's demands and visits: {written:?}");
    let demands = written.iter().find(|c| c.1 == Kind::Demand).expect("demands' cell");
    assert_eq!(demands.3.pending, vec![("INFRA".to_string(), Day::parse("2026-11-05"), Day::parse("2026-11-05"), 1)]);
    let visits = written.iter().find(|c| c.1 == Kind::Visit).expect("visits' cell");
    assert_eq!(visits.3.by_via, vec![(Via::Household(h), vec![1])], "a visit's grid comes through its household");
    let links = |s: &Store| {
        let l = s.links(&|_| true, &mut || true).unwrap().expect("not cancelled");
        let mut homes: Vec<(EntityId, EntityId)> = l.homes.into_iter().collect();
        homes.sort();
        (l.grids.into_iter().collect::<Vec<_>>(), homes)
    };
    let linked = links(&s);
    assert_eq!(linked.0, vec![(h, String::new())], "the household, with no grid recorded");
    assert_eq!(linked.1.iter().map(|(_, home)| *home).collect::<Vec<_>>(), [h, h], "the person and the visit");
    s.meta.remove(b"views_version").unwrap();
    s.figures.clear().unwrap();
    s.links.clear().unwrap();
    s.flush().unwrap();
    drop(s);
    let s = Store::open(t.path(), &Options::default()).unwrap();
    assert_eq!(s.figure_cells().unwrap(), written, "rebuilt on open from the events");
    assert_eq!(links(&s), linked, "the links too");
}

fn check(s: &Store) -> Vec<String> {
    let mut c = FigureCheck::default();
    for b in s.scan() {
        let b = b.unwrap();
        for (n, events) in &b.records {
            c.add(EntityId { device: b.device, n: *n }, events);
        }
    }
    c.finish(s).unwrap()
}

#[test]
fn the_check_finds_a_cell_changed_lost_or_left_over() {
    let (_t, s) = temp_store(7);
    let text = |s: &str| Value::Text(s.into());
    let demand = |on: &str| {
        vec![("status", text("RECEIVED")), ("received_on", day(on)), ("due_on", day(on)), ("domain", text("INFRA"))]
    };
    s.commit(vec![create(Kind::Demand, demand("2026-11-02")), create(Kind::Demand, demand("2026-10-02"))], "w", 1)
        .unwrap();
    assert_eq!(check(&s), Vec::<String>::new(), "the write path's view is what the events give");
    let cells: Vec<(sled::IVec, sled::IVec)> = s.figures.iter().map(|kv| kv.unwrap()).collect();
    assert_eq!(cells.len(), 2);
    // a cell changed
    let mut cell: Cell = codec::decode(&cells[0].1).unwrap();
    cell.registered += 1;
    s.figures.insert(&cells[0].0, codec::encode(&cell)).unwrap();
    // a cell lost, and one left over
    s.figures.remove(&cells[1].0).unwrap();
    let mut stray = cells[1].0.to_vec();
    stray[0] ^= 0xff;
    s.figures.insert(stray, cells[1].1.clone()).unwrap();
    let problems = check(&s).join("\n");
    assert!(
        problems.contains("differs") && problems.contains("missing") && problems.contains("no record"),
        "{problems}"
    );
}

#[test]
fn the_check_finds_a_household_whose_stored_grid_is_not_the_one_its_events_give() {
    let (_t, s) = temp_store(7);
    let text = |s: &str| Value::Text(s.into());
    let household = vec![("status", text("ACTIVE")), ("address", text("一组1号")), ("grid", text("一组"))];
    let h = s.commit(vec![create(Kind::Household, household)], "w", 1).unwrap()[0].entity;
    assert_eq!(check(&s), Vec::<String>::new(), "the write path's links are what the events give");
    let k = crate::store::keys::BlockKey::of(h).bytes();
    let entries: links::Entries = vec![(h.n, Link::Grid("二组".into()))];
    s.links.insert(k, codec::encode(&entries)).unwrap();
    let problems = check(&s).join("\n");
    assert!(problems.contains("links") && problems.contains("differ"), "{problems}");
    s.links.remove(k).unwrap();
    assert!(check(&s).join("\n").contains("missing"), "a block's links lost");
}
