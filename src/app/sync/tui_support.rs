//! What the TUI's 同步 tab needs beyond the CLI's calls: the app's own clock (so a bundle's
//! suggested file name follows `GRIDLOG_NOW` and test clocks, as every date does).

use crate::app::App;

impl App {
    /// Now, by the app's clock (ms since the epoch).
    pub fn now_ms(&self) -> u64 {
        (self.now_ms)()
    }
}
