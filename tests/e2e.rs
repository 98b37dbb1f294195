//! End-to-end tests of the TUI: the real `gridlog` binary in a pseudo-terminal, driven with the
//! bytes a terminal sends and read back through a terminal emulator (see `tests/pty/mod.rs`).
//! Each test has its own store in a temporary directory; "today" is fixed by `GRIDLOG_NOW`.

#![cfg(unix)] // drives a pseudo-terminal (tests/pty/mod.rs): unix only

#[path = "pty/mod.rs"]
mod pty;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use pty::{BIN, Key, Launch, PtyApp, TODAY};
use serde_json::Value;
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// Stores and the command line

/// A store in its own temporary directory (removed on drop).
struct Store {
    _tmp: TempDir,
    dir: PathBuf,
}

impl Store {
    fn empty() -> Store {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("store");
        Store { _tmp: tmp, dir }
    }

    /// The test village, initialised from the command line.
    fn initialised() -> Store {
        let s = Store::empty();
        s.cli(&[
            "init",
            "--role",
            "village",
            "--division",
            "330523105214",
            "--place",
            "青石村",
            "--worker",
            "李秀英",
            "--grid",
            "第一网格",
        ]);
        s
    }

    /// The demo village: 2000 records, seed 1 (it has residents named 张三 and 曾刚).
    fn demo() -> Store {
        let s = Store::empty();
        s.cli(&["demo", "--records", "2000", "--seed", "1"]);
        s
    }

    fn dir(&self) -> &str {
        self.dir.to_str().expect("utf-8 temp path")
    }

    /// Runs a CLI command on this store; panics unless it succeeds; returns stdout.
    fn cli(&self, args: &[&str]) -> String {
        cli(&self.dir, args)
    }

    /// The TUI on this store, in Chinese.
    fn tui(&self, extra: &[&str]) -> Launch {
        let mut args = vec!["--data-dir", self.dir(), "--lang", "zh"];
        args.extend_from_slice(extra);
        Launch::gridlog(&args)
    }
}

/// `gridlog --data-dir DIR ARGS`, which must succeed; returns stdout.
fn cli(dir: &Path, args: &[&str]) -> String {
    cli_with_input(dir, args, "")
}

