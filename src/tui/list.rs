//! A ledger's record list: filters (status, category, overdue, date range), two orders
//! (newest first, earliest due first), and paging through any size — rows are loaded a page
//! at a time, so a keystroke costs O(screen), not O(store).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crossterm::event::{KeyCode, KeyEvent};

use super::action::{Action, Filter};
use super::screen::{DrawCx, Reply, Screen, keys};
use super::text::{fit, one_line, pad, width};
use super::theme::Theme;
use crate::app::{App, AppError, ListQuery, RecordView};
use crate::domain::codes::EnumDef;
use crate::domain::lifecycle::{category_of, primary_date, statuses_of};
use crate::domain::{Day, Kind, Value};
use crate::i18n::{Lang, tr};

const PAGE: usize = 100;

/// Date ranges a list can be limited to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Range {
    /// Everything.
    All,
    /// This calendar month.
    Month,
    /// The last 30 days.
    Days30,
    /// This calendar year.
    Year,
}

impl Range {
    fn next(self) -> Range {
        match self {
            Range::All => Range::Month,
            Range::Month => Range::Days30,
            Range::Days30 => Range::Year,
            Range::Year => Range::All,
        }
    }
    fn bounds(self, today: Day) -> Option<(Day, Day)> {
        match self {
            Range::All => None,
            Range::Month => Some((today.first_of_month(), today)),
            Range::Days30 => Some((today.plus(-29), today)),
            Range::Year => Some((today.first_of_year(), today)),
        }
    }
    fn label(self, lang: Lang) -> String {
        tr(
            lang,
            match self {
                Range::All => "tui.range.all",
                Range::Month => "tui.range.month",
                Range::Days30 => "tui.range.30",
                Range::Year => "tui.range.year",
            },
            &[],
        )
    }
}

/// One ledger tab's list.
pub struct ListScreen {
    /// The kinds this tab switches between (`t`).
    pub kinds: Vec<Kind>,
    /// Which of them is shown.
    pub which: usize,
    /// Status filter: index into the kind's statuses.
    pub status: Option<usize>,
    /// Category filter: index into the kind's categories.
    pub category: Option<usize>,
    /// Only overdue records.
    pub overdue: bool,
    /// Date range.
    pub range: Range,
    /// Earliest due first (open records) instead of newest first.
    pub by_due: bool,
    /// Rows loaded so far.
    pub rows: Vec<RecordView>,
    /// No more rows to load.
    pub exhausted: bool,
    /// Selected row.
    pub selected: usize,
    /// First row on screen.
    pub top: usize,
    /// Must be reloaded before it is next drawn.
    pub stale: bool,
    /// A county store: it holds no records (its figures are in 报表), so nothing to add here.
    pub county: bool,
}

impl ListScreen {
    /// A list over `kinds` (the first is shown).
    pub fn new(kinds: Vec<Kind>) -> ListScreen {
        ListScreen {
            kinds,
            which: 0,
            status: None,
            category: None,
            overdue: false,
            range: Range::All,
            by_due: false,
            rows: vec![],
            exhausted: false,
            selected: 0,
            top: 0,
            stale: true,
            county: false,
        }
    }

    /// The kind shown.
    pub fn kind(&self) -> Kind {
        self.kinds[self.which]
    }

    fn query(&self, today: Day) -> ListQuery {
        let kind = self.kind();
        ListQuery {
            kind: Some(kind),
            status: self.status.map(|i| statuses_of(kind).codes[i].code.to_string()),
            category: self.category.and_then(|i| category_of(kind).map(|(_, d)| d.codes[i].code.to_string())),
            overdue: self.overdue,
            dates: self.range.bounds(today),
            by_due: self.by_due,
            offset: self.rows.len(),
            limit: PAGE,
            query: None,
        }
    }

