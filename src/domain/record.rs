//! What validation works on: the current state of a record, and what it needs to know of the
//! world (today, the worker, the records that values refer to).

use std::collections::BTreeMap;

use super::day::Day;
use super::value::{EntityId, Kind, Value};
use crate::i18n::Lang;

/// Looks up records that a new value refers to (implemented by the store-backed app).
pub trait Refs {
    /// The kind of record `id`, or `None` when there is no such record.
    fn kind_of(&self, id: EntityId) -> Option<Kind>;
}

/// No records at all (for tests and for values that hold no references).
pub struct NoRefs;
impl Refs for NoRefs {
    fn kind_of(&self, _: EntityId) -> Option<Kind> {
        None
    }
}

/// What validation needs to know of the world: today, who is working, and the records.
pub struct Ctx<'a> {
    /// Today's date (civil time).
    pub today: Day,
    /// The worker entering the data (defaults of visitor, mediator, inspector …).
    pub worker: &'a str,
    /// The store's grid (default of a household's grid).
    pub grid: &'a str,
    /// Existing records, for references.
    pub refs: &'a dyn Refs,
    /// The user's language. Validation itself builds no text (problems are data, rendered
    /// by [`super::message`]); the field travels with the context for the callers.
    pub lang: Lang,
}

/// The current state of one record: its scalar fields and its append-only sets
/// (sessions, follow-ups, reviews, replies, notes …), as the event fold produced it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RecordState {
    /// Scalar fields by name (includes `status`).
    pub fields: BTreeMap<String, Value>,
    /// Append-only sets by name, oldest first.
    pub sets: BTreeMap<String, Vec<Value>>,
}

impl RecordState {
    /// How a record of `kind` is named in a list: the first line of its name, address,
    /// content, claims, description or notes (the first that is set); a visit without notes by
    /// its day.
    pub fn title(&self, kind: Kind) -> String {
        let pick = ["name", "address", "content", "claims", "description", "notes"]
            .iter()
            .find_map(|f| self.text(f))
            .unwrap_or("");
        let first = pick.lines().next().unwrap_or("");
        if first.is_empty() && kind == Kind::Visit {
            return self.day("date").map(|d| d.to_string()).unwrap_or_default();
        }
        first.to_string()
    }

    /// A field's value.
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.fields.get(field).filter(|v| !v.is_null())
    }
    /// A text (or code) field.
    pub fn text(&self, field: &str) -> Option<&str> {
        self.get(field).and_then(Value::as_text)
    }
    /// A date field.
    pub fn day(&self, field: &str) -> Option<Day> {
        self.get(field).and_then(Value::as_day)
    }
    /// The status code.
    pub fn status(&self) -> &str {
        self.text("status").unwrap_or("")
    }
    /// The items of a set (empty when none).
    pub fn set(&self, name: &str) -> &[Value] {
        self.sets.get(name).map(Vec::as_slice).unwrap_or(&[])
    }
}
