//! `gridlog export-table` (issue 10): a ledger as a flat table for an analytics engine. Each test
//! runs the real `gridlog` binary against a store in its own temporary directory and reads the
//! bytes it wrote back the way DuckDB or a spreadsheet would.

#[allow(dead_code)] // each test binary uses a part of the shared helpers
mod common;

use common::{Store, demand_input, hazard_input};
use gridlog::app::table_columns;
use gridlog::domain::Kind;
use gridlog::domain::check::id_check_char;
use serde_json::{Value, json};

const BOM: &[u8] = b"\xEF\xBB\xBF";
const PHONE: &str = "13812345678";
const RESPONSIBLE_PHONE: &str = "13987654321";

/// A valid ID number of a woman born 1980-05-17 (even 17th digit).
fn id_number() -> String {
    let mut s = "3307821980051700".to_string() + "2";
    let check = id_check_char(s.as_bytes());
    s.push(check);
    s
}

/// A village with one record of every ledger: a person with an ID number, a phone and a
/// sensitive tag; a demand whose content holds a comma, quotes and a line break; a hazard whose
/// rectification names a responsible person's phone.
fn village() -> Store {
    let s = Store::new();
    let household = s.add("household", &json!({"address": "三组12号"}));
    s.add(
        "person",
        &json!({"name": "程秀兰", "gender": "F", "id_number": id_number(), "phone": PHONE,
                "household": household, "tags": ["DIBAO", "SMI"], "tag_basis": "县医院诊断证明"}),
    );
    s.add("visit", &json!({"date": "2026-11-20", "household": household, "type": "ROUTINE", "notes": "身体尚可"}));
    let mut demand = demand_input("2026-11-25", "INFRA", "路灯坏了，\"三组\"到村口\n一段全黑");
    demand["urgent"] = json!(true);
    s.add("demand", &demand);
    s.add(
        "dispute",
        &json!({"received_on": "2026-11-10", "source": "APPLIED", "category": "NEIGHBOR",
                "parties": [{"name": "王建国", "role": "APPLICANT"}, {"name": "李德福", "role": "RESPONDENT"}],
                "facts": "排水沟堵塞", "claims": "疏通排水沟", "risk": "YELLOW"}),
    );
    let hazard = s.add("hazard", &hazard_input("2026-11-24", "GENERAL"));
    s.act(
        &hazard,
        "rectify",
        &json!({"measures": "更换灭火器", "responsible": "赵店主", "responsible_phone": RESPONSIBLE_PHONE,
                "deadline": "2026-12-05"}),
    )
    .ok();
    s
}

/// `export-table KIND --format FORMAT EXTRA…`, which must succeed; its standard output as bytes.
#[track_caller]
fn export(s: &Store, kind: &str, format: &str, extra: &[&str]) -> Vec<u8> {
    let mut c = s.bare_cmd();
    c.env("GRIDLOG_NOW", "2026-11-30").args(["--lang", "en", "export-table", kind, "--format", format]).args(extra);
    let o = c.output().expect("run gridlog");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o.stdout
}

/// The CSV's header and rows, read back with the csv crate (the BOM checked and taken off).
#[track_caller]
fn read_csv(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    assert!(bytes.starts_with(BOM), "a CSV starts with the UTF-8 byte-order mark");
    let mut r = csv::Reader::from_reader(&bytes[BOM.len()..]);
    let header = r.headers().expect("a header").iter().map(str::to_string).collect();
    let rows = r.records().map(|x| x.expect("a CSV row").iter().map(str::to_string).collect()).collect();
    (header, rows)
}

