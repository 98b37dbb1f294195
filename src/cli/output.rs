//! Text output for people: tables padded by display width (CJK characters are two columns),
//! record details and histories.
//!
//! Everything goes to standard output through [`line`] and [`json`]: control characters that
//! are in the store anyway (written by older builds) are shown escaped, never sent to the
//! terminal, and a closed pipe (`gridlog list person | head -1`) ends the output quietly.

use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::app::present::{code_label, screen_label};
use crate::app::{App, AppError, ListQuery, RecordView};
use crate::domain::lifecycle::statuses_of;
use crate::domain::text::{escape_control, escape_control_lines, escape_json_invisible};
use crate::domain::{Kind, Value};
use crate::events::HistoryEntry;
use crate::i18n::{Lang, tr};
// display-width helpers shared with the screen
use crate::app::present::{fit as truncate, masked, width};

/// Set once standard output is a closed pipe: what follows is dropped.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `s` and a line break to standard output. A closed pipe (the reader has gone, as
/// `head` does) is not an error: this and every later write are dropped quietly. Any other
/// failure (a full disk) is an error.
fn write_stdout(s: &str) -> Result<(), AppError> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut buf = String::with_capacity(s.len() + 1);
    buf.push_str(s);
    buf.push('\n');
    let mut out = std::io::stdout().lock();
    match out.write_all(buf.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(AppError::Other(format!("stdout: {e}"))),
    }
}

/// Prints text for people (one or more lines): control, bidirectional and zero-width
/// characters are shown escaped; line breaks are kept.
pub fn line(s: &str) -> Result<(), AppError> {
    write_stdout(&escape_control_lines(s))
}

/// Prints a JSON value, pretty. serde_json escapes C0 controls; DEL, C1, bidirectional and
/// zero-width characters are escaped as `\uXXXX` too. Still the same JSON.
pub fn json(v: &serde_json::Value) -> Result<(), AppError> {
    write_stdout(&escape_json_invisible(&serde_json::to_string_pretty(v).unwrap_or_default()))
}

/// Pads `s` to at least `cols` display columns (never cuts: a script may read the column).
fn pad(s: &str, cols: usize) -> String {
    crate::app::present::pad(s, cols.max(width(s)))
}

/// The record's status label, with the overdue mark.
pub fn status_label(v: &RecordView, lang: Lang) -> String {
    let label = statuses_of(v.entity.kind).label(v.entity.state.status(), lang);
    if v.overdue { format!("{label}{}", tr(lang, "cli.overdue_mark", &[])) } else { label }
}

fn date_of(v: &RecordView) -> String {
    crate::domain::lifecycle::primary_date(v.entity.kind, &v.entity.state).map(|d| d.to_string()).unwrap_or_default()
}

/// One line per record: id, status, date, due, title.
pub fn table(rows: &[RecordView], lang: Lang) -> Result<(), AppError> {
    if rows.is_empty() {
        return line(&tr(lang, "cli.none", &[]));
    }
    for v in rows {
        let due = v.due.map(|d| tr(lang, "cli.due", &[&d.to_string()])).unwrap_or_default();
        // a person's row shows the (masked) phone before the name
        let phone = match v.entity.kind {
            Kind::Person => {
                format!("{}  ", pad(&masked("phone", v.entity.state.text("phone").unwrap_or("-"), false), 13))
            }
            _ => String::new(),
        };
        line(&format!(
            "{}  {}  {}  {}  {}{}",
            v.entity.id,
            pad(&escape_control(&status_label(v, lang)), 14),
            pad(&date_of(v), 10),
            pad(&due, 16),
            escape_control(&phone),
            truncate(&escape_control(&v.title()), 40)
        ))?;
    }
    Ok(())
}

/// Where a value is shown: the record's kind and the action that wrote it, so that fields and
/// codes get the labels the screen gives them (docs/ARCHITECTURE.md, "Presenter").
#[derive(Clone, Copy)]
struct At<'a> {
    kind: Kind,
    action: Option<&'a str>,
}

impl At<'_> {
    /// The field's label, the same as on the screen.
    fn label(&self, field: &str, lang: Lang) -> String {
        screen_label(Some(self.kind), self.action, field, lang)
    }
}

fn value_text(at: At, field: &str, v: &Value, lang: Lang, reveal: bool) -> String {
    match v {
        Value::Text(s) if crate::app::present::is_secret(field) => masked(field, s, reveal).into_owned(),
        Value::Text(s) => code_label(Some(at.kind), at.action, field, s, lang).unwrap_or_else(|| s.clone()),
        Value::Bool(b) => tr(lang, if *b { "cli.yes" } else { "cli.no" }, &[]),
        Value::Map(m) => m
            .iter()
            .map(|(k, x)| format!("{}={}", at.label(k, lang), value_text(at, k, x, lang, reveal)))
            .collect::<Vec<_>>()
            .join("；"),
        Value::List(l) => l.iter().map(|x| value_text(at, field, x, lang, reveal)).collect::<Vec<_>>().join("、"),
        other => other.to_json().to_string().trim_matches('"').to_string(),
    }
}

