//! Everything due is listed: the due rules of docs/SCHEMA.md at their edges, through the CLI
//! (`show --json`'s `next_due_on`, `list --overdue`, the piped overview), on a fixed "today".

#[allow(dead_code)]
mod common;

use common::{Out, Store, ids, output};
use serde_json::{Value, json};

/// Runs `gridlog --lang LANG ARGS` with "today" fixed by `GRIDLOG_NOW`.
fn run_on(s: &Store, today: &str, lang: &str, args: &[&str], stdin: Option<&Value>) -> Out {
    let mut c = s.bare_cmd();
    c.env("GRIDLOG_NOW", today).args(["--lang", lang]).args(args);
    if let Some(v) = stdin {
        c.write_stdin(v.to_string());
    }
    output(&mut c)
}

fn add_on(s: &Store, today: &str, kind: &str, input: Value) -> String {
    run_on(s, today, "en", &["add", kind], Some(&input)).ok().stdout.trim().to_string()
}

fn act_on(s: &Store, today: &str, id: &str, action: &str, input: Value) -> Out {
    run_on(s, today, "en", &["act", id, action], Some(&input))
}

fn next_due(s: &Store, today: &str, id: &str) -> Option<String> {
    let v = run_on(s, today, "en", &["show", id, "--json"], None).ok().json();
    v["next_due_on"].as_str().map(String::from)
}

fn overdue(s: &Store, today: &str, kind: &str) -> Vec<String> {
    ids(&run_on(s, today, "en", &["list", kind, "--overdue", "--limit", "0", "--json"], None).ok().json())
}

fn hazard(found: &str, grade: &str) -> Value {
    json!({"found_on": found, "location": "村小学厨房", "owner": "PUBLIC", "category": "GAS",
           "description": "燃气管老化", "grade": grade})
}

#[test]
fn a_general_hazard_found_on_a_friday_is_due_for_a_plan_on_wednesday() {
    let s = Store::new();
    let fri = "2026-11-27";
    let h = add_on(&s, fri, "hazard", hazard(fri, "GENERAL"));
    assert_eq!(next_due(&s, fri, &h).as_deref(), Some("2026-12-02"), "3 working days: Mon, Tue, Wed");
    assert!(overdue(&s, "2026-12-02", "hazard").is_empty(), "due on Wednesday, not yet overdue");
    assert_eq!(overdue(&s, "2026-12-03", "hazard"), std::slice::from_ref(&h));
    // a plan replaces the rule by its deadline
    act_on(&s, "2026-12-03", &h, "rectify", json!({"measures": "更换燃气管", "deadline": "2026-12-20"})).ok();
    assert!(overdue(&s, "2026-12-03", "hazard").is_empty());
    assert_eq!(next_due(&s, "2026-12-03", &h).as_deref(), Some("2026-12-20"));
}

#[test]
fn a_major_hazard_found_today_is_due_today_and_overdue_tomorrow() {
    let s = Store::new();
    let h = add_on(&s, "2026-11-27", "hazard", hazard("2026-11-27", "MAJOR"));
    assert_eq!(next_due(&s, "2026-11-27", &h).as_deref(), Some("2026-11-27"));
    assert!(overdue(&s, "2026-11-27", "hazard").is_empty());
    assert_eq!(overdue(&s, "2026-11-28", "hazard"), [h]);
}

#[test]
fn an_escalated_major_hazard_from_months_ago_without_a_plan_is_overdue_everywhere() {
    let s = Store::new();
    let today = "2026-11-27";
    let h = add_on(&s, today, "hazard", hazard("2026-03-14", "MAJOR"));
    act_on(&s, today, &h, "escalate", json!({"reason": "重大隐患报镇"})).ok();
    assert_eq!(overdue(&s, today, "hazard"), std::slice::from_ref(&h));
    let shown = run_on(&s, today, "en", &["show", &h, "--json"], None).ok().json();
    assert_eq!((shown["status"].as_str(), shown["overdue"].as_bool()), (Some("FOUND"), Some(true)));
    // the piped overview (stdout is not a terminal) counts it and lists it
    let overview = run_on(&s, today, "zh", &[], None).ok().stdout;
    assert!(overview.contains("隐患：逾期 1 条（列出 1 条）") && overview.contains(&h), "{overview}");
    assert!(run_on(&s, today, "en", &["doctor"], None).code == 0, "the open-work index follows the rule");
}

