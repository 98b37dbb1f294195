//! The township at work, through the real binary and real bundle files (docs/ARCHITECTURE.md,
//! "Township"): two villages send their records up; the township sees one row per village and
//! an inbox of escalations, oldest first; its instruction, its 督办 and its decision on an
//! extension travel back with `export --for VILLAGE` and show in the village's timeline, a
//! 督办 first on the village's 首页 until answered, an approved extension moving the due date.

#[allow(dead_code)]
mod common;

use std::path::{Path, PathBuf};

use common::{OTHER_VILLAGE as OTHER, Out, Store, demand_input, hazard_input, other_village, township};
use serde_json::{Value, json};

const VILLAGE: &str = "330782105203";

struct Files(tempfile::TempDir, std::cell::Cell<u32>);

impl Files {
    fn new() -> Files {
        Files(tempfile::tempdir().unwrap(), std::cell::Cell::new(0))
    }
    /// A new file name each time.
    fn next(&self) -> PathBuf {
        self.1.set(self.1.get() + 1);
        self.0.path().join(format!("b{}.gridlog", self.1.get()))
    }
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn fingerprint(s: &Store) -> String {
    s.run(&["keys", "show", "--json"], None).ok().json()["fingerprint"].as_str().unwrap().to_string()
}

/// Sends what `from` has that `to` lacks (for one village when `for_place` is given), trusting
/// the signer the first time.
#[track_caller]
fn send(files: &Files, from: &Store, to: &Store, for_place: Option<&str>) {
    let f = files.next();
    let mut args = vec!["export", "--out", p(&f), "--json"];
    if let Some(place) = for_place {
        args.extend(["--for", place]);
    }
    from.run(&args, None).ok();
    to.run(&["keys", "trust", &fingerprint(from)], None).ok();
    to.run(&["import", p(&f), "--json"], None).ok();
}

fn run_on(s: &Store, now: &str, args: &[&str]) -> Out {
    let mut c = s.bare_cmd();
    c.env("GRIDLOG_NOW", now).args(["--lang", "en"]).args(args);
    common::output(&mut c)
}

fn today() -> String {
    let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64;
    gridlog::domain::Day::from_unix_ms(ms).to_string()
}

fn row<'a>(rows: &'a Value, division: &str) -> &'a Value {
    rows.as_array().unwrap().iter().find(|r| r["division"] == division).unwrap_or_else(|| panic!("{rows}"))
}

/// The 首页 of a store, read as the TUI reads it: (record id, reason) in order.
fn home(s: &Store) -> Vec<(String, gridlog::app::DueReason)> {
    let app = gridlog::app::App::open_existing(s.dir(), &Default::default(), gridlog::i18n::Lang::En).unwrap();
    app.dashboard().unwrap().items.iter().map(|i| (i.id.to_string(), i.reason)).collect()
}

fn dispute_input(received_on: &str, risk: &str) -> Value {
    json!({
        "received_on": received_on, "source": "APPLIED", "category": "NEIGHBOR",
        "parties": [{"name": "张三", "role": "APPLICANT"}, {"name": "李四", "role": "RESPONDENT"}],
        "facts": "两家因宅基地边界争执，已有推搡", "claims": "确认边界", "risk": risk
    })
}