/// Like [`cli`], with `input` on stdin.
fn cli_with_input(dir: &Path, args: &[&str], input: &str) -> String {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("GRIDLOG_NOW", TODAY)
        .env_remove("GRIDLOG_DATA_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run gridlog");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    let out = child.wait_with_output().expect("wait for gridlog");
    assert!(
        out.status.success(),
        "gridlog {args:?} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

fn json(stdout: &str) -> Vec<Value> {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not a JSON array ({e}):\n{stdout}"))
}

/// Waits for the first complete frame of the tabs screen.
#[track_caller]
fn wait_for_home(app: &PtyApp) {
    app.wait_for("the dashboard and its footer", |s| s.contains("1 首页") && s.contains("q 退出"));
}

#[track_caller]
fn quit(app: &mut PtyApp) {
    app.key(Key::Char('q'));
    let status = app.wait_exit(pty::TIMEOUT);
    assert!(status.success(), "gridlog exited with {status:?}; the screen:\n{}", app.screen_text());
}

// ---------------------------------------------------------------------------------------------
// Forms: Chinese typed and pasted, saved, listed

#[test]
fn a_demand_typed_and_pasted_in_chinese_is_saved_and_listed() {
    let store = Store::initialised();
    let mut app = store.tui(&[]).spawn();
    wait_for_home(&app);

    app.key(Key::Char('2'));
    app.wait_for_text("诉求（t 切换到走访）");
    app.key(Key::Char('n'));
    app.wait_for_text("新建诉求");

    // 受理日期 defaults to today; 渠道: the first choice
    app.keys(&[Key::Tab, Key::Right, Key::Tab]);
    // 诉求人: a plain name (no resident of that name exists)
    app.send_str("王大爷");
    app.wait_for_text("王大爷");
    // 诉求类型, 诉求领域: first choices
    app.keys(&[Key::Tab, Key::Right, Key::Tab, Key::Right, Key::Tab]);
    // 诉求内容 (several lines allowed): typed, then pasted with a line break
    app.send_str("老人独居，");
    app.paste("希望在卫生间\n安装扶手");
    app.wait_for_text("安装扶手");
    app.key(Key::Ctrl('s'));

    let saved = app.wait_for_text("已保存");
    assert!(saved.contains("诉求人：王大爷"), "the new demand's record is shown:\n{saved}");

    app.key(Key::Esc);
    let list = app.wait_for("the demand list again", |s| {
        s.contains("诉求（t 切换到走访）") && s.contains("1 条") && s.contains("s/c/o/d")
    });
    assert!(list.contains("老人独居，希望在卫生间"), "the list shows the new demand:\n{list}");
    quit(&mut app);

    let demands = json(&store.cli(&["list", "demand", "--json"]));
    assert_eq!(demands.len(), 1, "{demands:#?}");
    let d = &demands[0];
    assert_eq!(d["requester"], "王大爷");
    assert_eq!(d["content"], "老人独居，希望在卫生间\n安装扶手", "typed + pasted, the line break kept");
    assert_eq!(d["received_on"], TODAY);
    assert_eq!(d["status"], "RECEIVED");
}

#[test]
fn a_multi_line_content_keeps_its_line_break_on_the_record_screen() {
    let store = Store::initialised();
    let input = r#"{"received_on": "2026-11-27", "channel": "PHONE", "requester": "王大爷", "kind": "HELP",
        "domain": "INFRA", "content": "老人独居，\n希望安装扶手"}"#;
    cli_with_input(&store.dir, &["add", "demand"], input);
    let mut app = store.tui(&[]).spawn();
    wait_for_home(&app);
    app.key(Key::Char('2'));
    app.wait_for("the demand list", |s| s.contains("1 条") && s.contains("s/c/o/d"));
    app.key(Key::Enter);
    let record = app.wait_for("the record", |s| s.contains("诉求内容：") && s.contains("Esc 返回"));
    assert!(record.contains("希望安装扶手"), "both lines are shown:\n{record}");
    assert!(!record.contains("老人独居，希望安装扶手"), "the two lines are not glued together:\n{record}");
    app.key(Key::Esc);
    app.wait_for("the list", |s| s.contains("s/c/o/d"));
    quit(&mut app);
}

// ---------------------------------------------------------------------------------------------
// Window size

#[test]
fn a_too_small_window_says_so_and_recovers_after_resizing_back() {
    let store = Store::initialised();
    let mut app = store.tui(&[]).size(80, 24).spawn();
    wait_for_home(&app);

    app.resize(50, 12);
    let small = app.wait_for_text("窗口太小");
    assert!(!small.contains("1 首页"), "nothing else is drawn:\n{small}");

    // keys do nothing on the hidden screen: `n` opens no form
    app.key(Key::Char('n'));
    app.key(Key::Char('2'));
    app.wait_idle(std::time::Duration::from_millis(200));

    app.resize(80, 24);
    let back = app.wait_for("the tabs and footer again", |s| s.contains("1 首页") && s.contains("q 退出"));
    assert!(!back.contains("窗口太小"), "the message is gone:\n{back}");
    assert!(!back.contains("新建走访"), "no form was opened while the window was too small:\n{back}");
    assert!(back.contains("待办与逾期"), "still on 首页, not the tab `2` would show:\n{back}");
    quit(&mut app);
}

// ---------------------------------------------------------------------------------------------
// Drafts survive a crash

#[test]
fn a_draft_survives_a_kill_and_is_offered_on_restart() {
    let store = Store::initialised();
    let mut app = store.tui(&[]).spawn();
    wait_for_home(&app);
    app.key(Key::Char('4'));
    app.wait_for_text("隐患");
    app.key(Key::Char('n'));
    app.wait_for_text("新建隐患");
    // 发现日期, 排查人, then 隐患部位
    app.keys(&[Key::Tab, Key::Tab]);
    app.send_str("村小学东侧围墙开裂");
    // the draft is written before the frame that shows the text
    app.wait_for_text("村小学东侧围墙开裂");
    app.kill();

    let mut again = store.tui(&[]).spawn();
    let offer = again.wait_for_text("草稿");
    assert!(offer.contains("新建隐患"), "the dialog names the form:\n{offer}");
    assert!(offer.contains("r 恢复") && offer.contains("d 丢弃"), "explicit keys:\n{offer}");
    // `n` is the key a worker presses first (a new record): it must not lose the draft
    again.key(Key::Char('n'));
    again.key(Key::Char('y'));
    again.wait_idle(std::time::Duration::from_millis(200));
    let still = again.screen_text();
    assert!(still.contains("草稿") && !still.contains("Ctrl+S"), "the offer is still there:\n{still}");
    // `d` asks before discarding; `n` goes back to the offer
    again.key(Key::Char('d'));
    again.wait_for_text("丢弃这份草稿");
    again.key(Key::Char('n'));
    again.wait_for("the offer again", |s| s.contains("r 恢复") && !s.contains("丢弃这份草稿"));
    again.key(Key::Char('r'));
    let form = again
        .wait_for("the restored form", |s| s.contains("新建隐患") && s.contains("Ctrl+S 保存") && !s.contains("草稿"));
    assert!(form.contains("村小学东侧围墙开裂"), "the typed text is back:\n{form}");

    // once restored and abandoned, the draft is not offered again
    again.key(Key::Esc);
    again.wait_for_text("放弃本表单的修改");
    again.key(Key::Char('y'));
    again.wait_for("the form closed", |s| s.contains("q 退出") && !s.contains("新建隐患"));
    quit(&mut again);
    let mut third = store.tui(&[]).spawn();
    let home = third.wait_for("the dashboard", |s| s.contains("q 退出"));
    assert!(!home.contains("草稿"), "the discarded draft is gone:\n{home}");
    quit(&mut third);
}

// ---------------------------------------------------------------------------------------------
// Search

/// A search result line naming the resident `name`.
fn resident_found(screen: &str, name: &str) -> bool {
    screen.lines().any(|l| l.contains("居民") && l.split_whitespace().any(|w| w.trim_matches('│') == name))
}

#[test]
fn pinyin_initials_find_the_person_on_the_demo_store() {
    let store = Store::demo();
    let mut app = store.tui(&[]).spawn();
    wait_for_home(&app);
    app.key(Key::Char('/'));
    app.wait_for_text("搜索：");

    app.send_str("zs");
    app.wait_for("张三 among the results for zs", |s| s.contains("搜索：zs") && resident_found(s, "张三"));

    app.key(Key::Esc);
    app.wait_for("the dashboard", |s| !s.contains("搜索：") && s.contains("q 退出"));
    quit(&mut app);
}

#[test]
fn pinyin_initials_find_zeng_gang_under_both_readings_of_zeng() {
    let store = Store::demo();
    let mut app = store.tui(&[]).spawn();
    wait_for_home(&app);
    app.key(Key::Char('/'));
    app.wait_for_text("搜索：");

    app.send_str("zs");
    app.wait_for("results for zs", |s| s.contains("搜索：zs") && s.contains("找到"));
    app.keys(&[Key::Backspace, Key::Backspace]);
    app.send_str("zg");
    app.wait_for("曾刚 among the results for zg", |s| s.contains("搜索：zg") && resident_found(s, "曾刚"));

    // 曾 is also read céng
    app.keys(&[Key::Backspace, Key::Backspace]);
    app.send_str("cg");
    app.wait_for("曾刚 among the results for cg", |s| s.contains("搜索：cg") && resident_found(s, "曾刚"));

    app.key(Key::Esc);
    app.wait_for("the dashboard", |s| !s.contains("搜索：") && s.contains("q 退出"));
    quit(&mut app);
}

// ---------------------------------------------------------------------------------------------
// The terminal is given back as it was

const PASTE_OFF: &[u8] = b"\x1b[?2004l";
const MOUSE_OFF: &[u8] = b"\x1b[?1000l"; // the last part of crossterm's DisableMouseCapture
const LEAVE_ALT_SCREEN: &[u8] = b"\x1b[?1049l";
const SHOW_CURSOR: &[u8] = b"\x1b[?25h";

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// Where the last cursor move (`ESC [ row ; col H`) starts: the end of the last frame.
fn last_cursor_move(raw: &[u8]) -> Option<usize> {
    (0..raw.len()).rev().find(|&i| {
        let Some(rest) = raw[i..].strip_prefix(b"\x1b[") else { return false };
        let digits = rest.iter().take_while(|b| b.is_ascii_digit() || **b == b';').count();
        digits > 0 && rest.get(digits) == Some(&b'H')
    })
}

#[test]
fn quitting_restores_the_terminal_modes() {
    let store = Store::initialised();
    let mut app = store.tui(&["--mouse"]).spawn();
    wait_for_home(&app);
    app.wait_idle(Duration::from_millis(100));
    let running = app.local_modes();
    assert_eq!(running & (libc::ICANON | libc::ECHO), 0, "raw mode while running");
    assert!(app.with_screen(|s| s.alternate_screen() && s.bracketed_paste()), "alternate screen, bracketed paste");
    assert!(
        app.with_screen(|s| s.mouse_protocol_mode() != vt100::MouseProtocolMode::None),
        "--mouse captures the mouse"
    );

    quit(&mut app);

    let raw = app.raw();
    let frame_end = last_cursor_move(&raw).expect("the program drew something");
    for (name, seq) in [
        ("bracketed paste off", PASTE_OFF),
        ("mouse capture off", MOUSE_OFF),
        ("leave the alternate screen", LEAVE_ALT_SCREEN),
        ("show the cursor", SHOW_CURSOR),
    ] {
        let at = rfind(&raw, seq).unwrap_or_else(|| panic!("{name} ({seq:?}) was never sent"));
        assert!(at > frame_end, "{name} comes after the last frame");
    }
    let tail = &raw[frame_end..];
    for on in [&b"\x1b[?2004h"[..], b"\x1b[?1000h", b"\x1b[?1049h"] {
        assert!(rfind(tail, on).is_none(), "nothing is switched back on after the last frame: {on:?}");
    }
    let hidden = rfind(&raw, b"\x1b[?25l").unwrap_or(0);
    assert!(rfind(&raw, SHOW_CURSOR) > Some(hidden), "the cursor is shown after it was last hidden");
    app.with_screen(|s| {
        assert!(!s.alternate_screen(), "back on the main screen");
        assert!(!s.bracketed_paste(), "bracketed paste off");
        assert!(!s.hide_cursor(), "cursor shown");
        assert_eq!(s.mouse_protocol_mode(), vt100::MouseProtocolMode::None, "mouse released");
    });
    let after = app.local_modes();
    assert_eq!(after & (libc::ICANON | libc::ECHO), libc::ICANON | libc::ECHO, "cooked mode with echo again");
}

// ---------------------------------------------------------------------------------------------
// Quiet when idle, cheap when moving

/// The row drawn in reverse video across most of its width: the selected list row.
fn selected_row(s: &vt100::Screen) -> Option<u16> {
    let (rows, cols) = s.size();
    (0..rows.get()).find(|&r| {
        let reversed = (0..cols.get()).filter(|&c| s.cell(r, c).is_some_and(|cell| cell.inverse())).count();
        reversed > usize::from(cols.get()) / 2
    })
}

#[test]
fn an_idle_screen_sends_no_bytes() {
    let store = Store::demo();
    let app = store.tui(&[]).spawn();
    wait_for_home(&app);
    app.wait_idle(Duration::from_millis(200));
    let first_frame = app.bytes_written();
    // no input: a TUI without a tick has nothing to say
    std::thread::sleep(Duration::from_millis(1500));
    let idle = app.bytes_written() - first_frame;
    eprintln!("first frame: {first_frame} bytes; then {idle} bytes in 1.5 s idle");
    assert_eq!(idle, 0, "bytes written while idle");
}

/// Prints what one step down a list costs on the wire (over SSH, every byte counts); the
/// budget is 500 bytes, reported rather than asserted, since it depends on the data shown.
#[test]
fn moving_the_selection_one_row_is_measured_in_bytes() {
    let store = Store::demo();
    let mut app = store.tui(&[]).spawn();
    wait_for_home(&app);
    app.key(Key::Char('2'));
    app.wait_for("the demand list", |s| s.contains("诉求（t 切换到走访）") && s.contains("s/c/o/d"));
    app.wait_idle(Duration::from_millis(200));
    let from = app.with_screen(selected_row).expect("a row is selected");
    let before = app.bytes_written();

    app.key(Key::Char('j'));
    app.wait_screen("the selection one row down", pty::TIMEOUT, |s| selected_row(s) == Some(from + 1));
    app.wait_idle(Duration::from_millis(200));
    let bytes = app.bytes_written() - before;
    eprintln!("one row down in the demand list (80x24): {bytes} bytes (budget 500)");
    quit(&mut app);
}

// ---------------------------------------------------------------------------------------------
// demo.tape, replayed

/// One step of a VHS tape, as the replay understands it.
#[derive(Debug)]
enum Step {
    /// Start the program with these arguments (from `cargo run --release -- ARGS`).
    Launch(Vec<String>),
    Type(String),
    Key(Key, usize),
    /// `Wait+Screen /TEXT/`: TEXT, literally.
    WaitFor(String),
    Sleep(Duration),
}

/// A tape: the program's environment, the steps from the launch on, what it types, and how
/// long the visible part of the recording lasts (sleeps and typing, without waits).
#[derive(Debug, Default)]
struct Tape {
    env: Vec<(String, String)>,
    steps: Vec<(usize, Step)>,
    typed: Vec<String>,
    visible: Duration,
}

/// A VHS duration: `500ms`, `2s`, `1.5s`, or plain seconds.
fn vhs_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if let Some(ms) = s.strip_suffix("ms") {
        return ms.parse::<f64>().ok().map(|v| Duration::from_secs_f64(v / 1000.0));
    }
    if let Some(m) = s.strip_suffix('m') {
        return m.parse::<f64>().ok().map(|v| Duration::from_secs_f64(v * 60.0));
    }
    s.trim_end_matches('s').parse::<f64>().ok().map(Duration::from_secs_f64)
}

