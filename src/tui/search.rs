//! `/` search, from every screen: results update as you type — names by Chinese substring,
//! pinyin initials or full pinyin (every reading of polyphonic characters), the last four
//! digits of an ID number or phone, and free text.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use tui_textarea::{CursorRenderMode, TextArea};

use super::text::{fit, one_line, pad};
use super::theme::Theme;
use crate::app::{App, AppError, RecordView};
use crate::domain::lifecycle::statuses_of;
use crate::i18n::{Lang, tr};

const LIMIT: usize = 50;
/// Results when everything is searched (Tab).
const ALL_LIMIT: usize = 500;

/// The search overlay.
pub struct SearchScreen {
    /// What is typed.
    pub input: TextArea<'static>,
    /// Results.
    pub hits: Vec<RecordView>,
    /// What tells each result apart (same order as `hits`), from the presenter.
    pub details: Vec<String>,
    /// Whether the results are all there are (free text is scanned within a time budget).
    pub complete: bool,
    /// Selected result.
    pub selected: usize,
}

impl Default for SearchScreen {
    fn default() -> Self {
        let mut input = TextArea::default();
        input.set_cursor_render_mode(CursorRenderMode::Hidden);
        input.set_cursor_line_style(ratatui::style::Style::default());
        SearchScreen { input, hits: vec![], details: vec![], complete: true, selected: 0 }
    }
}

impl SearchScreen {
    /// The query typed.
    pub fn query(&self) -> String {
        self.input.lines().join("")
    }

    /// Runs the query.
    pub fn refresh(&mut self, app: &App) -> Result<(), AppError> {
        let q = self.query();
        if q.trim().is_empty() {
            self.hits.clear();
            self.details.clear();
            self.complete = true;
        } else {
            let r = app.search(q.trim(), LIMIT)?;
            self.hits = r.hits;
            self.details = r.details;
            self.complete = r.complete;
        }
        self.selected = self.selected.min(self.hits.len().saturating_sub(1));
        Ok(())
    }

    /// Runs the query over all the free text, without the per-keystroke time budget.
    pub fn refresh_all(&mut self, app: &App) -> Result<(), AppError> {
        let q = self.query();
        if !q.trim().is_empty() {
            let r = app.search_within(q.trim(), ALL_LIMIT, None)?;
            self.hits = r.hits;
            self.details = r.details;
            self.complete = r.complete;
        }
        Ok(())
    }

    /// Draws the overlay over `area`, with the cursor in the input.
    pub fn render(&self, f: &mut Frame, area: Rect, theme: &Theme, lang: Lang) {
        f.render_widget(Clear, area);
        let block = Block::default()
            .borders(Borders::ALL)
            .title(Span::styled(tr(lang, "tui.search.title", &[]), theme.title()));
        let inner = block.inner(area);
        f.render_widget(block, area);
        if inner.height < 3 {
            return;
        }
        let prompt = tr(lang, "tui.search.prompt", &[]);
        let pw = super::text::width(&prompt) as u16;
        f.render_widget(Paragraph::new(Span::styled(prompt, theme.key())), Rect { height: 1, ..inner });
        let input_area = Rect { x: inner.x + pw, y: inner.y, width: inner.width.saturating_sub(pw), height: 1 };
        f.render_widget(&self.input, input_area);
        if let Some(pos) = self.input.rendered_cursor_position() {
            f.set_cursor_position(pos);
        }
        let hint = if self.query().trim().is_empty() {
            tr(lang, "tui.search.hint", &[])
        } else if self.hits.is_empty() {
            tr(lang, "tui.search.none", &[])
        } else if self.complete {
            tr(lang, "tui.search.count", &[&self.hits.len().to_string()])
        } else {
            tr(lang, "tui.search.more", &[&self.hits.len().to_string()])
        };
        f.render_widget(Paragraph::new(Line::styled(hint, theme.dim())), Rect { y: inner.y + 1, height: 1, ..inner });
        let body = Rect { y: inner.y + 2, height: inner.height - 2, ..inner };
        let w = body.width as usize;
        let top = self.selected.saturating_sub(body.height as usize - 1);
        let lines: Vec<Line> = self
            .hits
            .iter()
            .enumerate()
            .skip(top)
            .take(body.height as usize)
            .map(|(i, v)| {
                let e = &v.entity;
                let status = statuses_of(e.kind).label(e.state.status(), lang);
                // what tells two 程德福 apart: household address, age, masked phone
                let detail = self.details.get(i).map(String::as_str).unwrap_or("");
                let text = format!(
                    "{} {} {}  {}",
                    pad(e.kind.label(lang), if lang == Lang::Zh { 4 } else { 9 }),
                    pad(&status, 10),
                    one_line(&v.title()),
                    detail
                );
                let text = pad(&fit(&text, w), w);
                Line::styled(text, if i == self.selected { theme.selected() } else { theme.text() })
            })
            .collect();
        f.render_widget(Paragraph::new(lines), body);
    }
}
