//! Snapshots of every TUI screen and form, in Chinese and English, at 80x24 (plus a few at
//! 120x40, the smallest usable window 60x16 and the "window too small" screen at 50x12). The
//! demo store is built on a fixed clock (2026-11-27 10:00 UTC+8), so the data, "today" and
//! "overdue" are the same on every run. The theme is monochrome and only text is compared; a
//! line ending in `!! half a wide character overdrawn` marks something drawn over the right half
//! of a CJK character, which the terminal never shows.
//!
//! Update with `INSTA_UPDATE=always cargo test --test snapshots`, then read every changed
//! `.snap` before committing it.

use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gridlog::app::sync::{ExportSpec, ImportOptions, short_fingerprint};
use gridlog::app::{App, DemoLevel, DemoScale, InitSpec, ListQuery};
use gridlog::domain::lifecycle::statuses_of;
use gridlog::domain::{Day, Kind};
use gridlog::i18n::Lang;
use gridlog::store::Options;
use gridlog::tui::sync::grouped;
use gridlog::tui::{Theme, Ui};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use tempfile::TempDir;
use unicode_width::UnicodeWidthStr;

/// 2026-11-27 10:00 in UTC+8.
fn now() -> u64 {
    let d = Day::parse("2026-11-27").expect("a valid day");
    d.0 as u64 * 86_400_000 + 2 * 3_600_000
}

/// A demo store in its own temporary directory.
struct Fixture {
    dir: TempDir,
    lang: Lang,
}

impl Fixture {
    /// The demo village of 600 records (seed 1).
    fn demo(lang: Lang) -> Fixture {
        Fixture::demo_of(lang, 600)
    }

    /// A demo of `records` records (seed 1): 600 lack some statuses (no hazard is FOUND or
    /// AWAITING_REVIEW, no dispute TERMINATED); 4000 have every status of every kind.
    fn demo_of(lang: Lang, records: usize) -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        App::demo_at(dir.path(), &Options::default(), lang, records, 1, now, &|_| {}).expect("demo store");
        Fixture { dir, lang }
    }

    fn empty(lang: Lang) -> Fixture {
        Fixture { dir: tempfile::tempdir().expect("temp dir"), lang }
    }

    fn open(&self) -> App {
        let mut app = App::open(self.dir.path(), &Options::default(), self.lang).expect("open store");
        app.set_clock(now);
        // what a search shows must not depend on how busy the machine is
        app.set_search_budget(None);
        app
    }

    /// A fresh interface, without the draft a previous screen may have left.
    fn ui(&self) -> Screen {
        let app = self.open();
        app.clear_draft();
        Screen::new(Ui::new(app, Theme::new(true)), self.lang, self.dir.path())
    }

    /// A fresh interface that finds the draft a previous screen left.
    fn ui_keeping_draft(&self) -> Screen {
        Screen::new(Ui::new(self.open(), Theme::new(true)), self.lang, self.dir.path())
    }
}

/// The interface and the 80x24 terminal it is drawn on after every key, as the event loop does.
struct Screen {
    ui: Ui,
    prefix: &'static str,
    dir: String,
    term: Terminal<TestBackend>,
    /// Text that differs from run to run (temporary folders, random keys), and what stands for it.
    redact: Vec<(String, String)>,
}

impl Screen {
    fn new(ui: Ui, lang: Lang, dir: &Path) -> Screen {
        let prefix = match lang {
            Lang::Zh => "zh",
            Lang::En => "en",
        };
        let term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        let mut s = Screen { ui, prefix, dir: dir.display().to_string(), term, redact: Vec::new() };
        s.draw();
        s
    }

    fn draw(&mut self) {
        let ui = &mut self.ui;
        self.term.draw(|f| ui.render(f)).expect("draw");
    }

    fn key(&mut self, code: KeyCode) -> &mut Self {
        self.ui.on_key(KeyEvent::from(code));
        self.draw();
        self
    }

    fn ch(&mut self, c: char) -> &mut Self {
        self.key(KeyCode::Char(c))
    }

    fn ctrl(&mut self, c: char) -> &mut Self {
        self.ui.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
        self.draw();
        self
    }

    fn typed(&mut self, s: &str) -> &mut Self {
        for c in s.chars() {
            self.ch(c);
        }
        self
    }

