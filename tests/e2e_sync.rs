//! End to end through the real binary in a pseudo-terminal (see `tests/pty/mod.rs`): a village
//! writes a bundle from the 同步 tab onto "the USB stick" (`GRIDLOG_MEDIA_DIRS` names a
//! temporary folder), and a township's `gridlog import` reads that very file.

#![cfg(unix)] // drives a pseudo-terminal (tests/pty/mod.rs): unix only

#[path = "pty/mod.rs"]
mod pty;

use pty::{Key, Launch, cli, init};
use serde_json::Value;

#[test]
fn a_bundle_exported_from_the_sync_tab_lands_on_the_stick_and_the_township_can_import_it() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (village, township, stick) = (tmp.path().join("v"), tmp.path().join("t"), tmp.path().join("stick"));
    std::fs::create_dir(&stick).expect("the stick");
    init(&village, "village", "330523105214", "青石村", "李秀英");
    init(&township, "township", "330523105000", "石门镇", "王主任");
    let demand = r#"{"received_on": "2026-11-26", "channel": "PHONE", "requester": "王建国", "kind": "HELP",
        "domain": "ELDER_CARE", "content": "屋顶漏雨，请求帮助修缮"}"#;
    cli(&village, &["add", "demand"], demand);

    let dir = village.to_str().expect("utf-8 path");
    let mut app = Launch::gridlog(&["--data-dir", dir, "--lang", "zh"])
        .env("GRIDLOG_MEDIA_DIRS", stick.to_str().expect("utf-8 path"))
        .spawn();
    app.wait_for("the dashboard", |s| s.contains("1 首页") && s.contains("q 退出"));
    app.key(Key::Char('6'));
    app.wait_for_text("未发送事件 1 条");
    app.key(Key::Char('e'));
    // the prompt offers a file on the stick, named after the place
    let screen = app.wait_for_text("导出数据包");
    assert!(screen.contains("青石村-") && screen.contains(".gridlog"), "{screen}");
    app.key(Key::Enter);
    let screen = app.wait_for_text("已导出 1 条事件");
    assert!(screen.contains("未发送事件 0 条"), "the tab shows the event as sent:\n{screen}");
    app.key(Key::Char('q'));
    let status = app.wait_exit(pty::TIMEOUT);
    assert!(status.success(), "gridlog exited with {status:?}");

    let files: Vec<_> = std::fs::read_dir(&stick).expect("the stick").flatten().map(|e| e.path()).collect();
    assert_eq!(files.len(), 1, "one bundle on the stick: {files:?}");
    let name = files[0].file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    assert!(name.starts_with("青石村-") && name.ends_with(".gridlog"), "{name}");
    let file = files[0].to_str().expect("utf-8 path");
    let plan: Value =
        serde_json::from_str(&cli(&township, &["import", "--trust-new", "--json", file], "")).expect("JSON");
    assert_eq!(plan[0]["created"]["demand"], 1, "the township got the demand: {plan}");
}
