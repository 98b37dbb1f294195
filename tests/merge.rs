//! One resident, two devices (issue 9): two workers of one village register the same person
//! offline; each import lists the pair as a possible duplicate (same ID number, or same name
//! and household address); a merge on one device travels by bundle, after which both stores
//! list the resident once, and an unmerge, travelling the same way, restores both. Each test
//! runs the real `gridlog` binary against stores in temporary directories.

#[allow(dead_code)] // each test binary uses a part of the shared helpers
mod common;

use std::path::{Path, PathBuf};

use common::Store;
use gridlog::domain::check::id_check_char;
use serde_json::{Value, json};

/// A valid ID number born 1980-05-17 (male).
fn id_number() -> String {
    let mut s = "33078219800517013".to_string();
    let check = id_check_char(s.as_bytes());
    s.push(check);
    s
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn fingerprint(s: &Store) -> String {
    s.run(&["keys", "show", "--json"], None).ok().json()["fingerprint"].as_str().unwrap().to_string()
}

/// Two devices of one village, each trusting the other.
fn two_devices() -> (Store, Store) {
    let (a, b) = (Store::new(), Store::new());
    a.run(&["keys", "trust", &fingerprint(&b)], None).ok();
    b.run(&["keys", "trust", &fingerprint(&a)], None).ok();
    (a, b)
}

/// Exports from `from` what it has not sent, imports it into `to`; returns the import plan.
#[track_caller]
fn send(from: &Store, to: &Store, file: PathBuf) -> Value {
    from.run(&["export", "--out", p(&file), "--json"], None).ok();
    let plan = to.run(&["import", p(&file), "--json"], None).ok().json();
    plan[0].clone()
}

fn pairs(plan: &Value) -> Vec<(String, String)> {
    serde_json::from_value(plan["possible_duplicates"].clone()).unwrap()
}

fn people(s: &Store) -> Vec<String> {
    let mut ids = s.list_ids("person", &[]);
    ids.sort();
    ids
}

#[test]
fn the_same_id_number_registered_on_two_devices_is_named_on_import_merged_once_and_unmerged() {
    let files = tempfile::tempdir().unwrap();
    let file = |n: &str| files.path().join(n);
    let (a, b) = two_devices();
    let on_a = a.add("person", &json!({"name": "程德福", "id_number": id_number()}));
    let on_b = b.add("person", &json!({"name": "程德福", "id_number": id_number(), "phone": "13812345678"}));

    let plan = send(&a, &b, file("a1.gridlog"));
    assert_eq!(pairs(&plan), [(on_a.clone(), on_b.clone())], "{plan}");
    let plan = send(&b, &a, file("b1.gridlog"));
    assert_eq!(pairs(&plan), [(on_b.clone(), on_a.clone())], "{plan}");
    let mut both = vec![on_a.clone(), on_b.clone()];
    both.sort();
    assert_eq!(people(&a), both);

    // a person confirms on b: a's record is merged into b's
    b.act(&on_a, "merge", &json!({ "into": on_b })).ok();
    assert_eq!(people(&b), [on_b.as_str()]);
    let shown = b.run(&["show", &on_a], None).ok().stdout;
    assert!(shown.contains(&format!("Merged into {on_b} 程德福")), "{shown}");
    let shown = b.run_lang("zh", &["show", &on_b], None).ok().stdout;
    assert!(shown.contains(&format!("并入此记录的：{on_a} 程德福")), "{shown}");

    send(&b, &a, file("b2.gridlog"));
    assert_eq!(people(&a), [on_b.as_str()], "the other device lists the resident once");
    let found = a.run(&["list", "person", "--query", "程德福", "--json"], None).ok().json();
    assert_eq!(common::ids(&found), [on_b.as_str()]);
    assert_eq!(a.show_json(&on_a)["merged_into"], json!(on_b));

    // undone on a, and that travels back
    a.act(&on_a, "unmerge", &json!({})).ok();
    assert_eq!(people(&a), both);
    send(&a, &b, file("a2.gridlog"));
    assert_eq!(people(&b), both, "both records again on both devices");
    assert_eq!(a.show_json(&on_b), b.show_json(&on_b), "the two stores agree");
    let history = b.show_json(&on_b)["history"].to_string();
    assert!(history.contains("\"merge\"") && history.contains("\"unmerge\""), "{history}");
}

#[test]
fn the_same_name_at_the_same_household_address_is_named_on_import_and_another_address_is_not() {
    let files = tempfile::tempdir().unwrap();
    let (a, b) = two_devices();
    let home = a.add("household", &json!({"address": "青石村一组 8号"}));
    send(&a, &b, files.path().join("h.gridlog"));
    let held = b.add("person", &json!({"name": "王秀兰", "household": home}));
    let elsewhere = b.add("household", &json!({"address": "青石村一组9号"}));
    b.add("person", &json!({"name": "李桂英", "household": elsewhere}));

    // a registers her again, in a household of its own at the same address (spaced differently),
    // and a namesake of another at another address
    let again = a.add("household", &json!({"address": "青石村一组8号"}));
    let new = a.add("person", &json!({"name": "王秀兰", "household": again}));
    let other = a.add("household", &json!({"address": "青石村二组9号"}));
    a.add("person", &json!({"name": "李桂英", "household": other}));
    let f = files.path().join("a.gridlog");
    a.run(&["export", "--out", p(&f)], None).ok();
    let text = b.run(&["import", "--dry-run", p(&f)], None).ok().stdout;
    assert!(text.contains(&format!("gridlog act {new} merge with {{\"into\": \"{held}\"}}")), "{text}");
    let plan = b.run(&["import", p(&f), "--json"], None).ok().json();
    assert_eq!(pairs(&plan[0]), [(new.clone(), held.clone())], "{plan}");
}
