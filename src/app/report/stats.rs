//! What a township tells its county (docs/COUNTY.md, "What travels"): for each place it holds
//! records of and each period asked for, the figures its own `report --by village` shows, and the
//! same broken down by category, as integers under their figure ids. Computed from one read of
//! the figures view, rolled once per period by the code every report uses (`from_view::roll`).

use std::collections::{BTreeMap, BTreeSet};

use super::Group;
use super::from_view::roll;
use crate::app::{App, AppError};
use crate::domain::figures::{Counts, Figure, Period, Span};
use crate::domain::{Day, DeviceId, Kind};

/// A period as statistics files and the county's store key it: kind (0 month, 1 quarter,
/// 2 year), year, number (month 1–12, quarter 1–4, 0 for a year).
pub fn period_key(p: &Period) -> crate::store::PeriodKey {
    let (kind, number) = match p.span {
        Span::Month => (0, p.first.month()),
        Span::Quarter => (1, p.first.month().div_ceil(3)),
        Span::Year => (2, 0),
    };
    crate::store::PeriodKey { kind, year: p.first.year().clamp(0, i32::from(u16::MAX)) as u16, number: number as u8 }
}

/// Every month, quarter and year of the previous and the current year that has begun by
/// `today`: what `export --stats-only` sends by default (re-sending it carries every correction).
pub fn default_periods(today: Day) -> Vec<Period> {
    let mut out = Vec::new();
    for year in [today.year() - 1, today.year()] {
        let labels = std::iter::once(year.to_string())
            .chain((1..=4).map(|q| format!("{year}-Q{q}")))
            .chain((1..=12).map(|m| format!("{year}-{m:02}")));
        out.extend(labels.filter_map(|l| Period::parse(&l)).filter(|p| p.first <= today));
    }
    out
}

/// The figures of a place (`None`: its whole) or of one of its categories, by figure id, zeros
/// left out.
pub type StatsFigures = Vec<(u16, u64)>;

/// A place's whole figures (`None`) or one category's.
pub type StatsPart = (Option<(Kind, String)>, StatsFigures);

/// One place's figures for one period: the whole, then by ledger and category code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaceStats {
    /// The place's division code.
    pub division: String,
    /// The period.
    pub period: Period,
    /// `(None, whole)`, then `(Some((ledger, code)), figures)` in order.
    pub rows: Vec<StatsPart>,
}

/// Counts as `(figure id, value)`, zeros left out.
pub fn by_id(c: &Counts) -> StatsFigures {
    Figure::ALL.iter().filter(|f| c.get(**f) > 0).map(|f| (f.id(), c.get(*f))).collect()
}

/// Figures by id as counts (ids this build does not know are skipped: a newer build's figures).
pub fn from_ids(figures: &[(u16, u64)]) -> Counts {
    let mut c = Counts::default();
    for (id, n) in figures {
        if let Some(f) = Figure::from_id(*id) {
            c.add(f, *n);
        }
    }
    c
}

impl App {
    /// The figures of every place this store holds records of, for each of `periods`, as of
    /// `as_of`, with the places' division codes and names (docs/COUNTY.md).
    pub fn place_stats(&self, periods: &[Period], as_of: Day) -> Result<Vec<PlaceStats>, AppError> {
        let places = self.store.places()?;
        // every cell of the periods asked for, read once, without the breakdown by the record
        // a grid comes through (only `--by grid` reads it; it is most of a cell)
        let mut cells = Vec::new();
        if let (Some(first), Some(last)) = (periods.iter().map(|p| p.first).min(), periods.iter().map(|p| p.last).max())
        {
            self.store.each_figure_cell(first, last, &mut |cell| {
                if let Some(mut c) = cell {
                    c.3.by_via = Vec::new();
                    c.3.pending_via = Vec::new();
                    cells.push(c);
                }
                true
            })?;
        }
        let village = |d: DeviceId| places.get(&d).cloned().unwrap_or_default();
        let group = |d: DeviceId, category: Option<(Kind, String)>| Group { village: village(d), grid: None, category };
        let mut out = Vec::new();
        for period in periods {
            let mut by_place: BTreeMap<String, (Counts, Vec<StatsPart>)> = BTreeMap::new();
            for (g, counts) in roll(&cells, *period, as_of, &group).finish() {
                if g.village.is_empty() {
                    tracing::warn!("figures of a device with no known place are left out of the statistics");
                    continue;
                }
                let entry = by_place.entry(g.village).or_default();
                entry.0.merge(&counts);
                entry.1.push((g.category, by_id(&counts)));
            }
            for (division, (whole, mut rows)) in by_place {
                rows.insert(0, (None, by_id(&whole)));
                out.push(PlaceStats { division, period: *period, rows });
            }
        }
        Ok(out)
    }

    /// The division codes and names of `stats`' places, sorted by code, each name at most 40
    /// characters and without control characters (a statistics file's place list).
    pub fn stats_places(&self, stats: &[PlaceStats]) -> Vec<(String, String)> {
        let codes: BTreeSet<&str> = stats.iter().map(|s| s.division.as_str()).collect();
        codes
            .into_iter()
            .map(|c| {
                let name: String = self.place_name(c).chars().filter(|ch| !ch.is_control()).take(40).collect();
                (c.to_string(), name)
            })
            .collect()
    }
}
