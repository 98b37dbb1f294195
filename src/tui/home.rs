//! 首页: work due today and overdue across the ledgers, this month's counts as a bar chart, and
//! the sync status.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph};

use crossterm::event::{KeyCode, KeyEvent};

use super::action::Action;
use super::screen::{DrawCx, Reply, Screen, keys};
use super::text::{fit, one_line, pad};
use super::theme::Theme;
use crate::app::present::short_date;
use crate::app::{App, AppError, Dashboard, DueReason, DueState};
use crate::domain::Kind;
use crate::i18n::{Lang, tr};

/// The dashboard tab.
#[derive(Default)]
pub struct HomeScreen {
    /// The figures (reloaded when stale).
    pub data: Dashboard,
    /// Selected work item.
    pub selected: usize,
    /// First item shown.
    pub top: usize,
    /// Must be reloaded.
    pub stale: bool,
    /// Titles of the items on screen, read when they come into view.
    titles: std::collections::HashMap<crate::domain::EntityId, String>,
    /// The state of sync, for the sync box.
    pub sync: Option<crate::app::sync::SyncStatus>,
    /// A township's or county's rows per village and inbox, shown instead of the work list
    /// (`tui/inbox.rs`); `None` in a village store.
    pub town: Option<super::inbox::Town>,
    /// Where the selectable list's rows start below the screen's top (for clicks).
    list_top: u16,
}

impl HomeScreen {
    /// A dashboard that loads on first draw.
    pub fn new() -> HomeScreen {
        HomeScreen { stale: true, ..Default::default() }
    }

    /// Reloads the figures.
    pub fn reload(&mut self, app: &App) -> Result<(), AppError> {
        self.data = app.dashboard()?;
        self.sync = Some(app.sync_status()?);
        self.town = super::inbox::Town::load(app)?;
        self.titles.clear();
        self.selected = self.selected.min(self.len().saturating_sub(1));
        self.stale = false;
        Ok(())
    }

    /// How many rows the selectable list has: the inbox in a township, the work list in a
    /// village.
    fn len(&self) -> usize {
        self.town.as_ref().map_or(self.data.items.len(), |t| t.inbox.len())
    }

    /// Scrolls to the selection and reads the titles of the `rows` items that will be on screen.
    pub fn prepare(&mut self, app: &App, rows: usize) -> Result<(), AppError> {
        // the last page is full: no blank rows below the end
        self.top = scrolled(self.top, self.selected, rows).min(self.len().saturating_sub(rows));
        if self.town.is_some() {
            return Ok(());
        }
        let missing: Vec<_> = self
            .data
            .items
            .iter()
            .skip(self.top)
            .take(rows)
            .map(|i| i.id)
            .filter(|id| !self.titles.contains_key(id))
            .collect();
        if !missing.is_empty() {
            // from the summaries: the first screen reads no events
            for (id, title) in app.titles_of(&missing)? {
                self.titles.insert(id, title);
            }
        }
        Ok(())
    }

    /// The selected item's record.
    pub fn current(&self) -> Option<crate::domain::EntityId> {
        match &self.town {
            Some(t) => t.inbox.get(self.selected).map(|i| i.id),
            None => self.data.items.get(self.selected).map(|i| i.id),
        }
    }

