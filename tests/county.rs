//! The county (docs/COUNTY.md), through the real binary and real files: two villages send their
//! records to their township, which answers an escalation back down; the township then writes a
//! statistics file (`export --stats-only`) and the county's report over it is the township's,
//! figure by figure. No resident's personal data reaches the file or the county store; every
//! refusal leaves the county as it was; files arriving in any order or twice give one county.

#[allow(dead_code)]
mod common;

use std::path::{Path, PathBuf};

use common::{Out, Store, TOWNSHIP, demand_input, hazard_input, other_village, store_at, township};
use serde_json::{Value, json};

const VILLAGE: &str = "330782105203";
const COUNTY: &str = "330782000000";
/// The day the township reports and exports on (every run of this file uses it).
const NOW: &str = "2026-11-28";

/// Marker values of the villages' records: none may reach the county.
const NAME: &str = "欧阳春花";
const ID_NUMBER: &str = "440524188001010014";
const PHONE: &str = "13912345678";
const PHRASE: &str = "后山第三道沟渠塌方";
const NOTE: &str = "夜里十点以后才在家";

fn county() -> Store {
    store_at("county", COUNTY, "石城县", "县综治中心")
}

fn run(s: &Store, args: &[&str]) -> Out {
    run_in(s, "en", args)
}

fn run_in(s: &Store, lang: &str, args: &[&str]) -> Out {
    let mut c = s.bare_cmd();
    c.env("GRIDLOG_NOW", NOW).args(["--lang", lang]).args(args);
    common::output(&mut c)
}

fn p(path: &Path) -> &str {
    path.to_str().expect("path")
}

fn fingerprint(s: &Store) -> String {
    run(s, &["keys", "show", "--json"]).ok().json()["fingerprint"].as_str().expect("fingerprint").to_string()
}

/// Sends what `from` has (for one village when `for_place` is given) to `to`, trusting the
/// signer first.
#[track_caller]
fn send(file: &Path, from: &Store, to: &Store, for_place: Option<&str>) {
    let mut args = vec!["export", "--out", p(file), "--json"];
    if let Some(place) = for_place {
        args.extend(["--for", place]);
    }
    run(from, &args).ok();
    run(to, &["keys", "trust", &fingerprint(from)]).ok();
    run(to, &["import", p(file), "--json"]).ok();
}

/// A report's rows and total without the labels (a township names its villages by code, the
/// county by the names in the file).
fn figures(s: &Store, period: &str, by: &str) -> Value {
    let mut r = run(s, &["report", "--period", period, "--by", by, "--format", "json"]).ok().json();
    for row in r["rows"].as_array_mut().expect("rows") {
        row.as_object_mut().expect("row").remove("label");
    }
    json!({"rows": r["rows"], "total": r["total"], "as_of": r["as_of"]})
}

/// Two villages' records in their township, with an escalation answered back down to the
/// village: (village, other village, township).
fn villages_and_township(dir: &Path) -> (Store, Store, Store) {
    let (a, b, t) = (Store::new(), other_village(), township());
    let h = a.add("household", &json!({"address": "花园路七号", "grid": "一组"}));
    let person =
        json!({"name": NAME, "id_number": ID_NUMBER, "phone": PHONE, "household": h, "tags": ["ELDERLY_ALONE"]});
    let resident = a.add("person", &person);
    a.act(&resident, "note", &json!({"text": NOTE})).ok();
    a.add("visit", &json!({"date": "2026-11-03", "household": h, "type": "ROUTINE", "met": [resident]}));
    let answered = a.add("demand", &demand_input("2026-11-02", "INFRA", PHRASE));
    a.act(&answered, "reply", &json!({"reply": "已修", "replied_on": "2026-11-04", "result": "RESOLVED"})).ok();
    let escalated = a.add("demand", &demand_input("2026-11-10", "HOUSING", "屋顶漏雨"));
    a.act(&escalated, "escalate", &json!({"reason": "需镇里协调"})).ok();
    a.add("hazard", &hazard_input("2026-10-20", "MAJOR"));
    b.add("hazard", &hazard_input("2026-11-05", "GENERAL"));
    b.add("demand", &demand_input("2026-09-07", "ELDER_CARE", "想申请助餐"));
    send(&dir.join("a.gridlog"), &a, &t, None);
    send(&dir.join("b.gridlog"), &b, &t, None);

    // the township answers the escalation; the answer reaches the village's timeline
    let mut c = t.bare_cmd();
    c.env("GRIDLOG_NOW", NOW).args(["--lang", "en", "act", &escalated, "instruct"]);
    c.write_stdin(json!({"text": "已协调住建办下周查看", "date": NOW}).to_string());
    common::output(&mut c).ok();
    send(&dir.join("t.gridlog"), &t, &a, Some(VILLAGE));
    let history = a.show_json(&escalated)["history"].to_string();
    assert!(history.contains("已协调住建办下周查看"), "the township's answer is in the village's timeline: {history}");
    (a, b, t)
}

