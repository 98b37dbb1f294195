//! The dashboard's figures: work due soon, today and overdue across the ledgers (the due rules
//! and thresholds are the domain's, `domain::due`), and this month's counts. Reads the open-work
//! index (which carries each record's due date and status) and the month counts, so it costs
//! O(open work + months), never O(store); records are folded only for the rows on screen and
//! for the few demands whose urgency decides whether they are due soon.

use super::{App, AppError, RecordView};
pub use crate::domain::due::DueState;
use crate::domain::due::{soon_until, state_of};
use crate::domain::{Day, EntityId, Kind};

/// Why an item is on the dashboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DueReason {
    /// The level above flagged it for supervision (督办, `domain::oversight`): it stands first
    /// until the village answers it.
    Supervised,
    /// Concurrent status changes wait for someone to decide which stands (docs/ARCHITECTURE.md,
    /// "Concurrent status changes"): listed first, before overdue work.
    NeedsDecision,
    /// An instruction (批示) from the level above that the village has not acted on yet.
    Instructed,
    /// The level above decided an extension request (approved or refused), not yet acted on.
    ExtensionDecided,
    /// Past its due date.
    Overdue,
    /// Due today.
    DueToday,
    /// Due within the warning window (超时预警: the next working day; urgent demands: tomorrow).
    DueSoon,
    /// A hazard awaiting its re-inspection.
    AwaitingReview,
    /// A demand answered but not yet followed up (回访).
    AwaitingFollowup,
}

impl DueReason {
    /// The due state behind the reason (`None` for work that has no date yet).
    pub fn due_state(self) -> DueState {
        match self {
            DueReason::Overdue => DueState::Overdue,
            DueReason::DueToday => DueState::Today,
            DueReason::DueSoon => DueState::Soon,
            DueReason::Supervised
            | DueReason::NeedsDecision
            | DueReason::Instructed
            | DueReason::ExtensionDecided
            | DueReason::AwaitingReview
            | DueReason::AwaitingFollowup => DueState::None,
        }
    }
}

/// One line of work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DueItem {
    /// The record.
    pub id: EntityId,
    /// Its kind.
    pub kind: Kind,
    /// Why it is listed.
    pub reason: DueReason,
    /// When its next step is due.
    pub due: Option<Day>,
}

/// Everything the dashboard shows.
#[derive(Clone, Debug, Default)]
pub struct Dashboard {
    /// Work, most urgent first.
    pub items: Vec<DueItem>,
    /// Records whose own date falls in this month, per ledger (visits, demands, disputes,
    /// hazards): the store's month counts, the same figures as `list KIND` over this month.
    pub month: Vec<(Kind, usize)>,
    /// Overdue records per ledger (demands, disputes, hazards): every one, the same figures as
    /// `list KIND --overdue`.
    pub overdue: Vec<(Kind, usize)>,
    /// First day of this month.
    pub month_start: Day,
    /// The day these figures are for.
    pub today: Day,
}

/// Why an open record that is not flagged is listed, by its due state and status.
fn plain_reason(kind: Kind, due_state: DueState, status: &str) -> Option<DueReason> {
    match (kind, due_state) {
        (_, DueState::Overdue) => Some(DueReason::Overdue),
        (_, DueState::Today) => Some(DueReason::DueToday),
        (_, DueState::Soon) => Some(DueReason::DueSoon),
        (Kind::Hazard, _) if status == "AWAITING_REVIEW" => Some(DueReason::AwaitingReview),
        (Kind::Demand, _) if matches!(status, "ANSWERED" | "ON_SPOT_DONE") => Some(DueReason::AwaitingFollowup),
        _ => None,
    }
}

