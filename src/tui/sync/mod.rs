//! 同步: this store (place, role, device, key), the state of sync (events not sent, sent and
//! waiting for acknowledgement, the last export and import, each peer and how much of this
//! store it holds) and the signers it knows. `e` writes a bundle (a township: or its statistics
//! file for the county, docs/COUNTY.md), `i` imports one, `k` shows
//! the keys, `c` checks the store; each long step runs as a job with a progress gauge
//! (docs/ARCHITECTURE.md, "TUI loop"; the bundles are docs/BUNDLE.md).
//!
//! Files: `places` (where bundles go and are found), `work` (the jobs), `dialogs` and
//! `dialog_view` (prompt, file list, trust, plan, refusal), `panel` (首页's sync box).

mod dialog_view;
mod dialogs;
pub mod outcome;
mod panel;
mod places;
mod work;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub use dialog_view::grouped;
pub use dialogs::{BundleList, DialogOp, ExportPrompt, PlanView, SyncDialog};
pub use panel::home_panel;
pub use places::{MEDIA_DIRS_VAR, bundle_files, candidate_dirs, default_export_path, default_stats_path};
pub use work::{BundleEntry, Done, Signer, SyncJob, run};

use super::action::{Action, JobOutput};
use super::jobs::Handle;
use super::screen::{DrawCx, Reply, Screen, keys};
use crate::app::present::civil_ms;
use crate::app::sync::{KeyInfo, OwnKey, SyncStatus, short_fingerprint};
use crate::app::{App, AppError};
use crate::i18n::{Lang, tr};

/// The sync tab.
#[derive(Default)]
pub struct SyncScreen {
    /// The state of sync (read when stale).
    pub status: Option<SyncStatus>,
    /// This store's key.
    pub own: Option<OwnKey>,
    /// The signers this store knows.
    pub keys: Vec<KeyInfo>,
    /// Show the signers (`k`) instead of the peers.
    pub show_keys: bool,
    /// A county's townships and their statistics files (its peers send no bundles).
    pub townships: Vec<crate::app::VillageRow>,
    stale: bool,
}

impl SyncScreen {
    /// A screen that reads the state before it is first drawn.
    pub fn new() -> SyncScreen {
        SyncScreen { stale: true, ..Default::default() }
    }

    fn lines(&self, cx: &DrawCx) -> Vec<Line<'static>> {
        let (lang, theme) = (cx.lang, cx.theme);
        let mut out = Vec::new();
        if let (Some(id), Some(k)) = (cx.identity, &self.own) {
            let role = crate::domain::codes::Role::from_code(&id.role).map(|r| r.label(lang)).unwrap_or(&id.role);
            out.push(Line::styled(
                tr(lang, "tui.sync.store", &[&id.place, role, &id.division, &id.worker]),
                theme.title(),
            ));
            out.push(Line::raw(tr(lang, "tui.sync.device_key", &[&k.device, &short_fingerprint(&k.fingerprint)])));
            out.push(Line::raw(""));
        }
        let Some(s) = &self.status else { return out };
        for (line, alert) in s.lines(lang) {
            out.push(Line::styled(line, if alert { theme.warn() } else { theme.text() }));
        }
        out.push(Line::raw(""));
        if self.show_keys {
            out.push(Line::styled(tr(lang, "tui.sync.keys_title", &[]), theme.title()));
            if self.keys.is_empty() {
                out.push(Line::styled(tr(lang, "cli.keys_none", &[]), theme.dim()));
            }
            for k in &self.keys {
                let trust = tr(lang, &format!("cli.trust.{}", k.trust), &[]);
                let place = if k.place.is_empty() { tr(lang, "cli.keys_not_met", &[]) } else { k.place.clone() };
                let text = format!(
                    "  {}  {}…  {place} {} {}",
                    crate::tui::text::pad(&trust, 6),
                    short_fingerprint(&k.fingerprint),
                    k.worker,
                    k.division
                );
                let style = if k.trust == "revoked" { theme.alert() } else { theme.text() };
                out.push(Line::styled(text, style));
            }
        } else if self.county() {
            out.push(Line::styled(tr(lang, "county.sync.title", &[]), theme.title()));
            if self.townships.is_empty() {
                out.push(Line::styled(tr(lang, "county.townships.none", &[]), theme.dim()));
            }
            for t in &self.townships {
                let last = t.last_bundle_ms.map_or_else(|| tr(lang, "county.never", &[]), civil_ms);
                let as_of = t.as_of.map(|d| d.to_string()).unwrap_or_default();
                let line =
                    tr(lang, "county.sync.township", &[&t.place, &t.division, &last, &t.villages.to_string(), &as_of]);
                out.push(Line::styled(format!("  {line}"), if t.silent { theme.warn() } else { theme.text() }));
            }
        } else {
            out.push(Line::styled(tr(lang, "tui.sync.peers_title", &[]), theme.title()));
            if s.peers.is_empty() {
                out.push(Line::styled(tr(lang, "tui.sync.no_peers", &[]), theme.dim()));
            }
            for p in &s.peers {
                let own = s.own_events.to_string();
                let line = tr(
                    lang,
                    "cli.sync_peer",
                    &[&p.place, &p.division, &civil_ms(p.last_bundle_ms), &p.acknowledged.to_string(), &own],
                );
                out.push(Line::raw(format!("  {line}")));
            }
        }
        out
    }

    /// A county store: it imports statistics files and exports nothing.
    fn county(&self) -> bool {
        self.status.as_ref().is_some_and(|s| s.role == "county")
    }
}