#[test]
fn the_township_sees_a_row_per_village_and_its_inbox_oldest_first_and_its_answer_reaches_the_village() {
    let files = Files::new();
    let (a, b, t) = (Store::new(), other_village(), township());
    let late = a.add("demand", &demand_input("2026-11-02", "INFRA", "村口路灯不亮"));
    a.act(&late, "escalate", &json!({"reason": "需镇里协调供电所"})).ok();
    let major = a.add("hazard", &hazard_input("2026-11-20", "MAJOR"));
    let red = b.add("dispute", &dispute_input("2026-11-10", "RED"));
    b.add("dispute", &dispute_input("2026-11-12", "YELLOW"));
    send(&files, &a, &t, None);
    send(&files, &b, &t, None);

    let rows = t.run(&["villages", "--json"], None).ok().json();
    assert_eq!(rows.as_array().unwrap().len(), 2, "{rows}");
    let (ra, rb) = (row(&rows, VILLAGE), row(&rows, OTHER));
    assert_eq!((ra["place"].as_str(), rb["place"].as_str()), (Some("青石村"), Some("白沙村")));
    assert_eq!((ra["records"].as_u64(), rb["records"].as_u64()), (Some(2), Some(2)));
    // the demand was due 2026-11-05, the MAJOR hazard the day it was found; the disputes have a month
    assert_eq!((ra["overdue"].as_u64(), rb["overdue"].as_u64()), (Some(2), Some(0)));
    assert_eq!((ra["escalations_waiting"].as_u64(), rb["escalations_waiting"].as_u64()), (Some(2), Some(1)));
    assert_eq!(ra["last_bundle_on"].as_str(), Some(today().as_str()));
    assert_eq!((ra["silent"].as_bool(), rb["silent"].as_bool()), (Some(false), Some(false)));
    let people = t.run(&["villages"], None).ok().stdout;
    assert!(people.contains("青石村") && people.contains("白沙村"), "{people}");

    let inbox = t.run(&["inbox", "--json"], None).ok().json();
    let order: Vec<(&str, &str)> =
        inbox.as_array().unwrap().iter().map(|i| (i["id"].as_str().unwrap(), i["reason"].as_str().unwrap())).collect();
    assert_eq!(
        order,
        [(red.as_str(), "RED_DISPUTE"), (major.as_str(), "MAJOR_HAZARD"), (late.as_str(), "ESCALATED")],
        "oldest first; the YELLOW dispute is not there"
    );
    assert_eq!(inbox[0]["place"], "白沙村");
    assert_eq!(inbox[0]["since"], "2026-11-10");
    let waited = |i: usize| inbox[i]["waited_days"].as_i64().unwrap();
    assert!(waited(0) > waited(1) && waited(1) > waited(2) && waited(2) == 0, "{inbox}");

    // a village is no township
    let refused = a.run(&["inbox"], None);
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(refused.stderr.contains("township"), "{refused:?}");

    // the township answers the escalation: it leaves the inbox and reaches the village's timeline
    let instruction = json!({"text": "已协调供电所本周内检修", "date": today()});
    t.act(&late, "instruct", &instruction).ok();
    let left: Vec<String> = common::ids(&t.run(&["inbox", "--json"], None).ok().json());
    assert_eq!(left, [red.clone(), major.clone()]);
    assert!(a.act(&late, "instruct", &instruction).code == 2, "the village cannot instruct itself");
    send(&files, &t, &a, Some(VILLAGE));
    let history = a.show_json(&late)["history"].to_string();
    assert!(history.contains("王主任") && history.contains("已协调供电所本周内检修"), "{history}");
    // and on the village's 首页, until the village acts on the record (a note will do)
    let instructed = (late.clone(), gridlog::app::DueReason::Instructed);
    assert!(home(&a).contains(&instructed), "{:?}", home(&a));
    let piped = a.run(&[], None).ok().stdout;
    assert!(piped.contains("Instructed by the level above, to act on: 1"), "{piped}");
    a.act(&late, "note", &json!({"text": "已联系供电所，周四检修"})).ok();
    assert!(!home(&a).contains(&instructed), "{:?}", home(&a));
    // the township's own instruction is no news on its 首页
    assert!(!t.run(&[], None).ok().stdout.contains("Instructed by"), "the township wrote it");

    // nothing for more than a month: both villages are named silent
    let later = run_on(&t, "2027-01-15", &["villages", "--json"]).ok().json();
    assert!(later.as_array().unwrap().iter().all(|r| r["silent"] == true), "{later}");
}

