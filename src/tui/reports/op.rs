//! What an input asks of the 报表 tab (docs/ARCHITECTURE.md, "TUI loop"): plain data that
//! `action` names without importing the screen.

/// A change to what the 报表 tab shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportOp {
    /// The period this many spans later (negative: earlier); never past the current one.
    Step(i32),
    /// Month, then quarter, then year (`p`); back to the current period.
    Span,
    /// Village, grid, category (`g`).
    Group,
    /// The next ledger's table (`l`).
    Ledger,
    /// Scroll the rows by this many.
    Rows(isize),
    /// Scroll the columns (after the group's) by this many.
    Cols(isize),
}
