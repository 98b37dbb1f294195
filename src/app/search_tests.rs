//! `App::search` on a real store: the index follows every write, text is scanned after it.

use serde_json::json;

use super::*;
use crate::app::ListQuery;
use crate::domain::Kind;
use crate::i18n::Lang;
use crate::store::Options;

use crate::app::tests::app;

fn person(a: &mut App, v: serde_json::Value) -> EntityId {
    a.add(Kind::Person, &v).unwrap().entity.id
}

fn names(r: &SearchResults) -> Vec<String> {
    r.hits.iter().map(|h| h.title()).collect()
}

fn found(a: &App, q: &str) -> Vec<String> {
    names(&a.search(q, 50).unwrap())
}

#[test]
fn names_are_found_by_substring_initials_and_every_reading() {
    let t = tempfile::tempdir().unwrap();
    let mut a = app(t.path());
    person(&mut a, json!({"name": "张三", "phone": "13812345678"}));
    person(&mut a, json!({"name": "张三丰"}));
    person(&mut a, json!({"name": "曾刚", "id_number": "11010519491231002X"}));
    person(&mut a, json!({"name": "单丽"}));
    person(&mut a, json!({"name": "解明"}));
    person(&mut a, json!({"name": "买买提·艾力"}));
    person(&mut a, json!({"name": "𠮷祥"}));
    assert_eq!(found(&a, "zs"), ["张三", "张三丰"], "exact initials first");
    assert_eq!(found(&a, "zsf"), ["张三丰"]);
    assert_eq!(found(&a, "zhangsan"), ["张三", "张三丰"]);
    assert_eq!(found(&a, "张三"), ["张三", "张三丰"]);
    assert_eq!(found(&a, "三"), ["张三", "张三丰"], "Chinese substring");
    for q in ["zg", "cg", "zenggang", "cenggang", "ZengGang"] {
        assert_eq!(found(&a, q), ["曾刚"], "{q}");
    }
    for q in ["dl", "sl", "danli", "shanli"] {
        assert_eq!(found(&a, q), ["单丽"], "{q}");
    }
    for q in ["jm", "xm", "jieming", "xieming"] {
        assert_eq!(found(&a, q), ["解明"], "{q}");
    }
    for q in ["艾力", "买买提·艾力", "买买提艾力", "mmtal", "aili", "maimaiti"] {
        assert_eq!(found(&a, q), ["买买提·艾力"], "{q}");
    }
    assert_eq!(found(&a, "𠮷"), ["𠮷祥"]);
    assert_eq!(found(&a, "xiang"), ["𠮷祥"]);
    // digits: last four of a phone or ID number; more digits are checked against the record
    assert_eq!(found(&a, "5678"), ["张三"]);
    assert_eq!(found(&a, "12345678"), ["张三"]);
    assert_eq!(found(&a, "99995678"), Vec::<String>::new());
    assert_eq!(found(&a, "002X"), ["曾刚"]);
    assert_eq!(found(&a, "002x"), ["曾刚"]);
    assert_eq!(found(&a, "zz"), Vec::<String>::new());
    assert!(a.search("", 50).unwrap().hits.is_empty());
}

