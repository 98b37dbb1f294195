//! `list --query`: the index and text form give what a fold of every record would, page by page.

use serde_json::json;

use super::super::tests::app;
use super::*;
use crate::domain::Kind;

fn demand(content: &str, domain: &str) -> serde_json::Value {
    json!({"received_on": "2026-11-20", "channel": "PHONE", "requester": "张三", "kind": "HELP",
           "domain": domain, "content": content})
}

#[test]
fn a_query_pages_through_every_match_newest_first_with_filters() {
    let t = tempfile::tempdir().unwrap();
    let mut a = app(t.path());
    // 600 demands: more than one batch of candidates, in many blocks; two thirds mention 路灯,
    // every other one of those is about infrastructure.
    let mut expected = Vec::new();
    for i in 0..600 {
        let (content, domain) = match i % 3 {
            0 => (format!("水管漏水，第{i}户"), "INFRA"),
            1 => (format!("村口路灯不亮，第{i}户"), "INFRA"),
            _ => (format!("希望修好路灯，第{i}户"), "ELDER_CARE"),
        };
        let id = a.add(Kind::Demand, &demand(&content, domain)).unwrap().entity.id;
        if i % 3 == 1 {
            expected.push(id);
        }
    }
    // A visit that mentions 路灯 is not a demand.
    let home = a.add(Kind::Household, &json!({"address": "三组12号"})).unwrap().entity.id;
    a.add(
        Kind::Visit,
        &json!({"date": "2026-11-20", "household": home.to_string(), "type": "ROUTINE", "notes": "路灯"}),
    )
    .unwrap();
    expected.reverse(); // newest first
    let page = |offset, limit| {
        let q = ListQuery {
            kind: Some(Kind::Demand),
            query: Some("路灯".into()),
            category: Some("INFRA".into()),
            offset,
            limit,
            ..Default::default()
        };
        a.list(&q).unwrap().into_iter().map(|v| v.entity.id).collect::<Vec<_>>()
    };
    assert_eq!(page(0, 20), expected[..20]);
    assert_eq!(page(150, 30), expected[150..180]);
    assert_eq!(page(190, 50), expected[190..200], "the last page is short");
    assert_eq!(page(0, 0), expected, "no limit: every match");
    let none = ListQuery { kind: Some(Kind::Demand), query: Some("没有这个词".into()), ..Default::default() };
    assert!(a.list(&none).unwrap().is_empty());
}

#[test]
fn a_query_finds_persons_by_name_pinyin_and_digits_and_ledgers_by_text_only() {
    let t = tempfile::tempdir().unwrap();
    let mut a = app(t.path());
    let wang = a.add(Kind::Person, &json!({"name": "王建国", "phone": "13812345678"})).unwrap().entity.id;
    let d = a.add(Kind::Demand, &demand("王建国家门口路灯坏了", "INFRA")).unwrap().entity.id;
    let ids = |kind, q: &str| {
        let lq = ListQuery { kind: Some(kind), query: Some(q.into()), ..Default::default() };
        a.list(&lq).unwrap().into_iter().map(|v| v.entity.id).collect::<Vec<_>>()
    };
    assert_eq!(ids(Kind::Person, "建国"), vec![wang]);
    assert_eq!(ids(Kind::Person, "wjg"), vec![wang]);
    assert_eq!(ids(Kind::Person, "5678"), vec![wang]);
    assert_eq!(ids(Kind::Demand, "建国"), vec![d], "a demand is found by its text");
    assert_eq!(ids(Kind::Demand, "路灯"), vec![d]);
    assert!(ids(Kind::Hazard, "路灯").is_empty(), "the kind filter holds");
}
