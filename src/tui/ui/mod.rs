//! The TUI's state. Input becomes an [`Action`] (`keys.rs`), `update` is the one place state
//! changes (`update.rs`), and `draw` only reads it (`draw.rs`). Tabs are screens behind the
//! [`Screen`] trait; overlays (record, form, search, help, questions) sit on a stack above them
//! (`overlay.rs`); long work runs as a job beside the loop (docs/ARCHITECTURE.md, "TUI loop").
//! The UI calls `app` only and holds no database handle.

mod draw;
mod help;
mod keys;
mod overlay;
mod report_flow;
mod sync_flow;
mod update;

use std::sync::Arc;

use crossterm::event::{Event, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

pub use help::Help;
pub use overlay::{Confirm, Effect, Op, Overlay};

use super::action::{Action, JobOutput};
use super::form::Form;
use super::home::HomeScreen;
use super::jobs::Jobs;
use super::list::ListScreen;
use super::reports::ReportsScreen;
use super::screen::Screen;
use super::sync::SyncScreen;
use super::tab::Tab;
use super::theme::Theme;
use crate::app::App;
use crate::domain::Day;
use crate::i18n::Lang;

/// The smallest window the layout works in.
pub const MIN_W: u16 = 60;
/// The smallest window height.
pub const MIN_H: u16 = 16;

/// The whole interface.
pub struct Ui {
    // first, so that a job still running is stopped before the store closes
    jobs: Jobs<JobOutput>,
    /// Shared with a running job, which only reads; saving needs it back.
    app: Arc<App>,
    theme: Theme,
    lang: Lang,
    tab: Tab,
    /// One per tab, in the order of `Tab::ALL`.
    screens: Vec<Box<dyn Screen>>,
    stack: Vec<Overlay>,
    status: Option<(String, bool)>,
    /// The store's public key (hex), read at start and after setup, never while drawing.
    public_key: Option<String>,
    /// The date the screens were loaded on.
    day: Day,
    /// The terminal's size (columns, rows), as the last resize said.
    size: (u16, u16),
    /// Where bundles are written and looked for, when not the usual places (tests).
    bundle_dirs: Option<Vec<std::path::PathBuf>>,
    /// Set when the user has asked to quit.
    pub quit: bool,
}

/// Where things go on a screen of a given size.
struct Areas {
    tabs: Rect,
    body: Rect,
    status: Rect,
    gauge: Rect,
    footer: Rect,
}

impl Ui {
    /// The interface over `app`: the setup form when the store is not initialised, and the
    /// draft of an interrupted session offered back. Nothing is read until it knows its size
    /// (the first `Action::Resize`, or the first `render`).
    pub fn new(app: App, theme: Theme) -> Ui {
        let lang = app.lang();
        let mut ui = Ui {
            jobs: Jobs::new(),
            public_key: app.public_key_hex().ok().flatten(),
            day: app.today(),
            app: Arc::new(app),
            theme,
            lang,
            tab: Tab::Home,
            screens: Tab::ALL.into_iter().map(screen_of).collect(),
            stack: vec![],
            status: None,
            size: (0, 0),
            bundle_dirs: None,
            quit: false,
        };
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

    /// The tab shown.
    pub fn tab(&self) -> Tab {
        self.tab
    }

    /// Whether a job runs (the event loop then wakes often to show its progress).
    pub fn job_running(&self) -> bool {
        self.jobs.running().is_some()
    }

    /// The next message of the running job, as an action (never waits).
    pub fn job_action(&self) -> Option<Action> {
        self.jobs.try_recv().map(Action::Job)
    }

    /// Handles one terminal event; true when the screen must be drawn again.
    pub fn on_event(&mut self, ev: &Event) -> bool {
        match self.action_for(ev) {
            Some(a) => self.update(a),
            None => false,
        }
    }

    /// Handles one key press; true when the screen must be drawn again.
    pub fn on_key(&mut self, key: KeyEvent) -> bool {
        let a = self.key_action(key);
        self.update(a)
    }

    /// Handles bracketed paste.
    pub fn on_paste(&mut self, s: &str) -> bool {
        self.update(Action::Paste(s.to_string()))
    }

    /// A left click (with `--mouse`) on a terminal `cols` wide: on the tab bar switches tabs;
    /// on a list row selects it, and on the selected row opens it.
    pub fn on_click(&mut self, col: u16, row: u16, cols: u16) -> bool {
        match self.click_action(col, row, cols) {
            Some(a) => self.update(a),
            None => false,
        }
    }

    /// Fits the state to the frame's size when it changed, then draws (tests and tools that
    /// draw without an event loop).
    pub fn render(&mut self, f: &mut Frame) {
        let a = f.area();
        if (a.width, a.height) != self.size {
            self.update(Action::Resize(a.width, a.height));
        }
        self.draw(f);
    }

    fn screen(&self) -> &dyn Screen {
        self.screens[self.tab.index()].as_ref()
    }

    fn form_dirty(&self) -> bool {
        self.stack.iter().any(|o| matches!(o, Overlay::Form(f) if f.dirty))
    }

    /// The window is too small for the layout.
    fn too_small(area: Rect) -> bool {
        area.width < MIN_W || area.height < MIN_H
    }

    /// The tab bar on top, the footer at the bottom, and above it the progress gauge while a
    /// job runs and the status line when there is a message; the screen in between.
    fn areas(&self, area: Rect) -> Areas {
        let row = |y: u16| Rect { y, height: 1, ..area };
        let bottom = area.y + area.height;
        let gauge_h = u16::from(self.jobs.running().is_some());
        let status_h = u16::from(self.status.is_some());
        let gauge = row(bottom.saturating_sub(1 + gauge_h));
        let status = row(bottom.saturating_sub(1 + gauge_h + status_h));
        let body = Rect { y: area.y + 1, height: area.height.saturating_sub(2 + status_h + gauge_h), ..area };
        Areas { tabs: row(area.y), body, status, gauge, footer: row(bottom.saturating_sub(1)) }
    }
}

/// A fresh screen for `tab` (its data loads before it is first drawn).
fn screen_of(tab: Tab) -> Box<dyn Screen> {
    match tab {
        Tab::Home => Box::new(HomeScreen::new()),
        Tab::Demands | Tab::Disputes | Tab::Hazards | Tab::Residents => Box::new(ListScreen::new(tab.kinds().to_vec())),
        Tab::Sync => Box::new(SyncScreen::new()),
        Tab::Reports => Box::new(ReportsScreen::new()),
    }
}

#[cfg(test)]
mod reports_tests;
#[cfg(test)]
mod sync_tests;
#[cfg(test)]
mod tests;
