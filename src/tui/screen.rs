//! What a tab's screen does: the keys it understands, how an action changes it, what it loads
//! before it is drawn, and how it draws from its state alone (docs/ARCHITECTURE.md, "TUI
//! loop"). `Tab::screen` makes one per tab.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

use super::action::Action;
use super::theme::Theme;
use crate::app::Identity;
use crate::app::report::{Report, ReportSpec};
use crate::app::{App, AppError};
use crate::domain::{EntityId, Kind};
use crate::i18n::Lang;

/// What drawing needs besides a screen's own state: nothing here reads the store.
pub struct DrawCx<'a> {
    /// Colours.
    pub theme: &'a Theme,
    /// UI language.
    pub lang: Lang,
    /// Who and where the store belongs to (none before setup).
    pub identity: Option<&'a Identity>,
    /// The store's public signing key as hex (read once at start and after setup).
    pub public_key: Option<&'a str>,
}

/// What an action did on a screen, beyond the screen itself.
#[derive(Debug, PartialEq, Eq)]
pub enum Reply {
    /// Nothing changed.
    Unchanged,
    /// The screen changed: draw again.
    Changed,
    /// Open this record.
    Open(EntityId),
}

/// A click on a list's `row` (of the screen's body), whose rows start `header` lines down and
/// show items from `top`: a row already selected opens (`open` gives its record), another is
/// selected, and a click past the rows does nothing.
pub fn click_row(
    row: u16,
    header: u16,
    top: usize,
    len: usize,
    selected: &mut usize,
    open: impl FnOnce(usize) -> Option<EntityId>,
) -> Reply {
    let Some(i) = row.checked_sub(header).map(|r| top + r as usize) else { return Reply::Unchanged };
    if i >= len {
        Reply::Unchanged
    } else if i == *selected {
        open(i).map(Reply::Open).unwrap_or(Reply::Unchanged)
    } else {
        *selected = i;
        Reply::Changed
    }
}

/// One tab's screen.
pub trait Screen {
    /// What `key` means on this screen (the keys every tab shares are mapped before).
    fn action_for(&self, key: KeyEvent) -> Action;

    /// Applies an action meant for this screen.
    fn update(&mut self, action: &Action, app: &App) -> Result<Reply, AppError>;

    /// A left click on row `row` of the screen's area.
    fn click(&mut self, _row: u16) -> Reply {
        Reply::Unchanged
    }

    /// Its data must be read again before it is next drawn.
    fn mark_stale(&mut self) {}

    /// Reads again what is stale (after every action, before drawing; never while drawing).
    fn reload(&mut self, _app: &App) -> Result<(), AppError> {
        Ok(())
    }

    /// Fits the screen to the `area` it will be drawn in: the first row shown, and what the
    /// rows on screen need from the store.
    fn fit(&mut self, _app: &App, _area: Rect) -> Result<(), AppError> {
        Ok(())
    }

    /// Draws from its state alone.
    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx);

    /// The keys the footer shows (key, what it does).
    fn footer(&self, lang: Lang) -> Vec<(String, String)>;

    /// The ledger a new record (`n`) goes into, when this screen has one.
    fn new_kind(&self) -> Option<Kind> {
        None
    }

    /// Shows the ledger `kind` (a restored draft comes back on its ledger).
    fn show_kind(&mut self, _kind: Kind) {}

    /// A report this screen waits for, to be computed as a job (taken once, after `reload`).
    fn wants_report(&mut self) -> Option<ReportSpec> {
        None
    }

    /// The report a job computed, or none when it failed or was cancelled.
    fn report_ready(&mut self, _report: Option<Report>) {}
}

/// The footer words, in the UI language.
pub fn keys(lang: Lang, pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, label)| (k.to_string(), crate::i18n::tr(lang, label, &[]))).collect()
}
