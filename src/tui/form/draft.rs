//! Drafts: a form as JSON, saved as it is typed, and the form built again from it after a
//! crash, a kill or a lost connection.

use serde_json::{Value as J, json};

use super::{Form, Input, Target, text_area};
use crate::domain::{EntityId, Kind};

impl Form {
    /// A draft: enough to rebuild the form after a crash.
    pub fn to_draft(&self) -> J {
        let target = match &self.target {
            Target::Create(k) => json!({"create": k.name()}),
            Target::Action { id, kind, action } => json!({"id": id.to_string(), "kind": kind.name(), "action": action}),
            Target::Setup => json!({"setup": true}),
            Target::Raise { kind, visit } => json!({"raise": kind.name(), "visit": visit.to_string()}),
        };
        let values: serde_json::Map<String, J> = self
            .fields
            .iter()
            .map(|f| {
                let v = match &f.input {
                    Input::Text { .. } => J::String(f.input.text()),
                    Input::Choice { selected, .. } => selected.map(J::from).unwrap_or(J::Null),
                    Input::Multi { chosen, .. } => J::Array(chosen.iter().map(|c| J::Bool(*c)).collect()),
                    Input::Flag(b) => J::Bool(*b),
                    Input::Refs { picked, query, .. } => json!({
                        "picked": picked.iter().map(|(id, l)| json!([id.to_string(), l])).collect::<Vec<_>>(),
                        "query": query.lines().join(""),
                    }),
                };
                (f.name.to_string(), v)
            })
            .collect();
        json!({"target": target, "title": self.title, "values": values})
    }

    /// The target a draft was for.
    pub fn draft_target(draft: &J) -> Option<Target> {
        let t = draft.get("target")?;
        if let Some(k) = t.get("create").and_then(J::as_str) {
            return Kind::from_name(k).map(Target::Create);
        }
        if let Some(k) = t.get("raise").and_then(J::as_str) {
            let visit = EntityId::parse(t.get("visit")?.as_str()?)?;
            return Kind::from_name(k).map(|kind| Target::Raise { kind, visit });
        }
        if t.get("setup").is_some() {
            return Some(Target::Setup);
        }
        Some(Target::Action {
            id: EntityId::parse(t.get("id")?.as_str()?)?,
            kind: Kind::from_name(t.get("kind")?.as_str()?)?,
            action: t.get("action")?.as_str()?.to_string(),
        })
    }

    /// Puts a draft's values back into this (freshly built) form.
    pub fn restore(&mut self, draft: &J) {
        let Some(values) = draft.get("values").and_then(J::as_object) else { return };
        for f in &mut self.fields {
            let Some(v) = values.get(f.name) else { continue };
            match &mut f.input {
                Input::Text { .. } => f.input.set_text(v.as_str().unwrap_or("")),
                Input::Choice { selected, def } => {
                    *selected = v.as_u64().map(|i| i as usize).filter(|i| *i < def.codes.len())
                }
                Input::Multi { chosen, .. } => {
                    for (c, x) in chosen.iter_mut().zip(v.as_array().into_iter().flatten()) {
                        *c = x.as_bool().unwrap_or(false);
                    }
                }
                Input::Flag(b) => *b = v.as_bool().unwrap_or(false),
                Input::Refs { picked, query, .. } => {
                    *picked = v
                        .get("picked")
                        .and_then(J::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(|p| Some((EntityId::parse(p.get(0)?.as_str()?)?, p.get(1)?.as_str()?.to_string())))
                        .collect();
                    *query = text_area(v.get("query").and_then(J::as_str).unwrap_or(""), false);
                }
            }
        }
        self.dirty = true;
    }
}
