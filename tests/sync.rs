//! Sync by bundle files through the real binary (docs/BUNDLE.md, "Importing"): an answer goes
//! village → township → village; a bundle is refused whole, with its reason and exit code 3,
//! for every class of fault, and the refused store is exactly as before; a township's bundle for
//! one village carries none of another's records; a full export restores a store; the outbox
//! empties when the peer acknowledges.

#[allow(dead_code)]
mod common;

use std::path::{Path, PathBuf};

use common::{Out, Store, demand_input, device_of, other_village, store_at, township};
use gridlog::sync::Bundle;
use serde_json::{Value, json};

const VILLAGE: &str = "330782105203";

/// A file in a temporary folder that lives as long as the returned guard.
struct Files(tempfile::TempDir);

impl Files {
    fn new() -> Files {
        Files(tempfile::tempdir().unwrap())
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[track_caller]
fn export(s: &Store, file: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["export", "--out", p(file), "--json"];
    args.extend_from_slice(extra);
    s.run(&args, None).ok().json()
}

fn import(s: &Store, file: &Path, extra: &[&str]) -> Out {
    let mut args = vec!["import", p(file), "--json"];
    args.extend_from_slice(extra);
    s.run(&args, None)
}

fn fingerprint(s: &Store) -> String {
    s.run(&["keys", "show", "--json"], None).ok().json()["fingerprint"].as_str().unwrap().to_string()
}

#[track_caller]
fn trust(who: &Store, whom: &Store) {
    who.run(&["keys", "trust", &fingerprint(whom)], None).ok();
}

/// Everything a user can see of a store: every ledger listed, and every record shown.
fn contents(s: &Store) -> Vec<Value> {
    let mut out = Vec::new();
    for kind in ["household", "person", "visit", "demand", "dispute", "hazard"] {
        let list = s.list_json(kind, &[]);
        for id in common::ids(&list) {
            out.push(s.show_json(&id));
        }
        out.push(list);
    }
    out
}

/// What a refused import must leave as it was: the contents and the sync state.
fn state(s: &Store) -> (Vec<Value>, Value) {
    (contents(s), s.run(&["sync-status", "--json"], None).ok().json())
}

#[test]
fn an_answer_travels_from_village_to_township_and_back_into_the_villages_timeline() {
    let files = Files::new();
    let (v, t) = (Store::new(), township());
    let d = v.add("demand", &demand_input("2026-01-05", "INFRA", "村口路灯不亮"));
    let up = files.path("up.gridlog");
    let summary = export(&v, &up, &[]);
    assert_eq!(summary["events"], 1);
    assert_eq!(summary["records"]["demand"], 1, "{summary}");

    // the township does not know the village's key yet: refused, naming the key and the command
    let refused = import(&t, &up, &[]);
    assert_eq!(refused.code, 3, "{refused:?}");
    assert!(refused.stderr.contains(&fingerprint(&v)) && refused.stderr.contains("keys trust"), "{refused:?}");
    assert!(t.list_ids("demand", &[]).is_empty());

    trust(&t, &v);
    let plan = import(&t, &up, &[]).ok().json();
    assert_eq!(plan[0]["new_events"][device_of(&d)], 1, "{plan}");
    assert_eq!(plan[0]["created"]["demand"], 1);
    assert_eq!(t.list_ids("demand", &[]), vec![d.clone()]);

    let reply = json!({"reply": "已安排电工维修", "replied_on": "2026-01-06", "result": "RESOLVED"});
    t.act(&d, "reply", &reply).ok();
    let down = files.path("down.gridlog");
    assert_eq!(export(&t, &down, &["--for", VILLAGE])["events"], 1, "only what the village lacks");
    trust(&v, &t);
    let plan = import(&v, &down, &[]).ok().json();
    assert_eq!(plan[0]["updated"]["demand"], 1, "{plan}");
    let shown = v.show_json(&d);
    assert_eq!(shown, t.show_json(&d), "the village sees the record as the township does");
    let history = shown["history"].to_string();
    assert!(history.contains("王主任") && history.contains("已安排电工维修"), "{history}");

    // importing the same file again changes nothing
    let again = import(&v, &down, &[]).ok().json();
    assert_eq!(
        (again[0]["duplicates"].as_u64(), again[0]["new_events"].as_object().map(|m| m.len())),
        (Some(1), Some(0))
    );
    assert_eq!(v.show_json(&d), shown);
}

#[test]
fn a_dry_run_shows_the_plan_and_writes_nothing() {
    let files = Files::new();
    let (v, t) = (Store::new(), township());
    v.add("demand", &demand_input("2026-01-05", "INFRA", "水渠堵了"));
    let f = files.path("b.gridlog");
    export(&v, &f, &[]);
    let before = state(&t);
    let plan = import(&t, &f, &["--dry-run", "--trust-new"]).ok().json();
    assert_eq!((plan[0]["applied"].as_bool(), plan[0]["created"]["demand"].as_u64()), (Some(false), Some(1)));
    assert_eq!(state(&t), before);
    assert!(t.run(&["keys", "list", "--json"], None).ok().json().as_array().unwrap().is_empty(), "not trusted either");
}

/// Every class of refusal: exit 3, the file named, the reason in words, the store unchanged.
#[test]
fn a_refused_bundle_says_why_and_leaves_the_store_as_it_was() {
    let files = Files::new();
    let (v, t) = (Store::new(), township());
    let d = v.add("demand", &demand_input("2026-01-05", "INFRA", "桥栏杆松动"));
    let good = files.path("good.gridlog");
    export(&v, &good, &[]);
    let bytes = std::fs::read(&good).unwrap();
    trust(&t, &v);
    let write = |name: &str, b: &[u8]| {
        let f = files.path(name);
        std::fs::write(&f, b).unwrap();
        f
    };

    let mut flipped = bytes.clone();
    flipped[bytes.len() / 2] ^= 0x10;
    let mut newer = bytes.clone();
    newer[8..10].copy_from_slice(&2u16.to_be_bytes());
    let demo = Store::empty();
    demo.run(&["demo", "--records", "20"], None).ok();
    let demo_file = files.path("demo.gridlog");
    export(&demo, &demo_file, &[]);
    let stranger = store_at("village", "330782106201", "远山村", "孙丽"); // another township's village
    stranger.add("demand", &demand_input("2026-01-05", "INFRA", "路面塌陷"));
    let stranger_file = files.path("stranger.gridlog");
    export(&stranger, &stranger_file, &[]);
    trust(&t, &stranger);
    let unknown = other_village();
    unknown.add("demand", &demand_input("2026-01-05", "INFRA", "井盖丢失"));
    let unknown_file = files.path("unknown.gridlog");
    export(&unknown, &unknown_file, &[]);

    let cases: Vec<(&str, PathBuf, &str)> = vec![
        ("a flipped bit", write("flipped.gridlog", &flipped), "checksum"),
        ("a cut copy", write("cut.gridlog", &bytes[..bytes.len() - 40]), "cut short"),
        ("not a bundle", write("notes.gridlog", "一段文字".as_bytes()), "not a gridlog bundle"),
        ("a newer format", write("newer.gridlog", &newer), "newer"),
        ("a demo store's", demo_file, "demo"),
        ("an unrelated place's", stranger_file, "neither"),
        ("an unknown signer's", unknown_file, "not trusted"),
    ];
    let before = state(&t);
    for (what, file, says) in &cases {
        let out = import(&t, file, &[]);
        assert_eq!(out.code, 3, "{what}: {out:?}");
        assert!(out.stderr.contains(p(file)) && out.stderr.contains(says), "{what}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{what}");
        assert_eq!(state(&t), before, "{what}: the store changed");
    }

    // revoked: refused from then on, and what it sent before stays
    import(&t, &good, &[]).ok();
    t.run(&["keys", "revoke", &fingerprint(&v)[..12]], None).ok();
    v.act(&d, "note", &json!({"text": "已报修"})).ok();
    let later = files.path("later.gridlog");
    export(&v, &later, &[]);
    let before = state(&t);
    let out = import(&t, &later, &[]);
    assert!(out.code == 3 && out.stderr.contains("revoked"), "{out:?}");
    assert_eq!(state(&t), before);
    assert_eq!(t.list_ids("demand", &[]), vec![d]);
}

#[test]
fn a_village_gets_only_its_own_records_from_the_township() {
    let files = Files::new();
    let (v1, v2, t) = (Store::new(), other_village(), township());
    let d1 = v1.add("demand", &demand_input("2026-01-05", "INFRA", "青石村的路灯"));
    let d2 = v2.add("demand", &demand_input("2026-01-05", "INFRA", "白沙村的桥"));
    for v in [&v1, &v2] {
        let f = files.path(&format!("{}.gridlog", device_of(&v.list_ids("demand", &[])[0])));
        export(v, &f, &[]);
        import(&t, &f, &["--trust-new"]).ok();
    }
    assert_eq!(t.list_ids("demand", &[]).len(), 2);
    trust(&v1, &t);

    // everything the township holds: the village refuses it whole, naming the other's record
    let all = files.path("all.gridlog");
    export(&t, &all, &["--all"]);
    let before = state(&v1);
    let out = import(&v1, &all, &[]);
    assert!(out.code == 3 && out.stderr.contains(&d2), "{out:?}");
    assert_eq!(state(&v1), before);

    // for the village (by name): only its records are inside the file
    let mine = files.path("mine.gridlog");
    export(&t, &mine, &["--for", "青石村", "--all", "--plain"]);
    let bundle = Bundle::read(&std::fs::read(&mine).unwrap()).unwrap();
    assert!(!bundle.events.is_empty());
    let other = device_of(&d2);
    assert!(!bundle.header.have.devices().any(|d| d.to_string() == other), "nor the other village's devices");
    for e in &bundle.events {
        assert_eq!(e.entity.to_string().rsplit_once('-').unwrap().0, device_of(&d1), "{:?}", e.entity);
    }
    import(&v1, &mine, &[]).ok();
    assert_eq!(v1.list_ids("demand", &[]), vec![d1]);
}

#[test]
fn a_full_export_restores_the_village_in_a_new_store() {
    let files = Files::new();
    let (v, t) = (Store::new(), township());
    let d = v.add("demand", &demand_input("2026-01-05", "INFRA", "村口路灯不亮"));
    v.add("hazard", &common::hazard_input("2026-01-06", "GENERAL"));
    let f = files.path("up.gridlog");
    export(&v, &f, &[]);
    import(&t, &f, &["--trust-new"]).ok();
    t.act(&d, "reply", &json!({"reply": "已修好", "replied_on": "2026-01-07", "result": "RESOLVED"})).ok();
    let down = files.path("down.gridlog");
    export(&t, &down, &["--for", VILLAGE]);
    import(&v, &down, &["--trust-new"]).ok();

    let backup = files.path("backup.gridlog");
    let summary = export(&v, &backup, &["--all"]);
    assert_eq!(summary["events"], 3, "{summary}");
    let restored = Store::new(); // the same place, a new device and key
    let plan = import(&restored, &backup, &["--trust-new"]).ok().json();
    assert_eq!(plan[0]["created"]["hazard"], 1, "{plan}");
    assert_eq!(contents(&restored), contents(&v), "the same records, statuses and histories");
}

#[test]
fn the_outbox_keeps_a_bundle_until_the_peer_acknowledges_it_and_exports_send_only_what_it_lacks() {
    let files = Files::new();
    let (v, t) = (Store::new(), township());
    v.add("demand", &demand_input("2026-01-05", "INFRA", "一"));
    let first = files.path("1.gridlog");
    assert_eq!(export(&v, &first, &[])["events"], 1);
    let status = v.run(&["sync-status", "--json"], None).ok().json();
    assert_eq!((status["unsent"].as_u64(), status["waiting"].as_u64()), (Some(0), Some(1)), "{status}");
    assert_eq!(std::fs::read_dir(v.dir().join("outbox")).unwrap().count(), 1);

    // not acknowledged yet: the next export carries it again (a lost stick loses nothing)
    v.add("demand", &demand_input("2026-01-05", "INFRA", "二"));
    let second = files.path("2.gridlog");
    assert_eq!(export(&v, &second, &[])["events"], 2);
    import(&t, &second, &["--trust-new"]).ok();
    import(&t, &first, &[]).ok(); // the older file, late: nothing new
    assert_eq!(t.list_ids("demand", &[]).len(), 2);

    // the township's answer (events or not) carries what it holds: the outbox empties
    let ack = files.path("ack.gridlog");
    assert_eq!(export(&t, &ack, &["--for", VILLAGE])["events"], 0);
    import(&v, &ack, &["--trust-new"]).ok();
    let status = v.run(&["sync-status", "--json"], None).ok().json();
    assert_eq!((status["unsent"].as_u64(), status["waiting"].as_u64()), (Some(0), Some(0)), "{status}");
    assert_eq!(status["peers"][0]["acknowledged"], 2);
    assert_eq!(std::fs::read_dir(v.dir().join("outbox")).unwrap().count(), 0);
    v.add("demand", &demand_input("2026-01-05", "INFRA", "三"));
    assert_eq!(export(&v, &files.path("3.gridlog"), &[])["events"], 1, "only the new event");
}

#[test]
fn keys_are_trusted_by_fingerprint_and_mistakes_are_named() {
    let (v, t) = (Store::new(), township());
    let out = v.run_lang("zh-CN", &["keys", "trust", "xyz"], None);
    assert!(out.code == 2 && out.stderr.contains("指纹"), "{out:?}");
    let out = v.run(&["keys", "trust", &fingerprint(&t)[..10]], None);
    assert!(out.code == 2 && out.stderr.contains("whole 64-digit"), "a prefix only names a key already met: {out:?}");
    // 64 bytes that are not hex (21 Chinese characters and a letter): refused, never a panic
    let hostile = format!("{}a", "指".repeat(21));
    assert_eq!(hostile.len(), 64);
    let out = v.run(&["export", "--out", "/tmp/never-written.gridlog", "--encrypt-to", &hostile], None);
    assert!(out.code == 2 && !out.stderr.contains("panicked"), "{out:?}");
    let out = v.run(&["keys", "trust", &fingerprint(&v)], None);
    assert!(out.code == 2 && out.stderr.contains("own key"), "{out:?}");
    trust(&v, &t);
    let keys = v.run(&["keys", "list", "--json"], None).ok().json();
    assert_eq!(
        (keys[0]["fingerprint"].as_str(), keys[0]["trust"].as_str()),
        (Some(fingerprint(&t).as_str()), Some("trusted"))
    );
}

#[test]
fn a_refusal_is_in_chinese_by_default_with_the_section_named() {
    let files = Files::new();
    let (v, t) = (Store::new(), township());
    v.add("demand", &demand_input("2026-01-05", "INFRA", "桥"));
    let f = files.path("b.gridlog");
    export(&v, &f, &[]);
    let bytes = std::fs::read(&f).unwrap();
    let cut = files.path("cut.gridlog");
    std::fs::write(&cut, &bytes[..20]).unwrap();
    let out = t.run_lang("zh-CN", &["import", p(&cut)], None);
    assert_eq!(out.code, 3);
    assert!(
        out.stderr.contains("未导入任何内容") && out.stderr.contains("包头") && out.stderr.contains("不完整"),
        "{}",
        out.stderr
    );
}

#[test]
fn once_the_township_is_trusted_bundles_up_are_encrypted_for_it_alone() {
    let files = Files::new();
    let (v, t) = (Store::new(), township());
    let d = v.add("demand", &demand_input("2026-01-05", "INFRA", "张三家门口的电线"));
    trust(&v, &t);
    let up = files.path("up.gridlog");
    let summary = export(&v, &up, &[]);
    assert_eq!(summary["encrypted_for"].as_str(), Some(fingerprint(&t).as_str()), "{summary}");
    let bytes = std::fs::read(&up).unwrap();
    assert!(gridlog::sync::is_sealed(&bytes), "the file is encrypted");
    assert!(!bytes.windows("张三".len()).any(|w| w == "张三".as_bytes()) && Bundle::read(&bytes).is_err());

    // another store (even one of the same place) cannot open it, and says for whom it is
    let other = township();
    trust(&other, &v);
    let out = import(&other, &up, &[]);
    assert!(out.code == 3 && out.stderr.contains("encrypted for store"), "{out:?}");
    // a chunk flipped at the end: refused whole, nothing imported, nothing opened left behind
    let damaged = files.path("damaged.gridlog");
    let mut flipped = bytes.clone();
    let last = flipped.len() - 20;
    flipped[last] ^= 1;
    std::fs::write(&damaged, &flipped).unwrap();
    let out = import(&t, &damaged, &["--trust-new"]);
    assert!(out.code != 0 && t.list_ids("demand", &[]).is_empty(), "{out:?}");
    let left: Vec<_> = std::fs::read_dir(t.dir()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(!left.iter().any(|n| n.to_string_lossy().contains("opened")), "{left:?}");

    let plan = import(&t, &up, &["--trust-new"]).ok().json();
    assert_eq!(plan[0]["producer"]["encrypted"], true);
    assert_eq!(t.list_ids("demand", &[]), vec![d]);
    let left: Vec<_> = std::fs::read_dir(t.dir()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(!left.iter().any(|n| n.to_string_lossy().contains("opened")), "the opened bundle is removed: {left:?}");
    // one that a killed import left is removed when the store is next opened
    std::fs::write(t.dir().join(".opened-bundle.part"), "张三").unwrap();
    t.list_ids("demand", &[]);
    assert!(!t.dir().join(".opened-bundle.part").exists());

    // asked for plain, or a full backup: readable by anyone the store trusts
    let plain = files.path("plain.gridlog");
    export(&v, &plain, &["--plain"]);
    assert!(Bundle::read(&std::fs::read(&plain).unwrap()).is_ok());
    let backup = files.path("backup.gridlog");
    assert!(export(&v, &backup, &["--all"])["encrypted_for"].is_null());
}

#[test]
fn an_export_that_cannot_be_written_says_where_and_leaves_nothing_behind() {
    let v = Store::new();
    v.add("demand", &demand_input("2026-01-05", "INFRA", "桥"));
    let out = v.run(&["export", "--out", "/nonexistent-stick/青石村.gridlog"], None);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("/nonexistent-stick/青石村.gridlog") && out.stderr.contains("Nothing was written"),
        "{out:?}"
    );
    let status = v.run(&["sync-status", "--json"], None).ok().json();
    assert_eq!(
        (status["outbox"].as_array().map(Vec::len), status["last_export"].is_null()),
        (Some(0), true),
        "{status}"
    );
    let left: Vec<_> = std::fs::read_dir(v.dir().join("outbox")).unwrap().collect();
    assert!(left.is_empty(), "no bundle or temporary file stays in the outbox: {left:?}");
}

#[test]
fn a_status_changed_on_both_sides_at_once_is_named_in_the_plan_as_needing_a_decision() {
    let files = Files::new();
    let (v, t) = (Store::new(), township());
    let d = v.add("demand", &demand_input("2026-01-05", "INFRA", "路灯"));
    v.act(&d, "reply", &json!({"reply": "已修好", "replied_on": "2026-01-06", "result": "RESOLVED"})).ok();
    v.act(&d, "followup", &json!({"date": "2026-01-07", "satisfaction": "SATISFIED"})).ok();
    let up = files.path("up.gridlog");
    export(&v, &up, &["--plain"]);
    import(&t, &up, &["--trust-new"]).ok();
    // the village closes it while the township, not having seen that, escalates it
    v.act(&d, "close", &json!({})).ok();
    t.act(&d, "escalate", &json!({"reason": "群众要求镇里处理"})).ok();
    let down = files.path("down.gridlog");
    export(&t, &down, &["--for", VILLAGE]);
    let plan = import(&v, &down, &["--trust-new", "--dry-run"]).ok().json();
    assert_eq!(plan[0]["decisions"], json!([d]), "{plan}");
    let out = v.run(&["import", p(&down), "--trust-new"], None).ok();
    assert!(out.stdout.contains("need a decision") && out.stdout.contains(&d), "{out:?}");
}
