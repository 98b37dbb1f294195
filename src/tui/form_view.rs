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

/// Label column: as wide as the longest label (so none is cut), within limits.
fn label_width(form: &Form, total: u16) -> usize {
    let longest = form.fields.iter().map(|f| width(&f.label) + 1).max().unwrap_or(8);
    longest.clamp(8, (total as usize / 3).max(8))
}

fn option_width(c: &crate::domain::codes::CodeInfo, lang: Lang) -> usize {
    width(lang.pick(c.zh, c.en)) + 4
}

fn error_lines(form: &Form, i: usize, input_w: usize) -> u16 {
    let f = &form.fields[i];
    form.errors.get(f.name).map(|e| if width(e) + 2 > input_w { 2 } else { 1 }).unwrap_or(0)
}

fn field_height(form: &Form, i: usize, input_w: usize, lang: Lang) -> u16 {
    let f = &form.fields[i];
    let base = match &f.input {
        Input::Text { multiline: true, .. } if i == form.focus => 4,
        Input::Multi { def, .. } if i == form.focus => {
            // options laid out in rows without splitting one
            let mut rows = 1u16;
            let mut x = 0;
            for c in def.codes {
                let w = option_width(c, lang);
                if x + w > input_w && x > 0 {
                    rows += 1;
                    x = 0;
                }
                x += w;
            }
            rows
        }
        _ => 1,
    };
    base + error_lines(form, i, input_w)
}

/// Where a form's fields go in `area` (none when it is too small for fields).
struct Geometry {
    inner: Rect,
    label_w: usize,
    input_x: u16,
    input_w: u16,
    /// The first field's row.
    top: u16,
}

fn geometry(form: &Form, area: Rect) -> Option<Geometry> {
    let inner = Block::default().borders(Borders::ALL).inner(area);
    if inner.height < 2 || inner.width < 20 {
        return None;
    }
    let label_w = label_width(form, inner.width);
    let input_x = inner.x + label_w as u16 + 1;
    let input_w = inner.width.saturating_sub(label_w as u16 + 1);
    let top = inner.y + u16::from(form.errors.contains_key(""));
    Some(Geometry { inner, label_w, input_x, input_w, top })
}

/// Scrolls `form` so that its focused field is visible in `area` (after every action, so that
/// drawing only reads).
pub fn fit_scroll(form: &mut Form, area: Rect, lang: Lang) {
    let Some(g) = geometry(form, area) else { return };
    let iw = g.input_w as usize;
    let avail = g.inner.y + g.inner.height - g.top;
    if form.focus < form.scroll {
        form.scroll = form.focus;
    }
    loop {
        let used: u16 = (form.scroll..=form.focus.min(form.fields.len().saturating_sub(1)))
            .map(|i| if form.fields.is_empty() { 0 } else { field_height(form, i, iw, lang) })
            .sum();
        if used <= avail || form.scroll >= form.focus {
            break;
        }
        form.scroll += 1;
    }
}

/// Draws `form` in `area`.
pub fn render(form: &Form, f: &mut Frame, area: Rect, theme: &Theme, lang: Lang) {
    f.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(format!("{}{}", form.title, if form.dirty { " *" } else { "" }), theme.title()));
    f.render_widget(block, area);
    let Some(Geometry { inner, label_w, input_x, input_w, top }) = geometry(form, area) else { return };
    let iw = input_w as usize;
    if form.fields.is_empty() {
        // below a refusal's line, never under it
        let prompt = Rect { y: top, height: inner.height.saturating_sub(top - inner.y), ..inner };
        f.render_widget(
            Paragraph::new(tr(lang, "tui.form.confirm_action", &[]))
                .style(theme.warn())
                .wrap(ratatui::widgets::Wrap { trim: true }),
            prompt,
        );
    }
    if let Some(msg) = form.errors.get("") {
        f.render_widget(
            Paragraph::new(Line::styled(fit(msg, inner.width as usize), theme.alert())),
            Rect { y: inner.y, height: 1, ..inner },
        );
    }
    // `fit` has scrolled to the focused field
    let mut y = top;
    let mut picker_anchor = None;
    for i in form.scroll..form.fields.len() {
        let h = field_height(form, i, iw, lang);
        if y + h > inner.y + inner.height {
            break;
        }
        let focused = i == form.focus;
        let fld = &form.fields[i];
        let label = format!("{}{}", if fld.required { "*" } else { " " }, fld.label);
        let label_style = if focused { theme.focus() } else { theme.dim() };
        f.render_widget(
            Paragraph::new(Span::styled(pad(&label, label_w), label_style)),
            Rect { x: inner.x, y, width: label_w as u16, height: 1 },
        );
        let err_h = error_lines(form, i, iw);
        let input_h = h - err_h;
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
                let text = format!("‹ {cur} ›  {}", tr(lang, "tui.form.choice_type", &[]));
                f.render_widget(Paragraph::new(Span::styled(fit(&text, area.width as usize), theme.focus())), area);
            }
            (Input::Multi { def, chosen, cursor }, true) => {
                // lay the options out in rows by hand so that no option is split
                let mut lines: Vec<Line> = vec![Line::default()];
                let mut x = 0;
                for (j, (c, on)) in def.codes.iter().zip(chosen).enumerate() {
                    let w = option_width(c, lang);
                    if x + w > iw && x > 0 {
                        lines.push(Line::default());
                        x = 0;
                    }
                    x += w;
                    let t = format!("[{}]{} ", if *on { "x" } else { "·" }, lang.pick(c.zh, c.en));
                    if let Some(l) = lines.last_mut() {
                        l.spans.push(Span::styled(t, if j == *cursor { theme.selected() } else { theme.text() }));
                    }
                }
                f.render_widget(Paragraph::new(lines), area);
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
                Paragraph::new(Line::styled(format!("↑ {err}"), theme.alert()))
                    .wrap(ratatui::widgets::Wrap { trim: true }),
                Rect { x: input_x, y: y + input_h, width: input_w, height: err_h },
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
        let empty_query = form.picker_query().is_some_and(|(q, _)| q.trim().is_empty());
        let lines: Vec<Line> = if p.results.is_empty() && empty_query {
            // nothing typed yet: say what to type, not "nothing found"
            vec![Line::styled(fit(&tr(lang, "tui.picker.hint", &[]), inner_p.width as usize), theme.dim())]
        } else if p.results.is_empty() {
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
