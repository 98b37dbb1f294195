//! A record as lists and `show` present it: fields plus derived state, masked by default.

use serde_json::{Map, Value as J};

use crate::domain::check::{mask_id_number, mask_phone};
use crate::domain::day::civil_offset;
use crate::domain::lifecycle::{due_on, is_overdue};
use crate::domain::{Day, Value};
use crate::events::{Entity, Hlc};

/// Fields that hold personal numbers, masked unless `--reveal`.
const ID_FIELDS: &[&str] = &["id_number"];
const PHONE_FIELDS: &[&str] = &["phone", "responsible_phone"];

/// A record with what is derived from it today.
#[derive(Clone, Debug)]
pub struct RecordView {
    /// The folded record.
    pub entity: Entity,
    /// Past its due date and not done.
    pub overdue: bool,
    /// When its next step is due (while open).
    pub due: Option<Day>,
}

/// RFC 3339 time of a clock reading, in civil time (UTC+8).
pub fn hlc_time(h: Hlc) -> String {
    chrono::DateTime::from_timestamp_millis(h.ms as i64)
        .map(|t| t.with_timezone(&civil_offset()).to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// The JSON form of a field value, with ID numbers and phones masked unless `reveal`.
pub fn mask(field: &str, v: &Value, reveal: bool) -> J {
    match (v, reveal) {
        (Value::Text(s), false) if ID_FIELDS.contains(&field) => J::String(mask_id_number(s)),
        (Value::Text(s), false) if PHONE_FIELDS.contains(&field) => J::String(mask_phone(s)),
        (Value::Map(m), false) => J::Object(m.iter().map(|(k, v)| (k.clone(), mask(k, v, false))).collect()),
        (Value::List(l), false) => J::Array(l.iter().map(|x| mask(field, x, false)).collect()),
        _ => v.to_json(),
    }
}

impl RecordView {
    /// Derives today's view of `entity`.
    pub fn new(entity: Entity, today: Day) -> RecordView {
        let overdue = is_overdue(entity.kind, &entity.state, today);
        let due = due_on(entity.kind, &entity.state);
        RecordView { entity, overdue, due }
    }

    /// The JSON form (DESIGN §2 names); ID numbers and phones masked unless `reveal`.
    pub fn to_json(&self, reveal: bool) -> J {
        let e = &self.entity;
        let mut m = Map::new();
        m.insert("id".into(), J::String(e.id.to_string()));
        m.insert("kind".into(), J::String(e.kind.name().into()));
        m.insert("status".into(), J::String(e.state.status().into()));
        m.insert("overdue".into(), J::Bool(self.overdue));
        for (k, v) in &e.state.fields {
            if k != "status" {
                m.insert(k.clone(), mask(k, v, reveal));
            }
        }
        for (k, items) in &e.state.sets {
            m.insert(k.clone(), J::Array(items.iter().map(|v| mask(k, v, reveal)).collect()));
        }
        if let Some(d) = self.due {
            m.insert("next_due_on".into(), J::String(d.to_string()));
        }
        if !e.conflicts.is_empty() {
            let c = e
                .conflicts
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "field": c.field,
                        "kept": mask(&c.field, &c.kept, reveal),
                        "lost": mask(&c.field, &c.lost, reveal),
                        "lost_at": hlc_time(c.lost_stamp.hlc),
                    })
                })
                .collect();
            m.insert("conflicts".into(), J::Array(c));
        }
        m.insert("created_at".into(), J::String(hlc_time(e.created)));
        m.insert("updated_at".into(), J::String(hlc_time(e.updated)));
        m.insert("created_by".into(), J::String(e.created_by.clone()));
        J::Object(m)
    }

    /// A short title for lists: the name, address, content or description.
    pub fn title(&self) -> String {
        let s = &self.entity.state;
        let pick = ["name", "address", "content", "claims", "description", "notes"]
            .iter()
            .find_map(|f| s.text(f))
            .unwrap_or("");
        pick.lines().next().unwrap_or("").to_string()
    }
}

/// Whether a record contains `needle`: in any text (case-insensitive), or as the last digits of
/// an ID number or phone.
pub fn matches_text(e: &Entity, needle: &str) -> bool {
    let needle_l = needle.to_lowercase();
    let digits = needle.len() >= 4 && needle.chars().all(|c| c.is_ascii_digit() || c == 'X' || c == 'x');
    fn walk(v: &Value, f: &mut dyn FnMut(&str) -> bool) -> bool {
        match v {
            Value::Text(s) => f(s),
            Value::List(l) => l.iter().any(|x| walk(x, f)),
            Value::Map(m) => m.iter().any(|(_, x)| walk(x, f)),
            _ => false,
        }
    }
    let s = &e.state;
    if digits {
        for f in ID_FIELDS.iter().chain(PHONE_FIELDS) {
            if s.text(f).is_some_and(|v| v.to_lowercase().ends_with(&needle_l)) {
                return true;
            }
        }
    }
    let mut hit = |t: &str| t.to_lowercase().contains(&needle_l);
    s.fields
        .iter()
        .any(|(k, v)| !ID_FIELDS.contains(&k.as_str()) && !PHONE_FIELDS.contains(&k.as_str()) && walk(v, &mut hit))
        || s.sets.values().flatten().any(|v| walk(v, &mut hit))
}