/// Every file under `dir`, read whole.
fn all_bytes(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((path.clone(), std::fs::read(&path).expect("read file")));
            }
        }
    }
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[track_caller]
fn assert_no_personal_data(what: &str, bytes: &[u8]) {
    for marker in [NAME, ID_NUMBER, PHONE, PHRASE, NOTE, "花园路七号", &ID_NUMBER[6..14], &PHONE[3..]] {
        assert!(!contains(bytes, marker.as_bytes()), "{what} holds {marker:?}");
    }
}

/// A store at `path` initialised in process (the library's `App`), its clock at `now`.
fn app_at(path: &Path, now: fn() -> u64, role: &str, division: &str, place: &str) -> gridlog::app::App {
    use gridlog::app::{App, InitSpec};
    let mut app = App::open(path, &gridlog::store::Options::default(), gridlog::i18n::Lang::En).expect("open");
    app.set_clock(now);
    let spec = InitSpec {
        role: role.into(),
        division: division.into(),
        place: place.into(),
        worker: "综治中心".into(),
        grid: String::new(),
    };
    app.init(&spec).expect("init");
    app
}

fn real_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

#[test]
fn two_villages_through_their_township_reach_the_county_as_the_townships_figures() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_a, _b, t) = villages_and_township(dir.path());
    let c = county();
    // the township trusts its county: the statistics file is sealed for the county's key
    run(&t, &["keys", "trust", &fingerprint(&c)]).ok();
    let before = run(&t, &["sync-status"]).ok().stdout;
    assert!(before.contains("No statistics file for the county yet"), "{before}");
    let file = dir.path().join("stats.gridlog");
    let out = run(&t, &["export", "--stats-only", "--out", p(&file), "--json"]).ok().json();
    assert_eq!(out["encrypted_for"].as_str(), Some(fingerprint(&c).as_str()), "{out}");
    assert_eq!(out["places"], 2, "the two villages (the township created no record): {out}");
    // the township's sync status says the file went to the county, apart from its bundles
    let after = run(&t, &["sync-status"]).ok().stdout;
    let rows = out["rows"].as_u64().expect("rows");
    assert!(after.contains(&format!("Last statistics file for the county: {NOW}")), "{after}");
    assert!(after.contains(&format!("{rows} rows, {}", p(&file))), "{after}");
    let bundle_line = |s: &str| {
        s.lines().find(|l| l.starts_with("Last export") || l.starts_with("Never exported")).map(str::to_owned)
    };
    assert_eq!(bundle_line(&after), bundle_line(&before), "the last bundle export is still the last bundle's");

    // a county trusts the township's key as it would for a bundle
    let refused = run(&c, &["import", p(&file)]);
    assert_eq!(refused.code, 3, "an unknown signer is refused: {refused:?}");
    run(&c, &["keys", "trust", &fingerprint(&t)]).ok();
    let imported = run(&c, &["import", p(&file), "--json"]).ok().json();
    assert_eq!(imported[0]["applied"], true, "{imported}");
    assert_eq!(imported[0]["encrypted"], true, "{imported}");
    assert_eq!(imported[0]["place"], "石桥镇", "{imported}");
    let status = run(&c, &["sync-status"]).ok().stdout;
    assert!(status.contains(&format!("from 石桥镇, {rows} rows")), "the county's last file: {status}");
    assert!(!status.contains("not sent"), "a county sends nothing: {status}");

    for period in ["2026-11", "2026-10", "2026-Q4", "2026-Q3", "2026"] {
        for by in ["village", "category"] {
            let (town, county) = (figures(&t, period, by), figures(&c, period, by));
            assert!(!town["rows"].as_array().expect("rows").is_empty(), "{period} {by}: {town}");
            assert_eq!(county, town, "{period} by {by}: the county's report is the township's");
        }
    }
    let table = run_in(&c, "zh", &["report", "--period", "2026-11"]).ok().stdout;
    assert!(table.contains("青石村") && table.contains("白沙村"), "villages named in the county: {table}");
    let table = run(&c, &["report", "--period", "2026-11"]).ok().stdout;
    assert!(table.contains("石桥镇") && table.contains(NOW), "the county says whose figures, as of when: {table}");
    // the county's rows are its townships: this one sent figures today
    let rows = run(&c, &["villages", "--json"]).ok().json();
    assert_eq!(rows.as_array().map(Vec::len), Some(1), "{rows}");
    assert_eq!((rows[0]["division"].as_str(), rows[0]["place"].as_str()), (Some(TOWNSHIP), Some("石桥镇")), "{rows}");
    assert_eq!((rows[0]["last_bundle_on"].as_str(), rows[0]["silent"].as_bool()), (Some(NOW), Some(false)), "{rows}");
    assert_eq!(
        (rows[0]["villages"].as_u64(), rows[0]["as_of"].as_str()),
        (Some(2), Some(NOW)),
        "its two villages: {rows}"
    );
    let table = run_in(&c, "zh", &["villages"]).ok().stdout;
    assert!(table.starts_with("乡镇") && table.contains("村数"), "a county lists townships, not villages: {table}");
    assert!(!table.contains("待答复"), "a county has no escalations to answer: {table}");
    let grid = run(&c, &["report", "--period", "2026-11", "--by", "grid"]);
    assert_eq!(grid.code, 2, "a county has no grids: {grid:?}");
}

