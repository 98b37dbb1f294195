//! 报表: the assessment report (考核, docs/REPORTS.md) of a month, quarter or year, by village,
//! grid or category: one ledger's table with its total, a bar chart of that ledger's key rate
//! per row when it fits, and `x` to export the whole report to XLSX or CSV as a job
//! (docs/ARCHITECTURE.md, "TUI loop"). Every grouping comes from the figures view; by village
//! or category it is read directly, by grid (which also reads the links view, about a key per
//! block of records) as a job whose gauge counts the keys read and which Esc cancels
//! (`job.rs`). The figures are `App::report`'s; this screen only picks the period, the grouping
//! and the ledger, and shows them.

mod export;
mod job;
pub mod op;
mod view;

pub use op::ReportOp;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

pub use export::{ExportReport, default_name, export_job};
pub use job::compute_job;

use super::action::Action;
use super::screen::{DrawCx, Reply, Screen, keys};
use crate::app::report::{GroupBy, LEDGERS, Report, ReportSpec, columns};
use crate::app::{App, AppError};
use crate::domain::figures::{Period, RATES, Rate, Span};
use crate::domain::{Day, Kind};
use crate::i18n::Lang;

/// The reports tab.
pub struct ReportsScreen {
    span: Span,
    /// Periods back from the current one (0 or less).
    offset: i32,
    by: GroupBy,
    ledger: Kind,
    /// The day the report was made (none before the first load).
    today: Option<Day>,
    report: Option<Report>,
    stale: bool,
    /// The first row and the first column (after the group's) shown.
    top: usize,
    col: usize,
    /// A report by grid reads the links view too: asked of the job runner, and awaited.
    pending: Option<ReportSpec>,
    computing: bool,
}

impl Default for ReportsScreen {
    fn default() -> Self {
        ReportsScreen::new()
    }
}

impl ReportsScreen {
    /// This month, by village, the demands' table; read before it is first drawn.
    pub fn new() -> ReportsScreen {
        ReportsScreen {
            span: Span::Month,
            offset: 0,
            by: GroupBy::Village,
            ledger: Kind::Demand,
            today: None,
            report: None,
            stale: true,
            top: 0,
            col: 0,
            pending: None,
            computing: false,
        }
    }

    /// What is asked for now (none before the first load).
    pub fn spec(&self) -> Option<ReportSpec> {
        let today = self.today?;
        Some(ReportSpec { period: period_of(self.span, today, self.offset)?, by: self.by })
    }
}

/// The period of `span` that is `offset` spans from the one `today` falls in: 2026-11, 2026-Q4,
/// 2026 and the ones before.
pub fn period_of(span: Span, today: Day, offset: i32) -> Option<Period> {
    let n = match span {
        Span::Month => 1,
        Span::Quarter => 3,
        Span::Year => 12,
    };
    let month0 = today.month() as i32 - 1;
    let base = today.year() * 12 + month0 - month0 % n;
    let idx = base + offset * n;
    let (y, m) = (idx.div_euclid(12), idx.rem_euclid(12) + 1);
    let text = match span {
        Span::Month => format!("{y:04}-{m:02}"),
        Span::Quarter => format!("{y:04}-Q{}", (m - 1) / 3 + 1),
        Span::Year => format!("{y:04}"),
    };
    Period::parse(&text)
}

/// The rate a ledger's chart shows: households visited, demands answered on time, disputes
/// agreed, hazards rectified by their deadline (docs/REPORTS.md).
pub fn key_rate(ledger: Kind) -> Option<Rate> {
    let name = match ledger {
        Kind::Visit => "households_visited_rate",
        Kind::Demand => "demands_on_time_rate",
        Kind::Dispute => "disputes_agreed_rate",
        Kind::Hazard => "hazards_on_time_rate",
        _ => return None,
    };
    RATES.into_iter().find(|r| r.name == name)
}

fn step(n: usize, by: isize, len: usize) -> usize {
    n.saturating_add_signed(by).min(len.saturating_sub(1))
}

