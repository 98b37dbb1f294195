//! What sits above the tabs (a record, a form, search, help, a question), as a stack that
//! `update` owns. An action goes to the overlay on top, in place; the overlay answers with an
//! [`Op`] that says what becomes of the stack, so no reaction can lose an overlay by forgetting
//! to put it back (docs/ARCHITECTURE.md, "TUI loop").

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Clear;

use super::draw::render_dialog;
use super::help::{Help, render_help};
use crate::app::{App, AppError};
use crate::domain::EntityId;
use crate::i18n::{Lang, tr};
use crate::tui::action::Action;
use crate::tui::detail::DetailScreen;
use crate::tui::form::{Form, Outcome, Target};
use crate::tui::form_view;
use crate::tui::reports::ExportReport;
use crate::tui::screen::DrawCx;
use crate::tui::search::SearchScreen;
use crate::tui::sync::{DialogOp, SyncDialog, SyncJob};

/// Something shown above the tabs.
pub enum Overlay {
    /// A record.
    Detail(Box<DetailScreen>),
    /// A form.
    Form(Box<Form>),
    /// Search.
    Search(Box<SearchScreen>),
    /// Keys (and the actions the record under it offers now), scrolled.
    Help(Help),
    /// A yes/no question.
    Confirm(Confirm),
    /// A draft from an earlier session.
    DraftOffer(serde_json::Value),
    /// A dialog of the 同步 tab (export prompt, bundle list, trust, plan, refusal).
    Sync(Box<SyncDialog>),
    /// The 报表 tab's export destination prompt.
    ReportExport(Box<ExportReport>),
}

/// What a confirmation is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confirm {
    /// Discard the open form's changes.
    DiscardForm,
    /// Quit although a form has changes.
    Quit,
    /// Discard the draft of an earlier session.
    DropDraft,
    /// Open the record that already holds what the form entered (an ID number: one record per
    /// resident); the form stays under it.
    OpenExisting(EntityId),
}

/// What an overlay's reaction does to the stack.
pub enum Op {
    /// The overlay stays on top; whether it changed.
    Stay(bool),
    /// The overlay closes.
    Pop,
    /// Another overlay opens above it.
    Push(Overlay),
    /// Another overlay takes its place.
    Replace(Overlay),
    /// The interface does more than the stack can say (it saves, quits, opens a record).
    Then(Effect),
}

/// Work for the interface that an overlay asks for.
pub enum Effect {
    /// Quit.
    Quit,
    /// Close the confirmation and the form under it; forget the form's draft.
    DiscardForm,
    /// Close the form on top; forget its draft.
    CloseForm,
    /// Save the form on top.
    Submit,
    /// Close the offer and open the draft's form again.
    RestoreDraft(serde_json::Value),
    /// Close the question and the offer under it, and forget the draft.
    DropDraft,
    /// Open a record above the overlay.
    Open(EntityId),
    /// Close the question on top and open a record in its place.
    OpenInstead(EntityId),
    /// Start a 同步 job (the dialog that asked for it closes, unless it is the file list).
    Sync(SyncJob),
    /// Export the report to this file (a job; the prompt closes).
    ExportReport(crate::app::report::ReportSpec, std::path::PathBuf),
}

/// What an overlay may use while it reacts.
pub struct Cx<'a> {
    /// The application (reads only: saving is an [`Effect`]).
    pub app: &'a App,
    /// UI language.
    pub lang: Lang,
    /// The status line.
    pub status: &'a mut Option<(String, bool)>,
}

impl Cx<'_> {
    fn fail(&mut self, e: AppError) {
        tracing::warn!("{e:?}");
        *self.status = Some((e.lines(self.lang).join("；"), true));
    }
}

