//! 同步: this device, its role and its signing key. Bundle export and import come here, run as
//! jobs with a progress gauge; today `c` checks the store the same way (`gridlog doctor`).

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::action::{Action, JobOutput};
use super::jobs::Handle;
use super::screen::{DrawCx, Reply, Screen, keys};
use crate::app::{App, AppError};
use crate::i18n::{Lang, tr};

/// The sync tab.
pub struct SyncScreen;

impl Screen for SyncScreen {
    fn action_for(&self, key: KeyEvent) -> Action {
        match key.code {
            KeyCode::Char('c') => Action::Check,
            _ => Action::Ignored,
        }
    }

    fn update(&mut self, _action: &Action, _app: &App) -> Result<Reply, AppError> {
        Ok(Reply::Unchanged)
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        coming(f, area, cx, "tui.sync.coming");
    }

    fn footer(&self, lang: Lang) -> Vec<(String, String)> {
        let mut k = keys(lang, &[("c", "tui.key.check")]);
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
