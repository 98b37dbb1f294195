//! 首页: work due today and overdue across the ledgers, this month's counts as a bar chart, and
//! the sync status.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph};

use super::text::{fit, one_line, pad};
use super::theme::Theme;
use crate::app::{App, AppError, Dashboard, DueReason};
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
}

impl HomeScreen {
    /// A dashboard that loads on first draw.
    pub fn new() -> HomeScreen {
        HomeScreen { stale: true, ..Default::default() }
    }

    /// Reloads the figures.
    pub fn reload(&mut self, app: &App) -> Result<(), AppError> {
        self.data = app.dashboard()?;
        self.selected = self.selected.min(self.data.items.len().saturating_sub(1));
        self.stale = false;
        Ok(())
    }

    /// The selected item's record.
    pub fn current(&self) -> Option<crate::domain::EntityId> {
        self.data.items.get(self.selected).map(|i| i.view.entity.id)
    }

    /// Draws the dashboard.
    pub fn render(&mut self, f: &mut Frame, area: Rect, theme: &Theme, lang: Lang, sync_note: &str) {
        let [left, right] = Layout::horizontal([Constraint::Min(40), Constraint::Length(30)]).areas(area);
        self.render_work(f, left, theme, lang);
        let [chart, sync] = Layout::vertical([Constraint::Min(8), Constraint::Length(5)]).areas(right);
        let month = self.data.month_start.to_string();
        let title = tr(lang, "tui.home.month", &[&month[..7]]);
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
            .bar_width(5)
            .bar_gap(1);
        f.render_widget(chart_w, chart);
        let sync_p = Paragraph::new(sync_note.to_string()).style(theme.dim()).block(
            Block::default().borders(Borders::ALL).title(Span::styled(tr(lang, "tui.home.sync", &[]), theme.title())),
        );
        f.render_widget(sync_p, sync);
    }

    fn render_work(&mut self, f: &mut Frame, area: Rect, theme: &Theme, lang: Lang) {
        let block = Block::default()
            .borders(Borders::ALL)
            .title(Span::styled(tr(lang, "tui.home.work", &[&self.data.items.len().to_string()]), theme.title()));
        let inner = block.inner(area);
        f.render_widget(block, area);
        if self.data.items.is_empty() {
            f.render_widget(Paragraph::new(tr(lang, "tui.home.nothing", &[])).style(theme.ok()), inner);
            return;
        }
        let h = inner.height as usize;
        if self.selected < self.top {
            self.top = self.selected;
        }
        if h > 0 && self.selected >= self.top + h {
            self.top = self.selected + 1 - h;
        }
        let w = inner.width as usize;
        let lines: Vec<Line> = self
            .data
            .items
            .iter()
            .enumerate()
            .skip(self.top)
            .take(h)
            .map(|(i, item)| {
                let reason = tr(
                    lang,
                    match item.reason {
                        DueReason::Overdue => "tui.reason.overdue",
                        DueReason::DueToday => "tui.reason.today",
                        DueReason::AwaitingReview => "tui.reason.review",
                        DueReason::AwaitingFollowup => "tui.reason.followup",
                    },
                    &[],
                );
                let due = item.view.due.map(|d| d.to_string()[5..].to_string()).unwrap_or_default();
                let text = format!(
                    "{} {} {} {}",
                    pad(&reason, 8),
                    pad(item.view.entity.kind.label(lang), 6),
                    pad(&due, 5),
                    one_line(&item.view.title())
                );
                let text = pad(&fit(&text, w), w);
                let style = if i == self.selected {
                    theme.selected()
                } else if item.reason == DueReason::Overdue {
                    theme.alert()
                } else {
                    theme.text()
                };
                Line::styled(text, style)
            })
            .collect();
        f.render_widget(Paragraph::new(lines), inner);
    }
}
