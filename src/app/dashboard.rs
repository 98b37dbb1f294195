//! The dashboard's figures: work due today and overdue across the ledgers, and this month's
//! counts. Reads the open-work index (which carries each record's status) and this month's
//! summaries only, so it costs O(open work + this month), never O(store); records are folded
//! only for the rows on screen.

use super::{App, AppError, RecordView};
use crate::domain::{Day, EntityId, Kind};

/// Why an item is on the dashboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DueReason {
    /// Past its due date.
    Overdue,
    /// Due today.
    DueToday,
    /// A hazard awaiting its re-inspection.
    AwaitingReview,
    /// A demand answered but not yet followed up (回访).
    AwaitingFollowup,
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
    /// hazards).
    pub month: Vec<(Kind, usize)>,
    /// First day of this month.
    pub month_start: Day,
}

impl App {
    /// The dashboard for today.
    pub fn dashboard(&self) -> Result<Dashboard, AppError> {
        let today = self.today();
        let mut items = Vec::new();
        for kind in [Kind::Demand, Kind::Dispute, Kind::Hazard] {
            self.store.walk_open(kind, &mut |id, due, status| {
                let reason = match (kind, due) {
                    (_, Some(d)) if d < today => Some(DueReason::Overdue),
                    (_, Some(d)) if d == today => Some(DueReason::DueToday),
                    (Kind::Hazard, _) if status == "AWAITING_REVIEW" => Some(DueReason::AwaitingReview),
                    (Kind::Demand, _) if matches!(status, "ANSWERED" | "ON_SPOT_DONE") => {
                        Some(DueReason::AwaitingFollowup)
                    }
                    _ => None,
                };
                if let Some(reason) = reason {
                    items.push(DueItem { id, kind, reason, due });
                }
                true
            })?;
        }
        items.sort_by_key(|i| (i.reason, i.due, i.id));
        let start = today.first_of_month();
        let mut counts = [0usize; 4];
        let kinds = [Kind::Visit, Kind::Demand, Kind::Dispute, Kind::Hazard];
        // Records are entered close to their own date: stop at a dated record created a week
        // before the month began (registry records have no date and do not stop the walk).
        let stop_ms = (start.plus(-7).0.max(0) as u64) * 86_400_000;
        self.store.walk_newest(&mut |_, s| {
            if let Some(i) = kinds.iter().position(|k| *k == s.kind)
                && s.date.is_some_and(|d| d >= start && d <= today)
            {
                counts[i] += 1;
            }
            s.date.is_none() || s.created_ms >= stop_ms
        })?;
        Ok(Dashboard { items, month: kinds.into_iter().zip(counts).collect(), month_start: start })
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
