//! Labels and messages (issue 7, item 7): every field and code is named by the schema's label,
//! in the user's language only, the same in the CLI as on the screen. Each test runs the real
//! `gridlog` binary against a store in its own temporary directory.

#[allow(dead_code)] // each test binary uses a part of the shared helpers
mod common;

use common::{Store, demand_input, hazard_input};
use serde_json::json;

fn show_zh(s: &Store, id: &str) -> String {
    s.run_lang("zh", &["show", id], None).ok().stdout
}

#[test]
fn a_hazards_category_is_labelled_as_a_hazard_category_and_history_shows_labels_not_codes() {
    let s = Store::new();
    let h = s.add("hazard", &hazard_input("2026-01-09", "GENERAL"));
    let text = show_zh(&s, &h);
    assert!(text.contains("隐患类别：消防"), "{text}");
    assert!(!text.contains("纠纷类别"), "{text}");
    let history = text.split("历史").nth(1).unwrap_or_default();
    assert!(history.contains("状态=已发现") && history.contains("隐患类别=消防"), "{history}");
    for code in ["status", "FOUND", "FIRE", "category"] {
        assert!(!history.contains(code), "no code {code} in the history: {history}");
    }
    let en = s.run(&["show", &h], None).ok().stdout;
    assert!(en.contains("status=found") && !en.contains("FOUND"), "{en}");
}

#[test]
fn the_cli_names_a_demands_reply_result_as_the_screen_does() {
    let s = Store::new();
    let d = s.add("demand", &demand_input("2026-01-09", "INFRA", "路灯不亮"));
    s.act(&d, "reply", &json!({"reply": "已报修", "replied_on": "2026-01-12", "result": "PARTIAL"})).ok();
    let text = show_zh(&s, &d);
    assert!(text.contains("办理结果：部分解决"), "{text}");
    assert!(!text.contains("结论"), "one label per field: {text}");
}

#[test]
fn errors_in_chinese_name_other_fields_by_their_labels_and_enums_by_code_and_name() {
    let s = Store::new();
    let d = s.add("demand", &demand_input("2026-01-09", "INFRA", "路灯不亮"));
    let input = json!({"reply": "已报修", "replied_on": "2026-01-02", "result": "RESOLVED"}).to_string();
    let out = s.run_lang("zh", &["act", &d, "reply"], Some(&input));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("不能早于受理日期") && !out.stderr.contains("received_on"), "{out:?}");

    let mut bad = hazard_input("2026-01-09", "GENERAL");
    bad["category"] = json!("NOPE");
    let out = s.run_lang("zh", &["add", "hazard"], Some(&bad.to_string()));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("FIRE 消防") && out.stderr.contains("OTHER 其他"), "codes with names: {out:?}");
    let out = s.run(&["add", "hazard"], Some(&bad.to_string()));
    assert!(out.stderr.contains("FIRE (fire"), "{out:?}");
}

#[test]
fn a_phone_in_a_demands_text_is_not_sent_to_a_phone_field_it_does_not_have() {
    let s = Store::new();
    let out = s.run_lang(
        "zh",
        &["add", "demand"],
        Some(&demand_input("2026-01-09", "INFRA", "请回电13812345678").to_string()),
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("手机号") && !out.stderr.contains("电话字段"), "{out:?}");
    let out =
        s.run(&["add", "demand"], Some(&demand_input("2026-01-09", "INFRA", "call back 13812345678").to_string()));
    assert!(out.stderr.contains("mobile number") && !out.stderr.contains("phone field"), "{out:?}");
}

#[test]
fn phones_typed_with_dashes_or_spaces_are_accepted_and_stored_normalised_and_listed_masked() {
    let s = Store::new();
    let a = s.add("person", &json!({"name": "王五", "phone": "138-1234-5678"}));
    let b = s.add("person", &json!({"name": "赵六", "phone": "139 8765 4321"}));
    s.add("person", &json!({"name": "钱七"}));
    let reveal = |id: &str| s.run(&["show", id, "--json", "--reveal"], None).ok().json()["phone"].clone();
    assert_eq!(reveal(&a), json!("13812345678"));
    assert_eq!(reveal(&b), json!("13987654321"));
    let out = s.run(&["act", &b, "edit"], Some(r#"{"phone":"138-1234-567"}"#));
    assert_eq!(out.code, 2, "a short number is still refused: {out:?}");

    let table = s.run_lang("zh", &["list", "person"], None).ok().stdout;
    let row = |name: &str| table.lines().find(|l| l.contains(name)).unwrap_or_default().to_string();
    assert!(row("王五").contains("138****5678"), "{table}");
    assert!(row("赵六").contains("139****4321"), "{table}");
    assert!(!table.contains("12345678") && !table.contains("87654321"), "masked: {table}");
}

#[test]
fn a_refused_edit_of_a_hazard_names_its_category_as_a_hazard_category() {
    let s = Store::new();
    let h = s.add("hazard", &hazard_input("2026-01-09", "GENERAL"));
    let out = s.run_lang("zh", &["act", &h, "edit"], Some(r#"{"category":"NOPE"}"#));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("隐患类别") && !out.stderr.contains("纠纷类别"), "{out:?}");
    assert!(out.stderr.contains("FIRE 消防"), "{out:?}");
}
