//! `/` search (docs/ARCHITECTURE.md, "Search index"): the store's index for names, pinyin, ID/phone digits and addresses,
//! then the free text of ledger records scanned newest first within a time budget.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use super::{App, AppError, RecordView, present};
use crate::domain::merged::is_hidden;
use crate::domain::{EntityId, Kind, Value};
use crate::events::{Entity, fold};
use crate::search::{self, QueryClass, QueryPlan};
use crate::store::ScanEnd;

/// What a search found.
#[derive(Clone, Debug)]
pub struct SearchResults {
    /// Index hits (persons, households) first, then free-text hits, newest first.
    pub hits: Vec<RecordView>,
    /// What tells each hit apart from another of the same name, in the order of `hits`
    /// ([`present::detail_of`]): a person's household address, age and masked phone, a
    /// household's grid and head; empty for ledger records.
    pub details: Vec<String>,
    /// Every match is in `hits`: false when the limit was reached or the text scan ran out of
    /// time (the UI offers "more…", which searches again with a larger limit and no budget).
    pub complete: bool,
}

impl SearchResults {
    /// The detail of hit `i` (empty when there is none).
    pub fn detail(&self, i: usize) -> &str {
        self.details.get(i).map(String::as_str).unwrap_or("")
    }
}

/// The time budget of one keystroke's search: the text scan stops when it has run out.
pub const SEARCH_BUDGET: Duration = Duration::from_millis(40);
/// Candidates checked against their records when a query is longer than the index keeps.
const CHECK_CAP: usize = 10_000;
/// Candidates of the mixed-pinyin lookups checked against their names, at most.
const MIXED_CAP: usize = 300;
/// Index hits of a Chinese or address query ranked together (exact, then prefix by length,
/// then the rest), so that `一组8` lists 一组8号 before 一组80号.
const RANK_WINDOW: usize = 64;

/// An index hit, and whether it must be checked against its record first.
#[derive(Clone, Copy)]
pub(super) struct Hit {
    pub(super) id: EntityId,
    pub(super) mixed: bool,
}

impl App {
    /// Searches as the worker types: at most `limit` hits (0: no limit), within
    /// [`SEARCH_BUDGET`].
    pub fn search(&self, query: &str, limit: usize) -> Result<SearchResults, AppError> {
        self.search_within(query, limit, self.search_budget)
    }

    /// [`App::search`] with another time budget for the text scan (`None`: scan all of it, as
    /// "more…" does).
    pub fn search_within(
        &self,
        query: &str,
        limit: usize,
        budget: Option<Duration>,
    ) -> Result<SearchResults, AppError> {
        let started = Instant::now();
        let limit = if limit == 0 { usize::MAX } else { limit };
        let plan = search::classify_query(query);
        let (hits, mut complete) = self.index_hits(&plan, limit)?;
        let mut hits = self.views(&hits, &plan)?;
        rank(&mut hits, &plan);
        if hits.len() > limit {
            hits.truncate(limit);
            complete = false;
        }
        if let Some(needle) = &plan.text {
            if hits.len() >= limit {
                complete = false;
            } else {
                let mut seen: HashSet<EntityId> = hits.iter().map(|h| h.entity.id).collect();
                let mut found = Vec::new();
                let room = limit - hits.len();
                let end = self.store.search_text(needle, budget.map(|b| started + b), &mut |id| {
                    if seen.insert(id) {
                        found.push(id);
                    }
                    found.len() < room
                })?;
                complete &= end == ScanEnd::Complete;
                let today = self.today();
                for (id, events) in self.store.events_of_many(&found)? {
                    if let Some(e) = fold(id, &events) {
                        hits.push(RecordView::new(e, today));
                    }
                }
            }
        }
        let details = self.details(hits.iter().map(|h| &h.entity))?;
        Ok(SearchResults { hits, details, complete })
    }

    /// Ids from the index, in rank order, up to `limit` (more when they must be checked or
    /// ranked), and whether every lookup was exhausted. The lookups of a mixed-pinyin reading
    /// come last, and their hits are marked for checking.
    pub(super) fn index_hits(&self, plan: &QueryPlan, limit: usize) -> Result<(Vec<Hit>, bool), AppError> {
        let want = if plan.needs_check() {
            CHECK_CAP.max(limit)
        } else if plan.class == QueryClass::Text {
            RANK_WINDOW.max(limit)
        } else {
            limit
        };
        let mut seen: HashSet<EntityId> = HashSet::new();
        let mut hits: Vec<Hit> = Vec::new();
        let mut complete = true;
        for l in &plan.lookups {
            if hits.len() >= want {
                complete = false;
                break;
            }
            complete &= self.store.search_lookup(l.kind, &l.text, l.exact, &mut |id| {
                if seen.insert(id) {
                    hits.push(Hit { id, mixed: false });
                }
                hits.len() < want
            })?;
        }
        let mut mixed = 0usize;
        for l in &plan.mixed {
            if hits.len() >= want || mixed >= MIXED_CAP {
                complete = false;
                break;
            }
            complete &= self.store.search_lookup(l.kind, &l.text, l.exact, &mut |id| {
                if seen.insert(id) {
                    hits.push(Hit { id, mixed: true });
                    mixed += 1;
                }
                mixed < MIXED_CAP
            })?;
        }
        Ok((hits, complete))
    }

