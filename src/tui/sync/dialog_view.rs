//! Drawing the 同步 dialogs, from their state alone. Each takes the whole area under the tab
//! bar (a popup over Chinese text would cut a wide character in half at its edge) and wraps
//! its text by display width.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::dialogs::{BundleList, ExportPrompt, PlanView, SyncDialog};
use super::work::Signer;
use crate::app::present::civil_ms;
use crate::app::sync::{SignerState, short_fingerprint};
use crate::i18n::{Lang, tr};
use crate::tui::screen::DrawCx;
use crate::tui::text::{fit, pad, width};
use crate::tui::theme::Theme;

/// A whole fingerprint in groups of four, eight groups a line.
pub fn grouped(fp: &str) -> Vec<String> {
    let groups: Vec<String> = fp.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
    groups.chunks(8).map(|g| g.join(" ")).collect()
}

fn frame<'a>(title: String, theme: &Theme, warn: bool) -> Block<'a> {
    let b = Block::default().borders(Borders::ALL).title(Span::styled(title, theme.title()));
    if warn { b.border_style(theme.warn()) } else { b }
}

impl SyncDialog {
    /// Draws the dialog over `area`.
    pub fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        f.render_widget(Clear, area);
        match self {
            SyncDialog::Export(p) => export(f, area, cx, p),
            SyncDialog::Bundles(l) => bundles(f, area, cx, l),
            SyncDialog::Trust(s) => trust(f, area, cx, s),
            SyncDialog::Plan(p) => plan(f, area, cx, p),
            SyncDialog::Refused(file, why) => {
                let lang = cx.lang;
                let mut lines = vec![Line::raw(tr(lang, "tui.sync.refused_file", &[file])), Line::raw("")];
                lines.extend(why.iter().map(|l| Line::styled(l.clone(), cx.theme.alert())));
                lines.push(Line::raw(""));
                lines.push(Line::styled(tr(lang, "tui.sync.refused_nothing", &[]), cx.theme.dim()));
                let block = frame(tr(lang, "tui.sync.refused_title", &[]), cx.theme, true);
                f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), area);
            }
        }
    }

    /// The keys the footer shows.
    pub fn footer(&self, lang: Lang) -> Vec<(String, String)> {
        let t = |k: &str| tr(lang, k, &[]);
        match self {
            SyncDialog::Export(_) => vec![
                ("Enter".into(), t("tui.sync.key_export")),
                ("Tab/↑↓".into(), t("tui.key.field")),
                ("←→".into(), t("tui.key.choose")),
                ("Esc".into(), t("tui.key.cancel")),
            ],
            SyncDialog::Bundles(_) => vec![
                ("↑↓".into(), t("tui.key.select")),
                ("Enter".into(), t("tui.sync.key_check")),
                ("Esc".into(), t("tui.key.close")),
            ],
            SyncDialog::Trust(_) => {
                vec![("y".into(), t("tui.sync.key_trust")), ("n/Esc".into(), t("tui.key.cancel"))]
            }
            SyncDialog::Plan(_) => {
                vec![("y/Enter".into(), t("tui.sync.key_import")), ("Esc".into(), t("tui.key.cancel"))]
            }
            SyncDialog::Refused(..) => vec![(t("tui.key.any"), t("tui.key.close"))],
        }
    }
}

