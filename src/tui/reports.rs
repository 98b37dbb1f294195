//! 报表: township assessment reports (to come; they will run as jobs, as sync does).

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

use super::action::Action;
use super::screen::{DrawCx, Reply, Screen};
use super::sync::{coming, coming_footer};
use crate::app::{App, AppError};
use crate::i18n::Lang;

/// The reports tab.
pub struct ReportsScreen;

impl Screen for ReportsScreen {
    fn action_for(&self, _key: KeyEvent) -> Action {
        Action::Ignored
    }

    fn update(&mut self, _action: &Action, _app: &App) -> Result<Reply, AppError> {
        Ok(Reply::Unchanged)
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        coming(f, area, cx, "tui.reports.coming");
    }

    fn footer(&self, lang: Lang) -> Vec<(String, String)> {
        coming_footer(lang)
    }
}
