//! Drawing the 报表 tab from its state alone: the selectors, the ledger's table (the group's
//! column fixed, the others scrolled with `[` `]`, widths by display width so that Chinese
//! lines up), and below it a bar chart of the ledger's key rate per row when there is room.

use ratatui::Frame;
use ratatui::layout::{Direction, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph};

use super::{ReportsScreen, key_rate};
use crate::app::report::{Column, columns, ledger_label};
use crate::domain::figures::Counts;
use crate::i18n::tr;
use crate::tui::screen::DrawCx;
use crate::tui::text::{fit, pad, width};

/// The widest a group's label is shown, in columns (a village and its grid fit; never more
/// than half the width).
const LABEL_MAX: usize = 32;

fn right(s: &str, cols: usize) -> String {
    format!("{}{s}", " ".repeat(cols.saturating_sub(width(s))))
}

pub(super) fn draw(s: &ReportsScreen, f: &mut Frame, area: Rect, cx: &DrawCx) {
    let (lang, theme) = (cx.lang, cx.theme);
    let Some(spec) = s.spec() else { return };
    let by = tr(lang, &format!("report.by.{}", s.by.name()), &[]);
    let ledger = ledger_label(s.ledger, lang);
    let sel = |label: &str, value: &str| {
        vec![Span::styled(format!("{label} "), theme.dim()), Span::styled(format!("‹{value}›  "), theme.focus())]
    };
    let mut head: Vec<Span> = Vec::new();
    head.extend(sel(&tr(lang, "tui.report.period", &[]), &spec.period.to_string()));
    head.extend(sel(&tr(lang, "tui.report.group", &[]), &by));
    head.extend(sel(&tr(lang, "tui.report.ledger", &[]), &ledger));
    f.render_widget(Paragraph::new(Line::from(head)), Rect { height: 1, ..area });
    let Some(report) = &s.report else {
        let key = if s.computing { "tui.report.computing" } else { "tui.report.not_computed" };
        let line = Line::styled(tr(lang, key, &[]), theme.dim());
        f.render_widget(Paragraph::new(line), Rect { y: area.y + 2, height: 1, ..area });
        return;
    };
    let body = Rect { y: area.y + 1, height: area.height.saturating_sub(1), ..area };

    // the table: the group, then the ledger's columns from `col`
    let cols = columns(s.ledger);
    let rows: Vec<(String, &Counts)> =
        report.rows.iter().filter(|r| r.in_ledger(s.ledger)).map(|r| (r.label.clone(), &r.counts)).collect();
    let total = tr(lang, "report.total", &[]);
    let label_w = rows.iter().map(|r| width(&r.0)).chain([width(&by), width(&total)]).max().unwrap_or(0).min(LABEL_MAX);
    let cell_w = |c: &Column| {
        rows.iter().map(|r| width(&c.cell(r.1))).chain([width(&c.label(lang)), width(&c.cell(&report.total))]).max()
    };
    // scrolled no further than the last columns need (a wider window shows them all)
    let widths: Vec<usize> = cols.iter().map(|c| cell_w(c).unwrap_or(0)).collect();
    let fits_from = |i: usize| label_w + widths[i..].iter().map(|w| w + 2).sum::<usize>() <= body.width as usize;
    let mut start = s.col.min(cols.len());
    while start > 0 && fits_from(start - 1) {
        start -= 1;
    }
    let mut shown: Vec<(Column, usize)> = Vec::new();
    let mut used = label_w;
    for (c, &w) in cols.iter().zip(&widths).skip(start) {
        if used + 2 + w > body.width as usize {
            break;
        }
        used += 2 + w;
        shown.push((*c, w));
    }
    let more_left = start > 0;
    let more_right = start + shown.len() < cols.len();
    let line = |label: &str, cells: Vec<String>| {
        let mut t = pad(label, label_w);
        for (cell, (_, w)) in cells.iter().zip(&shown) {
            t.push_str("  ");
            t.push_str(&right(cell, *w));
        }
        t
    };
    let mut lines = vec![Line::styled(line(&by, shown.iter().map(|(c, _)| c.label(lang)).collect()), theme.title())];
    // the table takes what the rows need, and leaves the chart its room when it can
    let chart_h = rows.len() as u16 + 2;
    let table_need = rows.len() as u16 + 3;
    let table_h = if table_need + chart_h <= body.height { table_need } else { body.height };
    let visible = (table_h as usize).saturating_sub(3);
    let top = s.top.min(rows.len().saturating_sub(visible.max(1)));
    for (label, counts) in rows.iter().skip(top).take(visible) {
        lines.push(Line::raw(line(label, shown.iter().map(|(c, _)| c.cell(counts)).collect())));
    }
    if rows.is_empty() {
        lines.push(Line::styled(tr(lang, "tui.report.no_rows", &[]), theme.dim()));
    }
    let bold = Style::default().add_modifier(Modifier::BOLD);
    lines.push(Line::styled(line(&total, shown.iter().map(|(c, _)| c.cell(&report.total)).collect()), bold));
    let mut marks = Vec::new();
    if more_left {
        marks.push(tr(lang, "tui.report.more_left", &[]));
    }
    if more_right {
        marks.push(tr(lang, "tui.report.more_right", &[]));
    }
    if rows.len() > visible {
        marks.push(tr(
            lang,
            "tui.report.rows_shown",
            &[&(top + 1).to_string(), &(top + visible).min(rows.len()).to_string(), &rows.len().to_string()],
        ));
    }
    lines.push(Line::styled(marks.join("  "), theme.dim()));
    f.render_widget(Paragraph::new(lines), Rect { height: table_h, ..body });

    // the chart, when every row's bar fits below the table
    let Some(rate) = key_rate(s.ledger) else { return };
    let rest = Rect { y: body.y + table_h, height: body.height.saturating_sub(table_h), ..body };
    if rows.is_empty() || rest.height < chart_h || rest.width < 30 {
        return;
    }
    let bar_label = |l: &str| fit(l, label_w);
    let bars: Vec<Bar> = rows
        .iter()
        .map(|(label, counts)| {
            let p = counts.rate(rate);
            Bar::default()
                .label(Line::raw(bar_label(label)))
                .value(p.map_or(0, |p| p.round() as u64))
                .text_value(p.map_or_else(|| "—".to_string(), |p| format!("{p:.1}%")))
        })
        .collect();
    let title = tr(lang, "tui.report.chart", &[&ledger, &tr(lang, &format!("report.rate.{}", rate.name), &[])]);
    let chart = BarChart::default()
        .direction(Direction::Horizontal)
        .block(Block::default().borders(Borders::TOP).title(Span::styled(title, theme.title())))
        .data(BarGroup::default().bars(&bars))
        .bar_width(1)
        .bar_gap(0)
        .max(100)
        .bar_style(theme.bar())
        .value_style(theme.text().add_modifier(Modifier::REVERSED));
    f.render_widget(chart, Rect { height: chart_h, ..rest });
}