    /// Reloads from the first page, keeping the selection where possible.
    pub fn reload(&mut self, app: &App) -> Result<(), AppError> {
        let keep = self.rows.get(self.selected).map(|v| v.entity.id);
        self.county = app.is_county();
        self.rows.clear();
        self.exhausted = false;
        self.stale = false;
        let want = (self.selected + 1).max(PAGE);
        while self.rows.len() < want && !self.exhausted {
            self.load_more(app)?;
        }
        if let Some(id) = keep
            && let Some(i) = self.rows.iter().position(|v| v.entity.id == id)
        {
            self.selected = i;
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
        Ok(())
    }

    fn load_more(&mut self, app: &App) -> Result<(), AppError> {
        let page = app.list(&self.query(app.today()))?;
        self.exhausted = page.len() < PAGE;
        self.rows.extend(page);
        Ok(())
    }

    /// Moves the selection by `delta` rows (loading more as needed); `isize::MAX` is the end.
    pub fn move_by(&mut self, app: &App, delta: isize) -> Result<(), AppError> {
        let target = if delta >= 0 {
            self.selected.saturating_add(delta as usize)
        } else {
            self.selected.saturating_sub(delta.unsigned_abs())
        };
        while target >= self.rows.len() && !self.exhausted {
            self.load_more(app)?;
        }
        self.selected = target.min(self.rows.len().saturating_sub(1));
        Ok(())
    }

    /// The selected record.
    pub fn current(&self) -> Option<&RecordView> {
        self.rows.get(self.selected)
    }

    fn reset(&mut self) {
        self.selected = 0;
        self.top = 0;
        self.stale = true;
    }

    /// Switches to the next kind of this tab.
    pub fn next_kind(&mut self) {
        self.which = (self.which + 1) % self.kinds.len();
        self.status = None;
        self.category = None;
        self.reset();
    }
    /// Cycles the status filter.
    pub fn cycle_status(&mut self) {
        let n = statuses_of(self.kind()).codes.len();
        self.status = match self.status {
            None => Some(0),
            Some(i) if i + 1 < n => Some(i + 1),
            Some(_) => None,
        };
        self.reset();
    }
    /// Cycles the category filter.
    pub fn cycle_category(&mut self) {
        let Some((_, def)) = category_of(self.kind()) else { return };
        self.category = match self.category {
            None => Some(0),
            Some(i) if i + 1 < def.codes.len() => Some(i + 1),
            Some(_) => None,
        };
        self.reset();
    }
    /// Toggles "overdue only".
    pub fn toggle_overdue(&mut self) {
        self.overdue = !self.overdue;
        self.reset();
    }
    /// Cycles the date range.
    pub fn cycle_range(&mut self) {
        self.range = self.range.next();
        self.reset();
    }
    /// Toggles the order.
    pub fn toggle_sort(&mut self) {
        self.by_due = !self.by_due;
        self.reset();
    }
    /// Whether any filter is set.
    pub fn filtered(&self) -> bool {
        self.status.is_some() || self.category.is_some() || self.overdue || self.range != Range::All || self.by_due
    }
    /// Clears every filter.
    pub fn clear_filters(&mut self) {
        self.status = None;
        self.category = None;
        self.overdue = false;
        self.range = Range::All;
        self.by_due = false;
        self.reset();
    }

    /// Draws the list in `area`.
    pub fn render(&self, f: &mut Frame, area: Rect, theme: &Theme, lang: Lang) {
        if area.height < 3 {
            return;
        }
        let kind = self.kind();
        let filters = self.filter_line(lang);
        f.render_widget(
            Paragraph::new(Line::from(vec![Span::styled(filters, theme.dim())])),
            Rect { height: 1, ..area },
        );
        let header = Rect { y: area.y + 1, height: 1, ..area };
        f.render_widget(
            Paragraph::new(Line::styled(columns_header(kind, lang, area.width as usize), theme.title())),
            header,
        );
        let body = Rect { y: area.y + 2, height: area.height - 2, ..area };
        if self.rows.is_empty() {
            let empty = if self.county { "county.ledgers_none" } else { "tui.list.empty" };
            let p = Paragraph::new(tr(lang, empty, &[])).wrap(ratatui::widgets::Wrap { trim: true });
            f.render_widget(p.style(theme.dim()), body);
            return;
        }
        // `fit` has scrolled to the selection for this height
        let h = body.height as usize;
        let mut lines = Vec::with_capacity(h);
        for (i, v) in self.rows.iter().enumerate().skip(self.top).take(h) {
            let text = row_text(v, lang, body.width as usize);
            let mut style = row_style(v.due_state, theme);
            if i == self.selected {
                style = theme.selected();
            }
            lines.push(Line::styled(text, style));
        }
        f.render_widget(Paragraph::new(lines), body);
    }

    fn filter_line(&self, lang: Lang) -> String {
        let kind = self.kind();
        let mut parts = vec![kind.label(lang).to_string()];
        if self.kinds.len() > 1 {
            let others: Vec<&str> = self.kinds.iter().filter(|k| **k != kind).map(|k| k.label(lang)).collect();
            parts[0] = tr(lang, "tui.list.kind_switch", &[kind.label(lang), &others.join("/")]);
        }
        let loaded = if self.exhausted { self.rows.len().to_string() } else { format!("{}+", self.rows.len()) };
        parts.push(tr(lang, "tui.list.count", &[&loaded]));
        // only the filters in force, so the line fits 80 columns
        if let Some(i) = self.status {
            parts.push(tr(lang, "tui.filter.status", &[&enum_label(statuses_of(kind), i, lang)]));
        }
        if let (Some(i), Some((_, def))) = (self.category, category_of(kind)) {
            parts.push(tr(lang, "tui.filter.category", &[&enum_label(def, i, lang)]));
        }
        if self.range != Range::All {
            parts.push(self.range.label(lang));
        }
        if self.overdue {
            parts.push(tr(lang, "tui.filter.overdue", &[]));
        }
        if self.by_due {
            parts.push(tr(lang, "tui.sort.due", &[]));
        }
        if !self.filtered() {
            parts.push(tr(lang, "tui.filter.none", &[]));
        }
        parts.join("  ")
    }
}

impl Screen for ListScreen {
    fn action_for(&self, key: KeyEvent) -> Action {
        let page = 10;
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => Action::Move(1),
            KeyCode::Up | KeyCode::Char('k') => Action::Move(-1),
            KeyCode::PageDown => Action::Move(page),
            KeyCode::PageUp => Action::Move(-page),
            KeyCode::Home | KeyCode::Char('g') => Action::Move(isize::MIN / 2),
            KeyCode::End | KeyCode::Char('G') => Action::Move(isize::MAX / 2),
            KeyCode::Enter => Action::Open,
            KeyCode::Char('t') => Action::Filter(Filter::NextKind),
            KeyCode::Char('s') => Action::Filter(Filter::Status),
            KeyCode::Char('c') => Action::Filter(Filter::Category),
            KeyCode::Char('o') => Action::Filter(Filter::Overdue),
            KeyCode::Char('d') => Action::Filter(Filter::Range),
            KeyCode::Char('S') => Action::Filter(Filter::Sort),
            KeyCode::Char('C') => Action::Filter(Filter::Clear),
            _ => Action::Ignored,
        }
    }

