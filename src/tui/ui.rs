//! The TUI's state and its reactions: keys become changes of state, then one redraw. Screens
//! are small structs; overlays (detail, form, search, help, confirm) sit on a stack above the
//! tabs. The UI calls `app` only and holds no database handle.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::detail::DetailScreen;
use super::form::{Form, Outcome, Target};
use super::home::HomeScreen;
use super::list::ListScreen;
use super::search::SearchScreen;
use super::text::{fit, width};
use super::theme::Theme;
use crate::app::{App, AppError, InitSpec};
use crate::domain::{EntityId, Kind};
use crate::i18n::{Lang, tr};

/// The smallest window the layout works in.
pub const MIN_W: u16 = 60;
/// The smallest window height.
pub const MIN_H: u16 = 16;

const TABS: [&str; 7] = [
    "tui.tab.home",
    "tui.tab.l3",
    "tui.tab.disputes",
    "tui.tab.hazards",
    "tui.tab.residents",
    "tui.tab.sync",
    "tui.tab.reports",
];

/// Something shown above the tabs.
pub enum Overlay {
    /// A record.
    Detail(Box<DetailScreen>),
    /// A form.
    Form(Box<Form>),
    /// Search.
    Search(Box<SearchScreen>),
    /// Keys.
    Help,
    /// A yes/no question.
    Confirm(Confirm),
    /// A draft from an earlier session.
    DraftOffer(serde_json::Value),
}

/// What a confirmation is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confirm {
    /// Discard the open form's changes.
    DiscardForm,
    /// Quit although a form has changes.
    Quit,
}

/// The whole interface.
pub struct Ui {
    app: App,
    theme: Theme,
    lang: Lang,
    tab: usize,
    home: HomeScreen,
    lists: Vec<ListScreen>,
    stack: Vec<Overlay>,
    status: Option<(String, bool)>,
    /// Set when the user has asked to quit.
    pub quit: bool,
}

impl Ui {
    /// The interface over `app`: the setup form when the store is not initialised, and the
    /// draft of an interrupted session offered back.
    pub fn new(app: App, theme: Theme) -> Ui {
        let lang = app.lang();
        let lists = vec![
            ListScreen::new(vec![Kind::Demand, Kind::Visit]),
            ListScreen::new(vec![Kind::Dispute]),
            ListScreen::new(vec![Kind::Hazard]),
            ListScreen::new(vec![Kind::Person, Kind::Household]),
        ];
        let mut ui =
            Ui { app, theme, lang, tab: 0, home: HomeScreen::new(), lists, stack: vec![], status: None, quit: false };
        if ui.app.identity().is_none() {
            ui.stack.push(Overlay::Form(Box::new(Form::setup(lang))));
        } else if let Some(d) = ui.app.load_draft() {
            ui.stack.push(Overlay::DraftOffer(d));
        }
        ui
    }

    /// The app (for tests).
    pub fn app(&self) -> &App {
        &self.app
    }

    fn t(&self, key: &str) -> String {
        tr(self.lang, key, &[])
    }

    fn report(&mut self, r: Result<(), AppError>) {
        if let Err(e) = r {
            tracing::warn!("{e:?}");
            self.status = Some((e.lines(self.lang).join("；"), true));
        }
    }

    fn form_dirty(&self) -> bool {
        self.stack.iter().any(|o| matches!(o, Overlay::Form(f) if f.dirty))
    }

    /// The date changed while the screen was open: due dates and "overdue" move.
    pub fn on_new_day(&mut self) {
        self.mark_stale();
    }

    fn mark_stale(&mut self) {
        self.home.stale = true;
        for l in &mut self.lists {
            l.stale = true;
        }
    }

    fn open_detail(&mut self, id: EntityId) {
        match DetailScreen::load(&self.app, id) {
            Ok(d) => self.stack.push(Overlay::Detail(Box::new(d))),
            Err(e) => self.status = Some((e.lines(self.lang).join("；"), true)),
        }
    }

    fn open_form(&mut self, form: Form) {
        self.stack.push(Overlay::Form(Box::new(form)));
    }