    fn times(&mut self, code: KeyCode, n: usize) -> &mut Self {
        for _ in 0..n {
            self.key(code);
        }
        self
    }

    /// Snapshot at 80x24.
    fn snap(&mut self, name: &str) -> &mut Self {
        self.snap_at(80, 24, name)
    }

    /// The screen's text at 80x24 now.
    fn text(&mut self) -> String {
        let ui = &mut self.ui;
        let frame = self.term.draw(|f| ui.render(f)).expect("draw");
        screen_text(frame.buffer)
    }

    /// Snapshot at `w`x`h` (the screen is drawn afresh at that size).
    fn snap_at(&mut self, w: u16, h: u16, name: &str) -> &mut Self {
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        let ui = &mut self.ui;
        let frame = term.draw(|f| ui.render(f)).expect("draw");
        let mut text = screen_text(frame.buffer).replace(&self.dir, "[STORE]");
        for (from, to) in &self.redact {
            text = text.replace(from.as_str(), to);
        }
        insta::assert_snapshot!(format!("{}_{w}x{h}_{name}", self.prefix), text);
        self
    }

    /// On tab `tab` (a list tab), with filters cleared and the status filter at `status`.
    fn filter_status(&mut self, tab: char, kind: Kind, status: &str) -> &mut Self {
        let idx = statuses_of(kind).codes.iter().position(|c| c.code == status).expect("a status of the kind");
        let n = self.ui.app().list(&ListQuery {
            kind: Some(kind),
            status: Some(status.into()),
            limit: 1,
            ..Default::default()
        });
        assert!(!n.expect("list").is_empty(), "the demo has a {kind:?} in {status}");
        self.ch(tab).ch('C');
        self.times(KeyCode::Char('s'), idx + 1)
    }

    /// Opens the action form `key` on the first record of `kind` in `status`, snapshots it as
    /// `form_<name>`, and closes form and detail.
    fn action(&mut self, tab: char, kind: Kind, status: &str, key: char, name: &str) -> &mut Self {
        self.filter_status(tab, kind, status).key(KeyCode::Enter).ch(key);
        self.snap(&format!("form_{name}")).key(KeyCode::Esc).key(KeyCode::Esc).ch('C')
    }
}

/// The screen as the terminal shows it, as lines between quotes (so trailing spaces survive
/// editors). The cell after a wide character is never sent to the terminal; when the frame has
/// anything but a blank there (a border or text drawn over the right half of a wide
/// character), it is lost on screen, and the line says so.
fn screen_text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut covered = Vec::new();
        let mut skip = 0;
        for x in 0..buf.area.width {
            let sym = buf[(x, y)].symbol();
            if skip > 0 {
                if sym != " " && !sym.is_empty() {
                    covered.push(format!("{x}:{sym}"));
                }
                skip -= 1;
                continue;
            }
            line.push_str(sym);
            skip = sym.width().saturating_sub(1);
        }
        out.push('"');
        out.push_str(&line);
        out.push('"');
        if !covered.is_empty() {
            out.push_str(&format!(" !! half a wide character overdrawn at {}", covered.join(" ")));
        }
        out.push('\n');
    }
    out
}

