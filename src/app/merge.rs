//! One resident registered on two devices: a person's record merged into another's, and taken
//! out again (`domain::merged`). `gridlog act PERSON merge` with `{"into": "OTHER"}` writes one
//! commit of two ordinary events: on PERSON the scalar `merged_into` = OTHER, on OTHER an item
//! of `merges` naming PERSON, so each points to the other, and both sync by bundle like any
//! change (docs/ARCHITECTURE.md, "Sync"). `unmerge` clears `merged_into` and adds an item of
//! `unmerges` on OTHER; the history of both shows every step. Lists, search and pickers leave
//! a merged record out (its summary's `merged` flag, `store/blocks.rs`).
//!
//! Import lists the pairs a person should look at ([`App::name_address_holder`] beside
//! `App::id_number_holder`): the plan never merges by itself.

use super::{App, AppError, RecordView, StoreRefs, change_op};
use crate::domain::lifecycle::{self, SET_MAX};
use crate::domain::merged::{MERGES, RECORD, UNMERGES, merged_from, merged_into};
use crate::domain::{EntityId, FieldError, Invalid, Kind, Problem, Value};
use crate::events::{Entity, Event, Op, fold};
use crate::i18n::tr;
use crate::search::{TermKind, terms_of_name};
use crate::store::Draft;

/// Whether `action` is one of a person's merge actions (`app::act` sends them here).
pub(super) fn is_merge_action(kind: Kind, action: &str) -> bool {
    kind == Kind::Person && matches!(action, "merge" | "unmerge")
}

