//! Drawing a form: labels, inputs (the focused one is a live editor with the real terminal
//! cursor at the insertion point, so IME candidate windows appear there), errors beside their
//! fields, enum options, and the resident picker.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::form::{Form, Input};
use super::text::{fit, pad, width};
use super::theme::Theme;
use crate::i18n::{Lang, tr};

const LABEL_W: usize = 14;

fn field_height(form: &Form, i: usize) -> u16 {
    let f = &form.fields[i];
    let base = match &f.input {
        Input::Text { multiline: true, .. } if i == form.focus => 4,
        Input::Multi { .. } if i == form.focus => 2,
        _ => 1,
    };
    base + u16::from(form.errors.contains_key(f.name))
}

/// Draws `form` in `area`.
pub fn render(form: &mut Form, f: &mut Frame, area: Rect, theme: &Theme, lang: Lang) {
    f.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(format!("{}{}", form.title, if form.dirty { " *" } else { "" }), theme.title()));
    let inner = block.inner(area);
    f.render_widget(block, area);
    if inner.height < 2 || inner.width < 20 {
        return;
    }
    let mut y = inner.y;
    if let Some(msg) = form.errors.get("") {
        f.render_widget(
            Paragraph::new(Line::styled(fit(msg, inner.width as usize), theme.alert())),
            Rect { y, height: 1, ..inner },
        );
        y += 1;
    }
    let avail = inner.y + inner.height - y;
    // scroll so the focused field is visible
    if form.focus < form.scroll {
        form.scroll = form.focus;
    }
    loop {
        let used: u16 = (form.scroll..=form.focus).map(|i| field_height(form, i)).sum();
        if used <= avail || form.scroll >= form.focus {
            break;
        }
        form.scroll += 1;
    }
    let input_x = inner.x + LABEL_W as u16 + 1;
    let input_w = inner.width.saturating_sub(LABEL_W as u16 + 1);
    let mut picker_anchor = None;
    for i in form.scroll..form.fields.len() {
        let h = field_height(form, i);
        if y + h > inner.y + inner.height {
            break;
        }
        let focused = i == form.focus;
        let fld = &form.fields[i];
        let label = format!("{}{}", if fld.required { "*" } else { " " }, fld.label);
        let label_style = if focused { theme.focus() } else { theme.dim() };
        f.render_widget(
            Paragraph::new(Span::styled(pad(&label, LABEL_W), label_style)),
            Rect { x: inner.x, y, width: LABEL_W as u16, height: 1 },
        );
        let input_h = h - u16::from(form.errors.contains_key(fld.name));
        let area = Rect { x: input_x, y, width: input_w, height: input_h };
        match (&form.fields[i].input, focused) {
            (Input::Text { area: ta, .. }, true) => {
                f.render_widget(&**ta, area);
                if let Some(p) = ta.rendered_cursor_position() {
                    f.set_cursor_position(p);
                }
            }
            (Input::Refs { query, picked, .. }, true) => {
                let chips: String = picked.iter().map(|(_, l)| format!("[{l}] ")).collect();
                let cw = width(&chips) as u16;
                f.render_widget(Paragraph::new(Span::styled(chips, theme.ok())), area);
                let qa = Rect { x: area.x + cw.min(area.width), width: area.width.saturating_sub(cw), ..area };
                f.render_widget(&**query, qa);
                if let Some(p) = query.rendered_cursor_position() {
                    f.set_cursor_position(p);
                }
                picker_anchor = Some(Rect { x: area.x, y: y + 1, width: area.width, height: 0 });
            }
            (Input::Choice { def, selected }, true) => {
                let cur = selected
                    .map(|s| def.label(def.codes[s].code, lang))
                    .unwrap_or_else(|| tr(lang, "tui.form.choose", &[]));
                let text = format!("‹ {cur} ›  {}", tr(lang, "tui.form.choice_hint", &[]));
                f.render_widget(Paragraph::new(Span::styled(fit(&text, area.width as usize), theme.focus())), area);
            }
            (Input::Multi { def, chosen, cursor }, true) => {
                let spans: Vec<Span> = def
                    .codes
                    .iter()
                    .zip(chosen)
                    .enumerate()
                    .map(|(j, (c, on))| {
                        let t = format!("[{}]{} ", if *on { "x" } else { " " }, lang.pick(c.zh, c.en));
                        Span::styled(t, if j == *cursor { theme.selected() } else { theme.text() })
                    })
                    .collect();
                f.render_widget(Paragraph::new(Line::from(spans)).wrap(ratatui::widgets::Wrap { trim: false }), area);
            }
            (input, _) => {
                let shown = input.display(lang);
                f.render_widget(
                    Paragraph::new(fit(&shown, area.width as usize)).style(if focused {
                        theme.focus()
                    } else {
                        theme.text()
                    }),
                    area,
                );
            }
        }
        if let Some(err) = form.errors.get(fld.name) {
            f.render_widget(
                Paragraph::new(Line::styled(fit(&format!("↑ {err}"), input_w as usize), theme.alert())),
                Rect { x: input_x, y: y + input_h, width: input_w, height: 1 },
            );
        }
        y += h;
    }
    if let (Some(anchor), Some(p)) = (picker_anchor, &form.picker) {
        let rows = p.results.len().clamp(1, 8) as u16;
        let bottom = inner.y + inner.height;
        let y = if anchor.y + rows + 2 <= bottom { anchor.y } else { anchor.y.saturating_sub(rows + 3) };
        let r = Rect { x: anchor.x, y, width: anchor.width.min(50), height: rows + 2 };
        f.render_widget(Clear, r);
        let b =
            Block::default().borders(Borders::ALL).title(Span::styled(tr(lang, "tui.picker.title", &[]), theme.dim()));
        let inner_p = b.inner(r);
        f.render_widget(b, r);
        let lines: Vec<Line> = if p.results.is_empty() {
            vec![Line::styled(tr(lang, "tui.search.none", &[]), theme.dim())]
        } else {
            p.results
                .iter()
                .enumerate()
                .take(rows as usize)
                .map(|(j, (_, l))| {
                    let t = pad(&fit(l, inner_p.width as usize), inner_p.width as usize);
                    Line::styled(t, if j == p.selected { theme.selected() } else { theme.text() })
                })
                .collect()
        };
        f.render_widget(Paragraph::new(lines), inner_p);
    }
}