fn screens(lang: Lang) {
    let fx = Fixture::demo(lang);
    let mut s = fx.ui();

    // Tabs.
    s.snap("tab1_home").snap_at(120, 40, "tab1_home");
    s.ch('2').snap("tab2_demands").snap_at(120, 40, "tab2_demands");
    s.ch('t').snap("tab2_visits").ch('t');
    s.ch('3').snap("tab3_disputes");
    s.ch('4').snap("tab4_hazards");
    s.ch('5').snap("tab5_persons");
    s.ch('t').snap("tab5_households").ch('t');
    s.ch('6').snap("tab6_sync");
    s.ch('7').snap("tab7_reports").snap_at(120, 40, "tab7_reports");
    // the previous month, by grid, the hazards' table scrolled a column; the export prompt
    s.key(KeyCode::Left).ch('g');
    Fixture::finish(&mut s);
    s.ch('l').ch('l').snap("tab7_reports_grid_hazards");
    s.ch(']').snap("tab7_reports_grid_hazards_scrolled").snap_at(120, 40, "tab7_reports_grid_hazards");
    s.ui.set_bundle_dirs(vec![fx.dir.path().to_path_buf()]);
    s.ch('x').snap("tab7_reports_export").key(KeyCode::Esc);

    // Filters.
    s.filter_status('3', Kind::Dispute, "MEDIATING").snap("tab3_disputes_status_mediating");
    s.ch('C').ch('o').snap("tab3_disputes_overdue");
    s.ch('C').ch('2').ch('o').snap("tab2_demands_overdue");
    s.ch('C').ch('c').ch('d').ch('S').snap("tab2_demands_category_range_sort");
    s.ch('C');
    let closed_overdue = s.ui.app().list(&ListQuery {
        kind: Some(Kind::Hazard),
        status: Some("CLOSED".into()),
        overdue: true,
        ..Default::default()
    });
    assert!(closed_overdue.expect("list").is_empty());
    s.filter_status('4', Kind::Hazard, "CLOSED").ch('o').snap("tab4_hazards_empty").ch('C');

    // Details, one of each kind.
    s.ch('2').key(KeyCode::Enter).snap("detail_demand").snap_at(120, 40, "detail_demand").key(KeyCode::Esc);
    s.ch('t').key(KeyCode::Enter).snap("detail_visit");
    // `d` raises a demand from the visit: pre-filled, on its first empty required field
    s.ch('d').snap("form_raise_demand").key(KeyCode::Esc).key(KeyCode::Esc).ch('t');
    s.ch('3').key(KeyCode::Enter).snap("detail_dispute").key(KeyCode::Esc);
    s.ch('4').key(KeyCode::Enter).snap("detail_hazard").key(KeyCode::Esc);
    s.ch('5').key(KeyCode::Down).key(KeyCode::Down).key(KeyCode::Enter).snap("detail_person").key(KeyCode::Esc);
    s.key(KeyCode::Up).key(KeyCode::Up);
    s.ch('t').key(KeyCode::Enter).snap("detail_household").key(KeyCode::Esc).ch('t');
    s.ch('1').key(KeyCode::Enter).snap("detail_from_home").key(KeyCode::Esc);
    s.ch('4').key(KeyCode::Enter).key(KeyCode::PageDown).snap("detail_hazard_scrolled").key(KeyCode::Esc);

    // Create forms.
    s.ch('2').ch('n').snap("form_new_demand").snap_at(120, 40, "form_new_demand").key(KeyCode::Esc);
    s.ch('t').ch('n').snap("form_new_visit").key(KeyCode::Esc).ch('t');
    s.ch('3').ch('n').snap("form_new_dispute").key(KeyCode::Esc);
    s.ch('4').ch('n').snap("form_new_hazard").key(KeyCode::Esc);
    s.ch('5').ch('n').snap("form_new_person").key(KeyCode::Esc);
    s.ch('t').ch('n').snap("form_new_household").key(KeyCode::Esc).ch('t');
    s.ch('1').ch('n').snap("form_new_from_home").key(KeyCode::Esc);
}