#[test]
fn a_supervision_reaches_the_village_and_stands_first_on_its_home_until_answered() {
    let files = Files::new();
    let (a, t) = (Store::new(), township());
    let overdue = a.add("demand", &demand_input("2026-11-02", "INFRA", "水渠堵了"));
    let mut quiet = demand_input("2026-11-25", "SANITATION", "垃圾点清运不及时");
    quiet["due_on"] = json!("2026-12-31");
    let quiet = a.add("demand", &quiet);
    send(&files, &a, &t, None);

    let flag = json!({"note": "群众多次反映，请本周内答复", "due_on": "2026-12-31"});
    let refused = a.act(&quiet, "supervise", &flag);
    assert_eq!(refused.code, 2, "only the level above supervises: {refused:?}");
    t.act(&quiet, "supervise", &flag).ok();
    send(&files, &t, &a, Some(VILLAGE));

    let first = home(&a).first().cloned();
    assert_eq!(first, Some((quiet.clone(), gridlog::app::DueReason::Supervised)), "before the overdue demand");
    let shown = a.show_json(&quiet);
    assert!(shown["history"].to_string().contains("群众多次反映"), "{shown}");
    assert!(t.act(&quiet, "answer_supervision", &json!({"text": "x", "date": today()})).code == 2);
    // piped, `gridlog` names it before the overdue work too
    let piped = a.run(&[], None).ok().stdout;
    let (flagged, late) = (piped.find("supervision").unwrap_or(usize::MAX), piped.find(&overdue).unwrap_or(0));
    assert!(flagged < late && piped.contains(&quiet), "{piped}");

    a.act(&quiet, "answer_supervision", &json!({"text": "已增加清运频次", "date": today()})).ok();
    let now = home(&a);
    assert_eq!(now.first().map(|(id, _)| id.as_str()), Some(overdue.as_str()), "answered: the overdue one leads");
    assert!(now.iter().all(|(id, _)| *id != quiet), "{now:?}");
    let again = a.act(&quiet, "answer_supervision", &json!({"text": "再答一次", "date": today()}));
    assert_eq!(again.code, 2, "nothing left to answer: {again:?}");
    send(&files, &a, &t, None);
    assert!(t.show_json(&quiet)["history"].to_string().contains("已增加清运频次"));
}

#[test]
fn only_an_approved_extension_moves_the_due_date_and_the_original_stays() {
    let files = Files::new();
    let (a, t) = (Store::new(), township());
    let d = a.add("demand", &demand_input("2026-11-02", "INFRA", "便桥栏杆松动"));
    let e = a.add("demand", &demand_input("2026-11-03", "INFRA", "路面坑洼"));
    let overdue = |s: &Store| common::ids(&s.list_json("demand", &["--overdue"]));
    assert_eq!(overdue(&a).len(), 2);
    let ask = json!({"due_on": "2026-12-31", "reason": "需等镇里统一采购材料"});
    a.act(&d, "request_extension", &ask).ok();
    a.act(&e, "request_extension", &ask).ok();
    assert_eq!(overdue(&a).len(), 2, "a request alone moves nothing");
    send(&files, &a, &t, None);
    let refused = t.act(&d, "request_extension", &ask);
    assert_eq!(refused.code, 2, "not the township's to ask: {refused:?}");
    assert!(refused.stderr.contains("village store"), "{refused:?}");

    let inbox = t.run(&["inbox", "--json"], None).ok().json();
    let asks: Vec<&Value> = inbox.as_array().unwrap().iter().filter(|i| i["reason"] == "EXTENSION_REQUEST").collect();
    assert_eq!(asks.len(), 2, "{inbox}");
    assert_eq!(asks[0]["requested_due_on"], "2026-12-31");
    assert_eq!(row(&t.run(&["villages", "--json"], None).ok().json(), VILLAGE)["extension_requests"], 2);
    assert_eq!(a.act(&d, "approve_extension", &json!({})).code, 2, "a village does not approve its own");
    t.act(&d, "approve_extension", &json!({"note": "同意"})).ok();
    t.act(&e, "refuse_extension", &json!({"reason": "路面坑洼应立即处理"})).ok();
    assert!(t.run(&["inbox", "--json"], None).ok().json().as_array().unwrap().is_empty());
    send(&files, &t, &a, Some(VILLAGE));

    assert_eq!(overdue(&a), vec![e.clone()], "approved: no longer overdue; refused: still overdue");
    let shown = a.show_json(&d);
    assert_eq!(shown["due_on"], "2026-11-05", "the original date stays: {shown}");
    assert_eq!(shown["extension"]["original_due_on"], "2026-11-05");
    assert_eq!(shown["extension"]["due_on"], "2026-12-31");
    assert!(a.show_json(&e)["history"].to_string().contains("路面坑洼应立即处理"));
    // both decisions stand on the village's 首页 until it acts on each record
    let decided = gridlog::app::DueReason::ExtensionDecided;
    let on_home = |s: &Store| {
        let mut ids: Vec<String> = home(s).into_iter().filter(|(_, r)| *r == decided).map(|(id, _)| id).collect();
        ids.sort();
        ids
    };
    let mut both = vec![d.clone(), e.clone()];
    both.sort();
    assert_eq!(on_home(&a), both);
    a.act(&e, "note", &json!({"text": "按期整改"})).ok();
    assert_eq!(on_home(&a), vec![d.clone()]);
    let later = a.act(&d, "request_extension", &json!({"due_on": "2026-12-20", "reason": "再延"}));
    assert_eq!(later.code, 2, "an extension goes past the due date now: {later:?}");
}