    /// Draws the dashboard.
    pub fn render(&self, f: &mut Frame, area: Rect, theme: &Theme, lang: Lang, sync_note: &str) {
        if let Some(town) = &self.town {
            let at = (self.selected, self.top);
            return super::inbox::render(town, f, area, theme, lang, self.data.today, at, sync_note);
        }
        let [left, right] = Layout::horizontal([Constraint::Min(40), Constraint::Length(34)]).areas(area);
        self.render_work(f, left, theme, lang);
        // the sync box only when its lines fit and the chart keeps its height
        let sync_h = if right.height >= 8 + 5 && right.width >= 34 { 5 } else { 0 };
        let [chart, sync] = Layout::vertical([Constraint::Min(8), Constraint::Length(sync_h)]).areas(right);
        let title = tr(lang, "tui.home.month", &[&self.data.month_start.year_month()]);
        let bars: Vec<Bar> = self
            .data
            .month
            .iter()
            .map(|(k, n)| {
                Bar::default()
                    .value(*n as u64)
                    .label(Line::from(k.label(lang)))
                    .style(theme.bar())
                    .value_style(theme.selected())
            })
            .collect();
        let chart_w = BarChart::default()
            .block(Block::default().borders(Borders::ALL).title(Span::styled(title, theme.title())))
            .data(BarGroup::default().bars(&bars))
            .bar_width(6)
            .bar_gap(1);
        f.render_widget(chart_w, chart);
        let sync_p =
            Paragraph::new(sync_note.to_string()).wrap(ratatui::widgets::Wrap { trim: true }).style(theme.dim()).block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(Span::styled(tr(lang, "tui.home.sync", &[]), theme.title())),
            );
        f.render_widget(sync_p, sync);
    }

    fn render_work(&self, f: &mut Frame, area: Rect, theme: &Theme, lang: Lang) {
        let block = Block::default()
            .borders(Borders::ALL)
            .title(Span::styled(tr(lang, "tui.home.work", &[&self.data.items.len().to_string()]), theme.title()));
        let inner = block.inner(area);
        f.render_widget(block, area);
        if self.data.items.is_empty() {
            f.render_widget(Paragraph::new(tr(lang, "tui.home.nothing", &[])).style(theme.ok()), inner);
            return;
        }
        // `fit` has scrolled to the selection for this height
        let h = inner.height as usize;
        let w = inner.width as usize;
        let today = self.data.today;
        let shown = || self.data.items.iter().enumerate().skip(self.top).take(h);
        // dates of another year carry the year: the column widens for them
        let dw = shown().filter_map(|(_, i)| i.due).map(|d| short_date(d, today).len()).max().unwrap_or(5).max(5);
        let lines: Vec<Line> = shown()
            .map(|(i, item)| {
                let reason = tr(
                    lang,
                    match item.reason {
                        DueReason::Supervised => "town.reason.supervised",
                        DueReason::NeedsDecision => "decision.reason",
                        DueReason::Instructed => "town.reason.instructed",
                        DueReason::ExtensionDecided => "town.reason.extension_decided",
                        DueReason::Overdue => "tui.reason.overdue",
                        DueReason::DueToday => "tui.reason.today",
                        DueReason::DueSoon => "tui.reason.soon",
                        DueReason::AwaitingReview => "tui.reason.review",
                        DueReason::AwaitingFollowup => "tui.reason.followup",
                    },
                    &[],
                );
                let due = item.due.map(|d| short_date(d, today)).unwrap_or_default();
                let (rw, kw) = match lang {
                    Lang::Zh => (8, 4),
                    Lang::En => (9, 8),
                };
                let text = format!(
                    "{} {} {} {}",
                    pad(&reason, rw),
                    pad(item.kind.label(lang), kw),
                    pad(&due, dw),
                    one_line(self.titles.get(&item.id).map(String::as_str).unwrap_or(""))
                );
                let text = pad(&fit(&text, w), w);
                // red when a decision is needed or overdue, yellow when due today or soon (超时预警)
                let style = if i == self.selected {
                    theme.selected()
                } else if matches!(
                    item.reason,
                    DueReason::Supervised
                        | DueReason::NeedsDecision
                        | DueReason::Instructed
                        | DueReason::ExtensionDecided
                ) {
                    theme.alert()
                } else {
                    match item.reason.due_state() {
                        DueState::Overdue => theme.alert(),
                        DueState::Today | DueState::Soon => theme.warn(),
                        DueState::None => theme.text(),
                    }
                };
                Line::styled(text, style)
            })
            .collect();
        f.render_widget(Paragraph::new(lines), inner);
    }
}

