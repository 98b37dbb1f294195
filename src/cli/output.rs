//! Text output for people: tables padded by display width (CJK characters are two columns),
//! record details and histories.

use crate::app::{App, AppError, ListQuery, RecordView};
use crate::domain::lifecycle::statuses_of;
use crate::domain::schema::field_label;
use crate::domain::{Kind, Value};
use crate::events::HistoryEntry;
use crate::i18n::{Lang, tr};
// display-width helpers shared with the screen
use crate::tui::text::{fit as truncate, width};

/// Pads `s` to at least `cols` display columns (never cuts: a script may read the column).
fn pad(s: &str, cols: usize) -> String {
    crate::tui::text::pad(s, cols.max(width(s)))
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
pub fn table(rows: &[RecordView], lang: Lang) {
    if rows.is_empty() {
        println!("{}", tr(lang, "cli.none", &[]));
        return;
    }
    for v in rows {
        let due = v.due.map(|d| tr(lang, "cli.due", &[&d.to_string()])).unwrap_or_default();
        println!(
            "{}  {}  {}  {}  {}",
            v.entity.id,
            pad(&status_label(v, lang), 14),
            pad(&date_of(v), 10),
            pad(&due, 16),
            truncate(&v.title(), 40)
        );
    }
}

fn value_text(field: &str, v: &Value, lang: Lang, reveal: bool) -> String {
    use crate::domain::check::{mask_id_number, mask_phone};
    match v {
        Value::Text(s) if !reveal && field == "id_number" => mask_id_number(s),
        Value::Text(s) if !reveal && (field == "phone" || field == "responsible_phone") => mask_phone(s),
        Value::Text(s) => crate::domain::schema::code_label(None, None, field, s, lang).unwrap_or_else(|| s.clone()),
        Value::Bool(b) => tr(lang, if *b { "cli.yes" } else { "cli.no" }, &[]),
        Value::Map(m) => m
            .iter()
            .map(|(k, x)| format!("{}={}", field_label(k, lang), value_text(k, x, lang, reveal)))
            .collect::<Vec<_>>()
            .join("；"),
        Value::List(l) => l.iter().map(|x| value_text(field, x, lang, reveal)).collect::<Vec<_>>().join("、"),
        other => other.to_json().to_string().trim_matches('"').to_string(),
    }
}

/// A record with all fields and its history.
pub fn detail(v: &RecordView, history: &[HistoryEntry], lang: Lang, reveal: bool) {
    let e = &v.entity;
    println!("{} {}  {}", e.kind.label(lang), e.id, status_label(v, lang));
    for (k, val) in &e.state.fields {
        if k != "status" {
            println!("  {}", tr(lang, "err.field", &[&field_label(k, lang), &value_text(k, val, lang, reveal)]));
        }
    }
    for (k, items) in &e.state.sets {
        println!("  {}", tr(lang, "err.field", &[&field_label(k, lang), ""]).trim_end());
        for it in items {
            println!("    - {}", value_text(k, it, lang, reveal));
        }
    }
    if let Some(d) = v.due {
        println!("  {}", tr(lang, "cli.due", &[&d.to_string()]));
    }
    for c in &e.conflicts {
        println!(
            "  {}",
            tr(
                lang,
                "cli.conflict",
                &[
                    &field_label(&c.field, lang),
                    &value_text(&c.field, &c.kept, lang, reveal),
                    &value_text(&c.field, &c.lost, lang, reveal)
                ]
            )
        );
    }
    println!("{}", tr(lang, "cli.history", &[]));
    for h in history {
        let time = crate::app::hlc_time(h.stamp.hlc);
        let what: Vec<String> = h
            .set
            .iter()
            .chain(h.add.iter())
            .map(|(k, val)| format!("{}={}", field_label(k, lang), truncate(&value_text(k, val, lang, reveal), 30)))
            .collect();
        println!("  {}  {}  {}  {}", time, h.worker, action_label(e.kind, &h.action, lang), what.join("；"));
    }
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

/// What `gridlog` prints before the TUI exists: the work that is due, per ledger.
pub fn overview(app: &App) -> Result<(), AppError> {
    let lang = app.lang();
    let Some(id) = app.identity() else {
        return Err(AppError::NotInitialised);
    };
    println!("{}", tr(lang, "cli.overview_title", &[&id.place, &id.worker, &app.today().to_string()]));
    for kind in [Kind::Demand, Kind::Dispute, Kind::Hazard] {
        let overdue = app.list(&ListQuery { kind: Some(kind), overdue: true, limit: 5, ..Default::default() })?;
        println!("{}", tr(lang, "cli.overview_overdue", &[kind.label(lang), &overdue.len().to_string()]));
        table(&overdue, lang);
    }
    println!("{}", tr(lang, "cli.overview_hint", &[]));
    Ok(())
}
