//! `gridlog villages` and `gridlog inbox`: the township's (or county's) rows per village and
//! its escalation inbox (docs/ARCHITECTURE.md, "Township"), for people and as JSON.

use serde_json::{Value, json};

use super::output;
use crate::app::present::{civil_ms, pad, width};
use crate::app::{App, AppError, InboxItem, InboxReason, VillageRow};
use crate::i18n::{Lang, tr};

fn day_of(ms: Option<u64>) -> Value {
    ms.map_or(Value::Null, |ms| json!(crate::domain::Day::from_unix_ms(ms).to_string()))
}

/// A village row as JSON (`gridlog villages --json`); a county's (a township and its newest
/// statistics file) also names the villages it reports and the day its figures are as of.
pub fn village_json(r: &VillageRow, county: bool) -> Value {
    let mut v = json!({
        "division": r.division, "place": r.place, "records": r.records, "overdue": r.overdue,
        "escalations_waiting": r.waiting, "extension_requests": r.extension_requests,
        "last_bundle_on": day_of(r.last_bundle_ms), "last_import_on": day_of(r.last_import_ms),
        "last_bundle_ms": r.last_bundle_ms, "silent": r.silent,
    });
    if county {
        v["villages"] = json!(r.villages);
        v["as_of"] = json!(r.as_of.map(|d| d.to_string()));
    }
    v
}

/// An inbox row as JSON (`gridlog inbox --json`).
pub fn inbox_json(i: &InboxItem) -> Value {
    let reason = serde_json::to_value(i.reason).unwrap_or_default();
    json!({
        "id": i.id.to_string(), "kind": i.kind.name(), "reason": reason, "division": i.division,
        "place": i.place, "title": i.title, "since": i.since.to_string(), "waited_days": i.waited_days,
        "due_on": i.due.map(|d| d.to_string()), "requested_due_on": i.requested.map(|d| d.to_string()),
    })
}

/// `gridlog villages [--json]`.
pub fn villages(app: &App, as_json: bool) -> Result<(), AppError> {
    let rows = app.villages()?;
    let county = app.is_county();
    if as_json {
        return output::json(&Value::Array(rows.iter().map(|r| village_json(r, county)).collect()));
    }
    village_table(&rows, county, app.lang())
}

/// `gridlog` piped, in a township or county store: what its 首页 shows. A township: its rows per
/// village, the oldest of its inbox and the records it has put under 督办 that wait for the
/// village's answer; a county: its townships.
pub fn overview(app: &App) -> Result<(), AppError> {
    let lang = app.lang();
    output::overview_title(app)?;
    let county = app.is_county();
    let (rows, inbox) = app.township_home()?;
    village_table(&rows, county, lang)?;
    if county {
        return output::line(&tr(lang, "county.overview_hint", &[]));
    }
    let listed = inbox.len().min(OVERVIEW_ROWS);
    output::line(&tr(lang, "town.overview_inbox", &[&inbox.len().to_string(), &listed.to_string()]))?;
    inbox_rows(&inbox[..listed], lang)?;
    let supervised = app.supervisions_waiting()?;
    if !supervised.is_empty() {
        output::line(&tr(lang, "town.overview_supervised", &[&supervised.len().to_string()]))?;
        let rows =
            supervised.iter().take(OVERVIEW_ROWS).map(|id| app.view(*id)).collect::<Result<Vec<_>, AppError>>()?;
        output::table(&rows, lang)?;
    }
    output::line(&tr(lang, "town.overview_hint", &[]))
}

/// Inbox rows the piped overview lists.
const OVERVIEW_ROWS: usize = 5;