/// A quoted VHS string: "…", '…' or `…`.
fn vhs_string(s: &str) -> Option<String> {
    let s = s.trim();
    let q = s.chars().next()?;
    if !matches!(q, '"' | '\'' | '`') || s.len() < 2 || !s.ends_with(q) {
        return None;
    }
    Some(s[1..s.len() - 1].to_string())
}

fn parse_tape(text: &str) -> Tape {
    let mut tape = Tape::default();
    let mut typing = Duration::from_millis(50); // VHS's default TypingSpeed
    let mut visible = true;
    let mut launched = false;
    let mut swallow_enter = false;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim();
        let (name, speed) = match word.split_once('@') {
            Some((name, at)) => (name, vhs_duration(at).unwrap_or_else(|| panic!("demo.tape:{n}: bad time {at}"))),
            None => (word, typing),
        };
        let count = || -> usize {
            if rest.is_empty() { 1 } else { rest.parse().unwrap_or_else(|_| panic!("demo.tape:{n}: bad count {rest}")) }
        };
        let mut step = None;
        match name {
            "Output" | "Require" | "Source" | "Screenshot" => {}
            "Set" => {
                if let Some(v) = rest.strip_prefix("TypingSpeed") {
                    typing = vhs_duration(v).unwrap_or_else(|| panic!("demo.tape:{n}: bad TypingSpeed"));
                }
            }
            "Env" => {
                let (k, v) = rest.split_once(char::is_whitespace).expect("Env KEY VALUE");
                let v = vhs_string(v).unwrap_or_else(|| v.trim().to_string());
                tape.env.push((k.to_string(), v));
            }
            "Hide" => visible = false,
            "Show" => visible = true,
            "Type" => {
                let s = vhs_string(rest).unwrap_or_else(|| panic!("demo.tape:{n}: Type needs a quoted string"));
                if let Some(cmd) = s.strip_prefix("cargo run") {
                    let (_, args) = cmd.split_once(" -- ").unwrap_or((cmd, ""));
                    step = Some(Step::Launch(args.split_whitespace().map(String::from).collect()));
                    launched = true;
                    swallow_enter = true;
                } else {
                    if visible {
                        tape.visible += speed * s.chars().count() as u32;
                    }
                    tape.typed.push(s.clone());
                    step = Some(Step::Type(s));
                }
            }
            "Sleep" => {
                let d = vhs_duration(rest).unwrap_or_else(|| panic!("demo.tape:{n}: bad Sleep {rest}"));
                if visible {
                    tape.visible += d;
                }
                step = Some(Step::Sleep(d));
            }
            "Wait" | "Wait+Screen" => {
                let pat = rest.strip_prefix('/').and_then(|r| r.strip_suffix('/'));
                let pat = pat.unwrap_or_else(|| panic!("demo.tape:{n}: Wait needs /TEXT/"));
                step = Some(Step::WaitFor(pat.to_string()));
            }
            "Enter" if swallow_enter => swallow_enter = false,
            _ => {
                let key = if let Some(c) = name.strip_prefix("Ctrl+") {
                    let mut chars = c.chars();
                    match (chars.next(), chars.next()) {
                        (Some(c), None) => Key::Ctrl(c),
                        _ => panic!("demo.tape:{n}: the replay knows Ctrl+<letter> only"),
                    }
                } else {
                    match name {
                        "Enter" => Key::Enter,
                        "Escape" => Key::Esc,
                        "Tab" => Key::Tab,
                        "Backspace" => Key::Backspace,
                        "Space" => Key::Space,
                        "Up" => Key::Up,
                        "Down" => Key::Down,
                        "Left" => Key::Left,
                        "Right" => Key::Right,
                        other => panic!("demo.tape:{n}: the replay does not know {other:?}"),
                    }
                };
                let times = if matches!(key, Key::Ctrl(_)) { 1 } else { count() };
                if visible {
                    tape.visible += speed * times as u32;
                }
                step = Some(Step::Key(key, times));
            }
        }
        if let Some(step) = step
            && launched
        {
            tape.steps.push((n, step));
        }
    }
    assert!(launched, "demo.tape never runs `cargo run --release -- ...`");
    tape
}

