//! A record as lists and `show` present it: fields plus derived state, masked by default.

use serde_json::{Map, Value as J};

use super::present::{hlc_time, mask};
use crate::domain::lifecycle::{DueState, due_on, due_state, is_overdue};
use crate::domain::{Day, EntityId, Kind, Value};
use crate::events::Entity;

/// A record with what is derived from it today.
#[derive(Clone, Debug)]
pub struct RecordView {
    /// The folded record.
    pub entity: Entity,
    /// Past its due date and not done.
    pub overdue: bool,
    /// When its next step is due (while open).
    pub due: Option<Day>,
    /// How close that is today (soon / today / overdue), for colouring rows.
    pub due_state: DueState,
}

impl RecordView {
    /// Derives today's view of `entity`.
    pub fn new(entity: Entity, today: Day) -> RecordView {
        let overdue = is_overdue(entity.kind, &entity.state, today);
        let due = due_on(entity.kind, &entity.state);
        let due_state = due_state(entity.kind, &entity.state, today);
        RecordView { entity, overdue, due, due_state }
    }

    /// The JSON form (field names as in docs/SCHEMA.md); ID numbers and phones masked unless `reveal`.
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
        if e.kind == Kind::Visit {
            m.insert("raised".into(), J::Array(self.raised().iter().map(|id| J::String(id.to_string())).collect()));
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

    /// What a visit raised, as far as the record itself says: the records in its `links`
    /// (raising from a visit writes them there: `app/raise.rs`). `App::raised` also finds
    /// records that name the visit without being linked from it.
    pub fn raised(&self) -> Vec<EntityId> {
        match self.entity.state.get("links") {
            Some(Value::List(l)) => l
                .iter()
                .filter_map(|x| match x {
                    Value::Ref(id) => Some(*id),
                    _ => None,
                })
                .collect(),
            _ => vec![],
        }
    }

    /// A short title for lists: the name, address, content or description.
    pub fn title(&self) -> String {
        self.entity.state.title(self.entity.kind)
    }
}
