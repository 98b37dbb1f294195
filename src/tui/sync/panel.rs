//! 首页's sync box: events not sent yet, the last export and import, and how much of this store
//! the place above it (the township, for a village) has acknowledged — or that it never has.

use crate::app::present::short_date;
use crate::app::sync::SyncStatus;
use crate::domain::Day;
use crate::domain::check::division_covers;
use crate::i18n::{Lang, tr};

/// The box's lines for a store of `division` (three short lines; none before the state is read).
pub fn home_panel(s: Option<&SyncStatus>, division: &str, today: Day, lang: Lang) -> Vec<String> {
    let Some(s) = s else { return Vec::new() };
    let date = |ms: u64| short_date(Day::from_unix_ms(ms), today);
    let never = tr(lang, "tui.sync.home_never", &[]);
    let export = s.last_export.as_ref().map(|m| date(m.ms)).unwrap_or_else(|| never.clone());
    let import = s.last_import.as_ref().map(|m| date(m.ms)).unwrap_or(never);
    // the place above this one: its acknowledgement is what makes a record safe elsewhere
    let above = s
        .peers
        .iter()
        .filter(|p| p.division != division && division_covers(&p.division, division))
        .max_by_key(|p| p.acknowledged);
    let ack = match above {
        Some(p) => tr(lang, "tui.sync.home_ack", &[&p.place, &p.acknowledged.to_string(), &s.own_events.to_string()]),
        None => tr(lang, "tui.sync.home_never_synced", &[]),
    };
    vec![
        tr(lang, "tui.sync.home_unsent", &[&s.unsent.to_string(), &s.waiting.to_string()]),
        tr(lang, "tui.sync.home_dates", &[&export, &import]),
        ack,
    ]
}