#[test]
fn the_demo_tape_replays_on_a_fresh_demo_store() {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("demo.tape")).expect("demo.tape");
    let tape = parse_tape(&text);
    let secs = tape.visible.as_secs_f64();
    eprintln!("demo.tape: {secs:.1} s of recording (sleeps and typing)");
    assert!((60.0..=90.0).contains(&secs), "the tour should last 60-90 s, not {secs:.1} s");

    let tmp = tempfile::tempdir().expect("temp dir");
    let data_dir = tmp.path().to_str().expect("utf-8 temp path").to_string();
    let mut app: Option<PtyApp> = None;
    for (line, step) in &tape.steps {
        let at = format!("demo.tape:{line}");
        match step {
            Step::Launch(args) => {
                let mut argv = vec!["--data-dir", data_dir.as_str()];
                argv.extend(args.iter().map(String::as_str));
                let mut launch = Launch::gridlog(&argv).size(120, 36).cwd(tmp.path());
                for (k, v) in &tape.env {
                    launch = launch.env(k, v);
                }
                app = Some(launch.spawn());
            }
            Step::Type(s) => app.as_mut().expect("launched").send_str(s),
            Step::Key(k, times) => {
                let app = app.as_mut().expect("launched");
                for _ in 0..*times {
                    app.key(*k);
                }
            }
            Step::WaitFor(text) => {
                app.as_ref().expect("launched").wait_for(&format!("{text:?} ({at})"), |s| s.contains(text.as_str()));
            }
            Step::Sleep(d) => std::thread::sleep((*d).min(Duration::from_millis(20))),
        }
    }
    let mut app = app.expect("launched");
    let status = app.wait_exit(pty::TIMEOUT);
    assert!(status.success(), "the tour ends with q: {status:?}; the screen:\n{}", app.screen_text());

    // the demand typed in the tour is in the demo store, with its reply
    let out = cli(tmp.path(), &["--demo", "list", "demand", "--limit", "0", "--json"]);
    let new: Vec<Value> = json(&out)
        .into_iter()
        .filter(|d| {
            d["created_at"].as_str().is_some_and(|t| t.starts_with(TODAY))
                && d["received_on"] == TODAY
                && d.get("replies").is_some_and(|r| r.as_array().is_some_and(|a| a.len() == 1))
                && tape.typed.iter().any(|t| d["content"] == t.as_str())
        })
        .collect();
    assert_eq!(new.len(), 1, "one new demand with the tour's content and one reply: {new:#?}");
    let typed = |v: &Value| tape.typed.iter().any(|t| v == t.as_str());
    assert!(typed(&new[0]["requester"]), "the requester typed in the tour: {}", new[0]["requester"]);
    let reply = &new[0]["replies"][0]["reply"];
    assert!(typed(reply), "the reply typed in the tour: {reply}");
    assert_eq!(new[0]["replies"][0]["replied_on"], TODAY, "the reply date defaults to today");
}