    fn update(&mut self, action: &Action, app: &App) -> Result<Reply, AppError> {
        match action {
            Action::Move(d) => {
                let before = (self.selected, self.rows.len());
                self.move_by(app, *d)?;
                Ok(if before == (self.selected, self.rows.len()) { Reply::Unchanged } else { Reply::Changed })
            }
            Action::Open => Ok(self.current().map(|v| Reply::Open(v.entity.id)).unwrap_or(Reply::Unchanged)),
            Action::Filter(f) => {
                match f {
                    Filter::NextKind => self.next_kind(),
                    Filter::Status => self.cycle_status(),
                    Filter::Category => self.cycle_category(),
                    Filter::Overdue => self.toggle_overdue(),
                    Filter::Range => self.cycle_range(),
                    Filter::Sort => self.toggle_sort(),
                    Filter::Clear => self.clear_filters(),
                }
                Ok(Reply::Changed)
            }
            _ => Ok(Reply::Unchanged),
        }
    }

    fn click(&mut self, row: u16) -> Reply {
        // rows start below the filter line and the column header
        let rows = &self.rows;
        super::screen::click_row(row, 2, self.top, rows.len(), &mut self.selected, |i| rows.get(i).map(|v| v.entity.id))
    }

    fn mark_stale(&mut self) {
        self.stale = true;
    }

