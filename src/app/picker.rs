//! The household picker (docs/ARCHITECTURE.md, "Search index"): what a worker types to find a
//! household — its address, the head's or a member's name, their pinyin in any mix of full
//! syllables and initials, the last digits of a member's ID number or phone — and, on an empty
//! query, the households most recent first. Each choice carries what tells two apart.

use std::collections::HashSet;

use super::{App, AppError, present};
use crate::domain::{EntityId, Kind, Value};
use crate::events::{Entity, fold};
use crate::search;

/// One household offered by the picker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HouseholdChoice {
    /// The household's record.
    pub id: EntityId,
    /// Its address (the choice's label).
    pub address: String,
    /// Its grid, if any.
    pub grid: Option<String>,
    /// The head's name, if a head is recorded.
    pub head: Option<String>,
    /// What tells it apart from another with a similar address: grid and head
    /// ([`present::household_detail`]).
    pub detail: String,
}

impl App {
    /// Households that `query` finds, best first, at most `limit` (0: no limit): by address
    /// (equal, then starting with it, shortest first, then containing it), by the name or
    /// pinyin of the head or a member, by the last digits of a member's ID number or phone.
    /// An empty query lists the households most recent first.
    pub fn pick_households(&self, query: &str, limit: usize) -> Result<Vec<HouseholdChoice>, AppError> {
        let limit = if limit == 0 { usize::MAX } else { limit };
        let plan = search::classify_query(query);
        let ids: Vec<EntityId> = if plan.class == search::QueryClass::Empty {
            let newest = self.store.newest(&|_, s| s.kind == Kind::Household, limit)?;
            newest.into_iter().map(|(id, _)| id).collect()
        } else {
            let (hits, _) = self.index_hits(&plan, limit.saturating_mul(4))?;
            let mut found = self.checked(&hits, &plan)?;
            // households by address first (ranked), then the households of the people found
            let rank = |e: &Entity| {
                let key = search::key_form(e.state.text("address").unwrap_or_default());
                if e.kind != Kind::Household {
                    (3, 0)
                } else if key == plan.key {
                    (0, 0)
                } else if key.starts_with(&plan.key) {
                    (1, key.chars().count())
                } else {
                    (2, 0)
                }
            };
            found.sort_by_key(rank);
            let mut seen = HashSet::new();
            found
                .iter()
                .filter_map(|e| match (e.kind, e.state.get("household")) {
                    (Kind::Household, _) => Some(e.id),
                    (Kind::Person, Some(Value::Ref(h))) => Some(*h),
                    _ => None,
                })
                .filter(|id| seen.insert(*id))
                .take(limit)
                .collect()
        };
        let households: Vec<Entity> = self
            .store
            .events_of_many(&ids)?
            .into_iter()
            .filter_map(|(id, events)| fold(id, &events))
            .filter(|e| e.kind == Kind::Household)
            .collect();
        let heads = self.head_names(&households)?;
        Ok(households
            .into_iter()
            .zip(heads)
            .map(|(e, head)| HouseholdChoice {
                id: e.id,
                address: e.state.text("address").unwrap_or_default().to_string(),
                grid: e.state.text("grid").map(str::to_string),
                detail: present::household_detail(&e, head.as_deref(), self.lang),
                head,
            })
            .collect())
    }

    /// The names of the heads of `households`, in order.
    fn head_names(&self, households: &[Entity]) -> Result<Vec<Option<String>>, AppError> {
        let head = |e: &Entity| match e.state.get("head") {
            Some(Value::Ref(id)) => Some(*id),
            _ => None,
        };
        let ids: Vec<EntityId> = households.iter().filter_map(head).collect();
        let names: std::collections::HashMap<EntityId, String> = self
            .store
            .events_of_many(&ids)?
            .into_iter()
            .filter_map(|(id, ev)| fold(id, &ev).and_then(|e| e.state.text("name").map(|n| (id, n.to_string()))))
            .collect();
        Ok(households.iter().map(|e| head(e).and_then(|id| names.get(&id).cloned())).collect())
    }
}
