//! The assessment figures (考核): what each figure counts, and what one record adds to them.
//! Pure: a folded record in, its contribution out; the app groups contributions by village,
//! grid or category and over a period (docs/REPORTS.md defines every figure and formula, in the
//! same order as [`Figure`]). The record's own date (`lifecycle::primary_date`) decides which
//! month it counts in, the same date the dashboard's month counts use, so "received in
//! November" is one number everywhere.
//!
//! A figure is either fixed by the record's events (received, answered on time …) or depends on
//! the day the report is made (overdue): a contribution carries the fixed counts and the dates
//! past which it counts as late ([`Contribution::due`], [`Contribution::rate_due`]), so that the
//! same contribution can be kept in a view and read on any day.

mod contrib;
mod period;
mod roll;
#[cfg(test)]
mod tests;

pub use contrib::{Contribution, FOCUS_TAGS, Visited, contribution, is_focus, late};
pub use period::{Period, Span};
pub use roll::Roll;

use super::value::Kind;

/// One counted figure. Rates are ratios of two of these ([`Rate`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Figure {
    /// Visits (走访次数): visits whose date falls in the period.
    Visits,
    /// Households visited (走访户数): distinct households with a visit in the period.
    HouseholdsVisited,
    /// Households registered (在册户数): every household held (households have no date).
    HouseholdsRegistered,
    /// Focus residents' months due (重点人员应访人次): focus residents × months of the period
    /// begun by the report's day.
    FocusDue,
    /// Of those, months in which a visit met the resident or visited their household.
    FocusOnSchedule,
    /// Demands received in the period.
    DemandsReceived,
    /// Of those, answered (a reply recorded).
    DemandsAnswered,
    /// Of those, due for an answer by the report's day: answered, or unanswered and past due.
    DemandsDueForAnswer,
    /// Of those, answered on or before their due date (`due_on`).
    DemandsOnTime,
    /// Answered demands with at least one follow-up (回访), an unreachable try included.
    DemandsFollowedUp,
    /// Followed-up demands whose resident was reached (a follow-up other than UNREACHABLE).
    DemandsReached,
    /// Of those, the latest reached follow-up SATISFIED or BASIC.
    DemandsSatisfied,
    /// Demands received in the period, unanswered and past due on the report's day.
    DemandsOverdue,
    /// Disputes received in the period.
    DisputesReceived,
    /// Of those, mediated to an agreement (outcome AGREED).
    DisputesAgreed,
    /// Agreed disputes with at least one follow-up.
    DisputesFollowedUp,
    /// Disputes received in the period and overdue on the report's day.
    DisputesOverdue,
    /// Hazards found in the period.
    HazardsFound,
    /// Of those, closed (销号).
    HazardsClosed,
    /// Of those, due for rectification by the report's day: closed, or open and past due.
    HazardsDueForRectification,
    /// Of those, closed by their deadline without a failed review.
    HazardsOnTime,
    /// MAJOR hazards found in the period and still open.
    HazardsMajorOpen,
    /// Hazards found in the period and overdue on the report's day.
    HazardsOverdue,
}

/// How many figures there are.
pub const FIGURES: usize = Figure::HazardsOverdue as usize + 1;

impl Figure {
    /// Every figure, in order.
    pub const ALL: [Figure; FIGURES] = [
        Figure::Visits,
        Figure::HouseholdsVisited,
        Figure::HouseholdsRegistered,
        Figure::FocusDue,
        Figure::FocusOnSchedule,
        Figure::DemandsReceived,
        Figure::DemandsAnswered,
        Figure::DemandsDueForAnswer,
        Figure::DemandsOnTime,
        Figure::DemandsFollowedUp,
        Figure::DemandsReached,
        Figure::DemandsSatisfied,
        Figure::DemandsOverdue,
        Figure::DisputesReceived,
        Figure::DisputesAgreed,
        Figure::DisputesFollowedUp,
        Figure::DisputesOverdue,
        Figure::HazardsFound,
        Figure::HazardsClosed,
        Figure::HazardsDueForRectification,
        Figure::HazardsOnTime,
        Figure::HazardsMajorOpen,
        Figure::HazardsOverdue,
    ];

    /// The ledger the figure belongs to (visits and the registry: `Visit`).
    pub fn ledger(self) -> Kind {
        use Figure::*;
        match self {
            Visits | HouseholdsVisited | HouseholdsRegistered | FocusDue | FocusOnSchedule => Kind::Visit,
            DemandsReceived | DemandsAnswered | DemandsDueForAnswer | DemandsOnTime | DemandsFollowedUp
            | DemandsReached | DemandsSatisfied | DemandsOverdue => Kind::Demand,
            DisputesReceived | DisputesAgreed | DisputesFollowedUp | DisputesOverdue => Kind::Dispute,
            HazardsFound
            | HazardsClosed
            | HazardsDueForRectification
            | HazardsOnTime
            | HazardsMajorOpen
            | HazardsOverdue => Kind::Hazard,
        }
    }

