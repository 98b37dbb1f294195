//! The assessment report (考核): figures on a hand-built village whose expected numbers are
//! worked out by hand below, with the edges docs/REPORTS.md defines (a demand answered on its
//! due day and one the day after, a follow-up UNREACHABLE twice, a hazard closed after a failed
//! review, a demand received on the last day of the period), and the report's formats.

use std::path::Path;

use gridlog::app::report::{GroupBy, Report, ReportSpec};
use gridlog::app::{App, InitSpec};
use gridlog::domain::figures::{Figure, Period, RATES};
use gridlog::domain::{Day, EntityId, Kind};
use gridlog::i18n::Lang;
use gridlog::store::Options;
use serde_json::{Value, json};

/// The report is made on Friday 2026-12-04, 10:00 in UTC+8; the period is November 2026.
fn now() -> u64 {
    Day::parse("2026-12-04").map(|d| d.0 as u64 * 86_400_000 + 2 * 3_600_000).unwrap_or(0)
}

fn village(dir: &Path) -> App {
    let mut app = App::open(dir, &Options::default(), Lang::Zh).expect("open store");
    app.set_clock(now);
    app.init(&InitSpec {
        role: "village".into(),
        division: "330782105203".into(),
        place: "青石村".into(),
        worker: "李网格".into(),
        grid: "一组".into(),
    })
    .expect("init");
    app
}

fn add(app: &mut App, kind: Kind, v: Value) -> EntityId {
    app.add(kind, &v).unwrap_or_else(|e| panic!("add {kind:?} {v}: {e:?}")).entity.id
}

fn act(app: &mut App, id: EntityId, action: &str, v: Value) {
    app.act(id, action, &v).unwrap_or_else(|e| panic!("{action} {v}: {e:?}"));
}

fn demand(app: &mut App, received: &str, due: Option<&str>) -> EntityId {
    let mut d = json!({"received_on": received, "channel": "PHONE", "requester": "王大妈", "kind": "HELP",
                       "domain": "ELDER_CARE", "content": "扶手坏了"});
    if let Some(due) = due {
        d["due_on"] = json!(due);
    }
    add(app, Kind::Demand, d)
}

fn reply(app: &mut App, id: EntityId, on: &str) {
    act(app, id, "reply", json!({"reply": "已联系维修", "replied_on": on, "result": "RESOLVED"}));
}

fn followup(app: &mut App, id: EntityId, on: &str, satisfaction: &str) {
    act(app, id, "followup", json!({"date": on, "satisfaction": satisfaction}));
}

fn dispute(app: &mut App, received: &str) -> EntityId {
    add(
        app,
        Kind::Dispute,
        json!({"received_on": received, "source": "APPLIED", "category": "NEIGHBOR", "risk": "YELLOW",
               "parties": [{"name": "张三", "role": "APPLICANT"}, {"name": "李四", "role": "RESPONDENT"}],
               "facts": "院墙漏水", "claims": "修墙"}),
    )
}

fn hazard(app: &mut App, found: &str, grade: &str) -> EntityId {
    add(
        app,
        Kind::Hazard,
        json!({"found_on": found, "location": "村口", "owner": "PUBLIC", "category": "ELECTRIC",
               "description": "电线裸露", "grade": grade}),
    )
}

