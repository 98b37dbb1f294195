//! What an input means: every key, click, paste, resize, tick of the clock and message of a
//! running job becomes one [`Action`] first (`Ui::action_for`, which depends on the screen and
//! the overlay on top), and `Ui::update` is the only place an action changes state
//! (docs/ARCHITECTURE.md, "TUI loop").

use crossterm::event::KeyEvent;

use super::jobs::JobEvent;
use super::tab::Tab;

/// What a job of the interface gives when it ends.
#[derive(Debug)]
pub enum JobOutput {
    /// The line the status bar shows.
    Message(String),
    /// A 同步 job's outcome: a message, or the next dialog.
    Sync(Box<super::sync::outcome::Done>),
    /// A report the 报表 tab asked for.
    Report(Box<crate::app::report::Report>),
}

/// One thing the user (or the clock, or a job) asked for.
#[derive(Debug)]
pub enum Action {
    /// Ctrl+C: quit, asking first when a form has changes.
    Interrupt,
    /// Quit (`q` on a tab).
    Quit,
    /// Show the keys.
    Help,
    /// Open the search overlay.
    Search,
    /// A form for a new record of the tab's ledger.
    New,
    /// Show this tab.
    GoTo(Tab),
    /// The tab to the right.
    NextTab,
    /// The tab to the left.
    PrevTab,
    /// Read everything again from the store.
    Reload,
    /// Move the selection (or scroll) by this many rows; `isize::MIN / 2` and `isize::MAX / 2`
    /// go to the first and the last.
    Move(isize),
    /// Open what is selected.
    Open,
    /// Close the overlay on top.
    Back,
    /// Select the next record this record links to (Enter opens it).
    NextLink,
    /// Yes to the question on top.
    Yes,
    /// No to the question on top.
    No,
    /// Search all the free text (when the keystroke search ran out of time).
    SearchAll,
    /// The record action bound to this key, on the record shown.
    Act(char),
    /// Change the list's filters.
    Filter(Filter),
    /// Check the store (a job).
    Check,
    /// Write a bundle (the destination prompt first).
    Export,
    /// Import a bundle (the list of bundle files first).
    Import,
    /// Show or hide the signers this store knows.
    ToggleKeys,
    /// A change to what the 报表 tab shows.
    Report(super::reports::op::ReportOp),
    /// Export this report (the destination prompt first).
    ExportReport(crate::app::report::ReportSpec),
    /// Cancel the running job.
    Cancel,
    /// A key for the focused editor (a form's field, the search input).
    Edit(KeyEvent),
    /// Text pasted.
    Paste(String),
    /// A left click (with `--mouse`) on a terminal `width` columns wide.
    Click {
        /// Column.
        col: u16,
        /// Row.
        row: u16,
        /// The terminal's width.
        width: u16,
    },
    /// The terminal's new size (columns, rows).
    Resize(u16, u16),
    /// Time passed (the date may have changed).
    Tick,
    /// A running job reported.
    Job(JobEvent<JobOutput>),
    /// A key that means nothing here (it still clears the status line).
    Ignored,
}

/// A change to a list's filters and order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Filter {
    /// The next ledger of the tab (`t`).
    NextKind,
    /// The next status (`s`).
    Status,
    /// The next category (`c`).
    Category,
    /// Overdue only, or not (`o`).
    Overdue,
    /// The next date range (`d`).
    Range,
    /// Newest first, or earliest due first (`S`).
    Sort,
    /// No filter (`C`).
    Clear,
}

impl Action {
    /// Whether the action comes from a key or a click: those clear the status line, as the
    /// next key after a message has always done.
    pub fn clears_status(&self) -> bool {
        !matches!(self, Action::Interrupt | Action::Paste(_) | Action::Resize(..) | Action::Tick | Action::Job(_))
    }
}