    fn reload(&mut self, app: &App) -> Result<(), AppError> {
        if self.stale { ListScreen::reload(self, app) } else { Ok(()) }
    }

    fn fit(&mut self, _app: &App, area: Rect) -> Result<(), AppError> {
        if area.height >= 3 && !self.rows.is_empty() {
            let rows = (area.height - 2) as usize;
            // the last page is full: no blank rows below the end
            self.top = super::home::scrolled(self.top, self.selected, rows).min(self.rows.len().saturating_sub(rows));
        }
        Ok(())
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        self.render(f, area, cx.theme, cx.lang);
    }

    fn footer(&self, lang: Lang) -> Vec<(String, String)> {
        if self.county {
            return keys(lang, &[("1-7", "tui.key.tabs"), ("?", "tui.key.help"), ("q", "tui.key.quit")]);
        }
        keys(
            lang,
            &[
                ("↑↓", "tui.key.select"),
                ("Enter", "tui.key.open"),
                ("n", "tui.key.new"),
                ("/", "tui.key.search"),
                ("s/c/o/d", "tui.key.filter"),
                ("t", "tui.key.switch"),
                ("?", "tui.key.help"),
                ("q", "tui.key.quit"),
            ],
        )
    }

    fn new_kind(&self) -> Option<Kind> {
        if self.county { None } else { Some(self.kind()) }
    }

    fn show_kind(&mut self, kind: Kind) {
        if let Some(w) = self.kinds.iter().position(|x| *x == kind) {
            self.which = w;
        }
    }
}

fn enum_label(def: &EnumDef, i: usize, lang: Lang) -> String {
    def.codes.get(i).map(|c| lang.pick(c.zh, c.en).to_string()).unwrap_or_default()
}

fn code_label(def: &EnumDef, v: Option<&str>, lang: Lang) -> String {
    v.map(|c| def.label(c, lang)).unwrap_or_default()
}

/// Column widths: status 12, date 10, extra 12, due 10; the title takes the rest.
fn columns_header(kind: Kind, lang: Lang, w: usize) -> String {
    let t = |k: &str| tr(lang, k, &[]);
    let (extra, title) = match kind {
        Kind::Visit => (t("tui.col.type"), t("tui.col.notes")),
        Kind::Demand => (t("tui.col.domain"), t("tui.col.content")),
        Kind::Dispute => (t("tui.col.category"), t("tui.col.claims")),
        Kind::Hazard => (t("tui.col.hazard"), t("tui.col.location")),
        Kind::Person => (t("tui.col.phone"), t("tui.col.name")),
        Kind::Household => (t("tui.col.grid"), t("tui.col.address")),
    };
    let s = if matches!(kind, Kind::Person | Kind::Household) {
        format!("{} {} {}", pad(&t("tui.col.status"), 12), pad(&extra, 14), title)
    } else {
        format!(
            "{} {} {} {} {}",
            pad(&t("tui.col.status"), 12),
            pad(&t("tui.col.date"), 10),
            pad(&extra, 12),
            pad(&t("tui.col.due"), 10),
            title
        )
    };
    fit(&s, w)
}

