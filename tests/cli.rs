//! End-to-end tests of the `gridlog` command line: each test runs the real binary against a
//! store in its own temporary directory. Dates are fixed in early 2026 (safely in the past on
//! this machine); "future" dates are in 2099.

#[allow(dead_code)] // each test binary uses a part of the shared helpers
mod common;

use std::time::{Duration, Instant};

use common::{INIT, Out, Store, demand_input, device_of, hazard_input, ids};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Shared fixtures and assertions

fn household(s: &Store) -> String {
    s.add("household", &json!({"address": "三组12号"}))
}

fn dispute_input() -> Value {
    json!({
        "received_on": "2026-01-09",
        "source": "APPLIED",
        "category": "NEIGHBOR",
        "parties": [{"name": "张三", "role": "APPLICANT"}, {"name": "李四", "role": "RESPONDENT"}],
        "facts": "两家之间的排水沟堵塞，雨水倒灌",
        "claims": "要求疏通排水沟",
        "risk": "YELLOW"
    })
}

/// `add KIND input` is refused with exit 2, one stderr line per problem, each naming its
/// field; `list KIND` is the same before and after (nothing written).
#[track_caller]
fn assert_add_refused(s: &Store, kind: &str, input: &str, fields: &[&str]) -> Out {
    let before = s.list_json(kind, &[]);
    let out = s.run(&["add", kind], Some(input));
    assert_eq!(out.code, 2, "add {kind} {input} should be refused: {out:?}");
    assert!(out.stdout.trim().is_empty(), "no id printed for a refused add: {out:?}");
    let lines = out.err_lines();
    assert_eq!(lines.len(), fields.len(), "one line per problem for {input}: {out:?}");
    for f in fields {
        assert_eq!(
            lines.iter().filter(|l| l.contains(&format!("{f}:"))).count(),
            1,
            "exactly one line names `{f}` for {input}: {out:?}"
        );
    }
    assert_eq!(s.list_json(kind, &[]), before, "a refused add of {input} wrote something");
    out
}

/// `act ID ACTION input` is refused with exit 2 and leaves `show ID --json` unchanged.
#[track_caller]
fn assert_act_refused(s: &Store, id: &str, action: &str, input: &Value) -> Out {
    let before = s.show_json(id);
    let out = s.act(id, action, input);
    assert_eq!(out.code, 2, "act {id} {action} {input} should be refused: {out:?}");
    assert!(!out.stderr.trim().is_empty(), "a refusal says why: {out:?}");
    assert_eq!(s.show_json(id), before, "a refused {action} changed the record");
    out
}

/// `act ID ACTION input` succeeds; returns the new status.
#[track_caller]
fn act_ok(s: &Store, id: &str, action: &str, input: &Value) -> String {
    s.act(id, action, input).ok();
    s.show_json(id)["status"].as_str().expect("status").to_string()
}

// ---------------------------------------------------------------------------------------------
// 1. init

#[test]
fn init_creates_the_store_and_refuses_bad_division_codes_and_a_second_init() {
    // Malformed division codes: 11 digits; township part 400 (only 001–399 exist).
    let s = Store::empty();
    for bad in ["33078210520", "330782400203"] {
        let mut args = INIT.to_vec();
        args[4] = bad;
        let out = s.run(&args, None);
        assert_eq!(out.code, 2, "division {bad}: {out:?}");
        assert!(out.stderr.contains("division"), "names the field: {out:?}");
    }
    let mut args = INIT.to_vec();
    args[2] = "city";
    let out = s.run(&args, None);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("role") && out.stderr.contains("village"), "{out:?}");
    // ... and the refusals left the store uninitialised: a correct init still works.
    let out = s.run(INIT, None).ok();
    assert!(out.stdout.contains("青石村"), "{out:?}");
    let hh = household(&s);

    // A second init is refused and changes nothing: same place and worker, same device.
    let overview = s.run(&[], None).ok().stdout;
    assert!(overview.contains("青石村") && overview.contains("李秀英"), "{overview}");
    let households = s.list_json("household", &[]);
    let out = s.run(
        &["init", "--role", "township", "--division", "330782105000", "--place", "别的镇", "--worker", "张三"],
        None,
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("already initialised"), "{out:?}");
    assert_eq!(s.run(&[], None).ok().stdout, overview);
    assert_eq!(s.list_json("household", &[]), households);
    let hh2 = household(&s);
    assert_eq!(device_of(&hh2), device_of(&hh), "the device id is kept");
}

// ---------------------------------------------------------------------------------------------
// 2. add