impl App {
    /// The dashboard for today.
    pub fn dashboard(&self) -> Result<Dashboard, AppError> {
        let today = self.today();
        let ledgers = [Kind::Demand, Kind::Dispute, Kind::Hazard];
        let mut items = Vec::new();
        let mut overdue = Vec::new();
        // an urgent demand's window is shorter: these are looked up to see whether they are urgent
        let mut maybe_not_soon = Vec::new();
        // flagged entries (a decision, a 督办, an instruction, an escalation or an extension
        // request): their summaries say which
        let mut flagged = Vec::new();
        for kind in ledgers {
            let mut late = 0;
            self.store.walk_open_marked(kind, &mut |id, due, status, flag| {
                let due_state = state_of(due, false, today);
                if due_state == DueState::Overdue {
                    late += 1;
                }
                if flag {
                    flagged.push(DueItem { id, kind, reason: DueReason::NeedsDecision, due });
                    return true;
                }
                let reason = plain_reason(kind, due_state, status);
                if kind == Kind::Demand
                    && reason == Some(DueReason::DueSoon)
                    && due.is_some_and(|d| d > soon_until(today, true))
                {
                    maybe_not_soon.push(id);
                }
                if let Some(reason) = reason {
                    items.push(DueItem { id, kind, reason, due });
                }
                true
            })?;
            overdue.push((kind, late));
        }
        if !flagged.is_empty() {
            // an instruction is news to the village; the level above wrote it
            let above = self.is_above();
            let ids: Vec<EntityId> = flagged.iter().map(|i| i.id).collect();
            let sums = self.store.summaries_of(&ids)?;
            for mut item in flagged {
                let Some((_, s)) = sums.iter().find(|(id, _)| *id == item.id) else { continue };
                let due_state = state_of(item.due, s.urgent, today);
                let reason = if s.supervised {
                    Some(DueReason::Supervised)
                } else if s.decision {
                    Some(DueReason::NeedsDecision)
                } else if let Some(news) = s.news.filter(|_| !above) {
                    Some(match news {
                        crate::store::News::Instruction => DueReason::Instructed,
                        crate::store::News::ExtensionDecision => DueReason::ExtensionDecided,
                    })
                } else {
                    plain_reason(item.kind, due_state, s.status_code())
                };
                if let Some(reason) = reason {
                    item.reason = reason;
                    items.push(item);
                }
            }
        }
        if !maybe_not_soon.is_empty() {
            // from their summaries: no block is read
            let urgent: Vec<EntityId> = self
                .store
                .summaries_of(&maybe_not_soon)?
                .into_iter()
                .filter(|(_, s)| s.urgent)
                .map(|(id, _)| id)
                .collect();
            items.retain(|i| !(i.reason == DueReason::DueSoon && urgent.contains(&i.id)));
        }
        items.sort_by_key(|i| (i.reason, i.due, i.id));
        let start = today.first_of_month();
        let mut month = Vec::new();
        for kind in [Kind::Visit, Kind::Demand, Kind::Dispute, Kind::Hazard] {
            month.push((kind, self.store.month_count(kind, today)? as usize));
        }
        Ok(Dashboard { items, month, overdue, month_start: start, today })
    }

    /// The titles of records (the dashboard's rows on screen), from their summaries: no block is
    /// read, so a cold start reads little (docs/PERFORMANCE.md, "Cold start").
    pub fn titles_of(&self, ids: &[EntityId]) -> Result<Vec<(EntityId, String)>, AppError> {
        Ok(self.store.summaries_of(ids)?.into_iter().map(|(id, s)| (id, s.title)).collect())
    }

    /// The records of dashboard items (for the rows on screen).
    pub fn views_of(&self, ids: &[EntityId]) -> Result<Vec<RecordView>, AppError> {
        let today = self.today();
        Ok(self
            .store
            .events_of_many(ids)?
            .into_iter()
            .filter_map(|(id, ev)| crate::events::fold(id, &ev).map(|e| RecordView::new(e, today)))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn due_soon_is_by_the_next_working_day_and_for_urgent_demands_by_tomorrow() {
        // today is Friday 2026-11-27 (the app tests' clock)
        let t = tempfile::tempdir().unwrap();
        let mut a = crate::app::tests::app(t.path());
        let mut demand = |due: &str, urgent: bool| {
            let d = json!({"received_on": "2026-11-27", "channel": "PHONE", "requester": "王大妈", "kind": "HELP",
                           "domain": "ELDER_CARE", "content": "扶手", "urgent": urgent, "due_on": due});
            a.add(Kind::Demand, &d).unwrap().entity.id
        };
        let monday = demand("2026-11-30", false);
        let urgent_monday = demand("2026-11-30", true);
        let tuesday = demand("2026-12-01", false);
        let today = demand("2026-11-27", true);
        let d = a.dashboard().unwrap();
        let reason = |id| d.items.iter().find(|i| i.id == id).map(|i| i.reason);
        assert_eq!(reason(monday), Some(DueReason::DueSoon));
        assert_eq!(reason(urgent_monday), None, "urgent: only tomorrow is soon");
        assert_eq!(reason(tuesday), None);
        assert_eq!(reason(today), Some(DueReason::DueToday));
        assert_eq!(a.view(monday).unwrap().due_state, DueState::Soon, "the record's view agrees");
        assert_eq!(a.view(urgent_monday).unwrap().due_state, DueState::None);
        assert_eq!(d.items.iter().map(|i| i.reason).collect::<Vec<_>>(), [DueReason::DueToday, DueReason::DueSoon]);
    }

    #[test]
    fn dashboard_titles_come_from_summaries_and_follow_edits() {
        let t = tempfile::tempdir().unwrap();
        let mut a = crate::app::tests::app(t.path());
        let long = "村口路灯坏了三个月，晚上出行很不方便，老人孩子经常摔倒，请求尽快派人维修并告知处理时间";
        let d = json!({"received_on": "2026-11-27", "channel": "PHONE", "requester": "王大妈", "kind": "HELP",
                       "domain": "INFRA", "content": format!("{long}\n第二行")});
        let id = a.add(Kind::Demand, &d).unwrap().entity.id;
        let titles = a.titles_of(&[id]).unwrap();
        let want: String = long.chars().take(crate::store::TITLE_MAX).collect();
        assert_eq!(titles, vec![(id, want.clone())], "the first line, cut to what a row can hold");
        assert!(a.view(id).unwrap().title().starts_with(&want), "the same title as the record's view");
        a.act(id, "edit", &json!({"content": "水管漏水"})).unwrap();
        assert_eq!(a.titles_of(&[id]).unwrap(), vec![(id, "水管漏水".to_string())], "an edit renames it");
    }
}
