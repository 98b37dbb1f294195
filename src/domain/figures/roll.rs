//! Adding contributions up by group over a period, with the two figures that join records:
//! households visited (a visit names its household) and focus residents visited every month
//! (a visit names its household and the people met; a person names a household).

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{Contribution, Counts, Figure, Period};
use crate::domain::day::Day;
use crate::domain::value::EntityId;

/// Figures of one period by group (a village, a grid, a category), as of the report's day.
pub struct Roll<G> {
    period: Period,
    as_of: Day,
    rows: BTreeMap<G, Counts>,
    households: HashMap<EntityId, G>,
    focus: Vec<(G, EntityId, Option<EntityId>)>,
    /// Households visited in the period, with the group of the first visit that named them.
    visited: HashMap<EntityId, G>,
    /// (household, month) and (person, month) pairs of the period's visits.
    seen: HashSet<(EntityId, Day)>,
}

impl<G: Ord + Clone> Roll<G> {
    /// An empty roll for `period`, as of `as_of` (the report's day).
    pub fn new(period: Period, as_of: Day) -> Roll<G> {
        Roll {
            period,
            as_of,
            rows: BTreeMap::new(),
            households: HashMap::new(),
            focus: Vec::new(),
            visited: HashMap::new(),
            seen: HashSet::new(),
        }
    }

    /// The period.
    pub fn period(&self) -> Period {
        self.period
    }

    /// A household held (registered) in `group`.
    pub fn household(&mut self, group: G, id: EntityId) {
        self.rows.entry(group.clone()).or_default().add(Figure::HouseholdsRegistered, 1);
        self.households.insert(id, group);
    }

    /// A focus resident of `group`, living in `household`.
    pub fn focus_resident(&mut self, group: G, id: EntityId, household: Option<EntityId>) {
        self.focus.push((group, id, household));
    }

    /// A record's contribution, counted in `group` when its own date falls in the period.
    pub fn record(&mut self, group: G, c: &Contribution) {
        if !self.period.contains(c.day) {
            return;
        }
        if let Some(v) = &c.visited {
            self.visited(group.clone(), c.day, v.household, &v.met);
        }
        self.rows.entry(group).or_default().merge(&c.counts_on(self.as_of));
    }

    /// A visit (or a month's visits) on `day`, counted in the period when the day falls in it:
    /// the household visited (counted once, in its group, or `group` when the roll does not
    /// hold it) and the people met.
    pub fn visited(&mut self, group: G, day: Day, household: Option<EntityId>, met: &[EntityId]) {
        if !self.period.contains(day) {
            return;
        }
        let month = day.first_of_month();
        if let Some(h) = household {
            self.visited.entry(h).or_insert(group);
            self.seen.insert((h, month));
        }
        self.seen.extend(met.iter().map(|p| (*p, month)));
    }

    /// Counts already summed elsewhere (a view), added to `group`.
    pub fn counts(&mut self, group: G, counts: &Counts) {
        self.rows.entry(group).or_default().merge(counts);
    }

    /// The figures of each group.
    pub fn finish(mut self) -> BTreeMap<G, Counts> {
        for (h, first_group) in std::mem::take(&mut self.visited) {
            let group = self.households.get(&h).cloned().unwrap_or(first_group);
            self.rows.entry(group).or_default().add(Figure::HouseholdsVisited, 1);
        }
        let months = self.period.months_begun(self.as_of);
        for (group, person, household) in std::mem::take(&mut self.focus) {
            let row = self.rows.entry(group).or_default();
            for m in &months {
                row.add(Figure::FocusDue, 1);
                if self.seen.contains(&(person, *m)) || household.is_some_and(|h| self.seen.contains(&(h, *m))) {
                    row.add(Figure::FocusOnSchedule, 1);
                }
            }
        }
        self.rows
    }
}
