//! The loop from the inside: actions in, state and frames out, and the store check run as a
//! real job while the screen stays live.

use std::sync::Arc;
use std::sync::mpsc::channel;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tempfile::TempDir;

use super::{Overlay, Ui};
use crate::app::App;
use crate::domain::Day;
use crate::i18n::{Lang, tr};
use crate::store::Options;
use crate::tui::action::{Action, JobOutput};
use crate::tui::jobs::{JobEvent, Jobs, Outcome};
use crate::tui::tab::Tab;
use crate::tui::theme::Theme;

const WAIT: Duration = Duration::from_secs(30);

fn now() -> u64 {
    let d = Day::parse("2026-11-27").expect("a valid day");
    d.0 as u64 * 86_400_000 + 2 * 3_600_000
}

fn demo() -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    App::demo_at(dir.path(), &Options::default(), Lang::Zh, 300, 1, now, &|_| {}).expect("demo store");
    dir
}

fn ui(dir: &TempDir) -> Ui {
    let mut app = App::open(dir.path(), &Options::default(), Lang::Zh).expect("open");
    app.set_clock(now);
    app.clear_draft();
    let mut ui = Ui::new(app, Theme::new(true));
    assert!(ui.update(Action::Resize(80, 24)), "a new size is drawn");
    ui
}

fn key(ui: &mut Ui, code: KeyCode) -> bool {
    ui.on_key(KeyEvent::from(code))
}

fn screen(ui: &Ui) -> String {
    let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    let frame = term.draw(|f| ui.draw(f)).expect("draw");
    let buf = frame.buffer;
    (0..buf.area.height)
        .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
        // a wide character's second cell
        .replace(' ', "")
}

/// Takes in the running job's events until it ends.
fn run_job(ui: &mut Ui) {
    while ui.job_running() {
        let ev = ui.jobs.recv_timeout(WAIT).expect("the job reports");
        ui.update(Action::Job(ev));
    }
}

#[test]
fn only_a_change_asks_for_a_frame() {
    let dir = demo();
    let mut ui = ui(&dir);
    assert!(!key(&mut ui, KeyCode::Char('z')), "a key without meaning on the dashboard");
    assert!(!ui.update(Action::Tick), "the same day");
    assert!(!key(&mut ui, KeyCode::Up), "already on the first item");
    assert!(key(&mut ui, KeyCode::Char('2')));
    assert_eq!(ui.tab(), Tab::Demands);
    assert!(!key(&mut ui, KeyCode::Char('2')), "the tab is shown already");
}

#[test]
fn tabs_follow_the_enum_and_wrap_around() {
    let dir = demo();
    let mut ui = ui(&dir);
    key(&mut ui, KeyCode::Char('6'));
    assert_eq!(ui.tab(), Tab::Sync);
    key(&mut ui, KeyCode::Right);
    assert_eq!(ui.tab(), Tab::Reports);
    // on 报表 ← → step the period: Tab and Shift+Tab still go round
    key(&mut ui, KeyCode::Right);
    assert_eq!(ui.tab(), Tab::Reports);
    key(&mut ui, KeyCode::Tab);
    assert_eq!(ui.tab(), Tab::Home);
    key(&mut ui, KeyCode::BackTab);
    assert_eq!(ui.tab(), Tab::Reports);
    assert!(!key(&mut ui, KeyCode::Char('n')), "no new record on the reports tab");
    assert!(ui.stack.is_empty());
    key(&mut ui, KeyCode::Char('4'));
    key(&mut ui, KeyCode::Char('n'));
    assert!(
        matches!(ui.stack.last(), Some(Overlay::Form(f)) if f.target == crate::tui::form::Target::Create(crate::domain::Kind::Hazard))
    );
}

#[test]
fn overlays_stay_until_they_close_themselves() {
    let dir = demo();
    let mut ui = ui(&dir);
    key(&mut ui, KeyCode::Char('2'));
    key(&mut ui, KeyCode::Enter);
    assert!(matches!(ui.stack.as_slice(), [Overlay::Detail(_)]));
    // keys that do nothing on a record leave it open
    key(&mut ui, KeyCode::Char('z'));
    key(&mut ui, KeyCode::Down);
    assert!(matches!(ui.stack.as_slice(), [Overlay::Detail(_)]));
    // search opens above it; nothing found, moving stays; Esc goes back to the record
    key(&mut ui, KeyCode::Char('/'));
    key(&mut ui, KeyCode::Down);
    key(&mut ui, KeyCode::Enter);
    assert!(matches!(ui.stack.as_slice(), [Overlay::Detail(_), Overlay::Search(_)]));
    key(&mut ui, KeyCode::Esc);
    assert!(matches!(ui.stack.as_slice(), [Overlay::Detail(_)]));
    // help closes on any key, a paste does not close it
    key(&mut ui, KeyCode::Char('?'));
    ui.on_paste("x");
    assert!(matches!(ui.stack.as_slice(), [Overlay::Detail(_), Overlay::Help(_)]));
    key(&mut ui, KeyCode::Char('x'));
    key(&mut ui, KeyCode::Esc);
    assert!(ui.stack.is_empty());
}

