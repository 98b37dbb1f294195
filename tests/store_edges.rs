//! The store's small edges, through the real binary: reads on a path without a store, folders
//! under a permissive umask, `doctor --salvage` usage and a salvage of a healthy store, and
//! storage errors in the user's language.

#[allow(dead_code)] // each test binary uses a part of the shared helpers
mod common;

use std::path::Path;

use common::{INIT, Store, output};
use serde_json::json;

/// Every file and folder below `dir`, with its bytes (folders: empty).
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in walkdir(dir) {
        let bytes = if e.is_dir() { Vec::new() } else { std::fs::read(&e).unwrap_or_default() };
        out.push((e.strip_prefix(dir).unwrap_or(&e).display().to_string(), bytes));
    }
    out.sort();
    out
}

fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut all = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            all.extend(walkdir(&p));
        }
        all.push(p);
    }
    all
}

#[test]
fn reads_and_writes_on_a_path_without_a_store_say_so_and_create_nothing() {
    let s = Store::empty();
    let commands: [(&[&str], Option<&str>); 6] = [
        (&["list", "household"], None),
        (&["show", "ce1p8kh3jvzzw-1"], None),
        (&["add", "household"], Some(r#"{"address":"一组1号"}"#)),
        (&["act", "ce1p8kh3jvzzw-1", "note"], Some(r#"{"text":"复查"}"#)),
        (&["doctor"], None),
        (&["doctor", "--salvage", "--out", "/nonexistent-gridlog-out"], None),
    ];
    for (args, stdin) in commands {
        let out = s.run(args, stdin);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(out.stderr.contains("no store") && out.stderr.contains("store"), "{args:?}: {out:?}");
        assert!(!s.dir().exists(), "{args:?} created {}", s.dir().display());
    }
    let zh = s.run_lang("zh", &["list", "household"], None);
    assert!(zh.stderr.contains("没有台账"), "{zh:?}");

    // An existing folder that holds no store (a mistyped path) is left exactly as it was.
    std::fs::create_dir(s.dir()).expect("mkdir");
    std::fs::write(s.dir().join("notes.txt"), "my own file").expect("write");
    let before = contents(s.dir());
    for (args, stdin) in commands {
        let out = s.run(args, stdin);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
    }
    assert_eq!(contents(s.dir()), before, "a read wrote into a folder without a store");
    // init there still works
    s.run(INIT, None).ok();
}

#[cfg(unix)]
#[test]
fn folders_gridlog_creates_are_owner_only_even_under_umask_000() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("tempdir");
    let base = tmp.path().join("share").join("gridlog");
    let bin = assert_cmd::cargo::cargo_bin("gridlog");
    let mut c = std::process::Command::new("sh");
    c.arg("-c")
        .arg(r#"umask 000; exec "$0" "$@""#)
        .arg(&bin)
        .arg("--data-dir")
        .arg(&base)
        .args(["--profile", "li", "--lang", "en"])
        .args(INIT);
    let out = output(&mut assert_cmd::Command::from_std(c));
    assert_eq!(out.code, 0, "{out:?}");
    for d in [tmp.path().join("share"), base.clone(), base.join("profiles"), base.join("profiles/li")] {
        let mode = std::fs::metadata(&d).expect("metadata").permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{} is {mode:o}", d.display());
    }
    for f in walkdir(&base.join("profiles/li")) {
        let mode = std::fs::metadata(&f).expect("metadata").permissions().mode() & 0o777;
        let want = if f.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode, want, "{} is {mode:o}", f.display());
    }
}

#[test]
fn salvage_needs_an_empty_out_folder_and_says_so() {
    let s = Store::new();
    let needs_out = s.run(&["doctor", "--salvage"], None);
    assert_eq!(needs_out.code, 2, "{needs_out:?}");
    assert!(needs_out.stderr.contains("--out"), "{needs_out:?}");
    let needs_salvage = s.run(&["doctor", "--out", "x"], None);
    assert_eq!(needs_salvage.code, 2, "{needs_salvage:?}");
    assert!(needs_salvage.stderr.contains("--salvage"), "{needs_salvage:?}");

    let busy = s.dir().parent().expect("parent").join("busy");
    std::fs::create_dir(&busy).expect("mkdir");
    std::fs::write(busy.join("keep.txt"), "keep").expect("write");
    let refused = s.run(&["doctor", "--salvage", "--out", busy.to_str().expect("utf-8")], None);
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(refused.stderr.contains("busy") && refused.stderr.contains("not empty"), "{refused:?}");
    assert_eq!(std::fs::read_to_string(busy.join("keep.txt")).expect("kept"), "keep");
    assert_eq!(std::fs::read_dir(&busy).expect("read_dir").count(), 1, "salvage wrote into a folder in use");
}

#[test]
fn salvage_of_a_healthy_store_copies_every_record_and_its_history_and_changes_nothing() {
    let s = Store::new();
    let hh = s.add("household", &json!({"address": "一组1号", "grid": "第一网格"}));
    let d = s.add(
        "dispute",
        &json!({"received_on": "2026-01-09", "source": "APPLIED", "category": "NEIGHBOR",
                "parties": [{"name": "张三", "role": "APPLICANT"}, {"name": "李四", "role": "RESPONDENT"}],
                "facts": "两家之间的排水沟堵塞", "claims": "要求疏通排水沟", "risk": "YELLOW"}),
    );
    s.act(&d, "note", &json!({"text": "已约双方下周调解"})).ok();
    let before = contents(s.dir());
    let out_dir = s.dir().parent().expect("parent").join("salvaged");
    let r = s.run(&["doctor", "--salvage", "--out", out_dir.to_str().expect("utf-8")], None);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("salvaged 2 records"), "{r:?}");
    // the log and the lock's holder note may change; the store's own files may not
    let after = contents(s.dir());
    let ours = |c: &[(String, Vec<u8>)]| -> Vec<(String, u64)> {
        c.iter()
            .filter(|(p, _)| !p.starts_with("gridlog."))
            .map(|(p, b)| (p.clone(), b.iter().fold(0u64, |h, x| h.wrapping_mul(31).wrapping_add(u64::from(*x)))))
            .collect()
    };
    let (a, b) = (ours(&after), ours(&before));
    let changed: Vec<&String> = a.iter().zip(&b).filter(|(x, y)| x != y).map(|(x, _)| &x.0).collect();
    assert!(a.len() == b.len() && changed.is_empty(), "salvage wrote into the store it read: {changed:?}");

    let new = |args: &[&str]| {
        let mut c = assert_cmd::Command::cargo_bin("gridlog").expect("bin");
        c.arg("--data-dir").arg(&out_dir).args(["--lang", "en"]).args(args);
        output(&mut c)
    };
    let shown_old = s.show_json(&d);
    let shown_new: serde_json::Value = serde_json::from_str(&new(&["show", &d, "--json"]).ok().stdout).expect("JSON");
    assert_eq!(shown_new, shown_old, "the salvaged record and history differ");
    assert!(new(&["list", "household"]).ok().stdout.contains(&hh));
    let doc = new(&["doctor"]).ok();
    assert!(doc.stdout.contains("2 records"), "{doc:?}");
    // The salvaged store takes new records under new numbers, never reusing one.
    let mut add = assert_cmd::Command::cargo_bin("gridlog").expect("bin");
    add.arg("--data-dir").arg(&out_dir).args(["--lang", "en", "add", "household"]);
    add.write_stdin(r#"{"address":"二组2号"}"#);
    let next = output(&mut add).ok();
    assert_ne!(next.stdout.trim(), hh);
    assert_ne!(next.stdout.trim(), d);
}

#[test]
fn a_storage_error_is_a_sentence_in_the_users_language_not_the_engines_internals() {
    let s = Store::new();
    s.add("household", &json!({"address": "一组1号"}));
    // the database file replaced by a folder: every open fails with an I/O error
    let db = s.dir().join("db").join("db");
    std::fs::remove_file(&db).expect("rm");
    std::fs::create_dir(&db).expect("mkdir");
    for lang in ["zh", "en"] {
        let out = s.run_lang(lang, &["list", "household"], None);
        assert_eq!(out.code, 1, "{out:?}");
        for internal in ["backtrace", "Os {", "code:", "Io(", "sled"] {
            assert!(!out.stderr.contains(internal), "{lang}: {internal} in {out:?}");
        }
        let said = if lang == "zh" { "台账文件" } else { "store" };
        assert!(out.stderr.contains(said), "{lang}: {out:?}");
    }
}