impl Overlay {
    /// What `key` means on this overlay.
    pub fn action_for(&self, key: KeyEvent) -> Action {
        let yes = matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter);
        match self {
            // help scrolls when the window is small; any other key closes it
            Overlay::Help(_) => match key.code {
                KeyCode::Down | KeyCode::Char('j') => Action::Move(1),
                KeyCode::Up | KeyCode::Char('k') => Action::Move(-1),
                KeyCode::PageDown => Action::Move(8),
                KeyCode::PageUp => Action::Move(-8),
                _ => Action::Back,
            },
            Overlay::Confirm(_) if yes => Action::Yes,
            Overlay::Confirm(_) => Action::No,
            // keys no screen uses for anything else: `n` (new record) must not lose a draft
            Overlay::DraftOffer(_) => match key.code {
                KeyCode::Char('r') | KeyCode::Char('R') => Action::Yes,
                KeyCode::Char('d') | KeyCode::Char('D') => Action::No,
                _ => Action::Ignored,
            },
            Overlay::Search(s) => match key.code {
                KeyCode::Esc => Action::Back,
                KeyCode::Enter => Action::Open,
                KeyCode::Down => Action::Move(1),
                // the keystroke search scans free text within a time budget; Tab scans it all
                KeyCode::Tab if !s.complete => Action::SearchAll,
                KeyCode::Up => Action::Move(-1),
                KeyCode::PageDown => Action::Move(10),
                KeyCode::PageUp => Action::Move(-10),
                _ => Action::Edit(key),
            },
            Overlay::Detail(_) => {
                let page = 10;
                match key.code {
                    KeyCode::Esc | KeyCode::Char('q') | KeyCode::Backspace | KeyCode::Left => Action::Back,
                    KeyCode::Enter => Action::Open,
                    KeyCode::Tab => Action::NextLink,
                    KeyCode::Down | KeyCode::Char('j') => Action::Move(1),
                    KeyCode::Up | KeyCode::Char('k') => Action::Move(-1),
                    KeyCode::PageDown | KeyCode::Char(' ') => Action::Move(page),
                    KeyCode::PageUp => Action::Move(-page),
                    KeyCode::Char('/') => Action::Search,
                    KeyCode::Char('?') => Action::Help,
                    KeyCode::Char(c) => Action::Act(c),
                    _ => Action::Ignored,
                }
            }
            // the form's own keys (fields, choices, Ctrl+S, Esc) are the form's business
            Overlay::Form(_) => Action::Edit(key),
            Overlay::Sync(d) => d.action_for(key),
            Overlay::ReportExport(p) => p.action_for(key),
        }
    }

    /// Reacts to `action` in place and says what becomes of the stack.
    pub fn update(&mut self, action: Action, cx: &mut Cx) -> Op {
        match self {
            Overlay::Help(h) => match action {
                Action::Back => Op::Pop,
                Action::Move(n) => {
                    let before = h.scroll;
                    let n16 = u16::try_from(n.unsigned_abs()).unwrap_or(u16::MAX);
                    h.scroll = if n >= 0 { h.scroll.saturating_add(n16) } else { h.scroll.saturating_sub(n16) };
                    Op::Stay(h.scroll != before)
                }
                _ => Op::Stay(false),
            },
            Overlay::Confirm(c) => match (action, *c) {
                (Action::Yes, Confirm::Quit) => Op::Then(Effect::Quit),
                (Action::Yes, Confirm::DiscardForm) => Op::Then(Effect::DiscardForm),
                (Action::Yes, Confirm::DropDraft) => Op::Then(Effect::DropDraft),
                (Action::Yes, Confirm::OpenExisting(id)) => Op::Then(Effect::OpenInstead(id)),
                (Action::No, _) => Op::Pop,
                _ => Op::Stay(false),
            },
            Overlay::DraftOffer(d) => match action {
                Action::Yes => Op::Then(Effect::RestoreDraft(std::mem::take(d))),
                // asks first: a draft dropped is gone
                Action::No => Op::Push(Overlay::Confirm(Confirm::DropDraft)),
                _ => Op::Stay(false),
            },
            Overlay::Search(s) => search(s, action, cx),
            Overlay::Detail(d) => detail(d, action, cx),
            Overlay::Form(f) => form(f, action, cx),
            Overlay::Sync(d) => match d.update(action) {
                DialogOp::Stay(changed) => Op::Stay(changed),
                DialogOp::Close => Op::Pop,
                DialogOp::Start(job) => Op::Then(Effect::Sync(job)),
            },
            Overlay::ReportExport(p) => match action {
                Action::Yes => Op::Then(Effect::ExportReport(p.spec, p.path_text())),
                Action::Back => Op::Pop,
                Action::Edit(key) => Op::Stay(p.path.input(key)),
                Action::Paste(text) => {
                    p.path.insert_str(text.replace(['\n', '\r'], ""));
                    Op::Stay(true)
                }
                _ => Op::Stay(false),
            },
        }
    }

    /// Draws the overlay over the tab's `area`. Overlays take the whole area: a popup over a
    /// list of Chinese text would cut a wide character in half at its edge.
    pub fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        let (theme, lang) = (cx.theme, cx.lang);
        match self {
            Overlay::Detail(d) => {
                f.render_widget(Clear, area);
                d.render(f, area, theme, lang);
            }
            Overlay::Form(form) => form_view::render(form, f, area, theme, lang),
            Overlay::Search(s) => s.render(f, area, theme, lang),
            Overlay::Help(h) => render_help(f, area, theme, lang, h),
            Overlay::Confirm(c) => {
                let text = match c {
                    Confirm::DiscardForm => tr(lang, "tui.confirm.discard", &[]),
                    Confirm::Quit => tr(lang, "tui.confirm.quit", &[]),
                    Confirm::DropDraft => tr(lang, "tui.confirm.drop_draft", &[]),
                    Confirm::OpenExisting(id) => tr(lang, "tui.confirm.open_existing", &[&id.to_string()]),
                };
                render_dialog(f, area, theme, &text);
            }
            Overlay::DraftOffer(d) => {
                let title = d.get("title").and_then(|t| t.as_str()).unwrap_or("");
                render_dialog(f, area, theme, &tr(lang, "tui.draft.offer_keys", &[title]));
            }
            Overlay::Sync(d) => d.draw(f, area, cx),
            Overlay::ReportExport(p) => p.draw(f, area, cx),
        }
    }

    /// The keys the footer shows.
    pub fn footer(&self, lang: Lang) -> Vec<(String, String)> {
        let t = |k: &str| tr(lang, k, &[]);
        match self {
            Overlay::Form(f) if f.fields.is_empty() => {
                vec![("Enter".into(), t("tui.key.confirm")), ("Esc".into(), t("tui.key.cancel"))]
            }
            Overlay::Form(_) => vec![
                ("Tab/↑↓".into(), t("tui.key.field")),
                ("←→".into(), t("tui.key.choose")),
                ("Ctrl+S".into(), t("tui.key.save")),
                ("Esc".into(), t("tui.key.cancel")),
            ],
            Overlay::Detail(d) => {
                // what is cut at a narrow window's edge comes last: Tab, then Enter
                let mut v = d.action_keys(lang);
                v.push(("Esc".into(), t("tui.key.back")));
                if let Some(kind) = d.link_kind() {
                    v.push(("Enter".into(), tr(lang, "tui.key.open_kind", &[kind.label(lang)])));
                }
                if d.links.len() > 1 {
                    v.push(("Tab".into(), t("tui.key.next_link")));
                }
                v
            }
            Overlay::Search(s) => {
                let mut v = vec![
                    ("↑↓".into(), t("tui.key.select")),
                    ("Enter".into(), t("tui.key.open")),
                    ("Esc".into(), t("tui.key.close")),
                ];
                if !s.complete {
                    v.push(("Tab".into(), t("tui.key.all")));
                }
                v
            }
            Overlay::Help(_) => vec![("↑↓".into(), t("tui.key.scroll")), (t("tui.key.any"), t("tui.key.close"))],
            Overlay::Confirm(_) => vec![("y".into(), t("tui.key.yes")), ("n".into(), t("tui.key.no"))],
            Overlay::DraftOffer(_) => vec![("r".into(), t("tui.key.restore")), ("d".into(), t("tui.key.discard"))],
            Overlay::Sync(d) => d.footer(lang),
            Overlay::ReportExport(_) => {
                vec![("Enter".into(), t("tui.report.key_export")), ("Esc".into(), t("tui.key.cancel"))]
            }
        }
    }
}