#[test]
fn add_prints_an_id_for_every_kind_and_json_prints_the_whole_record() {
    let s = Store::new();
    let hh = household(&s);
    let device = device_of(&hh).to_string();
    let person = s.add("person", &json!({"name": "王建国", "gender": "M", "household": hh}));
    let visit = s.add("visit", &json!({"date": "2026-01-09", "household": hh, "type": "ROUTINE"}));
    let demand = s.add("demand", &demand_input("2026-01-09", "ELDER_CARE", "屋顶漏雨，请求帮助修缮"));
    let dispute = s.add("dispute", &dispute_input());
    let hazard = s.add("hazard", &hazard_input("2026-01-09", "GENERAL"));
    let all = [&hh, &person, &visit, &demand, &dispute, &hazard];
    for id in all {
        assert_eq!(device_of(id), device, "{id} is DEVICE-N");
    }
    let unique: std::collections::BTreeSet<_> = all.iter().collect();
    assert_eq!(unique.len(), all.len(), "ids are distinct: {all:?}");

    // --json prints the whole record: the common fields plus the input fields.
    let add_json = |kind: &str, input: &Value| -> Value {
        let v = s.run(&["add", kind, "--json"], Some(&input.to_string())).ok().json();
        for key in ["id", "status", "created_at", "updated_at"] {
            assert!(v[key].is_string(), "{kind} --json lacks {key}: {v}");
        }
        assert_eq!(v["kind"], kind, "{v}");
        assert!(v["overdue"].is_boolean(), "{v}");
        assert_eq!(v["created_by"], "李秀英", "{v}");
        assert_eq!(device_of(v["id"].as_str().unwrap_or_default()), device);
        v
    };

    let v = add_json("household", &json!({"address": "三组13号"}));
    assert_eq!((&v["address"], &v["grid"], &v["status"]), (&json!("三组13号"), &json!("第一网格"), &json!("ACTIVE")));
    assert_eq!(v["overdue"], false, "{v}");

    let v = add_json(
        "person",
        &json!({"name": "李梅", "gender": "F", "phone": "13912345678", "household": hh, "tags": ["DIBAO"]}),
    );
    assert_eq!((&v["name"], &v["gender"], &v["household"]), (&json!("李梅"), &json!("F"), &json!(hh)));
    assert_eq!((&v["tags"], &v["status"]), (&json!(["DIBAO"]), &json!("ACTIVE")));
    assert_eq!(v["phone"], "139****5678", "masked in --json output");

    let v = add_json(
        "visit",
        &json!({"date": "2026-01-09", "household": hh, "met": [person], "type": "FOCUS", "notes": "老人身体尚可"}),
    );
    assert_eq!((&v["date"], &v["household"], &v["type"]), (&json!("2026-01-09"), &json!(hh), &json!("FOCUS")));
    assert_eq!((&v["met"], &v["notes"]), (&json!([person]), &json!("老人身体尚可")));
    assert_eq!((&v["visitor"], &v["status"]), (&json!("李秀英"), &json!("RECORDED")), "visitor defaults to the worker");

    // A HELP demand received on Friday 2026-01-09 is due 3 working days later: Wednesday 01-14.
    let v = add_json("demand", &demand_input("2026-01-09", "ELDER_CARE", "屋顶漏雨，请求帮助修缮"));
    assert_eq!(v["demand_kind"], "HELP", "the demand's own kind is shown as demand_kind: {v}");
    assert_eq!(v["due_on"], "2026-01-14", "{v}");
    assert_eq!(v["overdue"], true, "unanswered and past its due date: {v}");
    assert_eq!(
        (&v["received_on"], &v["channel"], &v["domain"]),
        (&json!("2026-01-09"), &json!("PHONE"), &json!("ELDER_CARE"))
    );
    assert_eq!((&v["requester"], &v["content"]), (&json!("王建国"), &json!("屋顶漏雨，请求帮助修缮")));
    assert_eq!((&v["status"], &v["urgent"], &v["level"]), (&json!("RECEIVED"), &json!(false), &json!("GRID")));
    // `demand_kind` is accepted on input too; a COMPLAINT gets 13 working days (Fri 01-09 → Wed 01-28).
    let mut complaint = demand_input("2026-01-09", "ELDER_CARE", "垃圾清运不及时");
    complaint.as_object_mut().map(|o| o.remove("kind"));
    complaint["demand_kind"] = json!("COMPLAINT");
    let v = s.run(&["add", "demand", "--json"], Some(&complaint.to_string())).ok().json();
    assert_eq!((&v["demand_kind"], &v["due_on"]), (&json!("COMPLAINT"), &json!("2026-01-28")), "{v}");
    // An explicit due_on is kept.
    let mut with_due = demand_input("2026-01-09", "ELDER_CARE", "咨询医保报销");
    with_due["due_on"] = json!("2026-01-20");
    assert_eq!(s.run(&["add", "demand", "--json"], Some(&with_due.to_string())).ok().json()["due_on"], "2026-01-20");

    let v = add_json("dispute", &dispute_input());
    for f in ["received_on", "source", "category", "parties", "facts", "claims", "risk"] {
        assert_eq!(v[f], dispute_input()[f], "dispute {f}: {v}");
    }
    assert_eq!(v["status"], "REGISTERED");

    let v = add_json("hazard", &hazard_input("2026-01-09", "MAJOR"));
    for f in ["found_on", "location", "owner", "category", "description", "grade"] {
        assert_eq!(v[f], hazard_input("2026-01-09", "MAJOR")[f], "hazard {f}: {v}");
    }
    assert_eq!((&v["inspector"], &v["status"]), (&json!("李秀英"), &json!("FOUND")));

    // What --json printed is what `show` finds.
    let shown = s.show_json(v["id"].as_str().unwrap_or_default());
    assert_eq!(shown["description"], "灭火器过期");
}

