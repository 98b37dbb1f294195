//! `gridlog export-table`: one ledger as a flat table for an analytics engine (DuckDB,
//! ClickHouse) when a city looks across counties: one row per record, stable column names
//! (docs/SCHEMA.md, "Table export"), codes as codes, dates ISO, personal numbers masked unless
//! revealed. It streams: the store is walked a block at a time (`Store::scan`, as `doctor`
//! does) and each row is written as soon as its record is folded, so memory does not grow
//! with the store.
//!
//! A reveal (personal numbers shown whole) is recorded before anything is written: one line
//! in `reveals.jsonl` beside the database ([`App::record_reveal`]).

use std::io::Write;

use serde::{Deserialize, Serialize};

use super::present::{hlc_time, masked};
use super::{App, AppError, RecordView};
use crate::domain::codes::Tag;
use crate::domain::merged::is_hidden;
use crate::domain::{DeviceId, EntityId, Kind, RecordState, Value};
use crate::events::fold;

/// The two table formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated, UTF-8 with a byte-order mark (Excel and WPS read Chinese then).
    Csv,
}

impl TableFormat {
    /// `jsonl` or `csv`.
    pub fn name(self) -> &'static str {
        match self {
            TableFormat::Jsonl => "jsonl",
            TableFormat::Csv => "csv",
        }
    }
}

/// What to export.
#[derive(Clone, Debug)]
pub struct TableSpec {
    /// The ledger.
    pub kind: Kind,
    /// The format.
    pub format: TableFormat,
    /// ID numbers, phones and sensitive tags shown whole (recorded in `reveals.jsonl`).
    pub reveal: bool,
    /// Only records created in this place or under it (a division code, a place name or a
    /// signer's fingerprint, as `export --for` takes).
    pub place: Option<String>,
    /// Where the rows go, for the reveal record (a file name, or empty for standard output).
    pub dest: String,
}

/// What an export wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableReport {
    /// Rows written (records).
    pub rows: u64,
}

/// One reveal: who showed personal numbers whole, when, and in what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reveal {
    /// RFC 3339, civil time (UTC+8).
    pub at: String,
    /// The store's worker.
    pub worker: String,
    /// The store's device.
    pub device: String,
    /// What was shown, e.g. `export-table person --format csv → people.csv`.
    pub what: String,
}

/// The file beside the database that lists reveals, one JSON object a line, only appended to.
pub const REVEALS_FILE: &str = "reveals.jsonl";