    /// What new records default to: the worker and the store's grid.
    fn defaults(&self) -> Vec<(&'static str, &str)> {
        let Some(id) = self.app.identity() else { return vec![] };
        let mut d =
            vec![("visitor", id.worker.as_str()), ("inspector", id.worker.as_str()), ("mediator", id.worker.as_str())];
        if !id.grid.is_empty() {
            d.push(("grid", id.grid.as_str()));
        }
        d
    }

    fn new_form_for_tab(&mut self) {
        let kind = match self.tab {
            1..=4 => self.lists[self.tab - 1].kind(),
            _ => Kind::Visit,
        };
        let form = Form::create(kind, self.lang, self.app.today(), &self.defaults());
        self.open_form(form);
    }

    /// Handles bracketed paste.
    pub fn on_paste(&mut self, s: &str) {
        match self.stack.last_mut() {
            Some(Overlay::Form(f)) => {
                let changed = f.on_paste(s) == Outcome::Changed;
                if changed {
                    self.after_form_change();
                }
            }
            Some(Overlay::Search(sr)) => {
                sr.input.insert_str(s.replace(['\n', '\r'], " "));
                let r = sr.refresh(&self.app);
                self.report(r);
            }
            _ => {}
        }
    }

    /// Handles one key press.
    pub fn on_key(&mut self, key: KeyEvent) {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && key.code == KeyCode::Char('c') {
            if self.form_dirty() {
                self.stack.push(Overlay::Confirm(Confirm::Quit));
            } else {
                self.quit = true;
            }
            return;
        }
        self.status = None;
        match self.stack.pop() {
            Some(top) => self.on_overlay_key(top, key),
            None => self.on_tab_key(key),
        }
    }