/// The hand-built village. Expected figures for November 2026, as of 2026-12-04, are worked
/// out beside each record.
fn build(app: &mut App) {
    // registry: three households, two in 一组 and one in 二组; 在册户数 3
    let h1 = add(app, Kind::Household, json!({"address": "一组1号", "grid": "一组"}));
    let h2 = add(app, Kind::Household, json!({"address": "二组2号", "grid": "二组"}));
    let h3 = add(app, Kind::Household, json!({"address": "一组3号", "grid": "一组"}));
    // focus residents: P1 (独居老人, in H1) and P3 (低保, in H3); P2 is a veteran, not focus
    let p1 = add(app, Kind::Person, json!({"name": "赵奶奶", "household": h1.to_string(), "tags": ["ELDERLY_ALONE"]}));
    add(app, Kind::Person, json!({"name": "钱大爷", "household": h2.to_string(), "tags": ["VETERAN"]}));
    add(app, Kind::Person, json!({"name": "孙阿姨", "household": h3.to_string(), "tags": ["DIBAO"]}));
    let visit = |app: &mut App, date: &str, h: EntityId, met: Vec<EntityId>| {
        let met: Vec<String> = met.iter().map(|m| m.to_string()).collect();
        add(app, Kind::Visit, json!({"date": date, "household": h.to_string(), "type": "FOCUS", "met": met}))
    };
    // visits in November: V1, V2 (both H1), V4 (H2, on the last day) → 走访 3, 走访户数 2;
    // V3 visited H3 in October: P3 was not visited in November → focus 2 due, 1 on schedule
    visit(app, "2026-11-05", h1, vec![p1]);
    visit(app, "2026-11-20", h1, vec![]);
    visit(app, "2026-10-15", h3, vec![]);
    visit(app, "2026-11-30", h2, vec![]);

    // demands (受理 6: D1 D2 D3 D5 D6 D7; D4 is October's)
    // D1: due 11-05, answered on 11-05 (its due day: on time); UNREACHABLE twice, then closed:
    //     followed up, not reached
    let d1 = demand(app, "2026-11-02", Some("2026-11-05"));
    reply(app, d1, "2026-11-05");
    followup(app, d1, "2026-11-10", "UNREACHABLE");
    followup(app, d1, "2026-11-12", "UNREACHABLE");
    act(app, d1, "close", json!({}));
    // D2: due 11-05, answered 11-06 (the day after: late); SATISFIED
    let d2 = demand(app, "2026-11-02", Some("2026-11-05"));
    reply(app, d2, "2026-11-06");
    followup(app, d2, "2026-11-09", "SATISFIED");
    // D3: received on the period's last day (Mon 11-30), HELP: due Thu 12-03, unanswered:
    //     overdue on 12-04, and due for its answer
    demand(app, "2026-11-30", None);
    // D4: October's, unanswered and overdue: in no November figure
    demand(app, "2026-10-31", None);
    // D5: answered on time, BASIC (satisfied); D6: on time, UNSATISFIED (reached, not satisfied)
    let d5 = demand(app, "2026-11-10", Some("2026-11-13"));
    reply(app, d5, "2026-11-11");
    followup(app, d5, "2026-11-12", "BASIC");
    let d6 = demand(app, "2026-11-16", Some("2026-11-19"));
    reply(app, d6, "2026-11-17");
    followup(app, d6, "2026-11-18", "UNSATISFIED");
    // D7: unanswered, due 12-10: neither due for its answer nor overdue yet
    demand(app, "2026-11-20", Some("2026-12-10"));
    // → answered 4 (D1 D2 D5 D6); due for answer 5 (+ D3); on time 3 (D1 D5 D6) = 60.0%;
    //   followed up 4 = 100.0%; reached 3 (D2 D5 D6); satisfied 2 (D2 D5) = 66.7%; overdue 1

    // disputes (受理 3: S1 S2 S4)
    // S1: agreed, performance deadline 11-20, followed up DONE
    let s1 = dispute(app, "2026-11-03");
    act(app, s1, "session", json!({"date": "2026-11-05", "notes": "双方到场"}));
    act(
        app,
        s1,
        "agree",
        json!({"form": "WRITTEN", "terms": "李四修墙", "performance_method": "自行修缮",
               "performance_deadline": "2026-11-20", "effective_on": "2026-11-10"}),
    );
    act(app, s1, "followup", json!({"date": "2026-11-21", "performance": "DONE", "satisfaction": "SATISFIED"}));
    // S2: received 11-04, in mediation, due 12-04 (today): not overdue yet
    dispute(app, "2026-11-04");
    // S3: October's (overdue, but not November's)
    dispute(app, "2026-10-20");
    // S4: received 11-02, due 12-02: overdue
    dispute(app, "2026-11-02");
    // → agreed 1 = 33.3%; followed up 1; overdue 1

    // hazards (发现 4: Z1..Z4)
    // Z1: GENERAL, plan due 11-10, review FAIL, a new plan due 11-20, PASS on 11-18: closed,
    //     not on time (a failed review)
    let z1 = hazard(app, "2026-11-02", "GENERAL");
    act(app, z1, "rectify", json!({"measures": "更换线路", "deadline": "2026-11-10"}));
    act(app, z1, "complete", json!({"date": "2026-11-08"}));
    act(app, z1, "review", json!({"date": "2026-11-09", "reviewer": "周站长", "result": "FAIL"}));
    act(app, z1, "rectify", json!({"measures": "重新布线", "deadline": "2026-11-20"}));
    act(app, z1, "review", json!({"date": "2026-11-18", "reviewer": "周站长", "result": "PASS"}));
    // Z2: GENERAL found Tue 11-03, closed without a plan today (12-04), its plan was due Fri
    //     11-06: closed late
    let z2 = hazard(app, "2026-11-03", "GENERAL");
    act(app, z2, "close", json!({}));
    // Z3: GENERAL, deadline 11-25, PASS on 11-24: on time
    let z3 = hazard(app, "2026-11-05", "GENERAL");
    act(app, z3, "rectify", json!({"measures": "加装护套", "deadline": "2026-11-25"}));
    act(app, z3, "review", json!({"date": "2026-11-24", "reviewer": "周站长", "result": "PASS"}));
    // Z4: MAJOR, deadline 11-30, still open: MAJOR open, overdue, due
    let z4 = hazard(app, "2026-11-12", "MAJOR");
    act(
        app,
        z4,
        "rectify",
        json!({"measures": "停用线路", "responsible": "吴电工", "deadline": "2026-11-30", "interim_control": "拉警戒线"}),
    );
    // Z5: December's
    hazard(app, "2026-12-01", "MAJOR");
    // → closed 3; due 4 (+ Z4); by deadline 1 (Z3) = 25.0%; MAJOR open 1; overdue 1
}