#[test]
fn no_personal_data_reaches_the_statistics_file_or_the_county_store() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, _b, t) = villages_and_township(dir.path());
    // the markers reached the township: its statistics file is written from the records holding them
    let people = t.run(&["list", "person", "--json", "--limit", "0", "--reveal"], None).ok().stdout;
    assert!(people.contains(NAME) && people.contains(ID_NUMBER) && people.contains(PHONE), "{people}");
    drop(a);
    let file = dir.path().join("stats.gridlog");
    run(&t, &["export", "--stats-only", "--plain", "--out", p(&file)]).ok();
    let bytes = std::fs::read(&file).expect("stats file");
    assert!(bytes.starts_with(b"\x89GLS\r\n\x1a\n"), "a statistics file, plain");
    assert_no_personal_data("the statistics file", &bytes);

    let c = county();
    run(&c, &["keys", "trust", &fingerprint(&t)]).ok();
    run(&c, &["import", p(&file)]).ok();
    drop(run(&c, &["doctor"]).ok());
    for (path, bytes) in all_bytes(c.dir()) {
        assert_no_personal_data(&path.display().to_string(), &bytes);
    }
    for kind in ["household", "person", "visit", "demand", "dispute", "hazard"] {
        assert_eq!(c.list_json(kind, &[]), json!([]), "a county store holds no {kind} record");
    }
    let add = c.try_add("demand", &demand_input("2026-11-02", "INFRA", "县里自己录"));
    assert_eq!(add.code, 2, "a county store takes no record: {add:?}");
    assert!(add.stderr.contains("figures"), "{add:?}");
}