/// 超时预警: a row is red when overdue, yellow when due today or by the next working day (the
/// thresholds are the domain's, `domain::due`).
fn row_style(due: crate::app::DueState, theme: &Theme) -> ratatui::style::Style {
    match due {
        crate::app::DueState::Overdue => theme.alert(),
        crate::app::DueState::Today | crate::app::DueState::Soon => theme.warn(),
        crate::app::DueState::None => theme.text(),
    }
}

/// One row of a list, fitted to `w` columns.
pub fn row_text(v: &RecordView, lang: Lang, w: usize) -> String {
    use crate::domain::codes::*;
    let e = &v.entity;
    let s = &e.state;
    let mut status = statuses_of(e.kind).label(s.status(), lang);
    if v.overdue {
        status = format!("{}{}", tr(lang, "tui.overdue_mark", &[]), status);
    }
    let date = primary_date(e.kind, s).map(|d| d.to_string()).unwrap_or_default();
    let due = v.due.map(crate::app::present::month_day).unwrap_or_default();
    let extra = match e.kind {
        Kind::Visit => code_label(&VisitType::DEF, s.text("type"), lang),
        Kind::Demand => code_label(&DemandDomain::DEF, s.text("domain"), lang),
        Kind::Dispute => code_label(&DisputeCategory::DEF, s.text("category"), lang),
        Kind::Hazard => {
            let grade = if s.text("grade") == Some("MAJOR") { tr(lang, "tui.major_mark", &[]) } else { String::new() };
            format!("{grade}{}", code_label(&HazardCategory::DEF, s.text("category"), lang))
        }
        Kind::Person => {
            s.text("phone").map(|p| crate::app::present::masked("phone", p, false).into_owned()).unwrap_or_default()
        }
        Kind::Household => s.text("grid").unwrap_or("").to_string(),
    };
    let title = match e.kind {
        Kind::Person => {
            let tags = match s.get("tags") {
                Some(Value::List(l)) => l
                    .iter()
                    .filter_map(Value::as_text)
                    .filter_map(Tag::from_code)
                    .map(|t| t.label(lang))
                    .collect::<Vec<_>>()
                    .join(lang.pick("、", ", ")),
                _ => String::new(),
            };
            let name = s.text("name").unwrap_or("");
            if tags.is_empty() { name.to_string() } else { format!("{name}  [{tags}]") }
        }
        Kind::Hazard => format!("{} {}", s.text("location").unwrap_or(""), s.text("description").unwrap_or("")),
        _ => v.title(),
    };
    let row = if matches!(e.kind, Kind::Person | Kind::Household) {
        format!("{} {} {}", pad(&status, 12), pad(&extra, 14), one_line(&title))
    } else {
        format!("{} {} {} {} {}", pad(&status, 12), pad(&date, 10), pad(&extra, 12), pad(&due, 10), one_line(&title))
    };
    let row = fit(&row, w);
    // pad to the full width so a selected row is highlighted edge to edge
    let pad_to = w.saturating_sub(width(&row));
    format!("{row}{}", " ".repeat(pad_to))
}

#[cfg(test)]
mod tests {
    use ratatui::style::Color;

    use super::*;
    use crate::app::DueState;

    #[test]
    fn rows_warn_in_yellow_before_they_are_late_and_in_red_when_late() {
        let colour = Theme::new(false);
        assert_eq!(row_style(DueState::Overdue, &colour).fg, Some(Color::Red));
        assert_eq!(row_style(DueState::Today, &colour).fg, Some(Color::Yellow));
        assert_eq!(row_style(DueState::Soon, &colour).fg, Some(Color::Yellow));
        assert_ne!(row_style(DueState::None, &colour).fg, Some(Color::Yellow));
        assert_ne!(row_style(DueState::None, &colour).fg, Some(Color::Red));
        // without colours (NO_COLOR), a warning is still set apart
        let mono = Theme::new(true);
        assert_ne!(row_style(DueState::Soon, &mono), row_style(DueState::None, &mono));
    }
}
