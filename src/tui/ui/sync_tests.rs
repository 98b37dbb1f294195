//! The 同步 tab driven by keys: a village exports a bundle to a folder, and a township store
//! imports that file through the file list, the trust dialog and the plan; the records arrive.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::{Overlay, Ui};
use crate::app::{App, InitSpec, ListQuery};
use crate::domain::{Day, Kind};
use crate::i18n::Lang;
use crate::store::Options;
use crate::tui::action::Action;
use crate::tui::sync::SyncDialog;
use crate::tui::theme::Theme;

const WAIT: Duration = Duration::from_secs(60);

fn now() -> u64 {
    Day::parse("2026-11-27").expect("a valid day").0 as u64 * 86_400_000 + 2 * 3_600_000
}

fn store(dir: &Path, role: &str, division: &str, place: &str, worker: &str) -> App {
    let mut app = App::open(dir, &Options::default(), Lang::Zh).expect("open");
    app.set_clock(now);
    let spec = InitSpec {
        role: role.into(),
        division: division.into(),
        place: place.into(),
        worker: worker.into(),
        grid: "第一网格".into(),
    };
    app.init(&spec).expect("init");
    app
}

fn ui(app: App, media: &Path) -> Ui {
    let mut ui = Ui::new(app, Theme::new(true));
    ui.set_bundle_dirs(vec![media.to_path_buf()]);
    ui.update(Action::Resize(80, 24));
    ui
}

fn key(ui: &mut Ui, code: KeyCode) {
    ui.on_key(KeyEvent::from(code));
}

fn run_job(ui: &mut Ui) {
    while ui.job_running() {
        let ev = ui.jobs.recv_timeout(WAIT).expect("the job reports");
        ui.update(Action::Job(ev));
    }
}

fn top(ui: &Ui) -> Option<&SyncDialog> {
    match ui.stack.last() {
        Some(Overlay::Sync(d)) => Some(d),
        _ => None,
    }
}

fn screen(ui: &Ui) -> String {
    let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    let frame = term.draw(|f| ui.draw(f)).expect("draw");
    let buf = frame.buffer;
    (0..buf.area.height)
        .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
        // wide characters' second cells, and every other blank
        .replace(' ', "")
}

fn demands(app: &App) -> Vec<String> {
    let q = ListQuery { kind: Some(Kind::Demand), limit: 0, ..Default::default() };
    let mut v: Vec<String> =
        app.list(&q).expect("list").iter().map(|r| r.entity.state.text("content").unwrap_or("").to_string()).collect();
    v.sort();
    v
}

#[test]
fn a_bundle_exported_from_the_sync_tab_is_imported_by_the_township_through_trust_and_plan() {
    let media = tempfile::tempdir().expect("temp dir");
    let (vdir, tdir) = (tempfile::tempdir().expect("temp dir"), tempfile::tempdir().expect("temp dir"));
    let mut village = store(vdir.path(), "village", "330523105214", "青石村", "李秀英");
    for content in ["屋顶漏雨，请求帮助修缮", "村道路灯不亮"] {
        let input = serde_json::json!({"received_on": "2026-11-26", "channel": "PHONE", "requester": "王建国",
            "kind": "HELP", "domain": "ELDER_CARE", "content": content});
        village.add(Kind::Demand, &input).expect("a demand");
    }
    let sent = demands(&village);

    // the village: 6, e, the prompt prefilled in the media folder, Enter
    let mut v = ui(village, media.path());
    key(&mut v, KeyCode::Char('6'));
    key(&mut v, KeyCode::Char('e'));
    let Some(SyncDialog::Export(p)) = top(&v) else { panic!("the export prompt:\n{}", screen(&v)) };
    let expected = media.path().join("青石村-20261127-1000.gridlog");
    assert_eq!(Path::new(&p.path_text()), expected, "prefilled with the place and the time");
    key(&mut v, KeyCode::Enter);
    assert!(v.job_running() && v.stack.is_empty(), "the prompt closes and the export runs");
    run_job(&mut v);
    let (msg, alert) = v.status.clone().expect("the export's summary");
    assert!(!alert && msg.contains("已导出") && msg.contains("诉求 2"), "{msg}");
    assert!(expected.is_file(), "the bundle is in the media folder");
    assert!(screen(&v).contains("未发送事件0条"), "the tab shows nothing left to send:\n{}", screen(&v));
    assert_eq!(Arc::strong_count(&v.app), 1, "the job let go of the store");

    // the township: 6, i, the file is listed with its producer
    let township = store(tdir.path(), "township", "330523105000", "石门镇", "王主任");
    let mut t = ui(township, media.path());
    key(&mut t, KeyCode::Char('6'));
    key(&mut t, KeyCode::Char('i'));
    run_job(&mut t);
    let Some(SyncDialog::Bundles(list)) = top(&t) else { panic!("the file list:\n{}", screen(&t)) };
    assert_eq!(list.entries.len(), 1);
    assert!(screen(&t).contains("李秀英"), "the producer is shown:\n{}", screen(&t));
    // Enter: the dry run finds an unknown signer, so the trust dialog comes first
    key(&mut t, KeyCode::Enter);
    run_job(&mut t);
    let Some(SyncDialog::Trust(signer)) = top(&t) else { panic!("the trust dialog:\n{}", screen(&t)) };
    let fp = v.app.own_key().expect("the village's key").fingerprint;
    assert_eq!(signer.fingerprint, fp);
    let text = screen(&t);
    assert!(text.contains(&fp[..4]) && text.contains("gridlogkeysshow"), "{text}");
    // Enter does not trust a key; y does, and the plan follows (nothing written yet)
    key(&mut t, KeyCode::Enter);
    assert!(matches!(top(&t), Some(SyncDialog::Trust(_))) && !t.job_running());
    key(&mut t, KeyCode::Char('y'));
    run_job(&mut t);
    let Some(SyncDialog::Plan(plan)) = top(&t) else { panic!("the plan:\n{}", screen(&t)) };
    assert_eq!(plan.plan.created.0.get(&Kind::Demand), Some(&2));
    assert!(!plan.plan.applied);
    assert!(demands(&t.app).is_empty(), "a dry run writes nothing");
    // y imports; every 同步 dialog closes and the records are there
    key(&mut t, KeyCode::Char('y'));
    run_job(&mut t);
    assert!(t.stack.is_empty(), "the dialogs closed");
    let (msg, alert) = t.status.clone().expect("the import's summary");
    assert!(!alert && msg.contains("已导入"), "{msg}");
    assert_eq!(demands(&t.app), sent, "the village's demands arrived");
    assert!(t.app.keys().expect("keys").iter().any(|k| k.fingerprint == fp && k.trust == "trusted"));
    assert!(screen(&t).contains("青石村"), "the village is a peer now:\n{}", screen(&t));
}

