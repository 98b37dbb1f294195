//! Display widths, from the app's presenter (docs/ARCHITECTURE.md, "Presenter"): the TUI and
//! the CLI count columns the same way.

pub use crate::app::present::{fit, one_line, pad, width};