/// Where a column's value comes from in a record's state.
#[derive(Clone, Copy, Debug)]
enum Src {
    /// A scalar field.
    Field(&'static str),
    /// A key of a field that holds a small object (an agreement, a rectification plan).
    Sub(&'static str, &'static str),
    /// How many items a list field or a set holds.
    Count(&'static str),
    /// A key of the latest item of a set (the latest review's result).
    Last(&'static str, &'static str),
    /// A flag that is absent until set: `false` rather than empty.
    Flag(&'static str),
    /// A person's tag codes as a JSON array (sensitive ones only when revealed).
    Tags,
    /// Only when revealed (a sensitive tag's basis names it).
    RevealedOnly(&'static str),
}

/// A column: its stable name and its source.
type Col = (&'static str, Src);

use Src::*;

const HOUSEHOLD: &[Col] = &[("address", Field("address")), ("grid", Field("grid")), ("head", Field("head"))];

const PERSON: &[Col] = &[
    ("name", Field("name")),
    ("gender", Field("gender")),
    ("id_number", Field("id_number")),
    ("phone", Field("phone")),
    ("household", Field("household")),
    ("tags", Tags),
    ("tag_basis", RevealedOnly("tag_basis")),
];

const VISIT: &[Col] = &[
    ("date", Field("date")),
    ("visitor", Field("visitor")),
    ("household", Field("household")),
    ("type", Field("type")),
    ("met_count", Count("met")),
    ("links_count", Count("links")),
    ("notes", Field("notes")),
];

const DEMAND: &[Col] = &[
    ("received_on", Field("received_on")),
    ("channel", Field("channel")),
    ("requester", Field("requester")),
    ("demand_kind", Field("demand_kind")),
    ("domain", Field("domain")),
    ("content", Field("content")),
    ("urgent", Field("urgent")),
    ("visit", Field("visit")),
    ("level", Field("level")),
    ("due_on", Field("due_on")),
    ("assignee", Sub("assignment", "assignee")),
    ("reply", Field("reply")),
    ("replied_on", Field("replied_on")),
    ("result", Field("result")),
    ("replies_count", Count("replies")),
    ("followups_count", Count("followups")),
    ("satisfaction", Field("satisfaction")),
    ("escalations_count", Count("escalations")),
    ("reopenings_count", Count("reopenings")),
    ("closed_on", Field("closed_on")),
];

const DISPUTE: &[Col] = &[
    ("received_on", Field("received_on")),
    ("source", Field("source")),
    ("category", Field("category")),
    ("risk", Field("risk")),
    ("parties_count", Count("parties")),
    ("facts", Field("facts")),
    ("claims", Field("claims")),
    ("mediators_count", Count("mediators")),
    ("sessions_count", Count("sessions")),
    ("outcome", Field("outcome")),
    ("agreement_form", Sub("agreement", "form")),
    ("agreement_terms", Sub("agreement", "terms")),
    ("amount_fen", Sub("agreement", "amount_fen")),
    ("effective_on", Sub("agreement", "effective_on")),
    ("performance_deadline", Sub("agreement", "performance_deadline")),
    ("performance", Field("performance")),
    ("judicial_applied_on", Sub("judicial_confirmation", "applied_on")),
    ("referred_to", Sub("referral", "to")),
    ("followups_count", Count("followups")),
    ("satisfaction", Last("followups", "satisfaction")),
    ("escalations_count", Count("escalations")),
    ("closed_on", Field("closed_on")),
];

const HAZARD: &[Col] = &[
    ("found_on", Field("found_on")),
    ("inspector", Field("inspector")),
    ("location", Field("location")),
    ("owner", Field("owner")),
    ("category", Field("category")),
    ("description", Field("description")),
    ("grade", Field("grade")),
    ("house_rating", Field("house_rating")),
    ("measures", Sub("rectification", "measures")),
    ("responsible", Sub("rectification", "responsible")),
    ("responsible_phone", Sub("rectification", "responsible_phone")),
    ("rectify_deadline", Sub("rectification", "deadline")),
    ("interim_control", Sub("rectification", "interim_control")),
    ("completed_on", Sub("completion", "date")),
    ("reviews_count", Count("reviews")),
    ("review_result", Last("reviews", "result")),
    ("escalated", Flag("escalated")),
    ("escalations_count", Count("escalations")),
    ("closed_on", Field("closed_on")),
];

/// Columns every ledger's table ends with.
const TAIL: [&str; 8] =
    ["status", "next_due_on", "overdue", "needs_decision", "notes_count", "created_at", "updated_at", "created_by"];

fn own_columns(kind: Kind) -> &'static [Col] {
    match kind {
        Kind::Household => HOUSEHOLD,
        Kind::Person => PERSON,
        Kind::Visit => VISIT,
        Kind::Demand => DEMAND,
        Kind::Dispute => DISPUTE,
        Kind::Hazard => HAZARD,
    }
}

/// The column names of `kind`'s table, in order: `id`, `place`, the ledger's own columns, then
/// `status`, `next_due_on`, `overdue`, `needs_decision`, `notes_count`, `created_at`,
/// `updated_at`, `created_by` (docs/SCHEMA.md, "Table export").
pub fn table_columns(kind: Kind) -> Vec<&'static str> {
    let mut out = vec!["id", "place"];
    out.extend(own_columns(kind).iter().map(|(name, _)| *name));
    out.extend(TAIL);
    out
}

/// One cell: JSON keeps its type, CSV writes it as text (null: empty).
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Null,
    Bool(bool),
    Int(i64),
    Text(String),
}

impl Cell {
    /// A stored value as a cell: dates ISO, references as ids, codes as codes; ID numbers and
    /// phones (by `field`, the presenter's one rule) masked unless `reveal`.
    fn of(field: &str, v: Option<&Value>, reveal: bool) -> Cell {
        match v {
            None | Some(Value::Null) => Cell::Null,
            Some(Value::Bool(b)) => Cell::Bool(*b),
            Some(Value::Int(i)) => Cell::Int(*i),
            Some(Value::Text(s)) => Cell::Text(masked(field, s, reveal).into_owned()),
            Some(Value::Date(d)) => Cell::Text(d.to_string()),
            Some(Value::Ref(id)) => Cell::Text(id.to_string()),
            // a list or object where a scalar was expected: its JSON, masked like any value
            Some(other) => Cell::Text(super::present::mask(field, other, reveal).to_string()),
        }
    }

    fn csv(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Bool(b) => b.to_string(),
            Cell::Int(i) => i.to_string(),
            Cell::Text(s) => s.clone(),
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Cell::Null => serde_json::Value::Null,
            Cell::Bool(b) => (*b).into(),
            Cell::Int(i) => (*i).into(),
            Cell::Text(s) => s.clone().into(),
        }
    }
}

fn cell(state: &RecordState, src: Src, reveal: bool) -> Cell {
    match src {
        Field(f) => Cell::of(f, state.get(f), reveal),
        Sub(f, key) => Cell::of(key, state.get(f).and_then(|m| m.get(key)), reveal),
        Count(f) => {
            let n = match state.get(f) {
                Some(Value::List(l)) => l.len(),
                _ => state.set(f).len(),
            };
            Cell::Int(n as i64)
        }
        Flag(f) => Cell::Bool(matches!(state.get(f), Some(Value::Bool(true)))),
        Last(set, key) => Cell::of(key, state.set(set).last().and_then(|m| m.get(key)), reveal),
        Tags => {
            let codes: Vec<&str> = match state.get("tags") {
                Some(Value::List(l)) => l
                    .iter()
                    .filter_map(Value::as_text)
                    .filter(|c| reveal || !Tag::from_code(c).is_some_and(Tag::is_sensitive))
                    .collect(),
                _ => vec![],
            };
            Cell::Text(serde_json::to_string(&codes).unwrap_or_default())
        }
        RevealedOnly(f) if reveal => Cell::of(f, state.get(f), reveal),
        RevealedOnly(_) => Cell::Null,
    }
}

/// The cells of one record's row, in [`table_columns`] order.
fn row(view: &RecordView, place: &str, reveal: bool) -> Vec<Cell> {
    let e = &view.entity;
    let text = |s: String| Cell::Text(s);
    let mut out = vec![text(e.id.to_string()), text(place.to_string())];
    out.extend(own_columns(e.kind).iter().map(|(_, src)| cell(&e.state, *src, reveal)));
    out.extend([
        text(e.state.status().to_string()),
        view.due.map(|d| text(d.to_string())).unwrap_or(Cell::Null),
        Cell::Bool(view.overdue),
        Cell::Bool(!e.decisions.is_empty()),
        Cell::Int(e.state.set("notes").len() as i64),
        text(hlc_time(e.created)),
        text(hlc_time(e.updated)),
        text(e.created_by.clone()),
    ]);
    out
}

/// Writes rows in one format.
enum Sink<'a> {
    Jsonl(&'a mut dyn Write),
    Csv(Box<csv::Writer<&'a mut dyn Write>>),
}

impl<'a> Sink<'a> {
    fn new(format: TableFormat, out: &'a mut dyn Write, columns: &[&str]) -> std::io::Result<Sink<'a>> {
        Ok(match format {
            TableFormat::Jsonl => Sink::Jsonl(out),
            TableFormat::Csv => {
                // the byte-order mark: without it Excel and WPS read UTF-8 as GBK
                out.write_all("\u{feff}".as_bytes())?;
                let mut w = csv::Writer::from_writer(out);
                w.write_record(columns)?;
                Sink::Csv(Box::new(w))
            }
        })
    }

    fn write(&mut self, columns: &[&str], cells: &[Cell]) -> std::io::Result<()> {
        match self {
            Sink::Jsonl(out) => {
                // written by hand so that the keys keep the table's column order
                out.write_all(b"{")?;
                for (i, (c, v)) in columns.iter().zip(cells).enumerate() {
                    if i > 0 {
                        out.write_all(b",")?;
                    }
                    serde_json::to_writer(&mut *out, c)?;
                    out.write_all(b":")?;
                    serde_json::to_writer(&mut *out, &v.json())?;
                }
                out.write_all(b"}\n")
            }
            Sink::Csv(w) => Ok(w.write_record(cells.iter().map(Cell::csv))?),
        }
    }

    fn finish(self) -> std::io::Result<()> {
        match self {
            Sink::Jsonl(out) => out.flush(),
            Sink::Csv(mut w) => w.flush(),
        }
    }
}

impl App {
    /// Streams the table of `spec.kind` to `out` (see the module's documentation). `progress`
    /// is told the blocks read so far (about [`App::estimated_blocks`] in all); returning false
    /// stops with [`AppError::Cancelled`]. With `spec.reveal` the reveal is recorded first.
    /// Merged persons are left out, as lists leave them out.
    pub fn export_table(
        &self,
        spec: &TableSpec,
        out: &mut dyn Write,
        progress: &dyn Fn(u64) -> bool,
    ) -> Result<TableReport, AppError> {
        let place = match &spec.place {
            Some(p) => Some(self.resolve_place(p)?),
            None => None,
        };
        if spec.reveal {
            let dest = if spec.dest.is_empty() { "-" } else { spec.dest.as_str() };
            let scope = place.as_deref().map(|p| format!(" --place {p}")).unwrap_or_default();
            self.record_reveal(&format!(
                "export-table {} --format {}{scope} → {dest}",
                spec.kind.name(),
                spec.format.name()
            ))?;
        }
        let places = self.store.places()?;
        let place_of = |d: DeviceId| places.get(&d).map(String::as_str).unwrap_or("");
        let columns = table_columns(spec.kind);
        let io = |e: std::io::Error| AppError::Other(e.to_string());
        let mut sink = Sink::new(spec.format, out, &columns).map_err(io)?;
        let today = self.today();
        let mut report = TableReport::default();
        for (blocks, scanned) in self.store.scan().enumerate() {
            let b = scanned?;
            if !progress(blocks as u64) {
                return Err(AppError::Cancelled);
            }
            let creator = place_of(b.device);
            if place.as_deref().is_some_and(|p| !crate::domain::check::division_covers(p, creator)) {
                continue;
            }
            for (n, events) in b.records {
                // the summary says the kind without a fold; a merged person is skipped
                if !b.summaries.iter().any(|s| s.n == n && s.kind == spec.kind && !s.merged) {
                    continue;
                }
                let id = EntityId { device: b.device, n };
                let Some(entity) = fold(id, &events) else { continue };
                if entity.kind != spec.kind || is_hidden(id, &entity.state) {
                    continue;
                }
                let view = RecordView::new(entity, today);
                sink.write(&columns, &row(&view, creator, spec.reveal)).map_err(io)?;
                report.rows += 1;
            }
        }
        sink.finish().map_err(io)?;
        Ok(report)
    }

    /// Records that personal numbers were shown whole (`what`: the command and where they
    /// went): one line appended to `reveals.jsonl` beside the database and synced to disk
    /// before the caller shows anything, so a reveal is never missing from the list.
    pub fn record_reveal(&self, what: &str) -> Result<(), AppError> {
        let me = self.require_identity()?;
        let entry = Reveal {
            at: hlc_time(crate::events::Hlc { ms: (self.now_ms)(), count: 0 }),
            worker: me.worker.clone(),
            device: me.device.to_string(),
            what: what.to_string(),
        };
        let path = self.store.dir().join(REVEALS_FILE);
        let io = |e: std::io::Error| AppError::Other(format!("{}: {e}", path.display()));
        let mut line = serde_json::to_vec(&entry).map_err(|e| AppError::Other(e.to_string()))?;
        line.push(b'\n');
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&path).map_err(io)?;
        f.write_all(&line).map_err(io)?;
        f.sync_all().map_err(io)
    }

    /// The reveals recorded in this store, oldest first (a line that does not parse is skipped).
    pub fn reveals(&self) -> Result<Vec<Reveal>, AppError> {
        let path = self.store.dir().join(REVEALS_FILE);
        match std::fs::read_to_string(&path) {
            Ok(s) => Ok(s.lines().filter_map(|l| serde_json::from_str(l).ok()).collect()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(vec![]),
            Err(e) => Err(AppError::Other(format!("{}: {e}", path.display()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ledger_has_unique_column_names_starting_with_id_and_place() {
        for kind in Kind::ALL {
            let cols = table_columns(kind);
            assert_eq!(&cols[..2], &["id", "place"], "{kind:?}");
            let mut sorted = cols.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), cols.len(), "{kind:?} repeats a column name");
        }
    }

    #[test]
    fn a_sensitive_tag_and_its_basis_stay_out_unless_revealed() {
        let mut s = RecordState::default();
        s.fields.insert("tags".into(), Value::List(vec![Value::Text("DIBAO".into()), Value::Text("SMI".into())]));
        s.fields.insert("tag_basis".into(), Value::Text("医院诊断".into()));
        assert_eq!(cell(&s, Tags, false), Cell::Text(r#"["DIBAO"]"#.into()));
        assert_eq!(cell(&s, Tags, true), Cell::Text(r#"["DIBAO","SMI"]"#.into()));
        assert_eq!(cell(&s, RevealedOnly("tag_basis"), false), Cell::Null);
        assert_eq!(cell(&s, RevealedOnly("tag_basis"), true), Cell::Text("医院诊断".into()));
    }
}