    /// The records of `hits` (in that order), checked against the query when it is longer than
    /// the index keeps or was read as mixed pinyin.
    fn views(&self, hits: &[Hit], plan: &QueryPlan) -> Result<Vec<RecordView>, AppError> {
        let today = self.today();
        Ok(self.checked(hits, plan)?.into_iter().map(|e| RecordView::new(e, today)).collect())
    }

    /// The records of `hits` that really match (see [`App::views`]), without persons merged
    /// into another (`domain::merged`): search, the pickers and `list --query` show the resident
    /// once, by the record it was merged into.
    pub(super) fn checked(&self, hits: &[Hit], plan: &QueryPlan) -> Result<Vec<Entity>, AppError> {
        let check = plan.needs_check();
        let ids: Vec<EntityId> = hits.iter().map(|h| h.id).collect();
        let mixed: HashSet<EntityId> = hits.iter().filter(|h| h.mixed).map(|h| h.id).collect();
        let mut out = Vec::with_capacity(ids.len());
        for (id, events) in self.store.events_of_many(&ids)? {
            if let Some(e) = fold(id, &events)
                && !(e.kind == Kind::Person && is_hidden(id, &e.state))
                && (if mixed.contains(&id) { plan.check_mixed(&e) } else { !check || plan.check(&e) })
            {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// Every person and household that `query` finds in the index (for `list --query`).
    pub(super) fn indexed_ids(&self, query: &str) -> Result<Vec<EntityId>, AppError> {
        let plan = search::classify_query(query);
        let (hits, _) = self.index_hits(&plan, usize::MAX)?;
        if !plan.needs_check() && hits.iter().all(|h| !h.mixed) {
            return Ok(hits.into_iter().map(|h| h.id).collect());
        }
        Ok(self.checked(&hits, &plan)?.into_iter().map(|e| e.id).collect())
    }

    /// The details of `records` ([`present::detail_of`]), in order: the households of persons
    /// and the heads of households are read in one go.
    pub(super) fn details<'a>(
        &self,
        records: impl Iterator<Item = &'a Entity> + Clone,
    ) -> Result<Vec<String>, AppError> {
        let link = |e: &Entity| match (e.kind, e.state.get(link_field(e.kind))) {
            (Kind::Person | Kind::Household, Some(Value::Ref(id))) => Some(*id),
            _ => None,
        };
        let mut wanted: Vec<EntityId> = records.clone().filter_map(link).collect();
        wanted.sort();
        wanted.dedup();
        let mut linked: HashMap<EntityId, String> = HashMap::new();
        for (id, events) in self.store.events_of_many(&wanted)? {
            if let Some(e) = fold(id, &events)
                && let Some(t) = e.state.text(if e.kind == Kind::Household { "address" } else { "name" })
            {
                linked.insert(id, t.to_string());
            }
        }
        let (today, lang) = (self.today(), self.lang);
        Ok(records
            .map(|e| present::detail_of(e, link(e).and_then(|id| linked.get(&id)).map(String::as_str), today, lang))
            .collect())
    }
}

/// What a record's detail names: a person's household, a household's head.
fn link_field(kind: Kind) -> &'static str {
    if kind == Kind::Person { "household" } else { "head" }
}

/// Orders the index hits of a Chinese or address query: the name or address equal to the
/// query first, then those that start with it (shortest first), then the rest, each group in
/// index order.
fn rank(hits: &mut [RecordView], plan: &QueryPlan) {
    if plan.class != QueryClass::Text {
        return;
    }
    hits.sort_by_key(|h| {
        let s = &h.entity.state;
        let key = search::key_form(s.text("name").or_else(|| s.text("address")).unwrap_or_default());
        if key == plan.key {
            (0, 0)
        } else if key.starts_with(&plan.key) {
            (1, key.chars().count())
        } else {
            (2, 0)
        }
    });
}

#[cfg(test)]
#[path = "search_tests.rs"]
mod tests;