fn november(app: &App, by: GroupBy) -> Report {
    app.report(&ReportSpec { period: Period::parse("2026-11").expect("period"), by }).expect("report")
}

const EXPECTED: [(Figure, u64); 23] = [
    (Figure::Visits, 3),
    (Figure::HouseholdsVisited, 2),
    (Figure::HouseholdsRegistered, 3),
    (Figure::FocusDue, 2),
    (Figure::FocusOnSchedule, 1),
    (Figure::DemandsReceived, 6),
    (Figure::DemandsAnswered, 4),
    (Figure::DemandsDueForAnswer, 5),
    (Figure::DemandsOnTime, 3),
    (Figure::DemandsFollowedUp, 4),
    (Figure::DemandsReached, 3),
    (Figure::DemandsSatisfied, 2),
    (Figure::DemandsOverdue, 1),
    (Figure::DisputesReceived, 3),
    (Figure::DisputesAgreed, 1),
    (Figure::DisputesFollowedUp, 1),
    (Figure::DisputesOverdue, 1),
    (Figure::HazardsFound, 4),
    (Figure::HazardsClosed, 3),
    (Figure::HazardsDueForRectification, 4),
    (Figure::HazardsOnTime, 1),
    (Figure::HazardsMajorOpen, 1),
    (Figure::HazardsOverdue, 1),
];

#[test]
fn the_figures_of_a_hand_built_village_are_the_ones_worked_out_by_hand() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = village(dir.path());
    build(&mut app);
    let r = november(&app, GroupBy::Village);
    assert_eq!(r.rows.len(), 1, "one village: {:?}", r.rows);
    assert_eq!(r.rows[0].group.village, "330782105203");
    assert_eq!(r.rows[0].label, "青石村 330782105203");
    let got: Vec<(Figure, u64)> = Figure::ALL.iter().map(|f| (*f, r.total.get(*f))).collect();
    assert_eq!(got, EXPECTED);
    let rates: Vec<(&str, Option<String>)> =
        RATES.iter().map(|rate| (rate.name, r.total.rate(*rate).map(|p| format!("{p:.1}")))).collect();
    let want = [
        ("households_visited_rate", Some("66.7")),
        ("focus_on_schedule_rate", Some("50.0")),
        ("demands_on_time_rate", Some("60.0")),
        ("demands_followed_up_rate", Some("100.0")),
        ("demands_satisfied_rate", Some("66.7")),
        ("disputes_agreed_rate", Some("33.3")),
        ("hazards_on_time_rate", Some("25.0")),
    ];
    assert_eq!(rates, want.map(|(n, p)| (n, p.map(str::to_string))));
}

