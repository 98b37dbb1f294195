//! 首页 of a township (or county) store (docs/ARCHITECTURE.md, "Township"): one row per village
//! (records, overdue, escalations and extension requests waiting, the last bundle, silent for
//! over a month) above the inbox (上报 and 延期申请 waiting here, oldest first, with the days
//! waited), whose rows open the record like the village's work list does.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::text::{fit, one_line, pad};
use super::theme::Theme;
use crate::app::present::{short_date, width};
use crate::app::{App, AppError, InboxItem, InboxReason, VillageRow};
use crate::domain::Day;
use crate::i18n::{Lang, tr};

/// What a township's 首页 shows.
#[derive(Clone, Debug, Default)]
pub struct Town {
    /// One row per village (a county's: per township).
    pub villages: Vec<VillageRow>,
    /// The inbox, oldest first.
    pub inbox: Vec<InboxItem>,
    /// A county store: its rows are townships and their statistics files, and it has no inbox.
    pub county: bool,
}

impl Town {
    /// Reads the rows and the inbox; `None` for a village store.
    pub fn load(app: &App) -> Result<Option<Town>, AppError> {
        if !app.is_above() {
            return Ok(None);
        }
        let (villages, inbox) = app.township_home()?;
        Ok(Some(Town { villages, inbox, county: app.is_county() }))
    }

    /// The height of the villages box in `area` (its rows, a header and the frame, at most
    /// half the screen).
    pub fn villages_height(&self, area: Rect) -> u16 {
        (self.villages.len().max(1) as u16 + 3).min(area.height / 2).max(4)
    }
}

fn right(s: &str, cols: usize) -> String {
    format!("{}{s}", " ".repeat(cols.saturating_sub(width(s))))
}

/// Draws the villages box, then the inbox (and the sync box beside it when it fits).
#[allow(clippy::too_many_arguments)]
pub fn render(
    town: &Town,
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
    lang: Lang,
    today: Day,
    (selected, top): (usize, usize),
    sync_note: &str,
) {
    let [upper, lower] =
        Layout::vertical([Constraint::Length(town.villages_height(area)), Constraint::Min(3)]).areas(area);
    let sync_w = if lower.width >= 40 + 34 && lower.height >= 5 { 34 } else { 0 };
    let [inbox, sync] = Layout::horizontal([Constraint::Min(40), Constraint::Length(sync_w)]).areas(lower);
    if town.county {
        render_townships(town, f, upper, theme, lang, today);
        let title = Span::styled(tr(lang, "county.home.about", &[]), theme.title());
        let p = Paragraph::new(tr(lang, "county.home.hint", &[])).wrap(ratatui::widgets::Wrap { trim: false });
        f.render_widget(p.style(theme.dim()).block(Block::default().borders(Borders::ALL).title(title)), inbox);
    } else {
        render_villages(town, f, upper, theme, lang, today);
        render_inbox(town, f, inbox, theme, lang, (selected, top));
    }
    if sync_w > 0 {
        let p = Paragraph::new(sync_note.to_string()).wrap(ratatui::widgets::Wrap { trim: true }).style(theme.dim());
        let title = Span::styled(tr(lang, "tui.home.sync", &[]), theme.title());
        f.render_widget(p.block(Block::default().borders(Borders::ALL).title(title)), sync);
    }
}

