//! 首页's sync box: events not sent yet, the last export and import, and how much of this store
//! the place above it (the township, for a village) has acknowledged — or that it never has. A
//! township's place above is the county, which takes statistics files, not bundles: its box
//! says when the last one was written instead. A county sends nothing: its box has the date of
//! the last file it imported.

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
    if s.role == "county" {
        return vec![tr(lang, "tui.sync.home_imported", &[&import])];
    }
    if s.role == "township" {
        let stats = match &s.last_stats_export {
            Some(m) => tr(lang, "tui.sync.home_stats", &[&date(m.ms)]),
            None => tr(lang, "tui.sync.home_never_stats", &[]),
        };
        return vec![
            tr(lang, "tui.sync.home_unsent", &[&s.unsent.to_string(), &s.waiting.to_string()]),
            tr(lang, "tui.sync.home_dates", &[&export, &import]),
            stats,
        ];
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::sync::PeerStatus;
    use crate::store::SyncMark;

    const TODAY_MS: u64 = 1_795_000_000_000;

    fn status(role: &str) -> SyncStatus {
        SyncStatus {
            role: role.into(),
            own_events: 40,
            unsent: 3,
            waiting: 0,
            outbox: Vec::new(),
            last_export: None,
            last_import: Some(SyncMark {
                ms: TODAY_MS, path: "a.gridlog".into(), events: 12, place: "青石村".into()
            }),
            last_stats_export: None,
            peers: vec![PeerStatus {
                place: "青石村".into(),
                division: "330782105203".into(),
                last_bundle_ms: TODAY_MS,
                last_import_ms: TODAY_MS,
                acknowledged: 37,
            }],
            interrupted_import: None,
        }
    }

    #[test]
    fn a_township_is_told_about_its_statistics_file_not_an_upward_bundle() {
        let today = Day::from_unix_ms(TODAY_MS);
        let mut s = status("township");
        let lines = home_panel(Some(&s), "330782105000", today, Lang::Zh);
        assert_eq!(lines.last().map(String::as_str), Some("尚未向县报送统计文件"), "{lines:?}");
        assert!(!lines.iter().any(|l| l.contains("尚未与上级同步")), "its villages are below it: {lines:?}");
        s.last_stats_export =
            Some(SyncMark { ms: TODAY_MS, path: "s.gridlog".into(), events: 90, place: String::new() });
        let lines = home_panel(Some(&s), "330782105000", today, Lang::Zh);
        assert!(lines.last().is_some_and(|l| l.starts_with("统计文件报县 ")), "{lines:?}");
    }

    #[test]
    fn a_village_counts_what_its_township_holds_and_a_county_only_its_imports() {
        let today = Day::from_unix_ms(TODAY_MS);
        let mut village = status("village");
        village.peers[0].division = "330782105000".into();
        village.peers[0].place = "石桥镇".into();
        let lines = home_panel(Some(&village), "330782105203", today, Lang::Zh);
        assert_eq!(lines.last().map(String::as_str), Some("石桥镇已收到 37/40 条"), "{lines:?}");
        let lines = home_panel(Some(&status("county")), "330782000000", today, Lang::Zh);
        assert_eq!(lines.len(), 1, "no events to send, no bundles: {lines:?}");
        assert!(lines[0].starts_with("最近导入统计文件 "), "{lines:?}");
    }
}