fn export(f: &mut Frame, area: Rect, cx: &DrawCx, p: &ExportPrompt) {
    let (lang, theme) = (cx.lang, cx.theme);
    let title = if p.stats { "tui.sync.stats_title" } else { "tui.sync.export_title" };
    let block = frame(tr(lang, title, &[]), theme, false);
    let inner = block.inner(area);
    f.render_widget(block, area);
    if inner.height < 6 {
        return;
    }
    let label = |i: usize, key: &str| {
        let mark = if p.focus == i { "▸ " } else { "  " };
        let style = if p.focus == i { theme.focus() } else { theme.key() };
        Span::styled(format!("{mark}{}", pad(&tr(lang, key, &[]), 10)), style)
    };
    let row = |y: u16| Rect { y: inner.y + y, height: 1, ..inner };
    let path_label = label(0, "tui.sync.field_path");
    let lw = width(&path_label.content) as u16;
    f.render_widget(Paragraph::new(path_label), row(0));
    let input = Rect { x: inner.x + lw, width: inner.width.saturating_sub(lw), ..row(0) };
    f.render_widget(&p.path, input);
    if p.focus == 0
        && let Some(pos) = p.path.rendered_cursor_position()
    {
        f.set_cursor_position(pos);
    }
    let mut y = 1;
    f.render_widget(Paragraph::new(Line::styled(tr(lang, "tui.sync.path_hint", &[]), theme.dim())), row(y));
    y += 2;
    if p.stats_path.is_some() {
        let what = tr(lang, if p.stats { "tui.sync.what_stats" } else { "tui.sync.what_bundle" }, &[]);
        let line = Line::from(vec![label(3, "tui.sync.field_what"), Span::raw(format!("‹ {what} ›"))]);
        f.render_widget(Paragraph::new(line), row(y));
        y += 1;
    }
    // a statistics file is for the county and holds every figure: place and scope are dimmed
    let off = |line: Line<'static>| match p.stats {
        true => Line::from(line.spans.into_iter().map(|s| s.style(theme.dim())).collect::<Vec<_>>()),
        false => line,
    };
    if p.offer_target {
        let name = match p.target.checked_sub(1).and_then(|i| p.targets.get(i)) {
            Some((code, place)) => tr(lang, "tui.sync.for_place", &[place, code]),
            None => tr(lang, "tui.sync.for_every", &[]),
        };
        let line = Line::from(vec![label(1, "tui.sync.field_for"), Span::raw(format!("‹ {name} ›"))]);
        f.render_widget(Paragraph::new(off(line)), row(y));
        y += 1;
    }
    let check = if p.all { "[x]" } else { "[ ]" };
    let line = Line::from(vec![
        label(2, "tui.sync.field_all"),
        Span::raw(format!("{check} {}", tr(lang, "tui.sync.all", &[]))),
    ]);
    f.render_widget(Paragraph::new(off(line)), row(y));
    y += 2;
    let explain = match (p.stats, p.all) {
        (true, _) => "tui.sync.stats_hint",
        (false, true) => "tui.sync.all_hint",
        (false, false) => "tui.sync.incremental_hint",
    };
    let rest = Rect { y: inner.y + y, height: inner.height.saturating_sub(y), ..inner };
    f.render_widget(Paragraph::new(tr(lang, explain, &[])).style(theme.dim()).wrap(Wrap { trim: false }), rest);
}

fn bundles(f: &mut Frame, area: Rect, cx: &DrawCx, l: &BundleList) {
    let (lang, theme) = (cx.lang, cx.theme);
    let title = tr(lang, "tui.sync.import_title", &[&l.entries.len().to_string()]);
    let block = frame(title, theme, false);
    let inner = block.inner(area);
    f.render_widget(block, area);
    if inner.height < 3 {
        return;
    }
    let w = inner.width as usize;
    let dirs: Vec<String> = l.dirs.iter().map(|d| d.display().to_string()).collect();
    let searched = tr(lang, "tui.sync.searched", &[&dirs.join("  ")]);
    let list_h = inner.height.saturating_sub(2);
    f.render_widget(
        Paragraph::new(Line::styled(fit(&searched, w), theme.dim())),
        Rect { y: inner.y + inner.height - 1, height: 1, ..inner },
    );
    let list = Rect { height: list_h, ..inner };
    if l.entries.is_empty() {
        f.render_widget(Paragraph::new(tr(lang, "tui.sync.no_files", &[])).wrap(Wrap { trim: false }), list);
        return;
    }
    // two rows a file: its name, then who wrote it (or why it cannot be read)
    let per_page = (list_h as usize / 2).max(1);
    let top = l.selected.saturating_sub(per_page - 1);
    let mut lines = Vec::new();
    for (i, e) in l.entries.iter().enumerate().skip(top).take(per_page) {
        let chosen = i == l.selected;
        let name = e.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mark = if chosen { "▸ " } else { "  " };
        let name_style = if chosen { theme.selected() } else { theme.text() };
        lines.push(Line::styled(pad(&fit(&format!("{mark}{name}"), w), w), name_style));
        let (detail, style) = match &e.info {
            Ok(p) => {
                let demo = if p.demo { tr(lang, "tui.sync.demo_mark", &[]) } else { String::new() };
                let key = if p.stats { "tui.sync.stats_row" } else { "tui.sync.bundle_row" };
                let text = tr(lang, key, &[&p.place, &p.worker, &civil_ms(p.created_ms), &p.events.to_string()]);
                (format!("{text}{demo}"), theme.dim())
            }
            Err(why) => (tr(lang, "tui.sync.damaged", &[why]), theme.alert()),
        };
        lines.push(Line::styled(fit(&format!("    {detail}"), w), style));
    }
    f.render_widget(Paragraph::new(lines), list);
}