#[test]
fn the_store_check_runs_as_a_job_with_a_gauge_and_ends_in_the_status_line() {
    let dir = demo();
    let mut ui = ui(&dir);
    key(&mut ui, KeyCode::Char('6'));
    assert!(key(&mut ui, KeyCode::Char('c')), "the check starts");
    assert!(ui.job_running());
    let title = tr(Lang::Zh, "tui.check.title", &[]);
    assert!(screen(&ui).contains(&title), "the gauge shows the job:\n{}", screen(&ui));
    // the screen stays live while it runs
    key(&mut ui, KeyCode::Char('2'));
    assert_eq!(ui.tab(), Tab::Demands);
    run_job(&mut ui);
    let (msg, alert) = ui.status.clone().expect("the outcome");
    assert!(!alert && msg.contains("台账完好"), "{msg}");
    assert!(screen(&ui).contains("台账完好"));
    assert_eq!(Arc::strong_count(&ui.app), 1, "the job let go of the store");
}

#[test]
fn a_cancelled_check_stops_and_says_so() {
    let dir = demo();
    let app = Arc::new(App::open(dir.path(), &Options::default(), Lang::Zh).expect("open"));
    let mut jobs: Jobs<JobOutput> = Jobs::new();
    let (go, wait) = channel::<()>();
    let shared = app.clone();
    jobs.start("check", move |h| {
        let _ = wait.recv_timeout(WAIT);
        crate::tui::sync::check_store(&shared, Lang::Zh, h)
    });
    jobs.cancel();
    go.send(()).expect("the job waits");
    let outcome = loop {
        let ev = jobs.recv_timeout(WAIT).expect("the job reports");
        if let Some((_, o)) = jobs.apply(ev) {
            break o;
        }
    };
    assert!(matches!(outcome, Outcome::Cancelled), "{outcome:?}");
    assert_eq!(Arc::strong_count(&app), 1, "the job let go of the store");
}

#[test]
fn saving_waits_for_a_job_that_shares_the_store() {
    let dir = demo();
    let mut ui = ui(&dir);
    let (go, wait) = channel::<()>();
    let shared = ui.app.clone();
    ui.jobs.start("hold", move |_| {
        let _keep = shared;
        let _ = wait.recv_timeout(WAIT);
        Ok(JobOutput::Message("done".into()))
    });
    key(&mut ui, KeyCode::Char('5'));
    key(&mut ui, KeyCode::Char('n'));
    for c in "测试人".chars() {
        key(&mut ui, KeyCode::Char(c));
    }
    ui.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    assert!(matches!(ui.stack.last(), Some(Overlay::Form(_))), "the form stays open");
    let (msg, alert) = ui.status.clone().expect("why");
    assert!(alert && msg.contains("hold"), "{msg}");
    go.send(()).expect("the job waits");
    run_job(&mut ui);
    ui.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    assert_eq!(ui.status.clone().map(|s| s.0), Some(tr(Lang::Zh, "tui.saved", &[])));
    assert!(matches!(ui.stack.last(), Some(Overlay::Detail(_))), "the new record is shown");
}

#[test]
fn events_of_no_running_job_change_nothing() {
    let dir = demo();
    let mut ui = ui(&dir);
    assert!(
        !ui.update(Action::Job(JobEvent::Finished(99, Outcome::Done(JobOutput::Message("x".into()))))),
        "no such job"
    );
    assert!(ui.status.is_none());
}

#[test]
fn help_scrolls_in_a_small_window() {
    let dir = demo();
    let mut ui = ui(&dir);
    ui.update(Action::Resize(60, 16));
    key(&mut ui, KeyCode::Char('?'));
    let Some(Overlay::Help(h)) = ui.stack.last() else { panic!("help is open") };
    assert_eq!(h.scroll, 0);
    assert!(key(&mut ui, KeyCode::PageDown), "help scrolls");
    for _ in 0..40 {
        key(&mut ui, KeyCode::Down);
    }
    let Some(Overlay::Help(h)) = ui.stack.last() else { panic!("scrolling keeps help open") };
    let end = h.scroll;
    assert!(end > 0);
    key(&mut ui, KeyCode::Down);
    assert!(matches!(ui.stack.last(), Some(Overlay::Help(h)) if h.scroll == end), "the end of the text stops");
    key(&mut ui, KeyCode::Up);
    assert!(matches!(ui.stack.last(), Some(Overlay::Help(h)) if h.scroll == end - 1));
    key(&mut ui, KeyCode::Char('x'));
    assert!(ui.stack.is_empty(), "another key closes help");
}