    fn on_overlay_key(&mut self, top: Overlay, key: KeyEvent) {
        match top {
            Overlay::Help => {}
            Overlay::Confirm(c) => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => match c {
                    Confirm::Quit => self.quit = true,
                    Confirm::DiscardForm => {
                        // the form is under the confirmation
                        self.stack.pop();
                        self.app.clear_draft();
                    }
                },
                _ => {}
            },
            Overlay::DraftOffer(d) => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => self.restore_draft(&d),
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => self.app.clear_draft(),
                _ => self.stack.push(Overlay::DraftOffer(d)),
            },
            Overlay::Search(mut s) => match key.code {
                KeyCode::Esc => {}
                KeyCode::Enter => {
                    if let Some(id) = s.hits.get(s.selected).map(|v| v.entity.id) {
                        self.stack.push(Overlay::Search(s));
                        self.open_detail(id);
                    } else {
                        self.stack.push(Overlay::Search(s));
                    }
                }
                KeyCode::Down => {
                    s.selected = (s.selected + 1).min(s.hits.len().saturating_sub(1));
                    self.stack.push(Overlay::Search(s));
                }
                // the keystroke search scans free text within a time budget; Tab scans it all
                KeyCode::Tab if !s.complete => {
                    let r = s.refresh_all(&self.app);
                    self.report(r);
                    self.stack.push(Overlay::Search(s));
                }
                KeyCode::Up => {
                    s.selected = s.selected.saturating_sub(1);
                    self.stack.push(Overlay::Search(s));
                }
                _ => {
                    if s.input.input(key) {
                        s.selected = 0;
                        let r = s.refresh(&self.app);
                        self.report(r);
                    }
                    self.stack.push(Overlay::Search(s));
                }
            },
            Overlay::Detail(mut d) => {
                let page = 10;
                match key.code {
                    KeyCode::Esc | KeyCode::Char('q') | KeyCode::Backspace | KeyCode::Left => {}
                    KeyCode::Down | KeyCode::Char('j') => {
                        d.scroll = d.scroll.saturating_add(1);
                        self.stack.push(Overlay::Detail(d));
                    }
                    KeyCode::Up | KeyCode::Char('k') => {
                        d.scroll = d.scroll.saturating_sub(1);
                        self.stack.push(Overlay::Detail(d));
                    }
                    KeyCode::PageDown | KeyCode::Char(' ') => {
                        d.scroll = d.scroll.saturating_add(page);
                        self.stack.push(Overlay::Detail(d));
                    }
                    KeyCode::PageUp => {
                        d.scroll = d.scroll.saturating_sub(page);
                        self.stack.push(Overlay::Detail(d));
                    }
                    KeyCode::Char('/') => {
                        self.stack.push(Overlay::Detail(d));
                        self.stack.push(Overlay::Search(Box::default()));
                    }
                    KeyCode::Char('?') => {
                        self.stack.push(Overlay::Detail(d));
                        self.stack.push(Overlay::Help);
                    }
                    KeyCode::Char(c) => {
                        let action = d.action_for(c);
                        let (kind, id, state) = (d.view.entity.kind, d.id, d.view.entity.state.clone());
                        self.stack.push(Overlay::Detail(d));
                        if let Some(action) = action {
                            let app = &self.app;
                            let labels = |r: EntityId| app.view(r).map(|v| v.title()).unwrap_or_else(|_| r.to_string());
                            if let Some(form) = Form::action(kind, id, action, &state, self.lang, app.today(), &labels)
                            {
                                self.open_form(form);
                            }
                        }
                    }
                    _ => self.stack.push(Overlay::Detail(d)),
                }
            }
            Overlay::Form(mut f) => match f.on_key(key) {
                Outcome::Save => self.submit(f),
                Outcome::Cancel => {
                    let dirty = f.dirty;
                    let setup = f.target == Target::Setup;
                    self.stack.push(Overlay::Form(f));
                    if setup {
                        // there is nothing to go back to before the store exists
                        self.stack.push(Overlay::Confirm(Confirm::Quit));
                    } else if dirty {
                        self.stack.push(Overlay::Confirm(Confirm::DiscardForm));
                    } else {
                        self.stack.pop();
                        self.app.clear_draft();
                    }
                }
                Outcome::Changed => {
                    self.stack.push(Overlay::Form(f));
                    self.after_form_change();
                }
                Outcome::None => self.stack.push(Overlay::Form(f)),
            },
        }
    }

    /// Saves the draft and refreshes the resident picker.
    fn after_form_change(&mut self) {
        let Some(Overlay::Form(f)) = self.stack.last_mut() else { return };
        let draft = f.to_draft();
        let query = f.picker_query();
        if let Err(e) = self.app.save_draft(&draft) {
            self.status = Some((e.lines(self.lang).join("；"), true));
        }
        if let Some((q, kinds)) = query {
            let results = if q.trim().is_empty() {
                Ok(vec![])
            } else {
                self.app.search(q.trim(), 40).map(|r| {
                    r.hits
                        .into_iter()
                        .filter(|v| kinds.contains(&v.entity.kind))
                        .map(|v| (v.entity.id, picker_label(&v)))
                        .collect::<Vec<_>>()
                })
            };
            if let Some(Overlay::Form(f)) = self.stack.last_mut()
                && let Some(p) = &mut f.picker
            {
                match results {
                    Ok(r) => {
                        p.results = r;
                        p.selected = 0;
                    }
                    Err(e) => self.status = Some((e.lines(self.lang).join("；"), true)),
                }
            }
        }
    }

    fn submit(&mut self, mut f: Box<Form>) {
        let today = self.app.today();
        let json = f.to_json(today);
        let result = match f.target.clone() {
            Target::Create(kind) => self.app.add(kind, &json).map(|v| Some(v.entity.id)),
            Target::Action { id, action, .. } => self.app.act(id, &action, &json).map(|_| None),
            Target::Setup => {
                let s = |k: &str| json.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
                let spec = InitSpec {
                    role: s("role"),
                    division: s("division"),
                    place: s("place"),
                    worker: s("worker"),
                    grid: s("grid"),
                };
                self.app.init(&spec).map(|_| None)
            }
        };
        match result {
            Ok(created) => {
                self.app.clear_draft();
                self.mark_stale();
                self.status = Some((self.t("tui.saved"), false));
                // refresh the detail under the form
                if let Some(Overlay::Detail(d)) = self.stack.last_mut() {
                    let id = d.id;
                    if let Ok(nd) = DetailScreen::load(&self.app, id) {
                        **d = nd;
                    }
                }
                if let Some(id) = created {
                    self.open_detail(id);
                }
            }
            Err(AppError::Invalid(inv)) => {
                f.set_errors(&inv, self.lang);
                self.status = Some((self.t("tui.form.fix"), true));
                self.stack.push(Overlay::Form(f));
            }
            Err(e) => {
                self.status = Some((e.lines(self.lang).join("；"), true));
                self.stack.push(Overlay::Form(f));
            }
        }
    }

    fn restore_draft(&mut self, d: &serde_json::Value) {
        let today = self.app.today();
        let form = match Form::draft_target(d) {
            Some(Target::Create(k)) => Some(Form::create(k, self.lang, today, &self.defaults())),
            Some(Target::Setup) => Some(Form::setup(self.lang)),
            Some(Target::Action { id, kind, action }) => match self.app.entity(id) {
                Ok(e) => {
                    let app = &self.app;
                    let labels = |r: EntityId| app.view(r).map(|v| v.title()).unwrap_or_else(|_| r.to_string());
                    Form::action(kind, id, &action, &e.state, self.lang, today, &labels)
                }
                Err(_) => None,
            },
            None => None,
        };
        if let Some(mut form) = form {
            form.restore(d);
            // back on the tab of the ledger the draft belongs to
            let kind = match &form.target {
                Target::Create(k) | Target::Action { kind: k, .. } => Some(*k),
                Target::Setup => None,
            };
            if let Some(k) = kind {
                self.tab = match k {
                    Kind::Demand | Kind::Visit => 1,
                    Kind::Dispute => 2,
                    Kind::Hazard => 3,
                    Kind::Person | Kind::Household => 4,
                };
                let list = &mut self.lists[self.tab - 1];
                if let Some(w) = list.kinds.iter().position(|x| *x == k) {
                    list.which = w;
                }
            }
            self.open_form(form);
        } else {
            self.app.clear_draft();
        }
    }

    fn on_tab_key(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Char('q') => {
                self.quit = true;
                return;
            }
            KeyCode::Char('?') => {
                self.stack.push(Overlay::Help);
                return;
            }
            KeyCode::Char('/') => {
                self.stack.push(Overlay::Search(Box::default()));
                return;
            }
            KeyCode::Char('n') if self.tab <= 4 => {
                self.new_form_for_tab();
                return;
            }
            KeyCode::Tab | KeyCode::Right | KeyCode::Char('l') => {
                self.tab = (self.tab + 1) % TABS.len();
                return;
            }
            KeyCode::BackTab | KeyCode::Left | KeyCode::Char('h') => {
                self.tab = (self.tab + TABS.len() - 1) % TABS.len();
                return;
            }
            KeyCode::Char(c @ '1'..='7') => {
                self.tab = c as usize - '1' as usize;
                return;
            }
            KeyCode::Char('R') | KeyCode::F(5) => {
                self.mark_stale();
                return;
            }
            _ => {}
        }
        if self.tab == 0 {
            let n = self.home.data.items.len();
            match key.code {
                KeyCode::Down | KeyCode::Char('j') => {
                    self.home.selected = (self.home.selected + 1).min(n.saturating_sub(1))
                }
                KeyCode::Up | KeyCode::Char('k') => self.home.selected = self.home.selected.saturating_sub(1),
                KeyCode::Enter => {
                    if let Some(id) = self.home.current() {
                        self.open_detail(id);
                    }
                }
                _ => {}
            }
            return;
        }
        if !(1..=4).contains(&self.tab) {
            return;
        }
        let app = &self.app;
        let list = &mut self.lists[self.tab - 1];
        let page = 10;
        let r = match key.code {
            KeyCode::Down | KeyCode::Char('j') => list.move_by(app, 1),
            KeyCode::Up | KeyCode::Char('k') => list.move_by(app, -1),
            KeyCode::PageDown => list.move_by(app, page),
            KeyCode::PageUp => list.move_by(app, -page),
            KeyCode::Home | KeyCode::Char('g') => list.move_by(app, isize::MIN / 2),
            KeyCode::End | KeyCode::Char('G') => list.move_by(app, isize::MAX / 2),
            KeyCode::Enter => {
                if let Some(id) = list.current().map(|v| v.entity.id) {
                    self.open_detail(id);
                }
                Ok(())
            }
            KeyCode::Char('t') => {
                list.next_kind();
                Ok(())
            }
            KeyCode::Char('s') => {
                list.cycle_status();
                Ok(())
            }
            KeyCode::Char('c') => {
                list.cycle_category();
                Ok(())
            }
            KeyCode::Char('o') => {
                list.toggle_overdue();
                Ok(())
            }
            KeyCode::Char('d') => {
                list.cycle_range();
                Ok(())
            }
            KeyCode::Char('S') => {
                list.toggle_sort();
                Ok(())
            }
            KeyCode::Char('C') => {
                list.clear_filters();
                Ok(())
            }
            _ => Ok(()),
        };
        self.report(r);
    }

    /// Reloads what is stale and visible.
    fn refresh(&mut self) {
        let r = if self.tab == 0 && self.home.stale {
            self.home.reload(&self.app)
        } else if (1..=4).contains(&self.tab) && self.lists[self.tab - 1].stale {
            self.lists[self.tab - 1].reload(&self.app)
        } else {
            Ok(())
        };
        self.report(r);
    }

    /// Draws everything.
    pub fn render(&mut self, f: &mut Frame) {
        let area = f.area();
        if area.width < MIN_W || area.height < MIN_H {
            let msg = tr(
                self.lang,
                "tui.too_small",
                &[&area.width.to_string(), &area.height.to_string(), &MIN_W.to_string(), &MIN_H.to_string()],
            );
            let y = area.height / 2;
            f.render_widget(
                Paragraph::new(msg).style(self.theme.warn()).alignment(Alignment::Center).wrap(Wrap { trim: true }),
                Rect { x: 0, y: y.saturating_sub(1), width: area.width, height: area.height - y.saturating_sub(1) },
            );
            return;
        }
        if self.app.identity().is_some() {
            self.refresh();
        }
        let theme = self.theme;
        let lang = self.lang;
        self.render_tabs(f, Rect { height: 1, ..area });
        let status_h = u16::from(self.status.is_some());
        let body = Rect { y: area.y + 1, height: area.height - 2 - status_h, ..area };
        match self.tab {
            0 => {
                let note = self.sync_note();
                // the work list's rows: the body less its border
                let r = self.home.prepare(&self.app, body.height.saturating_sub(2) as usize);
                self.report(r);
                self.home.render(f, body, &theme, lang, &note);
            }
            1..=4 => self.lists[self.tab - 1].render(f, body, &theme, lang),
            5 => self.render_coming(f, body, "tui.sync.coming"),
            _ => self.render_coming(f, body, "tui.reports.coming"),
        }
        // overlays, bottom to top
        let n = self.stack.len();
        for i in 0..n {
            match &mut self.stack[i] {
                Overlay::Detail(d) => {
                    f.render_widget(Clear, body);
                    d.render(f, body, &theme, lang);
                }
                Overlay::Form(form) => super::form_view::render(form, f, body, &theme, lang),
                // Overlays take the whole body: a popup over a list of Chinese text would cut a
                // wide character in half at its edge.
                Overlay::Search(s) => s.render(f, body, &theme, lang),
                Overlay::Help => render_help(f, body, &theme, lang),
                Overlay::Confirm(c) => {
                    let key = match c {
                        Confirm::DiscardForm => "tui.confirm.discard",
                        Confirm::Quit => "tui.confirm.quit",
                    };
                    render_dialog(f, body, &theme, &tr(lang, key, &[]));
                }
                Overlay::DraftOffer(d) => {
                    let title = d.get("title").and_then(|t| t.as_str()).unwrap_or("");
                    render_dialog(f, body, &theme, &tr(lang, "tui.draft.offer", &[title]));
                }
            }
        }
        if let Some((msg, err)) = &self.status {
            let st = if *err { theme.alert() } else { theme.ok() };
            f.render_widget(
                Paragraph::new(Line::styled(fit(msg, area.width as usize), st)),
                Rect { y: area.y + area.height - 2, height: 1, ..area },
            );
        }
        let footer = self.footer();
        f.render_widget(Paragraph::new(footer), Rect { y: area.y + area.height - 1, height: 1, ..area });
    }

    fn sync_note(&self) -> String {
        let fp = self.app.public_key_hex().ok().flatten().map(|k| k[..16].to_string()).unwrap_or_default();
        tr(self.lang, "tui.home.sync_note", &[&fp])
    }

    /// The tab bar's labels for a terminal `cols` wide.
    fn tab_labels(&self, cols: u16) -> Vec<String> {
        let full: usize =
            TABS.iter().enumerate().map(|(i, k)| width(&format!(" {} {} ", i + 1, tr(self.lang, k, &[])))).sum();
        // too narrow for every name: the active tab keeps its name, the others show their number
        let compact = full > cols as usize;
        TABS.iter()
            .enumerate()
            .map(|(i, key)| {
                if compact && i != self.tab {
                    format!(" {} ", i + 1)
                } else {
                    format!(" {} {} ", i + 1, tr(self.lang, key, &[]))
                }
            })
            .collect()
    }

    /// A left click (with `--mouse`): on the tab bar switches tabs; on a list row selects it,
    /// and on the selected row opens it.
    pub fn on_click(&mut self, col: u16, row: u16, cols: u16) {
        if !self.stack.is_empty() {
            return;
        }
        self.status = None;
        if row == 0 {
            let mut x = 0;
            for (i, label) in self.tab_labels(cols).iter().enumerate() {
                let w = width(label) as u16;
                if col >= x && col < x + w {
                    self.tab = i;
                    return;
                }
                x += w;
            }
            return;
        }
        // list rows start below the tab bar, the filter line and the column header; the
        // dashboard's below the tab bar and its frame
        let (first_row, selected, top, len) = match self.tab {
            0 => (2, self.home.selected, self.home.top, self.home.data.items.len()),
            1..=4 => {
                let l = &self.lists[self.tab - 1];
                (3, l.selected, l.top, l.rows.len())
            }
            _ => return,
        };
        let Some(i) = row.checked_sub(first_row).map(|r| top + r as usize) else { return };
        if i >= len {
            return;
        }
        if i == selected {
            self.on_key(KeyEvent::from(KeyCode::Enter));
        } else if self.tab == 0 {
            self.home.selected = i;
        } else {
            self.lists[self.tab - 1].selected = i;
        }
    }

    fn render_tabs(&self, f: &mut Frame, area: Rect) {
        let mut spans = Vec::new();
        for (i, label) in self.tab_labels(area.width).into_iter().enumerate() {
            spans.push(Span::styled(label, if i == self.tab { self.theme.tab_active() } else { self.theme.dim() }));
        }
        let used: usize = spans.iter().map(|s| width(&s.content)).sum();
        if let Some(id) = self.app.identity() {
            let who = format!("{}·{}", id.place, id.worker);
            let room = (area.width as usize).saturating_sub(used + 1);
            if room >= 6 {
                let who = fit(&who, room);
                spans.push(Span::raw(" ".repeat(room - width(&who))));
                spans.push(Span::styled(who, self.theme.title()));
            }
        }
        f.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    fn render_coming(&self, f: &mut Frame, area: Rect, key: &str) {
        let mut text = vec![Line::styled(self.t(key), self.theme.title()), Line::raw("")];
        if let Some(id) = self.app.identity() {
            let role = crate::domain::codes::Role::from_code(&id.role).map(|r| r.label(self.lang)).unwrap_or(&id.role);
            text.push(Line::raw(tr(self.lang, "tui.sync.device", &[&id.device.to_string(), role, &id.division])));
            if let Ok(Some(k)) = self.app.public_key_hex() {
                text.push(Line::raw(tr(self.lang, "tui.sync.key", &[&k])));
            }
        }
        f.render_widget(
            Paragraph::new(text).wrap(Wrap { trim: false }).block(Block::default().borders(Borders::ALL)),
            area,
        );
    }

    /// The keys valid on the current screen.
    fn footer(&self) -> Line<'static> {
        let pairs: Vec<(String, String)> = match self.stack.last() {
            Some(Overlay::Form(f)) if f.fields.is_empty() => {
                vec![("Enter".into(), self.t("tui.key.confirm")), ("Esc".into(), self.t("tui.key.cancel"))]
            }
            Some(Overlay::Form(_)) => vec![
                ("Tab/↑↓".into(), self.t("tui.key.field")),
                ("←→".into(), self.t("tui.key.choose")),
                ("Ctrl+S".into(), self.t("tui.key.save")),
                ("Esc".into(), self.t("tui.key.cancel")),
            ],
            Some(Overlay::Detail(d)) => {
                let kind = d.view.entity.kind;
                let mut v: Vec<(String, String)> = d
                    .actions()
                    .into_iter()
                    .map(|(k, a)| {
                        // English labels are long: the footer shows the action's name
                        let label = match self.lang {
                            Lang::Zh => crate::domain::lifecycle::find_action(kind, a).map(|s| s.zh).unwrap_or(a),
                            Lang::En => a,
                        };
                        (k.to_string(), label.to_string())
                    })
                    .collect();
                v.push(("Esc".into(), self.t("tui.key.back")));
                v
            }
            Some(Overlay::Search(s)) => {
                let mut v = vec![
                    ("↑↓".into(), self.t("tui.key.select")),
                    ("Enter".into(), self.t("tui.key.open")),
                    ("Esc".into(), self.t("tui.key.close")),
                ];
                if !s.complete {
                    v.push(("Tab".into(), self.t("tui.key.all")));
                }
                v
            }
            Some(Overlay::Help) => vec![(self.t("tui.key.any"), self.t("tui.key.close"))],
            Some(Overlay::Confirm(_)) | Some(Overlay::DraftOffer(_)) => {
                vec![("y".into(), self.t("tui.key.yes")), ("n".into(), self.t("tui.key.no"))]
            }
            None if (1..=4).contains(&self.tab) => vec![
                ("↑↓".into(), self.t("tui.key.select")),
                ("Enter".into(), self.t("tui.key.open")),
                ("n".into(), self.t("tui.key.new")),
                ("/".into(), self.t("tui.key.search")),
                ("s/c/o/d".into(), self.t("tui.key.filter")),
                ("t".into(), self.t("tui.key.switch")),
                ("?".into(), self.t("tui.key.help")),
                ("q".into(), self.t("tui.key.quit")),
            ],
            None if self.tab >= 5 => vec![
                ("1-7".into(), self.t("tui.key.tabs")),
                ("/".into(), self.t("tui.key.search")),
                ("?".into(), self.t("tui.key.help")),
                ("q".into(), self.t("tui.key.quit")),
            ],
            None => vec![
                ("1-7".into(), self.t("tui.key.tabs")),
                ("↑↓".into(), self.t("tui.key.select")),
                ("Enter".into(), self.t("tui.key.open")),
                ("n".into(), self.t("tui.key.new")),
                ("/".into(), self.t("tui.key.search")),
                ("?".into(), self.t("tui.key.help")),
                ("q".into(), self.t("tui.key.quit")),
            ],
        };
        let mut spans = Vec::new();
        for (k, label) in pairs {
            spans.push(Span::styled(k, self.theme.key()));
            spans.push(Span::styled(format!(" {label}  "), self.theme.dim()));
        }
        Line::from(spans)
    }
}

fn picker_label(v: &crate::app::RecordView) -> String {
    let s = &v.entity.state;
    let extra = s.text("phone").map(crate::domain::check::mask_phone).unwrap_or_default();
    format!("{} {}", v.title(), extra).trim().to_string()
}

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

fn render_dialog(f: &mut Frame, area: Rect, theme: &Theme, text: &str) {
    f.render_widget(Clear, area);
    let r = centered(area, 64, 6);
    f.render_widget(
        Paragraph::new(text.to_string())
            .wrap(Wrap { trim: true })
            .block(Block::default().borders(Borders::ALL).border_style(theme.warn())),
        r,
    );
}

fn render_help(f: &mut Frame, area: Rect, theme: &Theme, lang: Lang) {
    f.render_widget(Clear, area);
    let r = centered(area, 78, 18);
    let lines: Vec<Line> = tr(lang, "tui.help", &[]).lines().map(|l| Line::raw(l.to_string())).collect();
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default().borders(Borders::ALL).title(Span::styled(tr(lang, "tui.help.title", &[]), theme.title())),
        ),
        r,
    );
}
