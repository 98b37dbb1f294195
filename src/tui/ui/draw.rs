//! Drawing: from the state alone. No store access, no key file, no key derivation here: what
//! a frame needs was read by `update` and kept in the state.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Gauge, Paragraph, Wrap};

use super::{MIN_H, MIN_W, Ui};
use crate::i18n::tr;
use crate::tui::screen::DrawCx;
use crate::tui::text::{fit, width};
use crate::tui::theme::Theme;

impl Ui {
    /// Draws everything.
    pub fn draw(&self, f: &mut Frame) {
        let area = f.area();
        if Ui::too_small(area) {
            let msg = tr(
                self.lang,
                "tui.too_small",
                &[&area.width.to_string(), &area.height.to_string(), &MIN_W.to_string(), &MIN_H.to_string()],
            );
            let y = area.height / 2;
            f.render_widget(
                Paragraph::new(msg).style(self.theme.warn()).alignment(Alignment::Center).wrap(Wrap { trim: true }),
                Rect { x: 0, y: y.saturating_sub(1), width: area.width, height: area.height - y.saturating_sub(1) },
            );
            return;
        }
        let areas = self.areas(area);
        let cx = DrawCx {
            theme: &self.theme,
            lang: self.lang,
            identity: self.app.identity(),
            public_key: self.public_key.as_deref(),
        };
        self.draw_tabs(f, areas.tabs);
        self.screen().draw(f, areas.body, &cx);
        // overlays, bottom to top
        for o in &self.stack {
            o.draw(f, areas.body, &cx);
        }
        if let Some((msg, err)) = &self.status {
            let st = if *err { self.theme.alert() } else { self.theme.ok() };
            f.render_widget(Paragraph::new(Line::styled(fit(msg, area.width as usize), st)), areas.status);
        }
        if let Some(job) = self.jobs.running() {
            let p = &job.progress;
            let label = if job.cancelling {
                tr(self.lang, "tui.job.cancelling", &[&job.title])
            } else {
                let total = if p.total == 0 { "?".to_string() } else { p.total.to_string() };
                tr(self.lang, "tui.job.gauge", &[&job.title, &p.label, &p.done.to_string(), &total])
            };
            let gauge = Gauge::default()
                .gauge_style(self.theme.bar())
                .ratio(p.ratio())
                .label(Span::styled(fit(&label, area.width as usize), self.theme.text()));
            f.render_widget(gauge, areas.gauge);
        }
        f.render_widget(Paragraph::new(self.footer(area.width)), areas.footer);
    }

    fn draw_tabs(&self, f: &mut Frame, area: Rect) {
        let mut spans = Vec::new();
        for (i, label) in self.tab_labels(area.width).into_iter().enumerate() {
            let active = i == self.tab.index();
            spans.push(Span::styled(label, if active { self.theme.tab_active() } else { self.theme.dim() }));
        }
        let used: usize = spans.iter().map(|s| width(&s.content)).sum();
        if let Some(id) = self.app.identity() {
            let who = format!("{}·{}", id.place, id.worker);
            let room = (area.width as usize).saturating_sub(used + 1);
            if room >= 6 {
                let who = fit(&who, room);
                spans.push(Span::raw(" ".repeat(room - width(&who))));
                spans.push(Span::styled(who, self.theme.title()));
            }
        }
        f.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    /// The keys valid on the current screen.
    fn footer(&self, cols: u16) -> Line<'static> {
        let pairs = match self.stack.last() {
            Some(o) => o.footer(self.lang),
            None => self.screen().footer(self.lang),
        };
        let mut spans = Vec::new();
        let mut used = 0;
        for (k, label) in pairs {
            // whole keys only: a key cut in half at the edge says nothing
            let w = width(&k) + 1 + width(&label);
            if used + w > cols as usize {
                break;
            }
            used += w + 2;
            spans.push(Span::styled(k, self.theme.key()));
            spans.push(Span::styled(format!(" {label}  "), self.theme.dim()));
        }
        Line::from(spans)
    }
}

pub(super) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

/// A question in a frame, in the middle of `area`.
pub fn render_dialog(f: &mut Frame, area: Rect, theme: &Theme, text: &str) {
    f.render_widget(Clear, area);
    let r = centered(area, 64, 6);
    f.render_widget(
        Paragraph::new(text.to_string())
            .wrap(Wrap { trim: true })
            .block(Block::default().borders(Borders::ALL).border_style(theme.warn())),
        r,
    );
}