impl Screen for ReportsScreen {
    fn action_for(&self, key: KeyEvent) -> Action {
        let op = match key.code {
            KeyCode::Left => ReportOp::Step(-1),
            KeyCode::Right => ReportOp::Step(1),
            KeyCode::Char('p') => ReportOp::Span,
            KeyCode::Char('g') => ReportOp::Group,
            KeyCode::Char('l') => ReportOp::Ledger,
            KeyCode::Down | KeyCode::Char('j') => ReportOp::Rows(1),
            KeyCode::Up | KeyCode::Char('k') => ReportOp::Rows(-1),
            KeyCode::Char(']') => ReportOp::Cols(1),
            KeyCode::Char('[') => ReportOp::Cols(-1),
            KeyCode::Char('x') => return self.spec().map(Action::ExportReport).unwrap_or(Action::Ignored),
            _ => return Action::Ignored,
        };
        Action::Report(op)
    }

    fn update(&mut self, action: &Action, app: &App) -> Result<Reply, AppError> {
        let Action::Report(op) = action else { return Ok(Reply::Unchanged) };
        match *op {
            ReportOp::Step(n) => {
                let to = (self.offset + n).min(0);
                if to == self.offset {
                    return Ok(Reply::Unchanged);
                }
                self.offset = to;
                self.stale = true;
            }
            ReportOp::Span => {
                self.span = match self.span {
                    Span::Month => Span::Quarter,
                    Span::Quarter => Span::Year,
                    Span::Year => Span::Month,
                };
                self.offset = 0;
                self.stale = true;
            }
            ReportOp::Group => {
                self.by = match self.by {
                    // a county's figures come by village and category, never by grid
                    GroupBy::Village if app.is_county() => GroupBy::Category,
                    GroupBy::Village => GroupBy::Grid,
                    GroupBy::Grid => GroupBy::Category,
                    GroupBy::Category => GroupBy::Village,
                };
                self.stale = true;
            }
            ReportOp::Ledger => {
                let i = LEDGERS.iter().position(|k| *k == self.ledger).unwrap_or(0);
                self.ledger = LEDGERS[(i + 1) % LEDGERS.len()];
                self.top = 0;
                self.col = 0;
            }
            ReportOp::Rows(n) => {
                let len =
                    self.report.as_ref().map_or(0, |r| r.rows.iter().filter(|x| x.in_ledger(self.ledger)).count());
                self.top = step(self.top, n, len);
            }
            ReportOp::Cols(n) => self.col = step(self.col, n, columns(self.ledger).len()),
        }
        if self.stale {
            self.top = 0;
        }
        Ok(Reply::Changed)
    }

    fn mark_stale(&mut self) {
        self.stale = true;
    }

    fn reload(&mut self, app: &App) -> Result<(), AppError> {
        if !self.stale || app.identity().is_none() {
            return Ok(());
        }
        self.stale = false;
        let today = app.today();
        self.today = Some(today);
        self.report = None;
        self.computing = false;
        match self.spec() {
            // by grid the links view is read too (docs/REPORTS.md): a job, so the screen stays live
            Some(spec) if spec.by == GroupBy::Grid => {
                self.pending = Some(spec);
                self.computing = true;
            }
            Some(spec) => self.report = Some(app.report(&spec)?),
            None => {}
        }
        Ok(())
    }

    fn wants_report(&mut self) -> Option<ReportSpec> {
        self.pending.take()
    }

    fn report_ready(&mut self, report: Option<Report>) {
        if !self.computing {
            return;
        }
        match report {
            // a report asked for before the selectors moved on is not this one
            Some(r) if Some(ReportSpec { period: r.period, by: r.by }) != self.spec() => {}
            r => {
                self.report = r;
                self.computing = false;
            }
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        view::draw(self, f, area, cx);
    }

    fn footer(&self, lang: Lang) -> Vec<(String, String)> {
        keys(
            lang,
            &[
                ("←→", "tui.report.key_period"),
                ("p", "tui.report.key_span"),
                ("g", "tui.report.key_group"),
                ("l", "tui.report.key_ledger"),
                ("x", "tui.report.key_export"),
                ("[ ]", "tui.report.key_cols"),
                ("q", "tui.key.quit"),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_step_back_by_month_quarter_and_year() {
        let today = Day::parse("2026-11-27").expect("a day");
        let p = |span, off| period_of(span, today, off).map(|p| p.to_string());
        assert_eq!(p(Span::Month, 0).as_deref(), Some("2026-11"));
        assert_eq!(p(Span::Month, -11).as_deref(), Some("2025-12"));
        assert_eq!(p(Span::Quarter, 0).as_deref(), Some("2026-Q4"));
        assert_eq!(p(Span::Quarter, -4).as_deref(), Some("2025-Q4"));
        assert_eq!(p(Span::Year, -1).as_deref(), Some("2025"));
    }
}