fn village_table(rows: &[VillageRow], county: bool, lang: Lang) -> Result<(), AppError> {
    if county {
        return townships(rows, lang);
    }
    if rows.is_empty() {
        return output::line(&tr(lang, "town.villages.none", &[]));
    }
    let col = |key: &str, w: usize| {
        let t = tr(lang, key, &[]);
        format!("{}{t}", " ".repeat(w.saturating_sub(width(&t))))
    };
    output::line(&tr(
        lang,
        "town.villages.row",
        &[
            &pad(&tr(lang, "town.col.place", &[]), 14),
            &col("town.col.records", 7),
            &col("town.col.overdue", 6),
            &col("town.col.waiting", 6),
            &col("town.col.extensions", 5),
            &tr(lang, "town.col.last", &[]),
            "",
        ],
    ))?;
    for r in rows {
        let last = match r.last_bundle_ms {
            Some(ms) => civil_ms(ms),
            None => tr(lang, "town.never", &[]),
        };
        let silent = if r.silent { tr(lang, "town.silent", &[]) } else { String::new() };
        output::line(&tr(
            lang,
            "town.villages.row",
            &[
                &pad(&place(r, lang), 14),
                &format!("{:>7}", r.records),
                &format!("{:>6}", r.overdue),
                &format!("{:>6}", r.waiting),
                &format!("{:>5}", r.extension_requests),
                &last,
                &silent,
            ],
        ))?;
    }
    Ok(())
}

/// A county's rows: each township, the villages its statistics files report, the day their
/// figures are as of, and when its newest file was written.
fn townships(rows: &[VillageRow], lang: Lang) -> Result<(), AppError> {
    if rows.is_empty() {
        return output::line(&tr(lang, "county.townships.none", &[]));
    }
    let col = |key: &str, w: usize| {
        let t = tr(lang, key, &[]);
        format!("{}{t}", " ".repeat(w.saturating_sub(width(&t))))
    };
    let header = [
        pad(&tr(lang, "county.col.township", &[]), 14),
        col("county.col.villages", 8),
        pad(&tr(lang, "county.col.as_of", &[]), 10),
        tr(lang, "county.col.last", &[]),
    ];
    output::line(&header.join("  "))?;
    for r in rows {
        let last = r.last_bundle_ms.map_or_else(|| tr(lang, "county.never", &[]), civil_ms);
        let as_of = r.as_of.map(|d| d.to_string()).unwrap_or_default();
        let silent = if r.silent { tr(lang, "town.silent", &[]) } else { String::new() };
        let cells = [pad(&place(r, lang), 14), format!("{:>8}", r.villages), pad(&as_of, 10), last + &silent];
        output::line(cells.join("  ").trim_end())?;
    }
    Ok(())
}

fn place(r: &VillageRow, lang: Lang) -> String {
    if r.place.is_empty() { tr(lang, "town.unnamed", &[&r.division]) } else { r.place.clone() }
}

/// `gridlog inbox [--json]`.
pub fn inbox(app: &App, as_json: bool) -> Result<(), AppError> {
    let lang = app.lang();
    let items = app.inbox()?;
    if as_json {
        return output::json(&Value::Array(items.iter().map(inbox_json).collect()));
    }
    if app.is_county() {
        // escalations stay with the townships: a county store holds figures only
        return output::line(&tr(lang, "county.no_inbox", &[]));
    }
    inbox_rows(&items, lang)
}

fn inbox_rows(items: &[InboxItem], lang: Lang) -> Result<(), AppError> {
    if items.is_empty() {
        return output::line(&tr(lang, "town.inbox.none", &[]));
    }
    let rw = InboxReason::ALL.iter().map(|r| width(&tr(lang, r.key(), &[]))).max().unwrap_or(8);
    for i in items {
        let place = if i.place.is_empty() { i.division.clone() } else { i.place.clone() };
        output::line(&tr(
            lang,
            "town.inbox.row",
            &[
                &i.waited_days.to_string(),
                &pad(&tr(lang, i.reason.key(), &[]), rw),
                &pad(&place, 10),
                &i.id.to_string(),
                &i.title,
            ],
        ))?;
    }
    Ok(())
}
