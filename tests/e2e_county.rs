//! End to end through the real binary in a pseudo-terminal (see `tests/pty/mod.rs`): a township
//! writes its statistics file from its 同步 tab onto "the USB stick" (`GRIDLOG_MEDIA_DIRS`), and
//! a county imports it from its 同步 tab, trusting the township's key after comparing it, then
//! sees the villages' figures in its 报表 tab (docs/COUNTY.md).

#![cfg(unix)] // drives a pseudo-terminal (tests/pty/mod.rs): unix only

#[path = "pty/mod.rs"]
mod pty;

use std::path::Path;

use pty::{Key, Launch, cli, init};

fn fingerprint(dir: &Path) -> String {
    let v: serde_json::Value = serde_json::from_str(&cli(dir, &["keys", "show", "--json"], "")).expect("JSON");
    v["fingerprint"].as_str().expect("fingerprint").to_string()
}

#[test]
fn a_county_imports_a_statistics_file_from_its_sync_tab_and_reports_the_villages() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let path = |n: &str| tmp.path().join(n);
    let (village, township, county, stick, home) = (path("v"), path("t"), path("c"), path("stick"), path("home"));
    std::fs::create_dir(&stick).expect("the stick");
    std::fs::create_dir(&home).expect("a home with no bundles in it");
    init(&village, "village", "330523105214", "青石村", "李秀英");
    init(&township, "township", "330523105000", "石门镇", "王主任");
    init(&county, "county", "330523000000", "石城县", "县综治中心");
    let demand = r#"{"received_on": "2026-11-20", "channel": "PHONE", "requester": "王建国", "kind": "HELP",
        "domain": "ELDER_CARE", "content": "屋顶漏雨，请求帮助修缮"}"#;
    cli(&village, &["add", "demand"], demand);
    let bundle = path("v.gridlog");
    cli(&village, &["export", "--out", bundle.to_str().expect("path")], "");
    cli(&township, &["import", "--trust-new", bundle.to_str().expect("path")], "");
    // the county's worker read its fingerprint out to the township, which trusts it
    let county_fp = fingerprint(&county);
    cli(&township, &["keys", "trust", &county_fp], "");

    // the township chooses 统计文件（报县） in its export prompt: the suggested file is on the stick,
    // sealed for the county's key as `gridlog export --stats-only` seals it
    let dir = township.to_str().expect("utf-8 path");
    let mut app = Launch::gridlog(&["--data-dir", dir, "--lang", "zh"])
        .env("GRIDLOG_MEDIA_DIRS", stick.to_str().expect("utf-8 path"))
        .cwd(&home)
        .spawn();
    app.wait_for("the dashboard", |s| s.contains("1 首页") && s.contains("q 退出"));
    app.key(Key::Char('6'));
    app.wait_for_text("同步");
    app.key(Key::Char('e'));
    app.wait_for_text("导出数据包");
    app.key(Key::Tab);
    app.key(Key::Right);
    let screen = app.wait_for_text("导出统计文件（报县）");
    assert!(screen.contains("石门镇-统计-"), "a statistics file is suggested:\n{screen}");
    app.key(Key::Enter);
    let screen = app.wait_for_text("已导出统计文件");
    assert!(screen.contains("1 个地方"), "its village:\n{screen}");
    assert!(screen.contains("为 县里 加密"), "sealed for the county:\n{screen}");
    app.key(Key::Char('q'));
    let status = app.wait_exit(pty::TIMEOUT);
    assert!(status.success(), "gridlog exited with {status:?}");
    let written: Vec<String> = std::fs::read_dir(&stick)
        .expect("the stick")
        .map(|e| e.expect("an entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(matches!(written.as_slice(), [one] if one.starts_with("石门镇-统计-")), "{written:?}");

    let dir = county.to_str().expect("utf-8 path");
    let mut app = Launch::gridlog(&["--data-dir", dir, "--lang", "zh"])
        .env("GRIDLOG_MEDIA_DIRS", stick.to_str().expect("utf-8 path"))
        .cwd(&home)
        .spawn();
    app.wait_for("the dashboard", |s| s.contains("1 首页") && s.contains("q 退出"));
    app.key(Key::Char('6'));
    app.wait_for_text("同步");
    app.key(Key::Char('i'));
    let screen = app.wait_for_text("找到 1 个");
    assert!(
        screen.contains("石门镇 · 王主任") && screen.contains("统计文件"),
        "listed as a statistics file:\n{screen}"
    );
    app.key(Key::Enter);
    // the township's key is new here: its whole fingerprint is shown to compare
    let screen = app.wait_for_text("新的签名密钥");
    let fp = fingerprint(&township);
    assert!(screen.replace(' ', "").contains(&fp[..16]), "the fingerprint is shown:\n{screen}");
    app.key(Key::Char('y'));
    app.wait_for_text("已导入 石门镇");
    app.key(Key::Char('7'));
    let screen = app.wait_for_text("青石村");
    assert!(screen.contains("330523105214"), "the village's row in the county's report:\n{screen}");
    app.key(Key::Char('q'));
    let status = app.wait_exit(pty::TIMEOUT);
    assert!(status.success(), "gridlog exited with {status:?}");

    // the county now trusts the township, and holds its figures only
    let keys = cli(&county, &["keys", "list", "--json"], "");
    assert!(keys.contains(&fp), "{keys}");
    let report = cli(&county, &["report", "--period", "2026-11", "--format", "json"], "");
    let report: serde_json::Value = serde_json::from_str(&report).expect("JSON");
    assert_eq!(report["total"]["figures"]["demands_received"], 1, "{report}");
}

#[test]
fn the_demo_township_opens_on_its_villages_and_inbox() {
    let tmp = tempfile::tempdir().expect("temp dir");
    // `--demo=township` is the profile demo-township; made small here, it is opened, not remade
    let args = ["--profile", "demo-township", "demo", "--township", "--villages", "2", "--records", "300"];
    cli(tmp.path(), &args, "");
    let dir = tmp.path().to_str().expect("utf-8 path");
    let mut app = Launch::gridlog(&["--data-dir", dir, "--demo=township", "--lang", "zh"]).spawn();
    let screen = app.wait_for("the township's 首页", |s| s.contains("各村 2 个") && s.contains("上报待答复"));
    for village in ["青石村", "溪口村"] {
        assert!(screen.contains(village), "{village}:\n{screen}");
    }
    assert!(screen.contains("青石镇"), "the township's name in the title:\n{screen}");
    app.key(Key::Char('q'));
}