#[test]
fn the_index_follows_edits_and_text_hits_come_after_index_hits() {
    let t = tempfile::tempdir().unwrap();
    let mut a = app(t.path());
    let p = person(&mut a, json!({"name": "王建国", "phone": "13812345678"}));
    let h = a.add(Kind::Household, &json!({"address": "三组12号"})).unwrap().entity.id;
    let d = a
        .add(
            Kind::Demand,
            &json!({"received_on": "2026-11-20", "channel": "PHONE", "requester": "王建国", "kind": "HELP",
                    "domain": "INFRA", "content": "三组路灯不亮"}),
        )
        .unwrap()
        .entity
        .id;
    let r = a.search("三组", 50).unwrap();
    assert_eq!(r.hits.iter().map(|v| v.entity.id).collect::<Vec<_>>(), [h, d], "address first, then text");
    assert!(r.complete);
    let r = a.search("三组", 1).unwrap();
    assert_eq!((r.hits.len(), r.complete), (1, false), "limit reached: more…");
    assert_eq!(found(&a, "路灯"), ["三组路灯不亮"]);
    assert_eq!(found(&a, "12号"), ["三组12号"]);
    // an edit moves the record in the index, in the same transaction
    a.act(p, "edit", &json!({"name": "曾建国", "phone": "13900001111"})).unwrap();
    assert_eq!(found(&a, "wjg"), Vec::<String>::new());
    assert_eq!(found(&a, "5678"), Vec::<String>::new());
    assert_eq!(found(&a, "cjg"), ["曾建国"]);
    assert_eq!(found(&a, "1111"), ["曾建国"]);
    // a note on the demand is text too
    a.act(d, "note", &json!({"text": "已联系电工"})).unwrap();
    assert_eq!(a.search("电工", 50).unwrap().hits[0].entity.id, d);
    // the list command uses the index for persons and households
    let q = |kind, s: &str| ListQuery { kind: Some(kind), query: Some(s.into()), ..Default::default() };
    assert_eq!(a.list(&q(Kind::Person, "cjg")).unwrap().len(), 1);
    assert_eq!(a.list(&q(Kind::Household, "三组")).unwrap()[0].entity.id, h);
    assert_eq!(a.list(&q(Kind::Demand, "三组")).unwrap()[0].entity.id, d);
    let doc = a.doctor(&|_| true).unwrap();
    assert!(doc.healthy(), "{:?}", doc.problems);
}

#[test]
fn a_text_scan_out_of_time_is_incomplete() {
    let t = tempfile::tempdir().unwrap();
    let mut a = app(t.path());
    a.add(Kind::Household, &json!({"address": "一组1号"})).unwrap();
    a.add(
        Kind::Demand,
        &json!({"received_on": "2026-11-20", "channel": "PHONE", "requester": "王建国", "kind": "HELP",
                "domain": "INFRA", "content": "路灯不亮"}),
    )
    .unwrap();
    let r = a.search_within("没有的内容", 50, Some(Duration::ZERO)).unwrap();
    assert!(r.hits.is_empty() && !r.complete);
    let r = a.search_within("没有的内容", 50, None).unwrap();
    assert!(r.hits.is_empty() && r.complete);
}

#[test]
fn a_demo_store_is_indexed_by_its_bulk_load() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("demo");
    App::demo(&dir, &Options::default(), Lang::En, 3000, 7, &|_| {}).unwrap();
    let a = App::open(&dir, &Options::default(), Lang::En).unwrap();
    let doc = a.doctor(&|_| true).unwrap();
    assert!(doc.healthy(), "{:?}", &doc.problems[..doc.problems.len().min(5)]);
    // every person is found by the initials of their name
    let persons = a.list(&ListQuery { kind: Some(Kind::Person), limit: 20, ..Default::default() }).unwrap();
    assert!(!persons.is_empty());
    for p in &persons {
        let name = p.entity.state.text("name").unwrap();
        let hits = a.search_within(name, 0, None).unwrap();
        assert!(hits.hits.iter().any(|h| h.entity.id == p.entity.id), "{name}");
    }
    let size = a.store().search_index_size().unwrap();
    assert!(size.index_keys > 1 && size.text_keys > 1, "{size:?}");
    assert!(!dir.join("search-bulk.tmp").exists(), "the run file is gone");
}

#[test]
fn mixed_pinyin_finds_names_with_the_surname_in_full_and_initials_after() {
    let t = tempfile::tempdir().unwrap();
    let mut a = app(t.path());
    person(&mut a, json!({"name": "邱德福"}));
    person(&mut a, json!({"name": "单文东"}));
    person(&mut a, json!({"name": "邱德明"}));
    for q in ["qiudf", "qiudef", "qdefu", "qiudefu", "qdf"] {
        assert_eq!(found(&a, q), ["邱德福"], "{q}");
    }
    for q in ["shanwd", "danwd", "swendong", "shanwend"] {
        assert_eq!(found(&a, q), ["单文东"], "{q}");
    }
    let mut both = found(&a, "qiud");
    both.sort();
    assert_eq!(both, ["邱德明", "邱德福"]);
    assert_eq!(found(&a, "qiudx"), Vec::<String>::new());
    let q = |s: &str| ListQuery { kind: Some(Kind::Person), query: Some(s.into()), ..Default::default() };
    assert_eq!(a.list(&q("shanwd")).unwrap().len(), 1, "list --query reads mixed pinyin too");
}

