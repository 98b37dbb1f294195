//! Hostile text against the real binary: terminal escape sequences, bidirectional overrides
//! and zero-width characters in input and arguments, mobile numbers spelled to slip past the
//! personal-data rule, and a reader that closes the pipe early.

#[allow(dead_code)]
mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::{Out, Store, demand_input};
use serde_json::json;

/// OSC 52: "write this (base64) to the clipboard", ended by BEL.
const OSC52: &str = "\u{1b}]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u{7}";

fn has_raw_controls(s: &str) -> bool {
    s.contains('\u{1b}') || s.contains('\u{7}') || s.contains('\u{9b}')
}

#[track_caller]
fn assert_no_raw_controls(what: &str, out: &Out) {
    assert!(!has_raw_controls(&out.stdout), "{what}: raw control characters on stdout: {:?}", out.stdout);
    assert!(!has_raw_controls(&out.stderr), "{what}: raw control characters on stderr: {:?}", out.stderr);
}

fn init_args<'a>(place: &'a str, worker: &'a str) -> Vec<&'a str> {
    vec!["init", "--role", "village", "--division", "330782105203", "--place", place, "--worker", worker]
}

#[track_caller]
fn assert_refused_naming(out: &Out, field: &str) {
    assert_eq!(out.code, 2, "should be refused: {out:?}");
    assert!(out.err_lines().iter().any(|l| l.contains(field)), "the refusal should name {field}: {out:?}");
}

#[test]
fn an_osc52_sequence_in_the_worker_name_is_neither_stored_nor_printed() {
    let s = Store::empty();
    let worker = format!("王{OSC52}芳");
    let init = s.run(&init_args("青石村", &worker), None).ok();
    assert_no_raw_controls("init", &init);
    let id = s.add("household", &json!({"address": "三组12号"}));

    let shown = s.show_json(&id);
    let stored = shown["history"][0]["worker"].as_str().expect("worker in history");
    assert!(!has_raw_controls(stored), "stored worker {stored:?}");
    assert!(stored.starts_with('王') && stored.ends_with('芳'), "the name itself is kept: {stored:?}");

    assert_no_raw_controls("show", &s.run(&["show", &id], None).ok());
    // no command and stdout not a terminal: the piped overview, which prints place and worker
    assert_no_raw_controls("overview", &s.run(&[], None).ok());
}

#[test]
fn a_bidi_override_in_an_init_argument_is_refused_naming_the_field() {
    let s = Store::empty();
    let out = s.run(&init_args("青石\u{202e}村", "李秀英"), None);
    assert_refused_naming(&out, "place");
    assert!(out.stderr.contains("U+202E"), "the character is named: {out:?}");
    let out = s.run(&init_args("青石村", "李\u{2067}秀英"), None);
    assert_refused_naming(&out, "worker");
    // nothing was initialised: a clean init still works
    s.run(&init_args("青石村", "李秀英"), None).ok();
}

#[test]
fn a_right_to_left_override_in_a_demand_is_refused_naming_the_field_and_nothing_is_written() {
    let s = Store::new();
    let out = s.try_add("demand", &demand_input("2026-01-09", "ELDER_CARE", "付款\u{202e}元0003请核实"));
    assert_refused_naming(&out, "content");
    assert_eq!(s.list_json("demand", &[]), json!([]));
}

#[test]
fn zero_width_characters_inside_a_name_are_removed() {
    let s = Store::new();
    let hh = s.add("household", &json!({"address": "三组\u{200b}12号"}));
    let id = s.add("person", &json!({"name": "张\u{200b}\u{200d}三\u{feff}", "household": hh}));
    assert_eq!(s.show_json(&id)["name"], "张三");
    assert_eq!(s.show_json(&hh)["address"], "三组12号");
}