#[test]
fn a_damaged_file_is_listed_with_its_reason_and_cannot_be_imported() {
    let media = tempfile::tempdir().expect("temp dir");
    std::fs::write(media.path().join("坏的.gridlog"), b"GRIDLOG not really a bundle").expect("write");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut t = ui(store(dir.path(), "township", "330523105000", "石门镇", "王主任"), media.path());
    key(&mut t, KeyCode::Char('6'));
    key(&mut t, KeyCode::Char('i'));
    run_job(&mut t);
    let Some(SyncDialog::Bundles(list)) = top(&t) else { panic!("the file list:\n{}", screen(&t)) };
    assert!(list.entries[0].info.is_err());
    assert!(screen(&t).contains("无法读取"), "{}", screen(&t));
    key(&mut t, KeyCode::Enter);
    assert!(!t.job_running(), "nothing to import");
    key(&mut t, KeyCode::Esc);
    assert!(t.stack.is_empty());
}

#[test]
fn an_unwritable_destination_is_an_error_in_the_users_language_and_the_screen_goes_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("no-such-folder");
    let mut v = ui(store(dir.path().join("s").as_path(), "village", "330523105214", "青石村", "李秀英"), &missing);
    key(&mut v, KeyCode::Char('6'));
    key(&mut v, KeyCode::Char('e'));
    key(&mut v, KeyCode::Enter);
    run_job(&mut v);
    let (msg, alert) = v.status.clone().expect("why");
    assert!(alert && msg.contains("no-such-folder"), "{msg}");
    key(&mut v, KeyCode::Char('2'));
    assert_eq!(v.tab(), crate::tui::tab::Tab::Demands);
}

#[test]
fn a_refused_bundle_shows_its_reason_and_leaves_the_store_as_it_was() {
    let media = tempfile::tempdir().expect("temp dir");
    let demo_dir = tempfile::tempdir().expect("temp dir");
    App::demo_at(demo_dir.path(), &Options::default(), Lang::Zh, 50, 1, now, &|_| {}).expect("demo");
    let mut demo = App::open(demo_dir.path(), &Options::default(), Lang::Zh).expect("open the demo");
    demo.set_clock(now);
    let spec = crate::app::sync::ExportSpec { out: media.path().join("演示.gridlog"), ..Default::default() };
    demo.export(&spec, &|_, _| true).expect("the demo's bundle");
    drop(demo);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut v = ui(store(dir.path(), "village", "330523105214", "青石村", "李秀英"), media.path());
    key(&mut v, KeyCode::Char('6'));
    key(&mut v, KeyCode::Char('i'));
    run_job(&mut v);
    key(&mut v, KeyCode::Enter);
    run_job(&mut v);
    let Some(SyncDialog::Refused(_, why)) = top(&v) else { panic!("the refusal:\n{}", screen(&v)) };
    assert!(why.iter().any(|l| l.contains("演示")), "the reason names the demo: {why:?}");
    assert!(screen(&v).contains("台账没有任何改动"), "{}", screen(&v));
    assert!(demands(&v.app).is_empty() && v.app.keys().expect("keys").is_empty(), "nothing written");
    // any key closes the refusal; the file list is still there to pick another
    key(&mut v, KeyCode::Char('x'));
    assert!(matches!(top(&v), Some(SyncDialog::Bundles(_))));
}