#[test]
fn add_refuses_each_invalid_input_naming_the_field_and_writes_nothing() {
    let s = Store::new();
    let hh = household(&s);
    let person = s.add("person", &json!({"name": "王建国"}));
    let missing_hh = format!("{}-999", device_of(&hh));

    assert_add_refused(&s, "person", r#"{"gender":"M"}"#, &["name"]);
    assert_add_refused(&s, "household", r#"{"address":"三组1号","adress":"x"}"#, &["adress"]);
    let out = assert_add_refused(&s, "person", r#"{"name":"王","id_number":"110105194912310021"}"#, &["id_number"]);
    assert!(out.stderr.contains("check character"), "{out:?}");
    // 1949-02-30 with a correct check character: only the date is wrong.
    let out = assert_add_refused(&s, "person", r#"{"name":"王","id_number":"110105194902300012"}"#, &["id_number"]);
    assert!(out.stderr.contains("birth date"), "{out:?}");
    let out = assert_add_refused(
        &s,
        "visit",
        &json!({"date": "2099-01-01", "household": hh, "type": "ROUTINE"}).to_string(),
        &["date"],
    );
    assert!(out.stderr.contains("future"), "{out:?}");
    assert_add_refused(&s, "person", r#"{"name":"王","phone":"12345"}"#, &["phone"]);
    let out = assert_add_refused(&s, "person", r#"{"name":"王","gender":"X"}"#, &["gender"]);
    assert!(out.stderr.contains('M') && out.stderr.contains('F'), "lists the allowed codes: {out:?}");
    assert_add_refused(&s, "hazard", &hazard_input("2026-01-09", "SEVERE").to_string(), &["grade"]);
    assert_add_refused(&s, "person", r#"{"name":"王","tags":["SMI"]}"#, &["tag_basis"]);
    let mut one_party = dispute_input();
    one_party["parties"] = json!([{"name": "张三", "role": "APPLICANT"}]);
    assert_add_refused(&s, "dispute", &one_party.to_string(), &["parties"]);
    for text in ["户主电话13812345678", "户主身份证11010519491231002X"] {
        let input = json!({"date": "2026-01-09", "household": hh, "type": "ROUTINE", "notes": text});
        assert_add_refused(&s, "visit", &input.to_string(), &["notes"]);
    }
    let mut content_phone = demand_input("2026-01-09", "ELDER_CARE", "请回电13812345678");
    content_phone["urgent"] = json!(true);
    assert_add_refused(&s, "demand", &content_phone.to_string(), &["content"]);
    let out = assert_add_refused(
        &s,
        "visit",
        &json!({"date": "2026-01-09", "household": missing_hh, "type": "ROUTINE"}).to_string(),
        &["household"],
    );
    assert!(out.stderr.contains(&missing_hh), "{out:?}");
    let out = assert_add_refused(
        &s,
        "visit",
        &json!({"date": "2026-01-09", "household": person, "type": "ROUTINE"}).to_string(),
        &["household"],
    );
    assert!(out.stderr.contains("household record"), "{out:?}");
    // Several problems at once: one line each.
    assert_add_refused(
        &s,
        "person",
        r#"{"id_number":"110105194912310021","phone":"123","gender":"Q"}"#,
        &["name", "id_number", "phone", "gender"],
    );

    // Non-JSON (or not an object) on stdin.
    for bad in ["not json", r#"{"address":"三组1号""#, ""] {
        let before = s.list_json("household", &[]);
        let out = s.run(&["add", "household"], Some(bad));
        assert_eq!(out.code, 2, "{bad:?}: {out:?}");
        assert!(out.stderr.contains("JSON"), "{bad:?}: {out:?}");
        assert_eq!(s.list_json("household", &[]), before);
    }
    let out = s.run(&["add", "household"], Some(r#"["三组1号"]"#));
    assert_eq!(out.code, 2, "{out:?}");
    // An unknown kind.
    let out = s.run(&["add", "villager"], Some(r#"{"name":"王"}"#));
    assert_eq!(out.code, 2, "{out:?}");

    assert_eq!(ids(&s.list_json("person", &[])), vec![person.clone()], "only the valid person was written");
    assert_eq!(s.list_json("visit", &[]), json!([]));
    assert_eq!(s.list_json("dispute", &[]), json!([]));
}

#[test]
fn add_accepts_valid_id_numbers_and_normalises_a_lowercase_x() {
    for (input, stored) in [
        ("11010519491231002X", "11010519491231002X"),
        ("440524188001010014", "440524188001010014"),
        ("11010519491231002x", "11010519491231002X"),
    ] {
        // one store each: an ID number is registered once (tests/residents.rs)
        let s = Store::new();
        let id = s.add("person", &json!({"name": "测试", "id_number": input}));
        let shown = s.run(&["show", &id, "--json", "--reveal"], None).ok().json();
        assert_eq!(shown["id_number"], stored, "{input}");
        assert_eq!(s.list_json("person", &[]).as_array().map(Vec::len), Some(1));
    }
}

// ---------------------------------------------------------------------------------------------
// 4. act

#[test]
fn dispute_goes_from_session_to_agreement_follow_up_and_close() {
    let s = Store::new();
    let d = s.add("dispute", &dispute_input());
    assert_eq!(
        act_ok(&s, &d, "session", &json!({"date": "2026-01-10", "notes": "第一次调解，双方各自陈述"})),
        "MEDIATING"
    );
    let agreement = json!({
        "form": "WRITTEN",
        "terms": "张三负责疏通排水沟，李四承担一半费用",
        "performance_method": "自行履行",
        "performance_deadline": "2026-01-20",
        "amount_fen": 30000,
        "effective_on": "2026-01-11"
    });
    assert_eq!(act_ok(&s, &d, "agree", &agreement), "AGREED");
    assert_eq!(
        act_ok(&s, &d, "followup", &json!({"date": "2026-01-21", "performance": "DONE", "satisfaction": "SATISFIED"})),
        "FOLLOWED_UP"
    );
    let out = s.run(&["act", &d, "close", "--json"], Some("{}")).ok();
    let v = out.json();
    assert_eq!(v["status"], "CLOSED");
    assert_eq!((&v["outcome"], &v["performance"]), (&json!("AGREED"), &json!("DONE")), "{v}");
    assert_eq!(v["sessions"].as_array().map(Vec::len), Some(1), "{v}");
    assert_eq!(v["followups"].as_array().map(Vec::len), Some(1), "{v}");
    assert_eq!(v["agreement"]["terms"], agreement["terms"]);
    // Closed is final for mediation.
    assert_act_refused(&s, &d, "session", &json!({"date": "2026-01-22", "notes": "再次调解"}));
}

#[test]
fn major_hazard_closes_only_through_a_pass_review_by_someone_else_general_closes_directly() {
    let s = Store::new();
    let h = s.add("hazard", &hazard_input("2026-01-09", "MAJOR"));
    let rectify = json!({"measures": "更换灭火器", "responsible": "赵老板", "deadline": "2026-01-15"});
    let out = assert_act_refused(&s, &h, "rectify", &rectify);
    assert!(out.stderr.contains("interim_control"), "{out:?}");
    assert_act_refused(&s, &h, "close", &json!({}));

    let mut rectify = rectify;
    rectify["interim_control"] = json!("停业整顿，设置警示标志");
    assert_eq!(act_ok(&s, &h, "rectify", &rectify), "RECTIFYING");
    assert_eq!(act_ok(&s, &h, "complete", &json!({"date": "2026-01-14"})), "AWAITING_REVIEW");
    let out = assert_act_refused(&s, &h, "close", &json!({}));
    assert!(out.stderr.contains("PASS"), "{out:?}");
    let out =
        assert_act_refused(&s, &h, "review", &json!({"date": "2026-01-15", "reviewer": "赵老板", "result": "PASS"}));
    assert!(out.stderr.contains("reviewer"), "{out:?}");
    assert_eq!(
        act_ok(&s, &h, "review", &json!({"date": "2026-01-15", "reviewer": "李秀英", "result": "PASS"})),
        "CLOSED"
    );
    let v = s.show_json(&h);
    assert_eq!(v["reviews"][0]["reviewer"], "李秀英", "{v}");
    assert_eq!(v["overdue"], false);

    let g = s.add("hazard", &hazard_input("2026-01-09", "GENERAL"));
    assert_eq!(act_ok(&s, &g, "close", &json!({})), "CLOSED");
}

#[test]
fn demand_close_needs_a_satisfied_follow_up_unsatisfied_reopens() {
    let s = Store::new();
    let d = s.add("demand", &demand_input("2026-01-09", "ELDER_CARE", "屋顶漏雨，请求帮助修缮"));
    let reply = |text: &str, on: &str| json!({"reply": text, "replied_on": on, "result": "RESOLVED"});
    assert_eq!(act_ok(&s, &d, "reply", &reply("已联系施工队修缮", "2026-01-12")), "ANSWERED");
    assert_eq!(
        act_ok(&s, &d, "followup", &json!({"date": "2026-01-13", "satisfaction": "UNSATISFIED"})),
        "FOLLOWED_UP"
    );
    assert_act_refused(&s, &d, "close", &json!({}));
    assert_eq!(act_ok(&s, &d, "reopen", &json!({"reason": "仍然漏雨"})), "REOPENED");
    assert_eq!(act_ok(&s, &d, "reply", &reply("再次修缮并验收", "2026-01-15")), "ANSWERED");
    assert_eq!(act_ok(&s, &d, "followup", &json!({"date": "2026-01-16", "satisfaction": "SATISFIED"})), "FOLLOWED_UP");
    assert_eq!(act_ok(&s, &d, "close", &json!({})), "CLOSED");
}

#[test]
fn illegal_and_unknown_actions_are_refused_naming_what_is_allowed() {
    let s = Store::new();
    let d = s.add("dispute", &dispute_input());
    let out = assert_act_refused(&s, &d, "close", &json!({}));
    assert!(out.stderr.contains("REGISTERED"), "names the status: {out:?}");
    let allowed = out.stderr.split("allowed:").nth(1).unwrap_or_else(|| panic!("lists the allowed actions: {out:?}"));
    for a in ["session", "agree", "terminate", "refer", "escalate"] {
        assert!(allowed.contains(a), "{a} is allowed: {out:?}");
    }
    assert!(!allowed.contains("close"), "close is not allowed: {out:?}");

    let out = assert_act_refused(&s, &d, "frobnicate", &json!({}));
    for a in ["session", "agree", "followup", "close", "edit", "note"] {
        assert!(out.stderr.contains(a), "lists {a}: {out:?}");
    }
    // Missing required action fields, and an unknown record.
    let out = assert_act_refused(&s, &d, "session", &json!({"date": "2026-01-10"}));
    assert!(out.stderr.contains("notes"), "{out:?}");
    let out = s.act(&format!("{}-999", device_of(&d)), "note", &json!({"text": "x"}));
    assert_eq!(out.code, 2, "{out:?}");
    let out = s.run(&["act", &d, "note"], Some("not json"));
    assert_eq!(out.code, 2, "{out:?}");
}

#[test]
fn edit_changes_a_field_note_appends_and_status_is_not_editable() {
    let s = Store::new();
    let hh = household(&s);
    assert_eq!(act_ok(&s, &hh, "edit", &json!({"address": "三组14号"})), "ACTIVE");
    assert_eq!(s.show_json(&hh)["address"], "三组14号");
    s.act(&hh, "note", &json!({"text": "户主外出务工"})).ok();
    s.act(&hh, "note", &json!({"text": "春节返乡"})).ok();
    let notes = s.show_json(&hh)["notes"].clone();
    assert_eq!(notes, json!([{"text": "户主外出务工"}, {"text": "春节返乡"}]));

    let out = assert_act_refused(&s, &hh, "edit", &json!({"status": "CLOSED"}));
    assert!(out.stderr.contains("status"), "{out:?}");
    let out = assert_act_refused(&s, &hh, "edit", &json!({"adress": "x"}));
    assert!(out.stderr.contains("adress"), "{out:?}");
    let out = assert_act_refused(&s, &hh, "note", &json!({"text": "户主电话13812345678"}));
    assert!(out.stderr.contains("text"), "{out:?}");
    let p = s.add("person", &json!({"name": "王建国"}));
    let out = assert_act_refused(&s, &p, "edit", &json!({"id_number": "110105194912310021"}));
    assert!(out.stderr.contains("id_number"), "{out:?}");
}

// ---------------------------------------------------------------------------------------------
// 5. list

#[test]
fn list_filters_by_status_overdue_and_query_newest_first_with_a_limit() {
    let s = Store::new();
    let hh: Vec<String> =
        ["一组1号", "一组2号", "一组3号"].iter().map(|a| s.add("household", &json!({"address": a}))).collect();
    // Newest first; --limit.
    let newest_first: Vec<String> = hh.iter().rev().cloned().collect();
    assert_eq!(s.list_ids("household", &["--limit", "0"]), newest_first);
    assert_eq!(s.list_ids("household", &["--limit", "2"]), newest_first[..2].to_vec());
    assert_eq!(s.list_ids("household", &[]), newest_first, "default limit 50");
    let text = s.run(&["list", "household", "--limit", "1"], None).ok().stdout;
    assert!(text.contains(&hh[2]) && text.contains("一组3号") && !text.contains(&hh[1]), "{text}");

    // HELP demand received Monday 2026-01-05, never answered: due 01-08, overdue.
    let late = s.add("demand", &demand_input("2026-01-05", "ELDER_CARE", "屋顶漏雨，请求帮助修缮"));
    // The same, answered on the day it came in: done on the spot, not overdue.
    let answered = s.add("demand", &demand_input("2026-01-05", "ELDER_CARE", "咨询养老保险缴费"));
    assert_eq!(
        act_ok(
            &s,
            &answered,
            "reply",
            &json!({"reply": "已当场解答", "replied_on": "2026-01-05", "result": "EXPLAINED"})
        ),
        "ON_SPOT_DONE"
    );
    let v = s.show_json(&late);
    assert_eq!((&v["overdue"], &v["due_on"]), (&json!(true), &json!("2026-01-08")), "{v}");
    assert_eq!(s.list_ids("demand", &["--overdue"]), vec![late.clone()]);
    let text = s.run(&["list", "demand", "--overdue"], None).ok().stdout;
    assert!(text.contains(&late) && text.contains("overdue") && !text.contains(&answered), "{text}");

    // --status.
    assert_eq!(s.list_ids("demand", &["--status", "RECEIVED"]), vec![late.clone()]);
    assert_eq!(s.list_ids("demand", &["--status", "ON_SPOT_DONE"]), vec![answered.clone()]);
    assert_eq!(s.list_ids("demand", &["--status", "CLOSED"]), Vec::<String>::new());
    let out = s.run(&["list", "demand", "--status", "BOGUS"], None);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("status") && out.stderr.contains("RECEIVED"), "lists the statuses: {out:?}");

    // --query: a Chinese substring of a name or of content; the last 4 digits of a phone.
    let wang = s.add("person", &json!({"name": "王建国", "phone": "13812345678"}));
    let li = s.add("person", &json!({"name": "李建华", "phone": "13900001111"}));
    let maimaiti = s.add("person", &json!({"name": "买买提·艾力"}));
    assert_eq!(s.list_ids("person", &["--query", "建国"]), vec![wang.clone()]);
    assert_eq!(s.list_ids("person", &["--query", "建"]), vec![li.clone(), wang.clone()]);
    assert_eq!(s.list_ids("person", &["--query", "艾力"]), vec![maimaiti]);
    assert_eq!(s.list_ids("person", &["--query", "5678"]), vec![wang.clone()]);
    assert_eq!(s.list_ids("person", &["--query", "1111"]), vec![li]);
    assert_eq!(s.list_ids("person", &["--query", "赵"]), Vec::<String>::new());
    assert_eq!(s.list_ids("demand", &["--query", "屋顶"]), vec![late.clone()]);
    assert_eq!(s.list_ids("demand", &["--query", "养老", "--status", "RECEIVED"]), Vec::<String>::new());
}

#[test]
fn list_and_show_mask_id_numbers_and_phones_unless_reveal() {
    let s = Store::new();
    let p = s.add("person", &json!({"name": "王建国", "id_number": "11010519491231002x", "phone": "13812345678"}));
    let masked = s.list_json("person", &[]);
    assert_eq!((&masked[0]["id_number"], &masked[0]["phone"]), (&json!("110105********002X"), &json!("138****5678")));
    let revealed = s.list_json("person", &["--reveal"]);
    assert_eq!(
        (&revealed[0]["id_number"], &revealed[0]["phone"]),
        (&json!("11010519491231002X"), &json!("13812345678"))
    );

    for args in [vec!["list", "person"], vec!["list", "person", "--json"], vec!["show", &p], vec!["show", &p, "--json"]]
    {
        let out = s.run(&args, None).ok().stdout;
        assert!(!out.contains("13812345678") && !out.contains("1949123"), "{args:?} leaks a number: {out}");
    }
    let shown = s.run(&["show", &p], None).ok().stdout;
    assert!(shown.contains("110105********002X") && shown.contains("138****5678"), "{shown}");
    let shown = s.run(&["show", &p, "--reveal"], None).ok().stdout;
    assert!(shown.contains("11010519491231002X") && shown.contains("13812345678"), "{shown}");
    let shown = s.run(&["show", &p, "--json", "--reveal"], None).ok().json();
    assert_eq!(shown["history"][0]["changed"]["phone"], "13812345678");
}

// ---------------------------------------------------------------------------------------------
// 6. show

#[test]
fn show_prints_the_record_with_its_history_and_refuses_unknown_ids() {
    let s = Store::new();
    let d = s.add("dispute", &dispute_input());
    s.act(&d, "session", &json!({"date": "2026-01-10", "notes": "第一次调解"})).ok();
    s.act(&d, "note", &json!({"text": "双方情绪稳定"})).ok();

    let v = s.show_json(&d);
    assert_eq!((&v["id"], &v["kind"], &v["status"]), (&json!(d), &json!("dispute"), &json!("MEDIATING")));
    let history = v["history"].as_array().unwrap_or_else(|| panic!("history: {v}"));
    let actions: Vec<&str> = history.iter().map(|h| h["action"].as_str().unwrap_or_default()).collect();
    assert_eq!(actions, ["create", "session", "note"]);
    for h in history {
        assert_eq!(h["worker"], "李秀英", "{h}");
        let at = h["at"].as_str().unwrap_or_default();
        assert!(at.len() >= 20 && at.as_bytes()[4] == b'-' && at.contains('T'), "RFC 3339 time: {h}");
    }
    assert_eq!(history[1]["added"][0]["item"]["notes"], "第一次调解", "{}", history[1]);

    let text = s.run(&["show", &d], None).ok().stdout;
    assert!(text.contains(&d) && text.contains("History:"), "{text}");
    let after_history = text.split("History:").nth(1).unwrap_or_default();
    assert_eq!(after_history.lines().filter(|l| l.contains("李秀英")).count(), 3, "{text}");
    assert!(after_history.contains("created"), "{text}");

    for unknown in [format!("{}-999", device_of(&d)), "garbage".to_string()] {
        let out = s.run(&["show", &unknown], None);
        assert_eq!(out.code, 2, "{out:?}");
        assert!(out.stderr.contains(&unknown), "{out:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// 7. doctor and demo

#[test]
fn doctor_says_a_store_with_records_is_healthy() {
    let s = Store::new();
    let hh = household(&s);
    s.add("person", &json!({"name": "王建国", "household": hh}));
    let d = s.add("demand", &demand_input("2026-01-09", "ELDER_CARE", "屋顶漏雨"));
    s.act(&d, "reply", &json!({"reply": "已处理", "replied_on": "2026-01-12", "result": "RESOLVED"})).ok();
    let out = s.run(&["doctor"], None).ok();
    assert!(out.stdout.contains("healthy") && out.stdout.contains("3 records"), "{out:?}");
}

#[test]
fn demo_is_deterministic_passes_doctor_and_refuses_a_real_store() {
    let a = Store::empty();
    let b = Store::empty();
    let c = Store::empty();
    for (s, seed) in [(&a, "7"), (&b, "7"), (&c, "8")] {
        let out = s.run(&["demo", "--records", "300", "--seed", seed], None).ok();
        assert!(out.stdout.contains("300 records"), "{out:?}");
    }
    let out = a.run(&["doctor"], None).ok();
    assert!(out.stdout.contains("healthy") && out.stdout.contains("300 records"), "{out:?}");

    let visits = |s: &Store| s.run(&["list", "visit", "--limit", "0", "--json"], None).ok().stdout;
    let va = visits(&a);
    let listed = ids(&serde_json::from_str(&va).unwrap_or_default());
    assert!(listed.len() > 10, "the demo has visits: {va}");
    assert_eq!(va, visits(&b), "same seed, same records (ids, dates and times included)");
    let vc = ids(&serde_json::from_str(&visits(&c)).unwrap_or_default());
    assert_ne!(device_of(&vc[0]), device_of(&listed[0]), "another seed, another device");
    assert_eq!(
        a.run(&["list", "demand", "--limit", "0", "--json", "--reveal"], None).ok().stdout,
        b.run(&["list", "demand", "--limit", "0", "--json", "--reveal"], None).ok().stdout
    );

    // A store made with `init` is refused and left as it was.
    let real = Store::new();
    let hh = household(&real);
    let before = (real.list_json("household", &[]), real.run(&[], None).ok().stdout);
    let out = real.run(&["demo", "--records", "50", "--seed", "7"], None);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("real data"), "{out:?}");
    assert_eq!((real.list_json("household", &[]), real.run(&[], None).ok().stdout), before);
    assert_eq!(real.list_json("visit", &[]), json!([]));
    assert_eq!(device_of(&household(&real)), device_of(&hh));
}

// ---------------------------------------------------------------------------------------------
// 8. lock

#[test]
fn a_second_process_on_the_same_store_exits_4_within_a_second_naming_the_holder_pid() {
    use std::process::{Command, Stdio};
    let s = Store::empty();
    // No command waits while holding the store (add/act read stdin before opening it), so a long
    // demo run is the holder; it is killed once the second process has been refused.
    let mut holder = Command::new(assert_cmd::cargo::cargo_bin("gridlog"))
        .arg("--data-dir")
        .arg(s.dir())
        .args(["--lang", "en", "demo", "--records", "200000", "--seed", "3"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the holder");
    let pid = holder.id().to_string();
    // Wait until the holder has the lock: it then writes its pid into gridlog.lock.holder.
    let holder_file = s.dir().join("gridlog.lock.holder");
    let waiting = Instant::now();
    while !std::fs::read_to_string(&holder_file).is_ok_and(|t| t.starts_with(&format!("{pid}\n"))) {
        if let Ok(Some(st)) = holder.try_wait() {
            panic!("the holder ended before the test: {st}");
        }
        assert!(waiting.elapsed() < Duration::from_secs(30), "the holder never took the lock");
        std::thread::sleep(Duration::from_millis(10));
    }

    let started = Instant::now();
    let out = s.run(&["list", "household"], None);
    let elapsed = started.elapsed();
    let _ = holder.kill();
    let _ = holder.wait();

    assert_eq!(out.code, 4, "{out:?}");
    assert!(out.stderr.contains(&format!("pid {pid}")), "names the holder's pid {pid}: {out:?}");
    assert!(out.stderr.contains("in use"), "{out:?}");
    assert!(!out.stderr.contains("could not acquire lock"), "not sled's raw message: {out:?}");
    assert!(elapsed < Duration::from_secs(1), "refused within a second, took {elapsed:?}");
}

// ---------------------------------------------------------------------------------------------
// 9. permissions

#[cfg(unix)]
#[test]
fn the_store_is_private_dirs_0700_files_0600() {
    use std::os::unix::fs::PermissionsExt;
    // A store directory that already exists with wider permissions is made private too.
    let s = Store::empty();
    std::fs::create_dir(s.dir()).expect("mkdir");
    std::fs::set_permissions(s.dir(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    s.run(INIT, None).ok();
    let hh = household(&s);
    s.add("person", &json!({"name": "王建国", "household": hh, "id_number": "11010519491231002X"}));

    fn walk(dir: &std::path::Path, seen: &mut Vec<(std::path::PathBuf, u32, bool)>) {
        let meta = std::fs::symlink_metadata(dir).expect("metadata");
        seen.push((dir.to_path_buf(), meta.permissions().mode() & 0o777, meta.is_dir()));
        if meta.is_dir() {
            for e in std::fs::read_dir(dir).expect("read_dir") {
                walk(&e.expect("entry").path(), seen);
            }
        }
    }
    let mut seen = Vec::new();
    walk(s.dir(), &mut seen);
    assert!(seen.iter().filter(|(_, _, d)| !d).count() >= 3, "the store has files: {seen:?}");
    let wrong: Vec<_> = seen
        .iter()
        .filter(|(_, mode, is_dir)| *mode != if *is_dir { 0o700 } else { 0o600 })
        .map(|(p, mode, _)| format!("{} {mode:o}", p.display()))
        .collect();
    assert!(wrong.is_empty(), "not private: {wrong:?}");
}

// ---------------------------------------------------------------------------------------------
// 10. language

#[test]
fn messages_follow_the_lang_flag_and_the_locale() {
    let s = Store::new();
    let bad = r#"{"name":"王","id_number":"110105194912310021"}"#;
    let zh = s.run_lang("zh", &["add", "person"], Some(bad));
    assert_eq!(zh.code, 2);
    assert!(zh.stderr.contains("校验位") && zh.stderr.contains("错误"), "{zh:?}");
    let en = s.run_lang("en", &["add", "person"], Some(bad));
    assert_eq!(en.code, 2);
    assert!(en.stderr.contains("wrong check character") && !en.stderr.contains("校验位"), "{en:?}");

    for (locale, expected) in [("en_US.UTF-8", &en), ("zh_CN.UTF-8", &zh)] {
        let mut c = s.bare_cmd();
        c.env("LANG", locale).args(["add", "person"]).write_stdin(bad);
        let out = common::output(&mut c);
        assert_eq!(&out, expected, "LANG={locale}");
    }
    // Text output is translated too.
    let hh = household(&s);
    let zh = s.run_lang("zh", &["show", &hh], None).ok().stdout;
    assert!(zh.contains("历史") && !zh.contains("History"), "{zh}");
    let en = s.run_lang("en", &["show", &hh], None).ok().stdout;
    assert!(en.contains("History") && !en.contains("历史"), "{en}");
}

// ---------------------------------------------------------------------------------------------
// Known bugs (run with `cargo test --test cli -- --ignored`)

#[test]
fn a_person_name_longer_than_40_characters_is_refused() {
    let s = Store::new();
    s.add("person", &json!({"name": "王".repeat(40)}));
    assert_add_refused(&s, "person", &json!({"name": "王".repeat(41)}).to_string(), &["name"]);
}

#[test]
fn a_major_hazard_cannot_skip_the_pass_review_by_being_downgraded() {
    let s = Store::new();
    let h = s.add("hazard", &hazard_input("2026-01-09", "MAJOR"));
    let edit = s.act(&h, "edit", &json!({"grade": "GENERAL"}));
    let close = s.act(&h, "close", &json!({}));
    assert!(
        edit.code == 2 || close.code == 2,
        "a MAJOR hazard was closed without a review: edit {edit:?}, close {close:?}"
    );
    assert_ne!(s.show_json(&h)["status"], "CLOSED");
}

#[test]
fn free_text_with_a_mobile_number_in_any_common_form_is_refused() {
    let s = Store::new();
    let hh = household(&s);
    for notes in ["户主电话 138 1234 5678", "户主电话138-1234-5678", "户主电话１３８１２３４５６７８"]
    {
        let input = json!({"date": "2026-01-09", "household": hh, "type": "ROUTINE", "notes": notes});
        assert_add_refused(&s, "visit", &input.to_string(), &["notes"]);
    }
}

#[test]
fn init_refuses_a_division_code_that_does_not_match_the_role() {
    for (role, division) in [("village", "330782105000"), ("township", "330782105203"), ("county", "330782105000")] {
        let s = Store::empty();
        let mut args = INIT.to_vec();
        args[2] = role;
        args[4] = division;
        let out = s.run(&args, None);
        assert_eq!(out.code, 2, "{role} with {division}: {out:?}");
        assert!(out.stderr.contains("division"), "{out:?}");
    }
}