    /// The figure's name in JSON and the suffix of its catalogue keys (`report.fig.NAME`,
    /// `report.def.NAME`).
    pub fn name(self) -> &'static str {
        use Figure::*;
        match self {
            Visits => "visits",
            HouseholdsVisited => "households_visited",
            HouseholdsRegistered => "households_registered",
            FocusDue => "focus_due",
            FocusOnSchedule => "focus_on_schedule",
            DemandsReceived => "demands_received",
            DemandsAnswered => "demands_answered",
            DemandsDueForAnswer => "demands_due_for_answer",
            DemandsOnTime => "demands_on_time",
            DemandsFollowedUp => "demands_followed_up",
            DemandsReached => "demands_reached",
            DemandsSatisfied => "demands_satisfied",
            DemandsOverdue => "demands_overdue",
            DisputesReceived => "disputes_received",
            DisputesAgreed => "disputes_agreed",
            DisputesFollowedUp => "disputes_followed_up",
            DisputesOverdue => "disputes_overdue",
            HazardsFound => "hazards_found",
            HazardsClosed => "hazards_closed",
            HazardsDueForRectification => "hazards_due_for_rectification",
            HazardsOnTime => "hazards_on_time",
            HazardsMajorOpen => "hazards_major_open",
            HazardsOverdue => "hazards_overdue",
        }
    }
}

/// The version of the figure-id table ([`Figure::id`]) this build writes into statistics files
/// (docs/REPORTS.md, "Figure ids"; docs/COUNTY.md).
pub const DEFINITIONS: u16 = 1;

impl Figure {
    /// The figure's number in statistics files, for ever (docs/REPORTS.md, "Figure ids"): the
    /// table only grows at its end, and a figure whose definition changes gets a new number.
    pub fn id(self) -> u16 {
        self as u16 + 1
    }

    /// The figure numbered `id` ([`Figure::id`]); `None` for a number this build does not know.
    pub fn from_id(id: u16) -> Option<Figure> {
        Figure::ALL.get(usize::from(id.checked_sub(1)?)).copied()
    }

    /// The figure this one counts a part of, in the same row (answered demands are among those
    /// received): a row where a part exceeds its whole was not computed by these definitions.
    pub fn within(self) -> Option<Figure> {
        use Figure::*;
        Some(match self {
            FocusOnSchedule => FocusDue,
            DemandsAnswered | DemandsDueForAnswer | DemandsOverdue => DemandsReceived,
            DemandsOnTime => DemandsDueForAnswer,
            DemandsFollowedUp => DemandsAnswered,
            DemandsReached => DemandsFollowedUp,
            DemandsSatisfied => DemandsReached,
            DisputesAgreed | DisputesOverdue => DisputesReceived,
            DisputesFollowedUp => DisputesAgreed,
            HazardsClosed | HazardsDueForRectification | HazardsMajorOpen | HazardsOverdue => HazardsFound,
            HazardsOnTime => HazardsDueForRectification,
            _ => return None,
        })
    }
}

/// A rate: a figure as a share of another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rate {
    /// Its name in JSON and catalogue keys.
    pub name: &'static str,
    /// What is counted.
    pub num: Figure,
    /// Out of what.
    pub den: Figure,
}

/// The rates of the report, in ledger order.
pub const RATES: [Rate; 7] = [
    Rate { name: "households_visited_rate", num: Figure::HouseholdsVisited, den: Figure::HouseholdsRegistered },
    Rate { name: "focus_on_schedule_rate", num: Figure::FocusOnSchedule, den: Figure::FocusDue },
    Rate { name: "demands_on_time_rate", num: Figure::DemandsOnTime, den: Figure::DemandsDueForAnswer },
    Rate { name: "demands_followed_up_rate", num: Figure::DemandsFollowedUp, den: Figure::DemandsAnswered },
    Rate { name: "demands_satisfied_rate", num: Figure::DemandsSatisfied, den: Figure::DemandsReached },
    Rate { name: "disputes_agreed_rate", num: Figure::DisputesAgreed, den: Figure::DisputesReceived },
    Rate { name: "hazards_on_time_rate", num: Figure::HazardsOnTime, den: Figure::HazardsDueForRectification },
];

/// Counts of every figure.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Counts(pub [u64; FIGURES]);

impl Counts {
    /// One figure.
    pub fn get(&self, f: Figure) -> u64 {
        self.0[f as usize]
    }
    /// Adds `n` to one figure.
    pub fn add(&mut self, f: Figure, n: u64) {
        self.0[f as usize] += n;
    }
    /// Adds every figure of `other`.
    pub fn merge(&mut self, other: &Counts) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += b;
        }
    }
    /// A rate in percent, `None` when nothing was due (0 of 0 is no rate).
    pub fn rate(&self, r: Rate) -> Option<f64> {
        let den = self.get(r.den);
        (den > 0).then(|| 100.0 * self.get(r.num) as f64 / den as f64)
    }
    /// Whether every figure is 0.
    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|n| *n == 0)
    }
}
