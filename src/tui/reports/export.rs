//! `x` on the 报表 tab: the destination prompt (prefilled as the 同步 export prompt is, in the
//! first place a file can go: `报表-2026-11-按村.xlsx`) and the job that computes the report and
//! writes it as XLSX or CSV, chosen by the file's extension (docs/REPORTS.md, "Formats").

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use tui_textarea::{CursorRenderMode, TextArea};

use crate::app::App;
use crate::app::report::{ReportSpec, sheet};
use crate::i18n::{Lang, tr};
use crate::tui::action::{Action, JobOutput};
use crate::tui::jobs::Handle;
use crate::tui::screen::DrawCx;
use crate::tui::text::width;

/// The destination prompt of a report export.
pub struct ExportReport {
    /// What to report.
    pub spec: ReportSpec,
    /// The file to write (editable).
    pub path: TextArea<'static>,
}

/// The suggested file name: `报表-2026-11-按村.xlsx` (`report-2026-11-by-village.xlsx`).
pub fn default_name(spec: &ReportSpec, lang: Lang) -> String {
    let by = tr(lang, &format!("tui.report.file_by.{}", spec.by.name()), &[]);
    tr(lang, "tui.report.file_name", &[&spec.period.to_string(), &by])
}

impl ExportReport {
    /// A prompt prefilled with `default_name` in `dir`.
    pub fn new(spec: ReportSpec, dir: &Path, lang: Lang) -> ExportReport {
        let mut input = TextArea::new(vec![dir.join(default_name(&spec, lang)).display().to_string()]);
        input.set_cursor_render_mode(CursorRenderMode::Hidden);
        input.set_cursor_line_style(ratatui::style::Style::default());
        input.move_cursor(tui_textarea::CursorMove::End);
        ExportReport { spec, path: input }
    }

    /// The path typed.
    pub fn path_text(&self) -> PathBuf {
        PathBuf::from(self.path.lines().join("").trim())
    }

    /// What `key` means here.
    pub fn action_for(&self, key: KeyEvent) -> Action {
        match key.code {
            KeyCode::Enter => Action::Yes,
            KeyCode::Esc => Action::Back,
            _ => Action::Edit(key),
        }
    }

    /// Draws the prompt over `area` (the whole area: a popup would cut wide characters).
    pub fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        let (lang, theme) = (cx.lang, cx.theme);
        f.render_widget(Clear, area);
        let title = tr(lang, "tui.report.export_title", &[&self.spec.period.to_string()]);
        let block = Block::default().borders(Borders::ALL).title(Span::styled(title, theme.title()));
        let inner = block.inner(area);
        f.render_widget(block, area);
        if inner.height < 3 {
            return;
        }
        let label = Span::styled(format!("▸ {} ", tr(lang, "tui.report.field_path", &[])), theme.focus());
        let lw = width(&label.content) as u16;
        let row = Rect { height: 1, ..inner };
        f.render_widget(Paragraph::new(label), row);
        let input = Rect { x: inner.x + lw, width: inner.width.saturating_sub(lw), ..row };
        f.render_widget(&self.path, input);
        if let Some(pos) = self.path.rendered_cursor_position() {
            f.set_cursor_position(pos);
        }
        let rest = Rect { y: inner.y + 2, height: inner.height - 2, ..inner };
        let hint = Line::styled(tr(lang, "tui.report.path_hint", &[]), theme.dim());
        f.render_widget(Paragraph::new(hint).wrap(Wrap { trim: false }), rest);
    }
}

/// The job: computes the report, writes it to `path` as XLSX (`.xlsx`) or CSV with a BOM
/// (`.csv`), and says where; every error in the user's language.
pub fn export_job(
    app: &App,
    lang: Lang,
    spec: ReportSpec,
    path: &Path,
    h: &Handle<JobOutput>,
) -> Result<JobOutput, String> {
    let shown = path.display().to_string();
    let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    if !matches!(ext.as_str(), "xlsx" | "csv") {
        return Err(tr(lang, "tui.report.bad_ext", &[&shown]));
    }
    h.progress(0, 3, &tr(lang, "tui.report.step_compute", &[]));
    let r = app.report(&spec).map_err(|e| e.lines(lang).join("；"))?;
    if h.cancelled() {
        return Err(String::new());
    }
    h.progress(1, 3, &tr(lang, "tui.report.step_format", &[]));
    let bytes = if ext == "csv" {
        sheet::csv(&r, lang)
    } else {
        sheet::xlsx(&r, lang).map_err(|e| tr(lang, "report.write_failed", &[&shown, &e.to_string()]))?
    };
    h.progress(2, 3, &tr(lang, "tui.report.step_write", &[]));
    std::fs::write(path, bytes).map_err(|e| tr(lang, "report.write_failed", &[&shown, &e.to_string()]))?;
    h.progress(3, 3, &tr(lang, "tui.report.step_write", &[]));
    Ok(JobOutput::Message(tr(lang, "report.written", &[&shown])))
}
