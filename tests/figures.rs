//! True figures: the dashboard's month chart, the piped overview's overdue counts and the lists
//! agree, on the demo store and after edits (the month counts are a view kept on write).

use std::path::Path;

use gridlog::app::{App, InitSpec, ListQuery};
use gridlog::domain::{Day, Kind};
use gridlog::i18n::Lang;
use gridlog::store::Options;
use serde_json::json;

const TODAY: &str = "2026-11-27";

/// 2026-11-27 10:00 in UTC+8.
fn now() -> u64 {
    Day::parse(TODAY).map(|d| d.0 as u64 * 86_400_000 + 2 * 3_600_000).unwrap_or(0)
}

fn open(dir: &Path) -> App {
    let mut app = App::open(dir, &Options::default(), Lang::Zh).expect("open store");
    app.set_clock(now);
    app
}

fn count(app: &App, q: ListQuery) -> usize {
    app.list(&ListQuery { limit: 0, ..q }).expect("list").len()
}

fn this_month(today: Day) -> (Day, Day) {
    let first = today.first_of_month();
    let next = first.plus(31).first_of_month();
    (first, next.plus(-1))
}

#[test]
fn dashboard_overview_and_lists_agree_on_the_demo_store() {
    let dir = tempfile::tempdir().expect("temp dir");
    App::demo_at(dir.path(), &Options::default(), Lang::Zh, 3000, 1, now, &|_| {}).expect("demo store");
    let app = open(dir.path());
    let d = app.dashboard().expect("dashboard");
    let month = this_month(app.today());
    assert_eq!(
        d.month.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
        [Kind::Visit, Kind::Demand, Kind::Dispute, Kind::Hazard]
    );
    for (kind, n) in &d.month {
        let listed = count(&app, ListQuery { kind: Some(*kind), dates: Some(month), ..Default::default() });
        assert_eq!(*n, listed, "{kind:?}: the chart says {n}, the list of this month has {listed}");
        assert!(*n > 0, "the demo has {kind:?} records this month");
    }
    let mut overdue = std::collections::BTreeMap::new();
    for (kind, n) in &d.overdue {
        let listed = count(&app, ListQuery { kind: Some(*kind), overdue: true, ..Default::default() });
        assert_eq!(*n, listed, "{kind:?}: the overview says {n} overdue, the list has {listed}");
        let on_home = d.items.iter().filter(|i| i.kind == *kind && i.reason == gridlog::app::DueReason::Overdue);
        assert_eq!(on_home.count(), *n, "{kind:?}: every overdue record is on 首页");
        overdue.insert(kind.name().to_string(), *n);
    }
    assert!(overdue["demand"] > 5, "more overdue demands than the overview lists: {overdue:?}");
    assert!(app.doctor(&|_| true).expect("doctor").healthy(), "the month counts match the events");
    drop(app);

    // the piped overview (`gridlog` with stdout not a terminal) prints the true totals
    let mut c = assert_cmd::Command::cargo_bin("gridlog").expect("binary");
    c.arg("--data-dir").arg(dir.path()).args(["--lang", "zh"]).env("GRIDLOG_NOW", TODAY);
    let out = c.output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    for (label, kind) in [("诉求", "demand"), ("纠纷", "dispute"), ("隐患", "hazard")] {
        let n = overdue[kind];
        let want = format!("{label}：逾期 {n} 条（列出 {} 条）", n.min(5));
        assert!(text.contains(&want), "wanted {want:?} in\n{text}");
        let mut l = assert_cmd::Command::cargo_bin("gridlog").expect("binary");
        l.arg("--data-dir").arg(dir.path()).args(["list", kind, "--overdue", "--limit", "0", "--json"]);
        let listed: serde_json::Value =
            serde_json::from_slice(&l.env("GRIDLOG_NOW", TODAY).output().expect("run").stdout).expect("json");
        assert_eq!(listed.as_array().map(Vec::len), Some(n), "`list {kind} --overdue` agrees");
    }
}

#[test]
fn month_counts_follow_every_write_and_survive_a_rebuild() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = open(dir.path());
    app.init(&InitSpec {
        role: "village".into(),
        division: "330782105203".into(),
        place: "青石村".into(),
        worker: "李秀英".into(),
        grid: "第一网格".into(),
    })
    .expect("init");
    let month =
        |app: &App, kind: Kind| app.dashboard().expect("dashboard").month.iter().find(|(k, _)| *k == kind).unwrap().1;
    let h = app.add(Kind::Household, &json!({"address": "三组12号"})).expect("household").entity.id.to_string();
    let visit = json!({"date": "2026-11-20", "household": h, "type": "ROUTINE"});
    let v = app.add(Kind::Visit, &visit).expect("visit").entity.id;
    app.add(Kind::Visit, &json!({"date": "2026-10-30", "household": h, "type": "ROUTINE"})).expect("visit");
    assert_eq!(month(&app, Kind::Visit), 1, "October's visit is not this month's");
    // an edit that moves the record's own date moves its count
    app.act(v, "edit", &json!({"date": "2026-10-31"})).expect("edit");
    assert_eq!(month(&app, Kind::Visit), 0);
    app.act(v, "edit", &json!({"date": "2026-11-02"})).expect("edit");
    app.act(v, "note", &json!({"text": "再访"})).expect("note");
    assert_eq!(month(&app, Kind::Visit), 1, "a note changes no count");
    let dates = this_month(app.today());
    assert_eq!(count(&app, ListQuery { kind: Some(Kind::Visit), dates: Some(dates), ..Default::default() }), 1);
    assert!(app.doctor(&|_| true).expect("doctor").healthy());
    drop(app);
    let app = open(dir.path());
    assert_eq!(month(&app, Kind::Visit), 1, "kept across a reopening");
}
