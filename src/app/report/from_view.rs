//! The report from the store's figures view (docs/REPORTS.md, "How it is computed"): the
//! figures of each device, ledger and month are read from a few keys, with the due dates of the
//! open records, which are compared with the report's day; no record is folded. By grid, the
//! cells' figures by the record the grid comes through (`Via`) are given the grid the links view
//! resolves now: a household's grid, a person's or visit's household's.

use std::collections::{BTreeMap, HashSet};

use super::{Group, GroupBy, Report, ReportSpec};
use crate::app::{App, AppError};
use crate::domain::figures::{Counts, Figure, Period, Roll, late};
use crate::domain::{Day, DeviceId, EntityId, Kind};
use crate::store::{CellAt, FigureCell, Links, Via};

/// Called with (done, total) as the report reads; false cancels it.
pub(super) type Progress<'a> = &'a dyn Fn(u64, u64) -> bool;

/// The report from the view, every grouping.
pub(super) fn report(app: &App, spec: &ReportSpec, as_of: Day, progress: Progress) -> Result<Report, AppError> {
    if !progress(0, 1) {
        return Err(AppError::Cancelled);
    }
    let places = app.store.places()?;
    let village = |d: DeviceId| places.get(&d).cloned().unwrap_or_default();
    let cells = app.store.figure_cells()?;
    let roll = if spec.by == GroupBy::Grid {
        grid(app, &cells, spec.period, as_of, &village, progress)?
    } else {
        let group = |d: DeviceId, category: Option<(Kind, String)>| -> Group {
            match spec.by {
                GroupBy::Category => Group { category, ..Group::default() },
                _ => Group { village: village(d), ..Group::default() },
            }
        };
        let total = cells.len() as u64;
        let mut done = 0;
        roll_with(&cells, spec.period, as_of, &group, &mut || {
            done += 1;
            progress(done, total)
        })
        .ok_or(AppError::Cancelled)?
    };
    let mut names = BTreeMap::new();
    if let Some(i) = app.identity.as_ref() {
        names.insert(i.division.clone(), i.place.clone());
    }
    Ok(super::compute::finish(app, spec, as_of, roll, &names))
}

/// The grid a record of device `d` counts in, through `via`: its household's grid; when it names
/// none (or one with no grid, or one this store does not hold), the grid of the store that
/// created it if that is this store (`own`), else `""` (docs/REPORTS.md, "Grouping"). The fold
/// (`compute`) and the view resolve grids with this one function.
pub(super) fn grid_via(links: &Links, own: &dyn Fn(DeviceId) -> String, d: DeviceId, via: Via) -> String {
    let h = match via {
        Via::Household(h) => Some(h),
        Via::Person(p) | Via::Visit(p) => links.homes.get(&p).copied(),
        Via::Nothing => None,
    };
    h.and_then(|h| links.grids.get(&h)).filter(|g| !g.is_empty()).cloned().unwrap_or_else(|| own(d))
}

/// The store's own grid for its own device's records (a village store's worker keeps one grid).
pub(super) fn own_grid(app: &App) -> impl Fn(DeviceId) -> String + '_ {
    move |d| app.identity.as_ref().filter(|i| i.device == d).map(|i| i.grid.clone()).unwrap_or_default()
}