#[test]
fn every_refusal_leaves_the_county_as_it_was() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, _b, t) = villages_and_township(dir.path());
    let c = county();
    run(&c, &["keys", "trust", &fingerprint(&t)]).ok();
    let stats = dir.path().join("stats.gridlog");
    run(&t, &["export", "--stats-only", "--plain", "--out", p(&stats)]).ok();
    let before = figures(&c, "2026-11", "village");

    let refused = |file: &Path, needle: &str| {
        let out = run(&c, &["import", p(file)]);
        assert_eq!(out.code, 3, "{needle}: {out:?}");
        assert!(out.stderr.contains(needle), "{needle}: {out:?}");
        assert!(out.stderr.contains(p(file)), "the file is named: {out:?}");
        assert_eq!(figures(&c, "2026-11", "village"), before, "{needle}: the county is unchanged");
    };
    // a bundle of records
    refused(&dir.path().join("a.gridlog"), "county store takes only");
    // cut short, and a byte flipped
    let bytes = std::fs::read(&stats).expect("stats");
    let cut = dir.path().join("cut.gridlog");
    std::fs::write(&cut, &bytes[..bytes.len() - 40]).expect("write");
    refused(&cut, "damaged");
    let mut flipped = bytes.clone();
    flipped[bytes.len() / 2] ^= 0x20;
    let flip = dir.path().join("flip.gridlog");
    std::fs::write(&flip, &flipped).expect("write");
    refused(&flip, "damaged");
    // a newer major version
    let mut newer = bytes.clone();
    newer[8..10].copy_from_slice(&2u16.to_be_bytes());
    let major = dir.path().join("major.gridlog");
    std::fs::write(&major, &newer).expect("write");
    refused(&major, "2.0");
    // a file that says it is statistics but is larger than any statistics file may be is refused
    // before it is read (sparse: 65 MB on paper, nothing on disk)
    let huge = dir.path().join("huge.gridlog");
    let f = std::fs::File::create(&huge).expect("create");
    std::io::Write::write_all(&mut &f, b"\x89GLS\r\n\x1a\n").expect("write");
    f.set_len(65 << 20).expect("grow");
    refused(&huge, "the limit is");
    // a village cannot write statistics, and a village or township store does not take them
    let v = run(&a, &["export", "--stats-only", "--out", p(&dir.path().join("v.gridlog"))]);
    assert_eq!(v.code, 2, "{v:?}");
    for s in [&a, &t] {
        let out = run(s, &["import", p(&stats)]);
        assert_eq!(out.code, 3, "{out:?}");
        assert!(out.stderr.contains("county store"), "{out:?}");
    }
    // nothing was refused that should not have been
    run(&c, &["import", p(&stats)]).ok();
    assert_ne!(figures(&c, "2026-11", "village"), before);
}

#[test]
fn statistics_files_in_any_order_or_twice_give_the_newest_figures() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, _b, t) = villages_and_township(dir.path());
    let first = dir.path().join("first.gridlog");
    run(&t, &["export", "--stats-only", "--plain", "--period", "2026-11", "--out", p(&first)]).ok();
    // a late bundle: another November demand reaches the township, which sends November again
    a.add("demand", &demand_input("2026-11-20", "INFRA", "桥栏杆松了"));
    send(&dir.path().join("late.gridlog"), &a, &t, None);
    let mut c2 = t.bare_cmd();
    let second = dir.path().join("second.gridlog");
    c2.env("GRIDLOG_NOW", "2026-11-29").args(["--lang", "en", "export", "--stats-only", "--plain"]);
    c2.args(["--period", "2026-11", "--out", p(&second)]);
    common::output(&mut c2).ok();

    let in_order = county();
    let reversed = county();
    for c in [&in_order, &reversed] {
        run(c, &["keys", "trust", &fingerprint(&t)]).ok();
    }
    run(&in_order, &["import", p(&first), p(&second)]).ok();
    let out = run(&reversed, &["import", p(&second), p(&first), p(&second), "--json"]).ok().json();
    assert_eq!((out[1]["older"].as_u64(), out[2]["older"].as_u64()), (Some(2), Some(2)), "{out}");
    let (x, y) = (figures(&in_order, "2026-11", "village"), figures(&reversed, "2026-11", "village"));
    assert_eq!(x, y, "the same county whatever the order");
    assert_eq!(x["total"]["figures"]["demands_received"], 3, "the newer file's November: {x}");
    assert_eq!(x["as_of"], "2026-11-29");
}