#[test]
fn home_pages_and_its_last_page_has_no_blank_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    App::demo_at(dir.path(), &Options::default(), Lang::Zh, 4000, 1, now, &|_| {}).expect("demo store");
    let mut ui = ui(&dir);
    let items = ui.app.dashboard().expect("dashboard").items.len();
    assert!(items > 20, "more items than rows: {items}");
    assert!(key(&mut ui, KeyCode::Char('G')) || items <= 1, "G goes to the last item");
    // the work list's last row (above its frame, above the footer) shows an item
    let text = screen(&ui);
    let rows: Vec<&str> = text.lines().collect();
    let last = rows[21];
    assert!(last.starts_with('│') && !last[3..].starts_with('│'), "no blank row at the end ({items} items):\n{text}");
    assert!(key(&mut ui, KeyCode::Char('g')) || items <= 1, "g goes back to the first");
    assert_eq!(key(&mut ui, KeyCode::PageDown), items > 1, "PgDn moves down a page");
}

#[test]
fn a_refusal_on_save_has_its_own_line_and_is_not_called_a_field_problem() {
    use crate::domain::{Kind, Value};
    let dir = demo();
    let mut ui = ui(&dir);
    let input = serde_json::json!({"found_on": "2026-11-27", "location": "村口加工点", "owner": "BUSINESS",
        "category": "FIRE", "description": "住宿与车间未分隔", "grade": "MAJOR"});
    let major = Arc::get_mut(&mut ui.app).expect("no job").add(Kind::Hazard, &input).expect("a MAJOR hazard");
    assert_eq!(major.entity.state.get("grade"), Some(&Value::Text("MAJOR".into())));
    let id = major.entity.id;
    // closing is not offered; forced (as a race with another device could), it is refused
    let form = crate::tui::form::Form::action(
        Kind::Hazard,
        id,
        "close",
        &major.entity.state,
        Lang::Zh,
        ui.app.today(),
        &|r| r.to_string(),
    )
    .expect("a close form");
    ui.stack.push(Overlay::Form(Box::new(form)));
    key(&mut ui, KeyCode::Enter);
    let (msg, alert) = ui.status.clone().expect("the refusal");
    assert!(alert && !msg.is_empty());
    assert_ne!(msg, tr(Lang::Zh, "tui.form.fix", &[]), "a form without fields has no field to fix");
    let text = screen(&ui);
    assert!(text.contains(&tr(Lang::Zh, "tui.form.confirm_action", &[]).replace(' ', "")), "the prompt stays:\n{text}");
    assert!(matches!(ui.stack.last(), Some(Overlay::Form(f)) if f.errors.is_empty()));
}

#[test]
fn a_second_person_with_a_registered_id_number_is_refused_and_the_first_is_offered() {
    use crate::domain::Kind;
    let dir = demo();
    let mut ui = ui(&dir);
    let first = Arc::get_mut(&mut ui.app)
        .expect("no job")
        .add(Kind::Person, &serde_json::json!({"name": "王建国", "id_number": "11010519491231002X"}))
        .expect("the first person");
    let mut form = crate::tui::form::Form::create(Kind::Person, Lang::Zh, ui.app.today(), &[]);
    form.prefill(&serde_json::json!({"name": "王建华", "id_number": "11010519491231002X"}), &|r| r.to_string());
    ui.stack.push(Overlay::Form(Box::new(form)));
    let before = ui.app.list(&crate::app::ListQuery { kind: Some(Kind::Person), limit: 0, ..Default::default() });
    ui.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    let after = ui.app.list(&crate::app::ListQuery { kind: Some(Kind::Person), limit: 0, ..Default::default() });
    assert_eq!(before.expect("list").len(), after.expect("list").len(), "nothing is written");
    let (msg, alert) = ui.status.clone().expect("the refusal");
    assert!(alert && msg.contains(&first.entity.id.to_string()), "the refusal names the record: {msg}");
    assert!(
        matches!(ui.stack.last(), Some(Overlay::Confirm(super::Confirm::OpenExisting(id))) if *id == first.entity.id)
    );
    // y opens that record above the form, which keeps what was typed
    key(&mut ui, KeyCode::Char('y'));
    assert!(matches!(ui.stack.last(), Some(Overlay::Detail(d)) if d.id == first.entity.id));
    assert!(matches!(ui.stack.get(ui.stack.len() - 2), Some(Overlay::Form(_))));
}