#[test]
fn by_grid_households_and_their_visits_count_in_the_households_grid() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = village(dir.path());
    build(&mut app);
    let r = november(&app, GroupBy::Grid);
    let grids: Vec<&str> = r.rows.iter().map(|row| row.group.grid.as_deref().unwrap_or("?")).collect();
    assert_eq!(grids, ["一组", "二组"]);
    let (one, two) = (&r.rows[0].counts, &r.rows[1].counts);
    assert_eq!(
        [Figure::HouseholdsRegistered, Figure::Visits, Figure::HouseholdsVisited, Figure::FocusDue].map(|f| two.get(f)),
        [1, 1, 1, 0],
        "二组: H2 and its visit on the last day"
    );
    assert_eq!(
        [Figure::HouseholdsRegistered, Figure::Visits, Figure::HouseholdsVisited, Figure::FocusOnSchedule]
            .map(|f| one.get(f)),
        [2, 2, 1, 1]
    );
    assert_eq!(one.get(Figure::DemandsReceived), 6, "demands naming no household: the worker's grid");
    assert_eq!(r.total, november(&app, GroupBy::Village).total, "grouping changes no total");
}

#[test]
fn by_category_each_ledger_has_its_own_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = village(dir.path());
    build(&mut app);
    let r = november(&app, GroupBy::Category);
    let demands: Vec<&str> = r
        .rows
        .iter()
        .filter(|row| row.group.category.as_ref().is_some_and(|(k, _)| *k == Kind::Demand))
        .map(|row| row.label.as_str())
        .collect();
    assert_eq!(demands, ["养老服务"], "the demands' one domain, by its label");
    assert_eq!(r.total, november(&app, GroupBy::Village).total);
}

#[test]
fn a_period_is_a_month_a_quarter_or_a_year() {
    let p = |s: &str| Period::parse(s).map(|p| (p.first.to_string(), p.last.to_string(), p.to_string()));
    let t = |a: &str, b: &str, c: &str| Some((a.to_string(), b.to_string(), c.to_string()));
    assert_eq!(p("2026-11"), t("2026-11-01", "2026-11-30", "2026-11"));
    assert_eq!(p("2026-Q4"), t("2026-10-01", "2026-12-31", "2026-Q4"));
    assert_eq!(p("2026-q1"), t("2026-01-01", "2026-03-31", "2026-Q1"));
    assert_eq!(p("2024-02"), t("2024-02-01", "2024-02-29", "2024-02"), "a leap year");
    assert_eq!(p("2026"), t("2026-01-01", "2026-12-31", "2026"));
    for bad in ["2026-13", "2026-Q5", "26-11", "2026-1", "Q4", ""] {
        assert_eq!(p(bad), None, "{bad}");
    }
}

/// `gridlog --data-dir DIR ARGS` on the report's day (2026-12-04), in `lang`.
fn gridlog(dir: &Path, lang: &str, args: &[&str]) -> std::process::Output {
    let mut c = assert_cmd::Command::cargo_bin("gridlog").expect("gridlog binary");
    c.arg("--data-dir").arg(dir).args(["--lang", lang]).args(args).env("GRIDLOG_NOW", "2026-12-04");
    for v in ["LC_ALL", "LC_MESSAGES", "LANG", "GRIDLOG_DATA_DIR"] {
        c.env_remove(v);
    }
    c.output().expect("run gridlog")
}

/// The hand-built village in a store directory, closed so that the binary can open it.
fn built_store() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = village(dir.path());
    build(&mut app);
    dir
}