impl Screen for SyncScreen {
    fn action_for(&self, key: KeyEvent) -> Action {
        match key.code {
            KeyCode::Char('e') if self.county() => Action::Ignored,
            KeyCode::Char('e') => Action::Export,
            KeyCode::Char('i') => Action::Import,
            KeyCode::Char('k') => Action::ToggleKeys,
            KeyCode::Char('c') => Action::Check,
            _ => Action::Ignored,
        }
    }

    fn update(&mut self, action: &Action, _app: &App) -> Result<Reply, AppError> {
        match action {
            Action::ToggleKeys => {
                self.show_keys = !self.show_keys;
                Ok(Reply::Changed)
            }
            _ => Ok(Reply::Unchanged),
        }
    }

    fn mark_stale(&mut self) {
        self.stale = true;
    }

    fn reload(&mut self, app: &App) -> Result<(), AppError> {
        if !self.stale {
            return Ok(());
        }
        self.stale = false;
        self.status = Some(app.sync_status()?);
        self.own = Some(app.own_key()?);
        self.keys = app.keys()?;
        self.townships = if app.is_county() { app.villages()? } else { Vec::new() };
        Ok(())
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        let block = Block::default().borders(Borders::ALL);
        f.render_widget(Paragraph::new(self.lines(cx)).wrap(Wrap { trim: false }).block(block), area);
    }

    fn footer(&self, lang: Lang) -> Vec<(String, String)> {
        let keys_label = if self.show_keys { "tui.sync.key_peers" } else { "tui.sync.key_keys" };
        let mut k = if self.county() {
            keys(lang, &[("i", "tui.sync.key_import"), ("k", keys_label), ("c", "tui.key.check")])
        } else {
            keys(
                lang,
                &[
                    ("e", "tui.sync.key_export"),
                    ("i", "tui.sync.key_import"),
                    ("k", keys_label),
                    ("c", "tui.key.check"),
                ],
            )
        };
        k.extend(coming_footer(lang));
        k
    }
}

/// The keys of a tab that has no list.
pub fn coming_footer(lang: Lang) -> Vec<(String, String)> {
    keys(lang, &[("1-7", "tui.key.tabs"), ("/", "tui.key.search"), ("?", "tui.key.help"), ("q", "tui.key.quit")])
}

/// A tab still to come: what it will do, and this device.
pub fn coming(f: &mut Frame, area: Rect, cx: &DrawCx, key: &str) {
    let lang = cx.lang;
    let mut text = vec![Line::styled(tr(lang, key, &[]), cx.theme.title()), Line::raw("")];
    if let Some(id) = cx.identity {
        let role = crate::domain::codes::Role::from_code(&id.role).map(|r| r.label(lang)).unwrap_or(&id.role);
        text.push(Line::raw(tr(lang, "tui.sync.device", &[&id.device.to_string(), role, &id.division])));
        if let Some(k) = cx.public_key {
            text.push(Line::raw(tr(lang, "tui.sync.key", &[k])));
        }
    }
    f.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: false }).block(Block::default().borders(Borders::ALL)),
        area,
    );
}

/// The store check (`gridlog doctor`) as a job: progress in blocks, the outcome as the status
/// line's message; problems found are the job's error.
pub fn check_store(app: &App, lang: Lang, h: &Handle<JobOutput>) -> Result<JobOutput, String> {
    check(app, lang, h).map(JobOutput::Message)
}

fn check(app: &App, lang: Lang, h: &Handle<JobOutput>) -> Result<String, String> {
    let total = app.estimated_blocks();
    let label = tr(lang, "tui.check.blocks", &[]);
    // at most about 200 updates of the gauge, whatever the size of the store
    let step = (total / 200).max(1);
    h.progress(0, total, &label);
    let report = app.doctor(&|n| {
        if n % step == 0 {
            h.progress(n, total.max(n), &label);
        }
        !h.cancelled()
    });
    let r = report.map_err(|e| e.lines(lang).join("；"))?;
    h.progress(r.blocks, total.max(r.blocks), &label);
    if r.healthy() {
        Ok(tr(lang, "cli.doctor_ok", &[&r.records.to_string(), &r.events.to_string(), &r.blocks.to_string()]))
    } else {
        let first = r.problems.first().cloned().unwrap_or_default();
        Err(format!("{}；{first}", tr(lang, "cli.doctor_bad", &[&r.problems.len().to_string()])))
    }
}
