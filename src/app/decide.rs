//! `decide`: settles concurrent status changes the lifecycle does not allow one after the
//! other (docs/ARCHITECTURE.md, "Concurrent status changes"). The record shows the status the
//! fold reached first and keeps the other side as a pending decision; a worker chooses which
//! status stands. The choice is an ordinary change event (`decide`), so it syncs like any other
//! and clears the marker on every replica that receives it.

use super::{App, AppError, RecordView, StoreRefs};
use crate::domain::lifecycle::{DECIDE, allowed_actions, find_action};
use crate::domain::parse::parse_object;
use crate::domain::{Ctx, FieldError, Invalid, Problem, Value};
use crate::events::{DECISION_FIELD, Entity, Op, Write};
use crate::store::Draft;

/// The statuses a worker may choose between: the record's own first, then each held side's,
/// once each.
pub fn choices(entity: &Entity) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    if !entity.decisions.is_empty() {
        out.push(entity.state.status());
    }
    for d in &entity.decisions {
        if !out.contains(&d.held.status.as_str()) {
            out.push(&d.held.status);
        }
    }
    out
}

/// The `decide` change for `input` (`{"status": CODE}`, one of [`choices`]): the status that
/// stands, the decision marker (its base the latest held change, so every replica orders the
/// decision after what it settles), and, when the held side is chosen, the fields that side
/// would have written. A record that leaves the closed state loses its closing date.
pub fn plan_decide(entity: &Entity, input: &serde_json::Value, ctx: &Ctx) -> Result<Op, Invalid> {
    let status = entity.state.status();
    if entity.decisions.is_empty() {
        let allowed = allowed_actions(entity.kind, &entity.state).into_iter().map(String::from).collect();
        let illegal =
            Problem::IllegalAction { kind: entity.kind, action: DECIDE.name.into(), status: status.into(), allowed };
        return Err(FieldError::new("", illegal).into());
    }
    let spec = find_action(entity.kind, DECIDE.name).unwrap_or(&DECIDE);
    let parsed = parse_object(spec.fields, input, ctx, false, &[])?;
    let chosen = parsed.iter().find(|(k, _)| k == "status").and_then(|(_, v)| v.as_text()).unwrap_or("");
    let options = choices(entity);
    if !options.contains(&chosen) {
        return Err(FieldError::new("status", Problem::NotInEnum(options.join("/"))).into());
    }
    let mut set: Vec<(String, Value)> =
        vec![("status".into(), Value::Text(chosen.into())), (DECISION_FIELD.into(), Value::Text(chosen.into()))];
    if chosen != status {
        let held = entity.decisions.iter().rev().find(|d| d.held.status == chosen);
        for (f, v) in held.map(|d| d.held_set.as_slice()).unwrap_or(&[]) {
            if set.iter().all(|(k, _)| k != f) {
                set.push((f.clone(), v.clone()));
            }
        }
        if chosen != "CLOSED" && entity.state.get("closed_on").is_some() && set.iter().all(|(k, _)| k != "closed_on") {
            set.push(("closed_on".into(), Value::Null));
        }
    }
    let set = set
        .into_iter()
        .map(|(field, value)| Write { base: entity.versions.get(&field).copied(), field, value })
        .collect();
    Ok(Op::Change { action: DECIDE.name.into(), set, add: Vec::new() })
}

impl App {
    /// Writes the `decide` change for record `id` (see [`plan_decide`]).
    pub(super) fn decide(
        &mut self,
        id: crate::domain::EntityId,
        input: &serde_json::Value,
    ) -> Result<RecordView, AppError> {
        let entity = self.entity(id)?;
        let refs = StoreRefs(&self.store);
        let ctx = self.ctx(&refs)?;
        let op = plan_decide(&entity, input, &ctx).map_err(|e| e.in_context(entity.kind, Some(DECIDE.name)))?;
        let worker = ctx.worker.to_string();
        self.store.commit(vec![Draft { entity: Some(id), op }], &worker, (self.now_ms)())?;
        self.view(id)
    }
}

#[cfg(test)]
#[path = "decide_tests.rs"]
pub(crate) mod tests;
