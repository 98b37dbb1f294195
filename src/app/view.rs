//! A record as lists and `show` present it: fields plus derived state, masked by default.

use serde_json::{Map, Value as J};

use super::present::{hlc_time, mask};
use crate::domain::lifecycle::{DueState, due_on, due_state, find_action, is_overdue, statuses_of};
use crate::domain::{Day, EntityId, Kind, Value};
use crate::events::{Entity, Stamp};
use crate::i18n::{Lang, tr};

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
        if !e.decisions.is_empty() {
            // docs/ARCHITECTURE.md, "Concurrent status changes": both sides, nothing lost
            let side = |s: &crate::events::Side| serde_json::json!({"action": s.action, "status": s.status, "worker": s.worker, "at": hlc_time(s.stamp.hlc)});
            let d = e
                .decisions
                .iter()
                .map(|d| {
                    let held: Map<String, J> =
                        d.held_set.iter().map(|(k, v)| (k.clone(), mask(k, v, reveal))).collect();
                    serde_json::json!({"kept": side(&d.kept), "held": side(&d.held), "held_fields": held})
                })
                .collect();
            m.insert("needs_decision".into(), J::Array(d));
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

    /// The record's pending decisions in words, for its timeline (docs/ARCHITECTURE.md,
    /// "Concurrent status changes"): one line per decision naming both changes (when, who,
    /// which action, which status), then how to settle it. Empty when none is pending.
    pub fn decision_lines(&self, lang: Lang) -> Vec<String> {
        let e = &self.entity;
        if e.decisions.is_empty() {
            return Vec::new();
        }
        let status = |s: &str| statuses_of(e.kind).label(s, lang);
        let action = |a: &str| match a {
            "create" => tr(lang, "cli.created", &[]),
            _ => find_action(e.kind, a).map(|s| lang.pick(s.zh, s.en).to_string()).unwrap_or_else(|| a.to_string()),
        };
        let time = |s: Stamp| {
            let t = hlc_time(s.hlc);
            t.get(..16).unwrap_or(&t).replace('T', " ")
        };
        let mut out: Vec<String> = e
            .decisions
            .iter()
            .map(|d| {
                let (k, h) = (&d.kept, &d.held);
                let args = [time(k.stamp), k.worker.clone(), action(&k.action), status(&k.status)];
                let held = [time(h.stamp), h.worker.clone(), action(&h.action), status(&h.status)];
                let all: Vec<&str> = args.iter().chain(held.iter()).map(String::as_str).collect();
                tr(lang, "decision.line", &all)
            })
            .collect();
        let choices: Vec<String> = super::decision_choices(e).iter().map(|c| format!("{c} {}", status(c))).collect();
        out.push(tr(lang, "decision.how", &[&e.id.to_string(), &choices.join(" / ")]));
        out
    }

    /// Whether the history entry stamped `stamp` is a change held back for a decision.
    pub fn is_held(&self, stamp: Stamp) -> bool {
        self.entity.decisions.iter().any(|d| d.held.stamp == stamp)
    }

    /// A short title for lists: the name, address, content or description.
    pub fn title(&self) -> String {
        self.entity.state.title(self.entity.kind)
    }
}