/// By grid within each village: the cells' figures by `Via`, the households from the links.
fn grid(
    app: &App,
    cells: &[CellAt],
    period: Period,
    as_of: Day,
    village: &dyn Fn(DeviceId) -> String,
    progress: Progress,
) -> Result<Roll<Group>, AppError> {
    let in_period = |month: &Option<Day>| month.is_some_and(|m| m >= period.first.first_of_month() && m <= period.last);
    // the persons and visits the period's records reach their grid through
    let mut wanted: HashSet<EntityId> = HashSet::new();
    for (_, _, _, cell) in cells.iter().filter(|c| in_period(&c.2)) {
        let vias = cell.by_via.iter().map(|(v, _)| v).chain(cell.pending_via.iter().map(|p| &p.0));
        wanted.extend(vias.filter_map(|v| match v {
            Via::Person(id) | Via::Visit(id) => Some(*id),
            _ => None,
        }));
    }
    let total = cells.len() as u64 + app.store.link_keys();
    let mut done = 0u64;
    let mut tick = || {
        done += 1;
        progress(done, total)
    };
    let links = app.store.links(&|id| wanted.contains(&id), &mut tick)?.ok_or(AppError::Cancelled)?;
    drop(wanted);
    let own = own_grid(app);
    let group = |d: DeviceId, via: Via| Group {
        village: village(d),
        grid: Some(grid_via(&links, &own, d, via)),
        category: None,
    };
    let mut roll: Roll<Group> = Roll::new(period, as_of);
    for h in links.grids.keys() {
        roll.household(group(h.device, Via::Household(*h)), *h);
    }
    for (device, kind, month, cell) in cells {
        if !tick() {
            return Err(AppError::Cancelled);
        }
        let (device, kind) = (*device, *kind);
        match (kind, month) {
            (Kind::Person, None) => {
                for (p, h) in &cell.focus {
                    roll.focus_resident(group(p.device, h.map_or(Via::Nothing, Via::Household)), *p, *h);
                }
            }
            (kind, Some(month)) if in_period(&Some(*month)) => {
                for (via, v) in &cell.by_via {
                    roll.counts(group(device, *via), &FigureCell::counts_of(v));
                }
                for (h, _) in &cell.households {
                    roll.visited(group(device, Via::Household(*h)), *month, Some(*h), &[]);
                }
                let met: Vec<EntityId> = cell.met.iter().map(|(p, _)| *p).collect();
                roll.visited(group(device, Via::Nothing), *month, None, &met);
                for (via, due, rate_due, n) in &cell.pending_via {
                    roll.counts(group(device, *via), &late(kind, *due, *rate_due, as_of, *n));
                }
            }
            _ => {}
        }
    }
    Ok(roll)
}

/// The figures of `period` as of `as_of` from the view's cells, each device's and category's
/// (`None`: the registry's) added to the row `group` names: the report's groupings by village
/// and by category, and the statistics file's village-and-category rows
/// (`app::report::stats`).
#[allow(dead_code)] // the statistics export's (stats.rs); the report itself counts progress
pub(super) fn roll(
    cells: &[CellAt],
    period: Period,
    as_of: Day,
    group: &dyn Fn(DeviceId, Option<(Kind, String)>) -> Group,
) -> Roll<Group> {
    roll_with(cells, period, as_of, group, &mut || true).unwrap_or_else(|| Roll::new(period, as_of))
}

/// [`roll`], calling `tick` once per cell; `None` when it returns false (cancelled).
fn roll_with(
    cells: &[CellAt],
    period: Period,
    as_of: Day,
    group: &dyn Fn(DeviceId, Option<(Kind, String)>) -> Group,
    tick: &mut dyn FnMut() -> bool,
) -> Option<Roll<Group>> {
    let registry = || Some((Kind::Visit, String::new()));
    let mut roll: Roll<Group> = Roll::new(period, as_of);
    for (device, kind, month, cell) in cells {
        if !tick() {
            return None;
        }
        let (device, kind) = (*device, *kind);
        match (kind, month) {
            (Kind::Household, None) => {
                let mut c = Counts::default();
                c.add(Figure::HouseholdsRegistered, cell.registered);
                roll.counts(group(device, registry()), &c);
            }
            (Kind::Person, None) => {
                for (p, h) in &cell.focus {
                    roll.focus_resident(group(p.device, registry()), *p, *h);
                }
            }
            (kind, Some(month)) if *month >= period.first.first_of_month() && *month <= period.last => {
                let month = *month;
                for (category, v) in &cell.counts {
                    let category = if kind == Kind::Visit { registry() } else { Some((kind, category.clone())) };
                    roll.counts(group(device, category), &FigureCell::counts_of(v));
                }
                for (h, _) in &cell.households {
                    roll.visited(group(h.device, registry()), month, Some(*h), &[]);
                }
                let met: Vec<EntityId> = cell.met.iter().map(|(p, _)| *p).collect();
                roll.visited(group(device, registry()), month, None, &met);
                for (category, due, rate_due, n) in &cell.pending {
                    roll.counts(group(device, Some((kind, category.clone()))), &late(kind, *due, *rate_due, as_of, *n));
                }
            }
            _ => {}
        }
    }
    Some(roll)
}