/// Each line of a JSONL export parsed, with its keys in the order written.
#[track_caller]
fn read_jsonl(bytes: &[u8]) -> Vec<Vec<(String, Value)>> {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    text.lines()
        .map(|l| {
            // keys in the order of the line: serde_json's map would sort them
            let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"));
            let obj = v.as_object().expect("one object per line");
            let mut keys: Vec<(usize, String)> =
                obj.keys().map(|k| (l.find(&format!("\"{k}\":")).expect("key in line"), k.clone())).collect();
            keys.sort();
            keys.into_iter().map(|(_, k)| (k.clone(), obj[&k].clone())).collect()
        })
        .collect()
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn every_ledger_exports_every_column_in_both_formats_and_the_schema_names_them() {
    let s = village();
    let schema = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/SCHEMA.md")).unwrap();
    let section = schema.split("## Table export").nth(1).expect("docs/SCHEMA.md has a \"Table export\" section");
    for kind in Kind::ALL {
        let columns: Vec<String> = table_columns(kind).iter().map(|c| c.to_string()).collect();
        let (header, rows) = read_csv(&export(&s, kind.name(), "csv", &[]));
        assert_eq!(header, columns, "{kind:?}");
        assert_eq!(rows.len(), 1, "{kind:?}: one record, one row");
        assert_eq!(rows[0].len(), columns.len());
        let lines = read_jsonl(&export(&s, kind.name(), "jsonl", &[]));
        assert_eq!(lines.len(), 1, "{kind:?}");
        let keys: Vec<&String> = lines[0].iter().map(|(k, _)| k).collect();
        assert_eq!(keys, columns.iter().collect::<Vec<_>>(), "{kind:?}: every column, in order");
        for c in &columns {
            assert!(section.contains(&format!("`{c}`")), "docs/SCHEMA.md's table export names {kind:?}'s `{c}`");
        }
    }
}

#[test]
fn values_are_codes_iso_dates_counts_and_typed_json() {
    let s = village();
    let demand: serde_json::Map<String, Value> =
        read_jsonl(&export(&s, "demand", "jsonl", &[])).remove(0).into_iter().collect();
    assert_eq!(demand["place"], "330782105203", "the creating device's division");
    assert_eq!(demand["domain"], "INFRA", "a code, not its label");
    assert_eq!(demand["received_on"], "2026-11-25");
    assert_eq!(demand["urgent"], true);
    assert_eq!(demand["status"], "RECEIVED");
    assert_eq!(demand["followups_count"], 0);
    assert_eq!(demand["overdue"], true, "urgent: due the day it was received, and today is later");
    assert!(demand["created_at"].as_str().unwrap().ends_with("+08:00"), "{demand:?}");

    let dispute: serde_json::Map<String, Value> =
        read_jsonl(&export(&s, "dispute", "jsonl", &[])).remove(0).into_iter().collect();
    assert_eq!(dispute["parties_count"], 2, "lists are counts");
    assert_eq!(dispute["next_due_on"], "2026-12-10", "in mediation: a month after it was received");
    assert!(!contains(&export(&s, "dispute", "jsonl", &[]), "王建国"), "parties' names are not in the table");

    // free text with a comma, quotes and a line break survives the CSV round trip
    let (header, rows) = read_csv(&export(&s, "demand", "csv", &[]));
    let content = header.iter().position(|h| h == "content").unwrap();
    assert_eq!(rows[0][content], "路灯坏了，\"三组\"到村口\n一段全黑");
}

#[test]
fn personal_numbers_and_sensitive_tags_are_masked_unless_revealed_and_a_reveal_is_recorded() {
    let s = village();
    let full = id_number();
    for format in ["csv", "jsonl"] {
        let person = export(&s, "person", format, &[]);
        assert!(!contains(&person, &full) && !contains(&person, PHONE), "{format}: masked by default");
        assert!(
            contains(&person, "330782********") && contains(&person, "138****5678"),
            "{format}: region and tail kept"
        );
        assert!(
            !contains(&person, "SMI") && !contains(&person, "县医院"),
            "{format}: a sensitive tag and its basis left out"
        );
        assert!(contains(&person, "DIBAO"), "{format}: other tags kept");
        let hazard = export(&s, "hazard", format, &[]);
        assert!(!contains(&hazard, RESPONSIBLE_PHONE), "{format}: the responsible person's phone masked");
    }
    let reveals = s.dir().join(gridlog::app::REVEALS_FILE);
    assert!(!reveals.exists(), "a masked export records no reveal");

    let shown = export(&s, "person", "jsonl", &["--reveal"]);
    assert!(contains(&shown, &full) && contains(&shown, PHONE) && contains(&shown, "SMI"), "--reveal shows them");
    let out = s.dir().parent().unwrap().join("hazards.csv");
    export(&s, "hazard", "csv", &["--reveal", "--out", out.to_str().unwrap()]);
    assert!(contains(&std::fs::read(&out).unwrap(), RESPONSIBLE_PHONE));

    let log = std::fs::read_to_string(&reveals).expect("the reveals are recorded");
    let entries: Vec<Value> = log.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(entries.len(), 2, "{log}");
    assert_eq!(entries[0]["worker"], "李秀英");
    assert!(entries[0]["what"].as_str().unwrap().starts_with("export-table person --format jsonl"), "{log}");
    assert!(entries[1]["what"].as_str().unwrap().contains("hazards.csv"), "names where the rows went: {log}");
}

#[test]
fn a_ledger_without_records_gives_a_header_only_in_csv_and_nothing_in_jsonl() {
    let s = Store::new();
    let csv = export(&s, "hazard", "csv", &[]);
    let (header, rows) = read_csv(&csv);
    assert_eq!(header, table_columns(Kind::Hazard));
    assert!(rows.is_empty());
    assert!(export(&s, "hazard", "jsonl", &[]).is_empty());
}

#[test]
fn out_writes_the_whole_file_and_place_keeps_to_related_places() {
    let s = village();
    let out = s.dir().parent().unwrap().join("demands.jsonl");
    let said = export(&s, "demand", "jsonl", &["--out", out.to_str().unwrap(), "--place", "330782105203"]);
    assert!(String::from_utf8_lossy(&said).contains("1 records"), "{}", String::from_utf8_lossy(&said));
    assert_eq!(read_jsonl(&std::fs::read(&out).unwrap()).len(), 1);
    let leftovers: Vec<_> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file left");

    // a village next door is no place of this store's: refused, nothing written
    let o = s.run(&["export-table", "demand", "--format", "csv", "--place", "330782105204"], None);
    assert_eq!(o.code, 2, "{o:?}");
    assert!(o.stdout.is_empty(), "{o:?}");
}

#[test]
fn list_and_show_with_reveal_are_recorded_too() {
    let s = village();
    let person = s.list_json("person", &[])[0]["id"].as_str().unwrap().to_string();
    s.run(&["list", "person", "--reveal"], None).ok();
    s.run(&["show", &person], None).ok();
    s.run(&["show", &person, "--json", "--reveal"], None).ok();
    let log = std::fs::read_to_string(s.dir().join(gridlog::app::REVEALS_FILE)).expect("recorded");
    let what: Vec<String> =
        log.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["what"].as_str().unwrap().to_string()).collect();
    assert_eq!(
        what,
        ["list person --reveal".to_string(), format!("show {person} --reveal")],
        "a masked show is no reveal"
    );
}