fn render_villages(town: &Town, f: &mut Frame, area: Rect, theme: &Theme, lang: Lang, today: Day) {
    let silent = town.villages.iter().filter(|v| v.silent).count();
    let title = tr(lang, "town.home.villages", &[&town.villages.len().to_string(), &silent.to_string()]);
    let block = Block::default().borders(Borders::ALL).title(Span::styled(title, theme.title()));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let w = inner.width as usize;
    let row = |cells: [&str; 6]| {
        let text = format!(
            "{} {} {} {} {}  {}",
            pad(cells[0], 12),
            right(cells[1], 7),
            right(cells[2], 6),
            right(cells[3], 6),
            right(cells[4], 5),
            cells[5]
        );
        pad(&fit(&text, w), w)
    };
    let t = |k: &str| tr(lang, k, &[]);
    let mut lines = vec![Line::styled(
        row([
            &t("town.col.place"),
            &t("town.col.records"),
            &t("town.col.overdue"),
            &t("town.col.waiting"),
            &t("town.col.extensions"),
            &t("town.col.last"),
        ]),
        theme.dim(),
    )];
    if town.villages.is_empty() {
        lines.push(Line::styled(t("town.villages.none"), theme.dim()));
    }
    for v in &town.villages {
        let name = if v.place.is_empty() { v.division.clone() } else { v.place.clone() };
        let mut last = match v.last_bundle_ms {
            Some(ms) => short_date(Day::from_unix_ms(ms), today),
            None => t("town.never"),
        };
        if v.silent {
            last = format!("{last} {}", t("town.home.silent"));
        }
        let cells = [v.records, v.overdue, v.waiting, v.extension_requests].map(|n| n.to_string());
        let style = if v.silent { theme.warn() } else { theme.text() };
        lines.push(Line::styled(row([&one_line(&name), &cells[0], &cells[1], &cells[2], &cells[3], &last]), style));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// A county's rows: each township, the villages its statistics files report, the day their
/// figures are as of, and when its newest file was written.
fn render_townships(town: &Town, f: &mut Frame, area: Rect, theme: &Theme, lang: Lang, today: Day) {
    let silent = town.villages.iter().filter(|v| v.silent).count();
    let title = tr(lang, "county.home.townships", &[&town.villages.len().to_string(), &silent.to_string()]);
    let block = Block::default().borders(Borders::ALL).title(Span::styled(title, theme.title()));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let w = inner.width as usize;
    let row = |cells: [&str; 4]| {
        let text = format!("{} {}  {}  {}", pad(cells[0], 12), right(cells[1], 8), pad(cells[2], 10), cells[3]);
        pad(&fit(&text, w), w)
    };
    let t = |k: &str| tr(lang, k, &[]);
    let header = [t("county.col.township"), t("county.col.villages"), t("county.col.as_of"), t("county.col.last")];
    let mut lines = vec![Line::styled(row([&header[0], &header[1], &header[2], &header[3]]), theme.dim())];
    if town.villages.is_empty() {
        lines.push(Line::styled(t("county.townships.none"), theme.dim()));
    }
    for v in &town.villages {
        let name = if v.place.is_empty() { code_tail(&v.division) } else { one_line(&v.place) };
        let mut last =
            v.last_bundle_ms.map_or_else(|| t("county.never"), |ms| short_date(Day::from_unix_ms(ms), today));
        if v.silent {
            last = format!("{last} {}", t("town.home.silent"));
        }
        let as_of = v.as_of.map(|d| d.to_string()).unwrap_or_default();
        let style = if v.silent { theme.warn() } else { theme.text() };
        lines.push(Line::styled(row([&name, &v.villages.to_string(), &as_of, &last]), style));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// A village without a known name, by the end of its division code: the villages of one
/// township share its first nine digits, so the last ones tell them apart.
fn code_tail(division: &str) -> String {
    let n = division.chars().count();
    if n <= 8 { division.to_string() } else { format!("…{}", division.chars().skip(n - 6).collect::<String>()) }
}

fn render_inbox(town: &Town, f: &mut Frame, area: Rect, theme: &Theme, lang: Lang, (selected, top): (usize, usize)) {
    let title = tr(lang, "town.home.inbox", &[&town.inbox.len().to_string()]);
    let block = Block::default().borders(Borders::ALL).title(Span::styled(title, theme.title()));
    let inner = block.inner(area);
    f.render_widget(block, area);
    if town.inbox.is_empty() {
        f.render_widget(Paragraph::new(tr(lang, "town.inbox.none", &[])).style(theme.ok()), inner);
        return;
    }
    let (h, w) = (inner.height as usize, inner.width as usize);
    let rw = InboxReason::ALL.iter().map(|r| width(&tr(lang, r.key(), &[]))).max().unwrap_or(8);
    let lines: Vec<Line> = town
        .inbox
        .iter()
        .enumerate()
        .skip(top)
        .take(h)
        .map(|(i, item)| {
            let waited = tr(lang, "town.home.waited", &[&item.waited_days.to_string()]);
            let place = if item.place.is_empty() { code_tail(&item.division) } else { fit(&item.place, 8) };
            let text = format!(
                "{} {} {} {}",
                right(&waited, 7),
                pad(&tr(lang, item.reason.key(), &[]), rw),
                pad(&place, 8),
                one_line(&item.title)
            );
            let text = pad(&fit(&text, w), w);
            let style = if i == selected {
                theme.selected()
            } else if matches!(item.reason, InboxReason::MajorHazard | InboxReason::RedDispute) {
                theme.alert()
            } else {
                theme.text()
            };
            Line::styled(text, style)
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_village_without_a_name_is_told_apart_by_the_end_of_its_code() {
        assert_eq!(super::code_tail("330523105201"), "…105201");
        assert_ne!(super::code_tail("330523105201"), super::code_tail("330523105202"));
        assert_eq!(super::code_tail("3305"), "3305");
    }
}