fn action_forms(lang: Lang) {
    let fx = Fixture::demo_of(lang, 4000);
    let mut s = fx.ui();
    let (d, h, q) = (Kind::Dispute, Kind::Hazard, Kind::Demand);

    s.action('3', d, "MEDIATING", 's', "dispute_session");
    s.action('3', d, "MEDIATING", 'a', "dispute_agree");
    s.action('3', d, "AGREED", 'c', "dispute_confirm");
    s.action('3', d, "MEDIATING", 't', "dispute_terminate");
    s.action('3', d, "REGISTERED", 'r', "dispute_refer");
    s.action('3', d, "AGREED", 'f', "dispute_followup");
    s.action('3', d, "REGISTERED", 'u', "dispute_escalate");
    s.action('3', d, "MEDIATING", 'e', "dispute_edit");
    s.action('3', d, "MEDIATING", 'm', "dispute_note");

    s.action('4', h, "FOUND", 'r', "hazard_rectify");
    s.action('4', h, "RECTIFYING", 'd', "hazard_complete");
    s.action('4', h, "AWAITING_REVIEW", 'v', "hazard_review");
    s.action('4', h, "FOUND", 'u', "hazard_escalate");
    s.action('4', h, "FOUND", 'e', "hazard_edit");
    s.action('4', h, "FOUND", 'm', "hazard_note");

    s.action('2', q, "RECEIVED", 'g', "demand_assign");
    s.action('2', q, "IN_PROGRESS", 'r', "demand_reply");
    s.action('2', q, "ANSWERED", 'f', "demand_followup");
    s.action('2', q, "RECEIVED", 'u', "demand_escalate");
    s.action('2', q, "ANSWERED", 'o', "demand_reopen");
    s.action('2', q, "RECEIVED", 'e', "demand_edit");
    s.action('2', q, "RECEIVED", 'm', "demand_note");

    // Plain records: edit and note only.
    s.ch('5').key(KeyCode::Enter).ch('e').snap("form_person_edit").snap_at(120, 40, "form_person_edit");
    s.key(KeyCode::Esc).ch('m').snap("form_person_note").key(KeyCode::Esc).key(KeyCode::Esc);
    s.ch('t').key(KeyCode::Enter).ch('e').snap("form_household_edit").key(KeyCode::Esc).key(KeyCode::Esc).ch('t');
    s.ch('2').ch('t').key(KeyCode::Enter).ch('e').snap("form_visit_edit").key(KeyCode::Esc).key(KeyCode::Esc).ch('t');

    // A key that is no action in this status does nothing: the detail stays.
    s.filter_status('3', d, "CLOSED").key(KeyCode::Enter).ch('a').snap("detail_dispute_closed_no_agree");
}

fn overlays(lang: Lang) {
    let fx = Fixture::demo(lang);
    {
        let mut s = fx.ui();
        // A failed save: errors beside the fields.
        s.ch('3').ch('n').ctrl('s').snap("form_new_dispute_errors");
        s.key(KeyCode::Esc).ch('4').ch('n').ctrl('s').snap("form_new_hazard_errors").key(KeyCode::Esc);
        s.ch('5')
            .ch('n')
            .typed("王")
            .times(KeyCode::Tab, 2)
            .typed("123")
            .key(KeyCode::Tab)
            .typed("123")
            .ctrl('s')
            .snap("form_new_person_errors");
        // Esc on a changed form asks first; Ctrl+C asks before quitting.
        s.key(KeyCode::Esc).snap("confirm_discard").ch('n');
        s.ctrl('c').snap("confirm_quit").ch('n');
        assert!(!s.ui.quit);
        s.key(KeyCode::Esc).ch('y');

        // The resident picker of a reference field.
        s.ch('2').ch('t').ch('n');
        s.times(KeyCode::Tab, 2).typed("五组").snap("form_new_visit_picker_household");
        s.key(KeyCode::Enter).key(KeyCode::Tab).typed("张").snap("form_new_visit_picker_person");
        s.key(KeyCode::Enter).snap("form_new_visit_picked");
        s.key(KeyCode::Esc).ch('y').ch('t');
        // A multiple choice and a choice, focused.
        s.ch('5').ch('n').times(KeyCode::Tab, 5).ch(' ').key(KeyCode::Right).key(KeyCode::Right).ch(' ');
        s.snap("form_new_person_tags").times(KeyCode::Tab, 3).key(KeyCode::Right).snap("form_new_person_gender");
        s.key(KeyCode::Esc).ch('y');

        // Search.
        s.ch('1').ch('/').snap("search_empty");
        s.typed("张").snap("search_zhang").snap_at(120, 40, "search_zhang");
        s.key(KeyCode::Down).key(KeyCode::Down).key(KeyCode::Enter).snap("search_open_result");
        s.key(KeyCode::Esc).key(KeyCode::Esc);
        s.ch('/').typed("zs").snap("search_pinyin_zs").key(KeyCode::Esc);
        s.ch('/').typed("没有这个人qqq").snap("search_none").key(KeyCode::Esc);

        // Help.
        s.ch('?').snap("help").key(KeyCode::Esc);
        s.ch('3').ch('?').snap("help_over_list").key(KeyCode::Esc);

        // A draft left in a form.
        s.ch('4').ch('n').times(KeyCode::Tab, 2).typed("村口");
    }
    {
        let mut s = fx.ui_keeping_draft();
        s.snap("draft_offer");
        s.ch('r').snap("draft_restored");
        s.key(KeyCode::Esc).ch('y');
    }
    {
        // The confirm form restored from a draft.
        let agreed = fx.open().list(&ListQuery {
            kind: Some(Kind::Dispute),
            status: Some("AGREED".into()),
            limit: 1,
            ..Default::default()
        });
        let id = agreed.expect("list")[0].entity.id.to_string();
        let app = fx.open();
        let draft = serde_json::json!({
            "target": {"id": id, "kind": "dispute", "action": "confirm"},
            "title": "",
            "values": {},
        });
        app.save_draft(&draft).expect("draft");
        drop(app);
        let mut s = fx.ui_keeping_draft();
        s.ch('r').snap("form_dispute_confirm_from_draft");
        s.key(KeyCode::Esc).ch('y');
    }
    {
        // A saved record: its detail opens with the status line.
        let mut s = fx.ui();
        s.ch('5').ch('n').typed("测试𠮷人").snap("form_new_person_typed").ctrl('s').snap("saved_person");
    }
    // Setup on an uninitialised store, and the window too small.
    let empty = Fixture::empty(lang);
    let mut s = empty.ui();
    s.snap("setup").snap_at(120, 40, "setup");
    s.ctrl('s').snap("setup_errors");
    s.snap_at(50, 12, "too_small");
    let mut s = fx.ui();
    s.snap_at(50, 12, "too_small_home");
    s.snap_at(60, 16, "minimum_home");
}