#[test]
fn a_county_reports_demo_villages_as_their_township_does() {
    use gridlog::app::App;
    use gridlog::app::report::{GroupBy, ReportSpec};
    use gridlog::app::sync::{ImportOptions, Imported, StatsExportSpec};
    use gridlog::domain::Day;
    use gridlog::domain::figures::Period;
    use gridlog::i18n::Lang;
    use gridlog::store::Options;

    fn now() -> u64 {
        Day::parse("2026-11-27").map(|d| d.start_unix_ms() as u64 + 10 * 3_600_000).unwrap_or(0)
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let opts = Options::default();
    let init = |path: &Path, role: &str, division: &str, place: &str| app_at(path, now, role, division, place);
    let t = init(&dir.path().join("t"), "township", "330523105000", "和平镇");
    for v in 0..2u64 {
        let vdir = dir.path().join(format!("v{v}"));
        App::demo_at(&vdir, &opts, Lang::En, 600, v + 1, now, &|_| {}).expect("demo village");
        let village = App::open_existing(&vdir, &opts, Lang::En).expect("open village");
        let device = village.identity().expect("identity").device;
        let events: Vec<_> =
            village.store().scan().flat_map(|b| b.expect("block").records.into_iter().flat_map(|(_, e)| e)).collect();
        t.store().import(&events, &[(device, format!("330523105{:03}", 201 + v))], now()).expect("import");
    }
    let file = dir.path().join("stats.gridlog");
    let spec = StatsExportSpec { out: file.clone(), plain: true, ..StatsExportSpec::default() };
    let written = t.export_stats(&spec).expect("export");
    assert_eq!(written.places, 2);
    let c = init(&dir.path().join("c"), "county", "330523000000", "和平县");
    let opts = ImportOptions { trust_new: true, ..ImportOptions::default() };
    match c.import_any(&file, opts, &|_, _| true).expect("import") {
        Imported::Stats(plan) => assert!(plan.applied && plan.added > 0, "{plan:?}"),
        Imported::Bundle(_) => panic!("a statistics file read as a bundle"),
    }
    let mut compared = 0;
    for period in ["2026-11", "2026-06", "2026-Q4", "2026-Q1", "2026", "2025-12", "2025"] {
        for by in [GroupBy::Village, GroupBy::Category] {
            let spec = ReportSpec { period: Period::parse(period).expect("period"), by };
            let (town, county) = (t.report(&spec).expect("township"), c.report(&spec).expect("county"));
            let strip = |r: &gridlog::app::report::Report| -> Vec<_> {
                r.rows.iter().map(|row| (row.group.clone(), row.counts)).collect()
            };
            assert_eq!(strip(&county), strip(&town), "{period} by {by:?}");
            assert_eq!(county.total, town.total, "{period} by {by:?}");
            compared += town.rows.len();
        }
    }
    assert!(compared > 20, "the demo villages have figures in most periods: {compared} rows");
}

#[test]
fn a_county_refuses_files_a_township_could_not_have_written_from_its_villages() {
    use ed25519_dalek::{Signer as _, SigningKey};
    use gridlog::app::sync::{ImportOptions, StatsExportSpec};
    use gridlog::app::{App, AppError};
    use gridlog::domain::figures::{Figure, Period};
    use gridlog::domain::{Day, Kind};
    use gridlog::i18n::Lang;
    use gridlog::sync::{BundleId, StatsHeader, StatsRow, read_stats, write_stats};

    let dir = tempfile::tempdir().expect("temp dir");
    let init = |name: &str, role: &str, division: &str, place: &str| {
        app_at(&dir.path().join(name), real_now, role, division, place)
    };
    let t = init("t", "township", TOWNSHIP, "石桥镇");
    let v = init("v", "village", VILLAGE, "青石村");
    let c = init("c", "county", COUNTY, "石城县");
    let key = |app: &App| SigningKey::from_bytes(&app.store().signing_key().expect("key").expect("a key"));
    let header = |app: &App, places: Vec<(&str, &str)>| {
        let id = app.identity().expect("identity");
        StatsHeader {
            id: BundleId::random().expect("random"),
            created_ms: 1,
            device: id.device,
            public_key: [0; 32],
            worker: id.worker.clone(),
            place: id.place.clone(),
            role: id.role.clone(),
            division: id.division.clone(),
            demo: false,
            definitions: 1,
            as_of: Day::parse(NOW).expect("day"),
            places: places.into_iter().map(|(c, n)| (c.to_string(), n.to_string())).collect(),
        }
    };
    let row = |figures: Vec<(Figure, u64)>| StatsRow {
        place: 0,
        period: Period::parse("2026-11").expect("period"),
        category: Some((Kind::Demand, "INFRA".into())),
        figures: figures.into_iter().map(|(f, n)| (f.id(), n)).collect(),
    };
    let fine = vec![(Figure::DemandsReceived, 2), (Figure::DemandsAnswered, 1)];
    let write = |name: &str, bytes: Vec<u8>| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        path
    };
    let opts = ImportOptions { trust_new: true, ..ImportOptions::default() };
    let refused = |path: &Path, needle: &str| {
        let err = c.import_any(path, opts, &|_, _| true).expect_err(needle);
        let text = err.lines(Lang::En).join(" ");
        assert!(matches!(err, AppError::Refused { .. }) && text.contains(needle), "{needle}: {text}");
        assert!(c.store().stats_entries().expect("entries").is_empty(), "{needle}: nothing written");
    };

    // figures of a village under another township
    let h = header(&t, vec![("330782106201", "别镇的村")]);
    refused(&write("outside", write_stats(&h, &[row(fine.clone())], &key(&t)).expect("write")), "not under");
    // a part above its whole: three answered of two received
    let h = header(&t, vec![(VILLAGE, "青石村")]);
    let bad = vec![(Figure::DemandsReceived, 2), (Figure::DemandsAnswered, 3)];
    refused(&write("above", write_stats(&h, &[row(bad)], &key(&t)).expect("write")), "cannot be right");
    // a category no list holds
    let mut odd = row(fine.clone());
    odd.category = Some((Kind::Demand, "NO_SUCH_DOMAIN".into()));
    refused(&write("code", write_stats(&h, &[odd], &key(&t)).expect("write")), "unknown category");
    // a village's own statistics (its signature is fine, its role is not)
    let h = header(&v, vec![(VILLAGE, "青石村")]);
    refused(&write("village", write_stats(&h, &[row(fine.clone())], &key(&v)).expect("write")), "not a township");
    // a forged signature: the township's header and rows, signed by another key
    let h = header(&t, vec![(VILLAGE, "青石村")]);
    let mut forged = write_stats(&h, &[row(fine.clone())], &key(&t)).expect("write");
    let at = forged.len() - 64;
    let hash: [u8; 32] = forged[at - 32..at].try_into().expect("hash");
    let mut signed = b"gridlog/stats/1\0".to_vec();
    signed.extend_from_slice(&hash);
    forged[at..].copy_from_slice(&SigningKey::from_bytes(&[7; 32]).sign(&signed).to_bytes());
    refused(&write("forged", forged), "signature");

    // the same file honestly signed goes in, and its figures read back
    let good = write("good", write_stats(&h, &[row(fine)], &key(&t)).expect("write"));
    assert_eq!(read_stats(&std::fs::read(&good).expect("read")).expect("valid").rows.len(), 1);
    c.import_any(&good, opts, &|_, _| true).expect("imported");
    assert_eq!(c.store().stats_entries().expect("entries").len(), 1);
    // a township's own export of nothing is a valid file too
    let empty = StatsExportSpec { out: dir.path().join("empty"), plain: true, ..StatsExportSpec::default() };
    assert_eq!(t.export_stats(&empty).expect("export").rows, 0);
}