#[test]
fn a_township_table_names_each_records_village_and_place_keeps_to_one() {
    let files = tempfile::tempdir().unwrap();
    let township = Store::empty();
    let init = ["init", "--role", "township", "--division", "330782105000", "--place", "石桥镇", "--worker", "王主任"];
    township.run(&init, None).ok();
    let other = Store::empty();
    let init = ["init", "--role", "village", "--division", "330782105204", "--place", "白沙村", "--worker", "赵敏"];
    other.run(&init, None).ok();
    let here = Store::new();
    here.add("demand", &demand_input("2026-11-02", "INFRA", "青石村的路灯"));
    other.add("demand", &demand_input("2026-11-03", "INFRA", "白沙村的桥"));
    for (i, v) in [&here, &other].into_iter().enumerate() {
        let f = files.path().join(format!("{i}.gridlog"));
        v.run(&["export", "--out", f.to_str().unwrap()], None).ok();
        township.run(&["import", f.to_str().unwrap(), "--trust-new"], None).ok();
    }

    let rows = read_jsonl(&export(&township, "demand", "jsonl", &[]));
    let mut places: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            let get = |k: &str| r.iter().find(|(c, _)| c == k).unwrap().1.as_str().unwrap().to_string();
            (get("place"), get("content"))
        })
        .collect();
    places.sort();
    assert_eq!(
        places,
        [
            ("330782105203".to_string(), "青石村的路灯".to_string()),
            ("330782105204".to_string(), "白沙村的桥".to_string())
        ],
        "each row carries the division of the village that made the record"
    );

    let (_, only) = read_csv(&export(&township, "demand", "csv", &["--place", "白沙村"]));
    assert_eq!(only.len(), 1);
    assert_eq!(only[0][1], "330782105204");
}