#[test]
fn show_and_list_of_a_record_never_print_raw_escape_or_bell_bytes() {
    let s = Store::new();
    let id = s.add(
        "demand",
        &demand_input(
            "2026-01-09",
            "ELDER_CARE",
            &format!("老人独居{OSC52}希望\u{1b}[2J安装扶手\u{9b}31m\n第二行\u{1b}[31m红字\u{7}"),
        ),
    );
    s.act(&id, "note", &json!({"text": format!("备注{OSC52}结束")})).ok();
    for args in [
        vec!["show", id.as_str()],
        vec!["show", id.as_str(), "--json"],
        vec!["list", "demand"],
        vec!["list", "demand", "--json"],
    ] {
        assert_no_raw_controls(&args.join(" "), &s.run(&args, None).ok());
    }
    let content = s.show_json(&id)["content"].as_str().unwrap_or_default().to_string();
    assert!(content.contains("老人独居") && content.contains("\n第二行"), "text and line breaks are kept: {content:?}");
}

#[test]
fn an_escape_in_an_id_argument_is_not_echoed_raw() {
    let s = Store::new();
    for args in [vec!["show", "\u{1b}[31mX\u{7}"], vec!["act", "\u{1b}]52;c;eA==\u{7}", "note"]] {
        let out = s.run(&args, Some("{}"));
        assert_ne!(out.code, 0, "{out:?}");
        assert_no_raw_controls(&args.join(" "), &out);
        assert!(out.stderr.contains("\\u{1b}"), "the escape is shown, visibly: {out:?}");
    }
}

#[test]
fn mobile_numbers_spelled_as_people_write_them_are_refused_naming_content() {
    let s = Store::new();
    for content in [
        "请回电 +86 138-1234-5678",
        "请回电(+86)13812345678",
        "请回电138.1234.5678",
        "请回电138/1234/5678",
        "请回电１３８ １２３４ ５６７８",
        "请回电138\u{200b}12345678",
        "请回电0086 13812345678",
        "两个号码13812345678、13987654321",
        "两个号码1381234567813987654321",
    ] {
        assert_refused_naming(&s.try_add("demand", &demand_input("2026-01-09", "ELDER_CARE", content)), "content");
    }
    assert_eq!(s.list_json("demand", &[]), json!([]), "nothing was written");
    // dates, landlines and amounts are ordinary text
    s.add("demand", &demand_input("2026-01-09", "ELDER_CARE", "2024-11-27 来电，固话0571-88776655，涉及3000元"));
}

/// Runs `gridlog ARGS` with stdout piped, reads one line, closes the pipe and waits.
fn read_one_line_then_close(s: &Store, args: &[&str]) -> (Option<i32>, String) {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("gridlog"));
    cmd.arg("--data-dir").arg(s.dir()).args(["--lang", "en"]).args(args);
    for v in ["LC_ALL", "LC_MESSAGES", "LANG", "GRIDLOG_DATA_DIR", "GRIDLOG_CACHE_MB"] {
        cmd.env_remove(v);
    }
    let mut child =
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn gridlog");
    let mut first = String::new();
    {
        let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
        reader.read_line(&mut first).expect("read one line");
        assert!(!first.trim().is_empty(), "the first line arrived");
    } // the reader is dropped here: the pipe is closed, as `head -1` does
    let out = child.wait_with_output().expect("wait for gridlog");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_closed_pipe_ends_list_quietly_without_a_panic() {
    let s = Store::empty();
    // enough output (well over a 64 KiB pipe buffer) that writes go on after the reader has gone
    s.run(&["demo", "--records", "6000"], None).ok();
    for args in [&["list", "person", "--limit", "0"][..], &["list", "person", "--limit", "0", "--json"]] {
        let (code, stderr) = read_one_line_then_close(&s, args);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_ne!(code, Some(101), "{args:?}: {stderr}");
        // exit 0, or killed by SIGPIPE (no code) where the default action applies
        assert!(matches!(code, Some(0) | None), "{args:?}: exit {code:?}: {stderr}");
        assert!(stderr.trim().is_empty(), "{args:?}: nothing on stderr: {stderr}");
    }
}