#[test]
fn zh_screens() {
    screens(Lang::Zh);
}

#[test]
fn en_screens() {
    screens(Lang::En);
}

#[test]
fn zh_action_forms() {
    action_forms(Lang::Zh);
}

#[test]
fn en_action_forms() {
    action_forms(Lang::En);
}

/// `close` has no fields: its form only asks to confirm.
#[test]
fn close_forms() {
    for lang in [Lang::Zh, Lang::En] {
        let fx = Fixture::demo_of(lang, 4000);
        let mut s = fx.ui();
        s.action('3', Kind::Dispute, "TERMINATED", 'x', "dispute_close");
        // the demo's first hazard found is MAJOR: it closes by review only, so `x` is not
        // offered and does nothing
        s.filter_status('4', Kind::Hazard, "FOUND").key(KeyCode::Enter).ch('x');
        s.snap("detail_hazard_major_found_no_close").key(KeyCode::Esc).ch('C');
        s.action('2', Kind::Demand, "FOLLOWED_UP", 'x', "demand_close");
    }
}

/// One resident registered twice, merged: the record merged into names the merged one (a link),
/// which says what it was merged into and offers `U` to unmerge; a person's `M` asks for the
/// record to merge into, through the person picker. The demo's two newest persons are merged.
#[test]
fn merged_persons() {
    for lang in [Lang::Zh, Lang::En] {
        let fx = Fixture::demo(lang);
        {
            let mut app = fx.open();
            let people = app.list(&ListQuery { kind: Some(Kind::Person), limit: 2, ..Default::default() }).unwrap();
            let (merged, into) = (people[1].entity.id, people[0].entity.id);
            app.act(merged, "merge", &serde_json::json!({ "into": into.to_string() })).expect("merged");
        }
        let mut s = fx.ui();
        s.ch('5').key(KeyCode::Enter).snap("detail_person_merged_into");
        s.key(KeyCode::Tab).key(KeyCode::Enter).snap("detail_person_merged").key(KeyCode::Esc);
        // the picker offers persons by name (a merged one never: it is the same resident)
        s.ch('M').typed("陈美英").snap("form_person_merge");
    }
}

#[test]
fn zh_overlays() {
    overlays(Lang::Zh);
}

#[test]
fn en_overlays() {
    overlays(Lang::En);
}

/// With `--mouse`: a click on the tab bar switches tabs; a click on a row selects it, and a
/// click on the selected row opens the record.
#[test]
fn clicks_switch_tabs_select_rows_and_open_the_selected_one() {
    let fx = Fixture::demo_of(Lang::Zh, 600);
    let mut s = fx.ui();
    // " 1 首页  2 走访/诉求  3 纠纷 …": column 22 is in " 3 纠纷 "
    // the whole frame as drawn (the test backend's own buffer keeps halves of wide
    // characters a real terminal would have overwritten)
    let frame_text = |s: &mut Screen| {
        let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        let ui = &mut s.ui;
        screen_text(term.draw(|f| ui.render(f)).expect("draw").buffer)
    };
    s.ui.on_click(22, 0, 80);
    let text = frame_text(&mut s);
    assert!(text.contains("争议事项"), "the disputes list:\n{text}");
    // the third row of the list (rows start at line 3), then the same row again
    s.ui.on_click(10, 5, 80);
    s.ui.on_click(10, 5, 80);
    let text = frame_text(&mut s);
    assert!(text.contains("当事人：") && text.contains("Esc 返回"), "the record opened:\n{text}");
}