/// A record with all fields and its history. Multi-line text keeps its line breaks; the
/// history is one line per change.
/// `notes` follow the first line: what the record has to do with merges (`App::merge_notes`).
pub fn detail(
    v: &RecordView,
    history: &[HistoryEntry],
    notes: &[String],
    lang: Lang,
    reveal: bool,
) -> Result<(), AppError> {
    let e = &v.entity;
    let at = At { kind: e.kind, action: None };
    line(&format!("{} {}  {}", e.kind.label(lang), e.id, status_label(v, lang)))?;
    for n in notes {
        line(&format!("  {}", escape_control(n)))?;
    }
    // a set's items and a composite field's parts are labelled by the action that wrote them
    let of = |k: &str| At { kind: e.kind, action: crate::app::present::action_of_field(k) };
    for (k, val) in &e.state.fields {
        if k != "status" {
            line(&format!(
                "  {}",
                tr(lang, "err.field", &[&at.label(k, lang), &value_text(of(k), k, val, lang, reveal)])
            ))?;
        }
    }
    for (k, items) in &e.state.sets {
        line(&format!("  {}", tr(lang, "err.field", &[&at.label(k, lang), ""]).trim_end()))?;
        for it in items {
            line(&format!("    - {}", value_text(of(k), k, it, lang, reveal)))?;
        }
    }
    if let Some(d) = v.due {
        line(&format!("  {}", tr(lang, "cli.due", &[&d.to_string()])))?;
    }
    for c in &e.conflicts {
        line(&format!(
            "  {}",
            tr(
                lang,
                "cli.conflict",
                &[
                    &at.label(&c.field, lang),
                    &value_text(at, &c.field, &c.kept, lang, reveal),
                    &value_text(at, &c.field, &c.lost, lang, reveal)
                ]
            )
        ))?;
    }
    line(&tr(lang, "cli.history", &[]))?;
    for l in v.decision_lines(lang) {
        line(&format!("  {}", escape_control(&l)))?;
    }
    for h in history {
        let time = crate::app::hlc_time(h.stamp.hlc);
        // labels, never codes: 状态=已发现, not status=FOUND
        let at = At { kind: e.kind, action: Some(h.action.as_str()).filter(|a| *a != "create") };
        let what: Vec<String> = h
            .set
            .iter()
            .chain(h.add.iter())
            .map(|(k, val)| {
                let shown = escape_control(&value_text(at, k, val, lang, reveal)).into_owned();
                format!("{}={}", at.label(k, lang), truncate(&shown, 30))
            })
            .collect();
        line(&format!(
            "  {}  {}  {}  {}",
            time,
            escape_control(&h.worker),
            escape_control(&action_label(e.kind, &h.action, lang)),
            what.join("；")
        ))?;
    }
    Ok(())
}

fn action_label(kind: Kind, action: &str, lang: Lang) -> String {
    if action == "create" {
        return tr(lang, "cli.created", &[]);
    }
    crate::domain::lifecycle::find_action(kind, action)
        .map(|a| lang.pick(a.zh, a.en).to_string())
        .unwrap_or_else(|| action.to_string())
}

/// History as JSON: time, worker, action, fields set, items added.
pub fn history_json(history: &[HistoryEntry], reveal: bool) -> serde_json::Value {
    serde_json::Value::Array(
        history
            .iter()
            .map(|h| {
                let set: serde_json::Map<_, _> =
                    h.set.iter().map(|(k, v)| (k.clone(), crate::app::mask(k, v, reveal))).collect();
                let add: Vec<_> = h
                    .add
                    .iter()
                    .map(|(k, v)| serde_json::json!({ "set": k, "item": crate::app::mask(k, v, reveal) }))
                    .collect();
                serde_json::json!({
                    "at": crate::app::hlc_time(h.stamp.hlc),
                    "device": h.stamp.device.to_string(),
                    "worker": h.worker,
                    "action": h.action,
                    "changed": set,
                    "added": add,
                })
            })
            .collect(),
    )
}

/// What `gridlog` prints before the TUI exists: the work that is overdue, per ledger, with
/// every overdue record counted (the dashboard's figures, the same as `list KIND --overdue`)
/// and the most overdue listed.
pub fn overview(app: &App) -> Result<(), AppError> {
    let lang = app.lang();
    overview_title(app)?;
    let dashboard = app.dashboard()?;
    // what stands first on 首页: 督办 from the level above, records waiting for a decision, and
    // instructions from above not yet acted on
    for (reason, key) in [
        (crate::app::DueReason::Supervised, "cli.overview_supervised"),
        (crate::app::DueReason::NeedsDecision, "cli.overview_decisions"),
        (crate::app::DueReason::Instructed, "cli.overview_instructed"),
        (crate::app::DueReason::ExtensionDecided, "cli.overview_extension_decided"),
    ] {
        let ids: Vec<_> = dashboard.items.iter().filter(|i| i.reason == reason).map(|i| i.id).collect();
        if ids.is_empty() {
            continue;
        }
        line(&tr(lang, key, &[&ids.len().to_string()]))?;
        let rows = ids.iter().take(OVERVIEW_ROWS).map(|id| app.view(*id)).collect::<Result<Vec<_>, _>>()?;
        table(&rows, lang)?;
    }
    for (kind, total) in dashboard.overdue {
        let overdue =
            app.list(&ListQuery { kind: Some(kind), overdue: true, limit: OVERVIEW_ROWS, ..Default::default() })?;
        let counts = [kind.label(lang).to_string(), total.to_string(), overdue.len().to_string()];
        line(&tr(lang, "cli.overview_overdue_total", &[&counts[0], &counts[1], &counts[2]]))?;
        table(&overdue, lang)?;
    }
    line(&tr(lang, "cli.overview_hint", &[]))
}

/// The piped overview's first line: the place, the worker and today.
pub fn overview_title(app: &App) -> Result<(), AppError> {
    let id = app.identity().ok_or(AppError::NotInitialised)?;
    let (place, worker) = (escape_control(&id.place), escape_control(&id.worker));
    line(&tr(app.lang(), "cli.overview_title", &[&place, &worker, &app.today().to_string()]))
}

/// Overdue records the piped overview lists per ledger.
const OVERVIEW_ROWS: usize = 5;