fn dispute(s: &Store, today: &str) -> String {
    add_on(
        s,
        today,
        "dispute",
        json!({"received_on": "2026-11-02", "source": "APPLIED", "category": "NEIGHBOR",
               "parties": [{"name": "张三", "role": "APPLICANT"}, {"name": "李四", "role": "RESPONDENT"}],
               "facts": "排水沟堵塞", "claims": "疏通", "risk": "YELLOW"}),
    )
}

fn agree(s: &Store, today: &str, id: &str, deadline: &str) {
    let a = json!({"form": "WRITTEN", "terms": "共同出资疏通", "performance_method": "现金",
                   "performance_deadline": deadline, "effective_on": "2026-11-06"});
    act_on(s, today, id, "agree", a).ok();
}

#[test]
fn an_agreement_due_today_is_due_not_overdue_and_overdue_the_day_after() {
    let s = Store::new();
    let today = "2026-11-27";
    let d = dispute(&s, today);
    agree(&s, today, &d, today);
    assert_eq!(next_due(&s, today, &d).as_deref(), Some(today), "due for its follow-up on the deadline");
    assert!(overdue(&s, today, "dispute").is_empty());
    assert_eq!(overdue(&s, "2026-11-28", "dispute"), std::slice::from_ref(&d));
    // a follow-up that finds it still pending keeps it due; one that records it performed ends it
    let f = |perf| json!({"date": "2026-11-28", "performance": perf, "satisfaction": "BASIC"});
    act_on(&s, "2026-11-28", &d, "followup", f("PENDING")).ok();
    assert_eq!(overdue(&s, "2026-11-28", "dispute"), std::slice::from_ref(&d));
    act_on(&s, "2026-11-28", &d, "followup", f("DONE")).ok();
    assert!(overdue(&s, "2026-11-28", "dispute").is_empty());
    assert_eq!(next_due(&s, "2026-11-28", &d), None);
}

#[test]
fn a_dispute_does_not_close_while_its_agreement_is_pending() {
    let s = Store::new();
    let today = "2026-11-27";
    let d = dispute(&s, today);
    agree(&s, today, &d, "2026-12-31");
    let pending = json!({"date": "2026-11-20", "performance": "PENDING", "satisfaction": "SATISFIED"});
    act_on(&s, today, &d, "followup", pending).ok();
    for (lang, words) in [("zh", ["履行情况", "待履行"]), ("en", ["performance", "pending"])] {
        let out = run_on(&s, today, lang, &["act", &d, "close"], Some(&json!({})));
        assert_eq!(out.code, 2, "{out:?}");
        assert!(words.iter().all(|w| out.stderr.contains(w)), "{lang}: {}", out.stderr);
    }
    let shown = run_on(&s, today, "en", &["show", &d, "--json"], None).ok().json();
    assert_eq!(shown["status"], "FOLLOWED_UP", "nothing was written");
    let done = json!({"date": "2026-11-27", "performance": "DONE", "satisfaction": "SATISFIED"});
    act_on(&s, today, &d, "followup", done).ok();
    act_on(&s, today, &d, "close", json!({})).ok();
    // mediation that ended without an agreement still closes
    let t = dispute(&s, today);
    act_on(&s, today, &t, "terminate", json!({"reason": "申请人撤回", "withdrawn": true})).ok();
    act_on(&s, today, &t, "close", json!({})).ok();
}