// ---------------------------------------------------------------------------------------------
// 同步: a village and its township exchange bundles through a folder standing for the USB stick

const VILLAGE: &str = "330523105214";
const TOWNSHIP: &str = "330523105000";

impl Fixture {
    /// A real store (a real store refuses a demo's bundles) of `role`, on the fixed clock.
    fn real(lang: Lang, role: &str, division: &str, place: &str, worker: &str) -> Fixture {
        let fx = Fixture::empty(lang);
        let spec = InitSpec {
            role: role.into(),
            division: division.into(),
            place: place.into(),
            worker: worker.into(),
            grid: "第一网格".into(),
        };
        fx.open().init(&spec).expect("init");
        fx
    }

    /// The store's key fingerprint and device (random: snapshots show stand-ins).
    fn key(&self) -> (String, String) {
        let k = self.open().own_key().expect("a key");
        (k.fingerprint, k.device)
    }

    /// The interface with bundles written to and looked for in `media`; each key and device of
    /// `tags` is shown as its tag character, at the same width.
    fn sync_ui(&self, media: &Path, tags: &[(&(String, String), char)]) -> Screen {
        let mut s = self.ui();
        s.ui.set_bundle_dirs(vec![media.to_path_buf()]);
        s.redact.push((media.display().to_string(), "[MEDIA]".into()));
        for ((fp, device), tag) in tags {
            let fake: String = std::iter::repeat_n(*tag, fp.len()).collect();
            for (real, fake) in grouped(fp).into_iter().zip(grouped(&fake)) {
                s.redact.push((real, fake));
            }
            s.redact.push((short_fingerprint(fp), short_fingerprint(&fake)));
            s.redact.push((device.clone(), std::iter::repeat_n(*tag, device.len()).collect()));
        }
        s.draw();
        s
    }

    /// Until the running job has ended (its outcome is then on screen).
    fn finish(s: &mut Screen) {
        while s.ui.job_running() {
            match s.ui.job_action() {
                Some(a) => {
                    s.ui.update(a);
                }
                None => std::thread::sleep(std::time::Duration::from_millis(5)),
            }
        }
        s.draw();
    }
}