fn trust(f: &mut Frame, area: Rect, cx: &DrawCx, s: &Signer) {
    let (lang, theme) = (cx.lang, cx.theme);
    let mut lines = vec![
        Line::raw(tr(lang, "tui.sync.trust_who", &[&s.worker, &s.place, &s.division])),
        Line::raw(""),
        Line::raw(tr(lang, "tui.sync.trust_fp", &[])),
    ];
    lines.extend(grouped(&s.fingerprint).into_iter().map(|g| Line::styled(format!("    {g}"), theme.title())));
    lines.push(Line::raw(""));
    lines.push(Line::styled(tr(lang, "tui.sync.trust_compare", &[]), theme.warn()));
    lines.push(Line::raw(""));
    lines.push(Line::raw(tr(lang, "tui.sync.trust_keys", &[])));
    let block = frame(tr(lang, "tui.sync.trust_title", &[]), theme, true);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), area);
}

/// The plan's lines, as the CLI words them.
pub fn plan_lines(v: &PlanView, lang: Lang) -> Vec<String> {
    let plan = &v.plan;
    let p = &plan.producer;
    let per = |k: &crate::app::sync::PerKind| super::work::per_kind(k, lang);
    let mut out =
        vec![tr(lang, "cli.import_from", &[&p.place, &p.worker, &p.division, &short_fingerprint(&p.fingerprint)])];
    if v.trust_new || plan.signer == SignerState::New {
        out.push(tr(lang, "tui.sync.plan_trusts", &[]));
    }
    out.push(tr(lang, "cli.import_would", &[&plan.new_total().to_string(), &plan.duplicates.to_string()]));
    out.push(tr(lang, "cli.import_created", &[&per(&plan.created)]));
    out.push(tr(lang, "cli.import_updated", &[&per(&plan.updated)]));
    for (device, n) in &plan.new_events {
        out.push(tr(lang, "cli.import_device", &[device, &n.to_string()]));
    }
    if plan.conflicts.is_empty() {
        out.push(tr(lang, "tui.sync.plan_no_conflicts", &[]));
    } else {
        out.push(tr(lang, "cli.import_conflicts", &[&plan.conflicts.len().to_string(), &plan.conflicts.join(" ")]));
    }
    for (new, old) in &plan.possible_duplicates {
        out.push(tr(lang, "cli.import_duplicate", &[new, old]));
    }
    out
}

fn plan(f: &mut Frame, area: Rect, cx: &DrawCx, v: &PlanView) {
    let (lang, theme) = (cx.lang, cx.theme);
    let name = v.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut lines: Vec<Line> = plan_lines(v, lang).into_iter().map(Line::raw).collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(tr(lang, "tui.sync.plan_ask", &[]), theme.key()));
    let block = frame(tr(lang, "tui.sync.plan_title", &[&name]), theme, false);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), area);
}