/// How addresses are compared: without any whitespace (`一组 8号` is `一组8号`).
fn address_key(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn refuse(field: &str, problem: Problem, action: &str) -> AppError {
    AppError::Invalid(Invalid::from(FieldError::new(field, problem)).in_context(Kind::Person, Some(action)))
}

impl App {
    /// `merge` or `unmerge` of person `entity` (see the module's documentation). Refused, naming
    /// the field, when the record merged into is not a person, is this record, or is merged
    /// itself, when this record is merged already (`merge`) or is not (`unmerge`).
    pub(super) fn merge_act(
        &mut self,
        entity: Entity,
        action: &str,
        input: &serde_json::Value,
    ) -> Result<RecordView, AppError> {
        let id = entity.id;
        let refs = StoreRefs(&self.store);
        let ctx = self.ctx(&refs)?;
        let change = lifecycle::plan_action(Kind::Person, &entity.state, action, input, &ctx)
            .map_err(|e| e.in_context(Kind::Person, Some(action)))?;
        let (other, set) = if action == "merge" {
            let other = match change.set.iter().find(|(k, _)| k == crate::domain::merged::MERGED_INTO) {
                Some((_, Value::Ref(other))) => *other,
                _ => return Err(refuse("into", Problem::Required, action)),
            };
            if other == id {
                return Err(refuse("into", Problem::MergeIntoSelf, action));
            }
            (other, MERGES)
        } else {
            let Some(other) = merged_into(&entity.state) else {
                return Err(refuse(crate::domain::merged::MERGED_INTO, Problem::NotMerged, action));
            };
            (other, UNMERGES)
        };
        let worker = ctx.worker.to_string();
        let item = Value::Map(vec![
            (RECORD.into(), Value::Ref(id)),
            ("worker".into(), Value::Text(worker.clone())),
            ("date".into(), Value::Date(ctx.today)),
        ]);
        let mut drafts = vec![Draft { entity: Some(id), op: change_op(&entity, action, change) }];
        match self.entity(other) {
            Ok(o) => {
                if action == "merge" {
                    if o.kind != Kind::Person {
                        return Err(refuse("into", Problem::WrongKind(vec![Kind::Person]), action));
                    }
                    if let Some(further) = merged_into(&o.state) {
                        return Err(refuse("into", Problem::TargetMerged(further), action));
                    }
                }
                if o.state.set(set).len() >= SET_MAX {
                    return Err(refuse("into", Problem::TooMany(SET_MAX), action));
                }
                let op = Op::Change { action: action.into(), set: Vec::new(), add: vec![(set.into(), item)] };
                drafts.push(Draft { entity: Some(other), op });
            }
            // unmerging from a record this store does not hold: this record's side is enough
            Err(AppError::NoSuchRecord(_)) if action == "unmerge" => {}
            Err(e) => return Err(e),
        }
        self.store.commit(drafts, &worker, (self.now_ms)())?;
        self.view(id)
    }

    /// What `show` and the record's screen say of merges, in the user's language: the record
    /// this one was merged into, and the records merged into this one, each with its name.
    pub fn merge_notes(&self, view: &RecordView) -> Result<Vec<String>, AppError> {
        let state = &view.entity.state;
        if view.entity.kind != Kind::Person {
            return Ok(Vec::new());
        }
        let named = |id: EntityId| match self.entity(id) {
            Ok(e) => format!("{id} {}", e.state.text("name").unwrap_or_default()).trim().to_string(),
            Err(_) => id.to_string(),
        };
        let mut out = Vec::new();
        if let Some(into) = merged_into(state) {
            out.push(tr(self.lang, "app.merge.note_into", &[&named(into)]));
        }
        let from = merged_from(state);
        if !from.is_empty() {
            let names: Vec<String> = from.into_iter().map(named).collect();
            out.push(tr(self.lang, "app.merge.note_from", &[&names.join(self.lang.pick("、", ", "))]));
        }
        Ok(out)
    }

    /// The person this store holds that new person `person` (not held yet, arriving by bundle)
    /// may be: the holder of its ID number, else a person of its name at its household's
    /// address (that household read from the store, with `incoming` events of it from the same
    /// bundle). A holder merged into another record gives that record; a new record already
    /// merged into another is no duplicate to look at.
    pub(crate) fn possible_duplicate(
        &self,
        person: &Entity,
        incoming: &dyn Fn(EntityId) -> Option<Vec<Event>>,
    ) -> Result<Option<EntityId>, AppError> {
        let (id, state) = (person.id, &person.state);
        if merged_into(state).is_some() {
            return Ok(None);
        }
        let mut holder = match state.text("id_number") {
            Some(number) => self.id_number_holder(number, Some(id))?.map(|(h, _)| h),
            None => None,
        };
        if holder.is_none()
            && let (Some(name), Some(Value::Ref(h))) = (state.text("name"), state.get("household"))
        {
            let address = || {
                let mut events = self.store.events_of(*h)?;
                events.extend(incoming(*h).unwrap_or_default());
                Ok(fold(*h, &events).and_then(|e| e.state.text("address").map(String::from)))
            };
            holder = self.name_address_holder(name, address, Some(id))?;
        }
        Ok(holder.map(|h| self.entity(h).ok().and_then(|e| merged_into(&e.state)).unwrap_or(h)))
    }

    /// A person's record (other than `except`, and not merged into another) with the name
    /// `name` whose household is at `address` (whitespace ignored): a possible duplicate of a
    /// new record with that name and address. The candidates are the records the search index
    /// holds under the whole name (at most 256: a name shared by more is too common to tell
    /// anything); only those are read, with their households.
    /// `address` is asked for only when a record of that name is found (an import reads the
    /// new record's household then, not for every new person).
    pub fn name_address_holder(
        &self,
        name: &str,
        address: impl FnOnce() -> Result<Option<String>, AppError>,
        except: Option<EntityId>,
    ) -> Result<Option<EntityId>, AppError> {
        let name = name.trim();
        let Some(term) = terms_of_name(name).into_iter().find(|t| t.kind == TermKind::Name) else {
            return Ok(None);
        };
        let mut candidates = Vec::new();
        self.store.search_lookup(TermKind::Name, &term.text, true, &mut |id| {
            if Some(id) != except {
                candidates.push(id);
            }
            candidates.len() < 256
        })?;
        let mut households = Vec::new();
        for (id, events) in self.store.events_of_many(&candidates)? {
            if let Some(e) = fold(id, &events)
                && e.kind == Kind::Person
                && merged_into(&e.state).is_none()
                && e.state.text("name").is_some_and(|n| n.trim() == name)
                && let Some(Value::Ref(h)) = e.state.get("household")
            {
                households.push((*h, id));
            }
        }
        if households.is_empty() {
            return Ok(None);
        }
        let address = address()?.map(|a| address_key(&a)).unwrap_or_default();
        if address.is_empty() {
            return Ok(None);
        }
        let mut ids: Vec<EntityId> = households.iter().map(|(h, _)| *h).collect();
        ids.sort();
        ids.dedup();
        for (h, events) in self.store.events_of_many(&ids)? {
            if let Some(e) = fold(h, &events)
                && e.state.text("address").is_some_and(|a| address_key(a) == address)
                && let Some((_, person)) = households.iter().find(|(x, _)| *x == h)
            {
                return Ok(Some(*person));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;