impl Screen for HomeScreen {
    fn action_for(&self, key: KeyEvent) -> Action {
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => Action::Move(1),
            KeyCode::Up | KeyCode::Char('k') => Action::Move(-1),
            KeyCode::PageDown => Action::Move(10),
            KeyCode::PageUp => Action::Move(-10),
            KeyCode::Home | KeyCode::Char('g') => Action::Move(isize::MIN / 2),
            KeyCode::End | KeyCode::Char('G') => Action::Move(isize::MAX / 2),
            KeyCode::Enter => Action::Open,
            _ => Action::Ignored,
        }
    }

    fn update(&mut self, action: &Action, _app: &App) -> Result<Reply, AppError> {
        let before = self.selected;
        match action {
            Action::Move(d) if *d >= 0 => {
                self.selected = self.selected.saturating_add(*d as usize).min(self.len().saturating_sub(1))
            }
            Action::Move(d) => self.selected = self.selected.saturating_sub(d.unsigned_abs()),
            Action::Open => return Ok(self.current().map(Reply::Open).unwrap_or(Reply::Unchanged)),
            _ => {}
        }
        Ok(if self.selected == before { Reply::Unchanged } else { Reply::Changed })
    }

    fn click(&mut self, row: u16) -> Reply {
        // the list's rows start below its frame (a township's inbox: below the villages box)
        let (len, top) = (self.len(), self.top);
        let ids: Vec<_> = match &self.town {
            Some(t) => t.inbox.iter().map(|i| i.id).collect(),
            None => self.data.items.iter().map(|i| i.id).collect(),
        };
        super::screen::click_row(row, self.list_top + 1, top, len, &mut self.selected, |i| ids.get(i).copied())
    }

    fn mark_stale(&mut self) {
        self.stale = true;
    }

    fn reload(&mut self, app: &App) -> Result<(), AppError> {
        if self.stale { HomeScreen::reload(self, app) } else { Ok(()) }
    }

    fn fit(&mut self, app: &App, area: Rect) -> Result<(), AppError> {
        // the list's rows: the area less its border (and a township's villages box)
        self.list_top = self.town.as_ref().map_or(0, |t| t.villages_height(area));
        self.prepare(app, area.height.saturating_sub(2 + self.list_top) as usize)
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        let division = cx.identity.map(|i| i.division.as_str()).unwrap_or("");
        let note = super::sync::home_panel(self.sync.as_ref(), division, self.data.today, cx.lang).join("\n");
        self.render(f, area, cx.theme, cx.lang, &note);
    }

    fn footer(&self, lang: Lang) -> Vec<(String, String)> {
        if self.town.as_ref().is_some_and(|t| t.county) {
            // a county has no records to open or add
            return keys(lang, &[("1-7", "tui.key.tabs"), ("?", "tui.key.help"), ("q", "tui.key.quit")]);
        }
        keys(
            lang,
            &[
                ("1-7", "tui.key.tabs"),
                ("↑↓", "tui.key.select"),
                ("Enter", "tui.key.open"),
                ("n", "tui.key.new"),
                ("/", "tui.key.search"),
                ("?", "tui.key.help"),
                ("q", "tui.key.quit"),
            ],
        )
    }

    fn new_kind(&self) -> Option<Kind> {
        if self.town.as_ref().is_some_and(|t| t.county) { None } else { Some(Kind::Visit) }
    }
}

/// The first row to show so that `selected` is visible: when it leaves the screen the list
/// jumps by half a screen instead of one row, so moving through a long list redraws the whole
/// list once every half screen rather than on every key (bytes matter over slow SSH links).
pub fn scrolled(top: usize, selected: usize, rows: usize) -> usize {
    if rows == 0 {
        return selected;
    }
    if selected < top {
        selected.saturating_sub(rows / 2)
    } else if selected >= top + rows {
        (selected + rows / 2 + 1).saturating_sub(rows)
    } else {
        top
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_needing_a_decision_heads_the_work_list_in_red() {
        let (tv, tt) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (mut app, id) = crate::app::closed_while_escalated(tv.path(), tt.path());
        // overdue work as well: the decision still comes first
        let late = serde_json::json!({"received_on": "2026-11-02", "channel": "PHONE", "requester": "赵四",
                                      "kind": "HELP", "domain": "INFRA", "content": "路灯不亮"});
        app.add(crate::domain::Kind::Demand, &late).unwrap();
        let mut home = HomeScreen::new();
        home.reload(&app).unwrap();
        home.prepare(&app, 20).unwrap();
        assert_eq!(home.current(), Some(id));
        let theme = Theme::new(true);
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
        term.draw(|f| home.render(f, f.area(), &theme, Lang::Zh, "")).unwrap();
        let buf = term.backend().buffer();
        // wide characters leave a blank cell after them
        let rows: Vec<String> = (0..buf.area.height)
            .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect::<String>().replace(' ', ""))
            .collect();
        let decide = rows.iter().position(|r| r.contains("待决定") && r.contains("扶手松了")).expect("listed");
        let overdue = rows.iter().position(|r| r.contains("逾期") && r.contains("路灯不亮")).expect("listed");
        assert!(decide < overdue, "{rows:#?}");
        // unselected, the row is drawn in the alert colour
        home.selected = 1;
        term.draw(|f| home.render(f, f.area(), &theme, Lang::Zh, "")).unwrap();
        let cell = &term.backend().buffer()[(1, decide as u16)];
        let alert = theme.alert();
        let shown = (cell.fg, cell.modifier);
        assert_eq!(shown, (alert.fg.unwrap_or(ratatui::style::Color::Reset), alert.add_modifier), "{cell:?}");
        assert_ne!(alert, theme.text(), "the alert style differs from plain rows");
    }

    #[test]
    fn scrolling_jumps_by_half_a_screen() {
        assert_eq!(scrolled(0, 5, 20), 0);
        assert_eq!(scrolled(0, 20, 20), 11, "the selection lands mid-screen");
        assert_eq!(scrolled(11, 21, 20), 11, "then moves without scrolling");
        assert_eq!(scrolled(11, 10, 20), 0);
        assert_eq!(scrolled(30, 29, 20), 19);
    }
}
