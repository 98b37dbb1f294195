//! The keys overlay: the keys of every screen (the catalogue's `tui.help`) and the actions
//! the record under it offers now; it scrolls when the window is small.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::draw::centered;
use crate::i18n::{Lang, tr};
use crate::tui::theme::Theme;

/// The keys overlay: its first line shown, and the actions of the record it was opened on.
#[derive(Default)]
pub struct Help {
    /// First line shown.
    pub scroll: u16,
    /// The record's actions offered now: key and name.
    pub record: Vec<(String, String)>,
}

/// Where help goes in `area`.
fn help_area(area: Rect) -> Rect {
    centered(area, 78, 18)
}

/// The keys, and the actions the record under help offers now.
fn help_text(lang: Lang, help: &Help) -> Paragraph<'static> {
    let mut lines: Vec<Line> = tr(lang, "tui.help", &[]).lines().map(|l| Line::raw(l.to_string())).collect();
    if !help.record.is_empty() {
        lines.push(Line::raw(tr(lang, "tui.help.record", &[])));
        let keys: Vec<String> = help.record.iter().map(|(k, label)| format!("{k} {label}")).collect();
        lines.push(Line::raw(format!("  {}", keys.join("  "))));
    }
    Paragraph::new(lines).wrap(Wrap { trim: false })
}

/// Keeps help's scroll within its text as drawn in `area` (help scrolls in a small window).
pub fn fit_help(help: &mut Help, area: Rect, lang: Lang) {
    let r = help_area(area);
    let inner = Block::default().borders(Borders::ALL).inner(r);
    let total = help_text(lang, help).line_count(inner.width) as u16;
    help.scroll = help.scroll.min(total.saturating_sub(inner.height));
}

/// The keys, in a frame.
pub fn render_help(f: &mut Frame, area: Rect, theme: &Theme, lang: Lang, help: &Help) {
    f.render_widget(Clear, area);
    let r = help_area(area);
    f.render_widget(
        help_text(lang, help).scroll((help.scroll, 0)).block(
            Block::default().borders(Borders::ALL).title(Span::styled(tr(lang, "tui.help.title", &[]), theme.title())),
        ),
        r,
    );
}
