//! A township's assessment report over its villages' bundles (docs/REPORTS.md, "Grouping"):
//! two villages export, the township imports, and its report has a row per village whose
//! figures are the ones each village reports of itself.

#[allow(dead_code)]
mod common;

use common::{Store, demand_input, hazard_input};
use serde_json::{Value, json};

const V1: &str = "330782105203";
const V2: &str = "330782105204";

fn store(role: &str, division: &str, place: &str, worker: &str) -> Store {
    let s = Store::empty();
    s.run(&["init", "--role", role, "--division", division, "--place", place, "--worker", worker], None).ok();
    s
}

fn fingerprint(s: &Store) -> String {
    s.run(&["keys", "show", "--json"], None).ok().json()["fingerprint"].as_str().expect("fingerprint").to_string()
}

fn report(s: &Store, by: &str) -> Value {
    s.run(&["report", "--period", "2026-01", "--by", by, "--format", "json"], None).ok().json()
}

fn row<'a>(r: &'a Value, village: &str) -> &'a Value {
    r["rows"].as_array().and_then(|rows| rows.iter().find(|x| x["village"] == village)).expect("the village's row")
}

#[test]
fn a_township_reports_each_village_as_the_village_reports_itself() {
    let files = tempfile::tempdir().expect("temp dir");
    let v1 = Store::new();
    let v2 = store("village", V2, "白沙村", "赵敏");
    let t = store("township", "330782105000", "石桥镇", "王主任");

    // 青石村: two demands (one answered the next day, on time; one never answered: overdue) and a hazard
    let d = v1.add("demand", &demand_input("2026-01-05", "INFRA", "村口路灯不亮"));
    v1.act(&d, "reply", &json!({"reply": "已修", "replied_on": "2026-01-06", "result": "RESOLVED"})).ok();
    v1.add("demand", &demand_input("2026-01-12", "HOUSING", "屋顶漏雨"));
    v1.add("hazard", &hazard_input("2026-01-10", "GENERAL"));
    // 白沙村: a household visited once, and a demand not answered
    let h = v2.add("household", &json!({"address": "三组12号", "grid": "三组"}));
    v2.add("visit", &json!({"date": "2026-01-09", "household": h, "type": "ROUTINE"}));
    v2.add("demand", &demand_input("2026-01-07", "ELDER_CARE", "想申请助餐"));

    for (i, v) in [&v1, &v2].into_iter().enumerate() {
        let file = files.path().join(format!("v{i}.gridlog"));
        let f = file.to_str().expect("path");
        v.run(&["export", "--out", f, "--json"], None).ok();
        t.run(&["keys", "trust", &fingerprint(v)], None).ok();
        t.run(&["import", f, "--json"], None).ok();
    }

    let township = report(&t, "village");
    let villages: Vec<&str> =
        township["rows"].as_array().expect("rows").iter().filter_map(|r| r["village"].as_str()).collect();
    assert_eq!(villages, [V1, V2], "a row per village, by division code");
    let f = |r: &Value, name: &str| r["figures"][name].clone();
    let one = row(&township, V1);
    assert_eq!(
        ["demands_received", "demands_answered", "demands_on_time", "demands_overdue", "hazards_found"]
            .map(|n| f(one, n)),
        [json!(2), json!(1), json!(1), json!(1), json!(1)]
    );
    let two = row(&township, V2);
    assert_eq!(
        ["visits", "households_visited", "households_registered", "demands_received", "demands_overdue"]
            .map(|n| f(two, n)),
        [json!(1), json!(1), json!(1), json!(1), json!(1)]
    );
    for (v, code) in [(&v1, V1), (&v2, V2)] {
        let own = report(v, "village");
        assert_eq!(
            row(&own, code)["figures"],
            row(&township, code)["figures"],
            "{code}: as the village reports itself"
        );
        assert_eq!(row(&own, code)["rates"], row(&township, code)["rates"]);
    }
    // the township's office reads its villages by name, as their bundles gave them
    let labels: Vec<&str> =
        township["rows"].as_array().expect("rows").iter().filter_map(|r| r["label"].as_str()).collect();
    assert_eq!(labels, [format!("青石村 {V1}"), format!("白沙村 {V2}")]);
    let table = t.run_lang("zh", &["report", "--period", "2026-01"], None).ok().stdout;
    assert!(table.contains("青石村") && table.contains("白沙村"), "{table}");
    // by grid within each village: the household's grid in 白沙村; the same total
    let grids = report(&t, "grid");
    assert_eq!(grids["total"], township["total"]);
    let g2: Vec<&Value> = grids["rows"].as_array().expect("rows").iter().filter(|r| r["village"] == V2).collect();
    assert!(g2.iter().any(|r| r["grid"] == "三组" && r["figures"]["visits"] == 1), "{g2:?}");
}
