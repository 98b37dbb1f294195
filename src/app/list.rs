//! Lists: a ledger page newest first, by due date, overdue, or what a query finds. A query goes
//! through the same index and text form as `/` search (docs/ARCHITECTURE.md, "Search index"),
//! never through a fold of every record.

use std::collections::HashSet;

use super::{App, AppError, RecordView};
use crate::domain::due::{DueState, state_of};
use crate::domain::lifecycle;
use crate::domain::{Day, EntityId, Kind};
use crate::events::fold;
use crate::search;
use crate::store::Summary;

/// A list request.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    /// Which ledger.
    pub kind: Option<Kind>,
    /// Only this status code.
    pub status: Option<String>,
    /// Only overdue records (earliest due first).
    pub overdue: bool,
    /// Only records whose text contains this (names, addresses, content; last digits of ID
    /// numbers and phones).
    pub query: Option<String>,
    /// Only this category code (dispute/hazard category, demand domain, visit type).
    pub category: Option<String>,
    /// Only records whose own date is in this range (inclusive).
    pub dates: Option<(Day, Day)>,
    /// Open records only, earliest due first (instead of newest first).
    pub by_due: bool,
    /// Skip this many matches first (paging).
    pub offset: usize,
    /// At most this many.
    pub limit: usize,
}

impl App {
    /// Lists records, newest first (overdue ones: most overdue first).
    pub fn list(&self, q: &ListQuery) -> Result<Vec<RecordView>, AppError> {
        self.require_identity()?;
        let today = self.today();
        let limit = if q.limit == 0 { usize::MAX } else { q.limit };
        if let Some(s) = &q.status
            && let Some(kind) = q.kind
            && lifecycle::statuses_of(kind).find(s).is_none()
        {
            return Err(AppError::Invalid(
                crate::domain::FieldError::new(
                    "status",
                    crate::domain::Problem::NotInEnum(lifecycle::statuses_of(kind).code_list()),
                )
                .into(),
            ));
        }
        let needle = q.query.as_deref().map(str::trim).filter(|s| !s.is_empty());
        // a person merged into another is the same resident: listed once (domain::merged)
        let summary_ok = |s: &crate::store::Summary| {
            !s.merged
                && q.kind.is_none_or(|k| s.kind == k)
                && q.status.as_deref().is_none_or(|st| s.status_code() == st)
                && (!q.overdue || (s.open && state_of(s.due, false, today) == DueState::Overdue))
                && q.category.as_deref().is_none_or(|c| s.category_code() == Some(c))
                && q.dates.is_none_or(|(from, to)| s.date.is_some_and(|d| from <= d && d <= to))
        };
        let ids: Vec<EntityId> = if let Some(needle) = needle {
            self.query_ids(needle, q.kind, &summary_ok, q.offset, limit)?
        } else if let (true, Some(kind)) = (q.by_due, q.kind) {
            // The open-work index is small (closed records leave it): filter after folding.
            let ids: Vec<EntityId> =
                self.store.open_by_due(kind, None, usize::MAX)?.into_iter().map(|(id, _)| id).collect();
            let mut out = Vec::new();
            let mut skipped = 0;
            'chunks: for chunk in ids.chunks(256) {
                for (id, events) in self.store.events_of_many(chunk)? {
                    if let Some((s, _)) = crate::store::expected_views(id, &events)?
                        && summary_ok(&s)
                    {
                        if skipped < q.offset {
                            skipped += 1;
                            continue;
                        }
                        out.push(id);
                        if out.len() >= limit {
                            break 'chunks;
                        }
                    }
                }
            }
            out
        } else if q.overdue && q.status.is_none() && q.category.is_none() && q.dates.is_none() && q.kind.is_some() {
            let kind = q.kind.unwrap_or(Kind::Demand);
            let ids = self.store.open_by_due(kind, Some(today.plus(-1)), limit.saturating_add(q.offset))?;
            ids.into_iter().skip(q.offset).map(|(id, _)| id).collect()
        } else {
            let found = self.store.newest(&|_, s| summary_ok(s), limit.saturating_add(q.offset))?;
            found.into_iter().skip(q.offset).map(|(id, _)| id).collect()
        };
        let mut out = Vec::with_capacity(ids.len());
        for (id, events) in self.store.events_of_many(&ids)? {
            if let Some(e) = fold(id, &events) {
                out.push(RecordView::new(e, today));
            }
        }
        Ok(out)
    }

    /// The ids that `needle` finds among records whose summary passes `ok`, newest first:
    /// persons and households through the index (names, pinyin, ID/phone digits, addresses),
    /// ledger records through their text form, scanned newest first and stopped as soon as the
    /// page is full.
    fn query_ids(
        &self,
        needle: &str,
        kind: Option<Kind>,
        ok: &dyn Fn(&Summary) -> bool,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<EntityId>, AppError> {
        let want = offset.saturating_add(limit);
        let mut hits: Vec<EntityId> = Vec::new();
        if kind.is_none_or(|k| matches!(k, Kind::Person | Kind::Household)) {
            let mut found: Vec<(EntityId, Summary)> = match self.indexed_ids(needle)? {
                ids if ids.is_empty() => Vec::new(),
                ids => self.store.summaries_of(&ids)?.into_iter().filter(|(_, s)| ok(s)).collect(),
            };
            found.sort_by(|(a, x), (b, y)| (y.created_ms, b).cmp(&(x.created_ms, a)));
            hits.extend(found.into_iter().map(|(id, _)| id));
        }
        let ledger = kind.is_none_or(|k| !matches!(k, Kind::Person | Kind::Household));
        let text = search::fold(needle);
        if ledger && hits.len() < want && !text.is_empty() {
            let mut seen: HashSet<EntityId> = hits.iter().copied().collect();
            let mut pending: Vec<EntityId> = Vec::new();
            let mut failed = None;
            // Checks a batch of candidates against their summaries (a block's summaries are
            // read once per batch); false when the page is full.
            let mut settle = |pending: &mut Vec<EntityId>, hits: &mut Vec<EntityId>| -> bool {
                match self.store.summaries_of(pending) {
                    Ok(sums) => {
                        let passed: HashSet<EntityId> =
                            sums.into_iter().filter(|(_, s)| ok(s)).map(|(id, _)| id).collect();
                        hits.extend(pending.drain(..).filter(|id| passed.contains(id)));
                    }
                    Err(e) => {
                        failed = Some(e);
                        return false;
                    }
                }
                hits.len() < want
            };
            self.store.search_text(&text, None, &mut |id| {
                if !seen.insert(id) {
                    return true;
                }
                pending.push(id);
                pending.len() < BATCH || settle(&mut pending, &mut hits)
            })?;
            if !pending.is_empty() {
                settle(&mut pending, &mut hits);
            }
            if let Some(e) = failed {
                return Err(e.into());
            }
        }
        Ok(hits.into_iter().skip(offset).take(limit).collect())
    }
}

/// Candidates checked against their summaries at a time.
const BATCH: usize = 256;

#[cfg(test)]
#[path = "list_tests.rs"]
mod tests;