fn search(s: &mut SearchScreen, action: Action, cx: &mut Cx) -> Op {
    match action {
        Action::Back => Op::Pop,
        Action::Open => match s.hits.get(s.selected) {
            Some(v) => Op::Then(Effect::Open(v.entity.id)),
            None => Op::Stay(false),
        },
        Action::Move(d) => {
            let before = s.selected;
            s.selected = if d >= 0 {
                (s.selected + d as usize).min(s.hits.len().saturating_sub(1))
            } else {
                s.selected.saturating_sub(d.unsigned_abs())
            };
            Op::Stay(s.selected != before)
        }
        Action::SearchAll => {
            if let Err(e) = s.refresh_all(cx.app) {
                cx.fail(e);
            }
            Op::Stay(true)
        }
        Action::Edit(key) => {
            if s.input.input(key) {
                s.selected = 0;
                if let Err(e) = s.refresh(cx.app) {
                    cx.fail(e);
                }
            }
            // the cursor may have moved
            Op::Stay(true)
        }
        Action::Paste(text) => {
            s.input.insert_str(text.replace(['\n', '\r'], " "));
            if let Err(e) = s.refresh(cx.app) {
                cx.fail(e);
            }
            Op::Stay(true)
        }
        _ => Op::Stay(false),
    }
}