#[test]
fn results_carry_what_tells_two_people_of_one_name_apart() {
    let t = tempfile::tempdir().unwrap();
    let mut a = app(t.path());
    let h1 = a.add(Kind::Household, &json!({"address": "一组8号"})).unwrap().entity.id;
    let h2 = a.add(Kind::Household, &json!({"address": "三组2号"})).unwrap().entity.id;
    let old = person(
        &mut a,
        json!({"name": "程德福", "household": h1.to_string(), "id_number": "11010519491231002X", "phone": "13812345678"}),
    );
    let young = person(&mut a, json!({"name": "程德福", "household": h2.to_string()}));
    a.act(h1, "edit", &json!({"head": old.to_string()})).unwrap();
    let r = a.search("程德福", 10).unwrap();
    assert_eq!(r.hits.len(), 2);
    let detail = |id| r.hits.iter().position(|h| h.entity.id == id).map(|i| r.detail(i).to_string()).unwrap();
    let (d_old, d_young) = (detail(old), detail(young));
    assert_ne!(d_old, d_young);
    assert!(d_old.contains("一组8号") && d_old.contains("age 76") && d_old.contains("138****5678"), "{d_old}");
    assert!(!d_old.contains("12345678"), "the phone is masked: {d_old}");
    assert_eq!(d_young, "三组2号");
    let r = a.search("一组8号", 10).unwrap();
    assert_eq!(r.detail(0), "第一网格 · head 程德福", "a household: grid and head");
}

#[test]
fn an_address_query_lists_the_exact_and_prefix_matches_first() {
    let t = tempfile::tempdir().unwrap();
    let mut a = app(t.path());
    for addr in ["二组8号", "一组86号", "一组80号", "一组8号", "一组81号", "三组18号"] {
        a.add(Kind::Household, &json!({"address": addr})).unwrap();
    }
    let r = found(&a, "一组8");
    assert_eq!(r[0], "一组8号", "{r:?}");
    assert_eq!(r.len(), 4, "{r:?}");
}

#[test]
fn the_household_picker_finds_addresses_names_and_pinyin_and_lists_all_on_an_empty_query() {
    let t = tempfile::tempdir().unwrap();
    let mut a = app(t.path());
    let h1 = a.add(Kind::Household, &json!({"address": "一组86号"})).unwrap().entity.id;
    let h2 = a.add(Kind::Household, &json!({"address": "一组86号", "grid": "第二网格"})).unwrap().entity.id;
    let h3 = a.add(Kind::Household, &json!({"address": "一组8号"})).unwrap().entity.id;
    let head = person(&mut a, json!({"name": "邱德福", "household": h1.to_string()}));
    person(&mut a, json!({"name": "单文东", "household": h2.to_string(), "phone": "13812345678"}));
    a.act(h1, "edit", &json!({"head": head.to_string()})).unwrap();
    let ids = |q: &str| a.pick_households(q, 20).unwrap().into_iter().map(|c| c.id).collect::<Vec<_>>();

    assert_eq!(ids(""), [h3, h2, h1], "an empty query: most recent first");
    assert_eq!(ids("一组8")[0], h3, "an exact prefix before longer addresses");
    for q in ["邱德福", "德福", "qdf", "qiudf", "qiudefu"] {
        assert_eq!(ids(q), [h1], "the head's name: {q}");
    }
    for q in ["单文东", "shanwd", "swd", "5678"] {
        assert_eq!(ids(q), [h2], "a member's name or phone: {q}");
    }
    assert_eq!(ids("nobody"), Vec::<EntityId>::new());
    // two 一组86号 are told apart by grid and head
    let choices = a.pick_households("一组86", 20).unwrap();
    assert_eq!(choices.len(), 2);
    let c1 = choices.iter().find(|c| c.id == h1).unwrap();
    let c2 = choices.iter().find(|c| c.id == h2).unwrap();
    assert_eq!((c1.head.as_deref(), c1.grid.as_deref()), (Some("邱德福"), Some("第一网格")));
    assert_eq!((c2.head.as_deref(), c2.grid.as_deref()), (None, Some("第二网格")));
    assert_ne!(c1.detail, c2.detail);
    assert_eq!(a.pick_households("", 1).unwrap().len(), 1, "the limit holds");
}