/// Records of every ledger in `s` (township side: all villages'), as JSON.
fn all_records(s: &Store, now: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for kind in ["demand", "dispute", "hazard"] {
        let list = run_on(s, now, &["list", kind, "--limit", "0", "--json"]).ok().json();
        out.extend(list.as_array().unwrap().iter().cloned());
    }
    out
}

#[test]
fn a_demo_township_holds_its_villages_records_as_bundles_brought_them_with_an_inbox_partly_answered() {
    let now = "2026-11-27";
    let t = Store::empty();
    let made = run_on(&t, now, &["demo", "--township", "--villages", "3", "--records", "400"]).ok();
    assert!(made.stdout.contains("1200 records"), "{}", made.stdout);
    assert!(!t.dir().join("demo-villages").exists(), "the villages' scratch stores are removed");

    // a row per village, named, each with its own records, none silent (its bundle came today)
    let rows = run_on(&t, now, &["villages", "--json"]).ok().json();
    let names: Vec<&str> = rows.as_array().unwrap().iter().map(|r| r["place"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 3, "{rows}");
    for name in ["青石村", "溪口村", "竹林村"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    for r in rows.as_array().unwrap() {
        assert_eq!(r["records"], 400, "{r}");
        assert_eq!(r["silent"], false, "{r}");
        assert_eq!(r["last_bundle_on"], now, "{r}");
    }
    // 溪口村 (the second village) asked to extend a due date: it waits in the inbox
    let inbox = run_on(&t, now, &["inbox", "--json"]).ok().json();
    let items = inbox.as_array().unwrap();
    assert!(items.iter().any(|i| i["reason"] == "EXTENSION_REQUEST" && i["place"] == "溪口村"), "{inbox}");
    assert!(items.iter().any(|i| i["reason"] != "EXTENSION_REQUEST"), "escalations still wait: {inbox}");

    // the township answered the oldest third of the escalations (at most three, not all) and put two
    // overdue demands under 督办: the answered ones left the inbox, the others wait
    let records = all_records(&t, now);
    let instructed: Vec<&Value> =
        records.iter().filter(|r| r["instructions"].as_array().is_some_and(|a| !a.is_empty())).collect();
    let waiting = items.iter().filter(|i| i["reason"] != "EXTENSION_REQUEST").count();
    assert!((1..=3).contains(&instructed.len()), "{} instructed", instructed.len());
    assert!(waiting >= instructed.len(), "{waiting} waiting, {} instructed", instructed.len());
    for r in &instructed {
        assert!(!items.iter().any(|i| i["id"] == r["id"] && i["reason"] != "EXTENSION_REQUEST"), "{}", r["id"]);
        assert_eq!(r["instructions"][0]["date"], now);
        // `show` labels the instruction's fields as the instruction's, not as a session's
        let mut c = t.bare_cmd();
        c.env("GRIDLOG_NOW", now).args(["--lang", "zh", "show", r["id"].as_str().unwrap()]);
        let shown = common::output(&mut c).ok().stdout;
        assert!(shown.contains(&format!("批示日期={now}")), "{shown}");
    }
    let supervised = records.iter().filter(|r| r["supervision"].is_object()).count();
    assert_eq!(supervised, 2);
    // piped, gridlog prints what the township's 首页 shows: its villages, the oldest of its
    // inbox, and the 督办 it is waiting on (not the village's "to answer")
    let piped = run_on(&t, now, &[]).ok().stdout;
    assert!(piped.contains("溪口村") && piped.contains("Inbox:"), "{piped}");
    assert!(piped.contains("Under 督办, waiting for the village's answer: 2"), "{piped}");
    assert!(!piped.contains("by the level above"), "{piped}");
    // each village's records name its own grid worker, not the demo village's
    assert!(records.iter().any(|r| r["created_by"] == "王建华"), "溪口村's worker");
    run_on(&t, now, &["doctor"]).ok();

    // made again (a demo nobody touched is replaced): the same township
    let report = |s: &Store| run_on(s, now, &["report", "--period", "2026", "--format", "json"]).ok().stdout;
    let before = report(&t);
    run_on(&t, now, &["demo", "--township", "--villages", "3", "--records", "400"]).ok();
    assert_eq!(report(&t), before);
    assert_eq!(run_on(&t, now, &["villages", "--json"]).ok().json(), rows);
}

#[test]
fn a_demo_township_is_refused_over_real_records_and_outside_its_villages() {
    let s = Store::new();
    let before = s.run(&["list", "demand", "--json"], None).ok().stdout;
    let out = s.run(&["demo", "--township", "--villages", "2", "--records", "50"], None);
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("demo"), "{}", out.stderr);
    assert_eq!(s.run(&["list", "demand", "--json"], None).ok().stdout, before);
    assert!(s.run(&["villages"], None).code != 0, "still a village");

    let e = Store::empty();
    let out = e.run_lang("zh", &["demo", "--township", "--villages", "9"], None);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("村数 9") && out.stderr.contains("1 到 8"), "{}", out.stderr);
    // --villages needs --township
    assert_eq!(e.run(&["demo", "--villages", "2"], None).code, 2);
}