fn sync_screens(lang: Lang) {
    let media = tempfile::tempdir().expect("temp dir");
    let swap = tempfile::tempdir().expect("temp dir");
    let village = Fixture::real(lang, "village", VILLAGE, "青石村", "李秀英");
    let township = Fixture::real(lang, "township", TOWNSHIP, "石门镇", "王主任");
    {
        let mut v = village.open();
        for content in ["屋顶漏雨，请求帮助修缮", "村道路灯不亮", "低保申请材料咨询"] {
            let input = serde_json::json!({"received_on": "2026-11-26", "channel": "PHONE", "requester": "王建国",
                "kind": "HELP", "domain": "ELDER_CARE", "content": content});
            v.add(Kind::Demand, &input).expect("a demand");
        }
        // up to the township and its answer back: the village's peer has acknowledged everything
        let (up, down) = (swap.path().join("up.gridlog"), swap.path().join("down.gridlog"));
        let t = township.open();
        let trusting = ImportOptions { dry_run: false, trust_new: true };
        v.export(&ExportSpec { out: up.clone(), ..Default::default() }, &|_, _| true).expect("export");
        t.import_file(&up, trusting).expect("the township imports");
        t.export(&ExportSpec { out: down.clone(), for_place: Some(VILLAGE.into()), ..Default::default() }, &|_, _| {
            true
        })
        .expect("the answer");
        v.import_file(&down, trusting).expect("the village imports the answer");
    }
    let (vk, tk) = (village.key(), township.key());
    {
        let mut s = village.sync_ui(media.path(), &[(&vk, '1'), (&tk, '2')]);
        s.redact.push((swap.path().display().to_string(), "[SWAP]".into()));
        s.snap("home_sync_panel").snap_at(120, 40, "home_sync_panel");
        s.ch('6').snap("sync_tab_township_peer");
        s.ch('k').snap("sync_tab_keys").ch('k');
        s.ch('e').snap("sync_export_prompt").key(KeyCode::Esc);
    }
    {
        // the township chooses which village a bundle is for (Tab: what to write, then the place)
        let mut s = township.sync_ui(media.path(), &[(&vk, '1'), (&tk, '2')]);
        s.ch('6').ch('e').key(KeyCode::Tab).key(KeyCode::Tab).key(KeyCode::Right).snap("sync_export_prompt_township");
        // or writes its statistics file for the county: place and scope do not apply
        s.key(KeyCode::BackTab).key(KeyCode::Right).snap("sync_export_prompt_township_stats");
    }

    // a township that has never met the village: the file list (one damaged file), the trust
    // dialog, the plan, and the import
    let everything = ExportSpec {
        out: media.path().join("青石村-20261127-1000.gridlog"),
        all: true,
        for_place: None,
        ..ExportSpec::default()
    };
    village.open().export(&everything, &|_, _| true).expect("a full export");
    let damaged = media.path().join("损坏.gridlog");
    std::fs::write(&damaged, b"GRIDLOG cut short").expect("write");
    let older = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
    let file = std::fs::File::options().write(true).open(&everything.out).expect("the bundle");
    file.set_modified(older).expect("mtime");
    let fresh = Fixture::real(lang, "township", TOWNSHIP, "石门镇", "赵干事");
    let fk = fresh.key();
    let mut s = fresh.sync_ui(media.path(), &[(&vk, '1'), (&fk, '3')]);
    s.ch('6').ch('i');
    Fixture::finish(&mut s);
    s.snap("sync_import_list");
    s.key(KeyCode::Down).key(KeyCode::Enter);
    Fixture::finish(&mut s);
    s.snap("sync_trust");
    s.ch('y');
    Fixture::finish(&mut s);
    s.snap("sync_plan");
    s.ch('y');
    Fixture::finish(&mut s);
    s.snap("sync_imported");
}

#[test]
fn zh_sync_screens() {
    sync_screens(Lang::Zh);
}

#[test]
fn en_sync_screens() {
    sync_screens(Lang::En);
}