// ---------------------------------------------------------------------------------------------
// Visit first: a visit and the demand heard on it

/// The id of the single record `list KIND --json` gives.
fn only_id(store: &Store, kind: &str) -> String {
    let rows = json(&store.cli(&["list", kind, "--json"]));
    assert_eq!(rows.len(), 1, "one {kind}: {rows:#?}");
    rows[0]["id"].as_str().expect("an id").to_string()
}

#[test]
fn a_visit_with_one_demand_takes_at_most_twenty_keys_and_links_both_ways() {
    let store = Store::initialised();
    let hh = cli_with_input(&store.dir, &["add", "household"], r#"{"address": "一组8号"}"#);
    let person = format!(r#"{{"name": "张三", "household": "{}"}}"#, hh.trim());
    cli_with_input(&store.dir, &["add", "person"], &person);
    let mut app = store.tui(&[]).spawn();
    wait_for_home(&app);
    let start = app.keys_pressed();

    // 首页: `n` is a new visit; 走访日期 and 走访人 are filled in
    app.key(Key::Char('n'));
    app.wait_for_text("新建走访");
    app.keys(&[Key::Tab, Key::Tab]);
    app.send_str("一组8号");
    app.wait_for("the household among the candidates", |s| {
        s.matches("一组8号").count() >= 2 && !s.contains("没有找到")
    });
    app.key(Key::Enter);
    app.key(Key::Tab);
    app.send_str("张三");
    app.wait_for("张三 among the candidates", |s| s.matches("张三").count() >= 2 && !s.contains("没有找到"));
    app.key(Key::Enter);
    app.wait_for("张三 picked", |s| s.contains("[张三"));
    app.key(Key::Ctrl('s'));
    let saved = app.wait_for_text("按 d 从此走访提诉求");
    assert!(saved.contains("d 提诉求"), "the visit's record offers to raise a demand:\n{saved}");

    // `d`: the demand form, filled in from the visit, on 诉求类型
    app.key(Key::Char('d'));
    let form = app.wait_for_text("从走访新建诉求");
    assert!(form.contains("入户走访") && form.contains("张三"), "channel and requester filled in:\n{form}");
    // type-to-select: q 求助, yl 养老服务
    app.key(Key::Char('q'));
    app.key(Key::Tab);
    app.keys(&[Key::Char('y'), Key::Char('l')]);
    app.key(Key::Tab);
    app.send_str("老人独居，希望安装扶手");
    app.wait_for_text("希望安装扶手");
    app.key(Key::Ctrl('s'));
    let demand = app.wait_for("the new demand's record", |s| s.contains("已保存") && s.contains("诉求内容："));
    let keys = app.keys_pressed() - start;
    assert!(keys <= 20, "a visit with one demand took {keys} keys besides the typed text");
    assert!(demand.contains(&format!("来源走访：{TODAY}")), "the demand shows its visit:\n{demand}");

    // one Enter away: the demand's visit
    app.key(Key::Enter);
    app.wait_for("the visit's record", |s| s.contains("走访日期：") && s.contains("d 提诉求"));
    app.keys(&[Key::Esc, Key::Esc, Key::Esc]);
    app.wait_for("the dashboard", |s| s.contains("q 退出") && !s.contains("Esc 返回"));
    quit(&mut app);

    let visit = only_id(&store, "visit");
    let demand_id = only_id(&store, "demand");
    let d = &json(&store.cli(&["list", "demand", "--json"]))[0];
    assert_eq!(d["visit"], visit.as_str(), "the demand names its visit");
    assert_eq!(d["channel"], "VISIT");
    assert_eq!(d["demand_kind"], "HELP");
    assert_eq!(d["domain"], "ELDER_CARE");
    let v: Value = serde_json::from_str(&store.cli(&["show", &visit, "--json"])).expect("the visit as JSON");
    assert_eq!(v["raised"], serde_json::json!([demand_id]), "the visit lists what it raised: {v:#}");
}