fn detail(d: &mut DetailScreen, action: Action, cx: &mut Cx) -> Op {
    match action {
        Action::Back => Op::Pop,
        Action::Move(n) => {
            let before = d.scroll;
            let n16 = u16::try_from(n.unsigned_abs()).unwrap_or(u16::MAX);
            d.scroll = if n >= 0 { d.scroll.saturating_add(n16) } else { d.scroll.saturating_sub(n16) };
            Op::Stay(d.scroll != before)
        }
        Action::Search => Op::Push(Overlay::Search(Box::default())),
        Action::Help => Op::Push(Overlay::Help(Help { scroll: 0, record: d.action_keys(cx.lang) })),
        Action::Open => match d.link() {
            Some(id) => Op::Then(Effect::Open(id)),
            None => Op::Stay(false),
        },
        Action::NextLink => {
            let before = d.link;
            d.next_link();
            Op::Stay(d.link != before)
        }
        Action::Act(c) => {
            let app = cx.app;
            let labels = |r: EntityId| app.view(r).map(|v| v.title()).unwrap_or_else(|_| r.to_string());
            if let Some(kind) = d.raise_for(c) {
                let values = match app.raise_defaults(d.id, kind) {
                    Ok(v) => v,
                    Err(e) => {
                        cx.fail(e);
                        return Op::Stay(true);
                    }
                };
                let defaults = app.identity().map(|i| Form::defaults(&i.worker, &i.grid)).unwrap_or_default();
                let form = Form::raise(kind, d.id, cx.lang, app.today(), &defaults, &values, &labels);
                return Op::Push(Overlay::Form(Box::new(form)));
            }
            let Some(action) = d.action_for(c) else { return Op::Stay(false) };
            let e = &d.view.entity;
            match Form::action(e.kind, d.id, action, &e.state, cx.lang, app.today(), &labels) {
                Some(form) => Op::Push(Overlay::Form(Box::new(form))),
                None => Op::Stay(false),
            }
        }
        _ => Op::Stay(false),
    }
}

fn form(f: &mut Form, action: Action, cx: &mut Cx) -> Op {
    let outcome = match action {
        Action::Edit(key) => f.on_key(key),
        Action::Paste(text) => f.on_paste(&text),
        _ => return Op::Stay(false),
    };
    match outcome {
        // text typed in a picker and never picked would be dropped: say so, save nothing
        Outcome::Save if f.flag_unpicked(cx.lang) => {
            *cx.status = Some((tr(cx.lang, "tui.form.fix", &[]), true));
            Op::Stay(true)
        }
        Outcome::Save => Op::Then(Effect::Submit),
        // there is nothing to go back to before the store exists
        Outcome::Cancel if f.target == Target::Setup => Op::Push(Overlay::Confirm(Confirm::Quit)),
        Outcome::Cancel if f.dirty => Op::Push(Overlay::Confirm(Confirm::DiscardForm)),
        Outcome::Cancel => Op::Then(Effect::CloseForm),
        Outcome::Changed => {
            form_changed(f, cx);
            Op::Stay(true)
        }
        // focus, cursor and picker moves change what is drawn too
        Outcome::None => Op::Stay(true),
    }
}

/// Saves the draft and refreshes the resident picker.
fn form_changed(f: &mut Form, cx: &mut Cx) {
    if let Err(e) = cx.app.save_draft(&f.to_draft()) {
        *cx.status = Some((e.lines(cx.lang).join("；"), true));
    }
    let Some((q, kinds)) = f.picker_query() else { return };
    let results = if kinds == [crate::domain::Kind::Household] {
        // households by address, head's or a member's name or pinyin; the newest when empty
        cx.app
            .pick_households(q.trim(), 40)
            .map(|r| r.into_iter().map(|c| (c.id, format!("{}  {}", c.address, c.detail).trim().to_string())).collect())
    } else if q.trim().is_empty() {
        // nothing typed: the newest records of the kinds it takes
        recent(cx.app, &kinds)
    } else {
        cx.app.search(q.trim(), 40).map(|r| {
            r.hits
                .iter()
                .enumerate()
                .filter(|(_, v)| kinds.contains(&v.entity.kind))
                .map(|(i, v)| (v.entity.id, format!("{}  {}", v.title(), r.detail(i)).trim().to_string()))
                .collect::<Vec<_>>()
        })
    };
    if let Some(p) = &mut f.picker {
        match results {
            Ok(r) => {
                p.results = r;
                p.selected = 0;
            }
            Err(e) => *cx.status = Some((e.lines(cx.lang).join("；"), true)),
        }
    }
}

/// The newest records of `kinds`, for a picker whose query is empty.
fn recent(app: &App, kinds: &[crate::domain::Kind]) -> Result<Vec<(EntityId, String)>, AppError> {
    let mut out = Vec::new();
    for k in kinds {
        let q = crate::app::ListQuery { kind: Some(*k), limit: 20, ..Default::default() };
        out.extend(app.list(&q)?.iter().map(|v| (v.entity.id, picker_label(v))));
    }
    Ok(out)
}

fn picker_label(v: &crate::app::RecordView) -> String {
    let s = &v.entity.state;
    let extra =
        s.text("phone").map(|p| crate::app::present::masked("phone", p, false).into_owned()).unwrap_or_default();
    format!("{} {}", v.title(), extra).trim().to_string()
}