/// A township's 首页 (its villages and its inbox), a record opened from the inbox with the
/// level above's keys, the 督办 form, and the village's 首页 once the 督办 has come back: first.
fn township_screens(lang: Lang) {
    let swap = tempfile::tempdir().expect("temp dir");
    let media = tempfile::tempdir().expect("temp dir");
    let a = Fixture::real(lang, "village", VILLAGE, "青石村", "李秀英");
    let b = Fixture::real(lang, "village", "330523105215", "白沙村", "赵敏");
    let c = Fixture::real(lang, "village", "330523105216", "东岭村", "孙丽");
    let t = Fixture::real(lang, "township", TOWNSHIP, "石门镇", "王主任");
    let trusting = ImportOptions { dry_run: false, trust_new: true };
    let send = |from: &App, to: &App, name: &str, for_place: Option<&str>| {
        let out = swap.path().join(name);
        let spec = ExportSpec { out: out.clone(), for_place: for_place.map(String::from), ..Default::default() };
        from.export(&spec, &|_, _| true).expect("export");
        to.import_file(&out, trusting).expect("import");
    };
    let demand = |app: &mut App, received_on: &str, content: &str| {
        let input = serde_json::json!({"received_on": received_on, "channel": "PHONE", "requester": "王建国",
            "kind": "HELP", "domain": "INFRA", "content": content});
        app.add(Kind::Demand, &input).expect("a demand").entity.id
    };
    let tw = t.open();
    let (supervised, escalated) = {
        let mut va = a.open();
        let escalated = demand(&mut va, "2026-11-20", "村口桥梁护栏断裂，需镇里协调");
        va.act(escalated, "escalate", &serde_json::json!({"reason": "村里无力维修"})).expect("escalate");
        let hazard = serde_json::json!({"found_on": "2026-11-25", "location": "砖瓦厂", "owner": "BUSINESS",
            "category": "PRODUCTION", "description": "窑体开裂", "grade": "MAJOR"});
        va.add(Kind::Hazard, &hazard).expect("a hazard");
        let late = demand(&mut va, "2026-11-16", "水渠清淤");
        let ask = serde_json::json!({"due_on": "2026-12-10", "reason": "等枯水期施工"});
        va.act(late, "request_extension", &ask).expect("request");
        let quiet = demand(&mut va, "2026-11-26", "垃圾清运不及时");
        send(&va, &tw, "a.gridlog", None);
        (quiet, escalated)
    };
    {
        let mut vb = b.open();
        let red = serde_json::json!({"received_on": "2026-11-10", "source": "APPLIED", "category": "HOUSING_HOMESTEAD",
            "parties": [{"name": "张三", "role": "APPLICANT"}, {"name": "李四", "role": "RESPONDENT"}],
            "facts": "宅基地边界争执，已有推搡", "claims": "确认边界", "risk": "RED"});
        vb.add(Kind::Dispute, &red).expect("a dispute");
        send(&vb, &tw, "b.gridlog", None);
    }
    {
        // a village whose one bundle was written in September: silent for over a month
        let mut vc = c.open();
        vc.set_clock(|| Day::parse("2026-09-20").expect("a day").0 as u64 * 86_400_000 + 2 * 3_600_000);
        demand(&mut vc, "2026-09-18", "村小学门口缺减速带");
        send(&vc, &tw, "c.gridlog", None);
    }
    drop(tw);
    let keys = [a.key(), b.key(), c.key(), t.key()];
    let tags: Vec<(&(String, String), char)> = keys.iter().zip(['1', '2', '3', '4']).collect();
    {
        let mut s = t.sync_ui(media.path(), &tags);
        s.redact.push((swap.path().display().to_string(), "[SWAP]".into()));
        s.snap("town_home").snap_at(120, 40, "town_home");
        s.key(KeyCode::Enter).snap("town_inbox_detail");
        s.ch('S').snap("town_form_supervise");
    }
    let flag = serde_json::json!({"note": "群众多次反映，请本周内答复", "due_on": "2026-12-04"});
    {
        let mut tw = t.open();
        tw.act(supervised, "supervise", &flag).expect("supervise");
        let answer = serde_json::json!({"text": "已协调镇交通办，下周修复护栏", "date": "2026-11-27"});
        tw.act(escalated, "instruct", &answer).expect("instruct");
        send(&tw, &a.open(), "down.gridlog", Some(VILLAGE));
    }
    let mut s = a.sync_ui(media.path(), &tags);
    s.snap("village_home_supervised");
}

/// A county's 首页: its townships with their statistics files (the demo county: three
/// townships of at most two demo villages each), and what a county store is for instead of an
/// inbox it never has.
fn county_screens(lang: Lang) {
    let f = Fixture::empty(lang);
    let scale = DemoScale { level: DemoLevel::County, villages: 2, records: 150, seed: 1 };
    App::demo_above_at(f.dir.path(), &Options::default(), lang, &scale, now, &|_| {}).expect("demo county");
    let mut s = f.ui();
    s.snap("county_home").ch('2').snap("county_ledger");
    // no new record from a county: `n` leaves the screen as it was
    let before = s.text();
    assert_eq!(s.ch('n').text(), before);
    // its 报表 groups by village, then by category: it has no grids
    s.ch('7');
    let (village, category) =
        if lang == Lang::Zh { ("‹村（社区）›", "‹类别›") } else { ("‹Village›", "‹Category›") };
    assert!(s.text().contains(village));
    let by_category = s.ch('g').text();
    assert!(by_category.contains(category), "{by_category}");
    // its 同步 tab lists the townships that sent files; it exports nothing, so `e` opens nothing
    s.ch('6').snap("county_sync");
    let before = s.text();
    assert_eq!(s.ch('e').text(), before);
}

#[test]
fn zh_county_screens() {
    county_screens(Lang::Zh);
}

#[test]
fn en_county_screens() {
    county_screens(Lang::En);
}

#[test]
fn zh_township_screens() {
    township_screens(Lang::Zh);
}

#[test]
fn en_township_screens() {
    township_screens(Lang::En);
}