#[test]
fn the_cli_prints_the_table_in_the_users_language_and_json_for_machines() {
    let dir = built_store();
    let out = gridlog(dir.path(), "zh", &["report", "--period", "2026-11"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let table = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(table.starts_with("考核报表 2026-11（制表日 2026-12-04）"), "{table}");
    let demands = table.split("群众诉求").nth(1).expect("the demands' table");
    let header = demands.lines().nth(1).expect("header");
    assert!(header.contains("按时答复率") && header.contains("满意率"), "{header}");
    let total = demands.lines().find(|l| l.starts_with("合计")).expect("total row");
    let cells: Vec<&str> = total.split_whitespace().collect();
    assert_eq!(cells, ["合计", "6", "4", "5", "3", "60.0%", "4", "100.0%", "3", "2", "66.7%", "1"]);

    let out = gridlog(dir.path(), "en", &["report", "--period", "2026-11", "--by", "grid", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let j: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        (j["period"].as_str(), j["as_of"].as_str(), j["by"].as_str()),
        (Some("2026-11"), Some("2026-12-04"), Some("grid"))
    );
    for (f, n) in EXPECTED {
        assert_eq!(j["total"]["figures"][f.name()], json!(n), "{}", f.name());
    }
    assert_eq!(j["total"]["rates"]["demands_on_time_rate"], json!(60.0));
    assert_eq!(j["rows"][1]["grid"], json!("二组"));
    assert_eq!(j["rows"][1]["rates"]["demands_on_time_rate"], Value::Null, "no demand in 二组: no rate, not 0%");
}

#[test]
fn a_wrong_period_grouping_or_format_is_a_usage_error_that_names_it() {
    let dir = built_store();
    for (args, names) in
        [(["--period", "2026-13", "--by", "village"], "2026-13"), (["--period", "2026-11", "--by", "street"], "street")]
    {
        let mut a = vec!["report"];
        a.extend(args);
        let out = gridlog(dir.path(), "en", &a);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains(names), "{:?}", out);
    }
    let out = gridlog(dir.path(), "en", &["report", "--period", "2026-11", "--format", "pdf"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pdf"));
}

#[test]
fn the_csv_starts_with_a_bom_and_holds_the_figures_with_chinese_headers() {
    let dir = built_store();
    let file = dir.path().join("考核.csv");
    let f = file.to_str().expect("UTF-8 path");
    let out = gridlog(dir.path(), "zh", &["report", "--period", "2026-11", "--format", "csv", "--out", f]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let bytes = std::fs::read(&file).expect("the CSV");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a UTF-8 BOM, so that Excel and WPS read Chinese");
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let head: Vec<String> = r.headers().expect("header").iter().map(str::to_string).collect();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row")).collect();
    assert_eq!(head[0], "村（社区）");
    let col = |name: &str| head.iter().position(|h| h == name).unwrap_or_else(|| panic!("{name} in {head:?}"));
    assert_eq!(rows.len(), 2, "the village and the total");
    assert_eq!(&rows[1][0], "合计");
    assert_eq!(&rows[1][col("群众诉求·受理")], "6");
    assert_eq!(&rows[1][col("群众诉求·按时答复率")], "60.0%");
    assert_eq!(&rows[1][col("安全隐患·按期整改率")], "25.0%");
    assert_eq!(&rows[1][col("矛盾纠纷·受理")], "3");
}

#[test]
fn the_xlsx_opens_with_a_sheet_per_ledger_and_one_of_definitions() {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let dir = built_store();
    let file = dir.path().join("report.xlsx");
    let f = file.to_str().expect("UTF-8 path");
    let out = gridlog(dir.path(), "zh", &["report", "--period", "2026-11", "--format", "xlsx", "--out", f]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let bytes = std::fs::read(&file).expect("the XLSX");
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an XLSX that opens");
    assert_eq!(wb.sheet_names(), ["入户走访", "群众诉求", "矛盾纠纷", "安全隐患", "指标定义"]);
    let demands = wb.worksheet_range("群众诉求").expect("demands sheet");
    let head: Vec<String> =
        (0..demands.width()).map(|x| demands.get((0, x)).map(|c| c.to_string()).unwrap_or_default()).collect();
    assert_eq!(&head[..5], ["村（社区）", "受理", "已答复", "应答复", "按时答复"]);
    assert_eq!(demands.height(), 3, "header, the village, the total");
    assert_eq!(demands.get((2, 0)), Some(&Data::String("合计".into())));
    assert_eq!(demands.get((2, 1)), Some(&Data::Float(6.0)));
    assert_eq!(demands.get((2, 5)), Some(&Data::Float(0.6)), "按时答复率 as a fraction shown as a percentage");
    let hazards = wb.worksheet_range("安全隐患").expect("hazards sheet");
    assert_eq!(hazards.get((1, 0)), Some(&Data::String("青石村 330782105203".into())));
    let defs = wb.worksheet_range("指标定义").expect("definitions sheet");
    let names: Vec<String> = (1..defs.height()).filter_map(|y| defs.get((y, 2)).map(|c| c.to_string())).collect();
    for f in Figure::ALL {
        assert!(names.iter().any(|n| n == f.name()), "{} is defined", f.name());
    }
    let on_time =
        (1..defs.height()).find(|y| defs.get((*y, 2)).is_some_and(|c| *c == Data::String("demands_on_time".into())));
    let text = defs.get((on_time.expect("row"), 3)).map(|c| c.to_string()).unwrap_or_default();
    assert!(text.contains("期限当天答复算按时"), "{text}");
}

#[test]
fn xlsx_needs_a_file_to_write_to() {
    let dir = built_store();
    let out = gridlog(dir.path(), "en", &["report", "--period", "2026-11", "--format", "xlsx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--out"));
}

#[test]
fn the_figures_view_gives_what_folding_every_record_gives_on_the_demo_store_and_after_changes() {
    let dir = tempfile::tempdir().expect("temp dir");
    App::demo_at(dir.path(), &gridlog::store::Options::default(), Lang::Zh, 3000, 1, now, &|_| {}).expect("demo");
    let mut app = App::open(dir.path(), &Options::default(), Lang::Zh).expect("open");
    app.set_clock(now);
    let same = |app: &App, what: &str| {
        for period in ["2026-11", "2026-Q3", "2026"] {
            for by in [GroupBy::Village, GroupBy::Grid, GroupBy::Category] {
                let spec = ReportSpec { period: Period::parse(period).expect("period"), by };
                let (view, folded) = (app.report(&spec).expect("view"), app.report_folded(&spec).expect("fold"));
                assert_eq!(view, folded, "{what}: {period} by {by:?}");
                assert!(
                    view.total.get(Figure::DemandsReceived) > 0 || period != "2026",
                    "{what}: the demo has demands"
                );
            }
        }
    };
    same(&app, "the demo as written by the bulk writer");
    // the dashboard's month figures are this month's report figures (one own-date rule)
    let d = app.dashboard().expect("dashboard");
    let this_month = Period::parse(&app.today().year_month()).expect("period");
    let month = app.report(&ReportSpec { period: this_month, by: GroupBy::Village });
    let month = month.expect("report").total;
    let on_home: Vec<(Kind, usize)> = d.month.clone();
    let in_report = [
        (Kind::Visit, month.get(Figure::Visits) as usize),
        (Kind::Demand, month.get(Figure::DemandsReceived) as usize),
        (Kind::Dispute, month.get(Figure::DisputesReceived) as usize),
        (Kind::Hazard, month.get(Figure::HazardsFound) as usize),
    ];
    assert_eq!(on_home, in_report, "首页's month figures and the report's month agree");
    // changes through the write path: a new household visited, a demand answered late, a
    // hazard found and closed, a focus resident registered, an edit moving a demand's month
    build(&mut app);
    same(&app, "after the hand-built records");
    let open = app
        .list(&gridlog::app::ListQuery {
            kind: Some(Kind::Demand),
            status: Some("RECEIVED".into()),
            limit: 1,
            ..Default::default()
        })
        .expect("list");
    let id = open.first().expect("an unanswered demand").entity.id;
    act(&mut app, id, "edit", json!({"received_on": "2026-11-30", "due_on": "2026-12-01"}));
    same(&app, "after an edit moved a demand");
}

/// The report by grid from the view equals the fold's, November and the year, every grouping.
fn view_is_fold(app: &App, what: &str) {
    for period in ["2026-11", "2026"] {
        for by in [GroupBy::Village, GroupBy::Grid, GroupBy::Category] {
            let spec = ReportSpec { period: Period::parse(period).expect("period"), by };
            let (view, folded) = (app.report(&spec).expect("view"), app.report_folded(&spec).expect("fold"));
            assert_eq!(view, folded, "{what}: {period} by {by:?}");
        }
    }
}

/// The November figure of each grid: `(grid, value)` of the rows that have it.
fn by_grid(app: &App, f: Figure) -> Vec<(String, u64)> {
    let r = november(app, GroupBy::Grid);
    r.rows
        .iter()
        .filter(|x| x.counts.get(f) > 0)
        .map(|x| (x.group.grid.clone().unwrap_or_default(), x.counts.get(f)))
        .collect()
}

#[test]
fn by_grid_the_view_follows_a_household_moved_to_another_grid_and_a_person_moved_to_another_household() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = village(dir.path());
    build(&mut app);
    let h4 = add(&mut app, Kind::Household, json!({"address": "三组4号", "grid": "三组"}));
    let h5 = add(&mut app, Kind::Household, json!({"address": "二组5号", "grid": "二组"}));
    let p = add(&mut app, Kind::Person, json!({"name": "周大哥", "household": h4.to_string(), "tags": ["DIBAO"]}));
    // a demand P raised, a dispute P is a party to, a visit to H4 and a demand raised from it
    let mut d = json!({"received_on": "2026-11-09", "channel": "VISIT", "requester": p.to_string(), "kind": "HELP",
                       "domain": "HOUSING", "content": "屋顶漏雨"});
    add(&mut app, Kind::Demand, d.clone());
    add(
        &mut app,
        Kind::Dispute,
        json!({"received_on": "2026-11-10", "source": "APPLIED", "category": "NEIGHBOR", "risk": "YELLOW",
               "parties": [{"name": "周大哥", "role": "APPLICANT", "person": p.to_string()},
                           {"name": "吴二", "role": "RESPONDENT"}],
               "facts": "排水沟堵", "claims": "疏通"}),
    );
    let v = add(&mut app, Kind::Visit, json!({"date": "2026-11-11", "household": h4.to_string(), "type": "ROUTINE"}));
    d["requester"] = json!("周大嫂");
    d["visit"] = json!(v.to_string());
    add(&mut app, Kind::Demand, d);
    view_is_fold(&app, "records reaching 三组 through a person and a visit");
    let demands = |app: &App| by_grid(app, Figure::DemandsReceived);
    let disputes = |app: &App| by_grid(app, Figure::DisputesReceived);
    let s = |g: &str, n: u64| (g.to_string(), n);
    // the hand-built demands and disputes name no household: the worker's grid, 一组
    assert_eq!(demands(&app), [s("一组", 6), s("三组", 2)]);
    assert_eq!(disputes(&app), [s("一组", 3), s("三组", 1)]);

    // H4 moves to 五组: its visit, the demand raised from that visit, P's demand and dispute
    // and P's focus months follow it, and no record of theirs is rewritten
    act(&mut app, h4, "edit", json!({"grid": "五组"}));
    view_is_fold(&app, "after H4 moved to 五组");
    assert_eq!(demands(&app), [s("一组", 6), s("五组", 2)]);
    assert_eq!(by_grid(&app, Figure::HouseholdsVisited), [s("一组", 1), s("二组", 1), s("五组", 1)]);

    // P moves to H5 (二组): P's demand and dispute follow; the visit's demand stays with H4
    act(&mut app, p, "edit", json!({"household": h5.to_string()}));
    view_is_fold(&app, "after P moved to H5");
    assert_eq!(demands(&app), [s("一组", 6), s("二组", 1), s("五组", 1)]);
    assert_eq!(disputes(&app), [s("一组", 3), s("二组", 1)]);
    assert_eq!(by_grid(&app, Figure::FocusDue), [s("一组", 2), s("二组", 1)]);
    assert!(app.doctor(&|_| true).expect("doctor").healthy(), "the figures and links views match the events");
}

#[test]
fn a_report_counts_its_progress_and_stops_when_cancelled() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = village(dir.path());
    build(&mut app);
    for by in [GroupBy::Village, GroupBy::Grid, GroupBy::Category] {
        let spec = ReportSpec { period: Period::parse("2026-11").expect("period"), by };
        let seen = std::cell::RefCell::new(Vec::new());
        let r = app.report_with(&spec, &|done, total| {
            seen.borrow_mut().push((done, total));
            true
        });
        assert_eq!(r.expect("report"), app.report(&spec).expect("report"), "{by:?}: the same report");
        let seen = seen.into_inner();
        let last = *seen.last().expect("progress reported");
        assert!(last.1 > 1 && last.0 == last.1, "{by:?}: the gauge reaches its end: {seen:?}");
        assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "{by:?}: never goes back: {seen:?}");
        // cancelled after two steps
        let calls = std::cell::Cell::new(0);
        let r = app.report_with(&spec, &|_, _| {
            calls.set(calls.get() + 1);
            calls.get() <= 2
        });
        assert!(matches!(r, Err(gridlog::app::AppError::Cancelled)), "{by:?}: {r:?}");
        assert_eq!(calls.get(), 3, "{by:?}: nothing more is read once cancelled");
    }
}
