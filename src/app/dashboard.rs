//! The dashboard's figures: work due today and overdue across the ledgers, and this month's
//! counts. Reads the open-work index and this month's summaries only (O(screen), not O(store)).

use super::{App, AppError, RecordView};
use crate::domain::{Day, Kind};

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
#[derive(Clone, Debug)]
pub struct DueItem {
    /// The record.
    pub view: RecordView,
    /// Why it is listed.
    pub reason: DueReason,
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

const PER_KIND: usize = 100;

impl App {
    /// The dashboard for today.
    pub fn dashboard(&self) -> Result<Dashboard, AppError> {
        let today = self.today();
        let mut items = Vec::new();
        for kind in [Kind::Demand, Kind::Dispute, Kind::Hazard] {
            let open = self.store.open_by_due(kind, None, PER_KIND * 4)?;
            let ids: Vec<_> = open.iter().map(|(id, _)| *id).collect();
            for (id, events) in self.store.events_of_many(&ids)? {
                let Some(e) = crate::events::fold(id, &events) else { continue };
                let view = RecordView::new(e, today);
                let status = view.entity.state.status();
                let reason = match (kind, view.due) {
                    (_, Some(d)) if d < today => Some(DueReason::Overdue),
                    (_, Some(d)) if d == today => Some(DueReason::DueToday),
                    (Kind::Hazard, _) if status == "AWAITING_REVIEW" => Some(DueReason::AwaitingReview),
                    (Kind::Demand, _) if matches!(status, "ANSWERED" | "ON_SPOT_DONE") => {
                        Some(DueReason::AwaitingFollowup)
                    }
                    _ => None,
                };
                if let Some(reason) = reason {
                    items.push(DueItem { view, reason });
                }
            }
        }
        items.sort_by_key(|a| (a.reason, a.view.due));
        let start = Day::from_date(today.date().with_day(1).unwrap_or(today.date()));
        let mut counts = [0usize; 4];
        let kinds = [Kind::Visit, Kind::Demand, Kind::Dispute, Kind::Hazard];
        // Records are entered close to their own date: stop a week of creation time before
        // the month began.
        let stop_ms = (start.plus(-7).0.max(0) as u64) * 86_400_000;
        self.store.walk_newest(&mut |_, s| {
            if let Some(i) = kinds.iter().position(|k| *k == s.kind)
                && s.date.is_some_and(|d| d >= start && d <= today)
            {
                counts[i] += 1;
            }
            s.created_ms >= stop_ms
        })?;
        Ok(Dashboard { items, month: kinds.into_iter().zip(counts).collect(), month_start: start })
    }
}

use chrono::Datelike;