#[test]
fn a_demo_county_holds_its_townships_statistics_files_and_reports_their_villages() {
    let c = Store::empty();
    let made = run(&c, &["demo", "--county", "--villages", "2", "--records", "150"]).ok();
    assert!(made.stdout.contains("900 records"), "three townships of two villages: {}", made.stdout);
    let rows = run(&c, &["villages", "--json"]).ok().json();
    let rows = rows.as_array().expect("rows");
    let names: Vec<&str> = rows.iter().map(|r| r["place"].as_str().unwrap_or("")).collect();
    assert_eq!(names, ["青石镇", "竹溪镇", "白云乡"], "{rows:?}");
    for r in rows {
        assert_eq!((r["villages"].as_u64(), r["as_of"].as_str()), (Some(2), Some(NOW)), "{r}");
    }
    let report = run(&c, &["report", "--period", "2026", "--format", "json"]).ok().json();
    let villages: Vec<&str> =
        report["rows"].as_array().expect("rows").iter().filter_map(|r| r["village"].as_str()).collect();
    assert_eq!(villages.len(), 6, "{report}");
    assert_eq!(report["sources"][0]["as_of"], NOW, "a date, as every date in JSON: {}", report["sources"]);
    assert!(run(&c, &["inbox"]).ok().stdout.contains("no inbox"), "a county has no escalations to answer");
    // piped, gridlog prints its townships, not empty ledgers
    let piped = run(&c, &[]).ok().stdout;
    assert!(piped.contains("竹溪镇") && piped.contains("gridlog report"), "{piped}");
    assert!(!piped.contains("overdue"), "{piped}");
    // it is a county store: figures only, no records came with them
    assert_eq!(run(&c, &["list", "person", "--json"]).ok().json(), serde_json::json!([]));
    assert!(!c.dir().join("demo-villages").exists(), "the townships' scratch stores are removed");
}