#[test]
fn a_salvaged_township_keeps_its_villages_their_keys_and_what_it_holds() {
    let files = Files::new();
    let (a, b, t) = (Store::new(), other_village(), township());
    let late = a.add("demand", &demand_input("2026-11-02", "INFRA", "村口路灯不亮"));
    a.act(&late, "escalate", &json!({"reason": "需镇里协调供电所"})).ok();
    b.add("dispute", &dispute_input("2026-11-10", "RED"));
    send(&files, &a, &t, None);
    send(&files, &b, &t, None);
    let s = Store::empty();
    t.run(&["doctor", "--salvage", "--out", p(s.dir())], None).ok();
    // its rows per village and its inbox need each device's place; a village's next bundle, its key
    for args in [&["villages", "--json"][..], &["inbox", "--json"], &["keys", "list", "--json"]] {
        assert_eq!(s.run(args, None).ok().json(), t.run(args, None).ok().json(), "{args:?}");
    }
    assert_eq!(s.run(&["villages", "--json"], None).ok().json().as_array().map(Vec::len), Some(2));
    // the village's next bundle, with everything it has: its signer is still trusted, and what
    // the township held before the salvage is not new to it
    a.add("demand", &demand_input("2026-11-25", "INFRA", "路面坑洼"));
    let f = files.next();
    a.run(&["export", "--all", "--out", p(&f)], None).ok();
    let plan = &s.run(&["import", p(&f), "--json"], None).ok().json()[0];
    let new: u64 = plan["new_events"].as_object().unwrap().values().map(|n| n.as_u64().unwrap()).sum();
    assert_eq!((new, plan["duplicates"].as_u64()), (1, Some(2)), "{plan}");
}
