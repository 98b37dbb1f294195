//! `/` search (docs/ARCHITECTURE.md, "Search index"): the store's index for names, pinyin, ID/phone digits and addresses,
//! then the free text of ledger records scanned newest first within a time budget.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use super::{App, AppError, RecordView};
use crate::domain::EntityId;
use crate::events::fold;
use crate::search::{self, QueryPlan};
use crate::store::ScanEnd;

/// What a search found.
#[derive(Clone, Debug)]
pub struct SearchResults {
    /// Index hits (persons, households) first, then free-text hits, newest first.
    pub hits: Vec<RecordView>,
    /// Every match is in `hits`: false when the limit was reached or the text scan ran out of
    /// time (the UI offers "more…", which searches again with a larger limit and no budget).
    pub complete: bool,
}

/// The time budget of one keystroke's search: the text scan stops when it has run out.
pub const SEARCH_BUDGET: Duration = Duration::from_millis(40);
/// Candidates checked against their records when a query is longer than the index keeps.
const CHECK_CAP: usize = 10_000;

impl App {
    /// Searches as the worker types: at most `limit` hits (0: no limit), within
    /// [`SEARCH_BUDGET`].
    pub fn search(&self, query: &str, limit: usize) -> Result<SearchResults, AppError> {
        self.search_within(query, limit, Some(SEARCH_BUDGET))
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
        let (ids, mut complete) = self.index_hits(&plan, limit)?;
        let mut hits = self.views(&ids, &plan)?;
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
        Ok(SearchResults { hits, complete })
    }

    /// Ids from the index, in rank order, up to `limit` (more when they must be checked), and
    /// whether every lookup was exhausted.
    fn index_hits(&self, plan: &QueryPlan, limit: usize) -> Result<(Vec<EntityId>, bool), AppError> {
        let want = if plan.needs_check() { CHECK_CAP.max(limit) } else { limit };
        let mut seen: HashSet<EntityId> = HashSet::new();
        let mut ids = Vec::new();
        let mut complete = true;
        for l in &plan.lookups {
            if ids.len() >= want {
                complete = false;
                break;
            }
            complete &= self.store.search_lookup(l.kind, &l.text, l.exact, &mut |id| {
                if seen.insert(id) {
                    ids.push(id);
                }
                ids.len() < want
            })?;
        }
        Ok((ids, complete))
    }

    /// The records of `ids` (in that order), checked against the query when it is longer than
    /// the index keeps.
    fn views(&self, ids: &[EntityId], plan: &QueryPlan) -> Result<Vec<RecordView>, AppError> {
        let today = self.today();
        let check = plan.needs_check();
        let mut out = Vec::with_capacity(ids.len());
        for (id, events) in self.store.events_of_many(ids)? {
            if let Some(e) = fold(id, &events)
                && (!check || plan.check(&e))
            {
                out.push(RecordView::new(e, today));
            }
        }
        Ok(out)
    }

    /// Every person and household that `query` finds in the index (for `list --query`).
    pub(super) fn indexed_ids(&self, query: &str) -> Result<Vec<EntityId>, AppError> {
        let plan = search::classify_query(query);
        let (ids, _) = self.index_hits(&plan, usize::MAX)?;
        if !plan.needs_check() {
            return Ok(ids);
        }
        Ok(self.views(&ids, &plan)?.into_iter().map(|v| v.entity.id).collect())
    }
}

#[cfg(test)]
#[path = "search_tests.rs"]
mod tests;
