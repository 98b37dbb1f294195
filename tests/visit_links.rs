//! A demand and the visit it came from point at each other, however the demand was entered.

#[allow(dead_code)]
mod common;

use common::Store;
use serde_json::json;

#[test]
fn a_demand_naming_its_visit_is_listed_among_what_the_visit_raised() {
    let s = Store::new();
    let home = s.add("household", &json!({"address": "三组12号"}));
    let visit = s.add("visit", &json!({"date": "2026-11-20", "household": home, "type": "ROUTINE", "notes": "入户"}));
    let demand = s.add(
        "demand",
        &json!({"received_on": "2026-11-20", "channel": "VISIT", "requester": "王芳", "kind": "HELP",
                "domain": "INFRA", "content": "路灯不亮", "visit": visit}),
    );
    let other = s.add(
        "demand",
        &json!({"received_on": "2026-11-20", "channel": "PHONE", "requester": "李四", "kind": "HELP",
                "domain": "INFRA", "content": "水管漏水"}),
    );
    let v = s.show_json(&visit);
    assert_eq!(v["raised"], json!([demand]), "the visit lists the demand that names it, and only it");
    assert_eq!(v["links"], json!([demand]), "and links it, so the screen opens it with Enter");
    assert_eq!(s.show_json(&demand)["visit"], json!(visit), "the demand names its visit");
    assert!(!v["raised"].as_array().unwrap().contains(&json!(other)));
    // a second demand from the same visit joins the first
    let second = s.add(
        "demand",
        &json!({"received_on": "2026-11-20", "channel": "VISIT", "requester": "王芳", "kind": "INQUIRY",
                "domain": "OTHER", "content": "咨询低保", "visit": visit}),
    );
    assert_eq!(s.show_json(&visit)["raised"], json!([demand, second]));
}
